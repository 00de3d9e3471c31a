"""What the tests share: where things are, the CLI called the way a user calls it, and a small
PDF writer. Imported by tests and by conftest's fixtures."""

from __future__ import annotations

import functools
import json
import shutil
import sys
from pathlib import Path

import typer.main
import typer.testing
from typer.testing import CliRunner

from cli import app
from graph.model import Document, DocumentMeta
from graph.read.files import mask_markup

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "data" / "samples"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"

# typer's runner builds the click command from the app's signatures on every invoke (0.15 s, a fifth of
# the test run's time); one `ties` process builds it once, and so do the tests.
typer.testing._get_command = functools.cache(typer.main.get_command)  # type: ignore[attr-defined]


class Cli:
    """Runs `ties --store STORE ...` in-process through typer's CliRunner."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self.runner = CliRunner()

    def __call__(self, *args: str):
        return self.runner.invoke(app, ["--store", str(self.store), *map(str, args)])

    def json(self, *args: str):
        result = self(*args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)


def write_pdf(path: Path, lines: list[str], title: str | None = None) -> Path:
    """A small one-page PDF with a real text layer (Helvetica, WinAnsi)."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 11 Tf 72 760 Td 14 TL " + " ".join(f"({esc(line)}) Tj T*" for line in lines) + " ET"
    stream = content.encode("cp1252")
    info = f"<< /Title ({esc(title)}) >>" if title else "<< >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        info.encode("cp1252"),
    ]
    return write_pdf_objects(path, objects, info=6)


def write_pdf_objects(path: Path, objects: list[bytes], info: int | None = None) -> Path:
    """A PDF of OBJECTS (numbered from 1; the first is the catalog), with its cross-reference table;
    INFO is the number of the document-information object, if any."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1) + (b" /Info %d 0 R" % info if info else b"") + b" >>"
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(bytes(out))
    return path


def installed_ties() -> str:
    """The `ties` console script the install put beside this interpreter (else the one on PATH)."""
    candidate = Path(sys.executable).parent / "ties"
    found = str(candidate) if candidate.exists() else shutil.which("ties")
    assert found, "the `ties` console script is not installed"
    return found


def text_document(text: str) -> Document:
    """TEXT as a plain-text document, for the extractor alone (no file, no store)."""
    meta = DocumentMeta(file_name="t.txt", path="t.txt", sha256="0" * 64, media_type="text/plain", characters=len(text))
    return Document(meta=meta, text=text, masked=mask_markup(text))
