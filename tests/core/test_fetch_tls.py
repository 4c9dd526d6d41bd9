"""HTTPS through the fetcher: the socket goes to the checked address, TLS to the name.

A server on 127.0.0.1 holds a certificate for "pingcore.test" from a trustme
authority; a resolver maps the name to loopback, as DNS would for a real site.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import trustme
from pytest_httpserver import HTTPServer

from pingcore.errors import ConnectionFailed
from pingcore.fetch import FetchPolicy, FetchResponse

pytestmark = pytest.mark.usefixtures("fake_internet")

Fetch = Callable[..., FetchResponse]  # the ``fetch`` fixture of conftest.py


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def running_tls_server(authority: trustme.CA) -> Iterator[tuple[HTTPServer, list[str | None]]]:
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("pingcore.test").configure_cert(context)
    context.sni_callback = lambda connection, name, ctx: server_names.append(name)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server, server_names
    server.stop()


@pytest.fixture
def tls_server(
    running_tls_server: tuple[HTTPServer, list[str | None]],
) -> Iterator[tuple[HTTPServer, list[str | None]]]:
    """An HTTPS server for pingcore.test on 127.0.0.1, and the SNI names it was sent."""
    server, server_names = running_tls_server
    server_names.clear()
    server.expect_request("/").respond_with_data("over TLS")
    yield server, server_names
    server.clear()


def policy_trusting(authority: trustme.CA, **changes: Any) -> FetchPolicy:
    context = ssl.create_default_context()
    authority.configure_trust(context)
    names = {"pingcore.test": ["127.0.0.1"], "impostor.test": ["127.0.0.1"]}
    return FetchPolicy(
        allow_private_addresses=True,
        timeout=5.0,
        verify=context,
        resolver=lambda host, port: names[host],
    ).replace(**changes)


def test_https_connects_to_the_checked_address_but_verifies_and_sends_the_name(
    fetch: Fetch,
    tls_server: tuple[HTTPServer, list[str | None]],
    authority: trustme.CA,
    fake_internet: Any,
) -> None:
    server, server_names = tls_server
    response = fetch(f"https://pingcore.test:{server.port}/", policy=policy_trusting(authority))
    assert response.content == b"over TLS"
    assert server_names == ["pingcore.test"]
    assert fake_internet.attempts == [("127.0.0.1", server.port)]
    request, _ = server.log[0]
    assert request.headers["Host"] == f"pingcore.test:{server.port}"


def test_a_certificate_for_another_name_is_refused(
    fetch: Fetch, tls_server: tuple[HTTPServer, list[str | None]], authority: trustme.CA
) -> None:
    server, _ = tls_server
    with pytest.raises(ConnectionFailed, match="TLS certificate was refused") as caught:
        fetch(f"https://impostor.test:{server.port}/", policy=policy_trusting(authority))
    assert "impostor.test" in str(caught.value)
    assert server.log == []


def test_a_certificate_from_an_unknown_authority_is_refused(
    fetch: Fetch, tls_server: tuple[HTTPServer, list[str | None]], authority: trustme.CA
) -> None:
    server, _ = tls_server
    policy = policy_trusting(authority, verify=True)  # the usual authorities only
    with pytest.raises(ConnectionFailed, match="TLS certificate was refused"):
        fetch(f"https://pingcore.test:{server.port}/", policy=policy)


def test_verify_false_skips_the_certificate_checks(
    fetch: Fetch, tls_server: tuple[HTTPServer, list[str | None]], authority: trustme.CA
) -> None:
    server, _ = tls_server
    policy = policy_trusting(authority, verify=False)
    assert fetch(f"https://impostor.test:{server.port}/", policy=policy).content == b"over TLS"


def test_plain_http_to_a_tls_port_is_a_connection_failure(
    fetch: Fetch, tls_server: tuple[HTTPServer, list[str | None]], authority: trustme.CA
) -> None:
    server, _ = tls_server
    with pytest.raises(ConnectionFailed):
        fetch(f"http://pingcore.test:{server.port}/", policy=policy_trusting(authority))
