"""parse_source's author: a person, never the site, its publisher, an agency or a desk."""

from __future__ import annotations

import json

import pytest

from pingcore.htmltree import parse_html
from pingcore.source import parse_source
from pingcore.source.author import find_author
from pingcore.source.link import find_link

TARGET = "https://target.example/article"
LINK = f'<a href="{TARGET}">the article</a>'


@pytest.fixture(params=["lxml", "html5lib"])
def parser(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def author_of(
    html: str, parser: str = "lxml", source: str = "https://news.example/a"
) -> str | None:
    return parse_source(html, source, TARGET, parser=parser).author


def json_ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(
    "byline",
    [
        "Reuters",
        "dpa",
        "dpa/AFP",
        "Associated Press",
        "Redaktion",
        "Redaktion MSM",
        "Kulu Media News Desk",
        "Nature Editorial",
        "SPIEGEL ONLINE",
        "The Planetary Press",
        "Wikimedia Foundation",
        "Contributors to Wikimedia projects",
        "Letters To The Editor",
    ],
)
def test_an_agency_a_desk_or_a_publication_is_no_author(byline: str, parser: str) -> None:
    html = f'<article><p class="byline">By {byline}</p><p>{LINK}</p></article>'
    assert author_of(html, parser) is None


def test_the_sites_own_name_is_no_author(parser: str) -> None:
    html = (
        '<meta property="og:site_name" content="Daily Planet">'
        f'<article><p class="byline">By Daily Planet</p><p>{LINK}</p></article>'
    )
    assert author_of(html, parser) is None


def test_the_host_as_an_acronym_is_no_author(parser: str) -> None:
    html = f'<article><p class="byline">NDR</p><p>{LINK}</p></article>'
    assert author_of(html, parser, source="https://www.ndr.de/a") is None
    html = f'<article><p class="byline">Deutsche Welle</p><p>{LINK}</p></article>'
    assert author_of(html, parser, source="https://www.dw.com/a") is None
    assert author_of(html, parser, source="https://elsewhere.example/a") == "Deutsche Welle"


def test_a_person_the_page_marks_may_share_the_sites_name(parser: str) -> None:
    # A personal site is often named after its author.
    html = (
        '<meta property="og:site_name" content="Jane Doe">'
        '<article class="h-entry"><a class="p-author h-card" href="/">Jane Doe</a>'
        f"<p>{LINK}</p></article>"
    )
    assert author_of(html, parser) == "Jane Doe"


def test_an_organisation_in_json_ld_is_no_author_but_a_person_is() -> None:
    page = f"<p>{LINK}</p>"
    organisation = {"@type": "NewsArticle", "author": {"@type": "Organization", "name": "ACME"}}
    assert author_of(json_ld(organisation) + page) is None
    person = {"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane Doe"}}
    assert author_of(json_ld(person) + page) == "Jane Doe"
    owner = {"@type": "BlogPosting", "author": {"@type": ["Person", "Organization"], "name": "Jo"}}
    assert author_of(json_ld(owner) + page) == "Jo"


def test_the_publisher_in_json_ld_names_no_author(parser: str) -> None:
    data = {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Big News"}}
    html = json_ld(data) + f'<article><p class="byline">Big News</p><p>{LINK}</p></article>'
    assert author_of(html, parser) is None


@pytest.mark.parametrize(
    "signature",
    [
        "<p>Von Jane Doe</p>",
        '<p><em>Written by: <a href="https://other.example/">Jane Doe</a></em></p>',
        '<div class="meta">posted by Jane Doe at 12:53</div>',
        "<ul><li><strong>Author</strong> Jane Doe</li></ul>",
        '<div class="info">Views: 1120 | Added by: <a href="/u/1">Jane Doe</a> | Tags</div>',
        '<div class="entry-footer"><span>Jane Doe </span> | 29.07.2006 um 14:26</div>',
        "<p><em>Autor: Jane DOE, Landesanstalt für Landwirtschaft</em></p>",
    ],
)
def test_a_byline_or_signature_in_words_names_the_author(signature: str, parser: str) -> None:
    html = f'<article class="post"><p>Some text about {LINK}.</p>{signature}</article>'
    assert author_of(html, parser) == "Jane Doe"


@pytest.mark.parametrize(
    "line",
    [
        "<p>I sat on a chair by Eames all day.</p>",
        "<p>Die neue <a href='/k'>Kollektion</a> von Barbour, passend dazu ein Hut.</p>",
        "<p>Photo by Jane Doe</p>",
        "<p>Übersetzt von Jane Doe</p>",
        "<footer><p>Theme by Jane Doe</p></footer>",
        "<p> von Jane Doe und John Roe ist nun im Handel erschienen.</p>",
    ],
)
def test_a_translator_a_photographer_or_prose_names_no_author(line: str, parser: str) -> None:
    html = f"<article><p>Some text about {LINK}.</p>{line}</article>"
    assert author_of(html, parser) is None


def test_a_login_name_counts_where_the_page_marks_it_as_the_authors(parser: str) -> None:
    html = (
        '<article><span class="by-author">von <span class="author vcard"><a class="url fn n"'
        ' href="https://blog.example/author/bjoern01/" rel="author">bjoern01</a></span></span>'
        f"<p>{LINK}</p></article>"
    )
    assert author_of(html, parser) == "bjoern01"
    saved = '<div class="submitted">Saved by <span class="username">rasos</span></div>'
    html = f"<article>{saved}<p>{LINK}</p></article>"
    assert author_of(html, parser) == "rasos"
    html = f'<article><p class="byline">By jsmith</p><p>{LINK}</p></article>'
    assert author_of(html, parser) is None


def test_a_link_to_the_authors_page_before_the_text_names_the_author(parser: str) -> None:
    header = '<h1>Title</h1><ul><li><a href="/author/kb/">Kathrin Bierling</a></li></ul>'
    html = f"<article>{header}<p>{LINK}</p></article>"
    assert author_of(html, parser) == "Kathrin Bierling"
    # Below the first paragraph, such a link is a teaser or a mention of someone else.
    html = f'<article><p>{LINK}</p><p>See <a href="/author/kb/">Kathrin Bierling</a></p></article>'
    assert author_of(html, parser) is None


def test_the_first_of_several_authors_is_named_without_titles(parser: str) -> None:
    html = f'<article><p class="byline">Von Dr. Jane Doe und John Roe</p><p>{LINK}</p></article>'
    assert author_of(html, parser) == "Jane Doe"


def test_a_link_in_a_comment_names_the_comments_author_not_the_posts(parser: str) -> None:
    html = (
        '<article class="h-entry"><span class="p-author h-card">Jane Doe</span><p>Post.</p>'
        '<div class="h-entry comment"><span class="p-author h-card">Bob Roe</span>'
        f"<p>See {LINK}</p></div></article>"
    )
    assert author_of(html, parser) == "Bob Roe"


def test_an_entry_author_found_by_a_microformats_reader_comes_first() -> None:
    root = parse_html(f'<article><p class="byline">By John Roe</p><p>{LINK}</p></article>')
    link = find_link(root, "https://news.example/a", [TARGET])
    assert find_author(root, link, "https://news.example/a") == "John Roe"
    found = find_author(root, link, "https://news.example/a", entry_author="  Jane  Doe ")
    assert found == "Jane Doe"
    # Through the same rules: an agency found there is still no author.
    assert find_author(root, link, "https://news.example/a", entry_author="Reuters") == "John Roe"
