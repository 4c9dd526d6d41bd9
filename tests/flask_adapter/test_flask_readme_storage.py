"""The README's storage example, run as it is printed, on a real SQLite database file."""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
import xmlrpc.client
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from types import ModuleType

import pytest
from pytest_httpserver import HTTPServer

from pingcore.client import Outcome, ping
from pingcore.fetch import FetchPolicy

from .live import serving

ROOT = Path(__file__).resolve().parents[2]
# The block follows this marker; the lead may move the section into the project README.
MARKER = "<!-- flask_pingback storage example:"
READMES = [ROOT / "adapters" / "flask_pingback" / "README.md", ROOT / "README.md"]
LOOPBACK = FetchPolicy(allow_private_addresses=True, timeout=5.0)

Source = Callable[..., str]


def storage_example() -> str:
    """The python block after the marker, in the first README that has it."""
    for readme in READMES:
        text = readme.read_text("utf-8") if readme.exists() else ""
        if MARKER in text:
            after = text.split(MARKER, 1)[1]
            return after.split("```python\n", 1)[1].split("\n```", 1)[0] + "\n"
    raise AssertionError(f"no README holds the storage example ({MARKER})")


@pytest.fixture
def load_blog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., ModuleType]]:
    """Import the example as the module blog.py, configured through FLASK_* variables."""
    database = tmp_path / "pings.sqlite3"
    monkeypatch.setenv("FLASK_PINGS_DATABASE", str(database))
    monkeypatch.setenv("FLASK_PINGBACK_ALLOW_PRIVATE_ADDRESSES", "true")

    def load(**env: str) -> ModuleType:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        path = tmp_path / "readme_blog.py"
        path.write_text(storage_example(), "utf-8")
        spec = importlib.util.spec_from_file_location("readme_blog", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, "readme_blog", module)
        spec.loader.exec_module(module)
        return module

    yield load


def stored(blog: ModuleType) -> list[tuple[str, str, str, str]]:
    """The rows of the example's database file, read with plain sqlite3."""
    path = Path(blog.app.config["PINGS_DATABASE"])
    with closing(sqlite3.connect(path)) as db:
        return db.execute(
            "SELECT target_url, source_url, author, protocol FROM pingback_mentions"
            " ORDER BY source_url"
        ).fetchall()


def test_the_example_stores_a_ping_once_and_refuses_the_duplicate_with_fault_48(
    load_blog: Callable[..., ModuleType], source: Source
) -> None:
    blog = load_blog()

    with serving(blog.app) as root:
        post = f"{root}/posts/hello-world/"
        reply = source(links_to=post)
        first = ping(reply, post, policy=LOOPBACK)
        again = ping(reply, post, policy=LOOPBACK)

    assert (again.outcome, again.fault_code) == (Outcome.ALREADY_REGISTERED, 48)

    assert first.outcome is Outcome.REGISTERED
    assert stored(blog) == [(post, reply, "Bob Example", "pingback")]


def test_the_example_shows_an_approved_mention_under_its_post(
    load_blog: Callable[..., ModuleType], source: Source
) -> None:
    blog = load_blog()

    with serving(blog.app) as root:
        post = f"{root}/posts/hello-world/"
        reply = source(links_to=post)
        ping(reply, post, policy=LOOPBACK)
        blog.mentions.approve(reply, post)
        page = blog.app.test_client().get(post.removeprefix(root), base_url=root)

    assert "Bob Example" in page.get_data(as_text=True)


def test_the_example_refuses_a_post_that_does_not_exist_with_fault_32(
    load_blog: Callable[..., ModuleType], source: Source
) -> None:
    blog = load_blog()

    with serving(blog.app) as root, xmlrpc.client.ServerProxy(f"{root}/pingback") as proxy:
        post = f"{root}/posts/no-such-post/"
        with pytest.raises(xmlrpc.client.Fault) as caught:
            proxy.pingback.ping(source(links_to=post), post)

    assert caught.value.faultCode == 32
    assert stored(blog) == []


def test_the_example_updates_a_repeated_webmention_and_deletes_a_gone_one(
    load_blog: Callable[..., ModuleType], source: Source, httpserver_ipv4: HTTPServer
) -> None:
    blog = load_blog(FLASK_PINGBACK_WEBMENTION="true")
    client = blog.app.test_client()
    post = "http://localhost/posts/hello-world/"
    reply = source(links_to=post)

    def mention() -> int:
        return client.post("/webmention", data={"source": reply, "target": post}).status_code

    assert [mention(), mention()] == [200, 200]
    assert stored(blog) == [(post, reply, "Bob Example", "webmention")]

    httpserver_ipv4.clear_all_handlers()
    source(html="Gone", status=410)
    assert mention() == 200
    assert stored(blog) == []
