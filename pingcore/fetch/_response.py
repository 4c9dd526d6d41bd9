"""What a fetch gives back: the final URL, the status, the headers and the decoded body."""

from __future__ import annotations

import http
from dataclasses import dataclass

import httpx

from ..errors import BadStatus

__all__ = ["FetchResponse"]

_CHARSET_QUOTES = "\"' "


@dataclass(frozen=True)
class FetchResponse:
    """What came back: the final URL after redirects, and the decoded body."""

    url: str
    status_code: int
    headers: httpx.Headers
    content: bytes
    truncated: bool = False
    """True when reading stopped before the body ended: at ``max_bytes`` with
    ``truncate=True``, or because ``stop_when`` asked to stop."""

    @property
    def charset(self) -> str | None:
        """The charset named by the Content-Type header, lower-cased, if any."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset":
                return value.strip(_CHARSET_QUOTES).lower() or None
        return None

    def raise_for_status(self) -> None:
        """Raise BadStatus when the server answered 4xx or 5xx."""
        if 400 <= self.status_code < 600:
            try:
                phrase = " " + http.HTTPStatus(self.status_code).phrase
            except ValueError:
                phrase = ""
            raise BadStatus(
                f"{self.url} answered {self.status_code}{phrase}.",
                url=self.url,
                status_code=self.status_code,
            )
