"""Which hosts are this site's: the one rule both adapters and the bare core follow.

A target URL names a page of this site only when its host matches one of the
site's host patterns (``blog.example``, ``blog.example:8080``, ``.example.com``
for a domain and its subdomains). A pattern without a port matches the
scheme's default port, and the port the ping was sent to when the request's
own host is one of the site's (a site run on ``localhost:8000``). ``*``
matches nothing: "any host" is what a forged ``Host`` header would say.

With no pattern at all, only a request sent from this machine to a loopback
host makes that host the site's (local development); everything else is
refused, and ``SiteHosts.unconfigured`` tells the adapter to say so.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .urls import DEFAULT_PORTS

__all__ = [
    "HostPattern",
    "SiteHosts",
    "is_loopback_address",
    "is_loopback_host",
    "parse_patterns",
    "split_host",
    "target_address",
]

WILDCARD = "*"


def split_host(netloc: str) -> tuple[str, int | None] | None:
    """The host (lower case, no trailing dot) and port of ``host[:port]``; None if not one."""
    if not netloc or any(char in netloc for char in "@/\\?#") or not netloc.isprintable():
        return None
    if any(char.isspace() for char in netloc):
        return None
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if host and not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return (host, port) if host else None


def target_address(url: str) -> tuple[str, int, str] | None:
    """The host, port and scheme a URL names; None when it names them ambiguously.

    Credentials and backslashes are refused: browsers and parsers disagree on
    which host ``http://blog.example\\@evil.example/`` names.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return None
    address = split_host(parts.netloc)
    if address is None:
        return None
    host, port = address
    if port == 0:
        return None  # port 0 names no page at all
    return host, (port if port is not None else DEFAULT_PORTS[scheme]), scheme


@dataclass(frozen=True)
class HostPattern:
    """A host of the site: exact, or a domain with its subdomains (``.example.com``).

    ``port`` None means the default port of the target's scheme (see the
    module's docstring for the request's own port).
    """

    host: str
    port: int | None = None
    subdomains: bool = False

    @classmethod
    def parse(cls, value: str, *, subdomains: bool = False) -> HostPattern:
        """``blog.example``, ``blog.example:8080``, ``[::1]:5000`` or ``.example.com``."""
        text = value.strip()
        if text.startswith("."):
            subdomains, text = True, text[1:]
        address = split_host(text)
        if address is None or address[1] == 0:
            raise ValueError(
                f"{value!r} is no host name: write 'blog.example', 'blog.example:8080' "
                "or '.example.com' (the domain and its subdomains), without a scheme or a path"
            )
        return cls(address[0], address[1], subdomains)

    def names(self, host: str) -> bool:
        return host == self.host or (self.subdomains and host.endswith("." + self.host))

    def matches(self, host: str, port: int, scheme: str, request_port: int | None = None) -> bool:
        if not self.names(host):
            return False
        if self.port is not None:
            return port == self.port
        return port == DEFAULT_PORTS[scheme] or port == request_port

    def __str__(self) -> str:
        text = f"[{self.host}]" if ":" in self.host else self.host
        if self.port is not None:
            text = f"{text}:{self.port}"
        return "." + text if self.subdomains else text


def parse_patterns(values: Iterable[str]) -> tuple[HostPattern, ...]:
    """Host patterns from setting values; ``*`` is skipped (it never makes a host ours)."""
    return tuple(HostPattern.parse(value) for value in values if value.strip() != WILDCARD)


def is_loopback_host(host: str) -> bool:
    """Whether a host name or IP literal is this machine: localhost, *.localhost, loopback."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def is_loopback_address(remote_addr: str | None) -> bool:
    """Whether a client address is loopback (an IPv4-mapped one included, a zone dropped)."""
    try:
        address = ipaddress.ip_address((remote_addr or "").split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


class SiteHosts:
    """The site's hosts, and the rule that decides whether a URL's host is one of them.

    ``trust_request_host`` is for a framework that already refuses requests for
    any host but the site's (Flask with ``TRUSTED_HOSTS``): the host a request
    was sent to then counts as the site's too.
    """

    def __init__(self, patterns: Iterable[HostPattern] = (), *, trust_request_host: bool = False):
        self.patterns = tuple(patterns)
        self.trust_request_host = trust_request_host

    @property
    def unconfigured(self) -> bool:
        return not self.patterns and not self.trust_request_host

    def _request_patterns(
        self, request_host: str | None, remote_addr: str | None
    ) -> tuple[tuple[HostPattern, ...], int | None]:
        """The patterns for one request, and the request's own port when its host is ours."""
        address = split_host(request_host) if request_host else None
        patterns = self.patterns
        if address is not None and self.trust_request_host:
            patterns = (*patterns, HostPattern(*address))
        if not patterns and address is not None:
            # Local development: a request from this machine to a loopback host.
            if is_loopback_host(address[0]) and is_loopback_address(remote_addr):
                patterns = (HostPattern(*address),)
        request_port = None
        if address is not None and any(p.names(address[0]) for p in patterns):
            request_port = address[1]
        return patterns, request_port

    def owns(
        self, url: str, *, request_host: str | None = None, remote_addr: str | None = None
    ) -> bool:
        """True when the URL's host and port are this site's (see the module's docstring)."""
        address = target_address(url)
        if address is None:
            return False
        patterns, request_port = self._request_patterns(request_host, remote_addr)
        return any(pattern.matches(*address, request_port=request_port) for pattern in patterns)

    def canonical_netloc(self, url: str) -> str:
        """The URL's ``host[:port]`` as the site spells it: lower case, no default port."""
        address = target_address(url)
        if address is None:
            raise ValueError(f"{url!r} names no host")
        host, port, scheme = address
        shown = f"[{host}]" if ":" in host else host
        return shown if port == DEFAULT_PORTS[scheme] else f"{shown}:{port}"

    def first_host(self) -> str | None:
        """The host to advertise endpoints on when no request says which: the first exact one."""
        for pattern in self.patterns:
            if not pattern.subdomains:
                return str(pattern)
        return None
