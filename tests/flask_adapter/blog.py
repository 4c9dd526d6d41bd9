"""The blog the adapter's tests run against, and the source pages that link to it."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, render_template_string

from flask_pingback import Pingback, pingable

POSTS = {"hello": "Hello, world", "café": "Coffee"}

PAGE = """<!DOCTYPE html>
<html><head><title>{{ title }}</title>{{ pingback_link() }}</head>
<body><h1>{{ title }}</h1></body></html>
"""

# A source page: someone's post linking to ``target`` (a URL of the blog).
SOURCE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>A reply</title></head>
<body><article class="h-entry">
<h1 class="p-name">A reply</h1>
<p>By <a class="p-author h-card" href="/">Bob Example</a></p>
<div class="e-content"><p>I agree with <a href="{target}">this fine post</a> entirely.</p></div>
</article></body></html>
"""

SOURCE_WITHOUT_AUTHOR = """<!DOCTYPE html>
<html><head><title>Anonymous</title></head>
<body><p>Someone wrote <a href="{target}">this</a>.</p></body></html>
"""

NO_LINK = "<!DOCTYPE html><html><head><title>Nothing</title></head><body><p>No links.</p></body>"


def make_blog(pingback: Pingback | None = None, **config: Any) -> Flask:
    """A blog with posts (pingable), an about page, and a POST-only comments rule."""
    app = Flask(__name__)
    # Sources live on loopback servers in these tests.
    app.config.update({"TESTING": True, "PINGBACK_ALLOW_PRIVATE_ADDRESSES": True, **config})

    @app.get("/posts/<slug>/")
    @pingable
    def show_post(slug: str) -> str:
        if slug not in POSTS:
            abort(404)
        return render_template_string(PAGE, title=POSTS[slug])

    @app.get("/about")
    def about() -> str:
        return "About this blog"

    @app.post("/comments/")
    def add_comment() -> str:
        return "Thanks"

    (pingback or Pingback()).init_app(app)
    return app
