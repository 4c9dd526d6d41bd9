"""In debug mode the receivers' refusals reach the console, unless logging is set up."""

from __future__ import annotations

import io
import logging

from logging_state import unconfigured_logging

from pingcore.console import RefusalConsoleHandler, show_refusals_on_console

REFUSAL = (
    "source %r not fetched: %s",
    "http://127.0.0.1:8000/post",
    "http://127.0.0.1:8000/post is not fetched: 127.0.0.1 is a non-public address (loopback). "
    "Pass FetchPolicy(allow_private_addresses=True) to allow it.",
)


def test_an_info_refusal_is_written_with_the_adapters_setting() -> None:
    with unconfigured_logging():
        stream = io.StringIO()
        assert show_refusals_on_console("flask", stream) is not None
        logging.getLogger("pingcore.server").info(*REFUSAL)
        line = stream.getvalue()
        assert line.startswith(
            "INFO pingcore.server: source 'http://127.0.0.1:8000/post' not fetched"
        )
        assert line.rstrip().endswith(
            "Set PINGBACK_ALLOW_PRIVATE_ADDRESSES = True in the app's config to allow it."
        )
        assert "FetchPolicy" not in line


def test_it_is_attached_once() -> None:
    with unconfigured_logging():
        stream = io.StringIO()
        assert show_refusals_on_console("django", stream) is not None
        assert show_refusals_on_console("django", stream) is None
        logging.getLogger("pingcore.webmention").info("webmention refused")
        assert stream.getvalue() == "INFO pingcore.webmention: webmention refused\n"


def test_other_handlers_see_the_record_as_it_was_logged() -> None:
    with unconfigured_logging():
        stream, seen = io.StringIO(), []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                seen.append(record.getMessage())

        show_refusals_on_console("django", stream)
        keep = Keep()
        logging.getLogger("pingcore.server").addHandler(keep)
        try:
            logging.getLogger("pingcore.server").info(*REFUSAL)
        finally:
            logging.getLogger("pingcore.server").removeHandler(keep)
        assert seen[0].endswith("Pass FetchPolicy(allow_private_addresses=True) to allow it.")
        assert stream.getvalue().rstrip().endswith("in the settings to allow it.")


def test_a_site_that_configured_logging_keeps_what_it_configured() -> None:
    with unconfigured_logging():
        root_handler = logging.StreamHandler(io.StringIO())
        logging.getLogger().addHandler(root_handler)
        try:
            assert show_refusals_on_console("django", io.StringIO()) is None
        finally:
            logging.getLogger().removeHandler(root_handler)
        logging.getLogger("pingcore").setLevel(logging.WARNING)
        assert show_refusals_on_console("django", io.StringIO()) is None
        assert not any(
            isinstance(h, RefusalConsoleHandler) for h in logging.getLogger("pingcore").handlers
        )
