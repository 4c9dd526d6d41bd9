"""What the site's web process does in the queue tests, run as its own process.

``python queue_site.py ping SOURCE HTML MAX_WAIT`` enqueues a post's pings;
``python queue_site.py webmention SOURCE TARGET`` posts a Webmention to the
site's endpoint (through Django's test client) and prints the status.
"""

from __future__ import annotations

import sys
from urllib.parse import urlencode

import django


def main(action: str, *args: str) -> None:
    django.setup()
    from django.test import Client

    from django_adapter.blog.models import Post
    from django_pingback.tasks import ping_in_background

    if action == "ping":
        source, html, max_wait = args
        result = ping_in_background(source, html, "http://blog.example/", max_wait=float(max_wait))
        print(result.status)
    elif action == "webmention":
        source, target = args
        Post.objects.get_or_create(slug="hello", defaults={"title": "Hello"})
        form = urlencode({"source": source, "target": target})
        answer = Client().post(
            "/blog/webmention/", form, content_type="application/x-www-form-urlencoded"
        )
        print(answer.status_code)
    else:
        raise SystemExit(f"unknown action {action!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
