"""The load's client: Pingback calls and Webmention POSTs, many at once, from chosen addresses.

Each request opens its own connection from ``local_address`` (any 127.x.y.z
works on Linux), so a run can speak for as many clients as the rate limits need.
"""

from __future__ import annotations

import asyncio
import time
import xmlrpc.client
from dataclasses import dataclass
from urllib.parse import urlencode

CLIENT_TIMEOUT = 30.0
PINGBACK = "pingback"
WEBMENTION = "webmention"


@dataclass(frozen=True)
class Site:
    """Where one running app answers: its port and its two endpoints' paths."""

    port: int
    pingback_path: str
    webmention_path: str

    def target(self, slug: str = "hello") -> str:
        return f"http://127.0.0.1:{self.port}/posts/{slug}/"


@dataclass(frozen=True)
class Call:
    """One ping to send: its kind (the report's group), protocol, source and client address."""

    kind: str
    source: str
    protocol: str = PINGBACK
    local_address: str = "127.0.0.1"


@dataclass
class Answer:
    kind: str
    protocol: str
    source: str
    seconds: float
    status: int
    fault: int | None  # Pingback only; None: registered
    error: str = ""
    message: str = ""  # the fault string, or the Webmention answer's first line

    @property
    def outcome(self) -> str:
        """What the ping got, in one word or two: "registered", "fault 16", "HTTP 202", "error"."""
        if self.error:
            return "error"
        if self.protocol == WEBMENTION:
            return f"HTTP {self.status}"
        if self.status != 200:
            return f"HTTP {self.status}"
        return "registered" if self.fault is None else f"fault {self.fault}"


def request_bytes(site: Site, call: Call) -> bytes:
    if call.protocol == WEBMENTION:
        body = urlencode({"source": call.source, "target": site.target()}).encode()
        path, content_type = site.webmention_path, "application/x-www-form-urlencoded"
    else:
        body = xmlrpc.client.dumps((call.source, site.target()), "pingback.ping").encode()
        path, content_type = site.pingback_path, "text/xml"
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{site.port}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + body


async def send(site: Site, call: Call) -> Answer:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(CLIENT_TIMEOUT):
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", site.port, local_addr=(call.local_address, 0)
            )
            writer.write(request_bytes(site, call))
            await writer.drain()
            data = await reader.read()
            writer.close()
            await writer.wait_closed()
    except (OSError, TimeoutError) as exc:
        seconds = time.perf_counter() - started
        return Answer(call.kind, call.protocol, call.source, seconds, 0, None, repr(exc))
    seconds = time.perf_counter() - started
    return read_answer(call, seconds, data)


def read_answer(call: Call, seconds: float, data: bytes) -> Answer:
    head, _, content = data.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return Answer(call.kind, call.protocol, call.source, seconds, 0, None, "no HTTP answer")
    answer = Answer(call.kind, call.protocol, call.source, seconds, status, None)
    if b"transfer-encoding: chunked" in head.lower():
        content = dechunked(content)
    if call.protocol == WEBMENTION or status != 200:
        answer.message = content.decode("utf-8", "replace").strip().split("\n")[0][:200]
        return answer
    try:
        xmlrpc.client.loads(content)
    except xmlrpc.client.Fault as fault:
        answer.fault = fault.faultCode
        answer.message = str(fault.faultString)[:200]
    except Exception as exc:  # noqa: BLE001  (a broken answer is a finding, not a crash)
        answer.error = f"unreadable answer: {exc!r}"
    return answer


def dechunked(data: bytes) -> bytes:
    body = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        body, data = body + rest[:size], rest[size + 2 :]
    return body


async def _send_all(site: Site, calls: list[Call], concurrency: int) -> list[Answer]:
    gate = asyncio.Semaphore(concurrency)

    async def one(call: Call) -> Answer:
        async with gate:
            return await send(site, call)

    return await asyncio.gather(*(one(call) for call in calls))


def send_all(site: Site, calls: list[Call], concurrency: int) -> tuple[list[Answer], float]:
    """Send every call, ``concurrency`` at a time; the answers in order, and the seconds it took."""
    started = time.perf_counter()
    answers = asyncio.run(_send_all(site, calls, concurrency))
    return answers, time.perf_counter() - started
