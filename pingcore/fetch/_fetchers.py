"""The fetchers: ``Fetcher`` and its async twin, which differ only where I/O happens."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Generator, Mapping
from contextlib import AbstractContextManager
from typing import cast

import anyio
import httpx

from ..errors import FetchTimeout
from ._bodies import Body, HeadersStop, StopWhen, byte_limit
from ._failures import timeout_error, translated
from ._network import DEADLINE, Deadline
from ._policy import FetchPolicy
from ._redirects import Hop, Journey
from ._response import FetchResponse
from ._transport import AsyncTransport, Transport, client_options

__all__ = ["AsyncFetcher", "Fetcher"]


class _Exchange:
    """One call of ``request``: its route, cap and deadline, and every step that does no I/O.

    The twins drive it through the same steps, and differ only where they wait.
    """

    def __init__(
        self,
        policy: FetchPolicy,
        journey: Journey,
        limit: int,
        truncate: bool,
        stop_when: StopWhen | None,
        stop_on_headers: HeadersStop | None,
    ) -> None:
        self.policy = policy
        self.journey = journey
        self.deadline = Deadline(policy.timeout)
        self._limit = limit
        self._truncate = truncate
        self._stop_when = stop_when
        self._stop_on_headers = stop_on_headers

    def failures(self, hop: Hop) -> AbstractContextManager[None]:
        """Where what the network stack raises for ``hop`` becomes a FetchError."""
        return translated(hop.url, self.policy, self.deadline)

    def request(self, client: httpx.Client | httpx.AsyncClient, hop: Hop) -> httpx.Request:
        """``hop`` as httpx's request, allowed what is left of the deadline."""
        return client.build_request(
            hop.method,
            hop.url,
            headers=hop.headers,
            content=hop.body,
            timeout=self.journey.timeout(self.deadline.left()),
        )

    def body(self, hop: Hop, response: httpx.Response) -> Body | None:
        """The body to read from ``hop``'s answer; None when the answer is a redirect followed."""
        if self.journey.follow(response.status_code, response.headers.get("location")):
            return None
        return Body(
            str(hop.url),
            hop.method,
            response.headers,
            self._limit,
            self._truncate,
            self._stop_when,
            self._stop_on_headers,
        )

    def timed_out(self) -> FetchTimeout:
        return timeout_error(str(self.journey.hop.url), self.policy)


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
        exchange = _Exchange(
            self.policy,
            Journey.start(self.policy, method, url, headers, content, data, follow_redirects),
            byte_limit(self.policy, max_bytes),
            truncate,
            stop_when,
            stop_on_headers,
        )
        token = DEADLINE.set(exchange.deadline)
        try:
            while True:
                hop = exchange.journey.hop
                with exchange.failures(hop):
                    response = self._client.send(exchange.request(self._client, hop), stream=True)
                try:
                    body = exchange.body(hop, response)
                    if body is None:
                        continue
                    with contextlib.closing(
                        cast(Generator[bytes, None, None], response.iter_raw())
                    ) as chunks:
                        while not body.done:
                            with exchange.failures(hop):
                                chunk = next(chunks, None)
                            if chunk is None:
                                break
                            body.feed(chunk)
                            # Each socket read ends by the deadline; this catches time between.
                            if exchange.deadline.left() < 0:
                                raise exchange.timed_out()
                    return body.response(str(hop.url), response.status_code, response.headers)
                finally:
                    with exchange.failures(hop):
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
        exchange = _Exchange(
            self.policy,
            Journey.start(self.policy, method, url, headers, content, data, follow_redirects),
            byte_limit(self.policy, max_bytes),
            truncate,
            stop_when,
            stop_on_headers,
        )
        token = DEADLINE.set(exchange.deadline)
        try:
            with anyio.fail_after(self.policy.timeout) as scope:
                exchange.deadline.scope = scope
                while True:
                    hop = exchange.journey.hop
                    with exchange.failures(hop):
                        request = exchange.request(self._client, hop)
                        response = await self._client.send(request, stream=True)
                    try:
                        body = exchange.body(hop, response)
                        if body is None:
                            continue
                        async with contextlib.aclosing(
                            cast(AsyncGenerator[bytes, None], response.aiter_raw())
                        ) as chunks:
                            while not body.done:
                                with exchange.failures(hop):
                                    chunk = await anext(chunks, None)
                                if chunk is None:
                                    break
                                body.feed(chunk)
                        return body.response(str(hop.url), response.status_code, response.headers)
                    finally:
                        with exchange.failures(hop):
                            await response.aclose()
        except TimeoutError:
            # Only anyio's scope raises it here: everything inside is translated.
            raise exchange.timed_out() from None
        finally:
            DEADLINE.reset(token)

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
