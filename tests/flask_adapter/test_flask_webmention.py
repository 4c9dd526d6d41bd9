"""The Webmention endpoint: 200, 202, 400, updates and deletes, on the same signals."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pytest_httpserver import HTTPServer

from flask_pingback import DuplicatePing, deleted, received

from .blog import NO_LINK, make_blog

POST = "http://localhost/posts/hello/"

Source = Callable[..., str]


@pytest.fixture
def app() -> Flask:
    return make_blog(PINGBACK_WEBMENTION=True)


def mention(client: FlaskClient, source_url: str, target_url: str = POST) -> Any:
    return client.post("/webmention", data={"source": source_url, "target": target_url})


def test_a_verified_mention_is_200_and_sent_on_the_received_signal(
    app: Flask, client: FlaskClient, source: Source, pings: list[dict[str, Any]]
) -> None:
    reply = source(links_to=POST)

    response = mention(client, reply)

    assert response.status_code == 200
    (ping,) = pings
    assert ping["sender"] is app
    assert ping["protocol"] == "webmention"
    assert (ping["source_url"], ping["target_url"]) == (reply, POST)
    assert ping["view"] is app.view_functions["show_post"]
    assert ping["kwargs"] == {"slug": "hello"}
    assert ping["author"] == "Bob Example"


def test_a_repeated_mention_is_an_update_answered_200(
    app: Flask, client: FlaskClient, source: Source
) -> None:
    reply = source(links_to=POST)
    seen: set[tuple[str, str]] = set()

    def store_once(sender: Flask, source_url: str, target_url: str, **kwargs: Any) -> None:
        if (source_url, target_url) in seen:
            raise DuplicatePing()
        seen.add((source_url, target_url))

    with received.connected_to(store_once, app):
        first, second = mention(client, reply), mention(client, reply)

    assert (first.status_code, second.status_code) == (200, 200)
    assert "up to date" in second.get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "reason"),
    [
        ({"target": POST}, "source"),
        ({"source": "http://127.0.0.1:1/reply"}, "target"),
        ({"source": "ftp://example.com/", "target": POST}, "http"),
        ({"source": "http://127.0.0.1:1/r", "target": "http://elsewhere.example/"}, "not a page"),
    ],
    ids=["no source", "no target", "not http", "foreign target"],
)
def test_a_bad_request_is_400_with_a_reason(
    client: FlaskClient, form: dict[str, str], reason: str
) -> None:
    response = client.post("/webmention", data=form)

    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)


def test_a_source_that_does_not_link_is_400(client: FlaskClient, source: Source) -> None:
    response = mention(client, source(html=NO_LINK))

    assert response.status_code == 400
    assert "does not link" in response.get_data(as_text=True)


def test_an_unreachable_source_is_400(client: FlaskClient, closed_port_url: str) -> None:
    assert mention(client, closed_port_url).status_code == 400


def test_a_source_gone_410_is_a_delete_answered_200(
    app: Flask,
    client: FlaskClient,
    source: Source,
    deletions: list[dict[str, Any]],
    pings: list[dict[str, Any]],
) -> None:
    gone = source("/gone", html="Gone", status=410)

    response = mention(client, gone)

    assert response.status_code == 200
    assert "deleted" in response.get_data(as_text=True)
    assert pings == []
    (deletion,) = deletions
    assert deletion == {
        "sender": app,
        "source_url": gone,
        "target_url": POST,
        "view": app.view_functions["show_post"],
        "args": (),
        "kwargs": {"slug": "hello"},
        "protocol": "webmention",
    }


def test_a_source_that_no_longer_links_sends_deleted(
    client: FlaskClient,
    httpserver_ipv4: HTTPServer,
    source: Source,
    deletions: list[dict[str, Any]],
    pings: list[dict[str, Any]],
) -> None:
    reply = source(links_to=POST)
    assert mention(client, reply).status_code == 200
    httpserver_ipv4.clear_all_handlers()
    source(html=NO_LINK)

    assert mention(client, reply).status_code == 400
    assert len(pings) == 1
    assert [d["source_url"] for d in deletions] == [reply]


def test_with_async_verification_the_answer_is_202_and_the_signal_follows(
    source: Source,
) -> None:
    app = make_blog(PINGBACK_WEBMENTION=True, PINGBACK_WEBMENTION_ASYNC=True)
    reply = source(links_to=POST)
    arrived = threading.Event()
    senders: list[Flask] = []
    threads: list[str] = []

    def record(sender: Flask, **kwargs: Any) -> None:
        senders.append(sender)
        threads.append(threading.current_thread().name)
        arrived.set()

    with received.connected_to(record, app):
        response = mention(app.test_client(), reply)
        assert arrived.wait(10)

    assert response.status_code == 202
    assert senders == [app]
    assert threads != [threading.current_thread().name]


def test_with_async_verification_a_gone_source_is_deleted_later(source: Source) -> None:
    app = make_blog(PINGBACK_WEBMENTION=True, PINGBACK_WEBMENTION_ASYNC=True)
    gone = source("/gone", html="Gone", status=410)
    arrived = threading.Event()

    def record(sender: Flask, **kwargs: Any) -> None:
        arrived.set()

    with deleted.connected_to(record, app):
        assert mention(app.test_client(), gone).status_code == 202
        assert arrived.wait(10)


def test_get_is_405(client: FlaskClient) -> None:
    response = client.get("/webmention")

    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_a_json_body_is_415(client: FlaskClient) -> None:
    response = client.post("/webmention", json={"source": "x", "target": POST})

    assert response.status_code == 415


def test_a_body_over_8_kib_is_413(client: FlaskClient) -> None:
    response = client.post(
        "/webmention",
        data=b"source=" + b"x" * 9000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413


def test_without_pingback_webmention_there_is_no_endpoint() -> None:
    app = make_blog()

    assert app.test_client().post("/webmention", data={"source": "x"}).status_code == 404


def test_a_custom_webmention_url_is_served() -> None:
    app = make_blog(PINGBACK_WEBMENTION=True, PINGBACK_WEBMENTION_URL="/mentions/")

    response = app.test_client().post("/mentions/", data={"target": POST})

    assert response.status_code == 400


def test_async_verification_runs_on_no_more_threads_than_configured_then_asks_to_retry(
    source: Source,
) -> None:
    app = make_blog(
        PINGBACK_WEBMENTION=True,
        PINGBACK_WEBMENTION_ASYNC=True,
        PINGBACK_WEBMENTION_ASYNC_THREADS=1,
    )
    client = app.test_client()
    verifying, release = threading.Event(), threading.Event()

    def hold(sender: Flask, **kwargs: Any) -> None:
        verifying.set()
        assert release.wait(10)

    with received.connected_to(hold, app):
        assert mention(client, source("/first", links_to=POST)).status_code == 202
        assert verifying.wait(10)
        busy = mention(client, source("/second", links_to=POST))
        release.set()
        for thread in threading.enumerate():
            if thread.name == "flask-pingback-verify":
                thread.join(10)
        again = mention(client, source("/third", links_to=POST))

    assert busy.status_code == 429
    assert "Retry-After" in busy.headers
    assert again.status_code == 202  # the slot came back when the first one finished
    for thread in threading.enumerate():
        if thread.name == "flask-pingback-verify":
            thread.join(10)


def test_a_mention_sent_with_a_forged_host_for_that_host_is_400(
    client: FlaskClient, source: Source, pings: list[dict[str, Any]]
) -> None:
    target = "http://evil.example/posts/hello/"

    response = client.post(
        "/webmention",
        base_url="http://evil.example/",
        data={"source": source(links_to=target), "target": target},
    )

    assert response.status_code == 400
    assert "not a page of this site" in response.get_data(as_text=True)
    assert pings == []
