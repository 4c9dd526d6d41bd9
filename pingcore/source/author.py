"""Who wrote the page, asking the nearest witness to the link first."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Container, Iterable
from typing import cast
from urllib.parse import urlsplit

from lxml import etree

from ..htmltree import tag_name
from ..pageindex import PageIndex
from ..urls import MAX_URL_LENGTH
from .names import NAME_RAW, NAME_TEXT, People
from .posts import ARTICLE_TYPES, NEAREST_CONTAINERS, containers, is_container
from .text import INLINE_TAGS, Budget, collapse, text_of, visible_texts

# Name parts: a token of the class or itemprop, tokens being split at XML spaces.
_NAME_CLASS = re.compile(r"(?<![^ \t\n\r])(?:p-name|fn)(?![^ \t\n\r])")
_NAME_ITEMPROP = re.compile(r"(?<![^ \t\n\r])name(?![^ \t\n\r])")
# Class names of bylines: "byline", "post-author", "c-article__author-name", but not
# "author-box-wrap", "author_share" or "entry-author__description".
_BYLINE_CLASS = re.compile(r"(?:[\w-]*[-_])?(?:byline|authors?|autor(?:en|in)?)")
_AUTHOR_NAME_CLASS = re.compile(r"(?:[\w-]*[-_])?author[-_]+name")
_AUTHOR_PAGE = re.compile(
    r"/(?:authors?|autor(?:en|in)?|auteurs?|autori|profiles?|people|team|staff|users?)/"
    r"|[?&]author="
)
# A link to a page of the author's posts: a witness of last resort, anywhere in a post.
_AUTHOR_PAGE_LINK = re.compile(r"/(?:authors?|autor(?:en|in)?|auteurs?)/[^/?#]+/?(?:[?#]|$)")
_AUTHOR_PAGE_RANK = 7
_MAX_AUTHOR_CANDIDATES = 20
_MAX_BYLINE = 300
# How much of an author-ish element is searched for a name: its first _NAME_WINDOW
# elements, of which _NAME_READ are read for text, and of a text the first NAME_TEXT
# characters (NAME_RAW with spaces). A byline holds a few dozen elements; a hostile
# page nests thousands of author-ish elements, each around all of the page.
_NAME_WINDOW = 1000
_NAME_READ = 1000

# How deep lists in a JSON-LD author are followed (as in [["Jane Doe"]]).
_MAX_JSON_LD_LISTS = 3
_ENTRY_CLASSES = frozenset({"h-entry", "hentry"})
_ADDRESS_RANK = 3
_MAX_CONTAINERS = 100
_PAGE_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "dcterms.creator")
_PAGE_AUTHOR_KEYS_LATE = ("parsely-author", "sailthru.author", "citation_author")
_META_AUTHOR_KEYS = frozenset(_PAGE_AUTHOR_KEYS + _PAGE_AUTHOR_KEYS_LATE)


def _belongs_to(candidate: etree._Element, container: etree._Element) -> bool:
    """True unless ``candidate`` sits in a nested post, a comment or a form of ``container``."""
    for ancestor in candidate.iterancestors():
        if ancestor is container:
            return True
        if is_container(ancestor) or tag_name(ancestor) in ("form", "template", "script"):
            return False
        if "comment" in ancestor.get("class", ""):  # comment lists, recent-comments widgets
            return False
    return False


def text_start(
    element: etree._Element, budget: Budget, skip: Container[etree._Element] = ()
) -> str:
    """The start of ``text_of(element)``: all of it, or its first NAME_TEXT characters
    or more, as far as ``budget`` and NAME_RAW characters read go."""
    pieces: list[str] = []
    length = 0
    check = NAME_TEXT
    for piece in visible_texts(element, skip=skip, budget=budget):
        if length + len(piece) >= NAME_RAW:
            pieces.append(piece[: NAME_RAW - length])
            break
        pieces.append(piece)
        length += len(piece)
        if length >= check:  # collapsing spaces may leave less: check now and then
            text = collapse("".join(pieces))
            if len(text) >= NAME_TEXT:
                return text
            check = 2 * length
    return collapse("".join(pieces))


def _is_name_part(element: etree._Element) -> bool:
    """True for an element marked as holding a name: class p-name or fn, itemprop name."""
    classes = element.get("class")  # a plain search first: it is ten times faster
    if classes is not None and ("p-name" in classes or "fn" in classes):
        if _NAME_CLASS.search(classes):
            return True
    itemprop = element.get("itemprop")
    return itemprop is not None and "name" in itemprop and bool(_NAME_ITEMPROP.search(itemprop))


def _first_name(elements: list[etree._Element], budget: Budget, people: People) -> str | None:
    for element in elements[:_MAX_AUTHOR_CANDIDATES]:
        text = element.get("content") or text_start(element, budget)
        name = people.name(text, login=_marks_login(element, text))
        if name:
            return name
    return None


def _marks_login(element: etree._Element, text: str) -> bool:
    """True where the page marks ``text`` as the author's login name: a link to the
    author's page named after it (/author/jsmith/), or an element of class username."""
    if "username" in element.get("class", "").lower():
        return True
    if element.tag != "a":
        return False
    href = _link_attribute(element, "href").lower()
    slug = href.split("?")[0].rstrip("/").rpartition("/")[2]
    return bool(slug) and slug == text.strip().lower() and _AUTHOR_PAGE.search(href) is not None


def _name_in(element: etree._Element, people: People) -> str | None:
    """The author's name an author-ish element gives: its name part, a link, its text.

    Only the element's first _NAME_WINDOW elements are searched, and _NAME_READ of them
    read for text: a byline is small, and a hostile page nests thousands of author-ish
    elements, each around all of the page.
    """
    window = list(itertools.islice(element.iter(etree.Element), _NAME_WINDOW))
    budget = Budget(_NAME_READ)
    name = _first_name([part for part in window[1:] if _is_name_part(part)], budget, people)
    if name:
        return name
    if tag_name(element) == "img":
        return people.name(element.get("alt", ""))
    content = element.get("content")
    if content is not None:
        return people.name(content)
    links = [a for a in window if a.tag == "a"]
    if tag_name(element) == "address":
        # Addresses hold contact details and, misused, whole captions with links in them:
        # only a name in its first line, or on an author or mail link, is trusted.
        trusted = [a for a in links if _is_author_link(a, mail=True)]
        return _first_name(trusted, budget, people) or people.name(_first_line(element, budget))
    # A byline: its link to the author's page, else its own words, else any of its links
    # ("Posted on <a>May 3</a> by <a>Jane</a>"). Its own words come before other links,
    # which are often "Follow on Twitter"; mail links say "Send an e-mail", not who.
    name = _first_name([a for a in links if _is_author_link(a)], budget, people)
    if name:
        return name
    words = text_start(element, budget, skip=_MAIL_LINKS)
    if len(words) > _MAX_BYLINE:  # an author box with a biography: the name comes first
        return people.name(_first_line(element, budget))
    login = "username" in element.get("class", "").lower()
    others = [a for a in links if a not in _MAIL_LINKS]
    return people.name(words, login=login) or _first_name(others, budget, people)


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


def _first_line(element: etree._Element, budget: Budget) -> str:
    """The text of ``element`` up to its first line break or block, or the first
    NAME_TEXT characters of it (all that clean_name reads)."""
    line: list[str] = []
    length = 0
    shown = False
    for piece in visible_texts(element, budget=budget):
        if piece == " " and shown:
            break  # a <br> or a block: the end of the first line
        line.append(piece)
        length += len(piece)
        if length >= NAME_TEXT:
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
    if element.tag == "a" and _AUTHOR_PAGE_LINK.search(_link_attribute(element, "href").lower()):
        return _AUTHOR_PAGE_RANK
    classes = element.get("class")
    if classes is None or element.tag in ("html", "body"):  # <body class="single-author">
        return None
    lowered = classes.lower()
    if "username" in lowered:
        return 5
    if (
        "author" not in lowered
        and "autor" not in lowered
        and "byline" not in lowered
        and "vcard" not in lowered
    ):
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
    container: etree._Element,
    *,
    with_posts: bool = False,
    page: PageIndex | None = None,
) -> tuple[_Ranked, list[tuple[int, etree._Element]]]:
    """The author-ish elements inside ``container``, best first, and (if asked) the posts.

    One pass in Python with a cheap test on three attributes an element, which beats
    XPath's contains() here by 2x. Posts (articles, h-entries) come with their place in
    the pass (among all of ``container.iter()``), so that what lies inside one is a
    range of places. ``page`` is the PageIndex of the tree ``container`` is the root of,
    whose elements and classes are then read, not walked and asked again.
    """
    in_comment = "comment" in container.get("class", "")
    ranked: _Ranked = []
    posts: list[tuple[int, etree._Element]] = []
    first_paragraph: int | None = None
    nodes: Iterable[etree._Element] = container.iter() if page is None else page.elements
    class_values = None if page is None else page.classes()
    for index, element in enumerate(nodes):
        if first_paragraph is None and element.tag == "p":
            first_paragraph = index
        classes = (element.get("class") if class_values is None else class_values[index]) or ""
        if (
            element.get("rel") is None
            and element.get("itemprop") is None
            and "uthor" not in classes
            and "utor" not in classes
            and "sername" not in classes
            and "yline" not in classes
            and "vcard" not in classes
            and "entry" not in classes
            and element.tag not in ("address", "article")
            and (element.tag != "a" or "/aut" not in (element.get("href") or ""))
        ) or not index:
            continue
        rank = _author_rank(element)
        if rank == _AUTHOR_PAGE_RANK and first_paragraph is not None:
            rank = None  # a link to an author's page in the text names someone else
        if rank is not None and (in_comment or "comment" not in classes):
            ranked.append((rank, index, element))
        if with_posts and (element.tag == "article" or _ENTRY_CLASSES & set(classes.split())):
            posts.append((index, element))
    ranked.sort(key=lambda item: item[:2])
    return ranked, posts


def _best_author(
    ranked: _Ranked, container: etree._Element, people: People, *, addresses: bool = True
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
            # p-author and rel=author say "this person": their name may be the site's.
            name = _name_in(element, people.marked if rank <= 1 else people)
            if name:
                return name
    return None


def _container_author(container: etree._Element, people: People) -> str | None:
    """The author an entry names, best witness first."""
    ranked, _ = _witnesses(container)
    return _best_author(ranked, container, people)


def _meta_authors(index: PageIndex, people: People) -> dict[str, str]:
    """The names the page's <meta> elements give, by key (first of each), in one pass."""
    found: dict[str, str] = {}
    for meta in index.of("meta"):
        key = (meta.get("name") or meta.get("property") or "").strip().lower()
        if not key and "author" in meta.get("itemprop", "").lower().split():
            key = "author"
        if key in _META_AUTHOR_KEYS and key not in found:
            name = people.name(meta.get("content", ""))
            if name:
                found[key] = name
    return found


class _JsonLd:
    """What a page's JSON-LD says of its authors and of the organisations behind it."""

    def __init__(self, index: PageIndex) -> None:
        self.nodes: dict[str, dict[str, object]] = {}
        self.authors: list[object] = []  # the authors of articles first
        self.organisations: list[str] = []
        from_others: list[object] = []
        for script in index.of("script"):
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
                    self._read(item, from_others)
                    pending.extend(
                        reversed([v for v in item.values() if isinstance(v, list | dict)])
                    )
        self.authors.extend(from_others)

    def _read(self, item: dict[str, object], from_others: list[object]) -> None:
        identifier = item.get("@id")
        if isinstance(identifier, str) and "name" in item:
            self.nodes.setdefault(identifier, item)
        kinds = _kinds(item)
        name = item.get("name")
        if isinstance(name, str) and _is_organisation_type(kinds):
            self.organisations.append(name)
        publisher = item.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            self.organisations.append(str(publisher["name"]))
        if "author" in item:
            article = any(ARTICLE_TYPES.search(k) for k in kinds)
            (self.authors if article else from_others).append(item["author"])

    def author(self, people: People) -> str | None:
        """The first author the JSON-LD gives (of an article, if any), if a person: when
        that is a desk or an organisation, another node's author is no better guess."""
        return self._name(self.authors[0], people) if self.authors else None

    def _name(
        self, value: object, people: People, hops: int = 3, lists: int = _MAX_JSON_LD_LISTS
    ) -> str | None:
        """The name in a JSON-LD author: a string, a Person, an @id reference, or a list.

        An Organization is no author. ``hops`` stops reference loops, ``lists`` the
        recursion into lists nested thousands deep (the JSON parser reads those).
        """
        if isinstance(value, str):
            return people.name(value)
        if isinstance(value, list):
            if not lists:
                return None
            names = (self._name(item, people, hops, lists - 1) for item in value[:10])
            return next(filter(None, names), None)
        if not isinstance(value, dict) or hops == 0:
            return None
        kinds = _kinds(value)
        if _is_organisation_type(kinds):
            return None
        name = value.get("name")
        if isinstance(name, str):
            return (people.marked if "Person" in kinds else people).name(name)
        reference = value.get("@id")  # a node elsewhere in the @graph
        if isinstance(reference, str) and reference in self.nodes:
            return self._name(self.nodes[reference], people, hops - 1, lists)
        return None


def _xpath_texts(
    xpath: etree.XPath, scope: etree._Element, **variables: str
) -> list[etree._ElementUnicodeResult]:
    """The text nodes an XPath of text() finds, each knowing its element."""
    found = xpath(scope, **variables)
    if not isinstance(found, list):
        return []
    return [text for text in found if isinstance(text, etree._ElementUnicodeResult)]


def _is_organisation_type(kinds: list[str]) -> bool:
    # Personal sites describe their owner as ["Person", "Organization"]: a person.
    return "Person" not in kinds and any(_ORGANISATION_TYPES.search(kind) for kind in kinds)


def _kinds(item: dict[str, object]) -> list[str]:
    kind = item.get("@type")
    return [k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)]


def _nearest_address_author(index: PageIndex, link: etree._Element, people: People) -> str | None:
    """The name in the ``<address>`` closest to the link in the tree, as pingdjack read it."""
    # Keyed by the elements themselves, which keeps their proxies (and identities) alive.
    depth_of = {ancestor: depth for depth, ancestor in enumerate(link.iterancestors())}
    best: tuple[int, etree._Element] | None = None
    for address in index.of("address")[:_MAX_CONTAINERS]:
        for ancestor in address.iterancestors():
            depth = depth_of.get(ancestor)
            if depth is not None:
                if best is None or depth < best[0]:
                    best = (depth, address)
                break
    return _name_in(best[1], people) if best is not None else None


def _page_author(index: PageIndex, people: People) -> str | None:
    """The author of the page's one post, or else of a byline anywhere outside comments.

    For links outside any post: in a sidebar, a menu, a footer.
    """
    root = index.root
    ranked, posts = _witnesses(root, with_posts=True, page=index)
    if len(posts) <= _MAX_CONTAINERS:  # more is a list of posts; no walking up from each
        inside = {element for _, element in posts}
        outermost = [
            (index, post)
            for index, post in posts
            if not any(ancestor in inside for ancestor in post.iterancestors())
        ]
        if len(outermost) == 1:
            start, post = outermost[0]
            end = start + sum(1 for _ in post.iter())
            inner = [item for item in ranked if start < item[1] < end]
            name = _best_author(inner, post, people)
            if name:
                return name
    # Addresses come last, the nearest first.
    return _best_author(ranked, root, people, addresses=False)


def _signed_name(lines: list[_Line], people: People) -> str | None:
    """The name a byline or signature line gives in words, of ``lines`` (those
    :func:`_byline_lines` found): "Von Clemens
    Höges", "Written by: <a>Julie Mollins</a>", "posted by Stadler at 12:53",
    "<strong>Author</strong> Julian Tompkin".

    Only short lines that start with such words count (after a date, maybe): prose
    that says "by" in passing does not, nor does "Theme by ..." in a footer.
    """
    for line, holder, is_tail in lines:
        # A line may be a row of fields: "Aufrufe: 1120 | Hinzugefügt von: <a>Posh</a>".
        fields = _FIELD_SEPARATOR.split(line)
        for number, field in enumerate(fields):
            match = _SIGNED.match(field)
            if match is None:
                continue
            if _in_credits(holder, is_tail):
                break
            if not number and not _starts_line(holder, is_tail):
                break  # running text: "a chair by Eames", "die Kollektion von Barbour"
            rest = field[match.end() :]
            if rest.strip(" :\xa0\t\n"):
                name = people.name(rest)
                if name and not _ends_line(rest, name):
                    name = None
            elif number == len(fields) - 1:  # the name follows: a link, a <strong>'s tail
                name = _name_after(holder, is_tail, people)
            else:
                name = None
            if name:
                return name
    return None


# A piece of a page's text: the text, the element holding it, and whether it is that
# element's tail (the text after its end tag) rather than its text.
_Line = tuple[str, etree._Element, bool]


def _byline_lines(scope: etree._Element, index: PageIndex | None = None) -> list[_Line]:
    """The short texts in ``scope``'s body that hold byline words, in document order.

    In two steps, as asking XPath for a page's texts with their elements costs as much
    as parsing it: the texts alone, as plain strings, searched by one regex over all
    of them at once; then, only when some look like a byline, one walk of the
    elements for those texts. ``index`` is the tree's PageIndex, if ``scope`` is its root.
    """
    body = scope.find("body")
    top = body if body is not None else scope
    wanted = _byline_texts(cast(list[str], _TEXTS(top)))
    if not wanted:
        return []
    if index is not None and scope is index.root:
        start = index.elements.index(top)
        nodes = index.elements[start : _following(index.elements, top, scope, start)]
    else:
        nodes = list(top.iter())
    return _lines_of(nodes, top, wanted)


# The texts under an element, in document order, as itertext() gives them but in
# two thirds of its time: plain strings, made in C.
_TEXTS = etree.XPath(".//text()", smart_strings=False)


def _byline_texts(texts: list[str]) -> dict[str, None]:
    """Of ``texts``, the distinct short ones with a field that starts as a byline, in order."""
    # Only the short ones are searched: half of a page's characters are in its scripts'
    # and styles' long texts. Picked out in C (no Python step a text), then joined by
    # NUL, which is in no text of a parsed page (the parsers make it U+FFFD).
    short = itertools.compress(texts, map(_MAX_LINE.__gt__, map(len, texts)))
    joined = "\x00".join(short)
    wanted: dict[str, None] = {}
    end = -1
    for word in _BYLINE_WORD.finditer(joined):
        at = word.start()
        if at < end:
            continue  # a text already judged
        start = joined.rfind("\x00", 0, at) + 1
        end = joined.find("\x00", at)
        if end < 0:
            end = len(joined)
        text = joined[start:end]
        if text not in wanted and any(
            _SIGNED.match(field) for field in _FIELD_SEPARATOR.split(text)
        ):
            wanted[text] = None
            if len(wanted) == _MAX_BYLINE_LINES:
                break
    return wanted


def _lines_of(
    nodes: list[etree._Element], top: etree._Element, wanted: Container[str]
) -> list[_Line]:
    """Where the ``wanted`` texts stand in ``nodes`` (``top`` and all under it, in document
    order, as ``top.iter()`` gives them): the first _MAX_BYLINE_LINES, in document order.

    A walk lists each element before its descendants, but its tail comes after them: a
    tail is placed before the node following the element's subtree, deeper ones first.
    """
    found: list[tuple[tuple[int, int, int], _Line]] = []
    tails: list[tuple[int, str, etree._Element]] = []
    for place, node in enumerate(nodes):
        text = node.text if isinstance(node.tag, str) else None  # not a comment's
        if text is not None and text in wanted:
            found.append(((place, 1, 0), (text, node, False)))
        tail = node.tail if node is not top else None
        if tail is not None and tail in wanted:
            tails.append((place, tail, node))
    if tails:
        ends = _subtree_ends(nodes)
        found.extend(((ends[place], 0, -place), (tail, node, True)) for place, tail, node in tails)
    found.sort(key=lambda item: item[0])
    # A page may repeat one line thousands of times.
    return [line for _, line in found[:_MAX_BYLINE_LINES]]


def _subtree_ends(nodes: list[etree._Element]) -> list[int]:
    """For each of ``nodes`` (a subtree, in document order), the place just after its own
    subtree: one walk, however deep the nesting (a walk up from each would cost the
    square of the depth on a page nesting thousands of elements, each with a tail)."""
    ends = [len(nodes)] * len(nodes)
    open_places: list[int] = []  # the node's ancestors, outermost first
    for place, node in enumerate(nodes):
        parent = node.getparent()
        while open_places and nodes[open_places[-1]] is not parent:
            ends[open_places.pop()] = place
        open_places.append(place)
    return ends


def _following(
    nodes: list[etree._Element], node: etree._Element, top: etree._Element, place: int
) -> int:
    """The place in ``nodes`` of the first node after ``node``'s subtree (or the end)."""
    while node is not top:
        after = node.getnext()
        if after is not None:
            return nodes.index(after, place + 1)
        parent = node.getparent()
        if parent is None:
            break
        node = parent
    return len(nodes)


def _dated_name(post: etree._Element, people: People) -> str | None:
    """The name of a "Jane Doe | 29.07.2006 um 14:26" line in ``post``: a byline
    without words, a name set before the date, often at the end of the post."""
    for line in itertools.islice(_xpath_texts(_DATED_LINES, post), _MAX_SHORT_LINES):
        holder = line.getparent()
        if holder is None:
            continue
        text = str(line)
        if line.is_tail and _DATE_AFTER_SEPARATOR.match(text) and len(holder) == 0:
            text = (holder.text or "") + text  # "<span>Jane Doe</span> | 29.07.2006"
        match = _NAME_THEN_DATE.match(text)
        if match is None or _in_credits(holder, line.is_tail):
            continue
        name = people.name(match.group(1))
        if name and name == collapse(match.group(1)):
            return name
    return None


def _name_after(holder: etree._Element, is_tail: bool, people: People) -> str | None:
    """The name after a byline's words that end a piece of text: in the next element
    (a link, a name or user span), else in the text after the words' element."""
    following = holder.getnext() if is_tail else (holder[0] if len(holder) else None)
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()  # comments, in html5lib's trees
    if following is None:
        return people.name(holder.tail or "") if not is_tail else None
    classes = (following.get("class") or "").lower()
    if following.tag == "a" or "name" in classes or "user" in classes:
        text = text_of(following)
        return people.name(text, login=_marks_login(following, text) or "user" in classes)
    if not is_tail and holder.tail and not holder.tail.isspace():
        return people.name(holder.tail)
    return people.name(text_of(following))


def _starts_line(holder: etree._Element, is_tail: bool) -> bool:
    """True when a piece of text (``holder``'s tail, or its text) starts a line."""
    if is_tail:
        return holder.tag == "br" or holder.tag not in INLINE_TAGS or not text_of(holder)
    if holder.tag not in INLINE_TAGS:
        return True
    parent = holder.getparent()
    before = holder.getprevious()
    if before is not None:
        return before.tag == "br" or (
            before.tag not in INLINE_TAGS and not (before.tail or "").strip()
        )
    return parent is None or not (parent.text or "").strip()


def _ends_line(rest: str, name: str) -> bool:
    """True when nothing but a date, a separator or more names follows ``name``."""
    after = collapse(rest).partition(name)[2] if name in collapse(rest) else ""
    after = _MORE_NAMES.sub("", after.strip())
    return not after or _LINE_END.match(after) is not None


def _in_credits(element: etree._Element, is_tail: bool) -> bool:
    """True inside the page's footer, comments or a credit line: not where a post is
    signed. A post's own footer is where it is signed, often."""
    in_footer = False
    for ancestor in itertools.chain([element] if not is_tail else [], element.iterancestors()):
        tag = ancestor.tag
        if tag in ("nav", "form", "script", "style", "template", "aside"):
            return True
        if in_footer and is_container(ancestor):
            return False  # the footer of a post
        marks = (ancestor.get("class", "") + " " + ancestor.get("id", "")).lower()
        if tag == "footer" or "footer" in marks:
            in_footer = True
        elif any(word in marks for word in _CREDIT_MARKS):
            return True
    return in_footer


def _meta_author_standing(root: etree._Element, name: str) -> str:
    """How far the page's text backs the ``<meta name=author>`` ``name``: "named"
    outside its footer and credits, "credited" there only (themes and site builders put
    their designer or webmaster in that meta), or "unnamed" (weak evidence)."""
    credited = False
    for line in itertools.islice(_xpath_texts(_TEXT_NAMING, root, name=name), _MAX_BYLINE_LINES):
        holder = line.getparent()
        if holder is None:
            continue
        if _in_credits(holder, line.is_tail) or _CREDIT_WORDS.search(line) is not None:
            credited = True
        else:
            return "named"
    return "credited" if credited else "unnamed"


_ORGANISATION_TYPES = re.compile(r"Organi[sz]ation|Corporation|WebSite|Brand|NewsMedia")
_META_SITE_NAMES = frozenset({"og:site_name", "application-name", "twitter:site"})
# Words of a byline ("by", "Von", "Autor", "author", "par"): a plain search first.
_BYLINE_WORD = re.compile(r"by|By|BY|von|Von|VON|utor|UTOR|uthor|UTHOR|par|Par")
_TEXT_NAMING = etree.XPath(".//body//text()[contains(., $name)]")
_MAX_BYLINE_LINES = 20
_MAX_LINE = 160  # characters: a byline or signature line is shorter
_SIGNED = re.compile(
    r"\s*(?:[\d.,:/\s|-]*\s)?"  # a date and time before it: "11.09.2011, 16:20 von jane"
    r"(?:(?:written|posted|published|submitted|reported|added|geschrieben|verfasst|gespeichert"
    r"|hinzugefügt|erstellt|publié|écrit|rédigé)\s+)?"
    r"(?:by|von|par)\s*:?(?=\s|$)|\s*(?:author|autor|autorin|autor/in|autor\*in|auteur|verfasser)"
    r"(?:\s*:|(?=\s)|$)",
    re.IGNORECASE,
)
# Short lines with a date after a separator: "Jane Doe | 29.07.2006", "| 3 May 2019".
_DATED_LINES = etree.XPath(
    ".//text()[string-length(.) < 80][contains(., '|') or contains(., ',') or contains(., '·')"
    " or contains(., '•') or contains(., '–') or contains(., '—') or contains(., ' - ')]"
)
_DATE_AFTER_SEPARATOR = re.compile(r"\s*(?:[|,·•–—]|-\s)\s*\d")
_MAX_SHORT_LINES = 200
_NAME_THEN_DATE = re.compile(
    r"\s*([^\W\d_][^|,·•\d]{2,60}?)\s*(?:[|,·•–—]|\s-)\s*(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.?\s+[^\W\d_]{3,}\.?\s+\d{4})"
)
_FIELD_SEPARATOR = re.compile(r"\s[|·•]\s|\n")
_MORE_NAMES = re.compile(r"^(?:and|und|et|y|&)\s+(?:[^\W\d_][\w.'’-]*\s*){1,4}$", re.IGNORECASE)
_LINE_END = re.compile(r"[|,;·•(\[–—/-]|(?:am|at|on|um|le|el|il|the)\b|\d", re.IGNORECASE)
_CREDIT_MARKS = ("credit", "copyright", "comment", "related", "teaser", "photo")
_CREDIT_WORDS = re.compile(
    r"theme|design|template|powered|webmaster|hosting|programmier|umsetzung|gestaltung"
    r"|realisierung|foto|photo|bild|übersetz|translat|impressum|©|\(c\)",
    re.IGNORECASE,
)


def site_people(index: PageIndex, source_url: str, json_ld: _JsonLd) -> People:
    """The rules telling people from organisations on this page (see People)."""
    names = list(json_ld.organisations)
    for meta in index.of("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key in _META_SITE_NAMES:
            names.append(meta.get("content", "").lstrip("@"))
    return People(names, urlsplit(source_url).hostname or "")


def find_author(
    root: etree._Element,
    link: etree._Element,
    source_url: str,
    *,
    entry_author: str | None = None,
    index: PageIndex | None = None,
) -> str | None:
    """Who wrote the page, asking the nearest witness to the link first; None rather
    than a guess.

    In order: the posts holding the link (h-entry p-author, rel=author,
    itemprop=author, address, vcard, byline, username, a link to an author's page),
    then a byline or signature in words in the nearest post ("Von ...", "Written by:
    ..."), then the page's ``<meta name=author>`` if the page's text names that person
    too (never when only a footer or credit line does: themes put their designer
    there), article:author and dc.creator, then
    JSON-LD (Person, not Organization), then parsely and citation metas, then the
    page's one post or a byline outside comments, then a byline in words anywhere,
    then the nearest ``<address>``, then a ``<meta name=author>`` the text does not
    name at all, as the weakest evidence. Every name must be a person's: not the site's,
    its publisher's, a news agency's or a desk's (see :class:`~pingcore.source.names.People`).

    ``entry_author`` is a name a microformats2 reader found for the entry holding the
    link (its h-card author, by the authorship algorithm): it comes first, through
    the same rules, as a name the page marks as a person's. ``index`` is the tree's
    :class:`~pingcore.pageindex.PageIndex`, if one was made.
    """
    if index is None:
        index = PageIndex(root)
    json_ld = _JsonLd(index)
    people = site_people(index, source_url, json_ld)
    if entry_author is not None and (name := people.marked.name(entry_author)):
        return name
    nearest = list(itertools.islice(containers(link), NEAREST_CONTAINERS))
    for container in nearest:
        name = _container_author(container, people)
        if name:
            return name
    # The post's texts first, the page's only if it comes to that: the search costs.
    if nearest and (name := _signed_name(_byline_lines(nearest[0], index), people)):
        return name
    metas = _meta_authors(index, people)
    standing = _meta_author_standing(root, metas["author"]) if "author" in metas else ""
    weak = metas.pop("author") if standing in ("credited", "unnamed") else None
    return (
        next((metas[key] for key in _PAGE_AUTHOR_KEYS if key in metas), None)
        or json_ld.author(people)
        or next((metas[key] for key in _PAGE_AUTHOR_KEYS_LATE if key in metas), None)
        or _page_author(index, people)
        or (_dated_name(nearest[0], people) if nearest else None)
        or _signed_name(_byline_lines(root, index), people)
        or _nearest_address_author(index, link, people)
        or (weak if standing == "unnamed" else None)
    )
