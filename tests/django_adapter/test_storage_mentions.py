"""The storage app: mention fields, queryset API, send history, admin and migrations 0002-0003."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from history_behaviour import SendHistoryBehaviour

from django_pingback import DuplicatePing
from django_pingback.storage.models import Pingback, SentPing
from django_pingback.storage.receivers import forget_ping, store_ping
from django_pingback.storage.stores import ModelSendHistory
from pingcore.history import SentPing as SentPingRecord

TARGET = "http://testserver/blog/hello/"
SOURCE = "http://example.com/a-post/"
PUBLISHED = datetime(2026, 11, 30, 9, 15, tzinfo=timezone(timedelta(hours=2)))


def signal_kwargs(**changes: object) -> dict[str, object]:
    return {
        "source_url": SOURCE,
        "target_url": TARGET,
        "protocol": "webmention",
        "title": "A post",
        "author": "Ann",
        "excerpt": "…links here…",
        "remote_addr": "192.0.2.1",
        "view": None,
        "args": (),
        "kwargs": {},
        **changes,
    }


def add(source: str, *, kind: str = "mention", approved: bool = True, target: str = TARGET) -> None:
    Pingback.objects.create(
        source_url=source, target_url=target, protocol="webmention", kind=kind, approved=approved
    )


@pytest.mark.django_db
def test_the_received_signal_stores_the_mention_fields_it_carries():
    store_ping(
        sender=None,
        **signal_kwargs(
            kind="reply",
            author_url="http://example.com/",
            author_photo="http://example.com/ann.jpg",
            published=PUBLISHED,
            content_html="<p>Nice</p>",
            content_text="Nice",
            syndication=["https://social.example/1"],
        ),
    )

    stored = Pingback.objects.get()
    assert (stored.kind, stored.author_url, stored.author_photo) == (
        "reply",
        "http://example.com/",
        "http://example.com/ann.jpg",
    )
    assert stored.published == PUBLISHED
    assert (stored.content_html, stored.content_text) == ("<p>Nice</p>", "Nice")
    assert stored.syndication == ["https://social.example/1"]
    assert stored.entry_url == SOURCE


@pytest.mark.django_db
def test_a_signal_without_mention_fields_stores_a_plain_mention():
    store_ping(None, **signal_kwargs())

    stored = Pingback.objects.get()
    assert (stored.kind, stored.rsvp, stored.author_url, stored.published) == (
        "mention",
        "",
        "",
        None,
    )
    assert stored.syndication == []


@pytest.mark.django_db
def test_a_changed_kind_on_a_repeated_webmention_needs_approval_again():
    store_ping(None, **signal_kwargs(kind="reply"))
    Pingback.objects.update(approved=True)

    assert store_ping(None, **signal_kwargs(kind="like")) == "updated"

    stored = Pingback.objects.get()
    assert (stored.kind, stored.approved) == ("like", False)


@pytest.mark.django_db
def test_a_repeated_webmention_saying_the_same_stays_approved():
    store_ping(None, **signal_kwargs())
    Pingback.objects.update(approved=True)

    assert store_ping(None, **signal_kwargs(remote_addr="198.51.100.7")) == "unchanged"

    stored = Pingback.objects.get()
    assert (stored.approved, stored.remote_addr) == (True, "198.51.100.7")


@pytest.mark.django_db
def test_a_repeated_pingback_naming_the_target_with_a_fragment_is_a_duplicate():
    store_ping(None, **signal_kwargs(protocol="pingback"))

    with pytest.raises(DuplicatePing):
        store_ping(None, **signal_kwargs(protocol="pingback", target_url=TARGET + "#comments"))
    assert Pingback.objects.count() == 1


@pytest.mark.django_db
def test_forget_ping_deletes_the_exact_pair_only():
    store_ping(None, **signal_kwargs())

    assert forget_ping(None, source_url=SOURCE, target_url=TARGET + "?utm_source=x") is False
    assert Pingback.objects.exists()
    assert forget_ping(None, source_url=SOURCE, target_url=TARGET) is True
    assert not Pingback.objects.exists()


@pytest.mark.django_db
def test_approved_lists_only_what_a_moderator_approved():
    add("http://a.example/", approved=True)
    add("http://b.example/", approved=False)

    assert [p.source_url for p in Pingback.objects.approved()] == ["http://a.example/"]


@pytest.mark.django_db
def test_for_target_finds_the_canonical_row_from_another_spelling_of_the_url():
    add("http://a.example/", target="http://testserver/blog/%C3%A9t%C3%A9/")
    add("http://b.example/", target="http://testserver/blog/other/")

    found = Pingback.objects.for_target("HTTP://TESTSERVER:80/blog/été/")

    assert [p.source_url for p in found] == ["http://a.example/"]


@pytest.mark.django_db
def test_of_kind_selects_the_kinds_asked_for_and_chains_with_the_rest():
    add("http://reply.example/", kind="reply")
    add("http://like.example/", kind="like")
    add("http://repost.example/", kind="repost", approved=False)
    add("http://mention.example/", kind="mention")

    chosen = Pingback.objects.approved().for_target(TARGET).of_kind("like", "repost", "reply")

    assert sorted(p.source_url for p in chosen) == ["http://like.example/", "http://reply.example/"]


def sent(target: str, **changes: object) -> SentPingRecord:
    values: dict[str, object] = {
        "source_url": SOURCE,
        "target_url": target,
        "protocol": "webmention",
        "outcome": "registered",
        "reason": "",
        "last_tried": datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc),
        **changes,
    }
    return SentPingRecord(**values)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_send_history_records_each_target_once_and_replaces_its_row():
    history = ModelSendHistory()
    history.record(sent("http://a.example/1", outcome="deferred", attempts=1))
    history.record(sent("http://b.example/2", protocol=None, outcome="no_endpoint"))
    retry_at = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    history.record(sent("http://a.example/1", outcome="deferred", attempts=2, retry_at=retry_at))

    remembered = history.sent_from(SOURCE)

    assert [(s.target_url, s.attempts, s.retry_at) for s in remembered] == [
        ("http://a.example/1", 2, retry_at),
        ("http://b.example/2", 1, None),
    ]
    assert remembered[1].protocol is None
    assert history.sent_from("http://example.com/never-sent/") == []
    assert SentPing.objects.count() == 2


@pytest.mark.django_db
def test_the_send_history_keeps_a_receivers_status_url():
    history = ModelSendHistory()
    history.record(sent("http://a.example/1", status_url="http://a.example/status/7"))

    assert history.sent_from(SOURCE)[0].status_url == "http://a.example/status/7"


@pytest.mark.django_db
def test_admin_shows_kind_and_links_the_author_escaped(admin_client):
    Pingback.objects.create(
        source_url=SOURCE,
        target_url=TARGET,
        protocol="webmention",
        kind="reply",
        author='<script>alert("ann")</script>',
        author_url='http://example.com/?a="><b>',
    )

    page = admin_client.get("/admin/pingback_storage/pingback/").content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;ann&quot;)&lt;/script&gt;" in page
    assert 'href="http://example.com/?a=&quot;&gt;&lt;b&gt;"' in page
    assert "reply" in page


@pytest.mark.django_db
def test_admin_never_links_a_javascript_author_url(admin_client):
    Pingback.objects.create(
        source_url=SOURCE,
        target_url=TARGET,
        protocol="webmention",
        author="Ann",
        author_url="javascript:alert(1)",
    )

    page = admin_client.get("/admin/pingback_storage/pingback/").content.decode()

    assert 'href="javascript:' not in page
    assert ">Ann<" in page


@pytest.mark.django_db
def test_admin_lists_the_send_history_with_filters(admin_client):
    history = ModelSendHistory()
    history.record(sent("http://a.example/1", outcome="deferred", reason="fault 429"))
    history.record(sent("http://b.example/2", outcome="registered"))

    page = admin_client.get("/admin/pingback_storage/sentping/")
    deferred = admin_client.get("/admin/pingback_storage/sentping/", {"outcome": "deferred"})

    assert page.status_code == 200
    assert "fault 429" in page.content.decode()
    assert [s.target_url for s in deferred.context["cl"].result_list] == ["http://a.example/1"]


@pytest.mark.django_db
def test_admin_filters_the_targets_a_post_no_longer_links(admin_client):
    history = ModelSendHistory()
    history.record(sent("http://a.example/1"))
    history.record(sent("http://b.example/2", linked=False))

    unlinked = admin_client.get("/admin/pingback_storage/sentping/", {"linked__exact": "0"})

    assert unlinked.status_code == 200
    assert [s.target_url for s in unlinked.context["cl"].result_list] == ["http://b.example/2"]


@pytest.mark.django_db(transaction=True)
def test_migration_0002_keeps_rows_stored_before_it_valid():
    app = "pingback_storage"
    executor = MigrationExecutor(connection)
    executor.migrate([(app, "0001_initial")])
    try:
        old_pingback = executor.loader.project_state([(app, "0001_initial")]).apps.get_model(
            app, "Pingback"
        )
        old_pingback.objects.create(
            source_url=SOURCE, target_url=TARGET, protocol="pingback", title="Old", approved=True
        )

        executor = MigrationExecutor(connection)
        executor.migrate([(app, "0002_mentions_sent_pings_rate_limits")])

        stored = Pingback.objects.get()
        assert (stored.title, stored.approved, stored.kind) == ("Old", True, "mention")
        assert (stored.rsvp, stored.author_url, stored.url, stored.content_html) == ("", "", "", "")
        assert (stored.published, stored.entry_updated, stored.syndication) == (None, None, [])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes(app))


@pytest.mark.django_db
class TestModelSendHistory(SendHistoryBehaviour):
    """The storage app's history answers as the core's histories do."""

    @pytest.fixture
    def history(self) -> ModelSendHistory:
        return ModelSendHistory()


@pytest.mark.django_db(transaction=True)
def test_migration_0003_reads_sent_pings_stored_before_it_as_still_linked():
    app = "pingback_storage"
    before = "0002_mentions_sent_pings_rate_limits"
    executor = MigrationExecutor(connection)
    executor.migrate([(app, before)])
    try:
        old_sent_ping = executor.loader.project_state([(app, before)]).apps.get_model(
            app, "SentPing"
        )
        old_sent_ping.objects.create(
            source_url=SOURCE,
            target_url="http://a.example/1",
            protocol="webmention",
            outcome="accepted",
            last_tried=datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc),
        )

        executor = MigrationExecutor(connection)
        executor.migrate([(app, "0003_sent_ping_linked")])

        [row] = ModelSendHistory().sent_from(SOURCE)
        assert (row.target_url, row.outcome, row.linked) == ("http://a.example/1", "accepted", True)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes(app))
