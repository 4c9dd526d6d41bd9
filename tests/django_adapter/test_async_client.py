"""The sync views under ASGI: Django's AsyncClient runs them in a thread, the ORM included."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient

from django_adapter.blog.models import Post
from django_pingback.storage.models import Pingback

from .conftest import FORM, XML, fault_code, pingback_call, xmlrpc_answer

pytestmark = pytest.mark.django_db

TARGET = "http://testserver/blog/hello/"


@pytest.fixture
def post(settings) -> Post:
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True
    return Post.objects.create(slug="hello", title="Hello")


def through_asgi(method: str, path: str, *args: object, **kwargs: object):
    """One AsyncClient request, from this sync test.

    async_to_sync keeps the view's thread-sensitive work (the ORM) on this
    thread, which holds the test's database connection.
    """

    async def request():
        return await getattr(AsyncClient(), method)(path, *args, **kwargs)

    return async_to_sync(request)()


def post_async(path: str, body: bytes | str, content_type: str):
    return through_asgi("post", path, body, content_type=content_type)


def test_pingback_under_asgi_is_registered_and_stored(post, source_linking_to):
    source = source_linking_to(TARGET)
    response = post_async("/blog/pingback/", pingback_call(source, TARGET), XML)
    assert "registered" in xmlrpc_answer(response.content)
    assert Pingback.objects.get().source_url == source


def test_pingback_fault_under_asgi(post):
    response = post_async(
        "/blog/pingback/", pingback_call("http://example.com/", "http://example.org/"), XML
    )
    assert fault_code(response.content) == 32


def test_get_under_asgi_is_405():
    response = through_asgi("get", "/blog/pingback/")
    assert (response.status_code, response["Allow"]) == (405, "POST")


def test_webmention_under_asgi(post, source_linking_to):
    form = urlencode({"source": source_linking_to(TARGET), "target": TARGET})
    response = post_async("/blog/webmention/", form, FORM)
    assert response.status_code == 200
    assert Pingback.objects.get().protocol == "webmention"


def test_post_page_headers_under_asgi(post):
    response = through_asgi("get", "/blog/hello/")
    assert response["X-Pingback"] == "http://testserver/blog/pingback/"
