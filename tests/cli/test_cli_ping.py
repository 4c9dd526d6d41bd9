"""``pingcore ping``: one ping, and the server's answer, whatever it is."""

from __future__ import annotations

from .helpers import Pingcore, Site, fault, registered

SOURCE = "http://127.0.0.1:1/my-post/"  # never fetched: the sender does not read its own page


def test_a_registered_pingback_prints_the_servers_answer(pingcore: Pingcore, site: Site) -> None:
    target = site.pingback_target("/post/", registered("Thanks for the ping."))
    run = pingcore("ping", SOURCE, target, "--allow-private")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == (
        f"registered over pingback at {site.url('/post/xmlrpc')}: Thanks for the ping."
    )


def test_an_accepted_webmention_says_so(pingcore: Pingcore, site: Site) -> None:
    target = site.webmention_target("/post/", 202, "Queued.")
    run = pingcore("ping", SOURCE, target, "--allow-private")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"accepted over webmention at {site.url('/post/webmention')}")


def test_a_fault_from_the_server_is_a_failure_with_its_code(pingcore: Pingcore, site: Site) -> None:
    target = site.pingback_target("/post/", fault(17, "No link to the target here."))
    run = pingcore("ping", SOURCE, target, "--allow-private")
    assert run.returncode == 1
    assert "the ping was refused: fault 17: No link to the target here." in run.error_line


def test_already_registered_is_not_a_failure(pingcore: Pingcore, site: Site) -> None:
    target = site.pingback_target("/post/", fault(48, "Seen it."))
    run = pingcore("ping", SOURCE, target, "--allow-private")
    assert run.returncode == 0
    line = run.stdout.strip()
    assert line.startswith("already registered over pingback at http://127.0.0.1:")
    assert line.endswith("(fault 48): Seen it.")


def test_a_refused_webmention_gives_the_status_and_reason(pingcore: Pingcore, site: Site) -> None:
    target = site.webmention_target("/post/", 400, "Source does not link to target.")
    run = pingcore("ping", SOURCE, target, "--allow-private")
    assert run.returncode == 1
    assert "HTTP 400" in run.error_line
    assert "Source does not link to target." in run.error_line


def test_a_target_without_an_endpoint_is_a_failure(pingcore: Pingcore, site: Site) -> None:
    target = site.page("/post/", "<title>no endpoint</title>")
    run = pingcore("ping", SOURCE, target, "--allow-private")
    assert run.returncode == 1
    assert "advertises no Webmention or Pingback endpoint" in run.error_line


def test_a_loopback_target_is_blocked_without_allow_private(pingcore: Pingcore, site: Site) -> None:
    target = site.pingback_target("/post/", registered())
    run = pingcore("ping", SOURCE, target)
    assert run.returncode == 1
    assert "non-public address (loopback)" in run.error_line
    assert site.requests_to("/post/") == 0


def test_an_unreachable_target_is_a_failure(pingcore: Pingcore, closed_port: int) -> None:
    run = pingcore("ping", SOURCE, f"http://127.0.0.1:{closed_port}/post/", "--allow-private")
    assert run.returncode == 1
    assert "could not be fetched" in run.error_line


def test_a_servers_answer_cannot_write_control_codes_to_the_terminal(
    pingcore: Pingcore, site: Site
) -> None:
    # C1 controls are valid XML; \x9b is the one-byte CSI of 8-bit terminals.
    target = site.pingback_target("/post/", registered("ok\x9b2J\x85 done"))
    run = pingcore("ping", SOURCE, target, "--allow-private")
    assert run.returncode == 0
    assert run.stdout.strip().endswith(": ok 2J done")


def test_a_refusals_reason_cannot_write_escape_codes_either(pingcore: Pingcore, site: Site) -> None:
    target = site.webmention_target("/post/", 400, "no\x1b[2J\x1b]0;pwned\x07 way")
    run = pingcore("ping", SOURCE, target, "--allow-private")
    assert run.returncode == 1
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr
    assert run.error_line.endswith("no [2J ]0;pwned way")
