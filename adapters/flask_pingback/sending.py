"""Pinging a post's links after it is published, off the request: a job and its runner.

A ``PingJob`` is plain data that pings when called, so a thread or a task queue can run it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import TypeVar

from pingcore.client import PingResult, ping_external_urls
from pingcore.errors import reword_hint
from pingcore.fetch import FetchPolicy
from pingcore.urls import site_root

__all__ = ["PingJob", "run_in_thread", "site_root"]

logger = logging.getLogger("flask_pingback")

T = TypeVar("T")


@dataclass(frozen=True)
class PingJob:
    """Pings every external link of one post when called; returns one result per link.

    Plain, picklable data (as long as the policy's resolver is), so it can travel
    to a task queue's worker; it needs no Flask app to run.
    """

    source_url: str
    html: str | bytes
    root_url: str
    policy: FetchPolicy | None = None
    protocol: str | None = None

    def __call__(self) -> list[PingResult]:
        results = ping_external_urls(
            self.source_url,
            self.html,
            self.root_url,
            policy=self.policy,
            protocol=self.protocol,
        )
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
