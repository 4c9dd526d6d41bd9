"""Rate limits for the server: per pinging client, per source host, per source address.

A ping makes this server fetch a page, so an unlimited server is a free
flooding and scanning tool; the per-host limit caps the reflection-attack
shape (many pings naming one victim host with random query strings).
"""

from ._keys import KeyKind, client_key, host_key, key_kind
from ._limiter import RateLimiter, fetching_source
from ._memory import MemoryStore
from ._redis import RedisStore
from ._sqlite import SQLiteStore
from ._store import RateLimitStore, RateLimitUnavailable
from ._url import store_from_url

__all__ = [
    "KeyKind",
    "MemoryStore",
    "RateLimitStore",
    "RateLimitUnavailable",
    "RateLimiter",
    "RedisStore",
    "SQLiteStore",
    "client_key",
    "fetching_source",
    "host_key",
    "key_kind",
    "store_from_url",
]
