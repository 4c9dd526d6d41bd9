"""Advertising the endpoints: their absolute URLs for a request, and the response headers.

The URLs come from reversing ``PINGBACK_URL_NAME`` (and ``PINGBACK_WEBMENTION_URL_NAME``),
on a host of the site's: the request's own when it is one (``pingcore.hosts``), else the
first of ``PINGBACK_HOSTS``/``ALLOWED_HOSTS``. A Host header the site does not know is
never written into a page, where a shared cache would serve it to everyone.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, reverse

from .conf import pingback_settings
from .targets import site_hosts

__all__ = ["add_endpoint_headers", "pingback_url", "webmention_url"]


def _origin(request: HttpRequest) -> str | None:
    """``scheme://host`` of a host of this site for this request, or None."""
    host = request.get_host()
    here = f"{request.scheme}://{host}/"
    hosts = site_hosts()
    if hosts.owns(here, request_host=host, remote_addr=request.META.get("REMOTE_ADDR")):
        return here[:-1]
    first = hosts.first_host()
    return f"{request.scheme}://{first}" if first else None


def _absolute(request: HttpRequest, url_name: str) -> str:
    origin = _origin(request)
    if not origin:
        return ""
    try:
        return origin + reverse(url_name)
    except NoReverseMatch:
        return ""  # check W003 names the setting; the page itself still renders


def pingback_url(request: HttpRequest) -> str:
    """The Pingback endpoint's absolute URL ("" when no host of the site is known)."""
    return _absolute(request, pingback_settings.url_name)


def webmention_url(request: HttpRequest) -> str:
    return _absolute(request, pingback_settings.webmention_url_name)


def add_endpoint_headers(request: HttpRequest, response: HttpResponseBase) -> None:
    """``X-Pingback``, and with ``PINGBACK_WEBMENTION`` a ``Link`` with rel="webmention"."""
    endpoint = pingback_url(request)
    if not endpoint:
        return
    response.headers["X-Pingback"] = endpoint
    if pingback_settings.webmention:
        link = f'<{webmention_url(request)}>; rel="webmention"'
        existing = response.headers.get("Link")
        response.headers["Link"] = f"{existing}, {link}" if existing else link
