"""Failures: everything the network stack raises becomes one of pingcore's FetchErrors."""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterator

import httpcore
import httpx

from ..errors import ConnectionFailed, FetchError, FetchTimeout
from ._network import Deadline
from ._policy import FetchPolicy, Refused

__all__ = ["timeout_error", "translated"]


def _describe(exc: BaseException) -> str:
    """The most useful words about a network failure, from the exception chain."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for link in chain:
        if isinstance(link, ssl.SSLCertVerificationError):
            return f"its TLS certificate was refused ({link.verify_message})"
        if isinstance(link, ssl.SSLError):
            return f"the TLS handshake failed ({link.reason or link})"
    for link in chain:
        if isinstance(link, httpcore.RemoteProtocolError):
            return f"the server broke the HTTP protocol ({link or 'no details'})"
        if str(link):
            return str(link)
    return type(exc).__name__


_NETWORK_ERRORS: tuple[type[Exception], ...] = (
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.ProxyError,
    httpcore.ConnectionNotAvailable,
    httpx.HTTPError,
    httpx.InvalidURL,
    OSError,  # includes ssl.SSLError
    ValueError,  # includes UnicodeError, from odd host names deep in the stack
)
_TIMEOUTS: tuple[type[Exception], ...] = (
    httpcore.TimeoutException,
    httpx.TimeoutException,
    TimeoutError,
)


def timeout_error(url: str, policy: FetchPolicy) -> FetchTimeout:
    return FetchTimeout(
        f"{url} did not answer in full within the {policy.timeout:g} s deadline.", url=url
    )


@contextlib.contextmanager
def translated(url: httpx.URL, policy: FetchPolicy, deadline: Deadline) -> Iterator[None]:
    """Turn whatever the network stack raises into the FetchError tree."""
    try:
        yield
    except FetchError:
        raise
    except Refused as refusal:
        raise refusal.error_for(str(url)) from None
    except _TIMEOUTS as exc:
        if isinstance(exc, httpcore.ConnectTimeout) and deadline.left() > 0:
            raise FetchTimeout(
                f"{url} could not be fetched: no connection within {policy.connect_timeout:g} s.",
                url=str(url),
            ) from exc
        raise timeout_error(str(url), policy) from exc
    except _NETWORK_ERRORS as exc:
        raise ConnectionFailed(
            f"{url} could not be fetched: {_describe(exc)}.", url=str(url)
        ) from exc
