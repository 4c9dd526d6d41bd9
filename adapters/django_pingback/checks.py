"""System checks for the ``PINGBACK_`` settings and the wiring, with ids ``pingback.*``.

E001  a setting has a wrong type or value
E002  PINGBACK_WEBMENTION_ASYNC without a Tasks framework installed
W001  no receiver is connected to ``received``
W002  private addresses allowed while DEBUG is off
W003  an endpoint's URL name does not reverse
W004  rate limits counted in a cache that keeps nothing (DummyCache)
W005  rate limits counted in a cache whose incr is not atomic across processes
W006  ALLOWED_HOSTS is only '*' and PINGBACK_HOSTS is unset: no host is the site's
W007  rate limits counted in a LocMemCache too small to keep them under a flood
"""

from __future__ import annotations

import importlib.util
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.urls import NoReverseMatch, reverse

from . import conf
from .conf import PREFIX
from .signals import received

__all__ = ["register_checks"]

TAG = "pingback"


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """E001 for each bad setting, with the core's own words for a good value."""
    errors: list[CheckMessage] = [
        Error(problem.problem, hint=problem.hint, id="pingback.E001") for problem in conf.problems()
    ]
    limits = getattr(settings, PREFIX + "RATE_LIMIT", None)
    if isinstance(limits, dict) and limits.get("cache", "default") not in settings.CACHES:
        errors.append(
            Error(
                f"{PREFIX}RATE_LIMIT names the cache {limits['cache']!r}, which is not in CACHES.",
                hint=f'Name a CACHES alias as {PREFIX}RATE_LIMIT["cache"].',
                id="pingback.E001",
            )
        )
    return errors


def check_hosts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """W006: no host is the site's for targets, because ALLOWED_HOSTS is only '*'."""
    if getattr(settings, PREFIX + "HOSTS", None):
        return []
    allowed = [host for host in settings.ALLOWED_HOSTS if host.strip() != "*"]
    if allowed or not settings.ALLOWED_HOSTS:
        return []
    return [
        Warning(
            "ALLOWED_HOSTS holds only '*', which makes no host this site's for a ping's "
            "target: every ping gets fault 32 (Webmention 400), except local ones.",
            hint=f"Set {PREFIX}HOSTS to the site's own hosts, such as ['blog.example'].",
            id="pingback.W006",
        )
    ]


def check_tasks(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, PREFIX + "WEBMENTION_ASYNC", False) is not True:
        return []
    if importlib.util.find_spec("django.tasks") or importlib.util.find_spec("django_tasks"):
        return []
    return [
        Error(
            f"{PREFIX}WEBMENTION_ASYNC needs Django's Tasks framework, which is not installed.",
            hint="Use Django 6 or later, or install django-tasks.",
            id="pingback.E002",
        )
    ]


def check_receivers(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if received.has_listeners() or apps.is_installed("django_pingback.storage"):
        return []
    return [
        Warning(
            "No receiver is connected to django_pingback.received: "
            "pings are verified and then forgotten.",
            hint="Connect one in your AppConfig.ready(), or add "
            '"django_pingback.storage" to INSTALLED_APPS.',
            id="pingback.W001",
        )
    ]


def check_private_addresses(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or getattr(settings, PREFIX + "ALLOW_PRIVATE_ADDRESSES", False) is not True:
        return []
    return [
        Warning(
            f"{PREFIX}ALLOW_PRIVATE_ADDRESSES is on while DEBUG is off.",
            hint="Anyone who pings this site can make it fetch pages of its own "
            "network; allow private addresses only in tests and demos.",
            id="pingback.W002",
        )
    ]


def check_url_names(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not getattr(settings, "ROOT_URLCONF", None):
        return []
    names = [PREFIX + "URL_NAME"]
    if getattr(settings, PREFIX + "WEBMENTION", False) is True:
        names.append(PREFIX + "WEBMENTION_URL_NAME")
    defaults = {PREFIX + "URL_NAME": "pingback", PREFIX + "WEBMENTION_URL_NAME": "webmention"}
    warnings: list[CheckMessage] = []
    for setting in names:
        url_name = getattr(settings, setting, defaults[setting])
        if not isinstance(url_name, str) or not url_name:
            continue  # E001 says so.
        try:
            reverse(url_name)
        except NoReverseMatch:
            warnings.append(
                Warning(
                    f"The URL name {url_name!r} ({setting}) does not reverse: "
                    "the endpoint headers and template tags cannot name the endpoint.",
                    hint=f"Name the endpoint's path {url_name!r}, or set {setting}.",
                    id="pingback.W003",
                )
            )
    return warnings


def check_rate_limit_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    limits = getattr(settings, PREFIX + "RATE_LIMIT", {})
    if not isinstance(limits, dict) or conf.problems():
        return []  # None turns limits off; E001 reports a bad value
    if getattr(settings, PREFIX + "RATE_LIMIT_STORE", None) is not None:
        return []  # counted in the storage app's table, SQLite or Redis, not in a cache
    alias = limits.get("cache", "default")
    backend = settings.CACHES.get(alias, {}).get("BACKEND", "")
    if backend == "django.core.cache.backends.dummy.DummyCache":
        return [
            Warning(
                f"Pings are rate-limited with the cache {alias!r}, a DummyCache that keeps "
                "no counts: there is no limit.",
                hint=f'Use a real cache, or name one as {PREFIX}RATE_LIMIT["cache"].',
                id="pingback.W004",
            )
        ]
    if backend in NON_ATOMIC_CACHES:
        return [
            Warning(
                f"Pings are rate-limited with the cache {alias!r} ({backend.rsplit('.', 1)[-1]}), "
                "whose incr reads then writes: processes serving at once lose counts, and "
                "more pings get through than the limits allow.",
                hint="With several processes, count in Redis or memcached (atomic incr), or "
                f'set {PREFIX}RATE_LIMIT_STORE = "database" (the storage app\'s atomic table); '
                "with one process, LocMemCache is exact.",
                id="pingback.W005",
            )
        ]
    if backend == LOCMEM:
        cache: dict[str, Any] = settings.CACHES[alias]
        options: dict[str, Any] = cache.get("OPTIONS") or {}
        entries = int(options.get("MAX_ENTRIES", 300))
        if entries < MIN_LOCMEM_ENTRIES:
            return [
                Warning(
                    f"Pings are rate-limited with the LocMemCache {alias!r}, which keeps "
                    f"{entries} entries: a flood of pings about other hosts culls the "
                    "counters of the host under attack, and its limit starts again.",
                    hint=f'Set OPTIONS["MAX_ENTRIES"] of {alias!r} to {MIN_LOCMEM_ENTRIES} or '
                    f'more, or {PREFIX}RATE_LIMIT_STORE = "database" (never culls a '
                    "victim's count).",
                    id="pingback.W007",
                )
            ]
    return []


LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
# Every ping spends up to three counters; a few thousand pings a window need this many.
MIN_LOCMEM_ENTRIES = 10_000


NON_ATOMIC_CACHES = frozenset(
    {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    }
)


CHECKS = (
    check_settings,
    check_hosts,
    check_tasks,
    check_receivers,
    check_private_addresses,
    check_url_names,
    check_rate_limit_cache,
)


def register_checks() -> None:
    """Register every check; Django's registry is a set, so a second call adds nothing."""
    for check in CHECKS:
        register(check, TAG)
