"""read_mention: the kind, author, dates and content a source page gives of its response."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from pingcore import Mention, read_mention
from pingcore.htmltree import parse_html
from pingcore.mention import (
    _FORMAT_CHARACTERS,
    MAX_CONTENT_HTML,
    MAX_CONTENT_TEXT,
    MAX_SYNDICATION,
    clean_text,
    parse_datetime,
    sanitize_html,
)
from pingcore.microformats import MAX_ITEM_DEPTH, parse_microformats

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mentions"
SOURCE = "https://source.example/post"
TARGET = "https://target.example/article"


@pytest.fixture(params=["lxml", "html5lib"])
def parser(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def mention_of(html: str | bytes, parser: str = "lxml", target: str = TARGET) -> Mention:
    return read_mention(parse_html(html, parser), SOURCE, target)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text("utf-8")


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """A hang guard, not a speed test: a quadratic or endless read blows through it."""
    start = time.perf_counter()
    yield
    assert time.perf_counter() - start < seconds


# --- kinds -------------------------------------------------------------------------


def test_reply_reads_every_field_of_the_entry(parser: str) -> None:
    mention = mention_of(fixture("reply.html"), parser)
    assert mention.kind == "reply"
    assert mention.rsvp is None
    assert mention.author_name == "Ana Lima"
    assert mention.author_url == "https://source.example/about"
    assert mention.author_photo == "https://source.example/me.jpg"
    assert mention.published == datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert mention.updated == datetime(2024, 3, 6, 10, 0, tzinfo=timezone.utc)
    assert mention.url == "https://source.example/replies/1"
    assert mention.content_text == "I agree; see my notes and a chart ."
    assert mention.syndication == ("https://social.example/@ana/1",)


def test_reply_content_keeps_its_markup_with_absolute_urls(parser: str) -> None:
    html = mention_of(fixture("reply.html"), parser).content_html
    assert "<em>agree</em>" in html
    assert 'href="https://source.example/notes/2"' in html
    assert 'src="https://source.example/pics/chart.png"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html


@pytest.mark.parametrize(
    ("page", "kind"),
    [("like.html", "like"), ("repost.html", "repost"), ("bookmark.html", "bookmark")]
    + [("quotation.html", "quote"), ("reply-context.html", "reply")],
)
def test_a_response_property_naming_the_target_gives_the_kind(
    page: str, kind: str, parser: str
) -> None:
    assert mention_of(fixture(page), parser).kind == kind


@pytest.mark.parametrize("value", ["yes", "no", "maybe", "interested"])
def test_rsvp_replying_to_the_target_carries_its_value(value: str) -> None:
    mention = mention_of(fixture("rsvp.html").replace("RSVP_VALUE", value.upper()))
    assert (mention.kind, mention.rsvp) == ("rsvp", value)


def test_rsvp_with_an_unknown_value_is_a_plain_reply() -> None:
    mention = mention_of(fixture("rsvp.html").replace("RSVP_VALUE", "perhaps"))
    assert (mention.kind, mention.rsvp) == ("reply", None)


def test_rsvp_to_another_event_is_a_mention_without_a_value() -> None:
    page = fixture("rsvp.html").replace("RSVP_VALUE", "yes")
    mention = mention_of(page, target="https://target.example/other-event")
    assert (mention.kind, mention.rsvp) == ("mention", None)


def test_a_like_of_another_site_is_a_mention() -> None:
    assert mention_of(fixture("like-elsewhere.html")).kind == "mention"


def test_target_compares_in_normal_form() -> None:
    page = fixture("like.html").replace(TARGET, "HTTPS://Target.Example:443/article#frag")
    assert mention_of(page).kind == "like"


def test_a_plain_link_is_a_mention() -> None:
    page = f'<div class="h-entry"><p class="e-content">See <a href="{TARGET}">it</a></p></div>'
    mention = mention_of(page)
    assert mention.kind == "mention"
    assert mention.content_text == "See it"


# --- which entry ----------------------------------------------------------------------


def test_the_entry_holding_the_link_is_read_not_the_first(parser: str) -> None:
    mention = mention_of(fixture("feed.html"), parser)
    assert mention.kind == "reply"
    assert mention.url == "https://source.example/second"


def test_without_a_link_in_any_entry_the_first_top_level_entry_is_read() -> None:
    mention = mention_of(fixture("feed.html"), target="https://nowhere.example/")
    assert mention.url is None  # the feed itself is the first top-level item, not an entry
    page = '<div class="h-entry"><a class="u-url" href="/a">a</a></div><div class="h-entry"></div>'
    assert mention_of(page, target="https://nowhere.example/").url == "https://source.example/a"


def test_a_hidden_link_does_not_choose_the_entry() -> None:
    page = (
        '<div class="h-entry"><a class="u-url" href="/one">1</a></div>'
        f'<div class="h-entry"><a class="u-url" href="/two">2</a>'
        f'<a hidden href="{TARGET}">x</a></div>'
    )
    assert mention_of(page).url == "https://source.example/one"


# --- authorship -------------------------------------------------------------------------


def test_author_is_the_entry_author_h_card(parser: str) -> None:
    mention = mention_of(fixture("reply.html"), parser)
    assert (mention.author_name, mention.author_url) == ("Ana Lima", "https://source.example/about")


def test_author_url_is_matched_with_an_h_card_of_the_page(parser: str) -> None:
    mention = mention_of(fixture("author-url.html"), parser)
    assert mention.author_name == "Bo Berg"
    assert mention.author_url == "https://source.example/people/bo"
    assert mention.author_photo == "https://source.example/bo.png"


def test_author_url_without_an_h_card_gives_the_url_alone() -> None:
    mention = mention_of(fixture("author-url-only.html"))
    assert (mention.author_name, mention.author_url, mention.author_photo) == (
        None,
        "https://cy.example/",
        None,
    )


def test_author_of_an_entry_in_a_feed_is_the_feeds_author() -> None:
    mention = mention_of(fixture("feed.html"))
    assert (mention.author_name, mention.author_url) == (
        "Feed Author",
        "https://feed-author.example/",
    )


def test_rel_author_names_the_author(parser: str) -> None:
    mention = mention_of(fixture("rel-author.html"), parser)
    assert (mention.author_name, mention.author_url) == ("Dee Dahl", "https://source.example/dee")


def test_representative_h_card_is_the_last_resort(parser: str) -> None:
    mention = mention_of(fixture("representative-card.html"), parser)
    assert mention.author_name == "Eve Ek"
    assert mention.author_photo == "https://source.example/eve.jpg"


def test_author_given_as_a_name_alone() -> None:
    page = '<div class="h-entry"><span class="p-author">  Ida\u200b  Ito </span></div>'
    mention = mention_of(page)
    assert (mention.author_name, mention.author_url) == ("Ida Ito", None)


def test_no_author_anywhere_gives_none() -> None:
    mention = mention_of('<div class="h-entry"><p class="p-name">Untitled</p></div>')
    assert (mention.author_name, mention.author_url, mention.author_photo) == (None, None, None)


# --- fallbacks --------------------------------------------------------------------------


def test_json_ld_fills_the_mention_without_microformats(parser: str) -> None:
    mention = mention_of(fixture("json-ld.html"), parser)
    minus_five = timezone(timedelta(hours=-5))
    assert mention.kind == "mention"
    assert mention.author_name == "Fay Fox"
    assert mention.author_url == "https://source.example/fay"
    assert mention.author_photo == "https://source.example/fay.jpg"
    assert mention.published == datetime(2024, 2, 1, 8, 0, tzinfo=minus_five)
    assert mention.updated == datetime(2024, 2, 2, 8, 0, tzinfo=minus_five)
    assert mention.url == "https://source.example/on-the-article"
    assert mention.content_text == "A long body text."
    assert mention.content_html == ""


def test_json_ld_graph_prefers_the_article_and_follows_the_author_reference() -> None:
    mention = mention_of(fixture("json-ld-graph.html"))
    assert mention.published == datetime(2024, 4, 1, 10, 0, tzinfo=timezone.utc)
    assert mention.author_name == "Hana Holm"
    assert mention.author_url == "https://source.example/author/hana"
    assert mention.author_photo == "https://source.example/hana.jpg"
    assert mention.content_text == "What the post is about."


def test_opengraph_fills_what_it_can(parser: str) -> None:
    mention = mention_of(fixture("opengraph.html"), parser)
    assert mention.published == datetime(2024, 1, 10, 12, 0, tzinfo=timezone.utc)
    assert mention.updated == datetime(2024, 1, 11, 12, 0, tzinfo=timezone.utc)
    assert mention.url == "https://source.example/canonical"
    assert mention.author_url == "https://gus.example/"
    assert mention.author_photo is None  # og:image shows the post, not its author


def test_opengraph_author_that_is_not_a_url_is_ignored() -> None:
    page = '<meta property="article:author" content="Gus Gray"><p>hi</p>'
    assert mention_of(page) == Mention()


def test_broken_json_ld_is_skipped() -> None:
    page = (
        '<script type="application/ld+json">{"@type": "BlogPosting", oops</script>'
        '<script type="application/ld+json">[[[[[[[[[[[[[[[[[[[[[[[[</script>'
        '<meta property="og:url" content="https://source.example/og">'
    )
    assert mention_of(page) == Mention(url="https://source.example/og")


def test_json_ld_nested_deeper_than_python_recurses_is_skipped() -> None:
    page = f'<script type="application/ld+json">{"[" * 100_000}{"]" * 100_000}</script>'
    assert mention_of(page) == Mention()


def test_a_page_without_any_metadata_is_a_bare_mention() -> None:
    assert mention_of(f'<p><a href="{TARGET}">x</a></p>') == Mention()


# --- hostile pages ------------------------------------------------------------------------


def test_hostile_entry_gives_none_or_safe_values(parser: str) -> None:
    mention = mention_of(fixture("hostile-content.html"), parser)
    assert mention.author_name == "Hal"
    assert mention.author_photo is None
    assert mention.published is None
    assert mention.updated is None
    assert mention.url is None
    html = mention.content_html
    for unsafe in ("script", "style", "onclick", "onerror", "onmouseover", "javascript:"):
        assert unsafe not in html
    assert "data:" not in html and "iframe" not in html
    assert "<b>there</b>" in html
    assert 'src="https://source.example/x.png"' in html


def test_ten_thousand_nested_h_cards_read_in_linear_time() -> None:
    # libxml2 refuses pages nested this deep, so build the tree as a DOM would.
    root = etree.Element("html")
    body = etree.SubElement(root, "body")
    entry = etree.SubElement(body, "div", {"class": "h-entry"})
    node = etree.SubElement(entry, "div", {"class": "p-author h-card"})
    for _ in range(10_000):
        node = etree.SubElement(node, "div", {"class": "p-author h-card"})
        node.text = "x"
    link = etree.SubElement(node, "a", {"href": TARGET})
    link.text = "the article"
    with within(20):
        mention = read_mention(root, SOURCE, TARGET)
    assert mention.kind == "mention"
    # The outer card's only p- property is the card inside it: mf2 implies no name.
    assert mention.author_name is None


def test_microformats_nested_past_the_limit_are_dropped() -> None:
    root = etree.Element("html")
    node = etree.SubElement(root, "div", {"class": "h-entry"})
    for _ in range(MAX_ITEM_DEPTH + 10):
        node = etree.SubElement(node, "div", {"class": "h-card"})
    page = parse_microformats(root, SOURCE)
    assert len(page.items) == 1
    depth, item = 0, page.items[0]
    while item.get("children"):
        item, depth = item["children"][0], depth + 1
    assert depth == MAX_ITEM_DEPTH


def test_deeply_nested_h_cards_from_html_parse_quickly(parser: str) -> None:
    depth = 200 if parser == "html5lib" else 2000
    html = '<div class="h-entry">' + '<div class="p-author h-card">x' * depth + "</div>" * depth
    with within(20):
        mention = mention_of(html + f'<a href="{TARGET}">t</a></div>', parser)
    assert (mention.kind, mention.author_name) == ("mention", None)


def test_ten_megabytes_of_content_are_capped_quickly() -> None:
    paragraph = "<p>Words <b>and</b> more words, " + "x" * 80 + ".</p>\n"
    body = paragraph * (10_000_000 // len(paragraph))
    html = f'<div class="h-entry"><div class="e-content">{body}</div></div>'
    with within(30):
        mention = mention_of(html)
    assert 0 < len(mention.content_html) <= MAX_CONTENT_HTML
    assert mention.content_html.endswith("</p>")
    assert 0 < len(mention.content_text) <= MAX_CONTENT_TEXT
    assert mention.content_text.endswith("…")


def test_one_ten_megabyte_text_node_is_capped_quickly() -> None:
    html = '<div class="h-entry"><p class="e-content">' + "word " * 2_000_000 + "</p></div>"
    with within(30):
        mention = mention_of(html)
    assert len(mention.content_html) <= MAX_CONTENT_HTML
    assert len(mention.content_text) <= MAX_CONTENT_TEXT


def test_nested_e_content_cannot_read_the_page_over_and_over() -> None:
    depth = 1500
    html = '<div class="h-entry">' + '<div class="e-content">' * depth + "y " * 500_000
    with within(30):
        mention = mention_of(html + "</div>" * depth + "</div>")
    assert len(mention.content_html) <= MAX_CONTENT_HTML


def test_syndication_links_are_bounded() -> None:
    links = "".join(
        f'<a class="u-syndication" href="https://s{i}.example/">s</a>' for i in range(99)
    )
    mention = mention_of(f'<div class="h-entry">{links}</div>')
    assert len(mention.syndication) == MAX_SYNDICATION
    assert mention.syndication[0] == "https://s0.example/"


# --- the pieces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024-03-05T09:30:00+01:00",
            datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        ),
        (
            "2024-03-05 09:30-0800",
            datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=-8))),
        ),
        (
            "2024-03-05T09:30:00.123456789Z",
            datetime(2024, 3, 5, 9, 30, 0, 123456, tzinfo=timezone.utc),
        ),
        ("2024-03-05T9:30Z", datetime(2024, 3, 5, 9, 30, tzinfo=timezone.utc)),
    ],
)
def test_datetime_with_an_offset_is_read_aware(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    "text",
    ["yesterday", "99999-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-01T25:00Z"]
    + ["2024-01-01T00:00:00+24:00", "2024-03-05T09:30:00", "2024-03-05", "", "x" * 10_000],
)
def test_datetime_that_is_not_a_moment_is_none(text: str) -> None:
    assert parse_datetime(text) is None


def test_dt_published_without_offset_is_none() -> None:
    page = '<div class="h-entry"><time class="dt-published" datetime="2024-03-05T09:30">x</time>'
    assert mention_of(page).published is None


def test_dt_published_by_value_class_pattern() -> None:
    page = (
        '<div class="h-entry"><span class="dt-published"><span class="value">2024-03-05</span>'
        ' at <span class="value">9:30pm</span><span class="value">-05:00</span></span></div>'
    )
    expected = datetime(2024, 3, 5, 21, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert mention_of(page).published == expected


def test_format_characters_are_exactly_unicodes_category_cf() -> None:
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    cf = {char for char in everything if unicodedata.category(char) == "Cf"}
    assert set(_FORMAT_CHARACTERS.findall(everything)) == cf


def test_clean_text_collapses_strips_and_cuts_at_a_word() -> None:
    assert clean_text(" a\u202e\n\t b\u200d ", 100) == "a b"
    cut = clean_text("word " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("word…")


def test_sanitize_drops_what_is_not_on_the_allow_list() -> None:
    html = (
        '<div><p style="x" onclick="y">a</p><svg><script>z</script></svg>'
        '<img src="//cdn.example/i.png"><a href="#top">top</a><form><input></form></div>'
    )
    assert sanitize_html(html, SOURCE) == (
        '<p>a</p><img src="https://cdn.example/i.png">'
        '<a href="https://source.example/post#top" rel="nofollow ugc noopener noreferrer">top</a>'
    )


def test_sanitize_cut_never_leaves_a_tag_open() -> None:
    html = "<p>" + "<b>bold</b> &amp; " * 20_000 + "</p>"
    cleaned = sanitize_html(html, SOURCE)
    assert len(cleaned) <= MAX_CONTENT_HTML
    assert cleaned.endswith("</p>")
    assert cleaned.count("<b>") == cleaned.count("</b>")
