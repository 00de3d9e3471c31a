"""Word files (.docx): the paragraphs and table cells of the body in the order they stand,
and the title and author the file's properties state."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from graph.errors import DocumentDecodeError, DocumentTooLargeError

__all__ = ["docx_document"]

# A .docx is a zip: what its parts inflate to, not the file's size, is what reading costs.
DOCX_INFLATED_LIMIT = 200 * 1024 * 1024


def docx_document(path: Path, data: bytes) -> tuple[str, dict[str, str | None]]:
    _check_package(path, data)
    from docx import Document as open_docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = open_docx(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentDecodeError(
            path, f"not a readable Word document ({exc.__class__.__name__}); open and save it again in Word"
        ) from exc
    blocks = [b for b in _blocks(word) if b.strip()]
    props = word.core_properties
    created = props.created or props.modified
    meta: dict[str, str | None] = {
        "title": props.title or None,
        "author": props.author or None,
        "file_date": created.date().isoformat() if created else None,
    }
    return "\n\n".join(blocks) + "\n", meta


def _check_package(path: Path, data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            inflated = sum(info.file_size for info in package.infolist())
    except zipfile.BadZipFile as exc:
        raise DocumentDecodeError(path, "not a Word document (not a zip package); save it as .docx again") from exc
    if "word/document.xml" not in names:
        raise DocumentDecodeError(
            path, "a zip file, but not a Word document (no word/document.xml); unpack it and ingest what it holds"
        )
    if inflated > DOCX_INFLATED_LIMIT:
        raise DocumentTooLargeError(
            path, f"its parts inflate to over {DOCX_INFLATED_LIMIT / 2**20:g} MB (a zip bomb?); save its text as .txt"
        )


def _blocks(word) -> list[str]:
    """Each paragraph, and each table cell once (merged cells repeat in python-docx's rows)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    for item in word.iter_inner_content():
        if isinstance(item, Paragraph):
            out.append(item.text)
        elif isinstance(item, Table):
            seen: set = set()  # the cells' elements, held so that each stays the one object
            for row in item.rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        out.append("\n".join(p.text for p in cell.paragraphs))
    return out
