"""``pingcore discover``: the endpoint and protocol a page advertises, or why there is none."""

from __future__ import annotations

from .helpers import Pingcore, Site


def test_an_x_pingback_header_is_a_pingback_endpoint(pingcore: Pingcore, site: Site) -> None:
    url = site.page("/post/", "<title>post</title>", {"X-Pingback": site.url("/xmlrpc")})
    run = pingcore("discover", url, "--allow-private")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == f"pingback {site.url('/xmlrpc')}"


def test_a_webmention_link_in_the_page_is_found(pingcore: Pingcore, site: Site) -> None:
    url = site.page("/post/", '<link rel="webmention" href="/webmention">')
    run = pingcore("discover", url, "--allow-private")
    assert run.stdout.strip() == f"webmention {site.url('/webmention')}"


def test_webmention_wins_unless_pingback_is_asked_for(pingcore: Pingcore, site: Site) -> None:
    html = '<link rel="webmention" href="/webmention"><link rel="pingback" href="/xmlrpc">'
    url = site.page("/post/", html)
    assert pingcore("discover", url, "--allow-private").stdout.startswith("webmention ")
    run = pingcore("discover", url, "--allow-private", "--protocol", "pingback")
    assert run.stdout.strip() == f"pingback {site.url('/xmlrpc')}"


def test_a_page_without_an_endpoint_says_so(pingcore: Pingcore, site: Site) -> None:
    url = site.page("/post/", "<title>no endpoints here</title>")
    run = pingcore("discover", url, "--allow-private")
    assert run.returncode == 1
    assert f"{url} advertises no Webmention or Pingback endpoint" in run.error_line


def test_a_missing_page_advertises_nothing(pingcore: Pingcore, site: Site) -> None:
    run = pingcore("discover", site.url("/nowhere/"), "--allow-private")
    assert run.returncode == 1
    assert "answered 500" in run.error_line or "answered 404" in run.error_line


def test_discovery_of_a_loopback_page_is_blocked_by_default(pingcore: Pingcore, site: Site) -> None:
    url = site.page("/post/", "<title>post</title>", {"X-Pingback": site.url("/xmlrpc")})
    run = pingcore("discover", url)
    assert run.returncode == 1
    assert "non-public address" in run.error_line
    assert site.requests_to("/post/") == 0


def test_an_unreachable_port_is_a_failure(pingcore: Pingcore, closed_port: int) -> None:
    run = pingcore("discover", f"http://127.0.0.1:{closed_port}/", "--allow-private")
    assert run.returncode == 1
    assert "Connection refused" in run.error_line or "could not" in run.error_line
