"""A WSGI app on a free loopback port, for the demo and the benchmarks.

The standard library's server with a thread per request, so that an endpoint
can fetch a source page from the same server while it answers a ping.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

__all__ = ["StartResponse", "WSGIApp", "serve"]

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

# How often serve_forever looks for a shutdown request: stopping takes at most this long.
POLL_INTERVAL = 0.05


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
    """Run a WSGI app on 127.0.0.1 at a free port; yield its root URL (no trailing slash)."""
    server = make_server(
        "127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )
    thread = threading.Thread(
        target=server.serve_forever, args=(POLL_INTERVAL,), name="pingcore-loopback", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
