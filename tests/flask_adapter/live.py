"""A Flask app on a live Werkzeug server on loopback, for real HTTP clients."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Run ``app`` on 127.0.0.1 at a free port; yield its root URL; stop it after."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval makes shutdown quick.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="live-flask")
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
