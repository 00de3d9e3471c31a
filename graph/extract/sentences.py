"""Splitting text into sentences with offsets into the original text.

Rules rather than a parser: fast, deterministic, and tuned for news prose with
abbreviations such as "U.S.", "Co." and "Dr.". Lines that end without sentence
punctuation (headings, bylines, menu items) are kept as sentences of their own
and flagged, so that later stages can treat them with care."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Sentence", "split_sentences"]


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    heading: bool  # a line without closing punctuation: a title, byline or list item


_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "gen",
    "col",
    "lt",
    "maj",
    "capt",
    "sgt",
    "adm",
    "gov",
    "sen",
    "rep",
    "st",
    "mt",
    "jr",
    "sr",
    "inc",
    "corp",
    "co",
    "ltd",
    "llc",
    "plc",
    "bros",
    "no",
    "nos",
    "vs",
    "etc",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
    "est",
    "fig",
    "vol",
    "pp",
    "ed",
    "eds",
    "dept",
    "univ",
    "assn",
    "e.g",
    "i.e",
    "a.s",
    "a.ş",
}
# A full stop, question or exclamation mark (optionally closed by quotes or
# brackets) followed by space and something that can open a sentence.
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9ÇĞİÖŞÜÂÎ])")
_PARAGRAPH = re.compile(r"\n\s*\n|\n(?=\s*[^a-zıçğöşü\s])")


def split_sentences(masked: str) -> list[Sentence]:
    """Sentences of ``masked`` (the extractor's view of a document)."""
    out: list[Sentence] = []
    for block_start, block_end in _blocks(masked):
        out.extend(_split_block(masked, block_start, block_end))
    return out


def _blocks(text: str):
    """Paragraphs and lines; a line that continues in lower case is joined."""
    pos = 0
    for m in _PARAGRAPH.finditer(text):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(text)


def _split_block(text: str, start: int, end: int) -> list[Sentence]:
    block = text[start:end]
    out: list[Sentence] = []
    pos = 0
    for m in _END.finditer(block):
        if _is_abbreviation(block, m.start()):
            continue
        out.extend(_make(text, start + pos, start + m.end()))
        pos = m.end()
    out.extend(_make(text, start + pos, end))
    return out


def _is_abbreviation(block: str, dot: int) -> bool:
    if block[dot] != ".":
        return False
    m = re.search(r"([\w.]+)$", block[:dot])
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    # Initials and dotted acronyms: "J.", "U.S.", "A.Ş."
    return len(word) == 1 or bool(re.fullmatch(r"(?:\w\.)+\w", word))


def _make(text: str, start: int, end: int) -> list[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start < 2 or not any(c.isalpha() for c in text[start:end]):
        return []
    closing = text[start:end].rstrip("\"'”’)]* ")
    heading = not closing.endswith((".", "!", "?", ":", ";"))
    return [Sentence(start, end, heading)]
