"""Dates in text: finding them, reading them, and tying them to what they date.

The stages, each usable on its own (``graph.observations`` turns datings
into quads with ``dating_quads``):

``find_dates(text, sentences, published=None) -> list[DateMention]``
    Every date a sentence states, with offsets that slice ``text`` exactly
    (``text[d.start:d.end] == d.text``). ``begin``/``end_date`` are ISO strings
    whose length gives the precision: "2025-11-24" (day), "2013-06" (month),
    "1957" (year). ``kind`` says how the date is meant:

    - ``point``: "24 November 2025", "November 24, 2025", "Nov. 24, 2025",
      "2025-11-24", "25.11.2025", "25/11/2025" (day first unless the first
      number cannot be a day), "November 2025", "in 2013", "mid-2025";
    - ``range`` (``end_date`` set): "November 24-25, 2025", "24-25 November
      2025", "November 30 - December 2, 2025", "March-May 2024", "1950-1953",
      "2010-15", "from 1950 to 1953", "from 3 to 5 March 2025", "between 2010
      and 2015" (the span includes "from"/"between");
    - ``since``: "since 1957" (the span includes "since"), ``begin`` only;
    - ``by``: a deadline, "by 2030", "by the end of 2026" (span includes "by").

    Years stand alone: four digits 1900-2099, not inside a longer number
    ("21,492"), a sum ("$2025"), a model code ("K-2025", "APR-1400"), a URL, a
    decade ("1950s"), or a count ("2000 soldiers"). Relative phrases ("last
    year", "this year", "next year", "the previous year", "last month" ...) are
    resolved against ``published`` (an ISO date or datetime, "2025", "2025-11",
    or a written date such as "12 June 2024") and marked ``relative=True``;
    without a publication date they are skipped. Dates outside sentences (a
    line of bare numbers) are not found.

``date_entities(doc, dates) -> list[Dating]``
    Ties a date to the entity it dates when the sentence says so. ``doc`` is the
    document's ``graph.extract.context.DocumentContext`` (the mentions
    resolution kept, one key per mention, entities by key). ``property`` is
    one of ``PROPERTIES``:

    - events: "date" (the day, or the first day with ``date.end_date`` for a
      range) from "held on", "took place in Ankara on", "began", "broke out",
      "held from ... to ...", a date right after the name ("the Ankara Summit,
      24-25 November 2025", "(4-6 March 2024)"), right before it ("the
      1950-1953 Korean War"), or inside it ("the 2025 Ankara Summit", lower
      confidence); "endDate" from "ended/concluded in";
    - agreements: "signedDate" (signed, inked, concluded, sealed, awarded),
      "inForceDate" (entered into force, took effect, was enacted),
      "startDate" (established, launched, adopted), "endDate" (expired);
      the date must follow the verb ("the FTA was enacted in 2013"), so
      "... in 2024, an increase since the FTA was enacted" dates nothing;
    - projects: "startDate" (construction began, broke ground, launched),
      "completionDate" (opened, completed, inaugurated, commissioned,
      entered service), "targetDate" ("to be completed by 2030": a ``by``
      date after a completion word);
    - diplomatic relations between two countries: "relationsEstablished"
      ("established diplomatic relations with Türkiye in 1957", "diplomatic
      relations ..., which commenced in 1957", "diplomatic ties since 1973").
      ``entity_key`` is the first country, ``other_key`` the second: the two
      countries the sentence names, else (one named) it and the document's
      most-mentioned other country, else the document's two most-mentioned
      countries (lower confidence).

    The verb's object may sit between verb and date ("signed the FTA in
    2012"); otherwise the entity is the nearest one of the right type before
    the verb, joined to it by "which", "was", "has been", a bracketed acronym
    and the like ("the Korea-Türkiye FTA (FTA) established in 2013"). A date
    that opens its clause dates what the verb after it says ("On June 25,
    1950, the Korean War broke out", "on 24 November 2025, the two countries
    signed a Memorandum of Understanding"). One dating per (entity, property,
    date) and document; a bare year is dropped when the document dates the
    same thing more exactly. Each ``Dating`` carries its evidence:
    ``sentence`` (index), ``sentence_text``/``sentence_start``/``sentence_end``
    (so pass the document's ``text``, whose offsets ``masked`` shares, for
    the evidence to slice ``ties:text``), ``method`` ("pattern:date:<verb>",
    "pattern:date:after-name", "pattern:date:diplomatic-relations" ...) and
    ``confidence``; ``date`` is the ``DateMention`` with the words' offsets.

``document_date(text, sentences, dates, published=None) -> str | None``
    The date a document speaks from: ``published`` (normalised by
    ``normalise_published``) when given, else the latest day- or month-precise
    date the document states that no future word ("will", "plans", "scheduled",
    "next" ...) leads up to (a dateline, "held on November 24-25, 2025", an
    access date), else None. Observations use it to
    tell a figure for a year that is not over yet (an estimate).

``event_day(text, start, end)``: the ISO day of "on <date>" in a span, used by
resolution to merge events said to happen on the same day.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.extract.context import DocumentContext, clause_start
from graph.extract.mentions import Mention
from graph.extract.sentences import Sentence
from graph.extract.words import MONTHS
from graph.model import Entity
from graph.vocab import EntityType

__all__ = [
    "DateMention",
    "Dating",
    "PROPERTIES",
    "find_dates",
    "date_entities",
    "document_date",
    "normalise_published",
    "event_day",
]


# --- event_day (used by graph.resolve) ---------------------------------------------

_MONTHS = {m: i for i, m in enumerate(MONTHS, 1)}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_DAYS = r"(\d{1,2})(?:\s*[-–]\s*\d{1,2})?"
_DATE = re.compile(rf"\bon\s+(?:{_MONTH}\s+{_DAYS},?\s+(\d{{4}})|{_DAYS}\s+{_MONTH},?\s+(\d{{4}}))")


def event_day(text: str, start: int, end: int) -> str | None:
    """The ISO day given by "on <date>" between ``start`` and ``end``."""
    m = _DATE.search(text, start, end)
    if not m:
        return None
    if m.group(1):
        month, day, year = m.group(1), m.group(2), m.group(3)
    else:
        day, month, year = m.group(4), m.group(5), m.group(6)
    return f"{int(year):04d}-{_MONTHS[month.lower()]:02d}-{int(day):02d}"


# --- records ---------------------------------------------------------------------


@dataclass
class DateMention:
    """A date as a sentence states it. ``text == source[start:end]``."""

    start: int
    end: int
    sentence: int
    text: str
    begin: str  # ISO: "2025-11-24", "2013-06" or "1957"
    end_date: str | None  # the last day/month/year of a range, else None
    precision: str  # "day" | "month" | "year" (of begin)
    kind: str = "point"  # "point" | "range" | "since" | "by" (a deadline)
    relative: bool = False  # read from "last year" etc. against the publication date


PROPERTIES = (
    "date",
    "endDate",
    "signedDate",
    "inForceDate",
    "startDate",
    "completionDate",
    "targetDate",
    "relationsEstablished",
)


@dataclass
class Dating:
    """A date tied to what it dates. For "relationsEstablished" ``entity_key``
    is one country and ``other_key`` the other. ``sentence_*`` give the
    evidence: the sentence's text and its offsets into the document text."""

    entity_key: str
    property: str  # one of PROPERTIES
    date: DateMention
    sentence: int
    method: str
    confidence: float
    other_key: str | None = None
    sentence_text: str = ""
    sentence_start: int = 0
    sentence_end: int = 0


# --- finding dates -----------------------------------------------------------------

_MONTH_NUMBER = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_M = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|Aug(?:ust|\.)?"
    r"|Sep(?:t(?:ember)?|\.)?|Sept\.|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)(?![a-z])"
)
_D = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_Y = r"(?:19|20)\d\d(?!\d)"
_DASH = r"\s*[-–—]\s*"

# Each pattern has a name that says how to read it; longer forms first.
_PATTERNS: list[tuple[str, str]] = [
    ("md-md-y", rf"{_M}\s+{_D}{_DASH}{_M}\s+{_D},?\s+{_Y}"),
    ("dm-dm-y", rf"{_D}\s+{_M}{_DASH}{_D}\s+{_M},?\s+{_Y}"),
    ("md-d-y", rf"{_M}\s+{_D}{_DASH}{_D},?\s+{_Y}"),
    ("d-dm-y", rf"{_D}{_DASH}{_D}\s+{_M},?\s+{_Y}"),
    ("mdy", rf"{_M}\s+{_D},?\s+{_Y}"),
    ("dmy", rf"{_D}(?:\s+of)?\s+{_M},?\s+{_Y}"),
    ("iso", r"(?<![\w./-])(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?![\w/-])"),
    ("dotted", r"(?<![\w./-])(?:3[01]|[12]\d|0?[1-9])\.(?:1[0-2]|0?[1-9])\.(?:19|20)\d\d(?![\w/])"),
    ("slashed", r"(?<![\w./-])\d{1,2}/\d{1,2}/(?:19|20)\d\d(?![\w/])"),
    ("m-my", rf"{_M}{_DASH}{_M},?\s+{_Y}"),
    ("my", rf"{_M},?\s+(?:of\s+)?{_Y}"),
    ("y-y", rf"(?<![\w$€£¥₩₺₹.,/-]){_Y}\s*[-–—/]\s*(?:{_Y}|\d\d(?!\d))"),
    ("y", rf"(?<![\w$€£¥₩₺₹/]){_Y}"),
]
# Every form starts with a digit or a month's capital: the lookahead lets the
# matcher skip other positions at once instead of trying thirteen forms (7x faster).
_DATES = re.compile(
    r"(?=[\dJFMASOND])(?:" + "|".join(f"(?P<{name.replace('-', '_')}>{p})" for name, p in _PATTERNS) + ")"
)

# "from 3 to 5 March 2025", "from March 3 to March 5, 2025", "between 2010 and 2015"
_PARTIAL = rf"(?:{_M}\s+{_D}|{_D}\s+{_M}|{_M}|{_D})"
_FROM = re.compile(
    rf"\b(?P<op>[Ff]rom|[Bb]etween)\s+(?P<a>{_PARTIAL}|{_Y})(?:,?\s+(?P<ay>{_Y}))?\s+"
    r"(?:to|until|till|through|and)\s+"
)
_SINCE = re.compile(r"\b(?P<op>[Ss]ince|[Bb]y(?:\s+the\s+end\s+of)?)\s+(?:(?:early|mid|late)[\s-]+)?$")
_RELATIVE = re.compile(
    r"\b(?:(?P<rel>last|this|next|the previous|the past|the current|the coming|the preceding)\s+(?P<unit>year|month))\b",
    re.I,
)
_REL_SHIFT = {
    "last": -1,
    "the previous": -1,
    "the preceding": -1,
    "this": 0,
    "the current": 0,
    "next": 1,
    "the coming": 1,
}
_COUNT_AFTER = re.compile(
    r"\s+(?:units?|soldiers|troops|personnel|people|persons|workers|employees|jobs|km|kilometres|kilometers|miles"
    r"|tons|tonnes|MW|GW|barrels|vehicles|tanks|aircraft|students|households|homes|metres|meters|hectares|cases"
    r"|won|lira|dollars|euros|yen|rupees|pounds|martyrs|casualties|deaths|visitors|tourists|thousand|million"
    r"|billion|trillion|crore|lakh|percent|per cent)\b"
)
_NOT_YEAR_BEFORE = re.compile(
    r"(?:\bNo\.?|\bnumber|#|\bArticle|\bResolution|\bSection|\bpages?|\bpp?\.|\bRoom"
    r"|\bFlight|\bRoute|\bHighway|\bModel|\bSeries)\s*$",
    re.I,
)
_YEAR_PREFIXES = re.compile(r"(?:\b(?:mid|early|late|pre|post|end|fiscal|FY)-)$", re.I)


def find_dates(text: str, sentences: list[Sentence], published: str | None = None) -> list[DateMention]:
    """The dates the sentences state, in text order, without overlaps."""
    ref = normalise_published(published)
    out: list[DateMention] = []
    for index, sent in enumerate(sentences):
        read = (_read(text, m, index) for m in _DATES.finditer(text, sent.start, sent.end))
        found = [d for d in read if d is not None]
        found = _from_to(text, sent, index, found)
        found = [_operator(text, sent, d) for d in found]
        if ref:
            found.extend(_relative(text, sent, index, ref, found))
        out.extend(sorted(found, key=lambda d: d.start))
    return out


def _read(text: str, m: re.Match, index: int) -> DateMention | None:
    kind = (m.lastgroup or "").replace("_", "-")
    s = m.group()
    start, end = m.span()
    months = [_MONTH_NUMBER[w[:3].lower()] for w in re.findall(r"[A-Z][a-z]+", s) if w[:3].lower() in _MONTH_NUMBER]
    years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", s)]
    if kind in ("md-md-y", "dm-dm-y", "md-d-y", "d-dm-y", "mdy", "dmy"):
        days = [int(d) for d in re.findall(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?(?!\d)", s)]
        year = years[-1]
        if kind in ("md-md-y", "dm-dm-y"):
            a, b = _day(year, months[0], days[0]), _day(year, months[1], days[1])
        elif kind in ("md-d-y", "d-dm-y"):
            a, b = _day(year, months[0], days[0]), _day(year, months[0], days[1])
        else:
            a, b = _day(year, months[0], days[0]), None
        if a is None or (kind != "mdy" and kind != "dmy" and (b is None or b <= a)):
            return None
        return DateMention(start, end, index, s, a, b, "day", "range" if b else "point")
    if kind == "iso":
        y, mo, d = (int(x) for x in s.split("-"))
        a = _day(y, mo, d)
        return DateMention(start, end, index, s, a, None, "day") if a else None
    if kind in ("dotted", "slashed"):
        first, second, y = (int(x) for x in re.split(r"[./]", s))
        if kind == "slashed" and first <= 12 and second <= 12 and first != second:
            return None  # 03/04/2025: day-first or month-first cannot be told
        day, month = (second, first) if kind == "slashed" and first <= 12 < second else (first, second)
        a = _day(y, month, day)
        return DateMention(start, end, index, s, a, None, "day") if a else None
    if kind == "m-my":
        a, b = f"{years[0]:04d}-{months[0]:02d}", f"{years[0]:04d}-{months[1]:02d}"
        return DateMention(start, end, index, s, a, b, "month", "range") if b > a else None
    if kind == "my":
        return DateMention(start, end, index, s, f"{years[0]:04d}-{months[0]:02d}", None, "month")
    if kind == "y-y":
        if not _plain_year(text, start, end):
            return None
        first = years[0]
        tail = re.split(r"[-–—/]", s)[-1].strip()
        last = int(tail) if len(tail) == 4 else (first // 100) * 100 + int(tail)
        if not first < last <= first + 50:
            return None
        return DateMention(start, end, index, s, f"{first}", f"{last}", "year", "range")
    if kind == "y":
        if not _plain_year(text, start, end):
            return None
        return DateMention(start, end, index, s, s, None, "year")
    return None


def _day(year: int, month: int, day: int) -> str | None:
    if not (1 <= month <= 12) or not (1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _plain_year(text: str, start: int, end: int) -> bool:
    """Is the four-digit number at start..end a year, not part of something else?"""
    before = text[max(0, start - 12) : start]
    after = text[end : end + 3]
    if before.endswith("-") and len(before) >= 2 and before[-2].isalnum() and not _YEAR_PREFIXES.search(before):
        return False  # a model code or an ISO fragment: "K-2025"
    if before.endswith("\\$") or re.search(r"[.,]$", before) and re.search(r"\d[.,]$", before):
        return False
    if re.match(r"(?:[.,]\d|\w|%|-\d|/\d)", after):
        return False  # "2025.5", "1950s", "2025%", ISO months and fractions
    if _NOT_YEAR_BEFORE.search(before) or _COUNT_AFTER.match(text, end):
        return False
    token_start = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    token_end = min([i for i in (text.find(" ", end), text.find("\n", end)) if i >= 0] or [len(text)])
    token = text[token_start:token_end]
    return not ("://" in token or "www." in token or "/" in token or "@" in token or "=" in token)


def _from_to(text: str, sent: Sentence, index: int, found: list[DateMention]) -> list[DateMention]:
    """ "from A to B" and "between A and B": one range, the first end read
    with the second's year (and month) when it leaves them out."""
    out = list(found)
    for b in found:
        window_start = max(sent.start, b.start - 60)
        for m in _FROM.finditer(text, window_start, b.start):
            if m.end() != b.start:
                continue
            a_text = m.group("a") + (" " + m.group("ay") if m.group("ay") else "")
            begin = _partial(a_text, b)
            if begin is None or begin >= b.begin:
                continue
            covered = [d for d in out if m.start() <= d.start and d.end <= b.end]
            out = [d for d in out if d not in covered]
            out.append(
                DateMention(
                    m.start(), b.end, index, text[m.start() : b.end], begin, b.end_date or b.begin, b.precision, "range"
                )
            )
            break
    return out


def _partial(a: str, b: DateMention) -> str | None:
    """The first end of "from A to B": A with B's missing parts."""
    years = re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", a)
    months = [_MONTH_NUMBER[w[:3].lower()] for w in re.findall(r"[A-Z][a-z]+", a) if w[:3].lower() in _MONTH_NUMBER]
    rest = re.sub(r"(?<!\d)(?:19|20)\d\d(?!\d)", "", a)
    days = [int(d) for d in re.findall(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?(?!\d)", rest)]
    year = int(years[0]) if years else int(b.begin[:4])
    if b.precision == "year":
        return f"{year:04d}" if years and not months and not days else None
    month = months[0] if months else (int(b.begin[5:7]) if len(b.begin) >= 7 else None)
    if month is None:
        return None
    if b.precision == "month":
        return f"{year:04d}-{month:02d}" if not days else None
    if not days:
        return None
    return _day(year, month, days[0])


def _operator(text: str, sent: Sentence, d: DateMention) -> DateMention:
    """ "since 1957" and "by 2030": the word joins the span and sets the kind."""
    if d.kind != "point":
        return d
    m = _SINCE.search(text, max(sent.start, d.start - 30), d.start)
    if not m:
        return d
    kind = "since" if m.group("op").lower() == "since" else "by"
    return DateMention(m.start(), d.end, d.sentence, text[m.start() : d.end], d.begin, None, d.precision, kind)


def _relative(text: str, sent: Sentence, index: int, ref: str, found: list[DateMention]) -> list[DateMention]:
    out = []
    year = int(ref[:4])
    for m in _RELATIVE.finditer(text, sent.start, sent.end):
        if any(d.start < m.end() and m.start() < d.end for d in found):
            continue
        shift = _REL_SHIFT.get(m.group("rel").lower())
        if shift is None:
            continue  # "the past year" is the last twelve months, not a calendar year
        if m.group("unit").lower() == "year":
            out.append(
                DateMention(m.start(), m.end(), index, m.group(), f"{year + shift:04d}", None, "year", relative=True)
            )
        elif len(ref) >= 7:
            month = int(ref[5:7]) + shift
            y, month = (year - 1, 12) if month == 0 else (year + 1, 1) if month == 13 else (year, month)
            out.append(
                DateMention(m.start(), m.end(), index, m.group(), f"{y:04d}-{month:02d}", None, "month", relative=True)
            )
    return out


def normalise_published(published: str | None) -> str | None:
    """A publication date as ISO ("2025-11-24", "2025-11" or "2025"), from
    ISO dates and datetimes, years, and written dates; None if unreadable."""
    if not published:
        return None
    value = str(published).strip()
    m = re.match(r"((?:19|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?(?:[T\s]|$)", value)
    if m:
        y, mo, d = m.groups()
        if d and _day(int(y), int(mo), int(d)):
            return f"{y}-{mo}-{d}"
        return f"{y}-{mo}" if mo and 1 <= int(mo) <= 12 else y
    found = find_dates(value, [Sentence(0, len(value), False)])
    found = [d for d in found if d.kind in ("point", "range")]
    if found:
        return max(found, key=lambda d: len(d.begin)).begin
    return None


_FUTURE = re.compile(r"\b(will|shall|plans?|planned|scheduled|expected|upcoming|next|to be held|due to|aims?)\b", re.I)


def document_date(
    text: str, sentences: list[Sentence], dates: list[DateMention], published: str | None = None
) -> str | None:
    """The date the document speaks from (see the module docstring)."""
    ref = normalise_published(published)
    if ref:
        return ref
    best: str | None = None
    for d in dates:
        if d.precision == "year" or d.kind == "by" or d.relative:
            continue
        sent = sentences[d.sentence]
        if _FUTURE.search(text, max(sent.start, d.start - 60), d.start):
            continue
        last = d.end_date or d.begin
        if best is None or last > best:
            best = last
    return best


# --- tying dates to entities ----------------------------------------------------------

_CUE_TABLE: list[tuple[frozenset, str, re.Pattern]] = [
    (
        frozenset({EntityType.Event}),
        "date",
        re.compile(
            r"\b(?:(?:was|were|is|are|will be|be)\s+)?(?:held|took place|takes place|take place|taking place|staged|convened"
            r"|hosted|organi[sz]ed|happened|occurred|opened|began|begins|started|starts|kicked off|broke out|erupted"
            r"|launched|met|ran|runs)\b",
            re.I,
        ),
    ),
    (
        frozenset({EntityType.Event}),
        "endDate",
        re.compile(r"\b(?:ended|ends|concluded|closed|finished|wrapped up)\b", re.I),
    ),
    (
        frozenset({EntityType.Agreement}),
        "inForceDate",
        re.compile(
            r"\b(?:entered into force|came into force|enter into force|enters into force|took effect|take effect"
            r"|takes effect|came into effect|went into effect|into effect|became effective|in force|enacted"
            r"|implemented)\b",
            re.I,
        ),
    ),
    (
        frozenset({EntityType.Agreement}),
        "signedDate",
        re.compile(r"\b(?:signed|inked|concluded|sealed|initial(?:l)?ed|awarded)\b", re.I),
    ),
    (
        frozenset({EntityType.Agreement}),
        "startDate",
        re.compile(r"\b(?:established|launched|created|adopted|set up|struck|agreed)\b", re.I),
    ),
    (frozenset({EntityType.Agreement}), "endDate", re.compile(r"\b(?:expired|expires|terminated|lapsed)\b", re.I)),
    (
        frozenset({EntityType.Project}),
        "startDate",
        re.compile(
            r"\b(?:(?:construction|work|building)\s+(?:began|started|commenced|begins|starts|will begin)|broke ground"
            r"|groundbreaking|began|started|commenced|launched|kicked off)\b",
            re.I,
        ),
    ),
    (
        frozenset({EntityType.Project}),
        "completionDate",
        re.compile(
            r"\b(?:opened|inaugurated|completed|finished|commissioned|entered (?:commercial )?(?:service|operation)"
            r"|went into (?:service|operation)|came online|put into (?:service|operation)|opened to traffic)\b",
            re.I,
        ),
    ),
]
_TARGET_CUE = re.compile(
    r"\b(?:complet\w*|finish\w*|operational|operation|ready|online|buil[dt]\w*|open\w*"
    r"|commission\w*|deliver\w*|service|construct\w*|done)\b",
    re.I,
)
_RELATIONS = re.compile(r"\bdiplomatic\s+(?:relations|ties)\b", re.I)
_ASIDE_OPENING = re.compile(r"\W*(?:since|after|before|until|when|following|once|as)\b", re.I)
_RELATIONS_CUE = re.compile(
    r"\b(?:established|establish|establishing|establishment\s+of|commenced|began|begun"
    r"|started|opened|set up|forged"
    r"|launched|initiated|established formal|normali[sz]ed)\b",
    re.I,
)

# Words that may stand between a cue verb and its date: articles,
# prepositions, the object of the verb (as X), a place ("in Ankara"), "a few
# years later", "diplomatic relations with X".
_FILLER_WORDS = {
    "the",
    "a",
    "an",
    "with",
    "between",
    "by",
    "in",
    "at",
    "on",
    "of",
    "and",
    "during",
    "from",
    "for",
    "its",
    "their",
    "officially",
    "formally",
    "finally",
    "first",
    "jointly",
    "eventually",
    "later",
    "few",
    "some",
    "two",
    "three",
    "several",
    "years",
    "year",
    "months",
    "month",
    "weeks",
    "days",
    "early",
    "late",
    "mid",
    "end",
    "start",
    "beginning",
    "middle",
    "back",
    "as",
    "far",
    "diplomatic",
    "relations",
    "ties",
    "full",
    "formal",
    "both",
    "countries",
    "sides",
    "nations",
    "governments",
    "x",
    "-",
    "–",
    "—",
    ",",
    "only",
    "just",
    "then",
    "was",
    "were",
    "to",
    "traffic",
    "service",
    "operation",
    "commercial",
}
# Words that may join an entity to a verb that follows it: "the FTA, which
# was signed", "the summit held", "the bridge has been opened".
_JOIN_WORDS = {
    "which",
    "that",
    "was",
    "were",
    "is",
    "are",
    "has",
    "have",
    "had",
    "been",
    "be",
    "being",
    "will",
    "would",
    "to",
    "officially",
    "formally",
    "first",
    "jointly",
    "finally",
    "initially",
    "originally",
    "reportedly",
    "successfully",
    "also",
    "eventually",
    "x",
    ",",
    "between",
    "with",
    "of",
    "and",
    "the",
    "itself",
    "in",
    "at",
    "later",
    "then",
    "only",
    "recently",
    "where",
    "when",
}
# Words of an earlier coordinated verb phrase: "was signed in March 2007 and entered into force in ...".
_CUE_WORDS = {
    "signed",
    "inked",
    "concluded",
    "sealed",
    "awarded",
    "ratified",
    "agreed",
    "established",
    "launched",
    "adopted",
    "entered",
    "into",
    "force",
    "took",
    "effect",
    "came",
    "went",
    "enacted",
    "opened",
    "completed",
    "began",
    "started",
    "held",
    "inaugurated",
    "commissioned",
    "in",
    "on",
    "d",
    "and",
}
# "diplomatic ties since 1973", "diplomatic relations with X have existed since 1957"
_SINCE_WORDS = {
    "x",
    "with",
    "and",
    ",",
    "have",
    "has",
    "had",
    "existed",
    "exist",
    "been",
    "in",
    "place",
    "maintained",
    "formal",
    "full",
    "uninterrupted",
    "the",
    "two",
}
_ADJACENT_AFTER = re.compile(r"^\s*(?:,|\()?\s*(?:(?:held\s+)?(?:on|in|of|from))?\s*$")
_ADJACENT_BEFORE = re.compile(r"^\s*$")


def date_entities(doc: DocumentContext, dates: list[DateMention]) -> list[Dating]:
    """Datings, one per (entity, property, date) and document, the most
    confident kept; in text order."""
    text, entities, countries = doc.text, doc.entities, doc.top_countries
    found: dict[tuple, Dating] = {}
    for d in dates:
        sent = doc.sentences[d.sentence]
        items = doc.in_sentence(d.sentence)
        sent_dates = [x for x in dates if x.sentence == d.sentence and x is not d]
        for dating in _datings(text, sent, d, items, entities, countries, sent_dates):
            dating.sentence_text = text[sent.start : sent.end]
            dating.sentence_start, dating.sentence_end = sent.start, sent.end
            who = frozenset({dating.entity_key, dating.other_key}) if dating.other_key else dating.entity_key
            slot = (who, dating.property, dating.date.begin, dating.date.end_date)
            if slot not in found or found[slot].confidence < dating.confidence:
                found[slot] = dating
    kept = [x for x in found.values() if not _coarser(x, found.values())]
    return sorted(kept, key=lambda x: (x.date.start, x.entity_key, x.property))


def _coarser(x: Dating, all_: Iterable[Dating]) -> bool:
    """A year the document states more exactly elsewhere for the same thing
    ("the 2025 Ankara Summit" and "held on November 24-25, 2025")."""
    return any(
        o is not x
        and o.entity_key == x.entity_key
        and o.property == x.property
        and o.other_key == x.other_key
        and len(o.date.begin) > len(x.date.begin)
        and o.date.begin.startswith(x.date.begin)
        and x.date.end_date is None
        for o in all_
    )


def _words(
    text: str, start: int, end: int, items: list[tuple[Mention, str]], dates: Sequence[DateMention] = ()
) -> list[str] | None:
    """The words of text[start:end] with entity names as "x", dates as "d"
    and bracketed asides dropped; None if a name or date is cut or a clause
    break lies inside."""
    chunk = list(text[start:end])
    spans = [(m.start, m.end, "x") for m, _ in items] + [(d.start, d.end, "d") for d in dates]
    for s_, e_, mark in spans:
        if s_ >= start and e_ <= end:
            for i in range(s_ - start, e_ - start):
                chunk[i] = " "
            chunk[s_ - start] = mark
        elif s_ < end and start < e_:
            return None
    s = re.sub(r"\([^()]*\)", " ", "".join(chunk))
    if re.search(r"[;:\[\]]", s):
        return None
    return re.findall(r"[\w'’]+|[,–—-]", s.replace("(", " ").replace(")", " ").lower())


def _filler_ok(words: list[str] | None, allowed: set[str], limit: int = 12) -> bool:
    return words is not None and len(words) <= limit and all(w in allowed for w in words)


def _datings(text, sent, d: DateMention, items, entities, top_countries, dates):
    clause = clause_start(text, sent, d.start)
    before = [(m, k) for m, k in items if m.end <= d.start and m.start >= clause and not _inner_only(m, entities[k])]
    relations = list(_relations(text, sent, d, clause, items, entities, top_countries))
    if relations:
        yield from relations
        return
    # A date inside an event's name, next to it before or after.
    for m, k in items:
        if entities[k].type is not EntityType.Event or d.kind in ("since", "by"):
            continue
        if m.start <= d.start and d.end <= m.end:
            yield Dating(k, "date", d, d.sentence, "pattern:date:in-name", 0.6)
        elif m.end <= d.start and d.start - m.end <= 12 and _ADJACENT_AFTER.match(text[m.end : d.start]):
            yield Dating(k, "date", d, d.sentence, "pattern:date:after-name", 0.75)
        elif d.end <= m.start and _ADJACENT_BEFORE.match(text[d.end : m.start]):
            yield Dating(k, "date", d, d.sentence, "pattern:date:before-name", 0.7)
    if d.kind == "by":
        yield from _target(text, d, clause, before, entities)
        return
    if d.kind == "since":
        return
    yield from _cued(text, d, clause, items, entities, dates)
    yield from _date_first(text, sent, d, items, entities)


def _date_first(text, sent, d: DateMention, items, entities):
    """ "On June 25, 1950, the Korean War broke out", "In 2013 the FTA entered
    into force", "on 24 November 2025, the two countries signed an MoU": the
    date opens the clause, the verb follows."""
    lead = text[clause_start(text, sent, d.start) : d.start]
    opens = re.fullmatch(r"\W*(?:(?:on|in|during|from|at the end of)\s+)?", lead, re.I)
    intro = (
        re.match(r"\s*,", text[d.end : d.end + 2])
        and not any(p.search(lead) for _, _, p in _CUE_TABLE)
        and not _ASIDE_OPENING.match(lead)
        and not _RELATIONS.search(lead)
    )
    if d.kind in ("since", "by") or not (opens or intro):
        return
    end = text.find(";", d.end, sent.end)
    end = sent.end if end < 0 else end
    best = None
    for types, prop, pattern in _CUE_TABLE:
        for v in pattern.finditer(text, d.end, min(end, d.end + 100)):
            gap = _words(text, d.end, v.start(), items)
            if not _filler_ok(gap, _JOIN_WORDS | _FILLER_WORDS, limit=12):
                break
            target = None
            for m, k in items:  # passive: "the FTA entered into force"
                if (
                    d.end <= m.start
                    and m.end <= v.start()
                    and entities[k].type in types
                    and not _inner_only(m, entities[k])
                ):
                    target = k
            if target is None:  # active: "signed a Memorandum of Understanding"
                for m, k in items:
                    if m.start >= v.end() and entities[k].type in types and not _inner_only(m, entities[k]):
                        obj = _words(text, v.end(), m.start, items)
                        if _filler_ok(obj, {"a", "an", "the", "its", "their", "new", "also", "x", ","}, limit=4):
                            target = k
                        break
            if target is not None and (best is None or v.start() < best[0]):
                best = (v.start(), target, prop, v.group())
            break
    if best:
        _, key, prop, verb = best
        verb = " ".join(verb.lower().split()[-2:])
        yield Dating(key, prop, d, d.sentence, f"pattern:date:{verb}", 0.7)


def _inner_only(m: Mention, entity: Entity) -> bool:
    return m.nested and entity.type is not EntityType.Country


def _cued(text, d, clause, items, entities, dates):
    """The nearest cue verb before the date whose words reach the date."""
    window_start = max(clause, d.start - 120)
    best = None
    for types, prop, pattern in _CUE_TABLE:
        for v in pattern.finditer(text, window_start, d.start):
            filler = _words(text, v.end(), d.start, items)
            if not _filler_ok(filler, _FILLER_WORDS):
                continue
            target = _target_of(text, v, d, clause, items, entities, types, dates)
            if target is None:
                continue
            if best is None or v.start() > best[0]:
                best = (v.start(), target, prop, v.group())
    if best:
        _, (key, voice), prop, verb = best
        verb = " ".join(verb.lower().split()[-2:])
        yield Dating(key, prop, d, d.sentence, f"pattern:date:{verb}", 0.8 if voice == "passive" else 0.75)


def _target_of(
    text, v: re.Match, d: DateMention, clause: int, items, entities, types, dates: list[DateMention]
) -> tuple[str, str] | None:
    # Active: "signed the FTA in 2012" (the object between verb and date).
    for m, k in items:
        if m.start >= v.end() and m.end <= d.start and entities[k].type in types and not _inner_only(m, entities[k]):
            return k, "active"
    # Passive or participle: "the FTA (FTA) established in 2013", "which took place".
    for m, k in reversed(items):
        if m.end > v.start() or m.start < clause or entities[k].type not in types or _inner_only(m, entities[k]):
            continue
        join = _words(
            text,
            m.end,
            v.start(),
            [(o, ok) for o, ok in items if o.start >= m.end and o.end <= v.start()],
            [x for x in dates if x.start >= m.end and x.end <= v.start()],
        )
        if _filler_ok(join, _JOIN_WORDS | _CUE_WORDS, limit=16):
            return k, "passive"
        return None
    return None


def _target(text, d: DateMention, clause: int, before, entities):
    """ "to be completed by 2030": a project's target date."""
    cue = None
    for cue in _TARGET_CUE.finditer(text, max(clause, d.start - 80), d.start):  # noqa: B007 (the last one counts)
        pass
    if cue is None:
        return
    for _m, k in reversed(before):
        if entities[k].type is EntityType.Project:
            yield Dating(k, "targetDate", d, d.sentence, "pattern:date:by", 0.65)
            return


def _relations(text, sent, d: DateMention, clause: int, items, entities, top_countries):
    """Diplomatic relations established: "established diplomatic relations
    with X in 1957" (the phrase between the verb and the date), "diplomatic
    relations between X and Y, which commenced in 1957" (the phrase joined
    to the verb), "diplomatic ties since 1973" (the phrase right before)."""
    if d.kind in ("by", "range"):
        return
    phrases = list(_RELATIONS.finditer(text, max(clause, d.start - 160), d.start))
    if d.kind == "since":
        ok = bool(phrases) and _filler_ok(_words(text, phrases[-1].end(), d.start, items), _SINCE_WORDS, limit=6)
    else:
        ok = False
        for v in _RELATIONS_CUE.finditer(text, max(clause, d.start - 120), d.start):
            if not _filler_ok(_words(text, v.end(), d.start, items), _FILLER_WORDS, limit=14):
                continue
            for phrase in phrases:
                inside = v.end() <= phrase.start()  # "established diplomatic relations with X in 1957"
                joined = phrase.end() <= v.start() and _filler_ok(
                    _words(text, phrase.end(), v.start(), items), _JOIN_WORDS, limit=10
                )
                ok = ok or inside or joined
    if not ok:
        return
    countries: list[str] = []
    for m, k in items:
        if entities[k].type is EntityType.Country and k not in countries and m.start >= clause:
            countries.append(k)
    confidence = 0.8
    if len(countries) == 1:
        others = [c for c in top_countries if c != countries[0]]
        countries += others[:1]
        confidence = 0.65
    elif not countries:
        countries = top_countries[:2]
        confidence = 0.55
    if len(countries) < 2:
        return
    yield Dating(
        countries[0],
        "relationsEstablished",
        d,
        d.sentence,
        "pattern:date:diplomatic-relations",
        confidence,
        other_key=countries[1],
    )
