"""The Flask load site: the extension, and the README's way of storing pings in SQLite.

Rate-limit counts live in a SQLiteStore file shared by every gunicorn worker,
or in Redis (PINGBACK_RATE_LIMIT_STORE's URL). With the queue, ``ping_links``
hands the site's own sending to RQ workers (flask_pingback.queues): the load
publishes posts through ``POST /publish/<slug>/`` and counts what arrives.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any

from flask import Flask, request

from bench.load.settings_env import (
    ALLOW_PRIVATE,
    FETCH_TIMEOUT,
    LOAD_DIR,
    QUEUE,
    RATE_LIMIT,
    RATE_STORE,
    REDIS_URL,
)
from flask_pingback import DuplicatePing, Pingback, SQLiteStore, pingable, received

DATABASE = LOAD_DIR / "flask.sqlite3"

app = Flask(__name__)
app.config.update(
    PINGBACK_ALLOW_PRIVATE_ADDRESSES=ALLOW_PRIVATE,
    PINGBACK_FETCH_TIMEOUT=FETCH_TIMEOUT,
    PINGBACK_RATE_LIMIT=RATE_LIMIT,
    PINGBACK_WEBMENTION=True,
)
rate_limit_store = None
if RATE_STORE == "redis":
    app.config["PINGBACK_RATE_LIMIT_STORE"] = REDIS_URL
else:
    rate_limit_store = SQLiteStore(LOAD_DIR / "flask-rate-limits.sqlite3", timeout=30)
queue = None
if QUEUE:
    from redis import Redis
    from rq import Queue

    from flask_pingback.queues import rq_queue

    queue = rq_queue(Queue("pingcore-load", connection=Redis.from_url(REDIS_URL)), job_timeout=60)
pingback = Pingback(app, rate_limit_store=rate_limit_store, queue=queue)


@app.get("/posts/<slug>/")
@pingable
def show_post(slug: str) -> str:
    return f"<!doctype html><title>{slug}</title><h1>{slug}</h1>"


@app.post("/publish/<slug>/")
def publish(slug: str) -> tuple[str, int]:
    """Publish a post linking to each ``link`` of the form, and ping them off the request."""
    links = "".join(f'<p><a href="{url}">a link</a></p>' for url in request.form.getlist("link"))
    post_url = f"{request.host_url}posts/{slug}/"
    pingback.ping_links(post_url, f"<!doctype html><title>{slug}</title>{links}")
    return "queued\n", 202


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
