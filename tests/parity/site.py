"""What the suite needs of a running site, and the one WSGI server every site runs on.

All three sites (and the source server) run on Werkzeug's server, so that any
difference between their answers comes from the sites, not from their servers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

WSGIApp = Callable[..., Any]
# How often serve_forever looks for a shutdown request: stopping takes at most this long.
POLL_INTERVAL = 0.02


@dataclass(frozen=True, order=True)
class Row:
    """One stored mention, as the suite compares it across sites."""

    source: str
    target: str
    protocol: str
    title: str


Pair = tuple[str, str]


class Site(Protocol):
    """A running receiver of the little blog."""

    name: str
    port: int

    def stored(self) -> frozenset[Row]:
        """Every mention its storage holds now."""
        ...

    def deletions(self) -> tuple[Pair, ...]:
        """(source, target) of every deletion its ``deleted`` hook was told of, oldest first."""
        ...

    def reset(self) -> None:
        """Forget every stored mention and deletion: a fresh site for the next case."""
        ...

    def settle(self) -> None:
        """Wait until no mention is being verified in the background."""
        ...

    def close(self) -> None: ...


class QuietRequestHandler(WSGIRequestHandler):
    """No access log: a failing case's report shows its own lines, not every request."""

    def log(self, type: str, message: str, *args: Any) -> None:
        pass


class LoopbackServer:
    """A WSGI app on 127.0.0.1 at a free port, in a thread; the port is known before the app."""

    def __init__(self, build: Callable[[int], WSGIApp], *, threaded: bool = False) -> None:
        self._server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, _not_ready, threaded=threaded, request_handler=QuietRequestHandler
        )
        self.port: int = self._server.server_port
        self._server.app = build(self.port)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            args=(POLL_INTERVAL,),
            name=f"parity-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def _not_ready(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting\n"]
