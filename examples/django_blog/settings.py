"""Settings of the example blog: the README's "Django in five minutes", and little else.

Its SQLite database lives in DJANGO_BLOG_DATA_DIR (``pingcore demo`` makes a
temporary one), else in a new temporary directory.
"""

import os
import tempfile
from pathlib import Path

DATA_DIR = Path(os.environ.get("DJANGO_BLOG_DATA_DIR") or tempfile.mkdtemp(prefix="django-blog-"))

# An example that only ever runs on loopback; a real site reads its key from the environment.
SECRET_KEY = "django-blog-example-on-loopback-only"
# A site on 127.0.0.1 for a demo. DEBUG also tells the pingback.W002 check that
# allowing private addresses (below) is deliberate here.
DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    # The admin at /admin/, where the storage app's pings wait for approval.
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_pingback",  # template tags and system checks
    "django_pingback.storage",  # a Pingback model and a receiver that stores every ping
    "django_blog",
]
# What the admin needs. The Pingback and Webmention views are CSRF-exempt:
# other sites post to them.
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "django_blog.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
STATIC_URL = "static/"
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "django_blog.sqlite3"}
}
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The two example blogs ping each other over loopback (127.0.0.1), which
# pingcore refuses by default: otherwise anyone could ping a public site with
# a source URL on its own network and make it fetch that page. Only for tests
# and demos; never on a site that strangers can ping.
PINGBACK_ALLOW_PRIVATE_ADDRESSES = True
# PINGBACK_WEBMENTION is left off, as in the README: webmention_view is served,
# but the pages advertise Pingback only, so the Flask blog pings this one over
# Pingback (and this one pings it over Webmention, which it advertises).
