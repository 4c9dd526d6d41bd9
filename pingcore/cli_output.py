"""How the ``pingcore`` command shows pings: a live progress bar and a table, or plain lines.

rich draws the bar and the table when it is installed (the ``cli`` extra) and
the stream is a terminal; anywhere else (a pipe, a log, a test, no rich) each
line is plain text. Text from other servers is made printable first, so a
page cannot send escape sequences to the user's terminal.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from .client import Outcome, PingResult
from .errors import reword_hint

__all__ = [
    "Progress",
    "outcome_line",
    "outcome_words",
    "printable",
    "progress_display",
    "result_json",
    "result_message",
    "result_reason",
    "results_table",
    "summary",
    "use_rich",
]

Progress = Callable[[int, int, PingResult], None]

# A repeat that a Webmention receiver reports in words, since the protocol has no code
# for it (pingcore's own says "already registered").
_REPEAT_WORDS = re.compile(r"\balready\b", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
COLUMNS = ("target", "protocol", "outcome", "reason")


def _shown(char: str) -> str:
    """What an unprintable character becomes: nothing, a space, or itself."""
    if char.isprintable():
        return char
    category = unicodedata.category(char)
    if category == "Cf":
        # Format characters draw nothing but reorder or hide what is around them:
        # bidi embeddings, overrides and isolates, zero-width spaces, the BOM.
        return ""
    if category == "Cs":
        return "\ufffd"  # a lone surrogate cannot be written to a terminal at all
    if category in ("Co", "Cn"):
        return char  # private use and unassigned: drawn as a box, harmless
    return " "  # Cc (C0, C1, DEL: escape sequences), Zl, Zp and the other spaces


def printable(text: str) -> str:
    """``text`` as it may be shown: the one filter for every string that came from a page.

    On one line, without C0 or C1 controls (escape sequences included), and
    without the format characters that reorder or hide text (the bidi
    controls U+202A-202E and U+2066-2069, U+200B-200F, U+FEFF and every other
    Unicode Cf).
    """
    if not text.isprintable():
        text = "".join(map(_shown, text))
    return _SPACES.sub(" ", text).strip()


def outcome_words(result: PingResult) -> str:
    """What came of a ping, in the same words whichever protocol carried it.

    A repeated Pingback is fault 48; a repeated Webmention is a success whose
    answer says it was known already: both read "already registered".
    """
    if result.outcome in (Outcome.REGISTERED, Outcome.ACCEPTED) and _REPEAT_WORDS.search(
        result.message
    ):
        return Outcome.ALREADY_REGISTERED.value
    return result.outcome.value


def outcome_line(result: PingResult) -> str:
    """One ping as a line: ``registered over pingback at URL: the server's answer``."""
    words = outcome_words(result)
    if result.protocol:
        words += f" over {result.protocol}"
    if result.endpoint:
        words += f" at {printable(result.endpoint)}"
    if result.fault_code:
        words += f" (fault {result.fault_code})"
    message = result_message(result)
    return f"{words}: {message}" if message else words


def use_rich(stream: TextIO) -> bool:
    """True when rich is installed and ``stream`` is a terminal."""
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return False
    return importlib.util.find_spec("rich") is not None


def result_message(result: PingResult) -> str:
    """The server's or the fetcher's words, printable; a refusal's hint names the option."""
    message = result.message
    if result.outcome is Outcome.BLOCKED:
        message = reword_hint(message, "cli")
    return printable(message)


def result_reason(result: PingResult) -> str:
    """The reason column: the server's or the fetcher's words, with the fault code if any."""
    message = result_message(result)
    if result.fault_code:
        message = f"fault {result.fault_code}: {message}"
    if result.retry_at is not None:
        message += f" (retry after {result.retry_at:%Y-%m-%d %H:%M:%S} UTC)"
    if result.status_url:
        message += f" (status: {printable(result.status_url)})"
    return message


def result_json(result: PingResult) -> dict[str, Any]:
    """One result as JSON: django_pingback's task summary, and the source."""
    return {
        "source_url": printable(result.source_url),
        "target_url": printable(result.target_url),
        "outcome": outcome_words(result),
        "ok": result.ok,
        "failed": result.failed,
        "protocol": result.protocol,
        "endpoint": None if result.endpoint is None else printable(result.endpoint),
        "message": result_message(result),
        "fault_code": result.fault_code,
        "status_url": result.status_url,
        "retry_at": result.retry_at.isoformat() if result.retry_at else None,
        "attempts": result.attempts,
    }


def summary(results: Sequence[PingResult]) -> str:
    """The closing line of ``ping-all``: how many links were pinged, took none, failed."""
    pinged = sum(result.ok for result in results)
    silent = sum(result.outcome is Outcome.NO_ENDPOINT for result in results)
    failed = sum(result.failed for result in results)
    links = "link" if len(results) == 1 else "links"
    silent_part = f"{silent} took no pings (no endpoint); " if silent else ""
    return f"Pinged {pinged} of {len(results)} {links}; {silent_part}{failed} failed."


def _rows(results: Sequence[PingResult]) -> list[tuple[str, str, str, str]]:
    return [
        (
            printable(result.target_url),
            result.protocol or "-",
            outcome_words(result),
            result_reason(result),
        )
        for result in results
    ]


def results_table(results: Sequence[PingResult], stream: TextIO) -> None:
    """The table of results (target, protocol, outcome, reason), then the summary line."""
    if use_rich(stream):
        _rich_table(results, stream)
        return
    rows = _rows(results)
    headings = tuple(column.upper() for column in COLUMNS)
    # The reason is last and not padded: it is the one long column.
    widths = [max(len(row[i]) for row in [headings, *rows]) for i in range(3)]
    for row in [headings, *rows]:
        padded = "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        stream.write(f"{padded}  {row[3]}".rstrip() + "\n")
    stream.write(summary(results) + "\n")


def _rich_table(results: Sequence[PingResult], stream: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(*(column.capitalize() for column in COLUMNS), expand=False)
    for result, row in zip(results, _rows(results), strict=True):
        style = "green" if result.ok else "red" if result.failed else "yellow"
        # Text, not str: rich would read a server's "[bold]" as markup.
        cells = [Text(cell) for cell in row]
        cells[2].stylize(style)
        table.add_row(*cells)
    console = Console(file=stream)
    console.print(table)
    console.print(Text(summary(results)))


@contextmanager
def progress_display(total: int, stream: TextIO) -> Iterator[Progress]:
    """A ``progress(done, total, result)`` callback that shows the pings as they finish.

    On a terminal with rich, a live bar that goes away when the pings are done;
    elsewhere one line per finished ping.
    """
    if not use_rich(stream):

        def line(done: int, total: int, result: PingResult) -> None:
            outcome = outcome_words(result)
            stream.write(f"[{done}/{total}] {printable(result.target_url)}: {outcome}\n")
            stream.flush()

        yield line
        return

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    columns = (
        TextColumn("Pinging"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
    )
    with RichProgress(*columns, console=Console(file=stream), transient=True) as bar:
        task = bar.add_task("", total=total)

        def advance(done: int, total: int, result: PingResult) -> None:
            bar.update(task, completed=done, total=total, description=printable(result.target_url))

        yield advance
