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
from .history import SendHistory, SentPing
from .hosts import HostPattern, SiteHosts
from .links import external_urls
from .mention import Mention, read_mention
from .ratelimit import (
    MemoryStore,
    RateLimiter,
    RateLimitStore,
    RateLimitUnavailable,
    RedisStore,
    SQLiteStore,
    store_from_url,
)
from .server import (
    AsyncPingbackServer,
    IncomingRequest,
    PingbackServer,
    PingRequest,
    ReceivedPing,
    Response,
    Target,
)
from .settings import (
    MISSING,
    PingbackSettings,
    SettingError,
    read_settings,
    setting_problems,
)
from .site import PageMatch, Probe, Site, SitePages, pingable
from .source import SourceInfo, parse_source
from .storage import MentionStore, StoredMention
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
    "HostPattern",
    "IncomingRequest",
    "MISSING",
    "MemoryStore",
    "Mention",
    "MentionStore",
    "NoEndpoint",
    "Outcome",
    "PageMatch",
    "PingRequest",
    "PingResult",
    "PingbackError",
    "PingbackServer",
    "PingbackSettings",
    "Probe",
    "RateLimitStore",
    "RateLimitUnavailable",
    "RateLimited",
    "RateLimiter",
    "ReceivedPing",
    "RedisStore",
    "Response",
    "ResponseTooLarge",
    "SQLiteStore",
    "SendHistory",
    "SentPing",
    "SettingError",
    "Site",
    "SiteHosts",
    "SitePages",
    "SourceHasNoLink",
    "SourceInfo",
    "SourceNotFound",
    "StoredMention",
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
    "pingable",
    "read_mention",
    "read_settings",
    "setting_problems",
    "store_from_url",
]
