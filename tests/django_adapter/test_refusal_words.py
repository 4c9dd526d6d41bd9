"""A refusal met while pinging from a Django site names the Django setting that lifts it."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

import django_pingback
from django_pingback import tasks
from pingcore import BlockedAddress, Outcome

DJANGO_HINT = "Set PINGBACK_ALLOW_PRIVATE_ADDRESSES = True in the settings to allow it."


def post_linking_to(url: str) -> str:
    return f'<p>See <a href="{url}">this page</a>.</p>'


def test_ping_external_urls_names_the_private_address_setting(sources: HTTPServer) -> None:
    target = sources.url_for("/posts/hello/")
    [result] = django_pingback.ping_external_urls(
        "http://example.com/post", post_linking_to(target), "http://example.com/"
    )
    assert result.outcome is Outcome.BLOCKED
    assert result.message.endswith(DJANGO_HINT)
    assert "FetchPolicy" not in result.message
    assert result.message.count("to allow it.") == 1


@pytest.mark.anyio
async def test_the_async_twin_names_it_too(sources: HTTPServer) -> None:
    target = sources.url_for("/posts/hello/")
    [result] = await django_pingback.aping_external_urls(
        "http://example.com/post", post_linking_to(target), "http://example.com/"
    )
    assert result.message.endswith(DJANGO_HINT)


def test_ping_raises_the_same_refusal_in_the_settings_words(sources: HTTPServer) -> None:
    with pytest.raises(BlockedAddress) as refused:
        django_pingback.ping("http://example.com/post", sources.url_for("/posts/hello/"))
    assert str(refused.value).endswith(DJANGO_HINT)
    assert refused.value.setting == "allow_private_addresses"
    # Asking again for Django's words does not say it twice.
    assert refused.value.message_for("django").count("to allow it.") == 1


def test_the_background_task_reports_the_setting_in_its_summary(sources: HTTPServer) -> None:
    target = sources.url_for("/posts/hello/")
    result = tasks.ping_in_background(
        "http://example.com/post", post_linking_to(target), "http://example.com/"
    )
    [summary] = result.return_value
    assert summary["outcome"] == "blocked"
    assert summary["message"].endswith(DJANGO_HINT)


def test_a_port_refused_for_localhost_names_the_one_setting_that_fixes_it() -> None:
    # localhost's port is judged before any lookup; the private-address setting lifts both.
    [result] = django_pingback.ping_external_urls(
        "http://example.com/post",
        post_linking_to("http://localhost:8000/posts/hello/"),
        "http://example.com/",
    )
    assert result.outcome is Outcome.BLOCKED
    assert "port 8000 is not allowed" in result.message
    assert result.message.endswith(DJANGO_HINT)
    assert "PINGBACK_ALLOWED_PORTS" not in result.message
