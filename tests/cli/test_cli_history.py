"""``pingcore ping-all --history FILE`` and ``pingcore ping-deleted``: sending with a memory."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Response

from .helpers import Pingcore, Site, registered


def webmention_answering(server: HTTPServer, site: Site, path: str, response: Response) -> str:
    server.expect_request(path + "wm", method="POST").respond_with_response(response)
    link = f'<{site.url(path + "wm")}>; rel="webmention"'
    return site.page(path, "<title>target</title>", {"Link": link})


def test_the_table_shows_a_deferred_ping_and_a_status_url(
    pingcore: Pingcore, site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    busy = webmention_answering(
        httpserver, site, "/busy/", Response("busy", 503, {"Retry-After": "3600"})
    )
    # Its endpoint on another host name: a Retry-After holds back every ping to its host.
    httpserver.expect_request("/created/wm", method="POST").respond_with_response(
        Response("", 201, {"Location": "/status/9"})
    )
    endpoint = site.url("/created/wm").replace("127.0.0.1", "localhost")
    created = site.page(
        "/created/", "<title>t</title>", {"Link": f'<{endpoint}>; rel="webmention"'}
    )
    html = tmp_path / "post.html"
    html.write_text(f'<a href="{busy}">a</a> <a href="{created}">b</a>', "utf-8")
    history = tmp_path / "sent.sqlite3"
    source = site.url("/blog/post/")
    run = pingcore(
        "ping-all",
        source,
        "--html",
        str(html),
        "--history",
        str(history),
        "--allow-private",
        "--root",
        site.url("/blog/"),
    )
    assert run.returncode == 1, run.stderr  # a deferred ping has not gone through yet
    busy_line = next(line for line in run.stdout.splitlines() if line.startswith(busy))
    assert busy_line.split()[1:3] == ["webmention", "deferred"]
    assert "HTTP 503" in busy_line and "(retry after " in busy_line
    created_line = next(line for line in run.stdout.splitlines() if line.startswith(created))
    assert f"(status: {endpoint.replace('/created/wm', '/status/9')})" in created_line
    rows = sqlite3.connect(history).execute("SELECT target_url, outcome FROM sent_pings").fetchall()
    assert sorted(rows) == sorted([(busy, "deferred"), (created, "accepted")])


def test_an_update_with_history_reaches_the_removed_link_and_skips_a_registered_pingback(
    pingcore: Pingcore, site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    pingback = site.pingback_target("/pb/", registered())
    removed = webmention_answering(httpserver, site, "/gone/", Response("", 202))
    history = tmp_path / "sent.sqlite3"
    source = site.url("/blog/post/")
    first, second = tmp_path / "first.html", tmp_path / "second.html"
    first.write_text(f'<a href="{pingback}">a</a> <a href="{removed}">b</a>', "utf-8")
    second.write_text(f'<a href="{pingback}">a</a>', "utf-8")
    common = ["--history", str(history), "--allow-private", "--json", "--root", source]
    assert pingcore("ping-all", source, "--html", str(first), *common).returncode == 0

    run = pingcore("ping-all", source, "--html", str(second), *common)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert [(r["target_url"], r["outcome"]) for r in results] == [
        (pingback, "already registered"),
        (removed, "accepted"),
    ]
    assert site.requests_to("/pb/xmlrpc") == 1  # not pinged a second time
    assert site.requests_to("/gone/wm") == 2


def test_ping_deleted_tells_every_target_and_needs_a_history(
    pingcore: Pingcore, site: Site, httpserver: HTTPServer, tmp_path: Path
) -> None:
    target = webmention_answering(httpserver, site, "/t/", Response("", 202))
    history = tmp_path / "sent.sqlite3"
    source = site.url("/blog/post/")
    html = tmp_path / "post.html"
    html.write_text(f'<a href="{target}">t</a>', "utf-8")
    pingcore(
        "ping-all",
        source,
        "--html",
        str(html),
        "--history",
        str(history),
        "--allow-private",
        "--root",
        source,
    )

    run = pingcore("ping-deleted", source, "--history", str(history), "--allow-private")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1].split()[:3] == [target, "webmention", "accepted"]
    assert site.requests_to("/t/wm") == 2

    usage = pingcore("ping-deleted", source)
    assert usage.returncode == 2 and "--history" in usage.stderr


def test_a_history_file_that_cannot_be_opened_is_one_line(
    pingcore: Pingcore, site: Site, tmp_path: Path
) -> None:
    html = tmp_path / "post.html"
    html.write_text("<p>no links</p>", "utf-8")
    missing = tmp_path / "no-such-dir" / "sent.sqlite3"
    run = pingcore("ping-all", site.url("/p"), "--html", str(html), "--history", str(missing))
    assert run.returncode == 1
    assert "cannot use" in run.error_line and "as a send history" in run.error_line
