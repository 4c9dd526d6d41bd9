"""A refusal met while pinging from a Flask app names the config key that lifts it."""

from __future__ import annotations

from pytest_httpserver import HTTPServer

from pingcore import Outcome, PingResult

from .blog import make_blog

FLASK_HINT = "Set PINGBACK_ALLOW_PRIVATE_ADDRESSES = True in the app's config to allow it."


def test_ping_links_names_the_private_address_key(httpserver_ipv4: HTTPServer) -> None:
    app = make_blog(PINGBACK_ALLOW_PRIVATE_ADDRESSES=False)
    target = httpserver_ipv4.url_for("/posts/hello/")
    with app.app_context():
        future = app.extensions["pingback"].extension.ping_links(
            "http://bob.example/posts/1", f'<a href="{target}">Alice</a>'
        )
    results: list[PingResult] = future.result(timeout=20)
    [result] = results
    assert result.outcome is Outcome.BLOCKED
    assert result.message.endswith(FLASK_HINT)
    assert "FetchPolicy" not in result.message


def test_the_queued_job_names_it_too(httpserver_ipv4: HTTPServer) -> None:
    # A queue's worker runs the job without the app: the words travel with the job.
    jobs = []
    app = make_blog(PINGBACK_ALLOW_PRIVATE_ADDRESSES=False, PINGBACK_QUEUE=jobs.append)
    target = httpserver_ipv4.url_for("/posts/hello/")
    with app.app_context():
        app.extensions["pingback"].extension.ping_links(
            "http://bob.example/posts/1", f'<a href="{target}">Alice</a>'
        )
    [job] = jobs
    [result] = job()
    assert result.message.endswith(FLASK_HINT)
