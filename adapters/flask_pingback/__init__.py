"""Pingback and Webmention for Flask applications, on pingcore.

``Pingback(app)`` serves the endpoints, advertises them and sends the
``received`` and ``deleted`` signals; ``ping_links`` pings a post's links.
"""

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
