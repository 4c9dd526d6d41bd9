"""The limiter the servers call: per pinging client, per source host, per source address."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import RateLimited
from ._keys import CLIENT_PREFIX, SOURCE_ADDRESS_PREFIX, SOURCE_HOST_PREFIX, client_key, host_key
from ._memory import MemoryStore
from ._store import RateLimitStore, RateLimitUnavailable

__all__ = ["RateLimiter", "fetching_source"]

logger = logging.getLogger("pingcore.ratelimit")

FROM_YOUR_ADDRESS = "Too many pings from your address; try again later."
NAMING_THIS_HOST = "Too many pings naming this source host; try again later."
REDIRECTED_TO_HOST = "Too many pings lead to the host this source redirects to; try again later."


@dataclass
class _FetchOfSource:
    """What one fetch of a source has counted already, so each host counts once a ping."""

    hosts: set[str]
    addresses: set[str] = field(default_factory=set)


_current_fetch: ContextVar[_FetchOfSource | None] = ContextVar(
    "pingcore_ratelimit_fetch", default=None
)


@contextmanager
def fetching_source(source_url: str) -> Iterator[None]:
    """Mark the fetch of ``source_url`` under way, for ``RateLimiter.check_addresses``.

    Inside it, a redirect to another host counts that host against the
    per-source-host limit too (the source's own host was counted by ``check``).
    """
    source_host = host_key(urlsplit(source_url).hostname or "")
    token = _current_fetch.set(_FetchOfSource(hosts={source_host}))
    try:
        yield
    finally:
        _current_fetch.reset(token)


@dataclass
class RateLimiter:
    """Raises ``RateLimited`` (fault 50) before a fetch that would exceed a limit.

    ``per_address``: pings one client address may make in ``window`` seconds.
    ``per_source_host``: fetches this server makes to one host in ``window``,
    the source's host and every host its redirects lead to.
    ``per_source_address``: fetches to one IP address in ``window``, however
    many names point at it (checked just before connecting; more generous,
    since many small sites share one hosting address).
    ``None`` turns a limit off.

    A store that cannot count fails closed: the ping is refused with fault 50
    (Webmention: 429) and one line is logged on the ``pingcore.ratelimit`` logger.
    """

    store: RateLimitStore = field(default_factory=MemoryStore)
    per_address: int | None = 30
    per_source_host: int | None = 20
    per_source_address: int | None = 60
    window: float = 60.0

    def check(self, source_url: str, remote_addr: str | None) -> None:
        if self.per_address is not None and remote_addr:
            if self._hit(CLIENT_PREFIX + client_key(remote_addr)) > self.per_address:
                raise RateLimited(FROM_YOUR_ADDRESS)
        if self.per_source_host is not None:
            host = host_key(urlsplit(source_url).hostname or "")
            if self._hit(SOURCE_HOST_PREFIX + host) > self.per_source_host:
                raise RateLimited(NAMING_THIS_HOST)

    def check_addresses(self, host: str, addresses: Sequence[str]) -> None:
        """The fetcher's ``before_connect`` hook, called for every new connection.

        Counts the addresses the host resolved to and, within ``fetching_source``,
        a redirect's host that differs from the source's.
        """
        fetch = _current_fetch.get()
        if fetch is not None and self.per_source_host is not None:
            hop = host_key(host)
            if hop not in fetch.hosts:
                fetch.hosts.add(hop)
                if self._hit(SOURCE_HOST_PREFIX + hop) > self.per_source_host:
                    raise RateLimited(REDIRECTED_TO_HOST)
        if self.per_source_address is None:
            return
        for address in sorted({host_key(a) for a in addresses}):
            if fetch is not None:
                if address in fetch.addresses:
                    continue
                fetch.addresses.add(address)
            if self._hit(SOURCE_ADDRESS_PREFIX + address) > self.per_source_address:
                raise RateLimited(NAMING_THIS_HOST)

    def _hit(self, key: str) -> int:
        try:
            return self.store.hit(key, self.window)
        except RateLimitUnavailable as exc:
            logger.warning("ping refused, the rate limit could not be counted: %s", exc.reason)
            raise
        except Exception as exc:
            # Any store (an adapter's cache, say) that cannot count fails closed too.
            reason = f"{type(self.store).__name__} failed: {type(exc).__name__}: {exc}"
            logger.warning("ping refused, the rate limit could not be counted: %s", reason)
            raise RateLimitUnavailable(reason) from exc
