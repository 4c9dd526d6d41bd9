"""Fixtures shared by every test: where ../shared is, and skipping without it."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

# The real redis-server fixtures, for any test that needs one.
from redis_server import own_redis_server, redis_server, redis_url  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# A user's clone has no ../shared; the team's and CI's have it beside the repo.
SHARED = Path(os.environ.get("PINGCORE_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test cleanly when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (../shared is only in the team's checkouts)")
    return path


@pytest.fixture(scope="session")
def corpus_pages() -> list[dict[str, str]]:
    """The real pages of ../shared/corpus: dicts with file, url, and maybe author."""
    index = shared_path("corpus", "index.json")
    pages: list[dict[str, str]] = json.loads(index.read_text("utf-8"))["pages"]
    return pages


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return shared_path("corpus", "pages")


@pytest.fixture(scope="session")
def discovery_cases() -> list[dict[str, object]]:
    """The 23 webmention.rocks discovery tests."""
    path = shared_path("conformance", "webmention-rocks-discovery.json")
    cases: list[dict[str, object]] = json.loads(path.read_text("utf-8"))["tests"]
    return cases


@pytest.fixture
def anyio_backend() -> str:
    # Only asyncio is installed; trio is not a dependency.
    return "asyncio"


@pytest.fixture
def local_policy():  # type: ignore[no-untyped-def]
    """A fetch policy that reaches the loopback servers tests start."""
    from pingcore import FetchPolicy

    return FetchPolicy(allow_private_addresses=True, timeout=5.0)


LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_local_or_numeric(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0]
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        socket.inet_aton(host)  # the old spellings: 127.1, 0x7f.1, 2130706433
    except OSError:
        return False
    return True


@pytest.fixture(scope="session", autouse=True)
def _no_dns_beyond_this_machine() -> Iterator[None]:
    """No test may ask a name server anything: names like blog.example stay unresolved.

    This machine's only network is loopback; a test that meant a local server
    passes a resolver in its FetchPolicy, so any other lookup is a test bug.
    """
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_local_or_numeric(host):
            raise socket.gaierror(socket.EAI_NONAME, f"tests do not resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield


@pytest.fixture(scope="session")
def make_httpserver() -> Iterator[HTTPServer]:
    """pytest-httpserver, threaded: a test's endpoint may fetch a source from the same server."""
    server = HTTPServer(host="localhost", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()
