"""Source URLs an attacker chooses, sent to the real Django and Flask endpoints.

The sites run with the adapters' default policy (private addresses refused):
public web sites are loopback servers that the test network routes public
addresses to, and every blocked destination is routed to a trap that must
never see a connection. Every refusal answers fault 16 (Pingback) or 400
(Webmention) with pingcore's one message for a source that cannot be had.
"""

from __future__ import annotations

import socket
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator

import pytest

from pingcore.errors import BlockedAddress
from pingcore.fetch import Fetcher, FetchPolicy
from pingcore.server import PingbackServer, Target

from .network import (
    BLOCKED_SOURCES,
    PUBLIC_OTHER,
    PUBLIC_SOURCE,
    LoopbackServer,
    TestNetwork,
    endless,
    page,
    redirect,
    trickle,
)
from .sites import SOURCE_UNAVAILABLE, Site, ping_body

UNAVAILABLE = (16, SOURCE_UNAVAILABLE)
MIB = 1024 * 1024


def linking_to(target: str, title: str = "A reply") -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><article>"
        f'<p>I liked <a href="{target}">this post</a> a lot.</p></article></body></html>'
    )


def assert_nothing_contacted(site: Site, trap: LoopbackServer, net: TestNetwork) -> None:
    """No connection anywhere but the test's own requests to the site: the trap saw nobody."""
    assert trap.settled_connections() == 0
    assert net.attempts_except(site.port) == []


# -- every spelling of a blocked address --------------------------------------------------


@pytest.mark.parametrize("source", BLOCKED_SOURCES.values(), ids=BLOCKED_SOURCES.keys())
def test_a_blocked_address_is_refused_before_connecting(
    site: Site, trap: LoopbackServer, net: TestNetwork, source: str
) -> None:
    assert site.ping(source).fault == UNAVAILABLE
    webmention = site.webmention(source)
    assert (webmention.status, webmention.body) == (400, f"{SOURCE_UNAVAILABLE}\n".encode())
    assert site.received == []
    assert_nothing_contacted(site, trap, net)


@pytest.mark.parametrize("source", BLOCKED_SOURCES.values(), ids=BLOCKED_SOURCES.keys())
def test_the_fetcher_refuses_each_blocked_address_as_such(
    trap: LoopbackServer, net: TestNetwork, source: str
) -> None:
    # The sites answer every failure alike; here the reason shows: the address itself.
    with Fetcher(FetchPolicy()) as fetcher, pytest.raises(BlockedAddress, match="non-public"):
        fetcher.get(source)
    assert trap.settled_connections() == 0
    assert net.attempts == []


@pytest.mark.parametrize(
    "source",
    [
        f"http://{PUBLIC_OTHER}:22/",
        f"http://{PUBLIC_OTHER}:25/",
        f"http://{PUBLIC_OTHER}:6379/",
        f"http://{PUBLIC_OTHER}:11211/",
        "http://127.0.0.1:22/",
        "http://localhost:6379/",
    ],
)
def test_a_disallowed_port_is_refused_before_connecting(
    site: Site, trap: LoopbackServer, net: TestNetwork, source: str
) -> None:
    for port in (22, 25, 6379, 11211):
        net.route(PUBLIC_OTHER, port, trap.port)
    assert site.ping(source).fault == UNAVAILABLE
    assert_nothing_contacted(site, trap, net)


# -- redirects ---------------------------------------------------------------------------


@pytest.fixture
def redirecting_source(
    servers: Callable[..., LoopbackServer], public: Callable[..., str], site: Site
) -> LoopbackServer:
    """A public source whose pages redirect: to blocked places, in loops, in long chains."""
    routes = {
        "/good": page(linking_to(site.target())),
        "/to-good": redirect("/good"),
        "/to-loopback": redirect("http://127.0.0.1/admin/"),
        "/to-localhost": redirect("http://localhost:8080/"),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/", 301),
        "/to-metadata-ipv6": redirect("http://[fd00:ec2::254]/latest/meta-data/", 307),
        "/to-private": redirect("http://10.0.0.1/", 308),
        "/to-mapped": redirect("http://[::ffff:192.168.1.1]/", 303),
        "/to-decimal": redirect("http://2130706433/"),
        "/to-file": redirect("file:///etc/passwd"),
        "/to-gopher": redirect("gopher://127.0.0.1:6379/_FLUSHALL"),
        "/to-dict": redirect("dict://127.0.0.1:11211/stats"),
        "/to-port": redirect(f"http://{PUBLIC_OTHER}:6379/"),
        "/to-credentials": redirect(f"http://admin:admin@{PUBLIC_OTHER}/"),
        "/loop-a": redirect("/loop-b"),
        "/loop-b": redirect("/loop-a"),
        "/self": redirect("/self"),
    }
    for hop in range(50):
        routes[f"/chain/{hop}"] = redirect(f"/chain/{hop + 1}")
    routes["/chain/50"] = page(linking_to(site.target()))
    server = servers(routes=routes)
    public(server, PUBLIC_SOURCE)
    return server


def test_a_redirect_to_a_good_page_is_followed(site: Site, redirecting_source: LoopbackServer):
    # The control: redirects work, so the refusals below are the policy's doing.
    answer = site.ping(f"http://{PUBLIC_SOURCE}/to-good")
    assert (
        answer.value == f"Ping from http://{PUBLIC_SOURCE}/to-good to {site.target()} registered."
    )


@pytest.mark.parametrize(
    "path",
    [
        "/to-loopback",
        "/to-localhost",
        "/to-metadata",
        "/to-metadata-ipv6",
        "/to-private",
        "/to-mapped",
        "/to-decimal",
        "/to-file",
        "/to-gopher",
        "/to-dict",
        "/to-port",
        "/to-credentials",
    ],
)
def test_a_redirect_to_a_blocked_place_is_refused_before_connecting(
    site: Site,
    redirecting_source: LoopbackServer,
    trap: LoopbackServer,
    net: TestNetwork,
    path: str,
) -> None:
    net.route(PUBLIC_OTHER, 6379, trap.port)
    assert site.ping(f"http://{PUBLIC_SOURCE}{path}").fault == UNAVAILABLE
    assert [request.path for request in redirecting_source.requests] == [path]
    assert trap.settled_connections() == 0
    assert {address for address, _ in net.attempts_except(site.port)} == {PUBLIC_SOURCE}


@pytest.mark.parametrize("path", ["/loop-a", "/self", "/chain/0"])
def test_redirect_loops_and_long_chains_end_after_a_few_hops(
    site: Site, redirecting_source: LoopbackServer, path: str
) -> None:
    assert site.ping(f"http://{PUBLIC_SOURCE}{path}").fault == UNAVAILABLE
    # The default policy follows 5 redirects: 6 requests at most, however long the chain.
    assert len(redirecting_source.requests) <= 6


# -- sources that misbehave ----------------------------------------------------------------


@pytest.fixture
def memory() -> Iterator[None]:
    tracemalloc.start()
    yield
    tracemalloc.stop()


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """256 MiB of HTML-ish zeros, gzipped to a few hundred kilobytes, made without holding them."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b"<p>")]
    block = b"\0" * MIB
    parts += [packer.compress(block) for _ in range(256)]
    parts.append(packer.flush())
    return b"".join(parts)


def test_a_source_that_trickles_is_cut_off_at_the_deadline(
    start_site: Callable[..., Site],
    servers: Callable[..., LoopbackServer],
    public: Callable[..., str],
) -> None:
    site = start_site(FETCH_TIMEOUT=1.0)
    source = servers(default=trickle(0.1))
    root = public(source, PUBLIC_SOURCE)
    started = time.monotonic()
    assert site.ping(f"{root}/slow-post").fault == UNAVAILABLE
    assert time.monotonic() - started < 5  # a hang guard: the deadline is 1 s
    assert source.connections == 1


@pytest.mark.parametrize(
    "handler",
    [endless(content_length=5 * 1024**3), endless(content_length=None)],
    ids=["claims-5-GB", "endless-chunked"],
)
def test_a_huge_source_is_cut_at_the_byte_cap(
    site: Site,
    servers: Callable[..., LoopbackServer],
    public: Callable[..., str],
    memory: None,
    handler: Callable[..., None],
) -> None:
    source = servers(default=handler)
    root = public(source, PUBLIC_SOURCE)
    assert site.ping(f"{root}/huge").fault == UNAVAILABLE
    (call,) = site.probe.posts()
    assert call.peak_bytes is not None and call.peak_bytes < 4 * MIB
    # Cut at the 1 MiB cap: what the source got out is what the sockets buffered.
    assert source.bytes_sent < 64 * MIB


def test_a_gzip_bomb_source_is_never_inflated_past_the_cap(
    site: Site,
    servers: Callable[..., LoopbackServer],
    public: Callable[..., str],
    gzip_bomb: bytes,
    memory: None,
) -> None:
    source = servers(default=page(gzip_bomb, headers={"Content-Encoding": "gzip"}))
    root = public(source, PUBLIC_SOURCE)
    assert len(gzip_bomb) < MIB
    assert site.ping(f"{root}/bomb").fault == UNAVAILABLE
    (call,) = site.probe.posts()
    assert call.peak_bytes is not None and call.peak_bytes < 4 * MIB


def test_a_source_equal_to_the_target_is_refused_without_any_fetch(site: Site) -> None:
    target = site.target()
    refused = (0, "The source URL and the target URL cannot be the same page.")
    assert site.ping(target, target).fault == refused
    assert site.ping(target + "#comments", target).fault == refused
    webmention = site.webmention(target, target)
    assert (webmention.status, webmention.body) == (
        400,
        b"source and target cannot be the same page.\n",
    )
    # Only the three POSTs reached the site: it never fetched its own page.
    assert [call.path for call in site.probe.calls] == [
        site.pingback_path,
        site.pingback_path,
        site.webmention_path,
    ]


# -- DNS rebinding ---------------------------------------------------------------------------


class Rebinding:
    """A resolver that answers each name's table in turn, logging every lookup."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = {name: iter(table) for name, table in answers.items()}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return next(self.answers[host])


def test_the_resolver_is_asked_once_per_hop_and_its_answer_is_what_is_connected_to(
    servers: Callable[..., LoopbackServer], public: Callable[..., str], net: TestNetwork
) -> None:
    first = servers(routes={"/": redirect("http://b.rebind.test/page")})
    second = servers(routes={"/page": page("<p>public page</p>")})
    public(first, PUBLIC_SOURCE)
    public(second, PUBLIC_OTHER)
    resolver = Rebinding(
        {
            "a.rebind.test": [[PUBLIC_SOURCE], ["127.0.0.1"]],
            "b.rebind.test": [[PUBLIC_OTHER], ["127.0.0.1"]],
        }
    )
    with Fetcher(FetchPolicy(resolver=resolver)) as fetcher:
        response = fetcher.get("http://a.rebind.test/")
    assert (response.url, response.content) == ("http://b.rebind.test/page", b"<p>public page</p>")
    assert resolver.lookups == ["a.rebind.test", "b.rebind.test"]
    assert net.attempts == [(PUBLIC_SOURCE, 80), (PUBLIC_OTHER, 80)]
    # The names now answer loopback: refused after the one lookup, before connecting.
    with Fetcher(FetchPolicy(resolver=resolver)) as fetcher:
        with pytest.raises(BlockedAddress, match="a.rebind.test resolves to 127.0.0.1"):
            fetcher.get("http://a.rebind.test/")
    assert resolver.lookups == ["a.rebind.test", "b.rebind.test", "a.rebind.test"]
    assert net.attempts == [(PUBLIC_SOURCE, 80), (PUBLIC_OTHER, 80)]


def test_a_rebinding_source_gets_one_ping_through_and_never_reaches_loopback(
    servers: Callable[..., LoopbackServer],
    public: Callable[..., str],
    trap: LoopbackServer,
    net: TestNetwork,
) -> None:
    target = "http://blog.example/posts/hello/"
    source = servers(default=page(linking_to(target)))
    public(source, PUBLIC_SOURCE)
    resolver = Rebinding({"evil.test": [[PUBLIC_SOURCE], ["127.0.0.1"], ["10.0.0.1"]]})
    received: list[str] = []
    server = PingbackServer(
        lambda url: Target(url) if url == target else None,
        lambda ping: received.append(ping.source_url),
        policy=FetchPolicy(resolver=resolver),
    )
    answers = [
        server.handle(ping_body(f"http://evil.test/{n}", target), remote_addr="192.0.2.9")
        for n in range(3)
    ]
    assert b"registered" in answers[0].body
    assert [b"<int>16</int>" in answer.body for answer in answers] == [False, True, True]
    assert received == ["http://evil.test/0"]
    assert resolver.lookups == ["evil.test"] * 3
    assert trap.settled_connections() == 0
    assert net.attempts == [(PUBLIC_SOURCE, 80)]


# -- a page that broke the link finder ----------------------------------------------------


@pytest.mark.parametrize("href", ["/deals?discount=50%", "%yPQ", "/100%25%", "&amp;%zz"])
def test_a_stray_percent_in_another_href_does_not_break_the_ping(
    site: Site, servers: Callable[..., LoopbackServer], public: Callable[..., str], href: str
) -> None:
    # Found by test_fuzz.py: an href whose "%" does not start an escape sent the
    # link finder into endless recursion (RecursionError), so any page holding
    # one, "50%" in a shop link say, was answered with the generic fault 0.
    html = (
        f'<html><body><p><a href="{href}">a sale</a> and '
        f'<a href="{site.target()}">this post</a>.</p></body></html>'
    )
    public(servers(default=page(html)), PUBLIC_SOURCE)
    answer = site.ping(f"http://{PUBLIC_SOURCE}/reply")
    assert answer.value == f"Ping from http://{PUBLIC_SOURCE}/reply to {site.target()} registered."
    assert len(site.received) == 1
