"""The end-to-end demo behind ``make demo``: two tiny blogs on loopback ping each other.

Alice's blog receives pings (one post advertises Pingback, one Webmention);
Bob publishes a reply linking to both, and pingcore's client pings them.
Everything runs on 127.0.0.1 with the standard library's WSGI server.
"""

from __future__ import annotations

import html
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from .client import PingResult, ping_external_urls
from .fetch import FetchPolicy
from .links import external_urls
from .server import PingbackServer, ReceivedPing, Target
from .webmention import WebmentionReceiver

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# Local servers on loopback: the only place the demo is allowed to reach.
LOCAL = FetchPolicy(allow_private_addresses=True, timeout=5.0)

ALICE_POSTS = {
    "/posts/slow-web/": ("The slow web", "pingback"),
    "/posts/owning-your-words/": ("Owning your words", "webmention"),
}

BOB_POST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Replies to Alice | Bob's notes</title></head>
<body>
<article class="h-entry">
  <h1 class="p-name">Replies to Alice</h1>
  <p class="byline">By <a class="p-author h-card" href="{bob}/">Bob Example</a></p>
  <div class="e-content">
    <p>I have been reading a lot this week. Alice argues in
    <a href="{alice}/posts/slow-web/">her essay on the slow web</a> that a page should load
    before the reader's coffee cools, and I could not agree more.</p>
    <p>She also makes the case for <a href="{alice}/posts/owning-your-words/">owning your
    words</a> on your own domain, which is why this reply lives here and not on a silo.</p>
  </div>
</article>
</body></html>
"""


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # socketserver's default backlog of 5 drops connections when many pings
    # arrive at once; a dropped SYN is retried only after a second.
    request_queue_size = 128


@contextmanager
def serve(app: WSGIApp) -> Iterator[str]:
    """Run a WSGI app on a free loopback port; yield its root URL."""
    server = make_server(
        "127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class AliceBlog:
    """A blog that receives pings: two posts, an XML-RPC endpoint, a Webmention endpoint."""

    def __init__(self) -> None:
        self.root = ""
        self.received: list[ReceivedPing] = []
        self.pingback = PingbackServer(self.resolve, self.received.append, policy=LOCAL)
        self.webmention = WebmentionReceiver(self.resolve, self.received.append, policy=LOCAL)

    def resolve(self, target_url: str) -> Target | None:
        path = target_url.removeprefix(self.root)
        if path in ALICE_POSTS:
            return Target(target_url, view="post", args=(path.split("/")[2],))
        return None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        path, method = environ["PATH_INFO"], environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(min(length, 1_000_000))
        remote = environ.get("REMOTE_ADDR")
        if path == "/xmlrpc/":
            answer = self.pingback.handle(body, method=method, remote_addr=remote)
        elif path == "/webmention/":
            answer = self.webmention.handle(
                body, method=method, content_type=environ.get("CONTENT_TYPE"), remote_addr=remote
            )
        elif path in ALICE_POSTS:
            title, protocol = ALICE_POSTS[path]
            return self.page(start_response, title, protocol)
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Not found\n"]
        start_response(f"{answer.status} X", list(answer.headers.items()))
        return [answer.body]

    def page(self, start_response: StartResponse, title: str, protocol: str) -> list[bytes]:
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if protocol == "pingback":
            headers.append(("X-Pingback", f"{self.root}/xmlrpc/"))
        else:
            headers.append(("Link", f'<{self.root}/webmention/>; rel="webmention"'))
        start_response("200 OK", headers)
        body = f"<!DOCTYPE html><title>{html.escape(title)}</title><h1>{html.escape(title)}</h1>"
        return [body.encode("utf-8")]


def bob_blog(alice_root: str) -> WSGIApp:
    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        bob = f"http://{environ['HTTP_HOST']}"
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [BOB_POST.format(alice=alice_root, bob=bob).encode("utf-8")]

    return app


def run(out: Callable[[str], object] = print) -> int:
    """Run the demo; 0 when Alice received both pings."""
    alice = AliceBlog()
    with serve(alice) as alice_root:
        alice.root = alice_root
        with serve(bob_blog(alice_root)) as bob_root:
            post_url = f"{bob_root}/2026/replies-to-alice/"
            post_html = BOB_POST.format(alice=alice_root, bob=bob_root)
            out(f"Alice's blog: {alice_root}/   Bob's blog: {bob_root}/")
            out(f"\nBob publishes {post_url}; its external links:")
            for url in external_urls(post_html, bob_root, base_url=post_url):
                out(f"  {url}")

            def progress(done: int, total: int, result: PingResult) -> None:
                out(
                    f"  [{done}/{total}] {result.target_url}: {result.outcome.value} "
                    f"over {result.protocol} ({result.message})"
                )

            out("\nPinging them:")
            results = ping_external_urls(
                post_url, post_html, bob_root, policy=LOCAL, progress=progress
            )
    out("\nWhat Alice's blog received:")
    for ping in alice.received:
        out(f"  {ping.protocol} from {ping.source_url}")
        out(f"    to      {ping.target_url} (view {ping.view!r}, args {ping.args})")
        out(f"    title   {ping.title}")
        out(f"    author  {ping.author}")
        out(f"    excerpt {ping.excerpt}")
    ok = all(r.ok for r in results) and len(alice.received) == len(ALICE_POSTS)
    out("\nDemo " + ("succeeded." if ok else "FAILED."))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run())
