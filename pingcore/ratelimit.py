"""Rate limits for the server: per pinging address and per source host.

A ping makes this server fetch a page, so an unlimited server is a free
flooding and scanning tool; the per-host limit caps the reflection-attack
shape (many pings naming one victim host with random query strings).
"""

from __future__ import annotations

import ipaddress
import itertools
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from .errors import RateLimited

__all__ = ["MemoryStore", "RateLimitStore", "RateLimiter", "client_key", "host_key"]


class RateLimitStore(Protocol):
    """Where counts live. One process: ``MemoryStore``; several: a shared cache."""

    def hit(self, key: str, window: float) -> int:
        """Count one hit on ``key`` in the current window; return the count so far."""
        ...


class MemoryStore:
    """Fixed-window counters in this process's memory, safe across threads."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000
    ) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[float, int]] = {}
        self._next_prune = 0.0

    def hit(self, key: str, window: float) -> int:
        now = self._clock()
        with self._lock:
            start, count = self._counts.pop(key, (now, 0))
            if now - start >= window:
                start, count = now, 0
            # Re-inserted, so the dict's order runs from least to most recently hit.
            self._counts[key] = (start, count + 1)
            if len(self._counts) > self._max_keys:
                self._shrink(now, window)
            return count + 1

    def _shrink(self, now: float, window: float) -> None:
        # Bounded memory under a flood of distinct keys, at a bounded cost: expired
        # keys go at most once a window; past that the least recently hit go first.
        if now >= self._next_prune:
            self._next_prune = now + window
            for key in [k for k, (start, _) in self._counts.items() if now - start >= window]:
                del self._counts[key]
        excess = len(self._counts) - self._max_keys
        for key in list(itertools.islice(self._counts, max(excess, 0))):
            del self._counts[key]


@dataclass
class RateLimiter:
    """Raises ``RateLimited`` (fault 50) before a fetch that would exceed a limit.

    ``per_address``: pings one client address may make in ``window`` seconds.
    ``per_source_host``: fetches this server makes to one host in ``window``.
    ``per_source_address``: fetches to one IP address in ``window``, however
    many names point at it (checked just before connecting; more generous,
    since many small sites share one hosting address).
    ``None`` turns a limit off.
    """

    store: RateLimitStore = field(default_factory=MemoryStore)
    per_address: int | None = 30
    per_source_host: int | None = 20
    per_source_address: int | None = 60
    window: float = 60.0

    def check(self, source_url: str, remote_addr: str | None) -> None:
        if self.per_address is not None and remote_addr:
            client = client_key(remote_addr)
            if self.store.hit(f"pingcore:addr:{client}", self.window) > self.per_address:
                raise RateLimited("Too many pings from your address; try again later.")
        if self.per_source_host is not None:
            host = host_key(urlsplit(source_url).hostname or "")
            if self.store.hit(f"pingcore:host:{host}", self.window) > self.per_source_host:
                raise RateLimited("Too many pings naming this source host; try again later.")

    def check_addresses(self, host: str, addresses: Sequence[str]) -> None:
        """The fetcher's ``before_connect`` hook: count the addresses a source resolved to."""
        if self.per_source_address is None:
            return
        for address in sorted({host_key(a) for a in addresses}):
            if self.store.hit(f"pingcore:ip:{address}", self.window) > self.per_source_address:
                raise RateLimited("Too many pings naming this source host; try again later.")


def host_key(host: str) -> str:
    """One key per host however it is spelled: 127.1, 2130706433 and ::ffff:7f00:1 are one."""
    host = host.lower().rstrip(".").strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:
            # The old spellings the resolver accepts: 127.1, 0x7f.1, 2130706433.
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return host
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def client_key(remote_addr: str) -> str:
    """A pinging client: its IPv4 address, or its IPv6 /64 (one subscriber's usual share)."""
    try:
        address = ipaddress.ip_address(remote_addr.split("%")[0])
    except ValueError:
        return remote_addr
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
