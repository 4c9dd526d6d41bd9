"""{% mentions %}: a page's approved mentions, grouped by kind, escaped everywhere."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from django_pingback.storage.models import Pingback

TARGET = "http://testserver/blog/hello/"


def add(source: str, **fields: object) -> Pingback:
    values: dict[str, object] = {
        "target_url": TARGET,
        "protocol": "webmention",
        "approved": True,
        "author": "Ann",
        **fields,
    }
    return Pingback.objects.create(source_url=source, **values)


def render(obj_or_url: object) -> str:
    template = Template("{% load pingback %}{% mentions page %}")
    request = RequestFactory().get("/blog/hello/")
    return template.render(RequestContext(request, {"page": obj_or_url}))


class Page:
    def get_absolute_url(self) -> str:
        return "/blog/hello/"


@pytest.mark.django_db
def test_replies_show_as_comments_with_author_photo_date_and_content(settings):
    settings.TIME_ZONE = "UTC"
    add(
        "http://ann.example/reply/",
        kind="reply",
        author_url="http://ann.example/",
        author_photo="http://ann.example/me.jpg",
        published=datetime(2026, 11, 30, 9, 15, tzinfo=timezone.utc),
        content_html="<p>Great <em>post</em></p>",
    )

    html = render(TARGET)

    assert '<li class="mention mention-reply">' in html
    assert '<a href="http://ann.example/" rel="nofollow ugc">Ann</a>' in html
    assert '<img src="http://ann.example/me.jpg"' in html
    assert '<time datetime="2026-11-30T09:15:00+00:00">' in html
    assert "<p>Great <em>post</em></p>" in html


@pytest.mark.django_db
def test_likes_reposts_and_bookmarks_show_as_facepiles_with_counts():
    for number in range(3):
        add(f"http://fan{number}.example/like/", kind="like", author=f"Fan {number}")
    add("http://b.example/repost/", kind="repost", author="Bea")
    add("http://c.example/mention/", kind="mention", content_text="Saw this")

    html = render(TARGET)

    assert "3 likes" in html
    assert "1 repost" in html and "1 reposts" not in html
    assert html.count('class="mention mention-') == 1
    assert "<p>Saw this</p>" in html


@pytest.mark.django_db
def test_an_object_is_found_by_its_absolute_url_and_only_approved_mentions_show():
    add("http://ann.example/", content_text="Approved words")
    add("http://spam.example/", approved=False, content_text="Waiting words")
    add("http://else.example/", target_url="http://testserver/blog/other/", content_text="Other")

    html = render(Page())

    assert "Approved words" in html
    assert "Waiting words" not in html and "Other" not in html


@pytest.mark.django_db
def test_a_page_without_approved_mentions_renders_nothing():
    add("http://spam.example/", approved=False)

    assert render(TARGET).strip() == ""


@pytest.mark.django_db
def test_hostile_names_photos_and_content_are_made_harmless():
    add(
        "http://evil.example/reply/",
        kind="reply",
        author='<script>alert("name")</script>',
        author_url="javascript:alert(1)",
        author_photo="javascript:alert(2)",
        url="javascript:alert(3)",
        content_html=(
            '<p onclick="alert(4)">Hi<script>alert(5)</script>'
            '<a href="javascript:alert(6)">x</a><img src=x onerror=alert(7)>'
            '<style>body{display:none}</style><a href="http://ok.example/">ok</a></p>'
        ),
    )
    add(
        "http://evil.example/like/",
        kind="like",
        author='"><img src=x onerror=alert(8)>',
        author_photo="javascript:alert(9)",
    )

    html = render(TARGET)

    assert "<script" not in html and "javascript:" not in html
    assert "onclick" not in html and "alert(7)" not in html and "<style" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x" in html
    assert '<a href="http://ok.example/" rel="nofollow noopener noreferrer ugc">ok</a>' in html
    # The entry's own URL was not http(s): the link goes to the source instead.
    assert 'href="http://evil.example/reply/"' in html


@pytest.mark.django_db
def test_a_path_without_a_request_in_the_context_is_a_clear_error():
    with pytest.raises(ImproperlyConfigured, match="render the template with the request"):
        Template("{% load pingback %}{% mentions page %}").render(Context({"page": Page()}))


@pytest.mark.django_db
def test_the_template_can_be_overridden_by_the_site(settings, tmp_path):
    override = tmp_path / "django_pingback"
    override.mkdir()
    (override / "mentions.html").write_text("{{ mentions.count }} mentions, the site's way")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    add("http://ann.example/")

    assert render(TARGET) == "1 mentions, the site's way"
