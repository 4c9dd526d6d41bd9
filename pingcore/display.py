"""What a page shows of its stored mentions: grouped by kind, every value safe to render.

Both adapters' mention templates render a ``MentionsDisplay``: replies, quotes,
RSVPs and plain mentions as comments; likes, reposts and bookmarks as facepiles.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import nh3

from .storage import StoredMention
from .urls import is_http_url

__all__ = [
    "FACEPILE_KINDS",
    "Facepile",
    "MentionsDisplay",
    "ShownMention",
    "clean_content_html",
    "display_mentions",
    "safe_url",
]

# Kinds that say little more than who: shown as a row of faces with a count.
FACEPILE_KINDS = ("like", "repost", "bookmark")
_FACEPILE_LABELS = {
    "like": ("like", "likes"),
    "repost": ("repost", "reposts"),
    "bookmark": ("bookmark", "bookmarks"),
}

# Stored content was sanitized when it was received; it is sanitized again here,
# with a smaller list, because rows outlive the code (and the rules) that wrote them.
_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "strong",
    "sub",
    "sup",
    "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
_URL_SCHEMES = {"http", "https", "mailto"}
_DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "iframe", "object"}


def clean_content_html(html: str) -> str:
    """A mention's HTML cut down to text markup and http(s) links, ready to render as is."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    ).strip()


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL (never ``javascript:`` or ``data:``), else None."""
    return url if url and is_http_url(url) else None


@dataclass(frozen=True)
class ShownMention:
    """One mention as a template shows it: URLs checked, HTML sanitized.

    The template still escapes every field but ``content_html``.
    """

    kind: str
    author: str
    author_url: str | None
    author_photo: str | None
    entry_url: str
    title: str
    content_html: str
    content_text: str
    published: datetime | None
    rsvp: str | None
    source_url: str

    @classmethod
    def of(cls, mention: StoredMention) -> ShownMention:
        content_html = clean_content_html(mention.content_html)
        return cls(
            kind=mention.kind,
            author=mention.author or urlsplit(mention.source_url).hostname or mention.source_url,
            author_url=safe_url(mention.author_url),
            author_photo=safe_url(mention.author_photo),
            entry_url=safe_url(mention.url) or mention.source_url,
            title=mention.title,
            content_html=content_html,
            content_text="" if content_html else (mention.content_text or mention.excerpt),
            published=mention.published or mention.created_at,
            rsvp=mention.rsvp,
            source_url=mention.source_url,
        )


@dataclass(frozen=True)
class Facepile:
    """The likes (or reposts, or bookmarks) of a page: who, and how many."""

    kind: str
    mentions: tuple[ShownMention, ...]

    @property
    def count(self) -> int:
        return len(self.mentions)

    @property
    def label(self) -> str:
        """The noun for the count: "1 like", "2 likes"."""
        singular, plural = _FACEPILE_LABELS.get(self.kind, (self.kind, self.kind))
        return singular if self.count == 1 else plural


@dataclass(frozen=True)
class MentionsDisplay:
    """A page's approved mentions, grouped for showing."""

    comments: tuple[ShownMention, ...]
    facepiles: tuple[Facepile, ...]

    @property
    def count(self) -> int:
        return len(self.comments) + sum(pile.count for pile in self.facepiles)


def _conversation_order(mention: ShownMention) -> tuple[bool, float]:
    # Undated comments go last; aware datetimes compare by their instant.
    return (mention.published is None, mention.published.timestamp() if mention.published else 0)


def display_mentions(mentions: Iterable[StoredMention]) -> MentionsDisplay:
    """Group mentions (approved ones: the caller chooses) into comments and facepiles.

    Comments read oldest first, as a conversation does; faces keep the order given.
    """
    shown = [ShownMention.of(mention) for mention in mentions]
    comments = [m for m in shown if m.kind not in FACEPILE_KINDS]
    comments.sort(key=_conversation_order)
    facepiles = tuple(
        Facepile(kind, tuple(m for m in shown if m.kind == kind))
        for kind in FACEPILE_KINDS
        if any(m.kind == kind for m in shown)
    )
    return MentionsDisplay(comments=tuple(comments), facepiles=facepiles)
