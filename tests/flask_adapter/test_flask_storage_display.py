"""mentions(target_url) in Jinja: a page's approved mentions by kind, escaped everywhere."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Engine, create_engine

from flask_pingback import register_mentions
from flask_pingback.display import mentions_display
from flask_pingback.storage import SQLAlchemyMentionStore, create_tables
from pingcore.server import ReceivedPing, Target

POST = "http://localhost/posts/hello/"
PAGE = "<main>{{ mentions(url) }}</main>"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'site.sqlite3'}")
    create_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> SQLAlchemyMentionStore:
    return SQLAlchemyMentionStore(engine)


@pytest.fixture
def app(store: SQLAlchemyMentionStore) -> Flask:
    app = Flask(__name__)
    register_mentions(app, store)
    return app


def add(
    store: SQLAlchemyMentionStore, source: str, *, approved: bool = True, **fields: object
) -> None:
    ping = ReceivedPing(
        source_url=source,
        target_url=fields.pop("target_url", POST),  # type: ignore[arg-type]
        protocol="webmention",
        title="A post",
        author="Ann",
        excerpt="",
        target=Target(url=POST),
    )
    store.add(dataclasses.replace(ping, **fields))
    if approved:
        store.approve(source, ping.target_url)


def render(app: Flask, url: str = POST) -> str:
    with app.test_request_context():
        return render_template_string(PAGE, url=url)


def test_replies_show_as_comments_with_author_photo_date_and_content(
    app: Flask, store: SQLAlchemyMentionStore
) -> None:
    add(
        store,
        "http://ann.example/reply/",
        kind="reply",
        author_url="http://ann.example/",
        author_photo="http://ann.example/me.jpg",
        published=datetime(2026, 11, 30, 9, 15, tzinfo=timezone.utc),
        content_html="<p>Great <em>post</em></p>",
    )

    html = render(app)

    assert '<li class="mention mention-reply">' in html
    assert '<a href="http://ann.example/" rel="nofollow ugc">Ann</a>' in html
    assert '<img src="http://ann.example/me.jpg"' in html
    assert '<time datetime="2026-11-30T09:15:00+00:00">2026-11-30 09:15</time>' in html
    assert "<p>Great <em>post</em></p>" in html


def test_likes_reposts_and_bookmarks_show_as_facepiles_with_counts(
    app: Flask, store: SQLAlchemyMentionStore
) -> None:
    for number in range(2):
        add(store, f"http://fan{number}.example/", kind="like", author=f"Fan {number}")
    add(store, "http://bea.example/", kind="bookmark", author="Bea")
    add(store, "http://cy.example/", kind="mention", content_text="Saw this")
    add(store, "http://spam.example/", kind="like", approved=False)

    html = render(app)

    assert "2 likes" in html and "1 bookmark" in html
    assert "spam.example" not in html
    assert html.count('class="mention mention-') == 1
    assert "<p>Saw this</p>" in html


def test_a_page_is_found_by_another_spelling_of_its_url(
    app: Flask, store: SQLAlchemyMentionStore
) -> None:
    add(store, "http://ann.example/", content_text="Found")

    assert "Found" in render(app, "HTTP://LOCALHOST:80/posts/hello/")
    assert "Found" not in render(app, "http://localhost/posts/other/")


def test_a_page_without_approved_mentions_renders_nothing(app: Flask) -> None:
    assert render(app) == "<main></main>"


def test_hostile_names_photos_and_content_are_made_harmless(
    app: Flask, store: SQLAlchemyMentionStore
) -> None:
    add(
        store,
        "http://evil.example/reply/",
        kind="reply",
        author='<script>alert("name")</script>',
        author_url="javascript:alert(1)",
        author_photo="javascript:alert(2)",
        url="javascript:alert(3)",
        content_html=(
            '<p onclick="alert(4)">Hi<script>alert(5)</script>'
            '<a href="javascript:alert(6)">x</a><img src=x onerror=alert(7)>'
            '<style>body{display:none}</style><a href="http://ok.example/">ok</a></p>'
        ),
    )
    add(
        store,
        "http://evil.example/like/",
        kind="like",
        author='"><img src=x onerror=alert(8)>',
        author_photo="javascript:alert(9)",
    )

    html = render(app)

    assert "<script" not in html and "javascript:" not in html
    assert "onclick" not in html and "alert(7)" not in html and "<style" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in html
    assert '<a href="http://ok.example/" rel="nofollow noopener noreferrer ugc">ok</a>' in html
    assert 'href="http://evil.example/reply/"' in html


def test_the_macro_can_be_imported_into_a_sites_own_template(
    app: Flask, store: SQLAlchemyMentionStore
) -> None:
    add(store, "http://ann.example/", kind="repost")
    page = (
        '{% from "flask_pingback/mentions.html" import render_mentions %}'
        "{{ render_mentions(shown) }}"
    )
    with app.test_request_context():
        html = render_template_string(page, shown=mentions_display(store, POST))

    assert "1 repost" in html


def test_the_sites_own_mentions_template_takes_precedence(
    tmp_path: Path, store: SQLAlchemyMentionStore
) -> None:
    (tmp_path / "flask_pingback").mkdir()
    (tmp_path / "flask_pingback" / "mentions.html").write_text(
        "{{ mentions_shown.count }} mentions, the site's way"
    )
    app = Flask(__name__, template_folder=str(tmp_path))
    register_mentions(app, store)
    add(store, "http://ann.example/")

    assert render(app) == "<main>1 mentions, the site's way</main>"


def test_without_a_store_it_uses_the_apps_flask_sqlalchemy_db(tmp_path: Path) -> None:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'flask.sqlite3'}"
    db = SQLAlchemy(app)
    register_mentions(app)
    register_mentions(app)  # twice is harmless
    with app.app_context():
        create_tables(db)
        add(SQLAlchemyMentionStore(db), "http://ann.example/", content_text="From db")
        html = render(app)
        db.engine.dispose()

    assert "From db" in html


def test_without_any_store_the_error_says_what_to_pass() -> None:
    app = Flask(__name__)
    register_mentions(app)

    with pytest.raises(RuntimeError, match="register_mentions"):
        render(app)
