"""blog.py: a blog whose posts take pings, stored in SQLite.

The Flask guide's complete blog (adapters/flask_pingback/README.md): its pings
kept by flask_pingback.storage (SQLAlchemy) in the same SQLite file as its
posts, and each post's mentions shown under it.
"""

import sqlite3
from contextlib import closing

from flask import Flask, abort, render_template, request, url_for
from sqlalchemy import create_engine

from flask_pingback import Pingback, pingable
from flask_pingback.storage import SQLAlchemyMentionStore, create_tables

app = Flask(__name__)
app.config["BLOG_DATABASE"] = "flask_blog.sqlite3"
app.config["PINGBACK_WEBMENTION"] = True  # serve /webmention too
# The two example blogs ping each other over loopback (127.0.0.1), which
# pingcore refuses by default: otherwise anyone could ping a public site with
# a source URL on its own network and make it fetch that page. Only for tests
# and demos; never on a site that strangers can ping.
app.config["PINGBACK_ALLOW_PRIVATE_ADDRESSES"] = True
app.config.from_prefixed_env()  # FLASK_BLOG_DATABASE=..., as the guide's example does
engine = create_engine(f"sqlite:///{app.config['BLOG_DATABASE']}")
create_tables(engine)  # pingback_mentions and pingback_sent_pings
mentions = SQLAlchemyMentionStore(engine)
# Serves /pingback and /webmention, and stores every verified ping by pingcore's
# rules: a repeat is fault 48 (Webmention: an update), a deleted source removes it.
pingback = Pingback(app, store=mentions)


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
# Adds the X-Pingback header (and Link, for Webmention); a ping for a post that
# does not exist is fault 32 (Webmention 400) before anything is fetched.
@pingable(exists=lambda slug: find_post(slug) is not None)
def show_post(slug):
    post = find_post(slug)
    if post is None:
        abort(404)
    # Every ping, approved or not: a public site would show approved ones only
    # ({{ mentions(url) }} does); this one marks those awaiting approval.
    pings = list(reversed(mentions.mentions(request.base_url)))
    return render_template("post.html", post=post, pings=pings)


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
