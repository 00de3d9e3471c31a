"""Word files read as documents: paragraphs and table cells in order, the properties' title and
author; a file that only looks like one is refused in one line."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx

from graph.read.files import read_document
from tests.helpers import Cli


def word_file(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "Altay supply chain"
    document.core_properties.author = "Deniz Kaya"
    document.add_heading("Altay supply chain", level=1)
    document.add_paragraph("Hyundai Rotem signed a contract with Otokar in Ankara.")
    table = document.add_table(rows=2, cols=2)
    for row, (buyer, supplier) in enumerate((("Buyer", "Supplier"), ("Roketsan", "Hanwha Aerospace"))):
        table.cell(row, 0).text = buyer
        table.cell(row, 1).text = supplier
    document.add_paragraph("KEPCO opened an office in Ankara after the talks.")
    document.save(str(path))
    return path


def test_a_word_file_gives_its_paragraphs_tables_and_properties(tmp_path):
    doc = read_document(word_file(tmp_path / "brief.docx"))
    assert doc.text.index("Otokar in Ankara") < doc.text.index("Hanwha Aerospace") < doc.text.index("KEPCO")
    assert "Roketsan\n\nHanwha Aerospace" in doc.text  # each cell its own block: no name runs into the next
    assert (doc.meta.title, doc.meta.author) == ("Altay supply chain", "Deniz Kaya")
    assert doc.meta.media_type.endswith("wordprocessingml.document")


def test_a_word_file_is_ingested_with_the_cli(cli: Cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    word_file(docs / "brief.docx")
    assert cli("ingest", docs).exit_code == 0
    assert {"Hyundai Rotem", "Otokar", "KEPCO"} <= {e["label"] for e in cli.json("entities")} | {
        a for e in cli.json("entities") for a in e["aliases"]
    }


def test_a_zip_of_something_else_named_docx_is_refused_in_one_line(cli: Cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    with zipfile.ZipFile(docs / "photos.docx", "w") as package:
        package.writestr("holiday/IMG_0001.txt", "not a word document")
    (docs / "notes.docx").write_bytes(b"just some text, not a zip")
    (docs / "good.txt").write_text("Hyundai Rotem signed a contract with Otokar in Ankara.\n", encoding="utf-8")
    result = cli("ingest", docs)
    assert result.exit_code != 0
    failed = [line for line in (result.stderr or result.output).splitlines() if line.startswith("failed")]
    assert len(failed) == 2, result.output
    assert any("photos.docx" in line and "not a Word document" in line for line in failed)
    assert any("notes.docx" in line and "not a zip" in line for line in failed)
    assert [d["name"] for d in cli.json("documents")] == ["good.txt"]
