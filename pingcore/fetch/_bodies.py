"""Bodies: bounded decompression, the size cap and the caller's early stop."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any

import httpx

from ..errors import ConnectionFailed, ResponseTooLarge
from ._policy import FetchPolicy
from ._response import FetchResponse

__all__ = ["ACCEPT_ENCODING", "Body", "HeadersStop", "StopWhen", "byte_limit"]

StopWhen = Callable[[bytes], bool]
"""Called with the decoded body read so far; True stops reading."""

HeadersStop = Callable[[httpx.Headers], bool]
"""Called with the final response's headers; True skips the body."""

# Only what _Decoder reads; advertising br or zstd would invite bodies we cannot bound.
ACCEPT_ENCODING = "gzip, deflate"


class _Decoder:
    """Decodes a Content-Encoding, never producing more than it is asked for.

    httpx's own decoders inflate a whole network chunk at once, so a few
    kilobytes of gzip could become gigabytes in memory before any cap is seen.
    """

    def __init__(self, encoding: str) -> None:
        self._zlib: Any = None  # zlib's decompress object has no public type
        self._header: bytearray | None = None
        if encoding == "gzip":
            self._zlib = zlib.decompressobj(wbits=47)  # gzip or zlib, by header
        elif encoding == "deflate":
            self._header = bytearray()  # zlib-wrapped or raw? the first two bytes say

    def decode(self, data: bytes, limit: int) -> bytes:
        """Up to ``limit`` (> 0) bytes decoded from ``data``; output beyond is dropped.

        The caller stops reading once a call fills ``limit``, so what is dropped
        is never wanted.
        """
        if self._header is not None:
            self._header += data
            if len(self._header) < 2:
                return b""
            data, self._header = bytes(self._header), None
            # "deflate" should mean a zlib stream (RFC 9110), but some servers
            # send raw deflate. A zlib header has CM=8 and a checksum over 31;
            # raw deflate's first block header cannot have those low bits.
            zlib_wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(wbits=15 if zlib_wrapped else -15)
        if self._zlib is None:
            return data[:limit]
        if self._zlib.eof:
            return b""  # bytes after the end of the stream (a second gzip member) are ignored
        # max_length=0 would mean "no limit" to zlib, hence the floor of 1.
        output: bytes = self._zlib.decompress(data, max(limit, 1))
        return output


def byte_limit(policy: FetchPolicy, max_bytes: int | None) -> int:
    if max_bytes is None:
        return policy.max_bytes
    if max_bytes < 0:
        raise ValueError("max_bytes must be >= 0")
    return max_bytes


def _content_encoding(url: str, headers: httpx.Headers) -> str:
    value = headers.get("content-encoding", "")
    codings = [c.strip() for c in value.lower().split(",") if c.strip() not in ("", "identity")]
    if not codings:
        return "identity"
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip", "deflate"):
        return "deflate" if codings[0] == "deflate" else "gzip"
    raise ConnectionFailed(
        f"{url} sent its body as {value!r}, an encoding pingcore did not ask for "
        f"(it asks for {ACCEPT_ENCODING}).",
        url=url,
    )


class Body:
    """The decoded body as it arrives, held to the cap and the caller's stop."""

    def __init__(
        self,
        url: str,
        method: str,
        headers: httpx.Headers,
        limit: int,
        truncate: bool,
        stop_when: StopWhen | None,
        stop_on_headers: HeadersStop | None = None,
    ) -> None:
        self._url = url
        self._encoding = _content_encoding(url, headers)
        self._decoder = _Decoder(self._encoding)
        self._limit = limit
        self._truncate = truncate
        self._stop_when = stop_when
        self._content = bytearray()
        self.truncated = False
        self.done = method == "HEAD"
        if stop_on_headers is not None and stop_on_headers(headers):
            # The headers alone answer the caller's question: read no body at all.
            self.truncated = self.done = True
        declared = headers.get("content-length", "")
        # Content-Length counts bytes on the wire, which equal the decoded bytes
        # only when the body is not encoded.
        if (
            not self.done
            and not truncate
            and self._encoding == "identity"
            and declared.isdigit()
            and int(declared) > limit
        ):
            raise ResponseTooLarge(
                f"{url} is {declared} bytes long (Content-Length), more than the "
                f"{limit} allowed; nothing was read.",
                url=url,
            )

    def feed(self, raw: bytes) -> None:
        """Take one chunk off the wire; sets ``done`` when reading should stop."""
        try:
            piece = self._decoder.decode(raw, self._limit - len(self._content) + 1)
        except zlib.error as exc:
            raise ConnectionFailed(
                f"{self._url} sent a body that is not valid {self._encoding} ({exc}).",
                url=self._url,
            ) from None
        self._content += piece
        if len(self._content) > self._limit:
            if not self._truncate:
                raise ResponseTooLarge(
                    f"{self._url} sent more than {self._limit} bytes (after decompression).",
                    url=self._url,
                )
            del self._content[self._limit :]
            self.truncated = self.done = True
        elif piece and self._stop_when is not None and self._stop_when(bytes(self._content)):
            self.truncated = self.done = True

    def response(self, url: str, status_code: int, headers: httpx.Headers) -> FetchResponse:
        return FetchResponse(url, status_code, headers, bytes(self._content), self.truncated)
