"""The benchmark and its synthetic corpus: the figures are all there and
sane (never how fast they are), and the corpus is deterministic, varied and
gives ties entities of many types."""

from __future__ import annotations

import json
import math
import tempfile
from numbers import Number

import pytest

import graph
from graph.tools import benchmark, synthetic
from graph.tools.benchmark import format_table, run_benchmark

SECTIONS = {
    "ingest": {"ties_s", "engine_s", "ratio", "docs_per_s", "words_per_s", "processes"},
    "store": {"ties_write_s", "bulk_load_s", "ratio", "in_ingest_s"},
    "network": {"ties_s", "networkx_s", "ratio"},
}
LOOKUP = {"p50_ms", "p95_ms", "direct_p50_ms", "direct_p95_ms", "ratio"}


def _numbers(value, path="result"):
    """Every number in a nested result, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, f"{path}.{key}")
    elif isinstance(value, Number) and not isinstance(value, bool):
        yield path, value


@pytest.mark.slow
def test_benchmark_reports_every_figure(monkeypatch, tmp_path):
    # Fewer lookups and runs: this checks the shape of the result, not the speed.
    monkeypatch.setattr(benchmark, "LOOKUP_ENTITIES", 4)
    monkeypatch.setattr(benchmark, "REPEATS", 2)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = run_benchmark(n_docs=12)
    assert not list(tmp_path.glob("ties-bench-*")), "the temporary folder is left behind"

    assert result["docs"] == 12 and result["words"] > 12 * 300 and result["quads"] > 0
    for section, keys in SECTIONS.items():
        assert keys <= result[section].keys(), section
    assert set(result["lookups"]) >= {"involving", "show", "hub", "hub_all", "count"}
    for kind in ("involving", "show", "hub", "hub_all", "count"):
        assert LOOKUP <= result["lookups"][kind].keys(), kind
    assert result["ingest"]["processes"]["ties"] == result["ingest"]["processes"]["engine"]
    assert result["peak_rss_mb"] > 0 and result["store_mb"] > 0
    assert {"ingest_writer_mb", "ingest_worker_mb", "network_mb", "lookups_mb", "engine_mb"} <= result["rss_mb"].keys()
    assert all(result["lookups"][kind]["queries"] >= 1 for kind in ("involving", "show", "hub", "count"))
    numbers = dict(_numbers({k: v for k, v in result.items() if k != "notes"}))
    assert len(numbers) > 30
    for where, value in numbers.items():
        assert math.isfinite(value) and value > 0, where
    assert all(isinstance(note, str) and note for note in result["notes"])
    table = format_table(result)
    assert "ingest" in table and "bulk_load" in table and "networkx" in table


@pytest.mark.slow
def test_the_storing_measure_writes_every_quad_ties_stored(tmp_path):
    import pyoxigraph as ox

    from tests.helpers import SAMPLES

    with graph.open_graph(tmp_path / "store", write=True) as g:
        g.ingest([SAMPLES])
    dump = benchmark._dump(tmp_path / "store", tmp_path / "store.nq")
    assert benchmark._rewrite(dump, tmp_path / "again") > 0

    def quads(path):
        return {str(q) for q in ox.Store.read_only(str(path / "oxigraph"))}

    assert quads(tmp_path / "again") == quads(tmp_path / "store") != set()


@pytest.mark.slow  # seconds of one process each; the README's quick run stays under its 4 minutes
def test_synthetic_corpus_is_deterministic_varied_and_typed(tmp_path):
    docs = synthetic.generate(50, seed=1)
    assert docs == synthetic.generate(50, seed=1)
    assert docs != synthetic.generate(50, seed=2)
    assert len({name for name, _ in docs}) == 50 and len({text for _, text in docs}) == 50
    assert all(300 <= len(text.split()) <= 900 for _, text in docs)
    hubs = synthetic.HUB_COUNTRIES + synthetic.HUB_FIRMS
    assert all(sum(hub in text for _, text in docs) >= 10 for hub in hubs)

    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in docs[:20]:
        (folder / name).write_text(text, encoding="utf-8")
    with graph.open_graph(tmp_path / "store", write=True) as g:
        reports = g.ingest([folder])
        assert {r.status for r in reports} == {"added"}
        types = {e.type for e in g.entities()}
    assert len(types) >= 6, types


def test_a_lookup_slower_than_the_budget_is_timed_once_not_repeated(monkeypatch):
    monkeypatch.setattr(benchmark, "_BUDGET_S", 0.0)
    runs: list[str] = []
    times = benchmark._run([lambda: runs.append("a"), lambda: runs.append("b")])
    assert runs == ["a", "b"] and len(times) == 2
    monkeypatch.setattr(benchmark, "_BUDGET_S", 60.0)
    runs.clear()
    benchmark._run([lambda: runs.append("a")])
    assert runs == ["a"] * benchmark.REPEATS


@pytest.mark.slow
def test_the_export_only_benchmark_measures_the_network_export_of_a_store_it_builds(cli, tmp_path):
    result = cli("benchmark", "--export-only", "--docs", "10", "--workdir", tmp_path / "work", "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["docs"] == 10 and figures["quads"] > 0 and "ingest" not in figures
    network = figures["network"]
    assert network["nodes"] > 10 and network["edges"] > 0
    assert network["ties_s"] > 0 and network["networkx_s"] > 0 and network["ratio"] > 0
    assert (tmp_path / "work" / "ties.graphml").stat().st_size > 0
    table = format_table(figures)
    assert "network + GraphML" in table and "spaCy" not in table and f"{network['nodes']} nodes" in table


@pytest.mark.slow
def test_the_lookups_only_benchmark_builds_its_store_once_and_then_measures_the_one_it_finds(
    cli, monkeypatch, tmp_path
):
    monkeypatch.setattr(benchmark, "LOOKUP_ENTITIES", 3)
    monkeypatch.setattr(benchmark, "REPEATS", 2)
    work = tmp_path / "work"
    first = cli("benchmark", "--lookups-only", "--docs", "8", "--workdir", work, "--json")
    assert first.exit_code == 0, first.output
    built = json.loads(first.stdout)
    assert built["docs"] == 8 and built["quads"] > 0 and "ingest" not in built and "network" not in built
    for kind in ("involving", "show", "hub", "hub_all", "count"):
        assert LOOKUP <= built["lookups"][kind].keys(), kind
    assert built["lookups"]["involving"]["entities"] == 3

    again = cli("benchmark", "--lookups-only", "--docs", "5000", "--workdir", work)
    assert again.exit_code == 0, again.output
    assert "8 documents" in again.stdout and "entities --involving p95 ms" in again.stdout
    assert f"earlier run left in {work / 'ties-store'}" in again.stdout
    assert len(list((work / "corpus").iterdir())) == 8, "the second run generated a corpus again"


def test_the_benchmark_refuses_two_partial_runs_at_once(cli, tmp_path):
    result = cli("benchmark", "--lookups-only", "--export-only", "--workdir", tmp_path)
    assert result.exit_code == 2 and "--lookups-only" in result.stderr
    assert not list(tmp_path.iterdir())


def test_ties_and_the_baseline_are_timed_in_turns_who_goes_first_alternating(monkeypatch):
    monkeypatch.setattr(benchmark, "REPEATS", 3)
    runs: list[str] = []
    ties, direct = benchmark._side_by_side(
        [lambda: runs.append("t1"), lambda: runs.append("t2")], [lambda: runs.append("d1"), lambda: runs.append("d2")]
    )
    assert runs == ["t1", "d1", "d1", "t1", "t1", "d1", "t2", "d2", "d2", "t2", "t2", "d2"]
    assert len(ties) == len(direct) == 6 and all(t >= 0 for t in ties + direct)
