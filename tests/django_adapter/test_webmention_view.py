"""webmention_view: the same hooks as Pingback, answered with HTTP statuses; updates and deletes."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from django_adapter.blog.models import Post
from django_pingback import DuplicatePing, deleted
from django_pingback.storage.models import Pingback

from .conftest import FORM

pytestmark = pytest.mark.django_db

ENDPOINT = "/blog/webmention/"
TARGET = "http://testserver/blog/hello/"


@pytest.fixture(autouse=True)
def post(settings) -> Post:
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True
    return Post.objects.create(slug="hello", title="Hello")


def mention(client, source: str, target: str = TARGET):
    return client.post(ENDPOINT, urlencode({"source": source, "target": target}), content_type=FORM)


def test_verified_mention_is_200_and_stored(client, source_linking_to):
    source = source_linking_to(TARGET)
    response = mention(client, source)
    assert response.status_code == 200
    stored = Pingback.objects.get()
    assert (stored.source_url, stored.target_url, stored.protocol) == (source, TARGET, "webmention")
    assert (stored.author, stored.approved) == ("Ann Author", False)


def test_receivers_get_protocol_webmention(client, connect, source_linking_to):
    protocols = []
    connect(lambda sender, protocol, **ping: protocols.append(protocol))
    mention(client, source_linking_to(TARGET))
    assert protocols == ["webmention"]


def test_second_mention_updates_the_stored_one(client, sources, source_linking_to):
    source = source_linking_to(TARGET, title="First title")
    mention(client, source)
    Pingback.objects.update(approved=True)
    sources.clear()
    source_linking_to(TARGET, title="Second title")
    response = mention(client, source)
    assert response.status_code == 200
    stored = Pingback.objects.get()
    assert stored.title == "Second title"
    assert stored.approved is False  # changed words need a new approval


def test_unchanged_mention_keeps_its_approval(client, source_linking_to):
    source = source_linking_to(TARGET)
    mention(client, source)
    Pingback.objects.update(approved=True)
    mention(client, source)
    assert Pingback.objects.get().approved is True


def test_receiver_raising_duplicate_ping_is_200(
    client, without_storage, connect, source_linking_to
):
    def already_known(sender, **ping):
        raise DuplicatePing

    connect(already_known)
    response = mention(client, source_linking_to(TARGET))
    assert response.status_code == 200
    assert b"already registered" in response.content


def test_source_gone_deletes_the_mention_and_sends_deleted(
    client, sources, connect, source_linking_to
):
    source = source_linking_to(TARGET)
    mention(client, source)
    deletions = []
    connect(lambda sender, **ping: deletions.append(ping), signal=deleted)
    sources.clear()
    sources.expect_request("/source").respond_with_data("Gone", status=410)
    response = mention(client, source)
    assert response.status_code == 200
    assert b"deleted" in response.content
    assert not Pingback.objects.exists()
    [deletion] = deletions
    assert deletion["source_url"] == source
    assert deletion["target_url"] == TARGET
    assert (deletion["kwargs"], deletion["protocol"]) == ({"slug": "hello"}, "webmention")


def test_source_that_stopped_linking_deletes_the_mention(client, sources, source_linking_to):
    source = source_linking_to(TARGET)
    mention(client, source)
    sources.clear()
    source_linking_to("http://example.com/somewhere-else/")
    response = mention(client, source)
    assert response.status_code == 400
    assert not Pingback.objects.exists()


@pytest.mark.parametrize(
    "form",
    [
        {"source": "http://example.com/a"},
        {"source": "not a url", "target": TARGET},
        {"source": TARGET, "target": TARGET},
        {"source": "http://example.com/a", "target": "http://example.org/blog/hello/"},
        {"source": "http://example.com/a", "target": "http://testserver/no/page/"},
    ],
    ids=["no target", "bad source", "same page", "foreign target", "no such page"],
)
def test_bad_mentions_are_400(client, form):
    response = client.post(ENDPOINT, urlencode(form), content_type=FORM)
    assert response.status_code == 400


def test_get_is_405(client):
    response = client.get(ENDPOINT)
    assert (response.status_code, response["Allow"]) == (405, "POST")


def test_multipart_form_is_415(client):
    response = client.post(ENDPOINT, {"source": "http://example.com/", "target": TARGET})
    assert response.status_code == 415


def test_async_setting_answers_202_and_verifies_in_a_task(client, settings, source_linking_to):
    settings.PINGBACK_WEBMENTION_ASYNC = True
    source = source_linking_to(TARGET)
    response = mention(client, source)
    assert response.status_code == 202
    # The immediate backend ran the task before the view answered.
    assert Pingback.objects.get().source_url == source


def test_async_task_sends_received_without_a_request(client, settings, connect, source_linking_to):
    settings.PINGBACK_WEBMENTION_ASYNC = True
    senders = []
    connect(lambda sender, **ping: senders.append(sender))
    mention(client, source_linking_to(TARGET))
    assert senders == [None]


def test_async_mode_still_refuses_a_foreign_target_at_once(client, settings):
    settings.PINGBACK_WEBMENTION_ASYNC = True
    response = mention(client, "http://example.com/a", "http://example.org/blog/hello/")
    assert response.status_code == 400
