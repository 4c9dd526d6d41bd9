"""parse_source against lxml parsing the same pages alone, and against trafilatura.

The pages are the real ones of ../shared/corpus, or, without ../shared, the fixtures in
tests/fixtures/pages (so a fresh clone still gets a verdict, on fewer bytes). One link
per page (the labelled target, else the middle visible link), so each run does the
whole job: decode, parse, find the link, excerpt, author, title. The floor is lxml's
HTMLParser on the same bytes and nothing else. When trafilatura is installed (the
`bench` extra), its extract_metadata runs on the same pages, and on the labelled
corpus both are scored on authors. ``mention=True`` is how a receiver reads a source:
the same, plus the mention fields (microformats2, JSON-LD, OpenGraph) from the same tree.

Goals: parse_source at most 2x the floor, and at least 5x faster than trafilatura.
"""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from pingcore.errors import SourceHasNoLink
from pingcore.htmltree import parse_html
from pingcore.links import LINK_TAGS, base_url_of, link_counts
from pingcore.mention import read_mention
from pingcore.source import parse_source
from pingcore.urls import resolve_href

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PINGCORE_SHARED", ROOT.parent / "shared"))
FIXTURES = ROOT / "tests" / "fixtures" / "pages"
# Floor and parse_source take turns, best of each: the machine is shared, and a load
# that comes and goes would otherwise land on one side of the ratio.
REPEATS = 7
REPEATS_SLOW = 2  # html5lib and trafilatura, some 20 to 50 times slower

Page = tuple[bytes, str, str, dict[str, Any] | None]  # html, source URL, target, label


def middle_link(html: bytes, url: str) -> str | None:
    root = parse_html(html)
    base = base_url_of(root, url)
    targets = [
        target
        for element in root.iter(*LINK_TAGS)
        if link_counts(element)
        and (target := resolve_href(element.get("href") or "", base)) is not None
    ]
    return targets[len(targets) // 2] if targets else None


def load_corpus(corpus: Path) -> list[Page]:
    index = json.loads((corpus / "index.json").read_text("utf-8"))
    pages: list[Page] = []
    for entry in index["pages"]:
        html = (corpus / "pages" / entry["file"]).read_bytes()
        label = entry.get("label") or {}
        target = label.get("target") or middle_link(html, entry["url"])
        if target:
            pages.append((html, entry["url"], target, label if label.get("target") else None))
    return pages


def load_fixtures() -> list[Page]:
    pages: list[Page] = []
    for path in sorted(FIXTURES.glob("*.html")):
        html = path.read_bytes()
        url = f"https://fixtures.example/{path.stem}/"
        target = middle_link(html, url)
        if target:
            pages.append((html, url, target, None))
    return pages


def best_of(repeats: int, run: Callable[[], None]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def taking_turns(repeats: int, *runs: Callable[[], None]) -> list[float]:
    best = [float("inf")] * len(runs)
    for _ in range(repeats):
        for number, run in enumerate(runs):
            start = time.perf_counter()
            run()
            best[number] = min(best[number], time.perf_counter() - start)
    return best


def lxml_alone(pages: list[Page]) -> None:
    for html, _, _, _ in pages:
        etree.fromstring(html, etree.HTMLParser())


def parse_all(pages: list[Page], parser: str = "lxml", *, mention: bool = False) -> None:
    for html, source, target, _ in pages:
        try:
            parse_source(html, source, target, parser=parser, mention=mention)
        except SourceHasNoLink:  # not expected: counted as work done all the same
            pass


def trafilatura_metadata() -> Callable[[bytes, str], Any] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from trafilatura.metadata import extract_metadata
    except ImportError:
        return None
    return extract_metadata  # type: ignore[no-any-return]


def score(pages: list[Page], author_of: Callable[[Page], str | None]) -> tuple[int, int, int, int]:
    """(authors named as labelled, labelled with an author, Nones where none, without)."""
    named = with_author = nones = without = 0
    for page in pages:
        label = page[3]
        if label is None:
            continue
        author = author_of(page)
        if label["author"]:
            with_author += 1
            names = [label["author"], *label.get("also", [])]
            named += author is not None and " ".join(author.split()) in names
        else:
            without += 1
            nones += author is None
    return named, with_author, nones, without


def read_all_mentions(trees: list[tuple[Any, str, str]]) -> None:
    for root, source, target in trees:
        read_mention(root, source, target)


def main() -> None:
    corpus = SHARED / "corpus"
    if (corpus / "index.json").exists():
        pages, where = load_corpus(corpus), str(corpus)
    else:
        pages, where = load_fixtures(), f"{FIXTURES} (no ../shared here)"
    megabytes = sum(len(html) for html, _, _, _ in pages) / 1e6
    floor, ours, served = taking_turns(
        REPEATS,
        lambda: lxml_alone(pages),
        lambda: parse_all(pages),
        lambda: parse_all(pages, mention=True),
    )
    rows = [
        ("lxml HTMLParser alone (floor)", floor),
        ("parse_source, parser=lxml", ours),
        ("parse_source, mention=True", served),
        (
            "parse_source, parser=html5lib",
            best_of(REPEATS_SLOW, lambda: parse_all(pages, "html5lib")),
        ),
    ]
    extract = trafilatura_metadata()
    if extract is not None:
        run = extract  # the same name inside the lambda, for mypy

        def trafilatura_all() -> None:
            for html, source, _, _ in pages:
                run(html, source)

        rows.append(("trafilatura extract_metadata", best_of(REPEATS_SLOW, trafilatura_all)))
    print(
        f"over {len(pages)} pages of {where} ({megabytes:.1f} MB), one link per page,"
        f" best of {REPEATS} ({REPEATS_SLOW} for the slow ones):"
    )
    for label, seconds in rows:
        print(
            f"  {label:32} {seconds:8.3f} s  {seconds * 1000 / megabytes:8.1f} ms/MB"
            f"  {seconds / floor:6.2f}x floor"
        )
    trees = [(parse_html(html), source, target) for html, source, target, _ in pages]
    mentions = best_of(REPEATS, lambda: read_all_mentions(trees))
    print(
        f"  {'read_mention, on parsed trees':32} {mentions:8.3f} s"
        f"  {mentions * 1000 / megabytes:8.1f} ms/MB  {mentions / floor:6.2f}x floor"
        "  (what the mention fields add, on the tree the receiver has)"
    )
    if any(page[3] is not None for page in pages):
        figures = {"parse_source": score(pages, lambda page: _author(page))}
        if extract is not None:
            figures["trafilatura"] = score(pages, lambda page: extract(page[0], page[1]).author)
        for name, (named, with_author, nones, without) in figures.items():
            print(
                f"  authors on the labelled pages, {name:13} {named}/{with_author} named,"
                f" {nones}/{without} correct Nones"
            )
    ratio = ours / floor
    print(f"  goal: parse_source at most 2x the floor: {_verdict(ratio <= 2)} ({ratio:.2f}x)")
    ratio = served / floor
    print(
        f"  goal: parse_source(mention=True) at most 2x the floor: {_verdict(ratio <= 2)}"
        f" ({ratio:.2f}x)"
    )
    if extract is None:
        print("  goal: at least 5x faster than trafilatura: not measured (pip install '.[bench]')")
    else:
        faster = rows[-1][1] / ours
        print(
            f"  goal: at least 5x faster than trafilatura: {_verdict(faster >= 5)} ({faster:.1f}x)"
        )


def _author(page: Page) -> str | None:
    try:
        return parse_source(page[0], page[1], page[2]).author
    except SourceHasNoLink:
        return None


def _verdict(met: bool) -> str:
    return "met" if met else "missed"


if __name__ == "__main__":
    main()
