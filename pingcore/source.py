"""What a source page says about its link to a target: the link, its context, author, title.

A receiver calls :func:`parse_source` on the page it fetched to check that the page
links to the target and to show the ping: an excerpt around the link, who wrote it.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote, urlsplit

from lxml import etree

from .errors import SourceHasNoLink
from .htmltree import NOT_CONTENT_TAGS, PARSERS, is_hidden, parse_html, tag_name
from .links import link_counts
from .urls import MAX_URL_LENGTH, is_http_url, normalize_url, resolve_href

__all__ = ["SourceInfo", "parse_source"]

# Text this far either side of the link makes the excerpt, give or take a word.
EXCERPT_SIDE = 100
MAX_AUTHOR = 100

# Elements HTML gives as the place of a run of text; the excerpt comes from the nearest.
_PLACE_TAGS = frozenset(
    {"p", "li", "blockquote", "dd", "dt", "td", "th", "figcaption", "caption", "pre"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "address", "summary", "legend"}
)
# Phrasing elements run on in a line; every other element breaks words apart.
_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "img"}
    | {"ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong"}
    | {"sub", "sup", "time", "tt", "u", "var", "big", "del", "wbr", "abbr", "acronym"}
)
_SPACE = re.compile(r"\s+")
# A sentence ends at a stop, maybe closed by quotes or brackets, before a space.
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*(?=\s)")

# Where a piece of text goes relative to the link, while walking a block's text. Compared
# by identity: no text from the page is ever these very objects.
_ENTER_LINK = "<enter link>"
_LEAVE_LINK = "<leave link>"


@dataclass(frozen=True)
class SourceInfo:
    """What the source page says about its link to the target."""

    source_url: str
    target_url: str
    title: str
    author: str | None
    excerpt: str
    link_text: str


def parse_source(
    html: str | bytes,
    source_url: str,
    target_url: str,
    *,
    encoding: str | None = None,
    parser: str = "lxml",
    max_excerpt: int = 300,
) -> SourceInfo:
    """Check that ``html`` (the page at ``source_url``) links to ``target_url``; describe it.

    A link is an ``a`` or ``area`` whose href, resolved against the page (and its
    ``<base href>``), is ``target_url`` once both are normalised and the fragments
    dropped; links a reader cannot see do not count (see :mod:`pingcore.links`).
    ``encoding`` is the charset of the HTTP response, if any.

    Raises SourceHasNoLink when there is no such link (empty pages and non-HTML
    included), ValueError for a URL that is not http(s), an unknown parser, a
    ``max_excerpt`` below 1, HTML nested too deep to read or HTML html5lib fails on.
    """
    if not is_http_url(source_url):
        raise ValueError(f"source_url must be an absolute http(s) URL, not {source_url!r}")
    if not is_http_url(target_url):
        raise ValueError(f"target_url must be an absolute http(s) URL, not {target_url!r}")
    if parser not in PARSERS:
        raise ValueError(f"parser must be one of {', '.join(PARSERS)}, not {parser!r}")
    if max_excerpt < 1:
        raise ValueError(f"max_excerpt must be at least 1, not {max_excerpt}")
    if not html or html.isspace():
        raise SourceHasNoLink(f"The source page is empty, so it cannot link to {target_url}.")
    if "<" not in html if isinstance(html, str) else b"<" not in html:
        raise SourceHasNoLink(f"The source page has no HTML tags, so no link to {target_url}.")
    root = parse_html(html, parser, encoding=encoding)
    # lxml frees the Python proxy of an element by walking up the tree to the nearest
    # element that still has one: each pass over a page nested 2,000 deep would cost
    # 2,000 steps an element. Held here, all proxies live until the end, and are freed
    # last first, each walk stopping at once.
    elements = list(root.iter())
    link = _find_link(root, source_url, target_url)
    link_text = _link_text(link)
    info = SourceInfo(
        source_url=source_url,
        target_url=target_url,
        title=_title(root, link),
        author=_author(root, link),
        excerpt=_excerpt(link, link_text, max_excerpt),
        link_text=link_text,
    )
    del elements
    return info


# -- the link -----------------------------------------------------------------


# An href made of dots and slashes only (".", "../", "?page=2", "#top") can reach any
# page, given the base it is relative to.
_ONLY_DOTS = re.compile(r"[./]*(?:[?#].*)?", re.DOTALL)
_HREF_STRIP = "\t\n\f\r \x00"
_DOTS_START = frozenset("./?#\t\n\f\r \x00") | {""}
# How many times an href is unescaped before giving up on it.
_UNESCAPE_LAYERS = 3


def _needle(target: str) -> tuple[str, str | None]:
    """What every href reaching ``target`` contains, plus the Unicode spelling of a host.

    That is the target's last path segment, else its query (both case-sensitive), else
    its host, which an href may spell in upper case or in Unicode.
    """
    parts = urlsplit(target)
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments:
        return unquote(segments[-1]), None
    if parts.query:
        return unquote(parts.query), None
    host = parts.hostname or ""
    try:
        return host, host.encode("ascii").decode("idna").lower()
    except UnicodeError:
        return host, host


def _could_reach(href: str, needle: str, host: str | None) -> bool:
    """A cheap test that rules out most hrefs before the costly resolve-and-normalise:
    testing every href of a large page in full costs as much again as parsing it.

    Escaped hrefs are tested again unescaped, a few layers deep: normalising unescapes
    once, and a hostile href stacks thousands of layers ("%252525..."), each of which
    would cost a pass over the href (and once cost a level of recursion).
    """
    text = href if host is None else href.lower()
    for layer in range(_UNESCAPE_LAYERS + 1):
        if needle in text or (host is not None and host in text):
            return True
        if text[:1] in _DOTS_START and _ONLY_DOTS.fullmatch(text.strip(_HREF_STRIP)):
            return True
        if layer == _UNESCAPE_LAYERS or ("%" not in text and "&amp;" not in text):
            return False
        decoded = unquote(text.replace("&amp;", "&"))
        if decoded == text:  # a "%" that starts no escape ("50%")
            return False
        text = decoded if host is None else decoded.lower()
    return False


def _query_can_match(href: str, target_query: str | None) -> bool:
    """False when the query ``href`` resolves with cannot be the target's (unquoted) one.

    Comment reply links (?replytocom=...) share a post's path by the hundred; this
    spares each of them the full resolve-and-normalise.
    """
    head = href.partition("#")[0].strip(_HREF_STRIP)
    if "?" not in head:
        return target_query is None or not head  # "" and "#x" keep the base's query
    query = head.partition("?")[2]
    if target_query is None:
        return not query
    return unquote(query.replace("&amp;", "&")) == target_query


def _find_link(root: etree._Element, source_url: str, target_url: str) -> etree._Element:
    target = normalize_url(target_url)
    needle, host = _needle(target)
    base: str | None = None
    candidates: list[tuple[etree._Element, str]] = []
    # One pass finds the <base> and the links; the first <base href> counts for all
    # links, even those before it.
    for element in root.iter("a", "area", "base"):
        href = element.get("href")
        if href is None:
            continue
        if element.tag == "base":
            if base is None:
                base = resolve_href(href, source_url) or source_url
        elif (host is None and needle in href) or (
            # The test in full only for hrefs that might need it: most need not.
            (host is not None or href[:1] in _DOTS_START or "%" in href or "&amp;" in href)
            and _could_reach(href, needle, host)
        ):
            candidates.append((element, href))
    base_url = base or source_url
    target_query = unquote(urlsplit(target).query) or None
    seen_hidden = False
    verdicts: dict[etree._Element, bool] = {}
    reaches: dict[str, bool] = {}  # pages repeat hrefs ("#", "/") by the dozen
    for element, href in candidates:
        hit = reaches.get(href)
        if hit is None:
            if not _query_can_match(href, target_query):
                hit = reaches[href] = False
            else:
                absolute = resolve_href(href, base_url)
                hit = reaches[href] = absolute is not None and normalize_url(absolute) == target
        if not hit:
            continue
        if link_counts(element, verdicts):
            return element
        seen_hidden = True
    if seen_hidden:
        raise SourceHasNoLink(
            f"The source links to {target_url} only where readers cannot see it "
            "(deleted, hidden, or in a script, template or noscript)."
        )
    raise SourceHasNoLink(f"The source page does not contain a link to {target_url}.")


# -- text ----------------------------------------------------------------------


def _collapse(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _shown(element: etree._Element) -> bool:
    name = tag_name(element)
    return bool(name) and name not in NOT_CONTENT_TAGS and not is_hidden(element)


class _Budget:
    """How many more elements a search may read; its reads share it, so that elements
    nested in each other cannot multiply it."""

    __slots__ = ("elements",)

    def __init__(self, elements: int) -> None:
        self.elements = elements


def _visible_texts(
    top: etree._Element,
    link: etree._Element | None = None,
    skip: Container[etree._Element] = (),
    budget: _Budget | None = None,
) -> Iterator[str]:
    """The text a reader sees inside ``top``, in order, with spaces between blocks.

    Yields _ENTER_LINK and _LEAVE_LINK around the text of ``link``, and leaves out the
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
                yield _LEAVE_LINK
            if stack:
                if tag_name(parent) not in _INLINE_TAGS:
                    yield " "
                if parent.tail:
                    yield parent.tail
            continue
        if not _shown(child) or child in skip:
            if child.tail:
                yield child.tail
            continue
        if tag_name(child) not in _INLINE_TAGS:
            yield " "
        if child is link:
            yield _ENTER_LINK
        if child.text:
            yield child.text
        stack.append((child, iter(child)))


def _text_of(element: etree._Element, skip: Container[etree._Element] = ()) -> str:
    return _collapse("".join(_visible_texts(element, skip=skip)))


def _text_start(
    element: etree._Element, budget: _Budget, skip: Container[etree._Element] = ()
) -> str:
    """The start of ``_text_of(element)``: all of it, or its first _NAME_TEXT characters
    or more, as far as ``budget`` and _NAME_RAW characters read go."""
    pieces: list[str] = []
    length = 0
    check = _NAME_TEXT
    for piece in _visible_texts(element, skip=skip, budget=budget):
        if length + len(piece) >= _NAME_RAW:
            pieces.append(piece[: _NAME_RAW - length])
            break
        pieces.append(piece)
        length += len(piece)
        if length >= check:  # collapsing spaces may leave less: check now and then
            text = _collapse("".join(pieces))
            if len(text) >= _NAME_TEXT:
                return text
            check = 2 * length
    return _collapse("".join(pieces))


def _has_text(element: etree._Element) -> bool:
    return any(not piece.isspace() for piece in _visible_texts(element) if piece)


def _shows_text(top: etree._Element, blank: set[etree._Element]) -> bool:
    """``_has_text(top)``, not reading again what ``blank`` holds; when False, ``top``
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
        elif child not in blank and _shown(child):
            if child.text and not child.text.isspace():
                return True
            read.append(child)
            stack.append(iter(child))
    blank.update(read)
    return False


def _first_text(elements: Iterable[etree._Element], blank: set[etree._Element]) -> str:
    """The text of the first of ``elements`` (in document order) that shows any, or "".

    Pass one ``blank`` to every search in a tree: each element is then read once,
    however many of the elements nest in each other.
    """
    for element in elements:
        if element not in blank and _shows_text(element, blank):
            return _text_of(element)
    return ""


def _link_text(link: etree._Element) -> str:
    """The link's text, or for an image link the image's alt or title, or the link's title."""
    text = _text_of(link)
    if text:
        return text
    for image in link.iter("img"):
        for attribute in ("alt", "title"):
            text = _collapse(image.get(attribute, ""))
            if text:
                return text
    for attribute in ("title", "aria-label", "alt"):
        text = _collapse(link.get(attribute, ""))
        if text:
            return text
    return ""


def _has_text_besides(ancestor: etree._Element, child: etree._Element) -> bool:
    """True when ``ancestor`` shows text outside its ``child`` (each subtree read once)."""
    if ancestor.text and not ancestor.text.isspace():
        return True
    for other in ancestor:
        if other.tail and not other.tail.isspace():
            return True
        if other is not child and _shown(other) and _has_text(other):
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


def _cut_before(text: str, side: int) -> str:
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


def _cut_after(text: str, side: int) -> str:
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


def _excerpt(link: etree._Element, link_text: str, max_excerpt: int) -> str:
    before: list[str] = []
    inside: list[str] = []
    after: list[str] = []
    out = before
    for piece in _visible_texts(_text_block(link, bool(link_text)), link):
        if piece is _ENTER_LINK:
            out = inside
        elif piece is _LEAVE_LINK:
            out = after
        else:
            out.append(piece)
    # Only the text near the link matters; a block may hold megabytes of it.
    reach = 10 * max(max_excerpt, EXCERPT_SIDE)
    raw_before, raw_after = "".join(before), "".join(after)
    text_before = _SPACE.sub(" ", raw_before[-reach:])
    text_inside = _SPACE.sub(" ", "".join(inside))
    text_after = _SPACE.sub(" ", raw_after[:reach])
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
    excerpt = (_cut_before(text_before, side) + shown + _cut_after(text_after, side)).strip()
    if len(excerpt) > max_excerpt:
        excerpt = _cut_after(excerpt, max_excerpt - 1)
    return excerpt


# -- title ---------------------------------------------------------------------


def _has_class(element: etree._Element, name: str) -> bool:
    return name in element.get("class", "").split()


def _meta_content(root: etree._Element, *keys: str) -> str:
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in keys:
            content = _collapse(meta.get("content", ""))
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


def _title(root: etree._Element, link: etree._Element) -> str:
    in_svg: dict[etree._Element, bool] = {}
    for title in root.iter("title"):
        # An <svg> holds <title>s of its own, for its pictures.
        if _in_svg(title, in_svg):
            continue
        text = _text_of(title)
        if text:
            return text
        break
    # The nearest few posts, and no element read twice: a hostile page nests a
    # thousand posts around thousands of empty names and headings.
    blank: set[etree._Element] = set()
    for container in itertools.islice(_containers(link), _NEAREST_CONTAINERS):
        if _has_class(container, "h-entry"):
            names = (name for name in container.iterdescendants() if _has_class(name, "p-name"))
            if text := _first_text(names, blank):
                return text
        if text := _first_text(container.iter("h1"), blank):
            return text
    return _first_text(root.iter("h1"), blank) or _meta_content(root, "og:title", "twitter:title")


# -- author --------------------------------------------------------------------

_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Posting|Report|Review|Comment", re.IGNORECASE)
# Name parts: a token of the class or itemprop, tokens being split at XML spaces.
_NAME_CLASS = re.compile(r"(?<![^ \t\n\r])(?:p-name|fn)(?![^ \t\n\r])")
_NAME_ITEMPROP = re.compile(r"(?<![^ \t\n\r])name(?![^ \t\n\r])")
# Class names of bylines: "byline", "post-author", "c-article__author-name", but not
# "author-box-wrap", "author_share" or "entry-author__description".
_BYLINE_CLASS = re.compile(r"(?:[\w-]*[-_])?(?:byline|authors?)")
_AUTHOR_NAME_CLASS = re.compile(r"(?:[\w-]*[-_])?author[-_]+name")
_AUTHOR_PAGE = re.compile(
    r"/(?:authors?|autor(?:en|in)?|auteurs?|autori|profiles?|people|team|staff|users?)/"
    r"|[?&]author="
)
_MAX_AUTHOR_CANDIDATES = 20
_MAX_BYLINE = 300
# How much of an author-ish element is searched for a name: its first _NAME_WINDOW
# elements, of which _NAME_READ are read for text, and of a text the first _NAME_TEXT
# characters (_NAME_RAW with spaces). A byline holds a few dozen elements; a hostile
# page nests thousands of author-ish elements, each around all of the page.
_NAME_WINDOW = 1000
_NAME_READ = 1000
_NAME_TEXT = 1000
_NAME_RAW = 20_000
# Posts holding the link that are asked for its title and author, nearest first: a
# comment in a post in a page, not a thousand nested articles.
_NEAREST_CONTAINERS = 3
# How deep lists in a JSON-LD author are followed (as in [["Jane Doe"]]).
_MAX_JSON_LD_LISTS = 3
_ENTRY_CLASSES = frozenset({"h-entry", "hentry"})
_ADDRESS_RANK = 3
_MAX_CONTAINERS = 100
_PAGE_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "dcterms.creator")
_PAGE_AUTHOR_KEYS_LATE = ("parsely-author", "sailthru.author", "citation_author")
_META_AUTHOR_KEYS = frozenset(_PAGE_AUTHOR_KEYS + _PAGE_AUTHOR_KEYS_LATE)

_NAME_PREFIX = re.compile(
    r"^(?:(?:posted|written|published|authored|created|submitted|reported|geschrieben"
    r"|verfasst|publié|écrit|rédigé|escrito|publicado|scritto"
    r"|(?:(?:view|see|show)\s+)?(?:(?:all|more|alle|mehr|weitere)\s+)?(?:posts|articles"
    r"|stories|entries|beiträge|artikel|texte))\s+)?"
    r"(?:by|von|par|por|door)\b\s*:?\s*"
    r"|^(?:author|authors|autor|autorin|autoren|auteur|autore|verfasser|posted)\b\s*:?\s*",
    re.IGNORECASE,
)
# An e-mail address, maybe in brackets; it starts at a letter or digit, and the marks
# before that (group 1) stay. Each run of characters an address can hold is tried once,
# from where it starts: tried from each of its characters, a long run would cost the
# square of its length. The same goes for the runs of spaces in the tails below.
_EMAIL = re.compile(r"(?:\(|(?<![\w.+-])([.+-]*+))\w[\w.+-]*+@[\w-]++\.[\w.-]+\b\)?")
_NAME_TAIL = re.compile(r"(?<!\s)\s*(?:\||·|•|,|;|…|\.\.\.|\s[-–—]\s|\s[-–—]$|\s/\s)")
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai"
    r"|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre"
    r"|octobre|novembre|décembre)\.?"
)
# Dates and times that trail a name in a byline: "Jane Doe on 3 May 2019 at 9:48 am".
_DATE = (
    rf"(?:\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|\d{{1,2}}\.?\s+{_MONTH}(?:\s+\d{{2,4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}[:.]\d{{2}}\b)"
)
_DATE_START = re.compile(_DATE, re.IGNORECASE)
# Words between a name and the date after it: "on", "at", "-" in "Jane on 3 May".
_DATE_LEAD = re.compile(r"on|at|am|um|le|el|il|op|den|the|-|–", re.IGNORECASE)
_UPDATED_WORDS = (
    r"(?:updated|published|posted|last modified|aktualisiert|veröffentlicht|erschienen"
    r"|mis à jour|publié)\b"
)
_UPDATED = re.compile(_UPDATED_WORDS, re.IGNORECASE)
# Whether anything can trail a name at all: most names have nothing after them.
_TAIL_START = re.compile(rf"\s(?:{_DATE}|{_UPDATED_WORDS})", re.IGNORECASE)
_WORD = re.compile(r"\S+")
_PARENTHESES_TAIL = re.compile(r"(?<!\s)\s*[(\[][^()\[\]]*[)\]]\s*$")
_QUOTES = " \"'„“”‚‘’«»‹›"
_NOT_A_NAME = re.compile(r"https?:|www\.|[/\\@<>{}=#]|[\w-]\.[a-z]{2,6}\b")
_PLACEHOLDERS = frozenset(
    {"admin", "administrator", "author", "authors", "anonymous", "unknown", "guest", "staff"}
    | {"by", "posted", "none", "null", "undefined", "n/a", "autor", "auteur", "redaktion"}
)


def _without_date_tail(name: str) -> str:
    """``name`` up to a date or an "updated" after it: "Jane Doe on 3 May 2019 at 9:48".

    Word by word: one regex for it backtracks over a run of "on on on ..." from each of
    its words, which costs the square of the run.
    """
    if _TAIL_START.search(name) is None:
        return name
    lead: int | None = None  # where the words leading up to a date start ("on", "-")
    space = 0  # where the spaces before the word start
    for word in _WORD.finditer(name):
        start = word.start()
        if start:  # what trails a name follows a space
            if _DATE_START.match(name, start):
                return name[: space if lead is None else lead]
            if _UPDATED.match(name, start):
                return name[:space]
            if _DATE_LEAD.fullmatch(word.group()):
                lead = space if lead is None else lead
            else:
                lead = None
        space = word.end()
    return name


def _clean_name(raw: str) -> str | None:
    """A person's name from a byline-like text, or None when it does not look like one."""
    raw = raw[:_NAME_TEXT]  # a name comes first; the rest of a long text costs time only
    if "&" in raw:  # JSON-LD and meta content are sometimes HTML-escaped twice
        raw = unescape(raw)
    name = _EMAIL.sub(r"\1 ", _collapse(raw))
    for _ in range(2):  # "Posted by: Author: Jane"
        name = _NAME_PREFIX.sub("", name).strip()
    name = _without_date_tail(name)
    name = _NAME_TAIL.split(name, maxsplit=1)[0]
    name = _PARENTHESES_TAIL.sub("", name)  # "Julia Hitz (eg)": initials, affiliations
    name = name.strip(" -–—|,:;·•*").strip(_QUOTES)
    if not name or len(name) > MAX_AUTHOR or name.lower() in _PLACEHOLDERS:
        return None
    if any(char.isdigit() for char in name) or _NOT_A_NAME.search(name):
        return None
    words = name.split()
    if sum(char.isalpha() for char in name) < 2 or len(words) > 8:
        return None
    # One lower-case word is a login name ("admin", "jsmith"), not how people sign.
    if len(words) == 1 and name.islower():
        return None
    return name


def _is_container(element: etree._Element) -> bool:
    """True for an element holding one piece of writing by one author: a post, a comment."""
    if element.tag == "article":
        return True
    classes = element.get("class")
    if classes is not None and "entry" in classes:
        tokens = classes.split()
        if "h-entry" in tokens or "hentry" in tokens:
            return True
    itemtype = element.get("itemtype")
    return itemtype is not None and _ARTICLE_TYPES.search(itemtype) is not None


def _containers(link: etree._Element) -> Iterator[etree._Element]:
    return (ancestor for ancestor in link.iterancestors() if _is_container(ancestor))


def _belongs_to(candidate: etree._Element, container: etree._Element) -> bool:
    """True unless ``candidate`` sits in a nested post, a comment or a form of ``container``."""
    for ancestor in candidate.iterancestors():
        if ancestor is container:
            return True
        if _is_container(ancestor) or tag_name(ancestor) in ("form", "template", "script"):
            return False
        if "comment" in ancestor.get("class", ""):  # comment lists, recent-comments widgets
            return False
    return False


def _is_name_part(element: etree._Element) -> bool:
    """True for an element marked as holding a name: class p-name or fn, itemprop name."""
    classes = element.get("class")  # a plain search first: it is ten times faster
    if classes is not None and ("p-name" in classes or "fn" in classes):
        if _NAME_CLASS.search(classes):
            return True
    itemprop = element.get("itemprop")
    return itemprop is not None and "name" in itemprop and bool(_NAME_ITEMPROP.search(itemprop))


def _first_name(elements: list[etree._Element], budget: _Budget) -> str | None:
    for element in elements[:_MAX_AUTHOR_CANDIDATES]:
        name = _clean_name(element.get("content") or _text_start(element, budget))
        if name:
            return name
    return None


def _name_in(element: etree._Element) -> str | None:
    """The author's name an author-ish element gives: its name part, a link, its text.

    Only the element's first _NAME_WINDOW elements are searched, and _NAME_READ of them
    read for text: a byline is small, and a hostile page nests thousands of author-ish
    elements, each around all of the page.
    """
    window = list(itertools.islice(element.iter(etree.Element), _NAME_WINDOW))
    budget = _Budget(_NAME_READ)
    name = _first_name([part for part in window[1:] if _is_name_part(part)], budget)
    if name:
        return name
    if tag_name(element) == "img":
        return _clean_name(element.get("alt", ""))
    content = element.get("content")
    if content is not None:
        return _clean_name(content)
    links = [a for a in window if a.tag == "a"]
    if tag_name(element) == "address":
        # Addresses hold contact details and, misused, whole captions with links in them:
        # only a name in its first line, or on an author or mail link, is trusted.
        trusted = [a for a in links if _is_author_link(a, mail=True)]
        return _first_name(trusted, budget) or _clean_name(_first_line(element, budget))
    # A byline: its link to the author's page, else its own words, else any of its links
    # ("Posted on <a>May 3</a> by <a>Jane</a>"). Its own words come before other links,
    # which are often "Follow on Twitter"; mail links say "Send an e-mail", not who.
    name = _first_name([a for a in links if _is_author_link(a)], budget)
    if name:
        return name
    words = _text_start(element, budget, skip=_MAIL_LINKS)
    if len(words) > _MAX_BYLINE:  # an author box with a biography: the name comes first
        return _clean_name(_first_line(element, budget))
    return _clean_name(words) or _first_name([a for a in links if a not in _MAIL_LINKS], budget)


def _link_attribute(link: etree._Element, name: str) -> str:
    # The first characters only, as many as a URL may have: every byline holding a link
    # reads it, and a hostile page nests a hundred bylines around a megabyte href.
    return link.get(name, "")[:MAX_URL_LENGTH]


def _is_mail_link(link: etree._Element) -> bool:
    return _link_attribute(link, "href").strip().lower().startswith("mailto:")


class _MailLinks:
    """All mail links, as something to leave out: those beyond the part of a byline
    searched for links too, when its words are read."""

    def __contains__(self, element: object) -> bool:
        return isinstance(element, etree._Element) and element.tag == "a" and _is_mail_link(element)


_MAIL_LINKS = _MailLinks()


def _is_author_link(link: etree._Element, *, mail: bool = False) -> bool:
    """True for a link to the author: rel=author, an author's page, or (in an address) mail.

    In a byline, a mail link says "Send an e-mail" more often than it gives a name.
    """
    href = _link_attribute(link, "href").strip().lower()
    return (
        (mail and href.startswith("mailto:"))
        or "author" in _link_attribute(link, "rel").lower().split()
        or _AUTHOR_PAGE.search(href) is not None
    )


def _first_line(element: etree._Element, budget: _Budget) -> str:
    """The text of ``element`` up to its first line break or block, or the first
    _NAME_TEXT characters of it (all that _clean_name reads)."""
    line: list[str] = []
    length = 0
    shown = False
    for piece in _visible_texts(element, budget=budget):
        if piece == " " and shown:
            break  # a <br> or a block: the end of the first line
        line.append(piece)
        length += len(piece)
        if length >= _NAME_TEXT:
            break
        shown = shown or not piece.isspace()
    return "".join(line)


def _author_rank(element: etree._Element) -> int | None:
    """How much an author-ish element is to be believed: lower is better, None is not."""
    rel = element.get("rel")
    if rel is not None and "author" in rel.lower().split():
        return 1
    itemprop = element.get("itemprop")
    if itemprop is not None and "author" in itemprop.lower().split():
        return 2
    if element.tag == "address":
        return _ADDRESS_RANK
    classes = element.get("class")
    if classes is None or element.tag in ("html", "body"):  # <body class="single-author">
        return None
    lowered = classes.lower()
    if "author" not in lowered and "byline" not in lowered and "vcard" not in lowered:
        return None
    tokens = lowered.split()
    if "p-author" in tokens:
        return 0
    if "vcard" in tokens:
        return 4
    if any(_AUTHOR_NAME_CLASS.fullmatch(token) for token in tokens):
        return 5
    if any(_BYLINE_CLASS.fullmatch(token) for token in tokens):
        return 6
    return None


_Ranked = list[tuple[int, int, etree._Element]]


def _witnesses(
    container: etree._Element, *, with_posts: bool = False
) -> tuple[_Ranked, list[tuple[int, etree._Element]]]:
    """The author-ish elements inside ``container``, best first, and (if asked) the posts.

    One pass in Python with a cheap test on three attributes an element, which beats
    XPath's contains() here by 2x. Posts (articles, h-entries) come with their place in
    the pass, so that what lies inside one is a range of places.
    """
    in_comment = "comment" in container.get("class", "")
    ranked: _Ranked = []
    posts: list[tuple[int, etree._Element]] = []
    for index, element in enumerate(container.iter(etree.Element)):
        classes = element.get("class") or ""
        if (
            element.get("rel") is None
            and element.get("itemprop") is None
            and "uthor" not in classes
            and "yline" not in classes
            and "vcard" not in classes
            and "entry" not in classes
            and element.tag not in ("address", "article")
        ) or not index:
            continue
        rank = _author_rank(element)
        if rank is not None and (in_comment or "comment" not in classes):
            ranked.append((rank, index, element))
        if with_posts and (element.tag == "article" or _ENTRY_CLASSES & set(classes.split())):
            posts.append((index, element))
    ranked.sort(key=lambda item: item[:2])
    return ranked, posts


def _best_author(
    ranked: _Ranked, container: etree._Element, *, addresses: bool = True
) -> str | None:
    # The best few only: each costs a walk up the tree, and a hostile page nests
    # thousands of author-ish elements.
    tried = 0
    for rank, _, element in ranked:
        if rank == _ADDRESS_RANK and not addresses:
            continue
        if tried == _MAX_AUTHOR_CANDIDATES:
            break
        tried += 1
        if _belongs_to(element, container):
            name = _name_in(element)
            if name:
                return name
    return None


def _container_author(container: etree._Element) -> str | None:
    """The author an entry names, best witness first."""
    ranked, _ = _witnesses(container)
    return _best_author(ranked, container)


def _meta_authors(root: etree._Element) -> dict[str, str]:
    """The names the page's <meta> elements give, by key (first of each), in one pass."""
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        if not key and "author" in meta.get("itemprop", "").lower().split():
            key = "author"
        if key in _META_AUTHOR_KEYS and key not in found:
            name = _clean_name(meta.get("content", ""))
            if name:
                found[key] = name
    return found


def _json_ld_name(
    value: object,
    nodes: dict[str, dict[str, object]],
    hops: int = 3,
    lists: int = _MAX_JSON_LD_LISTS,
) -> str | None:
    """The name in a JSON-LD author: a string, a Person, an @id reference, or a list.

    ``hops`` stops reference loops, ``lists`` the recursion into lists nested thousands
    deep (the JSON parser reads those).
    """
    if isinstance(value, str):
        return _clean_name(value)
    if isinstance(value, list):
        if not lists:
            return None
        names = (_json_ld_name(item, nodes, hops, lists - 1) for item in value[:10])
        return next(filter(None, names), None)
    if not isinstance(value, dict) or hops == 0:
        return None
    name = value.get("name")
    if isinstance(name, str):
        return _clean_name(name)
    reference = value.get("@id")  # a node elsewhere in the @graph
    if isinstance(reference, str) and reference in nodes:
        return _json_ld_name(nodes[reference], nodes, hops - 1, lists)
    return None


def _json_ld_author(root: etree._Element) -> str | None:
    nodes: dict[str, dict[str, object]] = {}
    from_articles: list[object] = []
    from_others: list[object] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = script.text or ""
        if len(raw) > 1_000_000:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        pending: list[object] = [data]
        visited = 0
        while pending and visited < 10_000:
            item = pending.pop()
            visited += 1
            if isinstance(item, list):
                pending.extend(reversed(item))
            elif isinstance(item, dict):
                identifier = item.get("@id")
                if isinstance(identifier, str) and "name" in item:
                    nodes.setdefault(identifier, item)
                if "author" in item:
                    kind = item.get("@type")
                    kinds = kind if isinstance(kind, list) else [kind]
                    article = any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds)
                    (from_articles if article else from_others).append(item["author"])
                pending.extend(reversed([v for v in item.values() if isinstance(v, list | dict)]))
    for value in from_articles + from_others:
        name = _json_ld_name(value, nodes)
        if name:
            return name
    return None


def _nearest_address_author(root: etree._Element, link: etree._Element) -> str | None:
    """The name in the ``<address>`` closest to the link in the tree, as pingdjack read it."""
    # Keyed by the elements themselves, which keeps their proxies (and identities) alive.
    depth_of = {ancestor: depth for depth, ancestor in enumerate(link.iterancestors())}
    best: tuple[int, etree._Element] | None = None
    for address in itertools.islice(root.iter("address"), _MAX_CONTAINERS):
        for ancestor in address.iterancestors():
            depth = depth_of.get(ancestor)
            if depth is not None:
                if best is None or depth < best[0]:
                    best = (depth, address)
                break
    return _name_in(best[1]) if best is not None else None


def _page_author(root: etree._Element) -> str | None:
    """The author of the page's one post, or else of a byline anywhere outside comments.

    For links outside any post: in a sidebar, a menu, a footer.
    """
    ranked, posts = _witnesses(root, with_posts=True)
    if len(posts) <= _MAX_CONTAINERS:  # more is a list of posts; no walking up from each
        inside = {element for _, element in posts}
        outermost = [
            (index, post)
            for index, post in posts
            if not any(ancestor in inside for ancestor in post.iterancestors())
        ]
        if len(outermost) == 1:
            start, post = outermost[0]
            end = start + sum(1 for _ in post.iter(etree.Element))
            name = _best_author([item for item in ranked if start < item[1] < end], post)
            if name:
                return name
    # Addresses come last, the nearest first.
    return _best_author(ranked, root, addresses=False)


def _author(root: etree._Element, link: etree._Element) -> str | None:
    """Who wrote the page, asking the nearest witness to the link first.

    The posts holding the link (h-entry p-author, rel=author, itemprop=author,
    address, vcard, byline), then the page's <meta name=author>, article:author,
    dc.creator, then JSON-LD, then parsely and citation metas, then the page's one
    post or a byline outside comments, then the nearest <address>.
    """
    for container in itertools.islice(_containers(link), _NEAREST_CONTAINERS):
        name = _container_author(container)
        if name:
            return name
    metas = _meta_authors(root)
    return (
        next((metas[key] for key in _PAGE_AUTHOR_KEYS if key in metas), None)
        or _json_ld_author(root)
        or next((metas[key] for key in _PAGE_AUTHOR_KEYS_LATE if key in metas), None)
        or _page_author(root)
        or _nearest_address_author(root, link)
    )
