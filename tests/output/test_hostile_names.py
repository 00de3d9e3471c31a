"""Names, titles and file names that documents may hold, written by someone
careless or hostile: they stay one entity, every export parses back, a
spreadsheet does not run them, a terminal does not obey them."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from graph.output.export import write_gexf, write_graphml
from graph.output.safe import csv_cell
from tests.helpers import Cli

FORMAT = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
C0 = "".join(map(chr, range(32)))
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _ingest(cli: Cli, folder: Path, files: dict[str, str | bytes]):
    folder.mkdir(exist_ok=True)
    for name, body in files.items():
        path = folder / name
        path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    result = cli("ingest", folder, "--no-ner")
    assert result.exit_code == 0, result.output
    return result


# --- names that print alike are one entity ------------------------------------------


def test_a_name_with_invisible_format_characters_is_the_same_entity(cli, tmp_path):
    _ingest(
        cli,
        tmp_path / "docs",
        {
            "plain.txt": "Kestrel Dynamics Corp. signed a contract with Otokar in Ankara on 3 May 2024.\n",
            "spiked.txt": "\u200eKestrel\u200d Dyna\u200bmics Corp.\u00ad signed a contract with Roketsan in Izmir.\n",
            "joined.txt": "Kestrel\u200dDynamics Corp. signed a contract with Aselsan in Bursa.\n",
        },
    )
    firms = [e for e in cli.json("entities", "--type", "Firm") if "kestrel" in e["label"].casefold()]
    assert len(firms) == 1, [e["label"] for e in firms]
    (kestrel,) = firms
    assert kestrel["label"] == "Kestrel Dynamics Corp."
    assert {s["name"] for s in kestrel["sources"]} == {"plain.txt", "spiked.txt", "joined.txt"}
    assert not any(FORMAT.search(a) for a in kestrel["aliases"])


def test_a_stray_nul_byte_is_dropped_with_a_warning_and_the_file_kept(cli, tmp_path):
    result = _ingest(
        cli, tmp_path / "docs", {"nul.txt": b"Kestrel Dynamics Corp.\x00 signed a contract with Otokar in Ankara.\n"}
    )
    assert "nul.txt" in result.stdout and "0 failed" in result.stderr
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert "nul.txt" in warning and "NUL" in warning
    assert any(e["label"] == "Kestrel Dynamics Corp." for e in cli.json("entities"))
    (row,) = cli.json("sparql", "SELECT ?t WHERE { GRAPH ?g { ?g ties:text ?t } }")
    assert "\x00" not in row["t"] and "Corp. signed" in row["t"]


# --- every export parses back ---------------------------------------------------------

HOSTILE_LABEL = f"Crane{C0} ]]> <&\"'> \u0085\u009b Works"


@pytest.fixture
def hostile(cli, tmp_path) -> Cli:
    """A store from a real file whose firm name holds a backspace; a second
    firm relabelled through the library with every C0 control and XML's
    special strings."""
    _ingest(
        cli,
        tmp_path / "docs",
        {
            "=cmd.txt": "Alpha\x08 Holdings Inc. signed a contract with Kestrel Dynamics Corp. in Ankara.\n",
        },
    )
    echar = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"'}
    escaped = HOSTILE_LABEL.translate({i: f"\\u{i:04X}" for i in range(32)} | {ord(k): v for k, v in echar.items()})
    result = cli(
        "sparql",
        "--update",
        "DELETE { GRAPH ?g { ?e rdfs:label ?l } } INSERT { GRAPH ?g { ?e rdfs:label "
        f'"{escaped}" }} }} WHERE {{ GRAPH ?g {{ ?e rdfs:label ?l FILTER(?l = "Kestrel Dynamics Corp.") }} }}',
    )
    assert result.exit_code == 0, result.output
    labels = {e["label"] for e in cli.json("entities")}
    assert HOSTILE_LABEL in labels and "Alpha\x08 Holdings Inc." in labels
    return cli


def _xml_labels(path: Path, fmt: str) -> set[str]:
    ET.parse(path)  # an XML parser reads it
    g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
    return {d["label"] for _, d in g.nodes(data=True)}


def _rdf_labels(path: Path, fmt: str) -> set[str]:
    rdf = {
        "trig": ox.RdfFormat.TRIG,
        "nquads": ox.RdfFormat.N_QUADS,
        "turtle": ox.RdfFormat.TURTLE,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[fmt]
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    return {q.object.value for q in ox.parse(path=path, format=rdf) if q.predicate.value == label}


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv", "trig", "nquads", "turtle", "jsonld"])
def test_every_export_parses_back_whatever_the_names(hostile, tmp_path, fmt):
    out = tmp_path / f"graph.{fmt}"
    result = hostile("export", fmt, out)
    assert result.exit_code == 0, result.output
    if fmt in ("graphml", "gexf"):
        # XML cannot carry C0 controls but tab, newline and carriage return; those go, the rest stays.
        labels = _xml_labels(out, fmt)
        assert "Alpha Holdings Inc." in labels
        assert "Crane\t\n\r ]]> <&\"'> \u0085\u009b Works" in labels
    elif fmt == "csv":
        with (tmp_path / "graph.nodes.csv").open(newline="", encoding="utf-8") as fh:
            labels = {row["label"] for row in csv.DictReader(fh)}
        assert HOSTILE_LABEL in labels and "Alpha\x08 Holdings Inc." in labels
    else:
        labels = _rdf_labels(out, fmt)
        assert HOSTILE_LABEL in labels and "Alpha\x08 Holdings Inc." in labels


@pytest.mark.parametrize("writer", [write_graphml, write_gexf])
def test_graph_files_parse_back_with_lone_surrogates_and_every_control(tmp_path, writer):
    g = nx.MultiDiGraph()
    names = ["\ud800 lone high", "lone low \udfff", C0 + "controls", "]]>", "\ufffe\uffff"]
    for i, name in enumerate(names):
        g.add_node(f"https://example.org/{i}", label=name, type="Firm", sources=1, wikidata="")
    g.add_edge(
        "https://example.org/0",
        "https://example.org/1",
        key="partnerOf",
        relation="partner of \udc80",
        predicate="https://example.org/p",
        weight=1,
        documents="a\x01.txt",
    )
    out = tmp_path / "graph.xml"
    writer(g, out)
    ET.parse(out)
    read = nx.read_graphml(out) if writer is write_graphml else nx.read_gexf(out)
    assert {d["label"] for _, d in read.nodes(data=True)} >= {" lone high", "lone low ", "]]>"}
    assert read.number_of_edges() == 1


# --- CSV cells are data, not formulas -------------------------------------------------


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(text.splitlines()) for cell in row]


def _assert_no_formula(cells: list[str]) -> None:
    formulas = [c for c in cells if c.startswith(FORMULA_START)]
    assert not formulas, formulas


def test_export_csv_cells_never_start_a_formula(hostile, tmp_path):
    hostile(
        "sparql",
        "--update",
        'DELETE { GRAPH ?g { ?e rdfs:label ?l } } INSERT { GRAPH ?g { ?e rdfs:label "@SUM(A1:A9)" } } '
        'WHERE { GRAPH ?g { ?e rdfs:label ?l FILTER(STRSTARTS(?l, "Alpha")) } }',
    )
    assert hostile("export", "csv", tmp_path / "graph").exit_code == 0
    nodes = (tmp_path / "graph.nodes.csv").read_text(encoding="utf-8")
    edges = (tmp_path / "graph.edges.csv").read_text(encoding="utf-8")
    _assert_no_formula(_cells(nodes) + _cells(edges))
    assert "'@SUM(A1:A9)" in _cells(nodes)
    assert any(cell.startswith("'=cmd.txt") for cell in _cells(edges))


def test_cli_csv_cells_never_start_a_formula_and_numbers_stay_numbers(hostile):
    entities = hostile("entities", "--format", "csv")
    assert entities.exit_code == 0, entities.output
    _assert_no_formula(_cells(entities.stdout))
    assert "'=cmd.txt" in _cells(entities.stdout)
    rows = hostile(
        "sparql",
        "--format",
        "csv",
        'SELECT ?name (-5 AS ?n) ("+1 call me" AS ?s) WHERE { GRAPH ?g { ?d ties:fileName ?name } }',
    )
    assert rows.exit_code == 0, rows.output
    (row,) = list(csv.DictReader(rows.stdout.splitlines()))
    assert row == {"name": "'=cmd.txt", "n": "-5", "s": "'+1 call me"}


def test_csv_cell_follows_the_owasp_rule():
    assert [csv_cell(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "\rx", "a=b", "", -1, 2.5)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
        "a=b",
        "",
        -1,
        2.5,
    ]


# --- a terminal prints data as data ---------------------------------------------------

HOSTILE_TITLE = "[/b] [link=https://x.example]go[/link] :warning: \x1b[2J\x1b]8;;https://x.example\x07\x9b31m end"


def _squeezed(text: str) -> str:
    return re.sub(r"[\s│┃]+", "", text)


def test_markup_and_escape_sequences_in_titles_and_file_names_print_as_text(cli, tmp_path):
    _ingest(
        cli,
        tmp_path / "docs",
        {
            "[red]x[link=x].txt": f"Title: {HOSTILE_TITLE}\n\nKestrel Dynamics Corp. signed a contract with Otokar.\n",
        },
    )
    for args in (["documents"], ["entities"], ["firms"], ["show", "Kestrel Dynamics Corp."]):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", result.stdout), args
        assert "[red]x[link=x].txt" in _squeezed(result.stdout), args
    shown = _squeezed(cli("documents").stdout)
    # Each word of the title as written, less its control characters; a table may wrap between words.
    for word in ("[/b]", "[link=https://x.example]go[/link]", ":warning:", "[2J]8;;https://x.example31m", "end"):
        assert word in shown, word


def test_json_output_escapes_c1_controls_and_reads_back(cli, tmp_path):
    _ingest(cli, tmp_path / "docs", {"doc.txt": f"Title: {HOSTILE_TITLE}\n\nKestrel Dynamics Corp. met Otokar.\n"})
    result = cli("documents", "--format", "json")
    assert not re.search("[\x00-\x1f\x7f-\x9f]", result.stdout.replace("\n", ""))
    (doc,) = json.loads(result.stdout)
    assert doc["title"] == HOSTILE_TITLE
