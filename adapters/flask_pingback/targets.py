"""Which page of a Flask app a target URL names: the URL matched against the app's url_map.

A target is a page of the app when its host is one the app is configured for and a GET
rule matches its path. The Host header a pinger sends never makes a host the app's.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.test import EnvironBuilder

from pingcore.errors import UnpingableTarget
from pingcore.server import Target
from pingcore.urls import DEFAULT_PORTS

__all__ = ["HostPattern", "OwnHosts", "is_own_host", "resolve_target"]

logger = logging.getLogger("flask_pingback")


def _split_netloc(netloc: str) -> tuple[str, int | None] | None:
    """The host (lower case, no trailing dot) and port of ``host[:port]``; None if it is not one."""
    if not netloc or any(char in netloc for char in "@/\\?#") or not netloc.isprintable():
        return None
    if any(char.isspace() for char in netloc):
        return None
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    return (host, port) if host else None


@dataclass(frozen=True)
class HostPattern:
    """A host of the app: exact, or a domain with its subdomains (``.example.com``).

    ``port`` None means the default port of the target's scheme (80 for http,
    443 for https), as a ``SERVER_NAME`` without a port does.
    """

    host: str
    port: int | None = None
    subdomains: bool = False

    @classmethod
    def parse(cls, value: str, *, subdomains: bool = False) -> HostPattern:
        """``blog.example``, ``blog.example:8080``, ``[::1]:5000`` or ``.example.com``."""
        text = value.strip()
        if text.startswith("."):
            subdomains, text = True, text[1:]
        address = _split_netloc(text)
        if address is None or address[1] == 0:
            raise ValueError(f"{value!r} is no host name with an optional port")
        return cls(address[0], address[1], subdomains)

    def matches(self, host: str, port: int, scheme: str) -> bool:
        if port != (self.port if self.port is not None else DEFAULT_PORTS[scheme]):
            return False
        return host == self.host or (self.subdomains and host.endswith("." + self.host))


def target_address(url: str) -> tuple[str, int, str] | None:
    """The host, port and scheme a URL names; None for one that names them ambiguously.

    Credentials and backslashes are refused: browsers and parsers disagree on
    which host ``http://blog.example\\@evil.example/`` names.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return None
    address = _split_netloc(parts.netloc)
    if address is None:
        return None
    host, port = address
    # Port 0 is no default: it names no page at all, so it matches no host's port.
    return host, (port if port is not None else DEFAULT_PORTS[scheme]), scheme


def _is_loopback_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_loopback_address(remote_addr: str | None) -> bool:
    try:
        address = ipaddress.ip_address((remote_addr or "").split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


class OwnHosts:
    """Which hosts are the app's, as Django's ``ALLOWED_HOSTS`` says which are a site's.

    A host is the app's when it matches ``SERVER_NAME`` (its subdomains too with
    ``subdomain_matching``) or an entry of ``PINGBACK_HOSTS``; or, when Flask's
    ``TRUSTED_HOSTS`` is set (Flask then refuses a request for any other host),
    when it is the host the request was sent to. With none of them set, only a
    request sent from this machine to a loopback host (local development and
    tests) makes its host the app's; anything else is refused, with a warning
    logged once per app. One per app, built by ``init_app``.
    """

    def __init__(self, hosts: Iterable[HostPattern] = ()) -> None:
        self.hosts = tuple(hosts)
        self._warned = False

    def patterns(
        self, app: Flask, request_host: str | None, remote_addr: str | None
    ) -> tuple[HostPattern, ...]:
        """The hosts that count as the app's for a request to ``request_host``."""
        patterns = list(self.hosts)
        server_name = app.config["SERVER_NAME"]
        if server_name and isinstance(server_name, str):
            try:
                patterns.append(HostPattern.parse(server_name, subdomains=app.subdomain_matching))
            except ValueError:
                pass  # no host Flask could serve either; the warning below says what to set
        request_address = _split_netloc(request_host) if request_host else None
        if request_address is not None and app.config["TRUSTED_HOSTS"]:
            patterns.append(HostPattern(*request_address))
        if patterns:
            return tuple(patterns)
        if (
            request_address is not None
            and _is_loopback_host(request_address[0])
            and _is_loopback_address(remote_addr)
        ):
            return (HostPattern(*request_address),)
        self._warn(app, request_host)
        return ()

    def _warn(self, app: Flask, request_host: str | None) -> None:
        if self._warned:
            return
        self._warned = True
        logger.warning(
            "flask_pingback on %r does not know its own hosts and does not take a Host "
            "header (here %r) for one: pings for its pages get fault 32 and its pages "
            "advertise no endpoint, except for requests from this machine to a loopback "
            "host. Set SERVER_NAME (app.config['SERVER_NAME'] = 'blog.example') or "
            "PINGBACK_HOSTS (['blog.example', '.example.com']) to the hosts the site is "
            "served on, or Flask's TRUSTED_HOSTS.",
            app.name,
            request_host,
        )


def is_own_host(
    app: Flask,
    url: str,
    hosts: OwnHosts,
    *,
    request_host: str | None = None,
    remote_addr: str | None = None,
) -> bool:
    """True when the URL's host and port are this app's (see ``OwnHosts``).

    An app with ``host_matching`` names its hosts in its rules, so the url_map
    decides.
    """
    address = target_address(url)
    if address is None:
        return False
    if app.url_map.host_matching:
        return True
    return any(
        pattern.matches(*address) for pattern in hosts.patterns(app, request_host, remote_addr)
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
        # is_own_host has checked the netloc: a host and a port, no credentials.
        base_url=f"{parts.scheme}://{parts.netloc}{root}",
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
    hosts: OwnHosts,
    *,
    request_host: str | None = None,
    remote_addr: str | None = None,
    script_root: str = "",
) -> Target | None:
    """The ``Target`` a ping names, or None when the URL is no page of ``app``.

    ``hosts`` says which hosts are the app's; ``request_host`` and
    ``remote_addr`` are the ping request's (see ``OwnHosts``).

    ``Target.url`` stays ``target_url``, the URL the source links to. A URL that
    the app redirects (a missing trailing slash, merged slashes, a rule's
    ``redirect_to``) names the page it redirects to, when that page is of this
    app: the view and kwargs are that page's. One redirect is followed, no more.
    Raises ``UnpingableTarget`` for a static file: it exists, but takes no pings.
    (The endpoints themselves take only POST, so they are no page: None.)
    """
    url = target_url
    for _ in range(2):
        if not is_own_host(app, url, hosts, request_host=request_host, remote_addr=remote_addr):
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
