"""The storage app's receivers: store a ping, update a repeated Webmention, delete a deleted one.

The rules are pingcore.storage's, applied to ``Pingback`` rows through
``ModelMentionStore``. ``is_stored`` is the core's ``is_duplicate`` pre-check:
a stored pair costs no fetch.
"""

from __future__ import annotations

from typing import Any

from pingcore import storage

from ..signals import deleted, received
from .stores import ModelMentionStore

__all__ = ["connect", "forget_ping", "is_stored", "store_ping"]

RECEIVED_UID = "django_pingback.storage.store_ping"
DELETED_UID = "django_pingback.storage.forget_ping"


def is_stored(source_url: str, target_url: str) -> bool:
    return storage.is_stored(ModelMentionStore(), source_url, target_url)


def store_ping(
    sender: Any,
    source_url: str,
    target_url: str,
    protocol: str,
    title: str,
    author: str,
    excerpt: str,
    remote_addr: str | None,
    **extra: Any,
) -> str:
    """Store a ping; a stored Pingback is a duplicate, a repeated Webmention an update.

    Returns what happened: ``"added"``, ``"updated"`` (needs approval again) or
    ``"unchanged"``; raises ``DuplicatePing`` for a repeated Pingback.
    """
    arguments = {
        "source_url": source_url,
        "target_url": target_url,
        "protocol": protocol,
        "title": title,
        "author": author,
        "excerpt": excerpt,
        "remote_addr": remote_addr,
        **extra,
    }
    return storage.store_ping(ModelMentionStore(), storage.ping_from_signal(arguments))


def forget_ping(sender: Any, source_url: str, target_url: str, **extra: Any) -> bool:
    """Delete the pair's row; the ``deleted`` signal names the canonical pair."""
    return storage.forget_ping(ModelMentionStore(), source_url, target_url)


def connect() -> None:
    received.connect(store_ping, dispatch_uid=RECEIVED_UID)
    deleted.connect(forget_ping, dispatch_uid=DELETED_UID)
