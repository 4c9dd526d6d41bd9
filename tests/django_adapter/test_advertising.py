"""Advertising the endpoints: the template tags, @pingback_headers and the middleware."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template import Context, Template

from django_adapter.blog.models import Post
from django_adapter.blog.views import show_post_async
from django_pingback.middleware import PingbackHeadersMiddleware

PINGBACK = "http://testserver/blog/pingback/"
WEBMENTION = "http://testserver/blog/webmention/"


def render(source: str, request) -> str:
    return Template("{% load pingback %}" + source).render(Context({"request": request}))


def test_pingback_url_is_absolute(rf):
    assert render("{% pingback_url %}", rf.get("/")) == PINGBACK


def test_pingback_url_follows_the_request_scheme_and_host(rf):
    request = rf.get("/", secure=True, HTTP_HOST="localhost:8443")
    assert render("{% pingback_url %}", request) == "https://localhost:8443/blog/pingback/"


def test_pingback_link_is_a_link_element(rf):
    assert render("{% pingback_link %}", rf.get("/")) == f'<link rel="pingback" href="{PINGBACK}">'


def test_pingback_link_names_webmention_too_when_enabled(rf, settings):
    settings.PINGBACK_WEBMENTION = True
    assert render("{% pingback_link %}", rf.get("/")).splitlines() == [
        f'<link rel="pingback" href="{PINGBACK}">',
        f'<link rel="webmention" href="{WEBMENTION}">',
    ]


def test_webmention_url_is_absolute(rf):
    assert render("{% webmention_url %}", rf.get("/")) == WEBMENTION


def test_url_name_setting_is_read_at_render_time(rf, settings):
    settings.PINGBACK_URL_NAME = "webmention"
    assert render("{% pingback_url %}", rf.get("/")) == WEBMENTION


def test_tags_without_a_request_say_what_is_missing():
    with pytest.raises(ImproperlyConfigured, match="request"):
        Template("{% load pingback %}{% pingback_link %}").render(Context({}))


@pytest.mark.django_db
def test_post_page_advertises_in_markup_and_header(client):
    Post.objects.create(slug="hello", title="Hello")
    response = client.get("/blog/hello/")
    assert response["X-Pingback"] == PINGBACK
    assert f'<link rel="pingback" href="{PINGBACK}">' in response.content.decode()
    assert "Link" not in response


@pytest.mark.django_db
def test_post_page_adds_webmention_link_header_when_enabled(client, settings):
    settings.PINGBACK_WEBMENTION = True
    Post.objects.create(slug="hello", title="Hello")
    response = client.get("/blog/hello/")
    assert response["Link"] == f'<{WEBMENTION}>; rel="webmention"'


def test_decorator_keeps_an_async_view_async(rf):
    assert iscoroutinefunction(show_post_async)
    response = async_to_sync(show_post_async)(rf.get("/"), slug="x")
    assert response["X-Pingback"] == PINGBACK


def test_webmention_link_joins_an_existing_link_header(rf, settings):
    settings.PINGBACK_WEBMENTION = True
    middleware = PingbackHeadersMiddleware(
        lambda request: HttpResponse("<p>", headers={"Link": "</style.css>; rel=preload"})
    )
    response = middleware(rf.get("/"))
    assert response["Link"] == f'</style.css>; rel=preload, <{WEBMENTION}>; rel="webmention"'


def test_middleware_adds_headers_to_html_pages_only(rf):
    html = PingbackHeadersMiddleware(lambda request: HttpResponse("<p>hi</p>"))(rf.get("/"))
    text = PingbackHeadersMiddleware(lambda request: HttpResponse("hi", content_type="text/plain"))(
        rf.get("/")
    )
    missing = PingbackHeadersMiddleware(lambda request: HttpResponse("<p>", status=404))(
        rf.get("/")
    )
    assert html["X-Pingback"] == PINGBACK
    assert "X-Pingback" not in text
    assert "X-Pingback" not in missing
