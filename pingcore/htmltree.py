"""HTML bytes to a tree: decoding as a browser would, and parsing with lxml or html5lib.

Also the few facts about elements that both links and source need: tag names, and what
a reader cannot see (the rule both the sending and the receiving side apply to links).
"""

from __future__ import annotations

import codecs
import functools
import re
import warnings
from collections.abc import Callable, MutableMapping
from typing import Any

import html5lib
import tinycss2  # type: ignore[import-untyped]
import webencodings  # type: ignore[import-untyped]
from html5lib.constants import DataLossWarning
from lxml import etree

__all__ = [
    "NOT_CONTENT_TAGS",
    "PARSERS",
    "ancestor_holds",
    "decode_html",
    "is_hidden",
    "is_response_link",
    "shows_nothing",
    "parse_html",
    "tag_name",
]

PARSERS = ("lxml", "html5lib")
# How many more elements html5lib may make than lxml does from the same page: real
# tag soup stays well under it (a few unclosed <font>s), hostile tag soup does not.
_HTML5LIB_ELEMENTS_PER_LXML = 8

# Elements whose text is never read as page text: code, styles, inert or fallback content.
NOT_CONTENT_TAGS = frozenset({"script", "style", "template", "noscript"})

# How far into the document a <meta charset> is looked for. The HTML standard says 1024
# bytes; real pages put long <head> preambles first, so look a little further, as
# browsers do in practice.
_PRESCAN_BYTES = 4096

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)

_ATTRIBUTE = re.compile(
    rb"""[\s/]*([^\s/>=][^\s/>=]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""", re.IGNORECASE
)
_CHARSET_IN_CONTENT = re.compile(rb"""charset\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s;"']+))""", re.I)
_TAG_OR_COMMENT = re.compile(rb"<!--|<meta[\s/]", re.IGNORECASE)

# Characters an XML tree cannot hold, which html5lib would hand to lxml. libxml2 reads
# them as U+FFFD itself; a form feed is whitespace.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The CSS properties that hide an element, and the values that do.
_HIDING_DECLARATIONS = {"display": frozenset({"none"}), "visibility": {"hidden", "collapse"}}
# An inline style longer than this that may hide is taken to hide.
_MAX_STYLE = 2_000
# The microformats2 properties of a response: an h-entry's link to what it answers,
# likes, reposts, bookmarks or quotes. IndieWeb replies often hide it on purpose.
_RESPONSE_CLASSES = frozenset(
    {"u-in-reply-to", "u-like-of", "u-repost-of", "u-bookmark-of", "u-quotation-of"}
)
# What makes an anchor show something besides text.
_PICTURE_TAGS = ("img", "svg", "picture", "video", "canvas", "object", "embed", "iframe")
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def _web_codec(label: str | bytes | None, *, from_meta: bool = False) -> str | None:
    """The Python codec for an encoding label, as a browser reads it; None when unknown.

    webencodings holds the Encoding Standard's table of labels (latin1 means
    windows-1252 there, as in every browser). Labels the standard maps to its
    "replacement" encoding are ignored like unknown ones.
    """
    if isinstance(label, bytes):
        label = label.decode("ascii", "replace")
    if not label:
        return None
    encoding = webencodings.lookup(label)
    if encoding is None or encoding.name == "replacement":
        return None
    if encoding.name == "x-user-defined":  # no Python codec; the prescan reads it so
        return "cp1252"
    name = str(encoding.codec_info.name)
    # A page cannot declare itself UTF-16 in its own (ASCII-compatible) bytes.
    if from_meta and name.startswith("utf-16"):
        return "utf-8"
    return name


def _meta_charset(head: bytes) -> str | None:
    """The encoding named by a <meta> in the first bytes (the standard's prescan, simplified)."""
    if b"charset" not in head.lower():  # both ways of naming one say "charset"
        return None
    pos = 0
    while True:
        found = _TAG_OR_COMMENT.search(head, pos)
        if found is None:
            return None
        if found.group() == b"<!--":
            end = head.find(b"-->", found.end())
            if end < 0:
                return None
            pos = end + 3
            continue
        attributes: dict[bytes, bytes] = {}
        pos = found.end() - 1
        while pos < len(head) and head[pos : pos + 1] != b">":
            match = _ATTRIBUTE.match(head, pos)
            if match is None or match.end() == pos:
                pos += 1
                continue
            pos = match.end()
            value = match.group(2) or b""
            if value[:1] in (b'"', b"'"):
                value = value[1:-1]
            attributes.setdefault(match.group(1).lower(), value)
        charset = attributes.get(b"charset")
        if charset is None and attributes.get(b"http-equiv", b"").lower() == b"content-type":
            declared = _CHARSET_IN_CONTENT.search(attributes.get(b"content", b""))
            if declared is not None:
                charset = next(group for group in declared.groups() if group is not None)
        codec = _web_codec(charset, from_meta=True)
        if codec is not None:
            return codec


def _xml_safe(text: str) -> str:
    if _NOT_XML.search(text) is None:
        return text
    return _NOT_XML.sub(lambda m: " " if m.group() == "\x0c" else "\ufffd", text)


def _without_nul(text: str) -> str:
    # A plain search: the regex over every character would cost a third of a parse.
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def _sniff(data: bytes, encoding: str | None) -> tuple[str | None, bytes]:
    """The codec a byte-order mark, the HTTP charset or a <meta> names; the bytes after a BOM."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, data[len(bom) :]
    return _web_codec(encoding) or _meta_charset(data[:_PRESCAN_BYTES]), data


def _decode(data: bytes, encoding: str | None) -> str:
    codec, data = _sniff(data, encoding)
    if codec is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            codec = "cp1252"
    return data.decode(codec, errors="replace")


def decode_html(data: bytes | str, encoding: str | None = None) -> str:
    """The text of an HTML document, decoded the way a browser would decode it.

    The order is a byte-order mark, then ``encoding`` (the HTTP charset), then a
    ``<meta charset>`` or ``<meta http-equiv=content-type>`` near the start, then
    UTF-8 when the bytes are valid UTF-8 and windows-1252 when not. Unknown labels
    are ignored, and bad bytes become U+FFFD, as does NUL.
    """
    if isinstance(data, str):
        return _without_nul(data.removeprefix("\ufeff"))
    return _without_nul(_decode(data, encoding))


def _utf8(data: bytes | str, encoding: str | None) -> bytes:
    """The document in UTF-8 for libxml2, as decode_html reads it.

    Valid UTF-8 goes through untouched: decoding and encoding again would cost a tenth
    of the parse. libxml2 reads NUL and other control characters as U+FFFD itself.
    """
    if isinstance(data, str):
        return data.removeprefix("\ufeff").encode("utf-8", "replace")
    codec, body = _sniff(data, encoding)
    if codec in (None, "utf-8"):
        if body.isascii():  # ASCII is UTF-8: no need to decode it to know
            return body
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            codec = codec or "cp1252"
        else:
            return body
    return body.decode(codec or "utf-8", errors="replace").encode("utf-8")


def _xml_safe_reference(match: re.Match[str]) -> str:
    hex_digits, decimal_digits = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(decimal_digits)
    if (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    ):
        return match.group()
    return "&#xFFFD;"


def _empty_document() -> etree._Element:
    root = etree.Element("html")
    etree.SubElement(root, "head")
    etree.SubElement(root, "body")
    return root


def _parse_lxml(data: bytes) -> etree._Element:
    # UTF-8 bytes with the encoding fixed: libxml2 must not second-guess the decoding
    # done here (and refuses a str holding an XML declaration). huge_tree lifts the
    # 10 MB cap on one text node; depth stays capped, see below. Nothing here looks an
    # element up by its id: not collecting them saves a tenth of the parse.
    parser = etree.HTMLParser(
        encoding="utf-8",
        no_network=True,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    root = etree.fromstring(data, parser)
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT":
            # libxml2 stops reading at its depth limit; what follows would be silently lost.
            depth = re.search(r"\d+", error.message)
            limit = f" (more than {depth.group()} levels)" if depth else ""
            raise ValueError(f"The HTML nests elements too deeply to read{limit}.")
    if root is None:
        return _empty_document()
    assert isinstance(root, etree._Element)
    return root


class _TooManyElements(Exception):
    pass


def _counting_tree_builder(limit: int) -> Any:
    """html5lib's lxml tree builder, stopping once it has made ``limit`` elements.

    html5lib copies every still-open formatting element into each new paragraph, as
    the HTML standard says: "<p><b id=1>x</p><p><b id=2>x</p>..." makes a number of
    elements that grows with the square of the page, and so does the time.

    It also spends time growing with the square of the page on three common shapes,
    which the builder here does in linear time, building the same tree: many siblings
    with text between them (it counts an element's children before adding each piece
    of text), long text in many pieces ("x&amp;x&amp;...": each piece is added by
    copying all that came before), and many elements moved out of a table (it lists
    the children of the table's parent for each).
    """
    base = html5lib.getTreeBuilder("lxml")

    class CountingTreeBuilder(base):  # type: ignore[misc, valid-type]
        def __init__(self, namespaceHTMLElements: bool, fullTree: bool = False) -> None:
            super().__init__(namespaceHTMLElements, fullTree)
            made = 0
            # Text on its way to the .text or .tail of one lxml element, written out in
            # one piece before anything reads text or it goes elsewhere.
            pending: list[str] = []
            target: list[Any] = [None, "text"]
            coerce = self.infosetFilter.coerceCharacters

            def flush() -> None:
                if pending:
                    node, attribute = target
                    setattr(node, attribute, (getattr(node, attribute) or "") + "".join(pending))
                    pending.clear()

            self.flush_text = flush

            class CountedElement(self.elementClass):  # type: ignore[misc, name-defined]
                def __init__(self, name: str, namespace: str | None) -> None:
                    nonlocal made
                    made += 1
                    if made > limit:
                        raise _TooManyElements
                    super().__init__(name, namespace)

                def insertText(self, data: str, insertBefore: Any = None) -> None:
                    if insertBefore is not None:
                        flush()
                        super().insertText(data, insertBefore)
                        return
                    last = next(self._element.iterchildren(reversed=True), None)
                    node, attribute = (self._element, "text") if last is None else (last, "tail")
                    if target[0] is not node or target[1] != attribute:
                        flush()
                        target[:] = [node, attribute]
                    pending.append(coerce(data))

                def insertBefore(self, node: Any, refNode: Any) -> None:
                    refNode._element.addprevious(node._element)
                    node.parent = self

                def hasContent(self) -> bool:
                    flush()
                    return bool(super().hasContent())

                def reparentChildren(self, newParent: Any) -> None:
                    flush()
                    super().reparentChildren(newParent)

            self.elementClass = CountedElement

        def getDocument(self) -> Any:
            self.flush_text()
            return super().getDocument()

        def getFragment(self) -> Any:
            self.flush_text()
            return super().getFragment()

    return CountingTreeBuilder


def _parse_html5lib(text: str) -> etree._Element:
    # html5lib's scope checks walk the stack of open elements, so its time grows with
    # the square of the nesting depth; lxml finds too-deep pages in a fraction of the
    # time, and its count of elements bounds what html5lib may sanely make.
    elements = sum(1 for _ in _parse_lxml(text.encode("utf-8", "replace")).iter())
    # html5lib turns &#1; into U+0001, which lxml refuses to store; libxml2 gives U+FFFD.
    text = _CHARACTER_REFERENCE.sub(_xml_safe_reference, _xml_safe(text))
    builder = _counting_tree_builder(_HTML5LIB_ELEMENTS_PER_LXML * elements + 10_000)
    with warnings.catch_warnings():
        # Attribute names XML cannot hold (@click, x:y) are renamed; nothing we read.
        warnings.simplefilter("ignore", DataLossWarning)
        try:
            parser = html5lib.HTMLParser(tree=builder, namespaceHTMLElements=False)
            tree = parser.parse(text)
        except _TooManyElements:
            raise ValueError(
                "html5lib would build a tree many times larger than the page (unclosed"
                " formatting elements copied into every paragraph); try parser='lxml'"
            ) from None
        except (ValueError, AssertionError, IndexError, KeyError, TypeError) as error:
            # A string lxml cannot store that slipped past the above, or one of the
            # internal assertions of html5lib 1.1 that tag soup can trip
            # (resetInsertionMode after <select> in <plaintext>): the page's fault to
            # report, not a crash.
            raise ValueError(
                f"html5lib could not build a tree from this HTML"
                f" ({type(error).__name__}: {error}); try parser='lxml'"
            ) from None
    root = tree.getroot()
    assert isinstance(root, etree._Element)
    return root


def parse_html(
    html: str | bytes, parser: str = "lxml", *, encoding: str | None = None
) -> etree._Element:
    """The root ``<html>`` element of ``html``, parsed by lxml (fast) or html5lib (exact).

    Bytes are decoded as :func:`decode_html` decodes them, ``encoding`` being the HTTP
    charset. Never touches the network. Raises ValueError for an unknown ``parser``, for
    a page nested deeper than libxml2 reads (2048 levels), which no real page is, and
    for the rare tag soup that trips an internal assertion of html5lib.
    """
    if parser == "lxml":
        return _parse_lxml(_utf8(html, encoding))
    if parser == "html5lib":
        return _parse_html5lib(decode_html(html, encoding))
    raise ValueError(f"parser must be one of {', '.join(PARSERS)}, not {parser!r}")


def tag_name(element: etree._Element) -> str:
    """The element's lower-case tag name; "" for comments and processing instructions."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


@functools.lru_cache(maxsize=1024)  # pages repeat their styles, element after element
def _style_hides(style: str) -> bool:
    """True when an inline ``style`` declares ``display: none`` or ``visibility: hidden``.

    Read with a CSS parser, which sees through comments (``display:/**/none``), escapes
    and case as a browser does; most styles name neither property and skip the parse.
    """
    lowered = style.lower()
    if "\\" not in style and "display" not in lowered and "visibility" not in lowered:
        return False
    if len(style) > _MAX_STYLE:
        return True  # no page styles an element with this much; each read would cost it
    for declaration in tinycss2.parse_blocks_contents(
        style, skip_comments=True, skip_whitespace=True
    ):
        if declaration.type != "declaration":
            continue
        hiding = _HIDING_DECLARATIONS.get(declaration.lower_name)
        if hiding is None:
            continue
        words = [
            token for token in declaration.value if token.type not in ("whitespace", "comment")
        ]
        if len(words) == 1 and words[0].type == "ident" and words[0].lower_value in hiding:
            return True
    return False


def is_hidden(element: etree._Element) -> bool:
    """True when the element itself is hidden from readers.

    That is: the ``hidden`` attribute (but ``until-found``, which the browser's find
    reveals), ``aria-hidden=true``, an inline style of ``display: none`` or
    ``visibility: hidden``/``collapse`` in any CSS spelling, or a ``<dialog>`` that is
    not open. What ancestors hide is for the caller to walk.
    """
    attrib = element.attrib
    hidden = attrib.get("hidden")
    if hidden is not None and hidden.strip().lower() != "until-found":
        return True
    if attrib.get("aria-hidden", "").strip().lower() == "true":
        return True
    if element.tag == "dialog" and attrib.get("open") is None:
        return True
    style = attrib.get("style")
    return style is not None and _style_hides(style)


def ancestor_holds(
    element: etree._Element,
    test: Callable[[etree._Element], bool],
    memo: MutableMapping[etree._Element, bool],
) -> bool:
    """True when ``test`` holds for ``element`` or one of its ancestors.

    Pass one ``memo`` for every element of a tree that is asked the same ``test``: each
    ancestor is then judged once, and many deeply nested elements cost linear time.
    """
    walked: list[etree._Element] = []
    node: etree._Element | None = element
    verdict = False
    while node is not None:
        known = memo.get(node)
        if known is not None:
            verdict = known
            break
        walked.append(node)
        if test(node):
            verdict = True
            break
        node = node.getparent()
    memo.update(dict.fromkeys(walked, verdict))
    return verdict


def _is_h_entry(element: etree._Element) -> bool:
    classes = element.get("class")
    return classes is not None and "h-entry" in classes.split()


def is_response_link(
    link: etree._Element, entries: MutableMapping[etree._Element, bool] | None = None
) -> bool:
    """True for a link that is an h-entry's response property (``u-in-reply-to``, ...).

    Such a link says what the entry answers, likes or reposts, however it is shown:
    replies often hide it, and receivers (webmention.io among them) accept it. Pass
    one ``entries`` dict for the links of one tree (see :func:`ancestor_holds`).
    """
    classes = link.get("class")
    if classes is None or "u-" not in classes or _RESPONSE_CLASSES.isdisjoint(classes.split()):
        return False
    parent = link.getparent()
    return parent is not None and ancestor_holds(
        parent, _is_h_entry, {} if entries is None else entries
    )


def _map_in_use(area: etree._Element) -> bool:
    """True when some ``<img usemap>`` shows the ``<map>`` holding ``area``."""
    image_map = next((a for a in area.iterancestors() if a.tag == "map"), None)
    if image_map is None:
        return False
    names = {image_map.get("name"), image_map.get("id")} - {None, ""}
    return any(
        (image.get("usemap") or "").strip().lstrip("#") in names
        for image in image_map.getroottree().iter("img")
        if image.get("usemap")
    )


def shows_nothing(link: etree._Element) -> bool:
    """True for a link a reader cannot see or click, whatever its ancestors do.

    An ``<a>`` with no text and no picture in it, or an ``<area>`` of a ``<map>`` that
    no ``<img usemap>`` shows.
    """
    if link.tag == "area":
        return not _map_in_use(link)
    if link.tag != "a":
        return False
    if link.text and not link.text.isspace():
        return False
    for inner in link.iterdescendants():
        if inner.tag in _PICTURE_TAGS or (inner.tail and not inner.tail.isspace()):
            return False
        if inner.text and not inner.text.isspace() and inner.tag not in NOT_CONTENT_TAGS:
            return False
    return True
