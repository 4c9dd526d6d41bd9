"""Telling visitors where the endpoints are: the X-Pingback and Link headers, and template helpers.

``pingable`` marks a view; the extension's after-request hook adds the headers to its pages.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for
from markupsafe import Markup

from pingcore import pingable
from pingcore.site import is_pingable

__all__ = [
    "is_pingable",
    "pingable",
    "pingback_link",
    "pingback_url",
    "webmention_url",
]

XMLRPC_ENDPOINT = "pingback.xmlrpc"
WEBMENTION_ENDPOINT = "pingback.webmention"


def webmention_enabled() -> bool:
    return current_app.extensions["pingback"].webmention is not None


def _absolute(endpoint: str) -> str:
    """The endpoint's URL on a host of the app's, never on a Host header it does not know.

    The request's host when it is one of the app's; else the first configured
    host; else "" (nothing to advertise). A shared cache may serve the page to
    everyone, so a forged Host must not reach it.
    """
    if not has_request_context():
        return url_for(endpoint, _external=True)  # SERVER_NAME builds it
    hosts = current_app.extensions["pingback"].hosts
    if hosts.owns(request.host_url, request_host=request.host, remote_addr=request.remote_addr):
        return url_for(endpoint, _external=True)
    first = hosts.first_host()
    if first is None:
        return ""
    return f"{request.scheme}://{first}{url_for(endpoint)}"


def pingback_url() -> str:
    """The absolute URL of this app's Pingback (XML-RPC) endpoint ("" on a foreign host)."""
    return _absolute(XMLRPC_ENDPOINT)


def webmention_url() -> str:
    """The absolute URL of this app's Webmention endpoint (with PINGBACK_WEBMENTION on)."""
    if not webmention_enabled():
        raise RuntimeError("Webmention is off for this app: set PINGBACK_WEBMENTION = True.")
    return _absolute(WEBMENTION_ENDPOINT)


def pingback_link() -> Markup:
    """The ``<link>`` elements for a page's ``<head>``: Pingback, and Webmention when on."""
    links = [("pingback", pingback_url())]
    if webmention_enabled():
        links.append(("webmention", webmention_url()))
    tag = Markup('<link rel="{}" href="{}">')
    return Markup("\n").join(tag.format(rel, href) for rel, href in links if href)


def advertising_headers() -> list[tuple[str, str]]:
    """The headers that advertise the endpoints on a page's response."""
    headers = [("X-Pingback", pingback_url())]
    if webmention_enabled():
        headers.append(("Link", f'<{webmention_url()}>; rel="webmention"'))
    return headers
