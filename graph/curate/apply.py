"""Decisions in the store: reading them, writing their records and graphs, and bringing document
graphs to their curated form.

A document graph in the store is its extraction with the active decisions applied
(graph.curate.rewrite). Where that differs from the extraction, the document's metadata keeps the
difference (``ties:curationRemoved`` and ``ties:curationAdded``, N-Quads text, and
``ties:curatedBy`` each decision that changed it), so the extraction is always there to be read
back (``--raw``, graph.curate.views) and curated again when decisions change. The metadata comes
and goes with its document, so a re-ingested or removed document takes its curation with it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import pyoxigraph as ox

from graph.curate.records import Action, Decision, from_rows, record_quads
from graph.curate.rewrite import Curation
from graph.names import match_key
from graph.rdf.provenance import provenance_quads
from graph.rdf.quads import entity_iri
from graph.rdf.terms import iri, literal
from graph.store import Store
from graph.vocab import (
    DCTERMS,
    DECISION,
    DECISIONS_GRAPH,
    DOCUMENT,
    META_GRAPH,
    RDF,
    RDFS,
    SKOS,
    TIES,
    EntityType,
    Relation,
)

__all__ = [
    "read_decisions",
    "write_decisions",
    "curated_document",
    "recurate",
    "moved_to",
    "resolved",
    "curated_by",
    "refresh_graphs",
    "documents_concerning",
    "raw_document",
    "CURATION_PREDICATES",
    "ADDED",
    "REMOVED",
    "CURATED_BY",
]

ADDED = TIES + "curationAdded"
REMOVED = TIES + "curationRemoved"
CURATED_BY = TIES + "curatedBy"
CURATION_PREDICATES = {ADDED, REMOVED, CURATED_BY}
_META = ox.NamedNode(META_GRAPH)
_WRITE_BATCH = 64  # documents curated again per write


def read_decisions(store: Store) -> list[Decision]:
    """Every decision in the store, undone ones too, in the order they were made."""
    rows = store.select(f"SELECT ?d ?p ?o WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ ?d ?p ?o }} }}")
    return from_rows(rows)


def write_decisions(store: Store, decisions: list[Decision], *, replace: bool = False) -> None:
    """Write the records of DECISIONS and each one's own graph (replacing the record if asked: an
    undo). The documents they change are curated separately (``recurate``), and the graphs of
    earlier decisions brought up to date (``refresh_graphs``)."""
    if not decisions:
        return
    quads: list[ox.Quad] = []
    for d in decisions:
        quads += record_quads(d) + decision_graph(d)
    drops = (
        " ".join(f"DELETE WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ <{d.iri}> ?p ?o }} }} ;" for d in decisions)
        if replace
        else ""
    )
    drops += " ".join(
        f"DROP SILENT GRAPH <{d.iri}> ; DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{d.iri}> ?p ?o }} }} ;"
        for d in decisions
    )
    store.update(f"{drops} INSERT DATA {{ {_data(quads)} }}")


def _data(quads: list[ox.Quad]) -> str:
    blocks: dict[str, list[str]] = {}
    for q in quads:
        blocks.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
    return " ".join(f"GRAPH {g} {{ {' '.join(ts)} }}" for g, ts in blocks.items())


def resolved(d: Decision, decisions: list[Decision]) -> Decision:
    """D with its entities where the active decisions made after it put them (a merge, a rename,
    a retype moves an entity to another IRI, type or label): what its graph states, and what must
    exist for it to apply."""
    target, kind, label, other = d.target, d.target_type, d.target_label, d.other
    for x in decisions:
        if x.number <= d.number or not x.active:
            continue
        if x.action is Action.merge:
            if target == x.other:
                target, kind, label = x.target, x.target_type, x.target_label
            if other == x.other:
                other = x.target
        elif x.action in (Action.rename, Action.retype) and (new := moved_to(x)):
            if target == x.target:
                target, kind, label = new, x.new_type or kind, x.name if x.action is Action.rename and x.name else label
            if other == x.target:
                other = new
    return replace(d, target=target, target_type=kind, target_label=label, other=other)


def refresh_graphs(store: Store, decisions: list[Decision]) -> None:
    """Rewrite the graph of every active decision with its entities where the later ones put them,
    so that an alias or an assertion follows its entity through a merge, rename or retype."""
    active = [d for d in decisions if d.active]
    if not active:
        return
    quads = [q for d in active for q in decision_graph(resolved(d, decisions)) if q.graph_name != _META]
    drops = " ".join(f"DROP SILENT GRAPH <{d.iri}> ;" for d in active)
    store.update(f"{drops} INSERT DATA {{ {_data(quads)} }}")


def decision_graph(d: Decision) -> list[ox.Quad]:
    """The graph of an active decision: what it states, in RDF (a merge: B owl:sameAs A; a split: the
    new entity owl:differentFrom A; a rename or retype: the old IRI owl:sameAs the new; an alias: the
    name; a rejection or confirmation: the tie as an rdf:Statement; an assertion: the tie, with its
    citation as evidence; a preference: the figure's key), and in the metadata the name lookups cite
    it by, as they cite a document."""
    if not d.active:
        return []
    node = iri(d.iri)
    quads = [
        ox.Quad(node, iri(TIES + "fileName"), literal(f"decision {d.number}"), _META),
        ox.Quad(node, iri(DCTERMS + "title"), literal(f"{d.describe()} (by {d.by})"), _META),
    ]
    return quads + [ox.Quad(s, p, o, node) for s, p, o in _STATES[d.action](d)]


_Triple = tuple[Any, ox.NamedNode, Any]  # subject, predicate, object of a quad to be
_REPLACED, _SPLIT = iri(TIES + "replacedBy"), iri(TIES + "splitFrom")


def _described(d: Decision) -> list[_Triple]:
    target = iri(d.target)
    return [
        (target, iri(RDF + "type"), iri(EntityType(d.target_type).iri)),
        (target, iri(RDFS + "label"), literal(d.target_label)),
        (target, iri(TIES + "matchKey"), literal(match_key(d.target_label))),
    ]


def _alias_states(d: Decision) -> list[_Triple]:
    target = iri(d.target)
    named = [
        (target, iri(SKOS + "altLabel"), literal(d.name or "")),
        (target, iri(TIES + "matchKey"), literal(match_key(d.name or ""))),
    ]
    return _described(d) + named


def _statement(d: Decision) -> list[_Triple]:
    """The tie judged, by its own properties: as an rdf:Statement it would pass for evidence."""
    tie = iri(f"{d.iri}#tie")
    return [
        (tie, iri(RDF + "type"), iri(TIES + "JudgedTie")),
        (tie, iri(TIES + "tieSubject"), iri(d.target)),
        (tie, iri(TIES + "tieRelation"), iri(Relation(d.relation or "tiedTo").iri)),
        (tie, iri(TIES + "tieObject"), iri(d.other or d.target)),
    ]


def _assertion(d: Decision) -> list[_Triple]:
    graph = iri(d.iri)
    relation, target, other = iri(Relation(d.relation or "tiedTo").iri), iri(d.target), iri(d.other or d.target)
    evidence = iri(f"{d.iri}#evidence")
    quotes = provenance_quads(evidence, graph, d.quote or "", 0, len(d.quote or ""), "analyst", literal(1.0))
    return _described(d) + [
        (target, relation, other),
        (evidence, iri(RDF + "type"), iri(TIES + "Evidence")),
        (evidence, iri(RDF + "subject"), target),
        (evidence, iri(RDF + "predicate"), relation),
        (evidence, iri(RDF + "object"), other),
        (evidence, iri(DCTERMS + "source"), _cited(d.source or "")),
        *((q.subject, q.predicate, q.object) for q in quotes),
    ]


def _preference(d: Decision) -> list[_Triple]:
    figure = iri(f"{d.iri}#figure")
    facts = [
        (figure, iri(TIES + "measure"), literal(d.fact_measure or "")),
        (figure, iri(TIES + "factDocument"), iri(d.fact_document or d.target)),
    ]
    if d.fact_value is not None:
        facts.append((figure, iri("https://schema.org/value"), literal(d.fact_value)))
    return facts


def _moved(d: Decision) -> list[_Triple]:
    new = moved_to(d)
    return [(iri(d.target), _REPLACED, iri(new))] if new else []


_STATES: dict[Action, Callable[[Decision], list[_Triple]]] = {
    Action.merge: lambda d: [(iri(d.other or d.target), _REPLACED, iri(d.target))],
    Action.split: lambda d: [(iri(moved_to(d) or d.target), _SPLIT, iri(d.target))],
    Action.alias: _alias_states,
    Action.rename: _moved,
    Action.retype: _moved,
    Action.reject: _statement,
    Action.confirm: _statement,
    Action.assert_: _assertion,
    Action.prefer: _preference,
}


def moved_to(d: Decision) -> str | None:
    """The IRI a decision gives its entity, where it gives it a new one (rename, retype, split)."""
    if d.action in (Action.rename, Action.split) and d.name:
        return entity_iri(EntityType(d.target_type), d.name)
    if d.action is Action.retype and d.new_type:
        return entity_iri(EntityType(d.new_type), d.target_label)
    return None


def _cited(source: str) -> ox.NamedNode | ox.Literal:
    try:
        return ox.NamedNode(source)
    except ValueError:
        return literal(source, uri=True)


# --- document graphs ------------------------------------------------------------------------------


def curated_document(curation: Curation, graph_iri: str, quads: list[ox.Quad]) -> tuple[list[ox.Quad], list[ox.Quad]]:
    """A document's graph made curated, for writing: (its graph's quads, the metadata that records
    what curation changed). QUADS: the extraction (the graph's quads only)."""
    if not curation:
        return quads, []
    curated, hits = curation.apply(graph_iri, quads)
    return curated, _difference(graph_iri, quads, curated, hits)


def _difference(graph_iri: str, raw: list[ox.Quad], curated: list[ox.Quad], hits: list[int]) -> list[ox.Quad]:
    node = iri(graph_iri)
    before, after = set(raw), set(curated)
    out = [ox.Quad(node, iri(CURATED_BY), iri(f"{DECISION}{n}"), _META) for n in hits]
    if before != after:
        out.append(ox.Quad(node, iri(REMOVED), literal(_nquads(before - after)), _META))
        out.append(ox.Quad(node, iri(ADDED), literal(_nquads(after - before)), _META))
    return out


def _nquads(quads: Iterable[ox.Quad]) -> str:
    """N-Quads, one quad a line, sorted: the same difference is always the same text."""
    text = ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS) or b""
    return "".join(sorted(text.decode("utf-8").splitlines(keepends=True)))


def raw_document(graph_quads: list[ox.Quad], meta: list[ox.Quad]) -> list[ox.Quad]:
    """A document graph's extraction, from its curated quads and its metadata's record of the difference."""
    found = {
        q.predicate.value: str(getattr(q.object, "value", "")) for q in meta if q.predicate.value in (ADDED, REMOVED)
    }
    if not found:
        return graph_quads
    added = set(ox.parse(found.get(ADDED, "").encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    removed = list(ox.parse(found.get(REMOVED, "").encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    return [q for q in graph_quads if q not in added] + removed


def _graph_quads(store: Store, graph_iri: str) -> list[ox.Quad]:
    node = ox.NamedNode(graph_iri)
    result = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}")
    return [ox.Quad(r["s"], r["p"], r["o"], node) for r in result]


def _meta_quads(store: Store, graph_iri: str) -> list[ox.Quad]:
    node = ox.NamedNode(graph_iri)
    result = store.query(f"SELECT ?p ?o WHERE {{ GRAPH {_META} {{ {node} ?p ?o }} }}")
    return [ox.Quad(node, r["p"], r["o"], _META) for r in result]


def recurate(store: Store, graphs: Iterable[str], decisions: list[Decision]) -> dict[int, int]:
    """Bring each document graph in GRAPHS to its curated form under DECISIONS, from its
    extraction. Decision number -> how many of those documents it changed."""
    curation = Curation(decisions)
    batch: list[tuple[str, list[ox.Quad], bool]] = []
    changed: dict[int, int] = {}
    for graph_iri in sorted(set(graphs)):
        meta = _meta_quads(store, graph_iri)
        if not any(q.predicate.value == TIES + "fileName" for q in meta):
            continue  # no whole document
        raw = raw_document(_graph_quads(store, graph_iri), meta)
        curated, hits = curation.apply(graph_iri, raw) if curation else (raw, [])
        for number in hits:
            changed[number] = changed.get(number, 0) + 1
        kept = [q for q in meta if q.predicate.value not in CURATION_PREDICATES]
        batch.append((graph_iri, curated + kept + _difference(graph_iri, raw, curated, hits), True))
        if len(batch) >= _WRITE_BATCH:
            store.add_documents(batch)
            batch = []
    if batch:
        store.add_documents(batch)
    return changed


def curated_by(store: Store, d: Decision) -> int:
    """How many documents decision D changes now."""
    rows = store.select(
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH <{META_GRAPH}> {{ ?g ties:curatedBy {ox.NamedNode(d.iri)} }} }}"
    )
    return int(rows[0]["n"]) if rows else 0


def documents_concerning(store: Store, d: Decision) -> set[str]:
    """The document graphs decision D may change (or did change: an undo): those that name its
    entities or the name it gives, and those it already curated."""
    entities = " ".join(str(ox.NamedNode(e)) for e in (d.target, d.other) if e)
    rows = store.select(
        f"SELECT DISTINCT ?g WHERE {{ {{ VALUES ?e {{ {entities} }} GRAPH ?g {{ ?e ?p ?o }} }} "
        f"UNION {{ GRAPH <{META_GRAPH}> {{ ?g ties:curatedBy {ox.NamedNode(d.iri)} }} }} }}"
    )
    found = {r["g"] for r in rows}
    if d.name:
        rows = store.select(
            "SELECT DISTINCT ?g ?key WHERE { GRAPH ?g { ?e ties:matchKey ?key } }",
            {"key": ox.Literal(match_key(d.name))},
        )
        found |= {r["g"] for r in rows}
    if d.fact_document:
        found.add(d.fact_document)
    return {g for g in found if g.startswith(DOCUMENT)}
