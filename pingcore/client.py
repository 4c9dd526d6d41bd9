"""Sending pings: one target with ``ping``, every link of a post with ``ping_external_urls``,
a deleted post with ``ping_deleted``, and deferred pings with ``retry_deferred``.

The sync functions run on threads, so they work the same in a program with or
without an event loop; the ``a``-prefixed functions are the async twins. Both
share every step that does no I/O: reading answers, deciding on retries (the
rules are in :mod:`pingcore.retry`) and planning rounds (:mod:`pingcore.plan`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import anyio

from . import errors, xmlrpc
from .discovery import Endpoint, adiscover_endpoint, discover_endpoint
from .errors import (
    BadStatus,
    BlockedURL,
    ConnectionFailed,
    DuplicatePing,
    FetchError,
    FetchTimeout,
    NoEndpoint,
    PingbackError,
)
from .fetch import AsyncFetcher, Fetcher, FetchPolicy, FetchResponse
from .history import SendHistory, SentPing
from .links import external_links
from .plan import Job, Known, Plan, plan_deleted, plan_links, plan_retries
from .results import Outcome, PingResult
from .retry import FLOOD_FAULT, Deferral, HostPacer, RetryPolicy, retry_after_seconds
from .urls import MAX_URL_LENGTH, is_http_url

__all__ = [
    "DEFAULT_CONCURRENCY",
    "Outcome",
    "PingResult",
    "aping",
    "aping_deleted",
    "aping_external_urls",
    "aretry_deferred",
    "ping",
    "ping_deleted",
    "ping_external_urls",
    "retry_deferred",
]

logger = logging.getLogger("pingcore.client")

# An endpoint's answer is a few hundred bytes; anything near this is hostile.
MAX_ANSWER_BYTES = 256 * 1024
# Politeness: never more than this many pings in flight to one host.
PER_HOST = 2
# Pings at once over all hosts. Politeness is per host (above), so the global
# bound only keeps threads and sockets in check: 50 targets on 50 slow hosts
# then take about the time of one.
DEFAULT_CONCURRENCY = 50
MAX_REASON = 300
NO_REASON = "the server gave no reason"

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

Progress = Callable[[int, int, PingResult], object]


def fault_error(code: int, message: str) -> PingbackError:
    """The exception for a fault an endpoint answered with; its own words, if it gave any."""
    error = _FAULTS.get(code, PingbackError)(message or NO_REASON)
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


# -- reading answers (no I/O) ------------------------------------------------


def _phrase(status: int) -> str:
    try:
        return " " + HTTPStatus(status).phrase
    except ValueError:
        return ""


def answer_text(answer: FetchResponse) -> str:
    """What the receiver said in its body, readable: a JSON error read into a sentence."""
    try:
        text = answer.content.decode(answer.charset or "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        text = answer.content.decode("utf-8", "replace")
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # not JSON, or nested to exhaust the stack
            data = None
        if isinstance(data, dict):
            said = [
                value
                for key in ("error", "error_description", "message")
                if isinstance(value := data.get(key), str) and value.strip()
            ]
            if said:
                return readable(": ".join(said))
    return readable(text)


def _status_url(answer: FetchResponse, endpoint: Endpoint) -> str | None:
    location = answer.headers.get("location")
    if not location:
        return None
    try:
        url = urljoin(endpoint.url, location.strip())
    except ValueError:
        return None
    return url if is_http_url(url) and len(url) <= MAX_URL_LENGTH else None


def _with_text(sentence: str, text: str) -> str:
    return f"{sentence}: {text}" if text else f"{sentence}."


def read_answer(
    answer: FetchResponse, endpoint: Endpoint, source_url: str, target_url: str
) -> PingResult:
    """Interpret the endpoint's answer; raise the fault, error or deferral it stands for."""
    status = answer.status_code
    protocol = endpoint.protocol.capitalize() if endpoint.protocol == "pingback" else "Webmention"
    if 300 <= status < 400:
        raise PingbackError(
            f"The {endpoint.protocol} endpoint {endpoint.url} answered with a redirect "
            f"({status}); a ping is never re-sent to another address."
        )
    text = answer_text(answer) if status >= 400 or endpoint.protocol == "webmention" else ""
    if status in (429, 503):
        asked = retry_after_seconds(answer.headers.get("retry-after"))
        sentence = (
            f"The {protocol} endpoint {endpoint.url} asked to be tried later "
            f"(HTTP {status}{_phrase(status)})"
        )
        busy = BadStatus(_with_text(sentence, text), url=endpoint.url, status_code=status)
        raise Deferral(str(busy), error=busy, asked=asked)
    if status >= 500:
        # The receiver's own trouble, for either protocol: a failure, not a refusal.
        sentence = f"{endpoint.url} answered {status}{_phrase(status)}"
        raise BadStatus(_with_text(sentence, text), url=endpoint.url, status_code=status)
    if endpoint.protocol == "webmention":
        if status >= 400:
            raise PingbackError(
                _with_text(
                    f"The Webmention endpoint {endpoint.url} refused the mention (HTTP {status})",
                    text,
                )
            )
        outcome = Outcome.ACCEPTED if status in (201, 202) else Outcome.REGISTERED
        status_url = _status_url(answer, endpoint) if status == 201 else None
        return PingResult(
            source_url,
            target_url,
            outcome,
            endpoint.protocol,
            endpoint.url,
            message=text,
            status_url=status_url,
        )
    if status >= 400:
        raise PingbackError(
            _with_text(
                f"The Pingback endpoint {endpoint.url} refused the call (HTTP {status})", text
            )
        )
    try:
        value = xmlrpc.parse_response(answer.content, max_body=MAX_ANSWER_BYTES)
    except xmlrpc.XMLRPCFault as fault:
        refusal = fault_error(fault.code, readable(fault.message))
        if fault.code == FLOOD_FAULT:
            raise Deferral(refusal.message, error=refusal, asked=None, flood=True) from None
        raise refusal from None
    except xmlrpc.XMLRPCError:
        raise PingbackError(
            f"The Pingback endpoint {endpoint.url} did not answer with XML-RPC."
        ) from None
    text = readable(value if isinstance(value, str) else repr(value))
    return PingResult(
        source_url, target_url, Outcome.REGISTERED, endpoint.protocol, endpoint.url, message=text
    )


def _classify(exc: Exception) -> Outcome:
    if isinstance(exc, Deferral):
        return Outcome.DEFERRED
    if isinstance(exc, DuplicatePing):
        return Outcome.ALREADY_REGISTERED
    if isinstance(exc, PingbackError):
        return Outcome.REFUSED
    if isinstance(exc, NoEndpoint):
        return Outcome.NO_ENDPOINT
    if isinstance(exc, BlockedURL):
        return Outcome.BLOCKED
    if isinstance(exc, (FetchTimeout, ConnectionFailed)):
        return Outcome.DEFERRED
    if isinstance(exc, BadStatus) and exc.status_code in (429, 503):
        return Outcome.DEFERRED  # the target page itself asked for patience
    return Outcome.FAILED


def result_for_error(
    source_url: str,
    target_url: str,
    exc: Exception,
    endpoint: Endpoint | None = None,
    attempts: int = 1,
) -> PingResult:
    """A failed ping as a result with a reason a person can read."""
    cause = exc.error if isinstance(exc, Deferral) else exc
    if isinstance(cause, PingbackError):
        message, fault_code = cause.message, cause.fault_code
    elif isinstance(cause, (FetchError, NoEndpoint, ValueError)):
        message, fault_code = str(cause), None
    else:
        message, fault_code = f"Unexpected error: {cause!r}", None
    return PingResult(
        source_url,
        target_url,
        _classify(exc),
        endpoint.protocol if endpoint else None,
        endpoint.url if endpoint else None,
        message,
        fault_code,
        attempts=attempts,
    )


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


# -- retries within a round (no I/O) -------------------------------------------


class _Round:
    """What the pings of one call share: the retry rules, the pace per host, the deadline."""

    def __init__(self, retry: RetryPolicy | None, max_wait: float | None) -> None:
        self.retry = retry or RetryPolicy()
        if max_wait is not None:
            self.retry = replace(self.retry, max_wait=max_wait)
        self.pacer = HostPacer()
        self.deadline = self.pacer.clock() + self.retry.max_wait
        self.stopped = threading.Event()

    def deferred(self, result: PingResult, seconds: float) -> PingResult:
        if result.attempts >= self.retry.max_attempts:
            return replace(
                result,
                outcome=Outcome.FAILED,
                message=f"Gave up after {result.attempts} attempts: {result.message}",
            )
        at = _utcnow() + timedelta(seconds=seconds)
        return replace(result, outcome=Outcome.DEFERRED, retry_at=at)

    def turn(self, job: Job, endpoint: Endpoint, attempts: int) -> float | PingResult:
        """Seconds to wait for the endpoint host's turn, or a deferred result past the deadline."""
        wait, taken = self.pacer.reserve(_host(endpoint.url), self.deadline)
        if taken:
            return wait
        waiting = PingResult(
            job.source_url,
            job.target_url,
            Outcome.DEFERRED,
            endpoint.protocol,
            endpoint.url,
            f"Not sent yet: {_host(endpoint.url)} asked for pings to be spaced.",
            attempts=attempts,
        )
        return self.deferred(waiting, wait)

    def after_failure(
        self, job: Job, endpoint: Endpoint | None, exc: Exception, attempts: int
    ) -> float | PingResult:
        """After a failed try: seconds to wait before trying again in this call, or the result."""
        result = result_for_error(job.source_url, job.target_url, exc, endpoint, attempts)
        if result.outcome is not Outcome.DEFERRED:
            return result
        retry = self.retry
        host = _host(endpoint.url if endpoint else job.target_url)
        asked: float | None = None
        if isinstance(exc, Deferral) and exc.flood:
            asked = retry.flood_interval
            self.pacer.slow_down(host, wait=asked, interval=asked)
        elif isinstance(exc, Deferral) and exc.asked is not None:
            asked = retry.delay(attempts, exc.asked)
            self.pacer.slow_down(host, wait=asked)
        if asked is None or endpoint is None or attempts >= retry.max_attempts:
            # Trouble rather than a request to wait: tried again later, not in this call.
            return self.deferred(result, retry.delay(attempts, asked))
        wait, taken = self.pacer.reserve(host, self.deadline)
        return wait if taken else self.deferred(result, wait)


def _sent_ping(result: PingResult, job: Job) -> SentPing:
    return SentPing(
        source_url=result.source_url,
        target_url=result.target_url,
        protocol=result.protocol or job.protocol,
        outcome=result.outcome.value,
        reason=result.message,
        last_tried=_utcnow(),
        attempts=result.attempts,
        retry_at=result.retry_at,
        status_url=result.status_url,
        linked=job.linked,
    )


def _record(history: SendHistory | None, result: PingResult, job: Job) -> None:
    """Write the result to the history; a history that cannot be written costs one log line."""
    if history is None:
        return
    try:
        history.record(_sent_ping(result, job))
    except Exception as exc:
        logger.error(
            "The send history could not record the ping from %s to %s (%s): %s: %s",
            result.source_url,
            result.target_url,
            result.outcome.value,
            type(exc).__name__,
            exc,
        )


def _previous(history: SendHistory, source_url: str) -> list[SentPing]:
    try:
        return list(history.sent_from(source_url))
    except Exception as exc:
        logger.error(
            "The send history could not be read for %s, so it is pinged as a new post: %s: %s",
            source_url,
            type(exc).__name__,
            exc,
        )
        return []


def _due(history: SendHistory, source_url: str | None, now: datetime | None) -> list[SentPing]:
    now = now or _utcnow()
    try:
        if source_url is None:
            return list(history.due(now))
        return [
            row
            for row in history.sent_from(source_url)
            if row.outcome == Outcome.DEFERRED.value
            and row.retry_at is not None
            and row.retry_at <= now
        ]
    except Exception as exc:
        logger.error(
            "The send history could not be read for deferred pings: %s: %s",
            type(exc).__name__,
            exc,
        )
        return []


def _known_results(plan: Plan, history: SendHistory | None) -> list[PingResult | None]:
    results: list[PingResult | None] = []
    for entry in plan.entries:
        if isinstance(entry, Known):
            results.append(entry.result)
            if entry.record:
                job = Job(entry.result.source_url, entry.result.target_url, "pingback", False)
                _record(history, entry.result, job)
        else:
            results.append(None)
    return results


# -- sync -------------------------------------------------------------------


def _post(fetcher: Fetcher, endpoint: Endpoint, source_url: str, target_url: str) -> PingResult:
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
    """Tell ``target_url`` that ``source_url`` links to it; one try, no retries.

    Discovers the target's endpoint (Webmention first, unless ``protocol``
    names one) and sends the ping. Returns the result when the target knows of
    the link (registered, accepted, or already registered: fault 48 is no
    failure). Raises otherwise, as pingdjack's ``ping`` did: the
    ``PingbackError`` subclass for a fault, ``FetchError`` for transport
    trouble (``BadStatus`` for an HTTP 429 or 503), ``NoEndpoint`` when the
    target advertises none.
    """
    check_urls(source_url, target_url)
    with _fetcher(policy, fetcher) as client:
        endpoint = discover_endpoint(target_url, protocol=protocol, fetcher=client)
        if endpoint is None:
            raise NoEndpoint(target_url)
        try:
            return _post(client, endpoint, source_url, target_url)
        except DuplicatePing as exc:
            return result_for_error(source_url, target_url, exc, endpoint)
        except Deferral as deferral:
            raise deferral.error from None


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


def _stopped(job: Job, attempts: int) -> PingResult:
    message = "The round was stopped before this ping was sent."
    return PingResult(
        job.source_url, job.target_url, Outcome.FAILED, message=message, attempts=attempts
    )


def _send_job(client: Fetcher, job: Job, round: _Round, slots: _HostSlots) -> PingResult:
    """One target: discover, wait for the host's turn, send; retry while the round allows."""
    attempts = job.attempts_before
    endpoint: Endpoint | None = None
    turn_taken = False
    while True:
        attempts += 1
        try:
            if endpoint is None:
                with slots.hold(_host(job.target_url)):
                    endpoint = discover_endpoint(
                        job.target_url, protocol=job.protocol, fetcher=client
                    )
                if endpoint is None:
                    raise NoEndpoint(job.target_url)
            if not turn_taken:
                turn = round.turn(job, endpoint, attempts)
                if isinstance(turn, PingResult):
                    return turn
                if round.stopped.wait(turn):
                    return _stopped(job, attempts)
            turn_taken = False
            with slots.hold(_host(endpoint.url)):
                result = _post(client, endpoint, job.source_url, job.target_url)
            return replace(result, attempts=attempts)
        except Exception as exc:
            step = round.after_failure(job, endpoint, exc, attempts)
            if isinstance(step, PingResult):
                return step
            if round.stopped.wait(step):
                return _stopped(job, attempts)
            turn_taken = True


def _run(
    plan: Plan,
    *,
    concurrency: int,
    policy: FetchPolicy | None,
    progress: Progress | None,
    history: SendHistory | None,
    retry: RetryPolicy | None,
    max_wait: float | None,
) -> list[PingResult]:
    results = _known_results(plan, history)
    total = len(results)
    done = 0
    for result in results:
        if result is not None and progress is not None:
            done += 1
            progress(done, total, result)
    jobs = {index: entry for index, entry in enumerate(plan.entries) if isinstance(entry, Job)}
    if jobs:
        round, slots = _Round(retry, max_wait), _HostSlots()
        with Fetcher(policy) as client:
            pool = ThreadPoolExecutor(max(1, concurrency))
            try:
                futures = {
                    pool.submit(_send_job, client, job, round, slots): index
                    for index, job in jobs.items()
                }
                for future in as_completed(futures):
                    index = futures[future]
                    result = future.result()
                    results[index] = result
                    _record(history, result, jobs[index])
                    done += 1
                    if progress is not None:
                        progress(done, total, result)
            except BaseException:
                # Ctrl-C, or a progress callback that raised: pings not yet started
                # are dropped rather than waited for, waits end, and those in
                # flight end at their deadline.
                round.stopped.set()
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            pool.shutdown()
    return [result for result in results if result is not None]


def ping_external_urls(
    source_url: str,
    html: str | bytes,
    root_url: str,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    policy: FetchPolicy | None = None,
    protocol: str | None = None,
    progress: Progress | None = None,
    history: SendHistory | None = None,
    force: bool = False,
    max_wait: float | None = None,
    retry: RetryPolicy | None = None,
) -> list[PingResult]:
    """Ping every link of ``html`` outside ``root_url``; never stops on one failure.

    Each target is sent as the page first spells it (see ``external_links``).
    Returns one ``PingResult`` per target, in document order, failures
    included. ``progress(done, total, result)`` is called in the caller's
    thread as each ping finishes.

    With a ``history``, the post may be an update: a Pingback target
    registered from this source before is not pinged again (``force=True``
    pings it anyway; its result reads "already registered"), and every
    Webmention target the source linked before and links no more is re-sent
    too (its results follow the linked ones). Pingback has no way to withdraw:
    a Pingback target no longer linked is sent nothing, and its result says so
    once (``not withdrawn``). Every attempt is recorded.

    A receiver that asks for patience (fault 429, HTTP 429 or 503 with
    ``Retry-After``) slows pings to its host; the call waits for its turn at
    most ``max_wait`` seconds in all (``RetryPolicy.max_wait``, 60 by default),
    then leaves the rest ``deferred`` with a ``retry_at`` for ``retry_deferred``.
    Timeouts and connection errors are deferred at once.
    """
    check_urls(source_url, root_url, names=("source_url", "root_url"))
    targets = external_links(html, root_url, base_url=source_url)
    previous = _previous(history, source_url) if history is not None else []
    plan = plan_links(source_url, targets, previous, protocol=protocol, force=force)
    return _run(
        plan,
        concurrency=concurrency,
        policy=policy,
        progress=progress,
        history=history,
        retry=retry,
        max_wait=max_wait,
    )


def ping_deleted(
    source_url: str,
    *,
    history: SendHistory,
    concurrency: int = DEFAULT_CONCURRENCY,
    policy: FetchPolicy | None = None,
    progress: Progress | None = None,
    max_wait: float | None = None,
    retry: RetryPolicy | None = None,
) -> list[PingResult]:
    """Tell every target ``source_url`` ever mentioned that it is gone.

    Call it once the source answers 410 Gone: each Webmention receiver fetches
    the source, sees the 410 and deletes the mention. Pingback targets are sent
    nothing (Pingback cannot withdraw); their results read ``not withdrawn``.
    """
    if not is_http_url(source_url):
        raise ValueError(f"source_url must be an absolute http(s) URL, not {source_url!r}")
    plan = plan_deleted(_previous(history, source_url))
    return _run(
        plan,
        concurrency=concurrency,
        policy=policy,
        progress=progress,
        history=history,
        retry=retry,
        max_wait=max_wait,
    )


def retry_deferred(
    history: SendHistory,
    *,
    source_url: str | None = None,
    now: datetime | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    policy: FetchPolicy | None = None,
    progress: Progress | None = None,
    max_wait: float | None = None,
    retry: RetryPolicy | None = None,
) -> list[PingResult]:
    """Try again every deferred ping that is due (of ``source_url`` only, if given).

    For a task queue or a periodic job. A ping deferred again gets a later
    ``retry_at`` (exponential backoff, or what the receiver asked for); after
    ``RetryPolicy.max_attempts`` tries it is given up (``failed``).
    """
    plan = plan_retries(_due(history, source_url, now))
    return _run(
        plan,
        concurrency=concurrency,
        policy=policy,
        progress=progress,
        history=history,
        retry=retry,
        max_wait=max_wait,
    )


# -- async ------------------------------------------------------------------


async def _apost(
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
        try:
            return await _apost(client, endpoint, source_url, target_url)
        except DuplicatePing as exc:
            return result_for_error(source_url, target_url, exc, endpoint)
        except Deferral as deferral:
            raise deferral.error from None
    finally:
        if fetcher is None:
            await client.aclose()


class _AsyncHostSlots:
    def __init__(self, per_host: int = PER_HOST) -> None:
        self._slots: dict[str, anyio.Semaphore] = defaultdict(lambda: anyio.Semaphore(per_host))

    def hold(self, host: str) -> anyio.Semaphore:
        return self._slots[host]


async def _asend_job(
    client: AsyncFetcher, job: Job, round: _Round, slots: _AsyncHostSlots
) -> PingResult:
    """The async twin of ``_send_job``."""
    attempts = job.attempts_before
    endpoint: Endpoint | None = None
    turn_taken = False
    while True:
        attempts += 1
        try:
            if endpoint is None:
                async with slots.hold(_host(job.target_url)):
                    endpoint = await adiscover_endpoint(
                        job.target_url, protocol=job.protocol, fetcher=client
                    )
                if endpoint is None:
                    raise NoEndpoint(job.target_url)
            if not turn_taken:
                turn = round.turn(job, endpoint, attempts)
                if isinstance(turn, PingResult):
                    return turn
                await anyio.sleep(turn)
            turn_taken = False
            async with slots.hold(_host(endpoint.url)):
                result = await _apost(client, endpoint, job.source_url, job.target_url)
            return replace(result, attempts=attempts)
        except Exception as exc:
            step = round.after_failure(job, endpoint, exc, attempts)
            if isinstance(step, PingResult):
                return step
            await anyio.sleep(step)
            turn_taken = True


async def _arun(
    plan: Plan,
    *,
    concurrency: int,
    policy: FetchPolicy | None,
    progress: Progress | None,
    history: SendHistory | None,
    retry: RetryPolicy | None,
    max_wait: float | None,
) -> list[PingResult]:
    results = _known_results(plan, history)
    total = len(results)
    done = 0
    for result in results:
        if result is not None and progress is not None:
            done += 1
            progress(done, total, result)
    jobs = {index: entry for index, entry in enumerate(plan.entries) if isinstance(entry, Job)}
    if not jobs:
        return [result for result in results if result is not None]
    round, slots = _Round(retry, max_wait), _AsyncHostSlots()
    limiter = anyio.CapacityLimiter(max(1, concurrency))

    async def one(client: AsyncFetcher, index: int, job: Job) -> None:
        nonlocal done
        async with limiter:
            result = await _asend_job(client, job, round, slots)
        results[index] = result
        _record(history, result, job)
        done += 1
        if progress is not None:
            progress(done, total, result)

    async with AsyncFetcher(policy) as client, anyio.create_task_group() as group:
        for index, job in jobs.items():
            group.start_soon(one, client, index, job)
    return [result for result in results if result is not None]


async def aping_external_urls(
    source_url: str,
    html: str | bytes,
    root_url: str,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    policy: FetchPolicy | None = None,
    protocol: str | None = None,
    progress: Progress | None = None,
    history: SendHistory | None = None,
    force: bool = False,
    max_wait: float | None = None,
    retry: RetryPolicy | None = None,
) -> list[PingResult]:
    """The async twin of ``ping_external_urls``."""
    check_urls(source_url, root_url, names=("source_url", "root_url"))
    targets = external_links(html, root_url, base_url=source_url)
    previous = _previous(history, source_url) if history is not None else []
    plan = plan_links(source_url, targets, previous, protocol=protocol, force=force)
    return await _arun(
        plan,
        concurrency=concurrency,
        policy=policy,
        progress=progress,
        history=history,
        retry=retry,
        max_wait=max_wait,
    )


async def aping_deleted(
    source_url: str,
    *,
    history: SendHistory,
    concurrency: int = DEFAULT_CONCURRENCY,
    policy: FetchPolicy | None = None,
    progress: Progress | None = None,
    max_wait: float | None = None,
    retry: RetryPolicy | None = None,
) -> list[PingResult]:
    """The async twin of ``ping_deleted``."""
    if not is_http_url(source_url):
        raise ValueError(f"source_url must be an absolute http(s) URL, not {source_url!r}")
    plan = plan_deleted(_previous(history, source_url))
    return await _arun(
        plan,
        concurrency=concurrency,
        policy=policy,
        progress=progress,
        history=history,
        retry=retry,
        max_wait=max_wait,
    )


async def aretry_deferred(
    history: SendHistory,
    *,
    source_url: str | None = None,
    now: datetime | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    policy: FetchPolicy | None = None,
    progress: Progress | None = None,
    max_wait: float | None = None,
    retry: RetryPolicy | None = None,
) -> list[PingResult]:
    """The async twin of ``retry_deferred``."""
    plan = plan_retries(_due(history, source_url, now))
    return await _arun(
        plan,
        concurrency=concurrency,
        policy=policy,
        progress=progress,
        history=history,
        retry=retry,
        max_wait=max_wait,
    )
