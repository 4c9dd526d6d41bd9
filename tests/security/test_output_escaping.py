"""Markup in a source page reaches the site as plain text, and its pages escape it.

The title, the author and the excerpt are what a browser would display of the
source (entities decoded, tags not interpreted, scripts not text), so a
receiver gets ``<script>`` as seven characters of text. The Django admin, a
Django template and a Jinja template (Flask's) print them escaped.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import Client
from flask import Flask, render_template_string

from .network import PUBLIC_SOURCE, LoopbackServer, page
from .sites import Site

TITLE = '<script>alert("title")</script> A reply'
EXCERPT_MARKUP = ['<script>alert("excerpt")</script>', '"><img src=x onerror=alert(2)>']
QUOTED_AUTHOR = 'Robert "Bobby" O\'Hara & Sons'
# A source URL that would close an attribute and open a script, were it printed raw.
SOURCE_PATH = '/reply?x="><script>alert(5)</script>'


def hostile_page(target: str, author: str) -> str:
    return (
        "<!doctype html><html><head>"
        "<title>&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; A reply</title>"
        f'<meta name="author" content="{author}">'
        '</head><body><script>alert("raw")</script><article><p>'
        "Said &lt;script&gt;alert(&quot;excerpt&quot;)&lt;/script&gt; and "
        "&quot;&gt;&lt;img src=x onerror=alert(2)&gt; about "
        f'<a href="{target}">this &lt;b&gt;post&lt;/b&gt;</a>.</p></article></body></html>'
    )


@pytest.fixture
def hostile_source(
    servers: Callable[..., LoopbackServer], public: Callable[..., str]
) -> Callable[[Site, str], None]:
    def serve(site: Site, author: str) -> None:
        server = servers(default=page(hostile_page(site.target(), author)))
        public(server, PUBLIC_SOURCE)

    return serve


def assert_plain_text(ping: dict[str, Any]) -> None:
    assert ping["title"] == TITLE
    for markup in EXCERPT_MARKUP:
        assert markup in ping["excerpt"]
    assert "this <b>post</b>" in ping["excerpt"]
    assert 'alert("raw")' not in ping["excerpt"]  # a script's content is no text


def test_markup_in_the_source_reaches_the_signal_as_plain_text(
    site: Site, hostile_source: Callable[[Site, str], None]
) -> None:
    hostile_source(site, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
    assert site.ping(f"http://{PUBLIC_SOURCE}{SOURCE_PATH}").fault_code is None
    (ping,) = site.received
    assert_plain_text(ping)
    # A "name" made of markup is no name: the signal names the source's host instead.
    assert ping["author"] == PUBLIC_SOURCE
    assert ping["source_url"] == f"http://{PUBLIC_SOURCE}{SOURCE_PATH}"


def test_an_author_with_quotes_and_ampersands_arrives_as_written(
    site: Site, hostile_source: Callable[[Site, str], None]
) -> None:
    hostile_source(site, "Robert &quot;Bobby&quot; O&#39;Hara &amp; Sons")
    assert site.webmention(f"http://{PUBLIC_SOURCE}/reply").status == 200
    (ping,) = site.received
    assert ping["author"] == QUOTED_AUTHOR
    assert_plain_text(ping)


RECORD_TEMPLATE = (
    '<article><h2><a href="{{ ping.source_url }}">{{ ping.title }}</a></h2>'
    "<p>{{ ping.author }}: {{ ping.excerpt }}</p></article>"
)


def assert_escaped(html: str) -> None:
    """No markup from the source survives as markup; its text is there, escaped."""
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>post" not in html
    assert '"><script>' not in html
    assert "&lt;script&gt;alert(" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


@pytest.mark.parametrize("framework", ["django"])
def test_the_django_admin_and_templates_escape_a_stored_ping(
    start_site: Callable[..., Site], hostile_source: Callable[[Site, str], None]
) -> None:
    from django_pingback.storage.models import Pingback

    site = start_site()
    hostile_source(site, "Robert &quot;Bobby&quot; O&#39;Hara &amp; Sons")
    assert site.ping(f"http://{PUBLIC_SOURCE}{SOURCE_PATH}").fault_code is None
    stored = Pingback.objects.get()
    assert (stored.title, stored.author) == (TITLE, QUOTED_AUTHOR)

    client = Client()
    client.force_login(User.objects.create_superuser("moderator", "m@blog.example", "pw"))
    changelist = client.get("/admin/pingback_storage/pingback/").content.decode()
    with warnings.catch_warnings():
        # Django 5's forms.URLField warns that its default scheme changes in Django 6,
        # and the storage admin's change form builds one: not what this test is about.
        warnings.filterwarnings("ignore", message="The default scheme will be changed")
        response = client.get(f"/admin/pingback_storage/pingback/{stored.pk}/change/")
    change = response.content.decode()
    # The list shows the source URL and the author; the form every field.
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in changelist
    assert "Robert &quot;Bobby&quot; O&#x27;Hara &amp; Sons" in changelist
    assert "<script>alert" not in changelist
    assert_escaped(change)

    rendered = Template(RECORD_TEMPLATE).render(Context({"ping": stored}))
    assert_escaped(rendered)
    assert "O&#x27;Hara &amp; Sons" in rendered


@pytest.mark.parametrize("framework", ["flask"])
def test_a_jinja_template_escapes_a_received_ping(
    start_site: Callable[..., Site], hostile_source: Callable[[Site, str], None]
) -> None:
    site = start_site()
    hostile_source(site, "Robert &quot;Bobby&quot; O&#39;Hara &amp; Sons")
    assert site.ping(f"http://{PUBLIC_SOURCE}{SOURCE_PATH}").fault_code is None
    (ping,) = site.received
    with Flask(__name__).app_context():
        rendered = render_template_string(RECORD_TEMPLATE, ping=ping)
    assert_escaped(rendered)
    assert "O&#39;Hara &amp; Sons" in rendered
