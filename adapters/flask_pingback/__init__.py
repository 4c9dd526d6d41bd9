"""Pingback and Webmention for Flask applications, on pingcore.

``Pingback(app)`` serves the endpoints, advertises them and sends the
``received`` and ``deleted`` signals; ``ping_links`` pings a post's links.
"""

# The framework comes with an extra; without it, say which one rather than
# let the first import deep inside fail with a bare module name.
try:
    import blinker  # noqa: F401
    import flask  # noqa: F401
except ImportError as missing:
    raise ModuleNotFoundError(
        f"flask_pingback needs Flask and blinker ({missing.name} is not installed): "
        'pip install "pingcore[flask]"',
        name=missing.name,
    ) from missing

from pingcore.errors import (
    AccessDenied,
    DuplicatePing,
    PingbackError,
    TargetNotFound,
    UnpingableTarget,
)

from .advertising import pingable
from .display import register_mentions
from .extension import Pingback, PingbackState
from .ratelimit import SQLiteStore
from .sending import PingJob
from .signals import deleted, pingback_signals, received

__all__ = [
    "AccessDenied",
    "DuplicatePing",
    "PingJob",
    "Pingback",
    "PingbackError",
    "PingbackState",
    "SQLiteStore",
    "TargetNotFound",
    "UnpingableTarget",
    "deleted",
    "pingable",
    "pingback_signals",
    "received",
    "register_mentions",
]
