"""A port scan through the endpoints learns nothing: every unreachable source answers alike.

The sites keep the adapters' default policy (only FETCH_TIMEOUT is shortened).
Public addresses stand for hosts on the internet and are routed to loopback: a
closed port, an open port that speaks something else or hangs up or answers an
error, one that never answers, a disallowed port and blocked addresses. The
caller gets the same fault code and byte-for-byte the same answer from each.

(An open port serving a real page that does not link is answered fault 17, as
the protocol requires: that is a web page, which anyone could fetch anyway.)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .network import (
    LoopbackServer,
    TestNetwork,
    closed_port,
    hangs_up,
    never_answers,
    not_found,
    speaks_gibberish,
)
from .sites import SOURCE_UNAVAILABLE, Site

PROBED = {
    "closed port": "93.184.216.1",
    "open, not HTTP": "93.184.216.2",
    "open, hangs up": "93.184.216.3",
    "open, answers 404": "93.184.216.4",
    "timeout": "93.184.216.5",
}


@pytest.fixture
def probed(
    net: TestNetwork, servers: Callable[..., LoopbackServer], trap: LoopbackServer
) -> dict[str, str]:
    """The source URL of each kind of port, on the internet as the test network draws it."""
    net.route(PROBED["closed port"], 80, closed_port())
    handlers = {
        "open, not HTTP": speaks_gibberish,
        "open, hangs up": hangs_up,
        "open, answers 404": not_found,
        "timeout": never_answers,
    }
    for kind, handler in handlers.items():
        net.route(PROBED[kind], 80, servers(default=handler).port)
    net.route("93.184.216.6", 22, trap.port)
    return {
        **{kind: f"http://{address}/" for kind, address in PROBED.items()},
        "disallowed port": "http://93.184.216.6:22/",
        "blocked address": "http://10.0.0.1/",
        "blocked loopback port": "http://127.0.0.1:5432/",
        "blocked metadata": "http://169.254.169.254/",
    }


def test_a_port_probe_gets_one_answer_for_every_port(
    start_site: Callable[..., Site],
    probed: dict[str, str],
    trap: LoopbackServer,
    net: TestNetwork,
) -> None:
    site = start_site(FETCH_TIMEOUT=1.0)
    pingbacks = {kind: site.ping(url) for kind, url in probed.items()}
    webmentions = {kind: site.webmention(url) for kind, url in probed.items()}

    assert {answer.fault for answer in pingbacks.values()} == {(16, SOURCE_UNAVAILABLE)}
    assert len({answer.body for answer in pingbacks.values()}) == 1
    assert {(answer.status, answer.body) for answer in webmentions.values()} == {
        (400, f"{SOURCE_UNAVAILABLE}\n".encode())
    }
    # Each reachable kind was really tried, once per ping and once per Webmention;
    # the refused ones never were.
    for address in PROBED.values():
        assert net.attempts_to(address) == [(address, 80)] * 2
    assert trap.settled_connections() == 0
