"""Ctrl-C: one line on stderr saying what was sent and what was dropped, and status 130."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .helpers import ROOT, Site, registered

SOURCE = "http://source.example/post/"


def test_ctrl_c_during_ping_all_says_how_many_pings_went(site: Site, tmp_path: Path) -> None:
    fast = site.pingback_target("/fast/", registered())
    # A port that takes connections and never answers: that ping hangs until
    # its deadline, so the command is still at work when it is interrupted.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        hanging = f"http://127.0.0.1:{silent.getsockname()[1]}/slow/"
        page = tmp_path / "post.html"
        page.write_text(f'<a href="{fast}">fast</a> <a href="{hanging}">slow</a>')
        command = [sys.executable, "-m", "pingcore", "ping-all", SOURCE, "--html", str(page)]
        process = subprocess.Popen(
            [*command, "--allow-private", "--timeout", "20"],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        first = process.stderr.readline()  # the fast ping's progress line
        assert first.startswith("[1/2] "), first
        process.send_signal(signal.SIGINT)
        started = time.monotonic()
        stdout, stderr = process.communicate(timeout=30)
        # At once: the hanging ping (a 20 second deadline) is abandoned, not waited for.
        assert time.monotonic() - started < 10
    assert process.returncode == 130
    assert stderr.strip() == "pingcore: Interrupted: 1 of 2 pings sent, 1 dropped."
    assert stdout == ""


def test_ctrl_c_elsewhere_is_one_line_too() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        silent.settimeout(20)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/post/"
        process = subprocess.Popen(
            [sys.executable, "-m", "pingcore", "discover", url, "--allow-private"],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Its connection arriving means the command is at work, waiting for an answer.
        connection, _ = silent.accept()
        with connection:
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stderr.strip() == "pingcore: Interrupted."
