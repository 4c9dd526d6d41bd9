"""Fixtures for the command's tests: the command itself, a loopback site, a closed port."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from .helpers import ROOT, Pingcore, Run, Site, run_command


@pytest.fixture
def pingcore() -> Pingcore:
    """``python -m pingcore`` in a child process: ``pingcore(*args, stdin=, env=, cwd=)``."""

    def call(
        *args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path = ROOT
    ) -> Run:
        command = [sys.executable, "-m", "pingcore", *args]
        return run_command(command, stdin=stdin, env=env, cwd=cwd)

    return call


@pytest.fixture
def site(httpserver: HTTPServer) -> Site:
    return Site(httpserver)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
