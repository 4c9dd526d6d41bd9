"""The load's processes: each app under gunicorn, its RQ queue workers, and a redis-server.

Every process is started here on a free loopback port and stopped at the end
of the ``with`` block that started it; ``peak_rss`` reads each one's VmHWM.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.load.client import Site

ROOT = Path(__file__).resolve().parents[2]
FETCH_TIMEOUT = 2.0

APPS = {
    # app: (WSGI application, Pingback endpoint, Webmention endpoint, the RQ queue's name)
    "django": ("bench.load.django_wsgi:application", "/pingback/", "/webmention/", "default"),
    "flask": ("bench.load.flask_site:app", "/pingback", "/webmention", "pingcore-load"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def vm_hwm(pid: int) -> int:
    """The peak resident memory of ``pid``, in KiB (0 once it is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def stop(process: subprocess.Popen[Any], timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# -- Redis --------------------------------------------------------------------------------


class RedisServer:
    """One redis-server with no persistence on a free loopback port (as tests/redis_server.py)."""

    def __init__(self, directory: Path, binary: str) -> None:
        self.directory = directory
        self.port = free_port()
        command = [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(directory)]
        self.process = subprocess.Popen(
            command, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while not self._answers_ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)
        self._next_db = 0

    @classmethod
    def start(cls, directory: Path) -> RedisServer | None:
        """The server, or None when no redis-server binary is installed."""
        binary = shutil.which("redis-server")
        return None if binary is None else cls(directory, binary)

    def new_database(self) -> str:
        """The URL of a database no run has used (of 16), so no run sees another's keys."""
        if self._next_db >= 16:
            raise RuntimeError("every Redis database is used")
        url = f"redis://127.0.0.1:{self.port}/{self._next_db}"
        self._next_db += 1
        return url

    def _answers_ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def close(self) -> None:
        stop(self.process, 10)


# -- the apps -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """How one app is run: workers, limits, where the counts live, whether a queue verifies.

    ``rate_limit``: None turns the limits off, ``{}`` keeps the core's defaults.
    ``rate_store``: "" (Django's local-memory cache, Flask's SQLiteStore file),
    "redis" (Django: a RedisCache alias; Flask: PINGBACK_RATE_LIMIT_STORE's URL),
    "database" (Django: the storage app's atomic table).
    ``queue``: Django verifies Webmentions on django-tasks-rq workers (answered
    202); Flask hands ``ping_links`` jobs to RQ (flask_pingback.queues).
    ``fetch_timeout``: each source fetch's deadline (2 s, which cuts the slow
    hostile sources short), the wait for the rate-limit store's lock included.
    """

    workers: int = 2
    threads: int = 50
    allow_private: bool = True
    rate_limit: dict[str, Any] | None = None
    rate_store: str = ""
    redis_url: str = ""
    queue: bool = False
    fetch_timeout: float = FETCH_TIMEOUT
    label: str = ""

    def environment(self, load_dir: Path) -> dict[str, str]:
        return {
            **os.environ,
            "PINGCORE_LOAD_DIR": str(load_dir),
            "PINGCORE_LOAD_WORKERS": str(self.workers),
            "PINGCORE_LOAD_THREADS": str(self.threads),
            "PINGCORE_LOAD_ALLOW_PRIVATE": "1" if self.allow_private else "0",
            "PINGCORE_LOAD_FETCH_TIMEOUT": str(self.fetch_timeout),
            "PINGCORE_LOAD_RATE_LIMIT": json.dumps(self.rate_limit),
            "PINGCORE_LOAD_RATE_STORE": self.rate_store,
            "PINGCORE_LOAD_REDIS_URL": self.redis_url,
            "PINGCORE_LOAD_QUEUE": "1" if self.queue else "0",
            "DJANGO_SETTINGS_MODULE": "bench.load.django_settings",
        }


@dataclass
class Served:
    """One app under gunicorn (and its queue workers, if any), up and answering."""

    app: str
    setup: Setup
    site: Site
    process: subprocess.Popen[bytes]
    load_dir: Path
    queue_workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.app} {self.setup.label}".strip()

    @property
    def netlog(self) -> Path:
        return self.load_dir / "connections.log"

    def connections(self) -> list[tuple[str, int]]:
        """Every connection a worker (web or queue) opened, as its guard logged it."""
        if not self.netlog.exists():
            return []
        words = self.netlog.read_text().split()
        return [(words[i + 1], int(words[i + 2])) for i in range(0, len(words), 3)]

    def peak_rss(self) -> dict[str, int]:
        """Peak resident memory (VmHWM, KiB) of the master, each web worker, each queue worker."""
        peaks = {"gunicorn master": vm_hwm(self.process.pid)}
        for n, pid in enumerate(children(self.process.pid), start=1):
            peaks[f"web worker {n}"] = vm_hwm(pid)
        for n, worker in enumerate(self.queue_workers, start=1):
            peaks[f"queue worker {n}"] = vm_hwm(worker.pid)
        return peaks


@contextmanager
def serve(app: str, load_dir: Path, setup: Setup, *, queue_workers: int = 0) -> Iterator[Served]:
    """The app under gunicorn with ``setup``, plus ``queue_workers`` RQ workers on its Redis."""
    port = free_port()
    env = setup.environment(load_dir) | {"PINGCORE_LOAD_BIND": f"127.0.0.1:{port}"}
    wsgi, pingback_path, webmention_path, _ = APPS[app]
    log = (load_dir / "gunicorn.log").open("ab")
    command = [sys.executable, "-m", "gunicorn", "-c", "python:bench.load.gunicorn_conf", wsgi]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    served = Served(app, setup, Site(port, pingback_path, webmention_path), process, load_dir)
    try:
        for _ in range(queue_workers):
            served.queue_workers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bench.load.queue_worker", app],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=log,
                )
            )
        _wait_until_up(served)
        served.netlog.unlink(missing_ok=True)  # the readiness checks are not the load's
        yield served
    finally:
        for worker in served.queue_workers:
            worker.terminate()
        stop(process)
        for worker in served.queue_workers:
            stop(worker)
        log.close()


def _wait_until_up(served: Served) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process in (served.process, *served.queue_workers):
            if process.poll() is not None:
                raise RuntimeError(f"a load process exited: see {served.load_dir / 'gunicorn.log'}")
        if _answers(served.site.port) and len(children(served.process.pid)) >= served.setup.workers:
            time.sleep(0.5)  # the last worker forked: give it a moment to import the app
            return
        time.sleep(0.2)
    raise RuntimeError(f"the app did not come up: see {served.load_dir / 'gunicorn.log'}")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"GET /posts/up/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return sock.recv(12).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def wait_for_queue(served: Served, timeout: float = 90) -> tuple[bool, dict[str, int]]:
    """Wait until the app's RQ queue is empty and no job is running; its counts at the end."""
    from redis import Redis
    from rq import Queue

    name = APPS[served.app][3]
    with Redis.from_url(served.setup.redis_url) as connection:
        queue = Queue(name, connection=connection)
        deadline = time.monotonic() + timeout
        while True:
            counts = {
                "queued": queue.count,
                "running": queue.started_job_registry.count,
                "finished": queue.finished_job_registry.count,
                "failed": queue.failed_job_registry.count,
            }
            if counts["queued"] == 0 and counts["running"] == 0:
                return True, counts
            if time.monotonic() > deadline:
                return False, counts
            time.sleep(0.2)


def prepare_django(template: Path) -> None:
    """Migrate a template database once; each run starts from a copy."""
    env = Setup().environment(template)
    args = ["migrate", "--noinput", "-v", "0"]
    subprocess.run([sys.executable, "-m", "django", *args], cwd=ROOT, env=env, check=True)


def run_dir(base: Path, name: str, template: Path) -> Path:
    directory = base / name
    directory.mkdir()
    shutil.copy(template / "django.sqlite3", directory / "django.sqlite3")
    return directory
