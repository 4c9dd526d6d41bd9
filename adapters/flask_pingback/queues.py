"""Handing ping jobs to a real task queue: RQ or Celery, for ``PINGBACK_QUEUE``.

``rq_queue(queue)`` and ``celery_queue(celery_app)`` return the callable that
``PINGBACK_QUEUE`` (or ``Pingback(queue=)``) takes; the worker runs
``run_job`` (RQ, which pickles the job) or the ``flask_pingback.run_job_data``
task (Celery, whose messages are JSON: the job travels as plain data). A worker
needs no Flask app: a job carries its fetch policy and its send history (a
``SQLiteSendHistory`` file, or a ``SQLAlchemySendHistory`` as its database URL).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pingcore.client import PingResult
from pingcore.fetch import FetchPolicy
from pingcore.history import SendHistory, SQLiteSendHistory

from .sending import DeletedPostJob, PingJob, RetryJob

__all__ = [
    "CELERY_TASK_NAME",
    "celery_queue",
    "job_data",
    "job_from_data",
    "result_summary",
    "rq_queue",
    "run_job",
    "run_job_data",
]

Job = Callable[[], list[PingResult]]
CELERY_TASK_NAME = "flask_pingback.run_job_data"


def result_summary(result: PingResult) -> dict[str, Any]:
    """One ping's outcome as JSON, the job's result: ``PingResult.summary``."""
    return result.summary()


def run_job(job: Job) -> list[dict[str, Any]]:
    """What an RQ worker runs: the job, and one summary per ping as its result."""
    return [result_summary(result) for result in job()]


def rq_queue(queue: Any, **enqueue_options: Any) -> Callable[[Job], Any]:
    """``PINGBACK_QUEUE`` for an ``rq.Queue``: each job is enqueued, its ``rq.job.Job`` returned.

    ``enqueue_options`` go to ``Queue.enqueue`` (``job_timeout``, ``result_ttl``...).
    Start the worker with ``rq worker --url redis://...``.
    """

    def enqueue(job: Job) -> Any:
        return queue.enqueue(run_job, job, **enqueue_options)

    return enqueue


# -- Celery: the job as plain data ----------------------------------------------

# The policy's fields that are plain data; a resolver, a hook or an SSL context is not.
_PLAIN_POLICY_FIELDS = (
    "allow_private_addresses",
    "max_bytes",
    "max_redirects",
    "timeout",
    "connect_timeout",
    "max_url_length",
    "user_agent",
)


def _policy_data(policy: FetchPolicy | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    if policy.resolver is not None or policy.before_connect is not None:
        raise ValueError(
            "A Celery job travels as JSON: its FetchPolicy can have no resolver or "
            "before_connect hook. Use rq_queue (which pickles) or a plain policy."
        )
    if not isinstance(policy.verify, bool):
        raise ValueError("A Celery job travels as JSON: FetchPolicy.verify must be True or False.")
    data = {name: getattr(policy, name) for name in _PLAIN_POLICY_FIELDS}
    ports = policy.allowed_ports
    data["allowed_ports"] = None if ports is None else sorted(ports)
    data["verify"] = policy.verify
    return data


def _policy_from(data: dict[str, Any] | None) -> FetchPolicy | None:
    if data is None:
        return None
    ports = data["allowed_ports"]
    values = {**data, "allowed_ports": None if ports is None else frozenset(ports)}
    return FetchPolicy(**values)


def _history_data(history: SendHistory | None) -> dict[str, str] | None:
    if history is None:
        return None
    if isinstance(history, SQLiteSendHistory):
        return {"sqlite": str(history.path)}
    from .storage import SQLAlchemySendHistory

    if isinstance(history, SQLAlchemySendHistory):
        _, (url,) = history.__reduce__()
        return {"sqlalchemy": url}
    raise ValueError(
        f"A Celery job cannot carry a {type(history).__name__}: use a SQLiteSendHistory "
        "or a SQLAlchemySendHistory, which every worker can open."
    )


def _history_from(data: dict[str, str] | None) -> SendHistory | None:
    if data is None:
        return None
    if "sqlite" in data:
        return SQLiteSendHistory(data["sqlite"])
    from .storage import _history_on_url

    return _history_on_url(data["sqlalchemy"])


def job_data(job: Job) -> dict[str, Any]:
    """A ``PingJob``, ``DeletedPostJob`` or ``RetryJob`` as JSON-ready data."""
    if isinstance(job, PingJob):
        html = job.html.decode("utf-8", "replace") if isinstance(job.html, bytes) else job.html
        fields: dict[str, Any] = {
            "source_url": job.source_url,
            "html": html,
            "root_url": job.root_url,
            "protocol": job.protocol,
            "force": job.force,
        }
        kind = "ping"
    elif isinstance(job, DeletedPostJob):
        fields, kind = {"source_url": job.source_url}, "deleted"
    elif isinstance(job, RetryJob):
        fields, kind = {"source_url": job.source_url}, "retry"
    else:
        raise TypeError(f"Not a flask_pingback job: {job!r}")
    return {
        "kind": kind,
        **fields,
        "policy": _policy_data(job.policy),
        "history": _history_data(job.history),
    }


def job_from_data(data: dict[str, Any]) -> Job:
    """The job ``job_data`` described."""
    policy = _policy_from(data["policy"])
    history = _history_from(data["history"])
    if data["kind"] == "ping":
        return PingJob(
            data["source_url"],
            data["html"],
            data["root_url"],
            policy=policy,
            protocol=data["protocol"],
            history=history,
            force=data["force"],
        )
    if history is None:
        raise ValueError(f"A {data['kind']} job needs a send history.")
    if data["kind"] == "deleted":
        return DeletedPostJob(data["source_url"], history, policy=policy)
    return RetryJob(history, policy=policy, source_url=data["source_url"])


def run_job_data(data: dict[str, Any]) -> list[dict[str, Any]]:
    """What a Celery worker runs: the job the data describes, one summary per ping."""
    return run_job(job_from_data(data))


def celery_queue(celery_app: Any) -> Callable[[Job], Any]:
    """``PINGBACK_QUEUE`` for a Celery app: registers ``flask_pingback.run_job_data`` on it.

    Each job is sent as JSON data; its ``AsyncResult`` is returned. The worker
    must import this module (``celery -A yourapp worker``, with yourapp calling
    ``celery_queue(celery_app)``), so the task is registered there too.
    """
    task = celery_app.task(name=CELERY_TASK_NAME)(run_job_data)

    def enqueue(job: Job) -> Any:
        return task.delay(job_data(job))

    return enqueue
