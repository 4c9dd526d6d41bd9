"""What ``pingcore demo`` asks of this site: start it, publish posts, read back its pings.

Django's settings belong to the process, so the site runs once per process.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urljoin

NAME = "Django blog"
WIRING = "django_pingback with its storage app"
ADMIN_USER = "demo"
# A new password each run, made at start and printed by the demo: the admin is
# reachable by anyone on this machine while the demo serves.
_admin_password = ""


def start(data_dir):
    """Set the site up with its SQLite database in ``data_dir``; return its WSGI app."""
    # Forced, not defaulted: a DJANGO_SETTINGS_MODULE inherited from the
    # environment (a test runner's) names some other project.
    os.environ["DJANGO_SETTINGS_MODULE"] = "django_blog.settings"
    os.environ["DJANGO_BLOG_DATA_DIR"] = str(Path(data_dir))

    from django.contrib.auth import get_user_model
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command

    from .wsgi import application  # django.setup() happens here

    call_command("migrate", verbosity=0, interactive=False)
    global _admin_password
    _admin_password = secrets.token_urlsafe(12)
    get_user_model().objects.create_superuser(ADMIN_USER, password=_admin_password)
    # The admin's stylesheets, served as runserver would (DEBUG is on).
    return StaticFilesHandler(application)


def admin(site_root):
    """Where the admin is, and the demo superuser's name and password."""
    return urljoin(site_root, "admin/"), ADMIN_USER, _admin_password


def add_post(site_root, *, slug, title, author, body):
    """Store a post; return its URL."""
    from .models import Post

    post = Post.objects.create(slug=slug, title=title, author=author, body=body)
    return urljoin(site_root, post.get_absolute_url())


def ping_links(site_root, slug):
    """Ping the pages a post links to outside this site; one PingResult each.

    A site pings when a post is published, off the request (the README's
    ping_in_background); the demo pings here and waits, to show each result.
    """
    import django_pingback

    from .models import Post

    post = Post.objects.get(slug=slug)
    post_url = urljoin(site_root, post.get_absolute_url())
    return django_pingback.ping_external_urls(post_url, post.body, site_root)


def stored_pings(site_root):
    """Every ping the storage app keeps, oldest first, read back from the database."""
    from django_pingback.storage.models import Pingback

    fields = ("source_url", "target_url", "protocol", "author", "title", "excerpt")
    return list(Pingback.objects.order_by("created").values(*fields))


def stop():
    """Close this thread's database connection (each request closes its own)."""
    from django.db import connections

    connections.close_all()
