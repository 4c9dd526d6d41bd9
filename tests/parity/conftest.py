"""The parity suite's fixtures: the source server, and each site started once per configuration."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytest_django import DjangoDbBlocker

from . import core_site, django_site, flask_site
from .blog import SiteConfig
from .site import Site
from .sources import SourceServer

# The order sites are reported in.
BUILDERS: dict[str, Callable[[SiteConfig], Site]] = {
    "django": django_site.start,
    "flask": flask_site.start,
    "core": core_site.start,
}


@pytest.fixture(scope="module")
def sources() -> Iterator[SourceServer]:
    server = SourceServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def sites(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[Callable[[SiteConfig], list[Site]]]:
    """``sites(config)``: the three sites configured so, started on first use.

    The Django site's rows live in the test database (each test is marked
    django_db); the sites are reset with access unblocked at the end.
    """
    started: dict[SiteConfig, list[Site]] = {}

    def sites_for(config: SiteConfig) -> list[Site]:
        if config not in started:
            started[config] = [start(config) for start in BUILDERS.values()]
        return started[config]

    with django_db_blocker.unblock():
        try:
            yield sites_for
        finally:
            for running in started.values():
                for site in running:
                    site.reset()
                    site.close()
