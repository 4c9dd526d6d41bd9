"""The framework-free Pingback server: request bytes in, (status, headers, body) out.

Adapters translate their framework's request into one call of
``PingbackServer.handle`` (or ``ahandle``) and its ``Response`` back out; every
rule of the protocol lives here.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from . import xmlrpc
from .errors import (
    DuplicatePing,
    FetchError,
    PingbackError,
    SourceHasNoLink,
    SourceNotFound,
    TargetNotFound,
)
from .fetch import AsyncFetcher, Fetcher, FetchPolicy, FetchResponse
from .ratelimit import RateLimiter
from .source import SourceInfo, parse_source
from .urls import is_http_url, page_url

__all__ = [
    "AsyncPingbackServer",
    "PingRequest",
    "PingbackServer",
    "ReceivedPing",
    "Response",
    "Target",
    "deleted_signal_arguments",
]

logger = logging.getLogger("pingcore.server")

T = TypeVar("T")


@dataclass(frozen=True)
class Target:
    """A page of this site that a ping names, as the adapter resolved it."""

    url: str
    view: Any = None
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReceivedPing:
    """A verified ping, handed to the application's ``on_received``."""

    source_url: str
    target_url: str
    protocol: str  # "pingback" or "webmention"
    title: str
    author: str | None
    excerpt: str
    target: Target
    remote_addr: str | None = None
    # What kind of response the source is, and what it says of itself, read
    # from its microformats2 (else JSON-LD, else OpenGraph); see pingcore.mention.
    kind: str = "mention"  # reply, like, repost, bookmark, rsvp, quote or mention
    rsvp: str | None = None  # yes, no, maybe, interested
    author_url: str | None = None
    author_photo: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    url: str | None = None  # the entry's own permalink; None means the source URL
    content_html: str = ""  # sanitized
    content_text: str = ""
    syndication: tuple[str, ...] = ()

    @property
    def view(self) -> Any:
        return self.target.view

    @property
    def args(self) -> tuple[Any, ...]:
        return self.target.args

    @property
    def kwargs(self) -> Mapping[str, Any]:
        return self.target.kwargs

    @property
    def author_or_host(self) -> str:
        """The author the page names, else the source's host name: always a string.

        A host name says who linked in words a reader recognises, where a page
        title is often a whole headline. Both adapters' signals carry this.
        """
        return self.author or urlsplit(self.source_url).hostname or self.source_url

    def signal_arguments(self) -> dict[str, Any]:
        """The keyword arguments of the adapters' ``received`` signals.

        pingdjack's (source_url, target_url, view, args, kwargs, author,
        excerpt) plus title, remote_addr and protocol.
        """
        return {
            "source_url": self.source_url,
            "target_url": self.target_url,
            "view": self.view,
            "args": tuple(self.args),
            "kwargs": dict(self.kwargs),
            "author": self.author_or_host,
            "excerpt": self.excerpt,
            "title": self.title,
            "remote_addr": self.remote_addr,
            "protocol": self.protocol,
        }


def deleted_signal_arguments(source_url: str, target: Target) -> dict[str, Any]:
    """The keyword arguments of the adapters' ``deleted`` signals (Webmention deletes)."""
    return {
        "source_url": source_url,
        "target_url": target.url,
        "view": target.view,
        "args": tuple(target.args),
        "kwargs": dict(target.kwargs),
        "protocol": "webmention",
    }


@dataclass(frozen=True)
class Response:
    """What to send back: the adapter copies it into its framework's response."""

    status: int
    headers: Mapping[str, str]
    body: bytes


ResolveTarget = Callable[[str], "Target | None | Awaitable[Target | None]"]
OnReceived = Callable[[ReceivedPing], "None | Awaitable[None]"]
IsDuplicate = Callable[[str, str], "bool | Awaitable[bool]"]

XML_HEADERS = {"Content-Type": "text/xml; charset=utf-8"}
TEXT_HEADERS = {"Content-Type": "text/plain; charset=utf-8"}
MAX_CALL_BYTES = 64 * 1024
GENERIC_FAULT = "The ping could not be registered because of an error on this server."
# Every reason a source cannot be had gets this one message, so that the
# server's answers tell a caller nothing about what is reachable from here.
SOURCE_UNAVAILABLE = "The source URL could not be fetched."


def method_not_allowed(allow: str = "POST") -> Response:
    return Response(405, {**TEXT_HEADERS, "Allow": allow}, b"Method not allowed: use POST.\n")


def fault_response(code: int, message: str) -> Response:
    # XML-RPC faults travel with HTTP 200, as the XML-RPC spec says.
    return Response(200, XML_HEADERS, xmlrpc.dump_fault(code, message))


@dataclass(frozen=True)
class PingRequest:
    """A ``pingback.ping`` call whose parameters passed every cheap check."""

    source_url: str
    target_url: str
    remote_addr: str | None


def check_ping_params(source: Any, target: Any) -> tuple[str, str]:
    """Check the two URLs a ping names; raise the fault a bad pair deserves."""
    for name, value in (("sourceURI", source), ("targetURI", target)):
        if not isinstance(value, str):
            raise xmlrpc.InvalidParams(f"Invalid parameters: {name} must be a string.")
        if not is_http_url(value.strip()):
            raise xmlrpc.InvalidParams(
                f"Invalid parameters: {name} must be an absolute http(s) URL "
                "of at most 2048 characters."
            )
    source, target = source.strip(), target.strip()
    for name, value in (("sourceURI", source), ("targetURI", target)):
        netloc = urlsplit(value).netloc
        # user@host and backslashes read differently in browsers and in parsers:
        # a URL that names its host ambiguously names no page we can check.
        if "@" in netloc or "\\" in netloc:
            raise xmlrpc.InvalidParams(
                f"Invalid parameters: {name} must not carry credentials or backslashes."
            )
    if page_url(source) == page_url(target):
        raise PingbackError("The source URL and the target URL cannot be the same page.")
    return source, target


# What a source may be: HTML first, plain text last (the Webmention
# recommendation asks receivers to say what they accept).
SOURCE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, */*;q=0.1"


def source_request_headers(remote_addr: str | None) -> dict[str, str]:
    headers = {"Accept": SOURCE_ACCEPT}
    if remote_addr:
        # As WordPress does: the page we fetch learns who asked us to fetch it, so
        # a victim of a reflection attack can see where the pings come from.
        headers["X-Pingback-Forwarded-For"] = remote_addr
    return headers


def build_record(
    fetched: FetchResponse,
    source_url: str,
    target: Target,
    protocol: str,
    remote_addr: str | None,
) -> ReceivedPing:
    """Turn the fetched source into the record the application receives."""
    if fetched.status_code >= 300:
        logger.info("source %s answered %s", source_url, fetched.status_code)
        raise SourceNotFound(SOURCE_UNAVAILABLE)
    try:
        # Webmention reads a source by its media type (images, JSON, plain text too);
        # Pingback only by its links in HTML.
        info: SourceInfo = parse_source(
            fetched.content,
            source_url,
            target.url,
            content_type=fetched.headers.get("content-type"),
            media=protocol == "webmention",
            encoding=fetched.charset,
        )
    except SourceHasNoLink:
        raise
    except ValueError as exc:
        logger.info("source %s could not be read: %s", source_url, exc)
        raise SourceHasNoLink() from exc
    return ReceivedPing(
        source_url=source_url,
        target_url=target.url,
        protocol=protocol,
        title=info.title,
        author=info.author,
        excerpt=info.excerpt,
        target=target,
        remote_addr=remote_addr,
    )


def fetch_source(
    fetcher: Fetcher | None, policy: FetchPolicy, request: PingRequest, max_bytes: int
) -> FetchResponse:
    """Fetch the source through the safe door; any failure is fault 16, one message."""
    own = fetcher or Fetcher(policy)
    try:
        return own.get(
            request.source_url,
            headers=source_request_headers(request.remote_addr),
            max_bytes=max_bytes,
        )
    except FetchError as exc:
        logger.info("source %s not fetched: %s", request.source_url, exc)
        raise SourceNotFound(SOURCE_UNAVAILABLE) from exc
    finally:
        if fetcher is None:
            own.close()


async def afetch_source(
    fetcher: AsyncFetcher | None, policy: FetchPolicy, request: PingRequest, max_bytes: int
) -> FetchResponse:
    own = fetcher or AsyncFetcher(policy)
    try:
        return await own.get(
            request.source_url,
            headers=source_request_headers(request.remote_addr),
            max_bytes=max_bytes,
        )
    except FetchError as exc:
        logger.info("source %s not fetched: %s", request.source_url, exc)
        raise SourceNotFound(SOURCE_UNAVAILABLE) from exc
    finally:
        if fetcher is None:
            await own.aclose()


def log_unexpected(step: str, exc: BaseException) -> None:
    logger.error("pingback %s failed", step, exc_info=exc)


class _ServerBase:
    """The parts of both servers that do no I/O."""

    def __init__(
        self,
        resolve_target: ResolveTarget,
        on_received: OnReceived,
        *,
        policy: FetchPolicy | None = None,
        is_duplicate: IsDuplicate | None = None,
        rate_limiter: RateLimiter | None = None,
        max_body: int = MAX_CALL_BYTES,
        source_max_bytes: int | None = None,
    ) -> None:
        self.resolve_target = resolve_target
        self.on_received = on_received
        self.policy = policy or FetchPolicy()
        self.is_duplicate = is_duplicate
        # Limits are on unless the site passes its own limiter (in-memory is
        # right for one process; several processes want a shared store).
        self.rate_limiter = rate_limiter if rate_limiter is not None else RateLimiter()
        # Every fetch of a source also counts against the address it connects to.
        self.fetch_policy = self.policy.replace(before_connect=self.rate_limiter.check_addresses)
        self.max_body = max_body
        self.source_max_bytes = source_max_bytes or self.policy.max_bytes

    def parse_request(self, body: bytes, remote_addr: str | None) -> PingRequest:
        """Every step before the target is resolved: the cheapest checks first."""
        call = xmlrpc.parse_call(body, max_body=self.max_body)
        if call.method_name == "system.listMethods":
            raise _Answer(["pingback.ping", "system.listMethods"])
        if call.method_name != "pingback.ping":
            raise xmlrpc.MethodNotFound()
        if len(call.params) != 2:
            raise xmlrpc.InvalidParams(
                "Invalid parameters: pingback.ping takes two strings, sourceURI and targetURI."
            )
        source, target = check_ping_params(*call.params)
        return PingRequest(source, target, remote_addr)

    def http_precheck(self, method: str, body: bytes) -> Response | None:
        if method.upper() != "POST":
            return method_not_allowed()
        if len(body) > self.max_body:
            return Response(413, TEXT_HEADERS, b"Request body too large.\n")
        return None

    def check_rate(self, request: PingRequest) -> None:
        self.rate_limiter.check(request.source_url, request.remote_addr)

    @staticmethod
    def checked_target(target: Target | None) -> Target:
        if target is None:
            raise TargetNotFound()
        return target

    def success(self, request: PingRequest) -> Response:
        message = f"Ping from {request.source_url} to {request.target_url} registered."
        return Response(200, XML_HEADERS, xmlrpc.dump_response(message))

    def answer(self, exc: BaseException) -> Response:
        """The response for an exception raised anywhere in the pipeline."""
        if isinstance(exc, _Answer):
            return Response(200, XML_HEADERS, xmlrpc.dump_response(exc.value))
        if isinstance(exc, xmlrpc.XMLRPCError):
            return fault_response(exc.fault_code, exc.message)
        if isinstance(exc, PingbackError):
            return fault_response(exc.fault_code, exc.message)
        log_unexpected("handling", exc)
        return fault_response(0, GENERIC_FAULT)


class _Answer(Exception):
    """A call answered before the ping pipeline (system.listMethods)."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


def _guarded(step: str, call: Callable[[], T]) -> T:
    """Run an application hook; its Pingback faults pass, anything else is logged."""
    try:
        return call()
    except PingbackError:
        raise
    except Exception as exc:
        log_unexpected(step, exc)
        raise PingbackError(GENERIC_FAULT) from exc


async def _aguarded(step: str, call: Callable[[], Any]) -> Any:
    try:
        result = call()
        if inspect.isawaitable(result):
            result = await result
        return result
    except PingbackError:
        raise
    except Exception as exc:
        log_unexpected(step, exc)
        raise PingbackError(GENERIC_FAULT) from exc


class PingbackServer(_ServerBase):
    """Answers ``pingback.ping`` calls.

    ``resolve_target(target_url)`` belongs to the adapter: it returns the
    ``Target`` (view, args, kwargs), ``None`` for a URL that is no page of this
    site (fault 32), or raises ``UnpingableTarget`` (33). ``on_received(ping)``
    stores the ping; it may raise ``UnpingableTarget``, ``DuplicatePing`` or
    ``AccessDenied``, and any other exception becomes fault 0, logged.
    ``is_duplicate(source, target)`` is an optional pre-check that saves the
    fetch of a source already registered (fault 48).
    """

    def __init__(self, *args: Any, fetcher: Fetcher | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fetcher = fetcher

    def handle(
        self, body: bytes, *, method: str = "POST", remote_addr: str | None = None
    ) -> Response:
        rejected = self.http_precheck(method, body)
        if rejected is not None:
            return rejected
        try:
            request = self.parse_request(body, remote_addr)
            target = self.checked_target(
                _guarded("resolve_target", lambda: _sync(self.resolve_target(request.target_url)))
            )
            self.check_rate(request)
            self.check_duplicate(request)
            fetched = self.fetch_source(request)
            record = build_record(fetched, request.source_url, target, "pingback", remote_addr)
            _guarded("on_received", lambda: _sync(self.on_received(record)))
        except Exception as exc:
            return self.answer(exc)
        return self.success(request)

    def check_duplicate(self, request: PingRequest) -> None:
        if self.is_duplicate is None:
            return
        hook = self.is_duplicate
        if _guarded("is_duplicate", lambda: _sync(hook(request.source_url, request.target_url))):
            raise DuplicatePing()

    def fetch_source(self, request: PingRequest) -> FetchResponse:
        return fetch_source(self._fetcher, self.fetch_policy, request, self.source_max_bytes)


class AsyncPingbackServer(_ServerBase):
    """The async twin of ``PingbackServer``: ``await server.handle(...)``.

    Hooks may be plain functions or coroutines.
    """

    def __init__(self, *args: Any, fetcher: AsyncFetcher | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fetcher = fetcher

    async def handle(
        self, body: bytes, *, method: str = "POST", remote_addr: str | None = None
    ) -> Response:
        rejected = self.http_precheck(method, body)
        if rejected is not None:
            return rejected
        try:
            request = self.parse_request(body, remote_addr)
            target = self.checked_target(
                await _aguarded("resolve_target", lambda: self.resolve_target(request.target_url))
            )
            self.check_rate(request)
            await self.check_duplicate(request)
            fetched = await self.fetch_source(request)
            record = build_record(fetched, request.source_url, target, "pingback", remote_addr)
            await _aguarded("on_received", lambda: self.on_received(record))
        except Exception as exc:
            return self.answer(exc)
        return self.success(request)

    async def check_duplicate(self, request: PingRequest) -> None:
        if self.is_duplicate is None:
            return
        hook = self.is_duplicate
        if await _aguarded("is_duplicate", lambda: hook(request.source_url, request.target_url)):
            raise DuplicatePing()

    async def fetch_source(self, request: PingRequest) -> FetchResponse:
        return await afetch_source(self._fetcher, self.fetch_policy, request, self.source_max_bytes)


def _sync(value: T | Awaitable[T]) -> T:
    """A hook's result in the sync server, which cannot await."""
    if inspect.isawaitable(value):
        if inspect.iscoroutine(value):
            value.close()
        raise TypeError("PingbackServer hooks must be plain functions; use AsyncPingbackServer")
    return value
