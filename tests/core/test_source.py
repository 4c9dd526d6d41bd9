"""parse_source: the link to the target, the excerpt around it, the author and the title."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from pingcore.errors import SourceHasNoLink
from pingcore.htmltree import decode_html, parse_html
from pingcore.links import external_urls
from pingcore.source import SourceInfo, parse_source

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SOURCE = "https://source.example/2024/05/post"
TARGET = "https://target.example/article"
LINK = f'<a href="{TARGET}">the article</a>'


@pytest.fixture(params=["lxml", "html5lib"])
def parser(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def parse(
    html: str | bytes,
    parser: str = "lxml",
    target: str = TARGET,
    *,
    encoding: str | None = None,
    max_excerpt: int = 300,
) -> SourceInfo:
    return parse_source(
        html, SOURCE, target, parser=parser, encoding=encoding, max_excerpt=max_excerpt
    )


def author_of(html: str, parser: str = "lxml") -> str | None:
    return parse(html, parser).author


def words(count: int, word: str = "word") -> str:
    return " ".join(f"{word}{n}" for n in range(count))


# -- finding the link ----------------------------------------------------------


def test_an_absolute_link_to_the_target_is_found(parser: str) -> None:
    info = parse(f"<p>Read {LINK} now.</p>", parser)
    assert info.source_url == SOURCE
    assert info.target_url == TARGET
    assert info.link_text == "the article"


@pytest.mark.parametrize(
    "href",
    [
        "/article",
        "../../../article",
        "//target.example/article",
        "https://TARGET.example:443/article",
        "https://target.example/%61rticle",
        "https://target.example/article#comments",
        "  https://target.example/article\n",
    ],
)
def test_hrefs_that_resolve_to_the_target_after_normalising_are_found(
    href: str, parser: str
) -> None:
    html = f'<base href="https://target.example/"><p><a href="{href}">it</a></p>'
    source = "https://target.example/2024/05/post"
    info = parse_source(html, source, TARGET, parser=parser)
    assert info.link_text == "it"


def test_a_relative_href_resolves_against_the_source_url(parser: str) -> None:
    html = '<p><a href="../other-post">earlier</a></p>'
    info = parse(html, parser, target="https://source.example/2024/other-post")
    assert info.link_text == "earlier"


def test_query_and_fragment_only_hrefs_resolve_against_the_page(parser: str) -> None:
    source = "https://source.example/list?page=1"
    html = '<p><a href="?page=2">next</a> <a href="#top">top</a></p>'
    next_page = "https://source.example/list?page=2"
    assert parse_source(html, source, next_page, parser=parser).link_text == "next"
    assert parse_source(html, source, source, parser=parser).link_text == "top"


def test_a_link_with_another_query_is_another_page(parser: str) -> None:
    html = (
        f'<p><a href="{TARGET}?replytocom=1#respond">reply</a> '
        f'<a href="{TARGET}?p=1&amp;q=%2F">query</a> <a href="{TARGET}#c">plain</a></p>'
    )
    assert parse(html, parser).link_text == "plain"
    assert parse(html, parser, target=f"{TARGET}?p=1&q=%2f").link_text == "query"
    with pytest.raises(SourceHasNoLink):
        parse(html, parser, target=f"{TARGET}?p=2")


def test_a_base_element_after_the_link_still_applies_to_it(parser: str) -> None:
    html = '<p><a href="article">x</a></p><base href="https://target.example/">'
    assert parse(html, parser).link_text == "x"


def test_entity_encoded_ampersands_match_the_target_query(parser: str) -> None:
    target = "https://target.example/read?id=7&page=2"
    html = '<p><a href="https://target.example/read?id=7&amp;page=2">x</a></p>'
    assert parse(html, parser, target=target).link_text == "x"


def test_percent_escapes_of_any_case_match_the_target(parser: str) -> None:
    target = "https://target.example/caf%C3%A9/%7Euser"
    html = '<p><a href="https://target.example/café/~user">x</a></p>'
    assert parse(html, parser, target=target).link_text == "x"
    html = '<p><a href="https://target.example/caf%c3%a9/%7euser">x</a></p>'
    assert parse(html, parser, target=target).link_text == "x"


def test_a_host_only_target_matches_with_or_without_its_slash(parser: str) -> None:
    html = '<p><a href="HTTPS://Target.Example">home</a></p>'
    assert parse(html, parser, target="https://target.example/").link_text == "home"
    html = '<p><a href="https://target.example/">home</a></p>'
    assert parse(html, parser, target="https://target.example").link_text == "home"


def test_a_unicode_host_matches_its_punycode_spelling(parser: str) -> None:
    html = '<p><a href="https://bücher.example/">books</a></p>'
    assert parse(html, parser, target="https://xn--bcher-kva.example/").link_text == "books"


def test_a_different_path_or_trailing_slash_is_another_page(parser: str) -> None:
    for href in ("https://target.example/article/", "https://target.example/Article"):
        with pytest.raises(SourceHasNoLink):
            parse(f'<p><a href="{href}">x</a></p>', parser)


def test_an_area_link_of_a_map_an_image_shows_counts(parser: str) -> None:
    image = '<img src="m.png" usemap="#m">'
    html = f'{image}<map name="m"><area href="{TARGET}" alt="the map area"></map>'
    assert parse(html, parser).link_text == "the map area"


def test_a_page_without_the_link_raises_source_has_no_link(parser: str) -> None:
    with pytest.raises(SourceHasNoLink, match="does not contain a link to"):
        parse('<p><a href="https://elsewhere.example/">x</a> article</p>', parser)


def test_cite_attributes_are_not_links(parser: str) -> None:
    with pytest.raises(SourceHasNoLink):
        parse(f'<blockquote cite="{TARGET}"><p>quoted</p></blockquote>', parser)


def test_a_nofollow_link_counts(parser: str) -> None:
    assert parse(f'<p><a rel="nofollow" href="{TARGET}">x</a></p>', parser).link_text == "x"


@pytest.mark.parametrize(
    "wrapped",
    [
        "<p><del>{link}</del></p>",
        "<script>var a = '{link}';</script>",
        "<template>{link}</template>",
        "<p><noscript>{link}</noscript></p>",
        "<div hidden>{link}</div>",
        '<div aria-hidden="true">{link}</div>',
        '<div style="display: none">{link}</div>',
    ],
)
def test_links_readers_cannot_see_do_not_count(wrapped: str, parser: str) -> None:
    with pytest.raises(SourceHasNoLink):
        parse(wrapped.format(link=LINK), parser)


def test_the_message_says_when_the_only_links_are_hidden(parser: str) -> None:
    with pytest.raises(SourceHasNoLink, match="only where readers cannot see it"):
        parse(f"<div hidden>{LINK}</div>", parser)


def test_a_visible_link_counts_even_after_a_hidden_one(parser: str) -> None:
    html = f'<p><del><a href="{TARGET}">old</a></del> and <a href="{TARGET}">new</a></p>'
    assert parse(html, parser).link_text == "new"


@pytest.mark.parametrize("argument", ["source_url", "target_url"])
@pytest.mark.parametrize("bad", ["ftp://x.example/", "/relative", "", "javascript:alert(1)"])
def test_a_url_that_is_not_http_raises_value_error_naming_it(argument: str, bad: str) -> None:
    urls = {"source_url": SOURCE, "target_url": TARGET, argument: bad}
    with pytest.raises(ValueError, match=argument):
        parse_source(f"<p>{LINK}</p>", **urls)


def test_an_unknown_parser_raises_value_error() -> None:
    with pytest.raises(ValueError, match="parser"):
        parse(f"<p>{LINK}</p>", "beautifulsoup")


def test_a_max_excerpt_below_one_raises_value_error() -> None:
    with pytest.raises(ValueError, match="max_excerpt"):
        parse(f"<p>{LINK}</p>", max_excerpt=0)


def test_source_info_is_frozen() -> None:
    info = parse(f"<p>{LINK}</p>")
    with pytest.raises(AttributeError):
        info.title = "changed"  # type: ignore[misc]


# -- excerpt -------------------------------------------------------------------


def test_a_short_paragraph_is_the_whole_excerpt(parser: str) -> None:
    html = f"<div><p>Before.</p><p>I liked\n   {LINK}, a lot.</p><p>After.</p></div>"
    assert parse(html, parser).excerpt == "I liked the article, a lot."


def test_whitespace_is_collapsed_and_inline_markup_runs_on(parser: str) -> None:
    html = (
        "<p>An <em>im</em>portant\t\n<b>point</b>:   "
        f"<a href='{TARGET}'> see  <i>here</i> </a> .</p>"
    )
    info = parse(html, parser)
    assert info.excerpt == "An important point: see here ."
    assert info.link_text == "see here"


def test_block_elements_and_line_breaks_separate_words(parser: str) -> None:
    html = f"<td>one<br>two<div>three</div>{LINK}</td>"
    assert parse(f"<table><tr>{html}</tr></table>", parser).excerpt == ("one two three the article")


def test_a_long_paragraph_is_cut_at_words_with_ellipses_on_both_sides(parser: str) -> None:
    html = f"<p>{words(60, 'pre')} {LINK} {words(60, 'post')}</p>"
    excerpt = parse(html, parser).excerpt
    assert excerpt.startswith("…pre")
    assert excerpt.endswith("…")
    assert "the article" in excerpt
    before, after = excerpt.split("the article")
    assert 80 <= len(before) <= 102 and 80 <= len(after) <= 102
    # Cut between words, never inside one.
    assert before[1:].split()[0] in words(60, "pre").split()
    assert after[:-1].split()[-1] in words(60, "post").split()


def test_a_sentence_boundary_in_the_window_is_preferred_to_a_word_cut(parser: str) -> None:
    first = "This sentence is far away and long enough to be dropped from the excerpt entirely, "
    html = (
        f"<p>{first * 3}end. Here the sentence with {LINK} starts, and it goes on. "
        f"Then another sentence follows with more words than fit in the window of text.</p>"
    )
    excerpt = parse(html, parser).excerpt
    assert excerpt.startswith("…Here the sentence with the article")
    assert excerpt.endswith("and it goes on.…")


def test_the_excerpt_never_exceeds_max_excerpt(parser: str) -> None:
    html = f"<p>{words(100)} {LINK} {words(100)}</p>"
    for limit in (1, 20, 60, 300):
        assert len(parse(html, parser, max_excerpt=limit).excerpt) <= limit
    assert len(parse(html, parser, max_excerpt=60).excerpt) > 40


def test_a_link_text_longer_than_max_excerpt_is_cut_itself(parser: str) -> None:
    html = f'<p>Intro <a href="{TARGET}">{words(100)}</a> outro</p>'
    info = parse(html, parser, max_excerpt=50)
    assert len(info.excerpt) <= 50
    assert info.excerpt.startswith("…word0 word1")  # "Intro" left out, and marked
    assert info.excerpt.endswith("…")


def test_the_excerpt_comes_from_the_nearest_place_of_text(parser: str) -> None:
    html = f"<ul><li>Other item</li><li>See {LINK} here</li></ul>"
    assert parse(html, parser).excerpt == "See the article here"
    html = f"<blockquote><p>Quoted.</p><p>And {LINK}.</p></blockquote>"
    assert parse(html, parser).excerpt == "And the article."
    html = f"<dl><dt>Term</dt><dd>Defined by {LINK}</dd></dl>"
    assert parse(html, parser).excerpt == "Defined by the article"
    html = f"<figure><img src=x><figcaption>Photo from {LINK}</figcaption></figure>"
    assert parse(html, parser).excerpt == "Photo from the article"


def test_without_a_place_of_text_the_nearest_ancestor_with_text_is_used(parser: str) -> None:
    html = f"<div><div><span>Intro text</span> <span>{LINK}</span></div></div>"
    assert parse(html, parser).excerpt == "Intro text the article"


def test_script_style_and_hidden_text_never_reach_the_excerpt(parser: str) -> None:
    html = (
        "<p>Visible <script>var secret = 1;</script><style>p{}</style>"
        '<span hidden>hidden</span><span style="display:none">gone</span>'
        '<span aria-hidden="true">aria</span><template>tpl</template>'
        f"<noscript>enable js</noscript>{LINK} <!-- a comment --> end</p>"
    )
    assert parse(html, parser).excerpt == "Visible the article end"


def test_an_image_link_uses_the_alt_text(parser: str) -> None:
    html = f'<p>Look: <a href="{TARGET}"><img src="cat.jpg" alt="A cat"></a> so cute</p>'
    info = parse(html, parser)
    assert info.link_text == "A cat"
    assert info.excerpt == "Look: A cat so cute"


def test_an_image_link_without_alt_uses_its_title_or_the_text_around_it(parser: str) -> None:
    html = f'<p><a href="{TARGET}" title="The title"><img src="x.jpg"></a></p>'
    assert parse(html, parser).link_text == "The title"
    html = f'<div><p>Caption above.</p><p><a href="{TARGET}"><img src="x.jpg"></a></p></div>'
    info = parse(html, parser)
    assert info.link_text == ""
    assert info.excerpt == "Caption above."


# -- title ---------------------------------------------------------------------


def test_the_title_is_the_title_element_with_whitespace_collapsed(parser: str) -> None:
    html = f"<title>\n  A   long\ttitle </title><p>{LINK}</p>"
    assert parse(html, parser).title == "A long title"


def test_an_svg_title_is_not_the_page_title(parser: str) -> None:
    html = f"<body><svg><title>icon</title></svg><h1>Heading</h1><p>{LINK}</p></body>"
    assert parse(html, parser).title == "Heading"


def test_without_a_title_the_entry_name_is_the_title(parser: str) -> None:
    html = (
        '<h1>Site name</h1><div class="h-entry"><h2 class="p-name">Entry name</h2>'
        f"<p>{LINK}</p></div>"
    )
    assert parse(html, parser).title == "Entry name"


def test_without_a_title_the_article_heading_is_the_title(parser: str) -> None:
    html = (
        f"<title> </title><h1>Site name</h1><article><h1>Article name</h1><p>{LINK}</p></article>"
    )
    assert parse(html, parser).title == "Article name"


def test_without_a_title_or_article_the_first_h1_is_the_title(parser: str) -> None:
    assert parse(f"<h1>First</h1><h1>Second</h1><p>{LINK}</p>", parser).title == "First"


def test_without_any_heading_og_title_is_the_title(parser: str) -> None:
    html = f'<meta property="og:title" content="Open Graph title"><p>{LINK}</p>'
    assert parse(html, parser).title == "Open Graph title"


def test_a_page_without_any_title_has_an_empty_one(parser: str) -> None:
    assert parse(f"<p>{LINK}</p>", parser).title == ""


# -- author --------------------------------------------------------------------


def test_the_author_of_an_h_entry_is_its_p_author_h_card_name(parser: str) -> None:
    html = (
        '<div class="h-entry"><a class="p-author h-card" href="/"><img alt="" src="me.jpg">'
        f'<span class="p-name">Jane Doe</span></a><div class="e-content">{LINK}</div></div>'
    )
    assert author_of(html, parser) == "Jane Doe"


def test_an_h_card_author_without_a_p_name_gives_its_text(parser: str) -> None:
    html = f'<div class="h-entry"><span class="p-author h-card">Jane Doe</span><p>{LINK}</p></div>'
    assert author_of(html, parser) == "Jane Doe"


def test_an_hentry_vcard_fn_gives_the_author(parser: str) -> None:
    html = (
        f'<div class="post hentry"><p>{LINK}</p><span class="post-author vcard">Posted by '
        '<span class="fn">Ned Example</span></span></div>'
    )
    assert author_of(html, parser) == "Ned Example"


def test_the_address_of_the_article_gives_the_author(parser: str) -> None:
    html = f"<article><address>Jane Doe<br>Berlin</address><p>{LINK}</p></article>"
    assert author_of(html, parser) == "Jane Doe"


def test_a_rel_author_link_in_the_article_gives_the_author(parser: str) -> None:
    html = (
        f'<article><p>{LINK}</p><footer><a rel="author" href="/jane">Jane Doe</a></footer>'
        "</article>"
    )
    assert author_of(html, parser) == "Jane Doe"


def test_itemprop_author_with_a_nested_name_gives_the_author(parser: str) -> None:
    html = (
        '<article itemscope itemtype="https://schema.org/BlogPosting">'
        '<span itemprop="author" itemscope itemtype="https://schema.org/Person">'
        '<a itemprop="url" href="/jane">profile</a><meta itemprop="name" content="Jane Doe"></span>'
        f"<p>{LINK}</p></article>"
    )
    assert author_of(html, parser) == "Jane Doe"


def test_a_byline_class_gives_the_author_without_its_prefix(parser: str) -> None:
    html = f'<article><div class="c-byline">By Jane Doe</div><p>{LINK}</p></article>'
    assert author_of(html, parser) == "Jane Doe"


def test_a_byline_prefers_its_author_page_link_to_other_links(parser: str) -> None:
    html = (
        '<article><div class="byline">Posted on <a href="/2024/05/01/">May 1, 2024</a> by '
        '<a href="/author/jane/">Jane Doe</a> <a href="https://x.example/jane">Follow</a></div>'
        f"<p>{LINK}</p></article>"
    )
    assert author_of(html, parser) == "Jane Doe"


def test_a_mail_link_in_a_byline_is_not_taken_for_the_name(parser: str) -> None:
    html = (
        '<article><div class="author">By Jane Doe <a href="mailto:j@x.example">Send an e-mail'
        f"</a></div><p>{LINK}</p></article>"
    )
    assert author_of(html, parser) == "Jane Doe"


def test_the_nearest_author_wins_over_page_metadata(parser: str) -> None:
    html = (
        '<meta name="author" content="Site Owner">'
        f'<article><span class="author">Jane Doe</span><p>{LINK}</p></article>'
    )
    assert author_of(html, parser) == "Jane Doe"


def test_a_comment_author_is_not_the_author_of_the_post(parser: str) -> None:
    html = (
        f'<article><span class="author">Jane Doe</span><p>{LINK}</p>'
        '<ol class="comment-list"><li class="comment"><span class="comment-author vcard">'
        '<b class="fn">Bob Commenter</b></span>Nice!</li></ol></article>'
    )
    assert author_of(html, parser) == "Jane Doe"


def test_a_link_in_a_comment_belongs_to_the_comment_author(parser: str) -> None:
    html = (
        '<article><span class="author">Jane Doe</span><p>Post.</p>'
        '<article class="comment"><span class="comment-author vcard"><b class="fn">Bob '
        f"Commenter</b></span><p>{LINK}</p></article></article>"
    )
    assert author_of(html, parser) == "Bob Commenter"


def test_a_teaser_article_does_not_lend_its_author_to_the_page(parser: str) -> None:
    html = (
        '<meta property="article:author" content="Jane Doe"><div class="post"><p>'
        f'{LINK}</p></div><article><span class="author">Other Writer</span></article>'
        '<article><span class="author">Third Writer</span></article>'
    )
    assert author_of(html, parser) == "Jane Doe"


def test_a_sidebar_link_takes_the_author_of_the_one_post_on_the_page(parser: str) -> None:
    html = (
        '<div class="post hentry"><span class="author vcard"><span class="fn">Jane Doe</span>'
        f"</span><p>Text.</p></div><aside><p>{LINK}</p></aside>"
    )
    assert author_of(html, parser) == "Jane Doe"


def test_a_byline_outside_any_article_names_the_author(parser: str) -> None:
    html = f'<div class="post"><p class="post-byline">By Jane Doe</p><p>{LINK}</p></div>'
    assert author_of(html, parser) == "Jane Doe"


def test_an_author_box_with_a_biography_gives_the_name_in_its_first_line(parser: str) -> None:
    biography = "Jane Doe writes about cities and bicycles for us since 2009. " * 6
    html = f'<div class="author"><h3>Jane Doe</h3><p>{biography}</p></div><p>{LINK}</p>'
    assert author_of(html, parser) == "Jane Doe"


@pytest.mark.parametrize(
    "noise",
    [
        '<ul><li class="recentcomments"><span class="comment-author-link">Bob Smith</span>'
        ' on <a href="/post">a post</a></li></ul>',
        '<div class="author_share">Share this article</div>',
        '<div class="author-box-wrap">Related Posts</div>',
        '<form><p class="comment-form-author"><label>Name Here</label></p></form>',
    ],
    ids=["recent-comments", "share-box", "author-box-wrap", "comment-form"],
)
def test_author_ish_widgets_do_not_name_the_author(noise: str, parser: str) -> None:
    html = f'<body class="single-author"><p>{LINK}</p><aside>{noise}</aside></body>'
    assert author_of(html, parser) is None


def test_meta_name_author_gives_the_author_when_the_page_names_that_person(parser: str) -> None:
    html = f'<meta name="author" content="Jane Doe"><p>{LINK}</p><p>Jane Doe, Berlin</p>'
    assert author_of(html, parser) == "Jane Doe"


def test_meta_name_author_the_page_never_names_is_the_weakest_evidence(parser: str) -> None:
    assert author_of(f'<meta name="author" content="Jane Doe"><p>{LINK}</p>', parser) == "Jane Doe"
    html = f'<meta name="author" content="Jane Doe"><p>{LINK}</p><address>John Roe</address>'
    assert author_of(html, parser) == "John Roe"


def test_meta_name_author_named_only_in_a_credit_line_is_not_taken(parser: str) -> None:
    html = (
        f'<meta name="author" content="Jane Doe"><article><p>{LINK}</p></article>'
        '<div class="site-info">Theme by Jane Doe</div><footer><p>Jane Doe</p></footer>'
    )
    assert author_of(html, parser) is None


def test_article_author_meta_counts_when_it_is_a_name_not_a_url(parser: str) -> None:
    html = f'<meta property="article:author" content="Jane Doe"><p>{LINK}</p>'
    assert author_of(html, parser) == "Jane Doe"
    html = f'<meta property="article:author" content="https://facebook.com/jane"><p>{LINK}</p>'
    assert author_of(html, parser) is None


def json_ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script><p>{LINK}</p>'


@pytest.mark.parametrize(
    "data",
    [
        {"@type": "BlogPosting", "author": {"@type": "Person", "name": "Jane Doe"}},
        {"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Jane Doe"}, "Bob"]},
        {"@type": "Article", "author": "Jane Doe"},
        {"@type": "Article", "author": [{"@type": "Person", "url": "/x"}, {"name": "Jane Doe"}]},
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebSite", "@id": "#site", "name": "Site"},
                {"@type": "Article", "@id": "#a", "author": {"@id": "#jane"}},
                {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
            ],
        },
        [{"@type": "WebPage", "name": "x"}, {"@type": "Article", "author": {"name": "Jane Doe"}}],
        {"@type": "Article", "author": {"name": "Jane O&#039;Doe"}},
    ],
    ids=["object", "list", "string", "list-without-names-first", "graph", "top-list", "escaped"],
)
def test_json_ld_gives_the_author(data: object, parser: str) -> None:
    expected = "Jane O'Doe" if "&#039;" in json.dumps(data) else "Jane Doe"
    assert author_of(json_ld(data), parser) == expected


def test_an_article_author_in_json_ld_wins_over_other_objects(parser: str) -> None:
    data = [
        {"@type": "WebPage", "author": "Page Maker"},
        {"@type": "BlogPosting", "author": "Jane Doe"},
    ]
    assert author_of(json_ld(data), parser) == "Jane Doe"


@pytest.mark.parametrize(
    "raw",
    ["{not json", "[" * 100_000, '{"author": {"@id": "#a"}, "@graph": [{"@id": "#a"}]}', "null"],
    ids=["invalid", "deep", "dangling-reference", "null"],
)
def test_broken_json_ld_is_ignored(raw: str, parser: str) -> None:
    html = f'<script type="application/ld+json">{raw}</script><p>{LINK}</p>'
    assert author_of(html, parser) is None


def test_a_reference_loop_in_json_ld_ends(parser: str) -> None:
    data = {
        "@graph": [
            {"@type": "Article", "author": {"@id": "#a"}},
            {"@id": "#a", "name": {"@id": "#b"}},
            {"@id": "#b", "name": {"@id": "#a"}},
        ]
    }
    assert author_of(json_ld(data), parser) is None


def test_the_nearest_address_gives_the_author_as_pingdjack_read_it(parser: str) -> None:
    html = (
        "<div><address>Far Away</address></div>"
        f"<div><div><p>{LINK}</p></div><address>Jane Doe</address></div>"
    )
    assert author_of(html, parser) == "Jane Doe"


def test_an_address_of_contact_details_only_is_no_author(parser: str) -> None:
    html = f"<p>{LINK}</p><address>Telephone 555 0100<br>1 High Street</address>"
    assert author_of(html, parser) is None


def test_a_page_that_says_nothing_about_its_author_has_none(parser: str) -> None:
    assert author_of(f"<title>T</title><p>Hello {LINK}</p>", parser) is None


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("By Jane Doe", "Jane Doe"),
        ("by: Jane Doe", "Jane Doe"),
        ("Von Jane Doe", "Jane Doe"),
        ("Par Jane Doe", "Jane Doe"),
        ("Posted by Jane Doe", "Jane Doe"),
        ("WRITTEN BY Jane Doe", "Jane Doe"),
        ("Author: Jane Doe", "Jane Doe"),
        ("Autor Jane Doe", "Jane Doe"),
        ("View all posts by Jane Doe", "Jane Doe"),
        ("Mehr Beiträge von Jane Doe", "Jane Doe"),
        ("Jane Doe Updated: January 16, 2020", "Jane Doe"),
        ("Jane Doe | The Daily Planet", "Jane Doe"),
        ("Jane Doe - The Daily Planet", "Jane Doe"),
        ("Jane Doe, Berlin", "Jane Doe"),
        ("Jane Doe on 3 May 2024", "Jane Doe"),
        ("Jane Doe, May 3, 2024", "Jane Doe"),
        ("Jane Doe 03.05.2024 um 16:05 Uhr", "Jane Doe"),
        ("Jane Doe at 12/23/2016 09:48:00 AM", "Jane Doe"),
        ("Jane Doe (jane@example.com)", "Jane Doe"),
        ("Jane Doe (jd)", "Jane Doe"),
        ("Jane Doe … has written for us since", "Jane Doe"),
        ("jane@example.com Jane Doe", "Jane Doe"),
        ("  Jane \n\t Doe  ", "Jane Doe"),
        ("“Jane Doe”", "Jane Doe"),
        ("Dr. Jane Doe", "Jane Doe"),
        ("Prof. Dr. Jane Doe", "Jane Doe"),
        ("Rechtsanwalt Jane Doe", "Jane Doe"),
        ("Jane Doe und John Roe", "Jane Doe"),
        ("Jane Doe and John Roe", "Jane Doe"),
        ("Autor/in: Jane Doe", "Jane Doe"),
        ("Jane DOE", "Jane Doe"),
        ("JANE DOE", "JANE DOE"),
        ("Jane\u200b Doe\u202e", "Jane Doe"),
        ("plusieurs organisations syndicales", None),
        ("Dienstag", None),
        ("Jane O'Doe-Smith", "Jane O'Doe-Smith"),
        ("The Planetary Press", None),
        ("", None),
        ("By", None),
        ("https://jane.example/", None),
        ("www.jane.example", None),
        ("jane.example.com", None),
        ("12345", None),
        ("admin", None),
        ("jdoe", None),
        ("Telephone 555 0100", None),
        ("x" * 101, None),
        (" ".join(["Word"] * 12), None),
    ],
)
def test_author_names_are_cleaned_or_refused(raw: str, name: str | None) -> None:
    html = f'<meta property="article:author" content="{raw}"><p>{LINK}</p>'
    assert author_of(html) == name


def test_a_name_of_up_to_a_hundred_characters_is_kept() -> None:
    long_name = " ".join(["Abcdefghijk"] * 8)  # 95 characters, eight words
    html = f'<meta property="article:author" content="{long_name}"><p>{LINK}</p>'
    assert author_of(html) == long_name


# -- encodings -----------------------------------------------------------------

CAFE = "<title>Café</title><p>Un café, {link}</p>"


def encoded(page: str, codec: str) -> bytes:
    return page.format(link=LINK).encode(codec)


@pytest.mark.parametrize(
    ("data", "http_charset"),
    [
        (codecs.BOM_UTF8 + encoded(CAFE, "utf-8"), None),
        (codecs.BOM_UTF8 + encoded(CAFE, "utf-8"), "windows-1252"),  # the BOM wins
        (codecs.BOM_UTF16_LE + encoded(CAFE, "utf-16-le"), None),
        (codecs.BOM_UTF16_BE + encoded(CAFE, "utf-16-be"), None),
        (encoded(CAFE, "cp1252"), "ISO-8859-1"),
        (encoded('<meta charset="windows-1252">' + CAFE, "cp1252"), None),
        (encoded("<meta charset='utf-8'>" + CAFE, "utf-8"), "no-such-charset"),
        (
            encoded(
                '<!-- <meta charset="koi8-r"> --><meta http-equiv="Content-Type" '
                'content="text/html; charset=latin1">' + CAFE,
                "cp1252",
            ),
            None,
        ),
        (encoded(CAFE, "utf-8"), None),  # valid UTF-8: the fallback
        (encoded(CAFE, "cp1252"), None),  # not UTF-8: windows-1252
        (encoded(CAFE, "cp1252"), "utf-7"),  # not a web encoding: ignored
    ],
    ids=[
        "utf8-bom",
        "bom-beats-http",
        "utf16le-bom",
        "utf16be-bom",
        "http-charset",
        "meta-charset",
        "unknown-http-label",
        "http-equiv",
        "utf8-fallback",
        "cp1252-fallback",
        "utf7-ignored",
    ],
)
def test_the_page_is_decoded_as_a_browser_would(
    data: bytes, http_charset: str | None, parser: str
) -> None:
    info = parse(data, parser, encoding=http_charset)
    assert info.title == "Café"
    assert info.excerpt == "Un café, the article"


@pytest.mark.parametrize(
    ("data", "label", "text"),
    [
        (b"\x80", "iso-8859-1", "€"),  # the web reads latin1 as windows-1252
        (b"\x80", "ascii", "€"),
        (b"\xa4", "l9", "€"),
        ("é".encode(), "unicode-1-1-utf-8", "é"),
        ("тест".encode("cp1251"), " Windows-1251 ", "тест"),
        ("日本".encode("cp932"), "shift_jis", "日本"),
        (b"\xe9", "iso-2022-kr", "é"),  # the standard's "replacement" labels: ignored
        (b'<meta content="charset=koi8-r">\xd0', None, '<meta content="charset=koi8-r">Ð'),
        (
            b" " * 5000 + b'<meta charset="koi8-r">\xd0',
            None,
            " " * 5000 + '<meta charset="koi8-r">Ð',
        ),
    ],
    ids=[
        "latin1",
        "ascii",
        "latin9",
        "utf8-alias",
        "spaced-label",
        "sjis",
        "replacement-label",
        "no-http-equiv",
        "late",
    ],
)
def test_encoding_labels_are_read_as_the_web_reads_them(
    data: bytes, label: str | None, text: str
) -> None:
    assert decode_html(data, label) == text


def test_parse_html_refuses_an_unknown_parser() -> None:
    with pytest.raises(ValueError, match="parser must be one of lxml, html5lib"):
        parse_html("<p>", "regex")


def test_a_meta_charset_of_utf16_in_ascii_bytes_means_utf8() -> None:
    assert decode_html('<meta charset="utf-16"><p>é'.encode()) == '<meta charset="utf-16"><p>é'


def test_invalid_bytes_become_replacement_characters_and_never_raise(parser: str) -> None:
    data = b'<meta charset="utf-8"><title>Bad \xff\xfe bytes</title><p>\xc3 ' + LINK.encode()
    info = parse(data, parser)
    assert info.title == "Bad \ufffd\ufffd bytes"
    assert info.link_text == "the article"


def test_decode_html_replaces_nul_and_strips_a_bom() -> None:
    assert decode_html("\ufeffa\x00b") == "a\ufffdb"
    assert decode_html(b"a\x00b") == "a\ufffdb"


def test_a_str_page_with_an_xml_declaration_parses(parser: str) -> None:
    html = f'<?xml version="1.0" encoding="utf-8"?><html><body><p>{LINK}</p></body></html>'
    assert parse(html, parser).link_text == "the article"


# -- fixtures, both parsers ----------------------------------------------------


def test_the_blog_post_fixture_reads_as_expected(parser: str) -> None:
    html = (PAGES / "hentry_post.html").read_bytes()
    info = parse_source(
        html,
        "https://jane.example/2024/notes",
        "https://target.example/posts/parsing?x=1&y=2",
        parser=parser,
    )
    assert info.title == "Notes on parsing HTML | Jane's Log"
    assert info.author == "Jane Doe"
    assert info.link_text == "a great post about tag soup"
    assert info.excerpt == (
        "Parsing real pages is hard. Browsers forgive everything, and so must we. Last week I"
        " read a great post about tag soup, which explains how the HTML5 algorithm recovers"
        " from broken markup. It is long but worth it."
    )


def test_the_news_fixture_reads_as_expected(parser: str) -> None:
    html = (PAGES / "news_article.html").read_bytes()
    source = "https://news.example/2024/bike-lanes"
    info = parse_source(html, source, "https://cyclists.example/plan", parser=parser)
    assert info.title == "Council approves new bike lanes – The Daily Planet"
    assert info.author == "Lois Lane"
    assert info.excerpt.startswith("…")
    assert "local cyclists' association in 2021" in info.excerpt
    teaser = parse_source(html, source, "https://news.example/2024/parking", parser=parser)
    assert teaser.author == "Clark Kent"
    with pytest.raises(SourceHasNoLink):
        parse_source(html, source, "https://hidden.example/", parser=parser)


def fixture_cases() -> list[tuple[Path, str]]:
    cases = []
    for page in sorted(PAGES.glob("*.html")):
        for url in external_urls(page.read_bytes(), "https://nowhere.example/"):
            cases.append((page, url))
    return cases


@pytest.mark.parametrize(
    ("page", "target"), fixture_cases(), ids=lambda value: getattr(value, "name", value)
)
def test_both_parsers_read_every_fixture_link_the_same(page: Path, target: str) -> None:
    html = page.read_bytes()
    source = "https://fixture.example/page"
    assert parse_source(html, source, target) == parse_source(
        html, source, target, parser="html5lib"
    )
