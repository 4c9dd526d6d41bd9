"""The storage rules, run against every backend: memory, SQLite, SQLAlchemy and the Django ORM.

One behaviour suite: what a new pair, a repeated Pingback, a repeated Webmention
and a delete do must not depend on what holds the rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from django_pingback.storage.stores import ModelMentionStore
from flask_pingback.storage import SQLAlchemyMentionStore, create_tables
from pingcore.errors import DuplicatePing
from pingcore.server import ReceivedPing, Target
from pingcore.storage import (
    SHOWN_FIELDS,
    MemoryMentionStore,
    MentionStore,
    SQLiteMentionStore,
    StoredMention,
    forget_ping,
    is_stored,
    ping_from_signal,
    store_ping,
)
from pingcore.urls import MAX_URL_LENGTH

SOURCE = "http://source.example/a-post/"
TARGET = "http://blog.example/posts/hello/"
PUBLISHED = datetime(2026, 11, 30, 9, 15, tzinfo=timezone(timedelta(hours=2)))


def received(**changes: Any) -> ReceivedPing:
    ping = ReceivedPing(
        source_url=SOURCE,
        target_url=TARGET,
        protocol="webmention",
        title="A post",
        author="Ann",
        excerpt="…links here…",
        target=Target(url=TARGET),
        remote_addr="192.0.2.1",
        kind="reply",
        rsvp=None,
        author_url="http://source.example/",
        author_photo="http://source.example/ann.jpg",
        published=PUBLISHED,
        updated=None,
        url="http://source.example/a-post/#reply",
        content_html="<p>Nice post</p>",
        content_text="Nice post",
        syndication=("https://social.example/@ann/1",),
    )
    return dataclasses.replace(ping, **changes)


def pingback(**changes: Any) -> ReceivedPing:
    return received(protocol="pingback", **changes)


# pytest-django opens its test database for a marked test; the mark rides on the parameter.
BACKENDS = ["memory", "sqlite", "sqlalchemy", pytest.param("django", marks=pytest.mark.django_db)]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Each backend in turn, empty."""
    if request.param == "memory":
        yield MemoryMentionStore()
    elif request.param == "sqlite":
        yield SQLiteMentionStore(tmp_path / "mentions.sqlite3")
    elif request.param == "sqlalchemy":
        engine = create_engine(f"sqlite:///{tmp_path / 'mentions.sqlite3'}")
        create_tables(engine)
        yield SQLAlchemyMentionStore(engine)
        engine.dispose()
    else:
        yield ModelMentionStore()


def the_row(store: MentionStore) -> StoredMention:
    stored = store.get(SOURCE, TARGET)
    assert stored is not None
    return stored


def approve(store: Any) -> None:
    assert store.set_approved(SOURCE, TARGET, True)


def test_a_new_pair_is_added_unapproved_with_every_field(store: MentionStore) -> None:
    assert store_ping(store, received()) == "added"

    stored = the_row(store)
    assert stored.approved is False
    assert (stored.source_url, stored.target_url, stored.protocol) == (SOURCE, TARGET, "webmention")
    assert (stored.title, stored.author, stored.excerpt) == ("A post", "Ann", "…links here…")
    assert (stored.kind, stored.rsvp, stored.remote_addr) == ("reply", None, "192.0.2.1")
    assert stored.author_url == "http://source.example/"
    assert stored.author_photo == "http://source.example/ann.jpg"
    assert stored.url == "http://source.example/a-post/#reply"
    assert (stored.content_html, stored.content_text) == ("<p>Nice post</p>", "Nice post")
    assert stored.syndication == ("https://social.example/@ann/1",)
    assert stored.created_at is not None and stored.created_at.tzinfo is not None


def test_a_published_date_keeps_its_instant_and_comes_back_timezone_aware(
    store: MentionStore,
) -> None:
    store_ping(store, received())

    published = the_row(store).published
    assert published == PUBLISHED
    assert published is not None and published.tzinfo is not None


def test_a_repeated_pingback_is_a_duplicate_and_changes_nothing(store: MentionStore) -> None:
    store_ping(store, pingback())

    with pytest.raises(DuplicatePing) as duplicate:
        store_ping(store, pingback(title="Changed"))

    assert duplicate.value.fault_code == 48
    assert the_row(store).title == "A post"


def test_a_repeated_webmention_saying_the_same_keeps_its_approval(store: MentionStore) -> None:
    store_ping(store, received())
    approve(store)

    assert store_ping(store, received()) == "unchanged"
    assert the_row(store).approved is True


CHANGES: dict[str, object] = {
    "title": "A new title",
    "author": "Bob",
    "excerpt": "…other words…",
    "kind": "like",
    "rsvp": "yes",
    "content_html": "<p>Changed my mind</p>",
    "content_text": "Changed my mind",
    "author_url": "http://other.example/",
    "author_photo": "http://source.example/bob.jpg",
    "url": "http://source.example/a-post/#like",
    "published": PUBLISHED + timedelta(days=1),
}


def test_every_field_readers_see_is_covered_by_the_change_cases() -> None:
    assert set(CHANGES) == set(SHOWN_FIELDS)


@pytest.mark.parametrize("field", sorted(CHANGES))
def test_a_repeated_webmention_that_changes_what_readers_see_needs_approval_again(
    store: MentionStore, field: str
) -> None:
    store_ping(store, received())
    approve(store)

    assert store_ping(store, received(**{field: CHANGES[field]})) == "updated"

    stored = the_row(store)
    assert getattr(stored, field) == CHANGES[field]
    assert stored.approved is False


def test_a_repeated_webmention_changing_only_unseen_fields_is_rewritten_and_stays_approved(
    store: MentionStore,
) -> None:
    store_ping(store, received())
    approve(store)
    later = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
    again = received(updated=later, syndication=(), remote_addr="198.51.100.7")

    assert store_ping(store, again) == "unchanged"

    stored = the_row(store)
    assert (stored.updated, stored.syndication, stored.remote_addr) == (later, (), "198.51.100.7")
    assert stored.approved is True


def test_a_webmention_for_a_stored_pingback_updates_the_row(store: MentionStore) -> None:
    store_ping(store, pingback())

    assert store_ping(store, received(title="Now a Webmention")) == "updated"
    assert the_row(store).protocol == "webmention"


def test_overlong_titles_and_names_are_cut_to_their_columns(store: MentionStore) -> None:
    store_ping(store, received(title="t" * 900, author="a" * 900))

    stored = the_row(store)
    assert (len(stored.title), len(stored.author)) == (500, 200)


def test_overlong_or_odd_page_values_are_dropped_rather_than_stored(store: MentionStore) -> None:
    overlong = "http://source.example/" + "x" * MAX_URL_LENGTH
    store_ping(
        store,
        received(
            author_url=overlong,
            author_photo=overlong,
            url=overlong,
            syndication=(overlong, "https://social.example/1"),
            kind="poke",
            rsvp="perhaps",
            remote_addr="unix-socket",
        ),
    )

    stored = the_row(store)
    assert (stored.author_url, stored.author_photo, stored.url) == (None, None, None)
    assert stored.syndication == ("https://social.example/1",)
    assert (stored.kind, stored.rsvp, stored.remote_addr) == ("mention", None, None)


def test_a_ping_without_an_author_is_stored_under_the_source_host(store: MentionStore) -> None:
    store_ping(store, received(author=None))

    assert the_row(store).author == "source.example"


def test_is_stored_answers_for_the_exact_pair(store: MentionStore) -> None:
    store_ping(store, received())

    assert is_stored(store, SOURCE, TARGET)
    assert not is_stored(store, SOURCE, TARGET + "?utm_source=x")
    assert not is_stored(store, "http://source.example/other/", TARGET)


def test_a_target_differing_only_by_its_fragment_is_the_same_page(store: MentionStore) -> None:
    store_ping(store, pingback())

    with pytest.raises(DuplicatePing):
        store_ping(store, pingback(target_url=TARGET + "#comments"))
    assert is_stored(store, SOURCE + "#top", TARGET + "#comments")
    assert forget_ping(store, SOURCE, TARGET + "#comments") is True
    assert store.get(SOURCE, TARGET) is None


def test_forgetting_deletes_only_the_named_pair(store: MentionStore) -> None:
    store_ping(store, received())
    other = "http://blog.example/posts/other/"
    store_ping(store, received(target_url=other, target=Target(url=other)))

    assert forget_ping(store, SOURCE, TARGET + "?utm_source=x") is False
    assert forget_ping(store, SOURCE, TARGET) is True

    assert store.get(SOURCE, TARGET) is None
    assert store.get(SOURCE, other) is not None
    assert forget_ping(store, SOURCE, TARGET) is False


def test_adding_a_stored_pair_is_refused_by_the_store_itself(store: MentionStore) -> None:
    store.add(received())

    with pytest.raises(DuplicatePing):
        store.add(received(title="Second"))
    assert the_row(store).title == "A post"


class LosesTheRace:
    """A store whose first lookup misses the row another request is adding."""

    def __init__(self, store: MentionStore) -> None:
        self.store = store
        self.missed = False

    def get(self, source_url: str, target_url: str) -> StoredMention | None:
        if not self.missed:
            self.missed = True
            return None
        return self.store.get(source_url, target_url)

    def add(self, ping: ReceivedPing) -> None:
        self.store.add(ping)

    def update(self, ping: ReceivedPing, *, approved: bool) -> None:
        self.store.update(ping, approved=approved)

    def delete(self, source_url: str, target_url: str) -> bool:
        return self.store.delete(source_url, target_url)


def test_a_pingback_that_loses_the_race_to_add_is_a_duplicate(store: MentionStore) -> None:
    store_ping(store, pingback())

    with pytest.raises(DuplicatePing):
        store_ping(LosesTheRace(store), pingback())


def test_a_webmention_that_loses_the_race_to_add_updates_the_row(store: MentionStore) -> None:
    store_ping(store, received())

    assert store_ping(LosesTheRace(store), received(title="Edited")) == "updated"
    assert the_row(store).title == "Edited"


def test_a_received_signals_arguments_describe_the_ping_they_came_from() -> None:
    ping = received()
    arguments = {**ping.signal_arguments(), "kind": "reply", "syndication": ["https://s.example/1"]}

    rebuilt = ping_from_signal(arguments)

    assert (rebuilt.source_url, rebuilt.target_url, rebuilt.protocol) == (
        SOURCE,
        TARGET,
        "webmention",
    )
    assert (rebuilt.title, rebuilt.author, rebuilt.remote_addr) == ("A post", "Ann", "192.0.2.1")
    assert (rebuilt.kind, rebuilt.syndication) == ("reply", ("https://s.example/1",))
    assert rebuilt.target.url == TARGET


def test_a_signal_without_mention_fields_describes_a_plain_mention() -> None:
    pingdjacks = {"source_url", "target_url", "view", "args", "kwargs", "author", "excerpt"}
    arguments = {k: v for k, v in pingback().signal_arguments().items() if k in pingdjacks}
    rebuilt = ping_from_signal(arguments)

    assert (rebuilt.kind, rebuilt.author_url, rebuilt.syndication) == ("mention", None, ())


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_the_core_stores_list_their_mentions_newest_first_and_moderate_them(
    kind: str, tmp_path: Path
) -> None:
    store = MemoryMentionStore() if kind == "memory" else SQLiteMentionStore(tmp_path / "m.db")
    for number in range(3):
        target = f"http://blog.example/posts/{number}/"
        store_ping(store, received(target_url=target, target=Target(url=target)))

    assert store.set_approved(SOURCE, "http://blog.example/posts/1/", True) is True
    assert store.set_approved(SOURCE, "http://blog.example/posts/9/", True) is False

    listed = store.mentions()
    assert [m.target_url[-2] for m in listed] == ["2", "1", "0"]
    assert [m.approved for m in listed] == [False, True, False]
