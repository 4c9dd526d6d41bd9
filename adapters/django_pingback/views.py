"""The Pingback (XML-RPC) and Webmention endpoints as Django views.

Each view translates the request into one call of the core and its answer back
into an ``HttpResponse``; they work without ``INSTALLED_APPS``, under WSGI and ASGI.
"""

from __future__ import annotations

from functools import partial

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from pingcore.server import MAX_CALL_BYTES, Response
from pingcore.webmention import MAX_FORM_BYTES

from .checks import register_checks
from .conf import pingback_settings
from .receiving import pingback_server, webmention_receiver
from .targets import SiteContext

__all__ = ["server_view", "webmention_view"]

# A site may use the views without listing the app: registering here too gets
# it the checks (the registry keeps a set, so apps.py registering again is harmless).
register_checks()


def read_body(request: HttpRequest, limit: int) -> bytes:
    # One byte past the core's limit is enough for it to answer 413, and a huge
    # body is never held in memory (request.body would read all of it first).
    return request.read(limit + 1)


def remote_addr(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def django_response(answer: Response) -> HttpResponse:
    return HttpResponse(answer.body, status=answer.status, headers=dict(answer.headers))


@csrf_exempt
def server_view(request: HttpRequest) -> HttpResponse:
    """The XML-RPC endpoint: ``path("pingback/", server_view, name="pingback")``."""
    server = pingback_server(request)
    answer = server.handle(
        read_body(request, MAX_CALL_BYTES),
        method=request.method or "",
        remote_addr=remote_addr(request),
    )
    return django_response(answer)


@csrf_exempt
def webmention_view(request: HttpRequest) -> HttpResponse:
    """The Webmention endpoint: ``path("webmention/", webmention_view, name="webmention")``.

    With ``PINGBACK_WEBMENTION_ASYNC`` the source is verified in a task and the
    request is answered 202 at once.
    """
    site = SiteContext.from_request(request)
    body = read_body(request, MAX_FORM_BYTES)
    queue = None
    if pingback_settings.webmention_async:
        from .tasks import enqueue_verification

        queue = partial(enqueue_verification, site)
    receiver = webmention_receiver(request, site, queue=queue)
    answer = receiver.handle(
        body,
        method=request.method or "",
        content_type=request.META.get("CONTENT_TYPE"),
        remote_addr=remote_addr(request),
    )
    return django_response(answer)


# resolve_target refuses pings naming the endpoints themselves.
server_view.is_ping_endpoint = True  # type: ignore[attr-defined]
webmention_view.is_ping_endpoint = True  # type: ignore[attr-defined]
