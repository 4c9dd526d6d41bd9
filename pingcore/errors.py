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

A Webmention receiver answers the same classes with HTTP statuses instead
(``pingcore.webmention``): 400 for 16, 17, 32 and 33, 403 for 49, 429 for a
rate limit, 502 for 50, and 200 for a repeat (48), which is an update.

A refusal of the fetcher names what would lift it: ``BlockedURL.setting`` is
the ``FetchPolicy`` field, and ``setting_hint`` phrases it in the words of
whoever reads the message (plain Python, a Django or Flask setting, a flag of
the ``pingcore`` command).
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = [
    "AccessDenied",
    "BadStatus",
    "BlockedAddress",
    "BlockedURL",
    "ConnectionFailed",
    "DuplicatePing",
    "FetchError",
    "FetchTimeout",
    "HintVocabulary",
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
    "reword_hint",
    "setting_hint",
]


class PingbackError(Exception):
    """A Pingback failure with its fault code: the base class, and fault 0 (generic) itself.

    A receiver raises a subclass from its hooks and the server answers the
    matching XML-RPC fault; a Webmention receiver answers an HTTP status. The
    client raises the subclass matching the fault an endpoint answered.
    """

    fault_code: int = 0
    # What a Webmention receiver answers for the same failure.
    http_status: int = 400
    default_message: str = "The ping could not be registered."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        """The words sent with the fault (``default_message`` when none were given)."""
        return str(self.args[0])


class SourceNotFound(PingbackError):
    """Fault 16 (Webmention: HTTP 400): the source page could not be fetched."""

    fault_code = 16
    default_message = "The source URL does not exist or could not be fetched."


class SourceHasNoLink(PingbackError):
    """Fault 17 (Webmention: HTTP 400): the source page does not link to the target."""

    fault_code = 17
    default_message = "The source URL does not contain a link to the target URL."


class TargetNotFound(PingbackError):
    """Fault 32 (Webmention: HTTP 400): the target is not a page of this site.

    Raise it from ``resolve_target`` for a URL the site does not have.
    """

    fault_code = 32
    default_message = "The target URL does not exist on this site."


class UnpingableTarget(PingbackError):
    """Fault 33 (Webmention: HTTP 400): the target exists but takes no pings.

    Raise it from ``resolve_target`` for a page that is not open to pings.
    """

    fault_code = 33
    default_message = "The target URL cannot be used as a target."


class DuplicatePing(PingbackError):
    """Fault 48: this source already pinged this target.

    A Webmention receiver answers a repeat with HTTP 200, as an update (the
    Webmention recommendation). Not a failure for the client: its outcome is
    "already registered".
    """

    fault_code = 48
    http_status = 200
    default_message = "The pingback has already been registered."


class AccessDenied(PingbackError):
    """Fault 49 (Webmention: HTTP 403): the receiver refuses this pinger."""

    fault_code = 49
    http_status = 403
    default_message = "Access denied."


class UpstreamError(PingbackError):
    """Fault 50 (Webmention: HTTP 502): the receiver's own upstream server failed."""

    fault_code = 50
    http_status = 502
    default_message = "The server could not reach an upstream server."


class RateLimited(UpstreamError):
    """Fault 50 (Webmention: HTTP 429 with Retry-After): too many pings; try again later."""

    http_status = 429
    # The Pingback spec has no code for "slow down"; 50 is what WordPress and
    # others send for a temporary refusal, so clients will retry later.
    default_message = "Too many pings; try again later."


# -- the fetcher's errors ------------------------------------------------------

HintVocabulary = Literal["core", "django", "flask", "cli"]
"""Whose words a hint is in: plain Python, a Django or Flask setting, or the command's flag."""

# FetchPolicy field -> what lifts it, in each vocabulary. The Django and Flask
# settings are those both adapters read (PINGBACK_ prefix, in settings.py or
# app.config); the flags are the ``pingcore`` command's.
_HINTS: dict[str, dict[HintVocabulary, str]] = {
    "allow_private_addresses": {
        "core": "FetchPolicy(allow_private_addresses=True)",
        "django": "PINGBACK_ALLOW_PRIVATE_ADDRESSES = True",
        "flask": "PINGBACK_ALLOW_PRIVATE_ADDRESSES = True",
        "cli": "--allow-private",
    },
    "allowed_ports": {
        "core": "FetchPolicy(allowed_ports=...)",
        "django": "PINGBACK_ALLOWED_PORTS (add the port; None allows any)",
        "flask": "PINGBACK_ALLOWED_PORTS (add the port; None allows any)",
        "cli": "--allow-port PORT",
    },
    "max_bytes": {
        "core": "FetchPolicy(max_bytes=...)",
        "django": "PINGBACK_MAX_SOURCE_BYTES",
        "flask": "PINGBACK_MAX_SOURCE_BYTES",
        "cli": "--max-bytes N",
    },
    "timeout": {
        "core": "FetchPolicy(timeout=...)",
        "django": "PINGBACK_FETCH_TIMEOUT",
        "flask": "PINGBACK_FETCH_TIMEOUT",
        "cli": "--timeout SECONDS",
    },
}
# How the fetcher ends a refusal that a setting lifts (pingcore.fetch writes these words).
_CORE_SENTENCE = "Pass {hint} to allow it."
_SENTENCES: dict[HintVocabulary, str] = {
    "core": _CORE_SENTENCE,
    "django": "Set {hint} in the settings to allow it.",
    "flask": "Set {hint} in the app's config to allow it.",
    "cli": "Pass {hint} to allow it.",
}


def setting_hint(setting: str, vocabulary: HintVocabulary = "core") -> str:
    """What a user changes to lift a refusal of ``setting`` (a ``FetchPolicy`` field).

    For ``"allow_private_addresses"``: ``FetchPolicy(allow_private_addresses=True)``
    in plain Python (``"core"``), ``PINGBACK_ALLOW_PRIVATE_ADDRESSES = True``
    for ``"django"`` (settings.py) and ``"flask"`` (``app.config``), and
    ``--allow-private`` for the ``pingcore`` command (``"cli"``). Likewise
    ``allowed_ports`` is ``PINGBACK_ALLOWED_PORTS`` / ``--allow-port``,
    ``max_bytes`` is ``PINGBACK_MAX_SOURCE_BYTES`` / ``--max-bytes`` and
    ``timeout`` is ``PINGBACK_FETCH_TIMEOUT`` / ``--timeout``. Raises
    ``KeyError`` for a name that is no such field.
    """
    return _HINTS[setting][vocabulary]


def _sentence(setting: str, vocabulary: HintVocabulary) -> str:
    return _SENTENCES[vocabulary].format(hint=setting_hint(setting, vocabulary))


def _hint_in(message: str) -> tuple[str, str] | None:
    """The setting a message's closing hint names, and that hint, in whichever words."""
    for setting in _HINTS:
        for vocabulary in _SENTENCES:
            sentence = _sentence(setting, vocabulary)
            if sentence in message:
                return setting, sentence
    return None


def _setting_named_in(message: str) -> str | None:
    found = _hint_in(message)
    return found[0] if found is not None else None


# "http://localhost:8000/ is not fetched: port 8000 is not allowed": the fetcher
# judges a loopback name's port before any lookup, and allowing private
# addresses lifts the port rule for it as well, so that is the one fix to name.
_LOOPBACK_PORT_REFUSAL = re.compile(
    r"\bhttps?://(?:[^/\s@]*@)?(?:localhost|[^/\s:@]+\.localhost)\.?(?::\d+)?(?:[/?#]\S*)?"
    r" is not fetched: port \d+ is not allowed",
    re.IGNORECASE,
)


def _fix_for(setting: str, message: str) -> str:
    if setting == "allowed_ports" and _LOOPBACK_PORT_REFUSAL.search(message):
        return "allow_private_addresses"
    return setting


def reword_hint(message: str, vocabulary: HintVocabulary, *, setting: str | None = None) -> str:
    """``message`` with the fetcher's closing hint in the words of ``vocabulary``.

    The fetcher ends a refusal that a setting lifts with "Pass
    FetchPolicy(field=...) to allow it."; this puts, say, "Set
    PINGBACK_ALLOW_PRIVATE_ADDRESSES = True in the settings to allow it."
    (``"django"``) or "Pass --allow-private to allow it." (``"cli"``) in its
    place, whichever words the hint was in before. A port refused for a
    loopback name (``localhost``, ``*.localhost``) names the private-address
    setting, which lifts it too, so one change fixes it. With ``setting``,
    that hint replaces whichever the message had, for a caller who knows
    better what would help. A message without a hint is returned as it is,
    unless ``setting`` is given.
    """
    found = _hint_in(message)
    named = None
    if found is not None:
        named, sentence = found
        message = message.replace(sentence, "").rstrip()
    wanted = setting or named
    if wanted is None:
        return message
    return f"{message} {_sentence(_fix_for(wanted, message), vocabulary)}"


class FetchError(Exception):
    """An outbound request failed; the message says why, for a person.

    A receiver that cannot fetch a source answers fault 16 (Webmention:
    HTTP 400); the client reports the ping as failed.
    """

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url

    def message_for(self, vocabulary: HintVocabulary) -> str:
        """The message, with its hint (if it has one) phrased for ``vocabulary``.

        See ``reword_hint``: an adapter passes ``"django"`` or ``"flask"``, the
        command ``"cli"``.
        """
        return reword_hint(str(self), vocabulary)


class BlockedURL(FetchError):
    """Refused before any connection: scheme, port, credentials or length.

    ``setting`` is the ``FetchPolicy`` field that would allow the request
    (``"allowed_ports"``, ``"allow_private_addresses"``), or None when no
    setting does (a ``file:`` URL, a password in the URL). When not given, it
    is read from the hint that ends the fetcher's message.
    """

    def __init__(self, message: str, *, url: str | None = None, setting: str | None = None) -> None:
        super().__init__(message, url=url)
        self.setting = setting if setting is not None else _setting_named_in(message)

    def message_for(self, vocabulary: HintVocabulary) -> str:
        """The message, ending with the hint for ``setting`` in ``vocabulary``'s words."""
        return reword_hint(str(self), vocabulary, setting=self.setting)


class BlockedAddress(BlockedURL):
    """The host resolves to an address that is not on the public internet.

    Loopback, private, link-local and other reserved ranges are refused so
    that a stranger's ping cannot make a site fetch its own network. Its
    ``setting`` is ``"allow_private_addresses"``.
    """


class FetchTimeout(FetchError):
    """The overall deadline passed (DNS, connect, headers and body together)."""


class ResponseTooLarge(FetchError):
    """The response (after decompression) is larger than the policy allows."""


class TooManyRedirects(FetchError):
    """The redirect chain is longer than the policy allows, or loops."""


class BadStatus(FetchError):
    """The server answered with an error status (4xx or 5xx): ``status_code``."""

    def __init__(self, message: str, *, url: str | None = None, status_code: int) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code


class ConnectionFailed(FetchError):
    """The connection could not be made or broke (refused, reset, TLS, protocol)."""


class NoEndpoint(Exception):
    """The target page advertises neither a Webmention nor a Pingback endpoint.

    Not a failure of the ping: the target takes none (the client's outcome
    "no endpoint").
    """

    def __init__(self, target_url: str) -> None:
        super().__init__(f"{target_url} advertises no Webmention or Pingback endpoint.")
        self.target_url = target_url
