"""The PINGBACK_ settings table: one set of keys, types and checks for both frameworks."""

from __future__ import annotations

import math
from typing import Any

import pytest

from pingcore import MISSING, FetchPolicy, SettingError, read_settings, setting_problems
from pingcore.settings import SETTINGS, settings_for


def lookup_of(values: dict[str, Any]):
    return lambda key: values.get(key, MISSING)


@pytest.mark.parametrize("framework", ["django", "flask"])
def test_unset_settings_take_the_cores_defaults(framework: str) -> None:
    settings = read_settings(lookup_of({}), framework)
    policy = settings.source_policy()
    core = FetchPolicy()
    assert (policy.timeout, policy.max_bytes, policy.allowed_ports) == (
        core.timeout,
        core.max_bytes,
        core.allowed_ports,
    )
    assert settings.webmention is False and settings.hosts == ()


@pytest.mark.parametrize("framework", ["django", "flask"])
@pytest.mark.parametrize("value", [math.inf, math.nan, 0, -1.5, "10", True, None])
def test_a_timeout_must_be_a_positive_finite_number_on_both_frameworks(
    framework: str, value: Any
) -> None:
    with pytest.raises(SettingError, match="PINGBACK_FETCH_TIMEOUT") as caught:
        read_settings(lookup_of({"PINGBACK_FETCH_TIMEOUT": value}), framework)
    assert "positive, finite number of seconds" in str(caught.value)


@pytest.mark.parametrize("value", ["False", "true", 0, 1, None])
def test_a_flag_takes_only_true_or_false(value: Any) -> None:
    with pytest.raises(SettingError, match="PINGBACK_ALLOW_PRIVATE_ADDRESSES"):
        read_settings(lookup_of({"PINGBACK_ALLOW_PRIVATE_ADDRESSES": value}), "flask")


def test_a_star_in_pingback_hosts_is_refused_with_what_to_write() -> None:
    with pytest.raises(SettingError, match=r"PINGBACK_HOSTS holds '\*'") as caught:
        read_settings(lookup_of({"PINGBACK_HOSTS": ["*"]}), "django")
    assert "blog.example" in caught.value.hint


def test_a_short_timeout_bounds_connecting_too() -> None:
    policy = read_settings(lookup_of({"PINGBACK_FETCH_TIMEOUT": 2}), "flask").fetch_policy()
    assert policy.timeout == policy.connect_timeout == 2.0


def test_every_bad_setting_is_listed_at_once_for_the_checks() -> None:
    problems = setting_problems(
        lookup_of({"PINGBACK_WEBMENTION": "yes", "PINGBACK_MAX_SOURCE_BYTES": 0}), "django"
    )
    assert sorted(problem.key for problem in problems) == [
        "PINGBACK_MAX_SOURCE_BYTES",
        "PINGBACK_WEBMENTION",
    ]


def test_each_framework_reads_its_own_keys_from_one_table() -> None:
    django_keys = {setting.key for setting in settings_for("django")}
    flask_keys = {setting.key for setting in settings_for("flask")}
    assert "PINGBACK_URL_NAME" in django_keys - flask_keys
    assert "PINGBACK_URL" in flask_keys - django_keys
    shared = {"PINGBACK_HOSTS", "PINGBACK_FETCH_TIMEOUT", "PINGBACK_ALLOW_PRIVATE_ADDRESSES"}
    assert shared <= django_keys & flask_keys
    assert all(setting.hint.startswith("Set it to") for setting in SETTINGS)
