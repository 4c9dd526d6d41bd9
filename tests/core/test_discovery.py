"""Endpoint discovery: the pure function (final URL, status, headers, body in), then I/O."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Response

from pingcore.discovery import (
    Endpoint,
    EndpointScanner,
    adiscover_endpoint,
    discover_endpoint,
    find_endpoint,
    find_pingback,
    find_webmention,
    parse_link_header,
)
from pingcore.errors import BadStatus, BlockedAddress
from pingcore.fetch import FetchPolicy

PAGE = "http://blog.example/2024/post"
HTML = [("Content-Type", "text/html; charset=utf-8")]


def page(head: str = "", body: str = "") -> str:
    return f"<!DOCTYPE html><html><head><title>t</title>{head}</head><body>{body}</body></html>"


def found(
    body: str | bytes = "",
    headers: list[tuple[str, str]] | None = None,
    *,
    protocol: str | None = None,
    status: int = 200,
    url: str = PAGE,
) -> Endpoint | None:
    return find_endpoint(
        url, status, headers if headers is not None else HTML, body, protocol=protocol
    )


def webmention(url: str) -> Endpoint:
    return Endpoint("webmention", url)


def pingback(url: str) -> Endpoint:
    return Endpoint("pingback", url)


# ---------------------------------------------------------------------------
# Pingback


def test_x_pingback_header_is_the_pingback_endpoint() -> None:
    headers = [*HTML, ("X-Pingback", "http://blog.example/xmlrpc.php")]
    assert found(page(), headers) == pingback("http://blog.example/xmlrpc.php")


def test_x_pingback_header_name_is_case_insensitive() -> None:
    headers = [*HTML, ("x-PINGBACK", " http://blog.example/xmlrpc.php ")]
    assert found(page(), headers) == pingback("http://blog.example/xmlrpc.php")


def test_x_pingback_header_wins_over_a_link_element() -> None:
    headers = [*HTML, ("X-Pingback", "http://blog.example/header")]
    body = page('<link rel="pingback" href="http://blog.example/element">')
    assert found(body, headers) == pingback("http://blog.example/header")


def test_pingback_link_in_head_is_found() -> None:
    body = page('<link rel="pingback" href="http://blog.example/xmlrpc.php" />')
    assert found(body) == pingback("http://blog.example/xmlrpc.php")


def test_pingback_link_in_body_is_found() -> None:
    body = page(body='<p>hello</p><link rel="pingback" href="http://blog.example/rpc">')
    assert found(body) == pingback("http://blog.example/rpc")


@pytest.mark.parametrize(
    "element",
    [
        '<link href="http://blog.example/rpc" rel="pingback">',
        "<link type='x' href='http://blog.example/rpc' title=\"p\" rel='pingback'>",
        "<link href=http://blog.example/rpc rel=pingback>",
        '<LINK REL="Pingback" HREF="http://blog.example/rpc">',
        '<link\n  rel="pingback"\n  href="http://blog.example/rpc"\n>',
        '<link rel="pingback other" href="http://blog.example/rpc">',
    ],
)
def test_pingback_link_attributes_may_come_in_any_order_and_form(element: str) -> None:
    assert found(page(element)) == pingback("http://blog.example/rpc")


def test_pingback_href_entities_are_decoded() -> None:
    body = page('<link rel="pingback" href="http://blog.example/rpc?a=1&amp;b=2&#38;c=3">')
    assert found(body) == pingback("http://blog.example/rpc?a=1&b=2&c=3")


def test_relative_pingback_href_resolves_against_the_page() -> None:
    assert found(page('<link rel="pingback" href="/xmlrpc.php">')) == pingback(
        "http://blog.example/xmlrpc.php"
    )
    assert found(page('<link rel="pingback" href="rpc">')) == pingback(
        "http://blog.example/2024/rpc"
    )


def test_relative_x_pingback_header_resolves_against_the_page() -> None:
    assert found(page(), [("X-Pingback", "/xmlrpc.php")]) == pingback(
        "http://blog.example/xmlrpc.php"
    )


def test_an_a_element_with_rel_pingback_is_not_an_endpoint() -> None:
    assert found(page(body='<a rel="pingback" href="http://blog.example/rpc">x</a>')) is None


def test_a_pingback_link_with_an_empty_href_is_skipped() -> None:
    body = page('<link rel="pingback" href=""><link rel="pingback" href="/rpc">')
    assert found(body) == pingback("http://blog.example/rpc")


def test_a_pingback_link_inside_a_comment_is_not_an_endpoint() -> None:
    assert found(page('<!-- <link rel="pingback" href="/rpc"> -->')) is None


def test_a_non_http_pingback_endpoint_is_skipped() -> None:
    assert found(page(), [("X-Pingback", "ftp://blog.example/rpc")]) is None
    assert found(page('<link rel="pingback" href="javascript:alert(1)">')) is None


def test_find_pingback_ignores_webmention() -> None:
    body = page('<link rel="webmention" href="/wm"><link rel="pingback" href="/rpc">')
    assert find_pingback(PAGE, HTML, body) == "http://blog.example/rpc"


def test_a_page_with_no_endpoint_gives_none() -> None:
    assert found(page('<link rel="stylesheet" href="/s.css">', "<a href='/x'>x</a>")) is None
    assert found("") is None
    assert found(b"\x00\xff\xfe binary junk") is None


# ---------------------------------------------------------------------------
# The HTTP Link header


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([("Link", "</wm>; rel=webmention")], "http://blog.example/wm"),
        ([("LINK", '<http://x.example/wm>; rel="webmention"')], "http://x.example/wm"),
        ([("link", "<http://x.example/wm>;rel=webmention")], "http://x.example/wm"),
        (
            [("Link", '<http://x.example/wm>; rel="webmention somethingelse"')],
            "http://x.example/wm",
        ),
        ([("Link", '<http://x.example/wm>; rel="other WebMention"')], "http://x.example/wm"),
        (
            [("Link", '</a>; rel="other", </b>; rel="webmention"')],
            "http://blog.example/b",
        ),
        (
            [("Link", '</a>; rel="other"'), ("Link", '</b>; rel="webmention"')],
            "http://blog.example/b",
        ),
        ([("Link", "</a,b>; rel=webmention")], "http://blog.example/a,b"),
        (
            [("Link", '</x>; title="a, b; rel=webmention", </wm>; rel=webmention')],
            "http://blog.example/wm",
        ),
        ([("Link", '</x>; rel="not-webmention", </wm>; rel=webmention')], "http://blog.example/wm"),
        (
            [("Link", "</x>; rel=other; rel=webmention, </wm>; rel=webmention")],
            "http://blog.example/wm",
        ),
        (
            [("Link", "<mailto:me@x.example>; rel=webmention, </wm>; rel=webmention")],
            "http://blog.example/wm",
        ),
        ([("Link", "<>; rel=webmention")], PAGE),
        ([("Link", "</wm?a=1&b=2>; rel=webmention")], "http://blog.example/wm?a=1&b=2"),
        ([("Link", "garbage, </wm>; rel=webmention")], "http://blog.example/wm"),
        ([("Link", '</wm>; rel="web\\mention"')], "http://blog.example/wm"),
        ([("Link", "</x>; rel=other")], None),
        ([("Link", "</x>; rel=")], None),
        ([("Link", "</x")], None),
    ],
)
def test_link_header_parsing(headers: list[tuple[str, str]], expected: str | None) -> None:
    assert find_webmention(PAGE, headers, "") == expected


def test_link_headers_may_come_as_a_mapping_or_as_httpx_headers() -> None:
    mapping = {"LinK": "</wm>; rel=webmention"}
    assert find_webmention(PAGE, mapping, "") == "http://blog.example/wm"
    multi = httpx.Headers([("Link", "</a>; rel=other"), ("link", "</b>; rel=webmention")])
    assert find_webmention(PAGE, multi, "") == "http://blog.example/b"


def test_link_header_wins_over_the_html() -> None:
    body = page('<link rel="webmention" href="/from-html">')
    headers = [*HTML, ("Link", "</from-header>; rel=webmention")]
    assert found(body, headers) == webmention("http://blog.example/from-header")


def test_parse_link_header_returns_targets_and_parameters() -> None:
    value = '<http://a.example/1>; rel="x y"; title="q \\"w\\", e", <b>;REL=z ; anchor=#f'
    assert parse_link_header(value) == [
        ("http://a.example/1", {"rel": "x y", "title": 'q "w", e'}),
        ("b", {"rel": "z", "anchor": "#f"}),
    ]


def test_parse_link_header_keeps_only_the_first_occurrence_of_a_parameter() -> None:
    assert parse_link_header("<a>; rel=one; rel=two") == [("a", {"rel": "one"})]


@pytest.mark.parametrize("value", ["", ",,,", "no brackets", "<", '<a>; title="unterminated'])
def test_parse_link_header_survives_malformed_values(value: str) -> None:
    parse_link_header(value)


# ---------------------------------------------------------------------------
# Webmention in the HTML


def test_webmention_link_element_in_head_is_found() -> None:
    assert found(page('<link rel="webmention" href="/wm">')) == webmention("http://blog.example/wm")


def test_webmention_a_element_in_body_is_found() -> None:
    assert found(page(body='<p><a href="/wm" rel="webmention">endpoint</a></p>')) == webmention(
        "http://blog.example/wm"
    )


def test_first_webmention_element_in_document_order_wins() -> None:
    a_first = page(body='<a rel="webmention" href="/a">a</a><link rel="webmention" href="/l">')
    assert found(a_first) == webmention("http://blog.example/a")
    link_first = page(body='<link rel="webmention" href="/l"><a rel="webmention" href="/a">a</a>')
    assert found(link_first) == webmention("http://blog.example/l")


def test_webmention_rel_is_a_case_insensitive_token_list() -> None:
    body = page(
        '<link rel="not-webmention" href="/no1"><link rel="webmentions" href="/no2">'
        '<link rel="me WebMention" href="/yes">'
    )
    assert found(body) == webmention("http://blog.example/yes")


def test_webmention_links_in_comments_are_ignored() -> None:
    body = page(
        body='<!-- <a rel="webmention" href="/no">x</a> --><a rel="webmention" href="/yes">'
    )
    assert found(body) == webmention("http://blog.example/yes")


def test_webmention_links_in_escaped_text_are_ignored() -> None:
    body = page(
        body='<code>&lt;a href="/no" rel="webmention"&gt;&lt;/a&gt;</code>'
        '<a href="/yes" rel="webmention">x</a>'
    )
    assert found(body) == webmention("http://blog.example/yes")


def test_webmention_links_in_script_text_are_ignored() -> None:
    body = page(
        '<script>document.write(\'<link rel="webmention" href="/no">\')</script>',
        '<a href="/yes" rel="webmention">x</a>',
    )
    assert found(body) == webmention("http://blog.example/yes")


def test_an_empty_webmention_href_is_the_page_itself_without_its_fragment() -> None:
    body = page('<link rel="webmention" href="">')
    assert found(body, url=PAGE + "?x=1#top") == webmention(PAGE + "?x=1")


def test_a_webmention_link_without_href_is_skipped() -> None:
    body = page(body='<link rel="webmention"><a rel="webmention" href="/yes">x</a>')
    assert found(body) == webmention("http://blog.example/yes")


def test_webmention_query_strings_are_kept() -> None:
    body = page('<link rel="webmention" href="/wm?query=yes&amp;b=2">')
    assert found(body) == webmention("http://blog.example/wm?query=yes&b=2")


def test_path_relative_webmention_href_resolves_against_the_final_url() -> None:
    body = page('<link rel="webmention" href="wm/endpoint">')
    assert found(body, url="http://blog.example/a/b/page") == webmention(
        "http://blog.example/a/b/wm/endpoint"
    )


def test_non_http_webmention_hrefs_are_skipped() -> None:
    body = page(
        '<link rel="webmention" href="javascript:alert(1)">'
        '<link rel="webmention" href="mailto:me@blog.example">'
        '<link rel="webmention" href="https://other.example/wm">'
    )
    assert found(body) == webmention("https://other.example/wm")


def test_the_body_of_a_non_html_response_is_not_read() -> None:
    body = page('<link rel="webmention" href="/wm">')
    assert found(body, [("Content-Type", "application/json")]) is None
    headers = [("Content-Type", "text/plain"), ("Link", "</wm>; rel=webmention")]
    assert found(body, headers) == webmention("http://blog.example/wm")


def test_a_response_without_content_type_is_read_as_html() -> None:
    assert found(page('<link rel="webmention" href="/wm">'), []) == webmention(
        "http://blog.example/wm"
    )


def test_xhtml_is_read_as_html() -> None:
    headers = [("Content-Type", "application/xhtml+xml")]
    assert found(page('<link rel="webmention" href="/wm"/>'), headers) == webmention(
        "http://blog.example/wm"
    )


def test_the_charset_from_content_type_decodes_the_body() -> None:
    body = page('<link rel="webmention" href="/caf\xe9">').encode("latin-1")
    headers = [("Content-Type", "text/html; charset=ISO-8859-1")]
    assert found(body, headers) == webmention(
        "http://blog.example/caf%C3%A9".replace("%C3%A9", "é")
    )


def test_utf8_bodies_decode_without_a_charset() -> None:
    body = page('<link rel="webmention" href="/café">').encode()
    assert found(body, []) == webmention("http://blog.example/café")


def test_a_body_given_as_text_is_read_the_same() -> None:
    body = page('<link rel="webmention" href="/wm">')
    assert found(body) == found(body.encode())


def test_control_characters_in_the_body_do_not_stop_the_scan() -> None:
    body = page(body='\x00\x01<a rel="webmention" href="/wm">x</a>').encode()
    assert found(body) == webmention("http://blog.example/wm")


def test_a_deeply_nested_link_is_still_found() -> None:
    body = page(body="<div>" * 1_000 + '<a rel="webmention" href="/deep">x</a>')
    assert found(body) == webmention("http://blog.example/deep")


# ---------------------------------------------------------------------------
# Both protocols, and the status

BOTH = page('<link rel="pingback" href="/rpc">', '<a rel="webmention" href="/wm">x</a>')


def test_webmention_wins_when_a_page_offers_both() -> None:
    assert found(BOTH) == webmention("http://blog.example/wm")


def test_webmention_in_html_wins_over_an_x_pingback_header() -> None:
    headers = [*HTML, ("X-Pingback", "http://blog.example/rpc")]
    assert found(BOTH, headers) == webmention("http://blog.example/wm")


def test_the_protocol_argument_asks_for_pingback() -> None:
    assert found(BOTH, protocol="pingback") == pingback("http://blog.example/rpc")
    headers = [*HTML, ("Link", "</wm>; rel=webmention"), ("X-Pingback", "/rpc2")]
    assert found(BOTH, headers, protocol="pingback") == pingback("http://blog.example/rpc2")


def test_the_protocol_argument_asks_for_webmention() -> None:
    assert found(BOTH, protocol="webmention") == webmention("http://blog.example/wm")


def test_asking_for_one_protocol_ignores_the_other() -> None:
    pingback_only = page('<link rel="pingback" href="/rpc">')
    assert found(pingback_only, protocol="webmention") is None
    webmention_only = page('<link rel="webmention" href="/wm">')
    assert found(webmention_only, protocol="pingback") is None


def test_pingback_is_the_fallback_when_no_webmention_is_offered() -> None:
    assert found(page('<link rel="pingback" href="/rpc">')) == pingback("http://blog.example/rpc")


def test_an_unknown_protocol_is_refused() -> None:
    with pytest.raises(ValueError):
        found(BOTH, protocol="trackback")


@pytest.mark.parametrize("status", [204, 299])
def test_any_2xx_page_can_advertise(status: int) -> None:
    assert found(BOTH, status=status) == webmention("http://blog.example/wm")


@pytest.mark.parametrize("status", [301, 304, 404, 410, 500])
def test_a_page_with_a_non_2xx_status_advertises_nothing(status: int) -> None:
    headers = [*HTML, ("Link", "</wm>; rel=webmention")]
    assert found(BOTH, headers, status=status) is None


# ---------------------------------------------------------------------------
# The scanner that lets discovery stop reading early


def test_the_scanner_knows_the_webmention_endpoint_as_soon_as_its_tag_is_read() -> None:
    scanner = EndpointScanner()
    scanner.feed_bytes(b'<html><head><link rel="webmention" href="/wm">')
    assert scanner.webmention_known
    assert scanner.webmention_hrefs == ["/wm"]


def test_the_scanner_does_not_know_from_half_a_tag() -> None:
    scanner = EndpointScanner()
    scanner.feed_bytes(b'<html><head><link rel="webmention" href="/w')
    assert not scanner.webmention_known
    scanner.feed_bytes(b'm">')
    assert scanner.webmention_hrefs == ["/wm"]


def test_a_pingback_link_alone_does_not_make_the_webmention_known() -> None:
    scanner = EndpointScanner()
    scanner.feed_bytes(b'<html><head><link rel="pingback" href="/rpc"></head><body>')
    assert scanner.pingback_known
    assert not scanner.webmention_known


def test_a_webmention_link_to_javascript_does_not_make_it_known() -> None:
    scanner = EndpointScanner()
    scanner.feed_bytes(
        b'<link rel="webmention" href="javascript:x"><link rel="webmention" href="">'
    )
    assert scanner.webmention_hrefs == ["javascript:x", ""]
    assert scanner.webmention_known  # the empty href: the page itself


def test_a_multibyte_character_split_across_chunks_is_decoded() -> None:
    data = '<a rel="webmention" href="/café">x</a>'.encode()
    cut = data.index(b"\xc3") + 1
    scanner = EndpointScanner()
    scanner.feed_bytes(data[:cut])
    scanner.feed_bytes(data[cut:])
    scanner.close()
    assert scanner.webmention_hrefs == ["/café"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(BOTH)), max_size=8))
def test_feeding_a_page_in_any_pieces_finds_what_feeding_it_whole_finds(cuts: list[int]) -> None:
    data = BOTH.encode()
    edges = [0, *sorted(cuts), len(data)]
    scanner = EndpointScanner()
    for start, end in zip(edges, edges[1:], strict=False):
        scanner.feed_bytes(data[start:end])
    scanner.close()
    assert scanner.webmention_hrefs == ["/wm"]
    assert scanner.pingback_hrefs == ["/rpc"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=500), st.sampled_from([None, "webmention", "pingback"]))
def test_any_body_gives_an_endpoint_or_none(body: bytes, protocol: str | None) -> None:
    result = found(body, protocol=protocol)
    assert result is None or isinstance(result, Endpoint)


# ---------------------------------------------------------------------------
# Over loopback: discover_endpoint and its async twin against a real server

LOOPBACK = FetchPolicy(allow_private_addresses=True)
HTML_TYPE = ("Content-Type", "text/html; charset=utf-8")


def serve(
    server: HTTPServer,
    path: str,
    body: str | bytes | Iterator[bytes],
    headers: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> str:
    content = body.encode() if isinstance(body, str) else body
    response = Response(content, status=status, headers=headers or [HTML_TYPE])
    server.expect_oneshot_request(path).respond_with_response(response)
    return server.url_for(path)


def test_x_pingback_header_is_discovered_over_loopback(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "/post", page(), [HTML_TYPE, ("X-Pingback", "/xmlrpc.php")])
    assert discover_endpoint(url, policy=LOOPBACK) == pingback(httpserver.url_for("/xmlrpc.php"))


def test_pingback_link_is_discovered_over_loopback(httpserver: HTTPServer) -> None:
    body = page("<meta charset=utf-8><link href='rpc?a=1&amp;b=2' rel='pingback' />")
    url = serve(httpserver, "/blog/post", body)
    assert discover_endpoint(url, policy=LOOPBACK) == pingback(
        httpserver.url_for("/blog/rpc?a=1&b=2")
    )


def test_a_relative_pingback_href_resolves_against_the_url_after_redirects(
    httpserver: HTTPServer,
) -> None:
    serve(httpserver, "/old", "", [("Location", "/new/post")], status=301)
    url = serve(httpserver, "/new/post", page('<link rel="pingback" href="rpc">'))
    assert discover_endpoint(httpserver.url_for("/old"), policy=LOOPBACK) == pingback(
        httpserver.url_for("/new/rpc")
    )
    assert url == httpserver.url_for("/new/post")


def test_the_protocol_argument_is_honoured_over_loopback(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "/both", BOTH)
    assert discover_endpoint(url, policy=LOOPBACK, protocol="pingback") == pingback(
        httpserver.url_for("/rpc")
    )


def test_a_gzip_encoded_page_is_read(httpserver: HTTPServer) -> None:
    body = gzip.compress(page('<link rel="webmention" href="/wm">').encode())
    url = serve(httpserver, "/gz", body, [HTML_TYPE, ("Content-Encoding", "gzip")])
    assert discover_endpoint(url, policy=LOOPBACK) == webmention(httpserver.url_for("/wm"))


def test_a_page_without_endpoint_gives_none_over_loopback(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "/plain", page(body="<p>nothing here</p>"))
    assert discover_endpoint(url, policy=LOOPBACK) is None


def test_a_non_html_target_gives_none(httpserver: HTTPServer) -> None:
    url = serve(
        httpserver, "/img", b"\x89PNG\r\n\x1a\n" + bytes(5000), [("Content-Type", "image/png")]
    )
    assert discover_endpoint(url, policy=LOOPBACK) is None


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_a_target_answering_4xx_or_5xx_raises_bad_status(
    httpserver: HTTPServer, status: int
) -> None:
    headers = [HTML_TYPE, ("Link", "</wm>; rel=webmention")]
    url = serve(httpserver, "/gone", page('<link rel="webmention" href="/wm">'), headers, status)
    with pytest.raises(BadStatus) as caught:
        discover_endpoint(url, policy=LOOPBACK)
    assert caught.value.status_code == status


def test_fetch_errors_propagate(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "/private", page('<link rel="webmention" href="/wm">'))
    with pytest.raises(BlockedAddress):
        discover_endpoint(url, policy=FetchPolicy(allowed_ports=None))
    assert not httpserver.log


def test_an_unknown_protocol_is_refused_before_any_request(httpserver: HTTPServer) -> None:
    with pytest.raises(ValueError):
        discover_endpoint(httpserver.url_for("/x"), policy=LOOPBACK, protocol="trackback")
    assert not httpserver.log


def test_an_endpoint_beyond_the_read_cap_is_not_seen(httpserver: HTTPServer) -> None:
    body = page(body="<p>" + "x" * 20_000 + '</p><a rel="webmention" href="/wm">x</a>')
    url = serve(httpserver, "/long", body)
    assert discover_endpoint(url, policy=LOOPBACK.replace(max_bytes=10_000)) is None


def test_an_href_cut_by_the_read_cap_is_not_an_endpoint(httpserver: HTTPServer) -> None:
    start = page(body="<p>" + "x" * 9_950 + "</p>")
    start = start.removesuffix("</body></html>")
    body = start + '<a rel="webmention" href="/webmention-endpoint-with-a-long-path">x</a>'
    cap = len(start) + len('<a rel="webmention" href="/webmention')
    url = serve(httpserver, "/cut", body)
    assert discover_endpoint(url, policy=LOOPBACK.replace(max_bytes=cap)) is None


class Stream:
    """A page sent in pieces, slowly, that never ends on its own: counts what was sent."""

    def __init__(self, *pieces: bytes, filler_delay: float = 0.05) -> None:
        self.pieces = pieces
        self.filler_delay = filler_delay
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            self.sent += 1
            yield piece
        for _ in range(2_000):
            time.sleep(self.filler_delay)
            self.sent += 1
            yield b"<p>" + b"filler text " * 1_000 + b"</p>\n"


HEAD_WITH_WEBMENTION = b'<!DOCTYPE html><html><head><link rel="webmention" href="/wm"></head><body>'
HEAD_WITH_PINGBACK = b'<!DOCTYPE html><html><head><link rel="pingback" href="/rpc"></head><body>'


def test_discovery_stops_reading_once_the_webmention_link_is_read(httpserver: HTTPServer) -> None:
    stream = Stream(HEAD_WITH_WEBMENTION)
    url = serve(httpserver, "/endless", stream)

    endpoint = discover_endpoint(url, policy=LOOPBACK)

    assert endpoint == webmention(httpserver.url_for("/wm"))
    assert stream.sent <= 3


def test_a_webmention_a_after_a_pingback_link_is_still_read_and_wins(
    httpserver: HTTPServer,
) -> None:
    stream = Stream(
        HEAD_WITH_PINGBACK,
        b"<p>" + b"words " * 3_000 + b"</p>",
        b'<p><a rel="webmention" href="/wm">send here</a></p>',
    )
    url = serve(httpserver, "/late-a", stream)

    endpoint = discover_endpoint(url, policy=LOOPBACK)

    assert endpoint == webmention(httpserver.url_for("/wm"))
    assert stream.sent <= 5


def test_a_pingback_link_does_not_stop_the_read_when_webmention_could_follow(
    httpserver: HTTPServer,
) -> None:
    stream = Stream(HEAD_WITH_PINGBACK, filler_delay=0.01)
    url = serve(httpserver, "/pingback-only", stream)

    endpoint = discover_endpoint(url, policy=LOOPBACK.replace(max_bytes=100_000))

    assert endpoint == pingback(httpserver.url_for("/rpc"))
    assert stream.sent >= 8  # read on, to the 100 kB cap, looking for a Webmention


def test_a_pingback_link_stops_the_read_when_only_pingback_is_asked_for(
    httpserver: HTTPServer,
) -> None:
    stream = Stream(HEAD_WITH_PINGBACK)
    url = serve(httpserver, "/pingback-asked", stream)

    endpoint = discover_endpoint(url, policy=LOOPBACK, protocol="pingback")

    assert endpoint == pingback(httpserver.url_for("/rpc"))
    assert stream.sent <= 3


@pytest.mark.parametrize(
    ("headers", "protocol", "expected"),
    [
        ([HTML_TYPE, ("Link", '</wm>; rel="webmention"')], None, "webmention"),
        ([HTML_TYPE, ("X-Pingback", "/rpc")], "pingback", "pingback"),
    ],
)
def test_an_endpoint_in_the_headers_means_no_body_is_read(
    httpserver: HTTPServer, headers: list[tuple[str, str]], protocol: str | None, expected: str
) -> None:
    stream = Stream(b"<!DOCTYPE html><html><head>", filler_delay=0.01)
    url = serve(httpserver, "/headers", stream, headers)

    endpoint = discover_endpoint(url, policy=LOOPBACK, protocol=protocol)

    assert endpoint is not None and endpoint.protocol == expected
    assert stream.sent <= 2  # the server may have sent a piece before the close


@pytest.mark.anyio
async def test_the_async_twin_finds_an_x_pingback_header(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "/post", page(), [HTML_TYPE, ("X-Pingback", "/xmlrpc.php")])
    assert await adiscover_endpoint(url, policy=LOOPBACK) == pingback(
        httpserver.url_for("/xmlrpc.php")
    )


@pytest.mark.anyio
async def test_the_async_twin_stops_reading_early_too(httpserver: HTTPServer) -> None:
    stream = Stream(HEAD_WITH_WEBMENTION)
    url = serve(httpserver, "/endless", stream)

    endpoint = await adiscover_endpoint(url, policy=LOOPBACK)

    assert endpoint == webmention(httpserver.url_for("/wm"))
    assert stream.sent <= 3


@pytest.mark.anyio
async def test_the_async_twin_raises_bad_status(httpserver: HTTPServer) -> None:
    url = serve(httpserver, "/missing", "Not found", [("Content-Type", "text/plain")], 404)
    with pytest.raises(BadStatus):
        await adiscover_endpoint(url, policy=LOOPBACK)
