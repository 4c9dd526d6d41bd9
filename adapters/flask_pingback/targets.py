"""What Flask knows of an app's pages, for the core's ``Site``: its url_map and a GET of a page.

The rules (whose host, which redirect, what exists, the canonical URL) are
pingcore's (``pingcore.site``); this module asks the app's url_map which view
a path routes to, and the app itself what a GET of the path answers.
"""

from __future__ import annotations

import logging
import weakref
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect
from werkzeug.test import EnvironBuilder, run_wsgi_app

from pingcore import HostPattern, PageMatch, Probe, Site, SiteHosts, Target

__all__ = ["FlaskPages", "HostPattern", "app_hosts", "resolve_target", "site_for"]

logger = logging.getLogger("flask_pingback")

# The extension's own rules: they exist, but take no pings.
ENDPOINTS = frozenset({"pingback.xmlrpc", "pingback.webmention"})


def app_hosts(app: Flask, configured: tuple[HostPattern, ...]) -> SiteHosts:
    """``PINGBACK_HOSTS`` and ``SERVER_NAME``; with ``TRUSTED_HOSTS``, the request's host too.

    Flask refuses a request for a host outside ``TRUSTED_HOSTS``, so the host a
    request was sent to is then one of the app's.
    """
    patterns = list(configured)
    if app.url_map.host_matching:
        # Such an app names its hosts in its rules.
        for rule in app.url_map.iter_rules():
            if rule.host and "<" not in rule.host:
                patterns.append(HostPattern.parse(rule.host))
    server_name = app.config.get("SERVER_NAME")
    if server_name and isinstance(server_name, str):
        try:
            patterns.append(HostPattern.parse(server_name, subdomains=app.subdomain_matching))
        except ValueError:
            pass  # no host Flask could serve either
    return SiteHosts(patterns, trust_request_host=bool(app.config.get("TRUSTED_HOSTS")))


_warned_apps: weakref.WeakSet[Flask] = weakref.WeakSet()


def warn_unconfigured(app: Flask, request_host: str | None, remote_addr: str | None) -> None:
    """Say once per app which settings make its hosts known (a local ping needs none)."""
    if app in _warned_apps or not app.extensions["pingback"].hosts.unconfigured:
        return
    if request_host and app.extensions["pingback"].hosts.owns(
        f"http://{request_host}/", request_host=request_host, remote_addr=remote_addr
    ):
        return  # local development: a request from this machine to a loopback host
    _warned_apps.add(app)
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


class FlaskPages:
    """One app's url_map and WSGI app, as ``pingcore.site.SitePages``."""

    def __init__(self, app: Flask, script_root: str = "") -> None:
        self.app = app
        self.root = script_root.rstrip("/")

    def _environ(self, url: str, path: str, method: str) -> dict[str, object]:
        parts = urlsplit(url)
        builder = EnvironBuilder(
            path=path,
            # The core has checked the netloc: a host of the app's and a port.
            base_url=f"{parts.scheme}://{parts.netloc}{self.root}",
            method=method,
        )
        try:
            return builder.get_environ()
        finally:
            builder.close()

    def match(self, url: str, path: str) -> PageMatch | None:
        environ = self._environ(url, path, "GET")
        try:
            # Flask's own adapter for a request to the page: host matching, subdomain
            # matching and TRUSTED_HOSTS apply to a target as they would to a visitor.
            adapter = self.app.create_url_adapter(self.app.request_class(environ))
        except HTTPException:
            return None
        if adapter is None:
            return None
        try:
            endpoint, view_args = adapter.match(method="GET")
        except MethodNotAllowed:
            # A POST-only rule: the endpoints themselves exist, but take no pings.
            try:
                endpoint, _ = adapter.match(method="POST")
            except HTTPException:
                return None
            return PageMatch(None, takes_pings=False) if endpoint in ENDPOINTS else None
        except (RequestRedirect, HTTPException):
            return None  # the probe follows the redirect; a 404 is no page
        endpoint = str(endpoint)
        view = self.app.view_functions.get(endpoint)
        if view is None:
            return None
        is_static = endpoint.rpartition(".")[2] == "static"
        return PageMatch(view, kwargs=dict(view_args), takes_pings=not is_static)

    def probe(self, url: str, path: str) -> Probe:
        """A GET of the page through the app, as a visitor's would be."""
        environ = self._environ(url, path, "GET")
        try:
            body, status, headers = run_wsgi_app(self.app.wsgi_app, environ, buffered=True)
        except Exception:
            logger.exception("a GET of %r failed while checking a ping's target", url)
            return Probe(500)
        try:
            code = int(status.split(" ", 1)[0])
            location = headers.get("Location") if 300 <= code < 400 else None
            return Probe(code, location)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()


def site_for(
    app: Flask, hosts: SiteHosts, *, script_root: str = "", targets: str = "pages"
) -> Site:
    return Site(hosts, FlaskPages(app, script_root), script_prefix=script_root, targets=targets)


def resolve_target(
    app: Flask,
    target_url: str,
    hosts: SiteHosts,
    *,
    request_host: str | None = None,
    remote_addr: str | None = None,
    script_root: str = "",
) -> Target:
    """The ``Target`` a ping names; raises ``TargetNotFound`` (32) or ``UnpingableTarget`` (33)."""
    warn_unconfigured(app, request_host, remote_addr)
    site = site_for(app, hosts, script_root=script_root)
    return site.resolve(target_url, request_host=request_host, remote_addr=remote_addr)
