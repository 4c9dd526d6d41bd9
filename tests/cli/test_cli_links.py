"""``pingcore links``: the external links a ping would go to, from a file, stdin or a URL."""

from __future__ import annotations

from pathlib import Path

from .helpers import Pingcore, Site

POST = """<!DOCTYPE html><title>A post</title>
<p>See <a href="http://elsewhere.example/essay#part-2">an essay</a>,
<a href="/about/">my about page</a>, <a href="http://blog.example/2026/older/">an older post</a>,
<a href="mailto:me@blog.example">mail</a> and
<a href="http://elsewhere.example/essay">it again</a>.</p>
<del><a href="http://deleted.example/">a link I took back</a></del>
"""


def test_a_files_external_links_are_those_outside_the_root(
    pingcore: Pingcore, tmp_path: Path
) -> None:
    page = tmp_path / "post.html"
    page.write_text(POST, encoding="utf-8")
    run = pingcore("links", str(page), "--root", "http://blog.example/")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["http://elsewhere.example/essay"]


def test_without_a_root_a_files_absolute_links_all_count(
    pingcore: Pingcore, tmp_path: Path
) -> None:
    page = tmp_path / "post.html"
    page.write_text(POST, encoding="utf-8")
    run = pingcore("links", str(page))
    assert run.stdout.splitlines() == [
        "http://elsewhere.example/essay",
        "http://blog.example/2026/older/",
    ]


def test_a_dash_reads_the_page_from_stdin(pingcore: Pingcore) -> None:
    run = pingcore("links", "-", "--root", "http://blog.example/", stdin=POST)
    assert run.returncode == 0
    assert run.stdout.splitlines() == ["http://elsewhere.example/essay"]


def test_a_url_is_fetched_and_its_relative_links_resolve_against_it(
    pingcore: Pingcore, site: Site
) -> None:
    url = site.page(
        "/blog/post/",
        '<a href="../../other/">mine</a> <a href="../sibling/">mine too</a> <a href="http://elsewhere.example/x">theirs</a>',
    )
    run = pingcore("links", url, "--allow-private", "--root", site.url("/blog/"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [site.url("/other/"), "http://elsewhere.example/x"]


def test_a_urls_site_root_is_the_default_root(pingcore: Pingcore, site: Site) -> None:
    url = site.page("/post/", '<a href="/other/">mine</a> <a href="http://a.example/">theirs</a>')
    run = pingcore("--allow-private", "links", url)
    assert run.stdout.splitlines() == ["http://a.example/"]


def test_an_unreadable_file_is_one_line_and_status_1(pingcore: Pingcore, tmp_path: Path) -> None:
    run = pingcore("links", str(tmp_path / "missing.html"))
    assert run.returncode == 1
    assert "cannot read" in run.error_line
    assert "No such file or directory" in run.error_line


def test_a_directory_is_no_file_to_read(pingcore: Pingcore, tmp_path: Path) -> None:
    run = pingcore("links", str(tmp_path))
    assert run.returncode == 1
    assert "cannot read" in run.error_line


def test_a_loopback_url_is_refused_without_allow_private(pingcore: Pingcore, site: Site) -> None:
    url = site.page("/post/", "<a href='http://a.example/'>a</a>")
    run = pingcore("links", url)
    assert run.returncode == 1
    line = run.error_line
    assert "is a non-public address (loopback)" in line
    assert "--allow-private" in line
    assert site.requests_to("/post/") == 0  # refused before connecting


def test_an_unreachable_port_is_one_line_and_status_1(pingcore: Pingcore, closed_port: int) -> None:
    run = pingcore("links", f"http://127.0.0.1:{closed_port}/post/", "--allow-private")
    assert run.returncode == 1
    assert "could not be fetched" in run.error_line


def test_a_page_over_max_bytes_names_the_option(pingcore: Pingcore, site: Site) -> None:
    url = site.page("/big/", "<p>" + "x" * 5000 + "</p>")
    run = pingcore("links", url, "--allow-private", "--max-bytes", "1000")
    assert run.returncode == 1
    assert "--max-bytes" in run.error_line


def test_an_error_status_is_a_failure(pingcore: Pingcore, site: Site) -> None:
    site.server.expect_request("/gone/").respond_with_data("gone", status=410)
    run = pingcore("links", site.url("/gone/"), "--allow-private")
    assert run.returncode == 1
    assert "answered 410 Gone" in run.error_line
