"""What a sender remembers: which targets a source pinged, how, and with what outcome.

The memory that lets an updated post reach the targets it no longer links to,
and a deleted post reach every target it ever mentioned.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

__all__ = ["MemorySendHistory", "SQLiteSendHistory", "SendHistory", "SentPing"]


@dataclass(frozen=True)
class SentPing:
    """The last attempt to ping one target from one source."""

    source_url: str
    target_url: str  # as sent: the page's own spelling, made absolute
    protocol: str | None  # "pingback", "webmention", or None when no endpoint was found
    outcome: str  # a pingcore.Outcome value
    reason: str
    last_tried: datetime  # timezone-aware, UTC
    attempts: int = 1  # tries of the latest send, retries included
    retry_at: datetime | None = None  # for a deferred ping
    status_url: str | None = None  # a Webmention receiver's 201 Location
    # False once the source stopped linking the target (an update removed the
    # link, or the source was deleted) and the target was told, or could not be.
    linked: bool = True


class SendHistory(Protocol):
    """Rows keyed on (source_url, target_url); ``record`` replaces the row it names."""

    def sent_from(self, source_url: str) -> Sequence[SentPing]:
        """Every ping recorded for ``source_url``, one per target."""
        ...

    def record(self, sent: SentPing) -> None:
        """Keep ``sent``, replacing the row of its (source, target) pair."""
        ...

    def due(self, now: datetime) -> Sequence[SentPing]:
        """Deferred pings whose ``retry_at`` is at or before ``now``, oldest first."""
        ...


def _due(rows: Iterator[SentPing] | Sequence[SentPing], now: datetime) -> list[SentPing]:
    waiting = [
        row
        for row in rows
        if row.outcome == "deferred" and row.retry_at is not None and row.retry_at <= now
    ]
    return sorted(waiting, key=lambda row: row.retry_at or now)


class MemorySendHistory:
    """A send history in a dict: for tests, scripts and one process that keeps running."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, str], SentPing] = {}

    def sent_from(self, source_url: str) -> list[SentPing]:
        with self._lock:
            return [row for (source, _), row in self._rows.items() if source == source_url]

    def record(self, sent: SentPing) -> None:
        with self._lock:
            self._rows[(sent.source_url, sent.target_url)] = sent

    def due(self, now: datetime) -> list[SentPing]:
        with self._lock:
            return _due(list(self._rows.values()), now)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS sent_pings (
    source_url TEXT NOT NULL,
    target_url TEXT NOT NULL,
    protocol TEXT,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL,
    last_tried TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    retry_at TEXT,
    status_url TEXT,
    linked INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (source_url, target_url)
);
CREATE INDEX IF NOT EXISTS sent_pings_retry_at ON sent_pings (retry_at);
"""
_COLUMNS = (
    "source_url, target_url, protocol, outcome, reason, last_tried, attempts, retry_at, "
    "status_url, linked"
)


def _stored_time(when: datetime) -> str:
    # One fixed form in UTC, so that comparing the text compares the times.
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _read_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def _row(values: tuple[object, ...]) -> SentPing:
    source, target, protocol, outcome, reason, last_tried, attempts, retry_at, status, linked = (
        values
    )
    return SentPing(
        source_url=str(source),
        target_url=str(target),
        protocol=None if protocol is None else str(protocol),
        outcome=str(outcome),
        reason=str(reason),
        last_tried=_read_time(str(last_tried)),
        attempts=int(str(attempts)),
        retry_at=None if retry_at is None else _read_time(str(retry_at)),
        status_url=None if status is None else str(status),
        linked=bool(linked),
    )


class SQLiteSendHistory:
    """A send history in one SQLite file, shared safely by threads and processes.

    Every call opens its own connection, so nothing is shared between threads;
    SQLite's file locks order the writers. ``timeout`` is how long a call waits
    for another writer's lock before it fails with ``sqlite3.OperationalError``
    (the client then logs one line and keeps its results). The table is created
    when missing.
    """

    def __init__(self, path: str | Path, *, timeout: float = 5.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        with self._connection() as connection:
            connection.executescript(_SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=self.timeout)) as connection:
            with connection:  # one transaction: committed, or rolled back on error
                yield connection

    def sent_from(self, source_url: str) -> list[SentPing]:
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM sent_pings WHERE source_url = ? ORDER BY rowid",
                (source_url,),
            ).fetchall()
        return [_row(tuple(values)) for values in rows]

    def record(self, sent: SentPing) -> None:
        with self._connection() as connection:
            connection.execute(
                # An upsert, not INSERT OR REPLACE: the row keeps its place (its rowid).
                f"INSERT INTO sent_pings ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (source_url, target_url) DO UPDATE SET protocol = excluded.protocol, "
                "outcome = excluded.outcome, reason = excluded.reason, "
                "last_tried = excluded.last_tried, attempts = excluded.attempts, "
                "retry_at = excluded.retry_at, status_url = excluded.status_url, "
                "linked = excluded.linked",
                (
                    sent.source_url,
                    sent.target_url,
                    sent.protocol,
                    sent.outcome,
                    sent.reason,
                    _stored_time(sent.last_tried),
                    sent.attempts,
                    None if sent.retry_at is None else _stored_time(sent.retry_at),
                    sent.status_url,
                    int(sent.linked),
                ),
            )

    def due(self, now: datetime) -> list[SentPing]:
        with self._connection() as connection:
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM sent_pings WHERE outcome = 'deferred' "
                "AND retry_at IS NOT NULL AND retry_at <= ? ORDER BY retry_at",
                (_stored_time(now),),
            ).fetchall()
        return [_row(tuple(values)) for values in rows]
