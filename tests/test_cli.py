"""The command line as the design's contract states it, through CliRunner and
through the installed `ties` entry point."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
import typer.main
from typer.testing import CliRunner

import graph
from cli import app
from tests.helpers import ROOT, SAMPLES, Cli, installed_ties

COMMANDS = sorted(c.name for c in typer.main.get_command(app).commands.values())


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0 and "Usage" in result.stdout
    assert f"`{command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0].strip() for b in readme.split("```sh\n")[1:3]]
    assert "ties ingest data/samples" in blocks[0] and "pytest" in blocks[1]
    assert blocks[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_entities_json_follows_the_contract(samples):
    items = samples.json("entities")
    assert items
    for item in items:
        assert {"id", "label", "type", "aliases", "sources"} <= item.keys()
        assert item["type"] in {
            "Country",
            "Firm",
            "GovernmentBody",
            "InternationalOrganization",
            "ResearchOrganization",
            "Organization",
            "Person",
            "Project",
            "Agreement",
            "Event",
            "Product",
            "Place",
        }
        assert isinstance(item["aliases"], list) and item["sources"]
        assert all({"name", "id", "title"} <= s.keys() for s in item["sources"])
        assert all((SAMPLES / s["name"]).exists() for s in item["sources"])


def test_projects_involving_hyundai_rotem_answer_with_sources(samples):
    projects = samples.json("projects", "--involving", "Hyundai Rotem")
    altay = [p for p in projects if p["label"] == "Altay"]
    assert altay and "altay_hyundai_rotem.txt" in {s["name"] for s in altay[0]["sources"]}


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_entities_formats(samples, fmt):
    result = samples("entities", "--type", "Firm", "--format", fmt)
    assert result.exit_code == 0 and "Hyundai Rotem" in result.stdout
    if fmt == "json":
        assert all(i["type"] == "Firm" for i in json.loads(result.stdout))
    if fmt == "csv":
        assert result.stdout.splitlines()[0] == "id,label,type,aliases,sources"


def test_show_finds_a_name_whatever_its_accents_and_case(samples):
    detail = samples.json("show", "turkiye")
    assert detail["label"] == "Türkiye" and detail["type"] == "Country"
    assert detail["relations"] and detail["sources"]


def test_show_gives_evidence_that_slices_the_stored_text(samples):
    detail = samples.json("show", "Hyundai Rotem")
    texts = {
        r["name"]: r["text"]
        for r in samples.json(
            "sparql",
            "SELECT ?name ?text WHERE { GRAPH ?d { ?d ties:text ?text } "
            "GRAPH <https://w3id.org/ties/graph/metadata> { ?d ties:fileName ?name } }",
        )
    }
    evidence = [ev for r in detail["relations"] for ev in r["evidence"]]
    assert evidence
    for ev in evidence:
        assert {"source", "sentence", "start", "end"} <= ev.keys()
        assert texts[ev["source"]][ev["start"] : ev["end"]] == ev["sentence"]


def test_unknown_name_exits_1_with_the_closest_names(samples):
    result = samples("show", "Hyundai Rotm")
    assert result.exit_code == 1
    assert "Hyundai Rotem" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_ambiguous_name_exits_1_listing_candidates(cli, tmp_path):
    (tmp_path / "a.txt").write_text("Delta Holding and Delta Airlines signed a deal.\n")
    extra = _tsv(tmp_path, [("Delta Holding", "Firm", "Delta"), ("Delta Airlines", "Firm", "Delta")])
    assert cli("ingest", tmp_path / "a.txt", "--gazetteer", extra).exit_code == 0
    result = cli("show", "delta")
    assert result.exit_code == 1
    assert "Delta Holding" in result.stderr and "Delta Airlines" in result.stderr
    assert cli("show", "Delta Airlines").exit_code == 0


def _tsv(folder: Path, rows) -> Path:
    path = folder / "extra.tsv"
    path.write_text("label\ttype\taliases\twikidata\tcountry\n" + "".join(f"{a}\t{b}\t{c}\t\t\n" for a, b, c in rows))
    return path


def test_malformed_sparql_exits_nonzero_with_one_line(samples):
    result = samples("sparql", "SELEC ?x WHERE { ?x ?y }")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "query,expect",
    [
        ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ties:Firm } }", '"n"'),
        ("ASK { GRAPH ?g { ?s a ties:Country } }", "true"),
        ("CONSTRUCT { ?s a ties:Firm } WHERE { GRAPH ?g { ?s a ties:Firm } } LIMIT 2", "ontology#Firm"),
        ("DESCRIBE <https://w3id.org/ties/entity/Country/T%C3%BCrkiye>", "Türkiye"),
    ],
)
def test_sparql_query_forms(samples, query, expect):
    result = samples("sparql", query, "--format", "json")
    assert result.exit_code == 0, result.output
    assert expect in result.stdout


def test_sparql_updates_are_refused_without_the_flag(cli, tmp_path):
    (tmp_path / "a.txt").write_text("Hyundai Rotem builds tanks for Poland.\n")
    cli("ingest", tmp_path / "a.txt")
    update = "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }"
    result = cli("sparql", update)
    assert result.exit_code == 1 and "--update" in result.stderr
    assert cli.json("stats")["quads"] > 0
    assert cli("sparql", update, "--update").exit_code == 0
    assert cli.json("stats")["quads"] == 0


def test_sparql_from_a_file(samples, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("SELECT ?name WHERE { GRAPH <https://w3id.org/ties/graph/metadata> { ?d ties:fileName ?name } }")
    result = samples("sparql", "--file", path, "--format", "csv")
    assert result.exit_code == 0 and "altay_hyundai_rotem.txt" in result.stdout


def test_graphml_export_opens_in_networkx_with_labels_and_unique_edge_ids(samples, tmp_path):
    out = tmp_path / "ties.graphml"
    assert samples("export", "graphml", out).exit_code == 0
    g = nx.read_graphml(out)
    assert g.number_of_nodes() > 20 and g.number_of_edges() > 20
    assert all(d.get("label") for _, d in g.nodes(data=True))
    root = ET.parse(out).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("id") for k in root.findall("g:key", ns)}
    assert {"label", "type", "weight", "relation"} <= keys
    edge_ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert len(edge_ids) == len(set(edge_ids))


@pytest.mark.parametrize(
    "fmt,suffix",
    [("gexf", "gexf"), ("trig", "trig"), ("nquads", "nq"), ("turtle", "ttl"), ("jsonld", "jsonld"), ("csv", "csv")],
)
def test_other_exports_write_readable_files(samples, tmp_path, fmt, suffix):
    out = tmp_path / f"ties.{suffix}"
    result = samples("export", fmt, out)
    assert result.exit_code == 0, result.output
    if fmt == "gexf":
        assert nx.read_gexf(out).number_of_nodes() > 20
    elif fmt == "csv":
        assert (tmp_path / "ties.nodes.csv").read_text().startswith("id,label")
        assert (tmp_path / "ties.edges.csv").read_text().startswith("source,target")
    else:
        import rdflib

        kind = {"trig": "trig", "nquads": "nquads", "turtle": "turtle", "jsonld": "json-ld"}[fmt]
        data = rdflib.Dataset() if fmt in ("trig", "nquads") else rdflib.Graph()
        data.parse(out, format=kind)
        assert len(data) > 100 or sum(1 for _ in data.quads()) > 100


def test_validate_conforms_on_a_fresh_ingest(samples):
    result = samples("validate")
    assert result.exit_code == 0, result.output


def test_validate_reports_a_broken_store(cli, tmp_path):
    (tmp_path / "a.txt").write_text("Hyundai Rotem signed the K2 Framework Agreement with Poland.\n")
    cli("ingest", tmp_path / "a.txt")
    cli("sparql", "DELETE WHERE { GRAPH ?g { ?ev a ties:Evidence ; ?p ?o } }", "--update")
    result = cli("validate")
    assert result.exit_code == 1, result.stderr
    assert "evidence" in result.stdout.lower()


def test_validate_on_a_missing_store_could_not_run(cli):
    assert cli("validate").exit_code == 2


def test_stats_and_documents(samples):
    figures = samples.json("stats")
    assert figures["documents"] == len(list(SAMPLES.iterdir()))
    assert figures["entities"] == sum(figures["entities_by_type"].values()) > 50
    docs = samples.json("documents")
    assert {d["name"] for d in docs} == {p.name for p in SAMPLES.iterdir()}


def test_installed_entry_point_ingests_and_answers(tmp_path):
    ties = installed_ties()
    assert ties, "the `ties` console script is not installed"
    store = tmp_path / "store"
    run = subprocess.run(
        [ties, "--store", store, "ingest", SAMPLES / "altay_hyundai_rotem.txt"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    run = subprocess.run(
        [ties, "--store", store, "projects", "--involving", "Hyundai Rotem", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0 and "Altay" in {p["label"] for p in json.loads(run.stdout)}
    bad = subprocess.run([ties, "--store", store, "show", "Nonexistent Thing"], capture_output=True, text=True)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr


def test_store_can_come_from_the_environment(tmp_path):
    ties = installed_ties()
    (tmp_path / "a.txt").write_text("KEPCO signed a contract with ENEC.\n")
    env = {"TIES_STORE": str(tmp_path / "envstore"), "PATH": str(Path(ties).parent)}
    run = subprocess.run([ties, "ingest", tmp_path / "a.txt"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "envstore" / "oxigraph").is_dir()


def test_a_second_writer_through_the_cli_gets_one_line_not_a_traceback(tmp_path):
    store = tmp_path / "store"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from graph.store import open_store; "
            f"s = open_store({str(store)!r}, write=True); print('ready', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        (tmp_path / "a.txt").write_text("KEPCO signed a contract with ENEC.\n")
        run = subprocess.run(
            [installed_ties(), "--store", store, "ingest", tmp_path / "a.txt"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.kill()
        holder.wait()
    assert run.returncode == 1 and "another ties process" in run.stderr and "Traceback" not in run.stderr


def test_facts_and_timeline_through_the_cli_on_project_documents(cli):
    assert cli("ingest", ROOT / "data" / "facts").exit_code == 0
    figures = cli.json("facts", "--about", "Vietnam")
    assert any(f["conflicts_with"] for f in figures)
    assert all(
        {"measure", "value", "unit", "time", "subjects", "source", "sentence", "conflicts_with"} <= f.keys()
        for f in figures
    )
    items = cli.json("timeline", "Vietnam")
    assert items and [i["date"] for i in items] == sorted(i["date"] for i in items)
    assert cli("timeline", "Atlantis").exit_code == 1


def test_a_runaway_query_is_stopped_by_the_timeout_and_changes_nothing(samples):
    before = samples.json("stats")["quads"]
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result = samples("sparql", runaway, "--timeout", "1")
    assert result.exit_code == 1 and "stopped" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert samples.json("stats")["quads"] == before


def test_a_query_within_its_timeout_answers_as_usual(samples):
    result = samples("sparql", "ASK { ?s a ties:Firm }", "--timeout", "30", "--format", "json")
    assert result.exit_code == 0 and '"boolean": true' in result.stdout
    result = samples("sparql", "CONSTRUCT { ?s a ties:Firm } WHERE { ?s a ties:Firm } LIMIT 1", "--timeout", "30")
    assert result.exit_code == 0 and "ontology#Firm" in result.stdout


def test_version_and_short_help_answer():
    runner = CliRunner()
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.strip() == f"ties {graph.__version__}"
    assert graph.__version__ != "0+not-installed"
    short = runner.invoke(app, ["-h"])
    assert short.exit_code == 0 and "ingest" in short.stdout
    assert runner.invoke(app, ["show", "-h"]).exit_code == 0


def test_store_is_taken_after_the_command_name_too(tmp_path):
    store = tmp_path / "late"
    (tmp_path / "a.txt").write_text("KEPCO signed a contract with ENEC in Abu Dhabi.\n")
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(tmp_path / "a.txt"), "--store", str(store), "--no-ner"])
    assert ingested.exit_code == 0, ingested.output
    assert (store / "oxigraph").is_dir()
    listed = runner.invoke(app, ["firms", "--format", "json", f"--store={store}"])
    assert listed.exit_code == 0 and "KEPCO" in {f["label"] for f in json.loads(listed.stdout)}


def test_a_piped_ingest_of_many_files_says_how_far_it_is(tmp_path, monkeypatch):
    import cli

    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(12):
        (folder / f"n{i}.txt").write_text(f"Firm Number{i} Holdings Inc. opened an office in Seoul.\n")
    monkeypatch.setattr(cli._progress, "EVERY_S", 0.0)  # a line at every file, rather than every 5 s
    result = CliRunner().invoke(app, ["--store", str(tmp_path / "store"), "ingest", str(folder), "--no-ner"])
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stderr.splitlines() if line.startswith("progress")]
    assert progress and progress[-1].startswith("progress   12/12 files")


@pytest.mark.parametrize(
    "command",
    [["entities"], ["facts"], ["timeline", "Türkiye"], ["documents"], ["sparql", "SELECT ?s WHERE { ?s a ties:Firm }"]],
)
def test_json_lines_hold_one_parsable_object_a_line_and_match_the_json(samples, command):
    lines = samples(*command, "--format", "jsonl")
    assert lines.exit_code == 0, lines.output
    parsed = [json.loads(line) for line in lines.stdout.splitlines()]
    assert parsed and parsed == samples.json(*command)


@pytest.mark.parametrize(("command", "first_column"), [(["facts"], "measure"), (["timeline", "Türkiye"], "date")])
def test_facts_and_timeline_have_csv_with_a_row_a_record(samples, command, first_column):
    result = samples(*command, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and list(rows[0])[0] == first_column
    assert len(rows) == len(samples.json(*command))


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("SELECT ?s WHERE { ?s a undeclared:Thing }", "undeclared prefix"),
        ("SELECT ?s WHERE { ?s a ties:Firm ", 'expected one of "," "."'),
    ],
)
def test_a_sparql_syntax_error_is_one_short_line_with_the_position(samples, query, says):
    result = samples("sparql", query)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert says in line and "line 1, column" in line and len(line) < 250 and "\\u{" not in line


def test_co_mentions_are_left_out_of_lookups_unless_asked(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Norway expanded its coast guard fleet last year, and Kestrel Dynamics Corp. opened an office in Lima.\n"
    )
    cli = Cli(tmp_path / "store")
    assert cli("ingest", tmp_path / "a.txt").exit_code == 0
    assert cli.json("entities", "--involving", "Norway") == []
    asked = {e["label"] for e in cli.json("entities", "--involving", "Norway", "--co-mentions")}
    assert "Kestrel Dynamics Corp." in asked
    assert [f["label"] for f in cli.json("firms", "--involving", "Norway", "--co-mentions")] == [
        "Kestrel Dynamics Corp."
    ]
    plain = cli.json("show", "Norway")["relations"]
    assert not any(r["relation"] == "co-mentioned with" for r in plain)
    assert any(r["relation"] == "co-mentioned with" for r in cli.json("show", "Norway", "--co-mentions")["relations"])


def test_involving_and_show_give_as_sources_the_documents_that_state_the_tie(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "tie.txt").write_text("Kestrel Dynamics Corp. builds the Tidewater Bridge Project in Chile.\n")
    (folder / "mention.txt").write_text("The Tidewater Bridge Project was discussed in Lima last week.\n")
    cli = Cli(tmp_path / "store")
    assert cli("ingest", folder).exit_code == 0
    (bridge,) = [e for e in cli.json("entities", "--involving", "Kestrel Dynamics Corp.") if "Tidewater" in e["label"]]
    assert [s["name"] for s in bridge["sources"]] == ["tie.txt"]  # the bridge's other document states no tie
    (alone,) = [e for e in cli.json("projects") if "Tidewater" in e["label"]]
    assert sorted(s["name"] for s in alone["sources"]) == ["mention.txt", "tie.txt"]
    shown = cli.json("show", "Kestrel Dynamics Corp.")
    (tie,) = [r for r in shown["relations"] if "Tidewater" in r["other"]["label"]]
    assert [s["name"] for s in tie["other"]["sources"]] == ["tie.txt"]  # show too: the documents stating it


def test_limit_and_offset_page_a_long_answer_in_its_order(samples):
    everything = [e["id"] for e in samples.json("entities")]
    pages = [e["id"] for e in samples.json("entities", "--limit", "5", "--offset", "3")]
    assert pages == everything[3:8]
    assert [e["id"] for e in samples.json("firms", "--limit", "2")] == [e["id"] for e in samples.json("firms")][:2]
