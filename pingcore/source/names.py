"""Name cleaning: a person's name from a byline-like text, or None; and telling a
person from the site, its publisher, a news agency or an editorial desk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape

from .text import collapse, without_format_characters

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
    r"|^(?:author|authors|autor|autorin|autoren|auteur|autore|verfasser|posted)"
    r"(?:[/*:_]in(?:nen)?)?\b\s*:?\s*",
    re.IGNORECASE,
)
# Titles before a name, which are not how the name is written: "Dr. Jane Doe".
_HONORIFIC = re.compile(
    r"^(?:(?:prof|dr|mag|dipl\.-\w+|mr|mrs|ms|mme|mlle|hr|fr)\.?\s+"
    r"|(?:herr|frau|rechtsanwalt|rechtsanwältin|rechtsanwälte|ra)\s+)+",
    re.IGNORECASE,
)
_TRAILING_PREPOSITION = re.compile(r"\s+(?:in|im|on|at|am|um)$", re.IGNORECASE)
# Several authors: the first is named ("Jane Doe und John Roe").
_AND = re.compile(r"\s+(?:and|und|et|y|e|en)\s+", re.IGNORECASE)
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
    # Days, which stand where names do in "Tuesday, 12.03.2019" lines.
    | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
    | {"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"}
    | {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "today"}
    | {"heute", "gestern", "yesterday"}
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


def clean_name(raw: str, *, login: bool = False) -> str | None:
    """A person's name from a byline-like text, or None when it does not look like one.

    ``login`` accepts a login name ("jsmith", "bjoern01") where the page marks it as
    the author's (a link to the author's page named after it, a "username" element).
    """
    raw = raw[:NAME_TEXT]  # a name comes first; the rest of a long text costs time only
    if "&" in raw:  # JSON-LD and meta content are sometimes HTML-escaped twice
        raw = unescape(raw)
    name = _EMAIL.sub(r"\1 ", collapse(without_format_characters(raw)))
    for _ in range(2):  # "Posted by: Author: Jane"
        name = _NAME_PREFIX.sub("", name).strip()
    name = _without_date_tail(name)
    name = _NAME_TAIL.split(name, maxsplit=1)[0]
    name = _AND.split(name, maxsplit=1)[0]
    name = _TRAILING_PREPOSITION.sub("", name)  # "Jane Doe in <a>Travel</a>"
    name = _HONORIFIC.sub("", name)
    name = _PARENTHESES_TAIL.sub("", name)  # "Julia Hitz (eg)": initials, affiliations
    name = name.strip(" -–—|,:;·•*").strip(_QUOTES)
    if not name or len(name) > MAX_AUTHOR or name.lower() in _PLACEHOLDERS:
        return None
    words = name.split()
    if login and len(words) == 1 and _LOGIN.fullmatch(name):
        return name
    if any(char.isdigit() for char in name) or _NOT_A_NAME.search(name):
        return None
    if sum(char.isalpha() for char in name) < 2 or len(words) > 8:
        return None
    # One lower-case word is a login name ("admin", "jsmith"), not how people sign; in
    # longer names every word but the particles starts with a capital.
    if len(words) == 1 and name.islower():
        return None
    if len(words) > 1 and not all(_starts_upper(word) for word in words):
        return None
    return _capitalised(name, words)


def _starts_upper(word: str) -> bool:
    """True for a word of a name: capitalised ('"Bobby"' too), a particle, or no word."""
    first = next((char for char in word if char.isalpha()), None)
    return first is None or first.isupper() or word.lower() in _PARTICLES


_PARTICLES = frozenset(
    {"von", "van", "vom", "zu", "de", "der", "den", "del", "della", "di", "da", "du", "des"}
    | {"la", "le", "ten", "ter", "bin", "ibn", "al", "el", "dos", "das", "do", "af", "y"}
)


def _capitalised(name: str, words: list[str]) -> str:
    """A name whose surname is in capitals, as bylines set it, in ordinary case:
    "Steffen PACHE" is Steffen Pache; an all-capitals name stays as written."""
    if not any(word.isupper() and len(word) > 2 for word in words):
        return name
    if all(word.isupper() for word in words):
        return name
    return " ".join(word.title() if word.isupper() and len(word) > 2 else word for word in words)


_LOGIN = re.compile(r"[a-z][\w.-]{2,30}", re.IGNORECASE)

# Words that name a group, a desk or a publication, never one person.
_GROUP_WORDS = frozenset(
    {"redaktion", "redaktionen", "editorial", "editors", "editor", "newsdesk", "desk", "staff"}
    | {"team", "newsroom", "online", "news", "nachrichten", "magazine", "magazin", "zeitung"}
    | {"press", "presse", "verlag", "media", "medien", "foundation", "stiftung", "verein"}
    | {"e.v.", "gmbh", "ag", "inc", "inc.", "ltd", "ltd.", "llc", "corp", "company", "group"}
    | {"contributors", "agency", "agentur", "institut", "institute", "university", "society"}
    | {"association", "partei", "party", "fraktion", "ministry", "ministerium", "department"}
    | {"office", "service", "services", "wikipedia", "projects", "community", "club"}
    | {"radio", "tv", "television", "fernsehen", "rundfunk", "blog", "website", "webmaster"}
    | {"admin", "administrator", "readers", "leser", "letters", "correspondent", "wire"}
)
# News agencies, which sign the reports they sell: not the writer of the page.
_AGENCIES = frozenset(
    {"reuters", "dpa", "afp", "ap", "apa", "kna", "epd", "sid", "ddp", "dapd", "ansa", "efe"}
    | {"upi", "xinhua", "tass", "sda", "ats", "belga", "anp", "aap", "pa", "bloomberg", "kyodo"}
    | {"associated press", "press association", "agence france-presse", "thomson reuters"}
)
_SITE_NAME_SEPARATORS = re.compile(r"\s+(?:[|·•›»:–—-]|::)\s+")
_NAME_WORD = re.compile(r"[^\W\d_]+(?:[.'’-][^\W\d_]+)*\.?")


class People:
    """Tells, on one page, a person's name from the site's, its publisher's, an
    agency's or a desk's.

    ``site_names`` are the names the page gives itself and its publisher (og:site_name,
    the end of its title, JSON-LD publisher and Organization names); ``host`` is the
    page's host. A name is not a person's when it is one of those names; when a word of
    it names a group ("Redaktion", "News Desk", "Foundation", "Online"); when it is a
    news agency ("Reuters", "dpa", "dpa/AFP"); when it starts with "The"; or when it is
    the host spelled as an acronym ("NDR" on ndr.de, "Deutsche Welle" on dw.com).
    """

    def __init__(self, site_names: Iterable[str], host: str) -> None:
        self.site_names = {
            key for raw in site_names if (key := _key(without_format_characters(raw)))
        }
        labels = host.lower().removeprefix("www.").split(".")
        # The host's own words: "cdu-fraktion-erfurt.de" gives cdu, fraktion, erfurt.
        self.host_words = {
            word for label in labels[:-1] or labels for word in label.split("-") if word
        }

    @property
    def marked(self) -> People:
        """These rules for a name the page marks as a person's (an h-card author,
        rel=author, a JSON-LD Person), which may be the site's name too: a personal
        site is often named after its author."""
        marked = People((), "")
        marked.host_words = self.host_words
        return marked

    def name(self, raw: str, *, login: bool = False) -> str | None:
        """The person's name ``raw`` gives (see :func:`clean_name`), or None."""
        name = clean_name(raw, login=login)
        if name is None or self.is_organisation(name):
            return None
        return name

    def is_organisation(self, name: str) -> bool:
        key = _key(name)
        if key in self.site_names or key in _AGENCIES:
            return True
        words = key.replace("/", " ").split()
        if words[:1] == ["the"] or any(word in _GROUP_WORDS for word in words):
            return True
        if all(word in _AGENCIES for word in words):  # "dpa/AFP", "AP Reuters"
            return True
        letters = [word for word in _NAME_WORD.findall(name)]
        if len(letters) == 1 and name.isupper() and key in self.host_words:
            return True  # "NDR", "CDU": the site's acronym
        initials = "".join(word[0] for word in letters).lower()
        return len(letters) > 1 and initials in self.host_words


def site_names_in_title(title: str) -> list[str]:
    """The parts of a title a site adds to it ("Post title | Site name"): its first and
    last parts, when it has more than one."""
    parts = _SITE_NAME_SEPARATORS.split(title)
    return [parts[0], parts[-1]] if len(parts) > 1 else []


def _key(name: str) -> str:
    return collapse(name).strip(" .,;:").lower()
