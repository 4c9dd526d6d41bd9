"""Logging as a fresh process has it, for tests of what reaches the console unconfigured."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def unconfigured_logging() -> Iterator[None]:
    """Logging as a fresh process has it: no handler anywhere, no level on ``pingcore``.

    Used inside a test's body: pytest puts its capturing handlers on the root
    as each phase starts. They are taken off for the block and put back after;
    whatever an adapter attached to ``pingcore`` meanwhile is taken off again.
    """
    root, pingcore_logger = logging.getLogger(), logging.getLogger("pingcore")
    root_handlers, pingcore_handlers = root.handlers[:], pingcore_logger.handlers[:]
    level = pingcore_logger.level
    pingcore_logger.setLevel(logging.NOTSET)
    for handler in root_handlers:
        root.removeHandler(handler)
    try:
        yield
    finally:
        for handler in pingcore_logger.handlers[:]:
            if handler not in pingcore_handlers:
                pingcore_logger.removeHandler(handler)
        pingcore_logger.setLevel(level)
        for handler in root_handlers:
            root.addHandler(handler)
