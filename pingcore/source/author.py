"""Who wrote the page, asking the nearest witness to the link first."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Container

from lxml import etree

from ..htmltree import tag_name
from ..urls import MAX_URL_LENGTH
from .names import NAME_RAW, NAME_TEXT, clean_name
from .posts import ARTICLE_TYPES, NEAREST_CONTAINERS, containers, is_container
from .text import Budget, collapse, visible_texts

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


def _first_name(elements: list[etree._Element], budget: Budget) -> str | None:
    for element in elements[:_MAX_AUTHOR_CANDIDATES]:
        name = clean_name(element.get("content") or text_start(element, budget))
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
    budget = Budget(_NAME_READ)
    name = _first_name([part for part in window[1:] if _is_name_part(part)], budget)
    if name:
        return name
    if tag_name(element) == "img":
        return clean_name(element.get("alt", ""))
    content = element.get("content")
    if content is not None:
        return clean_name(content)
    links = [a for a in window if a.tag == "a"]
    if tag_name(element) == "address":
        # Addresses hold contact details and, misused, whole captions with links in them:
        # only a name in its first line, or on an author or mail link, is trusted.
        trusted = [a for a in links if _is_author_link(a, mail=True)]
        return _first_name(trusted, budget) or clean_name(_first_line(element, budget))
    # A byline: its link to the author's page, else its own words, else any of its links
    # ("Posted on <a>May 3</a> by <a>Jane</a>"). Its own words come before other links,
    # which are often "Follow on Twitter"; mail links say "Send an e-mail", not who.
    name = _first_name([a for a in links if _is_author_link(a)], budget)
    if name:
        return name
    words = text_start(element, budget, skip=_MAIL_LINKS)
    if len(words) > _MAX_BYLINE:  # an author box with a biography: the name comes first
        return clean_name(_first_line(element, budget))
    return clean_name(words) or _first_name([a for a in links if a not in _MAIL_LINKS], budget)


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
            name = clean_name(meta.get("content", ""))
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
        return clean_name(value)
    if isinstance(value, list):
        if not lists:
            return None
        names = (_json_ld_name(item, nodes, hops, lists - 1) for item in value[:10])
        return next(filter(None, names), None)
    if not isinstance(value, dict) or hops == 0:
        return None
    name = value.get("name")
    if isinstance(name, str):
        return clean_name(name)
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
                    article = any(isinstance(k, str) and ARTICLE_TYPES.search(k) for k in kinds)
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


def find_author(root: etree._Element, link: etree._Element) -> str | None:
    """Who wrote the page, asking the nearest witness to the link first.

    The posts holding the link (h-entry p-author, rel=author, itemprop=author,
    address, vcard, byline), then the page's <meta name=author>, article:author,
    dc.creator, then JSON-LD, then parsely and citation metas, then the page's one
    post or a byline outside comments, then the nearest <address>.
    """
    for container in itertools.islice(containers(link), NEAREST_CONTAINERS):
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
