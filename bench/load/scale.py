"""The scale run: 1,000 mixed pings against one app at its production shape.

4 gunicorn workers, rate-limit counts in Redis, 2 RQ queue workers on the same
Redis (Django verifies Webmentions there; Flask sends its own pings there).
Good sources, duplicates sent at once, hostile sources, blocked forms aimed
at the trap, and reflection (pings naming one victim host from many client
addresses), as Pingback XML-RPC calls and Webmention POSTs. See __main__.
"""

from __future__ import annotations

import itertools
import random
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from bench.load.client import PINGBACK, WEBMENTION, Call, send_all
from bench.load.figures import (
    Report,
    exact_limit,
    outcomes,
    peak_rss_line,
    stored_once,
    timing,
    unexpected,
)
from bench.load.processes import Served, wait_for_queue
from bench.load.servers import SourceServer
from bench.load.stored import stored_sources

CONCURRENCY = 200
PER_SOURCE_HOST = 20  # the core's default limit
CLIENT_ADDRESSES = [f"127.0.1.{n}" for n in range(1, 251)]  # 4 pings each: under 30 per address
PUBLISHED_POSTS = 40  # Flask: posts whose pings the queue workers send, 2 links each

HOSTILE = {
    # kind: (path prefix, Pingback calls, Webmention calls)
    "trickles": ("/trickle/", 12, 2),
    "claims 5 GB": ("/5gb/", 12, 2),
    "endless body": ("/endless/", 12, 2),
    "redirect loop": ("/loop/", 12, 2),
    "gzip bomb": ("/bomb/", 6, 1),
    "redirect to file:/gopher:": ("/to-scheme/", 6, 1),
}


@dataclass
class Sources:
    """The loopback servers the pings name, each on hosts of its own."""

    good: SourceServer  # 40 hosts: under 20 pings a host, 60 fetches an address
    hostile: SourceServer  # 10 hosts
    trap: SourceServer  # 127.0.0.1 and ::1: nothing may reach it
    victim: SourceServer  # one host, named by the reflection pings
    mentioned: SourceServer  # the pages the Flask site's published posts link to


def _units(sources: Sources) -> tuple[list[list[tuple[str, str, str]]], set[str]]:
    """The mix as units of (kind, protocol, source): a pair of duplicates is one unit."""
    good, hostile, trap = sources.good, sources.hostile, sources.trap
    turns = itertools.count()  # round the good hosts: about 14 sources each

    def good_url(prefix: str = "/good/") -> str:
        host = good.hosts[next(turns) % len(good.hosts)]
        return good.url(f"{prefix}{uuid.uuid4().hex}", host)

    units: list[list[tuple[str, str, str]]] = []
    expected: set[str] = set()
    for protocol, singles, pairs in ((PINGBACK, 300, 30), (WEBMENTION, 180, 20)):
        for _ in range(singles):
            url = good_url()
            units.append([("good", protocol, url)])
            expected.add(url)
        for _ in range(pairs):
            url = good_url()
            units.append([("good, twice at once", protocol, url)] * 2)
            expected.add(url)
    for _ in range(10):
        url = good_url("/to-good/")
        units.append([("good, redirected", PINGBACK, url)])
        expected.add(url)
    for kind, (prefix, pingbacks, webmentions) in HOSTILE.items():
        for m in range(pingbacks + webmentions):
            host = hostile.hosts[m % len(hostile.hosts)]
            path = f"{prefix}{m}" + ("/a" if prefix == "/loop/" else "")
            units.append(
                [(kind, PINGBACK if m < pingbacks else WEBMENTION, hostile.url(path, host))]
            )
    for m in range(10):
        protocol = PINGBACK if m % 2 else WEBMENTION
        trap_url = f"http://admin:secret@127.0.0.1:{trap.port}/{m}"
        units.append([("credentials URL", protocol, trap_url)])
        units.append([("non-http scheme", protocol, f"gopher://127.0.0.1:{trap.port}/_{m}")])
        units.append([("over-long URL", protocol, trap.url("/" + "a" * 2100 + str(m)))])
    for m in range(310):
        protocol = PINGBACK if m % 2 else WEBMENTION
        units.append([("victim", protocol, sources.victim.url(f"/victim?q={uuid.uuid4().hex}"))])
    return units, expected


def scale_calls(sources: Sources, seed: int = 14) -> tuple[list[Call], set[str]]:
    """1,000 calls in a shuffled mix, 4 from each client address; and the good sources."""
    units, expected = _units(sources)
    assert sum(len(unit) for unit in units) == 1000
    random.Random(seed).shuffle(units)
    flat = [item for unit in units for item in unit]
    calls = [
        Call(kind, source, protocol, CLIENT_ADDRESSES[i % len(CLIENT_ADDRESSES)])
        for i, (kind, protocol, source) in enumerate(flat)
    ]
    return calls, expected


def expected_outcomes(app: str, queued: bool) -> dict[tuple[str, str], set[str]]:
    """What each (kind, protocol) may get; a Webmention verified on the queue is 202 at once."""
    expected = {(kind, PINGBACK): {"fault 16"} for kind in HOSTILE}
    expected |= {
        ("good", PINGBACK): {"registered"},
        ("good, redirected", PINGBACK): {"registered"},
        ("good, twice at once", PINGBACK): {"registered", "fault 48"},
        # Refused before any fetch: a URL with a user name, or longer than any page's,
        # names no page that can be checked (16); a non-http scheme is a bad parameter.
        ("credentials URL", PINGBACK): {"fault 16"},
        ("over-long URL", PINGBACK): {"fault 16"},
        ("non-http scheme", PINGBACK): {"fault -32602"},
        ("victim", PINGBACK): {"fault 17", "fault 50"},  # no link; or over the limit
        ("credentials URL", WEBMENTION): {"HTTP 400"},
        ("over-long URL", WEBMENTION): {"HTTP 400"},
        ("non-http scheme", WEBMENTION): {"HTTP 400"},
    }
    later = app == "django" and queued
    good, refused = ("HTTP 202", "HTTP 202") if later else ("HTTP 200", "HTTP 400")
    expected |= {(kind, WEBMENTION): {refused} for kind in HOSTILE}
    expected |= {
        ("good", WEBMENTION): {good},
        ("good, twice at once", WEBMENTION): {good},  # a repeat is an update
        ("victim", WEBMENTION): {refused, "HTTP 429"},
    }
    return expected


def publish_posts(served: Served, mentioned: SourceServer) -> set[tuple[str, str]]:
    """Flask: publish posts whose links the queue workers ping; the (source, target) pairs due."""
    due: set[tuple[str, str]] = set()
    calls = []
    for n in range(PUBLISHED_POSTS):
        slug = f"published-{n}"
        targets = [mentioned.url(f"/mentioned/{n}/{side}") for side in "ab"]
        due |= {(served.site.target(slug), target) for target in targets}
        calls.append((slug, targets))
    for slug, targets in calls:
        form = urlencode([("link", target) for target in targets]).encode()
        url = f"http://127.0.0.1:{served.site.port}/publish/{slug}/"
        with urllib.request.urlopen(urllib.request.Request(url, form), timeout=30) as answer:
            if answer.status != 202:
                raise RuntimeError(f"publishing {slug} answered {answer.status}")
    return due


def received_mentions(mentioned: SourceServer) -> Counter[tuple[str, str]]:
    """The (source, target) of each Webmention the mentioned pages' endpoint received."""
    pairs: Counter[tuple[str, str]] = Counter()
    for path, body in mentioned.posts:
        if path.startswith("/endpoint"):
            form = dict(parse_qsl(body.decode("utf-8", "replace")))
            pairs[(form.get("source", ""), form.get("target", ""))] += 1
    return pairs


def scale_run(served: Served, sources: Sources, report: Report) -> None:
    queued = bool(served.queue_workers)
    print(f"  S. scale on {served.name}: 1000 mixed pings, {CONCURRENCY} at a time")
    due: set[tuple[str, str]] = set()
    if queued and served.app == "flask":
        due = publish_posts(served, sources.mentioned)
    calls, good_sources = scale_calls(sources)
    victim_before = sources.victim.count("/victim")
    trap_before = sources.trap.connections
    answers, elapsed = send_all(served.site, calls, CONCURRENCY)
    print(f"    {timing(answers, elapsed)}")
    if queued:
        waited = time.perf_counter()
        drained, counts = wait_for_queue(served)
        waited = time.perf_counter() - waited
        report.check(drained, f"queue drained {waited:.1f} s after the last answer: {counts}")
        report.check(counts["failed"] == 0, f"no queue job failed ({counts['failed']} did)")
    print(f"    peak RSS (VmHWM): {peak_rss_line(served.peak_rss())}")
    print(f"    answers: {outcomes(answers)}")
    errors = [a for a in answers if a.error]
    report.check(not errors, f"every call answered ({len(errors)} did not)")
    wrong = unexpected(answers, expected_outcomes(served.app, queued))
    report.check(not wrong, f"every kind got its expected answer ({len(wrong)} did not)")
    for answer in wrong[:3]:
        print(f"      e.g. {answer.kind} ({answer.protocol}): {answer.outcome}: {answer.message}")
    pairs = Counter(
        a.outcome for a in answers if a.kind == "good, twice at once" and a.protocol == PINGBACK
    )
    report.check(
        pairs == {"registered": 30, "fault 48": 30},
        f"Pingbacks sent twice at once: one registered, one fault 48 ({dict(pairs)})",
    )
    ok, words = stored_once(stored_sources(served), good_sources)
    report.check(ok, f"good sources stored exactly once: {words}")
    victim_pings = [a for a in answers if a.kind == "victim"]
    fetched = sources.victim.count("/victim") - victim_before
    let_through = sum(a.outcome not in ("fault 50", "HTTP 429") for a in victim_pings)
    report.check(
        exact_limit(fetched, len(victim_pings), PER_SOURCE_HOST) and let_through == fetched,
        f"victim fetched {fetched} times for {len(victim_pings)} pings naming it "
        f"({let_through} let through; limit {PER_SOURCE_HOST} per source host)",
    )
    to_trap = [c for c in served.connections() if c[1] == sources.trap.port]
    report.check(
        sources.trap.connections == trap_before and not to_trap,
        f"the trap saw {sources.trap.connections - trap_before} connections, "
        f"the workers opened {len(to_trap)} to it ({len(served.connections())} in all)",
    )
    if due:
        got = received_mentions(sources.mentioned)
        twice = sum(n > 1 for n in got.values())
        report.check(
            set(got) == due and not twice,
            f"the queue workers sent each published post's Webmentions once: "
            f"{sum(got.values())} received for {len(due)} links ({twice} twice)",
        )
