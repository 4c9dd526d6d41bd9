"""Pinging a post's links after it is published, off the request: jobs and their runner.

A job is plain data that pings when called, so a thread or a task queue can
run it: ``PingJob`` for a published or updated post, ``DeletedPostJob`` for a
deleted one, ``RetryJob`` for the deferred pings whose time has come. With a
send history (``SQLiteSendHistory``, ``SQLAlchemySendHistory``) the jobs
remember what was sent; see ``pingcore.client.ping_external_urls``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import TypeVar

from pingcore.client import PingResult, ping_deleted, ping_external_urls, retry_deferred
from pingcore.errors import reword_hint
from pingcore.fetch import FetchPolicy
from pingcore.history import MemorySendHistory, SendHistory, SQLiteSendHistory
from pingcore.urls import site_root

__all__ = [
    "DeletedPostJob",
    "PingJob",
    "RetryJob",
    "history_from_url",
    "run_in_thread",
    "site_root",
]

logger = logging.getLogger("flask_pingback")

T = TypeVar("T")


def _logged(results: list[PingResult]) -> list[PingResult]:
    # A refusal names the app's config key that lifts it, not the FetchPolicy field.
    results = [replace(r, message=reword_hint(r.message, "flask")) for r in results]
    for result in results:
        log = logger.info if result.ok else logger.warning
        log(
            "ping from %r to %r: %s%s",
            result.source_url,
            result.target_url,
            result.outcome.value,
            f" ({result.message})" if result.message else "",
        )
    return results


@dataclass(frozen=True)
class PingJob:
    """Pings every external link of one post when called; returns one result per link.

    Plain, picklable data (as long as the policy's resolver and the history
    are: a ``SQLiteSendHistory`` or ``SQLAlchemySendHistory`` is, a
    ``MemorySendHistory`` is not), so it can travel to a task queue's worker;
    it needs no Flask app to run. With a ``history`` the post may be an
    update: only what changed is sent (``force`` pings Pingback targets again).
    """

    source_url: str
    html: str | bytes
    root_url: str
    policy: FetchPolicy | None = None
    protocol: str | None = None
    history: SendHistory | None = None
    force: bool = False

    def __call__(self) -> list[PingResult]:
        results = ping_external_urls(
            self.source_url,
            self.html,
            self.root_url,
            policy=self.policy,
            protocol=self.protocol,
            history=self.history,
            force=self.force,
        )
        return _logged(results)


@dataclass(frozen=True)
class DeletedPostJob:
    """Tells every target ``source_url`` ever mentioned that it is gone (it answers 410)."""

    source_url: str
    history: SendHistory
    policy: FetchPolicy | None = None

    def __call__(self) -> list[PingResult]:
        return _logged(ping_deleted(self.source_url, history=self.history, policy=self.policy))


@dataclass(frozen=True)
class RetryJob:
    """Sends again the deferred pings that are due (of ``source_url`` only, if given).

    For a periodic job: cron, RQ's scheduler, Celery beat.
    """

    history: SendHistory
    policy: FetchPolicy | None = None
    source_url: str | None = None

    def __call__(self) -> list[PingResult]:
        return _logged(retry_deferred(self.history, source_url=self.source_url, policy=self.policy))


def history_from_url(url: str) -> SendHistory:
    """The history ``PINGBACK_SEND_HISTORY`` names: ``memory://`` or ``sqlite:///path``.

    ``memory://`` is one process's memory, lost at exit and unseen by a
    queue's workers; ``sqlite:///blog.db`` (relative) and ``sqlite:////var/blog.db``
    (absolute) are a file every process of the machine shares.
    """
    if url == "memory://":
        return MemorySendHistory()
    path = url.removeprefix("sqlite:///")
    if path == url or not path or path == ":memory:" or "?" in path or "#" in path:
        raise ValueError(
            f"PINGBACK_SEND_HISTORY is {url!r}: set it to None, 'memory://' or "
            "'sqlite:///path/to/file.db'."
        )
    return SQLiteSendHistory(path)


def run_in_thread(job: Callable[[], T], *, name: str = "flask-pingback") -> Future[T]:
    """Run ``job`` on a new thread; the future holds its result or its exception.

    One thread per job: publishing is rare, and nothing is left running to shut
    down. The thread is not a daemon, so a process that exits lets a job finish
    (every fetch in it is bounded by the policy's timeouts).
    """
    future: Future[T] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(job())
        except BaseException as exc:
            logger.exception("background pingback job failed")
            future.set_exception(exc)

    threading.Thread(target=run, name=name).start()
    return future
