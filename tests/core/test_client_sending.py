"""Sending like a good citizen: links as written, retries, a memory of what was sent.

Against real receivers on loopback: a WordPress-like Pingback endpoint that
byte-matches targets and floods-checks, pingcore's own receivers, and small
endpoints that answer 201, 503 or an empty fault.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sending_receivers import FLOOD_MESSAGE, SourcePages, WordPressLike
from werkzeug import Request
from werkzeug import Response as WerkzeugResponse

from pingcore import (
    BadStatus,
    FetchPolicy,
    MemorySendHistory,
    Outcome,
    PingResult,
    ReceivedPing,
    RetryPolicy,
    SendHistory,
    SQLiteSendHistory,
    Target,
    WebmentionReceiver,
    aping_deleted,
    aping_external_urls,
    external_urls,
    ping,
    ping_deleted,
    ping_external_urls,
    retry_deferred,
    xmlrpc,
)
from pingcore.retry import retry_after_seconds

ROOT = "http://blog.example/"
FAST = RetryPolicy(flood_interval=0.6, backoff=30.0)


@pytest.fixture
def sources() -> Iterator[SourcePages]:
    with SourcePages().running() as pages:
        yield pages


def links(*targets: str) -> str:
    return "".join(f'<p>See <a href="{target}">this</a>.</p>\n\n' for target in targets)


# -- links as written ------------------------------------------------------------


SLUGS = [
    "/2026/12/%ce%ba%ce%b1/",  # percent-encoded, lower case, as WordPress writes its links
    "/2026/12/λόγος/",  # raw non-ASCII, as an author pastes it
    "/~me/%7Eyou/",
]


def test_wordpress_registers_every_target_when_sent_as_the_page_spells_it(
    sources: SourcePages, local_policy: FetchPolicy
) -> None:
    with WordPressLike(SLUGS + ["/"]).running() as wp:
        targets = [wp.url(slug) for slug in SLUGS] + [wp.root]  # the last one a bare host
        source = sources.publish("/post", links(*targets))
        results = ping_external_urls(source, links(*targets), ROOT, policy=local_policy)
    assert [r.outcome for r in results] == [Outcome.REGISTERED] * 4, results
    assert [r.target_url for r in results] == targets
    # Pings go at once, so they arrive in any order; each arrives as written.
    assert sorted(target for _, target in wp.registered) == sorted(targets)


def test_the_normal_form_is_what_a_byte_matching_receiver_refuses(
    sources: SourcePages, local_policy: FetchPolicy
) -> None:
    with WordPressLike(SLUGS).running() as wp:
        html = links(*(wp.url(slug) for slug in SLUGS))
        source = sources.publish("/post", html)
        for normal in external_urls(html, ROOT):
            with pytest.raises(Exception) as refused:
                ping(source, normal, policy=local_policy)
            assert getattr(refused.value, "fault_code", None) == 17
    assert wp.registered == []


def test_a_default_port_and_a_capitalised_host_are_kept_as_written(
    sources: SourcePages, fake_internet: Any, local_policy: FetchPolicy
) -> None:
    with WordPressLike(["/a-post/"]).running() as wp:
        fake_internet.route("93.184.215.14", 80, to_port=int(wp.root.rsplit(":", 1)[1]))
        wp.endpoint = "http://93.184.215.14:80/xmlrpc.php"
        target = "http://93.184.215.14:80/a-post/"
        html = links(target, "HTTP://93.184.215.14/a-post/#comments")  # the same page twice
        source = sources.publish("/post", html)
        [result] = ping_external_urls(source, html, ROOT, policy=local_policy)
    assert result.outcome is Outcome.REGISTERED and result.target_url == target
    assert wp.registered == [(source, target)]


# -- WordPress's flood check -------------------------------------------------------


def test_three_posts_of_one_wordpress_are_all_registered_within_the_wait(
    sources: SourcePages, local_policy: FetchPolicy
) -> None:
    with WordPressLike(["/1/", "/2/", "/3/"], flood_window=0.5).running() as wp:
        targets = [wp.url(f"/{n}/") for n in (1, 2, 3)]
        source = sources.publish("/post", links(*targets))
        history = MemorySendHistory()
        started = time.monotonic()
        results = ping_external_urls(
            source, links(*targets), ROOT, policy=local_policy, history=history, retry=FAST
        )
        took = time.monotonic() - started
    assert [r.outcome for r in results] == [Outcome.REGISTERED] * 3, results
    assert 429 in wp.faults and len(wp.registered) == 3
    assert 1.0 <= took < 5  # two flood intervals of spacing, no more than a few
    assert sorted(row.attempts for row in history.sent_from(source))[-1] >= 2


def test_a_flood_fault_beyond_the_wait_is_deferred_then_retried_from_the_history(
    sources: SourcePages, local_policy: FetchPolicy
) -> None:
    with WordPressLike(["/1/", "/2/", "/3/"], flood_window=0.5).running() as wp:
        targets = [wp.url(f"/{n}/") for n in (1, 2, 3)]
        source = sources.publish("/post", links(*targets))
        history = MemorySendHistory()
        before = datetime.now(timezone.utc)
        first = ping_external_urls(
            source,
            links(*targets),
            ROOT,
            policy=local_policy,
            history=history,
            max_wait=0,
            retry=FAST,
        )
        outcomes = sorted(r.outcome.value for r in first)
        assert outcomes == ["deferred", "deferred", "registered"], first
        deferred = [r for r in first if r.outcome is Outcome.DEFERRED]
        assert all(r.retry_at is not None and r.fault_code in (429, None) for r in deferred)
        assert any(FLOOD_MESSAGE in r.message for r in deferred)
        assert all(r.retry_at is not None and r.retry_at > before for r in deferred)
        assert retry_deferred(history, now=before, policy=local_policy, retry=FAST) == []

        later = datetime.now(timezone.utc) + timedelta(minutes=5)
        time.sleep(0.5)
        again = retry_deferred(history, now=later, policy=local_policy, retry=FAST)
    assert [r.outcome for r in again] == [Outcome.REGISTERED] * 2, again
    assert len(wp.registered) == 3
    assert {row.outcome for row in history.sent_from(source)} == {"registered"}


# -- updates and deletes ----------------------------------------------------------


class MentionSite:
    """pingcore's own receivers on loopback: Pingback and Webmention targets, an inbox."""

    def __init__(self, httpserver: HTTPServer, policy: FetchPolicy) -> None:
        self.httpserver = httpserver
        self.mentions: dict[tuple[str, str], ReceivedPing] = {}
        self.deleted: list[tuple[str, str]] = []
        self.webmention = WebmentionReceiver(
            lambda url: Target(url), self.store, policy=policy, on_deleted=self.on_deleted
        )
        from pingcore import PingbackServer

        self.pingback = PingbackServer(lambda url: Target(url), self.store, policy=policy)
        httpserver.expect_request("/webmention", method="POST").respond_with_handler(
            self.webmention_view
        )
        httpserver.expect_request("/xmlrpc", method="POST").respond_with_handler(self.xmlrpc_view)

    def store(self, ping: ReceivedPing) -> None:
        from pingcore import DuplicatePing

        key = (ping.source_url, ping.target_url)
        if key in self.mentions:
            raise DuplicatePing()
        self.mentions[key] = ping

    def on_deleted(self, source_url: str, target: Target) -> None:
        self.deleted.append((source_url, target.url))
        self.mentions.pop((source_url, target.url), None)

    def webmention_view(self, request: Request) -> WerkzeugResponse:
        answer = self.webmention.handle(request.get_data(), content_type=request.content_type)
        return WerkzeugResponse(answer.body, answer.status, dict(answer.headers))

    def xmlrpc_view(self, request: Request) -> WerkzeugResponse:
        answer = self.pingback.handle(request.get_data())
        return WerkzeugResponse(answer.body, answer.status, dict(answer.headers))

    def page(self, path: str, protocol: str) -> str:
        url = self.httpserver.url_for(path)
        if protocol == "webmention":
            headers = {"Link": f'<{self.httpserver.url_for("/webmention")}>; rel="webmention"'}
        else:
            headers = {"X-Pingback": self.httpserver.url_for("/xmlrpc")}
        self.httpserver.expect_request(path, method="GET").respond_with_data(
            "<title>t</title>", headers=headers, content_type="text/html"
        )
        return url

    def pings_posted(self) -> int:
        return sum(1 for request, _ in self.httpserver.log if request.method == "POST")


@pytest.fixture
def mention_site(httpserver: HTTPServer, local_policy: FetchPolicy) -> MentionSite:
    return MentionSite(httpserver, local_policy)


@pytest.fixture(params=["memory", "sqlite"])
def history(request: pytest.FixtureRequest, tmp_path: Path) -> SendHistory:
    if request.param == "memory":
        return MemorySendHistory()
    return SQLiteSendHistory(tmp_path / "sent.sqlite3")


def test_an_update_resends_webmentions_and_reaches_the_target_whose_link_was_removed(
    mention_site: MentionSite,
    sources: SourcePages,
    local_policy: FetchPolicy,
    history: SendHistory,
) -> None:
    kept = mention_site.page("/kept", "webmention")
    removed = mention_site.page("/removed", "webmention")
    source = sources.publish("/post", links(kept, removed))
    first = ping_external_urls(
        source, links(kept, removed), ROOT, policy=local_policy, history=history
    )
    assert [r.ok for r in first] == [True, True]

    source = sources.publish("/post", links(kept))
    update = ping_external_urls(source, links(kept), ROOT, policy=local_policy, history=history)
    assert [r.target_url for r in update] == [kept, removed]
    assert [r.protocol for r in update] == ["webmention", "webmention"]
    # The receiver fetched the source, found the link gone and deleted the mention;
    # pingcore's receiver says so with a 400 "does not link", in its own words.
    assert update[0].ok and "does not link" in update[1].message, update
    assert mention_site.deleted == [(source, removed)]
    rows = {row.target_url: row for row in history.sent_from(source)}
    assert rows[kept].linked and not rows[removed].linked

    # Told once: a further update leaves the removed target alone.
    third = ping_external_urls(source, links(kept), ROOT, policy=local_policy, history=history)
    assert [r.target_url for r in third] == [kept]


def test_a_registered_pingback_is_not_pinged_again_unless_forced(
    mention_site: MentionSite,
    sources: SourcePages,
    local_policy: FetchPolicy,
    history: SendHistory,
) -> None:
    target = mention_site.page("/pb", "pingback")
    source = sources.publish("/post", links(target))
    [first] = ping_external_urls(source, links(target), ROOT, policy=local_policy, history=history)
    assert first.outcome is Outcome.REGISTERED
    posted = mention_site.pings_posted()

    [again] = ping_external_urls(source, links(target), ROOT, policy=local_policy, history=history)
    assert again.outcome is Outcome.ALREADY_REGISTERED and "not pinged again" in again.message
    assert mention_site.pings_posted() == posted

    [forced] = ping_external_urls(
        source, links(target), ROOT, policy=local_policy, history=history, force=True
    )
    assert forced.outcome is Outcome.ALREADY_REGISTERED and forced.fault_code == 48
    assert mention_site.pings_posted() == posted + 1


def test_a_pingback_target_no_longer_linked_is_told_it_cannot_be_withdrawn(
    mention_site: MentionSite,
    sources: SourcePages,
    local_policy: FetchPolicy,
    history: SendHistory,
) -> None:
    target = mention_site.page("/pb", "pingback")
    source = sources.publish("/post", links(target))
    ping_external_urls(source, links(target), ROOT, policy=local_policy, history=history)
    posted = mention_site.pings_posted()
    source = sources.publish("/post", "<p>No links now.</p>")
    [told] = ping_external_urls(
        source, "<p>No links now.</p>", ROOT, policy=local_policy, history=history
    )
    assert told.outcome is Outcome.NOT_WITHDRAWN and not told.ok and not told.failed
    assert "cannot withdraw" in told.message
    assert mention_site.pings_posted() == posted
    assert ping_external_urls(source, "<p>No links now.</p>", ROOT, history=history) == []


def test_a_deleted_post_reaches_every_target_it_ever_mentioned(
    mention_site: MentionSite,
    sources: SourcePages,
    local_policy: FetchPolicy,
    history: SendHistory,
) -> None:
    a = mention_site.page("/a", "webmention")
    b = mention_site.page("/b", "webmention")
    pb = mention_site.page("/pb", "pingback")
    source = sources.publish("/post", links(a, b, pb))
    ping_external_urls(source, links(a, b, pb), ROOT, policy=local_policy, history=history)
    sources.publish("/post", links(a, pb))  # b removed in an update
    ping_external_urls(source, links(a, pb), ROOT, policy=local_policy, history=history)

    sources.publish("/post", "Gone", status=410)
    results = ping_deleted(source, history=history, policy=local_policy)
    by_target = {r.target_url: r for r in results}
    assert set(by_target) == {a, b, pb}
    assert by_target[a].ok and by_target[b].ok
    assert by_target[pb].outcome is Outcome.NOT_WITHDRAWN
    assert (source, a) in mention_site.deleted and (source, b) in mention_site.deleted
    assert {row.target_url for row in history.sent_from(source) if not row.linked} == {a, b, pb}


@pytest.mark.anyio
async def test_the_async_twins_remember_update_and_delete(
    mention_site: MentionSite, sources: SourcePages, local_policy: FetchPolicy
) -> None:
    history = MemorySendHistory()
    a = mention_site.page("/a", "webmention")
    gone = mention_site.page("/gone", "webmention")
    source = sources.publish("/post", links(a, gone))
    await aping_external_urls(source, links(a, gone), ROOT, policy=local_policy, history=history)
    sources.publish("/post", links(a))
    update = await aping_external_urls(source, links(a), ROOT, policy=local_policy, history=history)
    assert [r.target_url for r in update] == [a, gone]
    sources.publish("/post", "Gone", status=410)
    deleted = await aping_deleted(source, history=history, policy=local_policy)
    assert sorted(r.target_url for r in deleted) == sorted([a, gone])
    assert (source, a) in mention_site.deleted


# -- what the receiver said ---------------------------------------------------------


def webmention_endpoint(httpserver: HTTPServer, response: WerkzeugResponse) -> str:
    httpserver.expect_request("/wm", method="POST").respond_with_response(response)
    httpserver.expect_request("/t").respond_with_data(
        "", headers={"Link": f'<{httpserver.url_for("/wm")}>; rel="webmention"'}
    )
    return httpserver.url_for("/t")


def pingback_endpoint(httpserver: HTTPServer, body: bytes) -> str:
    httpserver.expect_request("/rpc", method="POST").respond_with_data(
        body, content_type="text/xml"
    )
    httpserver.expect_request("/t").respond_with_data(
        "", headers={"X-Pingback": httpserver.url_for("/rpc")}
    )
    return httpserver.url_for("/t")


def test_a_201_gives_its_location_as_the_status_url(
    httpserver: HTTPServer, local_policy: FetchPolicy
) -> None:
    target = webmention_endpoint(httpserver, WerkzeugResponse("", 201, {"Location": "/status/7"}))
    [result] = ping_external_urls("http://blog.example/p", links(target), ROOT, policy=local_policy)
    assert result.outcome is Outcome.ACCEPTED
    assert result.status_url == httpserver.url_for("/status/7")


def test_an_empty_fault_reads_that_the_server_gave_no_reason(
    httpserver: HTTPServer, local_policy: FetchPolicy
) -> None:
    target = pingback_endpoint(httpserver, xmlrpc.dump_fault(0, ""))
    [result] = ping_external_urls("http://blog.example/p", links(target), ROOT, policy=local_policy)
    assert (result.outcome, result.fault_code) == (Outcome.REFUSED, 0)
    assert result.message == "the server gave no reason"


def test_a_webmention_error_in_json_is_read_into_its_message(
    httpserver: HTTPServer, local_policy: FetchPolicy
) -> None:
    body = '{"error": "no_link_found", "error_description": "The source does not link to you."}'
    target = webmention_endpoint(
        httpserver, WerkzeugResponse(body, 400, content_type="application/json")
    )
    [result] = ping_external_urls("http://blog.example/p", links(target), ROOT, policy=local_policy)
    assert result.outcome is Outcome.REFUSED
    assert result.message.endswith("HTTP 400): no_link_found: The source does not link to you.")


def test_a_503_with_retry_after_is_retried_within_the_wait(
    httpserver: HTTPServer, local_policy: FetchPolicy
) -> None:
    answers = iter([WerkzeugResponse("busy", 503, {"Retry-After": "1"})])

    def endpoint(request: Request) -> WerkzeugResponse:
        return next(answers, WerkzeugResponse("", 202))

    httpserver.expect_request("/wm", method="POST").respond_with_handler(endpoint)
    httpserver.expect_request("/t").respond_with_data(
        "", headers={"Link": f'<{httpserver.url_for("/wm")}>; rel="webmention"'}
    )
    started = time.monotonic()
    [result] = ping_external_urls(
        "http://blog.example/p", links(httpserver.url_for("/t")), ROOT, policy=local_policy
    )
    assert result.outcome is Outcome.ACCEPTED and result.attempts == 2
    assert time.monotonic() - started >= 1.0


def test_a_retry_after_past_the_wait_is_deferred_until_then(
    httpserver: HTTPServer, local_policy: FetchPolicy
) -> None:
    soon = datetime.now(timezone.utc) + timedelta(seconds=120)
    target = webmention_endpoint(
        httpserver,
        WerkzeugResponse("slow down", 429, {"Retry-After": format_datetime(soon, usegmt=True)}),
    )
    [result] = ping_external_urls(
        "http://blog.example/p", links(target), ROOT, policy=local_policy, max_wait=5
    )
    assert result.outcome is Outcome.DEFERRED and result.failed and "429" in result.message
    assert result.retry_at is not None
    assert abs((result.retry_at - soon).total_seconds()) < 5
    with pytest.raises(BadStatus, match="asked to be tried later"):
        ping("http://blog.example/p", target, policy=local_policy)


def test_retry_after_reads_seconds_and_dates_and_ignores_garbage() -> None:
    now = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
    assert retry_after_seconds("120", now) == 120
    assert retry_after_seconds("Wed, 02 Dec 2026 12:01:00 GMT", now) == 60
    assert retry_after_seconds("Wed, 02 Dec 2026 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None
    assert RetryPolicy(max_retry_after=600).delay(1, 10**9) == 600


# -- trouble: backoff, bounded attempts, a history that cannot be written ------------


def test_a_connection_error_backs_off_exponentially_then_gives_up(
    local_policy: FetchPolicy, closed_port: int
) -> None:
    history = MemorySendHistory()
    target = f"http://127.0.0.1:{closed_port}/post"
    retry = RetryPolicy(backoff=60.0, max_attempts=3)
    [first] = ping_external_urls(
        "http://blog.example/p",
        links(target),
        ROOT,
        policy=local_policy,
        history=history,
        retry=retry,
    )
    assert first.outcome is Outcome.DEFERRED and first.attempts == 1
    assert first.retry_at is not None
    delay = first.retry_at - datetime.now(timezone.utc)
    assert timedelta(seconds=55) < delay <= timedelta(seconds=60)

    far = datetime.now(timezone.utc) + timedelta(days=1)
    [second] = retry_deferred(history, now=far, policy=local_policy, retry=retry)
    assert second.outcome is Outcome.DEFERRED and second.attempts == 2
    assert second.retry_at is not None
    assert second.retry_at - datetime.now(timezone.utc) > timedelta(seconds=115)

    [third] = retry_deferred(history, now=far, policy=local_policy, retry=retry)
    assert third.outcome is Outcome.FAILED and third.message.startswith("Gave up after 3 attempts")
    assert retry_deferred(history, now=far, policy=local_policy, retry=retry) == []


def test_a_locked_history_logs_one_line_and_keeps_the_results(
    mention_site: MentionSite,
    sources: SourcePages,
    local_policy: FetchPolicy,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "sent.sqlite3"
    history = SQLiteSendHistory(path, timeout=0.05)
    target = mention_site.page("/a", "webmention")
    source = sources.publish("/post", links(target))
    locker = sqlite3.connect(path)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.ERROR, logger="pingcore.client"):
            [result] = ping_external_urls(
                source, links(target), ROOT, policy=local_policy, history=history
            )
    finally:
        locker.rollback()
        locker.close()
    assert result.ok and result.target_url == target
    lines = [record.getMessage() for record in caplog.records]
    assert any("could not be read" in line and "locked" in line for line in lines), lines
    assert any("could not record the ping" in line and target in line for line in lines), lines
    assert all("\n" not in line for line in lines)
    assert history.sent_from(source) == []


def test_without_a_history_nothing_is_remembered(
    mention_site: MentionSite, sources: SourcePages, local_policy: FetchPolicy
) -> None:
    target = mention_site.page("/pb", "pingback")
    source = sources.publish("/post", links(target))
    results: list[PingResult] = []
    for _ in range(2):
        results += ping_external_urls(source, links(target), ROOT, policy=local_policy)
    assert [r.outcome for r in results] == [Outcome.REGISTERED, Outcome.ALREADY_REGISTERED]
    assert results[1].fault_code == 48


@pytest.mark.anyio
async def test_the_async_twin_spaces_pings_to_a_flooded_wordpress_too(
    sources: SourcePages, local_policy: FetchPolicy
) -> None:
    with WordPressLike(["/1/", "/2/", "/3/"], flood_window=0.5).running() as wp:
        targets = [wp.url(f"/{n}/") for n in (1, 2, 3)]
        source = sources.publish("/post", links(*targets))
        seen: list[int] = []
        results = await aping_external_urls(
            source,
            links(*targets),
            ROOT,
            policy=local_policy,
            retry=FAST,
            progress=lambda done, total, result: seen.append(done),
        )
    assert [r.outcome for r in results] == [Outcome.REGISTERED] * 3, results
    assert 429 in wp.faults and sorted(seen) == [1, 2, 3]


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        ("[" * 100_000 + "]" * 100_000, "application/json", "HTTP 400"),
        ('{"error": ' * 50_000 + '"x"' + "}" * 50_000, "application/json", "HTTP 400"),
        ("no", "text/plain; charset=no-such-charset", "HTTP 400): no"),
        ('{"error": ["not", "text"]}', "application/json", 'HTTP 400): {"error"'),
    ],
    ids=["deep-array", "deep-object", "unknown-charset", "error-not-text"],
)
def test_a_hostile_webmention_error_body_is_still_a_clean_refusal(
    httpserver: HTTPServer, local_policy: FetchPolicy, body: str, content_type: str, words: str
) -> None:
    target = webmention_endpoint(httpserver, WerkzeugResponse(body, 400, content_type=content_type))
    [result] = ping_external_urls("http://blog.example/p", links(target), ROOT, policy=local_policy)
    assert result.outcome is Outcome.REFUSED and words in result.message
    assert len(result.message) <= 400


def test_a_link_xml_cannot_carry_is_a_readable_failure(
    mention_site: MentionSite, local_policy: FetchPolicy
) -> None:
    mention_site.page("/a\x01b", "pingback")
    target = mention_site.httpserver.url_for("/a") + "&#1;b"
    [result] = ping_external_urls(
        "http://blog.example/p", f'<a href="{target}">x</a>', ROOT, policy=local_policy
    )
    assert result.failed and result.outcome is not Outcome.DEFERRED
    assert result.message


def test_on_the_wire_only_what_a_request_line_cannot_carry_is_encoded(
    httpserver: HTTPServer, local_policy: FetchPolicy
) -> None:
    lines: list[str] = []

    def page(request: Request) -> WerkzeugResponse:
        lines.append(request.environ["RAW_URI"])
        return WerkzeugResponse("<title>no endpoint</title>", content_type="text/html")

    httpserver.expect_request(re.compile("^/2026/")).respond_with_handler(page)
    target = httpserver.url_for("/2026/κα/%ce%bb x/") + "?q=%7e"
    [result] = ping_external_urls(
        "http://blog.example/p", f'<a href="{target}">x</a>', ROOT, policy=local_policy
    )
    assert result.outcome is Outcome.NO_ENDPOINT and result.target_url == target
    assert lines == ["/2026/%CE%BA%CE%B1/%ce%bb%20x/?q=%7e"]


@pytest.mark.anyio
async def test_the_async_retry_takes_due_pings_from_the_history(
    local_policy: FetchPolicy, closed_port: int
) -> None:
    from pingcore import aretry_deferred

    history = MemorySendHistory()
    target = f"http://127.0.0.1:{closed_port}/post"
    [first] = await aping_external_urls(
        "http://blog.example/p", links(target), ROOT, policy=local_policy, history=history
    )
    assert first.outcome is Outcome.DEFERRED and "127.0.0.1" in first.message
    far = datetime.now(timezone.utc) + timedelta(days=1)
    [again] = await aretry_deferred(history, now=far, policy=local_policy)
    assert again.outcome is Outcome.DEFERRED and again.attempts == 2
    [row] = history.sent_from("http://blog.example/p")
    assert (row.attempts, row.outcome, row.retry_at) == (2, "deferred", again.retry_at)


def test_a_retry_after_holds_back_the_other_pings_to_that_host(
    httpserver: HTTPServer, local_policy: FetchPolicy
) -> None:
    httpserver.expect_request("/busy-wm", method="POST").respond_with_data(
        "busy", status=503, headers={"Retry-After": "3600"}
    )
    httpserver.expect_request("/wm", method="POST").respond_with_data("", status=202)
    for path, endpoint in (("/busy", "/busy-wm"), ("/next", "/wm")):
        link = f'<{httpserver.url_for(endpoint)}>; rel="webmention"'
        httpserver.expect_request(path).respond_with_data("", headers={"Link": link})
    html = links(httpserver.url_for("/busy"), httpserver.url_for("/next"))
    busy, held = ping_external_urls(
        "http://blog.example/p", html, ROOT, policy=local_policy, concurrency=1
    )
    assert busy.outcome is Outcome.DEFERRED and held.outcome is Outcome.DEFERRED
    assert held.message.startswith("Not sent yet") and held.retry_at is not None
    assert busy.retry_at is not None and abs((held.retry_at - busy.retry_at).total_seconds()) < 5
    assert [request.path for request, _ in httpserver.log if request.method == "POST"] == [
        "/busy-wm"
    ]
