"""Sending pings: the client against real receivers on loopback servers."""

from __future__ import annotations

import gzip
from collections.abc import Callable

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WerkzeugResponse

from pingcore import (
    BlockedAddress,
    DuplicatePing,
    FetchError,
    FetchPolicy,
    NoEndpoint,
    Outcome,
    PingbackServer,
    PingResult,
    ReceivedPing,
    Target,
    TargetNotFound,
    WebmentionReceiver,
    aping,
    aping_external_urls,
    ping,
    ping_external_urls,
)

Handler = Callable[[Request], WerkzeugResponse]


class Site:
    """A receiving site on a loopback server: pages, both endpoints, an inbox."""

    def __init__(self, httpserver: HTTPServer, policy: FetchPolicy) -> None:
        self.httpserver = httpserver
        self.received: list[ReceivedPing] = []
        self.pingback = PingbackServer(self.resolve, self.store, policy=policy)
        self.webmention = WebmentionReceiver(self.resolve, self.store, policy=policy)
        httpserver.expect_request("/xmlrpc", method="POST").respond_with_handler(self.xmlrpc_view)
        httpserver.expect_request("/webmention", method="POST").respond_with_handler(
            self.webmention_view
        )

    def url(self, path: str) -> str:
        return self.httpserver.url_for(path)

    def resolve(self, url: str) -> Target | None:
        return Target(url) if url.startswith(self.url("/posts/")) else None

    def store(self, ping: ReceivedPing) -> None:
        if any(
            p.source_url == ping.source_url and p.target_url == ping.target_url
            for p in self.received
        ):
            raise DuplicatePing()
        self.received.append(ping)

    def xmlrpc_view(self, request: Request) -> WerkzeugResponse:
        answer = self.pingback.handle(request.get_data(), remote_addr=request.remote_addr)
        return WerkzeugResponse(answer.body, answer.status, dict(answer.headers))

    def webmention_view(self, request: Request) -> WerkzeugResponse:
        answer = self.webmention.handle(
            request.get_data(), content_type=request.content_type, remote_addr=request.remote_addr
        )
        return WerkzeugResponse(answer.body, answer.status, dict(answer.headers))

    def page(self, path: str, *, pingback: bool = False, webmention: bool = False) -> str:
        headers = {}
        if pingback:
            headers["X-Pingback"] = self.url("/xmlrpc")
        if webmention:
            headers["Link"] = f'<{self.url("/webmention")}>; rel="webmention"'
        self.httpserver.expect_request(path, method="GET").respond_with_data(
            "<title>A page</title>", headers=headers, content_type="text/html"
        )
        return self.url(path)

    def source(self, path: str, links: list[str]) -> tuple[str, str]:
        html = (
            "<article>"
            + "".join(f'<p>Linking to <a href="{link}">this post</a> here.</p>' for link in links)
            + "</article>"
        )
        self.httpserver.expect_request(path, method="GET").respond_with_data(
            html, content_type="text/html"
        )
        return self.url(path), html


@pytest.fixture
def site(httpserver: HTTPServer, local_policy: FetchPolicy) -> Site:
    return Site(httpserver, local_policy)


def test_ping_sends_a_pingback_when_that_is_all_the_target_offers(
    site: Site, local_policy: FetchPolicy
) -> None:
    target = site.page("/posts/a", pingback=True)
    source, _ = site.source("/src", [target])
    result = ping(source, target, policy=local_policy)
    assert result.outcome is Outcome.REGISTERED and result.ok
    assert (result.protocol, result.endpoint) == ("pingback", site.url("/xmlrpc"))
    assert site.received[0].protocol == "pingback"


def test_webmention_wins_over_pingback(site: Site, local_policy: FetchPolicy) -> None:
    target = site.page("/posts/b", pingback=True, webmention=True)
    source, _ = site.source("/src", [target])
    result = ping(source, target, policy=local_policy)
    assert result.protocol == "webmention"
    assert site.received[0].protocol == "webmention"


def test_ping_can_be_asked_for_pingback(site: Site, local_policy: FetchPolicy) -> None:
    target = site.page("/posts/c", pingback=True, webmention=True)
    source, _ = site.source("/src", [target])
    assert ping(source, target, policy=local_policy, protocol="pingback").protocol == "pingback"


def test_ping_raises_the_fault_the_server_answered(site: Site, local_policy: FetchPolicy) -> None:
    target = site.page("/posts/d", pingback=True)
    source, _ = site.source("/src", [target])
    elsewhere = site.page("/about", pingback=True)
    with pytest.raises(TargetNotFound):
        ping(source, elsewhere, policy=local_policy)


def test_ping_reads_already_registered_as_a_result_not_a_failure(
    site: Site, local_policy: FetchPolicy
) -> None:
    target = site.page("/posts/d", pingback=True)
    source, _ = site.source("/src", [target])
    ping(source, target, policy=local_policy)
    again = ping(source, target, policy=local_policy)
    assert again.outcome is Outcome.ALREADY_REGISTERED and again.ok and not again.failed
    assert again.fault_code == 48


def test_ping_raises_no_endpoint(site: Site, local_policy: FetchPolicy) -> None:
    target = site.page("/posts/plain")
    with pytest.raises(NoEndpoint, match="advertises no"):
        ping(site.url("/src"), target, policy=local_policy)


def test_ping_refuses_loopback_by_default(site: Site) -> None:
    target = site.page("/posts/e", pingback=True)
    with pytest.raises(FetchError, match="port .* is not allowed"):
        ping("http://blog.example/post", target)
    with pytest.raises(BlockedAddress, match="allow_private_addresses"):
        ping("http://blog.example/post", "http://127.0.0.1:8080/posts/e")
    assert site.httpserver.log == []


def test_ping_rejects_urls_that_are_not_http() -> None:
    with pytest.raises(ValueError, match="source_url"):
        ping("mailto:me@example.com", "http://example.com/")


def test_ping_external_urls_pings_every_link_and_reports_each(
    site: Site, local_policy: FetchPolicy
) -> None:
    a = site.page("/posts/1", pingback=True)
    b = site.page("/posts/2", webmention=True)
    plain = site.page("/posts/3")
    refused = site.page("/about", pingback=True)  # not a post: fault 32
    source, html = site.source("/src", [a, b, plain, refused, a + "#again"])
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int, result: PingResult) -> None:
        seen.append((done, total))

    results = ping_external_urls(
        source, html, "http://blog.example/", policy=local_policy, progress=progress
    )
    assert [r.target_url for r in results] == [a, b, plain, refused]
    assert [r.outcome for r in results] == [
        Outcome.REGISTERED,
        Outcome.REGISTERED,
        Outcome.NO_ENDPOINT,
        Outcome.REFUSED,
    ]
    assert results[3].fault_code == 32 and results[2].protocol is None
    assert sorted(seen) == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_a_second_round_reads_already_registered_not_failure(
    site: Site, local_policy: FetchPolicy
) -> None:
    a = site.page("/posts/1", pingback=True)
    source, html = site.source("/src", [a])
    ping_external_urls(source, html, "http://blog.example/", policy=local_policy)
    [again] = ping_external_urls(source, html, "http://blog.example/", policy=local_policy)
    assert again.outcome is Outcome.ALREADY_REGISTERED and again.ok and again.fault_code == 48


def test_failures_carry_readable_reasons(site: Site, httpserver: HTTPServer) -> None:
    a = site.page("/posts/1", pingback=True)
    html = f'<a href="{a}">x</a> <a href="http://127.0.0.1:8080/y">y</a>'
    results = ping_external_urls("http://blog.example/p", html, "http://blog.example/")
    assert [r.outcome for r in results] == [Outcome.BLOCKED, Outcome.BLOCKED]
    assert "port" in results[0].message and "is not allowed" in results[0].message
    assert "127.0.0.1 is a non-public address (loopback)" in results[1].message
    assert httpserver.log == []


def test_an_endpoint_that_redirects_the_post_is_not_followed(
    site: Site, httpserver: HTTPServer, local_policy: FetchPolicy
) -> None:
    httpserver.expect_request("/redirecting", method="POST").respond_with_data(
        "", status=307, headers={"Location": site.url("/xmlrpc")}
    )
    httpserver.expect_request("/posts/r").respond_with_data(
        "", headers={"X-Pingback": site.url("/redirecting")}
    )
    source, html = site.source("/src", [site.url("/posts/r")])
    [result] = ping_external_urls(source, html, "http://blog.example/", policy=local_policy)
    assert result.outcome is Outcome.REFUSED and "redirect" in result.message
    assert site.received == []


@pytest.mark.parametrize(
    "answer",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>',
        gzip.compress(b"<methodResponse>"),
        b"<methodResponse>" + b" " * (2 * 1024 * 1024),
    ],
    ids=["entity-bomb", "binary", "too-large"],
)
def test_a_hostile_endpoint_answer_is_a_clean_failure(
    httpserver: HTTPServer, local_policy: FetchPolicy, answer: bytes
) -> None:
    httpserver.expect_request("/evil", method="POST").respond_with_data(answer)
    httpserver.expect_request("/posts/t").respond_with_data(
        "", headers={"X-Pingback": httpserver.url_for("/evil")}
    )
    html = f'<a href="{httpserver.url_for("/posts/t")}">t</a>'
    [result] = ping_external_urls(
        "http://blog.example/p", html, "http://blog.example/", policy=local_policy
    )
    assert result.outcome in (Outcome.REFUSED, Outcome.FAILED)
    assert result.message and len(result.message) <= 400


def test_nothing_to_ping_returns_an_empty_list() -> None:
    assert (
        ping_external_urls("http://blog.example/p", "<p>no links</p>", "http://blog.example/") == []
    )


@pytest.mark.anyio
async def test_the_sync_api_works_inside_a_running_event_loop(
    site: Site, local_policy: FetchPolicy
) -> None:
    a = site.page("/posts/1", pingback=True)
    source, html = site.source("/src", [a])
    [result] = ping_external_urls(source, html, "http://blog.example/", policy=local_policy)
    assert result.ok


@pytest.mark.anyio
async def test_the_async_twins_ping(site: Site, local_policy: FetchPolicy) -> None:
    a = site.page("/posts/1", pingback=True)
    b = site.page("/posts/2", webmention=True)
    plain = site.page("/posts/3")
    source, html = site.source("/src", [a, b, plain])
    results = await aping_external_urls(source, html, "http://blog.example/", policy=local_policy)
    assert [r.outcome for r in results] == [
        Outcome.REGISTERED,
        Outcome.REGISTERED,
        Outcome.NO_ENDPOINT,
    ]
    again = await aping(source, a, policy=local_policy)
    assert again.outcome is Outcome.ALREADY_REGISTERED and again.fault_code == 48


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(403, Outcome.REFUSED), (500, Outcome.FAILED)],
)
@pytest.mark.parametrize("protocol", ["pingback", "webmention"])
def test_an_error_status_reads_the_same_for_both_protocols(
    httpserver: HTTPServer, local_policy: FetchPolicy, status: int, outcome: Outcome, protocol: str
) -> None:
    httpserver.expect_request("/endpoint", method="POST").respond_with_data("no", status=status)
    header = (
        {"X-Pingback": httpserver.url_for("/endpoint")}
        if protocol == "pingback"
        else {"Link": f'<{httpserver.url_for("/endpoint")}>; rel="webmention"'}
    )
    httpserver.expect_request("/posts/s").respond_with_data("", headers=header)
    html = f'<a href="{httpserver.url_for("/posts/s")}">s</a>'
    [result] = ping_external_urls(
        "http://blog.example/p", html, "http://blog.example/", policy=local_policy
    )
    assert (result.outcome, result.protocol) == (outcome, protocol)
    assert str(status) in result.message


def test_a_root_url_that_is_not_http_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="root_url"):
        ping_external_urls("http://blog.example/p", "<p>x</p>", "blog.example")


def test_a_servers_words_lose_their_control_characters() -> None:
    from pingcore.client import readable

    text = readable("ok\x1b[31m\x9b2J\x00 done")
    assert not any(ord(c) < 32 or 127 <= ord(c) <= 159 for c in text)
    assert text.startswith("ok") and text.endswith("done")


def test_a_raising_progress_callback_stops_the_round_without_waiting_for_the_rest(
    site: Site, local_policy: FetchPolicy
) -> None:
    targets = [site.page(f"/posts/{n}", pingback=True) for n in range(20)]
    source, html = site.source("/src", targets)

    def progress(done: int, total: int, result: PingResult) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ping_external_urls(
            source,
            html,
            "http://blog.example/",
            policy=local_policy,
            progress=progress,
            concurrency=1,
        )
    # One ping finished; the queued ones were cancelled, not run.
    assert len(site.received) < 20
