"""PDF text as a person reads it: justified, wrapped, hyphenated lines joined; running headers,
footers and page numbers dropped; two columns in reading order; a scanned page named."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.read.files import read_document
from graph.read.pdf import reading_text
from tests.helpers import Cli

fpdf = pytest.importorskip("fpdf")

SHY = "\u00ad"  # fpdf2 may break a line at a soft hyphen, and prints a hyphen there
PARAGRAPHS = [
    "SEOUL, 15 September 2025 - Trade between South Korea and Türkiye reached $10.3 billion in 2024, according "
    "to figures the Korea International Trade Association released on Monday. Officials in both capitals called "
    f"the result a sign of deepening eco{SHY}nomic co{SHY}operation between the two countries.",
    "Hyundai Rotem signed a contract with Otokar on 1 August 2025 to supply power packs for the Altay main battle "
    f"tank. The agreement ends years of nego{SHY}tiation over the engine and transmission of the tank, which "
    "Otokar assembles in Sakarya for the Turkish Land Forces.",
    "Korea Electric Power Corporation opened an office in Ankara to prepare a bid for the Sinop nuclear power "
    "plant. Kim Jung-hoon, who leads the company's overseas division, met the Turkish energy minister Alparslan "
    "Bayraktar in March to discuss the financing of the project.",
    "Hanwha Aerospace and Roketsan agreed in June to study a joint artillery programme. The two firms said a "
    "feasibility report would follow within a year, and that the Korea-Türkiye partnership in defence would "
    "widen to naval systems.",
]
HEADER = "Korea Trade Monitor | Quarterly Brief"


def justified_pdf(path: Path, paragraphs: list[str], repeat: int = 5) -> Path:
    """A PDF of PARAGRAPHS (REPEAT times, so that it runs over pages) in justified, wrapped lines
    with a running header and page numbers, as a report's typesetter makes it."""
    pdf = fpdf.FPDF(format="A4")
    pdf.set_margins(18, 20, 18)
    pdf.set_auto_page_break(True, margin=22)

    def header() -> None:
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(0, 6, HEADER, align="C")
        pdf.ln(10)

    def footer() -> None:
        pdf.set_y(-15)
        pdf.set_font("Helvetica", "", 8)
        pdf.cell(0, 6, str(pdf.page_no()), align="C")

    pdf.header = header  # type: ignore[method-assign]
    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    for _ in range(repeat):
        for paragraph in paragraphs:
            pdf.multi_cell(0, 5, paragraph, align="J", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
    pdf.output(str(path))
    return path


def _plain(paragraphs: list[str], repeat: int = 5) -> str:
    return "\n\n".join(p.replace(SHY, "") for p in paragraphs * repeat) + "\n"


def test_justified_wrapped_hyphenated_pages_read_as_the_plain_text(tmp_path):
    from pypdf import PdfReader

    path = justified_pdf(tmp_path / "brief.pdf", PARAGRAPHS)
    assert len(PdfReader(path).pages) >= 2  # so that headers, numbers and a page break are met
    doc = read_document(path)
    assert doc.text == _plain(PARAGRAPHS)


def test_a_hyphen_joining_names_is_kept_at_a_line_end():
    page = "The talks on the Korea-\nTürkiye partnership and co-\noperation went on, and the state-\nowned firm paid.\n"
    text = reading_text([page])
    assert "Korea-Türkiye partnership" in text and "cooperation" in text and "state-owned" in text


def test_runs_of_spaces_collapse_and_page_numbers_at_the_edges_go():
    body = "{} reached   $10.3  billion in sales.\n\nAnalysts in {} called the figure  final.\n"
    places = (("Hyundai Rotem", "Seoul"), ("Otokar", "Ankara"), ("Hanwha Aerospace", "Busan"))
    pages = [f"{HEADER}\n\n{body.format(*names)}\n{n}\n" for n, names in enumerate(places, 1)]
    text = reading_text(pages)
    assert "Otokar reached $10.3 billion in sales.\n\nAnalysts in Ankara called the figure final." in text
    assert HEADER not in text and not any(line.strip() in "123" for line in text.splitlines() if line.strip())


def two_column_pdf(path: Path, left: list[str], right: list[str]) -> Path:
    """A page whose content stream interleaves the two columns line by line, as some producers
    write it: only the positions tell which line follows which."""
    pdf = fpdf.FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    pdf.text(20, 25, "Defence Industry Notes")
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        pdf.text(20, 40 + 5 * i, a)
        pdf.text(110, 40 + 5 * i, b)
    pdf.output(str(path))
    return path


def test_two_columns_are_read_left_column_first(tmp_path):
    left = [
        "Hyundai Rotem builds the tank's power",
        "pack with its partner Otokar, which",
        "assembles the Altay in Sakarya.",
    ]
    right = [
        "KEPCO meanwhile studies the Sinop",
        "plant on the Black Sea coast, where",
        "talks resumed after a long pause.",
    ]
    doc = read_document(two_column_pdf(tmp_path / "columns.pdf", left, right))
    assert "Hyundai Rotem builds the tank's power pack with its partner Otokar, which assembles the Altay" in doc.text
    assert "KEPCO meanwhile studies the Sinop plant on the Black Sea coast, where talks resumed" in doc.text
    assert doc.text.index("Sakarya") < doc.text.index("KEPCO")


def test_a_scanned_page_among_text_pages_is_named_in_a_warning(tmp_path):
    pdf = fpdf.FPDF(format="A4")
    pdf.set_font("Helvetica", "", 10)
    for text in ("Hyundai Rotem signed a contract with Otokar.", None, "KEPCO opened an office in Ankara."):
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 5, text)
        else:  # an image only, as a scanner makes a page
            pdf.rect(20, 20, 100, 150, style="F")
    path = tmp_path / "mixed.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    assert "Otokar" in doc.text and "Ankara" in doc.text
    assert len(doc.warnings) == 1 and "page 2 of 3" in doc.warnings[0] and "OCR" in doc.warnings[0]


def _labels(cli: Cli) -> set[tuple[str, str]]:
    return {(e["label"], e["type"]) for e in cli.json("entities")}


def _ties(cli: Cli) -> set[tuple[str, str, str]]:
    rows = cli.json(
        "sparql",
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?e a ties:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }",
    )
    return {(r["s"], r["p"], r["o"]) for r in rows}


def _figures(cli: Cli) -> set[tuple]:
    return {(f.get("value"), f.get("unit"), f.get("time"), f.get("measure")) for f in cli.json("facts")}


def test_a_typeset_pdf_gives_what_the_same_text_gives(tmp_path):
    pdf_docs, txt_docs = tmp_path / "pdf", tmp_path / "txt"
    pdf_docs.mkdir()
    txt_docs.mkdir()
    justified_pdf(pdf_docs / "brief.pdf", PARAGRAPHS)
    (txt_docs / "brief.txt").write_text(_plain(PARAGRAPHS), encoding="utf-8")
    from_pdf, from_txt = Cli(tmp_path / "store-pdf"), Cli(tmp_path / "store-txt")
    assert from_pdf("ingest", pdf_docs).exit_code == 0
    assert from_txt("ingest", txt_docs).exit_code == 0
    assert _labels(from_pdf) == _labels(from_txt)
    assert _ties(from_pdf) == _ties(from_txt) and _ties(from_txt)
    assert _figures(from_pdf) == _figures(from_txt)
    trade = [f for f in from_pdf.json("facts") if f.get("unit") == "USD"]
    assert any(f["value"] == 10.3e9 and str(f.get("time", "")).startswith("2024") for f in trade), trade


def test_a_table_is_read_row_by_row_not_as_two_columns():
    page = "\n".join(
        f"{firm:<20}{partner:<20}{year}      {value}"
        for firm, partner, year, value in (
            ("Hyundai Rotem", "Otokar", 2023, "$1.1 bn"),
            ("Hanwha Aerospace", "Roketsan", 2024, "$0.6 bn"),
            ("KAI", "TUSAS", 2024, "$0.2 bn"),
            ("KEPCO", "EUAS", 2025, "$2.0 bn"),
        )
    )
    text = reading_text([page])
    assert "\nHanwha Aerospace\tRoketsan\t2024\t$0.6 bn\n" in text


LATIN_EXTENDED = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")


@pytest.mark.skipif(not LATIN_EXTENDED.exists(), reason="no TrueType font with Polish and Turkish letters here")
def test_names_with_letters_beyond_latin_1_are_read_whole(tmp_path):
    pdf = fpdf.FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("Serif", "", str(LATIN_EXTENDED))
    pdf.set_font("Serif", "", 11)
    sentence = "Władysław Kosiniak-Kamysz met Şükrü Güneş of İstanbul-based Aselsan in Warsaw. "
    pdf.multi_cell(0, 6, sentence * 4, align="J")
    path = tmp_path / "names.pdf"
    pdf.output(str(path))
    assert read_document(path).text == (sentence * 4).strip() + "\n"
