"""read_mention over the pages of ../shared/corpus: pingcore's own mf2 reading against mf2py's.

pingcore's reads the tree the receiver already parsed; mf2py parses the page again with
BeautifulSoup (on lxml, its fastest builder), and its items then make the same Mention.
Both are set against lxml's parse of the same bytes, the floor of bench_parse.
"""

from __future__ import annotations

from lxml import etree

from bench.bench_parse import REPEATS, SHARED, Page, best_of, load_corpus, lxml_alone
from pingcore.htmltree import decode_html, parse_html
from pingcore.links import base_url_of
from pingcore.mention import _mention_from_metadata, mention_from_entry, read_mention
from pingcore.microformats import ParsedPage


def own(trees: list[tuple[etree._Element, str, str]]) -> None:
    for root, source, target in trees:
        read_mention(root, source, target)


def with_mf2py(pages: list[Page], trees: list[tuple[etree._Element, str, str]]) -> None:
    import mf2py  # type: ignore[import-untyped]

    for (html, source, target, _), (root, _, _) in zip(pages, trees, strict=True):
        base = base_url_of(root, source)
        parsed = mf2py.parse(doc=decode_html(html), url=base, html_parser="lxml")
        page = ParsedPage(parsed["items"], rels=parsed["rels"])
        entry = next((item for item in page.items if "h-entry" in item["type"]), None)
        if entry is not None:
            mention_from_entry(entry, page, source, base, target)
        else:
            _mention_from_metadata(list(root.iter("script")), list(root.iter("meta")), base)


def main() -> None:
    corpus = SHARED / "corpus"
    if not (corpus / "index.json").exists():
        print(f"{corpus} is not here (../shared is only in the team's checkouts); skipped.")
        return
    pages = load_corpus(corpus)
    trees = [(parse_html(html), source, target) for html, source, target, _ in pages]
    megabytes = sum(len(page[0]) for page in pages) / 1e6
    floor = best_of(REPEATS, lambda: lxml_alone(pages))
    rows = [("lxml HTMLParser alone (floor)", floor)]
    rows.append(("read_mention, own mf2 reading", best_of(REPEATS, lambda: own(trees))))
    try:
        import mf2py  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        print("  (mf2py is not installed: pip install -e '.[dev]' to compare with it)")
    else:
        seconds = best_of(1, lambda: with_mf2py(pages, trees))  # one run: it is slow
        rows.append(("read_mention's fields via mf2py", seconds))
    print(f"read_mention over {len(pages)} pages of {corpus} ({megabytes:.1f} MB):")
    for label, seconds in rows:
        print(
            f"  {label:32} {seconds:8.3f} s  {seconds * 1000 / megabytes:8.1f} ms/MB"
            f"  {seconds / floor:6.2f}x floor"
        )


if __name__ == "__main__":
    main()
