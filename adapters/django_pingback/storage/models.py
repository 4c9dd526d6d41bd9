"""The storage app's tables: stored pings, the send history, shared rate-limit counters.

A pair of URLs is stored once; a repeated Webmention updates its row (the
rules are pingcore.storage's, applied through ``ModelMentionStore``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingcore import storage as core_storage
from pingcore.urls import MAX_URL_LENGTH, normalize_url

__all__ = ["MAX_URL_LENGTH", "Pingback", "PingbackQuerySet", "RateLimitCounter", "SentPing"]


class PingbackQuerySet(models.QuerySet["Pingback"]):
    """What a page shows: ``Pingback.objects.approved().for_target(url).of_kind("reply")``."""

    def approved(self) -> PingbackQuerySet:
        return self.filter(approved=True)

    def for_target(self, url: str) -> PingbackQuerySet:
        # Rows hold the canonical URL; a caller may hold the page's own spelling of it.
        return self.filter(target_url__in=sorted({url, normalize_url(url)}))

    def of_kind(self, *kinds: str) -> PingbackQuerySet:
        return self.filter(kind__in=kinds)


class Pingback(models.Model):
    class Protocol(models.TextChoices):
        PINGBACK = "pingback", "Pingback"
        WEBMENTION = "webmention", "Webmention"

    class Kind(models.TextChoices):
        REPLY = "reply", _("reply")
        LIKE = "like", _("like")
        REPOST = "repost", _("repost")
        BOOKMARK = "bookmark", _("bookmark")
        RSVP = "rsvp", _("RSVP")
        QUOTE = "quote", _("quote")
        MENTION = "mention", _("mention")

    class Rsvp(models.TextChoices):
        YES = "yes", _("yes")
        NO = "no", _("no")
        MAYBE = "maybe", _("maybe")
        INTERESTED = "interested", _("interested")

    source_url = models.URLField(_("source URL"), max_length=MAX_URL_LENGTH)
    target_url = models.URLField(_("target URL"), max_length=MAX_URL_LENGTH)
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices)
    title = models.CharField(_("title"), max_length=core_storage.TITLE_MAX_LENGTH, blank=True)
    author = models.CharField(_("author"), max_length=core_storage.AUTHOR_MAX_LENGTH, blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    remote_addr = models.GenericIPAddressField(_("sent from"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # When this row last changed; the entry's own date of change is entry_updated.
    updated = models.DateTimeField(_("updated"), auto_now=True)
    approved = models.BooleanField(_("approved"), default=False)
    # What the source says of itself (its microformats2, else JSON-LD or OpenGraph).
    kind = models.CharField(
        _("kind"),
        max_length=core_storage.KIND_MAX_LENGTH,
        choices=Kind.choices,
        default=Kind.MENTION,
    )
    rsvp = models.CharField(
        _("RSVP"),
        max_length=core_storage.KIND_MAX_LENGTH,
        choices=Rsvp.choices,
        blank=True,
        default="",
    )
    author_url = models.URLField(_("author URL"), max_length=MAX_URL_LENGTH, blank=True, default="")
    author_photo = models.URLField(
        _("author photo"), max_length=MAX_URL_LENGTH, blank=True, default=""
    )
    published = models.DateTimeField(_("published"), null=True, blank=True)
    entry_updated = models.DateTimeField(_("entry updated"), null=True, blank=True)
    url = models.URLField(_("entry URL"), max_length=MAX_URL_LENGTH, blank=True, default="")
    content_html = models.TextField(_("content (sanitized HTML)"), blank=True, default="")
    content_text = models.TextField(_("content (text)"), blank=True, default="")
    syndication = models.JSONField(_("syndication links"), default=list, blank=True)

    objects = PingbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("pingback")
        verbose_name_plural = _("pingbacks")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url", "target_url"], name="pingback_unique_source_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_url} → {self.target_url}"

    @property
    def entry_url(self) -> str:
        """The entry's own permalink, else the source URL: where a reader follows the mention."""
        return self.url or self.source_url


class SentPing(models.Model):
    """The last attempt to ping one target from one source: the sender's memory."""

    source_url = models.URLField(_("source URL"), max_length=MAX_URL_LENGTH)
    target_url = models.URLField(_("target URL"), max_length=MAX_URL_LENGTH)
    # Blank when the target advertised no endpoint.
    protocol = models.CharField(
        _("protocol"), max_length=10, choices=Pingback.Protocol.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=20)
    reason = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_tried = models.DateTimeField(_("last tried"))
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)
    status_url = models.URLField(_("status URL"), max_length=MAX_URL_LENGTH, blank=True)
    # False once the source stopped linking the target and the target was told.
    linked = models.BooleanField(_("still linked"), default=True)

    class Meta:
        verbose_name = _("sent ping")
        verbose_name_plural = _("sent pings")
        ordering = ["-last_tried"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url", "target_url"], name="sentping_unique_source_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_url} → {self.target_url}: {self.outcome}"


class RateLimitCounter(models.Model):
    """One fixed-window rate-limit counter, shared by every process on the database."""

    key = models.CharField(_("key"), max_length=255, unique=True)
    window_start = models.FloatField(_("window start (Unix time)"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
