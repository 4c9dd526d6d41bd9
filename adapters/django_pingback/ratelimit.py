"""Rate-limit counts kept in Django's cache framework, shared by every process of a site.

pingcore's ``RateLimiter`` asks its store for ``hit(key, window)``; this store answers from a cache.
"""

from __future__ import annotations

import hashlib
import math

from django.core.cache import caches

__all__ = ["DjangoCacheStore"]

# memcached refuses longer keys and Django warns about them for every backend.
_MAX_READABLE_KEY = 200


class DjangoCacheStore:
    """Fixed-window counters in the cache named ``alias`` (``CACHES`` key)."""

    def __init__(self, alias: str = "default") -> None:
        self.alias = alias

    def hit(self, key: str, window: float) -> int:
        cache = caches[self.alias]
        key = _safe_key(key)
        timeout = max(1, math.ceil(window))
        # add() only creates a missing counter, so the window starts with its
        # first hit and expires with the key. incr() is atomic in memcached and
        # Redis, so their processes agree; the database and file caches read
        # then write, and lose counts under concurrency (check pingback.W005).
        cache.add(key, 0, timeout=timeout)
        try:
            return int(cache.incr(key))
        except ValueError:
            # The counter expired between add() and incr() (or the cache keeps
            # nothing, as DummyCache): this hit opens a new window.
            cache.add(key, 1, timeout=timeout)
            return 1


def _safe_key(key: str) -> str:
    if len(key) <= _MAX_READABLE_KEY and key.isascii() and key.isprintable() and " " not in key:
        return key
    return "pingcore:sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
