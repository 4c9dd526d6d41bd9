"""Which threads the async servers do their blocking work in, for their tests."""

from __future__ import annotations

import threading

from pingcore import ReceivedPing
from pingcore.storage import MemoryMentionStore, StoredMention


class ThreadNotingStore(MemoryMentionStore):
    """A memory store that notes the thread each of its calls ran in."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[int] = set()

    def get(self, source_url: str, target_url: str) -> StoredMention | None:
        self.threads.add(threading.get_ident())
        return super().get(source_url, target_url)

    def add(self, ping: ReceivedPing) -> None:
        self.threads.add(threading.get_ident())
        super().add(ping)

    def update(self, ping: ReceivedPing, *, approved: bool) -> None:
        self.threads.add(threading.get_ident())
        super().update(ping, approved=approved)

    def delete(self, source_url: str, target_url: str) -> bool:
        self.threads.add(threading.get_ident())
        return super().delete(source_url, target_url)
