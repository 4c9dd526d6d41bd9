"""What Django knows of the site's pages, for the core's ``Site``: routing and a GET of a page.

The rules (whose host, which redirect, what exists, the canonical URL) are
pingcore's (``pingcore.site``); this module only asks Django's urlconf which
view a path routes to, and Django's own handler (the site's middleware and
view) what a GET of the path answers.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from types import ModuleType
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest
from django.urls import Resolver404, get_script_prefix, get_urlconf, resolve, set_urlconf

from pingcore import HostPattern, PageMatch, PingbackSettings, Probe, Site, SiteHosts
from pingcore.hosts import parse_patterns

from .conf import current

__all__ = ["DjangoPages", "SiteContext", "site_for", "site_hosts"]

# What Django's HttpRequest.get_host() accepts with DEBUG on and ALLOWED_HOSTS empty.
_DEBUG_ALLOWED_HOSTS = [".localhost", "127.0.0.1", "[::1]"]


@dataclass(frozen=True)
class SiteContext:
    """The parts of a request that decide what its target URLs name; JSON-able for a task."""

    host: str | None
    urlconf: str | None = None
    script_prefix: str = "/"

    @classmethod
    def from_request(cls, request: HttpRequest) -> SiteContext:
        # get_host() raises DisallowedHost for a host outside ALLOWED_HOSTS, which
        # Django answers 400: a ping sent to a foreign Host header goes no further.
        urlconf: str | ModuleType | None = getattr(request, "urlconf", None)
        if isinstance(urlconf, ModuleType):
            urlconf = urlconf.__name__
        return cls(request.get_host(), urlconf, get_script_prefix())


def site_hosts(pingback: PingbackSettings | None = None) -> SiteHosts:
    """``PINGBACK_HOSTS``, else ``ALLOWED_HOSTS`` without ``*`` (which names no host of ours)."""
    configured: tuple[HostPattern, ...] = (pingback or current()).hosts
    if configured:
        return SiteHosts(configured)
    allowed = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed:
        allowed = _DEBUG_ALLOWED_HOSTS
    try:
        return SiteHosts(parse_patterns(allowed))
    except ValueError:
        return SiteHosts()  # an entry no host can match; check W006 names it


class DjangoPages:
    """The urlconf and the handler of one site, as ``pingcore.site.SitePages``."""

    def __init__(self, context: SiteContext) -> None:
        self.context = context

    def match(self, url: str, path: str) -> PageMatch | None:
        try:
            match = resolve(path, urlconf=self.context.urlconf)
        except Resolver404:
            return None
        return PageMatch(
            match.func,
            args=tuple(match.args),
            kwargs=dict(match.kwargs),
            takes_pings=not getattr(match.func, "is_ping_endpoint", False),
        )

    def probe(self, url: str, path: str) -> Probe:
        """A GET of the page through the site's middleware and view, as a visitor's would be."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        environ = {
            "REQUEST_METHOD": "GET",
            # WSGI carries the path's UTF-8 bytes as latin-1 characters.
            "PATH_INFO": path.encode("utf-8").decode("latin-1"),
            "SCRIPT_NAME": self.context.script_prefix.rstrip("/"),
            "QUERY_STRING": "",
            "SERVER_NAME": parts.hostname or "",
            "SERVER_PORT": str(parts.port or (443 if scheme == "https" else 80)),
            "HTTP_HOST": parts.netloc,
            "wsgi.url_scheme": scheme,
            "wsgi.input": io.BytesIO(b""),
            "REMOTE_ADDR": "127.0.0.1",
        }
        request = WSGIRequest(environ)
        if self.context.urlconf:
            request.urlconf = self.context.urlconf
        urlconf = get_urlconf()
        try:
            response = _handler().get_response(request)
        except Exception:
            return Probe(500)
        finally:
            set_urlconf(urlconf)  # get_response resets it for the thread
        try:
            location = (
                response.headers.get("Location") if 300 <= response.status_code < 400 else None
            )
            return Probe(response.status_code, location)
        finally:
            response.close()


_handlers: dict[tuple[str, ...], BaseHandler] = {}


def _handler() -> BaseHandler:
    """A handler with the site's middleware loaded (once per MIDDLEWARE setting)."""
    key = tuple(settings.MIDDLEWARE)
    handler = _handlers.get(key)
    if handler is None:
        handler = BaseHandler()
        handler.load_middleware()
        _handlers[key] = handler
    return handler


def site_for(context: SiteContext, pingback: PingbackSettings | None = None) -> Site:
    pingback = pingback or current()
    return Site(
        site_hosts(pingback),
        DjangoPages(context),
        script_prefix=context.script_prefix,
        targets=pingback.targets,
    )
