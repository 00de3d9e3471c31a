"""The catalogue of the store: which documents it holds, how much of each kind, and removing a
document with every fact only it asserted.

``stats(store) -> StoreStats``: counts of documents, entities (by type), relations, evidence, quads.
``documents(store) -> list[DocumentInfo]``: every document, by file name.
``remove_document(store, name) -> str``: removes it, returns its file name.
``sources_by_graph(store) -> dict[str, Source]`` and ``source_of``: the documents as facts and
timelines cite them."""

from __future__ import annotations

import difflib

import pyoxigraph as ox

from graph.errors import DocumentNotFoundError
from graph.model import DocumentInfo, Source, StoreStats
from graph.store import Store
from graph.vocab import META_GRAPH, RELATION_VALUES, TYPE_BY_IRI

__all__ = ["stats", "documents", "remove_document", "sources_by_graph", "source_of"]


def stats(store: Store) -> StoreStats:
    by_type = store.select("SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?type } } GROUP BY ?type")
    docs = store.select(f"SELECT (COUNT(?d) AS ?n) WHERE {{ GRAPH <{META_GRAPH}> {{ ?d a ties:Document }} }}")
    ties = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?p {{ {RELATION_VALUES} }} }} }}"
    )
    evidence = store.select("SELECT (COUNT(?ev) AS ?n) WHERE { GRAPH ?g { ?ev a ties:Evidence } }")
    quads = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    entity_counts = {TYPE_BY_IRI[r["type"]].value: r["n"] for r in by_type if r["type"] in TYPE_BY_IRI}
    return StoreStats(
        documents=docs[0]["n"],
        entities=sum(entity_counts.values()),
        entities_by_type=dict(sorted(entity_counts.items())),
        relations=ties[0]["n"],
        evidence=evidence[0]["n"],
        quads=quads[0]["n"],
    )


def documents(store: Store) -> list[DocumentInfo]:
    rows = store.select(
        f"SELECT ?d ?name ?sha ?title ?date ?at WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name ; "
        "ties:sha256 ?sha ; prov:generatedAtTime ?at OPTIONAL { ?d dcterms:title ?title } "
        "OPTIONAL { ?d dcterms:date ?date } } } ORDER BY ?name"
    )
    return [
        DocumentInfo(name=r["name"], id=r["d"], title=r["title"], date=r["date"], sha256=r["sha"], ingested=r["at"])
        for r in rows
    ]


def remove_document(store: Store, name: str) -> str:
    """Remove the document ingested from file NAME (or with IRI NAME), with every
    fact only it asserted. Returns its file name."""
    docs = documents(store)
    match = [d for d in docs if name in (d.name, d.id)]
    if not match:
        close = difflib.get_close_matches(name, [d.name for d in docs], n=5, cutoff=0.5)
        raise DocumentNotFoundError(name, close)
    store.remove_graph(match[0].id)
    return match[0].name


def sources_by_graph(store: Store, graphs: set[str] | None = None) -> dict[str, Source]:
    """Document graph IRI -> its Source (file name, IRI, title), for every document in the store or
    only for GRAPHS; a graph without metadata is no whole document and is left out."""
    if graphs is not None and not graphs:
        return {}
    values = "" if graphs is None else "VALUES ?d { " + " ".join(str(ox.NamedNode(g)) for g in sorted(graphs)) + " } "
    rows = store.select(
        f"SELECT ?d ?name ?title WHERE {{ {values}GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name "
        "OPTIONAL { ?d dcterms:title ?title } } }"
    )
    return {r["d"]: Source(name=r["name"], id=r["d"], title=r["title"]) for r in rows}


def source_of(sources: dict[str, Source], graph: str) -> Source:
    """The source of GRAPH, or one naming the bare graph when no metadata describes it."""
    return sources.get(graph) or Source(name=graph, id=graph, title=None)
