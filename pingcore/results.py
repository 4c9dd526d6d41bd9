"""What came of a ping: ``Outcome`` and ``PingResult``, shared by the client and its plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

__all__ = ["Outcome", "PingResult"]


class Outcome(str, Enum):
    """What came of one ping."""

    REGISTERED = "registered"
    ACCEPTED = "accepted"  # a Webmention queued for verification (201/202)
    ALREADY_REGISTERED = "already registered"  # fault 48, or registered before: not a failure
    NO_ENDPOINT = "no endpoint"
    DEFERRED = "deferred"  # a temporary refusal or trouble: try again at retry_at
    NOT_WITHDRAWN = "not withdrawn"  # a Pingback target the source no longer links
    REFUSED = "refused"  # the receiver answered with a fault or an error status
    BLOCKED = "blocked"  # the safe fetcher refused the address or URL
    TIMED_OUT = "timed out"  # kept for old results; timeouts are now deferred
    FAILED = "failed"  # transport or protocol trouble


@dataclass(frozen=True)
class PingResult:
    """One target's ping: which endpoint, over which protocol, and how it went.

    ``target_url`` is the target as sent: the page's own spelling, made absolute.
    ``status_url`` is a Webmention receiver's status page (a 201's Location);
    ``retry_at`` (UTC) is when a deferred ping may be tried again; ``attempts``
    counts the tries of this send, retries included.
    """

    source_url: str
    target_url: str
    outcome: Outcome
    protocol: str | None = None
    endpoint: str | None = None
    message: str = ""
    fault_code: int | None = None
    status_url: str | None = None
    retry_at: datetime | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        """The target knows of the link: registered, accepted or already registered."""
        return self.outcome in (Outcome.REGISTERED, Outcome.ACCEPTED, Outcome.ALREADY_REGISTERED)

    @property
    def failed(self) -> bool:
        """Something went wrong, or has not gone through yet (deferred).

        A target with no endpoint did not fail: it takes no pings. Nor did a
        Pingback target the source stopped linking: Pingback cannot withdraw.
        """
        return not self.ok and self.outcome not in (Outcome.NO_ENDPOINT, Outcome.NOT_WITHDRAWN)

    def summary(self) -> dict[str, Any]:
        """This result as JSON: what a queue's worker keeps as its job's result, the same
        on every adapter."""
        return {
            "target_url": self.target_url,
            "outcome": self.outcome.value,
            "ok": self.ok,
            "protocol": self.protocol,
            "endpoint": self.endpoint,
            "message": self.message,
            "fault_code": self.fault_code,
            "attempts": self.attempts,
            "retry_at": None if self.retry_at is None else self.retry_at.isoformat(),
            "status_url": self.status_url,
        }
