"""Work done outside the request cycle, on Django's Tasks framework.

``ping_post_links`` pings a published post's links; ``verify_webmention``
verifies a Webmention answered 202 (``PINGBACK_WEBMENTION_ASYNC``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

try:  # Django 6 ships the Tasks framework.
    from django.tasks import task
except ImportError:  # Older Django: the django-tasks backport.
    from django_tasks import task  # type: ignore[no-redef]

from pingcore.client import PingResult
from pingcore.server import PingRequest

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
