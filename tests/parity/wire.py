"""Pings as raw HTTP: a request written byte for byte, sent over a socket, its answer read.

A socket rather than an HTTP client, so that a case can send what clients
refuse to: a foreign Host header, a chunked body, control characters in a URL.
Each request is a template: ``{port}`` is the site's port and ``{source}`` the
source server's root URL, filled in for each site.
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pingcore import xmlrpc

Fill = Callable[[str], str]
XML = "text/xml"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Call:
    """An XML-RPC call: its method name and parameters (strings are templates)."""

    method: str
    params: Sequence[Any]


@dataclass(frozen=True)
class Request:
    """One HTTP request to a site. The body is a ``call``, a ``form`` or ``raw`` text."""

    path: str
    method: str = "POST"
    host: str = "blog.test:{port}"
    content_type: str | None = None
    call: Call | None = None
    form: tuple[tuple[str, str], ...] | None = None
    raw: str = ""
    chunked: bool = False

    def body(self, fill: Fill) -> bytes:
        if self.call is not None:
            return xmlrpc_call(self.call, fill)
        if self.form is not None:
            return urlencode([(name, fill(value)) for name, value in self.form]).encode()
        return fill(self.raw).encode()

    def render(self, fill: Fill) -> bytes:
        """The request's bytes on the wire, for the site ``fill`` fills in."""
        body = self.body(fill)
        head = [f"{self.method} {self.path} HTTP/1.1", f"Host: {fill(self.host)}"]
        head.append("Connection: close")
        if self.content_type:
            head.append(f"Content-Type: {self.content_type}")
        if self.chunked:
            head.append("Transfer-Encoding: chunked")
            payload = chunked(body)
        else:
            if body or self.method == "POST":
                head.append(f"Content-Length: {len(body)}")
            payload = body
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + payload


def chunked(body: bytes) -> bytes:
    """``body`` in two chunks, then the last one: as a streaming client would send it."""
    half = len(body) // 2
    parts = [part for part in (body[:half], body[half:]) if part]
    framed = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in parts)
    return framed + b"0\r\n\r\n"


def _xml_text(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # An XML parser turns a raw CR into LF; a character reference keeps it a CR.
    return escaped.replace("\r", "&#13;").replace("\t", "&#9;")


def _xml_value(value: Any, fill: Fill) -> str:
    if isinstance(value, bool):
        return f"<value><boolean>{int(value)}</boolean></value>"
    if isinstance(value, int):
        return f"<value><int>{value}</int></value>"
    if isinstance(value, str):
        return f"<value><string>{_xml_text(fill(value))}</string></value>"
    if isinstance(value, (list, tuple)):
        items = "".join(_xml_value(item, fill) for item in value)
        return f"<value><array><data>{items}</data></array></value>"
    raise TypeError(f"no XML-RPC value for {value!r}")


def xmlrpc_call(call: Call, fill: Fill) -> bytes:
    params = "".join(f"<param>{_xml_value(param, fill)}</param>" for param in call.params)
    return (
        f'<?xml version="1.0"?>\n<methodCall><methodName>{call.method}</methodName>'
        f"<params>{params}</params></methodCall>\n"
    ).encode()


@dataclass(frozen=True)
class Answer:
    """What a site answered, as the specs name it: a fault code, success, or an HTTP status."""

    kind: str  # "fault", "registered" (an XML-RPC success) or "http"
    code: int

    def __str__(self) -> str:
        if self.kind == "fault":
            return f"fault {self.code}"
        if self.kind == "registered":
            return "registered"
        return f"HTTP {self.code}"

    __repr__ = __str__


def fault(code: int) -> Answer:
    return Answer("fault", code)


def status(code: int) -> Answer:
    return Answer("http", code)


REGISTERED = Answer("registered", 200)


def exchange(port: int, data: bytes) -> tuple[int, str, bytes]:
    """Send ``data`` to 127.0.0.1:``port``; the response's status, content type and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(data)
        response = http.client.HTTPResponse(sock)
        try:
            response.begin()
            body = response.read()
        finally:
            response.close()
    return response.status, response.getheader("Content-Type") or "", body


def read_answer(status_code: int, content_type: str, body: bytes) -> Answer:
    """An XML-RPC answer (HTTP 200 with XML) as a fault or success; anything else by status."""
    if status_code != 200 or "xml" not in content_type:
        return status(status_code)
    try:
        xmlrpc.parse_response(body)
    except xmlrpc.XMLRPCFault as exc:
        return fault(exc.code)
    return REGISTERED
