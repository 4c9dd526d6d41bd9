"""The load's source servers on loopback: good pages, hostile pages, and a counting trap.

One raw HTTP server answers by path prefix (one request per connection), so a
page can misbehave at the byte level: trickle, claim 5 GB, never end, inflate.
"""

from __future__ import annotations

import socket
import threading
import zlib
from collections.abc import Callable
from contextlib import suppress

Handler = Callable[[socket.socket, str, "SourceServer"], None]

MIB = 1024 * 1024


class SourceServer:
    """A threaded TCP server on ``host``; ``routes`` maps a path prefix to a handler.

    ``connections`` counts accepted connections and ``paths`` the paths asked for.
    """

    def __init__(
        self,
        routes: dict[str, Handler],
        *,
        hosts: tuple[str, ...] = ("127.0.0.1",),
        port: int = 0,
    ) -> None:
        self.routes = routes
        self.stopping = threading.Event()
        self.connections = 0
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._listeners: list[socket.socket] = []
        for host in hosts:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            listener = socket.socket(family, socket.SOCK_STREAM)
            if family == socket.AF_INET6:
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((host, port))
            listener.listen(1024)
            listener.settimeout(0.05)
            port = listener.getsockname()[1]
            self._listeners.append(listener)
        self.port = port
        self._threads = [
            threading.Thread(target=self._accept, args=(listener,), daemon=True)
            for listener in self._listeners
        ]
        for thread in self._threads:
            thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def _accept(self, listener: socket.socket) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, suppress(OSError):
            conn.settimeout(30)
            data = b""
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode("latin-1") if b" " in data else "/"
            with self._lock:
                self.paths.append(path)
            for prefix, handler in self.routes.items():
                if path.startswith(prefix):
                    handler(conn, path, self)
                    return
            conn.sendall(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )

    def close(self) -> None:
        self.stopping.set()
        for thread in self._threads:
            thread.join(5)
        for listener in self._listeners:
            listener.close()


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
