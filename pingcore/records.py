"""The records a verified ping travels in: the target page it names, and the ping itself.

The server builds them, the application's hooks and the stores read them, and
the adapters' signals carry their fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

__all__ = ["ReceivedPing", "Target", "deleted_signal_arguments"]


@dataclass(frozen=True)
class Target:
    """A page of this site that a ping names, as the adapter resolved it."""

    url: str
    view: Any = None
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReceivedPing:
    """A verified ping, handed to the application's ``on_received``."""

    source_url: str
    target_url: str
    protocol: str  # "pingback" or "webmention"
    title: str
    author: str | None
    excerpt: str
    target: Target
    remote_addr: str | None = None
    # What kind of response the source is, and what it says of itself, read
    # from its microformats2 (else JSON-LD, else OpenGraph); see pingcore.mention.
    kind: str = "mention"  # reply, like, repost, bookmark, rsvp, quote or mention
    rsvp: str | None = None  # yes, no, maybe, interested
    author_url: str | None = None
    author_photo: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    url: str | None = None  # the entry's own permalink; None means the source URL
    content_html: str = ""  # sanitized
    content_text: str = ""
    syndication: tuple[str, ...] = ()

    @property
    def view(self) -> Any:
        return self.target.view

    @property
    def args(self) -> tuple[Any, ...]:
        return self.target.args

    @property
    def kwargs(self) -> Mapping[str, Any]:
        return self.target.kwargs

    @property
    def author_or_host(self) -> str:
        """The author the page names, else the source's host name: always a string.

        A host name says who linked in words a reader recognises, where a page
        title is often a whole headline. Both adapters' signals carry this.
        """
        return self.author or urlsplit(self.source_url).hostname or self.source_url

    def signal_arguments(self) -> dict[str, Any]:
        """The keyword arguments of the adapters' ``received`` signals.

        pingdjack's (source_url, target_url, view, args, kwargs, author,
        excerpt) plus title, remote_addr and protocol, and what the source
        says of itself: kind, rsvp, author_url, author_photo, published,
        updated, url, content_html, content_text and syndication.
        """
        return {
            "source_url": self.source_url,
            "target_url": self.target_url,
            "view": self.view,
            "args": tuple(self.args),
            "kwargs": dict(self.kwargs),
            "author": self.author_or_host,
            "excerpt": self.excerpt,
            "title": self.title,
            "remote_addr": self.remote_addr,
            "protocol": self.protocol,
            "kind": self.kind,
            "rsvp": self.rsvp,
            "author_url": self.author_url,
            "author_photo": self.author_photo,
            "published": self.published,
            "updated": self.updated,
            "url": self.url,
            "content_html": self.content_html,
            "content_text": self.content_text,
            "syndication": self.syndication,
        }


def deleted_signal_arguments(source_url: str, target: Target) -> dict[str, Any]:
    """The keyword arguments of the adapters' ``deleted`` signals (Webmention deletes)."""
    return {
        "source_url": source_url,
        "target_url": target.url,
        "view": target.view,
        "args": tuple(target.args),
        "kwargs": dict(target.kwargs),
        "protocol": "webmention",
    }
