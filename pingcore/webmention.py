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
    DuplicatePing,
    PingbackError,
    RateLimited,
    SourceHasNoLink,
    SourceNotFound,
    TargetNotFound,
    UnpingableTarget,
)
from .fetch import AsyncFetcher, Fetcher, FetchPolicy, FetchResponse
from .ratelimit import RateLimiter
from .server import (
    GENERIC_FAULT,
    SOURCE_UNAVAILABLE,
    TEXT_HEADERS,
    IncomingRequest,
    IsDuplicate,
    OnReceived,
    PingRequest,
    ResolveTarget,
    Response,
    SiteResolver,
    Target,
    _aguarded,
    _guarded,
    _in_worker_thread,
    _ServerBase,
    _sync,
    afetch_source,
    build_record,
    check_ping_params,
    fetch_source,
    log_unexpected,
)
from .storage import MentionStore
from .urls import normalize_url

__all__ = [
    "AsyncWebmentionReceiver",
    "MAX_FORM_BYTES",
    "Queue",
    "WebmentionReceiver",
    "text_response",
]

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
        logger.info("webmention %r -> %r not registered: %s", job.source_url, job.target_url, exc)
    else:
        log_unexpected("webmention job", exc)


def text_response(status: int, message: str, **headers: str) -> Response:
    """A plain-text answer with ``status``: how a Webmention endpoint says why."""
    return Response(status, {**TEXT_HEADERS, **headers}, (message + "\n").encode("utf-8"))


class _ReceiverBase(_ServerBase):
    def __init__(
        self,
        resolve_target: ResolveTarget | SiteResolver,
        on_received: OnReceived,
        *,
        on_deleted: OnDeleted | None = None,
        queue: Queue | None = None,
        success_status: int = 200,
        policy: FetchPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        store: MentionStore | None = None,
        max_body: int = MAX_FORM_BYTES,
        source_max_bytes: int | None = None,
        is_duplicate: IsDuplicate | None = None,
    ) -> None:
        if is_duplicate is not None:
            raise TypeError(
                "is_duplicate does not apply to Webmention: a repeated mention is an "
                "update, verified again (raise DuplicatePing from on_received instead)"
            )
        super().__init__(
            resolve_target,
            on_received,
            policy=policy,
            rate_limiter=rate_limiter,
            store=store,
            max_body=max_body,
            source_max_bytes=source_max_bytes,
        )
        if success_status not in (200, 202):
            # 201 Created needs a Location with a status page, which the core has not.
            raise ValueError("success_status must be 200 or 202")
        self.on_deleted = on_deleted
        self.queue = queue
        self.success_status = success_status

    def parse_form(
        self,
        body: bytes,
        content_type: str | None,
        remote_addr: str | None,
        host: str | None = None,
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
        except (SourceNotFound, TargetNotFound) as exc:
            raise _Reject(400, exc.message) from None
        except PingbackError:
            raise _Reject(400, "source and target cannot be the same page.") from None
        return PingRequest(source, target, remote_addr, host)

    def answer(self, exc: BaseException) -> Response:
        if isinstance(exc, _Reject):
            return text_response(exc.status, exc.message)
        if isinstance(exc, SourceGone):
            return text_response(200, "The Webmention was deleted: the source no longer links.")
        if isinstance(exc, RateLimited):
            return text_response(exc.http_status, exc.message, **{"Retry-After": "60"})
        if type(exc) is PingbackError and exc.message == GENERIC_FAULT:
            # A receiver crashed (logged where it happened): our fault, not the sender's.
            return text_response(500, "The Webmention could not be processed; try again later.")
        if isinstance(exc, PingbackError):
            return text_response(exc.http_status, WEBMENTION_MESSAGES.get(type(exc), exc.message))
        log_unexpected("webmention", exc)
        return text_response(500, "The Webmention could not be processed; try again later.")

    def accepted(self) -> Response:
        return text_response(202, "Accepted: the Webmention will be verified shortly.")

    def success(self, request: PingRequest) -> Response:
        return text_response(self.success_status, "The Webmention was registered.")

    def was_stored(self, request: PingRequest, target: Target) -> bool:
        """Whether a delete has anything to delete: with a store, only a stored pair does.

        Without a store the application keeps the mentions, and ``on_deleted``
        is its to judge.
        """
        if self.store is None:
            return True
        return self.stored_duplicate(request, target)

    @staticmethod
    def check_gone(fetched: FetchResponse) -> None:
        if fetched.status_code == 410:
            raise SourceGone()


# The words a sender reads, where the fault's own message speaks of Pingback.
WEBMENTION_MESSAGES: dict[type[PingbackError], str] = {
    DuplicatePing: "The Webmention was already registered; it is up to date.",
    TargetNotFound: "The target is not a page of this site.",
    UnpingableTarget: "The target does not accept Webmentions.",
    SourceNotFound: SOURCE_UNAVAILABLE,
    SourceHasNoLink: "The source does not link to the target.",
}


class _Reject(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class WebmentionReceiver(_ReceiverBase):
    """Answers Webmention form POSTs.

    The hooks are those of ``PingbackServer`` plus ``on_deleted(source_url,
    target)`` for a source that answers 410 Gone or no longer links to the
    target's page (in any spelling the ping or the site uses): only then, and
    only for the canonical pair. With ``queue``, the target is checked at once
    (a missing page is 400), the request answered 202, and ``queue(job)``
    called with a job that verifies the source later, in the application's
    worker. A ``DuplicatePing`` from ``on_received`` means the mention was
    known: as the Webmention recommendation asks, a repeat is an update,
    answered 200.
    """

    def __init__(
        self,
        resolve_target: ResolveTarget | SiteResolver,
        on_received: OnReceived,
        *,
        on_deleted: OnDeleted | None = None,
        queue: Queue | None = None,
        success_status: int = 200,
        policy: FetchPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        store: MentionStore | None = None,
        max_body: int = MAX_FORM_BYTES,
        source_max_bytes: int | None = None,
        fetcher: Fetcher | None = None,
        is_duplicate: IsDuplicate | None = None,
    ) -> None:
        super().__init__(
            resolve_target,
            on_received,
            on_deleted=on_deleted,
            queue=queue,
            success_status=success_status,
            policy=policy,
            rate_limiter=rate_limiter,
            store=store,
            max_body=max_body,
            source_max_bytes=source_max_bytes,
            is_duplicate=is_duplicate,
        )
        self._fetcher = fetcher

    def handle(
        self,
        body: bytes,
        *,
        method: str = "POST",
        content_type: str | None = FORM_TYPE,
        remote_addr: str | None = None,
        host: str | None = None,
    ) -> Response:
        rejected = self.http_precheck(method, body)
        if rejected is not None:
            return rejected
        try:
            request = self.parse_form(body, content_type, remote_addr, host)
            target = self.target_of(request)
            self.check_rate(request)
            if self.queue is not None:
                self.queue(request)
                return self.accepted()
            self.verify(request, target)
        except Exception as exc:
            return self.answer(exc)
        return self.success(request)

    def handle_request(self, request: IncomingRequest) -> Response:
        """``handle`` for an adapter's ``IncomingRequest``."""
        return self.handle(
            request.body,
            method=request.method,
            content_type=request.content_type,
            remote_addr=request.remote_addr,
            host=request.host,
        )

    def verify(self, request: PingRequest, target: Target) -> None:
        """Fetch the source and hand the mention to the hooks; raise what went wrong."""
        fetched = self.fetch_source(request)
        try:
            self.check_gone(fetched)
            record = build_record(fetched, request, target, "webmention")
        except (SourceGone, SourceHasNoLink):
            if self.was_stored(request, target):
                if self.on_deleted is not None:
                    hook = self.on_deleted
                    source = normalize_url(request.source_url)
                    _guarded("on_deleted", lambda: _sync(hook(source, target)))
                self.forget(request, target)
            raise
        _guarded("on_received", lambda: _sync(self.on_received(record)))
        self.keep(record)

    def process(self, job: PingRequest) -> bool:
        """Verify a queued mention in a worker; log the outcome, never raise.

        The target is resolved again: the site may have changed since. True
        when the mention was registered (or updated).
        """
        try:
            target = self.target_of(job)
            self.verify(job, target)
        except Exception as exc:
            log_job_failure(job, exc)
            return False
        return True

    def fetch_source(self, request: PingRequest) -> FetchResponse:
        return fetch_source(self._fetcher, self.fetch_policy, request, self.source_max_bytes)


class AsyncWebmentionReceiver(_ReceiverBase):
    """The async twin of ``WebmentionReceiver``; hooks may be coroutines.

    As in :class:`~pingcore.AsyncPingbackServer`, the hooks run on the event loop,
    and reading the source page and the store's and the rate limiter's I/O run in
    anyio's worker threads.
    """

    def __init__(
        self,
        resolve_target: ResolveTarget | SiteResolver,
        on_received: OnReceived,
        *,
        on_deleted: OnDeleted | None = None,
        queue: Queue | None = None,
        success_status: int = 200,
        policy: FetchPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        store: MentionStore | None = None,
        max_body: int = MAX_FORM_BYTES,
        source_max_bytes: int | None = None,
        fetcher: AsyncFetcher | None = None,
        is_duplicate: IsDuplicate | None = None,
    ) -> None:
        super().__init__(
            resolve_target,
            on_received,
            on_deleted=on_deleted,
            queue=queue,
            success_status=success_status,
            policy=policy,
            rate_limiter=rate_limiter,
            store=store,
            max_body=max_body,
            source_max_bytes=source_max_bytes,
            is_duplicate=is_duplicate,
        )
        self._fetcher = fetcher

    async def handle(
        self,
        body: bytes,
        *,
        method: str = "POST",
        content_type: str | None = FORM_TYPE,
        remote_addr: str | None = None,
        host: str | None = None,
    ) -> Response:
        rejected = self.http_precheck(method, body)
        if rejected is not None:
            return rejected
        try:
            request = self.parse_form(body, content_type, remote_addr, host)
            target = await self.atarget_of(request)
            await _in_worker_thread(lambda: self.check_rate(request))
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
            record = await _in_worker_thread(
                lambda: build_record(fetched, request, target, "webmention")
            )
        except (SourceGone, SourceHasNoLink):
            if await _in_worker_thread(lambda: self.was_stored(request, target)):
                if self.on_deleted is not None:
                    hook = self.on_deleted
                    source = normalize_url(request.source_url)
                    await _aguarded("on_deleted", lambda: hook(source, target))
                await _in_worker_thread(lambda: self.forget(request, target))
            raise
        await _aguarded("on_received", lambda: self.on_received(record))
        await _in_worker_thread(lambda: self.keep(record))

    async def process(self, job: PingRequest) -> bool:
        """The async twin of ``WebmentionReceiver.process``."""
        try:
            target = await self.atarget_of(job)
            await self.verify(job, target)
        except Exception as exc:
            log_job_failure(job, exc)
            return False
        return True

    async def fetch_source(self, request: PingRequest) -> FetchResponse:
        return await afetch_source(self._fetcher, self.fetch_policy, request, self.source_max_bytes)
