"""The harness has teeth: a connection to a trapped address really reaches the trap.

Without these, a trap that saw nobody could mean a trap that could see nobody.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from .network import PUBLIC_OTHER, LoopbackServer, TestNetwork, not_found


@pytest.mark.parametrize(
    ("family", "address"),
    [
        (socket.AF_INET, ("10.0.0.1", 80)),
        (socket.AF_INET, ("169.254.169.254", 80)),
        (socket.AF_INET, ("127.0.0.1", 80)),
        (socket.AF_INET, ("0.0.0.0", 80)),
        (socket.AF_INET6, ("fd00:ec2::254", 80, 0, 0)),
        (socket.AF_INET6, ("::1", 80, 0, 0)),
    ],
)
def test_a_connection_to_a_trapped_address_reaches_the_trap(
    trap: LoopbackServer, net: TestNetwork, family: int, address: tuple[object, ...]
) -> None:
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(5)
        sock.connect(address)
    assert trap.settled_connections() == 1
    assert net.attempts[-1][1] == 80


def test_an_address_nobody_routed_is_refused_without_a_packet(net: TestNetwork) -> None:
    with socket.socket() as sock, pytest.raises(OSError, match="not on this machine"):
        sock.connect((PUBLIC_OTHER, 80))
    assert net.refused == [(PUBLIC_OTHER, 80)]
    net.refused.clear()  # refused on purpose: the fixture's own check must pass


def test_a_public_address_can_stand_for_a_web_site(
    servers: Callable[..., LoopbackServer], public: Callable[..., str], net: TestNetwork
) -> None:
    site = servers(default=not_found)
    root = public(site, PUBLIC_OTHER)
    with socket.create_connection((PUBLIC_OTHER, 80), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 404")
    assert root == f"http://{PUBLIC_OTHER}"
    assert net.attempts_to(PUBLIC_OTHER) == [(PUBLIC_OTHER, 80)]
