"""What ``pingcore demo`` asks of this site: start it, publish posts, read back its pings."""

from pathlib import Path

from flask import url_for

from . import blog

NAME = "Flask blog"
WIRING = "flask_pingback with a received receiver"
# Discovery and the ping each have the fetch timeout (10 s); a little more than both.
PING_WAIT = 30.0


def start(data_dir):
    """Set the site up with its SQLite database in ``data_dir``; return its WSGI app."""
    blog.app.config["BLOG_DATABASE"] = str(Path(data_dir) / "flask_blog.sqlite3")
    with blog.database():
        pass  # creates the tables
    return blog.app


def add_post(site_root, *, slug, title, author, body):
    """Store a post; return its URL."""
    blog.add_post(slug, title, author, body)
    with blog.app.test_request_context(base_url=site_root):
        return url_for("show_post", slug=slug, _external=True)


def ping_links(site_root, slug):
    """Ping the pages a post links to outside this site; one PingResult each.

    A request context stands in for the request that published the post:
    url_for needs one to build the post's absolute URL.
    """
    with blog.app.test_request_context(base_url=site_root):
        future = blog.ping_links(slug)
    return future.result(timeout=PING_WAIT)


def stored_pings(site_root):
    """Every ping the blog keeps, oldest first, read back from its database."""
    return [
        {
            "source_url": mention.source_url,
            "target_url": mention.target_url,
            "protocol": mention.protocol,
            "author": mention.author,
            "title": mention.title,
            "excerpt": mention.excerpt,
        }
        for mention in reversed(blog.mentions.mentions())
    ]


def stop():
    pass  # each request opens and closes its own connection
