"""Files into documents: text, Markdown, HTML and PDF become one text plus the
metadata the document states about itself."""

from __future__ import annotations

import hashlib
import os
import re
import time
import unicodedata
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path

from graph.errors import (
    DocumentDecodeError,
    DocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    UnsupportedFormatError,
)
from graph.model import Document, DocumentMeta
from graph.names import FORMAT_CHARACTERS

__all__ = ["SUPPORTED_SUFFIXES", "DEFAULT_MAX_BYTES", "read_document", "find_documents", "mask_markup", "check_regular"]

SUPPORTED_SUFFIXES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def find_documents(paths: list[Path]) -> tuple[list[Path], list[DocumentError]]:
    """Files to ingest under ``paths`` (folders recursively, sorted), and an
    error for each path that cannot be walked. Links that loop are reported,
    not followed forever."""
    found: list[Path] = []
    errors: list[DocumentError] = []
    for path in paths:
        if path.is_dir():
            _walk(path, found, errors, seen=set())
        elif path.exists():
            found.append(path)
        else:
            errors.append(DocumentError(path, "no such file or folder; check the path"))
    return found, errors


def _walk(folder: Path, found: list[Path], errors: list[DocumentError], seen: set) -> None:
    try:
        real = folder.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        errors.append(
            DocumentError(folder, f"cannot follow this folder ({exc.__class__.__name__}); fix or remove the link")
        )
        return
    if real in seen:
        errors.append(DocumentError(folder, "symbolic link loop; remove the link"))
        return
    seen = seen | {real}
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        errors.append(DocumentError(folder, f"cannot list this folder ({exc.strerror}); check its permissions"))
        return
    for entry in entries:
        child = Path(entry.path)
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            _walk(child, found, errors, seen)
        elif entry.is_symlink() and not child.exists():
            errors.append(DocumentError(child, "broken or looping symbolic link; fix or remove it"))
        elif child.suffix.lower() in SUPPORTED_SUFFIXES:
            found.append(child)


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read one file. Raises a DocumentError subclass saying what to do."""
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise DocumentError(path, "the file name is not valid UTF-8; rename the file") from exc
    suffix = path.suffix.lower()
    media_type = SUPPORTED_SUFFIXES.get(suffix)
    if media_type is None:
        raise UnsupportedFormatError(
            path, f"unsupported file type {suffix or '(none)'!r}; ties reads {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise EmptyDocumentError(path, "the file is empty; nothing to ingest")
    meta: dict[str, str | None]
    if media_type == "application/pdf":
        text, meta = _pdf(path, data)
        text, warnings = _without_nuls(path, text)
    else:
        raw, warnings = _without_nuls(path, _decode(path, data))
        if media_type == "text/html":
            text, meta = _html(raw)
        elif media_type == "text/markdown":
            text, meta = raw, _markdown_meta(raw)
        else:
            text, meta = raw, _plain_meta(raw)
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise EmptyDocumentError(path, "no text found in the file; nothing to ingest")
    doc_meta = DocumentMeta(
        file_name=path.name,
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        characters=len(text),
        title=meta.get("title") or None,
        author=meta.get("author") or None,
        date=meta.get("date") or None,
        source_url=meta.get("source_url") or None,
    )
    return Document(meta=doc_meta, text=text, masked=mask_markup(text), warnings=warnings)


def _without_nuls(path: Path, text: str) -> tuple[str, list[str]]:
    """A stray NUL in a text is a fault of the program that wrote it, not a
    reason to lose the document: it goes, and the report says so. The stored
    text is the text without it, so offsets index that."""
    count = text.count("\x00")
    if not count:
        return text, []
    return text.replace("\x00", ""), [f"{path}: dropped {count} NUL character{'s' * (count > 1)}; check the file"]


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    check_regular(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentTooLargeError(
                path, f"{size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit; split it or raise --max-size"
            )
        with path.open("rb") as fh:
            return fh.read(max_bytes + 1)
    except PermissionError as exc:
        raise DocumentError(path, "permission denied; make the file readable") from exc
    except IsADirectoryError as exc:
        raise DocumentError(path, "is a folder, not a file") from exc
    except OSError as exc:
        raise DocumentError(path, f"cannot read the file ({exc.strerror or exc}); check the path") from exc


def check_regular(path: Path) -> None:
    """Pipes and devices named like documents would be read forever."""
    try:
        regular = path.is_file()
    except OSError as exc:
        raise DocumentError(path, f"cannot read the file ({exc.strerror or exc}); check the path") from exc
    if not regular and path.exists():
        raise DocumentError(path, "not a regular file (a pipe, socket or device); ingest regular files only")


def _decode(path: Path, data: bytes) -> str:
    try:
        text = _decoded(path, data)
    except UnicodeDecodeError as exc:
        raise DocumentDecodeError(
            path, f"cannot be read as {exc.encoding} text (cut short or not text); convert it to UTF-8 text"
        ) from exc
    # Checked after every decoding: a binary file can decode as UTF-16 too.
    if _control_ratio(text) > 0.05 or text.count("\x00") > len(text) // 20:
        raise DocumentDecodeError(path, "binary data, not text; convert it to UTF-8 text")
    return text


def _decoded(path: Path, data: bytes) -> str:
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec)
    if b"\x00" in data[:4096] and _looks_utf16(data):
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _legacy(path, data)


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    return sample[1::2].count(0) > len(sample) // 3 or sample[0::2].count(0) > len(sample) // 3


def _legacy(path: Path, data: bytes) -> str:
    """Text that is not UTF-8: most often Windows-1252 (or Latin-1), or its
    Turkish sibling Windows-1254; otherwise what charset-normalizer finds."""
    if _c0_ratio(data) > 0.05:
        raise DocumentDecodeError(path, "binary data, not text; convert it to UTF-8 text")
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _mostly_latin(western):
        # Windows-1254 differs only where 1252 has letters Turkish text never uses.
        return data.decode("cp1254") if any(c in western for c in "ðþýÐÞÝ") else western
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DocumentDecodeError(path, "binary or unknown encoding, not text; convert it to UTF-8 text")
    return str(best)


def _c0_ratio(data: bytes) -> float:
    """Share of C0 control bytes (NUL among them): these mean the same in every
    single-byte encoding, so binary data shows before any decoding is tried."""
    sample = data[:20000]
    return sum(sample.count(b) for b in range(32) if b not in b"\n\r\t\f") / max(1, len(sample))


def _mostly_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return not letters or sum(1 for c in letters if c.isascii()) / len(letters) > 0.7


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    bad = sum(1 for c in sample if unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\n\r\t\f")
    return bad / max(1, len(sample))


# --- plain text and Markdown -------------------------------------------------

_HEADER_LINE = re.compile(r"^\s*(title|author|by|date|published|source|url)\s*:\s*(.+?)\s*$", re.I | re.M)
_KEYS = {
    "title": "title",
    "author": "author",
    "by": "author",
    "date": "date",
    "published": "date",
    "source": "source_url",
    "url": "source_url",
}


def _header_fields(text: str) -> dict[str, str | None]:
    head = text[:2000]
    meta: dict[str, str | None] = {}
    for m in _HEADER_LINE.finditer(head):
        meta.setdefault(_KEYS[m.group(1).lower()], m.group(2))
    return meta


def _plain_meta(text: str) -> dict[str, str | None]:
    meta = _header_fields(text)
    if "title" not in meta:
        for line in text.splitlines():
            line = line.strip()
            if line:
                if len(line) <= 150 and not line.endswith((".", "?", "!")):
                    meta["title"] = line
                break
    return meta


def _markdown_meta(text: str) -> dict[str, str | None]:
    meta = _header_fields(text)
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, re.M)
    if heading and "title" not in meta:
        meta["title"] = " ".join(mask_markup(heading.group(1)).split())
    return meta or _plain_meta(text)


_MARKUP = re.compile(
    r"<[^<>\n]{1,300}>"  # an HTML tag left in text
    r"|^\s{0,3}#{1,6}(?=\s)"  # a Markdown heading marker
    r"|^\s{0,3}>(?=\s)"  # a quote marker
    r"|\*+|`+|~~"  # emphasis and code marks
    r"|(?<!\w)_+|_+(?!\w)"  # underscore emphasis, not snake_case
    r"|\\(?=[^\w\s])"  # a backslash escape
    r"|\[(?:\d{1,3}|[ivxlcIVXLC]{1,6})\]"  # footnote markers like [3] or [iv]
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


# --- HTML ---------------------------------------------------------------------

_SKIP = {"script", "style", "noscript", "template", "nav", "footer", "header", "aside", "form", "svg", "button"}
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "figcaption",
    "main",
    "hr",
    "title",
}


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.meta: dict[str, str | None] = {}
        self._title: list[str] = []
        self._h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "h1":
            self._in_h1 = True
        elif tag == "meta":
            self._meta(a)
        elif tag == "link" and "canonical" in a.get("rel", "").lower():
            self.meta.setdefault("source_url", a.get("href"))
        elif tag == "time" and a.get("datetime"):
            self.meta.setdefault("date", a["datetime"])
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            return
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self.skip_depth -= 1

    def _meta(self, a: dict[str, str]) -> None:
        name = (a.get("name") or a.get("property") or "").lower()
        content = a.get("content", "").strip()
        if not content:
            return
        if name in ("author", "article:author", "dc.creator"):
            self.meta.setdefault("author", content)
        elif name in ("date", "article:published_time", "dc.date", "pubdate", "publication_date"):
            self.meta.setdefault("date", content)
        elif name in ("og:title", "dc.title"):
            self.meta.setdefault("title", content)
        elif name == "og:url":
            self.meta.setdefault("source_url", content)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
        elif tag == "title":
            self.in_title = False
        elif tag == "h1":
            self._in_h1 = False
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self._title.append(data)
            return
        if self.skip_depth:
            return
        if self._in_h1:
            self._h1.append(data)
        self.parts.append(data)

    def result(self) -> tuple[str, dict[str, str | None]]:
        raw = "".join(self.parts)
        lines = [" ".join(line.split()) for line in raw.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
        title = " ".join("".join(self._title).split()) or " ".join("".join(self._h1).split())
        if title:
            self.meta.setdefault("title", title)
        return text, self.meta


def _html(raw: str) -> tuple[str, dict[str, str | None]]:
    parser = _HtmlText()
    parser.feed(raw)
    parser.close()
    return parser.result()


# --- PDF ----------------------------------------------------------------------


def _pdf(path: Path, data: bytes) -> tuple[str, dict[str, str | None]]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentDecodeError(path, "the PDF is encrypted; decrypt it first (for example `qpdf --decrypt`)")
        pages = _pdf_pages(path, reader)
        info: Mapping[str, object] = reader.metadata or {}
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentDecodeError(
            path, f"not a readable PDF ({exc.__class__.__name__}); re-export or repair it"
        ) from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text.strip():
        raise DocumentDecodeError(path, "the PDF has no text layer (a scan?); run OCR on it first, e.g. `ocrmypdf`")
    meta: dict[str, str | None] = {
        "title": _pdf_field(info, "/Title"),
        "author": _pdf_field(info, "/Author"),
        "date": _pdf_date(_pdf_field(info, "/CreationDate")),
    }
    if not meta["title"]:
        meta.update({k: v for k, v in _plain_meta(text).items() if k == "title"})
    return text, meta


# A PDF's file size says little about its cost: a 240 KB file can hold a 70 MB content stream, and
# 2,000 pages can share one stream, each page parsed anew (about 2 s per MB in pypdf). Both limits
# apply to every PDF, whatever --max-size allows the file itself.
PDF_CONTENT_LIMIT = 8 * 1024 * 1024  # decoded drawing instructions, summed over the pages
PDF_SECONDS_LIMIT = 30.0


def _pdf_pages(path: Path, reader) -> list[str]:
    """Each page's text, within the limits above; over either, the file fails with what to do."""
    pages: list[str] = []
    content = 0
    started = time.monotonic()
    for number, page in enumerate(reader.pages, 1):
        content += _content_bytes(page)
        if content > PDF_CONTENT_LIMIT:
            raise DocumentTooLargeError(
                path,
                f"the PDF's pages decompress to over {PDF_CONTENT_LIMIT / 2**20:g} MB of drawing instructions "
                f"by page {number} (a compression bomb, or a very long document); split it or extract its text "
                "with another tool and ingest that",
            )
        if time.monotonic() - started > PDF_SECONDS_LIMIT:
            raise DocumentTooLargeError(
                path,
                f"reading the PDF took over {PDF_SECONDS_LIMIT:.0f} s by page {number}; split it and ingest the parts",
            )
        pages.append(page.extract_text() or "")
    return pages


def _content_bytes(page) -> int:
    """The decoded size of a page's content streams (decompressing costs little next to parsing)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return sum(len(s.get_object().get_data()) for s in streams)


def _pdf_field(info, key: str) -> str | None:
    value = info.get(key) if hasattr(info, "get") else None
    return str(value).replace("\x00", "").strip() or None if value else None


def _pdf_date(value: str | None) -> str | None:
    m = re.match(r"D:(\d{4})(\d{2})?(\d{2})?", value or "")
    if not m:
        return None
    return "-".join(part for part in m.groups() if part)
