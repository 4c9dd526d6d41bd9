"""The system checks: each id, once each, with and without INSTALLED_APPS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core import checks

from django_pingback import received
from django_pingback.checks import check_rate_limit_cache, register_checks

TESTS = Path(__file__).resolve().parent.parent


def ids(**options: object) -> list[str]:
    return [message.id for message in checks.run_checks(tags=["pingback"], **options)]


def test_a_clean_configuration_passes():
    assert ids() == []


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("PINGBACK_ALLOW_PRIVATE_ADDRESSES", "yes"),
        ("PINGBACK_ALLOWED_PORTS", "80"),
        ("PINGBACK_ALLOWED_PORTS", [80, 70000]),
        ("PINGBACK_MAX_SOURCE_BYTES", "1MB"),
        ("PINGBACK_MAX_SOURCE_BYTES", 0),
        ("PINGBACK_FETCH_TIMEOUT", True),
        ("PINGBACK_FETCH_TIMEOUT", float("inf")),
        ("PINGBACK_FETCH_TIMEOUT", float("nan")),
        ("PINGBACK_URL_NAME", ""),
        ("PINGBACK_WEBMENTION", 1),
        ("PINGBACK_WEBMENTION_ASYNC", "true"),
        ("PINGBACK_RATE_LIMIT", {"per_adress": 3}),
        ("PINGBACK_RATE_LIMIT", {"window": -1}),
        ("PINGBACK_RATE_LIMIT", {"cache": "nowhere"}),
    ],
)
def test_a_setting_of_the_wrong_type_or_value_is_e001(settings, setting, value):
    setattr(settings, setting, value)
    [message] = checks.run_checks(tags=["pingback"])
    assert message.id == "pingback.E001"
    assert setting in message.msg


def test_good_values_of_every_setting_pass(settings):
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = False
    settings.PINGBACK_ALLOWED_PORTS = None
    settings.PINGBACK_MAX_SOURCE_BYTES = 200_000
    settings.PINGBACK_FETCH_TIMEOUT = 2.5
    settings.PINGBACK_WEBMENTION = True
    settings.PINGBACK_WEBMENTION_ASYNC = True
    settings.PINGBACK_RATE_LIMIT = {"per_address": None, "window": 30, "cache": "default"}
    assert ids() == []


def test_async_webmention_without_a_tasks_framework_is_e002(settings, monkeypatch):
    settings.PINGBACK_WEBMENTION_ASYNC = True
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    assert ids() == ["pingback.E002"]


@pytest.fixture
def no_receivers(monkeypatch):
    """No receiver connected, and no storage app to keep what the endpoints verify."""
    assert not received.has_listeners()
    real = django_apps.is_installed
    monkeypatch.setattr(
        django_apps, "is_installed", lambda name: name != "django_pingback.storage" and real(name)
    )


def test_no_receiver_is_w001(no_receivers):
    assert ids() == ["pingback.W001"]


def test_the_storage_app_silences_w001():
    assert "pingback.W001" not in ids()


def test_private_addresses_without_debug_is_w002(settings):
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True
    assert ids() == ["pingback.W002"]
    settings.DEBUG = True
    assert ids() == []


def test_url_name_that_does_not_reverse_is_w003(settings):
    settings.PINGBACK_URL_NAME = "no-such-name"
    assert ids() == ["pingback.W003"]
    settings.PINGBACK_WEBMENTION, settings.PINGBACK_WEBMENTION_URL_NAME = True, "nor-this"
    assert ids() == ["pingback.W003", "pingback.W003"]


def test_rate_limits_in_a_dummy_cache_are_w004(settings):
    settings.CACHES = {
        **settings.CACHES,
        "nothing": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    settings.PINGBACK_RATE_LIMIT = {"cache": "nothing"}
    assert ids() == ["pingback.W004"]


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_rate_limits_in_a_cache_without_atomic_incr_are_w005(settings, tmp_path, backend):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": backend, "LOCATION": str(tmp_path)},
    }
    settings.PINGBACK_RATE_LIMIT = {"cache": "shared"}
    assert ids() == ["pingback.W005"]


def test_registering_again_runs_no_check_twice(no_receivers):
    # apps.py and views.py both register; Django's registry is a set.
    register_checks()
    assert ids() == ["pingback.W001"]


def run_view_only_site(script: str) -> subprocess.CompletedProcess[str]:
    """A site without django_pingback in INSTALLED_APPS, in a fresh process."""
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "django_adapter.settings_view_only",
    }
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


VIEW_ONLY_SITE = """
import xmlrpc.client

import django
from django.core.management import call_command
from django.test import Client

django.setup()
call = xmlrpc.client.dumps(("http://example.com/", "http://example.org/"), "pingback.ping")
answer = Client().post("/blog/pingback/", call, content_type="text/xml")
try:
    xmlrpc.client.loads(answer.content)
except xmlrpc.client.Fault as fault:
    print("fault", fault.faultCode)
call_command("check", tags=["pingback"])
"""


def test_a_site_that_uses_only_the_view_gets_answers_and_then_checks():
    # The request loaded the urlconf, which imported the views module, which
    # registered the checks: from then on they run in this process.
    result = run_view_only_site(VIEW_ONLY_SITE)
    assert result.stdout.splitlines()[0] == "fault 32", result.stderr
    assert "pingback.W001" in result.stderr


def test_a_first_check_run_before_the_urlconf_is_loaded_misses_them():
    # Why the README asks for "django_pingback" in INSTALLED_APPS: Django runs
    # the checks it had when the run began, and the urlconf is imported during it.
    script = "import django\nfrom django.core.management import call_command\n"
    script += "django.setup()\ncall_command('check')\n"
    result = run_view_only_site(script)
    assert result.returncode == 0, result.stderr
    assert "pingback.W001" not in result.stderr + result.stdout


def test_a_locmem_cache_too_small_for_a_flood_is_w007(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert ids() == ["pingback.W007"]
    settings.PINGBACK_RATE_LIMIT_STORE = "database"
    assert ids() == []


def test_w005_points_at_the_atomic_table(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "c"}
    }
    (warning,) = check_rate_limit_cache()
    assert warning.id == "pingback.W005"
    assert 'PINGBACK_RATE_LIMIT_STORE = "database"' in warning.hint
