"""Which IP addresses are on the public internet, and why the others are not.

The fetcher refuses to connect to anything this module does not call public.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

__all__ = ["blocked_reason", "is_public_address"]

# Our own table rather than ipaddress's is_global / is_private: those flags
# have changed between Python patch releases, and a security boundary must not
# move when the interpreter is upgraded.
_IPV4_BLOCKED: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(network), reason)
    for network, reason in (
        ("0.0.0.0/8", "unspecified (reaches this host)"),
        ("10.0.0.0/8", "private network"),
        ("100.64.0.0/10", "carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local (cloud metadata)"),
        ("172.16.0.0/12", "private network"),
        ("192.0.0.0/24", "IETF protocol assignment"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private network"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "reserved"),
    )
)

# First match wins, so a narrow block sits before the wide one holding it.
_IPV6_BLOCKED: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(network), reason)
    for network, reason in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        # RFC 8215's local-use NAT64 prefix may embed the IPv4 address at any
        # of four offsets and nothing says which, so its embedded address cannot
        # be read safely; it is not globally routable anyway.
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("100::/64", "discard-only"),
        ("2001:2::/48", "benchmarking"),
        ("2001:10::/28", "ORCHID"),
        ("2001:20::/28", "ORCHIDv2"),
        # Teredo (2001::/32) is handled before this table, by its embedded
        # addresses; the rest of 2001::/23 is protocol plumbing, not web sites.
        ("2001::/23", "IETF protocol assignment"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("5f00::/16", "SRv6 segment identifier"),
        ("fd00:ec2::254/128", "unique local (cloud metadata)"),
        ("fc00::/7", "unique local (private network)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
)

# Only 2000::/3 holds global unicast addresses; everything else in IPv6 is
# reserved or unassigned (the embedded forms below are checked first).
_IPV6_GLOBAL_UNICAST = IPv6Network("2000::/3")

_IPV4_MAPPED = IPv6Network("::ffff:0:0/96")
_NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")
_TEREDO = IPv6Network("2001::/32")
_SIX_TO_FOUR = IPv6Network("2002::/16")


def _ipv4_reason(ip: IPv4Address) -> str | None:
    for network, reason in _IPV4_BLOCKED:
        if ip in network:
            return reason
    return None


def _v4(bits: int) -> IPv4Address:
    return IPv4Address(bits & 0xFFFFFFFF)


def _embedded_ipv4(ip: IPv6Address) -> list[tuple[str, IPv4Address]] | None:
    """The IPv4 addresses an IPv6 address carries, named by form; None for other forms.

    A packet to such an address ends up at the embedded IPv4 address, so that
    address decides whether the IPv6 one is public.
    """
    if ip in _IPV4_MAPPED:
        return [("IPv4-mapped", _v4(int(ip)))]
    if ip in _NAT64_WELL_KNOWN:
        return [("NAT64", _v4(int(ip)))]
    if ip in _TEREDO and ip.teredo is not None:
        server, client = ip.teredo  # the client address comes back de-obfuscated
        return [("Teredo", client), ("Teredo server", server)]
    if ip in _SIX_TO_FOUR and ip.sixtofour is not None:
        return [("6to4", ip.sixtofour)]
    return None


def blocked_reason(ip: str | IPv4Address | IPv6Address) -> str | None:
    """Why ``ip`` is not a public internet address (e.g. "loopback"), or None if it is.

    Raises ValueError when ``ip`` is not an IP address.
    """
    address = ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(address, IPv4Address):
        return _ipv4_reason(address)
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        for form, v4 in embedded:
            reason = _ipv4_reason(v4)
            if reason is not None:
                return f"{form} {reason}"
        return None
    for network, reason in _IPV6_BLOCKED:
        if address in network:
            return reason
    if address not in _IPV6_GLOBAL_UNICAST:
        return "reserved"
    return None


def is_public_address(ip: str | IPv4Address | IPv6Address) -> bool:
    """True when ``ip`` is on the public internet; False for loopback, private, reserved…

    Raises ValueError when ``ip`` is not an IP address.
    """
    return blocked_reason(ip) is None
