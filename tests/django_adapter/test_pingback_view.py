"""server_view through Django's test client: every fault a ping can earn, and the success."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

import django_pingback
from django_adapter.blog.models import Comment, Post
from django_adapter.blog.receivers import handle_pingback
from django_adapter.blog.views import show_post

from .conftest import XML, fault_code, pingback_call, xmlrpc_answer

pytestmark = pytest.mark.django_db

ENDPOINT = "/blog/pingback/"
TARGET = "http://testserver/blog/hello/"


@pytest.fixture
def post() -> Post:
    return Post.objects.create(slug="hello", title="Hello")


@pytest.fixture
def private_sources(settings) -> None:
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True


def post_call(client: Client, body: bytes, **extra: str):
    return client.post(ENDPOINT, body, content_type=XML, **extra)


def test_junk_body_is_fault_minus_32700(client):
    assert fault_code(post_call(client, b"this is not XML").content) == -32700


def test_xml_that_is_no_method_call_is_fault_minus_32600(client):
    body = b"<?xml version='1.0'?><methodResponse><params/></methodResponse>"
    assert fault_code(post_call(client, body).content) == -32600


def test_unknown_method_is_fault_minus_32601(client):
    body = b"<?xml version='1.0'?><methodCall><methodName>blogger.ping</methodName></methodCall>"
    assert fault_code(post_call(client, body).content) == -32601


def test_a_ping_with_one_parameter_is_fault_minus_32602(client):
    body = (
        b"<?xml version='1.0'?><methodCall><methodName>pingback.ping</methodName><params>"
        b"<param><value><string>http://example.com/</string></value></param>"
        b"</params></methodCall>"
    )
    assert fault_code(post_call(client, body).content) == -32602


def test_list_methods_names_pingback_ping(client):
    body = (
        b"<?xml version='1.0'?><methodCall><methodName>system.listMethods</methodName></methodCall>"
    )
    assert "pingback.ping" in xmlrpc_answer(post_call(client, body).content)


def test_unreachable_source_is_fault_16(client, post, private_sources):
    # Port 9 (discard) on loopback: nothing listens there.
    body = pingback_call("http://127.0.0.1:9/nothing", TARGET)
    assert fault_code(post_call(client, body).content) == 16


def test_source_on_a_private_address_is_fault_16_by_default(client, post, source_linking_to):
    body = pingback_call(source_linking_to(TARGET), TARGET)
    assert fault_code(post_call(client, body).content) == 16


def test_source_without_the_link_is_fault_17(client, post, private_sources, source_linking_to):
    source = source_linking_to("http://testserver/blog/another/")
    assert fault_code(post_call(client, pingback_call(source, TARGET)).content) == 17


def test_target_on_a_foreign_host_is_fault_32(client, post):
    body = pingback_call("http://example.com/a", "http://example.org/blog/hello/")
    assert fault_code(post_call(client, body).content) == 32


def test_target_path_that_resolves_to_no_view_is_fault_32(client):
    body = pingback_call("http://example.com/a", "http://testserver/no/such/page/")
    assert fault_code(post_call(client, body).content) == 32


def test_the_endpoint_itself_is_fault_33(client):
    body = pingback_call("http://example.com/a", "http://testserver/blog/pingback/")
    assert fault_code(post_call(client, body).content) == 33


def test_receiver_raising_unpingable_target_is_fault_33(
    client, without_storage, connect, private_sources, source_linking_to
):
    connect(handle_pingback)
    source = source_linking_to("http://testserver/about/")
    body = pingback_call(source, "http://testserver/about/")
    assert fault_code(post_call(client, body).content) == 33


def test_receiver_raising_http404_is_fault_32(
    client, without_storage, connect, private_sources, source_linking_to
):
    connect(handle_pingback)
    target = "http://testserver/blog/missing-post/"
    body = pingback_call(source_linking_to(target), target)
    assert fault_code(post_call(client, body).content) == 32


def test_second_ping_of_the_seed_receiver_is_fault_48(
    client, post, without_storage, connect, private_sources, source_linking_to
):
    connect(handle_pingback)
    body = pingback_call(source_linking_to(TARGET), TARGET)
    assert "registered" in xmlrpc_answer(post_call(client, body).content)
    assert fault_code(post_call(client, body).content) == 48
    comment = Comment.objects.get()
    assert (comment.post, comment.type, comment.author) == (post, "pingback", "Ann Author")
    assert "this post about pings" in comment.text


def test_receiver_raising_access_denied_is_fault_49(
    client, post, without_storage, connect, private_sources, source_linking_to
):
    def refuse(sender, **ping):
        raise django_pingback.AccessDenied("Pings from your site are not welcome.")

    connect(refuse)
    body = pingback_call(source_linking_to(TARGET), TARGET)
    response = post_call(client, body)
    assert fault_code(response.content) == 49
    assert b"not welcome" in response.content


def test_crashing_receiver_is_fault_0_with_a_generic_message_and_a_logged_traceback(
    client, post, without_storage, connect, private_sources, source_linking_to, caplog
):
    def crash(sender, **ping):
        raise RuntimeError("secret database password in this message")

    connect(crash)
    body = pingback_call(source_linking_to(TARGET), TARGET)
    with caplog.at_level(logging.ERROR, logger="pingcore.server"):
        response = post_call(client, body)
    assert fault_code(response.content) == 0
    assert b"secret" not in response.content
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[0] is RuntimeError


def test_receiver_gets_pingdjacks_arguments_and_the_new_ones(
    client, post, without_storage, connect, private_sources, source_linking_to
):
    calls = []
    connect(lambda sender, **ping: calls.append((sender, ping)))
    source = source_linking_to(TARGET, title="Pings, explained")
    post_call(client, pingback_call(source, TARGET), REMOTE_ADDR="192.0.2.7")
    [(sender, ping)] = calls
    assert sender.path == ENDPOINT
    assert ping["source_url"] == source
    assert ping["target_url"] == TARGET
    assert ping["view"] is show_post
    assert (ping["args"], ping["kwargs"]) == ((), {"slug": "hello"})
    assert ping["author"] == "Ann Author"
    assert ping["title"] == "Pings, explained"
    assert "this post about pings" in ping["excerpt"]
    assert (ping["remote_addr"], ping["protocol"]) == ("192.0.2.7", "pingback")


def test_author_falls_back_to_the_source_host_name(
    client, post, without_storage, connect, private_sources, source_linking_to
):
    authors = []
    connect(lambda sender, author, **ping: authors.append(author))
    post_call(client, pingback_call(source_linking_to(TARGET, author=None), TARGET))
    assert authors == ["127.0.0.1"]


def test_get_is_405_with_allow_post(client):
    response = client.get(ENDPOINT)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_body_over_the_core_limit_is_413(client):
    response = post_call(client, b"<" * (65 * 1024))
    assert response.status_code == 413


def test_endpoint_needs_no_csrf_token(post):
    csrf_checking = Client(enforce_csrf_checks=True)
    body = pingback_call("http://example.com/a", "http://example.org/")
    response = csrf_checking.post(ENDPOINT, body, content_type=XML)
    assert response.status_code == 200
    assert fault_code(response.content) == 32


def test_rate_limit_from_settings_is_fault_50(client, post, settings):
    settings.PINGBACK_RATE_LIMIT = {"per_address": 2}
    body = pingback_call("http://127.0.0.1:9/a", TARGET)
    codes = [fault_code(post_call(client, body).content) for _ in range(3)]
    assert codes == [16, 16, 50]
