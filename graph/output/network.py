"""The graph as NetworkX sees it: entities as nodes, ties as edges.

Nodes carry ``label``, ``type``, ``sources`` (how many sources name the
entity: near-duplicate documents count once) and ``wikidata``; edges carry
``predicate`` (the IRI), ``relation`` (its label), ``weight`` (how many sources
assert the tie) and ``documents`` (their file names, as a list)."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from graph.query.catalogue import source_key, sources_by_graph
from graph.store import Store
from graph.vocab import RELATION_BY_IRI, RELATION_VALUES, TYPE_BY_IRI

__all__ = ["network"]


def network(store: Store) -> nx.MultiDiGraph:
    sources = sources_by_graph(store)
    names = {graph: source.name for graph, source in sources.items()}
    # Near-duplicate documents count as one source (graph.query.catalogue.source_key).
    counted = {graph: source_key(source) for graph, source in sources.items()}
    g = nx.MultiDiGraph()
    nodes: dict[str, dict] = {}
    # Types are filtered here, not with VALUES: oxigraph joins a VALUES list of types slowly.
    for r in store.select("SELECT ?e ?type ?label ?g WHERE { GRAPH ?g { ?e a ?type ; rdfs:label ?label } }"):
        if r["type"] not in TYPE_BY_IRI:
            continue
        node = nodes.setdefault(r["e"], {"label": r["label"], "type": TYPE_BY_IRI[r["type"]].value, "docs": set()})
        node["docs"].add(r["g"])
    wikidata = {
        r["e"]: r["wd"].rsplit("/", 1)[-1]
        for r in store.select("SELECT DISTINCT ?e ?wd WHERE { GRAPH ?g { ?e owl:sameAs ?wd } }")
    }
    for e, node in nodes.items():
        g.add_node(
            e,
            label=node["label"],
            type=node["type"],
            sources=len({counted.get(d, d) for d in node["docs"]}),
            wikidata=wikidata.get(e, ""),
        )
    edges: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in store.select(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?p {{ {RELATION_VALUES} }} }}"):
        if r["s"] in nodes and r["o"] in nodes:
            edges[(r["s"], r["p"], r["o"])].add(r["g"])
    for (s, p, o), graphs in sorted(edges.items()):
        relation = RELATION_BY_IRI[p]
        g.add_edge(
            s,
            o,
            key=relation.value,
            predicate=p,
            relation=relation.label,
            weight=len({counted.get(x, x) for x in graphs}),
            documents=sorted(names.get(x, x) for x in graphs),
        )
    return g
