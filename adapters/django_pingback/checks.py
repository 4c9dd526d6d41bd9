"""System checks for the ``PINGBACK_`` settings and the wiring, with ids ``pingback.*``.

E001  a setting has a wrong type or value
E002  PINGBACK_WEBMENTION_ASYNC without a Tasks framework installed
W001  no receiver is connected to ``received``
W002  private addresses allowed while DEBUG is off
W003  an endpoint's URL name does not reverse
W004  rate limits counted in a cache that keeps nothing (DummyCache)
W005  rate limits counted in a cache whose incr is not atomic across processes
"""

from __future__ import annotations

import importlib.util
import numbers
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.urls import NoReverseMatch, reverse

from pingcore import FetchPolicy

from .conf import PREFIX, RATE_LIMIT_KEYS
from .signals import received

__all__ = ["register_checks"]

TAG = "pingback"
_UNSET = object()


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_positive_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value > 0


def _is_fetch_timeout(value: Any) -> bool:
    # The core's rule for a user's timeout: inf and nan are refused, as Flask refuses them.
    try:
        FetchPolicy().with_timeout(value)
    except (TypeError, ValueError):
        return False
    return True


def _is_url_name(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _is_port_list(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return False
    return all(_is_positive_int(port) and port <= 65535 for port in value)


def _is_rate_limit(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, dict) or not set(value) <= RATE_LIMIT_KEYS:
        return False
    for key in ("per_address", "per_source_host", "per_source_address"):
        if value.get(key) is not None and not _is_positive_int(value[key]):
            return False
    if "window" in value and not _is_positive_number(value["window"]):
        return False
    return "cache" not in value or value["cache"] in settings.CACHES


# Each setting, how to tell a good value, and what a good value looks like.
_SETTING_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "ALLOW_PRIVATE_ADDRESSES": (_is_bool, "True or False"),
    "ALLOWED_PORTS": (_is_port_list, "None or a collection of port numbers"),
    "MAX_SOURCE_BYTES": (_is_positive_int, "a positive integer"),
    "FETCH_TIMEOUT": (_is_fetch_timeout, "a positive, finite number of seconds"),
    "URL_NAME": (_is_url_name, "a URL name"),
    "WEBMENTION": (_is_bool, "True or False"),
    "WEBMENTION_URL_NAME": (_is_url_name, "a URL name"),
    "WEBMENTION_ASYNC": (_is_bool, "True or False"),
    "RATE_LIMIT": (
        _is_rate_limit,
        "None or a dict with some of per_address, per_source_host and per_source_address "
        "(positive integers or None), window (positive seconds) and cache (a CACHES alias)",
    ),
}


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for name, (is_valid, expected) in _SETTING_RULES.items():
        value = getattr(settings, PREFIX + name, _UNSET)
        if value is not _UNSET and not is_valid(value):
            errors.append(
                Error(
                    f"{PREFIX}{name} is {value!r}.",
                    hint=f"Set {PREFIX}{name} to {expected}.",
                    id="pingback.E001",
                )
            )
    return errors


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
    if received.has_listeners():
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
        if not _is_url_name(url_name):
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
    if not _is_rate_limit(limits) or limits is None:
        return []
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
                hint="With several processes, count in Redis or memcached (atomic incr); "
                "with one process, LocMemCache is exact.",
                id="pingback.W005",
            )
        ]
    return []


NON_ATOMIC_CACHES = frozenset(
    {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    }
)


CHECKS = (
    check_settings,
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
