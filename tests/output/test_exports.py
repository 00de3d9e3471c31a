"""Exports as users open them: to standard output for a pipe, CSV edges a spreadsheet reads without
looking IRIs up, GEXF that Gephi draws with labelled edges and nodes coloured by type."""

from __future__ import annotations

import csv
import io
import subprocess
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from tests.helpers import installed_ties

GEXF = "{http://www.gexf.net/1.2draft}"
VIZ = "{http://www.gexf.net/1.2draft/viz}"


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "nquads", "trig", "turtle", "jsonld"])
def test_a_dash_writes_the_export_to_standard_output(samples, fmt):
    result = samples("export", fmt, "-")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.strip() and "wrote" not in result.stdout


def test_graphml_on_standard_output_pipes_into_networkx(samples_store):
    ties = installed_ties()
    exported = subprocess.run([ties, "--store", samples_store, "export", "graphml", "-"], capture_output=True)
    assert exported.returncode == 0, exported.stderr
    g = nx.read_graphml(io.BytesIO(exported.stdout))
    assert g.number_of_nodes() > 50 and "Hyundai Rotem" in {d["label"] for _, d in g.nodes(data=True)}


def test_csv_cannot_go_to_standard_output_and_says_why(samples):
    result = samples("export", "csv", "-")
    assert result.exit_code == 2 and "two files" in result.output


def test_csv_edges_carry_both_ends_labels_and_the_relation(samples, tmp_path):
    assert samples("export", "csv", tmp_path / "net").exit_code == 0
    with (tmp_path / "net.edges.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {"source_label", "target_label", "relation"} <= set(rows[0])
    assert any(r["source_label"] == "Hyundai Rotem" or r["target_label"] == "Hyundai Rotem" for r in rows)
    assert all(r["relation"] and not r["relation"].startswith("http") for r in rows)


def test_gexf_edges_are_labelled_and_nodes_coloured_by_type(samples, tmp_path):
    assert samples("export", "gexf", tmp_path / "net.gexf").exit_code == 0
    root = ET.parse(tmp_path / "net.gexf").getroot()
    edges = root.iter(f"{GEXF}edge")
    assert all(e.get("label") for e in edges)
    colours: dict[str, set[tuple[str, str, str]]] = {}
    for node in root.iter(f"{GEXF}node"):
        colour = node.find(f"{VIZ}color")
        kind = next(v.get("value") for v in node.iter(f"{GEXF}attvalue") if v.get("for") == _type_attribute(root))
        assert colour is not None
        colours.setdefault(kind, set()).add((colour.get("r"), colour.get("g"), colour.get("b")))
    assert all(len(c) == 1 for c in colours.values())  # one colour a type
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)  # and no two types alike


def _type_attribute(root: ET.Element) -> str:
    return next(a.get("id") for a in root.iter(f"{GEXF}attribute") if a.get("title") == "type")
