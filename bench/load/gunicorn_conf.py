"""gunicorn settings for the load: a network guard in every worker (netguard.py).

Each worker logs every connection it opens to $PINGCORE_LOAD_DIR/connections.log
and refuses any destination off loopback and any DNS lookup but localhost.
"""

from __future__ import annotations

import os
from typing import Any

from bench.load import netguard

bind = os.environ.get("PINGCORE_LOAD_BIND", "127.0.0.1:0")
workers = int(os.environ.get("PINGCORE_LOAD_WORKERS", "2"))
threads = int(os.environ.get("PINGCORE_LOAD_THREADS", "50"))
worker_class = "gthread"
backlog = 2048
timeout = 60
graceful_timeout = 5
accesslog = None
loglevel = "warning"


def post_fork(server: Any, worker: Any) -> None:
    netguard.install(os.path.join(os.environ["PINGCORE_LOAD_DIR"], "connections.log"))
