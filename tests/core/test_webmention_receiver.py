"""Receiving Webmentions on the framework-free core, sources on loopback servers."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from pytest_httpserver import HTTPServer
from worker_threads import ThreadNotingStore

from pingcore import (
    AsyncWebmentionReceiver,
    DuplicatePing,
    FetchPolicy,
    PingRequest,
    RateLimiter,
    ReceivedPing,
    Target,
    UpstreamError,
    WebmentionReceiver,
)

TARGET = "http://blog.test/notes/1/"
MENTION = '<p>See <a href="http://blog.test/notes/1/">Alice\'s note</a>, it is good.</p>'


def resolve(url: str) -> Target | None:
    return Target(url, view="note") if url.startswith("http://blog.test/notes/") else None


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


class Recorder:
    def __init__(self) -> None:
        self.received: list[ReceivedPing] = []
        self.deleted: list[tuple[str, Target]] = []

    def on_received(self, ping: ReceivedPing) -> None:
        self.received.append(ping)

    def on_deleted(self, source_url: str, target: Target) -> None:
        self.deleted.append((source_url, target))


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_receiver(
    recorder: Recorder, local_policy: FetchPolicy
) -> Callable[..., WebmentionReceiver]:
    def make(**options: object) -> WebmentionReceiver:
        return WebmentionReceiver(
            resolve,
            recorder.on_received,
            on_deleted=recorder.on_deleted,
            policy=local_policy,
            **options,  # type: ignore[arg-type]
        )

    return make


@pytest.fixture
def source(httpserver: HTTPServer) -> str:
    httpserver.expect_request("/mention").respond_with_data(MENTION, content_type="text/html")
    return httpserver.url_for("/mention")


def test_a_valid_mention_is_registered(
    make_receiver: Callable[..., WebmentionReceiver], recorder: Recorder, source: str
) -> None:
    answer = make_receiver().handle(form(source=source, target=TARGET))
    assert answer.status == 200
    [ping] = recorder.received
    assert ping.protocol == "webmention" and "Alice's note" in ping.excerpt


def test_the_success_status_can_be_202(
    make_receiver: Callable[..., WebmentionReceiver], source: str
) -> None:
    receiver = make_receiver(success_status=202)
    assert receiver.handle(form(source=source, target=TARGET)).status == 202


def test_201_is_refused_for_want_of_a_status_page() -> None:
    with pytest.raises(ValueError, match="200 or 202"):
        WebmentionReceiver(resolve, Recorder().on_received, success_status=201)


def test_is_duplicate_is_refused_since_a_repeat_is_an_update() -> None:
    with pytest.raises(TypeError, match="update"):
        WebmentionReceiver(resolve, Recorder().on_received, is_duplicate=lambda s, t: True)


def test_an_upstream_error_from_the_receiver_is_502(local_policy: FetchPolicy, source: str) -> None:
    def on_received(ping: ReceivedPing) -> None:
        raise UpstreamError()

    receiver = WebmentionReceiver(resolve, on_received, policy=local_policy)
    assert receiver.handle(form(source=source, target=TARGET)).status == 502


def test_the_source_fetch_says_what_it_accepts(
    make_receiver: Callable[..., WebmentionReceiver], source: str, httpserver: HTTPServer
) -> None:
    make_receiver().handle(form(source=source, target=TARGET))
    request, _ = httpserver.log[0]
    assert request.headers["Accept"].startswith("text/html")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (form(target=TARGET), "'source' parameter is missing"),
        (form(source="http://a.test/"), "'target' parameter is missing"),
        (form(source="javascript:alert(1)", target=TARGET), "absolute http(s) URLs"),
        (form(source=TARGET, target=TARGET), "same page"),
        (form(source="http://a.test/", target="http://elsewhere.test/"), "not a page of this site"),
        (b"\xff\xfe", "not a valid form"),
    ],
)
def test_invalid_requests_get_400_with_a_reason(
    make_receiver: Callable[..., WebmentionReceiver], body: bytes, reason: str
) -> None:
    answer = make_receiver().handle(body)
    assert answer.status == 400
    assert reason in answer.body.decode()


def test_a_json_body_gets_415(make_receiver: Callable[..., WebmentionReceiver]) -> None:
    answer = make_receiver().handle(b"{}", content_type="application/json")
    assert answer.status == 415


def test_get_gets_405(make_receiver: Callable[..., WebmentionReceiver]) -> None:
    assert make_receiver().handle(b"", method="GET").status == 405


def test_a_gone_source_deletes_the_mention(
    make_receiver: Callable[..., WebmentionReceiver], recorder: Recorder, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    source = httpserver.url_for("/gone")
    answer = make_receiver().handle(form(source=source, target=TARGET))
    assert answer.status == 200 and "deleted" in answer.body.decode()
    assert recorder.deleted[0][0] == source


def test_a_source_that_no_longer_links_is_a_delete_and_a_400(
    make_receiver: Callable[..., WebmentionReceiver], recorder: Recorder, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/edited").respond_with_data("<p>Link removed.</p>")
    source = httpserver.url_for("/edited")
    answer = make_receiver().handle(form(source=source, target=TARGET))
    assert answer.status == 400
    assert recorder.deleted == [(source, Target(TARGET, view="note"))]


def test_a_repeated_mention_is_an_update_answered_200(
    local_policy: FetchPolicy, source: str
) -> None:
    def on_received(ping: ReceivedPing) -> None:
        raise DuplicatePing()

    receiver = WebmentionReceiver(resolve, on_received, policy=local_policy)
    assert receiver.handle(form(source=source, target=TARGET)).status == 200


def test_queued_verification_answers_202_and_runs_later(
    make_receiver: Callable[..., WebmentionReceiver], recorder: Recorder, source: str
) -> None:
    jobs: list[PingRequest] = []
    receiver = make_receiver(queue=jobs.append)
    answer = receiver.handle(form(source=source, target=TARGET), remote_addr="192.0.2.9")
    assert answer.status == 202 and recorder.received == []
    # The job is plain data a task backend can serialise and hand back.
    job = pickle.loads(pickle.dumps(jobs[0]))
    assert receiver.process(job) is True
    assert recorder.received[0].source_url == source
    assert recorder.received[0].remote_addr == "192.0.2.9"


def test_a_failing_queued_job_does_not_raise(
    make_receiver: Callable[..., WebmentionReceiver], recorder: Recorder
) -> None:
    jobs: list[PingRequest] = []
    receiver = make_receiver(queue=jobs.append)
    receiver.handle(form(source="http://127.0.0.1:9/", target=TARGET))
    assert receiver.process(jobs[0]) is False
    assert recorder.received == []


def test_over_the_rate_limit_is_429_with_retry_after(
    make_receiver: Callable[..., WebmentionReceiver], source: str
) -> None:
    receiver = make_receiver(rate_limiter=RateLimiter(per_address=1, per_source_host=None))
    receiver.handle(form(source=source, target=TARGET), remote_addr="192.0.2.1")
    answer = receiver.handle(form(source=source, target=TARGET), remote_addr="192.0.2.1")
    assert answer.status == 429 and answer.headers["Retry-After"] == "60"


def test_an_unfetchable_source_is_400(
    make_receiver: Callable[..., WebmentionReceiver], httpserver: HTTPServer
) -> None:
    receiver = WebmentionReceiver(resolve, Recorder().on_received)  # default policy
    answer = receiver.handle(form(source=httpserver.url_for("/"), target=TARGET))
    assert answer.status == 400 and "could not be fetched" in answer.body.decode()
    assert httpserver.log == []


@pytest.mark.anyio
async def test_the_async_receiver_registers_and_deletes(
    recorder: Recorder, local_policy: FetchPolicy, source: str, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=410)

    async def on_received(ping: ReceivedPing) -> None:
        recorder.received.append(ping)

    receiver = AsyncWebmentionReceiver(
        resolve, on_received, on_deleted=recorder.on_deleted, policy=local_policy
    )
    assert (await receiver.handle(form(source=source, target=TARGET))).status == 200
    gone = httpserver.url_for("/gone")
    assert (await receiver.handle(form(source=gone, target=TARGET))).status == 200
    assert recorder.received[0].source_url == source and recorder.deleted[0][0] == gone


@pytest.mark.anyio
async def test_the_async_receiver_reads_the_source_and_stores_off_the_event_loop(
    recorder: Recorder, local_policy: FetchPolicy, source: str, reading_threads: set[int]
) -> None:
    store = ThreadNotingStore()
    receiver = AsyncWebmentionReceiver(
        resolve, recorder.on_received, policy=local_policy, store=store
    )
    assert (await receiver.handle(form(source=source, target=TARGET))).status == 200
    loop_thread = threading.get_ident()
    assert reading_threads and loop_thread not in reading_threads
    assert store.threads and loop_thread not in store.threads


@pytest.mark.anyio
async def test_the_async_receiver_awaits_a_coroutine_queue(
    recorder: Recorder, local_policy: FetchPolicy, source: str
) -> None:
    queued: list[PingRequest] = []

    async def queue(job: PingRequest) -> None:
        queued.append(job)

    receiver = AsyncWebmentionReceiver(
        resolve, recorder.on_received, policy=local_policy, queue=queue
    )
    assert (await receiver.handle(form(source=source, target=TARGET))).status == 202
    assert await receiver.process(queued[0]) is True
    assert recorder.received[0].source_url == source


REPLY = """<!doctype html><html><head><title>Re: note</title></head><body>
<article class="h-entry">
  <a class="u-in-reply-to" href="http://blog.test/notes/1/">In reply to Alice</a>
  <span class="p-author h-card"><img class="u-photo" src="/bob.jpg" alt="">
    <a class="u-url p-name" href="https://bob.example/">Bob Example</a></span>
  <time class="dt-published" datetime="2026-11-30T09:15:00+02:00">30 Nov</time>
  <div class="e-content"><p>Quite right <script>alert(1)</script>indeed.</p></div>
  <a class="u-url" href="/replies/1">permalink</a>
</article></body></html>"""


def test_a_reply_arrives_with_its_kind_author_card_date_and_clean_content(
    make_receiver: Callable[..., WebmentionReceiver], recorder: Recorder, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/reply").respond_with_data(REPLY, content_type="text/html")
    source = httpserver.url_for("/reply")

    assert make_receiver().handle(form(source=source, target=TARGET)).status == 200

    [ping] = recorder.received
    assert (ping.kind, ping.author_url) == ("reply", "https://bob.example/")
    assert ping.author_photo == httpserver.url_for("/bob.jpg")
    assert ping.published is not None and ping.published.utcoffset() is not None
    assert ping.url == httpserver.url_for("/replies/1")
    assert "Quite right" in ping.content_text and "<script" not in ping.content_html
    assert ping.signal_arguments()["kind"] == "reply"


def test_a_plain_link_is_a_mention_with_no_card(
    make_receiver: Callable[..., WebmentionReceiver], recorder: Recorder, source: str
) -> None:
    make_receiver().handle(form(source=source, target=TARGET))
    [ping] = recorder.received
    assert (ping.kind, ping.author_url, ping.published, ping.syndication) == (
        "mention",
        None,
        None,
        (),
    )
