"""The blog's pages; posts take pings and advertise the endpoints in headers and markup."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from django_pingback import pingback_headers

from .models import Post


@pingback_headers
def show_post(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post, slug=slug)
    return render(request, "blog/post_detail.html", {"post": post})


def show_post_markup_only(request: HttpRequest, slug: str) -> HttpResponse:
    """A post page that names the endpoint in its markup only, with no header."""
    post = get_object_or_404(Post, slug=slug)
    return render(request, "blog/post_detail.html", {"post": post})


@pingback_headers
async def show_post_async(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponse(f"<p>{slug}</p>")


def archive(request: HttpRequest, year: str) -> HttpResponse:
    return HttpResponse(f"Posts of {year}")


def about(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>About this blog.</p>")
