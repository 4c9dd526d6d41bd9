"""pingdjack's README example, modernised: a pingback becomes a comment on a blog post.

The tests connect it only where they need it; the storage app's receiver serves the others.
"""

from django.shortcuts import get_object_or_404

import django_pingback

from .models import Post
from .views import show_post


def handle_pingback(sender, source_url, view, kwargs, author, excerpt, **extra):
    # Only blog posts take pings; any other page of the site answers fault 33.
    if view != show_post:
        raise django_pingback.UnpingableTarget

    # A post that does not exist (Http404) answers fault 32.
    post = get_object_or_404(Post, slug=kwargs["slug"])

    if post.comment_set.filter(type="pingback", url=source_url).exists():
        raise django_pingback.DuplicatePing

    post.comment_set.create(type="pingback", text=excerpt, author=author, url=source_url)
