"""Which page of a Flask app a target URL names: the URL matched against the app's url_map.

A target is a page of the app when its host is the app's and a GET rule matches its path.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.test import EnvironBuilder

from pingcore.errors import UnpingableTarget
from pingcore.server import Target

__all__ = ["resolve_target"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _host_and_port(netloc: str, scheme: str) -> tuple[str, int] | None:
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    return (host, port or _DEFAULT_PORTS[scheme]) if host else None


def is_own_host(app: Flask, target_url: str, request_host: str | None) -> bool:
    """True when the target's host (and port) is this app's.

    The app's host is ``SERVER_NAME`` when it is set (with ``subdomain_matching``
    its subdomains too), otherwise the host the ping was sent to. An app with
    ``host_matching`` names its hosts in its rules, so the url_map decides.
    """
    if app.url_map.host_matching:
        return True
    parts = urlsplit(target_url)
    scheme = parts.scheme.lower()
    target = _host_and_port(parts.netloc.rpartition("@")[2], scheme)
    own_netloc = app.config["SERVER_NAME"] or request_host
    own = _host_and_port(own_netloc, scheme) if own_netloc else None
    if target is None or own is None or target[1] != own[1]:
        return False
    if target[0] == own[0]:
        return True
    return bool(
        app.subdomain_matching and app.config["SERVER_NAME"] and target[0].endswith("." + own[0])
    )


def _match(app: Flask, target_url: str, script_root: str) -> tuple[str, dict[str, object]]:
    """The endpoint and view_args of a GET on ``target_url``; raises what routing raises."""
    parts = urlsplit(target_url)
    path = parts.path or "/"
    root = script_root.rstrip("/")
    if root:
        if path != root and not path.startswith(root + "/"):
            raise LookupError("outside the app's script root")
        path = path[len(root) :] or "/"
    builder = EnvironBuilder(
        path=path,
        query_string=parts.query,
        base_url=f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{root}",
        method="GET",
    )
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    # Flask's own adapter for a request to the target: host matching, subdomain
    # matching and TRUSTED_HOSTS apply to a target as they would to a visitor.
    adapter = app.create_url_adapter(app.request_class(environ))
    if adapter is None:
        raise LookupError("no URL adapter")
    endpoint, view_args = adapter.match(method="GET")
    return str(endpoint), dict(view_args)


def resolve_target(
    app: Flask,
    target_url: str,
    *,
    request_host: str | None = None,
    script_root: str = "",
) -> Target | None:
    """The ``Target`` a ping names, or None when the URL is no page of ``app``.

    ``Target.url`` stays ``target_url``, the URL the source links to. A URL that
    the app redirects (a missing trailing slash, merged slashes, a rule's
    ``redirect_to``) names the page it redirects to, when that page is of this
    app: the view and kwargs are that page's. One redirect is followed, no more.
    Raises ``UnpingableTarget`` for a static file: it exists, but takes no pings.
    (The endpoints themselves take only POST, so they are no page: None.)
    """
    url = target_url
    for _ in range(2):
        if not is_own_host(app, url, request_host):
            return None
        try:
            endpoint, view_args = _match(app, url, script_root)
        except RequestRedirect as redirect:
            url = redirect.new_url
            continue
        except (HTTPException, LookupError):
            # NotFound, MethodNotAllowed (a POST-only rule), SecurityError (a host
            # outside TRUSTED_HOSTS), a path outside the app's script root.
            return None
        if endpoint.rpartition(".")[2] == "static":
            raise UnpingableTarget()
        view = app.view_functions.get(endpoint)
        if view is None:
            return None
        return Target(target_url, view=view, args=(), kwargs=view_args)
    return None
