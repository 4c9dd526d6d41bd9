"""The rows each load site stored, read straight from its SQLite file."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from bench.load.processes import Served

QUERIES = {
    "django": ("django.sqlite3", "SELECT source_url FROM pingback_storage_pingback"),
    "flask": ("flask.sqlite3", "SELECT source_url FROM pings"),
}


def stored_sources(served: Served) -> list[str]:
    """The source URL of every stored ping, one per row (a source stored twice shows twice)."""
    database, query = QUERIES[served.app]
    path = served.load_dir / database
    if not path.exists():
        return []
    with closing(sqlite3.connect(path, timeout=30)) as db:
        try:
            return [row[0] for row in db.execute(query)]
        except sqlite3.OperationalError:
            return []
