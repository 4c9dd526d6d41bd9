"""How the ``pingcore`` command shows pings: a live progress bar and a table, or plain lines.

rich draws the bar and the table when it is installed (the ``cli`` extra) and
the stream is a terminal; anywhere else (a pipe, a log, a test, no rich) each
line is plain text. Text from other servers is made printable first, so a
page cannot send escape sequences to the user's terminal.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from .client import Outcome, PingResult

__all__ = [
    "Progress",
    "printable",
    "progress_display",
    "result_json",
    "result_reason",
    "results_table",
    "summary",
    "use_rich",
]

Progress = Callable[[int, int, PingResult], None]

# C0 and C1 controls and DEL (what could move a terminal's cursor or change its state),
# and runs of white space: each becomes one space.
_CONTROLS = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
COLUMNS = ("target", "protocol", "outcome", "reason")


def printable(text: str) -> str:
    """``text`` on one line without control characters (escape sequences included)."""
    return _CONTROLS.sub(" ", text).strip()


def use_rich(stream: TextIO) -> bool:
    """True when rich is installed and ``stream`` is a terminal."""
    isatty = getattr(stream, "isatty", None)
    if isatty is None or not isatty():
        return False
    return importlib.util.find_spec("rich") is not None


def result_reason(result: PingResult) -> str:
    """The reason column: the server's or the fetcher's words, with the fault code if any."""
    message = printable(result.message)
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
        "source_url": result.source_url,
        "target_url": result.target_url,
        "outcome": result.outcome.value,
        "ok": result.ok,
        "failed": result.failed,
        "protocol": result.protocol,
        "endpoint": result.endpoint,
        "message": result.message,
        "fault_code": result.fault_code,
        "status_url": result.status_url,
        "retry_at": result.retry_at.isoformat() if result.retry_at else None,
        "attempts": result.attempts,
    }


def summary(results: Sequence[PingResult]) -> str:
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
            result.outcome.value,
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
            outcome = result.outcome.value
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
