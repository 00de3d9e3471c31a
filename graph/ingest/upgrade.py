"""Bringing a store written by an earlier ties to the current format (``ties upgrade``).

Format 1 knew a document by its file name alone. Its documents keep their IRIs (the form the
first document of a name still gets) and their graphs; the upgrade adds what format 2 records
beside them: each document's MinHash signature and source cluster, so that near-duplicates among
them and later documents are one source, and its format version. The paths they were read from
were never recorded: ingesting the same files again records them (reported unchanged)."""

from __future__ import annotations

import pyoxigraph as ox

from graph.ingest.near import NearIndex, signature
from graph.query.catalogue import store_format
from graph.rdf.quads import STORE_FORMAT, format_quad, identity_quads
from graph.store import Store
from graph.vocab import META_GRAPH

__all__ = ["upgrade"]

_CHUNK = 100  # documents a write


def upgrade(store: Store) -> int | None:
    """Upgrade the store; the number of documents brought to the current format, or None when the
    store was current (or empty) already. A document is upgraded in one write with its version,
    so that an upgrade stopped half way is finished by running it again."""
    found = store_format(store)
    if found is None or found >= STORE_FORMAT:
        return None
    rows = store.select(
        f"SELECT ?d ?at ?cluster ?minhash ?v WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name ; ties:sha256 ?sha ; "
        "prov:generatedAtTime ?at OPTIONAL { ?d ties:sourceCluster ?cluster } OPTIONAL { ?d ties:minhash ?minhash } "
        "OPTIONAL { ?d ties:formatVersion ?v } } }"
    )
    index = NearIndex()
    todo: dict[str, None] = {}  # in order, each once
    for r in sorted(rows, key=lambda r: (str(r["at"]), r["d"])):  # earlier documents name the clusters
        if r["v"] is not None:  # current already (from an upgrade stopped half way)
            if r["minhash"]:
                index.add(r["cluster"] or r["d"], r["d"], r["minhash"])
        else:
            todo[r["d"]] = None
    order = list(todo)
    for start in range(0, len(order), _CHUNK):
        quads: list[ox.Quad] = []
        for doc in order[start : start + _CHUNK]:
            sig = signature(_text(store, doc))
            match = index.match(sig) if sig else None
            cluster, near = match if match else (doc, None)
            quads += [*identity_quads(doc, [], cluster, sig, near), format_quad(doc)]
            if sig:
                index.add(cluster, doc, sig)
        _insert(store, quads)
    return len(order)


def _text(store: Store, doc: str) -> str:
    node = ox.NamedNode(doc)  # serialised by pyoxigraph, not pasted
    rows = store.select(f"SELECT ?text WHERE {{ GRAPH {node} {{ {node} ties:text ?text }} }}")
    return rows[0]["text"] if rows else ""


def _insert(store: Store, quads: list[ox.Quad]) -> None:
    triples = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    store.update(f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {triples} }} }}")
