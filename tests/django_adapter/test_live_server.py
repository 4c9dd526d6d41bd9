"""Real pings over loopback: pingcore's client and Python's xmlrpc.client against a live server.

The sources are served by a real HTTP server on 127.0.0.1, which only
PINGBACK_ALLOW_PRIVATE_ADDRESSES lets the endpoint fetch.
"""

from __future__ import annotations

import xmlrpc.client

import pytest

import pingcore.client
from django_adapter.blog.models import Comment, Post
from django_adapter.blog.receivers import handle_pingback
from django_pingback.storage.models import Pingback
from pingcore.fetch import FetchPolicy

LOOPBACK = FetchPolicy(allow_private_addresses=True)


@pytest.fixture
def post(live_server, settings) -> Post:
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True
    return Post.objects.create(slug="hello", title="Hello")


@pytest.mark.django_db(transaction=True)
def test_pingcore_ping_finds_the_header_and_becomes_a_comment(
    live_server, post, without_storage, connect, source_linking_to
):
    connect(handle_pingback)
    assert live_server.url.startswith("http://127.0.0.1:")
    target = f"{live_server.url}/blog/hello/"
    source = source_linking_to(target)
    result = pingcore.client.ping(source, target, policy=LOOPBACK)
    assert (result.ok, result.protocol) == (True, "pingback")
    assert result.endpoint == f"{live_server.url}/blog/pingback/"
    comment = Comment.objects.get()
    assert (comment.post, comment.url, comment.author) == (post, source, "Ann Author")


@pytest.mark.django_db(transaction=True)
def test_second_ping_from_pingcore_reads_already_registered(live_server, post, source_linking_to):
    target = f"{live_server.url}/blog/hello/"
    source = source_linking_to(target)
    assert pingcore.client.ping(source, target, policy=LOOPBACK).outcome.value == "registered"
    # Fault 48 is no failure: ping() returns it as "already registered".
    again = pingcore.client.ping(source, target, policy=LOOPBACK)
    assert (again.outcome.value, again.fault_code) == ("already registered", 48)
    assert Pingback.objects.get().protocol == "pingback"


@pytest.mark.django_db(transaction=True)
def test_pingcore_ping_finds_the_template_tags_link(live_server, post, source_linking_to):
    target = f"{live_server.url}/page/hello/"
    result = pingcore.client.ping(source_linking_to(target), target, policy=LOOPBACK)
    assert (result.ok, result.endpoint) == (True, f"{live_server.url}/blog/pingback/")
    assert Pingback.objects.get().target_url == target


@pytest.mark.django_db(transaction=True)
def test_pingcore_prefers_webmention_when_the_site_advertises_it(
    live_server, post, settings, source_linking_to
):
    settings.PINGBACK_WEBMENTION = True
    target = f"{live_server.url}/blog/hello/"
    result = pingcore.client.ping(source_linking_to(target), target, policy=LOOPBACK)
    assert (result.ok, result.protocol) == (True, "webmention")
    assert Pingback.objects.get().protocol == "webmention"


@pytest.mark.django_db(transaction=True)
def test_xmlrpc_client_server_proxy_pings_and_gets_faults(live_server, post, source_linking_to):
    target = f"{live_server.url}/blog/hello/"
    source = source_linking_to(target)
    with xmlrpc.client.ServerProxy(f"{live_server.url}/blog/pingback/") as proxy:
        assert "registered" in proxy.pingback.ping(source, target)
        with pytest.raises(xmlrpc.client.Fault) as duplicate:
            proxy.pingback.ping(source, target)
        with pytest.raises(xmlrpc.client.Fault) as foreign:
            proxy.pingback.ping(source, "http://example.org/blog/hello/")
    assert (duplicate.value.faultCode, foreign.value.faultCode) == (48, 32)
    assert Pingback.objects.get().source_url == source
