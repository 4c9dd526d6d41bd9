"""The storage app: the endpoints store verified pings in its rows (through the core's rules).

Nothing is connected to the signals: the views hand ``ModelMentionStore`` to
the core, which stores after the ``received`` signal (so a receiver can still
refuse a ping) and deletes after ``deleted``.
"""

from __future__ import annotations

from django.apps import AppConfig


class PingbackStorageConfig(AppConfig):
    name = "django_pingback.storage"
    # "storage" alone would clash with other apps' labels; the admin shows this in URLs.
    label = "pingback_storage"
    verbose_name = "Pingbacks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ..checks import register_checks

        register_checks()
