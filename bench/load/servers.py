"""The load's source servers on loopback: good pages, hostile pages, and a counting trap.

One raw HTTP server answers by path prefix (one request per connection), so a
page can misbehave at the byte level: trickle, claim 5 GB, never end, inflate.
"""

from __future__ import annotations

import selectors
import socket
import threading
import zlib
from collections.abc import Callable
from contextlib import suppress

Handler = Callable[[socket.socket, str, "SourceServer"], None]

MIB = 1024 * 1024


class SourceServer:
    """A threaded TCP server on each of ``hosts``, one port; ``routes``: path prefix to handler.

    ``connections`` counts accepted connections, ``paths`` the paths asked for
    and ``posts`` each POST's (path, body). Several loopback hosts give the
    load sources on distinct hosts and addresses, as the rate limits count them.
    """

    def __init__(
        self,
        routes: dict[str, Handler],
        *,
        hosts: tuple[str, ...] = ("127.0.0.1",),
        port: int = 0,
    ) -> None:
        self.routes = routes
        self.hosts = hosts
        self.stopping = threading.Event()
        self.connections = 0
        self.paths: list[str] = []
        self.posts: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()
        self._selector = selectors.DefaultSelector()
        self._listeners: list[socket.socket] = []
        for host in hosts:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            listener = socket.socket(family, socket.SOCK_STREAM)
            if family == socket.AF_INET6:
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((host, port))
            listener.listen(1024)
            listener.setblocking(False)
            port = listener.getsockname()[1]
            self._listeners.append(listener)
            self._selector.register(listener, selectors.EVENT_READ)
        self.port = port
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, path: str, host: str = "") -> str:
        host = host or self.hosts[0]
        return f"http://{f'[{host}]' if ':' in host else host}:{self.port}{path}"

    def count(self, prefix: str) -> int:
        """How many requests asked for a path starting with ``prefix``."""
        with self._lock:
            return sum(path.startswith(prefix) for path in self.paths)

    def _accept(self) -> None:
        while not self.stopping.is_set():
            for key, _ in self._selector.select(0.05):
                listener: socket.socket = key.fileobj  # type: ignore[assignment]
                try:
                    conn, _ = listener.accept()
                except OSError:  # BlockingIOError: another wake-up took it
                    continue
                with self._lock:
                    self.connections += 1
                threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, suppress(OSError):
            conn.setblocking(True)
            conn.settimeout(30)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            words = head.split(b" ", 2)
            path = words[1].decode("latin-1") if len(words) > 1 else "/"
            if words[0] == b"POST":
                body = _rest_of_body(conn, head, body)
            with self._lock:
                self.paths.append(path)
                if words[0] == b"POST":
                    self.posts.append((path, body))
            for prefix, handler in self.routes.items():
                if path.startswith(prefix):
                    handler(conn, path, self)
                    return
            conn.sendall(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )

    def close(self) -> None:
        self.stopping.set()
        self._thread.join(5)
        self._selector.close()
        for listener in self._listeners:
            listener.close()


def _rest_of_body(conn: socket.socket, head: bytes, body: bytes) -> bytes:
    """The whole body of a request with a Content-Length (at most 64 KiB), read off ``conn``."""
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = min(int(value), 65536)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return body


def head(status: str = "200 OK", **headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [
        f"{name.replace('_', '-')}: {value}" for name, value in headers.items()
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def page(html: Callable[[str], str]) -> Handler:
    """A page whose HTML depends on the path asked for."""

    def handle(conn: socket.socket, path: str, server: SourceServer) -> None:
        body = html(path).encode("utf-8")
        conn.sendall(
            head(Content_Type="text/html; charset=utf-8", Content_Length=str(len(body))) + body
        )

    return handle


def redirect(location: Callable[[str], str]) -> Handler:
    def handle(conn: socket.socket, path: str, server: SourceServer) -> None:
        conn.sendall(head("302 Found", Location=location(path), Content_Length="0"))

    return handle


def trickle(conn: socket.socket, path: str, server: SourceServer) -> None:
    """Headers, then a byte of body every 0.2 s, until the fetcher gives up."""
    conn.sendall(head(Content_Type="text/html", Content_Length="100000") + b"<p>")
    while not server.stopping.wait(0.2):
        conn.sendall(b"x")


_FILLER = b"<p>" + b"la " * 21844 + b"</p>\n"


def claims_5_gb(conn: socket.socket, path: str, server: SourceServer) -> None:
    conn.sendall(head(Content_Type="text/html", Content_Length=str(5 * 1024**3)))
    while not server.stopping.is_set():
        conn.sendall(_FILLER)


def endless(conn: socket.socket, path: str, server: SourceServer) -> None:
    conn.sendall(head(Content_Type="text/html", Transfer_Encoding="chunked"))
    piece = b"%x\r\n%s\r\n" % (len(_FILLER), _FILLER)
    while not server.stopping.is_set():
        conn.sendall(piece)


def gzip_bomb_handler() -> Handler:
    """256 MiB of zeros, gzipped once, to a few hundred kilobytes."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b"<p>")]
    parts += [packer.compress(b"\0" * MIB) for _ in range(256)]
    bomb = b"".join(parts) + packer.flush()

    def handle(conn: socket.socket, path: str, server: SourceServer) -> None:
        conn.sendall(
            head(Content_Type="text/html", Content_Encoding="gzip", Content_Length=str(len(bomb)))
            + bomb
        )

    return handle


def mentioned_page(endpoint: str) -> Handler:
    """A page that names ``endpoint`` (a path of the same server) as its Webmention endpoint."""

    def handle(conn: socket.socket, path: str, server: SourceServer) -> None:
        body = b"<!doctype html><title>mentioned</title><p>A page others link to.</p>"
        link = f'<{endpoint}>; rel="webmention"'
        conn.sendall(
            head(Content_Type="text/html", Content_Length=str(len(body)), Link=link) + body
        )

    return handle


def accepted(conn: socket.socket, path: str, server: SourceServer) -> None:
    """A Webmention endpoint that takes everything (the server kept the POST's body)."""
    conn.sendall(head("202 Accepted", Content_Length="0"))
