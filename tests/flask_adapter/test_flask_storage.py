"""flask_pingback.storage: mentions and the send history on an Engine or Flask-SQLAlchemy."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from history_behaviour import SendHistoryBehaviour
from pytest_httpserver import HTTPServer
from sqlalchemy import Engine, MetaData, create_engine, inspect
from sqlalchemy.schema import CreateColumn

from flask_pingback import Pingback
from flask_pingback.storage import (
    SQLAlchemyMentionStore,
    SQLAlchemySendHistory,
    approved_mentions,
    create_tables,
    include_tables_in,
    sent_pings_table,
)
from pingcore.errors import DuplicatePing
from pingcore.history import SentPing
from pingcore.server import ReceivedPing, Target
from pingcore.storage import SQLiteMentionStore, store_ping

from .blog import NO_LINK, make_blog
from .xmlrpc_calls import answer, call, fault_of

POST = "http://localhost/posts/hello/"


def mention(
    source: str, *, target: str = POST, kind: str = "mention", **more: object
) -> ReceivedPing:
    ping = ReceivedPing(
        source_url=source,
        target_url=target,
        protocol="webmention",
        title="A post",
        author="Ann",
        excerpt="…",
        target=Target(url=target),
        kind=kind,
    )
    return dataclasses.replace(ping, **more)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'site.sqlite3'}")
    create_tables(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> SQLAlchemyMentionStore:
    return SQLAlchemyMentionStore(engine)


def test_create_tables_makes_both_tables_and_is_safe_to_run_again(engine: Engine) -> None:
    create_tables(engine)

    assert {"pingback_mentions", "pingback_sent_pings"} <= set(inspect(engine).get_table_names())


def test_approved_mentions_are_listed_newest_first_and_only_once_approved(
    store: SQLAlchemyMentionStore,
) -> None:
    for number in range(3):
        store_ping(store, mention(f"http://a.example/{number}/"))
    store.approve("http://a.example/0/", POST)
    store.approve("http://a.example/2/", POST)

    listed = approved_mentions(store)

    assert [m.source_url for m in listed] == ["http://a.example/2/", "http://a.example/0/"]
    assert all(m.approved for m in listed)


def test_approved_mentions_of_one_page_found_by_another_spelling_of_its_url(
    store: SQLAlchemyMentionStore, engine: Engine
) -> None:
    slug_url = "http://localhost/posts/%C3%A9t%C3%A9/"
    store_ping(store, mention("http://a.example/", target=slug_url))
    store_ping(store, mention("http://b.example/"))
    store.approve("http://a.example/", slug_url)
    store.approve("http://b.example/", POST)

    found = approved_mentions(engine, target_url="HTTP://LOCALHOST:80/posts/été/")

    assert [m.source_url for m in found] == ["http://a.example/"]


def test_approved_mentions_of_one_kind_or_of_several(store: SQLAlchemyMentionStore) -> None:
    for kind in ("reply", "like", "repost"):
        store_ping(store, mention(f"http://{kind}.example/", kind=kind))
        store.approve(f"http://{kind}.example/", POST)

    assert [m.kind for m in store.approved_mentions(kind="like")] == ["like"]
    assert sorted(m.kind for m in store.approved_mentions(POST, kind=["like", "repost"])) == [
        "like",
        "repost",
    ]


def test_reject_hides_a_mention_but_keeps_it_stored(store: SQLAlchemyMentionStore) -> None:
    store_ping(store, mention("http://a.example/"))
    store.approve("http://a.example/", POST)

    assert store.reject("http://a.example/", POST) is True

    assert approved_mentions(store) == []
    assert store.get("http://a.example/", POST) is not None
    assert store.approve("http://never.example/", POST) is False


def test_a_repeated_pingback_is_refused_with_fault_48(store: SQLAlchemyMentionStore) -> None:
    store_ping(store, mention("http://a.example/", protocol="pingback"))

    with pytest.raises(DuplicatePing):
        store_ping(store, mention("http://a.example/", protocol="pingback"))


def test_anything_but_an_engine_or_a_flask_sqlalchemy_db_is_refused_clearly() -> None:
    with pytest.raises(TypeError, match="Engine or Flask-SQLAlchemy's db"):
        SQLAlchemyMentionStore("sqlite:///pings.sqlite3").get("http://a.example/", POST)


@pytest.fixture
def flask_db(tmp_path: Path) -> Iterator[tuple[Flask, SQLAlchemy]]:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'flask.sqlite3'}"
    db = SQLAlchemy(app)
    yield app, db
    with app.app_context():
        db.engine.dispose()


def test_with_flask_sqlalchemy_the_engine_is_read_in_the_app_context_when_used(
    flask_db: tuple[Flask, SQLAlchemy],
) -> None:
    app, db = flask_db
    # Made at import time, outside any app context, as a module-level store would be.
    store = SQLAlchemyMentionStore(db)

    with app.app_context():
        create_tables(db)
        store_ping(store, mention("http://a.example/"))
        store.approve("http://a.example/", POST)
        assert [m.source_url for m in approved_mentions(db, POST)] == ["http://a.example/"]


def test_the_tables_join_flask_sqlalchemy_metadata_for_migrations(
    flask_db: tuple[Flask, SQLAlchemy],
) -> None:
    app, db = flask_db
    include_tables_in(db.metadata)
    include_tables_in(db.metadata)  # twice is harmless

    with app.app_context():
        db.create_all()
        assert {"pingback_mentions", "pingback_sent_pings"} <= set(
            inspect(db.engine).get_table_names()
        )


def test_include_tables_in_copies_every_column_and_constraint() -> None:
    target = MetaData()
    include_tables_in(target)

    mentions = target.tables["pingback_mentions"]
    assert {"kind", "author_photo", "syndication", "approved"} <= set(mentions.c.keys())
    assert any(c.name == "pingback_mentions_source_target" for c in mentions.constraints)


SOURCE = "http://localhost/posts/hello/"
TRIED = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


def sent(target: str, **changes: object) -> SentPing:
    values: dict[str, object] = {
        "source_url": SOURCE,
        "target_url": target,
        "protocol": "pingback",
        "outcome": "registered",
        "reason": "",
        "last_tried": TRIED,
        **changes,
    }
    return SentPing(**values)  # type: ignore[arg-type]


def test_the_send_history_keeps_one_row_per_target_replaced_by_the_last_attempt(
    engine: Engine,
) -> None:
    history = SQLAlchemySendHistory(engine)
    retry_at = TRIED + timedelta(minutes=5)
    history.record(sent("http://wp.example/1/", outcome="deferred", reason="fault 429"))
    history.record(sent("http://wp.example/2/", protocol=None, outcome="no_endpoint"))
    history.record(sent("http://wp.example/1/", outcome="deferred", attempts=2, retry_at=retry_at))

    remembered = history.sent_from(SOURCE)

    assert [(s.target_url, s.outcome, s.attempts) for s in remembered] == [
        ("http://wp.example/1/", "deferred", 2),
        ("http://wp.example/2/", "no_endpoint", 1),
    ]
    assert remembered[0].retry_at == retry_at
    assert remembered[1].protocol is None
    assert history.sent_from("http://localhost/posts/other/") == []


def test_the_send_history_gives_back_timezone_aware_times_and_the_status_url(
    engine: Engine,
) -> None:
    history = SQLAlchemySendHistory(engine)
    in_paris = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    history.record(
        sent("http://a.example/", last_tried=in_paris, status_url="http://a.example/s/1")
    )

    (remembered,) = history.sent_from(SOURCE)

    assert remembered.last_tried == in_paris
    assert remembered.last_tried.tzinfo is not None
    assert remembered.status_url == "http://a.example/s/1"


class TestSQLAlchemySendHistory(SendHistoryBehaviour):
    """The SQLAlchemy history answers as the core's histories do."""

    @pytest.fixture
    def history(self, engine: Engine) -> SQLAlchemySendHistory:
        return SQLAlchemySendHistory(engine)


def test_a_history_table_made_before_the_linked_column_takes_it_with_add_column(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE pingback_sent_pings (id INTEGER PRIMARY KEY, source_url VARCHAR, "
            "target_url VARCHAR, protocol VARCHAR, outcome VARCHAR NOT NULL, reason TEXT, "
            "attempts INTEGER, last_tried DATETIME NOT NULL, retry_at DATETIME, status_url VARCHAR)"
        )
        connection.exec_driver_sql(
            "INSERT INTO pingback_sent_pings (source_url, target_url, protocol, outcome, "
            "reason, attempts, last_tried) VALUES (?, 'http://a.example/', 'webmention', "
            "'accepted', '', 1, '2026-12-01 08:00:00.000000')",
            (SOURCE,),
        )
        # What an Alembic migration of the new column runs: the server default fills old rows.
        column = CreateColumn(sent_pings_table.c.linked).compile(dialect=engine.dialect)
        connection.exec_driver_sql(f"ALTER TABLE pingback_sent_pings ADD COLUMN {column}")

    [row] = SQLAlchemySendHistory(engine).sent_from(SOURCE)

    assert (row.target_url, row.linked) == ("http://a.example/", True)
    engine.dispose()


@pytest.fixture
def stored_blog(engine: Engine) -> tuple[Flask, SQLAlchemyMentionStore]:
    store = SQLAlchemyMentionStore(engine)
    app = make_blog(Pingback(store=store), PINGBACK_WEBMENTION=True)
    return app, store


def test_the_extensions_store_keeps_a_verified_pingback_and_refuses_it_again_with_fault_48(
    stored_blog: tuple[Flask, SQLAlchemyMentionStore], source: Callable[..., str]
) -> None:
    app, store = stored_blog
    source_url = source(links_to=POST)
    client = app.test_client()

    assert answer(call(client, source_url, POST))
    assert fault_of(call(client, source_url, POST)).faultCode == 48

    stored = store.get(source_url, POST)
    assert stored is not None
    assert (stored.protocol, stored.author, stored.approved) == ("pingback", "Bob Example", False)


def test_the_extensions_store_updates_a_repeated_webmention_and_forgets_a_deleted_one(
    stored_blog: tuple[Flask, SQLAlchemyMentionStore],
    source: Callable[..., str],
    httpserver_ipv4: HTTPServer,
) -> None:
    app, store = stored_blog
    client = app.test_client()
    source_url = source(links_to=POST)
    form = {"source": source_url, "target": POST}

    assert client.post("/webmention", data=form).status_code == 200
    store.approve(source_url, POST)
    assert client.post("/webmention", data=form).status_code == 200
    stored = store.get(source_url, POST)
    assert stored is not None and stored.approved is True  # the same words keep their approval

    httpserver_ipv4.clear_all_handlers()
    source(html=NO_LINK)
    assert client.post("/webmention", data=form).status_code == 400
    assert store.get(source_url, POST) is None


def test_the_extensions_store_keeps_only_the_pings_of_its_own_app(
    stored_blog: tuple[Flask, SQLAlchemyMentionStore], source: Callable[..., str]
) -> None:
    _, store = stored_blog
    other = make_blog()
    source_url = source(links_to=POST)

    answer(call(other.test_client(), source_url, POST))

    assert store.get(source_url, POST) is None


def test_a_scripts_sqlite_file_and_a_sites_sqlalchemy_store_read_each_others_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shared.sqlite3"
    script = SQLiteMentionStore(path)
    engine = create_engine(f"sqlite:///{path}")
    site = SQLAlchemyMentionStore(engine)
    published = datetime(2026, 11, 30, 9, 15, tzinfo=timezone(timedelta(hours=2)))

    store_ping(
        script, mention("http://a.example/", published=published, syndication=("http://s/1",))
    )
    store_ping(site, mention("http://b.example/", published=published))
    from_script, from_site = (
        site.get("http://a.example/", POST),
        script.get("http://b.example/", POST),
    )
    engine.dispose()

    assert from_script is not None and from_site is not None
    assert from_script.published == published == from_site.published
    assert from_script.syndication == ("http://s/1",)
    assert from_script.created_at is not None and from_site.created_at is not None


def test_moderation_lists_every_mention_of_a_page_approved_or_not(
    stored_blog: tuple[Flask, SQLAlchemyMentionStore], source: Callable[..., str]
) -> None:
    app, store = stored_blog
    source_url = source(links_to=POST)
    answer(call(app.test_client(), source_url, POST))

    (waiting,) = store.mentions(POST)

    assert (waiting.source_url, waiting.approved) == (source_url, False)
    assert store.approved_mentions(POST) == []
    assert store.mentions("http://localhost/posts/other/") == []
