"""One outcome, one wording, whichever protocol carried the ping; one fix suggested per refusal."""

from __future__ import annotations

from .helpers import Pingcore, Site, fault

SOURCE = "http://source.example/post/"


def test_a_repeated_webmention_reads_as_a_repeated_pingback_does(
    pingcore: Pingcore, site: Site
) -> None:
    # pingcore's own receiver answers a repeat 200 with these words.
    repeat = "The Webmention was already registered; it is up to date."
    webmention = site.webmention_target("/wm/", 200, repeat)
    pingback = site.pingback_target("/pb/", fault(48, "The pingback has already been registered."))
    by_webmention = pingcore("ping", SOURCE, webmention, "--allow-private")
    by_pingback = pingcore("ping", SOURCE, pingback, "--allow-private")
    assert by_webmention.returncode == by_pingback.returncode == 0
    assert by_webmention.stdout.startswith("already registered over webmention at ")
    assert by_pingback.stdout.startswith("already registered over pingback at ")


def test_ping_all_shows_both_repeats_as_already_registered(pingcore: Pingcore, site: Site) -> None:
    webmention = site.webmention_target("/wm/", 200, "Already known; updated.")
    pingback = site.pingback_target("/pb/", fault(48, "Seen it."))
    html = f'<a href="{webmention}">one</a> <a href="{pingback}">two</a>'
    run = pingcore("ping-all", SOURCE, "--html", "-", "--allow-private", stdin=html)
    assert run.returncode == 0, run.stderr
    rows = [line.split()[:3] for line in run.stdout.splitlines()[1:3]]
    assert rows == [
        [webmention, "webmention", "already"],
        [pingback, "pingback", "already"],
    ]
    assert all(line.split()[3] == "registered" for line in run.stdout.splitlines()[1:3])


def test_a_first_webmention_still_reads_registered(pingcore: Pingcore, site: Site) -> None:
    target = site.webmention_target("/wm/", 200, "The Webmention was registered.")
    run = pingcore("ping", SOURCE, target, "--allow-private")
    assert run.stdout.startswith("registered over webmention at ")


def test_a_local_name_on_another_port_suggests_allow_private_only(pingcore: Pingcore) -> None:
    run = pingcore("discover", "http://localhost:8000/")
    assert run.returncode == 1
    line = run.error_line
    assert "port 8000" in line
    assert line.endswith("Pass --allow-private to allow it.")
    assert "--allow-port" not in line
    assert "FetchPolicy" not in line


def test_a_public_address_on_another_port_suggests_allow_port(pingcore: Pingcore) -> None:
    # An address literal: judged without any lookup, refused before connecting.
    run = pingcore("discover", "http://93.184.215.14:9999/")
    assert run.returncode == 1
    assert run.error_line.endswith("Pass --allow-port PORT to allow it.")
    assert "--allow-private" not in run.error_line
