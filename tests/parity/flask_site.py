"""The little blog on Flask, built as the Flask guide (adapters/flask_pingback/README.md) says.

Stored as the guide says, with ``Pingback(app, store=SQLAlchemyMentionStore(engine))``
in a SQLite file of its own; served by Werkzeug's ``make_server`` in a thread.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

from flask import Flask, abort
from sqlalchemy import Engine, create_engine, delete, select

from flask_pingback import Pingback, deleted
from flask_pingback.storage import SQLAlchemyMentionStore, create_tables, mentions_table

from .blog import FETCH_TIMEOUT, HOST, PINGBACK_PATH, POSTS, WEBMENTION_PATH, SiteConfig, post_page
from .site import LoopbackServer, Pair, Row

# The adapter's name for the threads that verify a Webmention answered 202.
VERIFY_THREAD = "flask-pingback-verify"


def build_app(config: SiteConfig, port: int, store: SQLAlchemyMentionStore) -> Flask:
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
    pingback = Pingback(app, store=store)

    @app.get("/posts/<slug>/")
    @pingback.pingable
    def show_post(slug: str) -> str:
        if slug not in POSTS:
            abort(404)
        return post_page(slug)

    return app


def storage(directory: Path) -> tuple[Engine, SQLAlchemyMentionStore]:
    """The site's storage, as the guide sets it up: flask_pingback.storage in a SQLite file."""
    engine = create_engine(f"sqlite:///{directory / 'pings.sqlite3'}")
    create_tables(engine)
    return engine, SQLAlchemyMentionStore(engine)


class FlaskSite:
    name = "flask"

    def __init__(self, config: SiteConfig) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="parity-flask-")
        self._deletions: list[Pair] = []
        self._server = LoopbackServer(lambda port: self._build(config, port))
        self.port = self._server.port

    def _build(self, config: SiteConfig, port: int) -> Flask:
        self._engine, self._store = storage(Path(self._directory.name))
        app = build_app(config, port, self._store)

        @deleted.connect_via(app)
        def record_deletion(sender: Any, source_url: str, target_url: str, **signal: Any) -> None:
            self._deletions.append((source_url, target_url))

        return app

    def stored(self) -> frozenset[Row]:
        with self._engine.connect() as db:
            found = db.execute(
                select(
                    mentions_table.c.source_url,
                    mentions_table.c.target_url,
                    mentions_table.c.protocol,
                    mentions_table.c.title,
                )
            )
            return frozenset(Row(*row) for row in found)

    def deletions(self) -> tuple[Pair, ...]:
        return tuple(self._deletions)

    def reset(self) -> None:
        with self._engine.begin() as db:
            db.execute(delete(mentions_table))
        self._deletions.clear()

    def settle(self) -> None:
        for thread in threading.enumerate():
            if thread.name == VERIFY_THREAD:
                thread.join(timeout=2 * FETCH_TIMEOUT)

    def close(self) -> None:
        self._server.close()
        self._engine.dispose()
        self._directory.cleanup()


def start(config: SiteConfig) -> FlaskSite:
    return FlaskSite(config)
