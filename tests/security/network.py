"""The attack suite's network: loopback only, with public and blocked addresses routed onto it.

``TestNetwork`` sits under every socket this process connects. It records each
destination asked for, reroutes the ones a test maps (a public address standing
for a web site, or a blocked address whose trap must stay silent) to a loopback
server, lets other loopback connections through, and refuses everything else
without sending a packet. ``LoopbackServer`` is a raw HTTP server on 127.0.0.1
that can misbehave in every way a hostile source or endpoint would, and counts
the connections and requests it saw.
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Any

import pytest

IP = IPv4Address | IPv6Address

# Public addresses that stand for web sites in these tests. No packet is ever
# sent to them: TestNetwork routes them to loopback servers, or refuses.
PUBLIC_SOURCE = "93.184.215.14"
PUBLIC_TARGET = "93.184.215.15"
PUBLIC_ENDPOINT = "93.184.215.16"
PUBLIC_VICTIM = "93.184.215.17"
PUBLIC_OTHER = "93.184.215.18"


# Every address a blocked source can name, and where a connection to it would
# go: each destination is routed to the trap, which must never see anyone.
BLOCKED_SOURCES: dict[str, str] = {
    "decimal": "http://2130706433/",
    "hexadecimal": "http://0x7f000001/",
    "octal": "http://017700000001/",
    "short": "http://127.1/",
    "loopback": "http://127.0.0.1/",
    "loopback-elsewhere": "http://127.8.9.10:8080/",
    "ipv4-mapped-ipv6": "http://[::ffff:127.0.0.1]/",
    "ipv6-loopback": "http://[::1]/",
    "unspecified": "http://0.0.0.0/",
    "localhost": "http://localhost/",
    "localhost-capitals": "http://LocalHost:8080/",
    "metadata": "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    "metadata-ipv6": "http://[fd00:ec2::254]/latest/meta-data/",
    "metadata-ipv4-mapped": "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "cgnat": "http://100.64.0.1/",
    "private-10": "http://10.0.0.1/",
    "private-172": "https://172.16.0.1/",
    "private-192": "http://192.168.1.1:8080/",
    "nat64-loopback": "http://[64:ff9b::7f00:1]/",
    "unique-local": "http://[fd12:3456:789a::1]/",
    "link-local-ipv6": "http://[fe80::1]/",
}
TRAPPED_ADDRESSES = [
    "127.0.0.1",
    "127.8.9.10",
    "::ffff:127.0.0.1",
    "::1",
    "0.0.0.0",
    "169.254.169.254",
    "fd00:ec2::254",
    "::ffff:169.254.169.254",
    "100.64.0.1",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "64:ff9b::7f00:1",
    "fd12:3456:789a::1",
    "fe80::1",
]
TRAPPED_PORTS = [80, 443, 8080, 8443, 22, 25, 6379, 11211]


def _ip(host: str) -> IP:
    return ip_address(host.strip("[]").split("%")[0])


def _is_loopback(ip: IP) -> bool:
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


class TestNetwork:
    """Where this process's sockets may connect; every attempt is recorded in ``attempts``."""

    __test__ = False  # not a test class, whatever its name says

    def __init__(self) -> None:
        self.attempts: list[tuple[str, int]] = []
        self.refused: list[tuple[str, int]] = []
        self._routes: dict[tuple[IP, int], int] = {}
        self._lock = threading.Lock()

    def route(self, host: str, port: int, to_port: int) -> None:
        """Make connections to ``host:port`` reach the loopback server on ``to_port``."""
        self._routes[(_ip(host), port)] = to_port

    def attempts_to(self, host: str, port: int | None = None) -> list[tuple[str, int]]:
        ip = _ip(host)
        return [(h, p) for h, p in self.attempts if _ip(h) == ip and port in (None, p)]

    def attempts_except(self, *ports: int) -> list[tuple[str, int]]:
        """Every attempt, less those to loopback servers on ``ports`` (the test's own)."""
        return [(h, p) for h, p in self.attempts if not (_is_loopback(_ip(h)) and p in ports)]

    def destination(self, family: int, address: Any) -> Any:
        if family not in (socket.AF_INET, socket.AF_INET6):
            return address
        host, port = address[0], address[1]
        ip = _ip(host)
        with self._lock:
            self.attempts.append((str(ip), port))
        to_port = self._routes.get((ip, port))
        if to_port is not None:
            if family == socket.AF_INET6:
                return ("::ffff:127.0.0.1", to_port, 0, 0)
            return ("127.0.0.1", to_port)
        if _is_loopback(ip):
            return address
        with self._lock:
            self.refused.append((str(ip), port))
        raise OSError(errno.ENETUNREACH, f"test network: {host} is not on this machine")


@contextmanager
def installed(network: TestNetwork, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestNetwork]:
    """Put ``network`` under socket.connect (sync sockets and asyncio alike)."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(sock: socket.socket, address: Any) -> None:
        real_connect(sock, network.destination(sock.family, address))

    def connect_ex(sock: socket.socket, address: Any) -> int:
        return real_connect_ex(sock, network.destination(sock.family, address))

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield network


# -- a raw HTTP server on loopback ----------------------------------------------------


@dataclass
class RawRequest:
    method: str
    path: str
    headers: dict[str, str]
    head: bytes


Handler = Callable[[socket.socket, RawRequest, "LoopbackServer"], None]


@dataclass
class LoopbackServer:
    """A TCP server on 127.0.0.1 that answers by path, with ``default`` for the others.

    Each connection gets one request and one answer, then is closed.
    ``connections`` counts accepted connections, ``requests`` the requests read,
    ``bytes_sent`` what the handlers sent (for the endless ones).
    """

    routes: dict[str, Handler] = field(default_factory=dict)
    default: Handler | None = None
    connections: int = 0
    requests: list[RawRequest] = field(default_factory=list)
    bytes_sent: int = 0

    def __post_init__(self) -> None:
        self.stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.02)
        self.port: int = self._listener.getsockname()[1]
        self.root = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self.connections += 1
                self._open.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, suppress(OSError):
            conn.settimeout(10)
            request = self._read_request(conn)
            if request is None:
                return
            with self._lock:
                self.requests.append(request)
            path = request.path.split("?", 1)[0]
            handler = self.routes.get(path, self.default) or not_found
            handler(conn, request, self)

    @staticmethod
    def _read_request(conn: socket.socket) -> RawRequest | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
            if len(data) > 1_000_000:
                return None
        head = data.split(b"\r\n\r\n", 1)[0]
        lines = head.decode("latin-1").split("\r\n")
        method, path = lines[0].split(" ")[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return RawRequest(method, path, headers, head)

    def send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        with self._lock:
            self.bytes_sent += len(data)

    def url(self, path: str = "/") -> str:
        return self.root + path

    def settled_connections(self) -> int:
        """Connections accepted, after giving a late one time to show up."""
        time.sleep(0.1)
        return self.connections

    def close(self) -> None:
        self.stopping.set()
        with self._lock:
            open_connections = list(self._open)
        for conn in open_connections:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        self._listener.close()


# -- what a handler can do --------------------------------------------------------------


def response_head(status: int = 200, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} Whatever"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def not_found(conn: socket.socket, request: RawRequest, server: LoopbackServer) -> None:
    server.send(conn, response_head(404, {"Content-Length": "0", "Connection": "close"}))


def page(
    body: bytes | str,
    *,
    status: int = 200,
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> Handler:
    data = body.encode("utf-8") if isinstance(body, str) else body

    def handle(conn: socket.socket, request: RawRequest, server: LoopbackServer) -> None:
        head = {
            "Content-Type": content_type,
            "Content-Length": str(len(data)),
            "Connection": "close",
            **(headers or {}),
        }
        server.send(conn, response_head(status, head) + data)

    return handle


def redirect(location: str, status: int = 302) -> Handler:
    return page(b"", status=status, headers={"Location": location})


def trickle(interval: float = 0.2) -> Handler:
    """Headers at once, then one byte of body at a time, forever."""

    def handle(conn: socket.socket, request: RawRequest, server: LoopbackServer) -> None:
        server.send(conn, response_head(200, {"Content-Length": "100000"}) + b"<p>")
        while not server.stopping.wait(interval):
            server.send(conn, b"x")

    return handle


def endless(content_length: int | None = None, content_type: str = "text/html") -> Handler:
    """A body that never ends: chunked, or claiming ``content_length`` bytes (5 GB, say)."""
    filler = b"<p>" + b"la " * 21844 + b"</p>\n"  # 64 KiB of HTML, sent again and again

    def handle(conn: socket.socket, request: RawRequest, server: LoopbackServer) -> None:
        if content_length is None:
            server.send(conn, response_head(200, {"Transfer-Encoding": "chunked"}))
            piece = b"%x\r\n%s\r\n" % (len(filler), filler)
        else:
            server.send(
                conn,
                response_head(
                    200, {"Content-Length": str(content_length), "Content-Type": content_type}
                ),
            )
            piece = filler
        while not server.stopping.is_set():
            server.send(conn, piece)

    return handle


def never_answers(conn: socket.socket, request: RawRequest, server: LoopbackServer) -> None:
    server.stopping.wait()


def hangs_up(conn: socket.socket, request: RawRequest, server: LoopbackServer) -> None:
    return None


def speaks_gibberish(conn: socket.socket, request: RawRequest, server: LoopbackServer) -> None:
    server.send(conn, b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


def closed_port() -> int:
    """A loopback port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
