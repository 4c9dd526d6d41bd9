"""A live Werkzeug server receiving real pings: pingcore's client and Python's xmlrpc.client."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from flask_pingback import DuplicatePing, received
from pingcore.client import Outcome, ping
from pingcore.fetch import FetchPolicy

from .blog import make_blog
from .live import serving
from .signal_recording import recording

LOOPBACK = FetchPolicy(allow_private_addresses=True, timeout=5.0)

Source = Callable[..., str]


@pytest.fixture
def live_root(app: Flask) -> Iterator[str]:
    with serving(app) as root:
        yield root


def test_pingcore_discovers_the_advertised_endpoint_and_the_ping_is_received(
    app: Flask, live_root: str, source: Source, pings: list[dict[str, Any]]
) -> None:
    post = f"{live_root}/posts/hello/"
    reply = source(links_to=post)

    result = ping(reply, post, policy=LOOPBACK)

    assert result.outcome is Outcome.REGISTERED
    assert (result.protocol, result.endpoint) == ("pingback", f"{live_root}/pingback")
    (received_ping,) = pings
    assert received_ping["sender"] is app
    assert received_ping["target_url"] == post
    assert received_ping["kwargs"] == {"slug": "hello"}
    assert received_ping["remote_addr"] == "127.0.0.1"


def test_a_duplicate_refused_by_a_receiver_reaches_the_pinger_as_fault_48(
    app: Flask, live_root: str, source: Source
) -> None:
    post = f"{live_root}/posts/hello/"
    reply = source(links_to=post)

    def refuse(sender: Flask, **kwargs: Any) -> None:
        raise DuplicatePing()

    with received.connected_to(refuse, app):
        result = ping(reply, post, policy=LOOPBACK)
    assert (result.outcome, result.fault_code) == (Outcome.ALREADY_REGISTERED, 48)


def test_python_xmlrpc_client_pings_the_live_endpoint(
    live_root: str, source: Source, pings: list[dict[str, Any]]
) -> None:
    post = f"{live_root}/posts/café/"
    reply = source(links_to=post)

    with xmlrpc.client.ServerProxy(f"{live_root}/pingback") as proxy:
        message = proxy.pingback.ping(reply, post)
        methods = proxy.system.listMethods()

    assert "registered" in message
    assert "pingback.ping" in methods
    assert pings[0]["kwargs"] == {"slug": "café"}


def test_python_xmlrpc_client_gets_fault_32_for_a_page_that_is_not_there(
    live_root: str, source: Source
) -> None:
    target = f"{live_root}/posts/hello/comments"

    with (
        xmlrpc.client.ServerProxy(f"{live_root}/pingback") as proxy,
        pytest.raises(xmlrpc.client.Fault) as caught,
    ):
        proxy.pingback.ping(source(links_to=target), target)

    assert caught.value.faultCode == 32


def test_a_custom_pingback_url_is_discovered_and_served(source: Source) -> None:
    app = make_blog(PINGBACK_URL="/xmlrpc.php")

    with serving(app) as root, recording(received, app) as pings:
        post = f"{root}/posts/hello/"
        result = ping(source(links_to=post), post, policy=LOOPBACK)

    assert result.endpoint == f"{root}/xmlrpc.php"
    assert len(pings) == 1


def test_with_webmention_on_pingcore_prefers_it_and_the_signal_says_so(source: Source) -> None:
    app = make_blog(PINGBACK_WEBMENTION=True)

    with serving(app) as root, recording(received, app) as pings:
        post = f"{root}/posts/hello/"
        result = ping(source(links_to=post), post, policy=LOOPBACK)
        pingback_result = ping(source(links_to=post), post, policy=LOOPBACK, protocol="pingback")

    assert (result.protocol, result.outcome) == ("webmention", Outcome.REGISTERED)
    assert result.endpoint == f"{root}/webmention"
    assert pingback_result.protocol == "pingback"
    assert [p["protocol"] for p in pings] == ["webmention", "pingback"]
