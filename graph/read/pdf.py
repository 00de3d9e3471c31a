"""PDF into the text a person reads.

pypdf's layout mode places each line's characters where they stand on the page, so that
blank lines show the gaps between paragraphs and a gutter of spaces shows where two columns
part (it was chosen over pdfminer.six by measurement: on a generated 30-page justified PDF
0.06 s against 0.52 s, and pdfminer's default grouping read an interleaved two-column page
line by line across both columns). From that grid:

- two columns are read left, then right (a gutter of spaces that most lines share);
- running headers and footers (an edge line repeated on most pages, digits aside) and page
  numbers (a bare number at a page's edge) go;
- a table's rows stay lines, their cells parted by tabs;
- wrapped lines join into paragraphs, a hyphen at a line's end is undone when the word is
  one ("co-" + "operation") and kept when it joins names or a compound ("Korea-" + "Türkiye",
  "state-" + "owned"), and runs of spaces collapse to one.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from graph.errors import DocumentDecodeError, DocumentError, DocumentTooLargeError

__all__ = ["pdf_document", "pdf_date"]


def pdf_document(
    path: Path, data: bytes, content_limit: int, seconds_limit: float
) -> tuple[str, dict[str, str | None], list[str]]:
    """The text, the metadata (title, author, and the file's creation date as ``file_date``)
    and warnings (pages without text). Raises a DocumentError saying what to do."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentDecodeError(path, "the PDF is encrypted; decrypt it first (for example `qpdf --decrypt`)")
        pages = _pages(path, reader, content_limit, seconds_limit)
        info: Mapping[str, object] = reader.metadata or {}
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentDecodeError(
            path, f"not a readable PDF ({exc.__class__.__name__}); re-export or repair it"
        ) from exc
    if not any(p.strip() for p in pages):
        raise DocumentDecodeError(path, "the PDF has no text layer (a scan?); run OCR on it first, e.g. `ocrmypdf`")
    blank = [n for n, p in enumerate(pages, 1) if not p.strip()]
    warnings = []
    if blank:
        listed = ", ".join(map(str, blank))
        warnings.append(
            f"{path}: page{'s' * (len(blank) > 1)} {listed} of {len(pages)} ha{'ve' if len(blank) > 1 else 's'} "
            "no text layer (a scan?) and were not read; run OCR on the file (e.g. `ocrmypdf`) to read them"
        )
    text = reading_text(pages)
    meta: dict[str, str | None] = {
        "title": _field(info, "/Title"),
        "author": _field(info, "/Author"),
        "file_date": pdf_date(_field(info, "/CreationDate")),
    }
    return text, meta, warnings


def _pages(path: Path, reader, content_limit: int, seconds_limit: float) -> list[str]:
    """Each page's layout text, within the limits; over either, the file fails with what to do."""
    pages: list[str] = []
    content = 0
    started = time.monotonic()
    for number, page in enumerate(reader.pages, 1):
        content += _content_bytes(page)
        if content > content_limit:
            raise DocumentTooLargeError(
                path,
                f"the PDF's pages decompress to over {content_limit / 2**20:g} MB of drawing instructions "
                f"by page {number} (a compression bomb, or a very long document); split it or extract its text "
                "with another tool and ingest that",
            )
        if time.monotonic() - started > seconds_limit:
            raise DocumentTooLargeError(
                path,
                f"reading the PDF took over {seconds_limit:.0f} s by page {number}; split it and ingest the parts",
            )
        pages.append(_page_text(page))
    return pages


def _page_text(page) -> str:
    from pypdf.errors import PyPdfError

    try:
        return page.extract_text(extraction_mode="layout") or ""
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, IndexError, ZeroDivisionError, AttributeError):
        # Layout mode needs font metrics some files lack; the plain order is second best.
        return page.extract_text() or ""


def _content_bytes(page) -> int:
    """The decoded size of a page's content streams (decompressing costs little next to parsing)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return sum(len(s.get_object().get_data()) for s in streams)


def _field(info, key: str) -> str | None:
    value = info.get(key) if hasattr(info, "get") else None
    return str(value).replace("\x00", "").strip() or None if value else None


def pdf_date(value: str | None) -> str | None:
    m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", value or "")
    if not m:
        return None
    return "-".join(part for part in m.groups() if part)


# --- from layout lines to paragraphs ---------------------------------------------------------

Line = str  # a layout line: leading spaces stand for its left edge
Block = list[Line]  # lines with no blank line between them


def reading_text(pages: list[str]) -> str:
    """The pages' layout text as paragraphs in reading order (see the module docstring)."""
    laid = [_columns([line.rstrip() for line in page.replace("\r", "").split("\n")]) for page in pages]
    laid = _without_running_lines(laid)
    vocabulary = _vocabulary(laid)
    paragraphs: list[str] = []
    carry: list[str] = []  # a paragraph that runs on from the page before
    for lines in laid:
        blocks = _blocks(lines)
        for i, block in enumerate(blocks):
            if _table(block):
                if carry:  # a sentence does not run on into a table
                    paragraphs.append(_join(carry, vocabulary))
                    carry = []
                paragraphs.append("\n".join(_CELL_GAP.sub("\t", line.strip()) for line in block))
                continue
            width = max(len(line) for line in block)
            pieces = _paragraphs(block, width)
            if carry and pieces:
                pieces[0] = carry + pieces[0]
                carry = []
            last = i == len(blocks) - 1
            if last and pieces and _runs_on(block[-1], width):
                carry = pieces.pop()
            paragraphs += [_join(p, vocabulary) for p in pieces]
    if carry:
        paragraphs.append(_join(carry, vocabulary))
    text = "\n\n".join(p for p in paragraphs if p)
    return text + "\n" if text else ""


def _blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


_CELL_GAP = re.compile(r"(?<=\S) {4,}(?=\S)")


def _table(block: Block) -> bool:
    """Rows of a table: most lines part cells by wide gaps (prose leaves one space between words,
    or a few where a justified line stretches). Each row stays a line, its cells parted by tabs."""
    rows = sum(1 for line in block if _CELL_GAP.search(line.strip()))
    return len(block) >= 2 and rows >= 0.6 * len(block)


_END = re.compile(r"[.!?:;\"”’)\]]\s*$")


def _runs_on(line: Line, width: int) -> bool:
    """A full line without a closing stop: the sentence goes on below (or on the next page)."""
    return len(line) >= 0.8 * width and not _END.search(line)


def _paragraphs(block: Block, width: int) -> list[list[str]]:
    """Split a block where a line ends short of the column's width with a stop (the end of a
    paragraph) or short and without one before a capital (a heading)."""
    out: list[list[str]] = [[]]
    for i, line in enumerate(block):
        out[-1].append(line.strip())
        if i + 1 == len(block):
            break
        short = len(line) < 0.7 * width and not _HYPHEN_END.search(line)
        following = block[i + 1].strip()
        if short and (_END.search(line) or following[:1].isupper()):
            out.append([])
    return [p for p in out if p]


_HYPHEN_END = re.compile(r"([^\W\d_]+)-$")
_WORD_START = re.compile(r"^([^\W\d_]+)")
# Words that make hyphenated compounds with the word after them, or after the word before:
# a line break inside such a compound keeps the hyphen ("self-" + "reliance", "state-" + "owned").
_COMPOUND_HEADS = {
    "self", "well", "long", "short", "high", "low", "state", "large", "small", "full", "half", "cross",
    "ex", "all", "non", "so", "two", "three", "four", "five", "year", "first", "second", "third", "multi",
}  # fmt: skip
_COMPOUND_TAILS = {
    "owned", "based", "term", "scale", "led", "level", "related", "speed", "run", "made", "funded", "backed",
    "wide", "like", "free", "operated", "oriented", "friendly", "up", "off", "year", "time",
}  # fmt: skip


def _join(lines: list[str], vocabulary: set[str]) -> str:
    text = lines[0]
    for line in lines[1:]:
        head = _HYPHEN_END.search(text)
        tail = _WORD_START.match(line)
        if head and tail and _unhyphenate(head.group(1), tail.group(1), vocabulary):
            text = text[:-1] + line
        elif head and tail:
            text += line
        else:
            text += " " + line
    return re.sub(r"[ \t\u00a0]{2,}", " ", text.replace("\u00ad", "")).strip()


def _unhyphenate(left: str, right: str, vocabulary: set[str]) -> bool:
    """Whether a hyphen at a line's end only broke the word: the right part starts small, and the
    joined word is used elsewhere in the document, or the hyphenated one is not and neither part
    makes compounds."""
    if not right[:1].islower():
        return False
    joined = (left + right).lower()
    if joined in vocabulary:
        return True
    if f"{left}-{right}".lower() in vocabulary:
        return False
    return left.lower() not in _COMPOUND_HEADS and right.lower() not in _COMPOUND_TAILS


def _vocabulary(pages: list[list[Line]]) -> set[str]:
    words: set[str] = set()
    for lines in pages:
        for line in lines:
            words.update(w.lower() for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", line))
    return words


# --- running headers, footers and page numbers -------------------------------------------

_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?[-–—(]?\s*\d{1,3}\s*[-–—)]?(?:\s*(?:/|of)\s*\d{1,3})?\s*$", re.I)
EDGE_LINES = 2  # lines at a page's top and bottom where headers, footers and numbers stand


def _edges(lines: list[Line]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def _shape(line: Line) -> str:
    return re.sub(r"\d+", "#", " ".join(line.split())).lower()


def _without_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages less the lines at their edges that repeat on most pages (digits aside: "Page 3 of 9")
    and the bare page numbers."""
    seen = Counter(s for lines in pages for s in {_shape(lines[i]) for i in _edges(lines)})
    running = {s for s, n in seen.items() if len(pages) >= 2 and n >= max(2, (len(pages) + 1) // 2)}
    out = []
    for lines in pages:
        drop = {i for i in _edges(lines) if _shape(lines[i]) in running or _PAGE_NUMBER.match(lines[i])}
        kept = [line for i, line in enumerate(lines) if i not in drop]
        # A line repeated on every page that is all the page holds is the text, not its frame.
        out.append(kept if any(line.strip() for line in kept) else lines)
    return out


# --- two columns --------------------------------------------------------------------------

GUTTER = 3  # spaces at least between two columns
PROSE_WIDTH = 25  # characters: the median line of a column of text is longer than a table's cell


def _columns(lines: list[Line]) -> list[Line]:
    """The page with each two-column stretch read left column first: lines that all leave the
    same gutter free, with text on both sides of it in most of them."""
    at = _gutter(lines)
    if at is None:
        return lines
    out: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for line in [*lines, "x" * (at + 2)]:  # a crossing line at the end flushes the columns
        if _crosses(line, at):
            out += left + [""] + right + [""]
            left, right = [], []
            out.append(line)
        else:
            left.append(line[:at].rstrip())
            right.append(line[at:].rstrip())
    return out[:-1]


def _crosses(line: Line, at: int) -> bool:
    return len(line) > at and line[at - 1 : at + 1].strip() != ""


def _gutter(lines: list[Line]) -> int | None:
    """The column where most two-sided lines leave GUTTER spaces, if at least three lines have
    text on both sides of it and no more than a few lines (titles, headers) cross it."""
    filled = [line for line in lines if line.strip()]
    width = max((len(line) for line in filled), default=0)
    if len(filled) < 3 or width < 40:
        return None
    best: tuple[int, int] | None = None
    for at in range(width // 4, 3 * width // 4):
        both = sum(1 for line in filled if _gap_at(line, at))
        if best is None or both > best[0]:
            best = (both, at)
    if best is None or best[0] < 3:
        return None
    both, at = best
    while at + 1 < width and sum(1 for line in filled if _gap_at(line, at + 1)) == both:
        at += 1  # to the gutter's middle, clear of both columns' ragged edges
    at = (best[1] + at) // 2
    crossing = sum(1 for line in filled if _crosses(line, at) and not _gap_at(line, at))
    if both < 0.4 * len(filled) or crossing > 0.25 * len(filled):
        return None
    # Columns of prose, not a table's: the text on each side is a line's worth, not a cell's.
    sides = [line for line in filled if _gap_at(line, at)]
    left = sorted(len(line[:at].strip()) for line in sides)[len(sides) // 2]
    right = sorted(len(line[at:].strip()) for line in sides)[len(sides) // 2]
    return at if min(left, right) >= PROSE_WIDTH else None


def _gap_at(line: Line, at: int) -> bool:
    """Text on both sides of ``at`` with GUTTER spaces or more around it."""
    if len(line) <= at + 1 or not line[:at].strip():
        return False
    lo = at
    while lo > 0 and line[lo - 1] == " ":
        lo -= 1
    hi = at
    while hi < len(line) and line[hi] == " ":
        hi += 1
    return hi - lo >= GUTTER and hi < len(line) and line[at] == " "
