"""external_urls: which pages a post links to, and so which pages it pings."""

from __future__ import annotations

from pathlib import Path

import pytest

from pingcore.htmltree import parse_html
from pingcore.links import LinkVerdicts, base_url_of, external_urls, link_counts

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
ROOT = "https://blog.example/"
POST = "https://blog.example/posts/tricky"


@pytest.fixture(params=["lxml", "html5lib"])
def parser(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def urls_of(html: str | bytes, parser: str = "lxml", base_url: str | None = None) -> list[str]:
    return external_urls(html, ROOT, base_url, parser=parser)


def test_absolute_links_outside_the_root_come_in_document_order(parser: str) -> None:
    html = '<p><a href="https://b.example/">b</a> <a href="https://a.example/">a</a></p>'
    assert urls_of(html, parser) == ["https://b.example/", "https://a.example/"]


def test_links_within_the_root_are_not_external(parser: str) -> None:
    html = """
        <a href="https://blog.example/about">about</a>
        <a href="http://blog.example/over-http">same site over http</a>
        <a href="/root-relative">relative</a>
        <a href="https://other.example/">other</a>
    """
    assert urls_of(html, parser) == ["https://other.example/"]


def test_a_root_with_a_path_keeps_the_rest_of_its_host_external(parser: str) -> None:
    html = '<a href="https://host.example/blog/post">in</a> <a href="https://host.example/shop">out</a>'
    urls = external_urls(html, "https://host.example/blog/", parser=parser)
    assert urls == ["https://host.example/shop"]


def test_relative_href_resolves_against_base_url(parser: str) -> None:
    html = '<a href="../page">up</a> <a href="sibling">sibling</a>'
    urls = external_urls(html, "https://mine.example/", "https://other.example/a/b/", parser=parser)
    assert urls == ["https://other.example/a/page", "https://other.example/a/b/sibling"]


def test_relative_href_resolves_against_the_root_when_no_base_url_is_given(parser: str) -> None:
    html = '<a href="elsewhere">x</a>'
    assert external_urls(html, "https://host.example/blog/", parser=parser) == []


def test_base_element_overrides_the_base_url(parser: str) -> None:
    html = '<base href="https://other.example/dir/"><a href="page">x</a>'
    assert urls_of(html, parser, base_url=POST) == ["https://other.example/dir/page"]


def test_a_base_element_that_is_not_http_is_ignored(parser: str) -> None:
    html = '<base href="javascript:void(0)"><a href="//x.example/page">x</a>'
    assert urls_of(html, parser) == ["https://x.example/page"]


def test_fragments_are_dropped_and_each_page_comes_once(parser: str) -> None:
    html = """
        <a href="https://x.example/page#one">1</a>
        <a href="https://x.example/page#two">2</a>
        <a href="https://x.example/page">3</a>
    """
    assert urls_of(html, parser) == ["https://x.example/page"]


def test_urls_come_back_in_normal_form_and_deduplicated_by_it(parser: str) -> None:
    html = """
        <a href="HTTPS://X.Example:443/a/%7Euser">1</a>
        <a href="https://x.example/a/~user">2</a>
        <a href="http://x.example:80">3</a>
    """
    assert urls_of(html, parser) == ["https://x.example/a/~user", "http://x.example/"]


def test_entity_encoded_ampersands_in_href_are_decoded(parser: str) -> None:
    html = '<a href="https://x.example/?a=1&amp;b=2">x</a>'
    assert urls_of(html, parser) == ["https://x.example/?a=1&b=2"]


def test_schemes_other_than_http_are_skipped(parser: str) -> None:
    html = """
        <a href="javascript:alert(1)">js</a> <a href="mailto:me@x.example">mail</a>
        <a href="data:text/html,hi">data</a> <a href="tel:+1555">tel</a>
        <a href="ftp://x.example/">ftp</a> <a href="#top">fragment</a> <a>no href</a>
    """
    assert urls_of(html, parser) == []


def test_area_links_of_a_map_an_image_shows_count(parser: str) -> None:
    html = (
        '<img src="/m.png" usemap="#m"><map name="m"><area href="https://area.example/"'
        ' alt="an area"></map>'
    )
    assert urls_of(html, parser) == ["https://area.example/"]


def test_area_links_of_a_map_no_image_shows_do_not_count(parser: str) -> None:
    html = (
        '<img src="/m.png" usemap="#other"><map name="m"><area href="https://area.example/"'
        ' alt="an area"></map>'
    )
    assert urls_of(html, parser) == []


def test_cite_attributes_and_link_elements_are_not_links(parser: str) -> None:
    html = """
        <link rel="alternate" href="https://feed.example/">
        <blockquote cite="https://quote.example/">q</blockquote>
        <q cite="https://q.example/">q</q> <ins cite="https://ins.example/">i</ins>
    """
    assert urls_of(html, parser) == []


def test_nofollow_links_are_still_pinged(parser: str) -> None:
    html = '<a rel="nofollow ugc" href="https://nofollow.example/">x</a>'
    assert urls_of(html, parser) == ["https://nofollow.example/"]


def test_links_inside_del_are_not_pinged(parser: str) -> None:
    html = '<p>I was <del>wrong about <a href="https://gone.example/">this</a></del>.</p>'
    assert urls_of(html, parser) == []


def test_links_in_script_style_template_and_noscript_are_not_pinged(parser: str) -> None:
    html = """
        <script>document.write('<a href="https://script.example/">x</a>')</script>
        <style>/* <a href="https://style.example/">x</a> */</style>
        <template><a href="https://template.example/">x</a></template>
        <p><noscript><a href="https://noscript.example/">x</a></noscript></p>
    """
    assert urls_of(html, parser) == []


def test_hidden_links_are_not_pinged(parser: str) -> None:
    html = """
        <div hidden><a href="https://hidden.example/">x</a></div>
        <div aria-hidden="TRUE"><a href="https://aria.example/">x</a></div>
        <span style="color:red;DISPLAY : none"><a href="https://style.example/">x</a></span>
        <a href="https://self.example/" hidden>x</a>
    """
    assert urls_of(html, parser) == []


def test_content_hidden_until_found_is_still_pinged(parser: str) -> None:
    html = '<div hidden="until-found"><a href="https://found.example/">x</a></div>'
    assert urls_of(html, parser) == ["https://found.example/"]


def test_bytes_are_decoded_before_parsing(parser: str) -> None:
    html = '<meta charset="windows-1252"><a href="https://x.example/caf\xe9">é</a>'.encode("cp1252")
    assert urls_of(html, parser) == ["https://x.example/caf%C3%A9"]


def test_a_root_url_that_is_not_http_raises_value_error() -> None:
    with pytest.raises(ValueError, match="root_url"):
        external_urls("<a href='https://x.example/'>x</a>", "ftp://blog.example/")


def test_a_base_url_that_is_not_http_raises_value_error() -> None:
    with pytest.raises(ValueError, match="base_url"):
        external_urls("<a href='x'>x</a>", ROOT, "/relative/only")


def test_an_unknown_parser_raises_value_error() -> None:
    with pytest.raises(ValueError, match="parser"):
        external_urls("<a href='https://x.example/'>x</a>", ROOT, parser="regex")


def test_an_empty_fragment_links_nowhere(parser: str) -> None:
    assert urls_of("", parser) == []
    assert urls_of(b"", parser) == []


def test_the_tricky_fixture_yields_exactly_the_pingable_pages(parser: str) -> None:
    html = (PAGES / "tricky_links.html").read_bytes()
    assert external_urls(html, ROOT, POST, parser=parser) == [
        "https://protocol.example/relative",
        "https://target.example/Path/~user/?q=a&r=b",
        "https://spaces.example/x",
        "https://nofollow.example/",
        "https://area.example/",
        "https://until-found.example/",
    ]


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.html")), ids=lambda path: path.name)
def test_both_parsers_find_the_same_links_in_every_fixture(page: Path) -> None:
    html = page.read_bytes()
    root = "https://nowhere.example/"
    assert external_urls(html, root, parser="lxml") == external_urls(html, root, parser="html5lib")


def test_base_url_of_takes_the_first_base_with_an_href() -> None:
    root = parse_html('<base target="_blank"><base href="/dir/"><base href="https://no.example/">')
    assert base_url_of(root, "https://site.example/page") == "https://site.example/dir/"
    assert (
        base_url_of(parse_html("<p>"), "https://site.example/page") == "https://site.example/page"
    )


def test_link_counts_judges_each_ancestor_once_when_given_verdicts() -> None:
    root = parse_html("<div hidden>" + '<a href="x">x</a>' * 3 + '</div><a href="y">y</a>')
    verdicts = LinkVerdicts()
    links = list(root.iter("a"))
    assert [link_counts(link, verdicts) for link in links] == [False, False, False, True]
    assert [link_counts(link) for link in links] == [False, False, False, True]


# -- external_links: the same pages, spelled as the page wrote them ---------------------


def test_external_links_keeps_each_pages_first_spelling(parser: str) -> None:
    from pingcore.links import external_links

    html = (
        '<a href="http://WP.example:80/2026/12/%ce%ba%ce%b1/#comments">encoded</a>'
        '<a href="http://wp.example/2026/12/κα/">the same page, raw</a>'
        '<a href="http://wp.example/%7Eme/">tilde</a>'
        '<a href="http://Bare.example">bare host</a>'
    )
    assert external_links(html, ROOT, parser=parser) == [
        "http://WP.example:80/2026/12/%ce%ba%ce%b1/",
        "http://wp.example/%7Eme/",
        "http://Bare.example",
    ]
    # The same pages, in the same order, as external_urls gives them in normal form.
    assert external_urls(html, ROOT, parser=parser) == [
        "http://wp.example/2026/12/%CE%BA%CE%B1/",
        "http://wp.example/~me/",
        "http://bare.example/",
    ]


def test_external_links_makes_relative_links_absolute_as_written(parser: str) -> None:
    from pingcore.links import external_links

    html = '<base href="https://other.example/dir/"><a href="λόγος/α b?q=%7e">x</a>'
    assert external_links(html, ROOT, parser=parser) == [
        "https://other.example/dir/λόγος/α b?q=%7e"
    ]


# Each way a page hides a link from its readers; the receiving side refuses the same
# spellings (tests/core/test_source_links.py), so a post never pings what then fails.
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


@pytest.mark.parametrize("spelling", sorted(HIDING))
def test_a_link_readers_cannot_see_is_not_pinged(spelling: str, parser: str) -> None:
    url = "https://hidden.example/"
    html = HIDING[spelling].format(link=f'<a href="{url}">x</a>', url=url)
    assert urls_of(f"<div>{html}</div>", parser) == []


def test_an_open_dialog_and_a_visible_style_keep_their_links(parser: str) -> None:
    html = """
        <dialog open><a href="https://dialog.example/">x</a></dialog>
        <span style="display: inline; visibility: visible"><a href="https://shown.example/">y</a></span>
        <span style="content: 'display: none'"><a href="https://quoted.example/">z</a></span>
        <a href="https://picture.example/"><img src="/p.png" alt=""></a>
    """
    assert urls_of(html, parser) == [
        "https://dialog.example/",
        "https://shown.example/",
        "https://quoted.example/",
        "https://picture.example/",
    ]


def test_a_hidden_response_property_of_an_h_entry_is_pinged(parser: str) -> None:
    html = """
        <article class="h-entry">
          <a class="u-in-reply-to" href="https://reply.example/" hidden></a>
          <span style="display:none"><a class="u-like-of" href="https://like.example/">x</a></span>
          <dialog><a class="u-repost-of" href="https://repost.example/">x</a></dialog>
        </article>
    """
    assert urls_of(html, parser) == [
        "https://reply.example/",
        "https://like.example/",
        "https://repost.example/",
    ]


def test_a_response_property_outside_an_h_entry_or_in_a_script_is_not_pinged(
    parser: str,
) -> None:
    html = """
        <div><a class="u-in-reply-to" href="https://outside.example/" hidden>x</a></div>
        <article class="h-entry"><del><a class="u-like-of" href="https://deleted.example/">x</a></del>
        <template><a class="u-like-of" href="https://template.example/">x</a></template></article>
    """
    assert urls_of(html, parser) == []


def test_many_nested_response_links_cost_linear_time() -> None:
    # Each once walked up to the h-entry and to the page's root: 2.4 s for 1,500.
    nested = '<div><a class="u-like-of" href="https://o.example/">x</a>' * 1_500
    html = f'<div class="h-entry">{nested}{"</div>" * 1_500}</div>'
    assert external_urls(html, ROOT) == ["https://o.example/"]


def test_an_inline_style_too_long_to_read_that_may_hide_hides(parser: str) -> None:
    padding = "color: red; " * 200
    html = f'<span style="{padding}display: none"><a href="https://hidden.example/">x</a></span>'
    assert urls_of(html, parser) == []
    html = f'<span style="{padding}"><a href="https://shown.example/">x</a></span>'
    assert urls_of(html, parser) == ["https://shown.example/"]
