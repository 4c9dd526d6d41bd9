"""Recording what a blinker signal sends, for assertions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from blinker import Signal
from flask import Flask


@contextmanager
def recording(signal: Signal, sender: Flask) -> Iterator[list[dict[str, Any]]]:
    """Every send of ``signal`` by ``sender``, as a dict of its arguments."""
    sends: list[dict[str, Any]] = []

    def record(sender: Flask, **kwargs: Any) -> None:
        sends.append({"sender": sender, **kwargs})

    with signal.connected_to(record, sender):
        yield sends
