"""Sending pings: one target with ``ping``, every link of a post with ``ping_external_urls``.

The sync functions run on threads, so they work the same in a program with or
without an event loop; ``aping`` and ``aping_external_urls`` are the async
twins. Both share every step that does no I/O.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

import anyio

from . import errors, xmlrpc
from .discovery import Endpoint, adiscover_endpoint, discover_endpoint
from .errors import (
    BlockedURL,
    DuplicatePing,
    FetchError,
    FetchTimeout,
    NoEndpoint,
    PingbackError,
)
from .fetch import AsyncFetcher, Fetcher, FetchPolicy, FetchResponse
from .links import external_urls
from .urls import is_http_url

__all__ = [
    "Outcome",
    "PingResult",
    "aping",
    "aping_external_urls",
    "ping",
    "ping_external_urls",
]

# An endpoint's answer is a few hundred bytes; anything near this is hostile.
MAX_ANSWER_BYTES = 256 * 1024
# Politeness: never more than this many pings in flight to one host.
PER_HOST = 2
MAX_REASON = 300

_FAULTS: dict[int, type[PingbackError]] = {
    cls.fault_code: cls
    for cls in (
        errors.SourceNotFound,
        errors.SourceHasNoLink,
        errors.TargetNotFound,
        errors.UnpingableTarget,
        errors.DuplicatePing,
        errors.AccessDenied,
        errors.UpstreamError,
    )
}


class Outcome(str, Enum):
    """What came of one ping."""

    REGISTERED = "registered"
    ACCEPTED = "accepted"  # a Webmention queued for verification (201/202)
    ALREADY_REGISTERED = "already registered"  # fault 48: not a failure
    NO_ENDPOINT = "no endpoint"
    REFUSED = "refused"  # the receiver answered with a fault or an error status
    BLOCKED = "blocked"  # the safe fetcher refused the address or URL
    TIMED_OUT = "timed out"
    FAILED = "failed"  # transport or protocol trouble


@dataclass(frozen=True)
class PingResult:
    """One target's ping: which endpoint, over which protocol, and how it went."""

    source_url: str
    target_url: str
    outcome: Outcome
    protocol: str | None = None
    endpoint: str | None = None
    message: str = ""
    fault_code: int | None = None

    @property
    def ok(self) -> bool:
        """The target knows of the link: registered, accepted or already registered."""
        return self.outcome in (Outcome.REGISTERED, Outcome.ACCEPTED, Outcome.ALREADY_REGISTERED)

    @property
    def failed(self) -> bool:
        """Something went wrong. A target with no endpoint did not fail: it takes no pings."""
        return not self.ok and self.outcome is not Outcome.NO_ENDPOINT


Progress = Callable[[int, int, PingResult], object]


def fault_error(code: int, message: str) -> PingbackError:
    """The exception for a fault an endpoint answered with."""
    error = _FAULTS.get(code, PingbackError)(message or None)
    if code not in _FAULTS:
        error.fault_code = code
    return error


def readable(text: str) -> str:
    """A remote server's words, made safe to print: one line, bounded."""
    # C0 and C1 controls both: \x9b alone starts a terminal escape sequence.
    text = re.sub(r"[\x00-\x1f\x7f-\x9f]+", " ", text).strip()
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


def check_urls(
    source_url: str, target_url: str, names: tuple[str, str] = ("source_url", "target_url")
) -> None:
    for name, url in zip(names, (source_url, target_url), strict=True):
        if not is_http_url(url):
            raise ValueError(f"{name} must be an absolute http(s) URL, not {url!r}")


def pingback_body(source_url: str, target_url: str) -> bytes:
    return xmlrpc.dump_call("pingback.ping", [source_url, target_url])


PINGBACK_HEADERS = {"Content-Type": "text/xml; charset=utf-8", "Accept": "text/xml"}


def read_answer(
    answer: FetchResponse, endpoint: Endpoint, source_url: str, target_url: str
) -> PingResult:
    """Interpret the endpoint's answer; raise the fault or error it stands for."""
    if 300 <= answer.status_code < 400:
        raise PingbackError(
            f"The {endpoint.protocol} endpoint {endpoint.url} answered with a redirect "
            f"({answer.status_code}); a ping is never re-sent to another address."
        )
    if answer.status_code >= 500:
        # The receiver's own trouble, for either protocol: a failure, not a refusal.
        answer.raise_for_status()
    if endpoint.protocol == "webmention":
        text = readable(answer.content.decode("utf-8", "replace"))
        if answer.status_code >= 400:
            raise PingbackError(
                f"The Webmention endpoint {endpoint.url} refused the mention "
                f"(HTTP {answer.status_code}){': ' + text if text else '.'}"
            )
        outcome = Outcome.ACCEPTED if answer.status_code in (201, 202) else Outcome.REGISTERED
    else:
        if answer.status_code >= 400:
            raise PingbackError(
                f"The Pingback endpoint {endpoint.url} refused the call "
                f"(HTTP {answer.status_code})."
            )
        try:
            value = xmlrpc.parse_response(answer.content, max_body=MAX_ANSWER_BYTES)
        except xmlrpc.XMLRPCFault as fault:
            raise fault_error(fault.code, readable(fault.message)) from None
        except xmlrpc.XMLRPCError:
            raise PingbackError(
                f"The Pingback endpoint {endpoint.url} did not answer with XML-RPC."
            ) from None
        text = readable(value if isinstance(value, str) else repr(value))
        outcome = Outcome.REGISTERED
    return PingResult(
        source_url, target_url, outcome, endpoint.protocol, endpoint.url, message=text
    )


def _classify(exc: Exception) -> Outcome:
    if isinstance(exc, DuplicatePing):
        return Outcome.ALREADY_REGISTERED
    if isinstance(exc, PingbackError):
        return Outcome.REFUSED
    if isinstance(exc, NoEndpoint):
        return Outcome.NO_ENDPOINT
    if isinstance(exc, BlockedURL):
        return Outcome.BLOCKED
    if isinstance(exc, FetchTimeout):
        return Outcome.TIMED_OUT
    return Outcome.FAILED


def result_for_error(
    source_url: str, target_url: str, exc: Exception, endpoint: Endpoint | None = None
) -> PingResult:
    """A failed ping as a result with a reason a person can read."""
    if isinstance(exc, PingbackError):
        message, fault_code = exc.message, exc.fault_code
    elif isinstance(exc, (FetchError, NoEndpoint, ValueError)):
        message, fault_code = str(exc), None
    else:
        message, fault_code = f"Unexpected error: {exc!r}", None
    return PingResult(
        source_url,
        target_url,
        _classify(exc),
        endpoint.protocol if endpoint else None,
        endpoint.url if endpoint else None,
        message,
        fault_code,
    )


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


# -- sync -------------------------------------------------------------------


def _send(fetcher: Fetcher, endpoint: Endpoint, source_url: str, target_url: str) -> PingResult:
    if endpoint.protocol == "webmention":
        answer = fetcher.post(
            endpoint.url,
            data={"source": source_url, "target": target_url},
            max_bytes=MAX_ANSWER_BYTES,
            truncate=True,
            follow_redirects=False,
        )
    else:
        answer = fetcher.post(
            endpoint.url,
            content=pingback_body(source_url, target_url),
            headers=PINGBACK_HEADERS,
            max_bytes=MAX_ANSWER_BYTES,
            follow_redirects=False,
        )
    return read_answer(answer, endpoint, source_url, target_url)


@contextmanager
def _fetcher(policy: FetchPolicy | None, given: Fetcher | None) -> Iterator[Fetcher]:
    if given is not None:
        yield given
        return
    with Fetcher(policy) as fetcher:
        yield fetcher


def ping(
    source_url: str,
    target_url: str,
    *,
    policy: FetchPolicy | None = None,
    protocol: str | None = None,
    fetcher: Fetcher | None = None,
) -> PingResult:
    """Tell ``target_url`` that ``source_url`` links to it.

    Discovers the target's endpoint (Webmention first, unless ``protocol``
    names one) and sends the ping. Raises on failure, as pingdjack's ``ping``
    did: the ``PingbackError`` subclass for a fault, ``FetchError`` for
    transport trouble, ``NoEndpoint`` when the target advertises none.
    """
    check_urls(source_url, target_url)
    with _fetcher(policy, fetcher) as client:
        endpoint = discover_endpoint(target_url, protocol=protocol, fetcher=client)
        if endpoint is None:
            raise NoEndpoint(target_url)
        return _send(client, endpoint, source_url, target_url)


def _ping_quietly(
    client: Fetcher, source_url: str, target_url: str, protocol: str | None, host_slots: _HostSlots
) -> PingResult:
    endpoint = None
    try:
        with host_slots.hold(_host(target_url)):
            endpoint = discover_endpoint(target_url, protocol=protocol, fetcher=client)
        if endpoint is None:
            raise NoEndpoint(target_url)
        with host_slots.hold(_host(endpoint.url)):
            return _send(client, endpoint, source_url, target_url)
    except Exception as exc:
        return result_for_error(source_url, target_url, exc, endpoint)


class _HostSlots:
    """At most ``PER_HOST`` requests in flight to any one host, across threads."""

    def __init__(self, per_host: int = PER_HOST) -> None:
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = defaultdict(
            lambda: threading.Semaphore(per_host)
        )

    @contextmanager
    def hold(self, host: str) -> Iterator[None]:
        with self._lock:
            slot = self._slots[host]
        with slot:
            yield


def ping_external_urls(
    source_url: str,
    html: str | bytes,
    root_url: str,
    *,
    concurrency: int = 8,
    policy: FetchPolicy | None = None,
    protocol: str | None = None,
    progress: Progress | None = None,
) -> list[PingResult]:
    """Ping every link of ``html`` outside ``root_url``; never stops on one failure.

    Returns one ``PingResult`` per target, in document order, failures
    included. ``progress(done, total, result)`` is called in the caller's
    thread as each ping finishes.
    """
    check_urls(source_url, root_url, names=("source_url", "root_url"))
    targets = external_urls(html, root_url, base_url=source_url)
    results: dict[str, PingResult] = {}
    if not targets:
        return []
    host_slots = _HostSlots()
    with Fetcher(policy) as client:
        pool = ThreadPoolExecutor(max(1, concurrency))
        try:
            futures = {
                pool.submit(_ping_quietly, client, source_url, target, protocol, host_slots): target
                for target in targets
            }
            for done, future in enumerate(as_completed(futures), start=1):
                result = future.result()
                results[futures[future]] = result
                if progress is not None:
                    progress(done, len(targets), result)
        except BaseException:
            # Ctrl-C, or a progress callback that raised: pings not yet started
            # are dropped rather than waited for; those in flight end at their deadline.
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    return [results[target] for target in targets]


# -- async ------------------------------------------------------------------


async def _asend(
    fetcher: AsyncFetcher, endpoint: Endpoint, source_url: str, target_url: str
) -> PingResult:
    if endpoint.protocol == "webmention":
        answer = await fetcher.post(
            endpoint.url,
            data={"source": source_url, "target": target_url},
            max_bytes=MAX_ANSWER_BYTES,
            truncate=True,
            follow_redirects=False,
        )
    else:
        answer = await fetcher.post(
            endpoint.url,
            content=pingback_body(source_url, target_url),
            headers=PINGBACK_HEADERS,
            max_bytes=MAX_ANSWER_BYTES,
            follow_redirects=False,
        )
    return read_answer(answer, endpoint, source_url, target_url)


async def aping(
    source_url: str,
    target_url: str,
    *,
    policy: FetchPolicy | None = None,
    protocol: str | None = None,
    fetcher: AsyncFetcher | None = None,
) -> PingResult:
    """The async twin of ``ping``."""
    check_urls(source_url, target_url)
    client = fetcher or AsyncFetcher(policy)
    try:
        endpoint = await adiscover_endpoint(target_url, protocol=protocol, fetcher=client)
        if endpoint is None:
            raise NoEndpoint(target_url)
        return await _asend(client, endpoint, source_url, target_url)
    finally:
        if fetcher is None:
            await client.aclose()


async def aping_external_urls(
    source_url: str,
    html: str | bytes,
    root_url: str,
    *,
    concurrency: int = 8,
    policy: FetchPolicy | None = None,
    protocol: str | None = None,
    progress: Progress | None = None,
) -> list[PingResult]:
    """The async twin of ``ping_external_urls``."""
    check_urls(source_url, root_url, names=("source_url", "root_url"))
    targets = external_urls(html, root_url, base_url=source_url)
    results: dict[str, PingResult] = {}
    limiter = anyio.CapacityLimiter(max(1, concurrency))
    host_slots: dict[str, anyio.Semaphore] = defaultdict(lambda: anyio.Semaphore(PER_HOST))

    async def one(client: AsyncFetcher, target: str) -> None:
        endpoint = None
        async with limiter:
            try:
                async with host_slots[_host(target)]:
                    endpoint = await adiscover_endpoint(target, protocol=protocol, fetcher=client)
                if endpoint is None:
                    raise NoEndpoint(target)
                async with host_slots[_host(endpoint.url)]:
                    result = await _asend(client, endpoint, source_url, target)
            except Exception as exc:
                result = result_for_error(source_url, target, exc, endpoint)
        results[target] = result
        if progress is not None:
            progress(len(results), len(targets), result)

    async with AsyncFetcher(policy) as client, anyio.create_task_group() as group:
        for target in targets:
            group.start_soon(one, client, target)
    return [results[target] for target in targets]
