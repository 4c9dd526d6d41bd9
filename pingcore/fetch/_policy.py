"""What may be fetched: the FetchPolicy a fetcher obeys, and the refusals it makes.

Every refusal here is decided without I/O, so the fetchers and the network
backends (which see each resolved address) share the same rules.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
import ssl
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any

import httpx

from .._version import __version__
from ..addresses import blocked_reason
from ..errors import BlockedAddress, BlockedURL
from ..urls import DEFAULT_PORTS, MAX_URL_LENGTH

__all__ = [
    "FetchPolicy",
    "Refused",
    "Resolver",
    "check_addresses",
    "checked_url",
    "ip_literal",
]

Resolver = Callable[[str, int], Sequence[str]]
"""(host, port) -> the IP addresses (as strings) the host name stands for."""

# Letters, digits, hyphens and underscores in dot-separated labels (IDNA already applied).
_HOST_NAME = re.compile(r"(?=.{1,253}\.?$)([A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?")


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
    at one victim still counts as one victim). The time the hook takes is not
    counted against ``timeout``: a rate-limit store slow to answer is not the
    source being slow (the store's own timeout bounds that wait).

    The numbers are checked as the policy is made: both timeouts must be
    positive, finite numbers of seconds, ``max_bytes`` and ``max_url_length``
    whole numbers from 1, ``max_redirects`` a whole number from 0 (0 follows
    no redirect). Anything else raises TypeError or ValueError naming the field.
    ``with_timeout`` is the way in for a timeout a user chose.
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
        refusals = [
            _seconds_refusal("FetchPolicy.timeout", self.timeout),
            _seconds_refusal("FetchPolicy.connect_timeout", self.connect_timeout),
            _count_refusal("FetchPolicy.max_bytes", self.max_bytes, "bytes", minimum=1),
            # 0 is meaningful here: follow no redirect at all.
            _count_refusal("FetchPolicy.max_redirects", self.max_redirects, "redirects", minimum=0),
            _count_refusal("FetchPolicy.max_url_length", self.max_url_length, "characters", 1),
            _ports_refusal("FetchPolicy.allowed_ports", self.allowed_ports),
        ]
        for refusal in refusals:
            if refusal is not None:
                raise refusal

    def replace(self, **changes: Any) -> FetchPolicy:
        """A copy of this policy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def with_timeout(self, timeout: float, *, name: str = "timeout") -> FetchPolicy:
        """A copy of this policy whose deadline is ``timeout``, a number of seconds a user chose.

        The connect timeout is shortened to fit inside the deadline when it is
        longer. ``name`` is the name the user gave the value under (a setting,
        an option), so that the TypeError or ValueError raised for anything but
        a positive, finite number of seconds tells them what to fix.
        """
        refusal = _seconds_refusal(name, timeout)
        if refusal is not None:
            raise refusal
        return self.replace(timeout=timeout, connect_timeout=min(self.connect_timeout, timeout))


def _shown(value: object) -> str:
    return f"{type(value).__name__} {value!r}"


def _seconds_refusal(name: str, value: object) -> TypeError | ValueError | None:
    """Why ``value`` is not a number of seconds to wait, as an error naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return TypeError(f"{name} must be a number of seconds, not {_shown(value)}.")
    # inf would let a fetch hang for ever; nan compares false with every bound.
    if not (math.isfinite(value) and float(value) > 0):
        return ValueError(f"{name} must be a positive, finite number of seconds, not {value!r}.")
    return None


def _count_refusal(
    name: str, value: object, unit: str, minimum: int
) -> TypeError | ValueError | None:
    """Why ``value`` is not a whole number of ``unit`` of at least ``minimum``."""
    if isinstance(value, numbers.Real) and not math.isfinite(value):
        return ValueError(f"{name} must be a finite number of {unit}, not {value!r}.")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return TypeError(f"{name} must be a whole number of {unit}, not {_shown(value)}.")
    if int(value) < minimum:
        return ValueError(f"{name} must be {minimum} or more {unit}, not {value!r}.")
    return None


def _ports_refusal(name: str, ports: object) -> TypeError | ValueError | None:
    if ports is None:
        return None
    # A string is a collection too, but "443" would allow ports 4 and 3.
    if isinstance(ports, (str, bytes)) or not isinstance(ports, Collection):
        return TypeError(f"{name} must be None or a set of port numbers, not {_shown(ports)}.")
    for port in ports:
        if isinstance(port, bool) or not isinstance(port, numbers.Integral):
            return TypeError(f"{name} holds {_shown(port)}, which is no port number.")
        if not 0 < int(port) < 65536:
            return ValueError(f"{name} holds {port!r}, which is no port number (1-65535).")
    return None


class Refused(Exception):
    """A refusal from inside the network backend, which does not know the URL."""

    def __init__(self, reason: str, *, address: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.address = address

    def error_for(self, url: str) -> BlockedURL:
        kind = BlockedAddress if self.address else BlockedURL
        return kind(f"{url} is not fetched: {self.reason}", url=url)


_ALLOW_PRIVATE_HINT = "Pass FetchPolicy(allow_private_addresses=True) to allow it."


def _port_refusal(port: int, policy: FetchPolicy, where: str = "") -> Refused | None:
    if policy.allowed_ports is None or port in policy.allowed_ports:
        return None
    allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
    return Refused(
        f"port {port}{where} is not allowed (allowed: {allowed}). "
        "Pass FetchPolicy(allowed_ports=...) to allow it.",
        address=False,
    )


def check_addresses(host: str, port: int, addresses: Sequence[str], policy: FetchPolicy) -> None:
    """Refuse unless every address is allowed: one bad answer spoils the lookup."""
    for address in addresses:
        reason = blocked_reason(address)
        if reason is not None and not policy.allow_private_addresses:
            who = address if address == host else f"{host} resolves to {address}, which"
            raise Refused(
                f"{who} is a non-public address ({reason}). {_ALLOW_PRIVATE_HINT}", address=True
            )
        if reason is None:
            refusal = _port_refusal(port, policy, f" of the public address {address}")
            if refusal is not None:
                raise refusal


def ip_literal(host: str) -> str | None:
    """``host`` itself when it is an IP address (kept as written, for messages)."""
    try:
        ip_address(host)
    except ValueError:
        return None
    return host


def checked_url(url: str, policy: FetchPolicy) -> httpx.URL:
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
    if ip_literal(host) is None and not _HOST_NAME.fullmatch(host):
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
    literal = ip_literal(parsed.host)
    try:
        if literal is not None:
            check_addresses(literal, port, [literal], policy)
        elif not policy.allow_private_addresses:
            # Without private addresses every destination is public, so the
            # port can be judged before any DNS lookup.
            refusal = _port_refusal(port, policy)
            if refusal is not None:
                raise refusal
    except Refused as refusal:
        raise refusal.error_for(str(parsed)) from None
    return parsed
