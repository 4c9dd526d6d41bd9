"""The storage app's receivers: store a ping, update a repeated Webmention, delete a deleted one.

``is_stored`` is the core's ``is_duplicate`` pre-check: a stored pair costs no fetch.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from pingcore.errors import DuplicatePing

from ..signals import deleted, received
from .models import Pingback

__all__ = ["connect", "forget_ping", "is_stored", "store_ping"]

RECEIVED_UID = "django_pingback.storage.store_ping"
DELETED_UID = "django_pingback.storage.forget_ping"


def is_stored(source_url: str, target_url: str) -> bool:
    return Pingback.objects.filter(source_url=source_url, target_url=target_url).exists()


def _fitted(field: str, value: str) -> str:
    # Pages choose their titles and names; a row must still fit its columns.
    max_length = Pingback._meta.get_field(field).max_length
    return value[:max_length] if max_length else value


def _address(remote_addr: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(remote_addr or ""))
    except ValueError:
        return None


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
) -> None:
    """Store a ping; a stored Pingback is a duplicate, a repeated Webmention an update."""
    shown = {
        "title": _fitted("title", title),
        "author": _fitted("author", author),
        "excerpt": excerpt,
    }
    pingback, created = Pingback.objects.get_or_create(
        source_url=source_url,
        target_url=target_url,
        defaults={**shown, "protocol": protocol, "remote_addr": _address(remote_addr)},
    )
    if created:
        return
    if protocol != Pingback.Protocol.WEBMENTION:
        raise DuplicatePing()
    changed = any(getattr(pingback, name) != value for name, value in shown.items())
    for name, value in shown.items():
        setattr(pingback, name, value)
    # What a moderator approved is what readers see: new words need a new approval.
    pingback.approved = pingback.approved and not changed
    pingback.protocol = protocol
    pingback.remote_addr = _address(remote_addr)
    pingback.save()


def forget_ping(sender: Any, source_url: str, target_url: str, **extra: Any) -> None:
    Pingback.objects.filter(source_url=source_url, target_url=target_url).delete()


def connect() -> None:
    received.connect(store_ping, dispatch_uid=RECEIVED_UID)
    deleted.connect(forget_ping, dispatch_uid=DELETED_UID)
