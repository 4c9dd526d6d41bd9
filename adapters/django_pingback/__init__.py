"""Pingback and Webmention for Django sites: pingcore's server and client, the Django way.

The endpoints as views, a ``received`` signal for what they verify, a template
tag and headers that advertise them, checks, tasks, and an optional storage app.
pingdjack's API is kept: ``server_view``, ``received``, ``UnpingableTarget``,
``DuplicatePing``, ``ping_external_urls(source_url, html, root_url)``,
``external_urls`` and ``ping``.
"""

from pingcore import (
    AccessDenied,
    DuplicatePing,
    PingbackError,
    TargetNotFound,
    UnpingableTarget,
    pingable,
)

from .decorators import pingback_headers
from .sending import aping, aping_external_urls, external_urls, ping, ping_external_urls
from .signals import deleted, received
from .views import server_view, webmention_view

__all__ = [
    "AccessDenied",
    "DuplicatePing",
    "PingbackError",
    "TargetNotFound",
    "UnpingableTarget",
    "aping",
    "aping_external_urls",
    "deleted",
    "external_urls",
    "ping",
    "ping_external_urls",
    "pingable",
    "pingback_headers",
    "received",
    "server_view",
    "webmention_view",
]
