"""The extension's shape: init_app, config defaults, state per app, several apps at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

import flask_pingback
from flask_pingback import Pingback, PingbackState, received
from pingcore.ratelimit import MemoryStore

from .blog import make_blog
from .signal_recording import recording
from .xmlrpc_calls import answer, call


def test_the_public_api_is_a_sorted_all() -> None:
    assert flask_pingback.__all__ == [
        "AccessDenied",
        "DuplicatePing",
        "PingJob",
        "Pingback",
        "PingbackError",
        "PingbackState",
        "SQLiteStore",
        "TargetNotFound",
        "UnpingableTarget",
        "deleted",
        "pingable",
        "pingback_signals",
        "received",
        "register_mentions",
    ]


def test_the_errors_are_pingcores_own_classes() -> None:
    import pingcore

    assert flask_pingback.DuplicatePing is pingcore.DuplicatePing
    assert flask_pingback.UnpingableTarget is pingcore.UnpingableTarget
    assert flask_pingback.AccessDenied is pingcore.AccessDenied
    assert flask_pingback.TargetNotFound is pingcore.TargetNotFound
    assert flask_pingback.PingbackError is pingcore.PingbackError


def test_init_app_sets_every_default_it_reads_without_overriding_given_ones() -> None:
    app = Flask(__name__)
    app.config["PINGBACK_URL"] = "/xmlrpc/"

    Pingback().init_app(app)

    assert app.config["PINGBACK_URL"] == "/xmlrpc/"
    assert app.config["PINGBACK_WEBMENTION"] is False
    assert app.config["PINGBACK_WEBMENTION_URL"] == "/webmention"
    assert app.config["PINGBACK_ALLOW_PRIVATE_ADDRESSES"] is False
    assert app.config["PINGBACK_MAX_SOURCE_BYTES"] == 1_048_576
    assert app.config["PINGBACK_QUEUE"] is None


def test_the_state_lives_in_app_extensions_not_on_the_extension(app: Flask) -> None:
    state = app.extensions["pingback"]

    assert isinstance(state, PingbackState)
    assert not hasattr(state.extension, "app")


def test_the_config_feeds_the_fetch_policy_and_the_rate_limiter() -> None:
    app = make_blog(
        PINGBACK_ALLOW_PRIVATE_ADDRESSES=False,
        PINGBACK_MAX_SOURCE_BYTES=5000,
        PINGBACK_FETCH_TIMEOUT=2.5,
        PINGBACK_ALLOWED_PORTS=[443],
        PINGBACK_RATE_LIMIT={"per_address": 3, "per_source_host": 4, "window": 10},
    )
    state: PingbackState = app.extensions["pingback"]

    assert state.policy.allow_private_addresses is False
    assert state.server.source_max_bytes == 5000
    assert state.policy.timeout == 2.5
    assert state.policy.connect_timeout <= 2.5
    assert state.policy.allowed_ports == frozenset({443})
    assert state.server.policy is state.policy
    limiter = state.server.rate_limiter
    assert (limiter.per_address, limiter.per_source_host, limiter.window) == (3, 4, 10.0)


def test_omitted_rate_limit_keys_keep_the_cores_values_and_none_turns_one_off() -> None:
    app = make_blog(PINGBACK_RATE_LIMIT={"per_source_host": None})
    limiter = app.extensions["pingback"].server.rate_limiter

    assert (limiter.per_address, limiter.per_source_host) == (30, None)


def test_an_unknown_rate_limit_key_is_refused_at_init_app() -> None:
    with pytest.raises(ValueError, match="per_minute"):
        make_blog(PINGBACK_RATE_LIMIT={"per_minute": 5})


def test_allowed_ports_none_allows_every_port() -> None:
    app = make_blog(PINGBACK_ALLOWED_PORTS=None)

    assert app.extensions["pingback"].policy.allowed_ports is None


def test_a_rate_limit_store_given_to_the_extension_is_used_by_every_app() -> None:
    store = MemoryStore()
    pingback = Pingback(rate_limit_store=store)
    first, second = make_blog(pingback), make_blog(pingback)

    for app in (first, second):
        assert app.extensions["pingback"].server.rate_limiter.store is store


def test_without_a_store_each_app_counts_on_its_own() -> None:
    first, second = make_blog(), make_blog()

    assert (
        first.extensions["pingback"].server.rate_limiter.store
        is not second.extensions["pingback"].server.rate_limiter.store
    )


def test_init_app_twice_on_one_app_is_refused(app: Flask) -> None:
    with pytest.raises(RuntimeError, match="already set up"):
        Pingback().init_app(app)


def test_a_helper_outside_an_initialised_app_says_to_call_init_app() -> None:
    app = Flask(__name__)

    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        Pingback().ping_links("http://blog.example/post", "<p>hi</p>")


def test_one_extension_serves_two_apps_with_their_own_urls_and_signals(
    source: Callable[..., str],
) -> None:
    pingback = Pingback()
    alice = make_blog(pingback, PINGBACK_URL="/xmlrpc/")
    bob = make_blog(pingback, PINGBACK_URL="/rpc", PINGBACK_WEBMENTION=True)
    post = "http://localhost/posts/hello/"
    reply = source(links_to=post)

    assert alice.extensions["pingback"].webmention is None
    assert bob.extensions["pingback"].webmention is not None
    assert alice.extensions["pingback"].extension is bob.extensions["pingback"].extension
    alice_client, bob_client = alice.test_client(), bob.test_client()
    with recording(received, alice) as alice_pings, recording(received, bob) as bob_pings:
        assert alice_client.get("/posts/hello/").headers["X-Pingback"].endswith("/xmlrpc/")
        assert bob_client.get("/posts/hello/").headers["X-Pingback"].endswith("/rpc")
        assert alice_client.post("/rpc").status_code == 404
        answer(call(alice_client, reply, post, url="/xmlrpc/"))
        answer(call(bob_client, reply, post, url="/rpc"))

    assert [p["sender"] for p in alice_pings] == [alice]
    assert [p["sender"] for p in bob_pings] == [bob]


def test_a_receiver_connected_without_a_sender_hears_every_app(
    source: Callable[..., str],
) -> None:
    pingback = Pingback()
    alice, bob = make_blog(pingback), make_blog(pingback)
    post = "http://localhost/posts/hello/"
    reply = source(links_to=post)
    senders: list[Any] = []

    def record(sender: Flask, **kwargs: Any) -> None:
        senders.append(sender)

    with received.connected_to(record):
        for app in (alice, bob):
            answer(call(app.test_client(), reply, post))

    assert senders == [alice, bob]
