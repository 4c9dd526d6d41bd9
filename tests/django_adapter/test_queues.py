"""The tasks on real queues: a worker process runs them, not the test's own.

The site's web process (queue_site.py) and the worker share a SQLite file; the
database backend is django-tasks-db's, the RQ one django-tasks-rq's on a real
redis-server (skipped, with the reason, where none is installed).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from mention_receiver import MentionReceiver, post_linking

from pingcore.loopback import StartResponse, serve

TESTS = Path(__file__).resolve().parent.parent
SOURCE = "http://blog.example/posts/queued/"
TARGET = "http://testserver/blog/hello/"


class QueueSite:
    """The test blog's processes on one database file: ``run`` a site action, a ``worker``."""

    def __init__(self, directory: Path, backend: str, redis_url: str | None) -> None:
        self.database = directory / "blog.sqlite3"
        self.log_path = directory / "worker.log"
        self.backend = backend
        self.env = {
            **os.environ,
            "PYTHONPATH": str(TESTS),
            "DJANGO_SETTINGS_MODULE": "django_adapter.settings_queues",
            "PINGCORE_QUEUE_DB": str(self.database),
            "PINGCORE_QUEUE_BACKEND": backend,
            "PINGCORE_REDIS_URL": redis_url or "",
        }

    def manage(self, *words: str) -> str:
        return self._run([sys.executable, "-m", "django", *words])

    def run(self, *words: str) -> str:
        return self._run([sys.executable, str(TESTS / "django_adapter" / "queue_site.py"), *words])

    def _run(self, command: list[str]) -> str:
        done = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    @contextmanager
    def worker(self) -> Iterator[subprocess.Popen[str]]:
        """A worker process, its output in ``worker.log`` (shown when a test fails)."""
        if self.backend == "rq":
            # The backend's own Job class, which runs a Task and records its result.
            job_class = "django_tasks_rq.backend.Job"
            command = ["rqworker", "default", "--with-scheduler", "--job-class", job_class]
        else:
            command = ["db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"]
        log = self.log_path.open("a")
        process = subprocess.Popen(
            [sys.executable, "-m", "django", *command],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
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
            log.close()

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.database, timeout=20) as connection:
            return connection.execute(query).fetchall()

    def wait_for(self, query: str, ready: Callable[[list[tuple[Any, ...]]], bool]) -> list[Any]:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            rows = self.rows(query)
            if ready(rows):
                return rows
            time.sleep(0.1)
        log = self.log_path.read_text() if self.log_path.exists() else ""
        raise AssertionError(f"still {self.rows(query)!r} after 15 s: {query}\n{log}")


@pytest.fixture(params=["database", "rq"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> QueueSite:
    backend = "django_tasks_rq" if request.param == "rq" else "django_tasks_db"
    pytest.importorskip(backend, reason=f"{backend} is not installed (the queues extra)")
    redis_url = request.getfixturevalue("redis_url") if request.param == "rq" else None
    queue_site = QueueSite(tmp_path, request.param, redis_url)
    queue_site.manage("migrate", "--run-syncdb", "--verbosity", "0")
    return queue_site


@pytest.fixture
def receiver() -> Iterator[MentionReceiver]:
    with MentionReceiver().running() as running:
        yield running


def test_a_worker_sends_a_posts_pings_and_the_history_keeps_them(
    site: QueueSite, receiver: MentionReceiver
) -> None:
    a, b = receiver.post("a"), receiver.post("b")

    status = site.run("ping", SOURCE, post_linking(a, b), "60")

    assert status in ("READY", "QUEUED")  # enqueued, not run in this process
    assert receiver.received == []
    with site.worker():
        assert sorted(receiver.wait_for(2)) == [(SOURCE, a), (SOURCE, b)]
        rows = site.wait_for(
            "SELECT target_url, outcome, linked FROM pingback_storage_sentping ORDER BY id",
            lambda rows: len(rows) == 2,
        )
    assert sorted(rows) == [(a, "accepted", 1), (b, "accepted", 1)]


def test_a_webmention_answered_202_is_verified_and_stored_by_the_worker(site: QueueSite) -> None:
    page = f'<p>I liked <a href="{TARGET}">your post</a>.</p>'.encode()

    def source_page(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html")])
        return [page]

    with serve(source_page) as root:
        source = f"{root}/reply"
        assert site.run("webmention", source, TARGET) == "202"
        assert site.rows("SELECT count(*) FROM pingback_storage_pingback") == [(0,)]
        with site.worker():
            rows = site.wait_for(
                "SELECT source_url, target_url, protocol FROM pingback_storage_pingback",
                lambda rows: len(rows) == 1,
            )
    assert rows == [(source, TARGET, "webmention")]


def test_a_deferred_ping_is_retried_on_the_queue_when_its_time_comes(
    site: QueueSite, receiver: MentionReceiver
) -> None:
    target = receiver.post("busy")
    receiver.answer_next(503, {"Retry-After": "2"})
    # max_wait=0: the worker does not wait for the host's turn, the queue does.
    site.run("ping", SOURCE, post_linking(target), "0")

    with site.worker():
        deferred = site.wait_for(
            "SELECT outcome, attempts FROM pingback_storage_sentping",
            lambda rows: rows == [("deferred", 1)],
        )
        assert receiver.received == []
        retried = site.wait_for(
            "SELECT outcome, attempts, retry_at FROM pingback_storage_sentping",
            lambda rows: rows[0][0] != "deferred",
        )
    assert deferred == [("deferred", 1)]
    assert retried == [("accepted", 2, None)]
    assert receiver.received == [(SOURCE, target)]
