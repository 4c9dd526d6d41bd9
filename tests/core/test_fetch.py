"""The fetcher, driven against real servers on loopback.

Most tests run twice, once per twin (Fetcher and AsyncFetcher), through the
``fetch`` fixture of conftest.py. Public addresses are stood in for by
``fake_internet``, which maps them onto loopback servers and refuses anything
else unsent.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from pingcore.errors import (
    BadStatus,
    BlockedAddress,
    BlockedURL,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    ResponseTooLarge,
    TooManyRedirects,
)
from pingcore.fetch import AsyncFetcher, Fetcher, FetchPolicy, FetchResponse

pytestmark = pytest.mark.usefixtures("fake_internet")

Fetch = Callable[..., FetchResponse]  # the ``fetch`` fixture of conftest.py
LOCAL = FetchPolicy(allow_private_addresses=True, timeout=5.0)

PUBLIC_IP = "93.184.215.14"  # stands for a web site; fake_internet routes it to loopback


def resolver_for(table: dict[str, list[str]]) -> Callable[[str, int], list[str]]:
    """A resolver answering from a table, and failing like getaddrinfo for other names."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


# -- a server that misbehaves on purpose ----------------------------------------


class RawServer:
    """A TCP server on 127.0.0.1 running ``handler(conn, server)`` for each connection."""

    def __init__(self, handler: Callable[[socket.socket, RawServer], None]) -> None:
        self._handler = handler
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.02)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections = 0
        self.requests: list[bytes] = []
        self.stopping = threading.Event()
        self._open: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            self._open.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, suppress(OSError):
            self._handler(conn, self)

    def read_request(self, conn: socket.socket) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        self.requests.append(data)
        return data

    def settled_connections(self) -> int:
        """Connections accepted, after giving a late one time to show up."""
        time.sleep(0.1)
        return self.connections

    def close(self) -> None:
        self.stopping.set()
        for conn in self._open:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        self._listener.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket, RawServer], None]], RawServer]]:
    servers: list[RawServer] = []

    def start(handler: Callable[[socket.socket, RawServer], None]) -> RawServer:
        servers.append(RawServer(handler))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def answers_ok(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")


def never_answers(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    server.stopping.wait()


def trickles_body(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
    while not server.stopping.wait(0.2):
        conn.sendall(b"x")


def trickles_headers(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 1000:
        if server.stopping.wait(0.2):
            return
        conn.sendall(bytes([byte]))


def endless_body(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    page = b"<html><head><title>t</title></head><body>" + b"la " * 5000
    conn.sendall(b"%x\r\n%s\r\n" % (len(page), page))
    filler = b"z" * 16384
    while not server.stopping.is_set():
        conn.sendall(b"%x\r\n%s\r\n" % (len(filler), filler))


def claims_huge_length(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 50000000\r\n\r\nstart")
    server.stopping.wait()  # a client that reads the body waits for its deadline


def claims_short_length(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + b"!" * 100000)
    server.stopping.wait()


def claims_long_length(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\nhello")


def hangs_up(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)


def speaks_gibberish(conn: socket.socket, server: RawServer) -> None:
    server.read_request(conn)
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


# -- a plain request --------------------------------------------------------------


def test_get_returns_status_headers_decoded_body_and_final_url(
    fetch: Fetch, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/page").respond_with_data(
        "<p>hello</p>", content_type="text/html; charset=ISO-8859-1"
    )
    response = fetch(httpserver.url_for("/page"))
    assert response.status_code == 200
    assert response.content == b"<p>hello</p>"
    assert response.headers["content-type"] == "text/html; charset=ISO-8859-1"
    assert response.charset == "iso-8859-1"
    assert response.url == httpserver.url_for("/page")
    assert response.truncated is False


def test_requests_carry_the_policy_user_agent_and_the_callers_headers(
    fetch: Fetch, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(
        "/",
        headers={
            "User-Agent": "pingcore/0.1.0",
            "X-Pingback-Forwarded-For": "198.51.100.7",
            "Accept-Encoding": "gzip, deflate",
        },
    ).respond_with_data("seen")
    response = fetch(httpserver.url_for("/"), headers={"X-Pingback-Forwarded-For": "198.51.100.7"})
    assert response.content == b"seen"


def test_a_policy_can_name_its_own_user_agent(fetch: Fetch, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/", headers={"User-Agent": "blog/2.0"}).respond_with_data("seen")
    assert fetch(httpserver.url_for("/"), policy=LOCAL.replace(user_agent="blog/2.0")).content == (
        b"seen"
    )


def test_post_sends_form_data(fetch: Fetch, httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/endpoint",
        method="POST",
        data="source=http%3A%2F%2Fa.example%2F&target=t",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ).respond_with_data("accepted", status=202)
    response = fetch(
        httpserver.url_for("/endpoint"),
        method="POST",
        data={"source": "http://a.example/", "target": "t"},
    )
    assert (response.status_code, response.content) == (202, b"accepted")


def test_an_error_status_is_returned_and_raise_for_status_names_it(
    fetch: Fetch, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=410)
    response = fetch(httpserver.url_for("/gone"))
    assert response.status_code == 410
    with pytest.raises(BadStatus, match=r"/gone answered 410 Gone\.") as caught:
        response.raise_for_status()
    assert caught.value.status_code == 410


def test_charset_is_read_from_content_type_when_present() -> None:
    def charset(content_type: str) -> str | None:
        headers = {"content-type": content_type} if content_type else {}
        return FetchResponse("http://a.example/", 200, httpx.Headers(headers), b"").charset

    assert charset('text/html; charset="UTF-8"') == "utf-8"
    assert charset("text/html;charset=windows-1252 ") == "windows-1252"
    assert charset("text/html") is None
    assert charset("") is None


# -- refusals before any connection -------------------------------------------------


def test_default_policy_refuses_loopback_with_a_message_a_person_can_act_on(
    fetch: Fetch, fake_internet: Any
) -> None:
    with pytest.raises(BlockedAddress) as caught:
        fetch("http://127.0.0.1/", policy=FetchPolicy())
    assert str(caught.value) == (
        "http://127.0.0.1/ is not fetched: 127.0.0.1 is a non-public address (loopback). "
        "Pass FetchPolicy(allow_private_addresses=True) to allow it."
    )
    assert caught.value.url == "http://127.0.0.1/"
    assert fake_internet.attempts == []


def test_refused_loopback_never_reaches_the_server(
    fetch: Fetch, raw_server: Any, fake_internet: Any
) -> None:
    server = raw_server(answers_ok)
    with pytest.raises(BlockedAddress, match="loopback"):
        fetch(server.url, policy=FetchPolicy(allowed_ports=None))
    assert fake_internet.attempts == []
    assert server.settled_connections() == 0


@pytest.mark.parametrize(
    "host",
    [
        "2130706433",  # 127.0.0.1 as one decimal number
        "0x7f.1",  # hexadecimal, short form
        "127.1",  # short form
        "017700000001",  # octal
        "0x7f000001",
        "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
        "[::1]",
        "localhost",
        "0",  # 0.0.0.0 reaches this host
    ],
)
def test_other_spellings_of_loopback_are_refused_after_resolution(
    fetch: Fetch, raw_server: Any, fake_internet: Any, host: str
) -> None:
    server = raw_server(answers_ok)
    with pytest.raises(BlockedAddress, match="non-public address"):
        fetch(f"http://{host}:{server.port}/", policy=FetchPolicy(allowed_ports=None))
    assert fake_internet.attempts == []
    assert server.settled_connections() == 0


def test_a_malformed_dotted_address_is_refused_as_an_invalid_url(fetch: Fetch) -> None:
    with pytest.raises(BlockedURL, match="not a valid URL"):
        fetch("http://127.000.000.001/", policy=FetchPolicy())


def test_a_name_with_any_private_address_among_its_answers_is_refused(
    fetch: Fetch, fake_internet: Any
) -> None:
    policy = FetchPolicy(resolver=resolver_for({"mixed.test": [PUBLIC_IP, "10.1.2.3"]}))
    with pytest.raises(BlockedAddress) as caught:
        fetch("http://mixed.test/", policy=policy)
    assert "mixed.test resolves to 10.1.2.3, which is a non-public address (private network)" in (
        str(caught.value)
    )
    assert fake_internet.attempts == []


def test_the_cloud_metadata_address_is_refused_by_name(fetch: Fetch) -> None:
    with pytest.raises(BlockedAddress, match=r"link-local \(cloud metadata\)"):
        fetch("http://169.254.169.254/latest/meta-data/", policy=FetchPolicy())


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///etc/passwd", "not file: URLs"),
        ("gopher://a.example/", "not gopher: URLs"),
        ("ftp://a.example/", "not ftp: URLs"),
        ("javascript:alert(1)", "not javascript: URLs"),
        ("//a.example/", "URLs without a scheme"),
        ("http:///path", "names no host"),
        ("http://exa mple.com/", "not a valid host name"),
        ("http://a.example:99999/", "not a valid port"),
        ("http://a.example:0/", "not a valid port"),
    ],
)
def test_urls_that_are_not_http_are_refused(fetch: Fetch, url: str, words: str) -> None:
    with pytest.raises(BlockedURL, match=words):
        fetch(url, policy=FetchPolicy())


def test_credentials_in_the_url_are_refused_and_not_repeated(fetch: Fetch) -> None:
    with pytest.raises(BlockedURL) as caught:
        fetch("http://alice:s3cret@a.example/", policy=FetchPolicy())
    assert "user name or password" in str(caught.value)
    assert "s3cret" not in str(caught.value)


def test_overlong_urls_are_refused(fetch: Fetch) -> None:
    url = "http://a.example/" + "a" * 2048
    with pytest.raises(BlockedURL, match="2065 characters long, more than the 2048 allowed"):
        fetch(url, policy=FetchPolicy())
    with pytest.raises(BlockedURL, match="more than the 30 allowed"):
        fetch("http://a.example/" + "a" * 20, policy=FetchPolicy(max_url_length=30))


def test_ports_outside_the_allowed_set_are_refused_before_any_lookup(
    fetch: Fetch, fake_internet: Any
) -> None:
    lookups: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return [PUBLIC_IP]

    with pytest.raises(BlockedURL) as caught:
        fetch("http://a.example:22/", policy=FetchPolicy(resolver=resolver))
    assert str(caught.value) == (
        "http://a.example:22/ is not fetched: port 22 is not allowed "
        "(allowed: 80, 443, 8080, 8443). Pass FetchPolicy(allowed_ports=...) to allow it."
    )
    assert lookups == []
    assert fake_internet.attempts == []


def test_allowing_private_addresses_lifts_the_port_rule_for_them_only(
    fetch: Fetch, httpserver: HTTPServer, fake_internet: Any
) -> None:
    httpserver.expect_request("/").respond_with_data("local")
    policy = LOCAL.replace(
        allowed_ports=frozenset({443}),
        resolver=resolver_for({"public.test": [PUBLIC_IP], "local.test": ["127.0.0.1"]}),
    )
    assert fetch(f"http://local.test:{httpserver.port}/", policy=policy).content == b"local"
    with pytest.raises(BlockedURL, match=f"port 8000 of the public address {PUBLIC_IP}"):
        fetch("http://public.test:8000/", policy=policy)
    assert (PUBLIC_IP, 8000) not in fake_internet.attempts


def test_a_public_site_on_an_allowed_port_is_fetched(
    fetch: Fetch, httpserver: HTTPServer, fake_internet: Any
) -> None:
    fake_internet.route(PUBLIC_IP, 80, to_port=httpserver.port)
    httpserver.expect_request("/post").respond_with_data("public page")
    policy = FetchPolicy(resolver=resolver_for({"blog.example": [PUBLIC_IP]}))
    response = fetch("http://blog.example/post", policy=policy)
    assert response.content == b"public page"
    assert fake_internet.attempts == [(PUBLIC_IP, 80)]
    # The server saw the name, not the address: virtual hosting works.
    request, _ = httpserver.log[0]
    assert request.headers["Host"] == "blog.example"


# -- DNS rebinding ------------------------------------------------------------------


def test_the_address_checked_is_the_address_connected_to(
    fetch: Fetch, httpserver: HTTPServer, fake_internet: Any
) -> None:
    """A rebinding resolver answers public, then loopback: the second answer goes unused."""
    fake_internet.route(PUBLIC_IP, 80, to_port=httpserver.port)
    httpserver.expect_request("/").respond_with_data("public page")
    answers = iter([[PUBLIC_IP], ["127.0.0.1"], ["127.0.0.1"]])
    lookups: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        lookups.append(host)
        return next(answers)

    policy = FetchPolicy(resolver=rebinding)
    assert fetch("http://rebind.test/", policy=policy).content == b"public page"
    assert lookups == ["rebind.test"]
    assert fake_internet.attempts == [(PUBLIC_IP, 80)]
    # The next request looks the name up again, and this time it is refused.
    with pytest.raises(BlockedAddress, match="rebind.test resolves to 127.0.0.1"):
        fetch("http://rebind.test/", policy=policy)
    assert fake_internet.attempts == [(PUBLIC_IP, 80)]


def test_a_rebinding_resolver_whose_first_answer_is_refused_causes_no_connection(
    fetch: Fetch, raw_server: Any, fake_internet: Any
) -> None:
    server = raw_server(answers_ok)
    answers = iter([["192.0.2.10"], ["127.0.0.1"]])
    lookups: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        lookups.append(host)
        return next(answers)

    policy = FetchPolicy(resolver=rebinding, allowed_ports=None)
    with pytest.raises(BlockedAddress, match="192.0.2.10, which is a non-public address"):
        fetch(f"http://rebind.test:{server.port}/", policy=policy)
    assert lookups == ["rebind.test"]
    assert fake_internet.attempts == []
    assert server.settled_connections() == 0


# -- redirects ------------------------------------------------------------------------


def redirect(location: str, status: int = 302) -> Response:
    return Response("", status=status, headers={"Location": location})


def test_a_relative_redirect_is_resolved_against_the_current_url(
    fetch: Fetch, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/blog/old").respond_with_response(redirect("new?x=1", 301))
    httpserver.expect_request("/blog/new", query_string="x=1").respond_with_data("moved here")
    response = fetch(httpserver.url_for("/blog/old"))
    assert response.content == b"moved here"
    assert response.url == httpserver.url_for("/blog/new?x=1")


def test_a_chain_of_redirects_up_to_the_limit_is_followed(
    fetch: Fetch, httpserver: HTTPServer
) -> None:
    for hop in range(5):
        httpserver.expect_request(f"/{hop}").respond_with_response(redirect(f"/{hop + 1}"))
    httpserver.expect_request("/5").respond_with_data("end")
    response = fetch(httpserver.url_for("/0"))
    assert (response.url, response.content) == (httpserver.url_for("/5"), b"end")


def test_more_redirects_than_the_limit_fail(fetch: Fetch, httpserver: HTTPServer) -> None:
    for hop in range(6):
        httpserver.expect_request(f"/{hop}").respond_with_response(redirect(f"/{hop + 1}"))
    httpserver.expect_request("/6").respond_with_data("end")
    with pytest.raises(TooManyRedirects, match="redirected more than 5 times"):
        fetch(httpserver.url_for("/0"))
    with pytest.raises(TooManyRedirects, match="more than 2 times"):
        fetch(httpserver.url_for("/0"), policy=LOCAL.replace(max_redirects=2))


def test_a_redirect_loop_is_detected(fetch: Fetch, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_response(redirect("/b"))
    httpserver.expect_request("/b").respond_with_response(redirect("/a#again"))
    with pytest.raises(TooManyRedirects, match="in a loop"):
        fetch(httpserver.url_for("/a"), policy=LOCAL.replace(max_redirects=50))
    assert len(httpserver.log) == 2


def test_a_redirect_to_a_private_address_is_refused_before_connecting(
    fetch: Fetch, httpserver: HTTPServer, raw_server: Any, fake_internet: Any
) -> None:
    internal = raw_server(answers_ok)
    fake_internet.route(PUBLIC_IP, 80, to_port=httpserver.port)
    httpserver.expect_request("/a").respond_with_response(redirect(internal.url))
    httpserver.expect_request("/b").respond_with_response(redirect("http://169.254.169.254/"))
    httpserver.expect_request("/c").respond_with_response(redirect("http://internal.test/"))
    policy = FetchPolicy(
        allowed_ports=None,
        resolver=resolver_for({"blog.example": [PUBLIC_IP], "internal.test": ["10.0.0.5"]}),
    )
    with pytest.raises(
        BlockedAddress, match=r"http://blog.example/a redirects, and .*\(loopback\)"
    ):
        fetch("http://blog.example/a", policy=policy)
    with pytest.raises(BlockedAddress, match="cloud metadata"):
        fetch("http://blog.example/b", policy=policy)
    with pytest.raises(BlockedAddress, match="internal.test resolves to 10.0.0.5"):
        fetch("http://blog.example/c", policy=policy)
    assert set(fake_internet.attempts) == {(PUBLIC_IP, 80)}
    assert internal.settled_connections() == 0


@pytest.mark.parametrize("location", ["file:///etc/passwd", "gopher://127.0.0.1:25/"])
def test_a_redirect_to_another_scheme_is_refused(
    fetch: Fetch, httpserver: HTTPServer, location: str
) -> None:
    httpserver.expect_request("/").respond_with_response(redirect(location))
    with pytest.raises(BlockedURL, match="redirects, and .* only http and https are fetched"):
        fetch(httpserver.url_for("/"))


def test_a_redirect_to_a_disallowed_port_is_refused(
    fetch: Fetch, httpserver: HTTPServer, fake_internet: Any
) -> None:
    fake_internet.route(PUBLIC_IP, 80, to_port=httpserver.port)
    httpserver.expect_request("/").respond_with_response(redirect("http://blog.example:6379/"))
    policy = FetchPolicy(resolver=resolver_for({"blog.example": [PUBLIC_IP]}))
    with pytest.raises(BlockedURL, match="port 6379 is not allowed"):
        fetch("http://blog.example/", policy=policy)
    assert fake_internet.attempts == [(PUBLIC_IP, 80)]


@pytest.mark.parametrize("status", [301, 302, 303])
def test_a_post_redirected_by_301_302_or_303_becomes_a_get(
    fetch: Fetch, httpserver: HTTPServer, status: int
) -> None:
    httpserver.expect_request("/form", method="POST").respond_with_response(
        redirect("/result", status)
    )
    httpserver.expect_request("/result", method="GET", data="").respond_with_data("got a GET")
    response = fetch(httpserver.url_for("/form"), method="POST", data={"a": "1"})
    assert response.content == b"got a GET"
    request, _ = httpserver.log[-1]
    assert "Content-Type" not in request.headers


@pytest.mark.parametrize("status", [307, 308])
def test_a_post_redirected_by_307_or_308_stays_a_post_with_its_body(
    fetch: Fetch, httpserver: HTTPServer, status: int
) -> None:
    httpserver.expect_request("/form", method="POST").respond_with_response(
        redirect("/moved", status)
    )
    httpserver.expect_request("/moved", method="POST", data="a=1").respond_with_data("kept")
    response = fetch(httpserver.url_for("/form"), method="POST", data={"a": "1"})
    assert response.content == b"kept"


def test_a_caller_can_take_the_redirect_itself(fetch: Fetch, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/xmlrpc", method="POST").respond_with_response(
        redirect("/elsewhere", 302)
    )
    response = fetch(
        httpserver.url_for("/xmlrpc"), method="POST", content=b"<x/>", follow_redirects=False
    )
    assert response.status_code == 302
    assert response.headers["location"] == "/elsewhere"
    assert len(httpserver.log) == 1


def test_credentials_do_not_follow_a_redirect_to_another_origin(
    fetch: Fetch, httpserver: HTTPServer
) -> None:
    other = httpserver.url_for("/there").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/here").respond_with_response(redirect(other))
    httpserver.expect_request("/there").respond_with_data("there")
    fetch(httpserver.url_for("/here"), headers={"Authorization": "Bearer t", "X-Keep": "1"})
    first, _ = httpserver.log[0]
    second, _ = httpserver.log[1]
    assert first.headers["Authorization"] == "Bearer t"
    assert "Authorization" not in second.headers
    assert second.headers["X-Keep"] == "1"


# -- size caps and decoding --------------------------------------------------------


def test_a_content_length_over_the_cap_is_refused_before_reading(
    fetch: Fetch, raw_server: Any
) -> None:
    server = raw_server(claims_huge_length)
    # A client that read on would wait for the deadline and fail with FetchTimeout.
    with pytest.raises(ResponseTooLarge, match="50000000 bytes long"):
        fetch(server.url)


def test_a_body_over_the_cap_fails_or_is_cut_when_asked(
    fetch: Fetch, httpserver: HTTPServer
) -> None:
    # Streamed, so no Content-Length warns of the size: the cap is met while reading.
    httpserver.expect_request("/").respond_with_handler(
        lambda request: Response(iter([b"a" * 2500, b"a" * 2500]))
    )
    with pytest.raises(ResponseTooLarge, match="more than 1000 bytes"):
        fetch(httpserver.url_for("/"), max_bytes=1000)
    response = fetch(httpserver.url_for("/"), max_bytes=1000, truncate=True)
    assert (response.content, response.truncated) == (b"a" * 1000, True)
    whole = fetch(httpserver.url_for("/"), max_bytes=5000)
    assert (len(whole.content), whole.truncated) == (5000, False)


def test_an_endless_body_is_cut_at_the_cap(fetch: Fetch, raw_server: Any) -> None:
    server = raw_server(endless_body)
    with pytest.raises(ResponseTooLarge):
        fetch(server.url)
    response = fetch(server.url, max_bytes=100_000, truncate=True)
    assert len(response.content) == 100_000
    assert response.truncated


def test_stop_when_ends_the_reading_early(fetch: Fetch, raw_server: Any) -> None:
    server = raw_server(endless_body)
    seen: list[int] = []

    def head_is_complete(body: bytes) -> bool:
        seen.append(len(body))
        return b"</head>" in body

    response = fetch(server.url, stop_when=head_is_complete)
    assert b"</head>" in response.content
    assert len(response.content) < 200_000
    assert response.truncated
    assert seen == sorted(seen)


def test_a_content_length_shorter_than_the_body_wins(fetch: Fetch, raw_server: Any) -> None:
    server = raw_server(claims_short_length)
    assert fetch(server.url).content == b"hello"


def test_a_body_shorter_than_its_content_length_is_a_failure(fetch: Fetch, raw_server: Any) -> None:
    server = raw_server(claims_long_length)
    with pytest.raises(ConnectionFailed, match="broke the HTTP protocol"):
        fetch(server.url)


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    return gzip.compress(b"\0" * 10_000_000, compresslevel=9)


def test_a_gzip_bomb_stops_at_the_cap(
    fetch: Fetch, httpserver: HTTPServer, gzip_bomb: bytes
) -> None:
    httpserver.expect_request("/").respond_with_data(
        gzip_bomb, headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(ResponseTooLarge, match="after decompression"):
        fetch(httpserver.url_for("/"))
    response = fetch(httpserver.url_for("/"), truncate=True)
    assert response.content == b"\0" * 1_048_576
    assert response.truncated


def test_a_gzip_bomb_never_inflates_in_memory(httpserver: HTTPServer, gzip_bomb: bytes) -> None:
    httpserver.expect_request("/").respond_with_data(
        gzip_bomb, headers={"Content-Encoding": "gzip"}
    )
    with Fetcher(LOCAL) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLarge):
                fetcher.get(httpserver.url_for("/"))
            fetcher.get(httpserver.url_for("/"), truncate=True)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 20_000_000


@pytest.mark.anyio
async def test_a_gzip_bomb_never_inflates_in_memory_async(
    httpserver: HTTPServer, gzip_bomb: bytes
) -> None:
    httpserver.expect_request("/").respond_with_data(
        gzip_bomb, headers={"Content-Encoding": "gzip"}
    )
    async with AsyncFetcher(LOCAL) as fetcher:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLarge):
                await fetcher.get(httpserver.url_for("/"))
            await fetcher.get(httpserver.url_for("/"), truncate=True)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 20_000_000


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),  # what RFC 9110 means by deflate
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),  # what some servers send
        ("identity", lambda data: data),
    ],
)
def test_compressed_bodies_are_decoded(
    fetch: Fetch, httpserver: HTTPServer, encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    page = b"<html>" + b"word " * 10_000 + b"</html>"
    httpserver.expect_request("/").respond_with_data(
        encode(page), headers={"Content-Encoding": encoding}
    )
    assert fetch(httpserver.url_for("/")).content == page


ENCODERS: dict[str, tuple[str, Callable[[bytes], bytes]]] = {
    "gzip": ("gzip", gzip.compress),
    "deflate": ("deflate", zlib.compress),
    "raw deflate": ("deflate", lambda data: zlib.compress(data, wbits=-15)),
    "identity": ("identity", lambda data: data),
}


@settings(max_examples=200, deadline=None)
@given(
    data=st.binary(max_size=3000) | st.text(max_size=3000).map(str.encode),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=12),
    encoding=st.sampled_from(sorted(ENCODERS)),
    limit=st.integers(min_value=0, max_value=4000),
)
def test_decoding_does_not_depend_on_where_the_chunks_break(
    data: bytes, cuts: list[int], encoding: str, limit: int
) -> None:
    """However the network splits a body, the decoded result and the cap come out the same."""
    from pingcore.fetch._bodies import Body  # the pure step both twins share

    header, encode = ENCODERS[encoding]
    wire = encode(data)
    bounds = sorted({0, len(wire), *(c for c in cuts if c < len(wire))})
    headers = httpx.Headers({"content-encoding": header})
    body = Body("http://a.example/", "GET", headers, limit, True, None)
    for start, end in zip(bounds, bounds[1:], strict=False):
        body.feed(wire[start:end])
        if body.done:
            break
    response = body.response("http://a.example/", 200, headers)
    assert response.content == data[:limit]
    assert response.truncated == (len(data) > limit)


def test_the_cap_counts_decoded_bytes(fetch: Fetch, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data(
        gzip.compress(b"x" * 3000), headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(ResponseTooLarge):
        fetch(httpserver.url_for("/"), max_bytes=2000)


def test_an_encoding_that_was_not_asked_for_is_a_failure(
    fetch: Fetch, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/").respond_with_data(
        b"\x1b\x00", headers={"Content-Encoding": "br"}
    )
    with pytest.raises(ConnectionFailed, match="an encoding pingcore did not ask for"):
        fetch(httpserver.url_for("/"))


def test_a_corrupt_gzip_body_is_a_failure(fetch: Fetch, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/").respond_with_data(
        b"\x1f\x8b\x08\x00garbage-garbage", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(ConnectionFailed, match="not valid gzip"):
        fetch(httpserver.url_for("/"))


def test_a_head_request_is_not_refused_for_its_content_length(
    fetch: Fetch, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/big", method="HEAD").respond_with_response(
        Response(b"", headers={"Content-Length": "99999999"})
    )
    response = fetch(httpserver.url_for("/big"), method="HEAD")
    assert (response.status_code, response.content) == (200, b"")


# Deadlines are behaviour, so these tests look at the clock, but only to tell
# "cut off at the deadline" from "waited for a server that takes far longer".
SLOW_MACHINE_MARGIN = 8.0

# -- one deadline --------------------------------------------------------------------


@pytest.mark.parametrize("handler", [trickles_body, trickles_headers, never_answers])
def test_a_slow_server_is_cut_off_at_the_deadline(
    fetch: Fetch, raw_server: Any, handler: Callable[[socket.socket, RawServer], None]
) -> None:
    server = raw_server(handler)
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="within the 1 s deadline"):
        fetch(server.url, policy=LOCAL.replace(timeout=1.0))
    # These servers would go on for minutes; the margin is for a slow machine.
    assert time.monotonic() - started < 1.0 + SLOW_MACHINE_MARGIN


def test_the_deadline_covers_every_redirect_hop(fetch: Fetch, raw_server: Any) -> None:
    def slow_redirect(conn: socket.socket, server: RawServer) -> None:
        server.read_request(conn)
        if not server.stopping.wait(0.4):
            conn.sendall(
                b"HTTP/1.1 302 Found\r\nLocation: /again%d\r\nContent-Length: 0\r\n\r\n"
                % server.connections
            )

    server = raw_server(slow_redirect)
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch(server.url, policy=LOCAL.replace(timeout=1.0, max_redirects=50))
    # Fifty hops of 0.4 s would take 20 s; the margin is for a slow machine.
    assert time.monotonic() - started < 1.0 + SLOW_MACHINE_MARGIN


def test_the_time_the_before_connect_hook_takes_is_not_charged_to_the_source(
    fetch: Fetch, httpserver: HTTPServer
) -> None:
    # The server's rate limit counts in that hook: a store slow to answer (a busy
    # SQLite file) must not turn a prompt source into "did not answer in time".
    httpserver.expect_request("/").respond_with_data("prompt")
    hook_calls: list[str] = []

    def slow_count(host: str, addresses: Any) -> None:
        hook_calls.append(host)
        time.sleep(0.8)

    policy = LOCAL.replace(timeout=0.5, connect_timeout=0.5, before_connect=slow_count)
    assert fetch(httpserver.url_for("/"), policy=policy).content == b"prompt"
    assert hook_calls == ["localhost"]


@pytest.mark.anyio
async def test_the_async_fetcher_runs_the_before_connect_hook_off_the_event_loop(
    httpserver: HTTPServer,
) -> None:
    # The hook waits on the rate limit's store: on the loop, it would stop every task.
    httpserver.expect_request("/").respond_with_data("prompt")
    hook_threads: list[int] = []
    policy = LOCAL.replace(before_connect=lambda *_: hook_threads.append(threading.get_ident()))
    async with AsyncFetcher(policy) as fetcher:
        assert (await fetcher.request("GET", httpserver.url_for("/"))).content == b"prompt"
    assert hook_threads and threading.get_ident() not in hook_threads


def test_a_slow_source_still_meets_the_deadline_after_a_slow_hook(
    fetch: Fetch, raw_server: Any
) -> None:
    server = raw_server(never_answers)
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="within the 1 s deadline"):
        fetch(
            server.url,
            policy=LOCAL.replace(timeout=1.0, before_connect=lambda *_: time.sleep(0.3)),
        )
    # The server never answers; the margin is for a slow machine.
    assert time.monotonic() - started < 1.3 + SLOW_MACHINE_MARGIN


@pytest.fixture
def full_listener() -> Iterator[int]:
    """A loopback port whose accept queue is full, so a new connection never completes."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=0)
    port = listener.getsockname()[1]
    queued = []
    for _ in range(3):
        client = socket.socket()
        client.setblocking(False)
        with suppress(BlockingIOError):
            client.connect(("127.0.0.1", port))
        queued.append(client)
    time.sleep(0.05)
    yield port
    for client in queued:
        client.close()
    listener.close()


def test_a_connection_that_does_not_complete_is_cut_off_at_the_connect_timeout(
    fetch: Fetch, full_listener: int
) -> None:
    # The message tells the connect timeout (0.3 s) from the deadline (3 s).
    with pytest.raises(FetchTimeout, match="no connection within 0.3 s"):
        fetch(
            f"http://127.0.0.1:{full_listener}/",
            policy=LOCAL.replace(connect_timeout=0.3, timeout=3.0),
        )


def test_a_hung_dns_lookup_is_cut_off_at_the_deadline(fetch: Fetch) -> None:
    release = threading.Event()

    def hung(host: str, port: int) -> list[str]:
        release.wait(30)
        return [PUBLIC_IP]

    started = time.monotonic()
    try:
        with pytest.raises(FetchTimeout):
            fetch("http://slow-dns.test/", policy=FetchPolicy(resolver=hung, timeout=0.5))
    finally:
        release.set()
    # The lookup would hang for 30 s; the margin is for a slow machine.
    assert time.monotonic() - started < 0.5 + SLOW_MACHINE_MARGIN


# -- failures become FetchErrors ------------------------------------------------------


def test_a_refused_connection_is_a_connection_failure(fetch: Fetch) -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    with pytest.raises(ConnectionFailed, match="could not connect to 127.0.0.1 port") as caught:
        fetch(f"http://127.0.0.1:{port}/")
    assert caught.value.url == f"http://127.0.0.1:{port}/"


@pytest.mark.parametrize("handler", [hangs_up, speaks_gibberish])
def test_a_server_that_does_not_speak_http_is_a_connection_failure(
    fetch: Fetch, raw_server: Any, handler: Callable[[socket.socket, RawServer], None]
) -> None:
    server = raw_server(handler)
    with pytest.raises(ConnectionFailed, match="broke the HTTP protocol"):
        fetch(server.url)


def test_a_name_that_does_not_resolve_is_a_connection_failure(fetch: Fetch) -> None:
    with pytest.raises(ConnectionFailed, match="nowhere.test does not resolve"):
        fetch("http://nowhere.test/", policy=FetchPolicy(resolver=resolver_for({})))


def test_a_resolver_answering_nonsense_is_a_connection_failure(fetch: Fetch) -> None:
    policy = FetchPolicy(resolver=lambda host, port: ["not-an-address"])
    with pytest.raises(ConnectionFailed, match="not an IP address"):
        fetch("http://odd.test/", policy=policy)
    with pytest.raises(ConnectionFailed, match="resolves to no address"):
        fetch("http://odd.test/", policy=FetchPolicy(resolver=lambda host, port: []))


@pytest.mark.parametrize(
    "url",
    [
        "http://a..b/",
        "http://" + "a" * 300 + ".example/",
        "http://xn--/",
        "http://\u00e9\u0301.test/",
    ],
)
def test_odd_host_names_fail_as_fetch_errors(fetch: Fetch, url: str) -> None:
    with pytest.raises(FetchError):
        fetch(url, policy=FetchPolicy())


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rest=st.text(max_size=60))
def test_any_url_ends_in_a_response_or_a_fetch_error(rest: str) -> None:
    # Every name resolves to a documentation address, so nothing is ever sent.
    policy = FetchPolicy(resolver=lambda host, port: ["192.0.2.1"], timeout=2.0)
    with Fetcher(policy) as fetcher:
        with pytest.raises(FetchError):
            fetcher.get("http://" + rest)


# -- the environment is not consulted --------------------------------------------------


def test_proxies_and_netrc_in_the_environment_are_ignored(
    fetch: Fetch,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        dead = f"http://127.0.0.1:{placeholder.getsockname()[1]}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine localhost login alice password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    httpserver.expect_request("/").respond_with_data("direct")
    assert fetch(httpserver.url_for("/")).content == b"direct"
    request, _ = httpserver.log[0]
    assert "Authorization" not in request.headers


def test_cookies_are_not_carried_to_the_next_request(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/set").respond_with_response(
        Response("set", headers={"Set-Cookie": "session=abc; Path=/"})
    )
    httpserver.expect_request("/next").respond_with_data("next")
    with Fetcher(LOCAL) as fetcher:
        fetcher.get(httpserver.url_for("/set"))
        fetcher.get(httpserver.url_for("/next"))
    request, _ = httpserver.log[1]
    assert "Cookie" not in request.headers


# -- sharing a fetcher ---------------------------------------------------------------------


@pytest.fixture
def threaded_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)

    def echo(request: Request) -> Response:
        time.sleep(0.02)
        return Response(request.path)

    server.expect_request("").respond_with_handler(echo)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_one_fetcher_serves_many_threads_at_once(threaded_server: HTTPServer) -> None:
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(fetcher: Fetcher, n: int) -> None:
        try:
            results[n] = fetcher.get(threaded_server.url_for(f"/{n}")).content
        except BaseException as exc:
            errors.append(exc)

    with Fetcher(LOCAL) as fetcher:
        threads = [threading.Thread(target=work, args=(fetcher, n)) for n in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    assert errors == []
    assert results == {n: f"/{n}".encode() for n in range(40)}


@pytest.mark.anyio
async def test_one_async_fetcher_serves_many_tasks_at_once(threaded_server: HTTPServer) -> None:
    results: dict[int, bytes] = {}

    async with AsyncFetcher(LOCAL) as fetcher:

        async def work(n: int) -> None:
            results[n] = (await fetcher.get(threaded_server.url_for(f"/{n}"))).content

        async with anyio.create_task_group() as group:
            for n in range(40):
                group.start_soon(work, n)
    assert results == {n: f"/{n}".encode() for n in range(40)}


@pytest.mark.anyio
async def test_the_async_deadline_holds_inside_a_running_event_loop(raw_server: Any) -> None:
    server = raw_server(trickles_body)
    started = time.monotonic()
    async with AsyncFetcher(LOCAL.replace(timeout=1.0)) as fetcher:
        with pytest.raises(FetchTimeout):
            await fetcher.get(server.url)
    assert time.monotonic() - started < 1.5


@pytest.mark.anyio
async def test_async_post_and_get_shortcuts_work(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p", method="POST", data=b"<x/>").respond_with_data("posted")
    httpserver.expect_request("/g", method="GET").respond_with_data("got")
    async with AsyncFetcher(LOCAL) as fetcher:
        assert (await fetcher.post(httpserver.url_for("/p"), content=b"<x/>")).content == b"posted"
        assert (await fetcher.get(httpserver.url_for("/g"))).content == b"got"


def test_policy_values_are_checked() -> None:
    with pytest.raises(ValueError):
        FetchPolicy(timeout=0)
    with pytest.raises(ValueError):
        FetchPolicy(max_bytes=-1)
    assert FetchPolicy().replace(max_bytes=10).max_bytes == 10
