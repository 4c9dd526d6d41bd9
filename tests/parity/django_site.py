"""The little blog on Django: ``parity.django_urls``, stored by ``django_pingback.storage``.

The session's settings (tests/django_adapter/settings.py) with this site's
overrides applied around each request, served by Werkzeug's server in a
thread; rows are read with the ORM. The caller unblocks database access.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.handlers.wsgi import WSGIHandler
from django.test import override_settings

from django_pingback import deleted
from django_pingback.storage.models import Pingback

from .blog import FETCH_TIMEOUT, HOST, SiteConfig
from .site import LoopbackServer, Pair, Row, WSGIApp


def site_settings(config: SiteConfig, port: int) -> dict[str, Any]:
    return {
        "ROOT_URLCONF": "parity.django_urls",
        "ALLOWED_HOSTS": ["*"] if config.any_host_header else [HOST],
        # Django has no setting naming the site's own hosts yet; this is the Flask
        # adapter's name for it, which Django ignores today.
        "PINGBACK_HOSTS": list(config.own_hosts(port)),
        "PINGBACK_ALLOW_PRIVATE_ADDRESSES": True,
        "PINGBACK_ALLOWED_PORTS": None,
        "PINGBACK_FETCH_TIMEOUT": FETCH_TIMEOUT,
        "PINGBACK_RATE_LIMIT": None,
        "PINGBACK_WEBMENTION": True,
        "PINGBACK_WEBMENTION_ASYNC": config.webmention_async,
    }


def with_settings(app: WSGIApp, overrides: dict[str, Any]) -> WSGIApp:
    """The app, run with ``overrides`` in force for each whole request (body included)."""

    def configured(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with override_settings(**overrides):
            response = app(environ, start_response)
            try:
                body = b"".join(response)
            finally:
                response.close()
        return [body]

    return configured


class DjangoSite:
    name = "django"

    def __init__(self, config: SiteConfig) -> None:
        self._deletions: list[Pair] = []
        deleted.connect(self._record_deletion, weak=False)
        self._server = LoopbackServer(
            lambda port: with_settings(WSGIHandler(), site_settings(config, port))
        )
        self.port = self._server.port

    def _record_deletion(self, sender: Any, source_url: str, target_url: str, **extra: Any) -> None:
        self._deletions.append((source_url, target_url))

    def stored(self) -> frozenset[Row]:
        rows = Pingback.objects.values_list("source_url", "target_url", "protocol", "title")
        return frozenset(Row(*row) for row in rows)

    def deletions(self) -> tuple[Pair, ...]:
        return tuple(self._deletions)

    def reset(self) -> None:
        Pingback.objects.all().delete()
        self._deletions.clear()

    def settle(self) -> None:
        # The session's task backend is the immediate one: a queued verification
        # has run before the 202 is sent.
        pass

    def close(self) -> None:
        self._server.close()
        deleted.disconnect(self._record_deletion)


def start(config: SiteConfig) -> DjangoSite:
    return DjangoSite(config)
