"""The Flask load site: the extension, and the README's way of storing pings in SQLite.

Rate-limit counts live in a SQLiteStore, shared by every gunicorn worker.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

from flask import Flask

from bench.load.settings_env import ALLOW_PRIVATE, FETCH_TIMEOUT, LOAD_DIR, RATE_LIMIT
from flask_pingback import DuplicatePing, Pingback, SQLiteStore, pingable, received

DATABASE = LOAD_DIR / "flask.sqlite3"

app = Flask(__name__)
app.config.update(
    PINGBACK_ALLOW_PRIVATE_ADDRESSES=ALLOW_PRIVATE,
    PINGBACK_FETCH_TIMEOUT=FETCH_TIMEOUT,
    PINGBACK_RATE_LIMIT=RATE_LIMIT,
)
Pingback(app, rate_limit_store=SQLiteStore(LOAD_DIR / "flask-rate-limits.sqlite3", timeout=30))


@app.get("/posts/<slug>/")
@pingable
def show_post(slug: str) -> str:
    return f"<!doctype html><title>{slug}</title><h1>{slug}</h1>"


def database() -> sqlite3.Connection:
    db = sqlite3.connect(DATABASE, timeout=30, isolation_level=None)
    db.execute(
        "CREATE TABLE IF NOT EXISTS pings (post TEXT NOT NULL, source_url TEXT NOT NULL,"
        " author TEXT NOT NULL, excerpt TEXT NOT NULL, PRIMARY KEY (post, source_url))"
    )
    return db


@received.connect_via(app)
def store_ping(sender: Flask, source_url: str, kwargs: dict[str, Any], **signal: Any) -> None:
    with closing(database()) as db:
        new = db.execute(
            "INSERT INTO pings (post, source_url, author, excerpt) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (post, source_url) DO NOTHING",
            (kwargs["slug"], source_url, signal["author"], signal["excerpt"]),
        ).rowcount
    if not new:
        raise DuplicatePing()
