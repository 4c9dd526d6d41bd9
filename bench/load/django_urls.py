"""The Django load site's URLs: posts that take pings, and the two endpoints."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

import django_pingback


@django_pingback.pingback_headers
def show_post(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(f"<!doctype html><title>{slug}</title><h1>{slug}</h1>")


urlpatterns = [
    path("pingback/", django_pingback.server_view, name="pingback"),
    path("webmention/", django_pingback.webmention_view, name="webmention"),
    path("posts/<slug:slug>/", show_post, name="post"),
]
