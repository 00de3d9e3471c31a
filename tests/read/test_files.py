"""Reading files into documents: every format, and every kind of bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.errors import (
    DocumentDecodeError,
    DocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    UnsupportedFormatError,
)
from graph.read.files import find_documents, mask_markup, read_document
from tests.helpers import SAMPLES, write_pdf, write_pdf_objects

SENTENCE = "Hyundai Rotem signed a contract with Otokar in Ankara."


def _write(path: Path, kind: str) -> Path:
    if kind == "txt":
        path.write_text(f"A title line\n\n{SENTENCE}\n", encoding="utf-8")
    elif kind == "md":
        path.write_text(f"# A **title** line\n\nAuthor: Ayla Demir\nDate: 2024-05-03\n\n{SENTENCE}\n", encoding="utf-8")
    elif kind == "html":
        path.write_text(
            "<html><head><title>A title line</title><meta name='author' content='Ayla Demir'>"
            "<link rel='canonical' href='https://example.org/a'></head><body><nav>Home | News</nav>"
            f"<h1>A title line</h1><p>{SENTENCE}</p><script>var x = 1;</script><footer>(c) 2024</footer></body></html>",
            encoding="utf-8",
        )
    elif kind == "pdf":
        write_pdf(path, ["A title line", SENTENCE], title="A title line")
    return path


@pytest.mark.parametrize("kind", ["txt", "md", "html", "pdf"])
def test_every_format_gives_its_text_and_title(tmp_path, kind):
    doc = read_document(_write(tmp_path / f"doc.{kind}", kind))
    assert SENTENCE in " ".join(doc.text.split())
    assert doc.meta.title and "title line" in doc.meta.title
    assert len(doc.meta.sha256) == 64
    assert len(doc.masked) == len(doc.text)


def test_html_page_chrome_and_scripts_are_not_text(tmp_path):
    doc = read_document(_write(tmp_path / "doc.html", "html"))
    assert "Home | News" not in doc.text and "var x" not in doc.text and "(c) 2024" not in doc.text
    assert doc.meta.author == "Ayla Demir" and doc.meta.source_url == "https://example.org/a"


def test_markdown_header_lines_become_metadata(tmp_path):
    doc = read_document(_write(tmp_path / "doc.md", "md"))
    assert doc.meta.author == "Ayla Demir" and doc.meta.date == "2024-05-03"
    assert doc.meta.title == "A title line"


def test_markup_is_masked_without_moving_offsets():
    text = "## Heading\n**Bold** name[iv] and <sup>x</sup> \\$9"
    masked = mask_markup(text)
    assert len(masked) == len(text)
    assert "*" not in masked and "[iv]" not in masked and "<sup>" not in masked
    assert masked.index("Bold") == text.index("Bold")


@pytest.mark.parametrize(
    "encoding,text",
    [
        ("latin-1", "Türkiye and Société Générale signed in Zürich."),
        ("cp1252", "The “Çanakkale” bridge – opened in 2022 – cost €2.5 billion."),
        ("utf-16", "Türkiye ve Güney Kore arasında anlaşma imzalandı."),
    ],
)
def test_legacy_encodings_are_read_correctly(tmp_path, encoding, text):
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path).text.strip() == text


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("  \n")
    with pytest.raises(EmptyDocumentError, match="empty"):
        read_document(path)


def test_binary_file_named_txt_is_refused(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(DocumentDecodeError, match="binary"):
        read_document(path)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_stray_nul_is_dropped_with_a_warning_not_the_whole_file(tmp_path, encoding):
    path = tmp_path / "nul.txt"
    path.write_bytes(f"Title: Café\x00 news\n\n{SENTENCE}\x00 More.\n".encode(encoding))
    doc = read_document(path)
    assert "\x00" not in doc.text and f"{SENTENCE} More." in doc.text and doc.meta.title == "Café news"
    assert doc.meta.characters == len(doc.text) == len(doc.masked)
    (warning,) = doc.warnings
    assert "nul.txt" in warning and "NUL" in warning and "\n" not in warning


def test_text_that_is_mostly_nul_is_still_binary(tmp_path):
    path = tmp_path / "nuls.txt"
    path.write_bytes(b"Hyundai Rotem\x00\x00\x00" * 200)
    with pytest.raises(DocumentDecodeError, match="binary"):
        read_document(path)


def test_format_characters_at_word_edges_are_masked_inside_words_kept():
    text = "\u200eKestrel\u200d Dyna\u200bmics Corp.\u00ad signed with Alba\u200dTech"
    masked = mask_markup(text)
    assert len(masked) == len(text)
    # Between a small and a capital letter, one stands where a space was.
    assert masked == " Kestrel  Dyna\u200bmics Corp.  signed with Alba Tech"


def test_file_over_the_size_limit_is_refused_with_the_option_to_raise(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * 3000)
    with pytest.raises(DocumentTooLargeError, match="--max-size"):
        read_document(path, max_bytes=1000)


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    path = write_pdf(tmp_path / "scan.pdf", [])
    with pytest.raises(DocumentDecodeError, match="OCR"):
        read_document(path)


def test_encrypted_pdf_asks_to_decrypt(tmp_path):
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(tmp_path / "plain.pdf", [SENTENCE])
    writer = PdfWriter()
    writer.append(PdfReader(plain))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(DocumentDecodeError, match="encrypted"):
        read_document(locked)


def test_corrupt_pdf_is_refused(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n this is not a pdf at all")
    with pytest.raises(DocumentError):
        read_document(path)


def test_malformed_html_still_gives_its_text(tmp_path):
    path = tmp_path / "bad.html"
    path.write_text(
        "<html><body><p>Unclosed <b>bold <div>Hyundai Rotem builds tanks.</p></span><p>More", encoding="utf-8"
    )
    doc = read_document(path)
    assert "Hyundai Rotem builds tanks." in doc.text and "More" in doc.text


def test_unsupported_suffix_is_refused(tmp_path):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedFormatError, match="unsupported"):
        read_document(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SENTENCE)
    path.chmod(0)
    with pytest.raises(DocumentError, match="permission"):
        read_document(path)


def test_dangling_symlink_is_reported_not_skipped(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    files, errors = find_documents([tmp_path])
    assert files == [] and len(errors) == 1 and "gone.txt" in errors[0].path


def test_symlink_loop_is_reported_and_walk_ends(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    (folder / "doc.txt").write_text(SENTENCE)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    files, errors = find_documents([tmp_path])
    assert [f.name for f in files] == ["doc.txt"]
    assert any("loop" in e.path for e in errors)


def test_folders_are_walked_recursively_in_a_stable_order(tmp_path):
    for name in ["b/two.md", "a/one.txt", "a/deeper/three.html", "a/skip.xlsx"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    files, errors = find_documents([tmp_path])
    assert [f.name for f in files] == ["three.html", "one.txt", "two.md"] and not errors


def test_sample_documents_all_read():
    for path in sorted(SAMPLES.iterdir()):
        doc = read_document(path)
        assert doc.meta.title, path


def _pdf_with_shared_stream(path: Path, content: bytes, pages: int) -> Path:
    """A PDF whose PAGES all draw one zlib-compressed CONTENT stream: small on disk, costly to read."""
    import zlib

    stream = zlib.compress(content, 9)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages)).encode()
    font = 4 + pages
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        *[
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % font
        ]
        * pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return write_pdf_objects(path, objects)


_DRAW = b"BT /F1 11 Tf 72 700 Td (Hanwha Aerospace signed a contract with Poland.) Tj ET\n"


def test_a_pdf_whose_one_stream_inflates_past_the_limit_is_refused_quickly(tmp_path):
    bomb = _pdf_with_shared_stream(tmp_path / "bomb.pdf", _DRAW * (70_000_000 // len(_DRAW)), 1)
    assert bomb.stat().st_size < 400_000
    with pytest.raises(DocumentTooLargeError, match="decompress to over 8 MB .* by page 1"):
        read_document(bomb)


@pytest.mark.slow  # seconds of one process each; the README's quick run stays under its 4 minutes
def test_pages_sharing_one_stream_count_once_each_against_the_limit(tmp_path, monkeypatch):
    import graph.read.files

    monkeypatch.setattr(graph.read.files, "PDF_CONTENT_LIMIT", 1_000_000)  # the mechanism, at a tenth of the cost
    shared = _pdf_with_shared_stream(tmp_path / "shared.pdf", _DRAW * (300_000 // len(_DRAW)), 2000)
    with pytest.raises(DocumentTooLargeError, match="by page 4 "):
        read_document(shared)


def test_a_pdf_within_the_limits_reads_every_page(tmp_path):
    few = _pdf_with_shared_stream(tmp_path / "few.pdf", _DRAW, 3)
    doc = read_document(few)
    assert doc.text.count("Hanwha Aerospace signed a contract with Poland.") == 3


def test_a_pdf_bomb_fails_its_file_and_the_others_are_ingested(cli, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    _pdf_with_shared_stream(folder / "bomb.pdf", _DRAW * (70_000_000 // len(_DRAW)), 1)
    (folder / "fine.txt").write_text("KEPCO signed a contract with ENEC in Abu Dhabi.\n")
    result = cli("ingest", folder, "--no-ner")
    assert result.exit_code == 1
    assert "bomb.pdf" in result.stderr and "compression bomb" in result.stderr
    assert "KEPCO" in {f["label"] for f in cli.json("firms")}


def test_a_pdf_that_reads_past_its_time_limit_is_refused(tmp_path, monkeypatch):
    import graph.read.files

    monkeypatch.setattr(graph.read.files, "PDF_SECONDS_LIMIT", 0.0)  # any page at all takes longer
    slow = _pdf_with_shared_stream(tmp_path / "slow.pdf", _DRAW * 50, 3)
    with pytest.raises(DocumentTooLargeError, match="took over 0 s by page 1"):
        read_document(slow)
