"""Stored mentions: what a repeat, an update and a delete mean, written once.

A ``MentionStore`` keeps one row per (canonical source, canonical target) pair;
the rules below are the same whatever holds the rows (the Django storage app,
``flask_pingback.storage`` on SQLAlchemy, or ``SQLiteMentionStore`` here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .server import ReceivedPing

__all__ = ["MentionStore", "StoredMention"]


@dataclass(frozen=True)
class StoredMention:
    """One stored ping, as a store gives it back."""

    source_url: str
    target_url: str
    protocol: str
    title: str
    author: str
    excerpt: str
    approved: bool
    remote_addr: str | None = None
    kind: str = "mention"
    rsvp: str | None = None
    author_url: str | None = None
    author_photo: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    url: str | None = None
    content_html: str = ""
    content_text: str = ""
    syndication: tuple[str, ...] = ()
    created_at: datetime | None = None
    changed_at: datetime | None = None


class MentionStore(Protocol):
    """Rows keyed on the canonical (source, target) pair; no rules of its own."""

    def get(self, source_url: str, target_url: str) -> StoredMention | None: ...

    def add(self, ping: ReceivedPing) -> None: ...

    def update(self, ping: ReceivedPing, *, approved: bool) -> None: ...

    def delete(self, source_url: str, target_url: str) -> bool: ...
