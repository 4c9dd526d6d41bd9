"""Which page of this site a target URL names, whether it exists, and its canonical URL.

The rule is the core's; an adapter supplies only what its framework knows
(``SitePages``): which view a path routes to, and what a GET of the path
answers. ``Site.resolve`` then decides, before any source is fetched:

1. the URL's host is the site's (``pingcore.hosts``), else fault 32;
2. its path lies under the site's script prefix, else 32;
3. the site's own redirects are followed (a missing trailing slash), staying
   on the site, at most ``MAX_REDIRECTS`` times;
4. the view takes pings: never the endpoints themselves or static files
   (fault 33), and with ``targets="pingable"`` only views marked ``@pingable``;
5. the page exists: the view's ``exists`` callable when it declared one
   (``@pingable(exists=...)``), else a GET of the page through the framework,
   where 404 or 410 (or any error) means there is no such page (fault 32).

The ``Target`` it returns carries the page's canonical URL: the site's
scheme and host as the site spells them, no default port, the path after the
site's redirects, no query and no fragment. Stored mentions are keyed on it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, overload
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from .errors import TargetNotFound, UnpingableTarget
from .hosts import SiteHosts
from .server import Target
from .urls import normalize_url

__all__ = [
    "PageMatch",
    "Probe",
    "Site",
    "SitePages",
    "exists_hook",
    "is_pingable",
    "pingable",
]

logger = logging.getLogger("pingcore.site")

MAX_REDIRECTS = 2
# What a path may hold unescaped (RFC 3986 pchar): the site's own spelling keeps them.
_PATH_SAFE = "/:@!$&'()*+,;=~"
PINGABLE_ATTRIBUTE = "pingback_pingable"
EXISTS_ATTRIBUTE = "pingback_exists"

F = TypeVar("F", bound=Callable[..., Any])


@overload
def pingable(view: F) -> F: ...


@overload
def pingable(*, exists: Callable[..., Any] | None = None) -> Callable[[F], F]: ...


def pingable(view: Any = None, *, exists: Callable[..., Any] | None = None) -> Any:
    """Mark a view that takes pings; ``exists(*args, **kwargs)`` says whether its page exists.

    ``@pingable`` alone marks the view (its pages advertise the endpoints, and
    with ``PINGBACK_TARGETS = "pingable"`` only marked views take pings); with
    ``exists``, the lookup replaces the GET of the page that otherwise tells a
    missing page from a real one: ``@pingable(exists=lambda slug:
    Post.objects.filter(slug=slug).exists())``. The view is returned as it is.
    """

    def mark(function: F) -> F:
        try:
            setattr(function, PINGABLE_ATTRIBUTE, True)
            setattr(function, EXISTS_ATTRIBUTE, exists)
        except AttributeError:  # a bound method or a builtin takes no attributes
            original = function

            @functools.wraps(original)
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                return original(*args, **kwargs)

            setattr(wrapper, PINGABLE_ATTRIBUTE, True)
            setattr(wrapper, EXISTS_ATTRIBUTE, exists)
            return wrapper  # type: ignore[return-value]
        return function

    return mark(view) if view is not None else mark


def is_pingable(view: object) -> bool:
    """Whether ``view`` was marked with ``@pingable``."""
    return bool(getattr(view, PINGABLE_ATTRIBUTE, False))


def exists_hook(view: object) -> Callable[..., Any] | None:
    """The ``exists`` lookup ``@pingable(exists=...)`` gave ``view``, or None."""
    hook = getattr(view, EXISTS_ATTRIBUTE, None)
    return hook if callable(hook) else None


@dataclass(frozen=True)
class PageMatch:
    """What the framework's URL routing found for a path."""

    view: Any
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    # The endpoints, static files: they exist, but take no pings (fault 33).
    takes_pings: bool = True


@dataclass(frozen=True)
class Probe:
    """What a GET of a page of this site answered: its status and, for a redirect, where to."""

    status: int
    location: str | None = None


class SitePages(Protocol):
    """What an adapter knows of its site's pages.

    ``url`` is the page's URL on a host of the site; ``path`` its path, decoded,
    under the site root.
    """

    def match(self, url: str, path: str) -> PageMatch | None:
        """The view the framework's routing finds for ``path``, or None when none does."""
        ...

    def probe(self, url: str, path: str) -> Probe:
        """What a GET of the page answers through the framework (status, redirect)."""
        ...


class Site:
    """The site a ping names a page of: its hosts, its root, and its pages.

    ``script_prefix`` is where the site is mounted ("/" or "/blog/").
    """

    def __init__(
        self,
        hosts: SiteHosts,
        pages: SitePages,
        *,
        script_prefix: str = "/",
        targets: str = "pages",
    ) -> None:
        self.hosts = hosts
        self.pages = pages
        root = script_prefix.strip("/")
        self.script_prefix = f"/{root}/" if root else "/"
        self.targets = targets

    def resolve(
        self,
        target_url: str,
        *,
        request_host: str | None = None,
        remote_addr: str | None = None,
    ) -> Target:
        """The ``Target`` a ping names; raises ``TargetNotFound`` (32) or ``UnpingableTarget`` (33).

        ``request_host`` and ``remote_addr`` are the ping request's (see ``pingcore.hosts``).
        """
        url = target_url
        for _ in range(MAX_REDIRECTS + 1):
            if not self.hosts.owns(url, request_host=request_host, remote_addr=remote_addr):
                raise TargetNotFound()
            path = self._site_path(url)
            if path is None:
                raise TargetNotFound()
            match = self.pages.match(url, path)
            if match is not None and not match.takes_pings:
                raise UnpingableTarget()
            hook = exists_hook(match.view) if match is not None else None
            if match is not None and hook is not None:
                self._check_pingable(match)
                if not self._exists(hook, match):
                    raise TargetNotFound()
                return self._target(url, path, match)
            probe = self.pages.probe(url, path)
            if 300 <= probe.status < 400 and probe.location:
                url = urljoin(url, probe.location)
                continue
            if match is None or probe.status >= 400:
                raise TargetNotFound()
            self._check_pingable(match)
            return self._target(url, path, match)
        raise TargetNotFound()  # the site redirects in circles

    def _site_path(self, url: str) -> str | None:
        """The URL's path as the site's routing sees it: decoded, without the script prefix."""
        path = unquote(urlsplit(url).path) or "/"
        if self.script_prefix != "/":
            if not (path + "/").startswith(self.script_prefix):
                return None
            path = "/" + path[len(self.script_prefix) :]
        return path

    def _check_pingable(self, match: PageMatch) -> None:
        if self.targets == "pingable" and not is_pingable(match.view):
            raise UnpingableTarget()

    @staticmethod
    def _exists(hook: Callable[..., Any], match: PageMatch) -> bool:
        try:
            return bool(hook(*match.args, **match.kwargs))
        except Exception:
            logger.exception("the exists hook of %r failed", match.view)
            return False

    def _target(self, url: str, path: str, match: PageMatch) -> Target:
        return Target(
            self.canonical_url(url, path),
            view=match.view,
            args=tuple(match.args),
            kwargs=dict(match.kwargs),
        )

    def canonical_url(self, url: str, path: str) -> str:
        """The page's one spelling: scheme, site host, no default port, path, no query."""
        scheme = urlsplit(url).scheme.lower()
        full_path = self.script_prefix.rstrip("/") + path
        return normalize_url(
            urlunsplit(
                (
                    scheme,
                    self.hosts.canonical_netloc(url),
                    quote(full_path, safe=_PATH_SAFE),
                    "",
                    "",
                )
            )
        )


def probe_status(status: int, headers: Mapping[str, str] | None = None) -> Probe:
    """A ``Probe`` from a response's status and headers (the adapters' shared step)."""
    location = None
    if headers is not None and 300 <= status < 400:
        location = headers.get("Location") or headers.get("location")
    return Probe(status, location)
