"""Limits that hold across processes: 2 and 4 real processes, one victim, one shared store.

Each process runs a real PingbackServer; every ping names the victim (a
loopback server that counts what reached it) with a fresh query string, the
reflection-attack shape. However the processes interleave, the victim sees
exactly the limit: the count is one atomic step in SQLite, in Redis and in the
Django storage app's table.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pingcore import FetchPolicy, PingbackServer, RateLimiter, Target
from pingcore import xmlrpc as rpc
from pingcore.ratelimit import store_from_url

if TYPE_CHECKING:  # the workers import this module: no more than they need
    from pytest_httpserver import HTTPServer

TARGET = "http://blog.test/posts/hello/"
LIMIT = 20
PINGS_PER_PROCESS = 20
# Each case counts the victim one way, the other limits off.
LIMITS = {
    "per source host": {"per_address": None, "per_source_host": LIMIT, "per_source_address": None},
    "per source address (check_addresses)": {
        "per_address": None,
        "per_source_host": None,
        "per_source_address": LIMIT,
    },
}


DJANGO_DATABASE = "django-database:"


def django_database_store(path: str) -> Any:
    """The Django storage app's atomic table, in a SQLite file this process opens."""
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path}},
            INSTALLED_APPS=["django.contrib.contenttypes", "django_pingback.storage"],
            USE_TZ=True,
        )
        django.setup()
    from django_pingback.storage.ratelimit import DatabaseStore

    return DatabaseStore()


def migrate_django_database(path: str) -> None:
    django_database_store(path)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def store_for(store_url: str) -> Any:
    if store_url.startswith(DJANGO_DATABASE):
        return django_database_store(store_url.removeprefix(DJANGO_DATABASE))
    return store_from_url(store_url)


def ping_the_victim(
    store_url: str, victim_url: str, limits: dict[str, Any], start: Any, answers: Any
) -> None:
    """One worker process: PINGS_PER_PROCESS pings naming the victim, as fast as it can."""
    limiter = RateLimiter(store=store_for(store_url), **limits)
    policy = FetchPolicy(allow_private_addresses=True, timeout=20.0)
    received: list[object] = []
    server = PingbackServer(Target, received.append, policy=policy, rate_limiter=limiter)
    codes: Counter[int] = Counter()
    start.wait()  # every process is ready: they all hit the store at once
    for n in range(PINGS_PER_PROCESS):
        body = rpc.dump_call("pingback.ping", [f"{victim_url}?q={os.getpid()}-{n}", TARGET])
        try:
            rpc.parse_response(server.handle(body, remote_addr="198.51.100.1").body)
        except rpc.XMLRPCFault as fault:
            codes[fault.code] += 1
    answers.put(dict(codes))


def run_processes(
    count: int, store_url: str, victim_url: str, limits: dict[str, Any]
) -> Counter[int]:
    context = multiprocessing.get_context("spawn")
    start, answers = context.Barrier(count), context.Queue()
    workers = [
        context.Process(
            target=ping_the_victim, args=(store_url, victim_url, limits, start, answers)
        )
        for _ in range(count)
    ]
    for worker in workers:
        worker.start()
    codes: Counter[int] = Counter()
    for _ in workers:
        codes.update(answers.get(timeout=120))
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    return codes


@pytest.fixture(params=["sqlite", "redis", "django database table"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/limits.db"
    if request.param == "django database table":
        path = str(tmp_path / "django.sqlite3")
        # A process of its own: this one's Django is the test project's, in memory.
        setup = multiprocessing.get_context("spawn").Process(
            target=migrate_django_database, args=(path,)
        )
        setup.start()
        setup.join(timeout=120)
        assert setup.exitcode == 0
        return DJANGO_DATABASE + path
    url: str = request.getfixturevalue("redis_url")
    return url


@pytest.mark.parametrize(
    ("processes", "limit"),
    [(2, "per source host"), (4, "per source host"), (4, "per source address (check_addresses)")],
)
def test_processes_sharing_a_store_let_exactly_the_limit_reach_the_victim(
    processes: int, limit: str, store_url: str, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/").respond_with_data(
        "<p>Nothing here.</p>", content_type="text/html"
    )
    codes = run_processes(processes, store_url, httpserver.url_for("/"), LIMITS[limit])
    assert len(httpserver.log) == LIMIT
    # Fetched pings fail for want of a link (17); the rest are refused unfetched (50).
    assert codes == {17: LIMIT, 50: processes * PINGS_PER_PROCESS - LIMIT}
