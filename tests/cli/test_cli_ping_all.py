"""``pingcore ping-all``: every external link of a published page, a table, and an exit status."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import Pingcore, Site, fault, registered


def publish(site: Site, *targets: str) -> str:
    """A post under /blog/ linking to ``targets``; returns its URL (the root is /blog/)."""
    links = "".join(f'<p>See <a href="{target}">this</a>.</p>' for target in targets)
    return site.page("/blog/post/", f"<title>My post</title><article>{links}</article>")


def test_every_link_is_pinged_and_the_table_shows_each(pingcore: Pingcore, site: Site) -> None:
    first = site.pingback_target("/elsewhere/one/", registered("Got it."))
    second = site.webmention_target("/elsewhere/two/", 202)
    post = publish(site, first, second)
    run = pingcore("ping-all", post, "--root", site.url("/blog/"), "--allow-private")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["TARGET", "PROTOCOL", "OUTCOME", "REASON"]
    assert lines[1].split()[:3] == [first, "pingback", "registered"]
    assert lines[1].endswith("Got it.")
    assert lines[2].split()[:3] == [second, "webmention", "accepted"]
    assert lines[-1] == "Pinged 2 of 2 links; 0 failed."
    # Without a terminal, progress is a plain line on stderr as each ping finishes.
    progress = run.stderr.splitlines()
    assert [line.split()[0] for line in progress] == ["[1/2]", "[2/2]"]
    finished = {line.split(" ", 1)[1] for line in progress}
    assert finished == {f"{first}: registered", f"{second}: accepted"}


def test_already_registered_counts_as_success(pingcore: Pingcore, site: Site) -> None:
    target = site.pingback_target("/elsewhere/one/", fault(48, "Seen it."))
    post = publish(site, target)
    run = pingcore("ping-all", post, "--root", site.url("/blog/"), "--allow-private")
    assert run.returncode == 0, run.stderr
    assert "already registered" in run.stdout


def test_one_failure_makes_the_status_1_and_the_others_still_go(
    pingcore: Pingcore, site: Site
) -> None:
    good = site.pingback_target("/elsewhere/good/", registered())
    refused = site.pingback_target("/elsewhere/refused/", fault(17, "No link here."))
    post = publish(site, refused, good)
    run = pingcore("ping-all", post, "--root", site.url("/blog/"), "--allow-private")
    assert run.returncode == 1
    assert "fault 17: No link here." in run.stdout
    assert "Pinged 1 of 2 links; 1 failed." in run.stdout
    assert site.requests_to("/elsewhere/good/xmlrpc") == 1


def test_json_is_a_parseable_list_in_document_order(pingcore: Pingcore, site: Site) -> None:
    refused = site.pingback_target("/elsewhere/refused/", fault(17, "No link here."))
    silent = site.page("/elsewhere/silent/", "<title>no endpoint</title>")
    post = publish(site, refused, silent)
    run = pingcore("ping-all", post, "--root", site.url("/blog/"), "--allow-private", "--json")
    assert run.returncode == 1
    assert run.stderr == ""  # no progress with --json
    results = json.loads(run.stdout)
    assert [r["target_url"] for r in results] == [refused, silent]
    assert [r["outcome"] for r in results] == ["refused", "no endpoint"]
    assert results[0]["fault_code"] == 17
    assert results[0]["protocol"] == "pingback"
    assert results[0]["source_url"] == post
    assert not any(r["ok"] for r in results)
    assert [r["failed"] for r in results] == [True, False]


def test_a_link_to_a_page_without_an_endpoint_is_not_a_failure(
    pingcore: Pingcore, site: Site
) -> None:
    good = site.pingback_target("/elsewhere/good/", registered())
    silent = site.page("/elsewhere/silent/", "<title>no endpoint</title>")
    post = publish(site, good, silent)
    run = pingcore("ping-all", post, "--root", site.url("/blog/"), "--allow-private")
    assert run.returncode == 0, run.stderr
    assert "Pinged 1 of 2 links; 1 took no pings (no endpoint); 0 failed." in run.stdout


def test_html_from_a_file_is_pinged_without_fetching_the_source(
    pingcore: Pingcore, site: Site, tmp_path: Path
) -> None:
    target = site.pingback_target("/elsewhere/one/", registered())
    page = tmp_path / "post.html"
    page.write_text(f'<a href="{target}">a link</a>', encoding="utf-8")
    source = site.url("/blog/unpublished/")
    run = pingcore(
        "ping-all", source, "--html", str(page), "--root", site.url("/blog/"), "--allow-private"
    )
    assert run.returncode == 0, run.stderr
    assert site.requests_to("/blog/unpublished/") == 0
    assert site.requests_to("/elsewhere/one/xmlrpc") == 1


def test_a_page_without_external_links_pings_nothing(pingcore: Pingcore, site: Site) -> None:
    post = site.page("/blog/post/", '<a href="/blog/other/">mine</a>')
    run = pingcore("ping-all", post, "--allow-private")
    assert run.returncode == 0
    assert "No external links" in run.stdout
    assert pingcore("ping-all", post, "--allow-private", "--json").stdout.strip() == "[]"


def test_the_source_page_is_fetched_safely(pingcore: Pingcore, site: Site) -> None:
    post = publish(site, "http://elsewhere.example/")
    run = pingcore("ping-all", post)
    assert run.returncode == 1
    assert "non-public address (loopback)" in run.error_line
    assert site.requests_to("/blog/post/") == 0


def test_an_unreachable_source_is_one_line(pingcore: Pingcore, closed_port: int) -> None:
    run = pingcore("ping-all", f"http://127.0.0.1:{closed_port}/post/", "--allow-private")
    assert run.returncode == 1
    assert "could not be fetched" in run.error_line


def test_an_unreadable_html_file_is_one_line(pingcore: Pingcore, tmp_path: Path) -> None:
    run = pingcore("ping-all", "http://127.0.0.1/post/", "--html", str(tmp_path / "none.html"))
    assert run.returncode == 1
    assert "cannot read" in run.error_line


def test_a_blocked_target_in_the_table_names_the_commands_option(
    pingcore: Pingcore, site: Site
) -> None:
    blocked = "http://10.1.2.3/post/"  # a private address literal: refused before any connection
    run = pingcore(
        "ping-all", "http://source.example/", "--html", "-", stdin=f'<a href="{blocked}">x</a>'
    )
    assert run.returncode == 1
    row = run.stdout.splitlines()[1]
    assert row.split()[:3] == [blocked, "-", "blocked"]
    assert row.endswith("Pass --allow-private to allow it.")
    assert "FetchPolicy" not in run.stdout
