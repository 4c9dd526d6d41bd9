"""What a rate-limit store is, and how it says it cannot count.

A store that cannot count (its server down, slow, flushed, or itself full)
raises ``RateLimitUnavailable``; the limiter then refuses the ping, since a
limit that is not counted is no limit.
"""

from __future__ import annotations

from typing import Protocol

from ..errors import RateLimited

__all__ = ["RateLimitStore", "RateLimitUnavailable"]


class RateLimitStore(Protocol):
    """Where counts live: ``MemoryStore`` for one process; ``SQLiteStore`` or
    ``RedisStore`` (or an adapter's shared cache) for several.

    ``key_kind(key)`` in ``pingcore.ratelimit`` tells a victim key from a client
    key, for stores that hold a bounded number of keys.
    """

    def hit(self, key: str, window: float) -> int:
        """Count one hit on ``key`` in its current window; return the count so far.

        Raises ``RateLimitUnavailable`` when the hit cannot be counted.
        """
        ...


class RateLimitUnavailable(RateLimited):
    """A store could not count a hit, so the ping is refused (fault 50, or 429).

    ``reason`` is for the site's log; the client only sees the message.
    """

    default_message = "Rate limits cannot be checked right now; try again later."

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def __str__(self) -> str:
        return self.reason
