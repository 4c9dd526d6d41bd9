"""Mentions by media type: embeds in HTML, JSON properties, URLs in plain text.

Webmention counts them (its Recommendation, 3.2.2); Pingback counts links in HTML only.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from pytest_httpserver import HTTPServer

from pingcore import FetchPolicy, PingbackServer, ReceivedPing, Target, WebmentionReceiver
from pingcore import xmlrpc as rpc
from pingcore.errors import SourceHasNoLink
from pingcore.source import parse_source

SOURCE = "https://source.example/notes/1"
TARGET = "http://blog.test/photos/cat.jpg"


@pytest.mark.parametrize(
    "html",
    [
        f'<p>My cat: <img src="{TARGET}" alt="a cat"> asleep.</p>',
        f'<p>My cat: <video src="{TARGET}">a cat</video> asleep.</p>',
        f'<p>My cat: <audio src="{TARGET}"></audio> asleep.</p>',
        f'<p>My cat: <picture><source src="{TARGET}"><img src="x.png" alt=""></picture></p>',
    ],
)
def test_an_embed_of_the_target_is_a_webmention_but_no_pingback(html: str) -> None:
    info = parse_source(html, SOURCE, TARGET, media=True)
    assert info.excerpt.startswith("My cat:")
    with pytest.raises(SourceHasNoLink, match="does not contain a link"):
        parse_source(html, SOURCE, TARGET)


def test_a_hidden_embed_is_no_mention() -> None:
    html = f'<p hidden><img src="{TARGET}" alt="a cat"></p>'
    with pytest.raises(SourceHasNoLink, match="readers cannot see"):
        parse_source(html, SOURCE, TARGET, media=True)


ENTRY = {
    "type": "entry",
    "name": "On cats",
    "author": {"type": "card", "name": "Jane Doe", "url": "https://jane.example/"},
    "content": {"html": "<p>Look at <b>this</b>.</p>", "text": "Look at this."},
    "like-of": TARGET,
    "children": [{"type": "entry", "in-reply-to": "http://blog.test/other"}],
}


def test_a_json_property_whose_value_is_the_target_is_a_mention() -> None:
    info = parse_source(
        json.dumps(ENTRY), SOURCE, TARGET, content_type="application/json", media=True
    )
    assert (info.title, info.author, info.excerpt, info.link_text) == (
        "On cats",
        "Jane Doe",
        "Look at this.",
        "like-of",
    )


def test_mf2_json_and_other_json_types_count_too() -> None:
    mf2 = {"items": [{"type": ["h-entry"], "properties": {"like-of": [TARGET], "name": ["Hi"]}}]}
    info = parse_source(
        json.dumps(mf2), SOURCE, TARGET, content_type="application/mf2+json", media=True
    )
    assert info.title == "Hi"


def test_json_that_only_contains_the_target_in_a_longer_string_is_no_mention() -> None:
    data = {"content": f"see {TARGET} here", "url": TARGET + "?x=1"}
    with pytest.raises(SourceHasNoLink, match="does not mention"):
        parse_source(json.dumps(data), SOURCE, TARGET, content_type="application/json", media=True)


def test_json_that_is_not_json_is_a_clear_refusal() -> None:
    with pytest.raises(SourceHasNoLink, match="not valid JSON"):
        parse_source("{nope", SOURCE, TARGET, content_type="application/json", media=True)
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(SourceHasNoLink, match="not valid JSON"):
        parse_source(deep, SOURCE, TARGET, content_type="application/json", media=True)


def test_the_target_written_in_plain_text_is_a_mention_with_its_sentence() -> None:
    text = f"Cats\n\nI slept all day. Then I saw {TARGET}, which made me laugh! The end."
    info = parse_source(text.encode(), SOURCE, TARGET, content_type="text/plain", media=True)
    assert (info.title, info.excerpt, info.author) == (
        "Cats",
        f"Then I saw {TARGET}, which made me laugh!",
        None,
    )


def test_a_longer_url_in_plain_text_is_not_the_target() -> None:
    text = f"See {TARGET}.png and {TARGET}/more"
    with pytest.raises(SourceHasNoLink, match="does not mention"):
        parse_source(text, SOURCE, TARGET, content_type="text/plain", media=True)


def test_without_media_json_and_text_are_read_as_html_as_before() -> None:
    with pytest.raises(SourceHasNoLink, match="no HTML tags"):
        parse_source(
            json.dumps({"like-of": TARGET}), SOURCE, TARGET, content_type="application/json"
        )


# -- through the receivers, sources on loopback servers ------------------------


def resolve(url: str) -> Target | None:
    return Target(url, view="photo") if url.startswith("http://blog.test/") else None


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (json.dumps(ENTRY), "application/json"),
        (f"A cat: {TARGET}", "text/plain; charset=utf-8"),
        (f'<p><img src="{TARGET}" alt="a cat"></p>', "text/html"),
    ],
)
def test_a_webmention_from_json_text_or_an_embed_is_registered(
    httpserver: HTTPServer, local_policy: FetchPolicy, body: str, content_type: str
) -> None:
    httpserver.expect_request("/note").respond_with_data(body, content_type=content_type)
    received: list[ReceivedPing] = []
    receiver = WebmentionReceiver(resolve, received.append, policy=local_policy)
    form = urlencode({"source": httpserver.url_for("/note"), "target": TARGET}).encode()
    assert receiver.handle(form).status == 200
    assert [ping.target_url for ping in received] == [TARGET]


def test_a_pingback_from_an_embed_only_is_refused_with_fault_17(
    httpserver: HTTPServer, local_policy: FetchPolicy
) -> None:
    html = f'<p><img src="{TARGET}" alt="a cat"></p>'
    httpserver.expect_request("/note").respond_with_data(html, content_type="text/html")
    received: list[ReceivedPing] = []
    server = PingbackServer(resolve, received.append, policy=local_policy)
    answer = server.handle(rpc.dump_call("pingback.ping", [httpserver.url_for("/note"), TARGET]))
    with pytest.raises(rpc.XMLRPCFault) as caught:
        rpc.parse_response(answer.body)
    assert caught.value.code == 17
    assert received == []
