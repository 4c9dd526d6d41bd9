"""Pingback and Webmention endpoint discovery: what a target page advertises, and where.

``find_endpoint`` is pure (final URL, status, headers and body in); ``discover_endpoint``
and ``adiscover_endpoint`` fetch the target, reading no more of it than the answer needs.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias
from urllib.parse import urldefrag

import httpx
from lxml import etree

from .fetch import AsyncFetcher, Fetcher, FetchPolicy, FetchResponse
from .htmltree import decode_html
from .urls import is_http_url, resolve_href

__all__ = [
    "MAX_DISCOVERY_BYTES",
    "PROTOCOLS",
    "Endpoint",
    "EndpointScanner",
    "adiscover_endpoint",
    "discover_endpoint",
    "find_endpoint",
    "find_pingback",
    "find_webmention",
    "parse_link_header",
]

Protocol = Literal["webmention", "pingback"]
PROTOCOLS: tuple[Protocol, ...] = ("webmention", "pingback")
HeadersLike: TypeAlias = Mapping[str, str] | Sequence[tuple[str, str]] | httpx.Headers

# More than any real page's <head> and the start of its body; policy.max_bytes may lower it.
MAX_DISCOVERY_BYTES = 1_048_576
_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"

# Characters an lxml tree cannot hold; a page's stray NUL must not stop the scan.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Any http(s) base will do for asking "would this href give an http(s) URL?": the
# answer depends on the href's own scheme, never on the base's host or path.
_PROBE_BASE = "http://probe.invalid/"


@dataclass(frozen=True)
class Endpoint:
    """Where to send a ping, and in which protocol."""

    protocol: Protocol
    url: str


# ---------------------------------------------------------------------------
# Headers


def _header_values(headers: HeadersLike, name: str) -> list[str]:
    """Every value of header ``name`` (any case), in order, one per header line."""
    if isinstance(headers, httpx.Headers):
        return headers.get_list(name)
    items: Iterable[tuple[str, str]]
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [value for key, value in items if key.lower() == name]


def parse_link_header(value: str) -> list[tuple[str, dict[str, str]]]:
    """The links of one HTTP ``Link`` header value (RFC 8288): (target, parameters).

    Commas split links only outside ``<...>`` and quoted strings; parameter names
    are lower-cased, and only the first occurrence of a parameter counts.
    """
    links: list[tuple[str, dict[str, str]]] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and value[i] in " \t,":
            i += 1
        if i >= n:
            break
        if value[i] != "<":
            i = _skip_link(value, i)
            continue
        end = value.find(">", i + 1)
        if end < 0:
            break
        target = value[i + 1 : end].strip()
        i = end + 1
        params: dict[str, str] = {}
        while True:
            while i < n and value[i] in " \t":
                i += 1
            if i >= n or value[i] == ",":
                break
            if value[i] != ";":
                i = _skip_link(value, i)
                break
            i += 1
            while i < n and value[i] in " \t":
                i += 1
            start = i
            while i < n and value[i] not in "=;, \t":
                i += 1
            name = value[start:i].lower()
            while i < n and value[i] in " \t":
                i += 1
            param = ""
            if i < n and value[i] == "=":
                i += 1
                while i < n and value[i] in " \t":
                    i += 1
                if i < n and value[i] == '"':
                    param, i = _quoted_string(value, i)
                else:
                    start = i
                    while i < n and value[i] not in ";, \t":
                        i += 1
                    param = value[start:i]
            if name and name not in params:
                params[name] = param
        links.append((target, params))
    return links


def _quoted_string(value: str, i: int) -> tuple[str, int]:
    """The unescaped content of the quoted string at ``value[i]``, and the index after it."""
    chars: list[str] = []
    i += 1
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            chars.append(value[i + 1])
            i += 2
            continue
        if char == '"':
            return "".join(chars), i + 1
        chars.append(char)
        i += 1
    return "".join(chars), i


def _skip_link(value: str, i: int) -> int:
    """Skip a malformed link: to the next comma outside quotes and angle brackets."""
    quoted = bracketed = False
    while i < len(value):
        char = value[i]
        if quoted:
            if char == "\\":
                i += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "<":
            bracketed = True
        elif char == ">":
            bracketed = False
        elif char == "," and not bracketed:
            return i
        i += 1
    return i


def _has_rel(rel: str | None, wanted: str) -> bool:
    # rel is a space-separated, case-insensitive token list in HTML and in RFC 8288.
    return rel is not None and wanted in rel.lower().split()


def _webmention_from_headers(url: str, headers: HeadersLike) -> str | None:
    for value in _header_values(headers, "link"):
        for target, params in parse_link_header(value):
            if _has_rel(params.get("rel"), "webmention"):
                endpoint = _resolve(target, url)
                if endpoint is not None:
                    return endpoint
    return None


def _pingback_from_headers(url: str, headers: HeadersLike) -> str | None:
    for value in _header_values(headers, "x-pingback"):
        # The spec wants an absolute URL; a relative one has only one sensible reading.
        endpoint = resolve_href(value, url)
        if endpoint is not None:
            return endpoint
    return None


def _resolve(href: str, base_url: str) -> str | None:
    """An href resolved against the page; an empty href is the page itself."""
    if not href.strip("\t\n\f\r "):
        page, _fragment = urldefrag(base_url)
        return page if is_http_url(page) else None
    return resolve_href(href, base_url)


def _media_type(headers: HeadersLike) -> str | None:
    values = _header_values(headers, "content-type")
    if not values:
        return None
    return values[0].split(";", 1)[0].strip().lower() or None


def _is_html(headers: HeadersLike) -> bool:
    # No Content-Type at all: look anyway, as a browser would sniff.
    media_type = _media_type(headers)
    return media_type is None or media_type in _HTML_TYPES


def _charset(headers: HeadersLike) -> str | None:
    for value in _header_values(headers, "content-type"):
        for param in value.split(";")[1:]:
            name, _, charset = param.partition("=")
            if name.strip().lower() == "charset":
                return charset.strip().strip("\"'") or None
    return None


# ---------------------------------------------------------------------------
# The body, read as it arrives


class EndpointScanner:
    """Reads an HTML page piece by piece and keeps the first endpoint hrefs it holds.

    Webmention: the first ``<link>`` or ``<a>`` whose rel holds ``webmention`` and
    that has an href, in document order. Pingback: the first ``<link rel=pingback>``
    with a non-empty href. Comments, script text and escaped markup are text, never
    links, because lxml's HTML parser reads them as such.
    """

    def __init__(self, *, webmention: bool = True, pingback: bool = True) -> None:
        self.want_webmention = webmention
        self.want_pingback = pingback
        # The raw hrefs, resolved only later, against the final URL.
        self.webmention_hrefs: list[str] = []
        self.pingback_hrefs: list[str] = []
        # A deeply nested page must not end the scan silently at libxml2's depth 256.
        self._parser = etree.HTMLPullParser(
            events=("start",), no_network=True, huge_tree=True, remove_pis=True
        )
        self._decoder: codecs.IncrementalDecoder | None = None
        self._closed = False
        # Set when an href that resolves to http(s) is read: nothing later can beat it.
        self.webmention_known = False
        self.pingback_known = False

    def feed_bytes(self, data: bytes, encoding: str | None = None) -> None:
        """More of the page, as bytes; ``encoding`` counts only on the first call."""
        if self._decoder is None:
            self._decoder = _decoder(encoding)
        self.feed(self._decoder.decode(data))

    def feed(self, text: str) -> None:
        """More of the page, as text."""
        if self._closed or not text:
            return
        self._parser.feed(_NOT_XML.sub("\ufffd", text))
        self._read_events()

    def close(self) -> None:
        """The page has ended (or was cut): read what the parser still holds."""
        if self._closed:
            return
        if self._decoder is not None:
            self.feed(self._decoder.decode(b"", final=True))
        self._closed = True
        try:
            self._parser.close()
        except etree.LxmlError:
            pass  # An HTML page with nothing parseable in it: no links, nothing to say.
        self._read_events()

    def _read_events(self) -> None:
        for _event, element in self._parser.read_events():
            if not isinstance(element, etree._Element):
                continue
            tag = element.tag
            if tag not in ("link", "a"):
                continue
            rel = element.get("rel")
            href = element.get("href")
            if href is None or rel is None:
                continue
            if self.want_webmention and _has_rel(rel, "webmention"):
                self.webmention_hrefs.append(href)
                if not self.webmention_known:
                    self.webmention_known = _resolve(href, _PROBE_BASE) is not None
            if self.want_pingback and tag == "link" and _has_rel(rel, "pingback") and href:
                self.pingback_hrefs.append(href)
                if not self.pingback_known:
                    self.pingback_known = resolve_href(href, _PROBE_BASE) is not None


def _decoder(encoding: str | None) -> codecs.IncrementalDecoder:
    try:
        return codecs.getincrementaldecoder(encoding or "utf-8")(errors="replace")
    except LookupError:
        return codecs.getincrementaldecoder("utf-8")(errors="replace")


def _first(hrefs: list[str], base_url: str, *, empty_is_page: bool) -> str | None:
    for href in hrefs:
        url = _resolve(href, base_url) if empty_is_page else resolve_href(href, base_url)
        if url is not None:
            return url
    return None


# ---------------------------------------------------------------------------
# The pure functions


def _wants(protocol: str | None) -> tuple[bool, bool]:
    if protocol is None:
        return True, True
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be 'webmention', 'pingback' or None, not {protocol!r}")
    return protocol == "webmention", protocol == "pingback"


def _scan(
    body: bytes | str, headers: HeadersLike, *, webmention: bool, pingback: bool
) -> EndpointScanner:
    scanner = EndpointScanner(webmention=webmention, pingback=pingback)
    if _is_html(headers) and body:
        scanner.feed(decode_html(body, _charset(headers)))
        scanner.close()
    return scanner


def find_webmention(url: str, headers: HeadersLike, body: bytes | str) -> str | None:
    """The Webmention endpoint a page advertises: Link header first, then the HTML."""
    found = _webmention_from_headers(url, headers)
    if found is not None:
        return found
    scanner = _scan(body, headers, webmention=True, pingback=False)
    return _first(scanner.webmention_hrefs, url, empty_is_page=True)


def find_pingback(url: str, headers: HeadersLike, body: bytes | str) -> str | None:
    """The Pingback endpoint a page advertises: X-Pingback header first, then ``<link>``."""
    found = _pingback_from_headers(url, headers)
    if found is not None:
        return found
    scanner = _scan(body, headers, webmention=False, pingback=True)
    return _first(scanner.pingback_hrefs, url, empty_is_page=False)


def find_endpoint(
    url: str,
    status: int,
    headers: HeadersLike,
    body: bytes | str,
    *,
    protocol: str | None = None,
) -> Endpoint | None:
    """The endpoint a fetched page advertises, or None.

    ``url`` is the final URL, after redirects: relative hrefs resolve against it.
    Webmention wins over Pingback unless ``protocol`` asks for one of them, and
    then only that one is looked for. A status outside 2xx advertises nothing.
    """
    want_webmention, want_pingback = _wants(protocol)
    if not 200 <= status < 300:
        return None
    webmention = _webmention_from_headers(url, headers) if want_webmention else None
    if webmention is not None:
        return Endpoint("webmention", webmention)
    pingback_header = _pingback_from_headers(url, headers) if want_pingback else None
    if pingback_header is not None and not want_webmention:
        return Endpoint("pingback", pingback_header)
    scanner = _scan(body, headers, webmention=want_webmention, pingback=want_pingback)
    webmention = _first(scanner.webmention_hrefs, url, empty_is_page=True)
    if webmention is not None:
        return Endpoint("webmention", webmention)
    pingback = pingback_header or _first(scanner.pingback_hrefs, url, empty_is_page=False)
    if pingback is not None:
        return Endpoint("pingback", pingback)
    return None


# ---------------------------------------------------------------------------
# The I/O wrappers


class _StopRule:
    """Tells the fetcher to stop reading once more bytes cannot change the answer.

    A Webmention endpoint in the HTML is final as soon as its tag is read: the first
    one in document order wins. A Pingback ``<link>`` is final only when Pingback
    alone was asked for, since a Webmention ``<a>`` further down would still beat it.
    An endpoint in the headers settles it before any body is read: a Webmention
    ``Link`` header always (headers come before the body), ``X-Pingback`` only
    when Pingback alone was asked for.
    """

    def __init__(self, protocol: str | None, url: str) -> None:
        self.url = url
        self.want_webmention, self.want_pingback = _wants(protocol)
        want_pingback = self.want_pingback
        self.scanner = EndpointScanner(webmention=self.want_webmention, pingback=want_pingback)
        self._seen = 0

    def headers_answer(self, headers: httpx.Headers) -> bool:
        # Whether an href resolves to http(s) does not depend on which http(s)
        # page it is resolved against, so the URL asked for serves as the base.
        if self.want_webmention and _webmention_from_headers(self.url, headers):
            return True
        return not self.want_webmention and bool(_pingback_from_headers(self.url, headers))

    def __call__(self, content: bytes) -> bool:
        # The fetcher hands over the whole body so far; only the new part is fed.
        self.scanner.feed_bytes(content[self._seen :])
        self._seen = len(content)
        if self.want_webmention:
            return self.scanner.webmention_known
        return self.scanner.pingback_known


def _read_limit(fetcher: Fetcher | AsyncFetcher) -> int:
    return min(fetcher.policy.max_bytes, MAX_DISCOVERY_BYTES)


def _endpoint_of(response: FetchResponse, protocol: str | None) -> Endpoint | None:
    """The endpoint in a fetched target; BadStatus when the target answered 4xx or 5xx.

    An error page advertises nothing a sender should trust, and "the target answered
    404" says more to the person pinging than "no endpoint" would.
    """
    response.raise_for_status()
    content = response.content
    if response.truncated:
        # The last tag may be cut in half; an href cut short must not become an endpoint.
        content = content[: content.rfind(b">") + 1]
    return find_endpoint(
        response.url, response.status_code, response.headers, content, protocol=protocol
    )


def discover_endpoint(
    target_url: str,
    *,
    policy: FetchPolicy | None = None,
    protocol: str | None = None,
    fetcher: Fetcher | None = None,
) -> Endpoint | None:
    """Fetch ``target_url`` (following redirects) and return the endpoint it advertises.

    Reads at most 1 MiB (less if the policy says so) and stops as soon as the answer
    is known. ``policy`` is used only when no ``fetcher`` is given. Raises the fetch
    errors (FetchError subclasses), including BadStatus for a 4xx or 5xx answer.
    """
    _wants(protocol)
    client = fetcher if fetcher is not None else Fetcher(policy)
    rule = _StopRule(protocol, target_url)
    try:
        response = client.get(
            target_url,
            headers={"Accept": _ACCEPT},
            max_bytes=_read_limit(client),
            truncate=True,
            stop_when=rule,
            stop_on_headers=rule.headers_answer,
        )
    finally:
        if fetcher is None:
            client.close()
    return _endpoint_of(response, protocol)


async def adiscover_endpoint(
    target_url: str,
    *,
    policy: FetchPolicy | None = None,
    protocol: str | None = None,
    fetcher: AsyncFetcher | None = None,
) -> Endpoint | None:
    """The async twin of ``discover_endpoint``."""
    _wants(protocol)
    client = fetcher if fetcher is not None else AsyncFetcher(policy)
    rule = _StopRule(protocol, target_url)
    try:
        response = await client.get(
            target_url,
            headers={"Accept": _ACCEPT},
            max_bytes=_read_limit(client),
            truncate=True,
            stop_when=rule,
            stop_on_headers=rule.headers_answer,
        )
    finally:
        if fetcher is None:
            await client.aclose()
    return _endpoint_of(response, protocol)
