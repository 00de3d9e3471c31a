"""The date a document speaks from: its metadata, else a dateline, else the file's own date
when the text states none; where it came from is stored and listed."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from graph.read.datelines import dateline
from graph.read.files import read_document
from tests.helpers import Cli

META = "https://w3id.org/ties/graph/metadata"


def _dated(path: Path, text: str, day: str) -> Path:
    """PATH holding TEXT, last modified on DAY (ISO)."""
    path.write_text(text, encoding="utf-8")
    stamp = datetime.fromisoformat(day + "T12:00:00").timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.mark.parametrize(
    ("opening", "day"),
    [
        ("SEOUL, 15 September 2025 — Officials met.", "2025-09-15"),
        ("MANILA, July 8 (Reuters) - Officials met.", "2024-07-08"),
        ("Ankara, 3 March 2024: Officials met.", "2024-03-03"),
        ("ISTANBUL, Turkey, Oct. 2, 2023 -- Officials met.", "2023-10-02"),
        ("A headline about ports\n\nBUSAN, 1 May — Officials met.", "2024-05-01"),
    ],
)
def test_a_dateline_gives_the_day_and_a_missing_year_comes_from_the_fallback(opening, day):
    found = dateline(opening, "2024-12-31")
    assert found is not None and found[0] == day


def test_a_sentence_that_names_a_day_is_not_a_dateline():
    assert dateline("Officials of Korea and Türkiye met on 3 March 2024 - a first.", "2024-12-31") is None
    assert dateline("The talks, 3 March 2024: no outcome.", "2024-12-31") is None


def test_a_dateline_outranks_the_files_own_date(tmp_path):
    doc = read_document(_dated(tmp_path / "a.txt", "SEOUL, 15 September 2025 — Officials met.\n", "2026-01-20"))
    assert (doc.meta.date, doc.meta.date_origin) == ("2025-09-15", "dateline")


def test_a_dateline_without_a_year_takes_the_files_year_or_the_one_before(tmp_path):
    early = read_document(_dated(tmp_path / "a.txt", "SEOUL, Sept. 15 — Officials met.\n", "2021-10-01"))
    late = read_document(_dated(tmp_path / "b.txt", "SEOUL, Dec. 30 — Officials met.\n", "2022-01-05"))
    assert (early.meta.date, late.meta.date) == ("2021-09-15", "2021-12-30")


def test_metadata_outranks_a_dateline(tmp_path):
    text = "Title: Port talks\nDate: 2024-06-02\n\nBUSAN, 1 June 2024 — Officials met.\n"
    doc = read_document(_dated(tmp_path / "a.md", text, "2026-01-20"))
    assert (doc.meta.date, doc.meta.date_origin) == ("2024-06-02", "metadata")


def test_the_files_date_only_when_the_text_states_no_date(tmp_path):
    undated = read_document(_dated(tmp_path / "a.txt", "Officials of both countries met again.\n", "2023-04-05"))
    dated = read_document(_dated(tmp_path / "b.txt", "Officials met on 3 March 2024 in Ankara.\n", "2023-04-05"))
    assert (undated.meta.date, undated.meta.date_origin) == ("2023-04-05", "file")
    assert (dated.meta.date, dated.meta.date_origin) == (None, None)


def test_a_pdf_creation_date_gives_way_to_the_dateline(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(format="A4")
    pdf.set_creation_date(datetime(2019, 2, 3))
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "SEOUL, 15 September 2025 - Hyundai Rotem signed a contract with Otokar.")
    path = tmp_path / "a.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    assert (doc.meta.date, doc.meta.date_origin) == ("2025-09-15", "dateline")


def test_relative_dates_resolve_against_the_dateline_and_the_origin_is_listed(cli: Cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    text = "SEOUL, Sept. 15 — Trade between South Korea and Türkiye reached $10.3 billion last year, officials said.\n"
    _dated(docs / "trade.txt", text, "2021-10-01")
    assert cli("ingest", docs).exit_code == 0
    [listed] = cli.json("documents")
    assert (listed["date"], listed["date_origin"]) == ("2021-09-15", "dateline")
    assert [f["time"] for f in cli.json("facts") if f["unit"] == "USD"] == ["2020"]
    rows = cli.json("sparql", f"SELECT ?o WHERE {{ GRAPH <{META}> {{ ?d ties:dateOrigin ?o }} }}")
    assert [r["o"] for r in rows] == ["dateline"]
