"""The Django site of the little blog: its posts and the two endpoints, as the README sets them up.

Slugs take any word characters (``été`` too): Django's ``<slug:>`` converter is
ASCII only, so a blog with non-ASCII slugs registers a converter like this one.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path, register_converter

import django_pingback

from .blog import POSTS, post_page


class UnicodeSlugConverter:
    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "uslug")


@django_pingback.pingback_headers
def show_post(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in POSTS:
        raise Http404(f"No post {slug!r}.")
    return HttpResponse(post_page(slug))


urlpatterns = [
    path("posts/<uslug:slug>/", show_post, name="post"),
    path("pingback/", django_pingback.server_view, name="pingback"),
    path("webmention/", django_pingback.webmention_view, name="webmention"),
]
