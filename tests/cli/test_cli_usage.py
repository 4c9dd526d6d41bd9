"""The command line itself: usage errors in one line with status 2, help, version, the script."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pingcore import __version__

from .helpers import Pingcore, run_command


def test_no_subcommand_is_a_usage_error_in_one_line(pingcore: Pingcore) -> None:
    run = pingcore()
    assert run.returncode == 2
    assert "required: COMMAND" in run.error_line


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["ping", "not-a-url", "http://127.0.0.1/"], "'not-a-url' is not an absolute http(s) URL"),
        (["ping", "http://127.0.0.1/a"], "required: TARGET"),
        (["discover", "ftp://127.0.0.1/"], "is not an absolute http(s) URL"),
        (["links", "page.html", "--root", "/relative/"], "argument --root"),
        (["links", "page.html", "--timeout", "0"], "not a positive number of seconds"),
        (["links", "page.html", "--max-bytes", "lots"], "not a positive whole number"),
        (["links", "page.html", "--allow-port", "70000"], "not a port number"),
        (["discover", "http://127.0.0.1/", "--protocol", "gopher"], "invalid choice"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["links", "page.html", "--no-such-option"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    pingcore: Pingcore, args: list[str], complaint: str
) -> None:
    run = pingcore(*args)
    assert run.returncode == 2
    assert complaint in run.error_line
    assert run.stdout == ""


def test_help_lists_every_subcommand(pingcore: Pingcore) -> None:
    run = pingcore("--help")
    assert run.returncode == 0
    for name in ("links", "discover", "ping", "ping-all", "inspect", "demo"):
        assert name in run.stdout


def test_a_subcommands_help_shows_the_fetch_options(pingcore: Pingcore) -> None:
    run = pingcore("ping-all", "--help")
    assert run.returncode == 0
    for option in ("--allow-private", "--timeout", "--max-bytes", "--allow-port", "--json"):
        assert option in run.stdout


def test_the_console_script_is_the_same_command() -> None:
    script = Path(sys.executable).with_name("pingcore")
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable}")
    assert run_command([str(script), "--version"]).stdout.strip() == f"pingcore {__version__}"
    usage = run_command([str(script), "inspect", "http://127.0.0.1/a"])
    assert usage.returncode == 2
    assert "required: TARGET" in usage.error_line
