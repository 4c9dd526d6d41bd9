"""``SQLiteStore`` now lives in the core, as ``pingcore.ratelimit.SQLiteStore``; kept importable."""

from __future__ import annotations

from pingcore.ratelimit import SQLiteStore

__all__ = ["SQLiteStore"]
