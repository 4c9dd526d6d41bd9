"""Sending pings to hostile targets: every one ends in a PingResult with a readable reason.

The targets live at public addresses routed to loopback servers; the policy is
the default one (private addresses refused), with a short deadline.
``ping_external_urls`` never raises and never reaches a blocked address.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable

import pytest

from pingcore.client import Outcome, PingResult, ping_external_urls
from pingcore.fetch import FetchPolicy

from .network import (
    PUBLIC_ENDPOINT,
    PUBLIC_OTHER,
    PUBLIC_TARGET,
    LoopbackServer,
    TestNetwork,
    endless,
    never_answers,
    page,
    redirect,
)

MIB = 1024 * 1024
POST = "https://blog.example/2026/11/a-post/"
ROOT = "https://blog.example/"

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE r ['
    '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    "]><methodResponse><params><param><value><string>&d;&d;&d;</string></value></param>"
    "</params></methodResponse>"
)


def advertising(endpoint: str, rel: str = "pingback") -> Callable[..., None]:
    """A target page that advertises ``endpoint`` in its markup."""
    return page(f'<html><head><link rel="{rel}" href="{endpoint}"></head><body>hi</body></html>')


@pytest.fixture
def hostile(
    servers: Callable[..., LoopbackServer], public: Callable[..., str], trap: LoopbackServer
) -> dict[str, LoopbackServer]:
    """Targets on one public host, their endpoints on another, and a bystander."""
    endpoint = f"http://{PUBLIC_ENDPOINT}"
    bystander = servers(default=page("<p>not an endpoint</p>"))
    targets = servers(
        routes={
            "/private-endpoint": page("<p>hi</p>", headers={"X-Pingback": "http://10.0.0.1/rpc"}),
            "/loopback-endpoint": advertising(f"http://127.0.0.1:{trap.port}/rpc", "webmention"),
            "/metadata-endpoint": advertising("http://169.254.169.254/latest/", "webmention"),
            "/bomb": advertising(f"{endpoint}/bomb"),
            "/huge": advertising(f"{endpoint}/huge"),
            "/endless": advertising(f"{endpoint}/endless"),
            "/redirecting": advertising(f"{endpoint}/redirecting"),
            "/slow": advertising(f"{endpoint}/slow"),
        }
    )
    endpoints = servers(
        routes={
            "/bomb": page(BILLION_LAUGHS, content_type="text/xml"),
            "/huge": endless(content_length=100 * MIB, content_type="text/xml"),
            "/endless": endless(content_length=None),
            "/redirecting": redirect(f"http://{PUBLIC_OTHER}/rpc", 307),
            "/slow": never_answers,
        }
    )
    public(targets, PUBLIC_TARGET)
    public(endpoints, PUBLIC_ENDPOINT)
    public(bystander, PUBLIC_OTHER)
    return {"targets": targets, "endpoints": endpoints, "bystander": bystander}


def ping_all(paths: list[str]) -> dict[str, PingResult]:
    html = "".join(f'<p><a href="http://{PUBLIC_TARGET}{path}">{path}</a></p>' for path in paths)
    results = ping_external_urls(POST, html, ROOT, policy=FetchPolicy(timeout=1.0))
    return {result.target_url.rsplit("/", 1)[1]: result for result in results}


def assert_readable(result: PingResult, outcome: Outcome, *words: str) -> None:
    assert result.outcome is outcome, result
    assert not result.ok
    assert "\n" not in result.message and 0 < len(result.message) <= 400
    for word in words:
        assert word in result.message, result.message


def test_endpoints_at_private_addresses_are_blocked_unreached(
    hostile: dict[str, LoopbackServer], trap: LoopbackServer, net: TestNetwork
) -> None:
    results = ping_all(["/private-endpoint", "/loopback-endpoint", "/metadata-endpoint"])
    assert_readable(results["private-endpoint"], Outcome.BLOCKED, "10.0.0.1", "non-public")
    assert_readable(results["loopback-endpoint"], Outcome.BLOCKED, "loopback")
    assert_readable(results["metadata-endpoint"], Outcome.BLOCKED, "cloud metadata")
    assert trap.settled_connections() == 0
    assert {address for address, _ in net.attempts} == {PUBLIC_TARGET}


def test_an_endpoint_answering_an_xml_bomb_is_refused_unexpanded(
    hostile: dict[str, LoopbackServer],
) -> None:
    tracemalloc.start()
    try:
        result = ping_all(["/bomb"])["bomb"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_readable(result, Outcome.REFUSED, "did not answer with XML-RPC")
    assert peak < 8 * MIB


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/huge", ["104857600 bytes long (Content-Length)", "262144 allowed"]),
        ("/endless", ["sent more than 262144 bytes"]),
    ],
)
def test_an_endpoint_answering_100_mb_is_cut_off(
    hostile: dict[str, LoopbackServer], path: str, words: list[str]
) -> None:
    tracemalloc.start()
    try:
        result = ping_all([path])[path[1:]]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_readable(result, Outcome.FAILED, *words)
    assert peak < 8 * MIB
    assert hostile["endpoints"].bytes_sent < 64 * MIB


def test_an_endpoint_that_redirects_the_post_is_not_followed(
    hostile: dict[str, LoopbackServer],
) -> None:
    result = ping_all(["/redirecting"])["redirecting"]
    assert_readable(result, Outcome.REFUSED, "redirect (307)", "never re-sent")
    assert hostile["bystander"].settled_connections() == 0


def test_a_slow_endpoint_is_cut_off_at_the_deadline(hostile: dict[str, LoopbackServer]) -> None:
    started = time.monotonic()
    result = ping_all(["/slow"])["slow"]
    assert time.monotonic() - started < 5  # a hang guard: the deadline is 1 s
    # A timeout is temporary: deferred, with a time to try again, in the fetcher's words.
    assert_readable(result, Outcome.DEFERRED, "1 s deadline")
    assert result.retry_at is not None


def test_every_hostile_target_at_once_gives_one_result_each(
    hostile: dict[str, LoopbackServer], trap: LoopbackServer
) -> None:
    paths = sorted(hostile["targets"].routes)
    results = ping_all(paths)
    assert sorted(f"/{name}" for name in results) == paths
    assert not any(result.ok for result in results.values())
    assert trap.settled_connections() == 0
