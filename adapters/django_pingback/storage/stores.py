"""pingcore's storage interfaces on the Django ORM: the storage app's rows for the core's rules.

``ModelMentionStore`` is a ``pingcore.storage.MentionStore`` on ``Pingback``;
``ModelSendHistory`` a ``pingcore.history.SendHistory`` on ``SentPing``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone as django_timezone

from pingcore.errors import DuplicatePing
from pingcore.history import SentPing as SentPingRecord
from pingcore.server import ReceivedPing
from pingcore.storage import StoredMention

from .models import Pingback, SentPing

__all__ = ["ModelMentionStore", "ModelSendHistory", "stored_mention"]


def _to_database(moment: datetime | None) -> datetime | None:
    # With USE_TZ off Django stores naive local times, and refuses aware ones.
    if moment is None or settings.USE_TZ:
        return moment
    return django_timezone.make_naive(moment)


def _from_database(moment: datetime | None) -> datetime | None:
    if moment is None or django_timezone.is_aware(moment):
        return moment
    return django_timezone.make_aware(moment).astimezone(timezone.utc)


def _row_values(ping: ReceivedPing) -> dict[str, Any]:
    return {
        "protocol": ping.protocol,
        "title": ping.title,
        "author": ping.author or "",
        "excerpt": ping.excerpt,
        "remote_addr": ping.remote_addr,
        "kind": ping.kind,
        "rsvp": ping.rsvp or "",
        "author_url": ping.author_url or "",
        "author_photo": ping.author_photo or "",
        "published": _to_database(ping.published),
        "entry_updated": _to_database(ping.updated),
        "url": ping.url or "",
        "content_html": ping.content_html,
        "content_text": ping.content_text,
        "syndication": list(ping.syndication),
    }


def stored_mention(row: Pingback) -> StoredMention:
    """A ``Pingback`` row as pingcore's ``StoredMention`` (blank columns read as None)."""
    return StoredMention(
        source_url=row.source_url,
        target_url=row.target_url,
        protocol=row.protocol,
        title=row.title,
        author=row.author,
        excerpt=row.excerpt,
        approved=row.approved,
        remote_addr=row.remote_addr,
        kind=row.kind,
        rsvp=row.rsvp or None,
        author_url=row.author_url or None,
        author_photo=row.author_photo or None,
        published=_from_database(row.published),
        updated=_from_database(row.entry_updated),
        url=row.url or None,
        content_html=row.content_html,
        content_text=row.content_text,
        syndication=tuple(row.syndication or ()),
        created_at=_from_database(row.created),
        changed_at=_from_database(row.updated),
    )


class ModelMentionStore:
    """Mentions as ``Pingback`` rows, on the default database or the one ``using`` names."""

    def __init__(self, using: str | None = None) -> None:
        self.using = using

    def _rows(self) -> Any:
        return Pingback.objects.using(self.using) if self.using else Pingback.objects.all()

    def get(self, source_url: str, target_url: str) -> StoredMention | None:
        row = self._rows().filter(source_url=source_url, target_url=target_url).first()
        return None if row is None else stored_mention(row)

    def add(self, ping: ReceivedPing) -> None:
        row = Pingback(source_url=ping.source_url, target_url=ping.target_url, **_row_values(ping))
        try:
            # Its own savepoint: a lost race must not break the caller's transaction.
            with transaction.atomic(using=self.using):
                row.save(using=self.using)
        except IntegrityError as error:
            raise DuplicatePing() from error

    def update(self, ping: ReceivedPing, *, approved: bool) -> None:
        row = self._rows().filter(source_url=ping.source_url, target_url=ping.target_url).first()
        if row is None:
            return
        for name, value in _row_values(ping).items():
            setattr(row, name, value)
        row.approved = approved
        row.save(using=self.using)

    def delete(self, source_url: str, target_url: str) -> bool:
        deleted, _ = self._rows().filter(source_url=source_url, target_url=target_url).delete()
        return bool(deleted)

    def set_approved(self, source_url: str, target_url: str, approved: bool) -> bool:
        """Approve (or reject) the pair's mention; False when it is not stored."""
        pair = self._rows().filter(source_url=source_url, target_url=target_url)
        return bool(pair.update(approved=approved))


def _sent_ping(row: SentPing) -> SentPingRecord:
    return SentPingRecord(
        source_url=row.source_url,
        target_url=row.target_url,
        protocol=row.protocol or None,
        outcome=row.outcome,
        reason=row.reason,
        last_tried=_from_database(row.last_tried) or row.last_tried,
        attempts=row.attempts,
        retry_at=_from_database(row.retry_at),
        status_url=row.status_url or None,
        linked=row.linked,
    )


class ModelSendHistory:
    """The send history as ``SentPing`` rows."""

    def __init__(self, using: str | None = None) -> None:
        self.using = using

    def _rows(self) -> Any:
        return SentPing.objects.using(self.using) if self.using else SentPing.objects.all()

    def sent_from(self, source_url: str) -> Sequence[SentPingRecord]:
        rows = self._rows().filter(source_url=source_url).order_by("pk")
        return [_sent_ping(row) for row in rows]

    def due(self, now: datetime) -> Sequence[SentPingRecord]:
        """Deferred pings whose ``retry_at`` is at or before ``now``, oldest first."""
        rows = self._rows().filter(outcome="deferred", retry_at__lte=_to_database(now))
        return [_sent_ping(row) for row in rows.order_by("retry_at", "pk")]

    def record(self, sent: SentPingRecord) -> None:
        values = {
            "protocol": sent.protocol or "",
            "outcome": sent.outcome,
            "reason": sent.reason,
            "attempts": sent.attempts,
            "last_tried": _to_database(sent.last_tried),
            "retry_at": _to_database(sent.retry_at),
            "status_url": sent.status_url or "",
            "linked": sent.linked,
        }
        pair = {"source_url": sent.source_url, "target_url": sent.target_url}
        try:
            with transaction.atomic(using=self.using):
                self._rows().update_or_create(**pair, defaults=values)
        except IntegrityError:
            # Another process created the pair's row first: replace what it wrote.
            self._rows().filter(**pair).update(**values)
