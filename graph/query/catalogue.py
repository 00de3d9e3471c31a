"""The catalogue of the store: which documents it holds, how much of each kind, and removing a
document with every fact only it asserted.

``stats(store) -> StoreStats``: counts of documents, entities (by type), relations, evidence, quads.
``documents(store) -> list[DocumentInfo]``: every document, by file name, with its paths.
``find_document(store, ref) -> DocumentInfo``: the one document a path, file name, hash (or a prefix
of 8 or more) or IRI names.
``remove_document(store, ref) -> str``: removes it, returns its file name.
``sources_by_graph(store) -> dict[str, Source]``, ``source_of`` and ``source_key``: the documents
as facts and timelines cite them, and the source each counts as.
``store_format(store)`` and ``require_current(store)``: the store's format version."""

from __future__ import annotations

import difflib
import os
from collections import defaultdict

import pyoxigraph as ox

from graph.errors import DocumentNotFoundError, StoreError, TiesError
from graph.model import DocumentInfo, Source, StoreStats
from graph.rdf.quads import STORE_FORMAT
from graph.store import Store
from graph.vocab import META_GRAPH, RELATION_VALUES, TYPE_BY_IRI

__all__ = [
    "stats",
    "document_count",
    "documents",
    "find_document",
    "remove_document",
    "sources_by_graph",
    "source_of",
    "source_key",
    "store_format",
    "require_current",
    "AmbiguousDocumentError",
]

_MIN_PREFIX = 8  # the shortest hash prefix that names a document


class AmbiguousDocumentError(TiesError):
    def __init__(self, ref: str, candidates: list[DocumentInfo]) -> None:
        listed = "; ".join(
            f"{d.name} ({', '.join(d.paths) or 'no path recorded'}, {d.sha256[:12]})" for d in candidates
        )
        super().__init__(f"{ref!r} could mean several documents: {listed}; give a path or a hash instead")


def stats(store: Store) -> StoreStats:
    by_type = store.select("SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?type } } GROUP BY ?type")
    ties = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?p {{ {RELATION_VALUES} }} }} }}"
    )
    evidence = store.select("SELECT (COUNT(?ev) AS ?n) WHERE { GRAPH ?g { ?ev a ties:Evidence } }")
    quads = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    entity_counts = {TYPE_BY_IRI[r["type"]].value: r["n"] for r in by_type if r["type"] in TYPE_BY_IRI}
    return StoreStats(
        documents=document_count(store),
        entities=sum(entity_counts.values()),
        entities_by_type=dict(sorted(entity_counts.items())),
        relations=ties[0]["n"],
        evidence=evidence[0]["n"],
        quads=quads[0]["n"],
    )


def document_count(store: Store) -> int:
    rows = store.select(f"SELECT (COUNT(?d) AS ?n) WHERE {{ GRAPH <{META_GRAPH}> {{ ?d a ties:Document }} }}")
    return int(rows[0]["n"])


def documents(store: Store) -> list[DocumentInfo]:
    rows = store.select(
        f"SELECT ?d ?name ?sha ?title ?date ?origin ?url ?cluster ?at WHERE {{ GRAPH <{META_GRAPH}> {{ "
        "?d ties:fileName ?name ; ties:sha256 ?sha ; prov:generatedAtTime ?at "
        "OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:date ?date } "
        "OPTIONAL { ?d ties:dateOrigin ?origin } OPTIONAL { ?d dcterms:source ?url } "
        "OPTIONAL { ?d ties:sourceCluster ?cluster } } } ORDER BY ?name ?d"
    )
    paths: dict[str, list[str]] = defaultdict(list)
    for r in store.select(f"SELECT ?d ?path WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:path ?path }} }}"):
        paths[r["d"]].append(r["path"])
    out: dict[str, DocumentInfo] = {}
    for r in rows:  # one row a document, even where its metadata repeats a field
        out.setdefault(
            r["d"],
            DocumentInfo(
                name=r["name"],
                id=r["d"],
                title=r["title"],
                date=r["date"],
                sha256=r["sha"],
                ingested=r["at"],
                paths=sorted(paths[r["d"]]),
                date_origin=r["origin"],
                source_url=r["url"],
                cluster=r["cluster"],
            ),
        )
    return list(out.values())


def find_document(store: Store, ref: str) -> DocumentInfo:
    """The document REF names: its IRI, a path it was ingested from (as given or absolute), its
    file name when no other document has it, or its hash or a prefix of 8 or more characters."""
    docs = documents(store)
    for matches in (
        [d for d in docs if ref == d.id],
        [d for d in docs if ref in d.paths or _absolute(ref) in d.paths],
        [d for d in docs if ref == d.name],
        [d for d in docs if len(ref) >= _MIN_PREFIX and d.sha256.startswith(ref.lower())],
    ):
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise AmbiguousDocumentError(ref, matches)
    close = difflib.get_close_matches(ref, sorted({d.name for d in docs}), n=5, cutoff=0.5)
    raise DocumentNotFoundError(ref, close)


def _absolute(ref: str) -> str:
    if "://" in ref:
        return ref
    try:
        return os.path.realpath(ref)
    except (OSError, ValueError):  # no path can hold it (a NUL byte): it names no ingested file
        return ref


def remove_document(store: Store, ref: str) -> str:
    """Remove the document REF names (see find_document), with every fact only it asserted.
    Returns its file name. A store of an earlier format is read as it is: removing a graph is
    the same in every format."""
    found = find_document(store, ref)
    store.remove_graph(found.id)
    return found.name


def sources_by_graph(store: Store, graphs: set[str] | None = None) -> dict[str, Source]:
    """Document graph IRI -> its Source (file name, IRI, title, cluster), for every document in the
    store or only for GRAPHS; a graph without metadata is no whole document and is left out."""
    if graphs is not None and not graphs:
        return {}
    values = "" if graphs is None else "VALUES ?d { " + " ".join(str(ox.NamedNode(g)) for g in sorted(graphs)) + " } "
    # VALUES inside the graph's block: outside it, oxigraph read every document's metadata before the
    # join (a third of a second at 20,000 documents, for one document's name).
    rows = store.select(
        f"SELECT ?d ?name ?title ?cluster WHERE {{ GRAPH <{META_GRAPH}> {{ {values}?d ties:fileName ?name "
        "OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d ties:sourceCluster ?cluster } } }"
    )
    return {r["d"]: Source(name=r["name"], id=r["d"], title=r["title"], cluster=r["cluster"]) for r in rows}


def source_of(sources: dict[str, Source], graph: str) -> Source:
    """The source of GRAPH, or one naming the bare graph when no metadata describes it."""
    return sources.get(graph) or Source(name=graph, id=graph, title=None)


def source_key(source: Source) -> str:
    """What counts as one source: near-duplicate documents (the same article as PDF and as text,
    or syndicated under another headline) share their cluster, so every count of sources, and
    every check that two figures come from two sources, counts them once."""
    return source.cluster or source.id


def store_format(store: Store) -> int | None:
    """The format version the store was written in, from its documents' (see
    graph.rdf.quads.format_quad): None for a store without documents, 1 when a document has no
    version (written before documents were known by hash and path), else the newest version."""
    older = store.select(
        f"SELECT ?d WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name ; ties:sha256 ?sha "
        "FILTER NOT EXISTS { ?d ties:formatVersion ?v } } } LIMIT 1"
    )
    if older:
        return 1
    rows = store.select(f"SELECT (MAX(?v) AS ?top) WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:formatVersion ?v }} }}")
    top = rows[0]["top"] if rows else None
    return int(top) if top is not None else None


def require_current(store: Store) -> None:
    """Refuse to change a store of another format: what this version writes would not match it."""
    found = store_format(store)
    if found is not None and found < STORE_FORMAT:
        raise StoreError(
            f"the store at {store.location} was written by an older ties (format {found}); run `ties upgrade` "
            f"once to bring it to format {STORE_FORMAT}, then try again"
        )
    if found is not None and found > STORE_FORMAT:
        raise StoreError(
            f"the store at {store.location} was written by a newer ties (format {found}); upgrade ties to change it"
        )
