"""pingcore: Pingback and Webmention, client and server, safe by default.

This module only re-exports; each name is defined in the module of its job.
"""

from ._version import __version__
from .client import (
    aping,
    aping_deleted,
    aping_external_urls,
    aretry_deferred,
    ping,
    ping_deleted,
    ping_external_urls,
    retry_deferred,
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
from .history import MemorySendHistory, SendHistory, SentPing, SQLiteSendHistory
from .hosts import HostPattern, SiteHosts
from .links import external_links, external_urls
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
from .results import Outcome, PingResult
from .retry import RetryPolicy
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
from .storage import (
    MemoryMentionStore,
    MentionStore,
    SQLiteMentionStore,
    StoredMention,
    forget_ping,
    is_stored,
    store_ping,
)
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
    "MemoryMentionStore",
    "MemorySendHistory",
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
    "RetryPolicy",
    "SQLiteMentionStore",
    "SQLiteSendHistory",
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
    "aping_deleted",
    "aping_external_urls",
    "aretry_deferred",
    "discover_endpoint",
    "external_links",
    "external_urls",
    "find_endpoint",
    "forget_ping",
    "is_stored",
    "normalize_url",
    "parse_source",
    "ping",
    "ping_deleted",
    "ping_external_urls",
    "pingable",
    "read_mention",
    "read_settings",
    "retry_deferred",
    "setting_problems",
    "store_from_url",
    "store_ping",
]
