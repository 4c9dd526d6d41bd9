"""The outbound links of an HTML fragment: the pages a post links to, and so may ping.

What counts as a link, here and in :mod:`pingcore.source` alike, so that a page never
pings a target that would then answer "your page does not link to me":

- ``a[href]`` and ``area[href]``, the elements that HTML makes hyperlinks in the text.
  ``cite`` on ``blockquote``, ``q``, ``ins`` and ``del`` is not: readers never see it,
  and receivers (WordPress, pingcore's own) look for ``<a href>`` when they verify a ping.
  ``<link>`` elements are metadata about the page (stylesheets, feeds), not references.
- ``rel=nofollow`` links count: nofollow asks search engines not to pass ranking, it
  does not say the author did not link (pingdjack pinged them too).
- Links inside ``<del>`` do not count: deleted text is no longer a reference the author
  makes. Nor do links inside script, style, template or noscript (not shown to a reader
  with scripting).
- Links no reader can see or follow do not count, which is how pages hide links to game
  pings: inside an element marked ``hidden`` or ``aria-hidden=true``, styled
  ``display: none`` or ``visibility: hidden`` (inline styles, read by a CSS parser, in
  any spelling: comments, escapes, case), inside a ``<dialog>`` that is not open; an
  ``<a>`` with no text and no picture; an ``<area>`` of a ``<map>`` no ``<img usemap>``
  shows. One exception: an h-entry's response property (``u-in-reply-to``,
  ``u-like-of``, ``u-repost-of``, ``u-bookmark-of``, ``u-quotation-of``) counts however
  it is hidden, since IndieWeb replies often hide it on purpose (it still does not count
  in script, template or ``<del>``). See :mod:`pingcore.htmltree`.
- Only http(s) URLs: javascript:, mailto:, data:, tel: and every other scheme are skipped.
"""

from __future__ import annotations

from lxml import etree

from .htmltree import (
    NOT_CONTENT_TAGS,
    ancestor_holds,
    is_hidden,
    is_response_link,
    parse_html,
    shows_nothing,
    tag_name,
)
from .pageindex import PageIndex
from .urls import is_http_url, is_within, page_url, resolve_href

__all__ = [
    "LINK_TAGS",
    "LinkVerdicts",
    "base_url_of",
    "external_links",
    "external_urls",
    "link_counts",
]

LINK_TAGS = ("a", "area")
# Links under these elements are never references the author makes to a reader.
_NOT_COUNTED_TAGS = NOT_CONTENT_TAGS | {"del"}


def base_url_of(root: etree._Element, url: str, *, index: PageIndex | None = None) -> str:
    """The URL relative links resolve against: the first ``<base href>``, else ``url``.

    ``index`` is the tree's :class:`~pingcore.pageindex.PageIndex`, if one was made.
    """
    for base in root.iter("base") if index is None else index.of("base"):
        href = base.get("href")
        if href is not None:
            # As in browsers, a <base> that does not give an http(s) URL is ignored.
            return resolve_href(href, url) or url
    return url


class LinkVerdicts:
    """What :func:`link_counts` learnt of one tree's elements, so that each is judged
    once however many links it holds."""

    __slots__ = ("entries", "hidden", "inert")

    def __init__(self) -> None:
        self.hidden: dict[etree._Element, bool] = {}  # hidden, inert or deleted
        self.inert: dict[etree._Element, bool] = {}  # inert or deleted only
        self.entries: dict[etree._Element, bool] = {}  # inside an h-entry


def _is_not_counted(element: etree._Element) -> bool:
    return tag_name(element) in _NOT_COUNTED_TAGS


def _hides(element: etree._Element) -> bool:
    return tag_name(element) in _NOT_COUNTED_TAGS or is_hidden(element)


def link_counts(element: etree._Element, verdicts: LinkVerdicts | None = None) -> bool:
    """True when a link element is a reference the author makes (see the module docstring).

    Pass the same ``verdicts`` for every link of one tree: each ancestor is then
    judged once, and a page of many deeply nested links costs linear time.
    """
    verdicts = verdicts or LinkVerdicts()
    if is_response_link(element, verdicts.entries):
        # Hidden on purpose; only inert or deleted markup undoes it.
        return not ancestor_holds(element, _is_not_counted, verdicts.inert)
    if shows_nothing(element):
        return False
    return not ancestor_holds(element, _hides, verdicts.hidden)


def external_urls(
    html: str | bytes,
    root_url: str,
    base_url: str | None = None,
    *,
    parser: str = "lxml",
) -> list[str]:
    """The http(s) pages ``html`` links to outside ``root_url``, in document order.

    Relative links resolve against a ``<base href>`` in ``html``, else ``base_url``
    (the post's own URL), else ``root_url``. Each page comes once, in its normal form
    and without a fragment. Raises ValueError when ``root_url`` or ``base_url`` is not
    an http(s) URL.
    """
    return [normal for normal, _ in _external(html, root_url, base_url, parser)]


def external_links(
    html: str | bytes,
    root_url: str,
    base_url: str | None = None,
    *,
    parser: str = "lxml",
) -> list[str]:
    """The same pages as ``external_urls``, each spelled as the page first wrote it.

    Made absolute and without its fragment, but otherwise as written: host case,
    ``:80``, percent escapes and raw non-ASCII characters are kept. This is the
    spelling to ping with, since receivers such as WordPress look for the target
    in the source byte for byte.
    """
    return [written for _, written in _external(html, root_url, base_url, parser)]


def _external(
    html: str | bytes, root_url: str, base_url: str | None, parser: str
) -> list[tuple[str, str]]:
    """(normal form, first spelling) of each external page, in document order."""
    if not is_http_url(root_url):
        raise ValueError(f"root_url must be an absolute http(s) URL, not {root_url!r}")
    if base_url is not None and not is_http_url(base_url):
        raise ValueError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
    root = parse_html(html, parser)
    base = base_url_of(root, base_url or root_url)
    verdicts = LinkVerdicts()
    seen: set[str] = set()
    pages: list[tuple[str, str]] = []
    for element in root.iter(*LINK_TAGS):
        href = element.get("href")
        if href is None or not link_counts(element, verdicts):
            continue
        absolute = resolve_href(href, base)
        if absolute is None:
            continue
        url = page_url(absolute)
        if url not in seen and not is_within(url, root_url):
            seen.add(url)
            pages.append((url, absolute.partition("#")[0]))
    return pages
