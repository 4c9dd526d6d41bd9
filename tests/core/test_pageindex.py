"""PageIndex: one walk of a parsed page, then its elements by tag, in document order."""

from __future__ import annotations

import pytest

from pingcore.htmltree import parse_html
from pingcore.pageindex import PageIndex
from pingcore.source.author import _byline_lines, _subtree_ends

PAGE = """<html><head><title>T</title><meta name="a" content="1"></head><body>
<a href="/one">one</a><area href="/two"><!-- a comment --><a href="/three">three</a>
<h1>Head</h1><meta itemprop="author" content="Jane Doe">
</body></html>"""


@pytest.fixture(params=["lxml", "html5lib"])
def index(request: pytest.FixtureRequest) -> PageIndex:
    return PageIndex(parse_html(PAGE, str(request.param)))


def test_every_element_is_listed_in_document_order(index: PageIndex) -> None:
    assert index.elements == list(index.root.iter())


def test_elements_of_one_tag_come_in_document_order(index: PageIndex) -> None:
    assert [a.get("href") for a in index.of("a")] == ["/one", "/three"]
    assert [title.text for title in index.of("title")] == ["T"]
    assert [h1.text for h1 in index.of("h1")] == ["Head"]
    assert [meta.get("content") for meta in index.of("meta")] == ["1", "Jane Doe"]


def test_elements_of_several_tags_are_merged_in_document_order(index: PageIndex) -> None:
    assert [link.get("href") for link in index.of("a", "area")] == ["/one", "/two", "/three"]
    assert [link.get("href") for link in index.of("area", "a")] == ["/one", "/two", "/three"]


def test_a_tag_the_page_lacks_gives_nothing(index: PageIndex) -> None:
    assert list(index.of("address")) == []
    assert list(index.of("address", "img")) == []


@pytest.mark.parametrize("parser", ["lxml", "html5lib"])
def test_byline_lines_come_in_document_order_tails_after_what_they_follow(parser: str) -> None:
    # "By Ann" is the tail of the <div>, after the <span>'s text in the document.
    html = (
        "<body><div><span>By Bob</span><i>x</i></div>By Ann<p>Von Cleo</p>"
        "<p><b>y</b>By Dan</p></body>"
    )
    root = parse_html(html, parser)
    expected = ["By Bob", "By Ann", "Von Cleo", "By Dan"]
    assert [line[0] for line in _byline_lines(root, PageIndex(root))] == expected
    assert [line[0] for line in _byline_lines(root)] == expected
    holders = [(holder.tag, is_tail) for _, holder, is_tail in _byline_lines(root)]
    assert holders == [("span", False), ("div", True), ("p", False), ("b", True)]


def test_each_subtree_ends_where_the_next_node_outside_it_starts() -> None:
    root = parse_html("<body><div><p><b>x</b></p><i>y</i></div><span>z</span></body>")
    nodes = list(root.find("body").iter())
    assert [node.tag for node in nodes] == ["body", "div", "p", "b", "i", "span"]
    assert _subtree_ends(nodes) == [6, 5, 4, 4, 5, 6]
