"""A Flask app in debug mode shows why a ping was refused, in its config's words."""

from __future__ import annotations

import pytest
from logging_state import unconfigured_logging
from pytest_httpserver import HTTPServer

from .blog import SOURCE, make_blog

HINT = "Set PINGBACK_ALLOW_PRIVATE_ADDRESSES = True in the app's config to allow it."
TARGET = "http://localhost/posts/hello/"


def mention(httpserver_ipv4: HTTPServer, *, debug: bool) -> tuple[int, str]:
    app = make_blog(PINGBACK_ALLOW_PRIVATE_ADDRESSES=False, PINGBACK_WEBMENTION=True)
    app.debug = debug
    httpserver_ipv4.expect_request("/reply").respond_with_data(
        SOURCE.format(target=TARGET), content_type="text/html"
    )
    source = httpserver_ipv4.url_for("/reply")
    with unconfigured_logging():
        response = app.test_client().post("/webmention", data={"source": source, "target": TARGET})
    return response.status_code, source


def test_a_refused_source_is_explained_on_the_console_in_debug(
    httpserver_ipv4: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status, source = mention(httpserver_ipv4, debug=True)
    assert status == 400
    console = capsys.readouterr().err
    assert f"{source!r}" in console
    assert "not fetched" in console
    assert HINT in console


def test_without_debug_the_console_stays_quiet(
    httpserver_ipv4: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _ = mention(httpserver_ipv4, debug=False)
    assert status == 400
    assert "not fetched" not in capsys.readouterr().err
