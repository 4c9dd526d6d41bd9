"""The two endpoints under attack, served for real: the Django test project and a Flask blog.

Both run on a threaded Werkzeug server on 127.0.0.1 (Django through its own WSGI
handler), behind ``Probe``, which records how many body bytes the adapter read
and how much memory the request took while the app handled it.
"""

from __future__ import annotations

import socket
import threading
import tracemalloc
import xmlrpc.client
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import httpx
from flask import Flask, render_template_string
from werkzeug.serving import make_server

from flask_pingback import Pingback, pingable, received

XML = {"Content-Type": "text/xml"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

# pingcore's one answer for a source that cannot be had, whatever the reason.
SOURCE_UNAVAILABLE = "The source URL could not be fetched."


# -- what the adapter did with a request ---------------------------------------------


class CountingStream:
    """A request body stream that counts the bytes the application reads from it."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._stream.read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data: bytes = self._stream.readline(size)
        self.bytes_read += len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


@dataclass
class ProbeCall:
    path: str
    bytes_read: int
    peak_bytes: int | None  # memory the app call added at its peak (with tracemalloc on)


@dataclass
class Probe:
    """WSGI middleware: per request, the body bytes read and the memory peak of the app call.

    The peak covers the application only, not the test server, whose own
    handling of an unread body (Werkzeug drains it after the answer) is no
    part of pingcore.
    """

    app: Callable[..., Iterable[bytes]]
    calls: list[ProbeCall] = field(default_factory=list)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        stream = CountingStream(environ["wsgi.input"])
        environ["wsgi.input"] = stream
        tracing = tracemalloc.is_tracing()
        if tracing:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
        result = self.app(environ, start_response)
        try:
            chunks = list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        peak = tracemalloc.get_traced_memory()[1] - before if tracing else None
        self.calls.append(ProbeCall(environ.get("PATH_INFO", ""), stream.bytes_read, peak))
        return chunks

    def posts(self) -> list[ProbeCall]:
        return [call for call in self.calls if call.path.endswith(("pingback", "pingback/"))]


@contextmanager
def serving(app: Callable[..., Any]) -> Iterator[int]:
    """Serve a WSGI app on 127.0.0.1 at a free port, on threads; yield the port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


# -- answers --------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """An endpoint's HTTP answer, with the XML-RPC fault or value it carries."""

    status: int
    body: bytes
    headers: httpx.Headers
    fault_code: int | None = None
    fault_string: str | None = None
    value: Any = None

    @property
    def fault(self) -> tuple[int | None, str | None]:
        return (self.fault_code, self.fault_string)


def read_answer(response: httpx.Response) -> Answer:
    content_type = response.headers.get("content-type", "")
    if response.status_code != 200 or not content_type.startswith("text/xml"):
        return Answer(response.status_code, response.content, response.headers)
    try:
        (value,), _ = xmlrpc.client.loads(response.content)
    except xmlrpc.client.Fault as fault:
        return Answer(200, response.content, response.headers, fault.faultCode, fault.faultString)
    return Answer(200, response.content, response.headers, value=value)


def ping_body(*params: Any, method: str = "pingback.ping") -> bytes:
    return xmlrpc.client.dumps(params, method).encode("utf-8")


# -- the sites ------------------------------------------------------------------------


@dataclass
class Site:
    """One framework's endpoints on a live server, and what its ``received`` signal got."""

    framework: str
    port: int
    probe: Probe
    received: list[dict[str, Any]]
    client: httpx.Client

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pingback_path(self) -> str:
        return "/blog/pingback/" if self.framework == "django" else "/pingback"

    @property
    def webmention_path(self) -> str:
        return "/blog/webmention/" if self.framework == "django" else "/webmention"

    def target(self, slug: str = "hello") -> str:
        """A post of the site: a URL pings may name as their target."""
        prefix = "blog" if self.framework == "django" else "posts"
        return f"{self.root}/{prefix}/{slug}/"

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> Answer:
        response = self.client.post(self.pingback_path, content=body, headers=headers or XML)
        return read_answer(response)

    def ping(self, source: Any, target: Any = None) -> Answer:
        return self.post(ping_body(source, self.target() if target is None else target))

    def webmention(self, source: str, target: str | None = None) -> Answer:
        data = {"source": source, "target": self.target() if target is None else target}
        return read_answer(self.client.post(self.webmention_path, data=data))


PAGE = """<!doctype html>
<html><head><title>{{ slug }}</title>{{ pingback_link() }}</head>
<body><h1>{{ slug }}</h1></body></html>
"""


def flask_blog(config: dict[str, Any], rate_limit_store: Any = None) -> Flask:
    """A Flask blog whose posts take pings: the extension with the given PINGBACK_* config."""
    app = Flask(__name__)
    app.config.update(config)

    @app.get("/posts/<slug>/")
    @pingable
    def show_post(slug: str) -> str:
        return render_template_string(PAGE, slug=slug)

    Pingback(app, rate_limit_store=rate_limit_store)
    return app


def record_flask_signals(app: Flask, into: list[dict[str, Any]]) -> Callable[..., None]:
    def record(sender: Flask, **kwargs: Any) -> None:
        into.append(kwargs)

    received.connect(record, app, weak=False)
    return record


# -- a client that streams a huge body ---------------------------------------------------


@dataclass
class StreamedPost:
    status: int
    body: bytes
    bytes_sent: int


def post_streaming(
    port: int,
    path: str,
    total: int,
    *,
    content_type: str = "text/xml",
    first: bytes = b"",
    timeout: float = 30.0,
) -> StreamedPost:
    """POST ``total`` bytes (``first``, then filler) without ever holding them in memory.

    The body goes out on one thread while this one reads the answer, so a server
    that answers early (413) is heard even while the body is still being sent.
    """
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {total}\r\nConnection: close\r\n\r\n"
    ).encode("ascii")
    filler = memoryview(b" " * 65536)
    sent = [0]

    def write() -> None:
        try:
            sock.sendall(head + first)
            sent[0] = len(first)
            while sent[0] < total:
                size = min(len(filler), total - sent[0])
                sock.sendall(filler[:size])
                sent[0] += size
        except OSError:
            pass  # the server closed the connection: it will not read more

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    data = b""
    try:
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
            if _complete(data):
                break
        # The whole body goes out unless the server stops reading it.
        writer.join(timeout)
    finally:
        # Shutting down wakes the writer if it is blocked in sendall; close alone would not.
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        writer.join(timeout)
        sock.close()
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    status = int(head_bytes.split(b" ", 2)[1]) if head_bytes else 0
    return StreamedPost(status, body, sent[0])


def _complete(data: bytes) -> bool:
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False
