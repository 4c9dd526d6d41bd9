"""The ``PINGBACK_`` settings: one table of keys, types, defaults and checks for every framework.

An adapter supplies only a lookup (``name -> value``, or ``MISSING`` when the
site sets none): Django's reads ``django.conf.settings``, Flask's reads
``app.config``. ``read_settings`` turns what the lookup gives into a checked
``PingbackSettings``; ``setting_problems`` lists every bad value at once, for
Django's system checks. A value of the wrong type is refused, never coerced:
``"False"`` does not turn a feature on, ``inf`` is no timeout.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .fetch import FetchPolicy
from .hosts import WILDCARD, HostPattern

__all__ = [
    "MISSING",
    "PREFIX",
    "PingbackSettings",
    "SETTINGS",
    "Setting",
    "SettingError",
    "read_settings",
    "setting_problems",
    "settings_for",
]

PREFIX = "PINGBACK_"
"""What every setting's name starts with, in Django's settings and a Flask app's config."""
_CORE = FetchPolicy()
RATE_LIMIT_KEYS = frozenset({"per_address", "per_source_host", "per_source_address", "window"})
# A string is no list of ports or hosts: iterating over "443" gives "4", "4", "3".
_COLLECTIONS = (list, tuple, set, frozenset)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
"""What a ``Lookup`` returns for a setting the site does not set: its default applies."""
Lookup = Callable[[str], Any]
"""An adapter's settings lookup: a ``PINGBACK_`` key in, its value (or ``MISSING``) out."""


class SettingError(TypeError, ValueError):
    """A ``PINGBACK_`` setting has a value of the wrong type or out of range.

    ``key`` is the full setting name; the message says what a good value is.
    """

    def __init__(self, key: str, message: str, hint: str) -> None:
        super().__init__(f"{message} {hint}")
        self.key = key
        self.problem = message
        self.hint = hint


def _shown(value: object) -> str:
    """A value as a message shows it: its type, then a short repr."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"is {_shown(value)}.")
    return value


def parse_positive_int(value: Any) -> int:
    if not _is_int(value) or value <= 0:
        raise ValueError(f"is {_shown(value)}.")
    return int(value)


def parse_seconds(value: Any) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise ValueError(f"is {_shown(value)}.")
    seconds = float(value)
    # inf would let a fetch hang for ever; nan compares false with every bound.
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"is {value!r}.")
    return seconds


def parse_path(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("/"):
        raise ValueError(f"is {_shown(value)}.")
    return value


def parse_name(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"is {_shown(value)}.")
    return value


def parse_ports(value: Any) -> frozenset[int] | None:
    if value is None:
        return None
    if not isinstance(value, _COLLECTIONS):
        raise ValueError(f"is {_shown(value)}.")
    for port in value:
        if not _is_int(port) or not 0 < port <= 65535:
            raise ValueError(f"holds {_shown(port)}, which is no port number (1-65535).")
    return frozenset(value)


def parse_hosts(value: Any) -> tuple[HostPattern, ...]:
    if not isinstance(value, _COLLECTIONS):
        raise ValueError(f"is {_shown(value)}.")
    patterns = []
    for entry in value:
        if not isinstance(entry, str):
            raise ValueError(f"holds {_shown(entry)}; each entry must be a host name.")
        if entry.strip() == WILDCARD:
            raise ValueError(
                "holds '*': a ping's target must name a host of this site, and '*' names any."
            )
        try:
            patterns.append(HostPattern.parse(entry))
        except ValueError as exc:
            raise ValueError(f"holds {entry!r}, which is no host name.") from exc
    return tuple(patterns)


def parse_targets(value: Any) -> str:
    if value not in ("pages", "pingable"):
        raise ValueError(f"is {_shown(value)}.")
    return str(value)


def parse_rate_limit(value: Any, *, extra_keys: frozenset[str]) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(f"is {_shown(value)}.")
    unknown = {str(name) for name in value} - RATE_LIMIT_KEYS - extra_keys
    if unknown:
        raise ValueError(f"has unknown keys {', '.join(sorted(unknown))}.")
    limits = dict(value)
    for name, limit in limits.items():
        if name in extra_keys:
            continue
        if name == "window":
            try:
                limits[name] = parse_seconds(limit)
            except ValueError:
                raise ValueError(f"['window'] is {limit!r}.") from None
        elif limit is not None and (not _is_int(limit) or limit <= 0):
            raise ValueError(f"[{name!r}] is {_shown(limit)}.")
    return limits


def parse_history_url(value: Any) -> str | None:
    if value is None:
        return None
    named_file = isinstance(value, str) and value.startswith("sqlite:///")
    if value != "memory://" and not (named_file and value[len("sqlite:///") :] != ""):
        raise ValueError(f"is {_shown(value)}.")
    return str(value)


def parse_store_url(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith(
        ("memory://", "sqlite:///", "redis://", "rediss://")
    ):
        raise ValueError(f"is {_shown(value)}.")
    return value


def parse_django_store(value: Any) -> str | None:
    if value == "database":
        return "database"
    return parse_store_url(value)


@dataclass(frozen=True)
class Setting:
    """One key of the table: its name after ``PINGBACK_``, default, parser and hint.

    ``frameworks`` names the adapters that read it ("core" settings apply to all).
    """

    name: str
    default: Any
    parse: Callable[[Any], Any]
    hint: str
    frameworks: frozenset[str] = field(default=frozenset({"django", "flask"}))

    @property
    def key(self) -> str:
        return PREFIX + self.name


def _rate_limit_for(extra: frozenset[str]) -> Callable[[Any], Any]:
    return lambda value: parse_rate_limit(value, extra_keys=extra)


_BOTH = frozenset({"django", "flask"})
_DJANGO = frozenset({"django"})
_FLASK = frozenset({"flask"})
_LIMITS_HINT = (
    "Set it to None (no limits) or a dict with some of per_address, per_source_host and "
    "per_source_address (positive integers, or None to turn one off) and window "
    "(positive seconds)"
)

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "HOSTS",
        (),
        parse_hosts,
        "Set it to the site's hosts, such as ['blog.example', '.example.com'] "
        "('.example.com' is the domain and its subdomains; '*' is refused).",
    ),
    Setting(
        "ALLOW_PRIVATE_ADDRESSES",
        _CORE.allow_private_addresses,
        parse_bool,
        "Set it to True (fetch pages on loopback and private networks: local testing) or False.",
    ),
    Setting(
        "ALLOWED_PORTS",
        _CORE.allowed_ports,
        parse_ports,
        "Set it to None (any port) or a list of port numbers such as [80, 443].",
    ),
    Setting(
        "MAX_SOURCE_BYTES",
        _CORE.max_bytes,
        parse_positive_int,
        "Set it to a positive integer: the most bytes read from a source page.",
    ),
    Setting(
        "FETCH_TIMEOUT",
        _CORE.timeout,
        parse_seconds,
        "Set it to a positive, finite number of seconds for a whole fetch.",
    ),
    Setting(
        "TARGETS",
        "pages",
        parse_targets,
        "Set it to 'pages' (every page of the site takes pings) or 'pingable' "
        "(only views marked with @pingable).",
    ),
    Setting("WEBMENTION", False, parse_bool, "Set it to True or False."),
    Setting("WEBMENTION_ASYNC", False, parse_bool, "Set it to True or False."),
    Setting(
        "RATE_LIMIT",
        {},
        _rate_limit_for(frozenset({"cache"})),
        _LIMITS_HINT + ", and cache (a CACHES alias).",
        _DJANGO,
    ),
    Setting(
        "RATE_LIMIT",
        {},
        _rate_limit_for(frozenset()),
        _LIMITS_HINT + ".",
        _FLASK,
    ),
    Setting(
        "RATE_LIMIT_STORE",
        None,
        parse_store_url,
        "Set it to None, 'memory://', 'sqlite:///path/to/file.db' or 'redis://host:port/db'.",
        _FLASK,
    ),
    Setting(
        "RATE_LIMIT_STORE",
        None,
        parse_django_store,
        "Set it to None (count in the cache PINGBACK_RATE_LIMIT['cache'] names), 'database' "
        "(the storage app's atomic table), 'sqlite:///path/to/file.db' or "
        "'redis://host:port/db'.",
        _DJANGO,
    ),
    Setting(
        "SEND_HISTORY",
        None,
        parse_history_url,
        "Set it to None, 'memory://' or 'sqlite:///path/to/file.db'.",
        _FLASK,
    ),
    Setting("URL_NAME", "pingback", parse_name, "Set it to a URL name.", _DJANGO),
    Setting("WEBMENTION_URL_NAME", "webmention", parse_name, "Set it to a URL name.", _DJANGO),
    Setting("URL", "/pingback", parse_path, "Set it to a path starting with '/'.", _FLASK),
    Setting(
        "WEBMENTION_URL", "/webmention", parse_path, "Set it to a path starting with '/'.", _FLASK
    ),
    Setting(
        "WEBMENTION_ASYNC_THREADS",
        8,
        parse_positive_int,
        "Set it to a positive integer: Webmentions verified at once.",
        _FLASK,
    ),
    Setting("HEADER_ALL_VIEWS", False, parse_bool, "Set it to True or False.", _FLASK),
)
"""Every setting both adapters know, one ``Setting`` each; ``settings_for`` picks a framework's."""


def settings_for(framework: str) -> tuple[Setting, ...]:
    """The rows of the settings table that ``framework`` (``"django"``, ``"flask"``) reads."""
    return tuple(setting for setting in SETTINGS if framework in setting.frameworks)


def _parsed(setting: Setting, lookup: Lookup) -> Any:
    value = lookup(setting.key)
    if value is MISSING:
        return setting.default
    try:
        return setting.parse(value)
    except ValueError as exc:
        raise SettingError(setting.key, f"{setting.key} {exc}", setting.hint) from None


@dataclass(frozen=True)
class PingbackSettings:
    """One framework's ``PINGBACK_`` settings, checked, with their types settled."""

    values: Mapping[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name.upper()]
        except KeyError:
            raise AttributeError(name) from None

    def fetch_policy(self) -> FetchPolicy:
        """The policy of every fetch this site makes (pages pinged, sources of pings)."""
        policy = _CORE.replace(
            allow_private_addresses=self.values["ALLOW_PRIVATE_ADDRESSES"],
            allowed_ports=self.values["ALLOWED_PORTS"],
        )
        return policy.with_timeout(self.values["FETCH_TIMEOUT"], name=PREFIX + "FETCH_TIMEOUT")

    def source_policy(self) -> FetchPolicy:
        """The policy for the source pages a received ping names."""
        return self.fetch_policy().replace(max_bytes=self.values["MAX_SOURCE_BYTES"])


def read_settings(lookup: Lookup, framework: str) -> PingbackSettings:
    """Every setting ``framework`` reads, checked; raises ``SettingError`` on the first bad one."""
    return PingbackSettings(
        {setting.name: _parsed(setting, lookup) for setting in settings_for(framework)}
    )


def setting_problems(lookup: Lookup, framework: str) -> list[SettingError]:
    """Every bad setting at once (Django's system checks report each)."""
    problems = []
    for setting in settings_for(framework):
        try:
            _parsed(setting, lookup)
        except SettingError as exc:
            problems.append(exc)
    return problems
