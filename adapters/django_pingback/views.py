"""The Pingback (XML-RPC) and Webmention endpoints as Django views.

Each view reads the request into the core's ``IncomingRequest`` (one place)
and writes the core's ``Response`` out (one place); they work without
``INSTALLED_APPS``, under WSGI and ASGI.
"""

from __future__ import annotations

import logging
from functools import partial

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from pingcore import IncomingRequest, Response, SettingError
from pingcore.server import MAX_CALL_BYTES, fault_response
from pingcore.webmention import MAX_FORM_BYTES, text_response

from .checks import register_checks
from .conf import pingback_settings
from .receiving import pingback_server, webmention_receiver
from .targets import SiteContext

__all__ = ["server_view", "webmention_view"]

logger = logging.getLogger("django_pingback")

# A site may use the views without listing the app: registering here too gets
# it the checks (the registry keeps a set, so apps.py registering again is harmless).
register_checks()


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The body, up to one byte past the core's limit: enough for it to answer 413.

    A chunked body has no Content-Length, and Django then reads it as empty;
    a WSGI server that decodes chunks (gunicorn, werkzeug) marks the input as
    terminated, so it is read from the input itself, to its end or the limit.
    """
    environ = getattr(request, "environ", {})
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if not environ.get("CONTENT_LENGTH") and (chunked or environ.get("wsgi.input_terminated")):
        stream = environ["wsgi.input"]
        chunks, size = [], 0
        while size <= limit:
            chunk = stream.read(limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    return request.read(limit + 1)


def incoming(request: HttpRequest, limit: int) -> IncomingRequest:
    """The one place a Django request goes into the core."""
    return IncomingRequest(
        method=request.method or "",
        body=read_body(request, limit),
        content_type=request.META.get("CONTENT_TYPE"),
        remote_addr=request.META.get("REMOTE_ADDR") or None,
        host=request.get_host(),
    )


def django_response(answer: Response) -> HttpResponse:
    """The one place the core's answer comes out as Django's."""
    return HttpResponse(answer.body, status=answer.status, headers=dict(answer.headers))


def misconfigured(exc: SettingError, *, xmlrpc: bool) -> HttpResponse:
    logger.error("pingbacks are refused until this setting is fixed: %s", exc)
    if xmlrpc:
        return django_response(fault_response(0, "The server is misconfigured."))
    return django_response(text_response(500, "The server is misconfigured; try again later."))


@csrf_exempt
def server_view(request: HttpRequest) -> HttpResponse:
    """The XML-RPC endpoint: ``path("pingback/", server_view, name="pingback")``."""
    try:
        server = pingback_server(request)
    except SettingError as exc:
        return misconfigured(exc, xmlrpc=True)
    return django_response(server.handle_request(incoming(request, MAX_CALL_BYTES)))


@csrf_exempt
def webmention_view(request: HttpRequest) -> HttpResponse:
    """The Webmention endpoint: ``path("webmention/", webmention_view, name="webmention")``.

    With ``PINGBACK_WEBMENTION_ASYNC`` the target is checked at once, the
    source verified in a task, and the request answered 202.
    """
    site = SiteContext.from_request(request)
    try:
        queue = None
        if pingback_settings.webmention_async:
            from .tasks import enqueue_verification

            queue = partial(enqueue_verification, site)
        receiver = webmention_receiver(request, site, queue=queue)
    except SettingError as exc:
        return misconfigured(exc, xmlrpc=False)
    return django_response(receiver.handle_request(incoming(request, MAX_FORM_BYTES)))


# The endpoints exist but take no pings themselves (fault 33).
server_view.is_ping_endpoint = True  # type: ignore[attr-defined]
webmention_view.is_ping_endpoint = True  # type: ignore[attr-defined]
