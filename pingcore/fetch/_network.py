"""Connections: resolve once, check every address, connect only to a checked one.

These are httpcore network backends, sync and async, that also hold each
socket operation to the request's deadline.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import anyio
import anyio.to_thread
import httpcore

from ._policy import FetchPolicy, Refused, Resolver, check_addresses, ip_literal

__all__ = ["DEADLINE", "AsyncPinnedBackend", "Deadline", "PinnedBackend", "system_resolver"]


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses getaddrinfo gives for ``host`` (TCP), in its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _connect_failure(host: str, port: int, failures: list[Exception]) -> Exception:
    detail = "; ".join(str(f) for f in failures)
    if all(isinstance(f, httpcore.ConnectTimeout) for f in failures):
        return httpcore.ConnectTimeout(f"connecting to {host} port {port} timed out ({detail})")
    return httpcore.ConnectError(f"could not connect to {host} port {port} ({detail})")


def _resolve_failure(host: str, exc: Exception) -> httpcore.ConnectError:
    if isinstance(exc, socket.gaierror):
        return httpcore.ConnectError(f"the host name {host} does not resolve ({exc.strerror})")
    return httpcore.ConnectError(f"the host name {host} could not be resolved ({exc})")


def _valid_addresses(host: str, answer: Sequence[str]) -> list[str]:
    addresses = [str(a) for a in answer]
    if not addresses:
        raise httpcore.ConnectError(f"the host name {host} resolves to no address")
    for address in addresses:
        if ip_literal(address.split("%")[0]) is None:
            raise httpcore.ConnectError(f"{host} resolved to {address!r}, not an IP address")
    return addresses


class Deadline:
    """When a request must be done by (on ``time.monotonic()``), and the anyio scope
    that holds an async request to it.

    The time the policy's ``before_connect`` hook takes is added back: that hook counts
    rate limits, and a store slow to answer (a busy SQLite file, a slow Redis) is not the
    source being slow. The store's own timeout bounds that wait.
    """

    __slots__ = ("at", "scope")

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.scope: anyio.CancelScope | None = None

    def left(self) -> float:
        return self.at - time.monotonic()

    @contextlib.contextmanager
    def excused(self) -> Iterator[None]:
        """The time the block takes, on something not the request's own, is added back.

        The anyio scope is held open meanwhile: once it has fired, giving the time back
        could not undo that.
        """
        scope = self.scope
        started = time.monotonic()
        if scope is not None:
            held, scope.deadline = scope.deadline, math.inf
        try:
            yield
        finally:
            spent = time.monotonic() - started
            self.at += spent
            if scope is not None:
                scope.deadline = held + spent


# The deadline of the request running in this thread (or task), read by the sync
# socket wrappers and by the hook's timing below; each thread and task has its own.
DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "pingcore_fetch_deadline", default=None
)


def _excused() -> contextlib.AbstractContextManager[None]:
    """The running request's ``Deadline.excused()``; nothing outside a request."""
    deadline = DEADLINE.get()
    return deadline.excused() if deadline is not None else contextlib.nullcontext()


def _before_connect(policy: FetchPolicy, host: str, addresses: Sequence[str]) -> None:
    """The policy's hook, its time not charged to the request's deadline."""
    if policy.before_connect is not None:
        with _excused():
            policy.before_connect(host, addresses)


async def _abefore_connect(policy: FetchPolicy, host: str, addresses: Sequence[str]) -> None:
    """``_before_connect`` for the async backend: the hook in a worker thread, as it
    may wait on a store (a locked SQLite file, a slow Redis) that would otherwise
    stop the event loop."""
    if policy.before_connect is not None:
        with _excused():
            await anyio.to_thread.run_sync(policy.before_connect, host, addresses)


class _DeadlinePassed(httpcore.TimeoutException):
    """The request's own deadline passed (not merely one connection attempt's timeout)."""


def _until_deadline(timeout: float | None) -> float | None:
    """``timeout`` shortened to what is left of the deadline; raise once it has passed."""
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline.left()
    if remaining <= 0:
        raise _DeadlinePassed("the deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write ends by the request's deadline.

    httpcore gives each read the whole read timeout, so a server trickling a
    byte at a time would otherwise never be cut off.
    """

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _until_deadline(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _until_deadline(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _until_deadline(timeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def _run_with_timeout(
    function: Resolver, host: str, port: int, timeout: float | None
) -> Sequence[str]:
    """Run a lookup in a daemon thread, so a hung resolver cannot outlast the deadline."""
    answer: list[Sequence[str]] = []
    failure: list[Exception] = []
    finished = threading.Event()

    def run() -> None:
        try:
            answer.append(function(host, port))
        except Exception as exc:  # handed over to the waiting thread
            failure.append(exc)
        finally:
            finished.set()

    threading.Thread(target=run, name=f"pingcore-resolve {host}", daemon=True).start()
    if not finished.wait(timeout):
        raise _DeadlinePassed(f"the deadline passed while looking up {host}")
    if failure:
        raise _resolve_failure(host, failure[0])
    return answer[0]


class PinnedBackend(httpcore.NetworkBackend):
    """Resolves once, checks every address, and connects only to a checked one.

    httpcore still hands the host name to start_tls, so SNI and the certificate
    check stay on the name while the socket goes to the address checked here:
    no second lookup for a DNS rebinding attack to answer differently.
    """

    def __init__(self, policy: FetchPolicy) -> None:
        self._policy = policy
        self._resolver = policy.resolver or system_resolver
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        literal = ip_literal(host)
        if literal is not None:
            answer: Sequence[str] = [literal]
        else:
            wait = _until_deadline(None)
            answer = _run_with_timeout(self._resolver, host, port, wait)
        addresses = _valid_addresses(host, answer)
        check_addresses(host, port, addresses, self._policy)
        _before_connect(self._policy, host, addresses)
        failures: list[Exception] = []
        for address in addresses:
            attempt = _until_deadline(timeout)
            try:
                stream = self._backend.connect_tcp(
                    address, port, attempt, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failures.append(exc)
                continue
            return _DeadlineStream(stream)
        raise _connect_failure(host, port, failures)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise Refused("Unix sockets are never used", address=True)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class AsyncPinnedBackend(httpcore.AsyncNetworkBackend):
    """The async twin of PinnedBackend; the deadline is the caller's anyio scope."""

    def __init__(self, policy: FetchPolicy) -> None:
        self._policy = policy
        self._resolver = policy.resolver or system_resolver
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        literal = ip_literal(host)
        if literal is not None:
            answer: Sequence[str] = [literal]
        else:
            try:
                answer = await anyio.to_thread.run_sync(
                    self._resolver, host, port, abandon_on_cancel=True
                )
            except Exception as exc:
                raise _resolve_failure(host, exc) from exc
        addresses = _valid_addresses(host, answer)
        check_addresses(host, port, addresses, self._policy)
        await _abefore_connect(self._policy, host, addresses)
        failures: list[Exception] = []
        for address in addresses:
            try:
                return await self._backend.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failures.append(exc)
        raise _connect_failure(host, port, failures)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Refused("Unix sockets are never used", address=True)

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)
