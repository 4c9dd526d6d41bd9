"""Rate limits: one key per real host, per client, bounded memory that never drops a victim."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pingcore import MemoryStore, RateLimited, RateLimiter
from pingcore.ratelimit import (
    KeyKind,
    RateLimitUnavailable,
    RedisStore,
    SQLiteStore,
    client_key,
    host_key,
    key_kind,
    store_from_url,
)

LOOPBACK_SPELLINGS = [
    "127.0.0.1", "2130706433", "0x7f000001", "017700000001", "127.1", "127.0.1",
    "[::ffff:127.0.0.1]", "[::ffff:7f00:1]",
]  # fmt: skip

# 192.0.2.33 (c000:0221) written as each IPv6 form that carries an IPv4 address.
ONE_IPV4_IN_IPV6 = {
    "IPv4-mapped": "::ffff:192.0.2.33",
    "IPv4-compatible": "::192.0.2.33",
    "NAT64": "64:ff9b::c000:221",
    "6to4": "2002:c000:221::1",
    # Teredo: server 65.54.227.120, client 192.0.2.33 stored inverted (3fff:fdde).
    "Teredo": "2001:0:4136:e378:8000:63bf:3fff:fdde",
}


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_every_spelling_of_an_address_is_one_host(host: str) -> None:
    assert host_key(host) == "127.0.0.1"


def test_respelling_the_source_host_does_not_get_round_the_limit() -> None:
    limiter = RateLimiter(per_address=None, per_source_host=1)
    limiter.check("http://127.0.0.1/a", "192.0.2.1")
    for host in LOOPBACK_SPELLINGS[1:]:
        with pytest.raises(RateLimited, match="source host"):
            limiter.check(f"http://{host}/b", "192.0.2.1")


def test_names_are_compared_without_case_or_trailing_dot() -> None:
    assert host_key("Blog.Example.") == host_key("blog.example")


def test_an_ipv6_client_is_counted_by_its_slash_64() -> None:
    assert client_key("2001:db8::1") == client_key("2001:db8::ffff:1") == "2001:db8::/64"
    assert client_key("::ffff:192.0.2.1") == "192.0.2.1"
    limiter = RateLimiter(per_address=1, per_source_host=None)
    limiter.check("http://a.example/", "2001:db8::1")
    with pytest.raises(RateLimited, match="your address"):
        limiter.check("http://a.example/", "2001:db8::2")


def test_an_ipv6_source_host_is_counted_by_its_slash_64() -> None:
    assert host_key("[2600:1f18:1:2::7]") == host_key("2600:1f18:1:2:ffff::1")
    assert host_key("[2600:1f18:1:2::7]") == "2600:1f18:1:2::/64"
    assert host_key("[2600:1f18:1:3::7]") != host_key("[2600:1f18:1:2::7]")


def test_a_hundred_sources_in_one_slash_64_share_the_per_host_limit() -> None:
    limiter = RateLimiter(per_address=None, per_source_host=20, per_source_address=None)
    allowed = 0
    for n in range(1, 101):
        try:
            limiter.check(f"http://[2600:1f18:1:2::{n:x}]/", "198.51.100.1")
        except RateLimited:
            continue
        allowed += 1
    assert allowed == 20


def test_a_hundred_addresses_in_one_slash_64_share_the_per_address_limit() -> None:
    limiter = RateLimiter(per_address=None, per_source_host=None, per_source_address=60)
    allowed = 0
    for n in range(1, 101):
        try:
            limiter.check_addresses(f"host{n}.example", [f"2600:1f18:1:2::{n:x}"])
        except RateLimited:
            continue
        allowed += 1
    assert allowed == 60


@pytest.mark.parametrize("form", sorted(ONE_IPV4_IN_IPV6))
def test_an_ipv6_address_carrying_an_ipv4_one_is_counted_as_that_ipv4(form: str) -> None:
    address = ONE_IPV4_IN_IPV6[form]
    assert host_key(f"[{address}]") == "192.0.2.33"
    assert client_key(address) == "192.0.2.33"


def test_every_spelling_of_one_ipv4_address_shares_the_per_address_limit() -> None:
    spellings = ["192.0.2.33", *ONE_IPV4_IN_IPV6.values()]
    limiter = RateLimiter(per_address=None, per_source_host=None, per_source_address=3)
    for spelling in spellings[:3]:
        limiter.check_addresses("victim.example", [spelling])
    for spelling in spellings[3:]:
        with pytest.raises(RateLimited, match="source host"):
            limiter.check_addresses("victim.example", [spelling])


def test_every_spelling_of_one_ipv4_address_shares_the_per_host_limit() -> None:
    spellings = ["192.0.2.33", *ONE_IPV4_IN_IPV6.values()]
    limiter = RateLimiter(per_address=None, per_source_host=2, per_source_address=None)
    limiter.check("http://192.0.2.33/", None)
    limiter.check(f"http://[{spellings[1]}]/", None)
    for spelling in spellings[2:]:
        with pytest.raises(RateLimited, match="source host"):
            limiter.check(f"http://[{spelling}]/?again", None)


def test_a_key_says_whether_it_is_about_a_victim_or_a_client() -> None:
    assert key_kind("pingcore:host:victim.example") is KeyKind.VICTIM
    assert key_kind("pingcore:ip:192.0.2.33") is KeyKind.VICTIM
    assert key_kind("pingcore:addr:198.51.100.1") is KeyKind.CLIENT
    assert key_kind("something-else") is KeyKind.CLIENT


def test_counts_reset_after_the_window() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    assert [store.hit("k", 60) for _ in range(3)] == [1, 2, 3]
    now[0] = 60.0
    assert store.hit("k", 60) == 1


def test_a_full_memory_store_refuses_new_keys_and_keeps_the_live_ones() -> None:
    store = MemoryStore(max_keys=100)
    for n in range(100):
        store.hit(f"pingcore:addr:client-{n}", 60)
    with pytest.raises(RateLimitUnavailable, match="100 live client counters"):
        store.hit("pingcore:addr:client-new", 60)
    assert store.hit("pingcore:addr:client-0", 60) == 2  # the oldest are kept
    assert len(store) == 100


def test_client_keys_never_take_the_room_of_victim_keys() -> None:
    store = MemoryStore(max_victim_keys=10, max_client_keys=10)
    assert store.hit("pingcore:host:victim.example", 60) == 1
    for n in range(10):
        store.hit(f"pingcore:addr:client-{n}", 60)
    with pytest.raises(RateLimitUnavailable):
        store.hit("pingcore:addr:one-client-too-many", 60)
    assert store.hit("pingcore:host:victim.example", 60) == 2
    assert store.hit("pingcore:host:another-victim.example", 60) == 1


def test_a_full_memory_store_makes_room_as_windows_end() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0], max_keys=3)
    for key in ("a", "b", "c"):
        store.hit(key, 60)
    with pytest.raises(RateLimitUnavailable):
        store.hit("d", 60)
    now[0] = 61.0
    assert store.hit("d", 60) == 1
    assert store.hit("a", 60) == 1  # its window ended: a new count
    assert len(store) <= 3


def test_a_flood_of_distinct_keys_keeps_memory_bounded() -> None:
    store = MemoryStore(max_keys=100)
    refused = 0
    for n in range(10_000):
        try:
            store.hit(f"pingcore:ip:192.0.{n // 256}.{n % 256}", 60)
        except RateLimitUnavailable:
            refused += 1
    assert (len(store), refused) == (100, 9_900)


def test_a_memory_store_with_no_room_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        MemoryStore(max_client_keys=0)


def test_a_store_that_cannot_count_refuses_the_ping_with_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class BrokenCache:
        def hit(self, key: str, window: float) -> int:
            raise ConnectionError("cache at 10.0.0.5 is down")

    limiter = RateLimiter(store=BrokenCache())
    with caplog.at_level(logging.WARNING, logger="pingcore.ratelimit"):
        with pytest.raises(RateLimited) as refused:
            limiter.check("http://a.example/", "198.51.100.1")
    assert refused.value.fault_code == 50
    # The client hears only that limits cannot be checked; the log says why.
    assert refused.value.message == "Rate limits cannot be checked right now; try again later."
    assert [(r.name, r.levelname) for r in caplog.records] == [("pingcore.ratelimit", "WARNING")]
    assert "BrokenCache failed: ConnectionError: cache at 10.0.0.5 is down" in caplog.text


def test_a_full_memory_store_refuses_pings_from_new_clients_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = RateLimiter(store=MemoryStore(max_client_keys=2), per_address=5)
    limiter.check("http://a.example/", "198.51.100.1")
    limiter.check("http://a.example/", "198.51.100.2")
    with caplog.at_level(logging.WARNING, logger="pingcore.ratelimit"):
        with pytest.raises(RateLimitUnavailable):
            limiter.check("http://a.example/", "198.51.100.3")
    assert len(caplog.records) == 1
    limiter.check("http://a.example/", "198.51.100.1")  # known clients still get answers


@pytest.mark.parametrize(
    ("url", "store_type"),
    [
        ("memory://", MemoryStore),
        ("sqlite:///{tmp}/limits.db", SQLiteStore),
        ("redis://127.0.0.1:6399/0", RedisStore),
        ("rediss://user:secret@127.0.0.1:6399/2", RedisStore),
    ],
)
def test_a_store_url_names_the_store(url: str, store_type: type, tmp_path: Path) -> None:
    # Building a RedisStore connects to nothing: the first hit does.
    store = store_from_url(url.format(tmp=tmp_path))
    assert type(store) is store_type


def test_a_sqlite_url_with_three_slashes_is_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = store_from_url("sqlite:///limits.db")
    assert isinstance(store, SQLiteStore)
    assert store.path == "limits.db"
    assert (tmp_path / "limits.db").exists()


def test_a_redis_url_may_set_the_key_prefix() -> None:
    store = store_from_url("redis://127.0.0.1:6399/0?prefix=blog1:")
    assert isinstance(store, RedisStore)
    assert store.prefix == "blog1:"


@pytest.mark.parametrize(
    "url",
    [
        "", "memory", "memory://x", "file:///tmp/x.db", "sqlite://", "sqlite:///",
        "sqlite:///:memory:", "sqlite:relative.db", "redis://", "redis://:6379/0",
        "redis://127.0.0.1:notaport/0", "redis://127.0.0.1:6379/zero",
        "redis://127.0.0.1:99999/0", "memcached://127.0.0.1:11211",
    ],
)  # fmt: skip
def test_a_bad_store_url_names_the_setting_and_the_accepted_forms(url: str) -> None:
    with pytest.raises(ValueError, match="PINGBACK_RATE_LIMIT_STORE") as bad:
        store_from_url(url)
    assert "memory://" in str(bad.value)
    assert "sqlite:///path/to/file.db" in str(bad.value)
    assert "redis://host:port/db" in str(bad.value)


def test_a_bad_store_url_does_not_show_its_password() -> None:
    with pytest.raises(ValueError) as bad:
        store_from_url("redis://admin:hunter2@127.0.0.1:6379/x")
    assert "hunter2" not in str(bad.value)
    assert "admin:***@127.0.0.1" in str(bad.value)


def test_a_store_url_that_is_not_a_string_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a string"):
        store_from_url(None)  # type: ignore[arg-type]
