"""``pingcore inspect``: what a receiving server would read from the source, or its fault."""

from __future__ import annotations

from .helpers import Pingcore, Site

TARGET = "http://127.0.0.1:1/their-post/"  # never fetched: the server reads the source only

SOURCE_PAGE = f"""<!DOCTYPE html>
<html><head><title>Replying to a post | My notes</title></head>
<body><article class="h-entry">
<p class="byline">By <a class="p-author h-card" href="/">Jo Writer</a></p>
<p>Yesterday I read <a href="{TARGET}">their post on small sites</a>, and it changed my mind.</p>
</article></body></html>
"""


def test_the_title_author_and_excerpt_a_server_would_see(pingcore: Pingcore, site: Site) -> None:
    source = site.page("/my-post/", SOURCE_PAGE)
    run = pingcore("inspect", source, TARGET, "--allow-private")
    assert run.returncode == 0, run.stderr
    lines = dict(line.split(None, 1) for line in run.stdout.splitlines())
    assert lines["title"] == "Replying to a post | My notes"
    assert lines["author"] == "Jo Writer"
    assert lines["excerpt"] == (
        "Yesterday I read their post on small sites, and it changed my mind."
    )
    assert lines["link"] == "their post on small sites"


def test_a_source_without_an_author_shows_what_the_server_gives(
    pingcore: Pingcore, site: Site
) -> None:
    source = site.page("/my-post/", f'<p>Read <a href="{TARGET}">this</a>.</p>')
    run = pingcore("inspect", source, TARGET, "--allow-private")
    assert run.returncode == 0, run.stderr
    assert "(none named: a pingcore server gives the host, 127.0.0.1)" in run.stdout


def test_a_source_that_does_not_link_is_fault_17(pingcore: Pingcore, site: Site) -> None:
    source = site.page("/my-post/", '<p>No <a href="http://127.0.0.1:1/other/">link</a>.</p>')
    run = pingcore("inspect", source, TARGET, "--allow-private")
    assert run.returncode == 1
    line = run.error_line
    assert "a receiving server would answer fault 17" in line
    assert f"does not contain a link to {TARGET}" in line


def test_a_link_readers_cannot_see_is_fault_17_too(pingcore: Pingcore, site: Site) -> None:
    source = site.page("/my-post/", f'<p hidden><a href="{TARGET}">hidden</a></p>')
    run = pingcore("inspect", source, TARGET, "--allow-private")
    assert run.returncode == 1
    assert "fault 17" in run.error_line
    assert "only where readers cannot see it" in run.error_line


def test_a_source_that_answers_404_is_fault_16(pingcore: Pingcore, site: Site) -> None:
    site.server.expect_request("/my-post/").respond_with_data("not here", status=404)
    run = pingcore("inspect", site.url("/my-post/"), TARGET, "--allow-private")
    assert run.returncode == 1
    line = run.error_line
    assert "fault 16: The source URL could not be fetched." in line
    assert "answered 404" in line


def test_a_blocked_source_is_fault_16_with_the_policys_reason(
    pingcore: Pingcore, site: Site
) -> None:
    source = site.page("/my-post/", SOURCE_PAGE)
    run = pingcore("inspect", source, TARGET)
    assert run.returncode == 1
    line = run.error_line
    assert "fault 16" in line
    assert "non-public address (loopback)" in line
    assert site.requests_to("/my-post/") == 0


def test_an_unreachable_source_is_fault_16(pingcore: Pingcore, closed_port: int) -> None:
    source = f"http://127.0.0.1:{closed_port}/my-post/"
    run = pingcore("inspect", source, TARGET, "--allow-private")
    assert run.returncode == 1
    assert "fault 16" in run.error_line


def test_a_page_pinging_itself_is_the_generic_fault(pingcore: Pingcore) -> None:
    run = pingcore("inspect", TARGET, TARGET + "#comments")
    assert run.returncode == 1
    assert "fault 0: The source URL and the target URL cannot be the same page." in run.error_line
