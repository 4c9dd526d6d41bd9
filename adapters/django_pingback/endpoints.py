"""Advertising the endpoints: their absolute URLs for a request, and the response headers.

The URLs come from reversing ``PINGBACK_URL_NAME`` (and ``PINGBACK_WEBMENTION_URL_NAME``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse

from .conf import pingback_settings

__all__ = ["add_endpoint_headers", "pingback_url", "webmention_url"]


def pingback_url(request: HttpRequest) -> str:
    """The Pingback endpoint's absolute URL (the protocol requires a scheme and host)."""
    return request.build_absolute_uri(reverse(pingback_settings.url_name))


def webmention_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse(pingback_settings.webmention_url_name))


def add_endpoint_headers(request: HttpRequest, response: HttpResponseBase) -> None:
    """``X-Pingback``, and with ``PINGBACK_WEBMENTION`` a ``Link`` with rel="webmention"."""
    response.headers["X-Pingback"] = pingback_url(request)
    if pingback_settings.webmention:
        link = f'<{webmention_url(request)}>; rel="webmention"'
        existing = response.headers.get("Link")
        response.headers["Link"] = f"{existing}, {link}" if existing else link
