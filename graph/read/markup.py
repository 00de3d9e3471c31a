"""Markup in a text that is not words: tags, Markdown marks, footnote markers and format
characters at a word's edge, blanked with spaces so that offsets do not move."""

from __future__ import annotations

import re

from graph.names import FORMAT_CHARACTERS

__all__ = ["mask_markup", "blank_spans"]

_MARKUP = re.compile(
    r"<[^<>\n]{1,300}>"  # an HTML tag left in text
    r"|^\s{0,3}#{1,6}(?=\s)"  # a Markdown heading marker
    r"|^\s{0,3}>(?=\s)"  # a quote marker
    r"|\*+|`+|~~"  # emphasis and code marks
    r"|(?<!\w)_+|_+(?!\w)"  # underscore emphasis, not snake_case
    r"|\\(?=[^\w\s])"  # a backslash escape
    r"|\[(?:\d{1,3}|[ivxlcIVXLC]{1,6})\]"  # footnote markers like [3] or [iv]
    r"|(?<=[^\W\d_]{3})[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+"  # superscript note numbers ("cooperation\u00b9"), not "km\u00b2"
    r"|(?<=[.,;:)\"\u201d\u2019])[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+"
    r"|\]\([^()\s]*\)"  # the target of a Markdown link
    r"|!?\[(?=[^\]\n]*\]\()"  # the opening bracket of a Markdown link
    # Format characters (zero-width joiners, bidi marks) at a word's edge: they
    # would hide where a name starts or ends. Between a small and a capital
    # letter one stands where a space was ("Hanwha\u200dAerospace"). Inside a
    # word otherwise they stay, part of it.
    f"|(?<!\\w)[{FORMAT_CHARACTERS}]+|[{FORMAT_CHARACTERS}]+(?!\\w)"
    f"|(?<=[a-zß-öø-ÿ])[{FORMAT_CHARACTERS}]+(?=[A-ZÀ-ÖØ-Þ])",
    re.M,
)


def mask_markup(text: str) -> str:
    """The text with markup replaced by spaces of the same length, so that an
    offset into the result is an offset into ``text``."""
    return _MARKUP.sub(lambda m: " " * len(m.group()), text)


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each (start, end) span replaced by spaces, line breaks kept."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)
