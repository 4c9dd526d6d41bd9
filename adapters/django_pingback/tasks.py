"""Work done outside the request cycle, on Django's Tasks framework.

``ping_post_links`` pings a published post's links; ``verify_webmention``
verifies a Webmention answered 202 (``PINGBACK_WEBMENTION_ASYNC``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

try:  # Django 6 ships the Tasks framework.
    from django.tasks import task
except ImportError:  # Older Django: the django-tasks backport.
    from django_tasks import task  # type: ignore[no-redef]

from pingcore.client import PingResult
from pingcore.ratelimit import RateLimiter

from .receiving import webmention_receiver
from .sending import ping_external_urls
from .targets import SiteContext

__all__ = ["enqueue_verification", "ping_in_background", "ping_post_links", "verify_webmention"]


def result_summary(result: PingResult) -> dict[str, Any]:
    """One ping's outcome as JSON, for the task's result."""
    return {
        "target_url": result.target_url,
        "outcome": result.outcome.value,
        "ok": result.ok,
        "protocol": result.protocol,
        "endpoint": result.endpoint,
        "message": result.message,
        "fault_code": result.fault_code,
    }


@task()
def ping_post_links(source_url: str, html: str, root_url: str) -> list[dict[str, Any]]:
    """Ping every link of ``html`` outside ``root_url``; one summary per target, in order."""
    results = ping_external_urls(source_url, html, root_url)
    return [result_summary(result) for result in results]


def ping_in_background(source_url: str, html: str, root_url: str) -> Any:
    """Enqueue ``ping_post_links``; returns the backend's ``TaskResult``."""
    return ping_post_links.enqueue(source_url, html, root_url)


@task()
def verify_webmention(
    body: str, content_type: str | None, site: dict[str, Any], remote_addr: str | None
) -> dict[str, Any]:
    """Verify a Webmention the endpoint accepted: the status and reason it would have answered."""
    receiver = webmention_receiver(
        None,
        SiteContext(**site),
        # The request counted this ping against the limits already.
        rate_limiter=RateLimiter(per_address=None, per_source_host=None),
    )
    answer = receiver.handle(
        body.encode("utf-8"), content_type=content_type, remote_addr=remote_addr
    )
    return {"status": answer.status, "message": answer.body.decode("utf-8").strip()}


def enqueue_verification(
    body: bytes,
    content_type: str | None,
    site: SiteContext,
    remote_addr: str | None,
    job: Callable[[], object],
) -> None:
    """The core's ``queue`` hook: hand the mention to ``verify_webmention``.

    The core's ``job`` is a closure, which no task backend can serialize, so the
    task runs the receiver again on the same form instead; the core checked the
    form (it is UTF-8) before queueing.
    """
    verify_webmention.enqueue(
        body.decode("utf-8"), content_type, dataclasses.asdict(site), remote_addr
    )
