"""The ``PINGBACK_*`` config keys: their defaults, and the checks ``init_app`` runs on them.

A value of the wrong type stops ``init_app`` with an error naming the key: ``"False"`` never
turns a feature on, and no string or float stands in for a number of bytes or a port.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pingcore.fetch import FetchPolicy

from .targets import HostPattern

__all__ = ["DEFAULT_CONFIG", "RATE_LIMIT_KEYS", "PingbackConfig", "read_config"]

# The core's defaults are the adapter's.
FETCH_DEFAULTS = FetchPolicy()
RATE_LIMIT_KEYS = frozenset({"per_address", "per_source_host", "per_source_address", "window"})

# Every key the extension reads, with its default; init_app sets what is unset.
DEFAULT_CONFIG: Mapping[str, Any] = {
    "PINGBACK_URL": "/pingback",
    "PINGBACK_HOSTS": [],
    "PINGBACK_WEBMENTION": False,
    "PINGBACK_WEBMENTION_URL": "/webmention",
    "PINGBACK_WEBMENTION_ASYNC": False,
    "PINGBACK_WEBMENTION_ASYNC_THREADS": 8,
    "PINGBACK_HEADER_ALL_VIEWS": False,
    "PINGBACK_ALLOW_PRIVATE_ADDRESSES": FETCH_DEFAULTS.allow_private_addresses,
    "PINGBACK_ALLOWED_PORTS": FETCH_DEFAULTS.allowed_ports,
    "PINGBACK_MAX_SOURCE_BYTES": FETCH_DEFAULTS.max_bytes,
    "PINGBACK_FETCH_TIMEOUT": FETCH_DEFAULTS.timeout,
    # per_address, per_source_host, per_source_address, window: omitted keys keep
    # the core's values, a None value turns that limit off; None turns every limit off.
    "PINGBACK_RATE_LIMIT": {},
}

# Collections a list of ports or hosts may come in; a string is none of them,
# since iterating over "443" gives "4", "4", "3".
_COLLECTIONS = (list, tuple, set, frozenset)


@dataclass(frozen=True)
class PingbackConfig:
    """The ``PINGBACK_*`` keys of one app, checked and with their types settled."""

    url: str
    hosts: tuple[HostPattern, ...]
    webmention: bool
    webmention_url: str
    webmention_async: bool
    webmention_async_threads: int
    header_all_views: bool
    allow_private_addresses: bool
    allowed_ports: frozenset[int] | None
    max_source_bytes: int
    fetch_timeout: float
    rate_limit: dict[str, Any] | None


def _shown(value: object) -> str:
    """A value as an error message shows it: its type, then a short repr."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _bool(config: Mapping[str, Any], key: str) -> bool:
    value = config[key]
    if not isinstance(value, bool):
        raise TypeError(
            f"{key} must be True or False, not {_shown(value)}. With "
            f"app.config.from_prefixed_env(), write FLASK_{key}=true or false: "
            "the value is read as JSON."
        )
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _positive_int(config: Mapping[str, Any], key: str) -> int:
    value = config[key]
    if not _is_int(value):
        raise TypeError(f"{key} must be a positive integer, not {_shown(value)}.")
    if value <= 0:
        raise ValueError(f"{key} must be a positive integer, not {value!r}.")
    return int(value)


def _seconds(value: object, name: str) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{name} must be a number of seconds, not {_shown(value)}.")
    seconds = float(value)
    # inf would let a fetch hang for ever; nan compares false with every bound.
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"{name} must be a positive, finite number of seconds, not {value!r}.")
    return seconds


def _fetch_timeout(config: Mapping[str, Any], key: str) -> float:
    # The core's rule for a user's timeout, so the two cannot disagree.
    return FETCH_DEFAULTS.with_timeout(config[key], name=key).timeout


def _path(config: Mapping[str, Any], key: str) -> str:
    value = config[key]
    if not isinstance(value, str) or not value.startswith("/"):
        raise TypeError(f"{key} must be a path starting with '/', not {_shown(value)}.")
    return value


def _ports(config: Mapping[str, Any], key: str) -> frozenset[int] | None:
    value = config[key]
    if value is None:
        return None
    if not isinstance(value, _COLLECTIONS):
        raise TypeError(f"{key} must be None or a list of port numbers, not {_shown(value)}.")
    for port in value:
        if not _is_int(port) or not 0 < port <= 65535:
            raise ValueError(f"{key} holds {_shown(port)}, which is no port number (1-65535).")
    return frozenset(value)


def _hosts(config: Mapping[str, Any], key: str) -> tuple[HostPattern, ...]:
    value = config[key]
    if not isinstance(value, _COLLECTIONS):
        raise TypeError(
            f"{key} must be a list of host names, such as ['blog.example', '.example.com'], "
            f"not {_shown(value)}. With app.config.from_prefixed_env(), write a JSON list: "
            f"""FLASK_{key}='["blog.example"]'."""
        )
    patterns = []
    for entry in value:
        if not isinstance(entry, str):
            raise TypeError(f"{key} holds {_shown(entry)}; each entry must be a host name.")
        if entry.strip() == "*":
            # Any host at all is what the Host header would say: the hole this setting closes.
            raise ValueError(
                f"{key} cannot hold '*': a ping's target must name a host of this site. "
                "List the site's hosts, or set Flask's TRUSTED_HOSTS to trust the request's."
            )
        try:
            patterns.append(HostPattern.parse(entry))
        except ValueError:
            raise ValueError(
                f"{key} holds {entry!r}, which is no host name: write 'blog.example', "
                "'blog.example:8080' or '.example.com' (the domain and its subdomains), "
                "without a scheme or a path."
            ) from None
    return tuple(patterns)


def _rate_limit(config: Mapping[str, Any], key: str) -> dict[str, Any] | None:
    value = config[key]
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{key} must be None or a dict, not {_shown(value)}.")
    unknown = {str(name) for name in value} - RATE_LIMIT_KEYS
    if unknown:
        raise ValueError(
            f"{key} takes {', '.join(sorted(RATE_LIMIT_KEYS))}; not {', '.join(sorted(unknown))}"
        )
    limits = dict(value)
    for name, limit in limits.items():
        if name == "window":
            limits[name] = _seconds(limit, f"{key}['window']")
        elif limit is not None and not _is_int(limit):
            raise TypeError(
                f"{key}[{name!r}] must be a positive integer or None, not {_shown(limit)}."
            )
        elif limit is not None and limit <= 0:
            raise ValueError(f"{key}[{name!r}] must be a positive integer or None, not {limit!r}.")
    return limits


def read_config(config: Mapping[str, Any]) -> PingbackConfig:
    """The app's ``PINGBACK_*`` keys, checked; raises TypeError or ValueError naming a bad one."""
    return PingbackConfig(
        url=_path(config, "PINGBACK_URL"),
        hosts=_hosts(config, "PINGBACK_HOSTS"),
        webmention=_bool(config, "PINGBACK_WEBMENTION"),
        webmention_url=_path(config, "PINGBACK_WEBMENTION_URL"),
        webmention_async=_bool(config, "PINGBACK_WEBMENTION_ASYNC"),
        webmention_async_threads=_positive_int(config, "PINGBACK_WEBMENTION_ASYNC_THREADS"),
        header_all_views=_bool(config, "PINGBACK_HEADER_ALL_VIEWS"),
        allow_private_addresses=_bool(config, "PINGBACK_ALLOW_PRIVATE_ADDRESSES"),
        allowed_ports=_ports(config, "PINGBACK_ALLOWED_PORTS"),
        max_source_bytes=_positive_int(config, "PINGBACK_MAX_SOURCE_BYTES"),
        fetch_timeout=_fetch_timeout(config, "PINGBACK_FETCH_TIMEOUT"),
        rate_limit=_rate_limit(config, "PINGBACK_RATE_LIMIT"),
    )
