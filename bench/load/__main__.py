"""Load: hostile and good pings against the Django and Flask apps under gunicorn, on loopback.

Each app (the adapter's views, its real storage in a SQLite file) runs under
gunicorn (gthread, 50 threads a worker), with a guard in every worker, web
or queue (netguard.py), that logs each connection the process opens and
refuses, unsent, any destination off loopback and any DNS lookup but
``localhost``. A redis-server of the load's own (no persistence, a free
loopback port, stopped at the end) holds the Redis counts and the queues;
without the binary the Redis runs are skipped, said so, and not failed.
Three runs per app, each on freshly started servers:

S. Scale (scale.py): 1,000 mixed pings, 200 at a time, from 250 client
   addresses (4 each: under the 30 per address), with the default limits (20
   fetches per source host, 60 per source address, per 60 s). 4 gunicorn
   workers, the counts in Redis (Django: a RedisCache alias; Flask:
   PINGBACK_RATE_LIMIT_STORE = "redis://..."), 2 RQ workers on the same Redis.
   Django verifies Webmentions on its workers (django-tasks-rq: answered 202);
   Flask's queue (flask_pingback.queues) carries what the site sends, so the
   load first publishes 40 posts whose 80 links the workers ping. The mix, as
   Pingback calls and Webmention POSTs: 480 good sources linking to the post
   (on 40 loopback hosts), 50 more sent twice at once, 10 behind a redirect;
   70 hostile (trickle, claim 5 GB, never end, loop their redirects, gzip
   bomb, redirect to file:/gopher:); 30 aimed at the trap (credentials URLs,
   non-http schemes, over-long URLs); 310 naming one victim host. Once the
   queue has drained (at most 90 s): throughput, p50/p99 latency, peak RSS
   (VmHWM) of each gunicorn and queue worker; checked: each good source stored
   exactly once (rows counted in the app's SQLite file), the victim fetched
   exactly 20 times (the limit reached, not passed), the trap never reached,
   no job failed, and (Flask) each published link pinged exactly once.

B. Blocked addresses, 200 concurrent pings with the apps' DEFAULT policy
   (private addresses refused, rate limits off so that every ping reaches the
   fetcher). Every source is a blocked form: loopback spellings (decimal, hex,
   octal, short, IPv4-mapped, 0.0.0.0, localhost, [::1]) on the trap's port,
   and private, CGNAT and cloud-metadata addresses. Every answer must be fault
   16, the trap must see no connection and the workers' log must be empty.

L. Limits (limits.py), over 2 and over 4 gunicorn workers, with the counts in
   Redis and in the store that needs none (Django: the storage app's atomic
   table, PINGBACK_RATE_LIMIT_STORE = "database"; Flask: a SQLiteStore file).
   Reflection: 400 pings naming one victim from 200 addresses. Eviction
   flood: 25 naming a second victim, 400 about 400 other hosts from 200 other
   addresses, 100 more naming the victim. Each victim must be fetched exactly
   20 times. (Django's database cache, whose incr is a get then a set, is not
   run: check pingback.W005 warns sites that count there.)

Everything is bounded: a fixed number of requests, 2-second fetch deadlines
in S and B (10 s, the default, in L, whose sources are all quick: a 2-second
deadline there expired on pings already counted, while they waited for the
CPU or SQLite's lock), 30-second client timeouts, a 90-second wait for the
queue. About 90 seconds on 2 busy cores. Exit status 1 if any check failed;
skipped runs are not failures.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.load.client import Call, send_all
from bench.load.figures import Report, outcomes, peak_rss_line, timing
from bench.load.limits import limits_run
from bench.load.processes import (
    APPS,
    RedisServer,
    Served,
    Setup,
    prepare_django,
    run_dir,
    serve,
    vm_hwm,
)
from bench.load.scale import Sources, scale_run
from bench.load.servers import (
    SourceServer,
    accepted,
    claims_5_gb,
    endless,
    gzip_bomb_handler,
    mentioned_page,
    page,
    redirect,
    trickle,
)

CONCURRENCY = 200
DEFAULT_LIMITS: dict[str, object] = {}  # the core's defaults: 30, 20, 60 per 60 s

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
    print(f"  B. blocked addresses on {served.name}: {CONCURRENCY} pings at once")
    calls = [
        Call("blocked", BLOCKED_FORMS[n % len(BLOCKED_FORMS)].format(trap=trap.port) + f"?{n}")
        for n in range(CONCURRENCY)
    ]
    trap_before = trap.connections
    answers, elapsed = send_all(served.site, calls, CONCURRENCY)
    print(f"    {timing(answers, elapsed)}")
    print(f"    peak RSS (VmHWM): {peak_rss_line(served.peak_rss())}")
    print(f"    answers: {outcomes(answers)}")
    refused = sum(a.outcome == "fault 16" for a in answers)
    report.check(
        refused == len(answers),
        f"every blocked source answered fault 16 ({refused}/{len(answers)})",
    )
    report.check(
        trap.connections == trap_before and not served.connections(),
        f"connections: trap saw {trap.connections - trap_before}, "
        f"workers opened {len(served.connections())}",
    )


def victim_server(host: str) -> SourceServer:
    """A page that links nowhere, alone on ``host``: only the limits keep it from a flood."""
    return SourceServer({"/victim": page(lambda path: "<p>Nothing links here.</p>")}, hosts=(host,))


def source_servers() -> tuple[Sources, dict[str, str]]:
    """The servers the scale run names; and the good pages' HTML, set once the app is up."""
    trap = SourceServer({}, hosts=("127.0.0.1", "::1"))
    good_html: dict[str, str] = {}
    good = SourceServer(
        {
            "/good/": page(lambda path: good_html["page"]),
            "/to-good/": redirect(lambda path: path.replace("/to-good/", "/good/", 1)),
        },
        hosts=tuple(f"127.0.2.{n}" for n in range(1, 41)),
    )
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
        },
        hosts=tuple(f"127.0.3.{n}" for n in range(1, 11)),
    )
    mentioned = SourceServer(
        {"/mentioned/": mentioned_page("/endpoint"), "/endpoint": accepted}, hosts=("127.0.5.1",)
    )
    return Sources(good, hostile, trap, victim_server("127.0.4.1"), mentioned), good_html


def own_store(app: str) -> tuple[str, str]:
    """The store each app counts in without Redis, and its name in the report."""
    if app == "django":
        return "database", "the storage app's atomic table"
    return "", "SQLiteStore"


def scale_setup(redis: RedisServer) -> Setup:
    return Setup(
        workers=4,
        rate_limit=DEFAULT_LIMITS,
        rate_store="redis",
        redis_url=redis.new_database(),
        queue=True,
        label="(4 workers, counts in Redis, 2 RQ workers)",
    )


# The core's default. No source of the limits runs is slow: their deadline only
# has to outlast the wait for CPU and for the store's lock (SQLite's, 100
# writers at once) on 2 busy cores, so that every ping counted is a fetch made.
LIMITS_FETCH_TIMEOUT = 10.0


def limits_setups(app: str, redis: RedisServer | None) -> list[Setup]:
    stores = [own_store(app)] if redis is None else [("redis", "Redis"), own_store(app)]
    return [
        Setup(
            workers=workers,
            rate_limit=DEFAULT_LIMITS,
            rate_store=store,
            redis_url=redis.new_database() if redis is not None and store == "redis" else "",
            fetch_timeout=LIMITS_FETCH_TIMEOUT,
            label=f"({workers} workers, counts in {label})",
        )
        for store, label in stores
        for workers in (2, 4)
    ]


def run_app(
    app: str, base: Path, template: Path, redis: RedisServer | None, report: Report
) -> None:
    sources, good_html = source_servers()
    reflected, flooded = victim_server("127.0.4.2"), victim_server("127.0.4.3")
    try:
        if redis is not None:
            scale = scale_setup(redis)
            directory = run_dir(base, f"{app}-scale", template)
            with serve(app, directory, scale, queue_workers=2) as served:
                good_html["page"] = (
                    f'<html><body><p>I liked <a href="{served.site.target()}">this post</a>.'
                    "</p></body></html>"
                )
                scale_run(served, sources, report)
        blocked = Setup(allow_private=False, label="(2 workers, the default policy)")
        with serve(app, run_dir(base, f"{app}-blocked", template), blocked) as served:
            phase_b(served, sources.trap, report)
        for n, setup in enumerate(limits_setups(app, redis)):
            with serve(app, run_dir(base, f"{app}-limits-{n}", template), setup) as served:
                limits_run(served, reflected, flooded, report)
    finally:
        for server in (*vars(sources).values(), reflected, flooded):
            server.close()


def main() -> int:
    report = Report()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="pingcore-load-") as tmp:
        base = Path(tmp)
        template = base / "template"
        template.mkdir()
        prepare_django(template)
        (base / "redis").mkdir()
        redis = RedisServer.start(base / "redis")
        if redis is None:
            report.skip(
                "the Redis runs (S, the scale run with its queue workers; L counted in Redis)",
                "no redis-server binary on PATH (Debian: apt install redis-server)",
            )
        try:
            for app in APPS:
                print(f"== {app}")
                run_app(app, base, template, redis, report)
        finally:
            if redis is not None:
                print(f"redis-server peak RSS (VmHWM): {vm_hwm(redis.process.pid) / 1024:.1f} MiB")
                redis.close()
    print(f"\nload took {time.perf_counter() - started:.0f} s")
    if report.failures:
        print(f"{len(report.failures)} checks FAILED:")
        for failure in report.failures:
            print(f"  {failure}")
        return 1
    skipped = f" ({len(report.skipped)} skipped: see above)" if report.skipped else ""
    print(f"every check passed{skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
