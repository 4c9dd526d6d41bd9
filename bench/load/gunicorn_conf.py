"""gunicorn settings for the load: a network guard in every worker.

Each worker logs every connection it opens (one line: pid, host, port) to
$PINGCORE_LOAD_DIR/connections.log, and refuses, unsent, any destination off
loopback and any DNS lookup of a name other than localhost, so the load can
count what the servers contacted and can never reach past this machine.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from typing import Any

bind = os.environ.get("PINGCORE_LOAD_BIND", "127.0.0.1:0")
workers = int(os.environ.get("PINGCORE_LOAD_WORKERS", "2"))
threads = int(os.environ.get("PINGCORE_LOAD_THREADS", "50"))
worker_class = "gthread"
backlog = 2048
timeout = 60
graceful_timeout = 5
accesslog = None
loglevel = "warning"


def _loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def post_fork(server: Any, worker: Any) -> None:
    log_path = os.path.join(os.environ["PINGCORE_LOAD_DIR"], "connections.log")
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def record(family: int, address: Any) -> None:
        if family not in (socket.AF_INET, socket.AF_INET6):
            return
        host, port = address[0], address[1]
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {host} {port}\n")
        if not _loopback(host):
            raise OSError(errno.ENETUNREACH, f"load guard: {host} is off loopback")

    def connect(sock: socket.socket, address: Any) -> None:
        record(sock.family, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        record(sock.family, address)
        return real_connect_ex(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        try:
            ipaddress.ip_address(name.strip("[]").split("%")[0])
        except ValueError:
            try:
                socket.inet_aton(name)  # 127.1, 2130706433, 0x7f000001: numeric forms
            except OSError:
                if name.lower() != "localhost":
                    raise socket.gaierror(socket.EAI_NONAME, f"load guard: {name}") from None
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
