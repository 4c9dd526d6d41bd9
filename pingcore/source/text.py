"""The text a reader sees in an element: in order, spaced between blocks, collapsed."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable, Iterator

from lxml import etree

from ..htmltree import NOT_CONTENT_TAGS, is_hidden, tag_name

INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "img"}
    | {"ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong"}
    | {"sub", "sup", "time", "tt", "u", "var", "big", "del", "wbr", "abbr", "acronym"}
)
SPACE = re.compile(r"\s+")

# Where a piece of text goes relative to the link, while walking a block's text. Compared
# by identity: no text from the page is ever these very objects.
ENTER_LINK = "<enter link>"
LEAVE_LINK = "<leave link>"


def collapse(text: str) -> str:
    """The text with each run of whitespace made one space, and trimmed."""
    return SPACE.sub(" ", text).strip()


def without_format_characters(text: str) -> str:
    """``text`` without Unicode format characters (category Cf): bidi overrides and
    isolates, zero-width spaces and joiners, soft hyphens, which a page uses to make
    "Invoice \u202egpj.exe" read as something it is not."""
    if text.isprintable():  # no Cf character is printable: most texts stop here
        return text
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def shown(element: etree._Element) -> bool:
    """True for an element a reader sees: content, not hidden."""
    name = tag_name(element)
    return bool(name) and name not in NOT_CONTENT_TAGS and not is_hidden(element)


class Budget:
    """How many more elements a search may read; its reads share it, so that elements
    nested in each other cannot multiply it."""

    __slots__ = ("elements",)

    def __init__(self, elements: int) -> None:
        self.elements = elements


def visible_texts(
    top: etree._Element,
    link: etree._Element | None = None,
    skip: Container[etree._Element] = (),
    budget: Budget | None = None,
) -> Iterator[str]:
    """The text a reader sees inside ``top``, in order, with spaces between blocks.

    Yields ENTER_LINK and LEAVE_LINK around the text of ``link``, and leaves out the
    elements in ``skip``; stops where ``budget`` runs out. A loop with its own stack,
    not recursion: pages nest thousands deep.
    """
    if top.text:
        yield top.text
    stack: list[tuple[etree._Element, Iterator[etree._Element]]] = [(top, iter(top))]
    while stack:
        parent, children = stack[-1]
        child = next(children, None)
        if budget is not None and child is not None:
            budget.elements -= 1
            if budget.elements < 0:
                return
        if child is None:
            stack.pop()
            if parent is link:
                yield LEAVE_LINK
            if stack:
                if tag_name(parent) not in INLINE_TAGS:
                    yield " "
                if parent.tail:
                    yield parent.tail
            continue
        if not shown(child) or child in skip:
            if child.tail:
                yield child.tail
            continue
        if tag_name(child) not in INLINE_TAGS:
            yield " "
        if child is link:
            yield ENTER_LINK
        if child.text:
            yield child.text
        stack.append((child, iter(child)))


def text_of(element: etree._Element, skip: Container[etree._Element] = ()) -> str:
    """The text a reader sees in ``element`` (less ``skip``), whitespace collapsed."""
    return collapse("".join(visible_texts(element, skip=skip)))


def has_text(element: etree._Element) -> bool:
    """True when ``element`` shows a reader any text."""
    return any(not piece.isspace() for piece in visible_texts(element) if piece)


def _shows_text(top: etree._Element, blank: set[etree._Element]) -> bool:
    """``has_text(top)``, not reading again what ``blank`` holds; when False, ``top``
    and every element shown in it go into ``blank``: they show no text either."""
    if top.text and not top.text.isspace():
        return True
    read = [top]
    stack = [iter(top)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tail and not child.tail.isspace():
            return True
        elif child not in blank and shown(child):
            if child.text and not child.text.isspace():
                return True
            read.append(child)
            stack.append(iter(child))
    blank.update(read)
    return False


def first_text(elements: Iterable[etree._Element], blank: set[etree._Element]) -> str:
    """The text of the first of ``elements`` (in document order) that shows any, or "".

    Pass one ``blank`` to every search in a tree: each element is then read once,
    however many of the elements nest in each other.
    """
    for element in elements:
        if element not in blank and _shows_text(element, blank):
            return text_of(element)
    return ""


def text_of_link(link: etree._Element) -> str:
    """The link's text, or for an image link the image's alt or title, or the link's title."""
    text = text_of(link)
    if text:
        return text
    for image in link.iter("img"):
        for attribute in ("alt", "title"):
            text = collapse(image.get(attribute, ""))
            if text:
                return text
    for attribute in ("title", "aria-label", "alt"):
        text = collapse(link.get(attribute, ""))
        if text:
            return text
    return ""
