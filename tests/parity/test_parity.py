"""The same pings, over real HTTP, to the little blog on Django, on Flask and on bare pingcore.

For each case the three sites must give the same outcome (answer, stored rows,
deletions, whether the source was fetched), and that outcome must be the one
the specs call for (see cases.py).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .blog import SiteConfig
from .cases import CASES, Case
from .runner import differences, run_case
from .site import Site
from .sources import SourceServer

# The Django site's rows are written from its server's thread, so each case runs
# outside a transaction, on a database flushed after it.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_site_gives_the_spec_answer(
    case: Case, sites: Callable[[SiteConfig], list[Site]], sources: SourceServer
) -> None:
    outcomes = {site.name: run_case(case, site, sources) for site in sites(case.config)}

    report = differences(outcomes, case.expect)
    assert len(set(outcomes.values())) == 1, f"the sites disagree:\n{report}"
    assert outcomes == {name: case.expect for name in outcomes}, report
