"""Rate-limit counters in the database, exact across processes, for sites without Redis.

``DatabaseStore`` implements pingcore's ``RateLimitStore`` (``hit(key, window)``)
on the ``RateLimitCounter`` table: ``RateLimiter(store=DatabaseStore())``.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction

from .models import RateLimitCounter

__all__ = ["DatabaseStore"]

# One statement, so the read and the write are one atomic step across processes.
# In an UPDATE every expression sees the row as it was before the update.
_HIT = """
INSERT INTO {table} ({key}, {start}, {count}) VALUES (%s, %s, 1)
ON CONFLICT ({key}) DO UPDATE SET
    {start} = CASE WHEN %s - {table}.{start} >= %s THEN %s ELSE {table}.{start} END,
    {count} = CASE WHEN %s - {table}.{start} >= %s THEN 1 ELSE {table}.{count} + 1 END
RETURNING {count}
"""
_KEY_LENGTH = RateLimitCounter._meta.get_field("key").max_length or 255


def _fitting_key(key: str) -> str:
    # Keys name hosts and addresses of any length; a digest keeps long ones apart.
    if len(key) <= _KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


class DatabaseStore:
    """Fixed-window counters in the storage app's ``RateLimitCounter`` table.

    On SQLite 3.35+ and PostgreSQL each hit is one ``INSERT … ON CONFLICT …
    RETURNING`` statement; elsewhere a transaction locks the row
    (``select_for_update``). ``clock`` must be wall-clock time (the default),
    since processes share it. Expired counters are deleted one hit in ``prune_every``.
    ``one_statement=False`` forces the locking path (None: chosen by the database).
    """

    def __init__(
        self,
        using: str = DEFAULT_DB_ALIAS,
        *,
        clock: Callable[[], float] = time.time,
        prune_every: int = 1000,
        one_statement: bool | None = None,
    ) -> None:
        self.using = using
        self._one_statement = one_statement
        self._clock = clock
        self._prune_every = prune_every
        self._hits = 0

    def _has_upsert_returning(self) -> bool:
        if self._one_statement is not None:
            return self._one_statement
        connection = connections[self.using]
        if connection.vendor == "postgresql":
            return True
        return connection.vendor == "sqlite" and sqlite3.sqlite_version_info >= (3, 35)

    def hit(self, key: str, window: float) -> int:
        key = _fitting_key(key)
        now = self._clock()
        self._hits += 1
        if self._has_upsert_returning():
            count = self._hit_in_one_statement(key, now, window)
        else:
            count = self._hit_in_a_transaction(key, now, window)
        if self._hits % self._prune_every == 0:
            self.prune(window)
        return count

    def _hit_in_one_statement(self, key: str, now: float, window: float) -> int:
        connection = connections[self.using]
        quote = connection.ops.quote_name
        statement = _HIT.format(
            table=quote(RateLimitCounter._meta.db_table),
            key=quote("key"),
            start=quote("window_start"),
            count=quote("count"),
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [key, now, now, window, now, now, window])
            (count,) = cursor.fetchone()
        return int(count)

    def _hit_in_a_transaction(self, key: str, now: float, window: float) -> int:
        counters = RateLimitCounter.objects.using(self.using)
        for _ in range(2):
            try:
                with transaction.atomic(using=self.using):
                    counter = counters.select_for_update().filter(key=key).first()
                    if counter is None:
                        counters.create(key=key, window_start=now, count=1)
                        return 1
                    if now - counter.window_start >= window:
                        counter.window_start, counter.count = now, 0
                    counter.count += 1
                    counter.save(using=self.using, update_fields=["window_start", "count"])
                    return counter.count
            except IntegrityError:
                # Another process created the counter first; the second pass locks it.
                continue
        raise RuntimeError(f"could not count a hit on rate-limit key {key!r}")

    def prune(self, window: float) -> int:
        """Delete the counters whose window has passed; return how many went."""
        cutoff = self._clock() - window
        counters = RateLimitCounter.objects.using(self.using)
        deleted, _ = counters.filter(window_start__lte=cutoff).delete()
        return deleted
