"""Files into documents: text, Markdown, HTML, saved web pages, PDF and Word files become one
text plus the metadata the document states about itself.

Each format has its module (plain, html, pdf, docx); this one walks folders, reads a file's
bytes within the limits, and makes the Document: the text, the masked text extraction reads
(markup and apparatus blanked, see apparatus), the date and where it came from (datelines)."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from graph.errors import (
    DocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    UnsupportedFormatError,
)
from graph.model import Document, DocumentMeta
from graph.read.apparatus import find_apparatus
from graph.read.datelines import publication_date
from graph.read.decode import decode as _decode
from graph.read.decode import without_nuls as _without_nuls
from graph.read.docx import docx_document
from graph.read.html import html_document as _html
from graph.read.html import mhtml_html
from graph.read.markup import blank_spans, mask_markup
from graph.read.pdf import pdf_document
from graph.read.plain import markdown_meta as _markdown_meta
from graph.read.plain import plain_meta as _plain_meta

__all__ = [
    "SUPPORTED_SUFFIXES",
    "DEFAULT_MAX_BYTES",
    "read_document",
    "document_from_bytes",
    "find_documents",
    "mask_markup",
    "check_regular",
]

SUPPORTED_SUFFIXES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "text/html",
    ".mhtml": "multipart/related",
    ".mht": "multipart/related",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# A PDF's file size says little about its cost: a 240 KB file can hold a 70 MB content stream, and
# 2,000 pages can share one stream, each page parsed anew (about 2 s per MB in pypdf). Both limits
# apply to every PDF, whatever --max-size allows the file itself.
PDF_CONTENT_LIMIT = 8 * 1024 * 1024  # decoded drawing instructions, summed over the pages
PDF_SECONDS_LIMIT = 30.0


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
    return document_from_bytes(path, data, media_type, file_date=_modified(path))


def document_from_bytes(
    path: Path, data: bytes, media_type: str, file_date: str | None = None, source_url: str | None = None
) -> Document:
    """A Document from a file's (or a response's) bytes of ``media_type``; ``file_date`` (ISO) is
    the date to fall back on when neither metadata nor text states one."""
    if not data.strip():
        raise EmptyDocumentError(path, "the file is empty; nothing to ingest")
    text, meta, warnings = _parse(path, data, media_type)
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        raise EmptyDocumentError(path, "no text found in the file; nothing to ingest")
    apparatus = find_apparatus(text, meta.get("author"))
    date, origin, line = publication_date(text, meta.get("date"), meta.get("file_date") or file_date)
    masked = blank_spans(mask_markup(text), [*apparatus.spans, *([line] if line else [])])
    doc_meta = DocumentMeta(
        file_name=path.name,
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        characters=len(text),
        title=meta.get("title") or None,
        author=meta.get("author") or apparatus.byline,
        date=date,
        date_origin=origin,
        publisher=meta.get("publisher") or None,
        source_url=source_url or meta.get("source_url") or None,
        references=apparatus.references,
    )
    return Document(meta=doc_meta, text=text, masked=masked, warnings=warnings)


def _parse(path: Path, data: bytes, media_type: str) -> tuple[str, dict[str, str | None], list[str]]:
    """The text, the metadata the format states, and warnings about what reading changed."""
    if media_type == "application/pdf":
        text, meta, warnings = pdf_document(path, data, PDF_CONTENT_LIMIT, PDF_SECONDS_LIMIT)
        text, dropped = _without_nuls(path, text)
        if not meta.get("title"):
            meta["title"] = _plain_meta(text).get("title")
        return text, meta, warnings + dropped
    if media_type.startswith("application/vnd.openxmlformats"):
        text, meta = docx_document(path, data)
        text, dropped = _without_nuls(path, text)
        return text, meta, dropped
    if media_type == "multipart/related":
        html, location = mhtml_html(path, data)
        raw, warnings = _without_nuls(path, html)
        text, meta = _html(raw)
        meta.setdefault("source_url", location)
        return text, meta, warnings
    raw, warnings = _without_nuls(path, _decode(path, data))
    if media_type == "text/html":
        text, meta = _html(raw)
    elif media_type == "text/markdown":
        text, meta = raw, _markdown_meta(raw)
    else:
        text, meta = raw, _plain_meta(raw)
    return text, meta, warnings


def _modified(path: Path) -> str | None:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date().isoformat()
    except (OSError, ValueError, OverflowError):
        return None


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
