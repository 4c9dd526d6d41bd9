"""The one HTTP door: every request pingcore sends (discovery, sources, pings) goes here.

It refuses what could be a server-side request forgery before connecting,
pins each connection to the address it checked, caps size and redirects, and
holds every request to one deadline. ``Fetcher`` and ``AsyncFetcher`` are twins
that share every step which does no I/O.

This module only re-exports; each job has its own private module:

    _policy     FetchPolicy, and the refusals decided before connecting
    _redirects  the route of a request, hop by hop
    _bodies     bounded decompression, the size cap, the early stop
    _response   FetchResponse
    _failures   network errors turned into FetchErrors
    _network    resolving, checking and pinning each connection; the deadline
    _transport  httpx on an httpcore pool that uses the pinned connections
    _fetchers   Fetcher and AsyncFetcher
"""

from ._bodies import StopWhen
from ._fetchers import AsyncFetcher, Fetcher
from ._network import system_resolver
from ._policy import FetchPolicy, Resolver
from ._response import FetchResponse

__all__ = [
    "AsyncFetcher",
    "FetchPolicy",
    "FetchResponse",
    "Fetcher",
    "Resolver",
    "StopWhen",
    "system_resolver",
]
