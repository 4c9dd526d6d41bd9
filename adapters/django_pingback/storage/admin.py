"""The moderation queue: pings listed newest first, approved or rejected in bulk."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Pingback


@admin.register(Pingback)
class PingbackAdmin(admin.ModelAdmin):
    list_display = ["source_url", "target_url", "author", "protocol", "approved", "created"]
    list_filter = ["approved", "protocol", "created"]
    search_fields = ["source_url", "target_url", "title", "author", "excerpt"]
    readonly_fields = ["remote_addr", "created", "updated"]
    date_hierarchy = "created"
    actions = ["approve", "reject"]

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
