"""The ``PINGBACK_`` settings, read from ``django.conf.settings`` through pingcore's one table.

The keys, types, defaults and checks are the core's (``pingcore.settings``);
this module supplies only the lookup. Nothing is read at import, so
``override_settings`` applies at once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings

from pingcore import (
    MISSING,
    PingbackSettings,
    RateLimiter,
    RateLimitStore,
    read_settings,
    setting_problems,
    store_from_url,
)
from pingcore.settings import PREFIX, SettingError

from .ratelimit import DjangoCacheStore

__all__ = ["PREFIX", "DjangoPingbackSettings", "lookup", "pingback_settings"]

FRAMEWORK = "django"


def lookup(key: str) -> Any:
    return getattr(django_settings, key, MISSING)


def current() -> PingbackSettings:
    """The settings as they are now; raises ``SettingError`` naming a bad one."""
    return read_settings(lookup, FRAMEWORK)


def problems() -> list[SettingError]:
    return setting_problems(lookup, FRAMEWORK)


class DjangoPingbackSettings:
    """Each attribute is one ``PINGBACK_`` setting, read and checked when used."""

    def __getattr__(self, name: str) -> Any:
        return getattr(current(), name)

    def fetch_policy(self) -> Any:
        return current().fetch_policy()

    def source_policy(self) -> Any:
        return current().source_policy()

    def rate_limiter(self) -> RateLimiter:
        return rate_limiter_for(current())


def rate_limiter_for(settings: PingbackSettings) -> RateLimiter:
    """The core's limiter with its counts where the settings say (off when RATE_LIMIT is None)."""
    limits = settings.rate_limit
    if limits is None:
        return RateLimiter(per_address=None, per_source_host=None, per_source_address=None)
    limits = dict(limits)
    alias = limits.pop("cache", "default")
    return RateLimiter(store=rate_limit_store(settings.rate_limit_store, alias), **limits)


def rate_limit_store(name: str | None, cache_alias: str) -> RateLimitStore:
    """Where the counts live: Django's cache, the storage app's atomic table, or a URL's store."""
    if name is None:
        return DjangoCacheStore(cache_alias)
    if name == "database":
        from .storage.ratelimit import DatabaseStore

        return DatabaseStore()
    return store_from_url(name)


pingback_settings = DjangoPingbackSettings()
