"""The moderation queue (pings newest first, approved or rejected in bulk) and the send history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pingcore.urls import is_http_url

from .models import Pingback, SentPing

# ModelAdmin is generic only in django-stubs; at run time it takes no subscript.
if TYPE_CHECKING:
    PingbackModelAdmin = admin.ModelAdmin[Pingback]
    SentPingModelAdmin = admin.ModelAdmin[SentPing]
else:
    PingbackModelAdmin = SentPingModelAdmin = admin.ModelAdmin


def _link(url: str, text: str) -> SafeString | str:
    # Only http(s) becomes a link: a page's "javascript:" URL stays inert text.
    if not is_http_url(url):
        return text or url
    return format_html('<a href="{}" rel="nofollow noopener noreferrer">{}</a>', url, text or url)


@admin.register(Pingback)
class PingbackAdmin(PingbackModelAdmin):
    list_display = [
        "source_url",
        "target_url",
        "author_link",
        "kind",
        "protocol",
        "approved",
        "created",
    ]
    list_filter = ["approved", "protocol", "kind", "created"]
    search_fields = ["source_url", "target_url", "title", "author", "excerpt", "author_url"]
    readonly_fields = ["remote_addr", "created", "updated"]
    date_hierarchy = "created"
    actions = ["approve", "reject"]

    @admin.display(description=_("author"), ordering="author")
    def author_link(self, pingback: Pingback) -> SafeString | str:
        """The author's name, linked to the author's URL when that is a web page."""
        return _link(pingback.author_url, pingback.author)

    @admin.action(description=_("Approve selected pingbacks"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Pingback]) -> None:
        count = queryset.update(approved=True)
        self.message_user(
            request,
            ngettext("%d pingback approved.", "%d pingbacks approved.", count) % count,
            messages.SUCCESS,
        )

    # A rejected ping stays stored, unapproved, so that the same ping sent again
    # is a duplicate rather than a new entry in the queue; delete to forget it.
    @admin.action(description=_("Reject selected pingbacks"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Pingback]) -> None:
        count = queryset.update(approved=False)
        self.message_user(
            request,
            ngettext("%d pingback rejected.", "%d pingbacks rejected.", count) % count,
            messages.SUCCESS,
        )


@admin.register(SentPing)
class SentPingAdmin(SentPingModelAdmin):
    list_display = [
        "source_url",
        "target_url",
        "protocol",
        "outcome",
        "reason",
        "attempts",
        "last_tried",
        "retry_at",
        "linked",
    ]
    list_filter = ["protocol", "outcome", "linked", "last_tried"]
    search_fields = ["source_url", "target_url", "reason"]
    date_hierarchy = "last_tried"
