"""parse_source: which links count, the target's other spellings, the title and clean text."""

from __future__ import annotations

import pytest

from pingcore.errors import SourceHasNoLink
from pingcore.links import external_urls
from pingcore.source import SourceInfo, parse_source

SOURCE = "https://source.example/2024/05/post"
TARGET = "https://target.example/article"
LINK = f'<a href="{TARGET}">the article</a>'

# The spellings tests/core/test_links.py keeps from being pinged: refused here alike.
HIDING = {
    "css comment": '<span style="display:/**/none">{link}</span>',
    "css escape": '<span style="display: n\\6f ne">{link}</span>',
    "upper case important": '<span style="DISPLAY: NONE !important">{link}</span>',
    "visibility hidden": '<div style="visibility: hidden">{link}</div>',
    "visibility collapse": '<table><tr style="visibility:collapse"><td>{link}</td></tr></table>',
    "closed dialog": "<dialog><p>{link}</p></dialog>",
    "empty anchor": '<a href="{url}"></a>',
    "anchor of spaces": '<a href="{url}">  <span> </span></a>',
    "unused image map": '<map name="m"><area href="{url}" alt="x"></map>',
}


@pytest.fixture(params=["lxml", "html5lib"])
def parser(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def parse(html: str, parser: str = "lxml", **options: object) -> SourceInfo:
    return parse_source(html, SOURCE, TARGET, parser=parser, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("spelling", sorted(HIDING))
def test_a_link_readers_cannot_see_does_not_verify_a_ping(spelling: str, parser: str) -> None:
    html = HIDING[spelling].format(link=LINK, url=TARGET)
    with pytest.raises(SourceHasNoLink, match="only where readers cannot see it"):
        parse(f"<div><p>Text.</p>{html}</div>", parser)


@pytest.mark.parametrize("spelling", sorted(HIDING))
def test_sending_and_receiving_agree_on_every_hidden_link(spelling: str) -> None:
    html = HIDING[spelling].format(link=LINK, url=TARGET)
    assert external_urls(f"<div>{html}</div>", "https://source.example/") == []


def test_a_hidden_reply_property_of_an_h_entry_verifies_a_ping(parser: str) -> None:
    html = (
        '<article class="h-entry"><a class="u-in-reply-to" href="'
        f'{TARGET}" hidden></a><p class="e-content">I agree with this.</p></article>'
    )
    assert parse(html, parser).excerpt == "I agree with this."
    for prop in ("u-like-of", "u-repost-of", "u-bookmark-of", "u-quotation-of"):
        html = (
            f'<div class="h-entry"><span style="display:none"><a class="{prop}"'
            f' href="{TARGET}">x</a></span></div>'
        )
        assert parse(html, parser).link_text == "x"


def test_a_hidden_reply_property_outside_an_h_entry_does_not(parser: str) -> None:
    html = f'<div><a class="u-in-reply-to" href="{TARGET}" hidden>x</a></div>'
    with pytest.raises(SourceHasNoLink):
        parse(html, parser)


def test_a_link_to_an_alias_of_the_target_counts(parser: str) -> None:
    html = '<p>Read <a href="https://target.example/canonical/">the post</a>.</p>'
    with pytest.raises(SourceHasNoLink):
        parse(html, parser)
    info = parse(html, parser, target_aliases=["https://target.example/canonical/"])
    assert (info.target_url, info.link_text) == (TARGET, "the post")


def test_the_excerpt_is_taken_around_the_first_link_to_any_spelling(parser: str) -> None:
    html = f'<p>First <a href="https://target.example/as-sent">as sent</a>.</p><p>Then {LINK}.</p>'
    info = parse(html, parser, target_aliases=["https://target.example/as-sent"])
    assert info.excerpt == "First as sent."


def test_an_alias_that_is_not_http_is_refused() -> None:
    with pytest.raises(ValueError, match="target_aliases"):
        parse(f"<p>{LINK}</p>", target_aliases=["javascript:alert(1)"])


def test_the_title_is_cut_at_a_word_to_two_hundred_characters(parser: str) -> None:
    title = "word " * 100
    info = parse(f"<title>{title}</title><p>{LINK}</p>", parser)
    assert len(info.title) <= 200
    assert info.title.endswith("word…")


def test_a_title_of_a_megabyte_reaches_no_one_whole() -> None:
    assert len(parse(f"<title>{'x' * 900_000} y</title><p>{LINK}</p>").title) <= 200


def test_og_title_comes_before_headings(parser: str) -> None:
    html = f'<meta property="og:title" content="The og title"><h1>A heading</h1><p>{LINK}</p>'
    assert parse(html, parser).title == "The og title"


def test_an_h_entry_without_title_takes_its_own_name_not_its_authors(parser: str) -> None:
    author = '<a class="p-author h-card" href="/"><span class="p-name">Grace Hopper</span></a>'
    html = f'<article class="h-entry">{author}<p>{LINK}</p></article>'
    info = parse(html, parser)
    assert (info.title, info.author) == ("", "Grace Hopper")
    html = (
        f'<article class="h-entry">{author}<h2 class="p-name">On bugs</h2><p>{LINK}</p></article>'
    )
    assert parse(html, parser).title == "On bugs"


def test_format_characters_never_reach_title_author_or_excerpt(parser: str) -> None:
    html = (
        "<title>Invoice \u202egpj.exe</title>"
        '<p class="byline">By Ja\u200bne Doe\u2066</p>'
        f'<p>Pay\u00ad this <a href="{TARGET}">in\u200bvoice\u202e</a> now.</p>'
    )
    info = parse(html, parser)
    assert info.title == "Invoice gpj.exe"
    assert info.author == "Jane Doe"
    assert info.excerpt == "Pay this invoice now."
    assert info.link_text == "invoice"
