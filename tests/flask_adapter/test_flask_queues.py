"""flask_pingback.queues on real workers: RQ and Celery on a real redis-server.

Each worker is its own process, started by the test and stopped by it; the
jobs carry their send history as a SQLite database file every process opens.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from mention_receiver import MentionReceiver, post_linking
from redis import Redis
from sqlalchemy import Engine, create_engine

from flask_pingback import Pingback
from flask_pingback.queues import celery_queue, job_data, job_from_data, rq_queue
from flask_pingback.sending import DeletedPostJob, PingJob, RetryJob
from flask_pingback.storage import SQLAlchemySendHistory, create_tables
from pingcore import FetchPolicy, MemorySendHistory, SQLiteSendHistory

from .blog import make_blog

TESTS = Path(__file__).resolve().parent.parent
SOURCE = "http://blog.example/posts/queued/"
BIN = Path(sys.executable).parent


def rq_queue_class() -> Any:
    rq = pytest.importorskip("rq", reason="rq is not installed (the rq or queues extra)")
    return rq.Queue


@pytest.fixture
def receiver() -> Iterator[MentionReceiver]:
    with MentionReceiver().running() as running:
        yield running


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'blog.db'}")
    create_tables(engine)
    yield engine
    engine.dispose()


@contextmanager
def worker(command: list[str], log: Path, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as output:
        process = subprocess.Popen(
            command,
            env={**os.environ, "PYTHONPATH": str(TESTS), **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for_result(job: Any, log: Path, timeout: float = 15.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh()
        if job.get_status() == "finished":
            return job.return_value()
        if job.get_status() == "failed":
            break
        time.sleep(0.1)
    raise AssertionError(f"job {job.get_status()}:\n{log.read_text()}")


def rq_app(redis_url: str, engine: Engine) -> tuple[Flask, Pingback]:
    queue = rq_queue_class()(connection=Redis.from_url(redis_url))
    pingback = Pingback(
        queue=rq_queue(queue, job_timeout=60), history=SQLAlchemySendHistory(engine)
    )
    return make_blog(pingback), pingback


def test_an_rq_worker_sends_a_posts_pings_then_a_deleted_posts(
    redis_url: str, engine: Engine, receiver: MentionReceiver, tmp_path: Path
) -> None:
    app, pingback = rq_app(redis_url, engine)
    a, b = receiver.post("a"), receiver.post("b")
    log = tmp_path / "rq.log"
    with app.app_context():
        published = pingback.ping_links(SOURCE, post_linking(a, b))
    assert receiver.received == []  # queued, not sent by the web process

    with worker([str(BIN / "rq"), "worker", "--url", redis_url, "--with-scheduler"], log):
        summaries = wait_for_result(published, log)
        with app.app_context():
            deleted = pingback.ping_deleted(SOURCE)
        gone = wait_for_result(deleted, log)

    assert [(s["target_url"], s["outcome"]) for s in summaries] == [
        (a, "accepted"),
        (b, "accepted"),
    ]
    assert sorted(s["target_url"] for s in gone) == [a, b]
    assert sorted(receiver.received) == sorted([(SOURCE, a), (SOURCE, b)] * 2)
    rows = SQLAlchemySendHistory(engine).sent_from(SOURCE)
    assert sorted((row.target_url, row.linked) for row in rows) == [(a, False), (b, False)]


def test_a_deferred_ping_is_retried_by_a_retry_job_on_the_rq_worker(
    redis_url: str, engine: Engine, receiver: MentionReceiver, tmp_path: Path
) -> None:
    queue = rq_queue_class()(connection=Redis.from_url(redis_url))
    enqueue = rq_queue(queue)
    history = SQLAlchemySendHistory(engine)
    policy = FetchPolicy(allow_private_addresses=True)
    target = receiver.post("busy")
    receiver.answer_next(503, {"Retry-After": "3600"})
    log = tmp_path / "rq.log"

    with worker([str(BIN / "rq"), "worker", "--url", redis_url], log):
        first = enqueue(
            PingJob(SOURCE, post_linking(target), "http://blog.example/", policy, history=history)
        )
        [deferred] = wait_for_result(first, log)
        assert deferred["outcome"] == "deferred" and deferred["retry_at"] is not None
        # Time passing, without waiting an hour: the row's retry time is moved back.
        [row] = history.sent_from(SOURCE)
        history.record(replace(row, retry_at=datetime.now(timezone.utc)))
        [retried] = wait_for_result(enqueue(RetryJob(history, policy)), log)

    assert (retried["outcome"], retried["attempts"]) == ("accepted", 2)
    assert receiver.received == [(SOURCE, target)]


def test_a_job_travels_to_celery_as_json_and_comes_back_the_same(tmp_path: Path) -> None:
    history = SQLiteSendHistory(tmp_path / "sent.db")
    policy = FetchPolicy(allow_private_addresses=True, allowed_ports=None, timeout=3.0)
    for job in (
        PingJob(
            SOURCE,
            "<a href='http://a.example/'>a</a>",
            "http://blog.example/",
            policy,
            history=history,
            force=True,
        ),
        DeletedPostJob(SOURCE, history, policy),
        RetryJob(history, None, SOURCE),
    ):
        copy = job_from_data(json.loads(json.dumps(job_data(job))))
        assert type(copy) is type(job)
        assert copy.policy == job.policy
        assert isinstance(copy.history, SQLiteSendHistory) and copy.history.path == history.path


def test_what_cannot_travel_as_json_is_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="MemorySendHistory"):
        job_data(DeletedPostJob(SOURCE, MemorySendHistory()))
    with pytest.raises(ValueError, match="resolver"):
        job_data(
            PingJob(SOURCE, "", "http://blog.example/", FetchPolicy(resolver=lambda host, port: []))
        )


def test_a_celery_worker_on_redis_sends_a_posts_pings(
    redis_url: str, receiver: MentionReceiver, tmp_path: Path
) -> None:
    celery = pytest.importorskip("celery", reason="celery is not installed (the queues extra)")
    history_path = tmp_path / "sent.db"
    celery_app = celery.Celery("queue_tests", broker=redis_url, backend=redis_url)
    pingback = Pingback(queue=celery_queue(celery_app))
    app = make_blog(pingback, PINGBACK_SEND_HISTORY=f"sqlite:///{history_path}")
    target = receiver.post("a")
    log = tmp_path / "celery.log"
    command = [str(BIN / "celery"), "-A", "flask_adapter.celery_worker", "worker"]
    command += ["--pool", "solo", "--concurrency", "1", "--without-gossip", "--without-mingle"]
    with app.app_context():
        published = pingback.ping_links(SOURCE, post_linking(target))

    with worker(command, log, PINGCORE_REDIS_URL=redis_url):
        try:
            summaries = published.get(timeout=20)
        except Exception as error:
            raise AssertionError(f"{error!r}\n{log.read_text()}") from error

    assert [(s["target_url"], s["outcome"]) for s in summaries] == [(target, "accepted")]
    assert receiver.received == [(SOURCE, target)]
    [row] = SQLiteSendHistory(history_path).sent_from(SOURCE)
    assert row.outcome == "accepted"
    celery_app.close()
