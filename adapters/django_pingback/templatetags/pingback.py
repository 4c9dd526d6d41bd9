"""``{% load pingback %}``: the endpoints' absolute URLs, or the ``<link>`` elements that name them.

``{% pingback_link %}`` is what a base template wants; ``{% pingback_url %}``
and ``{% webmention_url %}`` are for templates that write their own markup.
``{% mentions obj_or_url %}`` shows a page's approved mentions (storage app).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django import template
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.context import Context
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from pingcore.display import MentionsDisplay, ShownMention, display_mentions

from .. import endpoints
from ..conf import pingback_settings

__all__ = ["mentions", "pingback_link", "pingback_url", "register", "webmention_url"]

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


def _page_url(context: Context, obj_or_url: Any) -> str:
    url = obj_or_url if isinstance(obj_or_url, str) else obj_or_url.get_absolute_url()
    # Rows hold absolute URLs; a path is made absolute the way the page was asked for.
    if url.startswith("/"):
        url = _request(context).build_absolute_uri(url)
    return str(url)


def _rendered(shown: ShownMention) -> ShownMention:
    # content_html was sanitized by display_mentions a moment ago: the one raw value.
    return dataclasses.replace(shown, content_html=mark_safe(shown.content_html))


@register.inclusion_tag("django_pingback/mentions.html", takes_context=True)
def mentions(context: Context, obj_or_url: Any) -> dict[str, MentionsDisplay]:
    """The approved mentions of a page (an object with ``get_absolute_url`` or a URL)."""
    if not apps.is_installed("django_pingback.storage"):
        raise ImproperlyConfigured(
            '{% mentions %} shows stored mentions: add "django_pingback.storage" to INSTALLED_APPS.'
        )
    from ..storage.models import Pingback
    from ..storage.stores import stored_mention

    rows = Pingback.objects.approved().for_target(_page_url(context, obj_or_url))
    shown = display_mentions(stored_mention(row) for row in rows)
    return {
        "mentions": MentionsDisplay(
            comments=tuple(_rendered(m) for m in shown.comments),
            facepiles=tuple(
                dataclasses.replace(pile, mentions=tuple(_rendered(m) for m in pile.mentions))
                for pile in shown.facepiles
            ),
        )
    }
