"""The one HTTP door: every request pingcore sends (discovery, sources, pings) goes here.

It refuses what could be a server-side request forgery before connecting,
pins each connection to the address it checked, caps size and redirects, and
holds every request to one deadline. ``Fetcher`` and ``AsyncFetcher`` are twins
that share every step which does no I/O.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import http
import http.cookiejar
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any, cast
from urllib.parse import urlencode

import anyio
import anyio.to_thread
import httpcore
import httpx

from ._version import __version__
from .addresses import blocked_reason
from .errors import (
    BadStatus,
    BlockedAddress,
    BlockedURL,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    ResponseTooLarge,
    TooManyRedirects,
)
from .urls import DEFAULT_PORTS, MAX_URL_LENGTH

__all__ = [
    "AsyncFetcher",
    "FetchPolicy",
    "FetchResponse",
    "Fetcher",
    "Resolver",
    "StopWhen",
    "system_resolver",
]

Resolver = Callable[[str, int], Sequence[str]]
"""(host, port) -> the IP addresses (as strings) the host name stands for."""

StopWhen = Callable[[bytes], bool]
"""Called with the decoded body read so far; True stops reading."""

HeadersStop = Callable[[httpx.Headers], bool]
"""Called with the final response's headers; True skips the body."""

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# The fetcher frames requests and decodes bodies itself, so these are not the caller's.
_FETCHER_HEADERS = frozenset(
    {"host", "accept-encoding", "content-length", "transfer-encoding", "connection"}
)
# Credentials meant for one origin must not follow a redirect to another.
_ORIGIN_BOUND_HEADERS = ("authorization", "cookie", "proxy-authorization")
# Only what _Decoder reads; advertising br or zstd would invite bodies we cannot bound.
_ACCEPT_ENCODING = "gzip, deflate"
_CHARSET_QUOTES = "\"' "
# Letters, digits, hyphens and underscores in dot-separated labels (IDNA already applied).
_HOST_NAME = re.compile(r"(?=.{1,253}\.?$)([A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?")


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses getaddrinfo gives for ``host`` (TCP), in its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetcher may do; the defaults are safe for fetching any URL a stranger sends.

    ``allow_private_addresses=True`` is for local testing and demos: it lets
    requests reach loopback, private and other non-public addresses, and the
    port rule is then not applied to those addresses, so
    ``FetchPolicy(allow_private_addresses=True)`` is all a test needs to reach a
    server on 127.0.0.1 at a random port. Public addresses still get the port rule.

    ``timeout`` is one wall-clock deadline for the whole request: DNS, connect,
    headers, body and every redirect hop. ``connect_timeout`` bounds each
    connection attempt within it. ``allowed_ports=None`` allows any port.
    ``resolver`` maps (host, port) to IP address strings; None means the
    system's getaddrinfo. ``verify`` is True (the usual certificate
    authorities), False (no certificate checks: never in production) or an
    ``ssl.SSLContext`` to use as is. ``before_connect(host, addresses)`` is
    called with the addresses a host resolved to, once they passed every check
    and just before connecting; raising refuses the connection (the server's
    per-address rate limit uses it, so a wildcard DNS zone pointing many names
    at one victim still counts as one victim).
    """

    allow_private_addresses: bool = False
    allowed_ports: frozenset[int] | None = frozenset({80, 443, 8080, 8443})
    max_bytes: int = 1_048_576
    max_redirects: int = 5
    timeout: float = 10.0
    connect_timeout: float = 5.0
    max_url_length: int = MAX_URL_LENGTH
    user_agent: str = f"pingcore/{__version__}"
    resolver: Resolver | None = None
    verify: ssl.SSLContext | bool = True
    before_connect: Callable[[str, Sequence[str]], None] | None = None

    def __post_init__(self) -> None:
        if self.max_bytes < 0 or self.max_redirects < 0 or self.max_url_length < 1:
            raise ValueError("max_bytes and max_redirects must be >= 0, max_url_length >= 1")
        if self.timeout <= 0 or self.connect_timeout <= 0:
            raise ValueError("timeout and connect_timeout must be positive")

    def replace(self, **changes: Any) -> FetchPolicy:
        """A copy of this policy with some fields changed."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class FetchResponse:
    """What came back: the final URL after redirects, and the decoded body."""

    url: str
    status_code: int
    headers: httpx.Headers
    content: bytes
    truncated: bool = False
    """True when reading stopped before the body ended: at ``max_bytes`` with
    ``truncate=True``, or because ``stop_when`` asked to stop."""

    @property
    def charset(self) -> str | None:
        """The charset named by the Content-Type header, lower-cased, if any."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset":
                return value.strip(_CHARSET_QUOTES).lower() or None
        return None

    def raise_for_status(self) -> None:
        """Raise BadStatus when the server answered 4xx or 5xx."""
        if 400 <= self.status_code < 600:
            try:
                phrase = " " + http.HTTPStatus(self.status_code).phrase
            except ValueError:
                phrase = ""
            raise BadStatus(
                f"{self.url} answered {self.status_code}{phrase}.",
                url=self.url,
                status_code=self.status_code,
            )


# ---------------------------------------------------------------------------
# Refusals: the steps that decide, before any connection, what may be fetched.


class _Refused(Exception):
    """A refusal from inside the network backend, which does not know the URL."""

    def __init__(self, reason: str, *, address: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.address = address

    def error_for(self, url: str) -> BlockedURL:
        kind = BlockedAddress if self.address else BlockedURL
        return kind(f"{url} is not fetched: {self.reason}", url=url)


_ALLOW_PRIVATE_HINT = "Pass FetchPolicy(allow_private_addresses=True) to allow it."


def _port_refusal(port: int, policy: FetchPolicy, where: str = "") -> _Refused | None:
    if policy.allowed_ports is None or port in policy.allowed_ports:
        return None
    allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
    return _Refused(
        f"port {port}{where} is not allowed (allowed: {allowed}). "
        "Pass FetchPolicy(allowed_ports=...) to allow it.",
        address=False,
    )


def _check_addresses(host: str, port: int, addresses: Sequence[str], policy: FetchPolicy) -> None:
    """Refuse unless every address is allowed: one bad answer spoils the lookup."""
    for address in addresses:
        reason = blocked_reason(address)
        if reason is not None and not policy.allow_private_addresses:
            who = address if address == host else f"{host} resolves to {address}, which"
            raise _Refused(
                f"{who} is a non-public address ({reason}). {_ALLOW_PRIVATE_HINT}", address=True
            )
        if reason is None:
            refusal = _port_refusal(port, policy, f" of the public address {address}")
            if refusal is not None:
                raise refusal


def _ip_literal(host: str) -> str | None:
    """``host`` itself when it is an IP address (kept as written, for messages)."""
    try:
        ip_address(host)
    except ValueError:
        return None
    return host


def _checked_url(url: str, policy: FetchPolicy) -> httpx.URL:
    """Parse ``url`` and refuse it if no request to it may be made. Does no I/O.

    The URL object returned is the one sent, so the check and the request
    cannot read the URL differently.
    """
    if len(url) > policy.max_url_length:
        raise BlockedURL(
            f"{url[:80]}… is not fetched: it is {len(url)} characters long, "
            f"more than the {policy.max_url_length} allowed.",
            url=url,
        )
    try:
        parsed = httpx.URL(url)
        parsed.host  # noqa: B018  (decodes IDNA, which may fail)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise BlockedURL(
            f"{url!r} is not fetched: it is not a valid URL ({exc}).", url=url
        ) from None
    scheme = parsed.scheme
    if scheme not in DEFAULT_PORTS:
        what = f"{scheme}: URLs" if scheme else "URLs without a scheme"
        raise BlockedURL(
            f"{url} is not fetched: only http and https are fetched, not {what}.", url=url
        )
    if not parsed.host:
        raise BlockedURL(f"{url} is not fetched: it names no host.", url=url)
    host = parsed.raw_host.decode("ascii")
    if _ip_literal(host) is None and not _HOST_NAME.fullmatch(host):
        # httpx lets odd hosts through ("exa%20mple.com"); what getaddrinfo
        # would make of them is anyone's guess, so they are not looked up.
        raise BlockedURL(f"{url} is not fetched: {host!r} is not a valid host name.", url=url)
    if parsed.userinfo:
        shown = str(parsed.copy_with(username=None, password=None))
        raise BlockedURL(
            f"{shown} is not fetched: its URL carries a user name or password, "
            "which pingcore never sends.",
            url=shown,
        )
    port = DEFAULT_PORTS[scheme] if parsed.port is None else parsed.port
    if not 0 < port < 65536:
        raise BlockedURL(f"{url} is not fetched: {port} is not a valid port.", url=url)
    literal = _ip_literal(parsed.host)
    try:
        if literal is not None:
            _check_addresses(literal, port, [literal], policy)
        elif not policy.allow_private_addresses:
            # Without private addresses every destination is public, so the
            # port can be judged before any DNS lookup.
            refusal = _port_refusal(port, policy)
            if refusal is not None:
                raise refusal
    except _Refused as refusal:
        raise refusal.error_for(str(parsed)) from None
    return parsed


# ---------------------------------------------------------------------------
# Redirects: the route a request takes, hop by hop.


@dataclass(frozen=True)
class _Hop:
    method: str
    url: httpx.URL
    headers: httpx.Headers
    body: bytes | None


def _same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


class _Journey:
    """The current hop of a request, and the rules for moving to the next one."""

    def __init__(self, policy: FetchPolicy, hop: _Hop, follow_redirects: bool) -> None:
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
    ) -> _Journey:
        if content is not None and data is not None:
            raise ValueError("pass content or data, not both")
        request_headers = httpx.Headers({"User-Agent": policy.user_agent, "Accept": "*/*"})
        for name, value in (headers or {}).items():
            if name.lower() not in _FETCHER_HEADERS:
                request_headers[name] = value
        request_headers["Accept-Encoding"] = _ACCEPT_ENCODING
        body = content
        if data is not None:
            body = urlencode(data).encode("ascii")
            request_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        hop = _Hop(method.upper(), _checked_url(url, policy), request_headers, body)
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
            target = _checked_url(str(target), self._policy)
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
        self.hop = _Hop(method, target, headers, body)
        return True


# ---------------------------------------------------------------------------
# Bodies: bounded decompression, the size cap and the early stop.


class _Decoder:
    """Decodes a Content-Encoding, never producing more than it is asked for.

    httpx's own decoders inflate a whole network chunk at once, so a few
    kilobytes of gzip could become gigabytes in memory before any cap is seen.
    """

    def __init__(self, encoding: str) -> None:
        self._zlib: Any = None  # zlib's decompress object has no public type
        self._header: bytearray | None = None
        if encoding == "gzip":
            self._zlib = zlib.decompressobj(wbits=47)  # gzip or zlib, by header
        elif encoding == "deflate":
            self._header = bytearray()  # zlib-wrapped or raw? the first two bytes say

    def decode(self, data: bytes, limit: int) -> bytes:
        """Up to ``limit`` (> 0) bytes decoded from ``data``; output beyond is dropped.

        The caller stops reading once a call fills ``limit``, so what is dropped
        is never wanted.
        """
        if self._header is not None:
            self._header += data
            if len(self._header) < 2:
                return b""
            data, self._header = bytes(self._header), None
            # "deflate" should mean a zlib stream (RFC 9110), but some servers
            # send raw deflate. A zlib header has CM=8 and a checksum over 31;
            # raw deflate's first block header cannot have those low bits.
            zlib_wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(wbits=15 if zlib_wrapped else -15)
        if self._zlib is None:
            return data[:limit]
        if self._zlib.eof:
            return b""  # bytes after the end of the stream (a second gzip member) are ignored
        # max_length=0 would mean "no limit" to zlib, hence the floor of 1.
        output: bytes = self._zlib.decompress(data, max(limit, 1))
        return output


def _byte_limit(policy: FetchPolicy, max_bytes: int | None) -> int:
    if max_bytes is None:
        return policy.max_bytes
    if max_bytes < 0:
        raise ValueError("max_bytes must be >= 0")
    return max_bytes


def _content_encoding(url: str, headers: httpx.Headers) -> str:
    value = headers.get("content-encoding", "")
    codings = [c.strip() for c in value.lower().split(",") if c.strip() not in ("", "identity")]
    if not codings:
        return "identity"
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return "deflate" if codings[0] == "deflate" else "gzip"
    raise ConnectionFailed(
        f"{url} sent its body as {value!r}, an encoding pingcore did not ask for "
        f"(it asks for {_ACCEPT_ENCODING}).",
        url=url,
    )


class _Body:
    """The decoded body as it arrives, held to the cap and the caller's stop."""

    def __init__(
        self,
        url: str,
        method: str,
        headers: httpx.Headers,
        limit: int,
        truncate: bool,
        stop_when: StopWhen | None,
        stop_on_headers: HeadersStop | None = None,
    ) -> None:
        self._url = url
        self._encoding = _content_encoding(url, headers)
        self._decoder = _Decoder(self._encoding)
        self._limit = limit
        self._truncate = truncate
        self._stop_when = stop_when
        self._content = bytearray()
        self.truncated = False
        self.done = method == "HEAD"
        if stop_on_headers is not None and stop_on_headers(headers):
            # The headers alone answer the caller's question: read no body at all.
            self.truncated = self.done = True
        declared = headers.get("content-length", "")
        # Content-Length counts bytes on the wire, which equal the decoded bytes
        # only when the body is not encoded.
        if (
            not self.done
            and not truncate
            and self._encoding == "identity"
            and declared.isdigit()
            and int(declared) > limit
        ):
            raise ResponseTooLarge(
                f"{url} is {declared} bytes long (Content-Length), more than the "
                f"{limit} allowed; nothing was read.",
                url=url,
            )

    def feed(self, raw: bytes) -> None:
        """Take one chunk off the wire; sets ``done`` when reading should stop."""
        try:
            piece = self._decoder.decode(raw, self._limit - len(self._content) + 1)
        except zlib.error as exc:
            raise ConnectionFailed(
                f"{self._url} sent a body that is not valid {self._encoding} ({exc}).",
                url=self._url,
            ) from None
        self._content += piece
        if len(self._content) > self._limit:
            if not self._truncate:
                raise ResponseTooLarge(
                    f"{self._url} sent more than {self._limit} bytes (after decompression).",
                    url=self._url,
                )
            del self._content[self._limit :]
            self.truncated = self.done = True
        elif piece and self._stop_when is not None and self._stop_when(bytes(self._content)):
            self.truncated = self.done = True

    def response(self, url: str, status_code: int, headers: httpx.Headers) -> FetchResponse:
        return FetchResponse(url, status_code, headers, bytes(self._content), self.truncated)


# ---------------------------------------------------------------------------
# Errors: everything the network stack raises becomes a FetchError.


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


def _timeout_error(url: str, policy: FetchPolicy) -> FetchTimeout:
    return FetchTimeout(
        f"{url} did not answer in full within the {policy.timeout:g} s deadline.", url=url
    )


@contextlib.contextmanager
def _translated(url: httpx.URL, policy: FetchPolicy, deadline: float) -> Iterator[None]:
    """Turn whatever the network stack raises into the FetchError tree."""
    try:
        yield
    except FetchError:
        raise
    except _Refused as refusal:
        raise refusal.error_for(str(url)) from None
    except _TIMEOUTS as exc:
        if isinstance(exc, httpcore.ConnectTimeout) and time.monotonic() < deadline:
            raise FetchTimeout(
                f"{url} could not be fetched: no connection within {policy.connect_timeout:g} s.",
                url=str(url),
            ) from exc
        raise _timeout_error(str(url), policy) from exc
    except _NETWORK_ERRORS as exc:
        raise ConnectionFailed(
            f"{url} could not be fetched: {_describe(exc)}.", url=str(url)
        ) from exc


# ---------------------------------------------------------------------------
# Connections: resolve once, check every address, connect only to a checked one.


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
        if _ip_literal(address.split("%")[0]) is None:
            raise httpcore.ConnectError(f"{host} resolved to {address!r}, not an IP address")
    return addresses


# The deadline of the sync request running in this thread, read by the socket
# wrappers; each thread (and each task) has its own.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "pingcore_fetch_deadline", default=None
)


class _DeadlinePassed(httpcore.TimeoutException):
    """The request's own deadline passed (not merely one connection attempt's timeout)."""


def _until_deadline(timeout: float | None) -> float | None:
    """``timeout`` shortened to what is left of the deadline; raise once it has passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
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


class _PinnedBackend(httpcore.NetworkBackend):
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
        literal = _ip_literal(host)
        if literal is not None:
            answer: Sequence[str] = [literal]
        else:
            wait = _until_deadline(None)
            answer = _run_with_timeout(self._resolver, host, port, wait)
        addresses = _valid_addresses(host, answer)
        _check_addresses(host, port, addresses, self._policy)
        if self._policy.before_connect is not None:
            self._policy.before_connect(host, addresses)
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
        raise _Refused("Unix sockets are never used", address=True)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _AsyncPinnedBackend(httpcore.AsyncNetworkBackend):
    """The async twin of _PinnedBackend; the deadline is the caller's anyio scope."""

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
        literal = _ip_literal(host)
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
        _check_addresses(host, port, addresses, self._policy)
        if self._policy.before_connect is not None:
            self._policy.before_connect(host, addresses)
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
        raise _Refused("Unix sockets are never used", address=True)

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)


# ---------------------------------------------------------------------------
# Transports: httpx on top of an httpcore pool that uses the pinned backends.


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


class _Transport(httpx.BaseTransport):
    """httpx's HTTPTransport, minus proxies and exception mapping, on a pinned pool."""

    def __init__(self, policy: FetchPolicy) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(policy), network_backend=_PinnedBackend(policy), **_POOL_LIMITS
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


class _AsyncTransport(httpx.AsyncBaseTransport):
    def __init__(self, policy: FetchPolicy) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=_ssl_context(policy),
            network_backend=_AsyncPinnedBackend(policy),
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


def _client_options() -> dict[str, Any]:
    # No proxies or netrc from the environment, no redirects behind our back,
    # and no cookies carried from one site's answer into the next request.
    no_cookies = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return {"trust_env": False, "follow_redirects": False, "cookies": no_cookies}


# ---------------------------------------------------------------------------
# The fetchers.


class Fetcher:
    """Fetches URLs under a FetchPolicy. One instance can serve many threads at once.

    Close it when done (or use it as a context manager): it keeps connections
    open for reuse.
    """

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy if policy is not None else FetchPolicy()
        self._client = httpx.Client(transport=_Transport(self.policy), **_client_options())

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
        journey = _Journey.start(policy, method, url, headers, content, data, follow_redirects)
        limit = _byte_limit(policy, max_bytes)
        deadline = time.monotonic() + policy.timeout
        token = _DEADLINE.set(deadline)
        try:
            while True:
                hop = journey.hop
                with _translated(hop.url, policy, deadline):
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
                    body = _Body(
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
                            with _translated(hop.url, policy, deadline):
                                chunk = next(chunks, None)
                            if chunk is None:
                                break
                            body.feed(chunk)
                            if time.monotonic() > deadline:
                                raise _timeout_error(str(hop.url), policy)
                    return body.response(str(hop.url), response.status_code, response.headers)
                finally:
                    with _translated(hop.url, policy, deadline):
                        response.close()
        finally:
            _DEADLINE.reset(token)

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
        self._client = httpx.AsyncClient(
            transport=_AsyncTransport(self.policy), **_client_options()
        )

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
        journey = _Journey.start(policy, method, url, headers, content, data, follow_redirects)
        limit = _byte_limit(policy, max_bytes)
        deadline = time.monotonic() + policy.timeout
        try:
            with anyio.fail_after(policy.timeout):
                while True:
                    hop = journey.hop
                    with _translated(hop.url, policy, deadline):
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
                        body = _Body(
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
                                with _translated(hop.url, policy, deadline):
                                    chunk = await anext(chunks, None)
                                if chunk is None:
                                    break
                                body.feed(chunk)
                        return body.response(str(hop.url), response.status_code, response.headers)
                    finally:
                        with _translated(hop.url, policy, deadline):
                            await response.aclose()
        except TimeoutError:
            # Only anyio's scope raises it here: everything inside is translated.
            raise _timeout_error(str(journey.hop.url), policy) from None

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
