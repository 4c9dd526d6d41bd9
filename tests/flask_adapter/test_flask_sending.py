"""Pinging a published post's links: on a background thread, or through a task queue."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
from flask import Flask, url_for
from pytest_httpserver import HTTPServer

from flask_pingback import Pingback, PingJob, received
from pingcore.client import Outcome, PingResult

from .blog import make_blog
from .live import serving
from .signal_recording import recording

REPLY = """<!DOCTYPE html>
<html><head><title>Bob replies</title></head><body><article class="h-entry">
<p class="p-author h-card">Bob</p>
<p>Alice wrote <a href="{alice}/posts/hello/">a fine post</a>;
see also <a href="/about">my about page</a> and <a href="{plain}">a page without endpoints</a>.</p>
</article></body></html>
"""

recorded_jobs: list[PingJob] = []


def record_job(job: PingJob) -> str:
    """A queue named by its import path in PINGBACK_QUEUE."""
    recorded_jobs.append(job)
    return "queued"


class Blogs:
    """Alice receives pings; Bob publishes a reply and pings her. One extension, two apps."""

    def __init__(self, pingback: Pingback, alice_root: str, plain_url: str) -> None:
        self.pingback = pingback
        self.alice_root = alice_root
        self.plain_url = plain_url
        self.bob = make_blog(pingback)
        self.sent: list[Any] = []

        @self.bob.get("/posts/reply/")
        def show_reply() -> str:
            return self.reply_html

        @self.bob.post("/publish")
        def publish() -> tuple[str, int]:
            post_url = url_for("show_reply", _external=True)
            self.sent.append(self.pingback.ping_links(post_url, self.reply_html))
            return "published", 202

    @property
    def reply_html(self) -> str:
        return REPLY.format(alice=self.alice_root, plain=self.plain_url)


@pytest.fixture
def alice() -> Iterator[tuple[Flask, str]]:
    app = make_blog()
    with serving(app) as root:
        yield app, root


@pytest.fixture
def plain_url(httpserver_ipv4: HTTPServer) -> str:
    httpserver_ipv4.expect_request("/plain").respond_with_data("<p>no endpoints</p>")
    return str(httpserver_ipv4.url_for("/plain"))


def test_ping_links_pings_on_a_thread_and_returns_a_future_of_the_results(
    alice: tuple[Flask, str], plain_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    alice_app, alice_root = alice
    blogs = Blogs(Pingback(), alice_root, plain_url)
    with (
        serving(blogs.bob) as bob_root,
        recording(received, alice_app) as pings,
        caplog.at_level(logging.INFO, logger="flask_pingback"),
    ):
        response = blogs.bob.test_client().post("/publish", base_url=bob_root)
        (future,) = blogs.sent
        assert isinstance(future, Future)
        results: list[PingResult] = future.result(timeout=20)

    assert response.status_code == 202
    # Bob's own about page is under his site's root: not pinged.
    assert [r.target_url for r in results] == [f"{alice_root}/posts/hello/", plain_url]
    assert [r.outcome for r in results] == [Outcome.REGISTERED, Outcome.NO_ENDPOINT]
    (ping,) = pings
    assert ping["source_url"] == f"{bob_root}/posts/reply/"
    assert ping["author"] == "Bob"
    assert "a fine post" in ping["excerpt"]
    logged = [r for r in caplog.records if r.name == "flask_pingback"]
    assert [(r.levelname, r.threadName) for r in logged] == [
        ("INFO", "flask-pingback"),
        ("WARNING", "flask-pingback"),
    ]
    registered = f"ping from '{bob_root}/posts/reply/' to '{alice_root}/posts/hello/': registered"
    assert logged[0].getMessage().startswith(registered)
    assert "no endpoint" in logged[1].getMessage()


def test_ping_links_hands_the_job_to_the_queue_which_may_run_it(
    alice: tuple[Flask, str], plain_url: str
) -> None:
    alice_app, alice_root = alice
    jobs: list[PingJob] = []

    def run_now(job: PingJob) -> list[PingResult]:
        jobs.append(job)
        return job()

    blogs = Blogs(Pingback(queue=run_now), alice_root, plain_url)
    with serving(blogs.bob) as bob_root, recording(received, alice_app) as pings:
        blogs.bob.test_client().post("/publish", base_url=bob_root)

    (job,) = jobs
    assert job.source_url == f"{bob_root}/posts/reply/"
    assert job.root_url == f"{bob_root}/"
    assert job.policy == blogs.bob.extensions["pingback"].policy
    (results,) = blogs.sent
    assert [r.outcome for r in results] == [Outcome.REGISTERED, Outcome.NO_ENDPOINT]
    assert len(pings) == 1


def test_pingback_queue_may_name_the_queue_by_its_import_path() -> None:
    app = make_blog(PINGBACK_QUEUE=f"{record_job.__module__}:record_job")
    recorded_jobs.clear()

    with app.app_context():
        handle = app.extensions["pingback"].extension.ping_links(
            "http://bob.example/posts/1",
            "<a href='http://alice.example/'>Alice</a>",
            "http://bob.example/posts/",
        )

    assert handle == "queued"
    assert [job.root_url for job in recorded_jobs] == ["http://bob.example/posts/"]


def test_the_app_config_queue_wins_over_the_extensions_default() -> None:
    queued: list[str] = []
    pingback = Pingback(queue=lambda job: queued.append("extension"))
    app = make_blog(pingback, PINGBACK_QUEUE=lambda job: queued.append("config"))

    with app.app_context():
        pingback.ping_links("http://bob.example/1", "")

    assert queued == ["config"]


def test_a_ping_job_survives_pickling_for_a_task_queue(app: Flask) -> None:
    job = PingJob(
        "http://bob.example/1",
        "<a href='http://alice.example/'>x</a>",
        "http://bob.example/",
        policy=app.extensions["pingback"].policy,
    )

    assert pickle.loads(pickle.dumps(job)) == job


def test_a_post_without_external_links_pings_nothing(app: Flask) -> None:
    with app.app_context():
        future = app.extensions["pingback"].extension.ping_links(
            "http://bob.example/1", "<p>Only <a href='/about'>internal</a> links.</p>"
        )

    assert future.result(timeout=10) == []


def test_a_failing_job_is_logged_and_its_future_holds_the_error(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with app.app_context():
        future = app.extensions["pingback"].extension.ping_links("not a url", "<p></p>")

    with pytest.raises(ValueError):
        future.result(timeout=10)
    assert any(r.exc_info for r in caplog.records if r.name == "flask_pingback")
