"""Work done outside the request cycle, on Django's Tasks framework.

``ping_post_links`` pings a published (or updated) post's links,
``ping_deleted_post`` tells the targets of a deleted one, ``retry_deferred_pings``
tries again the pings a receiver asked to defer, and ``verify_webmention``
verifies a Webmention answered 202 (``PINGBACK_WEBMENTION_ASYNC``).

Django's default backend, ``ImmediateBackend``, runs a task inline, inside
the call that enqueues it (and so inside the request); a real backend (such as
django-tasks-db's database backend, or django-tasks-rq on Redis) runs it on a
worker process.

With the storage app installed the tasks remember what was sent in its
``SentPing`` rows (``ModelSendHistory``), so an update reaches the targets a
post no longer links and a deleted post reaches every target it mentioned.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

try:  # Django 6 ships the Tasks framework.
    from django.tasks import task
except ImportError:  # Older Django: the django-tasks backport.
    from django_tasks import task  # type: ignore[no-redef]

from pingcore import client
from pingcore.client import PingResult
from pingcore.history import SendHistory
from pingcore.server import PingRequest

from .conf import pingback_settings
from .receiving import STORAGE_APP, webmention_receiver
from .sending import ping_external_urls
from .targets import SiteContext

__all__ = [
    "enqueue_verification",
    "ping_deleted_in_background",
    "ping_deleted_post",
    "ping_in_background",
    "ping_post_links",
    "retry_deferred_pings",
    "schedule_retry",
    "send_history",
    "verify_webmention",
]

logger = logging.getLogger("django_pingback")


def send_history(history: bool | None = None) -> SendHistory | None:
    """The send history the tasks use: the storage app's rows, when there are any.

    ``None`` uses them when the storage app is installed, ``True`` requires them
    (``ImproperlyConfigured`` without the app), ``False`` sends with no memory.
    """
    if history is False:
        return None
    if not apps.is_installed(STORAGE_APP):
        if history:
            raise ImproperlyConfigured(
                "Sending with a history needs the storage app: add "
                f'"{STORAGE_APP}" to INSTALLED_APPS (and migrate), or pass history=False.'
            )
        return None
    from .storage.stores import ModelSendHistory

    return ModelSendHistory()


def result_summary(result: PingResult) -> dict[str, Any]:
    """One ping's outcome as JSON, the task's result: ``PingResult.summary``."""
    return result.summary()


def _summaries(results: Sequence[PingResult]) -> list[dict[str, Any]]:
    return [result_summary(result) for result in results]


def _earliest_retry(results: Sequence[PingResult]) -> datetime | None:
    times = [result.retry_at for result in results if result.retry_at is not None]
    return min(times) if times else None


def schedule_retry(run_after: datetime) -> bool:
    """Enqueue ``retry_deferred_pings`` to run at ``run_after``; False if the backend cannot.

    A backend without ``supports_defer`` (the immediate and database backends
    of older django-tasks) leaves the retries to a periodic
    ``manage.py pingback_retry`` (cron, a systemd timer).
    """
    if not retry_deferred_pings.get_backend().supports_defer:
        logger.info(
            "Deferred pings wait for `manage.py pingback_retry`: "
            "the task backend cannot run a task later."
        )
        return False
    # A second late: some schedulers (RQ's) run a job up to a second early.
    retry_deferred_pings.using(run_after=run_after + _SCHEDULER_SLACK).enqueue()
    return True


def _retry_when_due(results: Sequence[PingResult], history: SendHistory | None) -> None:
    run_after = _earliest_retry(results) if history is not None else None
    if run_after is not None:
        schedule_retry(run_after)


@task()
def ping_post_links(
    source_url: str,
    html: str,
    root_url: str,
    history: bool | None = None,
    force: bool = False,
    max_wait: float | None = None,
) -> list[dict[str, Any]]:
    """Ping every link of ``html`` outside ``root_url``; one summary per target, in order.

    With a history (see ``send_history``) the post may be an update: Pingback
    targets already registered are skipped unless ``force``, and Webmention
    targets no longer linked are told. A deferred ping is retried later.
    ``max_wait`` bounds the seconds the worker waits for a busy host's turn
    (60 by default); past it the ping is deferred to ``retry_deferred_pings``.
    """
    used = send_history(history)
    results = ping_external_urls(
        source_url, html, root_url, history=used, force=force, max_wait=max_wait
    )
    _retry_when_due(results, used)
    return _summaries(results)


def ping_in_background(
    source_url: str,
    html: str,
    root_url: str,
    *,
    history: bool | None = None,
    force: bool = False,
    max_wait: float | None = None,
) -> Any:
    """Enqueue ``ping_post_links``; returns the backend's ``TaskResult``.

    Call it again when the post is updated: with the storage app's history
    (the default when it is installed) only what changed is sent. ``history``
    and ``max_wait`` are ``ping_post_links``'s.
    """
    send_history(history)  # a missing storage app fails here, in the caller
    return ping_post_links.enqueue(source_url, html, root_url, history, force, max_wait)


@task()
def ping_deleted_post(source_url: str, max_wait: float | None = None) -> list[dict[str, Any]]:
    """Tell every target ``source_url`` ever mentioned that it is gone (it must answer 410)."""
    history = send_history(True)
    assert history is not None  # send_history(True) raises rather than return None
    policy = pingback_settings.fetch_policy()
    results = client.ping_deleted(source_url, history=history, policy=policy, max_wait=max_wait)
    _retry_when_due(results, history)
    return _summaries(results)


def ping_deleted_in_background(source_url: str, *, max_wait: float | None = None) -> Any:
    """Enqueue ``ping_deleted_post`` once the post's URL answers 410 Gone.

    Needs the storage app: only its history knows what the post mentioned.
    """
    send_history(True)
    return ping_deleted_post.enqueue(source_url, max_wait)


@task()
def retry_deferred_pings(
    source_url: str | None = None, max_wait: float | None = None
) -> list[dict[str, Any]]:
    """Try again every deferred ping that is due (of ``source_url`` only, if given).

    A site schedules it (or runs ``manage.py pingback_retry``); on a backend
    that can run a task later it enqueues itself again for the next retry due.
    """
    history = send_history(True)
    assert history is not None
    policy = pingback_settings.fetch_policy()
    results = client.retry_deferred(
        history, source_url=source_url, policy=policy, max_wait=max_wait
    )
    # Only a run that retried something schedules the next (or one that came
    # early): when several runs were scheduled for one moment, the ones that
    # found nothing due end there.
    waiting = [row.retry_at for row in history.due(_END_OF_TIME) if row.retry_at]
    now = datetime.now(timezone.utc)
    if waiting and (results or min(waiting) - now < _SCHEDULER_SLACK * 5):
        schedule_retry(max(min(waiting), now))
    return _summaries(results)


_SCHEDULER_SLACK = timedelta(seconds=1)

# Later than any retry_at, and still a date every database (and local time) can hold.
_END_OF_TIME = datetime(9000, 1, 1, tzinfo=timezone.utc)


@task()
def verify_webmention(
    source_url: str, target_url: str, remote_addr: str | None, site: dict[str, Any]
) -> dict[str, Any]:
    """Verify a Webmention the endpoint answered 202; True in ``registered`` when stored."""
    context = SiteContext(**site)
    receiver = webmention_receiver(None, context)
    job = PingRequest(source_url, target_url, remote_addr, context.host)
    return {"registered": receiver.process(job)}


def enqueue_verification(site: SiteContext, job: PingRequest) -> None:
    """The core's ``queue`` hook: hand the mention's plain data to ``verify_webmention``."""
    verify_webmention.enqueue(
        job.source_url, job.target_url, job.remote_addr, dataclasses.asdict(site)
    )
