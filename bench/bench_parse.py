"""parse_source over the real pages of ../shared/corpus, against lxml parsing them alone.

Without ../shared (a fresh clone) it runs on the test suite's fixture pages
instead, repeated until each timing is well above the clock's grain.

One link per page (the middle visible one), so each run does the whole job: decode,
parse, find the link, excerpt, author, title. The floor is lxml's HTMLParser on the
same bytes and nothing else; the goal is parse_source at most 2x the floor.
read_mention runs on trees parsed beforehand, as the receiver hands it the tree it
already has; its line says what it adds to parse_source.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

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
FIXTURE_COPIES = 100  # a few small pages: ~0.7 MB in all, so a run takes milliseconds, not µs
REPEATS = 5
REPEATS_HTML5LIB = 2  # some 50 times slower; two runs are enough to see it

Page = tuple[bytes, str, str]  # html, source URL, target URL


def chosen_pages(corpus: Path) -> tuple[list[tuple[Path, str]], str]:
    """The pages to parse (file, URL) and where they are from: the corpus, else the fixtures."""
    if (corpus / "index.json").exists():
        index = json.loads((corpus / "index.json").read_text("utf-8"))
        return [(corpus / "pages" / e["file"], e["url"]) for e in index["pages"]], str(corpus)
    fixtures = [(f, f"http://fixtures.example/{f.stem}/") for f in sorted(FIXTURES.glob("*.html"))]
    where = f"{FIXTURES.relative_to(ROOT)} x{FIXTURE_COPIES} ({corpus} is not here)"
    return fixtures * FIXTURE_COPIES, where


def load_pages(entries: list[tuple[Path, str]]) -> list[Page]:
    pages: list[Page] = []
    for path, url in entries:
        html = path.read_bytes()
        root = parse_html(html)
        base = base_url_of(root, url)
        targets = [
            target
            for element in root.iter(*LINK_TAGS)
            if link_counts(element)
            and (target := resolve_href(element.get("href") or "", base)) is not None
        ]
        if targets:
            pages.append((html, url, targets[len(targets) // 2]))
    return pages


def best_of(repeats: int, run: Callable[[], None]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def lxml_alone(pages: list[Page]) -> None:
    for html, _, _ in pages:
        etree.fromstring(html, etree.HTMLParser())


def parse_all(pages: list[Page], parser: str) -> None:
    for html, source, target in pages:
        try:
            parse_source(html, source, target, parser=parser)
        except SourceHasNoLink:  # not expected: counted as work done all the same
            pass


def read_all_mentions(trees: list[tuple[etree._Element, str, str]]) -> None:
    for root, source, target in trees:
        read_mention(root, source, target)


def main() -> None:
    entries, corpus = chosen_pages(SHARED / "corpus")
    pages = load_pages(entries)
    megabytes = sum(len(html) for html, _, _ in pages) / 1e6
    floor = best_of(REPEATS, lambda: lxml_alone(pages))
    rows = [
        ("lxml HTMLParser alone (floor)", floor),
        ("parse_source, parser=lxml", best_of(REPEATS, lambda: parse_all(pages, "lxml"))),
        (
            "parse_source, parser=html5lib",
            best_of(REPEATS_HTML5LIB, lambda: parse_all(pages, "html5lib")),
        ),
    ]
    print(
        f"parse_source over {len(pages)} pages of {corpus} ({megabytes:.1f} MB),"
        f" one link per page, best of {REPEATS} ({REPEATS_HTML5LIB} for html5lib):"
    )
    for label, seconds in rows:
        print(
            f"  {label:32} {seconds:8.3f} s  {seconds * 1000 / megabytes:8.1f} ms/MB"
            f"  {seconds / floor:6.2f}x floor"
        )
    trees = [(parse_html(html), source, target) for html, source, target in pages]
    mentions = best_of(REPEATS, lambda: read_all_mentions(trees))
    print(
        f"  {'read_mention, on parsed trees':32} {mentions:8.3f} s"
        f"  {mentions * 1000 / megabytes:8.1f} ms/MB  {mentions / floor:6.2f}x floor"
    )
    ratio = rows[1][1] / floor
    verdict = "met" if ratio <= 2 else "missed"
    print(f"  goal: parse_source (lxml) at most 2x the floor: {verdict} ({ratio:.2f}x)")
    both = (rows[1][1] + mentions) / floor
    verdict = "met" if both <= 2 else "missed"
    print(f"  goal: parse_source + read_mention at most 2x the floor: {verdict} ({both:.2f}x)")


if __name__ == "__main__":
    main()
