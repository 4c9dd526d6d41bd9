"""A rate-limit store that several processes of one machine share: counters in a SQLite file."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from contextlib import closing
from typing import Any

from ._store import RateLimitUnavailable

__all__ = ["SQLiteStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pingback_rate_limit (
    key TEXT PRIMARY KEY,
    window_start REAL NOT NULL,
    count INTEGER NOT NULL
)
"""
# One statement, so the read and the write are one atomic step across processes.
# In an UPDATE every expression sees the row as it was before the update.
_HIT = """
INSERT INTO pingback_rate_limit (key, window_start, count) VALUES (:key, :now, 1)
ON CONFLICT (key) DO UPDATE SET
    window_start = CASE WHEN :now - window_start >= :window THEN :now ELSE window_start END,
    count = CASE WHEN :now - window_start >= :window THEN 1 ELSE count + 1 END
RETURNING count
"""
_PRUNE = "DELETE FROM pingback_rate_limit WHERE window_start <= :now - :window"


class SQLiteStore:
    """Fixed-window counters in a SQLite database file, for several worker processes.

    ``clock`` must be wall-clock time (the default), since processes share it.
    Each process keeps one connection, which its threads take in turn (a hit
    is some tens of microseconds), so the store is safe across threads and
    across a fork. ``close()`` closes it; so does the store's collection.
    Expired counters are deleted now and then (one hit in ``prune_every``);
    no live counter is ever dropped, so the file's size is the bound. A hit
    that cannot be counted (the file locked past ``timeout``, unwritable, or
    corrupt) raises ``RateLimitUnavailable``.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Callable[[], float] = time.time,
        timeout: float = 5.0,
        prune_every: int = 100,
    ) -> None:
        self.path = os.fspath(path)
        self._clock = clock
        self._timeout = timeout
        self._prune_every = prune_every
        self._hits = 0
        self._lock = threading.Lock()
        # Opened by the first hit of each process (a forked child opens its own).
        self._db: tuple[int, sqlite3.Connection] | None = None
        self._finalizer: weakref.finalize[Any, SQLiteStore] | None = None
        with closing(self._connect()) as db:
            # Write-ahead logging: writers no longer wait on readers, and a hit
            # costs one append rather than a rewritten journal. It stays set in the file.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    def _connect(self, check_same_thread: bool = True) -> sqlite3.Connection:
        # Autocommit: each statement is its own transaction.
        db = sqlite3.connect(
            self.path,
            timeout=self._timeout,
            isolation_level=None,
            check_same_thread=check_same_thread,
        )
        # Counts may lose their last moments to a power cut, never to a crash of
        # the process; for a rate limit, that is the right price for fewer fsyncs.
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def _connection(self) -> sqlite3.Connection:
        # Kept open: closing the last connection to a WAL database checkpoints
        # it, which made every hit cost an fsync.
        if self._db is not None and self._db[0] == os.getpid():
            return self._db[1]
        db = self._connect(check_same_thread=False)
        self._db = (os.getpid(), db)
        if self._finalizer is not None:
            self._finalizer.detach()
        self._finalizer = weakref.finalize(self, _close_in_process, os.getpid(), db)
        return db

    def hit(self, key: str, window: float) -> int:
        now = self._clock()
        params = {"key": key, "now": now, "window": window}
        with self._lock:
            self._hits += 1
            try:
                db = self._connection()
                (count,) = db.execute(_HIT, params).fetchone()
                if self._hits % self._prune_every == 0:
                    db.execute(_PRUNE, {"now": now, "window": window})
            except sqlite3.Error as exc:
                self._close()  # the next hit starts afresh: the file may be repaired
                raise RateLimitUnavailable(f"the SQLite store {self.path} failed: {exc}") from exc
        return int(count)

    def close(self) -> None:
        """Close this process's connection; a later hit opens a new one."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        db, self._db = self._db, None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if db is not None:
            _close_in_process(*db)


def _close_in_process(pid: int, db: sqlite3.Connection) -> None:
    # A connection a forked child inherited is its parent's to close, never the child's.
    if pid == os.getpid():
        with contextlib.suppress(sqlite3.Error):
            db.close()
