"""The core's servers built for one request: the site, the hooks that send the signals, storage.

Everything site-specific the core needs is here; views.py only translates HTTP in and out.
"""

from __future__ import annotations

from functools import partial

from django.apps import apps
from django.conf import settings as django_settings
from django.http import Http404, HttpRequest

from pingcore import (
    MentionStore,
    PingbackServer,
    ReceivedPing,
    Target,
    TargetNotFound,
    WebmentionReceiver,
)
from pingcore.console import show_refusals_on_console
from pingcore.server import deleted_signal_arguments
from pingcore.webmention import Queue

from .conf import current, rate_limiter_for
from .signals import deleted, received
from .targets import SiteContext, site_for

__all__ = ["pingback_server", "webmention_receiver"]

STORAGE_APP = "django_pingback.storage"


def send_received(sender: HttpRequest | None, ping: ReceivedPing) -> None:
    try:
        received.send(sender=sender, **ping.signal_arguments())
    except Http404 as exc:
        # get_object_or_404 in a receiver: the page the target names does not exist.
        raise TargetNotFound() from exc


def send_deleted(sender: HttpRequest | None, source_url: str, target: Target) -> None:
    deleted.send(sender=sender, **deleted_signal_arguments(source_url, target))


def mention_store() -> MentionStore | None:
    """With the storage app installed, the core stores pings in its ``Pingback`` rows."""
    if not apps.is_installed(STORAGE_APP):
        return None
    from .storage.stores import ModelMentionStore

    return ModelMentionStore()


def show_refusals_in_debug() -> None:
    """With ``DEBUG = True`` and no logging set up for pingcore, its refusals reach the console."""
    if django_settings.DEBUG:
        show_refusals_on_console("django")


def pingback_server(request: HttpRequest) -> PingbackServer:
    show_refusals_in_debug()
    settings = current()  # read and checked once for the whole request
    return PingbackServer(
        site_for(SiteContext.from_request(request), settings),
        partial(send_received, request),
        policy=settings.source_policy(),
        rate_limiter=rate_limiter_for(settings),
        store=mention_store(),
    )


def webmention_receiver(
    sender: HttpRequest | None,
    site: SiteContext,
    *,
    queue: Queue | None = None,
) -> WebmentionReceiver:
    show_refusals_in_debug()
    settings = current()
    return WebmentionReceiver(
        site_for(site, settings),
        partial(send_received, sender),
        on_deleted=partial(send_deleted, sender),
        policy=settings.source_policy(),
        rate_limiter=rate_limiter_for(settings),
        store=mention_store(),
        queue=queue,
    )
