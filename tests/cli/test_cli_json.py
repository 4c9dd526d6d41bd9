"""``--json`` on every subcommand: one parseable document on stdout, the same exit status."""

from __future__ import annotations

import json

from .helpers import Pingcore, Site, fault, registered

TARGET = "http://target.example/post/"


def test_links_prints_a_json_list(pingcore: Pingcore) -> None:
    html = "<a href='http://a.example/'>a</a> <a href='/own/'>own</a> <a href='https://b.example/x'>b</a>"
    run = pingcore("links", "-", "--json", stdin=html)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == ["http://a.example/", "https://b.example/x"]


def test_discover_prints_the_protocol_and_endpoint(pingcore: Pingcore, site: Site) -> None:
    url = site.page("/post/", "<title>post</title>", {"X-Pingback": site.url("/xmlrpc")})
    run = pingcore("discover", url, "--allow-private", "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {
        "url": url,
        "protocol": "pingback",
        "endpoint": site.url("/xmlrpc"),
    }


def test_discover_without_an_endpoint_prints_nulls_and_fails(
    pingcore: Pingcore, site: Site
) -> None:
    url = site.page("/post/", "<title>no endpoints here</title>")
    run = pingcore("discover", url, "--allow-private", "--json")
    assert run.returncode == 1
    assert json.loads(run.stdout) == {"url": url, "protocol": None, "endpoint": None}


def test_ping_prints_the_result_as_ping_all_does(pingcore: Pingcore, site: Site) -> None:
    target = site.pingback_target("/post/", registered("Thanks."))
    run = pingcore("ping", "http://source.example/", target, "--allow-private", "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["outcome"] == "registered"
    assert result["protocol"] == "pingback"
    assert result["endpoint"] == site.url("/post/xmlrpc")
    assert result["message"] == "Thanks."
    assert result["ok"] is True


def test_a_refused_ping_is_still_json_with_its_fault(pingcore: Pingcore, site: Site) -> None:
    target = site.pingback_target("/post/", fault(17, "No link here."))
    run = pingcore("ping", "http://source.example/", target, "--allow-private", "--json")
    assert run.returncode == 1
    assert run.stderr == ""
    result = json.loads(run.stdout)
    assert (result["outcome"], result["fault_code"], result["failed"]) == ("refused", 17, True)


def test_a_blocked_ping_in_json_names_the_commands_option(pingcore: Pingcore, site: Site) -> None:
    target = site.pingback_target("/post/", registered())
    run = pingcore("ping", "http://source.example/", target, "--json")
    assert run.returncode == 1
    result = json.loads(run.stdout)
    assert result["outcome"] == "blocked"
    assert "Pass --allow-private to allow it." in result["message"]
    assert site.requests_to("/post/") == 0


def test_inspect_prints_what_the_server_would_store(pingcore: Pingcore, site: Site) -> None:
    source = site.page(
        "/my-post/",
        f"<title>My post</title><article><p>I read <a href='{TARGET}'>this post</a> "
        "today.</p></article>",
    )
    run = pingcore("inspect", source, TARGET, "--allow-private", "--json")
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    assert seen["source"] == source and seen["target"] == TARGET
    assert seen["title"] == "My post"
    assert seen["link"] == "this post"
    assert "I read this post today." in seen["excerpt"]
    assert seen["author"] is None


def test_json_strings_from_a_page_are_filtered_and_ascii(pingcore: Pingcore, site: Site) -> None:
    source = site.page(
        "/my-post/",
        f"<title>My \u202eevil\u202c post\u200b</title><p><a href='{TARGET}'>x</a> caf\u00e9</p>",
    )
    run = pingcore("inspect", source, TARGET, "--allow-private", "--json")
    assert run.returncode == 0, run.stderr
    assert run.stdout.isascii()
    assert json.loads(run.stdout)["title"] == "My evil post"


def test_a_ping_to_a_page_without_an_endpoint_fails_with_or_without_json(
    pingcore: Pingcore, site: Site
) -> None:
    target = site.page("/silent/", "<title>no endpoint</title>")
    as_text = pingcore("ping", "http://source.example/", target, "--allow-private")
    as_json = pingcore("ping", "http://source.example/", target, "--allow-private", "--json")
    assert as_text.returncode == as_json.returncode == 1
    assert "advertises no Webmention or Pingback endpoint" in as_text.error_line
    assert json.loads(as_json.stdout)["outcome"] == "no endpoint"
