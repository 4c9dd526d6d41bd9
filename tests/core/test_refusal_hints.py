"""A refusal names what would lift it, in the words of whoever reads it."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from pingcore import BlockedAddress, BlockedURL, FetchPolicy
from pingcore.errors import reword_hint, setting_hint
from pingcore.fetch._policy import checked_url as _checked_url


def refusal(url: str, policy: FetchPolicy | None = None) -> BlockedURL:
    # _checked_url judges without any I/O: nothing is sent anywhere.
    with pytest.raises(BlockedURL) as refused:
        _checked_url(url, policy or FetchPolicy())
    return refused.value


def test_a_loopback_refusal_carries_the_policy_field_that_lifts_it() -> None:
    refused = refusal("http://127.0.0.1:8000/")
    assert isinstance(refused, BlockedAddress)
    assert refused.setting == "allow_private_addresses"
    assert str(refused).endswith("Pass FetchPolicy(allow_private_addresses=True) to allow it.")


def test_a_port_refusal_carries_allowed_ports() -> None:
    assert refusal("http://93.184.215.14:9999/").setting == "allowed_ports"


def test_a_refusal_no_setting_lifts_carries_none() -> None:
    assert refusal("ftp://example.com/").setting is None
    assert refusal("http://user:secret@example.com/").setting is None


@pytest.mark.parametrize(
    ("vocabulary", "sentence"),
    [
        ("core", "Pass FetchPolicy(allow_private_addresses=True) to allow it."),
        ("django", "Set PINGBACK_ALLOW_PRIVATE_ADDRESSES = True in the settings to allow it."),
        ("flask", "Set PINGBACK_ALLOW_PRIVATE_ADDRESSES = True in the app's config to allow it."),
        ("cli", "Pass --allow-private to allow it."),
    ],
)
def test_each_reader_gets_its_own_knob(vocabulary: str, sentence: str) -> None:
    message = refusal("http://10.0.0.1/").message_for(vocabulary)  # type: ignore[arg-type]
    assert message.startswith("http://10.0.0.1/ is not fetched: 10.0.0.1 is a non-public address")
    assert message.endswith(sentence)
    assert message.count(" to allow it.") == 1


def test_the_setting_names_of_each_vocabulary() -> None:
    assert setting_hint("allowed_ports") == "FetchPolicy(allowed_ports=...)"
    assert setting_hint("allowed_ports", "cli") == "--allow-port PORT"
    assert setting_hint("max_bytes", "django") == "PINGBACK_MAX_SOURCE_BYTES"
    assert setting_hint("timeout", "flask") == "PINGBACK_FETCH_TIMEOUT"
    with pytest.raises(KeyError):
        setting_hint("allow_everything")


def test_a_caller_who_knows_better_replaces_the_hint() -> None:
    # localhost is judged on its port before any lookup; the command knows that
    # allowing private addresses lifts the port rule for it as well.
    message = str(refusal("http://localhost:8000/"))
    reworded = reword_hint(message, "cli", setting="allow_private_addresses")
    assert reworded == (
        "http://localhost:8000/ is not fetched: port 8000 is not allowed "
        "(allowed: 80, 443, 8080, 8443). Pass --allow-private to allow it."
    )


def test_a_message_without_a_hint_is_left_alone() -> None:
    assert reword_hint("The source page answered 404.", "django") == "The source page answered 404."


def test_a_redirect_to_a_private_address_keeps_its_hint_through_the_rewording() -> None:
    # The fetcher re-raises a refused redirect with its own preamble; the hint still ends it.
    hop = BlockedAddress(f"http://a.example/ redirects, and {refusal('http://192.168.1.1/')}")
    assert hop.setting == "allow_private_addresses"
    assert hop.message_for("cli").endswith("Pass --allow-private to allow it.")


def test_plain_python_names_the_fetch_policy_field(httpserver_ipv4: HTTPServer) -> None:
    from pingcore import Outcome, ping_external_urls

    target = httpserver_ipv4.url_for("/posts/hello/")
    [result] = ping_external_urls(
        "http://example.com/post", f'<a href="{target}">x</a>', "http://example.com/"
    )
    assert result.outcome is Outcome.BLOCKED
    assert result.message.endswith("Pass FetchPolicy(allow_private_addresses=True) to allow it.")


def test_a_localhost_port_is_reworded_to_the_private_address_setting() -> None:
    message = str(refusal("http://localhost:8000/"))
    assert reword_hint(message, "flask").endswith(
        "Set PINGBACK_ALLOW_PRIVATE_ADDRESSES = True in the app's config to allow it."
    )
    # A public name's port is still a port.
    assert reword_hint(str(refusal("http://93.184.215.14:9999/")), "django").endswith(
        "Set PINGBACK_ALLOWED_PORTS (add the port; None allows any) in the settings to allow it."
    )
