"""A parsed page's elements, walked once, with the few kinds its readers look up by tag.

Reading a source asks the whole tree for its links, its ``<base>``, its ``<meta>``s,
its JSON-LD ``<script>``s, its ``<title>``, ``<h1>``s and ``<address>``es. Each
``root.iter(tag)`` walks every node of the tree in C, and on a real page costs a
sixth of the parse; the readers asked five times over, more than half the parse in
walks. Here one walk in C stops at all of those tags, and each question after it is
a lookup; a question about several tags at once gets one more walk, kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

__all__ = ["INDEXED_TAGS", "PageIndex"]

# The tags whose elements the index lists, each in document order.
INDEXED_TAGS = frozenset(
    {"a", "area", "base", "meta", "script", "title", "h1", "address"}
    | {"img", "video", "audio", "source"}
)


class PageIndex:
    """Every element of the tree under ``root``, in document order, and those of each
    tag in INDEXED_TAGS.

    Holding every element also keeps the Python proxy of each alive until the index
    goes: lxml frees a proxy by walking up the tree to the nearest element that still
    has one, so on a page nested 2,000 deep each walk over the page would cost 2,000
    steps an element. Held here, they are freed last first, each walk stopping at once.
    """

    __slots__ = ("_by_tag", "_classes", "_merged", "elements", "root")

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.elements: list[etree._Element] = list(root.iter())
        # A walk in C that only stops at the indexed tags: telling every element's tag
        # in Python would cost more than all of that.
        by_tag: dict[str, list[etree._Element]] = {tag: [] for tag in INDEXED_TAGS}
        for element in root.iter(*INDEXED_TAGS):  # each tag exactly one of INDEXED_TAGS
            by_tag[element.tag].append(element)
        self._by_tag = {tag: tuple(found) for tag, found in by_tag.items()}
        self._merged: dict[tuple[str, ...], tuple[etree._Element, ...]] = {}
        self._classes: list[str | None] | None = None

    def of(self, *tags: str) -> Sequence[etree._Element]:
        """The elements of ``tags`` (each one of INDEXED_TAGS), in document order."""
        present = [tag for tag in tags if self._by_tag[tag]]
        if len(present) <= 1:
            return self._by_tag[present[0]] if present else ()
        key = tuple(sorted(present))
        merged = self._merged.get(key)
        if merged is None:  # another walk in C, stopping at these tags only
            merged = self._merged[key] = tuple(self.root.iter(*key))
        return merged

    def classes(self) -> list[str | None]:
        """Each element's class attribute (None without one), in the order of ``elements``.

        Read once when first asked, for every reader that looks at all of a page's
        classes (authors, microformats): reading an attribute costs more than the walk.
        """
        if self._classes is None:
            self._classes = [element.get("class") for element in self.elements]
        return self._classes
