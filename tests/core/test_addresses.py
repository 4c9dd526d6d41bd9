"""Which addresses count as public: every blocked network at its edges, and the embedded forms."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pingcore.addresses import blocked_reason, is_public_address

# Written out again here, not imported: the test is a second opinion on the table.
BLOCKED_NETWORKS: list[tuple[str, str]] = [
    ("0.0.0.0/8", "unspecified"),
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
    ("240.0.0.0/4", "reserved"),
    ("255.255.255.255/32", "broadcast"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("100::/64", "discard-only"),
    ("2001:2::/48", "benchmarking"),
    ("2001:10::/28", "ORCHID"),
    ("2001:20::/28", "ORCHIDv2"),
    ("2001:db8::/32", "documentation"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "SRv6 segment identifier"),
    ("fc00::/7", "unique local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"),
    ("ff00::/8", "multicast"),
]

PUBLIC = [
    "1.1.1.1",
    "8.8.8.8",
    "93.184.215.14",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "2a00:1450:4001:80b::200e",
    "2001:200::1",  # just past the IETF protocol block 2001::/23
    "3ffe:ffff::1",  # just before 3fff::/20
    "::ffff:8.8.8.8",  # IPv4-mapped, public inside
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    "2002:808:808::1",  # 6to4 of 8.8.8.8
]


def network_edges(network: IPv4Network | IPv6Network) -> list[IPv4Address | IPv6Address]:
    first = network.network_address
    return [first, first + (network.num_addresses // 2), network.broadcast_address]


def neighbours(network: IPv4Network | IPv6Network) -> list[IPv4Address | IPv6Address]:
    outside = []
    if int(network.network_address) > 0:
        outside.append(network.network_address - 1)
    if int(network.broadcast_address) < (2**network.max_prefixlen) - 1:
        outside.append(network.broadcast_address + 1)
    return outside


def most_specific_reason(address: IPv4Address | IPv6Address) -> str:
    """The reason of the narrowest network holding ``address`` (255.255.255.255 is broadcast)."""
    holding = [
        (ip_network(network).prefixlen, reason)
        for network, reason in BLOCKED_NETWORKS
        if address.version == ip_network(network).version and address in ip_network(network)
    ]
    return max(holding)[1]


EDGE_CASES = [
    pytest.param(address, id=f"{network}-{address}")
    for network, _ in BLOCKED_NETWORKS
    for address in network_edges(ip_network(network))
]


@pytest.mark.parametrize("address", EDGE_CASES)
def test_first_middle_and_last_address_of_each_blocked_network_are_refused(
    address: IPv4Address | IPv6Address,
) -> None:
    assert not is_public_address(address)
    assert not is_public_address(str(address))
    assert most_specific_reason(address) in (blocked_reason(address) or "")


@pytest.mark.parametrize(("network", "reason"), BLOCKED_NETWORKS)
def test_the_addresses_just_outside_a_blocked_network_are_judged_on_their_own(
    network: str, reason: str
) -> None:
    for outside in neighbours(ip_network(network)):
        assert blocked_reason(outside) != reason or any(
            outside in ip_network(other) for other, why in BLOCKED_NETWORKS if why == reason
        ), f"{outside} is outside {network} but blocked as {reason}"


@pytest.mark.parametrize(
    "outside",
    [
        "9.255.255.255",
        "11.0.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "126.255.255.255",
        "128.0.0.0",
        "169.253.255.255",
        "169.255.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "191.255.255.255",
        "192.0.1.0",
        "192.0.3.0",
        "192.88.98.255",
        "192.88.100.0",
        "192.167.255.255",
        "192.169.0.0",
        "198.17.255.255",
        "198.20.0.0",
        "198.51.99.255",
        "198.51.101.0",
        "203.0.112.255",
        "203.0.114.0",
        "223.255.255.255",
        "1.0.0.0",
        "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
        "2001:db9::",
    ],
)
def test_addresses_bordering_the_blocked_networks_are_public(outside: str) -> None:
    assert is_public_address(outside), blocked_reason(outside)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_public(address: str) -> None:
    assert blocked_reason(address) is None
    assert is_public_address(ip_address(address))


def teredo(server: str, client: str) -> IPv6Address:
    """A Teredo address as RFC 4380 builds it: the client address is stored inverted."""
    flags_and_port = 0x8000_63BF
    obfuscated_client = ~int(IPv4Address(client)) & 0xFFFF_FFFF
    return IPv6Address(
        (0x2001_0000 << 96)
        | (int(IPv4Address(server)) << 64)
        | (flags_and_port << 32)
        | obfuscated_client
    )


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("::ffff:127.0.0.1", "IPv4-mapped loopback"),
        ("::ffff:7f00:1", "IPv4-mapped loopback"),
        ("::ffff:10.0.0.1", "IPv4-mapped private network"),
        ("::ffff:169.254.169.254", "IPv4-mapped link-local (cloud metadata)"),
        ("::ffff:0.0.0.0", "IPv4-mapped unspecified (reaches this host)"),
        ("64:ff9b::127.0.0.1", "NAT64 loopback"),
        ("64:ff9b::192.168.1.1", "NAT64 private network"),
        ("2002:7f00:1::", "6to4 loopback"),
        ("2002:a9fe:a9fe::1", "6to4 link-local (cloud metadata)"),
        (str(teredo("65.54.227.120", "127.0.0.1")), "Teredo loopback"),
        (str(teredo("65.54.227.120", "10.1.1.1")), "Teredo private network"),
        (str(teredo("192.168.0.1", "8.8.8.8")), "Teredo server private network"),
        ("::127.0.0.1", "reserved"),  # the deprecated IPv4-compatible form
        ("::ffff:0:7f00:1", "reserved"),  # SIIT's IPv4-translated form
        ("fd00:ec2::254", "unique local (cloud metadata)"),
    ],
)
def test_ipv4_addresses_embedded_in_ipv6_are_checked(address: str, reason: str) -> None:
    assert blocked_reason(address) == reason


def test_a_teredo_address_with_public_ends_is_public() -> None:
    assert is_public_address(teredo("65.54.227.120", "8.8.8.8"))


def test_a_link_local_address_with_a_zone_is_still_link_local() -> None:
    assert blocked_reason("fe80::1%eth0") == "link-local"


@pytest.mark.parametrize("text", ["", "localhost", "127.1", "[::1]", "1.2.3.4.5", "::g"])
def test_text_that_is_not_an_address_is_an_error(text: str) -> None:
    with pytest.raises(ValueError):
        blocked_reason(text)


@given(st.ip_addresses(v=4))
def test_every_ipv4_address_python_calls_private_is_blocked(address: IPv4Address) -> None:
    # Python's flags move between releases; the table must block at least
    # what any of them call non-global.
    if not address.is_global:
        assert not is_public_address(address)


@given(st.ip_addresses(v=6))
def test_every_ipv6_address_outside_global_unicast_is_blocked_unless_it_embeds_ipv4(
    address: IPv6Address,
) -> None:
    embeds = address.ipv4_mapped or address in ip_network("64:ff9b::/96")
    if address not in ip_network("2000::/3") and not embeds:
        assert not is_public_address(address)
