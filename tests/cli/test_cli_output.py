"""How results are shown: rich on a terminal, plain lines elsewhere; hints name the options."""

from __future__ import annotations

import io

import pytest

from pingcore import BlockedURL, FetchPolicy, Outcome, PingResult
from pingcore.cli import build_parser, fetch_failure, fetch_policy
from pingcore.cli_output import printable, progress_display, results_table
from pingcore.fetch._policy import checked_url

RESULTS = [
    PingResult("http://a.example/post", "http://b.example/one", Outcome.REGISTERED, "pingback"),
    PingResult(
        "http://a.example/post",
        "http://b.example/two",
        Outcome.REFUSED,
        "pingback",
        message="[b]raw[/b]\x1b[2J",
        fault_code=17,
    ),
]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_pipe_gets_a_plain_table_and_a_summary() -> None:
    out = io.StringIO()
    results_table(RESULTS, out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["TARGET", "PROTOCOL", "OUTCOME", "REASON"]
    assert lines[2].split()[:4] == ["http://b.example/two", "pingback", "refused", "fault"]
    assert lines[2].endswith("fault 17: [b]raw[/b] [2J")
    assert "\x1b" not in out.getvalue()
    assert lines[-1] == "Pinged 1 of 2 links; 1 failed."


def test_a_terminal_gets_rich_s_table_with_server_text_shown_literally() -> None:
    pytest.importorskip("rich")
    out = Terminal()
    results_table(RESULTS, out)
    text = out.getvalue()
    assert "┃" in text or "│" in text  # drawn by rich
    assert "[b]raw[/b]" in text  # a server's words are never markup
    assert "\x1b[2J" not in text
    assert "Pinged 1 of 2 links; 1 failed." in text


def test_progress_on_a_terminal_is_a_bar_that_goes_away() -> None:
    pytest.importorskip("rich")
    out = Terminal()
    with progress_display(2, out) as progress:
        for done, result in enumerate(RESULTS, start=1):
            progress(done, 2, result)
    assert "2/2" in out.getvalue()


def test_progress_elsewhere_is_one_line_per_ping() -> None:
    out = io.StringIO()
    with progress_display(2, out) as progress:
        for done, result in enumerate(RESULTS, start=1):
            progress(done, 2, result)
    assert out.getvalue().splitlines() == [
        "[1/2] http://b.example/one: registered",
        "[2/2] http://b.example/two: refused",
    ]


def test_printable_text_keeps_no_control_characters() -> None:
    assert printable("a\x1b]0;title\x07b\nc\x9bd") == "a ]0;title b c d"


def test_a_port_refusal_names_the_commands_option() -> None:
    # checked_url decides without any I/O: nothing is sent to the address.
    with pytest.raises(BlockedURL) as refused:
        checked_url("http://93.184.215.14:9999/", FetchPolicy())
    message = fetch_failure(refused.value)
    assert "port 9999" in message
    assert "Pass --allow-port PORT to allow it." in message
    assert "FetchPolicy" not in message


@pytest.mark.parametrize(
    "argv",
    [
        [
            "--allow-private",
            "--timeout",
            "2.5",
            "--max-bytes",
            "500",
            "--allow-port",
            "81",
            "links",
            "-",
        ],
        [
            "links",
            "-",
            "--allow-private",
            "--timeout",
            "2.5",
            "--max-bytes",
            "500",
            "--allow-port",
            "81",
        ],
    ],
)
def test_fetch_options_work_before_or_after_the_subcommand(argv: list[str]) -> None:
    policy = fetch_policy(build_parser().parse_args(argv))
    assert policy.allow_private_addresses
    assert policy.timeout == 2.5
    assert policy.connect_timeout == 2.5
    assert policy.max_bytes == 500
    assert policy.allowed_ports == frozenset({80, 81, 443, 8080, 8443})


def test_without_options_the_policy_is_the_safe_default() -> None:
    assert fetch_policy(build_parser().parse_args(["links", "-"])) == FetchPolicy()


@pytest.mark.parametrize(
    "hidden",
    ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff", "\u00ad", "\u061c"],
)
def test_printable_text_drops_bidi_and_other_format_characters(hidden: str) -> None:
    assert printable(f"evil{hidden}.example/gpj.exe") == "evil.example/gpj.exe"


def test_printable_text_makes_line_separators_and_odd_spaces_one_space() -> None:
    assert printable("a\u2028b\u2029c\u00a0\u3000d\t\te") == "a b c d e"


def test_printable_text_keeps_letters_of_every_script() -> None:
    assert printable("café Ελλάδα 日本語 עברית 🙂") == "café Ελλάδα 日本語 עברית 🙂"


def test_a_rich_table_shows_neither_markup_nor_bidi_controls() -> None:
    sneaky = PingResult(
        "http://a.example/post",
        "http://b.example/\u202eexe.txt",
        Outcome.REFUSED,
        "webmention",
        message="[red]fake[/red] \u2066ok\u2069 \x9b31m",
        fault_code=None,
    )
    terminal = Terminal()
    results_table([sneaky], terminal)
    shown = terminal.getvalue()
    assert "[red]fake[/red]" in shown  # printed as text, not read as markup
    for control in ("\u202e", "\u2066", "\u2069", "\x9b"):
        assert control not in shown
    assert "http://b.example/exe.txt" in shown
