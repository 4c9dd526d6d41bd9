"""A blog on loopback that takes Webmentions: what the adapters' sending helpers ping.

Every page ``/posts/<name>`` advertises ``/webmention``; the endpoint records
each (source, target) it is sent and answers 202, or what a test lined up
first with ``answer_next`` (a 503 with ``Retry-After``, say). Worker processes
reach it over loopback like any other site.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs

from pingcore.loopback import StartResponse, serve

_REASONS = {202: "Accepted", 429: "Too Many Requests", 503: "Service Unavailable"}


class MentionReceiver:
    def __init__(self) -> None:
        self.root = ""
        self.received: list[tuple[str, str]] = []  # (source, target), in the order sent
        self._answers: list[tuple[int, list[tuple[str, str]]]] = []
        self._lock = threading.Lock()

    @contextmanager
    def running(self) -> Iterator[MentionReceiver]:
        with serve(self.app) as root:
            self.root = root
            yield self

    def post(self, name: str) -> str:
        return f"{self.root}/posts/{name}"

    def answer_next(self, status: int, headers: dict[str, str] | None = None) -> None:
        """The next Webmention is answered ``status`` (and is not recorded)."""
        with self._lock:
            self._answers.append((status, list((headers or {}).items())))

    def wait_for(self, count: int, timeout: float = 15.0) -> list[tuple[str, str]]:
        """The first ``count`` mentions received, waiting for a worker to send them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        raise AssertionError(f"{count} mentions expected, {len(self.received)} received")

    def app(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/webmention":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            form = parse_qs(body.decode("utf-8"))
            with self._lock:
                if self._answers:
                    status, headers = self._answers.pop(0)
                else:
                    status, headers = 202, []
                    self.received.append((form["source"][0], form["target"][0]))
            start_response(
                f"{status} {_REASONS[status]}", [("Content-Type", "text/plain")] + headers
            )
            return [b"Queued." if status == 202 else b"Try later."]
        link = f'<{self.root}/webmention>; rel="webmention"'
        start_response("200 OK", [("Content-Type", "text/html"), ("Link", link)])
        return [b"<title>A post that takes Webmentions</title>"]


def post_linking(*targets: str) -> str:
    """A post's HTML whose links are ``targets``."""
    links = "".join(f'<p>About <a href="{target}">this</a>.</p>' for target in targets)
    return f"<article>{links}</article>"
