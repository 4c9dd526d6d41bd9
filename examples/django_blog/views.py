"""The blog's pages: a list of posts, and each post with the pings it received."""

from django.shortcuts import get_object_or_404, render

from django_pingback import pingback_headers
from django_pingback.storage.models import Pingback

from .models import Post


def index(request):
    return render(request, "django_blog/index.html", {"posts": Post.objects.all()})


@pingback_headers  # X-Pingback on the pages that take pings, beside {% pingback_link %}
def show_post(request, slug):
    post = get_object_or_404(Post, slug=slug)
    # The storage app keeps every verified ping, approved or not; a public site
    # would show approved ones only. This one shows all, marking those awaiting approval.
    url = request.build_absolute_uri(post.get_absolute_url())
    pings = Pingback.objects.for_target(url).order_by("created")
    return render(request, "django_blog/post.html", {"post": post, "pings": pings})
