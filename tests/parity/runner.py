"""Running one case on one site: send its requests, read back what the site answered and did."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cases import Case, Outcome
from .site import Pair, Row, Site
from .sources import SourceServer
from .wire import exchange, read_answer


@dataclass(frozen=True)
class Placeholders:
    """Turns a case's templates into one site's URLs, and that site's URLs back into templates."""

    port: int
    source: str

    def fill(self, text: str) -> str:
        return text.replace("{port}", str(self.port)).replace("{source}", self.source)

    def template(self, url: str) -> str:
        url = url.replace(self.source, "{source}")
        return re.sub(rf":{self.port}(?!\d)", ":{port}", url)

    def row(self, row: Row) -> Row:
        return Row(self.template(row.source), self.template(row.target), row.protocol, row.title)

    def pair(self, pair: Pair) -> Pair:
        return (self.template(pair[0]), self.template(pair[1]))


def run_case(case: Case, site: Site, sources: SourceServer) -> Outcome:
    """The case's outcome on ``site``, in the case's templates so that sites compare."""
    places = Placeholders(site.port, sources.base_url)
    site.reset()
    for step in case.before:
        sources.serve(step.pages, places.fill)
        exchange(site.port, step.request.render(places.fill))
        site.settle()
    sources.serve(case.pages, places.fill)
    fetches, deletions = sources.fetches(), len(site.deletions())
    answer = read_answer(*exchange(site.port, case.request.render(places.fill)))
    site.settle()
    return Outcome(
        answer=answer,
        stored=frozenset(places.row(row) for row in site.stored()),
        deleted=tuple(places.pair(pair) for pair in site.deletions()[deletions:]),
        fetched=sources.fetches() > fetches,
    )


def differences(outcomes: dict[str, Outcome], expected: Outcome) -> str:
    """Each site's departures from ``expected``, field by field, one site a line."""
    lines = []
    for name, outcome in outcomes.items():
        fields = [
            f"{field} {_shown(getattr(outcome, field))} "
            f"(expected {_shown(getattr(expected, field))})"
            for field in ("answer", "stored", "deleted", "fetched")
            if getattr(outcome, field) != getattr(expected, field)
        ]
        lines.append(f"{name}: " + ("; ".join(fields) if fields else "as expected"))
    return "\n".join(lines)


def _shown(value: object) -> str:
    if isinstance(value, frozenset):
        rows = sorted(value)
        shown = (f"{_url(r.source)} -> {_url(r.target)} [{r.protocol}, {r.title!r}]" for r in rows)
        return "{" + ", ".join(shown) + "}"
    if isinstance(value, tuple):
        return (
            "[" + ", ".join(f"{_url(source)} -> {_url(target)}" for source, target in value) + "]"
        )
    return str(value)


def _url(url: str) -> str:
    # A stored URL may hold a newline or a tab: show it escaped, on one line.
    return url if url.isprintable() else repr(url)[1:-1]
