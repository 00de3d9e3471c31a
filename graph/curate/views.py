"""The raw view: the store as extraction left it, without the analyst's decisions: every document
graph read back to its extraction, and no decision's records or graphs. Held in memory (it is
computed from every quad of the store), for `--raw`."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from graph.curate.apply import ADDED, CURATION_PREDICATES, REMOVED
from graph.store import MemoryStore, Store
from graph.vocab import DECISION, DECISIONS_GRAPH, META_GRAPH

__all__ = ["raw_view", "has_decisions"]


def has_decisions(store: Store) -> bool:
    return bool(store.select(f"SELECT ?d WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ ?d a ties:Decision }} }} LIMIT 1"))


def raw_view(store: Store) -> Store:
    """STORE as extraction wrote it. A store nobody curated is its own raw view."""
    if not has_decisions(store):
        return store
    return MemoryStore(f"{store.location} (raw)", _raw_quads(store))


def _differences(store: Store, predicate: str) -> set[ox.Quad]:
    rows = store.select(f"SELECT ?text WHERE {{ GRAPH <{META_GRAPH}> {{ ?d <{predicate}> ?text }} }}")
    return {q for r in rows for q in ox.parse(str(r["text"]).encode("utf-8"), format=ox.RdfFormat.N_QUADS)}


def _raw_quads(store: Store) -> Iterator[ox.Quad]:
    added, removed = _differences(store, ADDED), _differences(store, REMOVED)
    for q in store.quads():
        graph = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else ""
        if graph == DECISIONS_GRAPH or graph.startswith(DECISION) or q in added:
            continue
        if graph == META_GRAPH and (
            str(q.subject).startswith(f"<{DECISION}") or q.predicate.value in CURATION_PREDICATES
        ):
            continue
        yield q
    yield from removed
