"""The hosts that are the app's: SERVER_NAME, PINGBACK_HOSTS, TRUSTED_HOSTS, loopback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from flask_pingback import received
from pingcore import HostPattern

from .blog import make_blog
from .signal_recording import recording
from .test_flask_targets import resolve
from .xmlrpc_calls import answer, call, fault_of, ping_body

Source = Callable[..., str]

STRANGER = "203.0.113.9"  # a client on the internet (TEST-NET-3)


def ping_from(
    app: Flask, source_url: str, target_url: str, base_url: str, remote_addr: str = "127.0.0.1"
) -> Any:
    """A pingback.ping sent to ``base_url`` (its Host header) from ``remote_addr``."""
    return app.test_client().post(
        "/pingback",
        base_url=base_url,
        data=ping_body(source_url, target_url),
        content_type="text/xml",
        environ_base={"REMOTE_ADDR": remote_addr},
    )


# -- the Host header is not the app's host -------------------------------------------


@pytest.mark.parametrize("remote_addr", ["127.0.0.1", STRANGER])
def test_a_forged_host_header_does_not_make_its_host_ours_fault_32(
    source: Source, remote_addr: str
) -> None:
    app = make_blog()  # no SERVER_NAME, PINGBACK_HOSTS or TRUSTED_HOSTS
    target = "http://evil.example/posts/hello/"  # the source links to its own host only

    with recording(received, app) as pings:
        response = ping_from(
            app, source(links_to=target), target, "http://evil.example/", remote_addr
        )

    assert fault_of(response).faultCode == 32
    assert pings == []


def test_a_loopback_host_header_from_a_stranger_is_no_local_development(source: Source) -> None:
    app = make_blog()
    target = "http://localhost/posts/hello/"

    response = ping_from(app, source(links_to=target), target, "http://localhost/", STRANGER)

    assert fault_of(response).faultCode == 32


@pytest.mark.parametrize(
    "root",
    ["http://localhost/", "http://127.0.0.1:5000/", "http://[::1]:5000/", "http://blog.localhost/"],
)
def test_without_configured_hosts_a_local_request_to_a_loopback_host_is_ours(
    source: Source, root: str
) -> None:
    app = make_blog()
    target = root + "posts/hello/"

    with recording(received, app) as pings:
        answer(ping_from(app, source(links_to=target), target, root))

    assert [p["target_url"] for p in pings] == [target]


def test_without_configured_hosts_a_warning_naming_the_settings_is_logged_once(
    caplog: pytest.LogCaptureFixture, source: Source
) -> None:
    app = make_blog()
    target = "http://blog.example/posts/hello/"
    reply = source(links_to=target)

    with caplog.at_level(logging.WARNING, logger="flask_pingback"):
        for _ in range(2):
            assert fault_of(ping_from(app, reply, target, "http://blog.example/")).faultCode == 32

    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.name == "flask_pingback"
    assert "SERVER_NAME" in warning.getMessage()
    assert "PINGBACK_HOSTS" in warning.getMessage()


def test_the_warning_is_logged_once_per_app(caplog: pytest.LogCaptureFixture) -> None:
    first, second = make_blog(), make_blog()

    with caplog.at_level(logging.WARNING, logger="flask_pingback"):
        for app in (first, second, first):
            assert resolve(app, "http://blog.example/posts/hello/", "http://blog.example/") is None

    assert len([r for r in caplog.records if "PINGBACK_HOSTS" in r.getMessage()]) == 2


# -- SERVER_NAME ------------------------------------------------------------------------


def test_with_server_name_only_its_host_is_ours_whatever_the_host_header(source: Source) -> None:
    app = make_blog(SERVER_NAME="blog.example")
    post = "http://blog.example/posts/hello/"
    evil = "http://evil.example/posts/hello/"

    with recording(received, app) as pings:
        answer(ping_from(app, source(links_to=post), post, "http://blog.example/", STRANGER))
        assert (
            fault_of(ping_from(app, source(links_to=evil), evil, "http://evil.example/")).faultCode
            == 32
        )
        # Nor does a loopback Host header make localhost ours, once the host is known.
        local = "http://localhost/posts/hello/"
        assert (
            fault_of(ping_from(app, source(links_to=local), local, "http://localhost/")).faultCode
            == 32
        )

    assert [p["target_url"] for p in pings] == [post]


def test_a_server_name_with_a_port_takes_that_port_only() -> None:
    app = make_blog(SERVER_NAME="blog.example:8080")
    base = "http://blog.example:8080/"

    assert resolve(app, "http://blog.example:8080/posts/hello/", base) is not None
    assert resolve(app, "http://blog.example/posts/hello/", base) is None


# -- PINGBACK_HOSTS ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "ours"),
    [
        ("http://blog.example/posts/hello/", True),
        ("https://BLOG.example./posts/hello/", True),
        ("http://blog.example:8080/posts/hello/", False),
        ("http://www.blog.example/posts/hello/", False),
        ("http://notblog.example/posts/hello/", False),
        ("http://localhost/posts/hello/", False),  # configured hosts end the loopback fallback
    ],
)
def test_pingback_hosts_takes_its_exact_hosts_on_their_default_ports(url: str, ours: bool) -> None:
    app = make_blog(PINGBACK_HOSTS=["blog.example"])

    assert (resolve(app, url, "http://localhost/") is not None) is ours


def test_a_pingback_hosts_entry_with_a_port_takes_that_port() -> None:
    app = make_blog(PINGBACK_HOSTS=["blog.example:8080", "[::1]:5000"])

    assert resolve(app, "http://blog.example:8080/posts/hello/") is not None
    assert resolve(app, "http://[::1]:5000/posts/hello/") is not None
    assert resolve(app, "http://blog.example/posts/hello/") is None


@pytest.mark.parametrize(
    ("url", "ours"),
    [
        ("http://example.com/posts/hello/", True),
        ("http://www.example.com/posts/hello/", True),
        ("https://a.b.example.com/posts/hello/", True),
        ("http://notexample.com/posts/hello/", False),
        ("http://example.com.evil.example/posts/hello/", False),
    ],
)
def test_a_leading_dot_takes_the_domain_and_its_subdomains_as_django_does(
    url: str, ours: bool
) -> None:
    app = make_blog(PINGBACK_HOSTS=[".example.com"])

    assert (resolve(app, url, "http://evil.example/", STRANGER) is not None) is ours


def test_pingback_hosts_and_server_name_add_up() -> None:
    app = make_blog(SERVER_NAME="blog.example", PINGBACK_HOSTS=["www.blog.example"])
    base = "http://blog.example/"

    assert resolve(app, "http://blog.example/posts/hello/", base) is not None
    assert resolve(app, "http://www.blog.example/posts/hello/", base) is not None
    assert resolve(app, "http://evil.example/posts/hello/", "http://evil.example/") is None


def test_a_ping_to_a_pingback_hosts_host_is_received_from_anywhere(source: Source) -> None:
    app = make_blog(PINGBACK_HOSTS=["blog.example"])
    post = "https://blog.example/posts/hello/"

    with recording(received, app) as pings:
        answer(ping_from(app, source(links_to=post), post, "http://blog.example/", STRANGER))

    assert [p["kwargs"] for p in pings] == [{"slug": "hello"}]


# -- TRUSTED_HOSTS ----------------------------------------------------------------------


def test_with_trusted_hosts_the_requests_host_is_ours(source: Source) -> None:
    app = make_blog(TRUSTED_HOSTS=["blog.example", ".users.example"])
    post = "http://alice.users.example/posts/hello/"

    with recording(received, app) as pings:
        answer(ping_from(app, source(links_to=post), post, "http://alice.users.example/", STRANGER))

    assert len(pings) == 1
    # Another trusted host than the one the ping was sent to is not this request's host.
    assert resolve(app, "http://blog.example/posts/hello/", "http://alice.users.example/") is None


def test_with_trusted_hosts_flask_refuses_a_request_for_another_host(source: Source) -> None:
    app = make_blog(TRUSTED_HOSTS=["blog.example"])
    target = "http://evil.example/posts/hello/"

    response = ping_from(app, source(links_to=target), target, "http://evil.example/")

    assert response.status_code == 400


# -- the URL's own host and port: port 0, credentials, backslashes ----------------------


def test_port_0_is_not_the_default_port() -> None:
    app = make_blog(SERVER_NAME="blog.example")
    hosts = app.extensions["pingback"].hosts

    assert hosts.owns("http://blog.example/x")
    assert not hosts.owns("http://blog.example:0/x")
    assert not hosts.owns("https://blog.example:0/x")


def test_a_host_pattern_refuses_port_0() -> None:
    with pytest.raises(ValueError):
        HostPattern.parse("blog.example:0")


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example@blog.example/posts/hello/",
        "http://blog.example@evil.example/posts/hello/",
        "http://user:pass@blog.example/posts/hello/",
        "http://blog.example\\@evil.example/posts/hello/",
        "http://blog.example\\.evil.example/posts/hello/",
        "http://blog.example:99999/posts/hello/",
    ],
)
def test_a_url_that_names_its_host_ambiguously_is_no_page_of_ours(url: str) -> None:
    app = make_blog(PINGBACK_HOSTS=["blog.example", "evil.example"])

    assert not app.extensions["pingback"].hosts.owns(url)
    assert resolve(app, url, "http://blog.example/") is None


@pytest.mark.parametrize(
    "target",
    ["http://evil.example@localhost/posts/hello/", "http://localhost\\@evil.example/posts/hello/"],
)
def test_a_ping_naming_such_a_target_is_refused(source: Source, target: str) -> None:
    app = make_blog()

    with recording(received, app) as pings:
        fault = fault_of(call(app.test_client(), source(links_to=target), target))

    assert fault.faultCode in (-32602, 32)  # the core's check, else the adapter's
    assert pings == []


# -- advertising: only on the app's own hosts --------------------------------------------


def test_a_page_requested_with_a_forged_host_advertises_nothing() -> None:
    app = make_blog()

    response = app.test_client().get(
        "/posts/hello/", base_url="http://evil.example/", environ_base={"REMOTE_ADDR": STRANGER}
    )

    assert response.status_code == 200
    assert "X-Pingback" not in response.headers


def test_a_page_on_a_configured_host_advertises_the_endpoint_there() -> None:
    app = make_blog(PINGBACK_HOSTS=["blog.example"], PINGBACK_WEBMENTION=True)
    client = app.test_client()

    on_ours = client.get("/posts/hello/", base_url="https://blog.example/")
    on_evil = client.get("/posts/hello/", base_url="https://evil.example/")

    assert on_ours.headers["X-Pingback"] == "https://blog.example/pingback"
    assert on_ours.headers["Link"] == '<https://blog.example/webmention>; rel="webmention"'
    assert "X-Pingback" not in on_evil.headers
    assert "Link" not in on_evil.headers


def test_the_link_helper_never_writes_a_forged_host_into_the_page() -> None:
    app = make_blog(PINGBACK_HOSTS=["blog.example"])

    page = app.test_client().get(
        "/posts/hello/", base_url="http://evil.example/", environ_base={"REMOTE_ADDR": STRANGER}
    )

    assert b"evil.example" not in page.data
    assert b'<link rel="pingback" href="http://blog.example/pingback">' in page.data
