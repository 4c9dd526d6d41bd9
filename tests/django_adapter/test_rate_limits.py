"""Rate-limit counts in Django's cache: shared through the cache, windowed by its expiry."""

from __future__ import annotations

import pytest

from django_pingback.conf import pingback_settings
from django_pingback.ratelimit import DjangoCacheStore
from pingcore.errors import RateLimited


def test_hits_count_up_within_a_window():
    store = DjangoCacheStore()
    assert [store.hit("k", 60) for _ in range(3)] == [1, 2, 3]


def test_two_stores_on_one_cache_share_their_counts():
    assert DjangoCacheStore().hit("shared", 60) == 1
    assert DjangoCacheStore("default").hit("shared", 60) == 2


def test_a_cache_that_keeps_nothing_counts_every_hit_as_the_first(settings):
    settings.CACHES = {
        **settings.CACHES,
        "nothing": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    store = DjangoCacheStore("nothing")
    assert [store.hit("k", 60) for _ in range(2)] == [1, 1]


def test_long_or_odd_keys_are_hashed_to_ones_every_cache_takes():
    store = DjangoCacheStore()
    # LocMemCache warns (an error here) about keys memcached would refuse.
    assert store.hit("pingcore:host:" + "a" * 300, 60) == 1
    assert store.hit("pingcore:host:bücher.example", 60) == 1
    assert store.hit("pingcore:host:bücher.example", 60) == 2


def test_limits_come_from_settings(settings):
    settings.PINGBACK_RATE_LIMIT = {"per_address": 1, "per_source_host": None, "window": 5}
    limiter = pingback_settings.rate_limiter()
    limiter.check("http://example.com/a", "192.0.2.1")
    with pytest.raises(RateLimited):
        limiter.check("http://example.com/b", "192.0.2.1")
    limiter.check("http://example.com/c", "192.0.2.2")


def test_no_rate_limit_setting_turns_limits_off(settings):
    settings.PINGBACK_RATE_LIMIT = None
    limiter = pingback_settings.rate_limiter()
    for _ in range(100):
        limiter.check("http://example.com/a", "192.0.2.1")


def test_settings_dict_is_not_changed_by_reading_it(settings):
    settings.PINGBACK_RATE_LIMIT = {"cache": "default", "per_address": 3}
    pingback_settings.rate_limiter()
    assert settings.PINGBACK_RATE_LIMIT == {"cache": "default", "per_address": 3}


@pytest.mark.django_db
def test_the_storage_apps_atomic_table_counts_when_the_setting_names_it(settings):
    from django_pingback.storage.models import RateLimitCounter
    from django_pingback.storage.ratelimit import DatabaseStore

    settings.PINGBACK_RATE_LIMIT_STORE = "database"
    settings.PINGBACK_RATE_LIMIT = {"per_address": 2, "per_source_host": None}
    limiter = pingback_settings.rate_limiter()
    assert isinstance(limiter.store, DatabaseStore)
    limiter.check("http://example.com/a", "192.0.2.1")
    limiter.check("http://example.com/b", "192.0.2.1")
    with pytest.raises(RateLimited):
        limiter.check("http://example.com/c", "192.0.2.1")
    assert RateLimitCounter.objects.exists()


def test_a_rate_limit_store_url_gives_the_cores_store(settings, tmp_path):
    from pingcore import SQLiteStore

    settings.PINGBACK_RATE_LIMIT_STORE = f"sqlite:///{tmp_path / 'limits.db'}"
    assert isinstance(pingback_settings.rate_limiter().store, SQLiteStore)


def test_an_unknown_rate_limit_store_is_refused_naming_the_setting(settings):
    from pingcore import SettingError

    settings.PINGBACK_RATE_LIMIT_STORE = "memcache://somewhere"
    with pytest.raises(SettingError, match="PINGBACK_RATE_LIMIT_STORE"):
        pingback_settings.rate_limiter()
