"""Fixtures for the core tests: the anyio backend, the fetcher twins, a stand-in internet,
the threads a server reads pages in."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from ipaddress import ip_address
from typing import Any

import anyio
import httpcore
import pytest

import pingcore.server
from pingcore.fetch import AsyncFetcher, Fetcher, FetchPolicy, FetchResponse


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the only one installed


@pytest.fixture(params=["sync", "async"])
def fetch(request: pytest.FixtureRequest) -> Callable[..., FetchResponse]:
    """One request through a fresh Fetcher, then a fresh AsyncFetcher (the test runs twice).

    Called as fetch(url, policy=..., method="GET", **request_keywords); the policy
    defaults to one that reaches loopback servers on any port.
    """

    def call(
        url: str, *, policy: FetchPolicy | None = None, method: str = "GET", **kw: Any
    ) -> FetchResponse:
        policy = policy or FetchPolicy(allow_private_addresses=True, timeout=5.0)
        if request.param == "sync":
            with Fetcher(policy) as fetcher:
                return fetcher.request(method, url, **kw)

        async def run() -> FetchResponse:
            async with AsyncFetcher(policy) as fetcher:
                return await fetcher.request(method, url, **kw)

        return anyio.run(run)

    return call


class FakeInternet:
    """Where httpcore's sockets may go: loopback, and public addresses mapped onto it.

    This machine must never send traffic past loopback, so in tests a public
    address (say 93.184.215.14:80) is a route to a local server, and any other
    destination fails as if unreachable, without a packet sent. ``attempts``
    records every (host, port) the code under test tried, in order. DNS is
    cut off too: getaddrinfo answers only for "localhost" and numeric hosts.
    """

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []
        self._routes: dict[tuple[str, int], tuple[str, int]] = {}

    def route(self, address: str, port: int, *, to_port: int, to_host: str = "127.0.0.1") -> None:
        """Make connections to address:port reach the local server at to_host:to_port."""
        self._routes[(address, port)] = (to_host, to_port)

    def destination(self, host: str, port: int) -> tuple[str, int]:
        self.attempts.append((host, port))
        if (host, port) in self._routes:
            return self._routes[(host, port)]
        try:
            loopback = ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            # The fetcher connects to checked addresses only, never to names.
            raise httpcore.ConnectError(
                f"test network: asked to connect to a name, {host}"
            ) from None
        if not loopback:
            raise httpcore.ConnectError(f"test network: no route to {host} (not loopback)")
        return host, port


@pytest.fixture
def fake_internet(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeInternet]:
    """Patch getaddrinfo and httpcore's own backends (under pingcore's) to use FakeInternet."""
    internet = FakeInternet()
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(
        host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> Any:
        if host != "localhost":
            flags |= socket.AI_NUMERICHOST  # a name would mean a DNS query off this machine
        return real_getaddrinfo(host, port, family, type, proto, flags)

    sync_connect = httpcore.SyncBackend.connect_tcp
    async_connect = httpcore.AnyIOBackend.connect_tcp

    def connect(self: httpcore.SyncBackend, host: str, port: int, *args: Any) -> Any:
        return sync_connect(self, *internet.destination(host, port), *args)

    async def aconnect(self: httpcore.AnyIOBackend, host: str, port: int, *args: Any) -> Any:
        return await async_connect(self, *internet.destination(host, port), *args)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", connect)
    monkeypatch.setattr(httpcore.AnyIOBackend, "connect_tcp", aconnect)
    yield internet


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def reading_threads(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[int]]:
    """The threads the servers read source pages in: the real reader, watched."""
    threads: set[int] = set()
    read = pingcore.server.parse_source

    def watched(*args: Any, **kwargs: Any) -> Any:
        threads.add(threading.get_ident())
        return read(*args, **kwargs)

    monkeypatch.setattr(pingcore.server, "parse_source", watched)
    yield threads
