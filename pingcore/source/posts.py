"""Posts: the elements holding one piece of writing by one author (articles, h-entries)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Posting|Report|Review|Comment", re.IGNORECASE)

# Posts holding the link that are asked for its title and author, nearest first: a
# comment in a post in a page, not a thousand nested articles.
NEAREST_CONTAINERS = 3


def is_container(element: etree._Element) -> bool:
    """True for an element holding one piece of writing by one author: a post, a comment."""
    if element.tag == "article":
        return True
    classes = element.get("class")
    if classes is not None and "entry" in classes:
        tokens = classes.split()
        if "h-entry" in tokens or "hentry" in tokens:
            return True
    itemtype = element.get("itemtype")
    return itemtype is not None and ARTICLE_TYPES.search(itemtype) is not None


def containers(link: etree._Element) -> Iterator[etree._Element]:
    """The link's ancestors that hold a post or a comment, nearest first."""
    return (ancestor for ancestor in link.iterancestors() if is_container(ancestor))
