"""Advertising the endpoints: X-Pingback and Link headers, and the template helpers."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from flask_pingback import Pingback

from .blog import make_blog


def test_a_pingable_view_sends_the_x_pingback_header(client: FlaskClient) -> None:
    response = client.get("/posts/hello/")

    assert response.headers["X-Pingback"] == "http://localhost/pingback"
    assert "Link" not in response.headers


def test_a_view_not_marked_pingable_sends_no_header(client: FlaskClient) -> None:
    assert "X-Pingback" not in client.get("/about").headers


def test_a_head_request_gets_the_header_too(client: FlaskClient) -> None:
    assert client.head("/posts/hello/").headers["X-Pingback"] == "http://localhost/pingback"


def test_a_missing_post_does_not_advertise(client: FlaskClient) -> None:
    response = client.get("/posts/no-such-post/")

    assert response.status_code == 404
    assert "X-Pingback" not in response.headers


def test_header_all_views_advertises_on_every_page_but_not_on_static_files() -> None:
    app = make_blog(PINGBACK_HEADER_ALL_VIEWS=True)

    with app.test_client() as client:
        assert client.get("/about").headers["X-Pingback"] == "http://localhost/pingback"
        assert "X-Pingback" not in client.post("/comments/").headers


def test_the_method_form_of_the_decorator_marks_a_view_too() -> None:
    app = Flask(__name__)
    pingback = Pingback(app)

    @app.get("/notes/<int:number>")
    @pingback.pingable
    def show_note(number: int) -> str:
        return f"Note {number}"

    with app.test_client() as client:
        assert "X-Pingback" in client.get("/notes/1").headers


def test_with_webmention_on_pages_send_a_link_header_as_well() -> None:
    app = make_blog(PINGBACK_WEBMENTION=True)

    with app.test_client() as client:
        response = client.get("/posts/hello/")

    assert response.headers["Link"] == '<http://localhost/webmention>; rel="webmention"'
    assert response.headers["X-Pingback"] == "http://localhost/pingback"


def test_an_existing_link_header_is_kept_beside_the_webmention_one() -> None:
    app = make_blog(PINGBACK_WEBMENTION=True)

    @app.get("/linked")
    @Pingback.pingable
    def linked() -> tuple[str, dict[str, str]]:
        return "linked", {"Link": '</style.css>; rel="preload"'}

    with app.test_client() as client:
        links = client.get("/linked").headers.getlist("Link")

    assert links == [
        '</style.css>; rel="preload"',
        '<http://localhost/webmention>; rel="webmention"',
    ]


def test_pingback_link_renders_an_absolute_link_element(app: Flask) -> None:
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        html = render_template_string("{{ pingback_link() }}")

    assert html == '<link rel="pingback" href="http://localhost/pingback">'


def test_pingback_link_adds_the_webmention_link_when_webmention_is_on() -> None:
    app = make_blog(PINGBACK_WEBMENTION=True)

    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        html = render_template_string("{{ pingback_link() }}")

    assert html.splitlines() == [
        '<link rel="pingback" href="http://localhost/pingback">',
        '<link rel="webmention" href="http://localhost/webmention">',
    ]


def test_the_url_helpers_give_absolute_urls_with_the_configured_paths() -> None:
    app = make_blog(
        PINGBACK_URL="/rpc/ping",
        PINGBACK_WEBMENTION=True,
        PINGBACK_WEBMENTION_URL="/wm/",
        PINGBACK_HOSTS=["blog.example"],
    )

    with app.test_request_context("/", base_url="https://blog.example"):
        urls = render_template_string("{{ pingback_url() }} {{ webmention_url() }}")

    assert urls == "https://blog.example/rpc/ping https://blog.example/wm/"


def test_webmention_url_says_how_to_turn_webmention_on_when_it_is_off(app: Flask) -> None:
    with app.test_request_context("/"), pytest.raises(RuntimeError, match="PINGBACK_WEBMENTION"):
        render_template_string("{{ webmention_url() }}")


def test_a_page_of_the_blog_advertises_the_endpoint_in_its_head(client: FlaskClient) -> None:
    html = client.get("/posts/hello/").get_data(as_text=True)

    assert '<link rel="pingback" href="http://localhost/pingback">' in html
