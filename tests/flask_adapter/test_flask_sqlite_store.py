"""SQLiteStore: rate-limit counters several processes share, in a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

from flask_pingback import Pingback, SQLiteStore

from .blog import make_blog
from .xmlrpc_calls import answer, call, fault_of

POST = "http://localhost/posts/hello/"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def rows(path: Path) -> list[tuple[str, int]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT key, count FROM pingback_rate_limit ORDER BY key").fetchall()


def test_two_stores_on_one_file_share_their_counts_as_two_processes_would(
    tmp_path: Path,
) -> None:
    path = tmp_path / "limits.sqlite3"
    clock = Clock()
    first, second = SQLiteStore(path, clock=clock), SQLiteStore(path, clock=clock)

    counts = [first.hit("a", 60), second.hit("a", 60), first.hit("b", 60), second.hit("a", 60)]

    assert counts == [1, 2, 1, 3]


def test_a_new_window_starts_the_count_again(tmp_path: Path) -> None:
    clock = Clock()
    store = SQLiteStore(tmp_path / "limits.sqlite3", clock=clock)
    store.hit("a", 60)
    store.hit("a", 60)

    clock.now += 60

    assert store.hit("a", 60) == 1


def test_expired_counters_are_pruned(tmp_path: Path) -> None:
    path = tmp_path / "limits.sqlite3"
    clock = Clock()
    store = SQLiteStore(path, clock=clock, prune_every=1)
    store.hit("old", 60)

    clock.now += 61
    store.hit("new", 60)

    assert rows(path) == [("new", 1)]


def test_hits_from_many_threads_are_all_counted(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "limits.sqlite3")

    with ThreadPoolExecutor(8) as pool:
        counts = sorted(pool.map(lambda _: store.hit("busy", 60), range(40)))

    assert counts == list(range(1, 41))


def test_the_extension_counts_pings_in_the_store_it_is_given(
    tmp_path: Path, source: Callable[..., str]
) -> None:
    path = tmp_path / "limits.sqlite3"
    app = make_blog(
        Pingback(rate_limit_store=SQLiteStore(path)), PINGBACK_RATE_LIMIT={"per_address": 1}
    )
    client = app.test_client()
    reply = source(links_to=POST)

    answer(call(client, reply, POST))
    assert fault_of(call(client, reply, POST)).faultCode == 50

    assert ("pingcore:addr:127.0.0.1", 2) in rows(path)
