"""The date a document speaks from: stated in its metadata, or in a dateline at the start of
its text ("SEOUL, 15 September 2025 —", "MANILA, July 8 (Reuters) -", "Ankara, 3 March 2024:"),
else the file's own date (a PDF's creation date, the file's modification time), and then only
when the text names no year and no day at all."""

from __future__ import annotations

import re
from datetime import date

__all__ = ["MONTHS", "dateline", "publication_date"]

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_MONTH = "(?i:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_PLACE = r"[A-ZÀ-ÖØ-Þİ][\w.'’-]*(?:[ -][A-ZÀ-ÖØ-Þİ(][\w.'’)-]*){0,3}"
_DATELINE = re.compile(
    rf"^[ \t]*(?P<place>{_PLACE})(?:,[ \t]*{_PLACE})?,?[ \t]+"
    rf"(?:(?P<day>\d{{1,2}})[ \t]+(?P<month>{_MONTH})|(?P<month2>{_MONTH})[ \t]+(?P<day2>\d{{1,2}}))"
    r"(?:,?[ \t]+(?P<year>(?:19|20)\d\d))?"
    r"[ \t]*(?:\((?P<agency>[A-Z][\w&.' ]{1,30})\)[ \t]*)?"
    r"(?:—|–|--?|:)",
    re.M,
)
DATELINE_REACH = 600  # characters from the start where a dateline may stand (after a title, a byline)
# A text that names a year or a day speaks for its own time (extraction infers the date from
# it), and a file's date (often when it was copied) would only mislead.
_STATED = re.compile(r"(?<![\d.,/-])(?:19|20)\d\d(?![\d,]|\.\d)|\b\d{1,2}[./]\d{1,2}[./](?:19|20)\d\d\b")


def dateline(text: str, year_from: str | None) -> tuple[str, int, int] | None:
    """The ISO day of a dateline near the start of ``text`` and its span; a dateline without a
    year takes the year of ``year_from`` (an ISO date), the year before when the day would fall
    after that date. None when there is none, or no year for it."""
    for m in _DATELINE.finditer(text, 0, DATELINE_REACH):
        month = MONTHS[(m.group("month") or m.group("month2")).lower().rstrip(".")]
        day = int(m.group("day") or m.group("day2"))
        year = _year(m.group("year"), month, day, year_from)
        if year is None:
            return None
        try:
            return date(year, month, day).isoformat(), m.start("place"), m.end()
        except ValueError:
            return None
    return None


def _year(stated: str | None, month: int, day: int, year_from: str | None) -> int | None:
    if stated:
        return int(stated)
    m = re.match(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", year_from or "")
    if not m:
        return None
    year = int(m.group(1))
    later = (month, day) > (int(m.group(2) or 12), int(m.group(3) or 31))
    return year - 1 if later else year


def publication_date(
    text: str, stated: str | None, file_date: str | None
) -> tuple[str | None, str | None, tuple[int, int] | None]:
    """The document's date, where it came from ("metadata", "dateline", "file" or None) and the
    dateline's span if one was read."""
    found = dateline(text, stated or file_date)
    if stated:
        return stated, "metadata", found[1:] if found else None
    if found:
        return found[0], "dateline", found[1:]
    if file_date and not _STATED.search(text):
        return file_date, "file", None
    return None, None, None
