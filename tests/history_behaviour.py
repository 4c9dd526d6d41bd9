"""What every ``SendHistory`` does, whatever keeps its rows.

A backend's test module subclasses ``SendHistoryBehaviour`` and gives it a
``history`` fixture: the core's memory and SQLite histories, the Django
storage app's ``ModelSendHistory`` and Flask's ``SQLAlchemySendHistory`` then
answer the same questions the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from pingcore.history import SendHistory, SentPing

NOW = datetime(2026, 12, 2, 4, 0, 0, 123456, tzinfo=timezone.utc)
SOURCE = "http://blog.example/p"


def sent(target: str, source: str = SOURCE, **fields: object) -> SentPing:
    values: dict[str, object] = {
        "protocol": "webmention",
        "outcome": "accepted",
        "reason": "Accepted.",
        "last_tried": NOW,
    }
    values.update(fields)
    return SentPing(source, target, **values)  # type: ignore[arg-type]


class SendHistoryBehaviour:
    def test_a_row_comes_back_with_every_field(self, history: SendHistory) -> None:
        row = sent(
            "http://wp.example/2026/12/κα/",
            outcome="deferred",
            reason="You are posting comments too quickly.",
            attempts=3,
            retry_at=NOW + timedelta(seconds=15),
            status_url="http://wp.example/status/1",
            linked=False,
        )
        history.record(row)
        assert list(history.sent_from(SOURCE)) == [row]

    def test_a_new_row_is_linked_unless_told_otherwise(self, history: SendHistory) -> None:
        history.record(sent("http://a.example/1"))
        [row] = history.sent_from(SOURCE)
        assert row.linked is True

    def test_a_row_marked_unlinked_can_be_linked_again(self, history: SendHistory) -> None:
        history.record(sent("http://a.example/1", linked=False))
        history.record(sent("http://a.example/1", linked=True))
        assert [row.linked for row in history.sent_from(SOURCE)] == [True]

    def test_record_replaces_the_row_for_its_source_and_target(self, history: SendHistory) -> None:
        history.record(sent("http://a.example/1"))
        history.record(sent("http://b.example/2", protocol=None, outcome="no_endpoint"))
        history.record(sent("http://a.example/1", outcome="registered", attempts=2))
        rows = history.sent_from(SOURCE)
        assert [(r.target_url, r.outcome, r.attempts, r.protocol) for r in rows] == [
            ("http://a.example/1", "registered", 2, "webmention"),
            ("http://b.example/2", "no_endpoint", 1, None),
        ]

    def test_sent_from_gives_only_that_sources_rows(self, history: SendHistory) -> None:
        history.record(sent("http://a.example/1"))
        history.record(sent("http://a.example/1", source="http://blog.example/other"))
        assert len(history.sent_from(SOURCE)) == 1
        assert list(history.sent_from("http://blog.example/nothing")) == []

    def test_due_gives_deferred_rows_whose_time_has_come_oldest_first(
        self, history: SendHistory
    ) -> None:
        def deferred(target: str, retry_at: datetime, source: str = SOURCE) -> SentPing:
            return sent(target, source, outcome="deferred", retry_at=retry_at)

        history.record(deferred("http://a.example/late", NOW + timedelta(hours=1)))
        history.record(deferred("http://a.example/2nd", NOW - timedelta(seconds=1)))
        history.record(deferred("http://a.example/1st", NOW - timedelta(hours=1)))
        history.record(deferred("http://a.example/now", NOW, source="http://blog.example/q"))
        history.record(sent("http://a.example/done", retry_at=NOW - timedelta(hours=2)))
        due = history.due(NOW)
        assert [(row.source_url, row.target_url) for row in due] == [
            (SOURCE, "http://a.example/1st"),
            (SOURCE, "http://a.example/2nd"),
            ("http://blog.example/q", "http://a.example/now"),
        ]

    def test_a_retried_row_leaves_the_due_list(self, history: SendHistory) -> None:
        history.record(sent("http://a.example/1", outcome="deferred", retry_at=NOW))
        history.record(sent("http://a.example/1", outcome="accepted", attempts=2))
        assert list(history.due(NOW + timedelta(days=1))) == []

    def test_a_time_in_another_zone_is_stored_as_the_same_instant(
        self, history: SendHistory
    ) -> None:
        paris = timezone(timedelta(hours=1))
        retry_at = (NOW + timedelta(minutes=5)).astimezone(paris)
        history.record(
            sent(
                "http://a.example/1",
                outcome="deferred",
                last_tried=NOW.astimezone(paris),
                retry_at=retry_at,
            )
        )
        [row] = history.sent_from(SOURCE)
        assert row.last_tried == NOW and row.last_tried.tzinfo is not None
        assert row.retry_at == NOW + timedelta(minutes=5)
        assert [r.target_url for r in history.due(NOW + timedelta(minutes=5))] == [
            "http://a.example/1"
        ]
