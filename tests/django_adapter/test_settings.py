"""The PINGBACK_ settings reach the core: read when used, defaults taken from pingcore."""

from __future__ import annotations

import asyncio

import pytest
from django.test import override_settings

import django_pingback
from django_adapter.blog.models import Post
from django_pingback.conf import pingback_settings
from pingcore import SettingError
from pingcore.errors import BlockedAddress
from pingcore.fetch import FetchPolicy

from .conftest import XML, fault_code, pingback_call

TARGET = "http://testserver/blog/hello/"


def test_unset_settings_keep_the_cores_safe_policy():
    core = FetchPolicy()
    policy = pingback_settings.source_policy()
    assert policy == core


def test_settings_feed_the_fetch_policy(settings):
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True
    settings.PINGBACK_ALLOWED_PORTS = [80, 8000]
    settings.PINGBACK_FETCH_TIMEOUT = 2
    settings.PINGBACK_MAX_SOURCE_BYTES = 5000
    policy = pingback_settings.source_policy()
    assert policy.allow_private_addresses is True
    assert policy.allowed_ports == frozenset({80, 8000})
    assert (policy.timeout, policy.connect_timeout, policy.max_bytes) == (2.0, 2.0, 5000)
    # Sending fetches targets' pages, which the source limit is not about.
    assert pingback_settings.fetch_policy().max_bytes == FetchPolicy().max_bytes


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 0])
def test_a_fetch_timeout_the_core_refuses_never_becomes_the_policy(settings, value):
    settings.PINGBACK_FETCH_TIMEOUT = value
    with pytest.raises(ValueError, match="^PINGBACK_FETCH_TIMEOUT is .*positive, finite"):
        pingback_settings.fetch_policy()


def test_allowed_ports_none_allows_any_port(settings):
    settings.PINGBACK_ALLOWED_PORTS = None
    assert pingback_settings.fetch_policy().allowed_ports is None


@pytest.mark.parametrize("value", ["false", "no", 0, 1])
def test_a_flag_that_is_not_a_bool_is_refused_naming_the_setting(settings, value):
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = value
    with pytest.raises(SettingError, match="PINGBACK_ALLOW_PRIVATE_ADDRESSES"):
        pingback_settings.fetch_policy()


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -1, 0, "5"])
def test_a_timeout_that_is_not_a_positive_finite_number_is_refused(settings, value):
    settings.PINGBACK_FETCH_TIMEOUT = value
    with pytest.raises(SettingError, match="PINGBACK_FETCH_TIMEOUT"):
        pingback_settings.fetch_policy()


@pytest.mark.django_db
def test_a_bad_setting_answers_a_fault_and_logs_its_name(client, settings, caplog):
    settings.PINGBACK_FETCH_TIMEOUT = float("nan")
    body = pingback_call("http://127.0.0.1:9/", TARGET)
    answer = client.post("/blog/pingback/", body, content_type=XML)
    assert answer.status_code == 200 and fault_code(answer.content) == 0
    assert "PINGBACK_FETCH_TIMEOUT" in caplog.text


@pytest.mark.django_db
def test_override_settings_applies_to_the_next_ping(client, source_linking_to):
    Post.objects.create(slug="hello", title="Hello")
    body = pingback_call(source_linking_to(TARGET), TARGET)
    with override_settings(PINGBACK_ALLOW_PRIVATE_ADDRESSES=True):
        assert b"registered" in client.post("/blog/pingback/", body, content_type=XML).content
    # Blocked again once the override ends (and a stored pair would be 48 before any fetch).
    other = pingback_call(source_linking_to(TARGET, path="/other"), TARGET)
    assert fault_code(client.post("/blog/pingback/", other, content_type=XML).content) == 16


@pytest.mark.django_db
def test_source_larger_than_max_source_bytes_is_fault_16(client, settings, source_linking_to):
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True
    settings.PINGBACK_MAX_SOURCE_BYTES = 100
    Post.objects.create(slug="hello", title="Hello")
    body = pingback_call(source_linking_to(TARGET), TARGET)
    assert fault_code(client.post("/blog/pingback/", body, content_type=XML).content) == 16


def test_sending_functions_use_the_sites_policy_by_default(sources):
    target = sources.url_for("/target")
    with pytest.raises(BlockedAddress):
        django_pingback.ping("http://example.com/post", target)
    with pytest.raises(BlockedAddress):
        asyncio.run(django_pingback.aping("http://example.com/post", target))
    html = f'<a href="{target}">x</a>'
    [result] = asyncio.run(
        django_pingback.aping_external_urls("http://example.com/post", html, "http://example.com/")
    )
    assert result.outcome.value == "blocked"
    assert sources.log == []
