"""parse_source: what a source page says about its link to a target."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import SourceHasNoLink
from ..htmltree import PARSERS, parse_html
from ..urls import is_http_url
from .author import find_author
from .excerpt import excerpt_around
from .link import find_link
from .text import text_of_link, without_format_characters
from .title import page_title

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
    link = find_link(root, source_url, target_url)
    link_text = without_format_characters(text_of_link(link))
    info = SourceInfo(
        source_url=source_url,
        target_url=target_url,
        title=page_title(root, link),
        author=find_author(root, link, source_url),
        excerpt=without_format_characters(excerpt_around(link, link_text, max_excerpt)),
        link_text=link_text,
    )
    del elements
    return info
