"""The ``PINGBACK_`` settings, read from ``django.conf.settings`` each time they are used.

Nothing is read at import, so ``override_settings`` and per-test settings apply at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings as django_settings

from pingcore.fetch import FetchPolicy
from pingcore.ratelimit import RateLimiter

from .ratelimit import DjangoCacheStore

__all__ = ["PREFIX", "PingbackSettings", "pingback_settings"]

PREFIX = "PINGBACK_"
# The core's defaults are the adapter's: unset settings leave them alone.
_CORE_POLICY = FetchPolicy()
RATE_LIMIT_KEYS = frozenset(
    {"per_address", "per_source_host", "per_source_address", "window", "cache"}
)


class PingbackSettings:
    """Each attribute is one ``PINGBACK_`` setting, or its default when the site sets none.

    ALLOW_PRIVATE_ADDRESSES  fetch sources on loopback and private networks (tests, demos)
    ALLOWED_PORTS            ports a fetch may use (None: any); the core's set by default
    MAX_SOURCE_BYTES         the most bytes read from a source page
    FETCH_TIMEOUT            seconds for a whole fetch, redirects included
    URL_NAME                 the URL name of server_view, for headers and the template tag
    WEBMENTION               advertise webmention_view beside the Pingback endpoint
    WEBMENTION_URL_NAME      the URL name of webmention_view
    WEBMENTION_ASYNC         verify Webmentions in a task and answer 202 at once
    RATE_LIMIT               a dict of per_address, per_source_host, per_source_address,
                             window and cache (a CACHES alias); omitted keys keep the core's values,
                             a None value turns that limit off, None turns all off
    """

    def _get(self, name: str, default: Any) -> Any:
        return getattr(django_settings, PREFIX + name, default)

    def _flag(self, name: str) -> bool:
        # Only True turns a flag on: "false" or 0 in a settings file must not
        # open the fetcher to private addresses (check E001 reports them).
        return self._get(name, False) is True

    @property
    def allow_private_addresses(self) -> bool:
        return self._flag("ALLOW_PRIVATE_ADDRESSES")

    @property
    def allowed_ports(self) -> frozenset[int] | None:
        ports: Iterable[int] | None = self._get("ALLOWED_PORTS", _CORE_POLICY.allowed_ports)
        return None if ports is None else frozenset(ports)

    @property
    def max_source_bytes(self) -> int:
        return int(self._get("MAX_SOURCE_BYTES", _CORE_POLICY.max_bytes))

    @property
    def fetch_timeout(self) -> float:
        return float(self._get("FETCH_TIMEOUT", _CORE_POLICY.timeout))

    @property
    def url_name(self) -> str:
        return str(self._get("URL_NAME", "pingback"))

    @property
    def webmention(self) -> bool:
        return self._flag("WEBMENTION")

    @property
    def webmention_url_name(self) -> str:
        return str(self._get("WEBMENTION_URL_NAME", "webmention"))

    @property
    def webmention_async(self) -> bool:
        return self._flag("WEBMENTION_ASYNC")

    @property
    def rate_limit(self) -> dict[str, Any] | None:
        limits = self._get("RATE_LIMIT", {})
        return None if limits is None else dict(limits)

    def fetch_policy(self) -> FetchPolicy:
        """The policy for pages fetched to send pings (targets and their endpoints)."""
        return _CORE_POLICY.replace(
            allow_private_addresses=self.allow_private_addresses,
            allowed_ports=self.allowed_ports,
        ).with_timeout(self.fetch_timeout, name=PREFIX + "FETCH_TIMEOUT")

    def source_policy(self) -> FetchPolicy:
        """The policy for the source pages a received ping names."""
        return self.fetch_policy().replace(max_bytes=self.max_source_bytes)

    def rate_limiter(self) -> RateLimiter:
        """The core's limiter with its counts in Django's cache (off when RATE_LIMIT is None)."""
        limits = self.rate_limit
        if limits is None:
            return RateLimiter(per_address=None, per_source_host=None, per_source_address=None)
        store = DjangoCacheStore(limits.pop("cache", "default"))
        return RateLimiter(store=store, **limits)


pingback_settings = PingbackSettings()
