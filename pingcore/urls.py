"""URL rules shared by the whole package: normalising, resolving, comparing.

Two URLs name the same page for pingcore when their normal forms are equal.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

__all__ = [
    "DEFAULT_PORTS",
    "MAX_URL_LENGTH",
    "URL_STRIP",
    "has_unsafe_characters",
    "is_http_url",
    "is_within",
    "normalize_url",
    "page_url",
    "resolve_href",
    "site_root",
]

MAX_URL_LENGTH = 2048

# The schemes pingcore speaks, with their default ports.
DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
# Characters a browser would percent-encode before sending a URL.
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\U0010ffff\"<>\\^`{|}]")
# HTML parsers strip these from the ends of an href; so does the URL standard.
_STRIP = "\t\n\f\r \x00"
# What a URL given as a ping's parameter may carry at its ends (XML pretty-printing).
URL_STRIP = " \t\n\r"


def _fix_percent(match: re.Match[str]) -> str:
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _quote_unsafe(text: str) -> str:
    return _UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), text)


def _normal_host(host: str) -> str:
    host = host.lower().rstrip(".")
    if host and not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    return host


def _split(url: str) -> SplitResult | None:
    try:
        parts = urlsplit(url.strip(_STRIP))
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        return None
    return parts


def has_unsafe_characters(url: str) -> bool:
    """True when a URL holds a control character or whitespace of any kind.

    ``urlsplit`` drops tabs and newlines silently, so such a URL would be
    checked as one URL and stored, or written to a log, as another.
    """
    return any(char.isspace() or not char.isprintable() for char in url)


def is_http_url(url: object, *, max_length: int | None = MAX_URL_LENGTH) -> bool:
    """True for an absolute http(s) URL with a host, of at most ``max_length`` characters."""
    if not isinstance(url, str) or not url:
        return False
    if max_length is not None and len(url) > max_length:
        return False
    parts = _split(url)
    return parts is not None and parts.scheme.lower() in DEFAULT_PORTS and bool(parts.hostname)


def normalize_url(url: str, *, keep_fragment: bool = False) -> str:
    """The normal form of an http(s) URL, for comparing two URLs.

    Lower-cases scheme and host, drops the default port and an empty path's
    missing slash, upper-cases percent escapes and decodes the unreserved ones,
    percent-encodes what a browser would, reads a stray ``&amp;`` as ``&`` and
    drops the fragment unless asked to keep it. Other URLs come back stripped.
    """
    url = url.strip(_STRIP).replace("&amp;", "&")
    parts = _split(url)
    if parts is None or parts.scheme.lower() not in DEFAULT_PORTS:
        return url
    scheme = parts.scheme.lower()
    host = _normal_host(parts.hostname or "")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username is not None:
        userinfo = parts.username + (f":{parts.password}" if parts.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    path = _PERCENT.sub(_fix_percent, _quote_unsafe(parts.path)) or "/"
    query = _PERCENT.sub(_fix_percent, _quote_unsafe(parts.query))
    fragment = _quote_unsafe(parts.fragment) if keep_fragment else ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def page_url(url: str) -> str:
    """The URL without its fragment: two URLs differing only by ``#…`` are one page."""
    return normalize_url(url)


def resolve_href(href: str, base_url: str) -> str | None:
    """Resolve an href against a base URL; None when the result is not http(s)."""
    href = href.strip(_STRIP)
    if not href:
        return None
    try:
        absolute = urljoin(base_url, href)
    except ValueError:
        return None
    return absolute if is_http_url(absolute) else None


def is_within(url: str, root_url: str) -> bool:
    """True when ``url`` lies under ``root_url`` (same host and port, path prefix).

    http and https count as one site: a post on http://blog.example/ linking to
    https://blog.example/about is not an external link.
    """
    a, b = _split(normalize_url(url)), _split(normalize_url(root_url))
    if a is None or b is None:
        return False
    if _normal_host(a.hostname or "") != _normal_host(b.hostname or ""):
        return False
    a_port = a.port or DEFAULT_PORTS.get(a.scheme, 0)
    b_port = b.port or DEFAULT_PORTS.get(b.scheme, 0)
    if a_port != b_port and {a_port, b_port} != {80, 443}:
        return False
    root_path = b.path if b.path.endswith("/") else b.path + "/"
    path = a.path if a.path.endswith("/") else a.path + "/"
    return path.startswith(root_path)


def site_root(url: str) -> str:
    """The root of the site ``url`` is on (``scheme://host/``): links under it are its own."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
