"""The framework-free Pingback server, with sources on real loopback servers."""

from __future__ import annotations

import logging
import socket
import threading
import xmlrpc.client
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request
from werkzeug import Response as WerkzeugResponse
from worker_threads import ThreadNotingStore

from pingcore import (
    AccessDenied,
    AsyncPingbackServer,
    DuplicatePing,
    FetchPolicy,
    PingbackServer,
    RateLimiter,
    ReceivedPing,
    Target,
    UnpingableTarget,
)
from pingcore import xmlrpc as rpc
from pingcore.server import deleted_signal_arguments

TARGET = "http://blog.test/posts/hello/"

SOURCE_PAGE = """<!DOCTYPE html>
<html><head><title>Bob's reply</title></head>
<body><article class="h-entry">
<p>Written by <a class="p-author h-card" href="/">Bob Example</a></p>
<p>I liked <a href="http://blog.test/posts/hello/">Alice's hello post</a> a lot.</p>
</article></body></html>"""


def resolve(target_url: str) -> Target | None:
    if target_url.startswith("http://blog.test/posts/"):
        slug = target_url.rstrip("/").rsplit("/", 1)[-1]
        if slug == "closed":
            raise UnpingableTarget()
        return Target(target_url, view="post_detail", kwargs={"slug": slug})
    return None


class Inbox(list[ReceivedPing]):
    """Stores pings; a second ping of the same pair is a duplicate."""

    def __call__(self, ping: ReceivedPing) -> None:
        if any((p.source_url, p.target_url) == (ping.source_url, ping.target_url) for p in self):
            raise DuplicatePing()
        self.append(ping)


def call(source: object, target: object, method: str = "pingback.ping") -> bytes:
    return rpc.dump_call(method, [source, target])


def fault_of(body: bytes) -> tuple[int, str]:
    with pytest.raises(rpc.XMLRPCFault) as caught:
        rpc.parse_response(body)
    return caught.value.code, caught.value.message


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def server(inbox: Inbox, local_policy: FetchPolicy) -> PingbackServer:
    return PingbackServer(resolve, inbox, policy=local_policy)


@pytest.fixture
def source(httpserver: HTTPServer) -> str:
    httpserver.expect_request("/reply").respond_with_data(
        SOURCE_PAGE, content_type="text/html; charset=utf-8"
    )
    return httpserver.url_for("/reply")


def test_a_valid_ping_is_registered_with_author_excerpt_and_title(
    server: PingbackServer, inbox: Inbox, source: str
) -> None:
    answer = server.handle(call(source, TARGET), remote_addr="192.0.2.7")
    assert answer.status == 200
    assert "registered" in rpc.parse_response(answer.body)
    [ping] = inbox
    assert (ping.source_url, ping.target_url, ping.protocol) == (source, TARGET, "pingback")
    assert ping.title == "Bob's reply"
    assert ping.author == "Bob Example"
    assert "Alice's hello post" in ping.excerpt
    assert ping.view == "post_detail" and ping.kwargs == {"slug": "hello"}
    assert ping.remote_addr == "192.0.2.7"


def test_the_source_fetch_names_the_pinger(
    server: PingbackServer, httpserver: HTTPServer, source: str
) -> None:
    server.handle(call(source, TARGET), remote_addr="192.0.2.7")
    request, _ = httpserver.log[0]
    assert request.headers["X-Pingback-Forwarded-For"] == "192.0.2.7"
    assert request.headers["User-Agent"].startswith("pingcore/")


def test_a_second_ping_is_a_duplicate(server: PingbackServer, source: str) -> None:
    server.handle(call(source, TARGET))
    assert fault_of(server.handle(call(source, TARGET)).body)[0] == 48


def test_get_is_refused_with_allow(server: PingbackServer) -> None:
    answer = server.handle(b"", method="GET")
    assert answer.status == 405
    assert answer.headers["Allow"] == "POST"


def test_an_oversized_body_is_refused_with_413(server: PingbackServer) -> None:
    assert server.handle(b"x" * (64 * 1024 + 1)).status == 413


@pytest.mark.parametrize("char", ["\n", "\r", "\t", " ", "\x7f", "\x85", "\u202e"])
@pytest.mark.parametrize(("where", "code"), [("source", 16), ("target", 32)])
def test_a_url_with_a_control_character_or_whitespace_inside_is_refused(
    server: PingbackServer, char: str, where: str, code: int
) -> None:
    source, target = "http://a.test/post/", TARGET
    if where == "source":
        source = "http://a.test/po" + char + "st/"
    else:
        target = TARGET[:-3] + char + TARGET[-3:]
    answer = server.handle(rpc.dump_call("pingback.ping", [source, target]))
    assert fault_of(answer.body)[0] == code


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", -32700),
        (b"\x00\xff garbage", -32700),
        (b"<methodResponse><params/></methodResponse>", -32600),
        (rpc.dump_call("pingback.pong", ["a", "b"]), -32601),
        (rpc.dump_call("system.multicall", [[]]), -32601),
        (rpc.dump_call("pingback.ping", ["http://a.test/"]), -32602),
        (rpc.dump_call("pingback.ping", [1, 2]), -32602),
        (rpc.dump_call("pingback.ping", ["ftp://a.test/", TARGET]), -32602),
        (rpc.dump_call("pingback.ping", ["http://a.test/", "not-a-url"]), -32602),
        (rpc.dump_call("pingback.ping", ["http://u:p@a.test/", TARGET]), 16),
        (
            rpc.dump_call(
                "pingback.ping", ["http://a.test/", "http://evil.test\\@blog.test/posts/hello/"]
            ),
            32,
        ),
        (rpc.dump_call("pingback.ping", ["http://a.test/" + "x" * 3000, TARGET]), 16),
        (rpc.dump_call("pingback.ping", ["http://a.test/", TARGET + "x" * 3000]), 32),
    ],
)
def test_bad_calls_get_the_interoperability_fault(
    server: PingbackServer, body: bytes, code: int
) -> None:
    answer = server.handle(body)
    assert answer.status == 200  # faults travel with HTTP 200
    assert fault_of(answer.body)[0] == code


def test_source_and_target_the_same_page_is_refused(server: PingbackServer) -> None:
    code, message = fault_of(server.handle(call(TARGET + "#comments", TARGET)).body)
    assert code == 0
    assert "same page" in message


def test_a_target_outside_the_site_is_fault_32(server: PingbackServer, source: str) -> None:
    assert fault_of(server.handle(call(source, "http://elsewhere.test/")).body)[0] == 32


def test_an_unpingable_target_is_fault_33(server: PingbackServer, source: str) -> None:
    target = "http://blog.test/posts/closed/"
    assert fault_of(server.handle(call(source, target)).body)[0] == 33


def test_a_known_duplicate_costs_no_fetch(
    inbox: Inbox, local_policy: FetchPolicy, httpserver: HTTPServer, source: str
) -> None:
    server = PingbackServer(resolve, inbox, policy=local_policy, is_duplicate=lambda s, t: True)
    assert fault_of(server.handle(call(source, TARGET)).body)[0] == 48
    assert httpserver.log == []


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_every_unfetchable_source_gets_the_same_fault_16(
    server: PingbackServer, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/missing").respond_with_data("no", status=404)
    default_policy_server = PingbackServer(resolve, Inbox())
    answers = [
        server.handle(call(httpserver.url_for("/missing"), TARGET)).body,
        server.handle(call(f"http://127.0.0.1:{closed_port()}/", TARGET)).body,
        default_policy_server.handle(call(httpserver.url_for("/private"), TARGET)).body,
        default_policy_server.handle(call("http://169.254.169.254/latest/", TARGET)).body,
    ]
    # A port scan learns nothing: closed, 404 and blocked all read the same.
    assert len(set(answers)) == 1
    code, message = fault_of(answers[0])
    assert code == 16
    assert "127.0.0.1" not in message and "169.254" not in message
    assert [r.path for r, _ in httpserver.log] == ["/missing"]


def test_a_source_without_the_link_is_fault_17(
    server: PingbackServer, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/other").respond_with_data(
        "<p>No <a href='http://blog.test/posts/other/'>link</a> to hello.</p>",
        content_type="text/html",
    )
    assert fault_of(server.handle(call(httpserver.url_for("/other"), TARGET)).body)[0] == 17


@pytest.mark.parametrize(
    ("raised", "code"), [(UnpingableTarget(), 33), (DuplicatePing(), 48), (AccessDenied(), 49)]
)
def test_receiver_exceptions_become_their_faults(
    local_policy: FetchPolicy, source: str, raised: Exception, code: int
) -> None:
    def on_received(ping: ReceivedPing) -> None:
        raise raised

    server = PingbackServer(resolve, on_received, policy=local_policy)
    assert fault_of(server.handle(call(source, TARGET)).body)[0] == code


def test_a_crashing_receiver_is_fault_0_logged_and_generic(
    local_policy: FetchPolicy, source: str, caplog: pytest.LogCaptureFixture
) -> None:
    def on_received(ping: ReceivedPing) -> None:
        raise RuntimeError("database password is hunter2")

    server = PingbackServer(resolve, on_received, policy=local_policy)
    with caplog.at_level(logging.ERROR, logger="pingcore.server"):
        code, message = fault_of(server.handle(call(source, TARGET)).body)
    assert code == 0
    assert "hunter2" not in message
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in caplog.records)


def test_over_the_rate_limit_is_fault_50_and_no_fetch(
    inbox: Inbox, local_policy: FetchPolicy, httpserver: HTTPServer, source: str
) -> None:
    limiter = RateLimiter(per_address=1, per_source_host=None)
    server = PingbackServer(resolve, inbox, policy=local_policy, rate_limiter=limiter)
    server.handle(call(source, TARGET), remote_addr="192.0.2.1")
    second = server.handle(call(source, "http://blog.test/posts/other/"), remote_addr="192.0.2.1")
    assert fault_of(second.body)[0] == 50
    assert len(httpserver.log) == 1


def test_many_pings_naming_one_source_host_are_limited(
    inbox: Inbox, local_policy: FetchPolicy, httpserver: HTTPServer, source: str
) -> None:
    limiter = RateLimiter(per_address=None, per_source_host=3)
    server = PingbackServer(resolve, inbox, policy=local_policy, rate_limiter=limiter)
    codes = []
    for n in range(6):
        answer = server.handle(call(f"{source}?n={n}", TARGET), remote_addr=f"192.0.2.{n}")
        try:
            rpc.parse_response(answer.body)
            codes.append(None)
        except rpc.XMLRPCFault as fault:
            codes.append(fault.code)
    assert codes[3:] == [50, 50, 50]
    assert len(httpserver.log) == 3


def test_list_methods_names_pingback_ping(server: PingbackServer) -> None:
    answer = server.handle(rpc.dump_call("system.listMethods", []))
    assert "pingback.ping" in rpc.parse_response(answer.body)


def test_sync_server_refuses_coroutine_hooks(local_policy: FetchPolicy, source: str) -> None:
    async def resolve_async(url: str) -> Target:
        return Target(url)

    server = PingbackServer(resolve_async, Inbox(), policy=local_policy)
    assert fault_of(server.handle(call(source, TARGET)).body)[0] == 0


@pytest.mark.anyio
async def test_the_async_server_registers_a_ping_with_async_hooks(
    local_policy: FetchPolicy, source: str
) -> None:
    received: list[ReceivedPing] = []

    async def on_received(ping: ReceivedPing) -> None:
        received.append(ping)

    server = AsyncPingbackServer(resolve, on_received, policy=local_policy)
    answer = await server.handle(call(source, TARGET))
    assert "registered" in rpc.parse_response(answer.body)
    assert received[0].author == "Bob Example"
    assert fault_of((await server.handle(b"junk")).body)[0] == -32700
    assert (await server.handle(b"", method="GET")).status == 405


@pytest.mark.anyio
async def test_the_async_server_reads_the_source_and_stores_off_the_event_loop(
    local_policy: FetchPolicy, source: str, reading_threads: set[int]
) -> None:
    store = ThreadNotingStore()
    server = AsyncPingbackServer(resolve, Inbox(), policy=local_policy, store=store)
    answer = await server.handle(call(source, TARGET))
    assert "registered" in rpc.parse_response(answer.body)
    # Read on the loop, a page near the size cap would stop every other request for
    # a tenth of a second or more; a store may wait seconds on a locked file.
    loop_thread = threading.get_ident()
    assert reading_threads and loop_thread not in reading_threads
    assert store.threads and loop_thread not in store.threads


# -- through a real HTTP hop, with Python's own XML-RPC client ---------------


@pytest.fixture
def endpoint(server: PingbackServer, httpserver: HTTPServer) -> str:
    def handler(request: Request) -> WerkzeugResponse:
        answer = server.handle(
            request.get_data(), method=request.method, remote_addr=request.remote_addr
        )
        return WerkzeugResponse(answer.body, answer.status, dict(answer.headers))

    httpserver.expect_request("/xmlrpc").respond_with_handler(handler)
    return httpserver.url_for("/xmlrpc")


def test_pythons_xmlrpc_client_can_ping(endpoint: str, source: str, inbox: Inbox) -> None:
    with xmlrpc.client.ServerProxy(endpoint) as proxy:
        answer: Any = proxy.pingback.ping(source, TARGET)
        assert "registered" in answer
        with pytest.raises(xmlrpc.client.Fault) as caught:
            proxy.pingback.ping(source, TARGET)
    assert caught.value.faultCode == 48
    assert inbox[0].remote_addr == "127.0.0.1"


def test_concurrent_pings_are_each_answered(endpoint: str, source: str, inbox: Inbox) -> None:
    answers: list[Any] = []

    def one(n: int) -> None:
        with xmlrpc.client.ServerProxy(endpoint) as proxy:
            answers.append(proxy.pingback.ping(f"{source}?n={n}", TARGET))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 8 and len(inbox) == 8


@pytest.fixture(autouse=True)
def _no_leftover_handlers(httpserver: HTTPServer) -> Iterator[None]:
    yield
    httpserver.clear()


def test_signal_arguments_carry_pingdjacks_names_and_a_host_for_a_nameless_page() -> None:
    target = Target(TARGET, view="post_detail", args=["a"], kwargs={"slug": "hello"})
    ping = ReceivedPing(
        "http://bob.example/reply", TARGET, "pingback", "Reply", None, "…", target, "192.0.2.7"
    )
    arguments = ping.signal_arguments()
    assert set(arguments) == {
        "source_url", "target_url", "view", "args", "kwargs",
        "author", "excerpt", "title", "remote_addr", "protocol",
        # what the source says of itself (pingcore.mention)
        "kind", "rsvp", "author_url", "author_photo", "published", "updated",
        "url", "content_html", "content_text", "syndication",
    }  # fmt: skip
    assert arguments["author"] == "bob.example"
    assert arguments["args"] == ("a",) and arguments["kwargs"] == {"slug": "hello"}
    assert deleted_signal_arguments("http://bob.example/reply", target)["protocol"] == "webmention"


def test_many_names_for_one_address_are_limited_as_one_source(
    inbox: Inbox, httpserver: HTTPServer
) -> None:
    # A wildcard DNS zone pointing every name at one victim: the names differ,
    # the address does not.
    httpserver.expect_request("/reply").respond_with_data(SOURCE_PAGE, content_type="text/html")
    port = httpserver.port
    policy = FetchPolicy(allow_private_addresses=True, resolver=lambda host, p: ["127.0.0.1"])
    limiter = RateLimiter(per_address=None, per_source_host=None, per_source_address=3)
    server = PingbackServer(resolve, inbox, policy=policy, rate_limiter=limiter)
    codes = []
    for n in range(6):
        answer = server.handle(call(f"http://n{n}.wildcard.test:{port}/reply", TARGET))
        try:
            rpc.parse_response(answer.body)
            codes.append(None)
        except rpc.XMLRPCFault as fault:
            codes.append(fault.code)
    assert codes[3:] == [50, 50, 50]
    assert len(httpserver.log) == 3
