"""The title of the page or of the post holding the link."""

from __future__ import annotations

import itertools

from lxml import etree

from ..htmltree import tag_name
from .posts import NEAREST_CONTAINERS, containers
from .text import collapse, first_text, text_of


def has_class(element: etree._Element, name: str) -> bool:
    return name in element.get("class", "").split()


def _meta_content(root: etree._Element, *keys: str) -> str:
    for meta in root.iter("meta"):
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


def page_title(root: etree._Element, link: etree._Element) -> str:
    in_svg: dict[etree._Element, bool] = {}
    for title in root.iter("title"):
        # An <svg> holds <title>s of its own, for its pictures.
        if _in_svg(title, in_svg):
            continue
        text = text_of(title)
        if text:
            return text
        break
    # The nearest few posts, and no element read twice: a hostile page nests a
    # thousand posts around thousands of empty names and headings.
    blank: set[etree._Element] = set()
    for container in itertools.islice(containers(link), NEAREST_CONTAINERS):
        if has_class(container, "h-entry"):
            names = (name for name in container.iterdescendants() if has_class(name, "p-name"))
            if text := first_text(names, blank):
                return text
        if text := first_text(container.iter("h1"), blank):
            return text
    return first_text(root.iter("h1"), blank) or _meta_content(root, "og:title", "twitter:title")
