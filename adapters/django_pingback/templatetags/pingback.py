"""``{% load pingback %}``: the endpoints' absolute URLs, or the ``<link>`` elements that name them.

``{% pingback_link %}`` is what a base template wants; ``{% pingback_url %}``
and ``{% webmention_url %}`` are for templates that write their own markup.
"""

from __future__ import annotations

from django import template
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.context import Context
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from .. import endpoints
from ..conf import pingback_settings

__all__ = ["pingback_link", "pingback_url", "register", "webmention_url"]

register = template.Library()


def _request(context: Context) -> HttpRequest:
    # A RequestContext (render(request, ...)) carries the request even without
    # the "request" context processor.
    request = getattr(context, "request", None) or context.get("request")
    if request is None:
        raise ImproperlyConfigured(
            "The pingback template tags make an absolute URL from the request: "
            "render the template with the request, e.g. render(request, ...)."
        )
    return request  # type: ignore[no-any-return]


@register.simple_tag(takes_context=True)
def pingback_url(context: Context) -> str:
    """The Pingback endpoint's absolute URL."""
    return endpoints.pingback_url(_request(context))


@register.simple_tag(takes_context=True)
def webmention_url(context: Context) -> str:
    """The Webmention endpoint's absolute URL."""
    return endpoints.webmention_url(_request(context))


@register.simple_tag(takes_context=True)
def pingback_link(context: Context) -> SafeString:
    """``<link rel="pingback">``, and ``<link rel="webmention">`` with ``PINGBACK_WEBMENTION``."""
    request = _request(context)
    links = [("pingback", endpoints.pingback_url(request))]
    if pingback_settings.webmention:
        links.append(("webmention", endpoints.webmention_url(request)))
    # No host of the site's is known for this request: nothing to advertise.
    shown = [(rel, href) for rel, href in links if href]
    return format_html_join("\n", '<link rel="{}" href="{}">', shown)
