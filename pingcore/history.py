"""What a sender remembers: which targets a source pinged, how, and with what outcome.

The memory that lets an updated post reach the targets it no longer links to,
and a deleted post reach every target it ever mentioned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

__all__ = ["SendHistory", "SentPing"]


@dataclass(frozen=True)
class SentPing:
    """The last attempt to ping one target from one source."""

    source_url: str
    target_url: str  # as sent: the page's own spelling, made absolute
    protocol: str | None  # "pingback", "webmention", or None when no endpoint was found
    outcome: str  # a pingcore.Outcome value
    reason: str
    last_tried: datetime  # timezone-aware, UTC
    attempts: int = 1
    retry_at: datetime | None = None  # for a deferred ping
    status_url: str | None = None  # a Webmention receiver's 201 Location


class SendHistory(Protocol):
    """Rows keyed on (source_url, target_url); ``record`` replaces the row it names."""

    def sent_from(self, source_url: str) -> Sequence[SentPing]: ...

    def record(self, sent: SentPing) -> None: ...
