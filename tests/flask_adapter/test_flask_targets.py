"""Which page of the app a target URL names: host, url_map for GET, redirects, script root."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from flask_pingback import Pingback, UnpingableTarget
from flask_pingback.targets import resolve_target
from pingcore import Target, TargetNotFound

from .blog import make_blog
from .xmlrpc_calls import answer, call


def resolve(
    app: Flask,
    target_url: str,
    base_url: str = "http://localhost/",
    remote_addr: str = "127.0.0.1",
) -> Target | None:
    """Resolve ``target_url`` as a ping sent to ``base_url`` from ``remote_addr`` would."""
    environ = {"REMOTE_ADDR": remote_addr}
    with app.test_request_context(
        "/pingback", base_url=base_url, method="POST", environ_base=environ
    ):
        try:
            return resolve_target(
                app,
                target_url,
                app.extensions["pingback"].hosts,
                request_host=request.host,
                remote_addr=request.remote_addr,
                script_root=request.script_root,
            )
        except TargetNotFound:
            return None


def test_a_post_url_resolves_to_its_view_and_view_args(app: Flask) -> None:
    target = resolve(app, "http://localhost/posts/hello/")

    assert target == Target(
        "http://localhost/posts/hello/",
        view=app.view_functions["show_post"],
        args=(),
        kwargs={"slug": "hello"},
    )


def test_percent_encoded_paths_give_decoded_view_args(app: Flask) -> None:
    target = resolve(app, "http://localhost/posts/caf%C3%A9/")

    assert target is not None
    assert target.kwargs == {"slug": "café"}


def test_host_and_scheme_compare_as_urls_do(app: Flask) -> None:
    for url in ("http://LOCALHOST/posts/hello/", "http://localhost:80/posts/hello/"):
        assert resolve(app, url) is not None


def test_a_query_string_does_not_stop_a_match(app: Flask) -> None:
    target = resolve(app, "http://localhost/posts/hello/?utm_source=feed")

    assert target is not None
    assert target.kwargs == {"slug": "hello"}


def test_a_url_missing_its_trailing_slash_names_the_page_it_redirects_to(app: Flask) -> None:
    target = resolve(app, "http://localhost/posts/hello")

    assert target is not None
    assert target.url == "http://localhost/posts/hello/"  # the page's canonical URL
    assert target.view is app.view_functions["show_post"]
    assert target.kwargs == {"slug": "hello"}


def test_a_redirect_to_another_site_is_no_page_of_the_app(app: Flask) -> None:
    app.add_url_rule("/elsewhere", "elsewhere", redirect_to="http://other.example/")

    assert resolve(app, "http://localhost/elsewhere") is None


def test_a_redirect_rule_within_the_app_names_its_destination(app: Flask) -> None:
    app.add_url_rule("/old-hello", "old_hello", redirect_to="/posts/hello/")

    target = resolve(app, "http://localhost/old-hello")

    assert target is not None
    assert target.kwargs == {"slug": "hello"}


@pytest.mark.parametrize(
    "url",
    [
        "http://elsewhere.example/posts/hello/",
        "http://localhost:5000/posts/hello/",
        "http://localhost/nothing/here",
        "http://localhost/comments/",
    ],
)
def test_urls_outside_the_apps_get_pages_are_none(app: Flask, url: str) -> None:
    assert resolve(app, url) is None


def test_a_static_file_is_unpingable(app: Flask) -> None:
    with pytest.raises(UnpingableTarget):
        resolve(app, "http://localhost/static/site.css")


def test_with_server_name_set_the_target_must_be_on_that_host() -> None:
    app = make_blog(SERVER_NAME="blog.example")

    assert resolve(app, "http://blog.example/posts/hello/", "http://blog.example/") is not None
    assert resolve(app, "https://blog.example/posts/hello/", "http://blog.example/") is not None
    # The Host a pinger sends does not make its own host ours.
    assert resolve(app, "http://evil.example/posts/hello/", "http://evil.example/") is None


def test_subdomains_count_with_subdomain_matching() -> None:
    app = Flask(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "blog.example"
    app.add_url_rule("/", "home", lambda user: f"{user}'s home", subdomain="<user>")
    Pingback(app)

    target = resolve(app, "http://alice.blog.example/", "http://blog.example/")

    assert target is not None
    assert target.kwargs == {"user": "alice"}
    assert resolve(app, "http://alice.other.example/", "http://blog.example/") is None


def test_host_matching_apps_match_the_hosts_of_their_rules() -> None:
    app = Flask(__name__, host_matching=True, static_host="static.example")
    app.add_url_rule("/", "alice", lambda: "alice", host="alice.example")
    Pingback(app)

    assert resolve(app, "http://alice.example/", "http://alice.example/") is not None
    assert resolve(app, "http://bob.example/", "http://alice.example/") is None


def test_hosts_outside_trusted_hosts_are_none() -> None:
    app = Flask(__name__, host_matching=True, static_host="static.example")
    app.config["TRUSTED_HOSTS"] = ["alice.example"]
    app.add_url_rule("/", "home", lambda name: f"{name}'s home", host="<name>.example")
    Pingback(app)

    assert resolve(app, "http://alice.example/", "http://alice.example/") is not None
    assert resolve(app, "http://mallory.example/", "http://alice.example/") is None


def test_an_app_under_a_script_root_matches_paths_below_it(app: Flask) -> None:
    base = "http://localhost/blog/"

    assert resolve(app, "http://localhost/blog/posts/hello/", base) is not None
    assert resolve(app, "http://localhost/posts/hello/", base) is None
    assert resolve(app, "http://localhost/blogroll/posts/hello/", base) is None


def test_a_ping_to_a_url_without_its_trailing_slash_reaches_the_post(
    client: FlaskClient, source: Callable[..., str], pings: list[dict[str, Any]]
) -> None:
    target = "http://localhost/posts/hello"

    answer(call(client, source(links_to=target), target))

    assert pings[0]["target_url"] == target + "/"  # the page's canonical URL
    assert pings[0]["kwargs"] == {"slug": "hello"}
