"""The package's public names: pingdjack's API, re-exported from pingcore rather than copied."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import django_pingback
import pingcore
import pingcore.links

PINGDJACK_NAMES = {
    "server_view",
    "received",
    "UnpingableTarget",
    "DuplicatePing",
    "ping_external_urls",
    "external_urls",
    "ping",
}


def test_all_is_sorted_and_holds_pingdjacks_names():
    assert django_pingback.__all__ == sorted(django_pingback.__all__)
    assert PINGDJACK_NAMES <= set(django_pingback.__all__)
    assert set(django_pingback.__all__) == {
        "AccessDenied",
        "DuplicatePing",
        "PingbackError",
        "TargetNotFound",
        "UnpingableTarget",
        "aping",
        "aping_external_urls",
        "deleted",
        "external_urls",
        "ping",
        "ping_external_urls",
        "pingable",
        "pingback_headers",
        "received",
        "server_view",
        "webmention_view",
    }


def test_exceptions_are_pingcores_own_classes():
    for name in (
        "AccessDenied",
        "DuplicatePing",
        "PingbackError",
        "TargetNotFound",
        "UnpingableTarget",
    ):
        assert getattr(django_pingback, name) is getattr(pingcore, name)


def test_external_urls_is_pingcores():
    assert django_pingback.external_urls is pingcore.links.external_urls


def test_ping_external_urls_keeps_pingdjacks_positional_signature():
    parameters = list(inspect.signature(django_pingback.ping_external_urls).parameters.values())
    assert [p.name for p in parameters[:3]] == ["source_url", "html", "root_url"]
    assert {p.kind for p in parameters[:3]} == {inspect.Parameter.POSITIONAL_OR_KEYWORD}
    post = "http://blog.example/post/"
    assert (
        django_pingback.ping_external_urls(post, "<p>No links.</p>", "http://blog.example/") == []
    )


def test_package_imports_without_configured_settings():
    environment = {
        key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django_pingback; print(len(django_pingback.__all__))"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
