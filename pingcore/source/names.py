"""Name cleaning: a person's name from a byline-like text, or None."""

from __future__ import annotations

import re
from html import unescape

from .text import collapse

MAX_AUTHOR = 100

# Of a text, the first NAME_TEXT characters are read for a name (NAME_RAW with spaces).
NAME_TEXT = 1000
NAME_RAW = 20_000


_NAME_PREFIX = re.compile(
    r"^(?:(?:posted|written|published|authored|created|submitted|reported|geschrieben"
    r"|verfasst|publié|écrit|rédigé|escrito|publicado|scritto"
    r"|(?:(?:view|see|show)\s+)?(?:(?:all|more|alle|mehr|weitere)\s+)?(?:posts|articles"
    r"|stories|entries|beiträge|artikel|texte))\s+)?"
    r"(?:by|von|par|por|door)\b\s*:?\s*"
    r"|^(?:author|authors|autor|autorin|autoren|auteur|autore|verfasser|posted)\b\s*:?\s*",
    re.IGNORECASE,
)
# An e-mail address, maybe in brackets; it starts at a letter or digit, and the marks
# before that (group 1) stay. Each run of characters an address can hold is tried once,
# from where it starts: tried from each of its characters, a long run would cost the
# square of its length. The same goes for the runs of spaces in the tails below.
_EMAIL = re.compile(r"(?:\(|(?<![\w.+-])([.+-]*+))\w[\w.+-]*+@[\w-]++\.[\w.-]+\b\)?")
_NAME_TAIL = re.compile(r"(?<!\s)\s*(?:\||·|•|,|;|…|\.\.\.|\s[-–—]\s|\s[-–—]$|\s/\s)")
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|januar|februar|märz|mai"
    r"|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre"
    r"|octobre|novembre|décembre)\.?"
)
# Dates and times that trail a name in a byline: "Jane Doe on 3 May 2019 at 9:48 am".
_DATE = (
    rf"(?:\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|\d{{1,2}}\.?\s+{_MONTH}(?:\s+\d{{2,4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}[:.]\d{{2}}\b)"
)
_DATE_START = re.compile(_DATE, re.IGNORECASE)
# Words between a name and the date after it: "on", "at", "-" in "Jane on 3 May".
_DATE_LEAD = re.compile(r"on|at|am|um|le|el|il|op|den|the|-|–", re.IGNORECASE)
_UPDATED_WORDS = (
    r"(?:updated|published|posted|last modified|aktualisiert|veröffentlicht|erschienen"
    r"|mis à jour|publié)\b"
)
_UPDATED = re.compile(_UPDATED_WORDS, re.IGNORECASE)
# Whether anything can trail a name at all: most names have nothing after them.
_TAIL_START = re.compile(rf"\s(?:{_DATE}|{_UPDATED_WORDS})", re.IGNORECASE)
_WORD = re.compile(r"\S+")
_PARENTHESES_TAIL = re.compile(r"(?<!\s)\s*[(\[][^()\[\]]*[)\]]\s*$")
_QUOTES = " \"'„“”‚‘’«»‹›"
_NOT_A_NAME = re.compile(r"https?:|www\.|[/\\@<>{}=#]|[\w-]\.[a-z]{2,6}\b")
_PLACEHOLDERS = frozenset(
    {"admin", "administrator", "author", "authors", "anonymous", "unknown", "guest", "staff"}
    | {"by", "posted", "none", "null", "undefined", "n/a", "autor", "auteur", "redaktion"}
)


def _without_date_tail(name: str) -> str:
    """``name`` up to a date or an "updated" after it: "Jane Doe on 3 May 2019 at 9:48".

    Word by word: one regex for it backtracks over a run of "on on on ..." from each of
    its words, which costs the square of the run.
    """
    if _TAIL_START.search(name) is None:
        return name
    lead: int | None = None  # where the words leading up to a date start ("on", "-")
    space = 0  # where the spaces before the word start
    for word in _WORD.finditer(name):
        start = word.start()
        if start:  # what trails a name follows a space
            if _DATE_START.match(name, start):
                return name[: space if lead is None else lead]
            if _UPDATED.match(name, start):
                return name[:space]
            if _DATE_LEAD.fullmatch(word.group()):
                lead = space if lead is None else lead
            else:
                lead = None
        space = word.end()
    return name


def clean_name(raw: str) -> str | None:
    """A person's name from a byline-like text, or None when it does not look like one."""
    raw = raw[:NAME_TEXT]  # a name comes first; the rest of a long text costs time only
    if "&" in raw:  # JSON-LD and meta content are sometimes HTML-escaped twice
        raw = unescape(raw)
    name = _EMAIL.sub(r"\1 ", collapse(raw))
    for _ in range(2):  # "Posted by: Author: Jane"
        name = _NAME_PREFIX.sub("", name).strip()
    name = _without_date_tail(name)
    name = _NAME_TAIL.split(name, maxsplit=1)[0]
    name = _PARENTHESES_TAIL.sub("", name)  # "Julia Hitz (eg)": initials, affiliations
    name = name.strip(" -–—|,:;·•*").strip(_QUOTES)
    if not name or len(name) > MAX_AUTHOR or name.lower() in _PLACEHOLDERS:
        return None
    if any(char.isdigit() for char in name) or _NOT_A_NAME.search(name):
        return None
    words = name.split()
    if sum(char.isalpha() for char in name) < 2 or len(words) > 8:
        return None
    # One lower-case word is a login name ("admin", "jsmith"), not how people sign.
    if len(words) == 1 and name.islower():
        return None
    return name
