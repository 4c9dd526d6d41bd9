"""The keys of the rate-limit counters: one per real host, one per client, and their class.

A key's prefix says which class it is in. Victim keys count the hosts and
addresses this server fetches; client keys count who is pinging. A bounded
store keeps the two apart, so a flood of clients cannot push a victim out.
"""

from __future__ import annotations

import enum
import ipaddress
import socket
from ipaddress import IPv4Address, IPv6Address, IPv6Network

from ..addresses import _embedded_ipv4

__all__ = [
    "CLIENT_PREFIX",
    "SOURCE_ADDRESS_PREFIX",
    "SOURCE_HOST_PREFIX",
    "KeyKind",
    "client_key",
    "host_key",
    "key_kind",
]

CLIENT_PREFIX = "pingcore:addr:"
SOURCE_HOST_PREFIX = "pingcore:host:"
SOURCE_ADDRESS_PREFIX = "pingcore:ip:"

# Deprecated IPv4-compatible addresses (::a.b.c.d); ::/128 and ::1 are not among them.
_IPV4_COMPATIBLE = IPv6Network("::/96")


class KeyKind(enum.Enum):
    """Which side of a fetch a counter is about."""

    #: Who is pinging this server: a new one is refused when a bounded store is full.
    CLIENT = "client"
    #: A host or address this server fetches: never evicted while its window lasts.
    VICTIM = "victim"


def key_kind(key: str) -> KeyKind:
    """The class of a counter key; keys of unknown shape count as client keys."""
    if key.startswith((SOURCE_HOST_PREFIX, SOURCE_ADDRESS_PREFIX)):
        return KeyKind.VICTIM
    return KeyKind.CLIENT


def host_key(host: str) -> str:
    """One key per real host however it is spelled.

    A name is compared without case or trailing dot. An address is compared as
    the IPv4 address it carries (127.1, 2130706433, ::ffff:7f00:1, NAT64, 6to4,
    Teredo are one), and any other IPv6 address as its /64, since one site or
    subscriber usually holds a whole /64.
    """
    host = host.lower().rstrip(".").strip("[]").split("%")[0]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        try:
            # The old spellings the resolver accepts: 127.1, 0x7f.1, 2130706433.
            address = ipaddress.ip_address(socket.inet_aton(host))
        except OSError:
            return host
    return _address_key(address)


def client_key(remote_addr: str) -> str:
    """A pinging client: its IPv4 address, or its IPv6 /64 (one subscriber's usual share)."""
    try:
        address = ipaddress.ip_address(remote_addr.split("%")[0])
    except ValueError:
        return remote_addr
    return _address_key(address)


def _address_key(address: IPv4Address | IPv6Address) -> str:
    if isinstance(address, IPv4Address):
        return str(address)
    embedded = embedded_ipv4(address)
    if embedded is not None:
        return str(embedded)
    return str(IPv6Network((address, 64), strict=False))


def embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address a packet to ``address`` ends up at, if it embeds one."""
    forms = _embedded_ipv4(address)
    if forms:
        # Teredo names the client first: the host behind the tunnel is the one fetched.
        return forms[0][1]
    if address in _IPV4_COMPATIBLE and int(address) > 1:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None
