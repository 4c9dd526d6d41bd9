"""pingcore's client with the site's ``PINGBACK_`` fetch settings as the default policy.

pingdjack's signatures are kept: ``ping_external_urls(source_url, html, root_url)``.
"""

from __future__ import annotations

from typing import Any

from pingcore import client
from pingcore.client import PingResult
from pingcore.fetch import FetchPolicy
from pingcore.links import external_urls

from .conf import pingback_settings

__all__ = ["aping", "aping_external_urls", "external_urls", "ping", "ping_external_urls"]


def _policy(policy: FetchPolicy | None) -> FetchPolicy:
    return policy if policy is not None else pingback_settings.fetch_policy()


def ping(
    source_url: str, target_url: str, *, policy: FetchPolicy | None = None, **options: Any
) -> PingResult:
    """Ping one target; raises on failure. See ``pingcore.client.ping``."""
    return client.ping(source_url, target_url, policy=_policy(policy), **options)


async def aping(
    source_url: str, target_url: str, *, policy: FetchPolicy | None = None, **options: Any
) -> PingResult:
    """The async twin of ``ping``."""
    return await client.aping(source_url, target_url, policy=_policy(policy), **options)


def ping_external_urls(
    source_url: str,
    html: str | bytes,
    root_url: str,
    *,
    policy: FetchPolicy | None = None,
    **options: Any,
) -> list[PingResult]:
    """Ping every link of ``html`` outside ``root_url``, never stopping on a failure.

    See ``pingcore.client.ping_external_urls``.
    """
    return client.ping_external_urls(source_url, html, root_url, policy=_policy(policy), **options)


async def aping_external_urls(
    source_url: str,
    html: str | bytes,
    root_url: str,
    *,
    policy: FetchPolicy | None = None,
    **options: Any,
) -> list[PingResult]:
    """The async twin of ``ping_external_urls``."""
    return await client.aping_external_urls(
        source_url, html, root_url, policy=_policy(policy), **options
    )
