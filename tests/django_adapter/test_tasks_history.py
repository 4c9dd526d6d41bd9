"""The tasks send with the storage app's history: updates, deletes and deferred retries.

The immediate backend runs each task inline; test_queues.py runs them on real workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from mention_receiver import MentionReceiver, post_linking

from django_pingback import tasks
from django_pingback.storage.models import SentPing

SOURCE = "http://blog.example/posts/first/"
ROOT = "http://blog.example/"


@pytest.fixture
def receiver(settings: object) -> Iterator[MentionReceiver]:
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True  # type: ignore[attr-defined]
    with MentionReceiver().running() as running:
        yield running


def outcomes(result: object) -> list[tuple[str, str]]:
    return [(ping["target_url"], ping["outcome"]) for ping in result.return_value]  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_with_the_storage_app_every_ping_is_remembered(receiver: MentionReceiver) -> None:
    a, b = receiver.post("a"), receiver.post("b")

    result = tasks.ping_in_background(SOURCE, post_linking(a, b), ROOT)

    assert outcomes(result) == [(a, "accepted"), (b, "accepted")]
    rows = SentPing.objects.order_by("target_url")  # sent at once: recorded in any order
    assert [(row.target_url, row.outcome, row.linked) for row in rows] == [
        (a, "accepted", True),
        (b, "accepted", True),
    ]


@pytest.mark.django_db
def test_an_update_tells_the_target_whose_link_was_removed(receiver: MentionReceiver) -> None:
    kept, removed = receiver.post("kept"), receiver.post("removed")
    tasks.ping_in_background(SOURCE, post_linking(kept, removed), ROOT)

    result = tasks.ping_in_background(SOURCE, post_linking(kept), ROOT)

    assert outcomes(result) == [(kept, "accepted"), (removed, "accepted")]
    assert sorted(receiver.received[2:]) == sorted([(SOURCE, kept), (SOURCE, removed)])
    assert SentPing.objects.get(target_url=removed).linked is False


@pytest.mark.django_db
def test_history_false_sends_with_no_memory(receiver: MentionReceiver) -> None:
    tasks.ping_in_background(SOURCE, post_linking(receiver.post("a")), ROOT, history=False)
    assert SentPing.objects.count() == 0
    assert len(receiver.received) == 1


@pytest.mark.django_db
def test_a_deleted_post_reaches_every_target_it_mentioned(receiver: MentionReceiver) -> None:
    a, b = receiver.post("a"), receiver.post("b")
    tasks.ping_in_background(SOURCE, post_linking(a), ROOT)
    tasks.ping_in_background(SOURCE, post_linking(b), ROOT)  # an update: a is told too
    del receiver.received[:]

    result = tasks.ping_deleted_in_background(SOURCE)

    assert sorted(outcomes(result)) == [(a, "accepted"), (b, "accepted")]
    assert sorted(receiver.received) == [(SOURCE, a), (SOURCE, b)]
    assert not SentPing.objects.filter(linked=True).exists()


def test_without_the_storage_app_a_history_is_refused_with_the_fix(settings: object) -> None:
    settings.INSTALLED_APPS = [  # type: ignore[attr-defined]
        app
        for app in settings.INSTALLED_APPS  # type: ignore[attr-defined]
        if app != "django_pingback.storage"
    ]
    with pytest.raises(ImproperlyConfigured, match="django_pingback.storage"):
        tasks.ping_deleted_in_background(SOURCE)
    with pytest.raises(ImproperlyConfigured, match="history=False"):
        tasks.ping_in_background(SOURCE, "<p>no links</p>", ROOT, history=True)
    assert tasks.send_history(None) is None
    with pytest.raises(CommandError, match="INSTALLED_APPS"):
        call_command("pingback_retry")


def make_due(target_url: str) -> None:
    # Time passing, without a test that waits: the retry time is moved to the past.
    SentPing.objects.filter(target_url=target_url).update(
        retry_at=datetime.now(timezone.utc) - timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_a_deferred_ping_waits_then_the_command_sends_it(receiver: MentionReceiver) -> None:
    target = receiver.post("busy")
    receiver.answer_next(503, {"Retry-After": "3600"})

    [ping] = tasks.ping_in_background(SOURCE, post_linking(target), ROOT).return_value

    assert ping["outcome"] == "deferred"
    row = SentPing.objects.get()
    assert row.retry_at is not None and row.retry_at > datetime.now(timezone.utc)
    out = StringIO()
    call_command("pingback_retry", stdout=out)
    assert out.getvalue() == "0 retried, 0 deferred again.\n"  # not due yet
    assert receiver.received == []

    make_due(target)
    call_command("pingback_retry", stdout=out)

    assert f"{SOURCE} -> {target}: accepted" in out.getvalue()
    assert receiver.received == [(SOURCE, target)]
    row = SentPing.objects.get()
    assert (row.outcome, row.attempts, row.retry_at) == ("accepted", 2, None)


@pytest.mark.django_db
def test_the_retry_task_sends_what_is_due_and_says_so(receiver: MentionReceiver) -> None:
    target = receiver.post("busy")
    receiver.answer_next(503, {"Retry-After": "3600"})
    tasks.ping_in_background(SOURCE, post_linking(target), ROOT)
    make_due(target)

    result = tasks.retry_deferred_pings.enqueue()

    assert outcomes(result) == [(target, "accepted")]
    assert receiver.received == [(SOURCE, target)]


def test_the_immediate_backend_cannot_schedule_a_retry_and_says_what_runs_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("INFO", logger="django_pingback"):
        scheduled = tasks.schedule_retry(datetime.now(timezone.utc) + timedelta(minutes=1))
    assert scheduled is False
    assert "manage.py pingback_retry" in caplog.text
