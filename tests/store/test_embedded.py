"""The store through ingest: idempotence, replacement, removal, locking."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import pytest

from graph import open_graph
from graph.errors import StoreError, StoreLockedError, TiesError
from graph.store import open_store

ARTICLE = textwrap.dedent("""\
    Seoul and Warsaw deepen defence ties

    Hyundai Rotem signed the K2 Framework Agreement with Poland in Warsaw.
    Korea Aerospace Industries will supply FA-50 aircraft to the Polish Air Force.
    """)


def nquads(path) -> bytes:
    with open_store(path) as s:
        buf = io.BytesIO()
        s.dump(buf, "nquads")
    return b"\n".join(sorted(line for line in buf.getvalue().splitlines() if b"generatedAtTime" not in line))


def test_reingesting_an_unchanged_document_changes_no_quad(cli, store, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    assert cli("ingest", tmp_path / "a.txt").exit_code == 0
    before = nquads(store)
    result = cli("ingest", tmp_path / "a.txt")
    assert result.exit_code == 0 and "unchanged" in result.stdout
    assert nquads(store) == before


def test_changed_document_replaces_its_graph(cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    cli("ingest", path)
    path.write_text(ARTICLE.replace("Poland", "Egypt").replace("Polish", "Egyptian"))
    result = cli("ingest", path)
    assert result.exit_code == 0 and "replaced" in result.stdout
    labels = {e["label"] for e in cli.json("countries")}
    assert "Egypt" in labels and "Poland" not in labels
    assert cli.json("stats")["documents"] == 1


def test_removing_a_document_removes_only_what_it_alone_asserted(cli, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text("Hyundai Rotem opened an office in Ankara, Türkiye.\n")
    cli("ingest", tmp_path)
    result = cli("remove", "a.txt")
    assert result.exit_code == 0, result.output
    firms = {e["label"]: e for e in cli.json("firms")}
    assert [s["name"] for s in firms["Hyundai Rotem"]["sources"]] == ["b.txt"]
    assert "Korea Aerospace Industries" not in firms
    assert cli.json("stats")["documents"] == 1


def test_removing_an_unknown_document_says_what_exists(cli, tmp_path):
    (tmp_path / "article.txt").write_text(ARTICLE)
    cli("ingest", tmp_path)
    result = cli("remove", "articel.txt")
    assert result.exit_code == 1 and "article.txt" in result.stderr


def test_a_second_writer_is_refused_at_once_with_a_clear_message(store):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from graph.store import open_store; "
            f"s = open_store({str(store)!r}, write=True); print('ready', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match="another ties process"):
            open_store(store, write=True)
    finally:
        holder.kill()
        holder.wait()
    with open_store(store, write=True):
        pass  # the lock went with the process


def test_reading_a_store_that_does_not_exist_says_to_ingest_first(tmp_path):
    with pytest.raises(StoreError, match="ties ingest"):
        open_store(tmp_path / "nothing")


def test_a_failed_file_does_not_stop_the_others_and_stats_show_only_successes(cli, tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE)
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "also-good.md").write_text("# Note\n\nKEPCO signed a contract with ENEC in Abu Dhabi.\n")
    result = cli("ingest", tmp_path)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    assert len(errors) == 2 and any("empty.txt" in e for e in errors) and any("binary.txt" in e for e in errors)
    assert {d["name"] for d in cli.json("documents")} == {"good.txt", "also-good.md"}


def test_library_api_round_trip(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE)
    with open_graph(tmp_path / "store", write=True) as g:
        reports = g.ingest([tmp_path / "a.txt"])
        assert [r.status for r in reports] == ["added"]
        agreements = g.entities(type="Agreement", involving="Hyundai Rotem")
        assert [a.label for a in agreements] == ["K2 Framework Agreement"]
        net = g.network()
        assert net.number_of_nodes() >= 4 and all("label" in d for _, d in net.nodes(data=True))


@pytest.mark.slow
def test_parallel_ingest_gives_the_same_graph_as_serial(tmp_path):
    from tests.helpers import SAMPLES

    dumps = []
    for jobs in (1, 2):
        with open_graph(tmp_path / f"store{jobs}", write=True) as g:
            reports = g.ingest([SAMPLES], jobs=jobs)
            assert all(r.status == "added" for r in reports)
        dumps.append(nquads(tmp_path / f"store{jobs}"))
    assert dumps[0] == dumps[1] and dumps[0]


def test_replacing_a_document_keeps_the_wikidata_link(cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    cli("ingest", path)
    path.write_text(ARTICLE + "\nPoland and South Korea agreed to meet again.\n")
    assert cli("ingest", path).exit_code == 0
    poland = cli.json("show", "Poland")
    assert poland["wikidata"], "the gazetteer's Wikidata item went missing on replacement"


@pytest.mark.slow
def test_a_large_ingest_written_in_bulk_stores_what_transactions_store(tmp_path, monkeypatch):
    import graph.ingest.run
    from graph.tools import synthetic

    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in synthetic.generate(45):
        (folder / name).write_text(text, encoding="utf-8")
    with open_graph(tmp_path / "bulk", write=True) as g:  # 45 new documents: the bulk path
        assert {r.status for r in g.ingest([folder], use_ner=False, jobs=1)} == {"added"}
    monkeypatch.setattr(graph.ingest.run, "BULK_FROM", 10**9)
    with open_graph(tmp_path / "transactions", write=True) as g:
        assert {r.status for r in g.ingest([folder], use_ner=False, jobs=1)} == {"added"}
    assert nquads(tmp_path / "bulk") == nquads(tmp_path / "transactions")


@pytest.mark.slow
def test_documents_ingested_together_resolve_as_when_ingested_apart(tmp_path):
    from graph.tools import synthetic

    folder = tmp_path / "docs"
    folder.mkdir()
    paths = []
    for name, text in synthetic.generate(30):
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    with open_graph(tmp_path / "together", write=True) as g:
        g.ingest([folder], use_ner=False, jobs=1)
    with open_graph(tmp_path / "apart", write=True) as g:
        for part in (paths[:10], paths[10:20], paths[20:]):
            g.ingest(part, use_ner=False, jobs=1)
    assert nquads(tmp_path / "together") == nquads(tmp_path / "apart")


def test_a_graph_an_interrupted_ingest_left_without_metadata_is_reported_and_removed(cli, store, tmp_path):
    from graph.ingest.run import default_extractor
    from graph.ingest.run import ingest as run_ingest
    from graph.vocab import META_GRAPH

    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text("Hyundai Rotem opened an office in Ankara, Türkiye.\n")
    assert cli("ingest", tmp_path / "a.txt").exit_code == 0
    with open_store(store, write=True) as s:  # replay b.txt's write as a crash would leave it: graph, no metadata
        kept = []
        s.add_documents = lambda batch, bulk=False: kept.extend(batch)
        run_ingest(s, [tmp_path / "b.txt"], default_extractor(use_ner=False))
        ((graph_iri, quads, _),) = kept
        del s.add_documents
        s.add_documents([(graph_iri, [q for q in quads if q.graph_name.value != META_GRAPH], False)], bulk=True)
    assert [d["name"] for d in cli.json("documents")] == ["a.txt"]
    validate = cli("validate")
    assert validate.exit_code == 1 and graph_iri in validate.output and "ingest` again" in validate.output

    result = cli("ingest", tmp_path / "a.txt")
    assert result.exit_code == 0, result.output
    assert "incomplete b.txt: an earlier ingest stopped while writing it" in result.output
    assert cli("validate").exit_code == 0
    with open_store(store) as s:
        assert s.query(f"ASK {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}") is False


_VISIT_NEWS = "Prime Minister Anna Kovacs' visit to Egypt on 3 March 2026 opened a new chapter for Poland and Egypt."
_SUMMIT_NEWS = "The Egypt-Poland Cairo Summit, held on {day} March 2026 in Cairo, ended with a joint statement."


@pytest.mark.parametrize("day, one_event", [(3, True), (9, False)])
@pytest.mark.parametrize("visit_first", [True, False])
def test_a_visit_and_a_summit_on_the_same_day_between_the_same_countries_are_one_event(
    cli, tmp_path, day, one_event, visit_first
):
    visit, summit = tmp_path / "visit.txt", tmp_path / "summit.txt"
    visit.write_text(_VISIT_NEWS + "\n", encoding="utf-8")
    summit.write_text(_SUMMIT_NEWS.format(day=day) + "\n", encoding="utf-8")
    for path in (visit, summit) if visit_first else (summit, visit):
        assert cli("ingest", path).exit_code == 0
    events = cli.json("entities", "--type", "Event")
    assert len(events) == (1 if one_event else 2), events
    if one_event:
        assert {s["name"] for s in events[0]["sources"]} == {"visit.txt", "summit.txt"}
        people = {
            e["label"] for e in cli.json("entities", "--type", "Person", "--involving", "Egypt-Poland Cairo Summit")
        }
        assert people == {"Anna Kovacs"}


def test_open_graph_reads_unless_asked_to_write(tmp_path):
    with pytest.raises(StoreError, match="no store at"):
        open_graph(tmp_path / "nothing-here")
    assert not (tmp_path / "nothing-here").exists()
    (tmp_path / "a.txt").write_text(ARTICLE)
    with open_graph(tmp_path / "store", write=True) as g:
        g.ingest([tmp_path / "a.txt"])
    with open_graph(tmp_path / "store") as g:
        assert g.entities(type="Agreement")
        with pytest.raises(StoreError, match="read-only"):
            g.ingest([tmp_path / "a.txt"])


def test_lookups_give_records_a_notebook_turns_into_dataframes(tmp_path):
    pandas = pytest.importorskip("pandas", reason="pandas is the optional `ties[pandas]` extra")
    (tmp_path / "a.txt").write_text(ARTICLE)
    with open_graph(tmp_path / "store", write=True) as g:
        g.ingest([tmp_path / "a.txt"])
        firms = g.entities(type="Firm")
        frame = firms.to_pandas()
        assert isinstance(frame, pandas.DataFrame) and list(frame["label"]) == [f.label for f in firms]
        answer = g.sparql("SELECT ?f ?label WHERE { ?f a ties:Firm ; rdfs:label ?label }")
        assert list(answer.to_pandas().columns) == ["f", "label"] and len(answer.to_pandas()) == len(firms)
        with pytest.raises(TiesError, match="only a SELECT"):
            g.sparql("ASK { ?s ?p ?o }").to_pandas()
