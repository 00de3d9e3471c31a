"""The analyst's decisions: stored with who, when and why, applied to every view, kept through a
changed and a removed document, carried to another store by a file, and refused when they cannot
hold. Everything through the CLI, on the real embedded store (and once on an Oxigraph server).
The walk-through on data/samples (two ingests of every sample) is among the long tests (-m slow)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import networkx as nx
import pytest

from graph.store import open_store
from tests.helpers import SAMPLES, Cli

HR = "https://w3id.org/ties/entity/Firm/Hyundai_Rotem"
K2 = "https://w3id.org/ties/entity/Product/K2_Black_Panther"
FRAMEWORK = "https://w3id.org/ties/entity/Agreement/K2_framework_agreement"
QUOTE = "The K2 framework agreement, signed with Hyundai Rotem"

# Two figures for one measure, year and pair of countries, each credited to its own source.
TRADE = """Trade between two partners

Ankara, 4 March 2024. Bilateral trade between Türkiye and South Korea reached $9.2 billion in 2023,
according to the Korea International Trade Association. The Turkish Statistical Institute put
bilateral trade between Türkiye and South Korea at $8.1 billion in 2023.
"""


def _ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def _documents(folder: Path) -> Path:
    shutil.copytree(SAMPLES, folder)
    (folder / "trade_figures.txt").write_text(TRADE, encoding="utf-8")
    return folder


def _figure_id(cli: Cli, value: float) -> str:
    (found,) = [f["id"] for f in cli.json("facts") if f["value"] == value]
    return found.rsplit("#", 1)[-1]


def _sparql(cli: Cli, query: str, *options: str) -> list[dict]:
    return json.loads(_ok(cli(*options, "sparql", query, "--format", "json")))


def _edges(cli: Cli, *options: str) -> set[tuple[str, str, str]]:
    graphml = _ok(cli(*options, "export", "graphml", "-"))
    g = nx.parse_graphml(graphml)
    return {(u, d.get("relation"), v) for u, v, d in g.edges(data=True)}


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """The README's walk-through: every kind of decision, then a changed document, a removed one,
    and the decisions exported and imported into a fresh store that ingests the same files."""
    root = tmp_path_factory.mktemp("curate")
    docs = _documents(root / "docs")
    cli = Cli(root / "store")
    _ok(cli("ingest", docs))
    figure = _figure_id(cli, 8.1e9)
    made = [
        cli("curate", "merge", "DLSY", "Daelim", "--reason", "one joint venture", "--by", "ayse"),
        cli("curate", "split", "Recep Tayyip Erdoğan", "Erdoğan"),
        cli("curate", "alias", "Hyundai Rotem", "HR Co"),
        cli("curate", "reject", "Hyundai Rotem", "supplies", "K2 Black Panther", "--reason", "sold to Poland, not us"),
        cli("curate", "confirm", "Hyundai Rotem", "develops", "K2 Black Panther"),
        cli("curate", "assert", "Hyundai Rotem", "partyTo", "K2 framework agreement", "--source",
            "poland_korea_arms_deals.html", "--quote", QUOTE),
        cli("curate", "prefer", figure, "--reason", "official statistics"),
    ]  # fmt: skip
    outputs = [_ok(r) for r in made]
    with (docs / "altay_hyundai_rotem.txt").open("a", encoding="utf-8") as fh:
        fh.write("\nHyundai Rotem has since sold the K2 Black Panther to Poland again.\n")
    _ok(cli("ingest", docs))
    removal = cli("remove", str(docs / "istanbul_bridges_korean_builders.md"))
    _ok(removal)
    exported = root / "decisions.jsonl"
    _ok(cli("curate", "export", exported))
    other = Cli(root / "other")
    _ok(other("curate", "import", exported))
    _ok(other("ingest", docs))
    _ok(other("remove", str(docs / "istanbul_bridges_korean_builders.md")))
    return {"cli": cli, "other": other, "outputs": outputs, "removal": removal, "exported": exported, "root": root}


@pytest.mark.slow
def test_each_decision_says_what_it_changed(walked):
    outputs = walked["outputs"]
    assert outputs[0].startswith('decision 1: merge "DLSY" "Daelim"') and "(1 document curated)" in outputs[0]
    assert [o.split(":")[0] for o in outputs] == [f"decision {n}" for n in range(1, 8)]


@pytest.mark.slow
def test_decisions_are_listed_with_who_when_and_why(walked):
    listed = walked["cli"].json("curate", "list")
    assert [d["action"] for d in listed] == ["merge", "split", "alias", "reject", "confirm", "assert", "prefer"]
    merge = listed[0]
    assert merge["by"] == "ayse" and merge["reason"] == "one joint venture" and merge["at"].endswith("Z")
    assert listed[6]["reason"] == "official statistics" and listed[5]["quote"] == QUOTE


@pytest.mark.slow
def test_a_rejected_tie_stays_out_of_lookups_graphml_and_sparql_after_its_document_changed(walked):
    cli = walked["cli"]
    assert "supplies" not in {
        r["relation"] for r in cli.json("show", "Hyundai Rotem")["relations"] if r["other"]["id"] == K2
    }
    assert (HR, "supplies", K2) not in _edges(cli)
    assert _sparql(cli, f"SELECT ?o WHERE {{ <{HR}> ties:supplies ?o }}") == []
    # The changed document states it once more; the decision holds for the new text too.
    assert (HR, "supplies", K2) in _edges(cli, "--raw")


@pytest.mark.slow
def test_a_confirmed_tie_is_marked_in_show(walked):
    develops = [r for r in walked["cli"].json("show", "Hyundai Rotem")["relations"] if r["relation"] == "develops"]
    assert develops and all(ev["confirmed_by"].endswith("/decision/5") for ev in develops[0]["evidence"])


@pytest.mark.slow
def test_an_asserted_tie_is_cited_by_its_decision(walked):
    cli = walked["cli"]
    party = [r for r in cli.json("show", "Hyundai Rotem")["relations"] if r["other"]["id"] == FRAMEWORK]
    evidence = [ev for r in party if r["relation"] == "party to" for ev in r["evidence"]]
    assert [ev["source"] for ev in evidence] == ["decision 6"] and evidence[0]["sentence"] == QUOTE
    assert (HR, "party to", FRAMEWORK) in _edges(cli)
    assert _sparql(cli, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{HR}> ties:partyTo <{FRAMEWORK}> }} }}")
    assert (HR, "party to", FRAMEWORK) not in _edges(cli, "--raw")


@pytest.mark.slow
def test_an_alias_finds_the_entity_and_show_lists_the_decisions(walked):
    detail = walked["cli"].json("show", "HR Co")
    assert detail["id"] == HR and "HR Co" in detail["aliases"]
    assert any(d["number"] == 4 and d["action"] == "reject" for d in detail["decisions"])
    shown = _ok(walked["cli"]("show", "HR Co"))
    assert "curated: decision 4, reject" in shown and "https://w3id.org/ties/decision/4" in shown
    involving = walked["cli"].json("entities", "--involving", "HR Co")
    assert FRAMEWORK in {e["id"] for e in involving}


@pytest.mark.slow
def test_a_split_name_is_an_entity_of_its_own_and_the_preferred_figure_is_marked(walked):
    cli = walked["cli"]
    split = cli.json("show", "Erdoğan")
    assert split["label"] == "Erdoğan" and split["id"].endswith("/Person/Erdo%C4%9Fan")
    whole = cli.json("show", "Recep Tayyip Erdoğan")
    assert whole["id"] != split["id"]
    figures = {
        f["value"]: f for f in cli.json("facts", "--about", "South Korea") if f["measure"] == "bilateral trade volume"
    }
    assert figures[8.1e9]["preferred_by"].endswith("/decision/7") and figures[9.2e9]["preferred_by"] is None
    assert figures[9.2e9]["conflicts_with"] and figures[8.1e9]["conflicts_with"]


@pytest.mark.slow
def test_a_decision_whose_document_went_is_kept_listed_as_orphaned_and_noted(walked):
    assert "decision 1" in walked["removal"].stderr and "orphaned" in walked["removal"].stderr
    orphans = walked["cli"].json("curate", "list", "--orphaned")
    assert [(d["number"], d["status"]) for d in orphans] == [(1, "orphaned")]


@pytest.mark.slow
def test_raw_shows_the_extraction_alone(walked):
    cli = walked["cli"]
    raw = cli.json("--raw", "show", "Hyundai Rotem")
    assert raw["decisions"] == [] and "HR Co" not in raw["aliases"]
    assert any(r["relation"] == "supplies" and r["other"]["id"] == K2 for r in raw["relations"])
    assert _sparql(cli, f"SELECT ?o WHERE {{ <{HR}> ties:supplies ?o }}", "--raw")
    assert _sparql(cli, "SELECT ?d WHERE { GRAPH ?g { ?d a ties:Decision } }", "--raw") == []
    assert [d["label"] for d in cli.json("--raw", "entities", "--type", "Person") if d["label"] == "Erdoğan"] == []


@pytest.mark.slow
def test_imported_decisions_and_the_same_ingest_give_the_same_curated_graph(walked):
    def quads(cli: Cli) -> list[str]:
        text = _ok(cli("export", "nquads", "-"))
        # Only the time each document was ingested differs between the two stores.
        return sorted(line for line in text.splitlines() if "generatedAtTime" not in line or "/decision/" in line)

    first, second = quads(walked["cli"]), quads(walked["other"])
    assert len(first) > 1000 and first == second


@pytest.mark.slow
def test_the_trig_export_imports_to_the_same_decisions(walked, tmp_path):
    cli = walked["cli"]
    trig = tmp_path / "decisions.trig"
    _ok(cli("curate", "export", trig))
    fresh = Cli(tmp_path / "fresh")
    assert "imported 7 decisions" in _ok(fresh("curate", "import", trig))
    assert fresh.json("curate", "list", "--format", "json") != []
    lines = walked["exported"].read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["number"] for line in lines] == list(range(1, 8))
    again = tmp_path / "again.jsonl"
    _ok(fresh("curate", "export", again))
    assert again.read_text(encoding="utf-8") == walked["exported"].read_text(encoding="utf-8")


@pytest.mark.slow
def test_evaluate_decisions_reports_precision_and_duplicates(walked):
    line = _ok(walked["cli"]("evaluate", "--decisions"))
    assert "precision=0.500 (confirmed 1, rejected 1)" in line and "1 merges" in line and "asserted=1" in line


# --- refused ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    docs = _documents(root / "docs")
    for name in list(docs.iterdir()):
        if name.name not in ("poland_korea_arms_deals.html", "trade_figures.txt"):
            name.unlink()
    cli = Cli(root / "store")
    _ok(cli("ingest", docs))
    return cli


def _copy(small: Cli, tmp_path: Path) -> Cli:
    shutil.copytree(small.store, tmp_path / "store")
    return Cli(tmp_path / "store")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("merge", "Hyundai Rotem", "Hyundai Rotem Company"), "one entity already"),
        (("reject", "Hyundai Rotem", "memberOf", "Poland"), "no document states 'Hyundai Rotem' memberOf 'Poland'"),
        (("assert", "Hyundai Rotem", "partyTo", "Poland", "--source", "poland_korea_arms_deals.html", "--quote", "not in it"), "not in"),
        (("assert", "Hyundai Rotem", "partyTo", "Poland", "--source", "nowhere.txt"), "no document named"),
        (("split", "Hyundai Rotem", "Hyundai Rotem"), "own label"),
        (("undo", "9"), "no decision 9"),
        (("prefer", "observation-0000000000000000"), "no figure"),
        (("merge", "Hyundai Rotem", "Nowhere Industries {x}"), "no entity is named"),
    ],
)  # fmt: skip
def test_a_decision_that_cannot_hold_is_refused_in_one_line_and_changes_nothing(small, tmp_path, args, says):
    cli = _copy(small, tmp_path)
    before = _ok(cli("export", "nquads", "-"))
    result = cli("curate", *args)
    assert result.exit_code == 1 and says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert _ok(cli("export", "nquads", "-")) == before


def test_a_cycle_of_merges_is_refused(small, tmp_path):
    cli = _copy(small, tmp_path)
    _ok(cli("curate", "merge", "Bumar-Łabędy", "Polish Armament Group"))
    again = cli("curate", "merge", "Polish Armament Group", "Bumar-Łabędy")
    assert again.exit_code == 1 and "one entity already" in again.stderr


def test_undo_brings_the_extraction_back(small, tmp_path):
    cli = _copy(small, tmp_path)
    before = _ok(cli("export", "nquads", "-"))
    _ok(cli("curate", "reject", "Hyundai Rotem", "partyTo", "first K2 executive contract"))
    assert _ok(cli("export", "nquads", "-")) != before
    assert "undid decision 1" in _ok(cli("curate", "undo", "1"))
    graphs = [line for line in _ok(cli("export", "nquads", "-")).splitlines() if "/graph/metadata>" not in line]
    assert sorted(line for line in graphs if "/decision" not in line) == sorted(
        line for line in before.splitlines() if "/graph/metadata>" not in line
    )
    assert [d["status"] for d in cli.json("curate", "list")] == ["undone"]
    assert cli("curate", "undo", "1").exit_code == 1


def _line(**changes) -> str:
    record = {
        "format": 1,
        "number": 1,
        "action": "alias",
        "target": HR,
        "target_type": "Firm",
        "target_label": "Hyundai Rotem",
        "by": "ayse",
        "at": "2026-01-31T09:00:00Z",
        "name": "HR Co",
    }
    return json.dumps(record | changes) + "\n"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ('{"format": 99, "number": 1}\n', "newer ties"),
        ("not json at all\n", "is not JSON"),
        ('{"number": 1}\n', "no record format"),
        ("", "holds no decisions"),
        ('{"format": 1, "number": 1, "action": "merge"}\n', "not a whole record"),
        (_line(number=1) + _line(number=1, name="Other"), "two decisions numbered 1"),
        (_line(target="not an IRI"), "not a whole record"),
        (_line(number=-3), "below 1"),
        (_line(at="yesterday"), "no ISO 8601 time"),
    ],
)
def test_a_decisions_file_that_cannot_be_read_changes_nothing(small, tmp_path, content, says):
    cli = _copy(small, tmp_path)
    path = tmp_path / "decisions.jsonl"
    path.write_text(content, encoding="utf-8")
    result = cli("curate", "import", path)
    assert result.exit_code == 1 and says in result.stderr, result.output
    assert cli.json("curate", "list") == []


def test_the_raw_view_refuses_to_change_the_store(small, tmp_path):
    cli = _copy(small, tmp_path)
    result = cli("--raw", "curate", "alias", "Hyundai Rotem", "HR")
    assert result.exit_code == 2 and "--raw is for reading" in result.stderr


def test_a_second_writer_is_told_the_store_is_busy(small, tmp_path):
    cli = _copy(small, tmp_path)
    with open_store(cli.store, write=True):
        result = cli("curate", "alias", "Hyundai Rotem", "HR")
    assert result.exit_code == 1 and "another ties process" in result.stderr
    assert cli.json("curate", "list") == []


@pytest.mark.slow
def test_decisions_work_the_same_on_an_oxigraph_server(tmp_path):
    from tests.store.test_remote import OxigraphServer

    server = OxigraphServer(tmp_path / "db").start()
    try:
        docs = tmp_path / "docs"
        docs.mkdir()
        shutil.copy(SAMPLES / "poland_korea_arms_deals.html", docs)
        cli = Cli(server.url)  # type: ignore[arg-type]
        _ok(cli("ingest", docs))
        _ok(cli("curate", "reject", "Hyundai Rotem", "partyTo", "first K2 executive contract", "--reason", "test"))
        _ok(cli("curate", "alias", "Hyundai Rotem", "HR Co"))
        contract = "https://w3id.org/ties/entity/Agreement/first_K2_executive_contract"
        assert _sparql(cli, f"SELECT ?o WHERE {{ <{HR}> ties:partyTo <{contract}> }}") == []
        assert _sparql(cli, f"SELECT ?p WHERE {{ <{HR}> ties:partyTo <{contract}> }}", "--raw") != []
        assert cli.json("show", "HR Co")["id"] == HR
        _ok(cli("ingest", docs))  # unchanged: nothing to do, and the decisions still hold
        exported = tmp_path / "decisions.jsonl"
        _ok(cli("curate", "export", exported))
        assert [json.loads(line)["action"] for line in exported.read_text().splitlines()] == ["reject", "alias"]
        assert _sparql(cli, f"SELECT ?o WHERE {{ <{HR}> ties:partyTo <{contract}> }}") == []
    finally:
        server.stop()


def test_an_alias_and_an_assertion_follow_their_entity_through_a_rename(small, tmp_path):
    cli = _copy(small, tmp_path)
    _ok(cli("curate", "alias", "Hyundai Rotem", "HR Co"))
    _ok(cli("curate", "assert", "Hyundai Rotem", "partyTo", "Poland", "--source", "https://example.org/a"))
    _ok(cli("curate", "rename", "Hyundai Rotem", "Hyundai Rotem Corporation"))
    firms = [e["label"] for e in cli.json("firms") if e["label"].startswith("Hyundai Rotem")]
    assert firms == ["Hyundai Rotem Corporation"]
    renamed = cli.json("show", "HR Co")
    assert renamed["label"] == "Hyundai Rotem Corporation" and "Hyundai Rotem" in renamed["aliases"]
    assert any(r["relation"] == "party to" and r["other"]["label"] == "Poland" for r in renamed["relations"])
    assert cli.json("curate", "list", "--orphaned") == []
    again = cli("curate", "alias", "Hyundai Rotem Corporation", "HR Co")
    assert again.exit_code == 1 and "already" in again.stderr


def test_the_same_decision_twice_is_refused(small, tmp_path):
    cli = _copy(small, tmp_path)
    _ok(cli("curate", "confirm", "Hyundai Rotem", "partyTo", "first K2 executive contract"))
    again = cli("curate", "confirm", "Hyundai Rotem", "partyTo", "first K2 executive contract", "--by", "other")
    assert again.exit_code == 1 and "decision 1 does this already" in again.stderr


def test_an_asserted_tie_is_withdrawn_by_undo_not_rejected(small, tmp_path):
    cli = _copy(small, tmp_path)
    _ok(cli("curate", "assert", "Hyundai Rotem", "memberOf", "Poland", "--source", "https://example.org/a"))
    refused = cli("curate", "reject", "Hyundai Rotem", "memberOf", "Poland")
    assert refused.exit_code == 1 and "curate undo" in refused.stderr


def test_a_merged_entity_keeps_its_own_wikidata_item(small, tmp_path):
    cli = _copy(small, tmp_path)
    before = cli.json("show", "Poland")["wikidata"]
    _ok(cli("curate", "merge", "Poland", "South Korea"))
    assert before and cli.json("show", "Poland")["wikidata"] == before
    assert _sparql(cli, "SELECT ?w WHERE { <https://w3id.org/ties/entity/Country/Poland> owl:sameAs ?w }") == [
        {"w": f"http://www.wikidata.org/entity/{before}"}
    ]


def test_importing_a_file_again_carries_its_undos_over(small, tmp_path):
    source = _copy(small, tmp_path / "a")
    _ok(source("curate", "reject", "Hyundai Rotem", "partyTo", "first K2 executive contract"))
    exported = tmp_path / "decisions.jsonl"
    _ok(source("curate", "export", exported))
    target = Cli(tmp_path / "b" / "store")
    shutil.copytree(small.store, target.store)
    _ok(target("curate", "import", exported))
    _ok(source("curate", "undo", "1"))
    _ok(source("curate", "export", exported))
    assert "imported 1" in _ok(target("curate", "import", exported))
    assert [d["status"] for d in target.json("curate", "list")] == ["undone"]


def test_the_explorer_opens_a_decision_cited_as_a_source(small, tmp_path):
    from graph.serve.explorer import document

    cli = _copy(small, tmp_path)
    quote = "signed the first K2 executive contract with Hyundai Rotem"
    _ok(
        cli(
            "curate",
            "assert",
            "Hyundai Rotem",
            "memberOf",
            "Poland",
            "--source",
            "poland_korea_arms_deals.html",
            "--quote",
            quote,
        )
    )
    with open_store(cli.store) as store:
        opened = document(store, "decision 1")
    assert opened["id"].endswith("/decision/1") and opened["text"] == quote and "assert" in opened["title"]
