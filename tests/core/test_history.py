"""The send history: rows keyed on (source, target), the same in memory and in SQLite."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pingcore import MemorySendHistory, SendHistory, SentPing, SQLiteSendHistory

NOW = datetime(2026, 12, 2, 4, 0, 0, 123456, tzinfo=timezone.utc)


def sent(target: str, source: str = "http://blog.example/p", **fields: object) -> SentPing:
    values: dict[str, object] = {
        "protocol": "webmention",
        "outcome": "accepted",
        "reason": "Accepted.",
        "last_tried": NOW,
    }
    values.update(fields)
    return SentPing(source, target, **values)  # type: ignore[arg-type]


@pytest.fixture(params=["memory", "sqlite"])
def history(request: pytest.FixtureRequest, tmp_path: Path) -> SendHistory:
    if request.param == "memory":
        return MemorySendHistory()
    return SQLiteSendHistory(tmp_path / "history.sqlite3")


def test_a_row_comes_back_with_every_field(history: SendHistory) -> None:
    row = sent(
        "http://wp.example/2026/12/κα/",
        outcome="deferred",
        reason="You are posting comments too quickly.",
        attempts=3,
        retry_at=NOW + timedelta(seconds=15),
        status_url="http://wp.example/status/1",
        linked=False,
    )
    history.record(row)
    assert history.sent_from("http://blog.example/p") == [row]


def test_record_replaces_the_row_for_its_source_and_target(history: SendHistory) -> None:
    history.record(sent("http://a.example/1"))
    history.record(sent("http://b.example/2"))
    history.record(sent("http://a.example/1", outcome="registered", attempts=2))
    rows = history.sent_from("http://blog.example/p")
    assert [(r.target_url, r.outcome, r.attempts) for r in rows] == [
        ("http://a.example/1", "registered", 2),
        ("http://b.example/2", "accepted", 1),
    ]


def test_sent_from_gives_only_that_sources_rows(history: SendHistory) -> None:
    history.record(sent("http://a.example/1"))
    history.record(sent("http://a.example/1", source="http://blog.example/other"))
    assert len(history.sent_from("http://blog.example/p")) == 1
    assert history.sent_from("http://blog.example/nothing") == []


def test_due_gives_deferred_rows_whose_time_has_come_oldest_first(history: SendHistory) -> None:
    history.record(
        sent("http://a.example/late", outcome="deferred", retry_at=NOW + timedelta(hours=1))
    )
    history.record(
        sent("http://a.example/2nd", outcome="deferred", retry_at=NOW - timedelta(seconds=1))
    )
    history.record(
        sent("http://a.example/1st", outcome="deferred", retry_at=NOW - timedelta(hours=1))
    )
    history.record(sent("http://a.example/done", retry_at=NOW - timedelta(hours=2)))
    due = history.due(NOW)
    assert [row.target_url for row in due] == ["http://a.example/1st", "http://a.example/2nd"]


def test_a_time_in_another_zone_is_stored_as_the_same_instant(tmp_path: Path) -> None:
    history = SQLiteSendHistory(tmp_path / "h.sqlite3")
    paris = timezone(timedelta(hours=1))
    history.record(sent("http://a.example/1", last_tried=NOW.astimezone(paris)))
    [row] = history.sent_from("http://blog.example/p")
    assert row.last_tried == NOW and row.last_tried.tzinfo is not None


def test_many_threads_write_one_sqlite_file_without_losing_a_row(tmp_path: Path) -> None:
    history = SQLiteSendHistory(tmp_path / "h.sqlite3")

    def write(n: int) -> None:
        for i in range(10):
            history.record(sent(f"http://t{n}.example/{i}"))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(history.sent_from("http://blog.example/p")) == 80


def test_another_process_sees_what_this_one_recorded(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    SQLiteSendHistory(path).record(sent("http://a.example/1"))
    code = (
        "import sys; from pingcore import SQLiteSendHistory; "
        "rows = SQLiteSendHistory(sys.argv[1]).sent_from('http://blog.example/p'); "
        "print(rows[0].target_url, rows[0].outcome)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=30
    )
    assert done.stdout.strip() == "http://a.example/1 accepted", done.stderr
