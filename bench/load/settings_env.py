"""The load sites' settings, read from PINGCORE_LOAD_* variables that bench.load sets.

PINGCORE_LOAD_DIR            where the SQLite files and the network log live
PINGCORE_LOAD_ALLOW_PRIVATE  "1" lets sources on loopback be fetched
PINGCORE_LOAD_FETCH_TIMEOUT  seconds for each source fetch
PINGCORE_LOAD_RATE_LIMIT     JSON: null (no limits) or a dict of the core's limits
PINGCORE_LOAD_RATE_STORE     where the counts live: "" (the app's default), "redis", "database"
PINGCORE_LOAD_REDIS_URL      the run's Redis database, for the counts and the queue
PINGCORE_LOAD_QUEUE          "1": Django verifies Webmentions on RQ, Flask sends on RQ
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

LOAD_DIR = Path(os.environ.get("PINGCORE_LOAD_DIR", "."))
ALLOW_PRIVATE = os.environ.get("PINGCORE_LOAD_ALLOW_PRIVATE") == "1"
FETCH_TIMEOUT = float(os.environ.get("PINGCORE_LOAD_FETCH_TIMEOUT", "10"))
RATE_LIMIT: dict[str, Any] | None = json.loads(os.environ.get("PINGCORE_LOAD_RATE_LIMIT", "{}"))
RATE_STORE = os.environ.get("PINGCORE_LOAD_RATE_STORE", "")
REDIS_URL = os.environ.get("PINGCORE_LOAD_REDIS_URL", "")
QUEUE = os.environ.get("PINGCORE_LOAD_QUEUE") == "1"
