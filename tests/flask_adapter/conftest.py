"""Fixtures for the Flask adapter's tests: the blog app, its signals recorded, source pages."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pytest_httpserver import HTTPServer

from flask_pingback import deleted, received

from .blog import SOURCE, make_blog
from .signal_recording import recording


@pytest.fixture
def app() -> Flask:
    return make_blog()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def pings(app: Flask) -> Iterator[list[dict[str, Any]]]:
    """What the app's ``received`` signal sent."""
    with recording(received, app) as sends:
        yield sends


@pytest.fixture
def deletions(app: Flask) -> Iterator[list[dict[str, Any]]]:
    """What the app's ``deleted`` signal sent."""
    with recording(deleted, app) as sends:
        yield sends


@pytest.fixture
def source(httpserver_ipv4: HTTPServer) -> Callable[..., str]:
    """Serve a source page on 127.0.0.1; returns its URL."""

    def serve(
        path: str = "/reply",
        *,
        links_to: str | None = None,
        html: str | None = None,
        status: int = 200,
    ) -> str:
        body = html if html is not None else SOURCE.format(target=links_to)
        httpserver_ipv4.expect_request(path).respond_with_data(
            body, status=status, content_type="text/html; charset=utf-8"
        )
        return str(httpserver_ipv4.url_for(path))

    return serve


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/reply"
