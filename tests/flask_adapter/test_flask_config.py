"""The PINGBACK_* keys are checked at init_app: a wrong type fails there, naming the key."""

from __future__ import annotations

import math
from typing import Any

import pytest
from flask import Flask

from flask_pingback import Pingback

from .blog import make_blog

BOOLEAN_KEYS = [
    "PINGBACK_ALLOW_PRIVATE_ADDRESSES",
    "PINGBACK_WEBMENTION",
    "PINGBACK_WEBMENTION_ASYNC",
    "PINGBACK_HEADER_ALL_VIEWS",
]


@pytest.mark.parametrize("key", BOOLEAN_KEYS)
@pytest.mark.parametrize("value", ["false", "False", "0", "", "true", 0, 1, None, [False]])
def test_a_boolean_key_takes_only_true_or_false(key: str, value: Any) -> None:
    app = Flask(__name__)
    app.config[key] = value

    with pytest.raises(TypeError, match=key) as caught:
        Pingback(app)

    assert type(value).__name__ in str(caught.value)
    assert "pingback" not in app.extensions  # nothing half set up


def test_a_string_false_from_the_environment_never_allows_private_addresses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FLASK_PINGBACK_ALLOW_PRIVATE_ADDRESSES", "False")  # not JSON: a str
    app = Flask(__name__)
    app.config.from_prefixed_env()

    with pytest.raises(TypeError, match=r"PINGBACK_ALLOW_PRIVATE_ADDRESSES.*str 'False'"):
        Pingback(app)


@pytest.mark.parametrize(("text", "value"), [("false", False), ("true", True)])
def test_json_booleans_from_the_environment_are_read_as_booleans(
    monkeypatch: pytest.MonkeyPatch, text: str, value: bool
) -> None:
    monkeypatch.setenv("FLASK_PINGBACK_ALLOW_PRIVATE_ADDRESSES", text)
    monkeypatch.setenv("FLASK_PINGBACK_WEBMENTION", text)
    app = Flask(__name__)
    app.config.from_prefixed_env()

    Pingback(app)

    state = app.extensions["pingback"]
    assert state.policy.allow_private_addresses is value
    assert (state.webmention is not None) is value


@pytest.mark.parametrize(
    ("key", "value", "error"),
    [
        ("PINGBACK_MAX_SOURCE_BYTES", "1048576", TypeError),
        ("PINGBACK_MAX_SOURCE_BYTES", 1e6, TypeError),
        ("PINGBACK_MAX_SOURCE_BYTES", True, TypeError),
        ("PINGBACK_MAX_SOURCE_BYTES", 0, ValueError),
        ("PINGBACK_MAX_SOURCE_BYTES", -1, ValueError),
        ("PINGBACK_FETCH_TIMEOUT", "10", TypeError),
        ("PINGBACK_FETCH_TIMEOUT", True, TypeError),
        ("PINGBACK_FETCH_TIMEOUT", None, TypeError),
        ("PINGBACK_FETCH_TIMEOUT", 0, ValueError),
        ("PINGBACK_FETCH_TIMEOUT", -5.0, ValueError),
        ("PINGBACK_FETCH_TIMEOUT", math.inf, ValueError),
        ("PINGBACK_FETCH_TIMEOUT", math.nan, ValueError),
        ("PINGBACK_ALLOWED_PORTS", "443", TypeError),
        ("PINGBACK_ALLOWED_PORTS", 443, TypeError),
        ("PINGBACK_ALLOWED_PORTS", {443: True}, TypeError),
        ("PINGBACK_ALLOWED_PORTS", ["443"], ValueError),
        ("PINGBACK_ALLOWED_PORTS", [True], ValueError),
        ("PINGBACK_ALLOWED_PORTS", [0], ValueError),
        ("PINGBACK_ALLOWED_PORTS", [65536], ValueError),
        ("PINGBACK_ALLOWED_PORTS", [443.0], ValueError),
        ("PINGBACK_WEBMENTION_ASYNC_THREADS", 0, ValueError),
        ("PINGBACK_WEBMENTION_ASYNC_THREADS", "8", TypeError),
        ("PINGBACK_URL", "pingback", TypeError),
        ("PINGBACK_URL", None, TypeError),
        ("PINGBACK_WEBMENTION_URL", b"/webmention", TypeError),
    ],
)
def test_a_numeric_or_path_key_of_the_wrong_type_or_range_fails_at_init_app(
    key: str, value: Any, error: type[Exception]
) -> None:
    with pytest.raises(error, match=key):
        make_blog(**{key: value})


@pytest.mark.parametrize(
    ("limits", "error"),
    [
        ("none", TypeError),
        ([("per_address", 5)], TypeError),
        ({"per_address": "5"}, TypeError),
        ({"per_address": 2.5}, TypeError),
        ({"per_source_host": True}, TypeError),
        ({"per_source_address": 0}, ValueError),
        ({"window": "60"}, TypeError),
        ({"window": 0}, ValueError),
        ({"window": math.inf}, ValueError),
    ],
)
def test_a_bad_rate_limit_fails_at_init_app(limits: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="PINGBACK_RATE_LIMIT"):
        make_blog(PINGBACK_RATE_LIMIT=limits)


@pytest.mark.parametrize(
    ("hosts", "error"),
    [
        ("blog.example", TypeError),  # a string would be taken letter by letter
        ([42], TypeError),
        (["*"], ValueError),
        (["http://blog.example"], ValueError),
        (["blog.example/"], ValueError),
        (["user@blog.example"], ValueError),
        (["blog.example:0"], ValueError),
        (["blog.example:http"], ValueError),
        ([""], ValueError),
        (["."], ValueError),
    ],
)
def test_bad_pingback_hosts_fail_at_init_app(hosts: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="PINGBACK_HOSTS"):
        make_blog(PINGBACK_HOSTS=hosts)


def test_good_values_of_every_kind_are_taken() -> None:
    app = make_blog(
        PINGBACK_ALLOWED_PORTS=(443, 8443),
        PINGBACK_FETCH_TIMEOUT=3,
        PINGBACK_MAX_SOURCE_BYTES=4096,
        PINGBACK_HOSTS=("blog.example", ".example.com", "[::1]:5000"),
        PINGBACK_RATE_LIMIT={"per_address": None, "window": 30},
        PINGBACK_WEBMENTION_ASYNC_THREADS=2,
    )
    state = app.extensions["pingback"]

    assert state.policy.allowed_ports == frozenset({443, 8443})
    assert state.policy.timeout == 3.0
    assert state.server.source_max_bytes == 4096
    assert (state.server.rate_limiter.per_address, state.server.rate_limiter.window) == (None, 30.0)
    assert [(p.host, p.port, p.subdomains) for p in state.hosts.patterns] == [
        ("blog.example", None, False),
        ("example.com", None, True),
        ("::1", 5000, False),
    ]
