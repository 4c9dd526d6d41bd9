"""Fixtures for the Django adapter's tests: loopback source pages, signals, XML-RPC helpers."""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache
from django.dispatch import Signal
from pytest_httpserver import HTTPServer

from django_pingback import received, receiving

XML = "text/xml"
FORM = "application/x-www-form-urlencoded"


def pytest_configure(config: pytest.Config) -> None:
    # The live server on 127.0.0.1 like the source server: "localhost" may
    # resolve to ::1 first on some machines, where neither server listens.
    if not config.getoption("liveserver", None):
        config.option.liveserver = "127.0.0.1"


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    # The limits count in the cache; each test starts with none spent.
    cache.clear()


@pytest.fixture(scope="session")
def source_server() -> Iterator[HTTPServer]:
    """A real HTTP server on 127.0.0.1 that serves the pages pings name as their source."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def sources(source_server: HTTPServer) -> Iterator[HTTPServer]:
    yield source_server
    source_server.clear()


def linking_page(
    target_url: str, *, author: str | None = "Ann Author", title: str = "A post"
) -> str:
    byline = f'<meta name="author" content="{author}">' if author else ""
    return (
        f"<!doctype html><html><head><title>{title}</title>{byline}</head><body><article>"
        f'<p>I enjoyed <a href="{target_url}">this post about pings</a> a lot.</p>'
        "</article></body></html>"
    )


@pytest.fixture
def source_linking_to(sources: HTTPServer) -> Callable[..., str]:
    """Serve a page at ``path`` that links to ``target_url``; return its URL."""

    def serve(target_url: str, path: str = "/source", **page: str | None) -> str:
        sources.expect_request(path).respond_with_data(
            linking_page(target_url, **page), content_type="text/html; charset=utf-8"
        )
        return sources.url_for(path)

    return serve


@pytest.fixture
def connect() -> Iterator[Callable[..., None]]:
    """Connect a receiver for one test: ``connect(func)`` or ``connect(func, signal=deleted)``."""
    connected: list[tuple[Signal, Callable[..., object]]] = []

    def connect_receiver(func: Callable[..., object], signal: Signal = received) -> None:
        signal.connect(func, weak=False)
        connected.append((signal, func))

    yield connect_receiver
    for signal, func in connected:
        signal.disconnect(func)


@pytest.fixture
def without_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    """The endpoints store nothing in the storage app, for tests of a site's own receivers."""
    monkeypatch.setattr(receiving, "mention_store", lambda: None)


def pingback_call(source_url: object, target_url: object) -> bytes:
    return xmlrpc.client.dumps((source_url, target_url), "pingback.ping").encode("utf-8")


def xmlrpc_answer(content: bytes) -> object:
    """The value an XML-RPC answer carries; a fault is raised as ``xmlrpc.client.Fault``."""
    (value,), _ = xmlrpc.client.loads(content)
    return value


def fault_code(content: bytes) -> int:
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc_answer(content)
    return fault.value.faultCode
