"""Rate limits for the server: per pinging address and per source host.

A ping makes this server fetch a page, so an unlimited server is a free
flooding and scanning tool; the per-host limit caps the reflection-attack
shape (many pings naming one victim host with random query strings).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from .errors import RateLimited

__all__ = ["MemoryStore", "RateLimitStore", "RateLimiter"]


class RateLimitStore(Protocol):
    """Where counts live. One process: ``MemoryStore``; several: a shared cache."""

    def hit(self, key: str, window: float) -> int:
        """Count one hit on ``key`` in the current window; return the count so far."""
        ...


class MemoryStore:
    """Fixed-window counters in this process's memory, safe across threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, window: float) -> int:
        now = self._clock()
        with self._lock:
            start, count = self._counts.get(key, (now, 0))
            if now - start >= window:
                start, count = now, 0
            self._counts[key] = (start, count + 1)
            if len(self._counts) > 100_000:
                self._prune(now, window)
            return count + 1

    def _prune(self, now: float, window: float) -> None:
        # Bounded memory under a flood of distinct keys.
        for key in [k for k, (start, _) in self._counts.items() if now - start >= window]:
            del self._counts[key]


@dataclass
class RateLimiter:
    """Raises ``RateLimited`` (fault 50) before a fetch that would exceed a limit.

    ``per_address``: pings one client address may make in ``window`` seconds.
    ``per_source_host``: fetches this server makes to one host in ``window``.
    ``None`` turns a limit off.
    """

    store: RateLimitStore = field(default_factory=MemoryStore)
    per_address: int | None = 30
    per_source_host: int | None = 20
    window: float = 60.0

    def check(self, source_url: str, remote_addr: str | None) -> None:
        if self.per_address is not None and remote_addr:
            if self.store.hit(f"pingcore:addr:{remote_addr}", self.window) > self.per_address:
                raise RateLimited("Too many pings from your address; try again later.")
        if self.per_source_host is not None:
            host = (urlsplit(source_url).hostname or "").lower()
            if self.store.hit(f"pingcore:host:{host}", self.window) > self.per_source_host:
                raise RateLimited("Too many pings naming this source host; try again later.")
