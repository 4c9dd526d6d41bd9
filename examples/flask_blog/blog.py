"""blog.py: a blog whose posts take pings, stored in SQLite.

The Flask guide's example (adapters/flask_pingback/README.md, "Storing pings in
SQLite"), with its posts in the database too and each post's pings under it.
"""

import sqlite3
from contextlib import closing

from flask import Flask, abort, render_template, url_for

from flask_pingback import (
    DuplicatePing,
    Pingback,
    TargetNotFound,
    UnpingableTarget,
    deleted,
    pingable,
    received,
)

app = Flask(__name__)
app.config["BLOG_DATABASE"] = "flask_blog.sqlite3"
app.config["PINGBACK_WEBMENTION"] = True  # serve /webmention too
# The two example blogs ping each other over loopback (127.0.0.1), which
# pingcore refuses by default: otherwise anyone could ping a public site with
# a source URL on its own network and make it fetch that page. Only for tests
# and demos; never on a site that strangers can ping.
app.config["PINGBACK_ALLOW_PRIVATE_ADDRESSES"] = True
app.config.from_prefixed_env()  # FLASK_BLOG_DATABASE=..., as the guide's example does
pingback = Pingback(app)  # serves /pingback


def database():
    db = sqlite3.connect(app.config["BLOG_DATABASE"])
    db.row_factory = sqlite3.Row
    db.execute(
        """CREATE TABLE IF NOT EXISTS posts (
            slug TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            author TEXT NOT NULL,
            body TEXT NOT NULL,
            published_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS pings (
            post TEXT NOT NULL,
            source_url TEXT NOT NULL,
            author TEXT NOT NULL,
            title TEXT NOT NULL,
            excerpt TEXT NOT NULL,
            protocol TEXT NOT NULL,
            received_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
            PRIMARY KEY (post, source_url)
        )"""
    )
    return closing(db)


def find_post(slug):
    with database() as db:
        return db.execute("SELECT * FROM posts WHERE slug = ?", (slug,)).fetchone()


@app.get("/")
def index():
    with database() as db:
        posts = db.execute("SELECT * FROM posts ORDER BY published_at DESC").fetchall()
    return render_template("index.html", posts=posts)


@app.get("/posts/<slug>/")
@pingable  # adds the X-Pingback header (and Link, for Webmention)
def show_post(slug):
    post = find_post(slug)
    if post is None:
        abort(404)
    with database() as db:
        pings = db.execute(
            "SELECT * FROM pings WHERE post = ? ORDER BY received_at", (slug,)
        ).fetchall()
    return render_template("post.html", post=post, pings=pings)


@received.connect_via(app)
def store_ping(sender, source_url, view, kwargs, author, title, excerpt, protocol, **signal):
    if view is not show_post:
        raise UnpingableTarget()
    post = kwargs["slug"]
    if find_post(post) is None:
        raise TargetNotFound()
    with database() as db, db:  # one transaction: committed, or rolled back on error
        new = db.execute(
            "INSERT INTO pings (post, source_url, author, title, excerpt, protocol)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (post, source_url) DO NOTHING",
            (post, source_url, author, title, excerpt, protocol),
        ).rowcount
        if not new:  # known already: keep what the source says now
            db.execute(
                "UPDATE pings SET author = ?, title = ?, excerpt = ?"
                " WHERE post = ? AND source_url = ?",
                (author, title, excerpt, post, source_url),
            )
    if not new:
        raise DuplicatePing()  # Pingback: fault 48; Webmention: 200 "up to date"


@deleted.connect_via(app)
def delete_ping(sender, source_url, view, kwargs, **signal):
    if view is show_post:
        with database() as db, db:
            db.execute(
                "DELETE FROM pings WHERE post = ? AND source_url = ?",
                (kwargs["slug"], source_url),
            )


def add_post(slug, title, author, body):
    with database() as db, db:
        db.execute(
            "INSERT INTO posts (slug, title, author, body) VALUES (?, ?, ?, ?)",
            (slug, title, author, body),
        )


def ping_links(slug):
    """Ping the pages a post links to, on a background thread; a Future of the results.

    Call it inside a request (the view that publishes the post), as the guide does.
    """
    post = find_post(slug)
    return pingback.ping_links(url_for("show_post", slug=slug, _external=True), post["body"])
