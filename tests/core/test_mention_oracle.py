"""pingcore's microformats against mf2py, the reference parser, on the official test suite.

The suite is github.com/microformats/tests, checked out outside the repository: its
path is $PINGCORE_MF2_TESTS, else ../mf2-tests next to the repository's root. Each
case runs through both parsers, on the same HTML parser (lxml, then html5lib), and the
fields a mention keeps must agree: per item, and as the Mention of the page's entry.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pingcore.htmltree import decode_html, parse_html
from pingcore.links import base_url_of
from pingcore.mention import (
    MAX_CONTENT_TEXT,
    _walk_items,
    clean_text,
    mention_from_entry,
    parse_datetime,
    read_mention,
    sanitize_html,
)
from pingcore.microformats import ParsedPage, parse_microformats

mf2py = pytest.importorskip("mf2py", reason="mf2py (the oracle) is a dev dependency")

ROOT = Path(__file__).resolve().parents[2]
SUITE = Path(os.environ.get("PINGCORE_MF2_TESTS", ROOT.parent / "mf2-tests"))
CASES_DIR = SUITE / "tests" / "microformats-v2"
SOURCE = "http://example.com/"
ELSEWHERE = "https://nowhere.example/"
# The response properties a mention's kind comes from.
RESPONSES = ("in-reply-to", "like-of", "repost-of", "bookmark-of", "quotation-of", "rsvp")
FIELDS = ("name", "url", "photo", "published", "updated", "syndication", *RESPONSES)

# Cases where pingcore and mf2py differ, and why pingcore is right (none so far in the
# cases read here; the comparison says which if the suite or mf2py changes).
KNOWN_QUIRKS: dict[str, str] = {}


def suite_cases() -> list[str]:
    """The h-entry and h-card cases, and every other case with an h-entry or h-card in it.

    The suite has no authorship cases of its own; h-feed and mixed cases with authors
    stand in for them.
    """
    if not CASES_DIR.is_dir():
        return []
    cases = []
    for html in sorted(CASES_DIR.glob("*/*.html")):
        if not html.with_suffix(".json").exists():  # change-log.html and the like
            continue
        text = html.read_text("utf-8", "replace")
        if html.parent.name in ("h-entry", "h-card") or "h-entry" in text or "h-card" in text:
            cases.append(f"{html.parent.name}/{html.stem}")
    return cases


CASES = suite_cases()
pytestmark = pytest.mark.skipif(
    not CASES,
    reason=f"the microformats test suite is not at {SUITE} (git clone"
    " https://github.com/microformats/tests there, or set PINGCORE_MF2_TESTS)",
)


# BeautifulSoup's lxml builder drops the whitespace between block elements that lxml
# itself keeps ("</p>\n\n<p>" comes back "</p>\n<p>"): no difference to a reader.
_BETWEEN_TAGS = re.compile(r">\s+<")


def same_html(html: str) -> str:
    return _BETWEEN_TAGS.sub("><", html)


def url_text(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("value")
    return value


def project(value: Any) -> Any:
    """What a mention keeps of one property value."""
    if isinstance(value, dict) and "html" in value:
        return {
            "text": clean_text(value.get("value", ""), MAX_CONTENT_TEXT),
            "html": same_html(sanitize_html(value["html"], SOURCE)),
        }
    if isinstance(value, dict) and "type" in value:
        return {"type": value["type"], "value": value.get("value"), **project_item(value)}
    return url_text(value)


def project_item(item: dict[str, Any]) -> dict[str, Any]:
    properties = item.get("properties", {})
    kept: dict[str, Any] = {}
    for name in FIELDS:
        if name in properties:
            kept[name] = [project(value) for value in properties[name]]
    for name in ("published", "updated"):
        if name in kept:
            kept[name] = [parse_datetime(url_text(value)) for value in properties[name]]
    for name in ("content", "summary"):
        if name in properties:
            kept[name] = [project(value) for value in properties[name]]
    if "author" in properties:
        # Nested cards project like any item; the author is as deep as it is read.
        kept["author"] = [
            project_item(value) if isinstance(value, dict) and "type" in value else value
            for value in properties["author"]
        ]
    return kept


def projections(items: list[dict[str, Any]]) -> Iterator[tuple[Any, dict[str, Any]]]:
    for item, _ in _walk_items(items):
        yield item.get("type"), project_item(item)


def both(case: str, parser: str) -> tuple[ParsedPage, ParsedPage, Any]:
    html = (CASES_DIR / f"{case}.html").read_bytes()
    root = parse_html(html, parser)
    ours = parse_microformats(root, base_url_of(root, SOURCE))
    # The text, not the bytes: BeautifulSoup guesses an undeclared encoding (as
    # windows-1252), where pingcore decodes as browsers do; the parsers are compared.
    theirs = mf2py.parse(doc=decode_html(html), url=SOURCE, html_parser=parser)
    return ours, ParsedPage(items=theirs["items"], rels=theirs["rels"]), root


def target_of(page: ParsedPage) -> str:
    """A URL the page's first entry responds to, so that the kind is not always "mention"."""
    entry = next((item for item in page.items if "h-entry" in item.get("type", ())), None)
    for name in RESPONSES[:-1]:
        for value in (entry or {}).get("properties", {}).get(name, ()):
            url = url_text(value) if not isinstance(value, dict) else value.get("value")
            if isinstance(url, str) and url.startswith("http"):
                return url
    return ELSEWHERE


@pytest.fixture(params=["lxml", "html5lib"])
def parser(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize("case", CASES)
def test_every_item_agrees_with_mf2py(case: str, parser: str) -> None:
    if case in KNOWN_QUIRKS:
        pytest.xfail(KNOWN_QUIRKS[case])
    ours, theirs, _ = both(case, parser)
    assert list(projections(ours.items)) == list(projections(theirs.items))


@pytest.mark.parametrize("case", CASES)
def test_rels_agree_with_mf2py(case: str, parser: str) -> None:
    ours, theirs, _ = both(case, parser)
    assert ours.rels == theirs.rels


@pytest.mark.parametrize("case", CASES)
def test_the_mention_agrees_with_one_read_from_mf2py(case: str, parser: str) -> None:
    if case in KNOWN_QUIRKS:
        pytest.xfail(KNOWN_QUIRKS[case])
    ours, theirs, root = both(case, parser)
    entry = next((item for item in theirs.items if "h-entry" in item.get("type", ())), None)
    if entry is None:
        # No top-level entry: the mention comes from JSON-LD and OpenGraph, not from mf2.
        assert not any("h-entry" in item.get("type", ()) for item in ours.items)
        return
    target = target_of(theirs)
    base = base_url_of(root, SOURCE)
    expected = mention_from_entry(entry, theirs, SOURCE, base, target)
    mention = read_mention(root, SOURCE, target)
    assert replace(mention, content_html=same_html(mention.content_html)) == replace(
        expected, content_html=same_html(expected.content_html)
    )


def test_the_suite_holds_the_cases_this_module_reads() -> None:
    assert sum(case.startswith(("h-entry/", "h-card/")) for case in CASES) >= 20
