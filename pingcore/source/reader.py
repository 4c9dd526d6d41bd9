"""parse_source: what a source page says about its link to a target."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import SourceHasNoLink
from ..htmltree import PARSERS, parse_html
from ..mention import Mention, read_mention
from ..pageindex import PageIndex
from ..urls import is_http_url
from .author import find_author
from .excerpt import excerpt_around
from .link import find_link
from .media import is_json, json_mention, media_type, text_mention
from .text import text_of_link, without_format_characters
from .title import capped_title, page_title

__all__ = ["SourceInfo", "parse_source"]


@dataclass(frozen=True)
class SourceInfo:
    """What the source page says about its link to the target."""

    source_url: str
    target_url: str
    title: str
    author: str | None
    excerpt: str
    link_text: str
    # What kind of response the page is and what it says of itself (microformats2,
    # JSON-LD, OpenGraph), when asked for with ``mention=True``.
    mention: Mention | None = None


def parse_source(
    html: str | bytes,
    source_url: str,
    target_url: str,
    *,
    target_aliases: Iterable[str] = (),
    content_type: str | None = None,
    media: bool = False,
    encoding: str | None = None,
    parser: str = "lxml",
    max_excerpt: int = 300,
    mention: bool = False,
) -> SourceInfo:
    """Check that ``html`` (the page at ``source_url``) links to ``target_url``; describe it.

    A link is an ``a`` or ``area`` whose href, resolved against the page (and its
    ``<base href>``), is ``target_url`` once both are normalised and the fragments
    dropped; links a reader cannot see do not count (see :mod:`pingcore.links`).
    A link to any of ``target_aliases`` (other URLs naming the same page: its
    canonical URL, the spelling a sender used) counts as a link to the target, and
    the excerpt is taken around the first such link in the page.

    ``mention=True`` also reads, from the same tree, what kind of response the page
    is and what it says of itself (:func:`pingcore.mention.read_mention`), into
    ``SourceInfo.mention``; JSON and plain-text sources carry none.

    ``media`` is Webmention's reading of a source (its Recommendation, 3.2.2): in HTML an
    ``img``, ``video``, ``audio`` or ``source`` whose src is the target counts too;
    when ``content_type`` names JSON, a property whose value is the target counts (the
    excerpt is that entry's text); when it names ``text/plain``, the target's URL
    written in it (the excerpt is its sentence). Without ``media`` (Pingback, whose
    specification speaks of links in HTML) only links count and every source is read
    as HTML. ``encoding`` is the charset of the HTTP response, if any.

    Raises SourceHasNoLink when there is no such link (empty pages and non-HTML
    included), ValueError for a URL that is not http(s), an unknown parser, a
    ``max_excerpt`` below 1, HTML nested too deep to read or HTML html5lib fails on.
    """
    if not is_http_url(source_url):
        raise ValueError(f"source_url must be an absolute http(s) URL, not {source_url!r}")
    if not is_http_url(target_url):
        raise ValueError(f"target_url must be an absolute http(s) URL, not {target_url!r}")
    targets = [target_url]
    for alias in target_aliases:
        if not is_http_url(alias):
            raise ValueError(f"target_aliases must be absolute http(s) URLs, not {alias!r}")
        targets.append(alias)
    if parser not in PARSERS:
        raise ValueError(f"parser must be one of {', '.join(PARSERS)}, not {parser!r}")
    if max_excerpt < 1:
        raise ValueError(f"max_excerpt must be at least 1, not {max_excerpt}")
    if not html or html.isspace():
        raise SourceHasNoLink(f"The source page is empty, so it cannot link to {target_url}.")
    kind = media_type(content_type) if media else None
    if is_json(kind):
        title, author, excerpt, key = json_mention(html, source_url, targets, max_excerpt, encoding)
        return SourceInfo(source_url, target_url, capped_title(title), author, excerpt, key)
    if kind == "text/plain":
        title, excerpt, written = text_mention(html, targets, max_excerpt, encoding)
        return SourceInfo(source_url, target_url, capped_title(title), None, excerpt, written)
    if "<" not in html if isinstance(html, str) else b"<" not in html:
        raise SourceHasNoLink(f"The source page has no HTML tags, so no link to {target_url}.")
    root = parse_html(html, parser, encoding=encoding)
    # One walk of the tree, shared by every reader below (and holding every element's
    # proxy until the end: see PageIndex).
    index = PageIndex(root)
    link = find_link(root, source_url, targets, media=media, index=index)
    link_text = without_format_characters(text_of_link(link))
    info = SourceInfo(
        source_url=source_url,
        target_url=target_url,
        title=page_title(root, link, index=index),
        author=find_author(root, link, source_url, index=index),
        excerpt=without_format_characters(excerpt_around(link, link_text, max_excerpt)),
        link_text=link_text,
        # The same tree: the mention fields cost no second parse.
        mention=read_mention(root, source_url, target_url, index=index) if mention else None,
    )
    del index
    return info
