"""Mentions in sources that are not HTML: a JSON document, a plain text.

The Webmention Recommendation (3.2.2) says a receiver should read a source by its
media type: in JSON, a property whose value is exactly the target; in plain text, the
target's URL as a string. Pingback speaks of links in HTML, and gets none of this.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from ..errors import SourceHasNoLink
from ..htmltree import decode_html
from ..urls import is_http_url, normalize_url
from .excerpt import cut_after, cut_before
from .names import People
from .text import collapse, without_format_characters

__all__ = ["is_json", "json_mention", "media_type", "text_mention"]

# How many values of a JSON document are looked at: a mention is near the top of one.
_MAX_JSON_VALUES = 10_000
# The properties of an entry (JF2, mf2 JSON, ActivityStreams, JSON Feed) that hold its
# text, its title and its author, best first.
_TEXT_KEYS = ("content", "content_text", "summary", "text", "description", "body")
_TITLE_KEYS = ("name", "title", "headline")
_AUTHOR_KEYS = ("author", "attributedTo", "creator")
# Where a sentence ends, in plain text: a stop and a space, or an empty line.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…。！？])\s+|\n\s*\n")
# What may follow a URL written in prose without being part of it.
_URL_END = r"(?=$|[\s<>\"'()\[\]{}]|[.,;:!?](?:\s|$))"


def media_type(content_type: str | None) -> str | None:
    """The media type a Content-Type header names, lower-cased, without parameters."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def is_json(kind: str | None) -> bool:
    """True for a JSON media type (``application/json``, ``...+json``)."""
    return kind is not None and (kind == "application/json" or kind.endswith("+json"))


def _spellings(targets: Sequence[str]) -> set[str]:
    found = set()
    for target in targets:
        found.add(target)
        found.add(normalize_url(target))
    return found


def _is_target(value: str, wanted: set[str]) -> bool:
    value = value.strip()
    return value in wanted or (is_http_url(value) and normalize_url(value) in wanted)


def _find_in_json(data: object, wanted: set[str]) -> tuple[dict[str, object], str] | None:
    """The innermost object with a property whose value is one of ``wanted``, and the
    property's name; breadth first, so the entry itself comes before its replies."""
    pending: list[object] = [data]
    looked = 0
    while pending and looked < _MAX_JSON_VALUES:
        item = pending.pop(0)
        looked += 1
        if isinstance(item, list):
            pending.extend(item[:_MAX_JSON_VALUES])
            continue
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            values = value if isinstance(value, list) else [value]
            if any(isinstance(one, str) and _is_target(one, wanted) for one in values[:100]):
                return item, str(key)
        pending.extend(value for value in item.values() if isinstance(value, dict | list))
    return None


def _text_of_value(value: object) -> str:
    """The text a JSON property gives: a string, or the text or value of an object
    (mf2 JSON's {"html": ..., "value": ...}, JF2's {"text": ...})."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        for key in ("text", "value", "plain", "name"):
            if isinstance(value.get(key), str):
                return str(value[key])
        return ""
    return value if isinstance(value, str) else ""


def _first_text(entry: dict[str, object], keys: Sequence[str]) -> str:
    properties = entry.get("properties")  # mf2 JSON keeps them one level down
    for holder in (entry, properties if isinstance(properties, dict) else {}):
        for key in keys:
            if key in holder:
                text = collapse(without_format_characters(_text_of_value(holder[key])))
                if text:
                    return text
    return ""


def json_mention(
    body: str | bytes,
    source_url: str,
    targets: Sequence[str],
    max_excerpt: int,
    encoding: str | None = None,
) -> tuple[str, str | None, str, str]:
    """(title, author, excerpt, property) of the first entry in a JSON document that
    names one of ``targets`` as the value of some property.

    Raises SourceHasNoLink when the document is not JSON or names no target.
    """
    try:
        data = json.loads(decode_html(body, encoding))
    except (ValueError, RecursionError):
        raise SourceHasNoLink(
            f"The source is not valid JSON, so it cannot mention {targets[0]}."
        ) from None
    found = _find_in_json(data, _spellings(targets))
    if found is None:
        raise SourceHasNoLink(f"The source document does not mention {targets[0]}.")
    entry, key = found
    excerpt = _first_text(entry, _TEXT_KEYS)
    if len(excerpt) > max_excerpt:
        excerpt = cut_after(excerpt, max_excerpt - 1)
    title = _first_text(entry, _TITLE_KEYS)
    if not title and isinstance(data, dict):
        title = _first_text(data, _TITLE_KEYS)
    people = People((), urlsplit(source_url).hostname or "")
    author = people.name(_first_text(entry, _AUTHOR_KEYS)) if entry else None
    return title, author, excerpt, key


def text_mention(
    body: str | bytes, targets: Sequence[str], max_excerpt: int, encoding: str | None = None
) -> tuple[str, str, str]:
    """(title, excerpt, the URL as written) for a plain text that writes one of
    ``targets``: the title is its first line, the excerpt the sentence holding the URL.

    Raises SourceHasNoLink when the text writes none of them.
    """
    text = decode_html(body, encoding)
    first: re.Match[str] | None = None
    for spelling in sorted(_spellings(targets), key=len, reverse=True):
        match = re.search(re.escape(spelling) + _URL_END, text)
        if match is not None and (first is None or match.start() < first.start()):
            first = match
    if first is None:
        raise SourceHasNoLink(f"The source text does not mention {targets[0]}.")
    starts = [m.end() for m in _SENTENCE_BREAK.finditer(text, 0, first.start())]
    start = starts[-1] if starts else 0
    end_match = _SENTENCE_BREAK.search(text, first.end())
    end = end_match.start() if end_match else len(text)
    # Only the text near the URL matters; a text may hold megabytes.
    before = text[max(start, first.start() - 10 * max_excerpt) : first.start()]
    after = text[first.end() : min(end, first.end() + 10 * max_excerpt)]
    url = first.group()
    sentence = collapse(without_format_characters(before + url + after))
    at = sentence.find(url)
    side = max(0, (max_excerpt - len(url) - 2) // 2)
    excerpt = (
        cut_before(sentence[:at], side) + url + cut_after(sentence[at + len(url) :], side)
    ).strip()
    if len(excerpt) > max_excerpt:
        excerpt = cut_after(excerpt, max_excerpt - 1)
    title = next((line.strip() for line in text[:10_000].splitlines() if line.strip()), "")
    return title, excerpt, url
