"""The title of the page or of the post holding the link."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from lxml import etree

from ..htmltree import tag_name
from ..pageindex import PageIndex
from .posts import NEAREST_CONTAINERS, containers
from .text import collapse, first_text, without_format_characters

# A title longer than this is cut at a word: a page's title can be megabytes long.
MAX_TITLE = 200


def has_class(element: etree._Element, name: str) -> bool:
    """True when ``element``'s class attribute holds ``name``."""
    return name in element.get("class", "").split()


def _meta_content(index: PageIndex, *keys: str) -> str:
    for meta in index.of("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in keys:
            content = collapse(meta.get("content", ""))
            if content:
                return content
    return ""


def _in_svg(element: etree._Element, verdicts: dict[etree._Element, bool]) -> bool:
    """True when an ``<svg>`` holds ``element``.

    Pass the same ``verdicts`` for every element of one tree: each ancestor is then
    looked at once, and thousands of <title>s deep in an <svg> cost linear time.
    """
    walked: list[etree._Element] = []
    verdict = False
    for ancestor in element.iterancestors():
        known = verdicts.get(ancestor)
        if known is not None:
            verdict = known
            break
        walked.append(ancestor)
        if tag_name(ancestor) == "svg":
            verdict = True
            break
    verdicts.update(dict.fromkeys(walked, verdict))
    return verdict


def _is_microformat_root(element: etree._Element) -> bool:
    classes = element.get("class")
    return (
        classes is not None
        and "h-" in classes
        and any(token.startswith("h-") for token in classes.split())
    )


def _own_names(entry: etree._Element) -> Iterator[etree._Element]:
    """The entry's p-name elements that are its own, not those of an h-card or another
    entry nested in it ("by <span class="p-author h-card"><span class="p-name">...")."""
    owners: dict[etree._Element, bool] = {entry: True}
    for element in entry.iterdescendants():
        if not has_class(element, "p-name"):
            continue
        walked: list[etree._Element] = []
        own = False
        for ancestor in element.iterancestors():  # each ancestor judged once per entry
            known = owners.get(ancestor)
            if known is not None:
                own = known
                break
            walked.append(ancestor)
            if _is_microformat_root(ancestor):
                break
        owners.update(dict.fromkeys(walked, own))
        if own and not _is_microformat_root(element):
            yield element


def capped_title(text: str) -> str:
    """``text`` without format characters, cut at a word to at most MAX_TITLE characters."""
    text = collapse(without_format_characters(text))
    if len(text) <= MAX_TITLE:
        return text
    space = text.rfind(" ", 0, MAX_TITLE)
    cut = text[:space] if space > MAX_TITLE // 2 else text[: MAX_TITLE - 1]
    return cut.rstrip(" ,;:-–—") + "…"


def page_title(
    root: etree._Element, link: etree._Element, *, index: PageIndex | None = None
) -> str:
    """The title: the page's <title>, its og:title, or the h-entry's own p-name holding
    the link, else the post's or the page's first <h1>; whitespace collapsed, format
    characters dropped, at most MAX_TITLE characters.

    ``index`` is the tree's :class:`~pingcore.pageindex.PageIndex`, if one was made.
    """
    return capped_title(_raw_title(index or PageIndex(root), link))


def _raw_title(index: PageIndex, link: etree._Element) -> str:
    in_svg: dict[etree._Element, bool] = {}
    for title in index.of("title"):
        # An <svg> holds <title>s of its own, for its pictures.
        if _in_svg(title, in_svg):
            continue
        # The first characters only: a hostile page has a 900 KB title.
        text = collapse((title.text or "")[: 20 * MAX_TITLE])
        if text:
            return text
        break
    meta = _meta_content(index, "og:title", "twitter:title")
    if meta:
        return meta
    # The nearest few posts, and no element read twice: a hostile page nests a
    # thousand posts around thousands of empty names and headings.
    nearest = list(itertools.islice(containers(link), NEAREST_CONTAINERS))
    blank: set[etree._Element] = set()
    for container in nearest:
        if has_class(container, "h-entry") and (text := first_text(_own_names(container), blank)):
            return text
    for container in nearest:
        if text := first_text(container.iter("h1"), blank):
            return text
    return first_text(index.of("h1"), blank)
