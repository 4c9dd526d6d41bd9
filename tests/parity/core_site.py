"""The little blog on bare pingcore: a WSGI app around its Pingback server and Webmention receiver.

What the README's "Receiving, without a framework" asks of a site: its pages
(``pingcore.SitePages``: which view a path routes to, what a GET of it
answers) for the core's ``Site``, and hooks that store and delete mentions (in
the core's ``MemoryMentionStore``, keyed on the canonical pair).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

from pingcore import (
    FetchPolicy,
    HostPattern,
    MemoryMentionStore,
    PageMatch,
    PingbackServer,
    PingRequest,
    Probe,
    RateLimiter,
    ReceivedPing,
    Response,
    Site,
    SiteHosts,
    Target,
    WebmentionReceiver,
)

from .blog import FETCH_TIMEOUT, HOST, PINGBACK_PATH, POSTS, WEBMENTION_PATH, SiteConfig, post_page
from .site import LoopbackServer, Pair, Row

POLICY = FetchPolicy(allow_private_addresses=True, timeout=FETCH_TIMEOUT)
NO_LIMITS = RateLimiter(per_address=None, per_source_host=None, per_source_address=None)


class CoreBlog:
    """The site's own code: which URLs are its posts, and where mentions are kept."""

    def __init__(self, config: SiteConfig, port: int) -> None:
        self.config = config
        self.hosts = SiteHosts([HostPattern(HOST, port), HostPattern(HOST)])
        self.store = MemoryMentionStore()
        self.deletions: list[Pair] = []
        self._lock = threading.Lock()

    def match(self, url: str, path: str) -> PageMatch | None:
        if path in (PINGBACK_PATH, WEBMENTION_PATH):
            return PageMatch("endpoint", takes_pings=False)
        slug = path.removeprefix("/posts/").removesuffix("/")
        if path.startswith("/posts/") and "/" not in slug:
            return PageMatch("post", kwargs={"slug": slug})
        return None

    def probe(self, url: str, path: str) -> Probe:
        slug = path.removeprefix("/posts/")
        if path.startswith("/posts/") and slug in POSTS:
            return Probe(308, path + "/")  # the site's own slash redirect
        return Probe(200 if self.page(path) is not None else 404)

    @staticmethod
    def page(path: str) -> str | None:
        slug = path.removeprefix("/posts/").removesuffix("/")
        return post_page(slug) if path == f"/posts/{slug}/" and slug in POSTS else None

    def site(self) -> Site:
        return Site(self.hosts, self)

    def on_received(self, ping: ReceivedPing) -> None:
        """The application's hook: this blog keeps every verified ping (the store does)."""

    def on_deleted(self, source_url: str, target: Target) -> None:
        with self._lock:
            self.deletions.append((source_url, target.url))


def read_body(environ: dict[str, Any], limit: int) -> bytes:
    """The body, up to one byte past ``limit``: a chunked one (no Content-Length) too."""
    stream = environ["wsgi.input"]
    if environ.get("wsgi.input_terminated"):
        return bytes(stream.read(limit + 1))
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return bytes(stream.read(min(length, limit + 1)))


def request_host(environ: dict[str, Any]) -> str:
    host = str(environ.get("HTTP_HOST") or "")
    if not host.isprintable():
        return ""
    return urlsplit(f"//{host}").hostname or ""


class CoreSite:
    name = "core"

    def __init__(self, config: SiteConfig) -> None:
        self._verifying: list[threading.Thread] = []
        self._server = LoopbackServer(lambda port: self._build(config, port))
        self.port = self._server.port

    def _build(self, config: SiteConfig, port: int) -> Callable[..., list[bytes]]:
        blog = self.blog = CoreBlog(config, port)
        pingback = PingbackServer(
            blog.site(), blog.on_received, policy=POLICY, rate_limiter=NO_LIMITS, store=blog.store
        )
        webmention = WebmentionReceiver(
            blog.site(),
            blog.on_received,
            on_deleted=blog.on_deleted,
            policy=POLICY,
            rate_limiter=NO_LIMITS,
            store=blog.store,
            queue=self._verify_later if config.webmention_async else None,
        )
        self._webmention = webmention

        def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            if not config.any_host_header and request_host(environ) != HOST:
                answer = Response(400, {"Content-Type": "text/plain"}, b"Unknown host.\n")
            else:
                answer = route(environ)
            start_response(
                f"{answer.status} {HTTPStatus(answer.status).phrase}",
                list(answer.headers.items()),
            )
            return [answer.body]

        def route(environ: dict[str, Any]) -> Response:
            path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
            remote_addr = environ.get("REMOTE_ADDR")
            if path == PINGBACK_PATH:
                body = read_body(environ, pingback.max_body)
                return pingback.handle(
                    body, method=method, remote_addr=remote_addr, host=environ.get("HTTP_HOST")
                )
            if path == WEBMENTION_PATH:
                body = read_body(environ, webmention.max_body)
                return webmention.handle(
                    body,
                    method=method,
                    content_type=environ.get("CONTENT_TYPE"),
                    remote_addr=remote_addr,
                    host=environ.get("HTTP_HOST"),
                )
            page = blog.page(unquote(path))
            if page is not None:
                return Response(200, HTML, page.encode())
            return Response(404, HTML, b"<!doctype html><p>Not found</p>")

        return app

    def _verify_later(self, job: PingRequest) -> None:
        thread = threading.Thread(target=self._webmention.process, args=(job,), daemon=True)
        self._verifying.append(thread)
        thread.start()

    def stored(self) -> frozenset[Row]:
        return frozenset(
            Row(m.source_url, m.target_url, m.protocol, m.title) for m in self.blog.store.mentions()
        )

    def deletions(self) -> tuple[Pair, ...]:
        return tuple(self.blog.deletions)

    def reset(self) -> None:
        for mention in self.blog.store.mentions():
            self.blog.store.delete(mention.source_url, mention.target_url)
        self.blog.deletions.clear()

    def settle(self) -> None:
        while self._verifying:
            self._verifying.pop().join(timeout=2 * FETCH_TIMEOUT)

    def close(self) -> None:
        self._server.close()


HTML = {"Content-Type": "text/html; charset=utf-8"}


def start(config: SiteConfig) -> CoreSite:
    return CoreSite(config)
