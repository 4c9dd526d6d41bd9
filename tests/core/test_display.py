"""pingcore.display: stored mentions grouped for a page, with every URL and the HTML made safe."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pingcore.display import clean_content_html, display_mentions, safe_url
from pingcore.storage import StoredMention

DAY = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def stored(source: str, kind: str = "mention", **fields: object) -> StoredMention:
    values: dict[str, object] = {
        "source_url": source,
        "target_url": "http://blog.example/posts/hello/",
        "protocol": "webmention",
        "title": "A post",
        "author": "Ann",
        "excerpt": "…the excerpt…",
        "approved": True,
        "kind": kind,
        **fields,
    }
    return StoredMention(**values)  # type: ignore[arg-type]


def test_replies_quotes_rsvps_and_mentions_are_comments_and_the_rest_are_facepiles() -> None:
    kinds = ["reply", "like", "repost", "bookmark", "rsvp", "quote", "mention", "like"]
    shown = display_mentions(stored(f"http://{n}.example/", k) for n, k in enumerate(kinds))

    assert sorted(m.kind for m in shown.comments) == ["mention", "quote", "reply", "rsvp"]
    assert [(pile.kind, pile.count, pile.label) for pile in shown.facepiles] == [
        ("like", 2, "likes"),
        ("repost", 1, "repost"),
        ("bookmark", 1, "bookmark"),
    ]
    assert shown.count == 8


def test_comments_read_oldest_first_with_undated_ones_last() -> None:
    in_tokyo = timezone(timedelta(hours=9))
    shown = display_mentions(
        [
            stored("http://undated.example/"),
            stored("http://late.example/", published=DAY),
            # Earlier as an instant, though later on its own clock.
            stored(
                "http://early.example/", published=DAY.astimezone(in_tokyo) - timedelta(hours=1)
            ),
        ]
    )

    assert [m.source_url for m in shown.comments] == [
        "http://early.example/",
        "http://late.example/",
        "http://undated.example/",
    ]


def test_a_mention_without_a_date_of_its_own_is_dated_when_it_was_received() -> None:
    (shown,) = display_mentions([stored("http://a.example/", created_at=DAY)]).comments

    assert shown.published == DAY


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:image/png;base64,AAAA", "//cdn.example/me.jpg", "/me.jpg", ""],
)
def test_only_absolute_http_urls_are_safe(url: str) -> None:
    assert safe_url(url) is None


def test_an_http_url_is_safe_as_it_is() -> None:
    assert safe_url("https://ann.example/me.jpg") == "https://ann.example/me.jpg"


def test_unsafe_author_urls_and_photos_are_dropped_and_the_entry_links_to_the_source() -> None:
    (shown,) = display_mentions(
        [
            stored(
                "http://a.example/post/",
                author_url="javascript:alert(1)",
                author_photo="data:image/svg+xml,<svg onload=alert(2)>",
                url="javascript:alert(3)",
            )
        ]
    ).comments

    assert (shown.author_url, shown.author_photo) == (None, None)
    assert shown.entry_url == "http://a.example/post/"


def test_scripts_styles_event_attributes_and_javascript_links_are_cleaned_out() -> None:
    html = clean_content_html(
        '<p onclick="alert(1)" style="color:red">Hi <script>alert(2)</script>'
        '<style>p{}</style><a href="javascript:alert(3)">x</a> '
        '<img src="http://a.example/t.gif"><iframe src="http://a.example/"></iframe>'
        '<a href="https://ok.example/" target="_blank">ok</a></p>'
    )

    assert html == (
        '<p>Hi <a rel="nofollow noopener noreferrer ugc">x</a> '
        '<a href="https://ok.example/" rel="nofollow noopener noreferrer ugc">ok</a></p>'
    )


def test_text_markup_survives_cleaning() -> None:
    html = "<p><strong>a</strong> <em>b</em> <code>c</code></p><blockquote>d</blockquote>"

    assert clean_content_html(html) == html


def test_without_html_the_text_is_shown_and_without_text_the_excerpt() -> None:
    with_text, with_excerpt = display_mentions(
        [
            stored("http://a.example/", content_text="Plain words", published=DAY),
            stored("http://b.example/", published=DAY + timedelta(hours=1)),
        ]
    ).comments

    assert (with_text.content_html, with_text.content_text) == ("", "Plain words")
    assert with_excerpt.content_text == "…the excerpt…"


def test_a_mention_with_no_author_name_shows_its_source_host() -> None:
    (shown,) = display_mentions([stored("http://a.example/post/", author="")]).comments

    assert shown.author == "a.example"
