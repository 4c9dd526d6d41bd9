"""pingcore: Pingback and Webmention, client and server, safe by default.

This module only re-exports; each name is defined in the module of its job.
"""

from ._version import __version__
from .client import (
    Outcome,
    PingResult,
    aping,
    aping_external_urls,
    ping,
    ping_external_urls,
)
from .discovery import Endpoint, adiscover_endpoint, discover_endpoint, find_endpoint
from .errors import (
    AccessDenied,
    BadStatus,
    BlockedAddress,
    BlockedURL,
    ConnectionFailed,
    DuplicatePing,
    FetchError,
    FetchTimeout,
    NoEndpoint,
    PingbackError,
    RateLimited,
    ResponseTooLarge,
    SourceHasNoLink,
    SourceNotFound,
    TargetNotFound,
    TooManyRedirects,
    UnpingableTarget,
    UpstreamError,
)
from .fetch import AsyncFetcher, Fetcher, FetchPolicy, FetchResponse
from .links import external_urls
from .mention import Mention, read_mention
from .ratelimit import MemoryStore, RateLimiter, RateLimitStore
from .server import (
    AsyncPingbackServer,
    PingbackServer,
    PingRequest,
    ReceivedPing,
    Response,
    Target,
)
from .source import SourceInfo, parse_source
from .urls import normalize_url
from .webmention import AsyncWebmentionReceiver, WebmentionReceiver

__all__ = [
    "AccessDenied",
    "AsyncFetcher",
    "AsyncPingbackServer",
    "AsyncWebmentionReceiver",
    "BadStatus",
    "BlockedAddress",
    "BlockedURL",
    "ConnectionFailed",
    "DuplicatePing",
    "Endpoint",
    "FetchError",
    "FetchPolicy",
    "FetchResponse",
    "FetchTimeout",
    "Fetcher",
    "MemoryStore",
    "Mention",
    "NoEndpoint",
    "Outcome",
    "PingRequest",
    "PingResult",
    "PingbackError",
    "PingbackServer",
    "RateLimitStore",
    "RateLimited",
    "RateLimiter",
    "ReceivedPing",
    "Response",
    "ResponseTooLarge",
    "SourceHasNoLink",
    "SourceInfo",
    "SourceNotFound",
    "Target",
    "TargetNotFound",
    "TooManyRedirects",
    "UnpingableTarget",
    "UpstreamError",
    "WebmentionReceiver",
    "__version__",
    "adiscover_endpoint",
    "aping",
    "aping_external_urls",
    "discover_endpoint",
    "external_urls",
    "find_endpoint",
    "normalize_url",
    "parse_source",
    "ping",
    "ping_external_urls",
    "read_mention",
]
