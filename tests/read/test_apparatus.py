"""Bylines, reference lists, author bios, captions and related-article blocks stay in the text
and are blanked where extraction reads; a body sentence never is."""

from __future__ import annotations

from graph.read.apparatus import find_apparatus
from graph.read.files import read_document
from tests.helpers import Cli

META = "https://w3id.org/ties/graph/metadata"

ARTICLE = """Korea and Türkiye widen their defence ties

By Selin Aydın and Park Ji-woo

Hyundai Rotem signed a contract with Otokar in Ankara.[1] Officials expect more orders next year.[ii]

Sources said the talks had lasted two years, and people close to the deal said Roketsan was consulted.

Photo: Hanwha Aerospace delegates in Ankara during a visit with Aselsan.

Related articles
Hanwha Aerospace wins Aselsan deal in record time
KAI and TUSAS sign a memorandum in Seoul

Selin Aydın is a senior fellow at the Ankara Policy Centre who writes on Hanwha Aerospace and Aselsan.

References
[1] Daily Sabah, "Hanwha Aerospace and Aselsan sign a deal", https://www.dailysabah.com/business/defense/hanwha-aselsan, Access Date: 25.11.2025
[ii] Yonhap, "KAI and TUSAS in Seoul", https://en.yna.co.kr/view/AEN2025 (accessed 2 December 2025)
"""


def _line(text: str, start: str) -> tuple[int, int]:
    at = text.index(start)
    return at, text.index("\n", at)


def _blank(masked: str, span: tuple[int, int]) -> bool:
    return not masked[span[0] : span[1]].strip()


def test_apparatus_is_blanked_and_the_body_is_not(tmp_path):
    path = tmp_path / "ties.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    doc = read_document(path)
    assert len(doc.masked) == len(doc.text) and doc.text == ARTICLE
    for start in ("By Selin", "Photo:", "Related articles", "Hanwha Aerospace wins", "KAI and TUSAS sign",
                  "Selin Aydın is", "References", "[1] Daily Sabah", "[ii] Yonhap"):  # fmt: skip
        assert _blank(doc.masked, _line(ARTICLE, start)), start
    body = doc.masked[slice(*_line(ARTICLE, "Hyundai Rotem signed"))]
    assert "Hyundai Rotem signed a contract with Otokar in Ankara." in body and "[1]" not in body
    assert doc.masked[slice(*_line(ARTICLE, "Sources said"))] == ARTICLE[slice(*_line(ARTICLE, "Sources said"))]
    assert doc.meta.author == "Selin Aydın and Park Ji-woo"


def test_cited_addresses_are_the_documents_references():
    found = find_apparatus(ARTICLE)
    assert found.references == [
        "https://www.dailysabah.com/business/defense/hanwha-aselsan",
        "https://en.yna.co.kr/view/AEN2025",
    ]


def test_a_body_paragraph_about_sources_and_a_notes_word_is_kept():
    text = (
        "Notes on the deal were shared with reporters, sources said, and Otokar confirmed the order.\n\n"
        "Sources\n\nThe sources of the financing are Korean banks, and Hyundai Rotem will repay them by 2030 "
        "according to the schedule the two firms agreed in Ankara last spring with the ministry's approval.\n"
    )
    assert find_apparatus(text).spans == []


def test_a_bio_in_the_body_about_someone_else_is_kept():
    text = "By Selin Aydın\n\nKim Jung-hoon is a former analyst who now leads KEPCO's office in Ankara.\n"
    spans = find_apparatus(text).spans
    assert spans == [_line(text, "By Selin")]


def test_no_tie_comes_from_a_reference_list_and_its_urls_are_recorded(cli: Cli, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ties.txt").write_text(ARTICLE, encoding="utf-8")
    assert cli("ingest", docs).exit_code == 0
    rows = cli.json(
        "sparql",
        "SELECT ?sentence ?start WHERE { GRAPH ?g { ?e a ties:Evidence ; ties:sentence ?sentence ; ties:start ?start } }",
    )
    body_end = ARTICLE.index("Photo:")
    assert rows and all(int(r["start"]) < body_end for r in rows), rows
    labels = {e["label"] for e in cli.json("entities")}
    assert {"Hyundai Rotem", "Otokar"} <= labels and "Hanwha Aerospace" not in labels and "TUSAS" not in labels
    cited = cli.json("sparql", f"SELECT ?u WHERE {{ GRAPH <{META}> {{ ?d dcterms:references ?u }} }}")
    assert {r["u"] for r in cited} == set(find_apparatus(ARTICLE).references)


def test_a_text_that_is_itself_about_a_writer_is_body_not_a_bio():
    text = (
        "Marten Hollis\n\n"
        "Marten Hollis is a Dutch novelist and journalist who has written for NRC Handelsblad since 1998. "
        "He was born in Utrecht and lives in Leiden.\n"
    )
    assert find_apparatus(text).spans == []
