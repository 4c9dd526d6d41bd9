"""The tasks, run by the Tasks framework's immediate backend against loopback servers."""

from __future__ import annotations

import importlib.util
import json

import django
import pytest

from django_adapter.blog.models import Post
from django_pingback import tasks
from django_pingback.storage.models import Pingback


def test_tasks_come_from_django_on_django_6_and_from_the_backport_before():
    expected = "django.tasks" if django.VERSION >= (6,) else "django_tasks"
    assert importlib.util.find_spec(expected) is not None
    assert type(tasks.ping_post_links).__module__.startswith(expected)


@pytest.mark.django_db(transaction=True)
def test_ping_in_background_pings_every_external_link(live_server, settings, sources):
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True
    Post.objects.create(slug="hello", title="Hello")
    target = f"{live_server.url}/blog/hello/"
    html = (
        f'<p>See <a href="{target}">a post</a>, <a href="/about/">our page</a> and '
        f'<a href="http://127.0.0.1:9/closed">a closed port</a>.</p>'
    )
    sources.expect_request("/post").respond_with_data(html, content_type="text/html")
    source = sources.url_for("/post")
    root = sources.url_for("/")

    result = tasks.ping_in_background(source, html, root)

    summary = result.return_value
    assert json.loads(json.dumps(summary)) == summary
    assert [(ping["target_url"], ping["ok"]) for ping in summary] == [
        (target, True),
        ("http://127.0.0.1:9/closed", False),
    ]
    assert summary[0]["outcome"] == "registered"
    assert Pingback.objects.get().source_url == source


def test_ping_post_links_uses_the_sites_policy_by_default(settings, sources):
    # Without PINGBACK_ALLOW_PRIVATE_ADDRESSES the loopback target is refused.
    html = f'<a href="{sources.url_for("/target")}">x</a>'
    result = tasks.ping_post_links.enqueue("http://example.com/post", html, "http://example.com/")
    [ping] = result.return_value
    assert ping["outcome"] == "blocked"


@pytest.mark.django_db
def test_verify_webmention_task_reports_the_answer(settings, source_linking_to):
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True
    Post.objects.create(slug="hello", title="Hello")
    target = "http://testserver/blog/hello/"
    source = source_linking_to(target)
    site = {"host": "testserver", "urlconf": None, "script_prefix": "/"}
    result = tasks.verify_webmention.enqueue(source, target, "192.0.2.5", site)
    assert result.return_value == {"registered": True}
    assert Pingback.objects.get().source_url == source
