"""Finding the link to the target among a page's ``a`` and ``area`` elements."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..errors import SourceHasNoLink
from ..links import LinkVerdicts, base_url_of, link_counts
from ..pageindex import PageIndex
from ..urls import normalize_url, resolve_href

# An href made of dots and slashes only (".", "../", "?page=2", "#top") can reach any
# page, given the base it is relative to.
_ONLY_DOTS = re.compile(r"[./]*(?:[?#].*)?", re.DOTALL)
_HREF_STRIP = "\t\n\f\r \x00"
_DOTS_START = frozenset("./?#\t\n\f\r \x00") | {""}
# What may follow the dots and slashes of such an href: nothing, a query, a fragment.
_AFTER_DOTS = frozenset({"", "?", "#"})
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


def _host_can_match(href: str, target_host: str) -> bool:
    """False when ``href`` is plainly an absolute URL of another host than ``target_host``.

    A site's links name its own host by the hundred, and often hold the target's last
    path segment too (a target at ``facebook.com/site`` of a page on ``site.org``): this
    spares each of them the full resolve-and-normalise. Anything unusual (escapes,
    credentials, IPv6, spaces, Unicode, a backslash) is left to that.
    """
    head = href.lstrip(_HREF_STRIP)
    scheme_end = head.find("//")
    if scheme_end not in (0, 5, 6) or head[:scheme_end].lower() not in ("", "http:", "https:"):
        return True
    rest = head[scheme_end + 2 :]
    end = len(rest)
    for mark in "/?#":
        found = rest.find(mark, 0, end)
        if found >= 0:
            end = found
    host = rest[:end].rpartition(":")[0] if ":" in rest[:end] else rest[:end]
    if not host or not host.isascii() or not _PLAIN_HOST.fullmatch(host):
        return True
    return host.lower() == target_host


_PLAIN_HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")


# Elements that embed the target in the page, which a Webmention counts as mentions
# (the Recommendation, 3.2.2): their src is the reference.
MEDIA_TAGS = ("img", "video", "audio", "source")


class _Target:
    """One spelling of the target, with what makes the search for it cheap."""

    __slots__ = ("host", "hostname", "needle", "query", "url")

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.needle, self.host = _needle(self.url)
        parts = urlsplit(self.url)
        self.query = unquote(parts.query) or None
        self.hostname = parts.hostname or ""

    def might_be(self, href: str) -> bool:
        host, needle = self.host, self.needle
        if host is not None or "%" in href or "&amp;" in href:
            return _could_reach(href, needle, host)
        # Most hrefs are settled here, without the test in full: either they hold the
        # needle, or they are made of dots and slashes ("../", "?page=2") or not.
        return needle in href or href.strip(_HREF_STRIP).lstrip("./")[:1] in _AFTER_DOTS


def find_link(
    root: etree._Element,
    source_url: str,
    target_urls: Sequence[str],
    *,
    media: bool = False,
    index: PageIndex | None = None,
) -> etree._Element:
    """The first element, in document order, that links to one of ``target_urls`` (the
    target and other spellings of it) where a reader sees it; with ``media``, an
    ``img``, ``video``, ``audio`` or ``source`` whose src is one counts too.

    ``index`` is the tree's :class:`~pingcore.pageindex.PageIndex`, if one was made.

    Raises SourceHasNoLink naming the first of ``target_urls`` when there is none.
    """
    targets = list({target.url: target for target in map(_Target, target_urls)}.values())
    wanted = {target.url for target in targets}
    if index is None:
        index = PageIndex(root)
    # The first <base href> counts for all links, even those before it.
    base_url = base_url_of(root, source_url, index=index)
    candidates: list[tuple[etree._Element, str]] = []
    # Most pings name one spelling: its test called directly, without a loop.
    might_be = targets[0].might_be if len(targets) == 1 else None
    for element in index.of("a", "area", *MEDIA_TAGS) if media else index.of("a", "area"):
        href = element.get("src" if element.tag in MEDIA_TAGS else "href")
        if href is not None and (
            might_be(href) if might_be else any(target.might_be(href) for target in targets)
        ):
            candidates.append((element, href))
    seen_hidden = False
    verdicts = LinkVerdicts()
    reaches: dict[str, bool] = {}  # pages repeat hrefs ("#", "/") by the dozen
    for element, href in candidates:
        hit = reaches.get(href)
        if hit is None:
            if not any(
                _query_can_match(href, target.query) and _host_can_match(href, target.hostname)
                for target in targets
            ):
                hit = reaches[href] = False
            else:
                absolute = resolve_href(href, base_url)
                hit = reaches[href] = absolute is not None and normalize_url(absolute) in wanted
        if not hit:
            continue
        if link_counts(element, verdicts):
            return element
        seen_hidden = True
    target_url = target_urls[0]
    if seen_hidden:
        raise SourceHasNoLink(
            f"The source links to {target_url} only where readers cannot see it "
            "(deleted, hidden, or in a script, template or noscript)."
        )
    raise SourceHasNoLink(f"The source page does not contain a link to {target_url}.")
