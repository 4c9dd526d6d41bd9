"""Redirects: the route a request takes, hop by hop, and what each hop may carry along."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from ..errors import BlockedURL, TooManyRedirects
from ._bodies import ACCEPT_ENCODING
from ._policy import FetchPolicy, checked_url

__all__ = ["Hop", "Journey"]

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# The fetcher frames requests and decodes bodies itself, so these are not the caller's.
_FETCHER_HEADERS = frozenset(
    {"host", "accept-encoding", "content-length", "transfer-encoding", "connection"}
)
# Credentials meant for one origin must not follow a redirect to another.
_ORIGIN_BOUND_HEADERS = ("authorization", "cookie", "proxy-authorization")


@dataclass(frozen=True)
class Hop:
    method: str
    url: httpx.URL
    headers: httpx.Headers
    body: bytes | None


def _same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


class Journey:
    """The current hop of a request, and the rules for moving to the next one."""

    def __init__(self, policy: FetchPolicy, hop: Hop, follow_redirects: bool) -> None:
        self._policy = policy
        self._follow = follow_redirects
        self._start = hop.url
        self._seen = {(hop.method, str(hop.url.copy_with(fragment=None)))}
        self._redirects = 0
        self.hop = hop

    @classmethod
    def start(
        cls,
        policy: FetchPolicy,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        data: Mapping[str, str] | None,
        follow_redirects: bool,
    ) -> Journey:
        if content is not None and data is not None:
            raise ValueError("pass content or data, not both")
        request_headers = httpx.Headers({"User-Agent": policy.user_agent, "Accept": "*/*"})
        for name, value in (headers or {}).items():
            if name.lower() not in _FETCHER_HEADERS:
                request_headers[name] = value
        request_headers["Accept-Encoding"] = ACCEPT_ENCODING
        body = content
        if data is not None:
            body = urlencode(data).encode("ascii")
            request_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        hop = Hop(method.upper(), checked_url(url, policy), request_headers, body)
        return cls(policy, hop, follow_redirects)

    def timeout(self, remaining: float) -> httpx.Timeout:
        remaining = max(remaining, 0.001)
        return httpx.Timeout(remaining, connect=min(self._policy.connect_timeout, remaining))

    def follow(self, status_code: int, location: str | None) -> bool:
        """Move to the hop a redirect points at; False when this answer is final."""
        if not self._follow or status_code not in _REDIRECT_STATUSES or location is None:
            return False
        here = self.hop
        if self._redirects >= self._policy.max_redirects:
            raise TooManyRedirects(
                f"{self._start} redirected more than {self._policy.max_redirects} times "
                f"(the last hop, {here.url}, points at {location}).",
                url=str(here.url),
            )
        try:
            target = here.url.join(location.strip())
        except (httpx.InvalidURL, ValueError, TypeError) as exc:
            raise BlockedURL(
                f"{here.url} redirects to {location!r}, which is not a valid URL ({exc}).",
                url=str(here.url),
            ) from None
        try:
            target = checked_url(str(target), self._policy)
        except BlockedURL as exc:
            raise type(exc)(f"{here.url} redirects, and {exc}", url=exc.url) from None
        method, body, headers = here.method, here.body, here.headers.copy()
        # As browsers do (Fetch standard, "HTTP-redirect fetch").
        if (status_code == 303 and method not in ("GET", "HEAD")) or (
            status_code in (301, 302) and method == "POST"
        ):
            method, body = "GET", None
            headers.pop("content-type", None)
        if not _same_origin(here.url, target):
            for name in _ORIGIN_BOUND_HEADERS:
                headers.pop(name, None)
        key = (method, str(target.copy_with(fragment=None)))
        if key in self._seen:
            raise TooManyRedirects(
                f"{self._start} redirects in a loop: {here.url} leads back to {target}.",
                url=str(here.url),
            )
        self._seen.add(key)
        self._redirects += 1
        self.hop = Hop(method, target, headers, body)
        return True
