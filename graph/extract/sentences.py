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
# Abbreviations that stand before a name ("Dr. Kim", "Gen. Clay", "Jan. 5"):
# a full stop after them never ends a sentence.
_BEFORE_NAMES = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "maj", "capt", "sgt", "adm", "gov", "sen", "rep", "st", "mt",
    "no", "nos", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig",
    "vol", "pp", "approx", "e.g", "i.e",
}  # fmt: skip
# Words that open a sentence and are never part of a name: after "Jr.", "Inc."
# or "U.S." they say a new sentence has begun ("... Marcos Jr. It is ...").
_OPENERS = {
    "a", "an", "the", "it", "its", "he", "she", "they", "we", "i", "his", "her", "their", "our", "this", "that",
    "these", "those", "there", "in", "on", "at", "after", "before", "during", "when", "while", "although", "though",
    "but", "however", "since", "following", "later", "then", "as", "by", "from", "with", "for", "both", "each",
    "some", "many", "most", "other", "another", "if", "once", "today", "meanwhile", "also", "until", "despite",
}  # fmt: skip
# A run of full stops, question or exclamation marks (optionally closed by
# quotes or brackets) followed by space and something that can open a
# sentence. The run is matched from its first mark only and never given back,
# so a long run of marks costs one pass, not one pass per mark.
_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s+[\"'“‘(\[]?[A-Z0-9ÇĞİÖŞÜÂÎ])")
_WORD_BEFORE = re.compile(r"[\w.]+$")
_WORD_AFTER = re.compile(r"\s+[\"'“‘(\[]?(\w+)")
_REACH = 40  # characters before a full stop that can hold the word it ends
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
        if _is_abbreviation(block, m.start(), m.end()):
            continue
        out.extend(_make(text, start + pos, start + m.end()))
        pos = m.end()
    out.extend(_make(text, start + pos, end))
    return out


def _is_abbreviation(block: str, dot: int, end: int) -> bool:
    """Whether the full stop at DOT closes an abbreviation inside a sentence
    rather than the sentence. A number never is one ("... finished 8. After
    that"); a title before a name always is ("Dr. Kim"); an initial ("George
    W. Bush"), a dotted acronym ("U.S.") or a suffix ("Jr.", "Inc.") is one
    unless a word that only opens sentences follows ("... Marcos Jr. It is")."""
    if block[dot] != ".":
        return False
    m = _WORD_BEFORE.search(block, max(0, dot - _REACH), dot)
    if not m:
        return False
    word = m.group().lower().rstrip(".")
    if word in _BEFORE_NAMES:
        return True
    if word.isdigit():
        return False
    after = _WORD_AFTER.match(block, end)
    opens = after is not None and after.group(1).lower() in _OPENERS
    if word in _ABBREVIATIONS or len(word) == 1 or re.fullmatch(r"(?:\w\.)+\w", word):
        return not opens
    return False


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
