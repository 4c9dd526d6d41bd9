"""The test blog on a real task queue: a SQLite file every process opens, and a worker.

``PINGCORE_QUEUE_DB`` names the database file; ``PINGCORE_QUEUE_BACKEND`` is
``database`` (django-tasks-db) or ``rq`` (django-tasks-rq, on the Redis at
``PINGCORE_REDIS_URL``). Webmentions are verified on the queue (answered 202).
"""

import os

from django_adapter.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["PINGCORE_QUEUE_DB"],
        # The worker and the site write one file: wait for the other's lock.
        "OPTIONS": {"timeout": 20},
    }
}

PINGBACK_ALLOW_PRIVATE_ADDRESSES = True  # every site of these tests is on loopback
PINGBACK_WEBMENTION = True
PINGBACK_WEBMENTION_ASYNC = True

if os.environ.get("PINGCORE_QUEUE_BACKEND", "database") == "rq":
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]  # noqa: F405
    RQ_QUEUES = {"default": {"URL": os.environ["PINGCORE_REDIS_URL"]}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
else:
    INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks_db"]  # noqa: F405
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
