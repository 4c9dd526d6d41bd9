"""parse_source on the 110 real pages of ../shared/corpus: links found, authors named.

Skipped, with the reason, where ../shared is not checked out (tests/conftest.py).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from lxml import etree

from pingcore.errors import SourceHasNoLink
from pingcore.htmltree import parse_html
from pingcore.source import parse_source
from pingcore.urls import is_http_url, normalize_url

pytestmark = pytest.mark.corpus

# Links spread over each page; every link of every page would take a minute.
LINKS_PER_PAGE = 25
# Written independently of pingcore.links: an ancestor that hides a link from readers.
HIDING_ANCESTOR = (
    "ancestor-or-self::*[self::del or self::script or self::style or self::template"
    " or self::noscript or (@hidden and @hidden != 'until-found')"
    " or translate(normalize-space(@aria-hidden), 'TRUE', 'true') = 'true'"
    " or self::dialog[not(@open)]"
    " or contains(translate(translate(@style, ' \t\n', ''), 'DISPLAYNOE', 'displaynoe'),"
    " 'display:none')"
    " or contains(translate(translate(@style, ' \t\n', ''), 'VISBLTYHDEN', 'visbltyhden'),"
    " 'visibility:hidden')]"
)
# A link that shows nothing: an <a> without text or picture, an <area> of an unused map.
SHOWS_NOTHING = etree.XPath(
    "boolean(self::a[not(normalize-space(translate(string(.), '\u00a0', ' ')))"
    " and not(.//img or .//svg or .//picture or .//video or .//canvas or .//object"
    " or .//embed or .//iframe)]"
    " or self::area[not(ancestor::map[1][@name and"
    " concat('#', @name) = //img/@usemap or @id and concat('#', @id) = //img/@usemap])])"
)
VISIBLE_TEXT = etree.XPath(f".//text()[not({HIDING_ANCESTOR.replace('-or-self', '')})]")
HIDDEN = etree.XPath(f"boolean({HIDING_ANCESTOR})")
NO_SPACE = re.compile(r"\s+")


def squeeze(text: str) -> str:
    """The text without spaces and without format characters (soft hyphens, bidi
    controls), which parse_source strips."""
    return "".join(char for char in NO_SPACE.sub("", text) if unicodedata.category(char) != "Cf")


@cache
def read(path: Path) -> bytes:
    return path.read_bytes()


def visible_links(html: bytes, page_url: str) -> list[tuple[str, str | None]]:
    """(target, text) for each page a visible link goes to, first link first.

    The text is None when the first link to that page is an <area>.
    """
    root = parse_html(html)
    base = next((b.get("href") for b in root.iter("base") if b.get("href") is not None), None)
    base_url = urljoin(page_url, base.strip()) if base else page_url
    if not is_http_url(base_url):
        base_url = page_url
    seen: dict[str, str | None] = {}
    for element in root.iter("a", "area"):
        href = (element.get("href") or "").strip("\t\n\f\r ")
        # An empty href points at the page itself; pingcore does not count it as a link.
        if not href or HIDDEN(element) or SHOWS_NOTHING(element):
            continue
        try:
            target = urljoin(base_url, href)
        except ValueError:
            continue
        if not is_http_url(target) or normalize_url(target) in seen:
            continue
        text = "".join(str(t) for t in VISIBLE_TEXT(element)) if element.tag == "a" else None
        seen[normalize_url(target)] = text
    return list(seen.items())


def spread(items: list[tuple[str, str | None]], count: int) -> list[tuple[str, str | None]]:
    if len(items) <= count:
        return items
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]


def test_every_visible_link_on_every_page_is_found_with_its_text(
    corpus_pages: list[dict[str, Any]], corpus_dir: Path
) -> None:
    failures: list[str] = []
    checked = 0
    for page in corpus_pages:
        html = read(corpus_dir / page["file"])
        for target, text in spread(visible_links(html, page["url"]), LINKS_PER_PAGE):
            checked += 1
            try:
                info = parse_source(html, page["url"], target)
            except SourceHasNoLink as error:
                failures.append(f"{page['file']}: {target}: {error}")
                continue
            if not text or not squeeze(text):
                continue
            wanted = squeeze(text) if len(text) < 250 else squeeze(text)[:50]
            if wanted not in squeeze(info.excerpt):
                failures.append(f"{page['file']}: {target}: {text!r} not in {info.excerpt!r}")
    assert checked > 1500
    assert not failures, "\n".join(failures[:20])


# What parse_source reaches on the labelled corpus (each page's `label`, read at its
# `target`): a floor, so that the suite catches a regression without pinning each page.
# Measured 66/73 and 33/36; before the person and organisation rules: 48/73 and 23/36.
AUTHORS_NAMED_AT_LEAST = 66
NONES_AT_LEAST = 33


def labelled(corpus_pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [page for page in corpus_pages if page["label"].get("target")]


def author_matches(author: str | None, label: dict[str, Any]) -> bool:
    names = [label["author"], *label.get("also", [])]
    return author is not None and " ".join(author.split()) in names


def test_the_labelled_authors_are_named_at_or_above_the_floor(
    corpus_pages: list[dict[str, Any]], corpus_dir: Path
) -> None:
    named = nones = with_author = without = 0
    misses = []
    for page in labelled(corpus_pages):
        label = page["label"]
        author = parse_source(read(corpus_dir / page["file"]), page["url"], label["target"]).author
        if label["author"]:
            with_author += 1
            named += author_matches(author, label)
        else:
            without += 1
            nones += author is None
        if author != label["author"] and not author_matches(author, label):
            misses.append(f"{page['file']}: {author!r}, labelled {label['author']!r}")
    assert (with_author, without) == (73, 36)
    assert named >= AUTHORS_NAMED_AT_LEAST, "\n".join(misses)
    assert nones >= NONES_AT_LEAST, "\n".join(misses)


def test_every_labelled_target_is_found_with_its_anchor_in_the_excerpt(
    corpus_pages: list[dict[str, Any]], corpus_dir: Path
) -> None:
    failures = []
    for page in labelled(corpus_pages):
        label = page["label"]
        try:
            info = parse_source(read(corpus_dir / page["file"]), page["url"], label["target"])
        except SourceHasNoLink as error:
            failures.append(f"{page['file']}: {error}")
            continue
        if squeeze(label["anchor"])[:50] not in squeeze(info.excerpt):
            failures.append(f"{page['file']}: {label['anchor']!r} not in {info.excerpt!r}")
    assert not failures, "\n".join(failures)


def test_the_authors_of_the_pages_with_an_older_author_are_named_from_most_links(
    corpus_pages: list[dict[str, Any]], corpus_dir: Path
) -> None:
    # The pages whose index entry has a top-level author; the label is the checked
    # reading (theplanetarypress.com's post is by Julie Mollins, not the site).
    named = [page for page in corpus_pages if page.get("author")]
    assert len(named) == 9
    for page in named:
        wanted = page["label"]["author"]
        html = read(corpus_dir / page["file"])
        links = visible_links(html, page["url"])
        middle = links[len(links) // 2][0]
        assert parse_source(html, page["url"], middle).author == wanted, page["file"]
        # Nearly every link on the page names the same author; the odd one out sits in
        # a teaser for another writer's post.
        sample = spread(links, LINKS_PER_PAGE)
        authors = [parse_source(html, page["url"], target).author for target, _ in sample]
        assert authors.count(wanted) >= 0.9 * len(sample), page["file"]


def test_names_on_other_pages_look_like_names_or_are_none(
    corpus_pages: list[dict[str, Any]], corpus_dir: Path
) -> None:
    for page in corpus_pages:
        if page.get("author"):
            continue
        html = read(corpus_dir / page["file"])
        links = visible_links(html, page["url"])
        if not links:
            continue
        author = parse_source(html, page["url"], links[len(links) // 2][0]).author
        if author is not None:
            # Login names ("bjoernlinder01") may hold digits, never a URL or an address.
            assert len(author) <= 100 and len(author.split()) <= 8, page["file"]
            assert not re.search(r"https?:|www\.|@|/", author), page["file"]


def test_both_parsers_agree_on_the_known_authors_pages(
    corpus_pages: list[dict[str, Any]], corpus_dir: Path
) -> None:
    for page in corpus_pages:
        if not page.get("author"):
            continue
        html = read(corpus_dir / page["file"])
        links = visible_links(html, page["url"])
        target = links[len(links) // 2][0]
        by_html5lib = parse_source(html, page["url"], target, parser="html5lib")
        assert by_html5lib.author == page["label"]["author"], page["file"]
        assert squeeze(by_html5lib.link_text) == squeeze(
            parse_source(html, page["url"], target).link_text
        ), page["file"]
