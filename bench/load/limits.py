"""The limits runs: reflection and the eviction flood, with the counts shared by 2 or 4 processes.

Reflection: 400 pings naming one victim host, from 200 client addresses.
Eviction flood: 25 pings naming a second victim, then 400 from other
addresses about 400 other hosts (counters enough to push the victim's out of
a bounded store), then 100 more naming the victim, all in one window. Each
victim must be fetched exactly the per-host limit: reached, never passed.
"""

from __future__ import annotations

import uuid

from bench.load.client import PINGBACK, WEBMENTION, Call, send_all
from bench.load.figures import Report, exact_limit, peak_rss_line, timing
from bench.load.processes import Served, free_port
from bench.load.servers import SourceServer

CONCURRENCY = 200
PER_SOURCE_HOST = 20
REFLECTION_PINGS = 400
FLOOD_BEFORE, FLOOD_OTHERS, FLOOD_AFTER = 25, 400, 100


def _protocol(n: int) -> str:
    return PINGBACK if n % 2 else WEBMENTION


def naming(victim: SourceServer, count: int, addresses: list[str], kind: str) -> list[Call]:
    return [
        Call(
            kind,
            victim.url(f"/victim?q={uuid.uuid4().hex}"),
            _protocol(n),
            addresses[n % len(addresses)],
        )
        for n in range(count)
    ]


def flood_calls(victim: SourceServer) -> list[list[Call]]:
    """The flood's three waves, each sent after the one before has been answered."""
    victims_clients = [f"127.0.1.{n}" for n in range(1, 101)]
    others_clients = [f"127.0.8.{n}" for n in range(1, 201)]
    closed = free_port()  # nothing listens there on any address: each fetch is refused at once
    others = [
        Call(
            "other host",
            f"http://127.6.{n // 200}.{n % 200 + 1}:{closed}/flood",
            _protocol(n),
            others_clients[n % len(others_clients)],
        )
        for n in range(FLOOD_OTHERS)
    ]
    return [
        naming(victim, FLOOD_BEFORE, victims_clients, "flood victim, before"),
        others,
        naming(victim, FLOOD_AFTER, victims_clients, "flood victim, after"),
    ]


def limits_run(
    served: Served, reflected: SourceServer, flooded: SourceServer, report: Report
) -> None:
    print(f"  L. limits on {served.name}")
    clients = [f"127.0.1.{n}" for n in range(1, 201)]
    before = reflected.count("/victim")
    answers, elapsed = send_all(
        served.site, naming(reflected, REFLECTION_PINGS, clients, "victim"), CONCURRENCY
    )
    fetched = reflected.count("/victim") - before
    print(f"    reflection: {timing(answers, elapsed)}")
    errors = sum(bool(a.error) for a in answers)
    report.check(
        exact_limit(fetched, REFLECTION_PINGS, PER_SOURCE_HOST) and not errors,
        f"reflection: victim fetched {fetched} times for {REFLECTION_PINGS} pings "
        f"(limit {PER_SOURCE_HOST}; {errors} calls unanswered)",
    )
    before = flooded.count("/victim")
    waves = []
    for wave in flood_calls(flooded):
        answers, elapsed = send_all(served.site, wave, CONCURRENCY)
        waves.append(flooded.count("/victim") - before)
        errors += sum(bool(a.error) for a in answers)
    print(f"    peak RSS (VmHWM): {peak_rss_line(served.peak_rss())}")
    attempts = FLOOD_BEFORE + FLOOD_AFTER
    report.check(
        exact_limit(waves[-1], attempts, PER_SOURCE_HOST) and waves[0] == waves[-1] and not errors,
        f"eviction flood: victim fetched {waves[0]} times for the first {FLOOD_BEFORE}, "
        f"{waves[-1] - waves[0]} more after {FLOOD_OTHERS} pings about other hosts "
        f"and {FLOOD_AFTER} naming it again (limit {PER_SOURCE_HOST}; {errors} calls unanswered)",
    )
