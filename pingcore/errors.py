"""The exceptions pingcore raises, one class per Pingback fault code.

Each class carries its fault code, so raising the right class is all a
receiver has to do; the server turns it into the XML-RPC fault.

    PingbackError (0)                  any Pingback failure; generic fault
    ├── SourceNotFound (16)            the source could not be fetched
    ├── SourceHasNoLink (17)           the source does not link to the target
    ├── TargetNotFound (32)            the target is not a page of this site
    ├── UnpingableTarget (33)          the target exists but takes no pings
    ├── DuplicatePing (48)             this ping was registered already
    ├── AccessDenied (49)              the receiver refuses the pinger
    ├── UpstreamError (50)             the receiver's own upstream failed
    └── RateLimited (50)               too many pings; try again later

    FetchError                         an outbound request went wrong
    ├── BlockedURL                     refused before connecting (scheme, port,
    │   └── BlockedAddress             credentials, length; or a non-public
    │                                  address)
    ├── FetchTimeout                   the deadline passed
    ├── ResponseTooLarge               more bytes than the policy allows
    ├── TooManyRedirects               the redirect chain was too long
    ├── BadStatus                      the server answered with an error status
    └── ConnectionFailed               no connection, TLS or protocol failure

    NoEndpoint                         the target advertises no endpoint
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "BadStatus",
    "BlockedAddress",
    "BlockedURL",
    "ConnectionFailed",
    "DuplicatePing",
    "FetchError",
    "FetchTimeout",
    "NoEndpoint",
    "PingbackError",
    "RateLimited",
    "ResponseTooLarge",
    "SourceHasNoLink",
    "SourceNotFound",
    "TargetNotFound",
    "TooManyRedirects",
    "UnpingableTarget",
    "UpstreamError",
]


class PingbackError(Exception):
    """A Pingback failure with its fault code (0: generic)."""

    fault_code: int = 0
    # What a Webmention receiver answers for the same failure.
    http_status: int = 400
    default_message: str = "The ping could not be registered."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class SourceNotFound(PingbackError):
    fault_code = 16
    default_message = "The source URL does not exist or could not be fetched."


class SourceHasNoLink(PingbackError):
    fault_code = 17
    default_message = "The source URL does not contain a link to the target URL."


class TargetNotFound(PingbackError):
    fault_code = 32
    default_message = "The target URL does not exist on this site."


class UnpingableTarget(PingbackError):
    fault_code = 33
    default_message = "The target URL cannot be used as a target."


class DuplicatePing(PingbackError):
    fault_code = 48
    http_status = 200
    default_message = "The pingback has already been registered."


class AccessDenied(PingbackError):
    fault_code = 49
    http_status = 403
    default_message = "Access denied."


class UpstreamError(PingbackError):
    fault_code = 50
    http_status = 502
    default_message = "The server could not reach an upstream server."


class RateLimited(UpstreamError):
    http_status = 429
    # The Pingback spec has no code for "slow down"; 50 is what WordPress and
    # others send for a temporary refusal, so clients will retry later.
    default_message = "Too many pings; try again later."


class FetchError(Exception):
    """An outbound request failed; the message says why, for a person."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class BlockedURL(FetchError):
    """Refused before any connection: scheme, port, credentials or length."""


class BlockedAddress(BlockedURL):
    """The host resolves to an address that is not on the public internet."""


class FetchTimeout(FetchError):
    """The overall deadline passed (DNS, connect, headers and body together)."""


class ResponseTooLarge(FetchError):
    """The response (after decompression) is larger than the policy allows."""


class TooManyRedirects(FetchError):
    """The redirect chain is longer than the policy allows, or loops."""


class BadStatus(FetchError):
    """The server answered with an error status."""

    def __init__(self, message: str, *, url: str | None = None, status_code: int) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code


class ConnectionFailed(FetchError):
    """The connection could not be made or broke (refused, reset, TLS, protocol)."""


class NoEndpoint(Exception):
    """The target page advertises neither a Webmention nor a Pingback endpoint."""

    def __init__(self, target_url: str) -> None:
        super().__init__(f"{target_url} advertises no Webmention or Pingback endpoint.")
        self.target_url = target_url
