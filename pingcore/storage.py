"""Stored mentions: what a repeat, an update and a delete mean, written once.

A ``MentionStore`` keeps one row per (canonical source, canonical target) pair;
the rules below are the same whatever holds the rows (the Django storage app,
``flask_pingback.storage`` on SQLAlchemy, or ``SQLiteMentionStore`` here).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal, Protocol

from .errors import DuplicatePing
from .records import ReceivedPing, Target
from .urls import MAX_URL_LENGTH

__all__ = [
    "AUTHOR_MAX_LENGTH",
    "KINDS",
    "KIND_MAX_LENGTH",
    "MemoryMentionStore",
    "MentionStore",
    "PROTOCOL_MAX_LENGTH",
    "RSVP_VALUES",
    "SHOWN_FIELDS",
    "SQLiteMentionStore",
    "StoreResult",
    "StoredMention",
    "TITLE_MAX_LENGTH",
    "fitted",
    "forget_ping",
    "is_stored",
    "ping_from_signal",
    "shown_fields",
    "store_ping",
]

# Column sizes every backend shares, so a row that fits one fits all.
TITLE_MAX_LENGTH = 500
AUTHOR_MAX_LENGTH = 200
PROTOCOL_MAX_LENGTH = 10
KIND_MAX_LENGTH = 10
KINDS = ("reply", "like", "repost", "bookmark", "rsvp", "quote", "mention")
RSVP_VALUES = ("yes", "no", "maybe", "interested")

# What readers see of a mention: a moderator approved these words, so new ones
# need a new approval. ``updated`` and ``syndication`` are not shown as such.
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

StoreResult = Literal["added", "updated", "unchanged"]
"""What `store_ping` did with a verified ping: a new row, a changed row, or nothing to change."""


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
    """Rows keyed on the canonical (source, target) pair; no rules of its own.

    ``add`` raises ``DuplicatePing`` when the pair is stored already (a unique
    constraint lost to a concurrent ``add``); ``update`` replaces every stored
    field of the pair's row with the ping's and sets its approval.
    """

    def get(self, source_url: str, target_url: str) -> StoredMention | None:
        """The stored mention of the pair, or None."""
        ...

    def add(self, ping: ReceivedPing) -> None:
        """Store a new mention, not approved; ``DuplicatePing`` if the pair is there."""
        ...

    def update(self, ping: ReceivedPing, *, approved: bool) -> None:
        """Replace the pair's stored fields with the ping's, and set its approval."""
        ...

    def delete(self, source_url: str, target_url: str) -> bool:
        """Remove the pair's mention; True when there was one."""
        ...


def _cut(text: str | None, length: int) -> str:
    return (text or "")[:length]


def _fitting_url(url: str | None) -> str | None:
    # An overlong URL from a page is dropped, not cut: half a URL names another page.
    return url if url and len(url) <= MAX_URL_LENGTH else None


def _address(remote_addr: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(remote_addr or ""))
    except ValueError:
        return None


def _aware(moment: datetime | None) -> datetime | None:
    # A page's date without an offset is read as UTC: a column keeps one meaning.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def _page(url: str) -> str:
    # A fragment names a place in a page, never another page: keys go without it.
    return url.split("#", 1)[0]


def fitted(ping: ReceivedPing) -> ReceivedPing:
    """The ping as every backend stores it: cut to the columns, unknown values dropped.

    Pages choose their titles, names and URLs; a row must still fit its columns.
    The author is the one the signals carry (the page's, else the source's host).
    The pair is kept as spelled, less any fragment.
    """
    return dataclasses.replace(
        ping,
        source_url=_page(ping.source_url),
        target_url=_page(ping.target_url),
        title=_cut(ping.title, TITLE_MAX_LENGTH),
        author=_cut(ping.author_or_host, AUTHOR_MAX_LENGTH),
        excerpt=ping.excerpt or "",
        remote_addr=_address(ping.remote_addr),
        kind=ping.kind if ping.kind in KINDS else "mention",
        rsvp=ping.rsvp if ping.rsvp in RSVP_VALUES else None,
        author_url=_fitting_url(ping.author_url),
        author_photo=_fitting_url(ping.author_photo),
        url=_fitting_url(ping.url),
        published=_aware(ping.published),
        updated=_aware(ping.updated),
        content_html=ping.content_html or "",
        content_text=ping.content_text or "",
        syndication=tuple(u for u in ping.syndication if _fitting_url(u)),
    )


def shown_fields(mention: ReceivedPing | StoredMention) -> dict[str, Any]:
    """The fields readers see, for telling whether a repeated mention changed."""
    return {name: getattr(mention, name) for name in SHOWN_FIELDS}


def _stored_fields(mention: ReceivedPing | StoredMention) -> dict[str, Any]:
    names = (*SHOWN_FIELDS, "protocol", "remote_addr", "updated", "syndication")
    return {name: getattr(mention, name) for name in names}


def store_ping(store: MentionStore, ping: ReceivedPing) -> StoreResult:
    """Store a verified ping by the rules every backend shares; say what happened.

    A new pair is ``"added"``, unapproved. A repeated Pingback raises
    ``DuplicatePing`` (fault 48). A repeated Webmention rewrites its row:
    ``"updated"`` when what readers see changed (it needs approval again),
    ``"unchanged"`` otherwise (its approval kept).
    """
    ping = fitted(ping)
    stored = store.get(ping.source_url, ping.target_url)
    if stored is None:
        try:
            store.add(ping)
            return "added"
        except DuplicatePing:
            # A concurrent request added the pair first: this ping is its repeat.
            stored = store.get(ping.source_url, ping.target_url)
            if stored is None:
                raise
    if ping.protocol != "webmention":
        raise DuplicatePing()
    if shown_fields(stored) != shown_fields(ping):
        store.update(ping, approved=False)
        return "updated"
    if _stored_fields(stored) != _stored_fields(ping):
        store.update(ping, approved=stored.approved)
    return "unchanged"


def is_stored(store: MentionStore, source_url: str, target_url: str) -> bool:
    """True when the pair is stored: the Pingback duplicate check, before any fetch."""
    return store.get(_page(source_url), _page(target_url)) is not None


def forget_ping(store: MentionStore, source_url: str, target_url: str) -> bool:
    """Delete the pair's row (a Webmention whose source is gone); False when none was."""
    return store.delete(_page(source_url), _page(target_url))


# The mention fields a ``received`` signal may carry besides pingdjack's own.
_MENTION_FIELDS = (
    "kind",
    "rsvp",
    "author_url",
    "author_photo",
    "published",
    "updated",
    "url",
    "content_html",
    "content_text",
    "syndication",
)


def ping_from_signal(arguments: Mapping[str, Any]) -> ReceivedPing:
    """The ``ReceivedPing`` an adapter's ``received`` signal describes, from its keyword arguments.

    For signal receivers that store pings: the signals carry
    ``ReceivedPing.signal_arguments()``, and the mention fields when present.
    """
    target = Target(
        url=arguments["target_url"],
        view=arguments.get("view"),
        args=tuple(arguments.get("args") or ()),
        kwargs=dict(arguments.get("kwargs") or {}),
    )
    mention = {name: arguments[name] for name in _MENTION_FIELDS if arguments.get(name) is not None}
    if "syndication" in mention:
        mention["syndication"] = tuple(mention["syndication"])
    return ReceivedPing(
        source_url=arguments["source_url"],
        target_url=arguments["target_url"],
        protocol=arguments.get("protocol") or "pingback",
        title=arguments.get("title") or "",
        author=arguments.get("author"),
        excerpt=arguments.get("excerpt") or "",
        target=target,
        remote_addr=arguments.get("remote_addr"),
        **mention,
    )


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _mention(ping: ReceivedPing, approved: bool, created_at: datetime) -> StoredMention:
    return StoredMention(
        source_url=ping.source_url,
        target_url=ping.target_url,
        protocol=ping.protocol,
        title=ping.title,
        author=ping.author or "",
        excerpt=ping.excerpt,
        approved=approved,
        remote_addr=ping.remote_addr,
        kind=ping.kind,
        rsvp=ping.rsvp,
        author_url=ping.author_url,
        author_photo=ping.author_photo,
        published=ping.published,
        updated=ping.updated,
        url=ping.url,
        content_html=ping.content_html,
        content_text=ping.content_text,
        syndication=tuple(ping.syndication),
        created_at=created_at,
        changed_at=_now(),
    )


class MemoryMentionStore:
    """Mentions in this process's memory, safe across threads: for tests and demos."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, str], StoredMention] = {}

    def get(self, source_url: str, target_url: str) -> StoredMention | None:
        with self._lock:
            return self._rows.get((source_url, target_url))

    def add(self, ping: ReceivedPing) -> None:
        key = (ping.source_url, ping.target_url)
        with self._lock:
            if key in self._rows:
                raise DuplicatePing()
            self._rows[key] = _mention(ping, approved=False, created_at=_now())

    def update(self, ping: ReceivedPing, *, approved: bool) -> None:
        key = (ping.source_url, ping.target_url)
        with self._lock:
            old = self._rows.get(key)
            if old is not None:
                created_at = old.created_at or _now()
                self._rows[key] = _mention(ping, approved=approved, created_at=created_at)

    def delete(self, source_url: str, target_url: str) -> bool:
        with self._lock:
            return self._rows.pop((source_url, target_url), None) is not None

    def set_approved(self, source_url: str, target_url: str, approved: bool) -> bool:
        """Approve (or reject) the pair's mention; False when it is not stored."""
        with self._lock:
            old = self._rows.get((source_url, target_url))
            if old is not None:
                self._rows[source_url, target_url] = dataclasses.replace(old, approved=approved)
            return old is not None

    def mentions(self) -> list[StoredMention]:
        """Every stored mention, newest first."""
        with self._lock:
            return list(reversed(self._rows.values()))


# The same table as flask_pingback.storage's, so one file serves a script and a site.
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS pingback_mentions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_url VARCHAR({MAX_URL_LENGTH}) NOT NULL,
    target_url VARCHAR({MAX_URL_LENGTH}) NOT NULL,
    protocol VARCHAR({PROTOCOL_MAX_LENGTH}) NOT NULL,
    title VARCHAR({TITLE_MAX_LENGTH}) NOT NULL DEFAULT '',
    author VARCHAR({AUTHOR_MAX_LENGTH}) NOT NULL DEFAULT '',
    excerpt TEXT NOT NULL DEFAULT '',
    remote_addr VARCHAR(45),
    kind VARCHAR({KIND_MAX_LENGTH}) NOT NULL DEFAULT 'mention',
    rsvp VARCHAR({KIND_MAX_LENGTH}),
    author_url VARCHAR({MAX_URL_LENGTH}),
    author_photo VARCHAR({MAX_URL_LENGTH}),
    published DATETIME,
    updated DATETIME,
    url VARCHAR({MAX_URL_LENGTH}),
    content_html TEXT NOT NULL DEFAULT '',
    content_text TEXT NOT NULL DEFAULT '',
    syndication JSON NOT NULL DEFAULT '[]',
    approved BOOLEAN NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL,
    changed_at DATETIME NOT NULL,
    CONSTRAINT pingback_mentions_source_target UNIQUE (source_url, target_url)
);
CREATE INDEX IF NOT EXISTS pingback_mentions_target ON pingback_mentions (target_url);
"""
_FIELDS = (
    "source_url",
    "target_url",
    "protocol",
    "title",
    "author",
    "excerpt",
    "remote_addr",
    "kind",
    "rsvp",
    "author_url",
    "author_photo",
    "published",
    "updated",
    "url",
    "content_html",
    "content_text",
    "syndication",
)
_SELECT = f"SELECT {', '.join(_FIELDS)}, approved, created_at, changed_at FROM pingback_mentions"
_PAIR = "source_url = :source_url AND target_url = :target_url"


def _utc_text(moment: datetime | None) -> str | None:
    # UTC without an offset, as SQLAlchemy writes a DateTime on SQLite: either reads the other's.
    if moment is None:
        return None
    utc = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return utc.isoformat(sep=" ", timespec="microseconds")


def _from_utc_text(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return _aware(moment) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _row_values(ping: ReceivedPing) -> dict[str, Any]:
    values = {name: getattr(ping, name) for name in _FIELDS}
    values["author"] = ping.author or ""
    values["published"] = _utc_text(ping.published)
    values["updated"] = _utc_text(ping.updated)
    values["syndication"] = json.dumps(list(ping.syndication))
    return values


def _stored_mention(row: Mapping[str, Any]) -> StoredMention:
    return StoredMention(
        source_url=row["source_url"],
        target_url=row["target_url"],
        protocol=row["protocol"],
        title=row["title"],
        author=row["author"],
        excerpt=row["excerpt"],
        approved=bool(row["approved"]),
        remote_addr=row["remote_addr"],
        kind=row["kind"],
        rsvp=row["rsvp"],
        author_url=row["author_url"],
        author_photo=row["author_photo"],
        published=_from_utc_text(row["published"]),
        updated=_from_utc_text(row["updated"]),
        url=row["url"],
        content_html=row["content_html"],
        content_text=row["content_text"],
        syndication=tuple(json.loads(row["syndication"] or "[]")),
        created_at=_from_utc_text(row["created_at"]),
        changed_at=_from_utc_text(row["changed_at"]),
    )


class SQLiteMentionStore:
    """Mentions in a SQLite database file (stdlib ``sqlite3``): for scripts and the bare core.

    Each call opens its own connection, so the store is safe across threads and
    processes; the table is created when missing.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 5.0) -> None:
        self.path = os.fspath(path)
        self._timeout = timeout
        with self._connection() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # Autocommit: each statement is its own transaction.
        with closing(sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)) as db:
            db.row_factory = sqlite3.Row
            yield db

    def get(self, source_url: str, target_url: str) -> StoredMention | None:
        pair = {"source_url": source_url, "target_url": target_url}
        with self._connection() as db:
            row = db.execute(f"{_SELECT} WHERE {_PAIR}", pair).fetchone()
        return None if row is None else _stored_mention(row)

    def add(self, ping: ReceivedPing) -> None:
        values = {**_row_values(ping), "approved": False, "now": _utc_text(_now())}
        columns = ", ".join(_FIELDS)
        placeholders = ", ".join(f":{name}" for name in _FIELDS)
        statement = (
            f"INSERT INTO pingback_mentions ({columns}, approved, created_at, changed_at) "
            f"VALUES ({placeholders}, :approved, :now, :now)"
        )
        try:
            with self._connection() as db:
                db.execute(statement, values)
        except sqlite3.IntegrityError as error:
            raise DuplicatePing() from error

    def update(self, ping: ReceivedPing, *, approved: bool) -> None:
        values = {**_row_values(ping), "approved": approved, "now": _utc_text(_now())}
        assignments = ", ".join(f"{name} = :{name}" for name in _FIELDS[2:])
        statement = (
            f"UPDATE pingback_mentions SET {assignments}, approved = :approved, "
            f"changed_at = :now WHERE {_PAIR}"
        )
        with self._connection() as db:
            db.execute(statement, values)

    def delete(self, source_url: str, target_url: str) -> bool:
        pair = {"source_url": source_url, "target_url": target_url}
        with self._connection() as db:
            return db.execute(f"DELETE FROM pingback_mentions WHERE {_PAIR}", pair).rowcount > 0

    def set_approved(self, source_url: str, target_url: str, approved: bool) -> bool:
        """Approve (or reject) the pair's mention; False when it is not stored."""
        pair = {"source_url": source_url, "target_url": target_url, "approved": approved}
        with self._connection() as db:
            statement = f"UPDATE pingback_mentions SET approved = :approved WHERE {_PAIR}"
            return db.execute(statement, pair).rowcount > 0

    def mentions(self) -> list[StoredMention]:
        """Every stored mention, newest first."""
        with self._connection() as db:
            rows = db.execute(f"{_SELECT} ORDER BY created_at DESC, id DESC").fetchall()
        return [_stored_mention(row) for row in rows]
