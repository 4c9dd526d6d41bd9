"""A rate-limit store that several processes of one machine share: counters in a SQLite file."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing

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
    Each hit opens its own connection, so the store is safe across threads.
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
        with closing(self._connect()) as db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        # Autocommit: each statement is its own transaction.
        return sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)

    def hit(self, key: str, window: float) -> int:
        now = self._clock()
        params = {"key": key, "now": now, "window": window}
        self._hits += 1
        try:
            with closing(self._connect()) as db:
                (count,) = db.execute(_HIT, params).fetchone()
                if self._hits % self._prune_every == 0:
                    db.execute(_PRUNE, {"now": now, "window": window})
        except sqlite3.Error as exc:
            raise RateLimitUnavailable(f"the SQLite store {self.path} failed: {exc}") from exc
        return int(count)
