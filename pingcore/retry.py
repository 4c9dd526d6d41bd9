"""Temporary refusals and politeness: when a deferred ping is tried again, and how pings
to one host are spaced.

pingcore spaces nothing until a host asks: at most two pings are in flight to one
host (``client.PER_HOST``), and a host that answers "slow down" sets the pace.
After a fault 429 (WordPress's comment-flood answer) Pingbacks go to that host at
most once per ``RetryPolicy.flood_interval``; after an HTTP 429 or 503, nothing
goes to it before its ``Retry-After``.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

__all__ = ["FLOOD_FAULT", "Deferral", "HostPacer", "RetryPolicy", "retry_after_seconds"]

# WordPress answers a second pingback within 15 s with this fault ("You are posting
# comments too quickly"): its flood check matches the empty e-mail of every pingback.
FLOOD_FAULT = 429


@dataclass(frozen=True)
class RetryPolicy:
    """How temporary failures are retried. All times are in seconds.

    ``max_wait`` bounds how long one synchronous or async call may wait for a
    host's turn to retry within the call; a retry that would come later is left
    deferred, with its ``retry_at``, for ``retry_deferred``. ``flood_interval``
    spaces Pingbacks to a host that answered fault 429. A ``Retry-After`` longer
    than ``max_retry_after`` is read as that long. Timeouts and connection errors
    are retried after ``backoff``, doubling with each attempt up to ``max_backoff``.
    After ``max_attempts`` tries of one send, pingcore gives up.
    """

    max_wait: float = 60.0
    flood_interval: float = 15.0
    max_retry_after: float = 3600.0
    backoff: float = 60.0
    max_backoff: float = 6 * 3600.0
    max_attempts: int = 6

    def __post_init__(self) -> None:
        if min(self.max_wait, self.flood_interval, self.max_retry_after, self.backoff) < 0:
            raise ValueError("RetryPolicy times must not be negative")
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1")

    def delay(self, attempts: int, asked: float | None) -> float:
        """Seconds from now to the next try, after ``attempts`` tries of one send.

        ``asked`` is what the host asked for (its Retry-After, or the flood
        interval); without it, exponential backoff.
        """
        if asked is not None:
            return min(max(asked, 0.0), self.max_retry_after)
        return min(self.backoff * 2.0 ** max(attempts - 1, 0), self.max_backoff)


class Deferral(Exception):
    """The receiver asked to be tried again later: HTTP 429 or 503, or fault 429."""

    def __init__(
        self, message: str, *, error: Exception, asked: float | None, flood: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error = error  # what the answer means to a caller that does not retry
        self.asked = asked  # seconds the receiver asked to wait, if it said
        self.flood = flood  # fault 429: space every Pingback to this host


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A ``Retry-After`` header's delay in seconds (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value[:12]))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


class HostPacer:
    """When the next ping to each host may go, learnt from the hosts' own answers.

    Safe across threads and usable from async code: no call blocks, each only
    says how long to wait.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._interval: dict[str, float] = {}

    def reserve(self, host: str, deadline: float) -> tuple[float, bool]:
        """(seconds until ``host``'s next turn, whether this caller took it).

        A host that set no pace is always free now; a turn later than now and
        than ``deadline`` (a ``clock`` time) is not taken.
        """
        with self._lock:
            now = self.clock()
            turn = max(now, self._next.get(host, now))
            if turn > now and turn > deadline:
                return turn - now, False
            interval = self._interval.get(host, 0.0)
            if interval:
                self._next[host] = turn + interval
            return turn - now, True

    def slow_down(self, host: str, *, wait: float, interval: float = 0.0) -> None:
        """Nothing to ``host`` for ``wait`` seconds, then one ping per ``interval``."""
        with self._lock:
            self._interval[host] = max(self._interval.get(host, 0.0), interval)
            self._next[host] = max(self._next.get(host, 0.0), self.clock() + wait)
