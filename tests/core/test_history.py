"""The send history: rows keyed on (source, target), the same in memory and in SQLite."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from history_behaviour import SendHistoryBehaviour, sent

from pingcore import MemorySendHistory, SendHistory, SQLiteSendHistory


@pytest.fixture(params=["memory", "sqlite"])
def history(request: pytest.FixtureRequest, tmp_path: Path) -> SendHistory:
    if request.param == "memory":
        return MemorySendHistory()
    return SQLiteSendHistory(tmp_path / "history.sqlite3")


class TestCoreHistories(SendHistoryBehaviour):
    """The memory and SQLite histories, through the shared behaviour."""


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
