"""The framework-free Pingback server: request bytes in, (status, headers, body) out.

Adapters translate their framework's request into one call of
``PingbackServer.handle`` (or ``ahandle``) and its ``Response`` back out; every
rule of the protocol lives here.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import anyio

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
from .mention import Mention
from .ratelimit import RateLimiter, fetching_source
from .records import ReceivedPing, Target, deleted_signal_arguments
from .source import parse_source
from .storage import MentionStore, forget_ping, is_stored, store_ping
from .urls import (
    MAX_URL_LENGTH,
    URL_STRIP,
    has_unsafe_characters,
    is_http_url,
    normalize_url,
    page_url,
)

__all__ = [
    "AsyncPingbackServer",
    "IncomingRequest",
    "MAX_CALL_BYTES",
    "PingRequest",
    "PingbackServer",
    "ReceivedPing",
    "Response",
    "SiteResolver",
    "Target",
    "deleted_signal_arguments",
    "fault_response",
]

logger = logging.getLogger("pingcore.server")

T = TypeVar("T")


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
    """An XML-RPC fault with ``code`` and ``message``, as the endpoint sends it."""
    # XML-RPC faults travel with HTTP 200, as the XML-RPC spec says.
    return Response(200, XML_HEADERS, xmlrpc.dump_fault(code, message))


@dataclass(frozen=True)
class PingRequest:
    """A ``pingback.ping`` call whose parameters passed every cheap check."""

    source_url: str
    target_url: str
    remote_addr: str | None
    # The Host the ping was sent to: a queued job resolves its target against it again.
    request_host: str | None = None


def check_ping_params(source: Any, target: Any) -> tuple[str, str]:
    """Check the two URLs a ping names; raise the fault a bad pair deserves.

    A URL with a control character or whitespace inside is refused outright
    (16 for the source, 32 for the target): parsers drop them silently, so the
    URL checked would not be the URL stored or logged.
    """
    for name, value in (("sourceURI", source), ("targetURI", target)):
        if not isinstance(value, str):
            raise xmlrpc.InvalidParams(f"Invalid parameters: {name} must be a string.")
    source, target = source.strip(URL_STRIP), target.strip(URL_STRIP)
    if has_unsafe_characters(source):
        raise SourceNotFound("The source URL holds a control character or whitespace.")
    if has_unsafe_characters(target):
        raise TargetNotFound("The target URL holds a control character or whitespace.")
    for name, value in (("sourceURI", source), ("targetURI", target)):
        if not is_http_url(value, max_length=None):
            raise xmlrpc.InvalidParams(
                f"Invalid parameters: {name} must be an absolute http(s) URL."
            )
    # A URL that names its host ambiguously (user@host and backslashes read
    # differently in browsers and in parsers), or is longer than any page's,
    # names no page we can check: no such source (16), no such target (32).
    if not _is_usable(source):
        raise SourceNotFound(
            f"The source URL must have at most {MAX_URL_LENGTH} characters, "
            "no credentials and no backslashes."
        )
    if not _is_usable(target):
        raise TargetNotFound(
            f"The target URL must have at most {MAX_URL_LENGTH} characters, "
            "no credentials and no backslashes."
        )
    if page_url(source) == page_url(target):
        raise PingbackError("The source URL and the target URL cannot be the same page.")
    return source, target


def _is_usable(url: str) -> bool:
    netloc = urlsplit(url).netloc
    return len(url) <= MAX_URL_LENGTH and "@" not in netloc and "\\" not in netloc


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
    request: PingRequest,
    target: Target,
    protocol: str,
) -> ReceivedPing:
    """Turn the fetched source into the record the application receives.

    The record names the canonical pair: the source's normal form and the
    target's canonical URL, whatever spelling the ping used.
    """
    if fetched.status_code >= 300:
        logger.info("source %r answered %s", request.source_url, fetched.status_code)
        raise SourceNotFound(SOURCE_UNAVAILABLE)
    try:
        # Webmention reads a source by its media type (images, JSON, plain text too);
        # Pingback only by its links in HTML. A link to the page the ping named,
        # in that spelling or the site's canonical one, is a link to the target.
        aliases = [request.target_url] if request.target_url != target.url else []
        info = parse_source(
            fetched.content,
            request.source_url,
            target.url,
            target_aliases=aliases,
            content_type=fetched.headers.get("content-type"),
            media=protocol == "webmention",
            encoding=fetched.charset,
            mention=True,
        )
    except SourceHasNoLink:
        raise
    except ValueError as exc:
        logger.info("source %r could not be read: %s", request.source_url, exc)
        raise SourceHasNoLink() from exc
    mention = info.mention
    return ReceivedPing(
        source_url=normalize_url(request.source_url),
        target_url=target.url,
        protocol=protocol,
        title=info.title,
        author=info.author,
        excerpt=info.excerpt,
        target=target,
        remote_addr=request.remote_addr,
        **(mention_fields(mention) if mention is not None else {}),
    )


def mention_fields(mention: Mention) -> dict[str, Any]:
    """The ``ReceivedPing`` fields a ``Mention`` fills."""
    return {
        "kind": mention.kind,
        "rsvp": mention.rsvp,
        "author_url": mention.author_url,
        "author_photo": mention.author_photo,
        "published": mention.published,
        "updated": mention.updated,
        "url": mention.url,
        "content_html": mention.content_html,
        "content_text": mention.content_text,
        "syndication": tuple(mention.syndication),
    }


def fetch_source(
    fetcher: Fetcher | None, policy: FetchPolicy, request: PingRequest, max_bytes: int
) -> FetchResponse:
    """Fetch the source through the safe door; any failure is fault 16, one message."""
    own = fetcher or Fetcher(policy)
    try:
        with fetching_source(request.source_url):  # a redirect's host is counted too
            return own.get(
                request.source_url,
                headers=source_request_headers(request.remote_addr),
                max_bytes=max_bytes,
            )
    except FetchError as exc:
        logger.info("source %r not fetched: %s", request.source_url, exc)
        raise SourceNotFound(SOURCE_UNAVAILABLE) from exc
    finally:
        if fetcher is None:
            own.close()


async def afetch_source(
    fetcher: AsyncFetcher | None, policy: FetchPolicy, request: PingRequest, max_bytes: int
) -> FetchResponse:
    own = fetcher or AsyncFetcher(policy)
    try:
        with fetching_source(request.source_url):
            return await own.get(
                request.source_url,
                headers=source_request_headers(request.remote_addr),
                max_bytes=max_bytes,
            )
    except FetchError as exc:
        logger.info("source %r not fetched: %s", request.source_url, exc)
        raise SourceNotFound(SOURCE_UNAVAILABLE) from exc
    finally:
        if fetcher is None:
            await own.aclose()


def log_unexpected(step: str, exc: BaseException) -> None:
    logger.error("pingback %s failed", step, exc_info=exc)


class SiteResolver(Protocol):
    """What ``pingcore.Site`` offers: a target resolved against the request that named it."""

    def resolve(
        self, target_url: str, *, request_host: str | None = None, remote_addr: str | None = None
    ) -> Target:
        """The page ``target_url`` names; raises ``TargetNotFound`` or ``UnpingableTarget``."""
        ...


@dataclass(frozen=True)
class IncomingRequest:
    """A request to an endpoint, as an adapter reads it from its framework."""

    method: str
    body: bytes
    content_type: str | None = None
    remote_addr: str | None = None
    host: str | None = None  # the Host header, as the framework validated it
    script_prefix: str = "/"


class _ServerBase:
    """The parts of both servers that do no I/O."""

    def __init__(
        self,
        resolve_target: ResolveTarget | SiteResolver,
        on_received: OnReceived,
        *,
        policy: FetchPolicy | None = None,
        is_duplicate: IsDuplicate | None = None,
        rate_limiter: RateLimiter | None = None,
        store: MentionStore | None = None,
        max_body: int = MAX_CALL_BYTES,
        source_max_bytes: int | None = None,
    ) -> None:
        self.resolve_target = resolve_target
        self.on_received = on_received
        self.policy = policy or FetchPolicy()
        self.is_duplicate = is_duplicate
        self.store = store
        # Limits are on unless the site passes its own limiter (in-memory is
        # right for one process; several processes want a shared store).
        self.rate_limiter = rate_limiter if rate_limiter is not None else RateLimiter()
        # Every fetch of a source also counts against the address it connects to.
        self.fetch_policy = self.policy.replace(before_connect=self.rate_limiter.check_addresses)
        self.max_body = max_body
        self.source_max_bytes = source_max_bytes or self.policy.max_bytes

    def parse_request(
        self, body: bytes, remote_addr: str | None, host: str | None = None
    ) -> PingRequest:
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
        return PingRequest(source, target, remote_addr, host)

    def http_precheck(self, method: str, body: bytes) -> Response | None:
        if method.upper() != "POST":
            return method_not_allowed()
        if len(body) > self.max_body:
            return Response(413, TEXT_HEADERS, b"Request body too large.\n")
        return None

    def check_rate(self, request: PingRequest) -> None:
        self.rate_limiter.check(request.source_url, request.remote_addr)

    def site_target(self, request: PingRequest) -> Target | None:
        """The target through a ``Site`` (None when the hook is a plain callable)."""
        resolver = self.resolve_target
        if not hasattr(resolver, "resolve"):
            return None
        site: SiteResolver = resolver
        return _guarded(
            "resolve_target",
            lambda: site.resolve(
                request.target_url,
                request_host=request.request_host,
                remote_addr=request.remote_addr,
            ),
        )

    def target_of(self, request: PingRequest) -> Target:
        """The page the ping names, through the ``Site`` or the plain hook (sync servers)."""
        target = self.site_target(request)
        if target is None:
            hook: Callable[[str], Any] = self.resolve_target  # type: ignore[assignment]
            target = _guarded("resolve_target", lambda: _sync(hook(request.target_url)))
        return self.checked_target(target)

    async def atarget_of(self, request: PingRequest) -> Target:
        """``target_of`` for the async servers, whose plain hook may be a coroutine."""
        target = self.site_target(request)
        if target is None:
            hook: Callable[[str], Any] = self.resolve_target  # type: ignore[assignment]
            target = await _aguarded("resolve_target", lambda: hook(request.target_url))
        return self.checked_target(target)

    @staticmethod
    def checked_target(target: Target | None) -> Target:
        if target is None:
            raise TargetNotFound()
        return target

    def stored_duplicate(self, request: PingRequest, target: Target) -> bool:
        """A Pingback whose canonical pair is stored is a duplicate, known without a fetch."""
        if self.store is None:
            return False
        store = self.store
        source = normalize_url(request.source_url)
        return _guarded("store", lambda: is_stored(store, source, target.url))

    def keep(self, record: ReceivedPing) -> None:
        if self.store is not None:
            store = self.store
            _guarded("store", lambda: store_ping(store, record))

    def forget(self, request: PingRequest, target: Target) -> None:
        if self.store is not None:
            store = self.store
            source = normalize_url(request.source_url)
            _guarded("store", lambda: forget_ping(store, source, target.url))

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

    ``resolve_target`` is a ``pingcore.Site`` (the site's hosts and pages: the
    target's existence and canonical URL are checked before any fetch), or a
    plain callable ``resolve_target(target_url)`` returning the ``Target``,
    ``None`` for a URL that is no page of this site (fault 32), or raising
    ``UnpingableTarget`` (33). ``on_received(ping)`` hands the verified ping to
    the application; it may raise ``UnpingableTarget``, ``DuplicatePing`` or
    ``AccessDenied``, and any other exception becomes fault 0, logged. With a
    ``store`` (a ``MentionStore``) the ping is then stored by the core's rules
    (a repeat is fault 48, found before any fetch). ``is_duplicate(source,
    target)`` is the older pre-check for sites without a store.
    """

    def __init__(
        self,
        resolve_target: ResolveTarget | SiteResolver,
        on_received: OnReceived,
        *,
        policy: FetchPolicy | None = None,
        is_duplicate: IsDuplicate | None = None,
        rate_limiter: RateLimiter | None = None,
        store: MentionStore | None = None,
        max_body: int = MAX_CALL_BYTES,
        source_max_bytes: int | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        super().__init__(
            resolve_target,
            on_received,
            policy=policy,
            is_duplicate=is_duplicate,
            rate_limiter=rate_limiter,
            store=store,
            max_body=max_body,
            source_max_bytes=source_max_bytes,
        )
        self._fetcher = fetcher

    def handle(
        self,
        body: bytes,
        *,
        method: str = "POST",
        remote_addr: str | None = None,
        host: str | None = None,
    ) -> Response:
        rejected = self.http_precheck(method, body)
        if rejected is not None:
            return rejected
        try:
            request = self.parse_request(body, remote_addr, host)
            target = self.target_of(request)
            self.check_rate(request)
            self.check_duplicate(request, target)
            fetched = self.fetch_source(request)
            record = build_record(fetched, request, target, "pingback")
            _guarded("on_received", lambda: _sync(self.on_received(record)))
            self.keep(record)
        except Exception as exc:
            return self.answer(exc)
        return self.success(request)

    def handle_request(self, request: IncomingRequest) -> Response:
        """``handle`` for an adapter's ``IncomingRequest``."""
        return self.handle(
            request.body, method=request.method, remote_addr=request.remote_addr, host=request.host
        )

    def check_duplicate(self, request: PingRequest, target: Target) -> None:
        if self.stored_duplicate(request, target):
            raise DuplicatePing()
        if self.is_duplicate is None:
            return
        hook = self.is_duplicate
        if _guarded("is_duplicate", lambda: _sync(hook(request.source_url, target.url))):
            raise DuplicatePing()

    def fetch_source(self, request: PingRequest) -> FetchResponse:
        return fetch_source(self._fetcher, self.fetch_policy, request, self.source_max_bytes)


class AsyncPingbackServer(_ServerBase):
    """The async twin of ``PingbackServer``: ``await server.handle(...)``.

    Hooks may be plain functions or coroutines; they run on the event loop, so a
    plain hook that blocks (a database write) blocks it. What the server does
    itself and could block on, reading the source page and the store's and the
    rate limiter's I/O, runs in anyio's worker threads.
    """

    def __init__(
        self,
        resolve_target: ResolveTarget | SiteResolver,
        on_received: OnReceived,
        *,
        policy: FetchPolicy | None = None,
        is_duplicate: IsDuplicate | None = None,
        rate_limiter: RateLimiter | None = None,
        store: MentionStore | None = None,
        max_body: int = MAX_CALL_BYTES,
        source_max_bytes: int | None = None,
        fetcher: AsyncFetcher | None = None,
    ) -> None:
        super().__init__(
            resolve_target,
            on_received,
            policy=policy,
            is_duplicate=is_duplicate,
            rate_limiter=rate_limiter,
            store=store,
            max_body=max_body,
            source_max_bytes=source_max_bytes,
        )
        self._fetcher = fetcher

    async def handle(
        self,
        body: bytes,
        *,
        method: str = "POST",
        remote_addr: str | None = None,
        host: str | None = None,
    ) -> Response:
        rejected = self.http_precheck(method, body)
        if rejected is not None:
            return rejected
        try:
            request = self.parse_request(body, remote_addr, host)
            target = await self.atarget_of(request)
            await _in_worker_thread(lambda: self.check_rate(request))
            await self.check_duplicate(request, target)
            fetched = await self.fetch_source(request)
            record = await _in_worker_thread(
                lambda: build_record(fetched, request, target, "pingback")
            )
            await _aguarded("on_received", lambda: self.on_received(record))
            await _in_worker_thread(lambda: self.keep(record))
        except Exception as exc:
            return self.answer(exc)
        return self.success(request)

    async def check_duplicate(self, request: PingRequest, target: Target) -> None:
        if await _in_worker_thread(lambda: self.stored_duplicate(request, target)):
            raise DuplicatePing()
        if self.is_duplicate is None:
            return
        hook = self.is_duplicate
        if await _aguarded("is_duplicate", lambda: hook(request.source_url, target.url)):
            raise DuplicatePing()

    async def fetch_source(self, request: PingRequest) -> FetchResponse:
        return await afetch_source(self._fetcher, self.fetch_policy, request, self.source_max_bytes)


async def _in_worker_thread(work: Callable[[], T]) -> T:
    """``work()`` in one of anyio's worker threads, for the async servers.

    Reading a source page (0.1 to 0.3 s for one near the 1 MB cap, more when it is
    built to be slow) and a store's I/O (SQLite waits up to 5 s on a locked file,
    Redis up to its socket timeout) would otherwise stop the event loop, and every
    other request it serves, until done.
    The stores and the rate limiter lock for themselves, as threaded WSGI servers
    already need.
    """
    return await anyio.to_thread.run_sync(work)


def _sync(value: T | Awaitable[T]) -> T:
    """A hook's result in the sync server, which cannot await."""
    if inspect.isawaitable(value):
        if inspect.iscoroutine(value):
            value.close()
        raise TypeError("PingbackServer hooks must be plain functions; use AsyncPingbackServer")
    return value
