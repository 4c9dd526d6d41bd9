"""The XML-RPC endpoint through Flask's test client: every fault, and the HTTP refusals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from flask_pingback import AccessDenied, DuplicatePing, UnpingableTarget, received

from .blog import NO_LINK, SOURCE_WITHOUT_AUTHOR, make_blog
from .xmlrpc_calls import answer, call, fault_of, ping_body

POST = "http://localhost/posts/hello/"

Source = Callable[..., str]


def test_a_verified_ping_is_answered_with_success_and_sent_as_a_signal(
    app: Flask, client: FlaskClient, source: Source, pings: list[dict[str, Any]]
) -> None:
    reply = source(links_to=POST)

    message = answer(call(client, reply, POST))

    assert "registered" in message
    (ping,) = pings
    assert ping["sender"] is app
    assert ping["source_url"] == reply
    assert ping["target_url"] == POST
    assert ping["view"] is app.view_functions["show_post"]
    assert ping["args"] == ()
    assert ping["kwargs"] == {"slug": "hello"}
    assert ping["author"] == "Bob Example"
    assert "I agree with" in ping["excerpt"]
    assert ping["title"] == "A reply"
    assert ping["remote_addr"] == "127.0.0.1"
    assert ping["protocol"] == "pingback"


def test_the_signal_sends_exactly_the_django_adapters_arguments_plus_protocol(
    client: FlaskClient, source: Source, pings: list[dict[str, Any]]
) -> None:
    answer(call(client, source(links_to=POST), POST))

    assert set(pings[0]) == {
        "sender",
        "source_url",
        "target_url",
        "view",
        "args",
        "kwargs",
        "author",
        "excerpt",
        "title",
        "remote_addr",
        "protocol",
        # What the source says of itself (pingcore.mention), on both adapters alike.
        "kind",
        "rsvp",
        "author_url",
        "author_photo",
        "published",
        "updated",
        "url",
        "content_html",
        "content_text",
        "syndication",
    }


def test_a_source_that_names_no_author_is_credited_to_its_host_name(
    client: FlaskClient, source: Source, pings: list[dict[str, Any]]
) -> None:
    reply = source(html=SOURCE_WITHOUT_AUTHOR.format(target=POST))

    answer(call(client, reply, POST))

    assert pings[0]["author"] == "127.0.0.1"


def test_a_ping_nobody_receives_is_answered_but_logged_as_a_warning(
    client: FlaskClient, source: Source, caplog: pytest.LogCaptureFixture
) -> None:
    answer(call(client, source(links_to=POST), POST))

    assert any(
        r.levelname == "WARNING" and "flask_pingback.received" in r.getMessage()
        for r in caplog.records
    )


def test_junk_is_fault_minus_32700(client: FlaskClient) -> None:
    response = client.post("/pingback", data=b"this is <not xml", content_type="text/xml")

    assert fault_of(response).faultCode == -32700


def test_xml_that_is_no_method_call_is_fault_minus_32600(client: FlaskClient) -> None:
    response = client.post(
        "/pingback", data=b"<?xml version='1.0'?><hello/>", content_type="text/xml"
    )

    assert fault_of(response).faultCode == -32600


def test_an_unknown_method_is_fault_minus_32601(client: FlaskClient) -> None:
    response = call(client, "http://a.example/", POST, method="pingback.pong")

    assert fault_of(response).faultCode == -32601


def test_one_parameter_instead_of_two_is_fault_minus_32602(client: FlaskClient) -> None:
    assert fault_of(call(client, POST)).faultCode == -32602


def test_system_list_methods_names_pingback_ping(client: FlaskClient) -> None:
    assert "pingback.ping" in answer(call(client, method="system.listMethods"))


def test_an_unreachable_source_is_fault_16(client: FlaskClient, closed_port_url: str) -> None:
    assert fault_of(call(client, closed_port_url, POST)).faultCode == 16


def test_a_source_answering_404_is_fault_16(client: FlaskClient, source: Source) -> None:
    missing = source("/missing", html="Not found", status=404)

    assert fault_of(call(client, missing, POST)).faultCode == 16


def test_a_private_source_is_fault_16_unless_private_addresses_are_allowed(
    source: Source,
) -> None:
    reply = source(links_to=POST)
    app = make_blog(PINGBACK_ALLOW_PRIVATE_ADDRESSES=False)

    with app.test_client() as client:
        assert fault_of(call(client, reply, POST)).faultCode == 16


def test_a_source_without_the_link_is_fault_17(client: FlaskClient, source: Source) -> None:
    assert fault_of(call(client, source(html=NO_LINK), POST)).faultCode == 17


def test_the_endpoint_itself_is_fault_33_as_on_django(client: FlaskClient, source: Source) -> None:
    target = "http://localhost/pingback"
    assert fault_of(call(client, source(links_to=target), target)).faultCode == 33


@pytest.mark.parametrize(
    "target",
    [
        "http://elsewhere.example/posts/hello/",
        "http://localhost:8080/posts/hello/",
        "http://localhost/no/such/page",
        "http://localhost/comments/",
    ],
    ids=["foreign host", "other port", "no matching rule", "POST-only rule"],
)
def test_a_target_that_is_no_page_of_the_app_is_fault_32(
    client: FlaskClient, target: str, source: Source
) -> None:
    assert fault_of(call(client, source(links_to=target), target)).faultCode == 32


def test_a_static_file_is_no_pingable_target_fault_33(client: FlaskClient, source: Source) -> None:
    target = "http://localhost/static/style.css"

    assert fault_of(call(client, source(links_to=target), target)).faultCode == 33


@pytest.mark.parametrize(
    ("error", "code"), [(UnpingableTarget, 33), (DuplicatePing, 48), (AccessDenied, 49)]
)
def test_a_receiver_raising_a_pingback_error_gets_its_fault(
    app: Flask, client: FlaskClient, source: Source, error: type[Exception], code: int
) -> None:
    def refuse(sender: Flask, **kwargs: Any) -> None:
        raise error()

    with received.connected_to(refuse, app):
        fault = fault_of(call(client, source(links_to=POST), POST))

    assert fault.faultCode == code


def test_a_crashing_receiver_is_fault_0_with_a_generic_message_and_a_logged_traceback(
    app: Flask, client: FlaskClient, source: Source, caplog: pytest.LogCaptureFixture
) -> None:
    def crash(sender: Flask, **kwargs: Any) -> None:
        raise KeyError("secret database detail")

    with received.connected_to(crash, app), caplog.at_level(logging.ERROR):
        fault = fault_of(call(client, source(links_to=POST), POST))

    assert fault.faultCode == 0
    assert "secret" not in fault.faultString
    assert "error on this server" in fault.faultString
    (record,) = [r for r in caplog.records if r.exc_info]
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], KeyError)


def test_too_many_pings_from_one_address_is_fault_50(source: Source) -> None:
    app = make_blog(PINGBACK_RATE_LIMIT={"per_address": 1})
    reply = source(links_to=POST)

    with app.test_client() as client:
        answer(call(client, reply, POST))
        assert fault_of(call(client, reply, POST)).faultCode == 50


def test_rate_limits_can_be_turned_off() -> None:
    limiter = make_blog(PINGBACK_RATE_LIMIT=None).extensions["pingback"].server.rate_limiter

    assert (limiter.per_address, limiter.per_source_host) == (None, None)


def test_a_source_over_pingback_max_source_bytes_is_fault_16(source: Source) -> None:
    app = make_blog(PINGBACK_MAX_SOURCE_BYTES=200)

    assert fault_of(call(app.test_client(), source(links_to=POST), POST)).faultCode == 16


def test_get_is_405_and_says_post_is_allowed(client: FlaskClient) -> None:
    response = client.get("/pingback")

    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_a_body_over_64_kib_is_413(client: FlaskClient) -> None:
    response = client.post("/pingback", data=b"x" * (64 * 1024 + 1), content_type="text/xml")

    assert response.status_code == 413


class TrickleStream:
    """A WSGI input that hands over a few bytes at each read, as some servers do."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        chunk, self.data = self.data[:7], self.data[7:]
        return chunk


def post_trickling(client: FlaskClient, body: bytes) -> Any:
    return client.post(
        "/pingback",
        content_type="text/xml",
        environ_overrides={"wsgi.input": TrickleStream(body), "CONTENT_LENGTH": str(len(body))},
    )


def test_a_body_that_arrives_a_few_bytes_at_a_time_is_read_whole(
    client: FlaskClient, source: Source, pings: list[dict[str, Any]]
) -> None:
    body = ping_body(source(links_to=POST), POST)

    response = post_trickling(client, body)

    assert "registered" in answer(response)
    assert len(pings) == 1


def test_a_trickled_body_over_64_kib_is_still_413(client: FlaskClient) -> None:
    body = b"x" * (64 * 1024 + 100)

    response = post_trickling(client, body)

    assert response.status_code == 413
