"""Rate limits: one key per host however spelled, per client, bounded memory."""

from __future__ import annotations

import pytest

from pingcore import MemoryStore, RateLimited, RateLimiter
from pingcore.ratelimit import client_key, host_key

LOOPBACK_SPELLINGS = [
    "127.0.0.1", "2130706433", "0x7f000001", "017700000001", "127.1", "127.0.1",
    "[::ffff:127.0.0.1]", "[::ffff:7f00:1]",
]  # fmt: skip


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


def test_counts_reset_after_the_window() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    assert [store.hit("k", 60) for _ in range(3)] == [1, 2, 3]
    now[0] = 60.0
    assert store.hit("k", 60) == 1


def test_a_flood_of_distinct_keys_keeps_memory_bounded() -> None:
    store = MemoryStore(max_keys=100)
    for n in range(10_000):
        store.hit(f"key-{n}", 60)
    assert store.hit("key-9999", 60) == 2  # the most recent keys survive
    assert store.hit("key-0", 60) == 1  # the oldest were let go
