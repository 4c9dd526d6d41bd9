"""The app for sites that list ``"django_pingback"`` in ``INSTALLED_APPS``.

It registers the system checks and makes ``{% load pingback %}`` available.
"""

from __future__ import annotations

from django.apps import AppConfig


class DjangoPingbackConfig(AppConfig):
    name = "django_pingback"
    verbose_name = "Pingback"

    def ready(self) -> None:
        from .checks import register_checks

        register_checks()
