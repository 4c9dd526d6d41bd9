"""pingcore's client with the site's ``PINGBACK_`` fetch settings as the default policy.

pingdjack's signatures are kept: ``ping_external_urls(source_url, html, root_url)``.
A refusal that a setting lifts names the ``PINGBACK_`` setting, not the
``FetchPolicy`` field the core's message names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pingcore import client
from pingcore.client import PingResult
from pingcore.errors import FetchError, reword_hint
from pingcore.fetch import FetchPolicy
from pingcore.links import external_urls

from .conf import pingback_settings

__all__ = ["aping", "aping_external_urls", "external_urls", "ping", "ping_external_urls"]


def _policy(policy: FetchPolicy | None) -> FetchPolicy:
    return policy if policy is not None else pingback_settings.fetch_policy()


def _in_settings_words(result: PingResult) -> PingResult:
    """``result`` with its hint naming the Django setting that lifts the refusal."""
    if not result.message:
        return result
    return dataclasses.replace(result, message=reword_hint(result.message, "django"))


@contextmanager
def _settings_words() -> Iterator[None]:
    try:
        yield
    except FetchError as exc:
        # Same class and attributes, so callers catch what they caught before.
        exc.args = (exc.message_for("django"), *exc.args[1:])
        raise


def ping(
    source_url: str, target_url: str, *, policy: FetchPolicy | None = None, **options: Any
) -> PingResult:
    """Ping one target; raises on failure. See ``pingcore.client.ping``."""
    with _settings_words():
        result = client.ping(source_url, target_url, policy=_policy(policy), **options)
    return _in_settings_words(result)


async def aping(
    source_url: str, target_url: str, *, policy: FetchPolicy | None = None, **options: Any
) -> PingResult:
    """The async twin of ``ping``."""
    with _settings_words():
        result = await client.aping(source_url, target_url, policy=_policy(policy), **options)
    return _in_settings_words(result)


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
    results = client.ping_external_urls(
        source_url, html, root_url, policy=_policy(policy), **options
    )
    return [_in_settings_words(result) for result in results]


async def aping_external_urls(
    source_url: str,
    html: str | bytes,
    root_url: str,
    *,
    policy: FetchPolicy | None = None,
    **options: Any,
) -> list[PingResult]:
    """The async twin of ``ping_external_urls``."""
    results = await client.aping_external_urls(
        source_url, html, root_url, policy=_policy(policy), **options
    )
    return [_in_settings_words(result) for result in results]
