"""Receivers that behave like the servers pingcore sends to, on loopback.

``WordPressLike`` is a stock WordPress's Pingback endpoint as far as a sender can
tell: it looks for the target URI in the source byte for byte (fault 17
otherwise), knows its posts by their decoded paths (fault 32 otherwise),
answers fault 48 for a repeat, and takes one pingback per ``flood_window``
seconds (fault 429 "You are posting comments too quickly" otherwise).
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlsplit

from pingcore import xmlrpc
from pingcore.loopback import StartResponse, serve

FLOOD_MESSAGE = "You are posting comments too quickly. Slow down."


class WordPressLike:
    def __init__(self, posts: Iterable[str], *, flood_window: float = 0.0) -> None:
        self.posts = {unquote(path) for path in posts}  # decoded paths, as WordPress routes
        self.flood_window = flood_window
        self.root = ""
        self.registered: list[tuple[str, str]] = []  # (source, target) exactly as received
        self.faults: list[int] = []
        self.endpoint: str | None = None  # the X-Pingback URL; the server's own by default
        self._last_accepted: float | None = None
        self._lock = threading.Lock()

    @contextmanager
    def running(self) -> Iterator[WordPressLike]:
        with serve(self.app) as root:
            self.root = root
            yield self

    def url(self, path: str) -> str:
        return self.root + path

    def app(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/xmlrpc.php":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            start_response("200 OK", [("Content-Type", "text/xml")])
            return [self.pingback(body)]
        endpoint = self.endpoint or self.url("/xmlrpc.php")
        start_response("200 OK", [("Content-Type", "text/html"), ("X-Pingback", endpoint)])
        return [b"<title>A WordPress post</title>"]

    def pingback(self, body: bytes) -> bytes:
        source, target = xmlrpc.parse_call(body).params
        with self._lock:
            code = self._fault(source, target)
            if code is None:
                self.registered.append((source, target))
                self._last_accepted = time.monotonic()
                return xmlrpc.dump_response("Pingback registered.")
            self.faults.append(code)
        messages = {
            17: "",
            32: "",
            48: "The pingback has already been registered.",
            429: FLOOD_MESSAGE,
        }
        # Stock WordPress collapses 17 and 32 to an empty fault 0 for the outside world;
        # this one keeps the codes so tests can tell them apart.
        return xmlrpc.dump_fault(code, messages[code])

    def _fault(self, source: str, target: str) -> int | None:
        if unquote(urlsplit(target).path or "/") not in self.posts:
            return 32
        with urllib.request.urlopen(source, timeout=5) as answer:  # noqa: S310 (loopback)
            page = answer.read().decode("utf-8")
        if target not in page:  # WordPress: strpos($para, $pagelinkedto)
            return 17
        if (source, target) in self.registered:
            return 48
        last = self._last_accepted
        if last is not None and time.monotonic() - last < self.flood_window:
            return 429
        return None


class SourcePages:
    """Source pages on loopback whose HTML (or status) a test changes between rounds."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, str]] = {}
        self.root = ""

    @contextmanager
    def running(self) -> Iterator[SourcePages]:
        with serve(self.app) as root:
            self.root = root
            yield self

    def publish(self, path: str, html: str, status: int = 200) -> str:
        self.pages[path] = (status, html)
        return self.root + path

    def app(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        status, html = self.pages.get(environ["PATH_INFO"], (404, "not here"))
        reason = {200: "OK", 404: "Not Found", 410: "Gone"}[status]
        start_response(f"{status} {reason}", [("Content-Type", "text/html; charset=utf-8")])
        return [html.encode("utf-8")]
