"""The little blog on Flask, built as the Flask guide (adapters/flask_pingback/README.md) says.

Stored by the guide's SQLite receiver (``store_as_the_guide_does``), in a file of
its own; served by Werkzeug's ``make_server`` in a thread.
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

from flask import Flask, abort

from flask_pingback import (
    DuplicatePing,
    Pingback,
    TargetNotFound,
    UnpingableTarget,
    deleted,
    received,
)

from .blog import FETCH_TIMEOUT, HOST, PINGBACK_PATH, POSTS, WEBMENTION_PATH, SiteConfig, post_page
from .site import LoopbackServer, Pair, Row

# The adapter's name for the threads that verify a Webmention answered 202.
VERIFY_THREAD = "flask-pingback-verify"


def build_app(config: SiteConfig, port: int) -> Flask:
    app = Flask("parity_flask_blog")
    app.config.update(
        PINGBACK_URL=PINGBACK_PATH,
        PINGBACK_WEBMENTION=True,
        PINGBACK_WEBMENTION_URL=WEBMENTION_PATH,
        PINGBACK_WEBMENTION_ASYNC=config.webmention_async,
        PINGBACK_HOSTS=list(config.own_hosts(port)),
        # Flask's ALLOWED_HOSTS: requests for another Host are answered 400.
        TRUSTED_HOSTS=None if config.any_host_header else [HOST],
        PINGBACK_ALLOW_PRIVATE_ADDRESSES=True,
        PINGBACK_ALLOWED_PORTS=None,
        PINGBACK_FETCH_TIMEOUT=FETCH_TIMEOUT,
        PINGBACK_RATE_LIMIT=None,
    )
    pingback = Pingback(app)

    @app.get("/posts/<slug>/")
    @pingback.pingable
    def show_post(slug: str) -> str:
        if slug not in POSTS:
            abort(404)
        return post_page(slug)

    return app


class GuideSQLiteStore:
    """The guide's "Storing pings in SQLite" receivers, on one app.

    One addition: a ``target_url`` column, written with each new row and never
    part of the key, so that the suite can read which pair a row stands for. The
    key, the duplicate rule and the delete are the guide's: (post, source).
    """

    def __init__(self, app: Flask, database: Path) -> None:
        self.database = database
        show_post_view = app.view_functions["show_post"]

        @received.connect_via(app)
        def store_ping(
            sender: Any,
            source_url: str,
            target_url: str,
            view: Any,
            kwargs: dict[str, Any],
            author: str,
            title: str,
            excerpt: str,
            protocol: str,
            **signal: Any,
        ) -> None:
            if view is not show_post_view:
                raise UnpingableTarget()
            post = kwargs["slug"]
            if post not in POSTS:
                raise TargetNotFound()
            with self.connect() as db, db:
                new = db.execute(
                    "INSERT INTO pings (post, source_url, target_url, author, title, excerpt,"
                    " protocol) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (post, source_url) DO NOTHING",
                    (post, source_url, target_url, author, title, excerpt, protocol),
                ).rowcount
                if not new:
                    db.execute(
                        "UPDATE pings SET author = ?, title = ?, excerpt = ?"
                        " WHERE post = ? AND source_url = ?",
                        (author, title, excerpt, post, source_url),
                    )
            if not new:
                raise DuplicatePing()

        @deleted.connect_via(app)
        def delete_ping(
            sender: Any, source_url: str, view: Any, kwargs: dict[str, Any], **signal: Any
        ) -> None:
            if view is show_post_view:
                with self.connect() as db, db:
                    db.execute(
                        "DELETE FROM pings WHERE post = ? AND source_url = ?",
                        (kwargs["slug"], source_url),
                    )

    def connect(self) -> closing[sqlite3.Connection]:
        db = sqlite3.connect(self.database)
        db.execute(
            """CREATE TABLE IF NOT EXISTS pings (
                post TEXT NOT NULL,
                source_url TEXT NOT NULL,
                target_url TEXT NOT NULL,
                author TEXT NOT NULL,
                title TEXT NOT NULL,
                excerpt TEXT NOT NULL,
                protocol TEXT NOT NULL,
                received_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                PRIMARY KEY (post, source_url)
            )"""
        )
        return closing(db)

    def rows(self) -> frozenset[Row]:
        with self.connect() as db:
            found = db.execute("SELECT source_url, target_url, protocol, title FROM pings")
            return frozenset(Row(*row) for row in found.fetchall())

    def clear(self) -> None:
        with self.connect() as db, db:
            db.execute("DELETE FROM pings")


def store_as_the_guide_does(app: Flask, directory: Path) -> GuideSQLiteStore:
    """The site's storage: the one function to switch to ``flask_pingback.storage``."""
    return GuideSQLiteStore(app, directory / "pings.sqlite3")


class FlaskSite:
    name = "flask"

    def __init__(self, config: SiteConfig) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="parity-flask-")
        self._deletions: list[Pair] = []
        self._server = LoopbackServer(lambda port: self._build(config, port))
        self.port = self._server.port

    def _build(self, config: SiteConfig, port: int) -> Flask:
        app = build_app(config, port)
        self._store = store_as_the_guide_does(app, Path(self._directory.name))

        @deleted.connect_via(app)
        def record_deletion(sender: Any, source_url: str, target_url: str, **signal: Any) -> None:
            self._deletions.append((source_url, target_url))

        return app

    def stored(self) -> frozenset[Row]:
        return self._store.rows()

    def deletions(self) -> tuple[Pair, ...]:
        return tuple(self._deletions)

    def reset(self) -> None:
        self._store.clear()
        self._deletions.clear()

    def settle(self) -> None:
        for thread in threading.enumerate():
            if thread.name == VERIFY_THREAD:
                thread.join(timeout=2 * FETCH_TIMEOUT)

    def close(self) -> None:
        self._server.close()
        self._directory.cleanup()


def start(config: SiteConfig) -> FlaskSite:
    return FlaskSite(config)
