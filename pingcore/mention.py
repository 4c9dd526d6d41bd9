"""What a source page says of itself as a response: its kind, who wrote it, when, and what.

:func:`read_mention` reads the h-entry that links to the target (microformats2), else
the page's JSON-LD, else its OpenGraph tags, from the tree the receiver already parsed.
Every string comes from an untrusted page: URLs are http(s) only, HTML is sanitized,
text and counts are capped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import nh3
from lxml import etree

from .links import LINK_TAGS, LinkVerdicts, base_url_of, link_counts
from .microformats import Item, ParsedPage, parse_microformats
from .pageindex import PageIndex
from .urls import is_http_url, page_url, resolve_href

__all__ = [
    "KINDS",
    "MAX_CONTENT_HTML",
    "MAX_CONTENT_TEXT",
    "MAX_SYNDICATION",
    "RSVP_VALUES",
    "Mention",
    "read_mention",
]

MAX_CONTENT_HTML = 65_536
MAX_CONTENT_TEXT = 16_384
MAX_SYNDICATION = 20
MAX_NAME = 100
# HTML read before sanitizing: sanitizing drops much, and more is never kept.
_MAX_RAW_HTML = 4 * MAX_CONTENT_HTML
_MAX_JSON_LD = 1_000_000
_MAX_JSON_LD_SCRIPTS = 10
_MAX_JSON_LD_NODES = 10_000

KINDS = ("reply", "like", "repost", "bookmark", "rsvp", "quote", "mention")
RSVP_VALUES = frozenset({"yes", "no", "maybe", "interested"})
# The property that makes each kind, in the order of Post Type Discovery
# (https://indieweb.org/post-type-discovery): an RSVP is also a reply, and is an RSVP.
_KIND_PROPERTIES = (
    ("in-reply-to", "reply"),
    ("repost-of", "repost"),
    ("like-of", "like"),
    ("bookmark-of", "bookmark"),
    ("quotation-of", "quote"),
)

_ALLOWED_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "cite", "code", "dd", "del", "dfn"}
    | {"dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
    | {"i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small"}
    | {"span", "strong", "sub", "sup", "time", "u", "ul", "var", "wbr"}
)
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "img": {"src", "alt", "title", "width", "height"},
    "q": {"cite"},
    "time": {"datetime"},
}
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# Removed with everything inside them, not just their tags.
_REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe", "object"})
_LINK_REL = "nofollow ugc noopener noreferrer"

# Unicode's format characters (category Cf): invisible, and used to hide or reorder
# text. The ranges hold every Cf of Unicode 15; the running Python's Unicode decides
# which of them count, so the set is exactly its category Cf (the tests check that).
_CF_RANGES = (
    (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F),
    (0x890, 0x891), (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
_FORMAT_CHARACTERS = re.compile(
    "["
    + "".join(
        re.escape(chr(code))
        for first, last in _CF_RANGES
        for code in range(first, last + 1)
        if unicodedata.category(chr(code)) == "Cf"
    )
    + "]"
)
_SPACE = re.compile(r"\s+")
_DATETIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[Tt ]"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?"
    r"\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)"
)
_ARTICLE_TYPES = frozenset(
    {"Article", "BlogPosting", "SocialMediaPosting", "NewsArticle", "Report", "TechArticle"}
    | {"ScholarlyArticle", "DiscussionForumPosting", "LiveBlogPosting", "Comment", "Review"}
    | {"Answer", "Question"}
)
# Read only when no article is there: a graph often holds both, the page first.
_PAGE_TYPES = frozenset({"WebPage", "ItemPage", "Blog", "CreativeWork"})


@dataclass(frozen=True)
class Mention:
    """What the source says of itself; every field is None or empty when the page is silent."""

    kind: str = "mention"  # one of KINDS
    rsvp: str | None = None  # yes, no, maybe or interested, for kind "rsvp"
    author_name: str | None = None
    author_url: str | None = None
    author_photo: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    url: str | None = None  # the entry's own permalink, http(s)
    content_html: str = ""  # sanitized, relative URLs made absolute
    content_text: str = ""
    syndication: tuple[str, ...] = ()


def read_mention(
    root: etree._Element, source_url: str, target_url: str, *, index: PageIndex | None = None
) -> Mention:
    """What the page at ``source_url`` (its tree ``root``) says as a response to ``target_url``.

    ``root`` is what :func:`pingcore.htmltree.parse_html` made of the page, and ``index``
    its :class:`~pingcore.pageindex.PageIndex`, if one was made. The h-entry holding the
    link to the target is read, else the first top-level h-entry; without one, JSON-LD
    and then OpenGraph fill what they can. Never raises on what a page says.
    """
    if index is None:
        index = PageIndex(root)
    base = base_url_of(root, source_url, index=index)
    page = parse_microformats(root, base, index=index)
    entry = _entry(page, root, base, target_url)
    if entry is not None:
        return mention_from_entry(entry, page, source_url, base, target_url)
    return _mention_from_metadata(index.of("script"), index.of("meta"), base)


def _walk_items(items: list[Item]) -> Iterator[tuple[Item, Item | None]]:
    """Every item with the item that holds it, top-level ones first, without recursion."""
    stack: list[tuple[Item, Item | None]] = [(item, None) for item in reversed(items)]
    while stack:
        item, parent = stack.pop()
        yield item, parent
        nested = list(item.get("children", ()))
        for values in item.get("properties", {}).values():
            nested.extend(value for value in values if isinstance(value, dict) and "type" in value)
        stack.extend((child, item) for child in reversed(nested))


def _is_entry(item: Item) -> bool:
    return "h-entry" in item.get("type", ())


def _entry(page: ParsedPage, root: etree._Element, base: str, target_url: str) -> Item | None:
    """The h-entry nearest around the first link to the target, else the first top-level one."""
    entry_of: dict[etree._Element, Item] = {}
    for item, _ in _walk_items(page.items):
        element = page.elements.get(id(item))
        if _is_entry(item) and element is not None:
            entry_of.setdefault(element, item)
    if entry_of:
        target = page_url(target_url)
        verdicts = LinkVerdicts()
        for top in page.items:
            top_element = page.elements.get(id(top))
            if top_element is None:
                continue
            for link in top_element.iter(*LINK_TAGS):
                href = link.get("href")
                if href is None or not link_counts(link, verdicts):
                    continue
                absolute = resolve_href(href, base)
                if absolute is None or page_url(absolute) != target:
                    continue
                node: etree._Element | None = link
                while node is not None:
                    if node in entry_of:
                        return entry_of[node]
                    node = node.getparent()
    return next((item for item in page.items if _is_entry(item)), None)


def _first(item: Item, name: str) -> Any:
    values = item.get("properties", {}).get(name)
    return values[0] if values else None


def _string(value: Any) -> str | None:
    """A property value as text: a nested item or an image stands for its "value"."""
    if isinstance(value, dict):
        value = value.get("value")
    return value if isinstance(value, str) else None


def _urls_of(value: Any) -> list[str]:
    """The URLs a property value names: itself, or a nested item's value and url."""
    if not isinstance(value, dict):
        return [value] if isinstance(value, str) else []
    urls = [value["value"]] if isinstance(value.get("value"), str) else []
    for url in value.get("properties", {}).get("url", ()):
        text = _string(url)
        if text is not None:
            urls.append(text)
    return urls


def _names_target(entry: Item, name: str, target: str) -> bool:
    for value in entry.get("properties", {}).get(name, ()):
        for url in _urls_of(value):
            if is_http_url(url) and page_url(url) == target:
                return True
    return False


def _kind(entry: Item, target_url: str) -> tuple[str, str | None]:
    target = page_url(target_url)
    rsvp = (_string(_first(entry, "rsvp")) or "").strip().lower()
    replies = _names_target(entry, "in-reply-to", target)
    if replies and rsvp in RSVP_VALUES:
        return "rsvp", rsvp
    for name, kind in _KIND_PROPERTIES:
        if (name == "in-reply-to" and replies) or _names_target(entry, name, target):
            return kind, None
    return "mention", None


@dataclass(frozen=True)
class _Author:
    name: str | None = None
    url: str | None = None
    photo: str | None = None


def _author_from_card(card: Item, base: str) -> _Author:
    return _Author(
        name=_clean_name(_string(_first(card, "name"))),
        url=_http_url(_string(_first(card, "url")), base),
        photo=_http_url(_string(_first(card, "photo")), base),
    )


def _cards(page: ParsedPage) -> Iterator[Item]:
    return (item for item, _ in _walk_items(page.items) if "h-card" in item.get("type", ()))


def _card_at(page: ParsedPage, url: str, base: str) -> Item | None:
    """An h-card of this page whose url is ``url``."""
    wanted = page_url(url)
    for card in _cards(page):
        for value in card.get("properties", {}).get("url", ()):
            found = _http_url(_string(value), base)
            if found is not None and page_url(found) == wanted:
                return card
    return None


def _author_at(page: ParsedPage, url: str, base: str) -> _Author:
    card = _card_at(page, url, base)
    return _author_from_card(card, base) if card is not None else _Author(url=url)


def _representative_card(page: ParsedPage, source_url: str, base: str) -> Item | None:
    """The representative h-card (https://microformats.org/wiki/representative-h-card-parsing)."""
    here = page_url(source_url)
    cards = [item for item in page.items if "h-card" in item.get("type", ())]

    def urls(card: Item, name: str) -> set[str]:
        found = (_http_url(_string(v), base) for v in card.get("properties", {}).get(name, ()))
        return {page_url(url) for url in found if url is not None}

    for card in cards:
        if here in urls(card, "uid") and here in urls(card, "url"):
            return card
    me = {page_url(url) for url in page.rels.get("me", ()) if is_http_url(url)}
    for card in cards:
        if urls(card, "url") & me:
            return card
    if len(cards) == 1 and here in urls(cards[0], "url"):
        return cards[0]
    return None


def _feed_of(page: ParsedPage, entry: Item) -> Item | None:
    for item, parent in _walk_items(page.items):
        if item is entry:
            return parent if parent is not None and "h-feed" in parent.get("type", ()) else None
    return None


def _author(entry: Item, page: ParsedPage, source_url: str, base: str) -> _Author:
    """The IndieWeb authorship algorithm (https://indieweb.org/authorship-spec), without fetching.

    The entry's author, else its h-feed's, else the page's rel=author, else the page's
    representative h-card. An author given as a URL is looked up among this page's
    h-cards; pingcore makes no second request for the author's page.
    """
    author = _first(entry, "author")
    if author is None:
        feed = _feed_of(page, entry)
        author = _first(feed, "author") if feed is not None else None
    if isinstance(author, dict) and "h-card" in author.get("type", ()):
        return _author_from_card(author, base)
    text = _string(author)
    if text is not None:
        url = _http_url(text, base) if "://" in text or text.startswith("/") else None
        return _author_at(page, url, base) if url is not None else _Author(_clean_name(text))
    for rel_author in page.rels.get("author", ()):
        url = _http_url(rel_author, base)
        if url is not None:
            return _author_at(page, url, base)
    card = _representative_card(page, source_url, base)
    return _author_from_card(card, base) if card is not None else _Author()


def mention_from_entry(
    entry: Item, page: ParsedPage, source_url: str, base: str, target_url: str
) -> Mention:
    """The mention an h-entry (in mf2 JSON, from any parser) makes of ``target_url``."""
    kind, rsvp = _kind(entry, target_url)
    author = _author(entry, page, source_url, base)
    content = _first(entry, "content")
    html = content.get("html") if isinstance(content, dict) else None
    text = _string(content)
    if text is None:
        text = _string(_first(entry, "summary"))
    syndication: list[str] = []
    for value in entry.get("properties", {}).get("syndication", ()):
        url = _http_url(_string(value), base)
        if url is not None and url not in syndication:
            syndication.append(url)
        if len(syndication) == MAX_SYNDICATION:
            break
    return Mention(
        kind=kind,
        rsvp=rsvp,
        author_name=author.name,
        author_url=author.url,
        author_photo=author.photo,
        published=parse_datetime(_string(_first(entry, "published"))),
        updated=parse_datetime(_string(_first(entry, "updated"))),
        url=_http_url(_string(_first(entry, "url")), base),
        content_html=sanitize_html(html, base) if isinstance(html, str) else "",
        content_text=clean_text(text or "", MAX_CONTENT_TEXT),
        syndication=tuple(syndication),
    )


def _json_ld_nodes(scripts_found: Sequence[etree._Element]) -> Iterator[dict[str, Any]]:
    """The objects of the page's JSON-LD scripts, @graph and lists opened, bounded."""
    scripts = 0
    for script in scripts_found:
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json":
            continue
        scripts += 1
        if scripts > _MAX_JSON_LD_SCRIPTS:
            return
        text = script.text or ""
        if len(text) > _MAX_JSON_LD:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        stack: list[Any] = [data]
        seen = 0
        while stack and seen < _MAX_JSON_LD_NODES:
            node = stack.pop()
            seen += 1
            if isinstance(node, list):
                stack.extend(reversed(node))
            elif isinstance(node, dict):
                yield node
                graph = node.get("@graph")
                if isinstance(graph, list):
                    stack.extend(reversed(graph))


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    names = kind if isinstance(kind, list) else [kind]
    return {name.rsplit("/", 1)[-1] for name in names if isinstance(name, str)}


def _json_ld_text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    return value if isinstance(value, str) else None


def _json_ld_url(value: Any, base: str) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url", value.get("@id", value.get("contentUrl")))
    return _http_url(value, base) if isinstance(value, str) else None


def _json_ld_author(value: Any, base: str, by_id: dict[str, dict[str, Any]]) -> _Author:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, (dict, str))), None)
    if isinstance(value, dict) and set(value) == {"@id"}:
        # A reference to a node elsewhere in the graph (as Yoast writes its Person).
        value = by_id.get(str(value["@id"]), value)
    if isinstance(value, str):
        url = _http_url(value, base) if "://" in value else None
        return _Author(url=url) if url else _Author(name=_clean_name(value))
    if not isinstance(value, dict):
        return _Author()
    return _Author(
        name=_clean_name(_json_ld_text(value.get("name"))),
        url=_json_ld_url(value.get("url") or value.get("@id"), base),
        photo=_json_ld_url(value.get("image"), base),
    )


def _json_ld_article(
    scripts: Sequence[etree._Element],
) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
    """The first article-like node (else page-like), and every node by its @id."""
    article = page = None
    by_id: dict[str, dict[str, Any]] = {}
    for node in _json_ld_nodes(scripts):
        if isinstance(node.get("@id"), str):
            by_id.setdefault(node["@id"], node)
        types = _types(node)
        if article is None and types & _ARTICLE_TYPES:
            article = node
        elif page is None and types & _PAGE_TYPES:
            page = node
    return article or page, by_id


def _meta(metas: Sequence[etree._Element]) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in metas:
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content:
            found.setdefault(key, content)
    return found


def _mention_from_metadata(
    scripts: Sequence[etree._Element], metas: Sequence[etree._Element], base: str
) -> Mention:
    found, by_id = _json_ld_article(scripts)
    article = found or {}
    meta = _meta(metas)
    author = _json_ld_author(article.get("author"), base, by_id)
    if author.url is None and author.name is None:
        # article:author is a profile URL or, often, a bare name: only the first is read.
        profile = meta.get("article:author")
        author = _Author(url=profile if is_http_url(profile) else None)
    text = _json_ld_text(article.get("articleBody")) or _json_ld_text(article.get("description"))
    return Mention(
        author_name=author.name,
        author_url=author.url,
        author_photo=author.photo,
        published=parse_datetime(_json_ld_text(article.get("datePublished")))
        or parse_datetime(meta.get("article:published_time")),
        updated=parse_datetime(_json_ld_text(article.get("dateModified")))
        or parse_datetime(meta.get("article:modified_time")),
        url=_json_ld_url(article.get("url"), base) or _http_url(meta.get("og:url"), base),
        content_text=clean_text(text or "", MAX_CONTENT_TEXT),
    )


def _http_url(value: str | None, base: str) -> str | None:
    """``value`` resolved against ``base`` when that gives an http(s) URL, else None."""
    return resolve_href(value, base) if isinstance(value, str) else None


def clean_text(text: str, limit: int) -> str:
    """Text with format characters gone, whitespace collapsed, cut at a word within ``limit``."""
    text = _SPACE.sub(" ", _FORMAT_CHARACTERS.sub("", text[: 4 * limit])).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def _clean_name(name: str | None) -> str | None:
    return clean_text(name, MAX_NAME) or None if name is not None else None


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 / RFC 3339 date-time with an offset, as an aware datetime; else None.

    A date-time without an offset, or a bare date, is None: it names a moment only to
    within a day, and guessing UTC would misdate it by hours. So is anything that is not
    a real date ("yesterday", year 99999, February 30th, an offset of 24 hours or more).
    """
    if not value or len(value) > 64:
        return None
    match = _DATETIME.fullmatch(value.strip())
    if match is None:
        return None
    zone = match.group("zone")
    try:
        if zone in ("Z", "z"):
            offset = timezone.utc
        else:
            digits = zone[1:].replace(":", "")
            minutes = int(digits[:2]) * 60 + (int(digits[2:]) if len(digits) > 2 else 0)
            offset = timezone(timedelta(minutes=minutes if zone[0] == "+" else -minutes))
        fraction = (match.group("fraction") or "").ljust(6, "0")[:6]
        return datetime(
            int(match.group("year")),
            int(match.group("month")),
            int(match.group("day")),
            int(match.group("hour")),
            int(match.group("minute")),
            int(match.group("second") or 0),
            int(fraction or 0),
            tzinfo=offset,
        )
    except ValueError:
        return None


def _absolute_url_attribute(base: str) -> Any:
    def absolute(tag: str, attribute: str, value: str) -> str | None:
        if attribute in _URL_ATTRIBUTES:
            return resolve_href(value, base)
        return value

    return absolute


def _cut_html(html: str, limit: int) -> str:
    """The first ``limit`` characters, not ending inside a tag or a character reference."""
    if len(html) <= limit:
        return html
    cut = html[:limit]
    tag_start = cut.rfind("<")
    if tag_start > cut.rfind(">"):
        cut = cut[:tag_start]
    reference = cut.rfind("&")
    if reference > cut.rfind(";"):
        cut = cut[:reference]
    return cut


def sanitize_html(html: str, base: str) -> str:
    """``html`` on an allow-list of text tags, with http(s) links and images only.

    No scripts, styles, event attributes or other schemes; relative URLs made absolute
    against ``base``; at most MAX_CONTENT_HTML characters, cut between tags and closed.
    """

    def clean(fragment: str) -> str:
        return nh3.clean(
            fragment,
            tags=set(_ALLOWED_TAGS),
            clean_content_tags=set(_REMOVED_WITH_CONTENT),
            attributes={tag: set(names) for tag, names in _ALLOWED_ATTRIBUTES.items()},
            attribute_filter=_absolute_url_attribute(base),
            url_schemes={"http", "https"},
            link_rel=_LINK_REL,
            strip_comments=True,
        ).strip()

    cleaned = clean(_cut_html(html, _MAX_RAW_HTML))
    limit = MAX_CONTENT_HTML
    while len(cleaned) > MAX_CONTENT_HTML and limit > 0:
        # Cut the sanitized HTML and sanitize again, which closes what the cut left open.
        shorter = clean(_cut_html(cleaned, limit))
        if len(shorter) <= MAX_CONTENT_HTML:
            return shorter
        limit -= len(shorter) - MAX_CONTENT_HTML + 1024
    return cleaned if len(cleaned) <= MAX_CONTENT_HTML else ""
