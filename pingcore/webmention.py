"""Receiving Webmentions: a form POST of ``source`` and ``target``, answered in HTTP.

It shares the Pingback server's steps (target resolution, rate limits, the safe
fetch, reading the source) and differs only in how it answers: statuses and a
plain-text reason instead of XML-RPC faults.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from . import xmlrpc
from .errors import (
    AccessDenied,
    DuplicatePing,
    PingbackError,
    RateLimited,
    SourceHasNoLink,
    SourceNotFound,
    TargetNotFound,
    UnpingableTarget,
    UpstreamError,
)
from .fetch import AsyncFetcher, Fetcher, FetchResponse
from .server import (
    GENERIC_FAULT,
    SOURCE_UNAVAILABLE,
    TEXT_HEADERS,
    PingRequest,
    Response,
    Target,
    _aguarded,
    _guarded,
    _ServerBase,
    _sync,
    afetch_source,
    build_record,
    check_ping_params,
    fetch_source,
    log_unexpected,
)

__all__ = ["MAX_FORM_BYTES", "AsyncWebmentionReceiver", "Queue", "WebmentionReceiver"]

logger = logging.getLogger("pingcore.webmention")

MAX_FORM_BYTES = 8 * 1024
FORM_TYPE = "application/x-www-form-urlencoded"

OnDeleted = Callable[[str, Target], Any]
# The queue gets plain data (source, target, remote address) that any task
# backend can serialise; the worker hands it back to ``receiver.process``.
Queue = Callable[[PingRequest], Any]


class SourceGone(Exception):
    """The source answered 410 Gone or no longer links: the mention is deleted."""


def log_job_failure(job: PingRequest, exc: Exception) -> None:
    if isinstance(exc, (PingbackError, SourceGone)):
        logger.info("webmention %s -> %s not registered: %s", job.source_url, job.target_url, exc)
    else:
        log_unexpected("webmention job", exc)


def text_response(status: int, message: str, **headers: str) -> Response:
    return Response(status, {**TEXT_HEADERS, **headers}, (message + "\n").encode("utf-8"))


class _ReceiverBase(_ServerBase):
    def __init__(
        self,
        *args: Any,
        on_deleted: OnDeleted | None = None,
        queue: Queue | None = None,
        success_status: int = 200,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_body", MAX_FORM_BYTES)
        super().__init__(*args, **kwargs)
        if success_status not in (200, 202):
            # 201 Created needs a Location with a status page, which the core has not.
            raise ValueError("success_status must be 200 or 202")
        if self.is_duplicate is not None:
            raise TypeError(
                "is_duplicate does not apply to Webmention: a repeated mention is an "
                "update, verified again (raise DuplicatePing from on_received instead)"
            )
        self.on_deleted = on_deleted
        self.queue = queue
        self.success_status = success_status

    def parse_form(
        self, body: bytes, content_type: str | None, remote_addr: str | None
    ) -> PingRequest:
        if content_type and content_type.split(";")[0].strip().lower() != FORM_TYPE:
            raise _Reject(415, f"Send source and target as {FORM_TYPE}.")
        try:
            fields = dict(parse_qsl(body.decode("utf-8"), max_num_fields=20, strict_parsing=False))
        except (UnicodeDecodeError, ValueError):
            raise _Reject(400, "The request body is not a valid form.") from None
        for name in ("source", "target"):
            if not fields.get(name):
                raise _Reject(400, f"The '{name}' parameter is missing.")
        try:
            source, target = check_ping_params(fields["source"], fields["target"])
        except xmlrpc.InvalidParams:
            raise _Reject(400, "source and target must be absolute http(s) URLs.") from None
        except PingbackError:
            raise _Reject(400, "source and target cannot be the same page.") from None
        return PingRequest(source, target, remote_addr)

    def answer(self, exc: BaseException) -> Response:
        if isinstance(exc, _Reject):
            return text_response(exc.status, exc.message)
        if isinstance(exc, SourceGone):
            return text_response(200, "The Webmention was deleted: the source no longer links.")
        if isinstance(exc, DuplicatePing):
            return text_response(200, "The Webmention was already registered; it is up to date.")
        if isinstance(exc, TargetNotFound):
            return text_response(400, "The target is not a page of this site.")
        if isinstance(exc, UnpingableTarget):
            return text_response(400, "The target does not accept Webmentions.")
        if isinstance(exc, SourceNotFound):
            return text_response(400, SOURCE_UNAVAILABLE)
        if isinstance(exc, SourceHasNoLink):
            return text_response(400, "The source does not link to the target.")
        if isinstance(exc, AccessDenied):
            return text_response(403, exc.message)
        if isinstance(exc, RateLimited):
            return text_response(429, exc.message, **{"Retry-After": "60"})
        if isinstance(exc, UpstreamError):
            return text_response(502, exc.message)
        if type(exc) is PingbackError and exc.message != GENERIC_FAULT:
            return text_response(400, exc.message)  # e.g. source and target the same page
        if not isinstance(exc, PingbackError):
            log_unexpected("webmention", exc)
        # A receiver crashed (logged where it happened): our fault, not the sender's.
        return text_response(500, "The Webmention could not be processed; try again later.")

    def accepted(self) -> Response:
        return text_response(202, "Accepted: the Webmention will be verified shortly.")

    def success(self, request: PingRequest) -> Response:
        return text_response(self.success_status, "The Webmention was registered.")

    @staticmethod
    def check_gone(fetched: FetchResponse) -> None:
        if fetched.status_code == 410:
            raise SourceGone()


class _Reject(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class WebmentionReceiver(_ReceiverBase):
    """Answers Webmention form POSTs.

    The hooks are those of ``PingbackServer`` plus ``on_deleted(source_url,
    target)`` for a source that answers 410 Gone or no longer links. With
    ``queue``, the request is answered 202 at once and ``queue(job)`` is called
    with a job that verifies the source later, in the application's worker.
    A ``DuplicatePing`` from ``on_received`` means the mention was known: as the
    Webmention recommendation asks, a repeat is an update, answered 200.
    """

    def __init__(self, *args: Any, fetcher: Fetcher | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fetcher = fetcher

    def handle(
        self,
        body: bytes,
        *,
        method: str = "POST",
        content_type: str | None = FORM_TYPE,
        remote_addr: str | None = None,
    ) -> Response:
        rejected = self.http_precheck(method, body)
        if rejected is not None:
            return rejected
        try:
            request = self.parse_form(body, content_type, remote_addr)
            target = self.checked_target(
                _guarded("resolve_target", lambda: _sync(self.resolve_target(request.target_url)))
            )
            self.check_rate(request)
            if self.queue is not None:
                self.queue(request)
                return self.accepted()
            self.verify(request, target)
        except Exception as exc:
            return self.answer(exc)
        return self.success(request)

    def verify(self, request: PingRequest, target: Target) -> None:
        """Fetch the source and hand the mention to the hooks; raise what went wrong."""
        fetched = self.fetch_source(request)
        try:
            self.check_gone(fetched)
            record = build_record(
                fetched, request.source_url, target, "webmention", request.remote_addr
            )
        except (SourceGone, SourceHasNoLink):
            if self.on_deleted is not None:
                hook = self.on_deleted
                _guarded("on_deleted", lambda: _sync(hook(request.source_url, target)))
            raise
        _guarded("on_received", lambda: _sync(self.on_received(record)))

    def process(self, job: PingRequest) -> bool:
        """Verify a queued mention in a worker; log the outcome, never raise.

        The target is resolved again: the site may have changed since. True
        when the mention was registered (or updated).
        """
        try:
            target = self.checked_target(
                _guarded("resolve_target", lambda: _sync(self.resolve_target(job.target_url)))
            )
            self.verify(job, target)
        except Exception as exc:
            log_job_failure(job, exc)
            return False
        return True

    def fetch_source(self, request: PingRequest) -> FetchResponse:
        return fetch_source(self._fetcher, self.fetch_policy, request, self.source_max_bytes)


class AsyncWebmentionReceiver(_ReceiverBase):
    """The async twin of ``WebmentionReceiver``; hooks may be coroutines."""

    def __init__(self, *args: Any, fetcher: AsyncFetcher | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fetcher = fetcher

    async def handle(
        self,
        body: bytes,
        *,
        method: str = "POST",
        content_type: str | None = FORM_TYPE,
        remote_addr: str | None = None,
    ) -> Response:
        rejected = self.http_precheck(method, body)
        if rejected is not None:
            return rejected
        try:
            request = self.parse_form(body, content_type, remote_addr)
            target = self.checked_target(
                await _aguarded("resolve_target", lambda: self.resolve_target(request.target_url))
            )
            self.check_rate(request)
            if self.queue is not None:
                queued = self.queue(request)
                if inspect.isawaitable(queued):
                    await queued
                return self.accepted()
            await self.verify(request, target)
        except Exception as exc:
            return self.answer(exc)
        return self.success(request)

    async def verify(self, request: PingRequest, target: Target) -> None:
        fetched = await self.fetch_source(request)
        try:
            self.check_gone(fetched)
            record = build_record(
                fetched, request.source_url, target, "webmention", request.remote_addr
            )
        except (SourceGone, SourceHasNoLink):
            if self.on_deleted is not None:
                hook = self.on_deleted
                await _aguarded("on_deleted", lambda: hook(request.source_url, target))
            raise
        await _aguarded("on_received", lambda: self.on_received(record))

    async def process(self, job: PingRequest) -> bool:
        """The async twin of ``WebmentionReceiver.process``."""
        try:
            target = self.checked_target(
                await _aguarded("resolve_target", lambda: self.resolve_target(job.target_url))
            )
            await self.verify(job, target)
        except Exception as exc:
            log_job_failure(job, exc)
            return False
        return True

    async def fetch_source(self, request: PingRequest) -> FetchResponse:
        return await afetch_source(self._fetcher, self.fetch_policy, request, self.source_max_bytes)
