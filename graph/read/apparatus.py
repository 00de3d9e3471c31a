"""What stands around a text's body: bylines, reference lists and citation lines, author bios,
captions and "related articles" blocks. They stay in the stored text and are blanked in the
text extraction reads, so that no tie, date or figure comes from them; the addresses a
reference list cites are the document's references.

Conservative by design: a line is apparatus only by its form (a heading alone on its line, a
line that is mostly an address or says when it was accessed, a "By" line near the start, a
bio sentence at the end), never by a word a body sentence may use ("sources said")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Apparatus", "find_apparatus"]


@dataclass
class Apparatus:
    spans: list[tuple[int, int]] = field(default_factory=list)  # (start, end) offsets to blank
    references: list[str] = field(default_factory=list)  # cited URLs, in order, once each
    byline: str | None = None  # the author a "By ..." line names


_REFERENCE_HEADING = re.compile(
    r"^[ \t#*]*(?:references|notes|endnotes|footnotes|sources|bibliography|works cited|citations"
    r"|sources and notes|notes and references)[ \t*]*:?[ \t]*$",
    re.I,
)
_RELATED_HEADING = re.compile(
    r"^[ \t#*]*(?:related(?: articles| stories| news| content| reading| coverage)?|read more|read also|see also"
    r"|more on this(?: topic| story)?|recommended(?: for you| reading)?|you may also like|more from [\w ]{1,30}"
    r"|most read|trending|also read)[ \t*]*:?[ \t]*$",
    re.I,
)
_READ_MORE_LINE = re.compile(
    r"^[ \t]*(?:read more|read also|also read|see also|related|recommended)[ \t]*:[ \t]*\S", re.I
)
_ABOUT_HEADING = re.compile(r"^[ \t#*]*about the authors?[ \t*]*:?[ \t]*$", re.I)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'\]\[)]+", re.I)
_ACCESSED = re.compile(r"\b(?:access(?:ed)?(?: on| date)?|retrieved(?: on| from)?|last visited)\b\s*:?", re.I)
_NOTE_START = re.compile(r"^[ \t]*(?:\[\d{1,3}\]|\[[ivxlc]{1,6}\]|\d{1,3}[.)]|\^)[ \t]*\S", re.I)
_BYLINE = re.compile(
    r"^[ \t*_]*(?:[Bb]y|[Ww]ritten by|[Ww]ords by)[ \t]+(?P<name>[A-ZÀ-ÖØ-Þİ][\w.'’-]*(?:[ \t]+(?:[A-ZÀ-ÖØ-Þİ][\w.'’-]*|de|van|von|bin|al))"
    r"{0,4}(?:[ \t]*(?:,|and|&)[ \t]*[A-ZÀ-ÖØ-Þİ][\w.'’-]*(?:[ \t]+[A-ZÀ-ÖØ-Þİ][\w.'’-]*){0,4})*)"
    r"[ \t*_]*(?:[,|—–-][ \t]*[^\n]{0,60})?$"
)
BYLINE_LINES = 8  # a byline stands among the first lines
_BIO = re.compile(
    r"^[ \t*_]*(?:[A-ZÀ-ÖØ-Þİ][\w.'’-]*[ \t]+){1,3}[A-ZÀ-ÖØ-Þİ][\w'’-]*[ \t]+(?:is|was|serves as)[ \t]+"
    r"(?:a|an|the)[ \t]+[^.\n]{0,80}\b(?:fellow|professor|researcher|analyst|correspondent|journalist|editor"
    r"|reporter|writer|author|lecturer|scholar|contributor|columnist)\b",
)
BIO_LINES = 2  # a bio is among the last paragraphs
# ... of an article with a body before it, and is a short paragraph: a text that is itself about a
# writer ("X is an English actress and writer ...", a biography, an obituary) is body, not apparatus.
BODY_BEFORE_BIO = 2
BIO_CHARACTERS = 400
_CAPTION = re.compile(
    r"^[ \t]*(?:(?:photo|image|picture|caption|credit|file photo|photograph)[ \t]*(?:\([^)\n]{0,40}\))?[ \t]*:"
    r"|(?:figure|fig\.|table|chart|graph|map)[ \t]*\d{1,3}[a-z]?[ \t]*[:.—–][ \t])",
    re.I,
)


def find_apparatus(text: str, author: str | None = None) -> Apparatus:
    """The apparatus of ``text`` (see the module docstring); ``author``, when known, is whose bio
    may close the text."""
    found = Apparatus()
    lines = _lines(text)
    filled = [(s, e) for s, e in lines if text[s:e].strip()]
    _byline(text, filled[:BYLINE_LINES], found)
    _citations(text, filled, found)
    _related(text, filled, found)
    _bios(text, filled, author or found.byline, found)
    found.spans.extend((s, e) for s, e in filled if _CAPTION.match(text[s:e]))
    found.spans.sort()
    return found


def _lines(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in re.finditer(r"\n", text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def _byline(text: str, first: list[tuple[int, int]], found: Apparatus) -> None:
    for s, e in first:
        m = _BYLINE.match(text[s:e])
        if m:
            found.spans.append((s, e))
            found.byline = " ".join(m.group("name").split())
            return


def _citations(text: str, filled: list[tuple[int, int]], found: Apparatus) -> None:
    """A reference section (its heading and the citation lines after it) and citation lines
    anywhere; their URLs are the document's references."""
    in_section = False
    for s, e in filled:
        line = text[s:e]
        if _REFERENCE_HEADING.match(line):
            in_section = _section_cites(text, filled, s)
            if in_section:
                found.spans.append((s, e))
            continue
        if _citation(line) or (in_section and _NOTE_START.match(line)):
            found.spans.append((s, e))
            for url in _URL.findall(line):
                url = url.rstrip(".,;:")
                if url not in found.references:
                    found.references.append(url)
        elif in_section and len(line.split()) > 40:
            in_section = False  # prose again: the section has ended


def _section_cites(text: str, filled: list[tuple[int, int]], heading: int) -> bool:
    """Whether the lines after a heading are citations (most of the next five)."""
    after = [text[s:e] for s, e in filled if s > heading][:5]
    return bool(after) and sum(1 for line in after if _citation(line) or _NOTE_START.match(line)) * 2 > len(after)


def _citation(line: str) -> bool:
    """A line that cites: it says when a source was accessed, or it is mostly an address, or it
    is a numbered note with an address in it."""
    urls = _URL.findall(line)
    if not urls:
        return False
    if _ACCESSED.search(line) or _NOTE_START.match(line):
        return True
    return sum(len(u) for u in urls) >= 0.3 * len(line.strip())


def _related(text: str, filled: list[tuple[int, int]], found: Apparatus) -> None:
    """A "Related articles" heading and the short lines (headlines) under it; a "Read more: ..."
    line alone."""
    inside = False
    for s, e in filled:
        line = text[s:e]
        if _RELATED_HEADING.match(line):
            inside = True
            found.spans.append((s, e))
        elif _READ_MORE_LINE.match(line):
            found.spans.append((s, e))
        elif inside and len(line.split()) <= 16 and not line.rstrip().endswith((".", "!", "?")):
            found.spans.append((s, e))
        else:
            inside = False


def _bios(text: str, filled: list[tuple[int, int]], author: str | None, found: Apparatus) -> None:
    """An "About the author" section, and a bio among the last lines: about the author when the
    document names one, otherwise any bio of a writer's or researcher's kind."""
    for i, (s, e) in enumerate(filled):
        if _ABOUT_HEADING.match(text[s:e]):
            found.spans.extend(filled[i:])
            return
    names = set(re.findall(r"[^\W\d_][\w'’-]*", author or "")) - {"and"}
    taken = set(found.spans)
    rest = [span for span in filled if span not in taken]
    if len(rest) < BIO_LINES + BODY_BEFORE_BIO:
        return  # a text this short is no article with a bio after it: it may be the person's own story
    for s, e in rest[-BIO_LINES:]:
        line = text[s:e]
        subject = re.split(r"\s(?:is|was|serves as)\s", line, maxsplit=1)[0]
        if _BIO.match(line) and len(line) <= BIO_CHARACTERS and (not names or names & set(subject.split())):
            found.spans.append((s, e))
