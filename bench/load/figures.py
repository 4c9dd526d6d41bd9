"""The load's figures and checks: latency percentiles, outcomes, rows stored once, exact limits.

Pure functions over what a run saw, so they can be tested without a server
(tests/core/test_load_figures.py); ``Report`` prints each check and keeps the failures.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bench.load.client import Answer


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        print(f"    {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            self.failures.append(what)

    def skip(self, what: str, why: str) -> None:
        print(f"  SKIPPED {what}: {why}")
        self.skipped.append(what)


def percentile(values: Iterable[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value with ``fraction`` of them at or below it."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency(seconds: list[float]) -> str:
    p50, p99 = percentile(seconds, 0.50), percentile(seconds, 0.99)
    return f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"


def timing(answers: list[Answer], elapsed: float) -> str:
    line = (
        f"{len(answers)} pings in {elapsed:.2f} s: {len(answers) / elapsed:.1f} pings/s; "
        f"latency {latency([answer.seconds for answer in answers])}"
    )
    good = [answer.seconds for answer in answers if answer.kind.startswith("good")]
    return line + (f" (good sources only: {latency(good)})" if good else "")


def outcomes(answers: Iterable[Answer]) -> str:
    counts = Counter((answer.kind, answer.protocol, answer.outcome) for answer in answers)
    return "; ".join(
        f"{kind} ({protocol}): {n} {outcome}"
        for (kind, protocol, outcome), n in sorted(counts.items())
    )


def unexpected(
    answers: Iterable[Answer], expected: Mapping[tuple[str, str], set[str]]
) -> list[Answer]:
    """The answers whose outcome is not one their (kind, protocol) allows."""
    return [a for a in answers if a.outcome not in expected.get((a.kind, a.protocol), set())]


def stored_once(stored: Iterable[str], expected: set[str]) -> tuple[bool, str]:
    """Whether each expected source has exactly one row, and no other source has any."""
    rows = Counter(stored)
    twice = sorted(source for source, n in rows.items() if n > 1)
    missing = sorted(expected - rows.keys())
    strangers = sorted(rows.keys() - expected)
    ok = not (twice or missing or strangers)
    words = f"{sum(rows.values())} rows for {len(expected)} sources"
    if not ok:
        words += (
            f" ({len(twice)} stored twice, {len(missing)} missing, {len(strangers)} unexpected)"
        )
    return ok, words


def exact_limit(fetched: int, attempts: int, limit: int) -> bool:
    """The limit reached and not passed: as many fetches as pings, up to the limit."""
    return fetched == min(limit, attempts)


def peak_rss_line(peaks: Mapping[str, int]) -> str:
    """``{"gunicorn worker 1": 61234, ...}`` (KiB) as one printed line, in MiB."""
    return ", ".join(f"{name} {kib / 1024:.1f} MiB" for name, kib in peaks.items())
