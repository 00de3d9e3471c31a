"""Dates in text: finding the day an event is said to happen on.

Only what resolution needs for now: "on November 24-25, 2025" and
"on 24 November 2025" read as the first day, 2025-11-24."""

from __future__ import annotations

import re

__all__ = ["event_day"]

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
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
