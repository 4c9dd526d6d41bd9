"""A rate-limit store named by a URL, as a site's settings give it."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._memory import MemoryStore
from ._redis import RedisStore
from ._sqlite import SQLiteStore
from ._store import RateLimitStore

__all__ = ["store_from_url"]

SETTING = "PINGBACK_RATE_LIMIT_STORE"
ACCEPTED_FORMS = (
    "memory:// (one process), sqlite:///path/to/file.db (processes of one machine; "
    "four slashes for an absolute path), redis://host:port/db or rediss://host:port/db "
    "(every process; ?prefix=... sets a key prefix)"
)


def store_from_url(url: str) -> RateLimitStore:
    """The store ``url`` names: ``memory://``, ``sqlite:///path`` or ``redis://host:port/db``.

    Raises ValueError, naming the setting and the accepted forms, for any other URL.
    """
    if not isinstance(url, str):
        raise _bad(url, "it is not a string")
    scheme, separator, rest = url.partition("://")
    if not separator:
        raise _bad(url, "it has no scheme://")
    scheme = scheme.lower()
    if scheme == "memory":
        if rest:
            raise _bad(url, "memory:// takes nothing after the scheme")
        return MemoryStore()
    if scheme == "sqlite":
        return SQLiteStore(_sqlite_path(url, rest))
    if scheme in ("redis", "rediss"):
        target, prefix = _redis_target(url)
        return RedisStore(target, prefix=prefix)
    raise _bad(url, "its scheme is not memory, sqlite, redis or rediss")


def _sqlite_path(url: str, rest: str) -> str:
    # As SQLAlchemy spells it: sqlite:///relative.db and sqlite:////absolute.db.
    if not rest.startswith("/"):
        raise _bad(url, "a SQLite URL has three slashes before its path")
    path = rest[1:]
    if not path or path == ":memory:" or "?" in path or "#" in path:
        raise _bad(url, "a SQLite URL names a database file, and nothing else")
    return path


def _redis_target(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _bad(url, str(exc)) from None
    if not parts.hostname:
        raise _bad(url, "a Redis URL names its host")
    if port is not None and not 0 < port < 65536:
        raise _bad(url, "its port is out of range")
    database = parts.path.strip("/")
    if database and not database.isdigit():
        raise _bad(url, "its path is a database number, such as /0")
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefix = "".join(value for name, value in query if name == "prefix")
    rest = [(name, value) for name, value in query if name != "prefix"]
    return urlunsplit(parts._replace(query=urlencode(rest))), prefix


def _bad(url: object, why: str) -> ValueError:
    shown = _without_password(url) if isinstance(url, str) else type(url).__name__
    return ValueError(f"{SETTING} {shown!r} is not a store URL ({why}); use {ACCEPTED_FORMS}")


def _without_password(url: str) -> str:
    # The message ends up in logs; a Redis password must not.
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not at:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}" if ":" in userinfo else f"{scheme}{sep}***@{host}"
