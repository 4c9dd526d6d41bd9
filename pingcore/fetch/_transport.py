"""Transports: httpx on top of an httpcore pool that connects through the pinned backends."""

from __future__ import annotations

import functools
import http.cookiejar
import ssl
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import httpcore
import httpx

from ._network import AsyncPinnedBackend, PinnedBackend
from ._policy import FetchPolicy

__all__ = ["AsyncTransport", "Transport", "client_options"]


@functools.lru_cache(maxsize=1)
def _default_ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle takes a while; one context serves every fetcher.
    return httpx.create_ssl_context(verify=True, trust_env=False)


def _ssl_context(policy: FetchPolicy) -> ssl.SSLContext:
    if isinstance(policy.verify, ssl.SSLContext):
        return policy.verify
    if policy.verify:
        return _default_ssl_context()
    return httpx.create_ssl_context(verify=False, trust_env=False)


def _core_request(request: httpx.Request) -> httpcore.Request:
    url = httpcore.URL(
        scheme=request.url.raw_scheme,
        host=request.url.raw_host,
        port=request.url.port,
        target=request.url.raw_path,
    )
    return httpcore.Request(
        request.method,
        url,
        headers=request.headers.raw,
        content=request.stream,
        extensions=request.extensions,
    )


_POOL_LIMITS: dict[str, Any] = {
    "max_connections": 100,
    "max_keepalive_connections": 20,
    "keepalive_expiry": 5.0,
}


class _ByteStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class _AsyncByteStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for part in self._stream:
            yield part

    async def aclose(self) -> None:
        aclose = getattr(self._stream, "aclose", None)
        if aclose is not None:
            await aclose()


class Transport(httpx.BaseTransport):
    """httpx's HTTPTransport, minus proxies and exception mapping, on a pinned pool."""

    def __init__(self, policy: FetchPolicy) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(policy), network_backend=PinnedBackend(policy), **_POOL_LIMITS
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._pool.handle_request(_core_request(request))
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            response.status,
            headers=response.headers,
            stream=_ByteStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class AsyncTransport(httpx.AsyncBaseTransport):
    def __init__(self, policy: FetchPolicy) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(policy),
            network_backend=AsyncPinnedBackend(policy),
            **_POOL_LIMITS,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._pool.handle_async_request(_core_request(request))
        return httpx.Response(
            response.status,
            headers=response.headers,
            stream=_AsyncByteStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


def client_options() -> dict[str, Any]:
    # No proxies or netrc from the environment, no redirects behind our back,
    # and no cookies carried from one site's answer into the next request.
    no_cookies = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return {"trust_env": False, "follow_redirects": False, "cookies": no_cookies}
