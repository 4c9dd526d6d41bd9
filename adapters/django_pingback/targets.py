"""Which page of this site a target URL names: its host checked, its path resolved by the urlconf.

``resolve_target`` is the hook pingcore's servers call; ``SiteContext`` is what
it needs to know of the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port, validate_host
from django.urls import Resolver404, get_script_prefix, resolve

from pingcore.errors import UnpingableTarget
from pingcore.server import Target

__all__ = ["SiteContext", "is_own_host", "resolve_target"]

# What Django's HttpRequest.get_host() accepts with DEBUG on and ALLOWED_HOSTS empty.
_DEBUG_ALLOWED_HOSTS = [".localhost", "127.0.0.1", "[::1]"]


@dataclass(frozen=True)
class SiteContext:
    """The parts of a request that decide what its target URLs name; JSON-able for a task."""

    host: str
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


def allowed_hosts() -> list[str]:
    if settings.DEBUG and not settings.ALLOWED_HOSTS:
        return _DEBUG_ALLOWED_HOSTS
    return list(settings.ALLOWED_HOSTS)


def is_own_host(site: SiteContext, target_url: str) -> bool:
    """True when the target's host is the request's or matches ``ALLOWED_HOSTS``.

    Ports are not compared, as Django's own host validation ignores them.
    """
    netloc = urlsplit(target_url).netloc.rpartition("@")[2]
    domain, _ = split_domain_port(netloc)
    if not domain:
        return False
    return domain == split_domain_port(site.host)[0] or validate_host(domain, allowed_hosts())


def _path_info(target_url: str, script_prefix: str) -> str | None:
    """The target's path as the urlconf sees it: decoded, without the script prefix."""
    path = unquote(urlsplit(target_url).path) or "/"
    if script_prefix != "/":
        if not path.startswith(script_prefix):
            return None
        path = "/" + path[len(script_prefix) :]
    return path


def resolve_target(site: SiteContext, target_url: str) -> Target | None:
    """The ``Target`` (view, args, kwargs) ``target_url`` names, or None for no page of this site.

    The endpoints themselves take no pings (fault 33).
    """
    if not is_own_host(site, target_url):
        return None
    path = _path_info(target_url, site.script_prefix)
    if path is None:
        return None
    try:
        match = resolve(path, urlconf=site.urlconf)
    except Resolver404:
        return None
    if getattr(match.func, "is_ping_endpoint", False):
        raise UnpingableTarget()
    return Target(target_url, view=match.func, args=tuple(match.args), kwargs=dict(match.kwargs))
