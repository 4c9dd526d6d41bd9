"""The excerpt: the words around the link, cut at a sentence or a word."""

from __future__ import annotations

import re

from lxml import etree

from ..htmltree import tag_name
from .text import ENTER_LINK, LEAVE_LINK, SPACE, has_text, shown, visible_texts

EXCERPT_SIDE = 100

# Elements HTML gives as the place of a run of text; the excerpt comes from the nearest.
_PLACE_TAGS = frozenset(
    {"p", "li", "blockquote", "dd", "dt", "td", "th", "figcaption", "caption", "pre"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "address", "summary", "legend"}
)
# Phrasing elements run on in a line; every other element breaks words apart.
# A sentence ends at a stop, maybe closed by quotes or brackets, before a space.
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*(?=\s)")


def _has_text_besides(ancestor: etree._Element, child: etree._Element) -> bool:
    """True when ``ancestor`` shows text outside its ``child`` (each subtree read once)."""
    if ancestor.text and not ancestor.text.isspace():
        return True
    for other in ancestor:
        if other.tail and not other.tail.isspace():
            return True
        if other is not child and shown(other) and has_text(other):
            return True
    return False


def _text_block(link: etree._Element, link_has_text: bool) -> etree._Element:
    """The nearest place of text holding the link, or the nearest ancestor with text.

    A link without text of its own (an image without alt) needs text around it.
    """
    child = link
    for ancestor in link.iterancestors():
        if link_has_text and tag_name(ancestor) in _PLACE_TAGS:
            return ancestor
        if _has_text_besides(ancestor, child):
            return ancestor
        child = ancestor
    return child


def cut_before(text: str, side: int) -> str:
    """At most about ``side`` characters from the end of ``text``, from a sentence or word."""
    body = text.lstrip()
    if len(body.rstrip()) <= side:
        return body
    start = len(body) - side
    # The earliest sentence start in the window, which keeps the most text.
    for match in _SENTENCE_END.finditer(body, max(0, start - 4)):
        after = match.end() + 1
        if start <= after < len(body.rstrip()):
            return "…" + body[after:]
    space = body.find(" ", start - 1)
    if 0 <= space < len(body.rstrip()):
        return "…" + body[space + 1 :]
    return "…" + body[start:]


def cut_after(text: str, side: int) -> str:
    """At most about ``side`` characters from the start of ``text``, to a sentence or word."""
    lead = " " if text[:1].isspace() else ""
    body = text.strip()
    if len(body) <= side:
        return lead + body
    # The latest sentence end in the window, which keeps the most text.
    ends = [match.end() for match in _SENTENCE_END.finditer(body, 0, side + 1)]
    if ends:
        return lead + body[: ends[-1]] + "…"
    space = body.rfind(" ", 0, side + 1)
    if space > 0:
        return lead + body[:space].rstrip() + "…"
    return lead + body[:side] + "…"


def excerpt_around(link: etree._Element, link_text: str, max_excerpt: int) -> str:
    """The text around the link, at most ``max_excerpt`` characters, cut at words."""
    before: list[str] = []
    inside: list[str] = []
    after: list[str] = []
    out = before
    for piece in visible_texts(_text_block(link, bool(link_text)), link):
        if piece is ENTER_LINK:
            out = inside
        elif piece is LEAVE_LINK:
            out = after
        else:
            out.append(piece)
    # Only the text near the link matters; a block may hold megabytes of it.
    reach = 10 * max(max_excerpt, EXCERPT_SIDE)
    raw_before, raw_after = "".join(before), "".join(after)
    text_before = SPACE.sub(" ", raw_before[-reach:])
    text_inside = SPACE.sub(" ", "".join(inside))
    text_after = SPACE.sub(" ", raw_after[:reach])
    if len(raw_before) > reach:
        text_before = "…" + text_before.lstrip()  # the cut below then marks it, or keeps it
    if len(raw_after) > reach:
        text_after = text_after.rstrip() + "…"
    # Spaces at the edges of the link's text belong to the text around it.
    if text_inside[:1] == " " and text_before[-1:] != " ":
        text_before += " "
    if text_inside[-1:] == " " and text_after[:1] != " ":
        text_after = " " + text_after
    shown = text_inside.strip() or link_text
    side = min(EXCERPT_SIDE, max(0, (max_excerpt - len(shown) - 2) // 2))
    excerpt = (cut_before(text_before, side) + shown + cut_after(text_after, side)).strip()
    if len(excerpt) > max_excerpt:
        excerpt = cut_after(excerpt, max_excerpt - 1)
    return excerpt
