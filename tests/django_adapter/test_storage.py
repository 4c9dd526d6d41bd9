"""The storage app: the model, its receivers, the duplicate pre-check, the admin, the migrations."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from django_adapter.blog.models import Post
from django_pingback import DuplicatePing, received
from django_pingback.storage.models import Pingback
from django_pingback.storage.receivers import is_stored, store_ping

from .conftest import XML, fault_code, pingback_call

TARGET = "http://testserver/blog/hello/"
SOURCE = "http://example.com/a-post/"


def ping(**changes: object) -> dict[str, object]:
    return {
        "source_url": SOURCE,
        "target_url": TARGET,
        "protocol": "pingback",
        "title": "A post",
        "author": "Ann",
        "excerpt": "…links here…",
        "remote_addr": "192.0.2.1",
        **changes,
    }


@pytest.mark.django_db
def test_pair_of_urls_is_unique():
    Pingback.objects.create(source_url=SOURCE, target_url=TARGET, protocol="pingback")
    with pytest.raises(IntegrityError), transaction.atomic():
        Pingback.objects.create(source_url=SOURCE, target_url=TARGET, protocol="webmention")


@pytest.mark.django_db
def test_stored_ping_awaits_approval():
    store_ping(None, **ping())
    stored = Pingback.objects.get()
    assert (stored.approved, stored.author, stored.remote_addr) == (False, "Ann", "192.0.2.1")
    assert str(stored) == f"{SOURCE} → {TARGET}"


@pytest.mark.django_db
def test_stored_pingback_sent_again_is_a_duplicate():
    store_ping(None, **ping())
    with pytest.raises(DuplicatePing):
        store_ping(None, **ping(title="Changed"))
    assert Pingback.objects.get().title == "A post"


@pytest.mark.django_db
def test_overlong_title_and_author_are_cut_to_fit_and_a_bad_address_is_dropped():
    store_ping(None, **ping(title="t" * 900, author="a" * 900, remote_addr="unix-socket"))
    stored = Pingback.objects.get()
    assert (len(stored.title), len(stored.author), stored.remote_addr) == (500, 200, None)


@pytest.mark.django_db
def test_the_receiver_stores_a_ping_when_a_site_connects_it_itself():
    # The endpoints store through the core; the receiver stays for sites that connect it.
    assert not received.has_listeners()
    store_ping(sender=None, view=None, args=(), kwargs={}, **ping())
    assert Pingback.objects.get().source_url == SOURCE


@pytest.mark.django_db
def test_stored_pair_is_a_duplicate_without_fetching_the_source(client, settings, sources):
    # The source would be fetchable, but the pre-check answers before any fetch.
    settings.PINGBACK_ALLOW_PRIVATE_ADDRESSES = True
    Post.objects.create(slug="hello", title="Hello")
    source = sources.url_for("/source")
    Pingback.objects.create(source_url=source, target_url=TARGET, protocol="pingback")
    response = client.post("/blog/pingback/", pingback_call(source, TARGET), content_type=XML)
    assert fault_code(response.content) == 48
    assert sources.log == []
    assert is_stored(source, TARGET)


@pytest.fixture
def admin_client_with_pings(admin_client):
    for number in range(3):
        Pingback.objects.create(
            source_url=f"http://example.com/{number}/", target_url=TARGET, protocol="pingback"
        )
    return admin_client


CHANGELIST = "/admin/pingback_storage/pingback/"


@pytest.mark.django_db
def test_admin_approves_selected_pings(admin_client_with_pings):
    chosen = list(Pingback.objects.order_by("pk").values_list("pk", flat=True)[:2])
    response = admin_client_with_pings.post(
        CHANGELIST, {"action": "approve", "_selected_action": chosen}, follow=True
    )
    assert response.status_code == 200
    assert "2 pingbacks approved." in response.content.decode()
    assert set(Pingback.objects.filter(approved=True).values_list("pk", flat=True)) == set(chosen)


@pytest.mark.django_db
def test_admin_rejects_selected_pings(admin_client_with_pings):
    Pingback.objects.update(approved=True)
    chosen = [Pingback.objects.order_by("pk").first().pk]
    response = admin_client_with_pings.post(
        CHANGELIST, {"action": "reject", "_selected_action": chosen}, follow=True
    )
    assert "1 pingback rejected." in response.content.decode()
    assert list(Pingback.objects.filter(approved=False).values_list("pk", flat=True)) == chosen


@pytest.mark.django_db
def test_admin_changelist_filters_and_searches(admin_client_with_pings):
    Pingback.objects.filter(source_url="http://example.com/1/").update(approved=True)
    approved = admin_client_with_pings.get(CHANGELIST, {"approved__exact": "1"})
    searched = admin_client_with_pings.get(CHANGELIST, {"q": "example.com/2/"})
    assert approved.context["cl"].result_count == 1
    assert [p.source_url for p in searched.context["cl"].result_list] == ["http://example.com/2/"]


@pytest.mark.django_db
def test_migrations_match_the_models():
    out = StringIO()
    call_command("makemigrations", "pingback_storage", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
