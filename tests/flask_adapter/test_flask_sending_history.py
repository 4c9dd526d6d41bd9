"""ping_links and ping_deleted with a send history: on SQLAlchemy, and on a SQLite file."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from mention_receiver import MentionReceiver, post_linking
from sqlalchemy import create_engine

from flask_pingback import Pingback
from flask_pingback.sending import DeletedPostJob, PingJob, RetryJob, history_from_url
from flask_pingback.storage import SQLAlchemySendHistory, create_tables
from pingcore import FetchPolicy, SettingError, SQLiteSendHistory
from pingcore.client import PingResult

from .blog import make_blog

SOURCE = "http://blog.example/posts/first/"


@pytest.fixture
def receiver() -> Iterator[MentionReceiver]:
    with MentionReceiver().running() as running:
        yield running


@pytest.fixture
def db_blog(tmp_path: Path) -> Iterator[tuple[Flask, Pingback, SQLAlchemy]]:
    db = SQLAlchemy()
    pingback = Pingback(history=SQLAlchemySendHistory(db))
    app = make_blog(pingback, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'blog.db'}")
    db.init_app(app)
    with app.app_context():
        create_tables(db)
    yield app, pingback, db
    with app.app_context():
        db.engine.dispose()


def sent(future: Future[list[PingResult]]) -> list[tuple[str, str]]:
    return [(result.target_url, result.outcome.value) for result in future.result(timeout=30)]


def test_an_update_on_flask_sqlalchemy_tells_the_target_whose_link_was_removed(
    db_blog: tuple[Flask, Pingback, SQLAlchemy], receiver: MentionReceiver
) -> None:
    app, pingback, db = db_blog
    kept, removed = receiver.post("kept"), receiver.post("removed")
    with app.app_context():
        first = pingback.ping_links(SOURCE, post_linking(kept, removed))
        assert sent(first) == [(kept, "accepted"), (removed, "accepted")]

        update = pingback.ping_links(SOURCE, post_linking(kept))

        assert sent(update) == [(kept, "accepted"), (removed, "accepted")]
        rows = SQLAlchemySendHistory(db).sent_from(SOURCE)
    # Both were sent at once, so their rows were recorded in either order.
    assert sorted((row.target_url, row.linked) for row in rows) == [(kept, True), (removed, False)]
    assert sorted(receiver.received[2:]) == sorted([(SOURCE, kept), (SOURCE, removed)])


def test_a_deleted_post_reaches_every_target_it_mentioned(
    db_blog: tuple[Flask, Pingback, SQLAlchemy], receiver: MentionReceiver
) -> None:
    app, pingback, _ = db_blog
    a, b = receiver.post("a"), receiver.post("b")
    with app.app_context():
        sent(pingback.ping_links(SOURCE, post_linking(a, b)))
        del receiver.received[:]

        gone = pingback.ping_deleted(SOURCE)

        assert sorted(sent(gone)) == [(a, "accepted"), (b, "accepted")]
    assert sorted(receiver.received) == [(SOURCE, a), (SOURCE, b)]


def test_history_false_sends_with_no_memory(
    db_blog: tuple[Flask, Pingback, SQLAlchemy], receiver: MentionReceiver
) -> None:
    app, pingback, db = db_blog
    with app.app_context():
        sent(pingback.ping_links(SOURCE, post_linking(receiver.post("a")), history=False))
        assert SQLAlchemySendHistory(db).sent_from(SOURCE) == []


def test_the_send_history_setting_names_a_sqlite_file(
    tmp_path: Path, receiver: MentionReceiver
) -> None:
    path = tmp_path / "sent.db"
    app = make_blog(Pingback(), PINGBACK_SEND_HISTORY=f"sqlite:///{path}")
    target = receiver.post("a")
    with app.app_context():
        assert sent(app.extensions["pingback"].extension.ping_links(SOURCE, post_linking(target)))
    [row] = SQLiteSendHistory(path).sent_from(SOURCE)
    assert (row.target_url, row.outcome) == (target, "accepted")


def test_without_a_history_ping_deleted_says_how_to_give_one() -> None:
    pingback = Pingback()
    app = make_blog(pingback)
    with app.app_context(), pytest.raises(RuntimeError, match="PINGBACK_SEND_HISTORY"):
        pingback.ping_deleted(SOURCE)
    with app.app_context(), pytest.raises(RuntimeError, match="SQLAlchemySendHistory"):
        pingback.ping_links(SOURCE, "<p>no links</p>", history=True)


@pytest.mark.parametrize("value", ["sqlite://", "sqlite:///", "redis://localhost/0", 7])
def test_a_bad_send_history_setting_is_refused_naming_the_key(value: object) -> None:
    with pytest.raises(SettingError, match="PINGBACK_SEND_HISTORY"):
        make_blog(Pingback(), PINGBACK_SEND_HISTORY=value)


def test_history_from_url_refuses_what_the_setting_does_not_take() -> None:
    with pytest.raises(ValueError, match="sqlite:///path/to/file.db"):
        history_from_url("sqlite:///:memory:")


def test_a_job_with_a_sqlalchemy_history_pickles_as_its_database_url(
    tmp_path: Path, receiver: MentionReceiver
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'blog.db'}")
    create_tables(engine)
    history = SQLAlchemySendHistory(engine)
    policy = FetchPolicy(allow_private_addresses=True)
    html = post_linking(receiver.post("a"))
    job = PingJob(SOURCE, html, "http://blog.example/", policy=policy, history=history)

    copy = pickle.loads(pickle.dumps(job))

    assert copy.history is not history
    assert [result.outcome.value for result in copy()] == ["accepted"]
    assert [row.target_url for row in history.sent_from(SOURCE)] == [receiver.post("a")]
    assert [row.outcome for row in pickle.loads(pickle.dumps(RetryJob(history)))()] == []
    engine.dispose()


def test_a_history_in_an_in_memory_database_refuses_to_travel() -> None:
    history = SQLAlchemySendHistory(create_engine("sqlite://"))
    with pytest.raises(TypeError, match="in-memory SQLite"):
        pickle.dumps(DeletedPostJob(SOURCE, history))
