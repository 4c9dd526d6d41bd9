"""The fetchers: ``Fetcher`` and its async twin, which differ only where I/O happens."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncGenerator, Generator, Mapping
from typing import cast

import anyio
import httpx

from ._bodies import Body, HeadersStop, StopWhen, byte_limit
from ._failures import timeout_error, translated
from ._network import DEADLINE
from ._policy import FetchPolicy
from ._redirects import Journey
from ._response import FetchResponse
from ._transport import AsyncTransport, Transport, client_options

__all__ = ["AsyncFetcher", "Fetcher"]


class Fetcher:
    """Fetches URLs under a FetchPolicy. One instance can serve many threads at once.

    Close it when done (or use it as a context manager): it keeps connections
    open for reuse.
    """

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy if policy is not None else FetchPolicy()
        self._client = httpx.Client(transport=Transport(self.policy), **client_options())

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        data: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
        stop_when: StopWhen | None = None,
        stop_on_headers: HeadersStop | None = None,
        follow_redirects: bool = True,
    ) -> FetchResponse:
        """Send one request, following redirects, and read the decoded body.

        ``data`` is sent form-encoded; ``content`` as it is. ``max_bytes``
        overrides the policy's cap for this request; past the cap the request
        fails with ResponseTooLarge, unless ``truncate`` asks for the first
        ``max_bytes`` bytes instead. ``stop_when`` sees the decoded body so far
        after each chunk and stops the reading by returning True;
        ``stop_on_headers`` sees the final response's headers and, returning
        True, skips the body altogether. Every failure
        is a FetchError; ``raise_for_status`` turns 4xx/5xx answers into one.
        """
        policy = self.policy
        journey = Journey.start(policy, method, url, headers, content, data, follow_redirects)
        limit = byte_limit(policy, max_bytes)
        deadline = time.monotonic() + policy.timeout
        token = DEADLINE.set(deadline)
        try:
            while True:
                hop = journey.hop
                with translated(hop.url, policy, deadline):
                    remaining = deadline - time.monotonic()
                    request = self._client.build_request(
                        hop.method,
                        hop.url,
                        headers=hop.headers,
                        content=hop.body,
                        timeout=journey.timeout(remaining),
                    )
                    response = self._client.send(request, stream=True)
                try:
                    if journey.follow(response.status_code, response.headers.get("location")):
                        continue
                    body = Body(
                        str(hop.url),
                        hop.method,
                        response.headers,
                        limit,
                        truncate,
                        stop_when,
                        stop_on_headers,
                    )
                    with contextlib.closing(
                        cast(Generator[bytes, None, None], response.iter_raw())
                    ) as chunks:
                        while not body.done:
                            with translated(hop.url, policy, deadline):
                                chunk = next(chunks, None)
                            if chunk is None:
                                break
                            body.feed(chunk)
                            if time.monotonic() > deadline:
                                raise timeout_error(str(hop.url), policy)
                    return body.response(str(hop.url), response.status_code, response.headers)
                finally:
                    with translated(hop.url, policy, deadline):
                        response.close()
        finally:
            DEADLINE.reset(token)

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
        stop_when: StopWhen | None = None,
        stop_on_headers: HeadersStop | None = None,
        follow_redirects: bool = True,
    ) -> FetchResponse:
        """A GET request; see ``request``."""
        return self.request(
            "GET",
            url,
            headers=headers,
            max_bytes=max_bytes,
            truncate=truncate,
            stop_when=stop_when,
            stop_on_headers=stop_on_headers,
            follow_redirects=follow_redirects,
        )

    def post(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        data: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
        stop_when: StopWhen | None = None,
        stop_on_headers: HeadersStop | None = None,
        follow_redirects: bool = True,
    ) -> FetchResponse:
        """A POST request; see ``request``."""
        return self.request(
            "POST",
            url,
            headers=headers,
            content=content,
            data=data,
            max_bytes=max_bytes,
            truncate=truncate,
            stop_when=stop_when,
            stop_on_headers=stop_on_headers,
            follow_redirects=follow_redirects,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncFetcher:
    """The async twin of Fetcher. One instance can serve many tasks at once."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy if policy is not None else FetchPolicy()
        self._client = httpx.AsyncClient(transport=AsyncTransport(self.policy), **client_options())

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        data: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
        stop_when: StopWhen | None = None,
        stop_on_headers: HeadersStop | None = None,
        follow_redirects: bool = True,
    ) -> FetchResponse:
        """Send one request, following redirects, and read the decoded body.

        Same arguments and results as ``Fetcher.request``.
        """
        policy = self.policy
        journey = Journey.start(policy, method, url, headers, content, data, follow_redirects)
        limit = byte_limit(policy, max_bytes)
        deadline = time.monotonic() + policy.timeout
        try:
            with anyio.fail_after(policy.timeout):
                while True:
                    hop = journey.hop
                    with translated(hop.url, policy, deadline):
                        request = self._client.build_request(
                            hop.method,
                            hop.url,
                            headers=hop.headers,
                            content=hop.body,
                            timeout=journey.timeout(deadline - time.monotonic()),
                        )
                        response = await self._client.send(request, stream=True)
                    try:
                        if journey.follow(response.status_code, response.headers.get("location")):
                            continue
                        body = Body(
                            str(hop.url),
                            hop.method,
                            response.headers,
                            limit,
                            truncate,
                            stop_when,
                            stop_on_headers,
                        )
                        async with contextlib.aclosing(
                            cast(AsyncGenerator[bytes, None], response.aiter_raw())
                        ) as chunks:
                            while not body.done:
                                with translated(hop.url, policy, deadline):
                                    chunk = await anext(chunks, None)
                                if chunk is None:
                                    break
                                body.feed(chunk)
                        return body.response(str(hop.url), response.status_code, response.headers)
                    finally:
                        with translated(hop.url, policy, deadline):
                            await response.aclose()
        except TimeoutError:
            # Only anyio's scope raises it here: everything inside is translated.
            raise timeout_error(str(journey.hop.url), policy) from None

    async def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
        stop_when: StopWhen | None = None,
        stop_on_headers: HeadersStop | None = None,
        follow_redirects: bool = True,
    ) -> FetchResponse:
        """A GET request; see ``request``."""
        return await self.request(
            "GET",
            url,
            headers=headers,
            max_bytes=max_bytes,
            truncate=truncate,
            stop_when=stop_when,
            stop_on_headers=stop_on_headers,
            follow_redirects=follow_redirects,
        )

    async def post(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        data: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
        stop_when: StopWhen | None = None,
        stop_on_headers: HeadersStop | None = None,
        follow_redirects: bool = True,
    ) -> FetchResponse:
        """A POST request; see ``request``."""
        return await self.request(
            "POST",
            url,
            headers=headers,
            content=content,
            data=data,
            max_bytes=max_bytes,
            truncate=truncate,
            stop_when=stop_when,
            stop_on_headers=stop_on_headers,
            follow_redirects=follow_redirects,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> AsyncFetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
