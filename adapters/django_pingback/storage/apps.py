"""The storage app: its receivers are connected, and the checks registered, when Django is ready."""

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
        from . import receivers

        receivers.connect()
        register_checks()
