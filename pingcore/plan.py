"""Which targets a round of pings goes to, from a post's links and its send history.

The rules of sending as a good citizen, written once and without I/O:

- a Pingback target registered from this source before is not pinged again
  (unless forced): it would only answer fault 48;
- every Webmention target is re-sent on an update, and so is every Webmention
  target the source linked before and no longer links (the receiver then sees
  the link gone), as the Webmention Recommendation asks (3.1.4);
- Pingback cannot withdraw a ping, so a Pingback target no longer linked is sent
  nothing: its result says so once (``Outcome.NOT_WITHDRAWN``);
- a deleted source re-sends to every Webmention target it ever mentioned (3.1.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .history import SentPing
from .results import Outcome, PingResult
from .urls import normalize_url

__all__ = ["Job", "Known", "Plan", "plan_deleted", "plan_links", "plan_retries"]

_REGISTERED = (Outcome.REGISTERED.value, Outcome.ALREADY_REGISTERED.value)
NOT_WITHDRAWN_MESSAGE = (
    "Pingback cannot withdraw a ping: nothing was sent, and the target keeps the "
    "pingback it registered until its owner removes it."
)


@dataclass(frozen=True)
class Job:
    """One ping to send: from where, to which target (as written), over which protocol."""

    source_url: str
    target_url: str
    protocol: str | None  # None: the one the target advertises, Webmention first
    linked: bool = True  # False: the source no longer links it (removed, or deleted)
    attempts_before: int = 0  # tries already made of this send (a deferred one's)


@dataclass(frozen=True)
class Known:
    """A result the round has without sending anything; ``record`` it in the history or not."""

    result: PingResult
    record: bool


@dataclass
class Plan:
    """A round's entries, in the order of its results: jobs to send and results known."""

    entries: list[Job | Known] = field(default_factory=list)

    @property
    def jobs(self) -> list[Job]:
        return [entry for entry in self.entries if isinstance(entry, Job)]


def _attempts_so_far(row: SentPing | None) -> int:
    return row.attempts if row is not None and row.outcome == Outcome.DEFERRED.value else 0


def _not_withdrawn(row: SentPing) -> PingResult:
    return PingResult(
        row.source_url,
        row.target_url,
        Outcome.NOT_WITHDRAWN,
        "pingback",
        message=NOT_WITHDRAWN_MESSAGE,
    )


def _no_longer_linked(plan: Plan, row: SentPing) -> None:
    if row.protocol == "webmention":
        plan.entries.append(
            Job(row.source_url, row.target_url, "webmention", False, _attempts_so_far(row))
        )
    elif row.protocol == "pingback":
        plan.entries.append(Known(_not_withdrawn(row), record=True))
    # Else no endpoint was found: the target never heard of the link.


def plan_links(
    source_url: str,
    targets: Sequence[str],
    previous: Sequence[SentPing],
    *,
    protocol: str | None = None,
    force: bool = False,
) -> Plan:
    """The round for a post (new or updated) linking ``targets``, as written, in order."""
    rows = {normalize_url(row.target_url): row for row in previous}
    plan = Plan()
    linked: set[str] = set()
    for target in targets:
        key = normalize_url(target)
        linked.add(key)
        row = rows.get(key)
        if (
            not force
            and row is not None
            and row.protocol == "pingback"
            and row.outcome in _REGISTERED
            and protocol in (None, "pingback")
        ):
            when = row.last_tried.strftime("%Y-%m-%d %H:%M UTC")
            plan.entries.append(
                Known(
                    PingResult(
                        source_url,
                        target,
                        Outcome.ALREADY_REGISTERED,
                        "pingback",
                        message=f"Registered from this source on {when}; not pinged again "
                        "(force=True pings anyway).",
                        attempts=0,
                    ),
                    record=False,
                )
            )
            continue
        plan.entries.append(Job(source_url, target, protocol, True, _attempts_so_far(row)))
    for key, row in rows.items():
        told = not row.linked and row.outcome != Outcome.DEFERRED.value
        if key not in linked and not told:
            _no_longer_linked(plan, row)
    return plan


def plan_deleted(previous: Sequence[SentPing]) -> Plan:
    """The round for a deleted source: every target it ever mentioned is told."""
    plan = Plan()
    for row in previous:
        _no_longer_linked(plan, row)
    return plan


def plan_retries(due: Sequence[SentPing]) -> Plan:
    """The round that tries deferred pings again, as they were first sent."""
    plan = Plan()
    for row in due:
        if row.protocol == "pingback" and not row.linked:
            continue  # Pingback is never sent for a link that is gone
        plan.entries.append(
            Job(row.source_url, row.target_url, row.protocol, row.linked, row.attempts)
        )
    return plan
