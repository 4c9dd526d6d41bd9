"""XML-RPC calls, responses and faults: parsed safely from untrusted bytes, written as UTF-8.

Parsing never resolves entities, never reads a DTD, and caps size, depth and element count.

    XMLRPCError                        a document we refuse; its fault code is what we answer
    ├── ParseError (-32700)            not well-formed, DOCTYPE, too large, too deep, too many
    ├── InvalidRequest (-32600)        well-formed but not a methodCall as the spec draws it
    ├── InvalidResponse (-32600)       well-formed but not a methodResponse as the spec draws it
    ├── MethodNotFound (-32601)        raised by a server, never by this module
    ├── InvalidParams (-32602)         a value is malformed or out of range
    └── InternalError (-32603)         raised by a server, never by this module

    XMLRPCFault                        the other side answered with a fault (code, message)
"""

from __future__ import annotations

import base64
import binascii
import decimal
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from lxml import etree

__all__ = [
    "MAX_CALL_BODY",
    "MAX_DEPTH",
    "MAX_ELEMENTS",
    "MAX_RESPONSE_BODY",
    "Fault",
    "InternalError",
    "InvalidParams",
    "InvalidRequest",
    "InvalidResponse",
    "MethodCall",
    "MethodNotFound",
    "ParseError",
    "XMLRPCError",
    "XMLRPCFault",
    "dump_call",
    "dump_fault",
    "dump_response",
    "parse_call",
    "parse_response",
]

MAX_CALL_BODY = 64 * 1024
MAX_RESPONSE_BODY = 1024 * 1024
MAX_ELEMENTS = 10_000
# methodCall/params/param/value is depth 4, and each array or struct adds 3 more,
# so 32 leaves room for 9 levels of nesting: far more than any real call needs.
MAX_DEPTH = 32

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
# Checked before int() ever sees the text, so a 100,000-digit "integer" costs nothing.
_INT_TEXT = re.compile(r"[+-]?[0-9]{1,20}")
_DOUBLE_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_MAX_DOUBLE_TEXT = 400
_DATETIME_TEXT = re.compile(
    r"(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d{1,6})\d*)?"
    r"(Z|[+-]\d{2}:?\d{2})?"
)
_METHOD_NAME = re.compile(r"[A-Za-z0-9_.:/]{1,256}")
_XML_DECL = re.compile(rb"<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']")
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)
# Encodings in which every ASCII character is its own byte, so the raw-byte checks
# above see what the parser will see; anything else could smuggle a DOCTYPE past them.
_ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "iso-8859-1": "iso-8859-1",
    "latin-1": "iso-8859-1",
    "latin1": "iso-8859-1",
}
_UTF8_BOM = b"\xef\xbb\xbf"
_FEED_CHUNK = 8192
# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NIL_NAMESPACES = (None, "http://ws.apache.org/xmlrpc/namespaces/extensions")


class XMLRPCError(Exception):
    """A document refused before any method runs; ``fault_code`` is the interop code.

    Messages are fixed strings written here, never text from the input or from an
    exception, so a fault built from one leaks nothing.
    """

    fault_code: int = -32603
    default_message: str = "Internal error."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.default_message)

    @property
    def message(self) -> str:
        return str(self.args[0])


class ParseError(XMLRPCError):
    fault_code = -32700
    default_message = "Parse error: the document is not well-formed XML."


class InvalidRequest(XMLRPCError):
    fault_code = -32600
    default_message = "Invalid request: the document is not an XML-RPC methodCall."


class InvalidResponse(XMLRPCError):
    fault_code = -32600
    default_message = "Invalid response: the document is not an XML-RPC methodResponse."


class MethodNotFound(XMLRPCError):
    fault_code = -32601
    default_message = "Method not found."


class InvalidParams(XMLRPCError):
    fault_code = -32602
    default_message = "Invalid parameters."


class InternalError(XMLRPCError):
    fault_code = -32603
    default_message = "Internal error."


class XMLRPCFault(Exception):
    """The other side answered with a fault: its code and its message, as sent."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"XML-RPC fault {self.code}: {self.message}"


# The brief's two names for one thing: ``except Fault`` reads well in a client.
Fault = XMLRPCFault


@dataclass(frozen=True)
class MethodCall:
    """A parsed ``methodCall``: the method's name and its parameters, decoded."""

    method_name: str
    params: tuple[Any, ...]


# ---------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True)
class _Context:
    """Which document is being read, so refusals name it and use the right class."""

    noun: str  # "request" or "response"
    structure_error: type[XMLRPCError]
    value_error: type[XMLRPCError]


_CALL = _Context("request", InvalidRequest, InvalidParams)
_RESPONSE = _Context("response", InvalidResponse, InvalidResponse)


def parse_call(
    body: bytes,
    *,
    max_body: int = MAX_CALL_BODY,
    max_elements: int = MAX_ELEMENTS,
    max_depth: int = MAX_DEPTH,
) -> MethodCall:
    """Parse a ``methodCall`` from untrusted bytes.

    Raises ParseError, InvalidRequest or InvalidParams, whose messages are safe to
    send back as a fault string.
    """
    root = _parse_document(body, _CALL, max_body, max_elements, max_depth)
    if root.tag != "methodCall":
        raise InvalidRequest("Invalid request: the root element must be methodCall.")
    _no_text(root, _CALL)
    method_name: str | None = None
    params: tuple[Any, ...] | None = None
    for child in root:
        if child.tag == "methodName" and method_name is None:
            method_name = _method_name(child)
        elif child.tag == "params" and params is None:
            params = tuple(_params(child, _CALL))
        else:
            raise InvalidRequest("Invalid request: methodCall holds an unexpected element.")
    if method_name is None:
        raise InvalidRequest("Invalid request: methodName is missing.")
    # Several clients leave out an empty <params/>; the spec's examples never do.
    return MethodCall(method_name, params or ())


def parse_response(
    body: bytes,
    *,
    max_body: int = MAX_RESPONSE_BODY,
    max_elements: int = MAX_ELEMENTS,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """The single value of a ``methodResponse``, or XMLRPCFault for a fault response.

    Raises ParseError for bytes that are not a safe, well-formed document and
    InvalidResponse for one that is not a methodResponse.
    """
    root = _parse_document(body, _RESPONSE, max_body, max_elements, max_depth)
    if root.tag != "methodResponse":
        raise InvalidResponse("Invalid response: the root element must be methodResponse.")
    _no_text(root, _RESPONSE)
    children = list(root)
    if len(children) != 1:
        raise InvalidResponse("Invalid response: methodResponse must hold params or a fault.")
    (child,) = children
    if child.tag == "params":
        values = _params(child, _RESPONSE)
        if len(values) != 1:
            raise InvalidResponse("Invalid response: a response must hold exactly one value.")
        return values[0]
    if child.tag == "fault":
        raise _fault(child)
    raise InvalidResponse("Invalid response: methodResponse must hold params or a fault.")


def _parse_document(
    body: bytes, context: _Context, max_body: int, max_elements: int, max_depth: int
) -> etree._Element:
    noun = context.noun
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError("XML-RPC documents are bytes")
    body = bytes(body)
    if len(body) > max_body:
        raise ParseError(f"Parse error: the {noun} is too large.")
    start = body[len(_UTF8_BOM) :] if body.startswith(_UTF8_BOM) else body
    start = start.lstrip(b" \t\r\n")
    if not start:
        raise ParseError(f"Parse error: the {noun} is empty.")
    # A document in UTF-16, UTF-32 or EBCDIC would hide a DOCTYPE from the byte scan
    # below; it never starts with an ASCII "<", and gzip bytes never do either.
    if not start.startswith(b"<") or b"\x00" in start:
        raise ParseError(f"Parse error: the {noun} is not well-formed XML.")
    # Refused before parsing, so an entity bomb never reaches the parser at all.
    # (A CDATA section that quotes "<!DOCTYPE" is refused too: no XML-RPC caller needs one.)
    if _DECLARATION.search(body):
        raise ParseError("Parse error: DOCTYPE declarations are not accepted.")
    encoding = _encoding(start[:512], noun)

    parser = etree.XMLPullParser(
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        # Overrides the declaration: the encoding checked above is the one used.
        encoding=encoding,
    )
    counter = _Counter(noun, max_elements, max_depth)
    try:
        for offset in range(0, len(body), _FEED_CHUNK):
            parser.feed(body[offset : offset + _FEED_CHUNK])
            counter.count(parser.read_events())
        root = parser.close()
    except etree.LxmlError:
        # lxml refuses nesting past 256 itself; the events it queued first say so
        # in our words, since lxml's message quotes the input.
        counter.count(parser.read_events())
        raise ParseError(f"Parse error: the {noun} is not well-formed XML.") from None
    docinfo = root.getroottree().docinfo
    # Unreachable after the byte scan, unless that scan is ever loosened.
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ParseError("Parse error: DOCTYPE declarations are not accepted.")
    return root


class _Counter:
    """Depth and element count over parser events, refusing as soon as a cap is passed."""

    def __init__(self, noun: str, max_elements: int, max_depth: int) -> None:
        self.noun = noun
        self.max_elements = max_elements
        self.max_depth = max_depth
        self.depth = 0
        self.elements = 0

    def count(self, events: Iterator[tuple[str, Any]]) -> None:
        for event, _element in events:
            if event != "start":
                self.depth -= 1
                continue
            self.depth += 1
            self.elements += 1
            if self.depth > self.max_depth:
                raise ParseError(f"Parse error: the {self.noun} is nested too deeply.")
            if self.elements > self.max_elements:
                raise ParseError(f"Parse error: the {self.noun} has too many elements.")


def _encoding(prolog: bytes, noun: str) -> str:
    match = _XML_DECL.match(prolog)
    if match is None:
        return "utf-8"
    declared = match.group(1).decode("ascii").lower()
    if declared not in _ENCODINGS:
        raise ParseError(f"Parse error: the {noun} must be UTF-8, ASCII or ISO-8859-1.")
    return _ENCODINGS[declared]


def _no_text(element: etree._Element, context: _Context, *, in_value: bool = False) -> None:
    """Refuse stray text around structural elements (whitespace is fine)."""
    stray = bool(element.text and element.text.strip()) or any(
        child.tail and child.tail.strip() for child in element
    )
    if stray and in_value:
        raise context.value_error(_value_message(context, "a value holds stray text"))
    if stray:
        raise context.structure_error(_structure_message(context))


def _structure_message(context: _Context) -> str:
    if context is _CALL:
        return "Invalid request: the request does not follow the XML-RPC structure."
    return "Invalid response: the response does not follow the XML-RPC structure."


def _method_name(element: etree._Element) -> str:
    if len(element):
        raise InvalidRequest("Invalid request: methodName must be plain text.")
    name = (element.text or "").strip()
    if not _METHOD_NAME.fullmatch(name):
        raise InvalidRequest("Invalid request: methodName is missing or not a valid name.")
    return name


def _params(element: etree._Element, context: _Context) -> list[Any]:
    _no_text(element, context)
    values = []
    for param in element:
        if param.tag != "param":
            raise context.structure_error(_structure_message(context))
        _no_text(param, context)
        children = list(param)
        if len(children) != 1 or children[0].tag != "value":
            raise context.structure_error(_structure_message(context))
        values.append(_value(children[0], context))
    return values


def _fault(element: etree._Element) -> XMLRPCFault:
    _no_text(element, _RESPONSE)
    children = list(element)
    if len(children) != 1 or children[0].tag != "value":
        raise InvalidResponse("Invalid response: the fault is malformed.")
    fault = _value(children[0], _RESPONSE)
    if not isinstance(fault, dict):
        raise InvalidResponse("Invalid response: the fault is malformed.")
    code = fault.get("faultCode")
    message = fault.get("faultString", "")
    if not isinstance(code, int) or isinstance(code, bool) or not isinstance(message, str):
        raise InvalidResponse("Invalid response: the fault is malformed.")
    return XMLRPCFault(code, message)


def _value(element: etree._Element, context: _Context) -> Any:
    # Recursion is safe here: the document's depth is capped before decoding starts.
    bad = context.value_error
    children = list(element)
    if not children:
        return element.text or ""  # An untyped value is a string.
    if len(children) > 1:
        raise bad(_value_message(context, "a value holds more than one type"))
    _no_text(element, context, in_value=True)
    (typed,) = children
    tag = typed.tag
    if not isinstance(tag, str):
        raise bad(_value_message(context, "a value has an unknown type"))
    qname = etree.QName(typed)
    if qname.localname == "nil" and qname.namespace in _NIL_NAMESPACES:
        if len(typed) or (typed.text and typed.text.strip()):
            raise bad(_value_message(context, "nil must be empty"))
        return None
    if tag == "struct":
        return _struct(typed, context)
    if tag == "array":
        return _array(typed, context)
    if len(typed):
        raise bad(_value_message(context, "a scalar value holds an element"))
    text = typed.text or ""
    if tag == "string":
        return text
    if tag in ("int", "i4"):
        return _integer(text, _INT32, context)
    if tag == "i8":
        return _integer(text, _INT64, context)
    if tag == "boolean":
        return _boolean(text, context)
    if tag == "double":
        return _double(text, context)
    if tag == "dateTime.iso8601":
        return _datetime(text, context)
    if tag == "base64":
        return _base64(text, context)
    raise bad(_value_message(context, "a value has an unknown type"))


def _value_message(context: _Context, problem: str) -> str:
    if context is _CALL:
        return f"Invalid parameters: {problem}."
    return f"Invalid response: {problem}."


def _integer(text: str, bounds: tuple[int, int], context: _Context) -> int:
    text = text.strip()
    if not _INT_TEXT.fullmatch(text):
        raise context.value_error(_value_message(context, "an integer is malformed or too large"))
    number = int(text)
    if not bounds[0] <= number <= bounds[1]:
        raise context.value_error(_value_message(context, "an integer is out of range"))
    return number


def _boolean(text: str, context: _Context) -> bool:
    text = text.strip().lower()
    # The spec says 0 or 1; a few servers write true and false.
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise context.value_error(_value_message(context, "a boolean is neither 0 nor 1"))


def _double(text: str, context: _Context) -> float:
    text = text.strip()
    if len(text) > _MAX_DOUBLE_TEXT or not _DOUBLE_TEXT.fullmatch(text):
        raise context.value_error(_value_message(context, "a double is malformed"))
    number = float(text)
    if not math.isfinite(number):
        raise context.value_error(_value_message(context, "a double is out of range"))
    return number


def _datetime(text: str, context: _Context) -> datetime:
    match = _DATETIME_TEXT.fullmatch(text.strip())
    if match is None:
        raise context.value_error(_value_message(context, "a dateTime.iso8601 is malformed"))
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    tzinfo = None
    if zone == "Z":
        tzinfo = timezone.utc
    elif zone:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        if offset >= timedelta(hours=24):
            raise context.value_error(_value_message(context, "a dateTime.iso8601 is malformed"))
        tzinfo = timezone(sign * offset)
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((fraction or "0").ljust(6, "0")),
            tzinfo=tzinfo,
        )
    except ValueError:
        raise context.value_error(
            _value_message(context, "a dateTime.iso8601 is not a real date")
        ) from None


def _base64(text: str, context: _Context) -> bytes:
    # Python's own client wraps base64 at 76 characters; whitespace means nothing here.
    compact = "".join(text.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise context.value_error(_value_message(context, "a base64 value is malformed")) from None


def _struct(element: etree._Element, context: _Context) -> dict[str, Any]:
    _no_text(element, context, in_value=True)
    result: dict[str, Any] = {}
    for member in element:
        if member.tag != "member":
            raise context.value_error(_value_message(context, "a struct is malformed"))
        _no_text(member, context, in_value=True)
        name: str | None = None
        value: Any = None
        seen_value = False
        for part in member:
            if part.tag == "name" and name is None and not len(part):
                name = part.text or ""
            elif part.tag == "value" and not seen_value:
                value = _value(part, context)
                seen_value = True
            else:
                raise context.value_error(_value_message(context, "a struct member is malformed"))
        if name is None or not seen_value:
            raise context.value_error(_value_message(context, "a struct member is malformed"))
        result[name] = value
    return result


def _array(element: etree._Element, context: _Context) -> list[Any]:
    _no_text(element, context, in_value=True)
    children = list(element)
    if len(children) != 1 or children[0].tag != "data":
        raise context.value_error(_value_message(context, "an array is malformed"))
    (data,) = children
    _no_text(data, context, in_value=True)
    values = []
    for item in data:
        if item.tag != "value":
            raise context.value_error(_value_message(context, "an array is malformed"))
        values.append(_value(item, context))
    return values


# ---------------------------------------------------------------------------
# Writing


def _decimal_notation(value: float) -> str:
    """The shortest repr of a float, written out without an exponent."""
    text = format(decimal.Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def dump_call(method_name: str, params: Sequence[Any]) -> bytes:
    """A UTF-8 ``methodCall`` document calling ``method_name`` with ``params``."""
    if not _METHOD_NAME.fullmatch(method_name):
        raise ValueError("an XML-RPC method name is 1-256 of A-Z a-z 0-9 _ . : /")
    parts = ["<methodCall><methodName>", method_name, "</methodName><params>"]
    for param in params:
        parts.append("<param>")
        parts.extend(_dump_value(param))
        parts.append("</param>")
    parts.append("</params></methodCall>")
    return _document(parts)


def dump_response(value: Any) -> bytes:
    """A UTF-8 ``methodResponse`` document carrying one value."""
    parts = ["<methodResponse><params><param>", *_dump_value(value), "</param></params>"]
    parts.append("</methodResponse>")
    return _document(parts)


def dump_fault(code: int, message: str) -> bytes:
    """A UTF-8 ``methodResponse`` document carrying a fault."""
    if isinstance(code, bool) or not isinstance(code, int):
        raise TypeError("a fault code is an int")
    fault = {"faultCode": code, "faultString": message}
    parts = ["<methodResponse><fault>", *_dump_value(fault), "</fault></methodResponse>"]
    return _document(parts)


def _document(parts: list[str]) -> bytes:
    return ('<?xml version="1.0"?>\n' + "".join(parts) + "\n").encode("utf-8")


def _dump_value(value: Any) -> Iterator[str]:
    # Nesting follows the caller's data, and Python's recursion limit bounds it.
    yield "<value>"
    if value is None:
        yield "<nil/>"
    elif isinstance(value, bool):
        yield f"<boolean>{int(value)}</boolean>"
    elif isinstance(value, int):
        if _INT32[0] <= value <= _INT32[1]:
            yield f"<int>{value}</int>"
        elif _INT64[0] <= value <= _INT64[1]:
            yield f"<i8>{value}</i8>"
        else:
            raise OverflowError("XML-RPC integers are at most 64 bits")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("XML-RPC has no infinity or NaN")
        # XML-RPC allows decimal notation only: 1e+20 must go out as 100000000000000000000.0
        yield f"<double>{_decimal_notation(value)}</double>"
    elif isinstance(value, str):
        yield f"<string>{_escape(value)}</string>"
    elif isinstance(value, bytes | bytearray | memoryview):
        yield f"<base64>{base64.b64encode(bytes(value)).decode('ascii')}</base64>"
    elif isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            # XML-RPC dates carry no zone; UTC is the only reading a receiver can share.
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        # strftime's %Y does not pad years before 1000 on every platform.
        stamp = (
            f"{value.year:04d}{value.month:02d}{value.day:02d}"
            f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
        )
        yield f"<dateTime.iso8601>{stamp}</dateTime.iso8601>"
    elif isinstance(value, Mapping):
        yield "<struct>"
        for name, member in value.items():
            if not isinstance(name, str):
                raise TypeError("XML-RPC struct member names are strings")
            yield f"<member><name>{_escape(name)}</name>"
            yield from _dump_value(member)
            yield "</member>"
        yield "</struct>"
    elif isinstance(value, list | tuple):
        yield "<array><data>"
        for item in value:
            yield from _dump_value(item)
        yield "</data></array>"
    else:
        raise TypeError(f"XML-RPC cannot encode a {type(value).__name__}")
    yield "</value>"


def _escape(text: str) -> str:
    if _NOT_XML.search(text):
        raise ValueError("the string holds characters XML 1.0 cannot carry")
    # A raw CR would come back as LF after XML's line-end normalisation.
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )
