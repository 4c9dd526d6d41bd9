"""DatabaseStore: rate-limit counters in the storage app's table, exact across real processes."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

import pytest

from django_pingback.storage.models import RateLimitCounter
from django_pingback.storage.ratelimit import DatabaseStore
from pingcore.errors import RateLimited
from pingcore.ratelimit import RateLimiter

# A process of a site: Django on one SQLite file shared with the others.
WORKER = textwrap.dedent(
    """
    import json, os, sys, time
    import django
    from django.conf import settings

    database, command, key, seconds = sys.argv[1:5]
    settings.configure(
        INSTALLED_APPS=["django_pingback", "django_pingback.storage"],
        DATABASES={"default": {
            "ENGINE": "django.db.backends.sqlite3", "NAME": database,
            "OPTIONS": {"timeout": 30},
        }},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
    )
    django.setup()
    if command == "migrate":
        from django.core.management import call_command
        call_command("migrate", "pingback_storage", verbosity=0)
        sys.exit(0)
    from django_pingback.storage.ratelimit import DatabaseStore
    store = DatabaseStore()
    # Every process counts during the same stretch of time, so their hits interleave.
    open(f"{database}.ready.{os.getpid()}", "w").close()
    while not os.path.exists(f"{database}.go"):
        time.sleep(0.005)
    counts, stop_at = [], time.time() + float(seconds)
    while time.time() < stop_at:
        counts.append(store.hit(key, 3600))
        # A breath between hits, as between requests: SQLite's busy wait backs
        # off, and a tight loop would keep the lock from the other processes.
        time.sleep(0.001)
    print(json.dumps(counts))
    """
)


def start_process(database: Path, command: str, seconds: float = 0.0) -> subprocess.Popen[str]:
    argv = [sys.executable, "-c", WORKER, str(database), command, "victim", str(seconds)]
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the storage app's tables, migrated once for the module's tests."""
    database = tmp_path_factory.mktemp("migrated") / "site.sqlite3"
    migrate = start_process(database, "migrate")
    _, errors = migrate.communicate(timeout=120)
    assert migrate.returncode == 0, errors
    return database


def run_workers(database: Path, processes: int, seconds: float) -> list[list[int]]:
    """Start the processes, let them all count for ``seconds``; their counts, by process."""
    workers = [start_process(database, "hit", seconds) for _ in range(processes)]
    deadline = time.monotonic() + 120
    while len(list(database.parent.glob(f"{database.name}.ready.*"))) < processes:
        assert time.monotonic() < deadline, "the worker processes did not start"
        for worker in workers:
            assert worker.poll() is None, worker.communicate()[1]
        time.sleep(0.01)
    Path(f"{database}.go").touch()
    counts = []
    for worker in workers:
        out, errors = worker.communicate(timeout=120)
        assert worker.returncode == 0, errors
        counts.append(json.loads(out))
    return counts


@pytest.mark.parametrize("processes", [2, 4])
def test_processes_hitting_one_key_together_count_every_hit_exactly_once(
    migrated_database: Path, tmp_path: Path, processes: int
) -> None:
    database = tmp_path / "site.sqlite3"
    shutil.copyfile(migrated_database, database)

    counts = run_workers(database, processes, seconds=1.5)

    total = sum(len(worker) for worker in counts)
    with closing(sqlite3.connect(database)) as db:
        (stored,) = db.execute(
            "SELECT count FROM pingback_storage_ratelimitcounter WHERE key = 'victim'"
        ).fetchone()
    assert stored == total
    # Each count from 1 to the total was answered to exactly one hit: none lost, none doubled.
    assert sorted(count for worker in counts for count in worker) == list(range(1, total + 1))
    assert all(worker == sorted(worker) for worker in counts)
    # The processes really ran at once: some took turns with another mid-run.
    assert any(b != a + 1 for w in counts for a, b in zip(w, w[1:], strict=False))


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=[True, False], ids=["one statement", "locked row"])
def store(request: pytest.FixtureRequest, db: None) -> DatabaseStore:
    """Both ways of counting: the upsert statement and the select_for_update fallback."""
    return DatabaseStore(clock=Clock(), one_statement=request.param)


def test_hits_on_one_key_count_up_and_other_keys_count_apart(store: DatabaseStore) -> None:
    counts = [store.hit("a", 60), store.hit("a", 60), store.hit("b", 60), store.hit("a", 60)]

    assert counts == [1, 2, 1, 3]
    assert RateLimitCounter.objects.get(key="a").count == 3


def test_a_new_window_starts_the_count_again(store: DatabaseStore) -> None:
    store.hit("a", 60)
    store.hit("a", 60)

    store._clock.now += 60  # type: ignore[attr-defined]

    assert store.hit("a", 60) == 1
    assert store.hit("a", 60) == 2


def test_a_key_longer_than_its_column_is_counted_under_its_digest(store: DatabaseStore) -> None:
    long_key = "pingcore:host:" + "h" * 400

    assert [store.hit(long_key, 60), store.hit(long_key, 60)] == [1, 2]
    assert store.hit(long_key[:-1] + "x", 60) == 1
    assert all(len(key) <= 255 for key in RateLimitCounter.objects.values_list("key", flat=True))


def test_expired_counters_are_pruned_and_live_ones_kept(store: DatabaseStore) -> None:
    store.hit("old", 60)
    store._clock.now += 61  # type: ignore[attr-defined]
    store.hit("new", 60)

    assert store.prune(60) == 1
    assert list(RateLimitCounter.objects.values_list("key", flat=True)) == ["new"]


def test_the_rate_limiter_refuses_the_hit_past_its_limit_on_the_database_store(
    store: DatabaseStore,
) -> None:
    limiter = RateLimiter(store=store, per_address=None, per_source_host=2)
    limiter.check("http://victim.example/1", None)
    limiter.check("http://victim.example/2", None)

    with pytest.raises(RateLimited):
        limiter.check("http://victim.example/3", None)
