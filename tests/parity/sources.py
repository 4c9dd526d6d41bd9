"""The source pages pings name, on one loopback server for every case, counting fetches.

Each case says which pages exist at which paths (status, title, the link they
hold); the server answers any other path 404, and counts every fetch per path so
that a case can say whether a receiver fetched the source at all.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from .site import LoopbackServer

AUTHOR = "Ann Author"


@dataclass(frozen=True)
class Page:
    """A source page: ``links_to`` is the href of its one link (None: it links nowhere of ours)."""

    links_to: str | None = None
    title: str = "A post"
    status: int = 200

    def html(self, fill: Callable[[str], str]) -> bytes:
        link = (
            f'<a href="{escape(fill(self.links_to))}">this post</a>'
            if self.links_to is not None
            else '<a href="http://elsewhere.example/">another post</a>'
        )
        return (
            f"<!doctype html><html><head><title>{escape(self.title)}</title>"
            f'<meta name="author" content="{AUTHOR}"></head><body><article>'
            f"<p>I enjoyed {link} a lot.</p></article></body></html>"
        ).encode()


class SourceServer:
    """Serves the current case's pages at http://127.0.0.1:<port>/<path>."""

    def __init__(self) -> None:
        self._pages: dict[str, tuple[int, bytes]] = {}
        self._fetches: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = LoopbackServer(lambda port: self._app, threaded=True)
        self.base_url = f"http://127.0.0.1:{self._server.port}"

    def serve(self, pages: Mapping[str, Page], fill: Callable[[str], str]) -> None:
        """Serve exactly these pages from now on (a path → its page)."""
        rendered = {path: (page.status, page.html(fill)) for path, page in pages.items()}
        with self._lock:
            self._pages = rendered

    def fetches(self, path: str | None = None) -> int:
        """How many requests the server has answered for ``path`` (any path: None) so far."""
        with self._lock:
            return sum(self._fetches.values()) if path is None else self._fetches[path]

    def close(self) -> None:
        self._server.close()

    def _app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        with self._lock:
            self._fetches[path] += 1
            status, body = self._pages.get(path, (404, b"<!doctype html><p>Not found</p>"))
        reason = {200: "OK", 404: "Not Found", 410: "Gone"}.get(status, "Status")
        start_response(
            f"{status} {reason}",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]
