"""The microformats2 a source page carries, read from the lxml tree pingcore already has.

A subset of the mf2 parsing spec (https://microformats.org/wiki/microformats2-parsing):
h-* roots, p-/u-/dt-/e- properties, nested microformats, implied name, photo and url,
the value-class pattern, and rel values. Backcompat classes (hentry, vcard) are not read.
The output has the shape of mf2py's ``to_dict()`` (items, rels), which the oracle tests
compare against; work is linear in the size of the page, whatever the page.

Why not mf2py itself: it parses the page again with BeautifulSoup, some 60 times
lxml's own parse of the team's corpus, where reading the tree pingcore already has
costs well under one lxml parse (``python -m bench parse``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from .pageindex import PageIndex

__all__ = ["MAX_ITEM_DEPTH", "ParsedPage", "parse_microformats", "read_rels"]

Item = dict[str, Any]

# Items nested deeper than this are skipped with their subtree: no real page nests
# microformats this far, and every consumer can then walk an item without a stack.
MAX_ITEM_DEPTH = 64
# One text or HTML read stops after this many characters; mentions keep far less.
MAX_READ = 262_144
# Text and HTML reads share a page-wide allowance, a small multiple of the page's own
# size, so that properties nested inside properties cannot read the page again and again.
_BUDGET_PER_NODE = 8
_BUDGET_FLOOR = 100_000
_CHARS_PER_STEP = 256

_ROOT = re.compile(r"h-(?:[a-z0-9]+-)?[a-z]+(?:-[a-z]+)*")
_PROPERTY = re.compile(r"(p|u|dt|e)-((?:[a-z0-9]+-)?[a-z]+(?:-[a-z]+)*)")
_PREFIX_ORDER = ("p", "u", "dt", "e")
# What each prefix stops from being implied, in the parent's record of what it saw.
_SEEN_MARK = {"p": "p", "u": "u", "dt": "d", "e": "e"}
_DROPPED_IN_TEXT = frozenset({"script", "style", "template"})
_LINE_SPACE = re.compile(r"[\n\t\r]+")
_SPACES = re.compile(r" {2,}")
# Elements that may be roots, found by libxml2 (most of what it finds, "search-form",
# is not one). Walking the class attributes is some three times faster than testing
# each element's.
_MAYBE_ROOTS = "//@class[contains(., 'h-')]/.."
_REL_ELEMENTS = "//@rel/.."
_REL_TAGS = frozenset({"a", "area", "link"})

_DATE = r"(?P<date>\d{4}-\d{2}-\d{2}|\d{4}-\d{3})"
_TIME = (
    r"(?P<hour>\d{1,2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?)?"
    r"(?: ?(?P<ampm>am|pm|a\.m\.|p\.m\.|AM|PM|A\.M\.|P\.M\.))?"
    r"(?: ?(?P<tz>Z|[+-]\d{1,2}:?(?:\d{2})?))?"
)
_DATE_ONLY = re.compile(_DATE)
_TIME_ONLY = re.compile(_TIME)
_DATE_TIME = re.compile(_DATE + r"(?P<separator>[T ])" + _TIME)
_ZONE_ONLY = re.compile(r"Z|[+-]\d{1,2}:?(?:\d{2})?")

# Markers in a text read: a paragraph's edges, a <pre>'s edges (as in mf2py's reading).
_P_AFTER, _P_BEFORE, _PRE_BEFORE, _PRE_AFTER = 0, 1, 2, 3


class ParsedPage:
    """What :func:`parse_microformats` found: mf2 JSON, plus where each item sits.

    ``rels`` are read from the page the first time they are asked for: only the
    authorship of an entry without an author needs them.
    """

    def __init__(
        self,
        items: list[Item],
        rels: dict[str, list[str]] | None = None,
        elements: dict[int, etree._Element] | None = None,
        read_rels: Callable[[], dict[str, list[str]]] | None = None,
    ) -> None:
        self.items = items
        # id() of each item dict (top-level and nested) -> its element, for finding the
        # item around a given link; the items keep the ids alive as long as this lives.
        self.elements = elements or {}
        self._rels = rels
        self._read_rels = read_rels

    @property
    def rels(self) -> dict[str, list[str]]:
        if self._rels is None:
            self._rels = self._read_rels() if self._read_rels is not None else {}
        return self._rels


class _Budget:
    """Steps of reading left for the whole page; reads come back short once it is spent.

    A page starts with a fixed allowance, which real pages never spend; only a page
    that does is measured, once, and given its full allowance.
    """

    __slots__ = ("left", "measure")

    def __init__(self, steps: int, measure: Callable[[], int] | None = None) -> None:
        self.left = steps
        self.measure = measure

    def charge(self, text: str | None) -> bool:
        self.left -= 1 + (len(text) // _CHARS_PER_STEP if text else 0)
        if self.left <= 0 and self.measure is not None:
            self.left += self.measure()
            self.measure = None
        return self.left > 0


def _classes(element: etree._Element) -> list[str]:
    value = element.get("class")
    return value.split() if value else []


def _roots(classes: Iterable[str]) -> list[str]:
    return sorted({name for name in classes if _ROOT.fullmatch(name)})


def _properties(classes: Iterable[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name in classes:
        match = _PROPERTY.fullmatch(name)
        if match is not None:
            names = found.setdefault(match.group(1), [])
            if match.group(2) not in names:
                names.append(match.group(2))
    return found


def _tag(element: etree._Element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _element_children(element: etree._Element) -> list[etree._Element]:
    """Child elements, without comments and without <template>s (inert, as in mf2py)."""
    return [child for child in element if isinstance(child.tag, str) and _tag(child) != "template"]


def _join(base_url: str, url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    try:
        return urljoin(base_url, url)
    except ValueError:
        return url


def _plain_text(element: etree._Element, budget: _Budget) -> str:
    """All text under the element, as is (for <pre> and the value-class pattern)."""
    pieces: list[str] = []
    size = 0
    for text in element.itertext():
        if not budget.charge(str(text)) or size > MAX_READ:
            break
        pieces.append(str(text))
        size += len(text)
    return "".join(pieces)


def _collapse_piece(text: str) -> str:
    return _SPACES.sub(" ", _LINE_SPACE.sub(" ", text))


def _text_pieces(
    top: etree._Element, budget: _Budget, replace_img: bool, img_to_src: bool, base_url: str
) -> list[str | int]:
    """The pieces of the element's text and the paragraph markers between them, in order."""
    pieces: list[str | int] = []
    size = 0
    # (element, entering): leaving a <p> closes it, and an element's tail comes after it.
    stack: list[tuple[etree._Element, bool]] = [(top, True)]
    while stack:
        element, entering = stack.pop()
        if not entering:
            if _tag(element) == "p":
                pieces.extend((_P_AFTER, "\n"))
            if element is not top and element.tail:
                pieces.append(_collapse_piece(element.tail))
                size += len(element.tail)
            continue
        if not budget.charge(element.text) or size > MAX_READ:
            break
        tag = _tag(element)
        stack.append((element, False))
        if not tag or tag in _DROPPED_IN_TEXT:
            continue
        if tag == "pre":
            pieces.extend((_PRE_BEFORE, _plain_text(element, budget), _PRE_AFTER))
            continue
        if tag == "img" and replace_img:
            value = element.get("alt")
            if value is None and img_to_src:
                src = element.get("src")
                value = _join(base_url, src) if src is not None else None
            if value is not None:
                pieces.extend((" ", value, " "))
            continue
        if tag == "br":
            pieces.append("\n")
            continue
        if tag == "p":
            pieces.append(_P_BEFORE)
        if element.text:
            pieces.append(_collapse_piece(element.text))
            size += len(element.text)
        stack.extend((child, True) for child in reversed(element))
    return [piece for piece in pieces if piece != ""]


def _is_break(piece: str | int) -> bool:
    return isinstance(piece, int) and piece in (_P_AFTER, _P_BEFORE)


def text_content(
    element: etree._Element,
    budget: _Budget,
    *,
    replace_img: bool = False,
    img_to_src: bool = True,
    base_url: str = "",
) -> str:
    """The element's text as mf2 parsers read it: spaces collapsed, paragraphs on lines."""
    pieces = _text_pieces(element, budget, replace_img, img_to_src, base_url)
    # A lone space next to another space, a paragraph edge or either end says nothing.
    last = len(pieces) - 1
    for i, piece in enumerate(pieces):
        if piece == " " and (
            i in (0, last)
            or pieces[i - 1] == " "
            or _is_break(pieces[i - 1])
            or pieces[i + 1] == " "
            or _is_break(pieces[i + 1])
        ):
            pieces[i] = ""
    start, end = 0, len(pieces)
    while start < end and _is_blank(pieces[start]):
        start += 1
    while end > start and _is_blank(pieces[end - 1]):
        end -= 1
    pieces = pieces[start:end]
    if pieces and isinstance(pieces[0], str):
        pieces[0] = pieces[0].lstrip()
    if pieces and isinstance(pieces[-1], str):
        pieces[-1] = pieces[-1].rstrip()
    out: list[str] = []
    breaks = 0
    previous: str | int | None = None
    for piece in pieces:
        if _is_break(piece):
            assert isinstance(piece, int)
            breaks = max(breaks, piece)
        elif piece == _PRE_BEFORE:
            out = ["".join(out).rstrip(" ")]
        elif isinstance(piece, str):
            if breaks or previous == "\n":
                piece = piece.lstrip(" ")
            out.append("\n" * breaks + piece)
            breaks = 0
        previous = piece
    return "".join(out)


def _is_blank(piece: str | int) -> bool:
    return _is_break(piece) or (isinstance(piece, str) and (piece == "" or piece.isspace()))


def _value_elements(element: etree._Element) -> list[etree._Element]:
    return [
        child
        for child in _element_children(element)
        if {"value", "value-title"} & set(_classes(child))
    ]


def _value_class_text(element: etree._Element, budget: _Budget) -> str | None:
    parts = _value_elements(element)
    if not parts:
        return None
    return "".join(
        (part.get("title") or "") if "value-title" in _classes(part) else _plain_text(part, budget)
        for part in parts
    )


def _img_value(element: etree._Element, base_url: str) -> str | Item | None:
    if _tag(element) != "img":
        return None
    src = element.get("src")
    if src is None:
        return None
    url = _join(base_url, src)
    alt = element.get("alt")
    srcset = element.get("srcset")
    if alt is None and not srcset:
        return url
    value: Item = {"value": url}
    if alt is not None:
        value["alt"] = alt
    if srcset:
        value["srcset"] = _srcset(srcset, base_url)
    return value


_SRCSET_ENTRY = re.compile(r"(\S+)\s*([\d.]+[xw])?\s*,?\s*")


def _srcset(srcset: str, base_url: str) -> dict[str, str]:
    sources: dict[str, str] = {}
    for url, descriptor in _SRCSET_ENTRY.findall(srcset[:MAX_READ]):
        sources.setdefault(descriptor or "1x", _join(base_url, url.strip(",")))
    return sources


def _attribute(element: etree._Element, name: str, tags: tuple[str, ...]) -> str | None:
    return element.get(name) if _tag(element) in tags else None


def _p_value(element: etree._Element, budget: _Budget, base_url: str) -> str:
    for value in (
        _value_class_text(element, budget),
        _attribute(element, "title", ("abbr", "link")),
        _attribute(element, "value", ("data", "input")),
        _attribute(element, "alt", ("img", "area")),
    ):
        if value is not None:
            return value
    return text_content(element, budget, replace_img=True, base_url=base_url)


def _u_value(element: etree._Element, budget: _Budget, base_url: str) -> str | Item:
    href = _attribute(element, "href", ("a", "area", "link"))
    if href is None:
        image = _img_value(element, base_url)
        if image is not None:
            return image
    value = href
    if value is None:
        value = _attribute(element, "src", ("audio", "video", "source", "iframe"))
    if value is None:
        value = _attribute(element, "poster", ("video",))
    if value is None:
        value = _attribute(element, "data", ("object",))
    if value is None:
        value = _value_class_text(element, budget)
    if value is None:
        value = _attribute(element, "title", ("abbr",))
    if value is None:
        value = _attribute(element, "value", ("data", "input"))
    if value is None:
        value = text_content(element, budget)
    return _join(base_url, value)


def _normalize_datetime(text: str, match: re.Match[str] | None = None) -> str:
    """ISO-like text in one form: 24-hour time, calendar dates, offsets without a colon."""
    match = match or _DATE_TIME.fullmatch(text)
    if match is None:
        return text
    date = match.group("date")
    if len(date) == 8:  # an ordinal date, YYYY-DDD
        try:
            date = datetime.strptime(date, "%Y-%j").strftime("%Y-%m-%d")
        except ValueError:
            pass
    hour = match.group("hour")
    ampm = (match.group("ampm") or "").lower()
    if ampm.startswith("a") and int(hour) == 12:
        hour = "00"
    elif ampm.startswith("p") and int(hour) < 12:
        hour = str(int(hour) + 12)
    out = f"{date}{match.group('separator')}{hour}:{match.group('minute') or '00'}"
    if match.group("second"):
        out += ":" + match.group("second")
    if match.group("tz"):
        out += match.group("tz").replace(":", "")
    return out


def _value_class_datetime(
    element: etree._Element, budget: _Budget, default_date: str | None
) -> tuple[str, str | None] | None:
    parts: list[str] = []
    for part in _value_elements(element):
        tag = _tag(part)
        if "value-title" in _classes(part):
            raw = part.get("title")
        elif tag in ("img", "area"):
            raw = part.get("alt") or _plain_text(part, budget)
        elif tag == "data":
            raw = part.get("value") or _plain_text(part, budget)
        elif tag == "abbr":
            raw = part.get("title") or _plain_text(part, budget)
        elif tag in ("del", "ins", "time"):
            raw = part.get("datetime") or _plain_text(part, budget)
        else:
            raw = _plain_text(part, budget)
        if raw:
            parts.append(raw.strip())
    if not parts:
        return None
    date: str | None = None
    time: str | None = None
    zone: str | None = None
    for text in parts:
        whole = _DATE_TIME.fullmatch(text)
        if whole is not None:
            return _normalize_datetime(text, whole), whole.group("date")
        if time is None and _TIME_ONLY.fullmatch(text):
            time = text
        elif date is None and _DATE_ONLY.fullmatch(text):
            date = text
        elif zone is None and _ZONE_ONLY.fullmatch(text):
            zone = text
    date = date or default_date
    value = f"{date} {time}" if date and time else (date or time or "")
    if zone:
        value += zone
    return _normalize_datetime(value), date


def _dt_value(
    element: etree._Element, budget: _Budget, default_date: str | None
) -> tuple[str, str | None]:
    """The date-time text, and the date part later time-only values borrow."""
    found = _value_class_datetime(element, budget, default_date)
    if found is not None:
        return found
    value = _attribute(element, "datetime", ("time", "ins", "del"))
    if value is None:
        value = _attribute(element, "title", ("abbr",))
    if value is None:
        value = _attribute(element, "value", ("data", "input"))
    if value is None:
        value = text_content(element, budget)
    if default_date and _TIME_ONLY.fullmatch(value):
        return _normalize_datetime(f"{default_date} {value}"), default_date
    match = _DATE_TIME.fullmatch(value)
    return _normalize_datetime(value, match), match.group("date") if match else None


def inner_html(element: etree._Element, budget: _Budget) -> str:
    """The HTML inside the element, stopping after about MAX_READ characters."""
    pieces = [escape(element.text, quote=False)] if element.text else []
    size = len(pieces[0]) if pieces else 0
    for child in element:
        if size > MAX_READ:
            break
        piece = etree.tostring(child, method="html", encoding="unicode", with_tail=True)
        if not budget.charge(piece):
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces).strip()


def _e_value(element: etree._Element, budget: _Budget, base_url: str) -> Item:
    return {
        "value": text_content(element, budget, replace_img=True, base_url=base_url),
        "html": inner_html(element, budget),
    }


def _only_child(element: etree._Element, tags: tuple[str, ...]) -> etree._Element | None:
    """The one child of these tags, when there is exactly one and it is not a root."""
    for tag in tags:
        found = [child for child in _element_children(element) if _tag(child) == tag]
        if len(found) == 1 and not _roots(_classes(found[0])):
            return found[0]
    return None


def _implied_name(element: etree._Element, budget: _Budget, base_url: str) -> str:
    def usable(value: str | None) -> bool:
        return value is not None and value != ""

    for value in (
        _attribute(element, "alt", ("img", "area")),
        _attribute(element, "title", ("abbr",)),
    ):
        if usable(value):
            assert value is not None
            return value
    candidate: etree._Element | None = None
    children = _element_children(element)
    if len(children) == 1 and not _roots(_classes(children[0])):
        candidate = children[0]
        if _tag(candidate) not in ("img", "area", "abbr"):
            grandchildren = _element_children(candidate)
            candidate = grandchildren[0] if len(grandchildren) == 1 else None
            if candidate is not None and (
                _tag(candidate) not in ("img", "area", "abbr") or _roots(_classes(candidate))
            ):
                candidate = None
    if candidate is not None:
        for value in (
            _attribute(candidate, "alt", ("img", "area")),
            _attribute(candidate, "title", ("abbr",)),
        ):
            if usable(value):
                assert value is not None
                return value
    return text_content(element, budget, replace_img=True, img_to_src=False, base_url=base_url)


def _implied_photo(element: etree._Element, base_url: str) -> str | Item | None:
    def photo_of(candidate: etree._Element) -> str | Item | None:
        image = _img_value(candidate, base_url)
        if image is not None:
            return image
        data = _attribute(candidate, "data", ("object",))
        return _join(base_url, data) if data else None

    own = photo_of(element)
    if own is not None:
        return own
    candidate = _only_child(element, ("img", "object"))
    children = _element_children(element)
    if candidate is None and len(children) == 1 and not _roots(_classes(children[0])):
        candidate = _only_child(children[0], ("img", "object"))
    return photo_of(candidate) if candidate is not None else None


def _implied_url(element: etree._Element, base_url: str) -> str | None:
    href = _attribute(element, "href", ("a", "area"))
    if href is not None:
        return _join(base_url, href)
    candidate = _only_child(element, ("a", "area"))
    children = _element_children(element)
    if candidate is None and len(children) == 1 and not _roots(_classes(children[0])):
        candidate = _only_child(children[0], ("a", "area"))
    if candidate is None:
        return None
    href = candidate.get("href")
    return _join(base_url, href) if href is not None else None


class _ItemInProgress:
    """One microformat being read: its properties so far, and where its results go."""

    __slots__ = ("children", "depth", "element", "properties", "seen", "types", "uses")

    def __init__(self, element: etree._Element, types: list[str], depth: int) -> None:
        self.element = element
        self.types = types
        self.depth = depth
        self.properties: dict[str, list[Any]] = {}
        self.children: list[Item] = []
        self.seen: set[str] = set()  # marks of what was found: p, u, d, e, h
        # The dicts standing for this item in its parent: each with the property whose
        # first value is the item's "value" (name for p-, url for u-), and the fallback.
        self.uses: list[tuple[Item, str | None, Any]] = []


class _Reader:
    """Reads the items of one page; all state of one parse, none between parses."""

    def __init__(self, base_url: str, budget: _Budget) -> None:
        self.base_url = base_url
        self.budget = budget
        self.default_date: str | None = None
        self.elements: dict[int, etree._Element] = {}
        self.claimed: set[etree._Element] = set()

    def read(self, element: etree._Element, types: list[str]) -> Item:
        """The item rooted at ``element``, nested items included, without recursion."""
        top = _ItemInProgress(element, types, 0)
        item: Item = {}
        top.uses.append((item, None, None))
        self.default_date = None
        # Work to do, last first: an element to visit for an item, or an item to finish.
        work: list[tuple[etree._Element, _ItemInProgress] | _ItemInProgress] = [top]
        work.extend((child, top) for child in reversed(_element_children(element)))
        while work:
            task = work.pop()
            if isinstance(task, _ItemInProgress):
                self._finish(task)
            else:
                self._visit(task[0], task[1], work)
        return item

    def _visit(
        self,
        element: etree._Element,
        owner: _ItemInProgress,
        work: list[tuple[etree._Element, _ItemInProgress] | _ItemInProgress],
    ) -> None:
        classes = _classes(element)
        roots = _roots(classes) if classes else []
        properties = _properties(classes) if classes else {}
        if roots:
            self.claimed.add(element)
            if owner.depth + 1 > MAX_ITEM_DEPTH:
                # Nor may the roots below become top-level items: the subtree is gone.
                self.claimed.update(element.iter())
                return
        owner.seen.update(_SEEN_MARK[prefix] for prefix in properties)
        values = self._property_values(element, properties)
        if not roots:
            for name, value in values:
                owner.properties.setdefault(name, []).append(value)
            work.extend((child, owner) for child in reversed(_element_children(element)))
            return
        owner.seen.add("h")
        nested = _ItemInProgress(element, roots, owner.depth + 1)
        for (name, value), prefix in zip(values, self._prefixes(properties), strict=True):
            stands_for: Item = {}
            owner.properties.setdefault(name, []).append(stands_for)
            value_property = {"p": "name", "u": "url"}.get(prefix)
            nested.uses.append((stands_for, value_property, value))
        if not values:
            stands_for = {}
            owner.children.append(stands_for)
            nested.uses.append((stands_for, None, None))
        self.default_date = None
        work.append(nested)
        work.extend((child, nested) for child in reversed(_element_children(element)))

    @staticmethod
    def _prefixes(properties: dict[str, list[str]]) -> list[str]:
        return [prefix for prefix in _PREFIX_ORDER for _ in properties.get(prefix, ())]

    def _property_values(
        self, element: etree._Element, properties: dict[str, list[str]]
    ) -> list[tuple[str, Any]]:
        """(name, value) for each property class, in mf2py's order: p, u, dt, e."""
        values: list[tuple[str, Any]] = []
        for prefix in _PREFIX_ORDER:
            names = properties.get(prefix)
            if not names:
                continue
            value: Any
            if prefix == "p":
                value = _p_value(element, self.budget, self.base_url)
            elif prefix == "u":
                value = _u_value(element, self.budget, self.base_url)
            elif prefix == "dt":
                value, date = _dt_value(element, self.budget, self.default_date)
                if date:
                    self.default_date = date
            else:
                value = _e_value(element, self.budget, self.base_url)
            values.extend((name, value) for name in names)
        return values

    def _finish(self, built: _ItemInProgress) -> None:
        properties = built.properties
        explicit = {name: values[0] for name, values in properties.items() if values}
        element = built.element
        if "name" not in properties and not built.seen & {"p", "e", "h"}:
            properties["name"] = [_implied_name(element, self.budget, self.base_url)]
        if not built.seen & {"u", "h"}:
            if "photo" not in properties:
                photo = _implied_photo(element, self.base_url)
                if photo is not None:
                    properties["photo"] = [photo]
            if "url" not in properties:
                url = _implied_url(element, self.base_url)
                if url is not None:
                    properties["url"] = [url]
        for stands_for, value_property, fallback in built.uses:
            stands_for["type"] = built.types
            stands_for["properties"] = properties
            if built.children:
                stands_for["children"] = built.children
            value = explicit.get(value_property, fallback) if value_property else fallback
            if isinstance(value, dict):
                stands_for.update(value)
            elif value is not None:
                stands_for["value"] = value
            self.elements[id(stands_for)] = element


def read_rels(root: etree._Element, base_url: str) -> dict[str, list[str]]:
    """The page's rel values, each with its URLs in document order, as mf2 has them."""
    rels: dict[str, list[str]] = {}
    found = root.xpath(_REL_ELEMENTS)
    assert isinstance(found, list)
    for element in found:
        if not isinstance(element, etree._Element) or _tag(element) not in _REL_TAGS:
            continue
        url = _join(base_url, element.get("href", ""))
        for rel in (element.get("rel") or "").split():
            urls = rels.setdefault(rel, [])
            if url not in urls:
                urls.append(url)
    return rels


def _in_template(element: etree._Element, verdicts: dict[etree._Element, bool]) -> bool:
    walked: list[etree._Element] = []
    node: etree._Element | None = element.getparent()
    verdict = False
    while node is not None:
        if node in verdicts:
            verdict = verdicts[node]
            break
        walked.append(node)
        if _tag(node) == "template":
            verdict = True
            break
        node = node.getparent()
    verdicts.update(dict.fromkeys(walked, verdict))
    return verdict


def _page_size(root: etree._Element) -> int:
    """The full reading allowance of a page: a few steps per element and per text."""
    elements = root.xpath("count(//*)")
    assert isinstance(elements, float)
    text = etree.tostring(root, method="text", encoding="unicode")
    return _BUDGET_PER_NODE * (int(elements) + len(text) // _CHARS_PER_STEP)


def parse_microformats(
    root: etree._Element, base_url: str, *, index: PageIndex | None = None
) -> ParsedPage:
    """The page's mf2 items and rels, relative URLs resolved against ``base_url``.

    Cheap on pages without microformats: the elements whose class holds "h-" are found
    (in the classes of ``index``, the tree's PageIndex, if one was made, else by lxml's
    XPath), and only their subtrees are read, each element once. Reads that would go
    past a page-wide allowance (a few times the page's size) come back short rather
    than slow.
    """
    if index is not None:
        found: list[object] = [
            element
            for element, classes in zip(index.elements, index.classes(), strict=True)
            if classes is not None and "h-" in classes
        ]
    else:
        found = root.xpath(_MAYBE_ROOTS)  # type: ignore[assignment]
        assert isinstance(found, list)
    items: list[Item] = []
    reader = _Reader(base_url, _Budget(_BUDGET_FLOOR, lambda: _page_size(root)))
    verdicts: dict[etree._Element, bool] = {}
    for element in found:
        if not isinstance(element, etree._Element) or element in reader.claimed:
            continue
        types = _roots(_classes(element))
        if not types or _in_template(element, verdicts):
            continue
        reader.claimed.add(element)
        items.append(reader.read(element, types))
    return ParsedPage(items, elements=reader.elements, read_rels=lambda: read_rels(root, base_url))
