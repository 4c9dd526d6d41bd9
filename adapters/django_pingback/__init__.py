"""Pingback and Webmention for Django sites: pingcore's server and client, the Django way.

The endpoints as views, a ``received`` signal for what they verify, a template
tag and headers that advertise them, checks, tasks, and an optional storage app.
pingdjack's API is kept: ``server_view``, ``received``, ``UnpingableTarget``,
``DuplicatePing``, ``ping_external_urls(source_url, html, root_url)``,
``external_urls`` and ``ping``.
"""

# The framework comes with an extra; without it, say which one rather than
# let the first import deep inside fail with a bare module name.
try:
    import asgiref  # noqa: F401
    import django  # noqa: F401
except ImportError as missing:
    raise ModuleNotFoundError(
        f"django_pingback needs Django ({missing.name} is not installed): "
        'pip install "pingcore[django]"',
        name=missing.name,
    ) from missing

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
