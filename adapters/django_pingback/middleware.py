"""A middleware for sites where every page takes pings: the endpoint headers on each HTML page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

from .endpoints import add_endpoint_headers

__all__ = ["PingbackHeadersMiddleware"]


class PingbackHeadersMiddleware(MiddlewareMixin):
    """Adds ``X-Pingback`` (and Webmention's ``Link``) to successful HTML responses.

    Responses that carry ``X-Pingback`` already (``@pingback_headers``) are left as they are.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        is_html = response.headers.get("Content-Type", "").startswith("text/html")
        if response.status_code == 200 and is_html and "X-Pingback" not in response.headers:
            add_endpoint_headers(request, response)
        return response
