"""The little blog every parity site serves: three posts, two endpoints, its hosts.

Where the blog is: each site listens on 127.0.0.1 at a free port P, and is
configured with the host ``blog.test:P``. The suite connects to 127.0.0.1:P and
sends ``Host: blog.test:P``, as a visitor's browser would once ``blog.test``
pointed at this machine, so targets are written ``http://blog.test:P/posts/hello/``.
Each site also counts plain ``blog.test`` (port 80, where a proxy in front of it
would listen) as its own: that is how a target written ``http://blog.test:80/...``
tests the dropping of a default port without a server on port 80. No test
resolves ``blog.test``: the receivers only fetch sources, which are on 127.0.0.1.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

HOST = "blog.test"
# The posts, by slug: an ASCII one, one with a hyphen, and a non-ASCII one.
POSTS = {"hello": "Hello", "a-b": "A and B", "été": "Summer"}
PINGBACK_PATH = "/pingback/"
WEBMENTION_PATH = "/webmention/"
# Every fetch of a source waits at most this long: the sources are on loopback.
FETCH_TIMEOUT = 5.0


@dataclass(frozen=True)
class SiteConfig:
    """How a site is configured; the Django, Flask and core builders all read this one.

    ``any_host_header`` is Django's ``ALLOWED_HOSTS = ["*"]``: a request for any
    Host is served (Flask's ``TRUSTED_HOSTS`` unset). The site's own hosts for
    targets stay ``own_hosts`` whatever it is.
    """

    name: str = "standard"
    any_host_header: bool = False
    webmention_async: bool = False

    def own_hosts(self, port: int) -> tuple[str, ...]:
        return (f"{HOST}:{port}", HOST)


STANDARD = SiteConfig()
ANY_HOST_HEADER = SiteConfig("any-host-header", any_host_header=True)
ASYNC_WEBMENTION = SiteConfig("async-webmention", webmention_async=True)
CONFIGS = (STANDARD, ANY_HOST_HEADER, ASYNC_WEBMENTION)


def post_page(slug: str) -> str:
    """A post's page: the same HTML on every site."""
    title = escape(POSTS[slug])
    return (
        f"<!doctype html><html><head><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>A post of the little blog.</p></article></body></html>"
    )
