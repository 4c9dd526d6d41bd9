"""The Django load site: the adapter's views and its storage app, on a SQLite file.

Rate-limit counts: the local-memory cache by default, a RedisCache alias (as
the adapter's guide recommends for several processes), or the storage app's
atomic table ("database"). With the queue, Webmentions are answered 202 and
verified by django-tasks-rq workers on the same Redis.
"""

from __future__ import annotations

import django

from bench.load.settings_env import (
    ALLOW_PRIVATE,
    FETCH_TIMEOUT,
    LOAD_DIR,
    QUEUE,
    RATE_LIMIT,
    RATE_STORE,
    REDIS_URL,
)

SECRET_KEY = "pingcore-load-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django_pingback", "django_pingback.storage"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.load.django_urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGGING_CONFIG = None
# The load's sources are on loopback: private addresses are allowed on purpose.
SILENCED_SYSTEM_CHECKS = ["pingback.W002"]

_SQLITE_OPTIONS: dict[str, object] = {"timeout": 30}
if django.VERSION >= (5, 1):
    # Writers take the lock up front: two workers upgrading read locks deadlock otherwise.
    # WAL with synchronous=NORMAL, as pingcore's SQLiteStore sets: each write (a
    # rate-limit hit in the "database" store, too) no longer waits on an fsync,
    # whose queue under 100 writers outlasted the 2-second fetch deadline.
    _SQLITE_OPTIONS |= {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(LOAD_DIR / "django.sqlite3"),
        "OPTIONS": _SQLITE_OPTIONS,
    }
}
CACHES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

PINGBACK_ALLOW_PRIVATE_ADDRESSES = ALLOW_PRIVATE
PINGBACK_FETCH_TIMEOUT = FETCH_TIMEOUT
PINGBACK_WEBMENTION = True
if RATE_LIMIT is None:
    PINGBACK_RATE_LIMIT = None
elif RATE_STORE == "redis":
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
    }
    PINGBACK_RATE_LIMIT = {**RATE_LIMIT, "cache": "ratelimit"}
else:
    PINGBACK_RATE_LIMIT = RATE_LIMIT
    if RATE_STORE == "database":
        PINGBACK_RATE_LIMIT_STORE = "database"

if QUEUE:
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    PINGBACK_WEBMENTION_ASYNC = True
