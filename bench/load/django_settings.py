"""The Django load site: the adapter's views and its storage app, on a SQLite file."""

from __future__ import annotations

import django

from bench.load.settings_env import ALLOW_PRIVATE, CACHE, FETCH_TIMEOUT, LOAD_DIR, RATE_LIMIT

SECRET_KEY = "pingcore-load-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django_pingback", "django_pingback.storage"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.load.django_urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING_CONFIG = None

_SQLITE_OPTIONS: dict[str, object] = {"timeout": 30}
if django.VERSION >= (5, 1):
    # Writers take the lock up front: two workers upgrading read locks deadlock otherwise.
    _SQLITE_OPTIONS |= {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL"}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(LOAD_DIR / "django.sqlite3"),
        "OPTIONS": _SQLITE_OPTIONS,
    }
}
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pingcore_cache"}
        if CACHE == "db"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

PINGBACK_ALLOW_PRIVATE_ADDRESSES = ALLOW_PRIVATE
PINGBACK_FETCH_TIMEOUT = FETCH_TIMEOUT
if RATE_LIMIT != {}:
    PINGBACK_RATE_LIMIT = RATE_LIMIT
