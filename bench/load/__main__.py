"""Load: hostile and good pings against the Django and Flask apps under gunicorn, on loopback.

Each app (the adapter's views, its real storage in a SQLite file) runs under
gunicorn, 2 worker processes of 50 threads each, with a guard in every worker
(gunicorn_conf.py) that logs each connection the worker opens and refuses,
unsent, any destination off loopback and any DNS lookup but ``localhost``.
Three phases per app, each on a freshly started server:

A. Mixed load, 200 concurrent ``pingback.ping`` calls. The sources are loopback
   servers, which only PINGBACK_ALLOW_PRIVATE_ADDRESSES=True lets the app
   fetch; with it, no loopback address is "blocked", so the blocked sources of
   this phase are the ones a FetchPolicy refuses whatever the address: URLs
   with credentials (pointing at the trap), redirects to file: and gopher:
   (the latter at the trap), non-http schemes and over-long URLs (both refused
   as bad parameters, before any fetch). The hostile sources trickle, claim
   5 GB, never end, loop their redirects or send a gzip bomb; the good ones
   link to the post (120 distinct sources, 10 of them pinged twice at once).
   Rate limits are off in this phase (every ping comes from one address and
   names one source host), so every ping reaches the fetcher. Reported:
   throughput, p50/p99 latency, peak RSS of the gunicorn processes, each good
   source stored exactly once (rows counted in the app's SQLite file), the
   trap's connections and the workers' connections to it (both must be 0).

B. Blocked addresses, 200 concurrent pings with the apps' DEFAULT policy
   (private addresses refused, rate limits off so that every ping reaches the
   fetcher). Every source is a blocked form: loopback spellings (decimal, hex,
   octal, short, IPv4-mapped, 0.0.0.0, localhost, [::1]) on the trap's port,
   and private, CGNAT and cloud-metadata addresses. Every answer must be fault
   16, the trap must see no connection and the workers' log must be empty.

C. Reflection, 1,000 pings naming one victim host (the victim is a loopback
   server, so PINGBACK_ALLOW_PRIVATE_ADDRESSES=True again) with random query
   strings, 200 at a time, from 250 client addresses (127.0.1.x, 4 pings
   each: under the per-address limit), with the default limits (30 per
   address, 20 fetches per source host, 60 per source address, per 60 s). The
   victim must be fetched at most 20 times. The count must be shared by the
   workers: Flask keeps it in a SQLiteStore (one atomic statement per hit);
   Django in its cache, run twice: the database cache over 2 workers, and the
   local-memory cache in 1 worker of 100 threads. Django's DatabaseCache.incr
   is a get then a set, not atomic across processes, so the first of the two
   lets concurrent pings through past the limit. That run is printed as a
   KNOWN limitation, not a failure: the adapter's check pingback.W005 warns
   sites that count in the database or file cache, and the README sends
   several-process sites to Redis or memcached, whose incr is atomic.

Everything is bounded: a fixed number of requests, 2-second fetch deadlines,
30-second client timeouts; the servers are stopped at the end of each phase.
Exit status 1 if any check failed.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import xmlrpc.client
from collections import Counter
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.load.servers import (
    SourceServer,
    claims_5_gb,
    endless,
    gzip_bomb_handler,
    page,
    redirect,
    trickle,
)

ROOT = Path(__file__).resolve().parents[2]
FETCH_TIMEOUT = 2.0
CLIENT_TIMEOUT = 30.0
CONCURRENCY = 200
VICTIM_PINGS = 1000
PER_SOURCE_HOST = 20  # the core's default limit

APPS = {
    "django": ("bench.load.django_wsgi:application", "/pingback/"),
    "flask": ("bench.load.flask_site:app", "/pingback"),
}


# -- the gunicorn servers ---------------------------------------------------------------


@dataclass
class Served:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    load_dir: Path
    netlog: Path

    def target(self, slug: str = "hello") -> str:
        return f"http://127.0.0.1:{self.port}/posts/{slug}/"

    @property
    def endpoint(self) -> str:
        return APPS[self.name.split()[0]][1]

    def connections(self) -> list[tuple[str, int]]:
        """Every connection a worker opened, as its guard logged it."""
        if not self.netlog.exists():
            return []
        lines = self.netlog.read_text().split()
        return [(lines[i + 1], int(lines[i + 2])) for i in range(0, len(lines), 3)]

    def peak_rss(self) -> dict[str, int]:
        """Peak resident memory (VmHWM, KiB) of the master and each worker."""
        peaks = {"master": _vm_hwm(self.process.pid)}
        for n, pid in enumerate(_children(self.process.pid), start=1):
            peaks[f"worker {n}"] = _vm_hwm(pid)
        return peaks


def _vm_hwm(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return sorted(children)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(
    app: str,
    load_dir: Path,
    *,
    allow_private: bool,
    rate_limit: Any,
    workers: int = 2,
    threads: int = 50,
    cache: str = "locmem",
    label: str = "",
) -> Iterator[Served]:
    port = _free_port()
    netlog = load_dir / "connections.log"
    env = {
        **os.environ,
        "PINGCORE_LOAD_DIR": str(load_dir),
        "PINGCORE_LOAD_BIND": f"127.0.0.1:{port}",
        "PINGCORE_LOAD_WORKERS": str(workers),
        "PINGCORE_LOAD_THREADS": str(threads),
        "PINGCORE_LOAD_ALLOW_PRIVATE": "1" if allow_private else "0",
        "PINGCORE_LOAD_FETCH_TIMEOUT": str(FETCH_TIMEOUT),
        "PINGCORE_LOAD_RATE_LIMIT": json.dumps(rate_limit),
        "PINGCORE_LOAD_CACHE": cache,
        "DJANGO_SETTINGS_MODULE": "bench.load.django_settings",
    }
    log = (load_dir / "gunicorn.log").open("wb")
    command = [sys.executable, "-m", "gunicorn", "-c", "python:bench.load.gunicorn_conf"]
    process = subprocess.Popen([*command, APPS[app][0]], cwd=ROOT, env=env, stdout=log, stderr=log)
    served = Served(f"{app} {label}".strip(), port, process, load_dir, netlog)
    try:
        _wait_until_up(served)
        netlog.unlink(missing_ok=True)  # the readiness checks are not the load's
        yield served
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_up(served: Served) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: see {served.load_dir / 'gunicorn.log'}")
        try:
            with socket.create_connection(("127.0.0.1", served.port), timeout=2) as sock:
                sock.sendall(
                    b"GET /posts/up/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                if sock.recv(12).startswith(b"HTTP/1.1 200"):
                    # Both workers up: ask a few more times.
                    time.sleep(0.5)
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not come up: see {served.load_dir / 'gunicorn.log'}")


def prepare_django(template: Path) -> None:
    """Migrate a template database once; each phase starts from a copy."""
    env = {
        **os.environ,
        "PINGCORE_LOAD_DIR": str(template),
        "PINGCORE_LOAD_CACHE": "db",
        "DJANGO_SETTINGS_MODULE": "bench.load.django_settings",
    }
    for args in (["migrate", "--noinput", "-v", "0"], ["createcachetable"]):
        subprocess.run([sys.executable, "-m", "django", *args], cwd=ROOT, env=env, check=True)


def phase_dir(base: Path, name: str, template: Path) -> Path:
    directory = base / name
    directory.mkdir()
    shutil.copy(template / "django.sqlite3", directory / "django.sqlite3")
    return directory


# -- the client -------------------------------------------------------------------------


@dataclass
class Answer:
    kind: str
    source: str
    seconds: float
    status: int
    fault: int | None  # None: registered
    error: str = ""


async def ping(served: Served, kind: str, source: str, local_address: str = "127.0.0.1") -> Answer:
    body = xmlrpc.client.dumps((source, served.target()), "pingback.ping").encode()
    request = (
        f"POST {served.endpoint} HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
        f"Content-Type: text/xml\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    started = time.perf_counter()
    try:
        async with asyncio.timeout(CLIENT_TIMEOUT):
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", served.port, local_addr=(local_address, 0)
            )
            writer.write(request)
            await writer.drain()
            data = await reader.read()
            writer.close()
            await writer.wait_closed()
    except (OSError, TimeoutError) as exc:
        return Answer(kind, source, time.perf_counter() - started, 0, None, repr(exc))
    seconds = time.perf_counter() - started
    head, _, content = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    if b"transfer-encoding: chunked" in head.lower():
        content = _dechunked(content)
    try:
        xmlrpc.client.loads(content)
    except xmlrpc.client.Fault as fault:
        return Answer(kind, source, seconds, status, fault.faultCode)
    except Exception as exc:  # noqa: BLE001  (a broken answer is a finding, not a crash)
        return Answer(kind, source, seconds, status, None, f"unreadable answer: {exc!r}")
    return Answer(kind, source, seconds, status, None)


def _dechunked(data: bytes) -> bytes:
    body = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        body, data = body + rest[:size], rest[size + 2 :]
    return body


async def run_all(calls: list[tuple[Served, str, str, str]], concurrency: int) -> list[Answer]:
    gate = asyncio.Semaphore(concurrency)

    async def one(served: Served, kind: str, source: str, local: str) -> Answer:
        async with gate:
            return await ping(served, kind, source, local)

    return await asyncio.gather(*(one(*call) for call in calls))


# -- the checks and the report --------------------------------------------------------------


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str, *, known_limitation: str | None = None) -> None:
        if not ok and known_limitation:
            print(f"    KNOWN {what}: {known_limitation}")
            return
        print(f"    {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            self.failures.append(what)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency(seconds: list[float]) -> str:
    p50, p99 = statistics.median(seconds), percentile(seconds, 0.99)
    return f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"


def print_timing(answers: list[Answer], elapsed: float) -> None:
    line = (
        f"    {len(answers)} pings in {elapsed:.2f} s: {len(answers) / elapsed:.1f} pings/s; "
        f"latency {latency([answer.seconds for answer in answers])}"
    )
    good = [answer.seconds for answer in answers if answer.kind.startswith("good")]
    print(line + (f" (good sources only: {latency(good)})" if good else ""))


def print_rss(served: Served) -> None:
    peaks = served.peak_rss()
    shown = ", ".join(f"{name} {kib / 1024:.1f} MiB" for name, kib in peaks.items())
    print(f"    peak RSS (VmHWM): {shown}")


def outcomes(answers: list[Answer]) -> str:
    counts = Counter(
        (answer.kind, "registered" if answer.fault is None else f"fault {answer.fault}")
        for answer in answers
    )
    return "; ".join(f"{kind}: {n} {what}" for (kind, what), n in sorted(counts.items()))


def stored_sources(served: Served) -> list[str]:
    if served.name.startswith("django"):
        database, query = "django.sqlite3", "SELECT source_url FROM pingback_storage_pingback"
    else:
        database, query = "flask.sqlite3", "SELECT source_url FROM pings"
    path = served.load_dir / database
    if not path.exists():
        return []
    with closing(sqlite3.connect(path, timeout=30)) as db:
        try:
            return [row[0] for row in db.execute(query)]
        except sqlite3.OperationalError:
            return []


# -- the phases -----------------------------------------------------------------------------


def mixed_calls(served: Served, good: SourceServer, hostile: SourceServer, trap: SourceServer):
    """200 calls: (kind, source URL) for phase A, and the good sources among them."""
    calls: list[tuple[str, str]] = []
    good_sources = [good.url(f"/good/{uuid.uuid4().hex}") for _ in range(100)]
    calls += [("good", url) for url in good_sources]
    twice = [good.url(f"/good/{uuid.uuid4().hex}") for _ in range(10)]
    calls += [("good, twice at once", url) for url in twice for _ in range(2)]
    via_redirect = [good.url(f"/to-good/{uuid.uuid4().hex}") for _ in range(10)]
    calls += [("good, redirected", url) for url in via_redirect]
    calls += [("trickles", hostile.url(f"/trickle/{n}")) for n in range(15)]
    calls += [("claims 5 GB", hostile.url(f"/5gb/{n}")) for n in range(10)]
    calls += [("endless body", hostile.url(f"/endless/{n}")) for n in range(10)]
    calls += [("redirect loop", hostile.url(f"/loop/{n}/a")) for n in range(10)]
    calls += [("gzip bomb", hostile.url(f"/bomb/{n}")) for n in range(5)]
    calls += [("redirect to file:/gopher:", hostile.url(f"/to-scheme/{n}")) for n in range(5)]
    calls += [
        ("credentials URL", f"http://admin:secret@127.0.0.1:{trap.port}/{n}") for n in range(5)
    ]
    calls += [
        ("non-http scheme", url)
        for url in [
            "file:///etc/passwd",
            f"gopher://127.0.0.1:{trap.port}/_x",
            "ftp://x/",
            "javascript:alert(1)",
            f"dict://127.0.0.1:{trap.port}/",
        ]
    ]
    calls += [("over-long URL", good.url("/good/" + "a" * 2100 + str(n))) for n in range(5)]
    return calls, set(good_sources) | set(twice) | set(via_redirect)


EXPECTED_A = {
    "good": {None},
    "good, redirected": {None},
    "good, twice at once": {None, 48},
    "trickles": {16},
    "claims 5 GB": {16},
    "endless body": {16},
    "redirect loop": {16},
    "gzip bomb": {16},
    "redirect to file:/gopher:": {16},
    "credentials URL": {-32602},
    "non-http scheme": {-32602},
    "over-long URL": {-32602},
}


def phase_a(
    served: Served, good: SourceServer, hostile: SourceServer, trap: SourceServer, report: Report
) -> None:
    print(f"  A. mixed load on {served.name}: {CONCURRENCY} concurrent pings")
    calls, good_sources = mixed_calls(served, good, hostile, trap)
    trap_before = trap.connections
    started = time.perf_counter()
    answers = asyncio.run(
        run_all([(served, kind, url, "127.0.0.1") for kind, url in calls], CONCURRENCY)
    )
    elapsed = time.perf_counter() - started
    print_timing(answers, elapsed)
    print_rss(served)
    print(f"    answers: {outcomes(answers)}")
    errors = [answer for answer in answers if answer.error or answer.status != 200]
    report.check(not errors, f"every call answered HTTP 200 ({len(errors)} did not)")
    wrong = [a for a in answers if a.fault not in EXPECTED_A[a.kind]]
    report.check(not wrong, f"every kind got its expected answer ({len(wrong)} did not)")
    twice = Counter(a.fault for a in answers if a.kind == "good, twice at once")
    report.check(
        twice == {None: 10, 48: 10}, f"pinged twice at once: one registered, one 48 ({dict(twice)})"
    )
    stored = stored_sources(served)
    report.check(
        len(stored) == len(good_sources) and set(stored) == good_sources,
        f"good sources stored exactly once: {len(stored)} rows for {len(good_sources)} sources",
    )
    to_trap = [c for c in served.connections() if c[1] == trap.port]
    report.check(
        trap.connections == trap_before and not to_trap,
        f"blocked sources contacted: trap saw {trap.connections - trap_before} connections, "
        f"workers opened {len(to_trap)} to it ({len(served.connections())} connections in all)",
    )


BLOCKED_FORMS = [
    "http://127.0.0.1:{trap}/",
    "http://2130706433:{trap}/",
    "http://0x7f000001:{trap}/",
    "http://017700000001:{trap}/",
    "http://127.1:{trap}/",
    "http://[::ffff:127.0.0.1]:{trap}/",
    "http://0.0.0.0:{trap}/",
    "http://localhost:{trap}/",
    "http://[::1]:{trap}/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://100.64.0.1/",
    "http://10.0.0.1/",
    "http://192.168.1.1:8080/",
    "http://172.16.0.1/",
]


def phase_b(served: Served, trap: SourceServer, report: Report) -> None:
    print(
        f"  B. blocked addresses on {served.name} (default policy): {CONCURRENCY} concurrent pings"
    )
    sources = [
        BLOCKED_FORMS[n % len(BLOCKED_FORMS)].format(trap=trap.port) + f"?{n}"
        for n in range(CONCURRENCY)
    ]
    trap_before = trap.connections
    started = time.perf_counter()
    answers = asyncio.run(
        run_all([(served, "blocked", url, "127.0.0.1") for url in sources], CONCURRENCY)
    )
    elapsed = time.perf_counter() - started
    print_timing(answers, elapsed)
    print_rss(served)
    print(f"    answers: {outcomes(answers)}")
    report.check(
        all(a.fault == 16 and a.status == 200 for a in answers),
        f"every blocked source answered fault 16 ({sum(a.fault == 16 for a in answers)}/200)",
    )
    report.check(
        trap.connections == trap_before and not served.connections(),
        f"connections: trap saw {trap.connections - trap_before}, "
        f"workers opened {len(served.connections())}",
    )


def phase_c(
    served: Served, victim: SourceServer, report: Report, known_limitation: str | None = None
) -> None:
    print(f"  C. reflection on {served.name}: {VICTIM_PINGS} pings naming one victim host")
    before = len([p for p in victim.paths if p.startswith("/victim")])
    calls = [
        (served, "victim", victim.url(f"/victim?q={uuid.uuid4().hex}"), f"127.0.1.{n % 250 + 1}")
        for n in range(VICTIM_PINGS)
    ]
    started = time.perf_counter()
    answers = asyncio.run(run_all(calls, CONCURRENCY))
    elapsed = time.perf_counter() - started
    print_timing(answers, elapsed)
    print_rss(served)
    print(f"    answers: {outcomes(answers)}")
    fetched = len([p for p in victim.paths if p.startswith("/victim")]) - before
    report.check(
        fetched <= PER_SOURCE_HOST,
        f"victim fetched {fetched} times (limit {PER_SOURCE_HOST} per source host)",
        known_limitation=known_limitation,
    )


def main() -> int:
    report = Report()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pingcore-load-") as tmp:
        base = Path(tmp)
        template = base / "template"
        template.mkdir()
        prepare_django(template)
        trap = SourceServer({}, hosts=("127.0.0.1", "::1"))
        good = SourceServer({})
        hostile = SourceServer(
            {
                "/trickle/": trickle,
                "/5gb/": claims_5_gb,
                "/endless/": endless,
                "/bomb/": gzip_bomb_handler(),
                "/loop/": redirect(lambda path: path[:-1] + ("b" if path.endswith("a") else "a")),
                "/to-scheme/": redirect(
                    lambda path: (
                        "file:///etc/passwd"
                        if path.endswith(("0", "2", "4"))
                        else f"gopher://127.0.0.1:{trap.port}/_x"
                    )
                ),
            }
        )
        victim = SourceServer({"/victim": page(lambda path: "<p>Nothing links here.</p>")})
        try:
            for app in APPS:
                print(f"== {app}")
                target_html = {}

                def good_page(path: str, _html: dict[str, str] = target_html) -> str:
                    return _html["page"]

                good.routes = {
                    "/good/": page(good_page),
                    "/to-good/": redirect(lambda path: path.replace("/to-good/", "/good/", 1)),
                }
                directory = phase_dir(base, f"{app}-a", template)
                with gunicorn(app, directory, allow_private=True, rate_limit=None) as served:
                    target_html["page"] = (
                        f'<html><body><p>I liked <a href="{served.target()}">this post</a>.'
                        "</p></body></html>"
                    )
                    phase_a(served, good, hostile, trap, report)
                directory = phase_dir(base, f"{app}-b", template)
                with gunicorn(app, directory, allow_private=False, rate_limit=None) as served:
                    phase_b(served, trap, report)
                variants = (
                    [
                        ("db", 2, 50, "(2 workers, database cache)"),
                        ("locmem", 1, 100, "(1 worker, local-memory cache)"),
                    ]
                    if app == "django"
                    else [("locmem", 2, 50, "(2 workers, SQLiteStore)")]
                )
                for n, (cache, workers, threads, label) in enumerate(variants):
                    directory = phase_dir(base, f"{app}-c{n}", template)
                    with gunicorn(
                        app,
                        directory,
                        allow_private=True,
                        rate_limit={},
                        cache=cache,
                        workers=workers,
                        threads=threads,
                        label=label,
                    ) as served:
                        known = (
                            "the database cache's incr is not atomic across processes "
                            "(pingback.W005 warns of it)"
                            if cache == "db"
                            else None
                        )
                        phase_c(served, victim, report, known)
        finally:
            for server in (trap, good, hostile, victim):
                server.close()
    print(f"\nload took {time.perf_counter() - started:.0f} s")
    if report.failures:
        print(f"{len(report.failures)} checks FAILED:")
        for failure in report.failures:
            print(f"  {failure}")
        return 1
    print("every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
