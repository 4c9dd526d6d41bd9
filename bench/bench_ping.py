"""Pinging many slow targets at once, and verifying many hostile sources at once.

1. ``ping_external_urls`` over 50 targets whose pages and endpoints each answer
   after 200 ms, against the same 50 pinged one after another as pingdjack
   did, at the default settings and at two lower concurrencies. Goal: at most
   3 times the wall time of one target at the default settings.
2. ``PingbackServer`` verifying 100 hostile sources at once (a 5 GB body, an
   endless body, a gzip bomb, a trickle): peak memory and wall time.

Every server is on 127.0.0.1; each target has a host name of its own (mapped to
127.0.0.1 by the policy's resolver) so the per-host politeness limit is not
what is measured.
"""

from __future__ import annotations

import gzip
import resource
import threading
import time
import tracemalloc
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pingcore import FetchPolicy, PingbackServer, ReceivedPing, Target, ping, ping_external_urls
from pingcore import xmlrpc as rpc
from pingcore.client import DEFAULT_CONCURRENCY
from pingcore.loopback import serve

DELAY = 0.2
TARGETS = 50
HOSTILE = 100


def loopback(host: str, port: int) -> Sequence[str]:
    return ["127.0.0.1"]


POLICY = FetchPolicy(allow_private_addresses=True, resolver=loopback, timeout=10.0)


def slow_site(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """Every answer takes DELAY: target pages advertise an endpoint on their own host."""
    time.sleep(DELAY)
    host = environ["HTTP_HOST"]
    if environ["REQUEST_METHOD"] == "POST":
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [rpc.dump_response("Ping registered.")]
    start_response("200 OK", [("Content-Type", "text/html"), ("X-Pingback", f"http://{host}/rpc")])
    return [b"<title>target</title>"]


def bench_concurrent_pings() -> None:
    with serve(slow_site) as root:
        port = root.rsplit(":", 1)[1]
        targets = [f"http://t{n}.bench.test:{port}/post" for n in range(TARGETS)]
        html = "".join(f'<p><a href="{t}">target {n}</a></p>' for n, t in enumerate(targets))
        source = "http://source.bench.test/post"

        start = time.perf_counter()
        ping(source, targets[0], policy=POLICY)
        one = time.perf_counter() - start

        start = time.perf_counter()
        for target in targets:
            ping(source, target, policy=POLICY)
        sequential = time.perf_counter() - start

        print(f"ping_external_urls, {TARGETS} targets answering after {DELAY * 1000:.0f} ms:")
        print(f"  {'one target':<30}{one:6.2f} s")
        print(f"  {'one after another (pingdjack)':<30}{sequential:6.2f} s")
        for concurrency in (DEFAULT_CONCURRENCY, 8, 25):
            label = f"concurrency={concurrency}"
            if concurrency == DEFAULT_CONCURRENCY:
                label = f"default ({label})"
            start = time.perf_counter()
            results = ping_external_urls(
                source,
                html,
                "http://source.bench.test/",
                policy=POLICY,
                concurrency=concurrency,
            )
            took = time.perf_counter() - start
            ok = sum(r.ok for r in results)
            failures = {f"{r.outcome.value}: {r.message}" for r in results if not r.ok}
            # The goal is the default's: a lower concurrency trades wall time for fewer
            # connections at once, and is shown for that trade only.
            goal = " (goal <= 3.0)" if concurrency == DEFAULT_CONCURRENCY else ""
            print(
                f"  {label:<30}{took:6.2f} s  "
                f"= {took / one:4.1f} x one target{goal}; {ok}/{len(results)} ok"
            )
            for failure in sorted(failures):
                print(f"      not ok: {failure}")


def hostile_site(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    kind = environ["PATH_INFO"].strip("/").split("-")[0]
    if kind == "huge":  # claims 5 GB: refused on the header
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(5 << 30))])
        return [b"<p>"]
    if kind == "endless":  # no length, never ends: cut at the byte cap
        start_response("200 OK", [("Content-Type", "text/html")])
        return (b"<p>" + b"a" * 65533 for _ in range(100_000))
    if kind == "bomb":  # 1 MiB on the wire, 1 GiB inflated
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
        return [GZIP_BOMB]
    # trickle: a byte every 0.5 s, forever
    start_response("200 OK", [("Content-Type", "text/html")])
    return _trickle()


def _trickle() -> Iterable[bytes]:
    for _ in range(10_000):
        time.sleep(0.5)
        yield b"a"


GZIP_BOMB = b""


def bench_hostile_sources() -> None:
    global GZIP_BOMB
    GZIP_BOMB = _gzip_zeros(1 << 30)
    policy = FetchPolicy(allow_private_addresses=True, timeout=3.0)
    server = PingbackServer(
        lambda url: Target(url), _never_called, policy=policy, rate_limiter=_unlimited()
    )
    kinds = ["huge", "endless", "bomb", "trickle"]
    with serve(hostile_site) as root:
        bodies = [
            rpc.dump_call("pingback.ping", [f"{root}/{kinds[n % 4]}-{n}", "http://me.test/p"])
            for n in range(HOSTILE)
        ]
        tracemalloc.start()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        with ThreadPoolExecutor(HOSTILE) as pool:
            answers = list(pool.map(lambda body: server.handle(body), bodies))
        took = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    faults = sorted({_fault(a.body) for a in answers})
    print(f"PingbackServer verifying {HOSTILE} hostile sources at once (deadline 3 s):")
    print(f"  wall time             {took:6.2f} s")
    print(f"  peak traced memory    {peak / 2**20:6.1f} MiB (Python allocations)")
    print(f"  max RSS growth        {(rss_after - rss_before) / 1024:6.1f} MiB")
    print(f"  faults answered       {faults}")


def _gzip_zeros(size: int) -> bytes:
    out = gzip.compress(b"\0" * (1 << 24), compresslevel=9)
    # Concatenated gzip members inflate one after another.
    return out * (size >> 24)


def _never_called(ping: ReceivedPing) -> None:
    raise AssertionError("a hostile source was accepted")


def _unlimited() -> Any:
    from pingcore import RateLimiter

    return RateLimiter(per_address=None, per_source_host=None)


def _fault(body: bytes) -> int:
    try:
        rpc.parse_response(body)
    except rpc.XMLRPCFault as fault:
        return fault.code
    return 0


def main() -> None:
    bench_concurrent_pings()
    print()
    bench_hostile_sources()


if __name__ == "__main__":
    threading.excepthook = lambda args: None
    main()
