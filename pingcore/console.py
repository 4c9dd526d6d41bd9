"""Why a ping was refused, on the console of a site in debug mode, with no logging set up.

The receivers log each refusal at INFO on the ``pingcore`` loggers, which
print nothing until logging is configured; an adapter in debug mode (Django's
``DEBUG = True``, a Flask app's ``debug``) calls ``show_refusals_on_console``.
"""

from __future__ import annotations

import logging
from typing import IO

from .errors import HintVocabulary, reword_hint

__all__ = ["RefusalConsoleHandler", "show_refusals_on_console"]

LOGGER_NAME = "pingcore"


# StreamHandler is generic only in typeshed; Python 3.10 takes no subscript at run time.
class RefusalConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes the ``pingcore`` lines to a stream, their hints in ``vocabulary``'s words.

    The fetcher's "Pass FetchPolicy(allow_private_addresses=True) to allow it."
    reads "Set PINGBACK_ALLOW_PRIVATE_ADDRESSES = True in the settings to allow
    it." for ``"django"``. Only this handler's copy of a line is reworded: other
    handlers see the record as it was logged.
    """

    def __init__(self, vocabulary: HintVocabulary, stream: IO[str] | None = None) -> None:
        super().__init__(stream)
        self.vocabulary = vocabulary
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def format(self, record: logging.LogRecord) -> str:
        reworded = logging.makeLogRecord(record.__dict__)
        reworded.msg, reworded.args = reword_hint(record.getMessage(), self.vocabulary), None
        return super().format(reworded)


def show_refusals_on_console(
    vocabulary: HintVocabulary, stream: IO[str] | None = None
) -> RefusalConsoleHandler | None:
    """Attach a ``RefusalConsoleHandler`` at INFO to the ``pingcore`` logger, once.

    Only when logging is not configured for it: the logger (or an ancestor,
    the root included) has no handler and no level of its own. A site that set
    up logging keeps exactly what it set up. Returns the handler attached, or
    None when none was (already attached, or logging is configured).
    ``stream`` defaults to ``sys.stderr``.
    """
    logger = logging.getLogger(LOGGER_NAME)
    if logger.hasHandlers() or logger.level != logging.NOTSET:
        return None
    handler = RefusalConsoleHandler(vocabulary, stream)
    handler.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler
