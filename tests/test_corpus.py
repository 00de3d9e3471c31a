"""Issue checks on the shared evaluation corpus (../shared/corpus), when it is
beside the checkout: idempotence, exact spans, lookups, export, validation."""

from __future__ import annotations

import io

import networkx as nx

from graph.store import open_store
from tests.helpers import SHARED_CORPUS


def _quads(path) -> list[bytes]:
    buf = io.BytesIO()
    with open_store(path) as s:
        s.dump(buf, "nquads")
    return sorted(buf.getvalue().splitlines())


def test_reingesting_the_corpus_changes_no_quad(corpus, corpus_store):
    before = _quads(corpus_store)
    result = corpus("ingest", SHARED_CORPUS)
    assert result.exit_code == 0 and result.stdout.count("unchanged") == len(list(SHARED_CORPUS.glob("*.txt")))
    assert _quads(corpus_store) == before


def test_every_evidence_span_slices_its_document_and_the_store_conforms(corpus):
    result = corpus("validate")
    assert result.exit_code == 0, result.stdout[-2000:]


def test_show_turkiye_finds_turkiye(corpus):
    assert corpus.json("show", "Turkiye")["label"] == "Türkiye"


def test_unknown_name_lists_the_closest(corpus):
    result = corpus("show", "Hyundai Rotam")
    assert result.exit_code == 1 and "Hyundai Rotem" in result.stderr


def test_malformed_sparql_is_one_line(corpus):
    result = corpus("sparql", "SELECT WHERE {")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_graphml_has_a_label_on_every_node(corpus, tmp_path):
    assert corpus("export", "graphml", tmp_path / "g.graphml").exit_code == 0
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.number_of_nodes() > 30 and all(d.get("label") for _, d in g.nodes(data=True))


def test_trade_figures_from_two_sources_are_kept_and_flagged(corpus):
    trade = [
        f
        for f in corpus.json("facts", "--between", "Türkiye", "South Korea")
        if f["measure"] == "bilateral trade volume"
    ]
    by_value = {f["value"]: f for f in trade}
    assert {12.8e9, 9e9} <= by_value.keys()
    assert by_value[12.8e9]["conflicts_with"] and by_value[9e9]["conflicts_with"]
    assert by_value[12.8e9]["source"]["name"] != by_value[9e9]["source"]["name"]
    assert by_value[30e9]["status"] == "target" and by_value[15e9]["status"] == "estimate"


def test_timeline_of_the_pair_is_in_order_with_sources(corpus):
    items = corpus.json("timeline", "Türkiye", "South Korea")
    dates = [i["date"] for i in items]
    assert dates == sorted(dates) and all(i["source"]["name"] for i in items)
    said = {(i["date"][:4], i["what"]) for i in items}
    assert ("1957", "diplomatic relations established") in said
    assert any(i["date"].startswith("2013") and "Free Trade" in i["label"] for i in items)
    assert any(i["date"] == "2025-11-24" and i.get("end_date") == "2025-11-25" for i in items)


def test_gexf_export_carries_time_for_gephi(corpus, tmp_path):
    assert corpus("export", "gexf", tmp_path / "t.gexf").exit_code == 0
    g = nx.read_gexf(tmp_path / "t.gexf")
    dated = {d["label"]: d for _, d in g.nodes(data=True) if d.get("start")}
    assert dated["Korean War"]["start"].startswith("1950")
