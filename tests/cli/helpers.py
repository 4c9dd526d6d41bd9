"""Running the ``pingcore`` command as users do, and loopback pages for it to read.

Every run is checked for a traceback on stderr, whatever the test asserts.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pytest_httpserver import HTTPServer

from pingcore import xmlrpc

ROOT = Path(__file__).resolve().parents[2]
RUN_TIMEOUT = 30


@dataclass(frozen=True)
class Run:
    """A finished command: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def error_line(self) -> str:
        """The command's one line on stderr, checked to be exactly one ``pingcore: error:``."""
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, f"expected one line on stderr, got {self.stderr!r}"
        assert lines[0].startswith("pingcore: error: "), lines[0]
        return lines[0]


def run_command(
    command: Sequence[str],
    *,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
) -> Run:
    done = subprocess.run(
        list(command),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        cwd=cwd,
        env=env,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


Pingcore = Callable[..., Run]
"""``pingcore(*args, stdin=None, env=None, cwd=ROOT)``: ``python -m pingcore args``, a child."""


class Site:
    """Pages and endpoints on the test's HTTP server, addressed as 127.0.0.1 (no DNS at all)."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"

    def page(self, path: str, html: str, headers: dict[str, str] | None = None) -> str:
        self.server.expect_request(path, method="GET").respond_with_data(
            html, content_type="text/html; charset=utf-8", headers=headers
        )
        return self.url(path)

    def pingback_target(self, path: str, answer: bytes) -> str:
        """A page advertising an XML-RPC endpoint that answers every call with ``answer``."""
        endpoint = path.rstrip("/") + "/xmlrpc"
        self.server.expect_request(endpoint, method="POST").respond_with_data(
            answer, content_type="text/xml"
        )
        return self.page(path, "<title>target</title>", {"X-Pingback": self.url(endpoint)})

    def webmention_target(self, path: str, status: int, body: str = "") -> str:
        endpoint = path.rstrip("/") + "/webmention"
        self.server.expect_request(endpoint, method="POST").respond_with_data(body, status=status)
        link = f'<{self.url(endpoint)}>; rel="webmention"'
        return self.page(path, "<title>target</title>", {"Link": link})

    def requests_to(self, path: str) -> int:
        return sum(1 for request, _ in self.server.log if request.path == path)


def registered(message: str = "Ping registered.") -> bytes:
    return xmlrpc.dump_response(message)


def fault(code: int, message: str) -> bytes:
    return xmlrpc.dump_fault(code, message)
