"""One stored ping (Pingback or Webmention): who linked to which page, and is it approved.

A pair of URLs is stored once; a repeated Webmention updates its row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# pingcore refuses longer URLs, so a stored URL always fits.
MAX_URL_LENGTH = 2048


class Pingback(models.Model):
    class Protocol(models.TextChoices):
        PINGBACK = "pingback", "Pingback"
        WEBMENTION = "webmention", "Webmention"

    source_url = models.URLField(_("source URL"), max_length=MAX_URL_LENGTH)
    target_url = models.URLField(_("target URL"), max_length=MAX_URL_LENGTH)
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices)
    title = models.CharField(_("title"), max_length=500, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    remote_addr = models.GenericIPAddressField(_("sent from"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    approved = models.BooleanField(_("approved"), default=False)

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
