"""The load's network guard, in every web and queue worker: log each connection, stay on loopback.

``install(log_path)`` makes the process log every connection it opens (one
line: pid, host, port) and refuse, unsent, any destination off loopback and
any DNS lookup of a name other than localhost, so the load can count what the
servers and queue workers contacted and can never reach past this machine.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
from typing import Any


def is_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def install(log_path: str) -> None:
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def record(family: int, address: Any) -> None:
        if family not in (socket.AF_INET, socket.AF_INET6):
            return
        host, port = address[0], address[1]
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {host} {port}\n")
        if not is_loopback(host):
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

    socket.socket.connect = connect  # type: ignore[method-assign, assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign, assignment]
    socket.getaddrinfo = getaddrinfo
