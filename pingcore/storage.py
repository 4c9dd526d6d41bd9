"""Stored mentions: what a repeat, an update and a delete mean, written once.

A ``MentionStore`` keeps one row per (canonical source, canonical target) pair;
the rules below are the same whatever holds the rows (the Django storage app,
``flask_pingback.storage`` on SQLAlchemy, or ``SQLiteMentionStore`` here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from .errors import DuplicatePing

if TYPE_CHECKING:
    from .server import ReceivedPing

__all__ = ["MentionStore", "StoredMention", "forget_ping", "is_stored", "store_ping"]


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


# What readers see of a mention: a change to any of these needs a new approval.
SHOWN_FIELDS = (
    "title",
    "author",
    "excerpt",
    "kind",
    "rsvp",
    "content_html",
    "content_text",
    "author_url",
    "author_photo",
    "url",
    "published",
)


def is_stored(store: MentionStore, source_url: str, target_url: str) -> bool:
    return store.get(source_url, target_url) is not None


def store_ping(store: MentionStore, ping: ReceivedPing) -> str:
    """Store a verified ping: "added", "updated" or "unchanged".

    A repeated Pingback is a duplicate (fault 48); a repeated Webmention is an
    update, and needs approval again when what readers see has changed.
    """
    stored = store.get(ping.source_url, ping.target_url)
    if stored is None:
        store.add(ping)
        return "added"
    if ping.protocol != "webmention":
        raise DuplicatePing()
    shown = {**{name: getattr(ping, name) for name in SHOWN_FIELDS}, "author": ping.author_or_host}
    changed = any(getattr(stored, name) != value for name, value in shown.items())
    store.update(ping, approved=stored.approved and not changed)
    return "updated" if changed else "unchanged"


def forget_ping(store: MentionStore, source_url: str, target_url: str) -> bool:
    """Delete the mention of a source that is gone or no longer links; True if one was stored."""
    return store.delete(source_url, target_url)
