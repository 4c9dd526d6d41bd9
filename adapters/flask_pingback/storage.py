"""Stored mentions and the send history on SQLAlchemy 2.x Core, for Flask sites.

The tables live in ``metadata``, which Alembic or Flask-Migrate can manage
(``include_tables_in(db.metadata)``); ``create_tables`` makes them for a site
without migrations. The stores take a plain ``Engine`` or Flask-SQLAlchemy's
``db`` (whose engine is read inside an app context, when a store is used).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    create_engine,
    delete,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.engine import Connection, RowMapping
from sqlalchemy.exc import IntegrityError

from pingcore.errors import DuplicatePing
from pingcore.history import SentPing
from pingcore.server import ReceivedPing
from pingcore.storage import (
    AUTHOR_MAX_LENGTH,
    KIND_MAX_LENGTH,
    PROTOCOL_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    StoredMention,
)
from pingcore.urls import MAX_URL_LENGTH, normalize_url

__all__ = [
    "SQLAlchemyMentionStore",
    "SQLAlchemySendHistory",
    "approved_mentions",
    "create_tables",
    "include_tables_in",
    "mentions_table",
    "metadata",
    "sent_pings_table",
]

OUTCOME_MAX_LENGTH = 20


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime, stored as UTC on every database.

    SQLite (and MySQL) keep no offset: storing UTC and reading it back as UTC
    keeps the instant a page gave, whatever the database.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


metadata = MetaData()

mentions_table = Table(
    "pingback_mentions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_url", String(MAX_URL_LENGTH), nullable=False),
    Column("target_url", String(MAX_URL_LENGTH), nullable=False),
    Column("protocol", String(PROTOCOL_MAX_LENGTH), nullable=False),
    Column("title", String(TITLE_MAX_LENGTH), nullable=False, default=""),
    Column("author", String(AUTHOR_MAX_LENGTH), nullable=False, default=""),
    Column("excerpt", Text, nullable=False, default=""),
    Column("remote_addr", String(45)),
    Column("kind", String(KIND_MAX_LENGTH), nullable=False, default="mention"),
    Column("rsvp", String(KIND_MAX_LENGTH)),
    Column("author_url", String(MAX_URL_LENGTH)),
    Column("author_photo", String(MAX_URL_LENGTH)),
    Column("published", UTCDateTime),
    Column("updated", UTCDateTime),
    Column("url", String(MAX_URL_LENGTH)),
    Column("content_html", Text, nullable=False, default=""),
    Column("content_text", Text, nullable=False, default=""),
    Column("syndication", JSON, nullable=False, default=list),
    Column("approved", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
    UniqueConstraint("source_url", "target_url", name="pingback_mentions_source_target"),
    Index("pingback_mentions_target", "target_url"),
)

sent_pings_table = Table(
    "pingback_sent_pings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_url", String(MAX_URL_LENGTH), nullable=False),
    Column("target_url", String(MAX_URL_LENGTH), nullable=False),
    Column("protocol", String(PROTOCOL_MAX_LENGTH)),
    Column("outcome", String(OUTCOME_MAX_LENGTH), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("attempts", Integer, nullable=False, default=1),
    Column("last_tried", UTCDateTime, nullable=False),
    Column("retry_at", UTCDateTime),
    Column("status_url", String(MAX_URL_LENGTH)),
    # A server default, so that a table made before the column can take it
    # with a plain ALTER TABLE ADD COLUMN (its rows were all still linked).
    Column("linked", Boolean, nullable=False, default=True, server_default=true()),
    UniqueConstraint("source_url", "target_url", name="pingback_sent_pings_source_target"),
    Index("pingback_sent_pings_retry_at", "retry_at"),
)

_MENTION_FIELDS = (
    "source_url",
    "target_url",
    "protocol",
    "title",
    "author",
    "excerpt",
    "remote_addr",
    "kind",
    "rsvp",
    "author_url",
    "author_photo",
    "published",
    "updated",
    "url",
    "content_html",
    "content_text",
)


def _engine_of(engine_or_db: Any) -> Engine:
    # Flask-SQLAlchemy's db.engine needs an app context: read it only when used.
    if isinstance(engine_or_db, Engine):
        return engine_or_db
    engine = getattr(engine_or_db, "engine", None)
    if not isinstance(engine, Engine):
        raise TypeError(
            "flask_pingback.storage takes a SQLAlchemy Engine or Flask-SQLAlchemy's db, "
            f"not {type(engine_or_db).__name__}"
        )
    return engine


def create_tables(engine_or_db: Any) -> None:
    """Create the mention and send-history tables where missing (sites without migrations)."""
    metadata.create_all(_engine_of(engine_or_db))


def include_tables_in(target: MetaData) -> None:
    """Copy the tables into another ``MetaData`` (e.g. ``db.metadata``), for Flask-Migrate.

    Alembic's autogenerate compares one metadata with the database; with the
    tables in it, ``flask db migrate`` writes their migration.
    """
    for table in metadata.tables.values():
        if table.name not in target.tables:
            table.to_metadata(target)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _pair(table: Table, source_url: str, target_url: str) -> Any:
    return and_(table.c.source_url == source_url, table.c.target_url == target_url)


def _mention_values(ping: ReceivedPing) -> dict[str, Any]:
    values = {name: getattr(ping, name) for name in _MENTION_FIELDS}
    values["author"] = ping.author or ""
    values["syndication"] = list(ping.syndication)
    return values


def _stored_mention(row: RowMapping) -> StoredMention:
    return StoredMention(
        **{name: row[name] for name in _MENTION_FIELDS},
        syndication=tuple(row["syndication"] or ()),
        approved=bool(row["approved"]),
        created_at=row["created_at"],
        changed_at=row["changed_at"],
    )


def _kinds(kind: str | Iterable[str] | None) -> list[str] | None:
    if kind is None:
        return None
    return [kind] if isinstance(kind, str) else list(kind)


def _target_spellings(target_url: str) -> list[str]:
    # Rows hold the canonical URL; a caller may hold the page's own spelling of it.
    return sorted({target_url, normalize_url(target_url)})


class SQLAlchemyMentionStore:
    """pingcore's ``MentionStore`` on the ``pingback_mentions`` table."""

    def __init__(self, engine_or_db: Any) -> None:
        self._engine_or_db = engine_or_db

    @property
    def engine(self) -> Engine:
        return _engine_of(self._engine_or_db)

    def _connect(self) -> Connection:
        return self.engine.connect()

    def get(self, source_url: str, target_url: str) -> StoredMention | None:
        query = select(mentions_table).where(_pair(mentions_table, source_url, target_url))
        with self._connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else _stored_mention(row)

    def add(self, ping: ReceivedPing) -> None:
        now = _now()
        values = {**_mention_values(ping), "approved": False, "created_at": now, "changed_at": now}
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(mentions_table).values(values))
        except IntegrityError as error:
            raise DuplicatePing() from error

    def update(self, ping: ReceivedPing, *, approved: bool) -> None:
        values = {**_mention_values(ping), "approved": approved, "changed_at": _now()}
        pair = _pair(mentions_table, ping.source_url, ping.target_url)
        with self.engine.begin() as connection:
            connection.execute(update(mentions_table).where(pair).values(values))

    def delete(self, source_url: str, target_url: str) -> bool:
        pair = _pair(mentions_table, source_url, target_url)
        with self.engine.begin() as connection:
            return connection.execute(delete(mentions_table).where(pair)).rowcount > 0

    def set_approved(self, source_url: str, target_url: str, approved: bool) -> bool:
        """Approve (or reject) the pair's mention; False when it is not stored."""
        pair = _pair(mentions_table, source_url, target_url)
        statement = update(mentions_table).where(pair).values(approved=approved)
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount > 0

    def approve(self, source_url: str, target_url: str) -> bool:
        """Show the pair's mention to readers; False when it is not stored."""
        return self.set_approved(source_url, target_url, True)

    # A rejected mention stays stored, unapproved, so the same ping sent again
    # is a duplicate rather than a new entry in the queue; delete to forget it.
    def reject(self, source_url: str, target_url: str) -> bool:
        """Hide the pair's mention from readers (it stays stored); False when it is not."""
        return self.set_approved(source_url, target_url, False)

    def mentions(self, target_url: str | None = None) -> list[StoredMention]:
        """Every stored mention, approved or not, newest first; of one page when asked.

        For moderation; pages show ``approved_mentions``.
        """
        query = select(mentions_table)
        if target_url is not None:
            query = query.where(mentions_table.c.target_url.in_(_target_spellings(target_url)))
        query = query.order_by(mentions_table.c.created_at.desc(), mentions_table.c.id.desc())
        with self._connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_stored_mention(row) for row in rows]

    def approved_mentions(
        self, target_url: str | None = None, kind: str | Iterable[str] | None = None
    ) -> list[StoredMention]:
        """Approved mentions, newest first; of one page and of some kinds when asked."""
        query = select(mentions_table).where(mentions_table.c.approved.is_(True))
        if target_url is not None:
            query = query.where(mentions_table.c.target_url.in_(_target_spellings(target_url)))
        kinds = _kinds(kind)
        if kinds is not None:
            query = query.where(mentions_table.c.kind.in_(kinds))
        query = query.order_by(mentions_table.c.created_at.desc(), mentions_table.c.id.desc())
        with self._connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_stored_mention(row) for row in rows]


def approved_mentions(
    store_or_engine: Any,
    target_url: str | None = None,
    kind: str | Iterable[str] | None = None,
) -> list[StoredMention]:
    """Approved mentions, newest first, from a store, an ``Engine`` or Flask-SQLAlchemy's db."""
    store = (
        store_or_engine
        if isinstance(store_or_engine, SQLAlchemyMentionStore)
        else SQLAlchemyMentionStore(store_or_engine)
    )
    return store.approved_mentions(target_url, kind)


_SENT_FIELDS = (
    "protocol",
    "outcome",
    "reason",
    "attempts",
    "last_tried",
    "retry_at",
    "status_url",
    "linked",
)


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _history_on_url(url: str) -> SQLAlchemySendHistory:
    """A worker's end of a pickled ``SQLAlchemySendHistory``: one engine per database."""
    with _engines_lock:
        if url not in _engines:
            _engines[url] = create_engine(url)
        return SQLAlchemySendHistory(_engines[url])


def _sent_ping(row: RowMapping) -> SentPing:
    return SentPing(
        source_url=row["source_url"],
        target_url=row["target_url"],
        **{name: row[name] for name in _SENT_FIELDS if name != "linked"},
        linked=bool(row["linked"]),
    )


class SQLAlchemySendHistory:
    """pingcore's ``SendHistory`` on the ``pingback_sent_pings`` table.

    It pickles as its database's URL, so a ``PingJob`` that carries it can go
    to a task queue: the worker opens the same database with an engine of its
    own (one per URL and process). Pickle it inside the app context when it
    was given Flask-SQLAlchemy's ``db`` (``ping_links`` does).
    """

    def __init__(self, engine_or_db: Any) -> None:
        self._engine_or_db = engine_or_db

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            raise TypeError(
                "A send history in an in-memory SQLite database cannot go to another process: "
                "use a database file or a server."
            )
        return (_history_on_url, (url.render_as_string(hide_password=False),))

    @property
    def engine(self) -> Engine:
        return _engine_of(self._engine_or_db)

    def sent_from(self, source_url: str) -> Sequence[SentPing]:
        query = (
            select(sent_pings_table)
            .where(sent_pings_table.c.source_url == source_url)
            .order_by(sent_pings_table.c.id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_sent_ping(row) for row in rows]

    def due(self, now: datetime) -> Sequence[SentPing]:
        """Deferred pings whose ``retry_at`` is at or before ``now``, oldest first."""
        table = sent_pings_table
        query = (
            select(table)
            .where(table.c.outcome == "deferred", table.c.retry_at <= now)
            .order_by(table.c.retry_at, table.c.id)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_sent_ping(row) for row in rows]

    def record(self, sent: SentPing) -> None:
        values = {name: getattr(sent, name) for name in _SENT_FIELDS}
        pair = _pair(sent_pings_table, sent.source_url, sent.target_url)
        with self.engine.begin() as connection:
            if connection.execute(update(sent_pings_table).where(pair).values(values)).rowcount:
                return
        pair_values = {"source_url": sent.source_url, "target_url": sent.target_url}
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(sent_pings_table).values({**pair_values, **values}))
        except IntegrityError:
            # Another process recorded the pair between the two statements: replace its row.
            with self.engine.begin() as connection:
                connection.execute(update(sent_pings_table).where(pair).values(values))
