"""The three stores the core ships, on real parts: memory, a SQLite file, a redis-server.

Each counts exactly, keeps a victim's count through a flood of other keys, and,
when it cannot count, refuses the ping (fault 50, or 429) rather than let it by.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from pytest_httpserver import HTTPServer
from redis_server import RedisServer

from pingcore import (
    AsyncPingbackServer,
    FetchPolicy,
    PingbackServer,
    RateLimited,
    RateLimiter,
    Target,
)
from pingcore import xmlrpc as rpc
from pingcore.ratelimit import (
    MemoryStore,
    RateLimitStore,
    RateLimitUnavailable,
    RedisStore,
    SQLiteStore,
    fetching_source,
)
from pingcore.webmention import WebmentionReceiver

VICTIM = "http://victim.example/"
VICTIM_ADDRESS = "203.0.113.7"
TARGET = "http://blog.test/posts/hello/"


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RateLimitStore]:
    """Each store in turn; the memory one as small as Django's default LocMemCache (300)."""
    if request.param == "memory":
        yield MemoryStore(max_keys=300)
    elif request.param == "sqlite":
        yield SQLiteStore(tmp_path / "limits.db")
    else:
        redis_store = RedisStore(request.getfixturevalue("redis_url"))
        yield redis_store
        redis_store.close()


def fetched(limiter: RateLimiter, source_url: str, client: str, address: str) -> bool:
    """One ping through the limiter as the server runs it: True when it would fetch."""
    try:
        limiter.check(source_url, client)
        with fetching_source(source_url):
            limiter.check_addresses(source_url.split("/")[2], [address])
    except RateLimited:
        return False
    return True


def test_a_store_counts_each_key_on_its_own(store: RateLimitStore) -> None:
    assert [store.hit("pingcore:host:a.example", 60) for _ in range(3)] == [1, 2, 3]
    assert store.hit("pingcore:host:b.example", 60) == 1
    assert store.hit("pingcore:addr:198.51.100.1", 60) == 1


def test_a_store_starts_a_new_count_when_the_window_ends(store: RateLimitStore) -> None:
    assert [store.hit("pingcore:host:a.example", 0.3) for _ in range(2)] == [1, 2]
    time.sleep(0.4)
    assert store.hit("pingcore:host:a.example", 0.3) == 1


def test_a_flood_of_other_keys_does_not_reset_the_victims_count(store: RateLimitStore) -> None:
    limiter = RateLimiter(store=store)  # the defaults: 30 per client, 20 per host, 60 per address
    first = [fetched(limiter, f"{VICTIM}?q={n}", "198.51.100.1", VICTIM_ADDRESS) for n in range(25)]
    for n in range(400):
        other = f"http://other-{n}.example/"
        fetched(limiter, other, f"198.18.{n // 250}.{n % 250}", f"192.0.2.{n % 250}")
    later = [
        fetched(limiter, f"{VICTIM}?r={n}", f"100.64.0.{n}", VICTIM_ADDRESS) for n in range(25)
    ]
    assert (first.count(True), later.count(True)) == (20, 0)


def test_the_memory_store_stays_within_its_bound_through_the_flood() -> None:
    store = MemoryStore(max_keys=300)
    test_a_flood_of_other_keys_does_not_reset_the_victims_count(store)
    assert len(store) <= 600


def test_redis_keys_carry_the_prefix_and_expire_with_the_window(redis_url: str) -> None:
    store = RedisStore(redis_url, prefix="blog1:")
    store.hit("pingcore:host:a.example", 60)
    client = redis.Redis.from_url(redis_url)
    assert client.get("blog1:pingcore:host:a.example") == b"1"
    assert 59_000 < client.pttl("blog1:pingcore:host:a.example") <= 60_000
    assert client.get("pingcore:host:a.example") is None
    client.close()
    store.close()


def test_redis_stores_with_other_prefixes_count_apart(redis_url: str) -> None:
    one, two = RedisStore(redis_url, prefix="one:"), RedisStore(redis_url, prefix="two:")
    assert [one.hit("k", 60), one.hit("k", 60), two.hit("k", 60)] == [1, 2, 1]
    one.close()
    two.close()


def test_a_redis_flushed_mid_run_refuses_for_one_window(
    redis_server: RedisServer, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisStore(redis_url)
    limiter = RateLimiter(store=store, per_address=None, per_source_host=5, window=0.5)
    limiter.check(VICTIM, None)
    assert redis_server.command("FLUSHALL") == b"+OK"
    # The count is lost: no one knows how many fetches this window held.
    with caplog.at_level(logging.WARNING, logger="pingcore.ratelimit"):
        for _ in range(3):
            with pytest.raises(RateLimitUnavailable):
                limiter.check(VICTIM, None)
    assert len(caplog.records) == 3
    assert "counts in Redis were lost" in caplog.records[0].getMessage()
    # A store started after the flush, in another process, waits out the window too.
    with pytest.raises(RateLimitUnavailable):
        RedisStore(redis_url).hit("pingcore:host:victim.example", 0.5)
    time.sleep(0.6)
    assert store.hit("pingcore:host:victim.example", 0.5) == 1
    store.close()


def test_a_store_started_after_a_flush_is_noticed_by_those_running(redis_url: str) -> None:
    running = RedisStore(redis_url)
    assert running.hit("k", 0.5) == 1
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    client.close()
    assert RedisStore(redis_url).hit("k", 0.5) == 1  # it cannot know what was lost
    with pytest.raises(RateLimitUnavailable, match="lost"):
        running.hit("k", 0.5)
    running.close()


def test_a_redis_that_is_down_refuses_pings_and_they_count_again_after_a_restart(
    own_redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisStore(own_redis_server.url, socket_timeout=0.5)
    limiter = RateLimiter(store=store, per_address=None, per_source_host=5, window=0.5)
    limiter.check(VICTIM, None)
    own_redis_server.stop()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="pingcore.ratelimit"):
        with pytest.raises(RateLimitUnavailable) as refused:
            limiter.check(VICTIM, None)
    assert time.monotonic() - started < 2
    assert refused.value.fault_code == 50
    [record] = caplog.records
    assert "Redis failed: ConnectionError" in record.getMessage()
    own_redis_server.start()  # empty: the counts are gone, so one window is refused
    with pytest.raises(RateLimitUnavailable, match="lost"):
        limiter.check(VICTIM, None)
    time.sleep(0.6)
    limiter.check(VICTIM, None)
    store.close()


def test_a_slow_redis_refuses_the_ping_after_the_socket_timeout(
    own_redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisStore(own_redis_server.url, socket_timeout=0.3)
    assert store.hit("k", 60) == 1
    # CLIENT PAUSE stalls every other client: the real shape of a Redis too busy to answer.
    assert own_redis_server.command("CLIENT", "PAUSE", "3000") == b"+OK"
    limiter = RateLimiter(store=store)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="pingcore.ratelimit"):
        with pytest.raises(RateLimitUnavailable):
            limiter.check(VICTIM, "198.51.100.1")
    assert 0.25 < time.monotonic() - started < 1.5
    [record] = caplog.records
    assert "Redis failed: TimeoutError" in record.getMessage()
    store.close()


def test_a_sqlite_file_that_cannot_be_written_refuses_the_ping(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "limits.db")
    (tmp_path / "limits.db").write_bytes(b"this is no longer a database" * 100)
    with pytest.raises(RateLimitUnavailable, match="SQLite store"):
        RateLimiter(store=store).check(VICTIM, "198.51.100.1")


def test_the_server_keeps_answering_while_redis_is_down(
    own_redis_server: RedisServer, httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/reply").respond_with_data(
        f'<a href="{TARGET}">hello</a>', content_type="text/html"
    )
    source = httpserver.url_for("/reply")
    store = RedisStore(own_redis_server.url, socket_timeout=0.5)
    limiter = RateLimiter(store=store)
    policy = FetchPolicy(allow_private_addresses=True, timeout=5.0)
    received: list[object] = []

    def resolve(url: str) -> Target:
        return Target(url, view="post")

    pingback = PingbackServer(resolve, received.append, policy=policy, rate_limiter=limiter)
    webmention = WebmentionReceiver(resolve, received.append, policy=policy, rate_limiter=limiter)
    own_redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="pingcore.ratelimit"):
        answer = pingback.handle(rpc.dump_call("pingback.ping", [source, TARGET]))
        mention = webmention.handle(
            f"source={source}&target={TARGET}".encode(), remote_addr="198.51.100.1"
        )
    with pytest.raises(rpc.XMLRPCFault) as fault:
        rpc.parse_response(answer.body)
    assert (fault.value.code, fault.value.message) == (
        50,
        "Rate limits cannot be checked right now; try again later.",
    )
    assert (mention.status, mention.headers["Retry-After"]) == (429, "60")
    assert len(caplog.records) == 2
    assert received == [] and httpserver.log == []
    store.close()


def redirecting_sources(httpserver: HTTPServer) -> Callable[[str], str]:
    """Any path /hop on any *.test name answers 302 to the victim's /page."""
    httpserver.expect_request("/hop").respond_with_data(
        "", status=302, headers={"Location": f"http://victim.test:{httpserver.port}/page"}
    )
    httpserver.expect_request("/page").respond_with_data("<p>nothing</p>", content_type="text/html")
    return lambda name: f"http://{name}:{httpserver.port}/hop"


def loopback_names(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]


REDIRECT_LIMITED = (
    50,
    "Too many pings lead to the host this source redirects to; try again later.",
)


def redirect_limited_server(server_class: type[Any]) -> Any:
    """A server whose sources are *.test names on loopback, 3 fetches a host a minute."""
    limiter = RateLimiter(per_address=None, per_source_host=3, per_source_address=None)
    policy = FetchPolicy(allow_private_addresses=True, resolver=loopback_names, timeout=5.0)
    received: list[object] = []
    return server_class(Target, received.append, policy=policy, rate_limiter=limiter)


def fault_of(body: bytes) -> tuple[int, str]:
    with pytest.raises(rpc.XMLRPCFault) as fault:
        rpc.parse_response(body)
    return fault.value.code, fault.value.message


def victim_fetches(httpserver: HTTPServer) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == "/page")


def test_a_redirect_destination_counts_against_the_per_host_limit(
    httpserver: HTTPServer,
) -> None:
    source_url = redirecting_sources(httpserver)
    server = redirect_limited_server(PingbackServer)
    # Each ping names a source host of its own; all of them redirect to the victim.
    faults = [
        fault_of(
            server.handle(rpc.dump_call("pingback.ping", [source_url(f"hop{n}.test"), TARGET])).body
        )
        for n in range(8)
    ]
    assert victim_fetches(httpserver) == 3
    assert [code for code, _ in faults[:3]] == [17] * 3
    assert faults[3:] == [REDIRECT_LIMITED] * 5


@pytest.mark.anyio
async def test_the_async_server_counts_redirect_destinations_too(httpserver: HTTPServer) -> None:
    source_url = redirecting_sources(httpserver)
    server = redirect_limited_server(AsyncPingbackServer)
    faults = []
    for n in range(6):
        body = rpc.dump_call("pingback.ping", [source_url(f"hop{n}.test"), TARGET])
        faults.append(fault_of((await server.handle(body)).body))
    assert victim_fetches(httpserver) == 3
    assert faults[3:] == [REDIRECT_LIMITED] * 3


def test_a_redirect_within_the_source_host_is_not_counted_twice() -> None:
    limiter = RateLimiter(per_address=None, per_source_host=1, per_source_address=None)
    limiter.check("http://blog.example/a", None)
    with fetching_source("http://blog.example/a"):
        limiter.check_addresses("blog.example", ["192.0.2.1"])
        limiter.check_addresses("BLOG.example.", ["192.0.2.1"])  # a second connection
        limiter.check_addresses("elsewhere.example", ["192.0.2.2"])
        limiter.check_addresses("elsewhere.example", ["192.0.2.2"])
    with pytest.raises(RateLimited, match="redirects to"):
        with fetching_source("http://third.example/"):
            limiter.check_addresses("elsewhere.example", ["192.0.2.2"])


def test_outside_a_source_fetch_only_addresses_are_counted() -> None:
    limiter = RateLimiter(per_address=None, per_source_host=1, per_source_address=2)
    for _ in range(2):
        limiter.check_addresses("victim.example", ["192.0.2.1"])
    with pytest.raises(RateLimited, match="source host"):
        limiter.check_addresses("victim.example", ["192.0.2.1"])


def test_a_redis_that_may_evict_keys_is_named_in_the_log(
    own_redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    assert own_redis_server.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru") == b"+OK"
    store = RedisStore(own_redis_server.url)
    with caplog.at_level(logging.WARNING, logger="pingcore.ratelimit"):
        store.hit("k", 60)
        store.hit("k", 60)
    [record] = caplog.records
    assert "maxmemory-policy is allkeys-lru" in record.getMessage()
    store.close()


def test_a_redis_that_never_evicts_logs_nothing(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = RedisStore(redis_url)
    with caplog.at_level(logging.DEBUG, logger="pingcore.ratelimit"):
        store.hit("k", 60)
    assert caplog.records == []
    store.close()


def test_without_redis_py_a_redis_store_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"pip install 'pingcore\[redis\]'"):
        RedisStore("redis://127.0.0.1:6399/0")


def test_a_store_that_fails_just_before_connecting_refuses_the_ping_unfetched(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/reply").respond_with_data(f'<a href="{TARGET}">hi</a>')
    # Room for the source host's counter, none for its address's: the store
    # fails inside the fetcher, at the before_connect hook.
    limiter = RateLimiter(store=MemoryStore(max_victim_keys=1), per_address=None)
    policy = FetchPolicy(allow_private_addresses=True, timeout=5.0)
    received: list[object] = []
    server = PingbackServer(Target, received.append, policy=policy, rate_limiter=limiter)
    with caplog.at_level(logging.WARNING, logger="pingcore.ratelimit"):
        answer = server.handle(
            rpc.dump_call("pingback.ping", [httpserver.url_for("/reply"), TARGET])
        )
    assert fault_of(answer.body) == (
        50,
        "Rate limits cannot be checked right now; try again later.",
    )
    assert len(caplog.records) == 1
    assert httpserver.log == [] and received == []


class SlowStore(MemoryStore):
    """A store that answers, but slowly: a SQLite file other workers hold locked."""

    def hit(self, key: str, window: float) -> int:
        time.sleep(0.4)
        return super().hit(key, window)


def test_a_store_slow_to_answer_costs_time_not_the_ping(httpserver: HTTPServer) -> None:
    # Counting the source's address happens inside the fetch, just before connecting;
    # its wait is the store's, so the ping goes through as if the store were quick.
    httpserver.expect_request("/reply").respond_with_data(f'<a href="{TARGET}">hi</a>')
    limiter = RateLimiter(store=SlowStore(), per_address=None, per_source_host=None)
    policy = FetchPolicy(allow_private_addresses=True, timeout=0.3, connect_timeout=0.3)
    received: list[object] = []
    server = PingbackServer(Target, received.append, policy=policy, rate_limiter=limiter)
    answer = server.handle(rpc.dump_call("pingback.ping", [httpserver.url_for("/reply"), TARGET]))
    assert b"registered" in answer.body
    assert len(received) == 1
