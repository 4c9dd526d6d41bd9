"""Rate limits through both adapters: per pinging address, and per source host.

Over a limit the answer is fault 50 (Webmention: 429 with Retry-After) and no
fetch is made; the source's server, a loopback server at a public address,
counts what reached it. The reflection shape (many pings naming one victim
host, each with a fresh query string) is held to the per-host limit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from flask_pingback import SQLiteStore

from .network import PUBLIC_OTHER, PUBLIC_SOURCE, PUBLIC_VICTIM, LoopbackServer, page
from .sites import Site, flask_blog, ping_body, serving

FROM_ADDRESS = (50, "Too many pings from your address; try again later.")
NAMING_HOST = (50, "Too many pings naming this source host; try again later.")


@pytest.fixture
def linking_source(
    servers: Callable[..., LoopbackServer], public: Callable[..., str]
) -> Callable[[Site], LoopbackServer]:
    """A public source whose every page links to the site's post."""

    def start(site: Site) -> LoopbackServer:
        html = f'<html><body><p><a href="{site.target()}">a post</a></p></body></html>'
        server = servers(default=page(html))
        public(server, PUBLIC_SOURCE)
        return server

    return start


@pytest.fixture
def victim(servers: Callable[..., LoopbackServer], public: Callable[..., str]) -> LoopbackServer:
    """A third party's site: its pages link to nobody."""
    server = servers(default=page("<html><body><p>Nothing to see.</p></body></html>"))
    public(server, PUBLIC_VICTIM)
    return server


def test_pings_over_the_per_address_limit_are_refused_unfetched(
    start_site: Callable[..., Site], linking_source: Callable[[Site], LoopbackServer]
) -> None:
    site = start_site(RATE_LIMIT={"per_address": 3, "per_source_host": None})
    source = linking_source(site)
    answers = [site.ping(f"http://{PUBLIC_SOURCE}/post/{n}") for n in range(6)]
    assert [answer.fault_code for answer in answers[:3]] == [None] * 3
    assert [answer.fault for answer in answers[3:]] == [FROM_ADDRESS] * 3
    assert len(source.requests) == 3
    assert len(site.received) == 3


def test_webmentions_over_the_limit_get_429_unfetched(
    start_site: Callable[..., Site], linking_source: Callable[[Site], LoopbackServer]
) -> None:
    site = start_site(RATE_LIMIT={"per_address": 2, "per_source_host": None})
    source = linking_source(site)
    answers = [site.webmention(f"http://{PUBLIC_SOURCE}/post/{n}") for n in range(4)]
    assert [answer.status for answer in answers] == [200, 200, 429, 429]
    assert answers[2].body == f"{FROM_ADDRESS[1]}\n".encode()
    assert answers[2].headers["Retry-After"] == "60"
    assert len(source.requests) == 2


def test_a_reflection_attack_reaches_the_victim_at_most_the_per_host_limit(
    start_site: Callable[..., Site],
    victim: LoopbackServer,
    servers: Callable[..., LoopbackServer],
    public: Callable[..., str],
) -> None:
    site = start_site(RATE_LIMIT={"per_address": None, "per_source_host": 5})
    html = f'<html><body><p><a href="{site.target()}">a post</a></p></body></html>'
    public(servers(default=page(html)), PUBLIC_OTHER)
    answers = [site.ping(f"http://{PUBLIC_VICTIM}/?q={uuid.uuid4().hex}") for _ in range(40)]
    # The victim's pages link nowhere: the pings it was fetched for get fault 17.
    assert [answer.fault_code for answer in answers[:5]] == [17] * 5
    assert [answer.fault for answer in answers[5:]] == [NAMING_HOST] * 35
    assert len(victim.requests) == 5
    # Other hosts are not held back by the victim's count.
    assert "registered" in site.ping(f"http://{PUBLIC_OTHER}/page").value


def test_the_reflection_limit_counts_webmentions_and_pings_together(
    start_site: Callable[..., Site], victim: LoopbackServer
) -> None:
    site = start_site(RATE_LIMIT={"per_address": None, "per_source_host": 4})
    for n in range(10):
        site.ping(f"http://{PUBLIC_VICTIM}/a?{n}")
        site.webmention(f"http://{PUBLIC_VICTIM}/b?{n}")
    assert len(victim.requests) == 4


def test_the_default_limits_hold_a_flood_from_one_address(
    site: Site, victim: LoopbackServer
) -> None:
    # No RATE_LIMIT setting: the core's 30 pings per address and 20 fetches per
    # host in 60 seconds.
    answers = [site.ping(f"http://{PUBLIC_VICTIM}/?{n}") for n in range(35)]
    assert len(victim.requests) == 20
    assert [answer.fault for answer in answers[20:30]] == [NAMING_HOST] * 10
    assert [answer.fault for answer in answers[30:]] == [FROM_ADDRESS] * 5


def test_flask_apps_sharing_an_sqlite_store_share_the_limit(
    tmp_path: Path, victim: LoopbackServer
) -> None:
    """Two apps stand for two worker processes: the per-host count is one."""
    store = SQLiteStore(tmp_path / "rate-limits.sqlite3")
    config = {"PINGBACK_RATE_LIMIT": {"per_address": None, "per_source_host": 6}}
    apps = [flask_blog(config, rate_limit_store=store) for _ in range(2)]
    with serving(apps[0]) as first, serving(apps[1]) as second:
        for n in range(20):
            for port in (first, second):
                body = ping_body(
                    f"http://{PUBLIC_VICTIM}/?{port}-{n}", f"http://127.0.0.1:{port}/posts/a/"
                )
                httpx.post(
                    f"http://127.0.0.1:{port}/pingback",
                    content=body,
                    headers={"Content-Type": "text/xml"},
                    trust_env=False,
                )
    assert len(victim.requests) == 6


def test_no_rate_limit_setting_turns_every_limit_off(
    start_site: Callable[..., Site], linking_source: Callable[[Site], LoopbackServer]
) -> None:
    # The adapters document RATE_LIMIT = None as "every limit off"; that must include
    # the per-source-address count (60 a minute by default) the fetcher applies.
    site = start_site(RATE_LIMIT=None)
    source = linking_source(site)
    answers = [site.ping(f"http://{PUBLIC_SOURCE}/post/{n}") for n in range(70)]
    assert [answer.fault for answer in answers if answer.fault_code is not None] == []
    assert len(source.requests) == 70


def test_the_per_source_address_limit_can_be_set(
    start_site: Callable[..., Site], victim: LoopbackServer
) -> None:
    limits = {"per_address": None, "per_source_host": None, "per_source_address": 4}
    site = start_site(RATE_LIMIT=limits)
    answers = [site.ping(f"http://{PUBLIC_VICTIM}/?{n}") for n in range(10)]
    assert [answer.fault_code for answer in answers[:4]] == [17] * 4
    assert [answer.fault for answer in answers[4:]] == [NAMING_HOST] * 6
    assert len(victim.requests) == 4


def test_the_django_check_accepts_a_per_source_address_limit(settings: Any) -> None:
    from django_pingback.checks import check_settings

    settings.PINGBACK_RATE_LIMIT = {"per_source_address": 10, "window": 30}
    assert check_settings() == []
    settings.PINGBACK_RATE_LIMIT = {"per_source_address": 0}
    assert [error.id for error in check_settings()] == ["pingback.E001"]
