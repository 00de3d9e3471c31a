"""What ties two entities: every tie between them, in either direction, and every entity tied to
both (a project both take part in, an agreement both signed), each with the sentences that state it.

A country stands for what belongs to it: its government bodies and the firms and organisations
based in it, and its nationals, so that "what happened between Poland and South Korea" finds the
Polish Armament Agency's contract with Hyundai Rotem. Each tie says through whom; ``direct_only``
keeps the strict reading. Countries and places are never the entity in the middle: every firm is
tied to a country, and "both are tied to Asia" answers nothing.

``between(store, a, b, ...) -> list[PairTie]``, most sources first."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from graph.model import PairLeg, PairTie, Source, TieEvidence
from graph.query.catalogue import source_key, source_of, sources_by_graph
from graph.query.lookups import entity_graph_values, find_entity, labels_and_types
from graph.store import Store
from graph.vocab import RELATION_BY_IRI, RELATION_VALUES, TYPE_BY_IRI, EntityType, Relation

__all__ = ["between", "members", "side", "labels_of"]

_BELONGS = f"<{Relation.basedIn.iri}> <{Relation.nationality.iri}>"
_NEVER_IN_THE_MIDDLE = {EntityType.Country.value, EntityType.Place.value}


def members(store: Store, country: str) -> set[str]:
    """The entities that belong to COUNTRY (an IRI): based in it, or its nationals."""
    rows = store.select(
        f"SELECT DISTINCT ?m ?c WHERE {{ GRAPH ?g {{ ?m ?p ?c }} VALUES ?p {{ {_BELONGS} }} }}",
        {"c": ox.NamedNode(country)},
    )
    return {r["m"] for r in rows} - {country}


def between(
    store: Store,
    a: str,
    b: str,
    *,
    min_sources: int = 1,
    relation: Relation | None = None,
    direct_only: bool = False,
) -> list[PairTie]:
    """The ties between the entities A and B name (see the module's doc)."""
    a_iri, b_iri = find_entity(store, a), find_entity(store, b)
    sides = {a_iri: side(store, a_iri, direct_only), b_iri: side(store, b_iri, direct_only)}
    rows = _evidence(store, set(sides[a_iri]) | set(sides[b_iri]))
    # Labels and sources from the graphs that state the ties only: a country's label in its every
    # document, and every document's name, cost seconds at 20,000 documents.
    labels = _labels_where_stated(store, rows) | labels_of(store, {a_iri, b_iri})
    sources = sources_by_graph(store, {r["g"] for r in rows})
    legs = {key: _leg(key, found, labels, sources) for key, found in _grouped(rows).items()}
    ties = _direct(legs, sides[a_iri], sides[b_iri])
    ties += _through(legs, sides[a_iri], sides[b_iri], labels)
    if relation is not None:
        ties = [t for t in ties if any(leg.predicate == relation.iri for leg in t.legs)]
    ties = [t for t in ties if t.source_count >= min_sources]
    ties.sort(key=lambda t: (-t.source_count, t.kind, t.relation, t.via_label or ""))
    return ties


_ONE_LABEL = (
    "SELECT ?e ?label ?type WHERE { GRAPH ?g { ?e a ?type ; rdfs:label ?label } "
    "FILTER(STRSTARTS(STR(?type), STR(ties:))) } LIMIT 1"
)


def labels_of(store: Store, iris: set[str]) -> dict[str, tuple[str, str | None]]:
    """IRI -> (label, type) for these entities only, read from one graph each: a country's members
    are named in thousands of documents, and reading every one of them cost minutes at scale."""
    out: dict[str, tuple[str, str | None]] = {}
    for iri in sorted(iris):
        for r in store.select(_ONE_LABEL, {"e": ox.NamedNode(iri)}):
            kind = TYPE_BY_IRI.get(r["type"])
            out[iri] = (r["label"], kind.value if kind else None)
    return out


def _labels_where_stated(store: Store, rows: list[dict]) -> dict[str, tuple[str, str | None]]:
    """IRI -> (label, type) of the ends of ROWS' ties, read in the graphs that state them."""
    pairs = sorted({(r[end], r["g"]) for r in rows for end in ("s", "o")})
    if not pairs:
        return {}
    return labels_and_types(
        store,
        f"SELECT ?e ?label ?type WHERE {{ {entity_graph_values(pairs)} GRAPH ?g {{ ?e a ?type ; rdfs:label ?label }} }}",
    )


def side(store: Store, entity: str, direct_only: bool = False) -> dict[str, str | None]:
    """ENTITY and, for a country unless DIRECT_ONLY, what belongs to it: IRI -> the member's label
    (None for ENTITY itself)."""
    found: dict[str, str | None] = {entity: None}
    if direct_only or labels_of(store, {entity}).get(entity, ("", None))[1] != EntityType.Country.value:
        return found
    belonging = members(store, entity)
    labels = labels_of(store, belonging)
    found.update({m: labels.get(m, (m, None))[0] for m in belonging})
    return found


def _evidence(store: Store, entities: set[str]) -> list[dict]:
    """Every stated tie touching ENTITIES, with its sentence."""
    values = " ".join(str(ox.NamedNode(e)) for e in sorted(entities))
    fields = "ties:sentence ?sentence ; ties:start ?start ; ties:end ?end ; ties:method ?method"
    return store.select(
        f"SELECT ?s ?p ?o ?g ?sentence ?start ?end ?method WHERE {{ VALUES ?x {{ {values} }} "
        f"{{ GRAPH ?g {{ ?ev rdf:subject ?x ; rdf:predicate ?p ; rdf:object ?o ; {fields} }} BIND(?x AS ?s) }} UNION "
        f"{{ GRAPH ?g {{ ?ev rdf:object ?x ; rdf:predicate ?p ; rdf:subject ?s ; {fields} }} BIND(?x AS ?o) }} "
        f"VALUES ?p {{ {RELATION_VALUES} }} }}"
    )


def _leg(key: tuple[str, str, str], found: list[dict], labels: dict, sources: dict[str, Source]) -> PairLeg:
    s, p, o = key
    relation = RELATION_BY_IRI.get(p)
    evidence = sorted(
        {
            (source_of(sources, r["g"]).name, r["start"]): TieEvidence(
                source=source_of(sources, r["g"]).name,
                sentence=r["sentence"],
                start=r["start"],
                end=r["end"],
                method=r["method"],
            )
            for r in found
        }.values(),
        key=lambda ev: (ev.source, ev.start),
    )
    return PairLeg(
        subject=labels.get(s, (s,))[0],
        subject_id=s,
        predicate=p,
        relation=relation.label if relation else p,
        object=labels.get(o, (o,))[0],
        object_id=o,
        evidence=evidence,
        sources=sorted({r["g"]: source_of(sources, r["g"]) for r in found}.values(), key=lambda x: x.name),
    )


def _grouped(rows: list[dict]) -> dict[tuple[str, str, str], list[dict]]:
    grouped: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in rows:
        grouped[(r["s"], r["p"], r["o"])].append(r)
    return grouped


def _direct(legs: dict[tuple[str, str, str], PairLeg], a_side: dict, b_side: dict) -> list[PairTie]:
    out = []
    for (s, _, o), leg in legs.items():
        if not ((s in a_side and o in b_side) or (s in b_side and o in a_side)):
            continue
        through = [n for n in (a_side.get(s) or a_side.get(o), b_side.get(s) or b_side.get(o)) if n]
        out.append(
            PairTie(
                kind="direct",
                relation=leg.relation,
                through=through,
                legs=[leg],
                sources=leg.sources,
                source_count=len({source_key(s) for s in leg.sources}),
            )
        )
    return out


def _through(legs: dict[tuple[str, str, str], PairLeg], a_side: dict, b_side: dict, labels: dict) -> list[PairTie]:
    """Entities tied to both sides, each with its legs to either side."""
    legs_to: dict[str, dict[str, list[PairLeg]]] = defaultdict(lambda: {"a": [], "b": []})
    for (s, _, o), leg in legs.items():
        for end, other in ((s, o), (o, s)):
            if other in a_side or other in b_side or labels.get(other, ("", None))[1] in _NEVER_IN_THE_MIDDLE:
                continue
            if end in a_side:
                legs_to[other]["a"].append(leg)
            if end in b_side:
                legs_to[other]["b"].append(leg)
    out = []
    for middle, sides in legs_to.items():
        if not (sides["a"] and sides["b"]):
            continue
        both = sides["a"] + sides["b"]
        documents = {s.id: s for leg in both for s in leg.sources}
        through = sorted({n for leg in both for n in (a_side.get(leg.subject_id), b_side.get(leg.subject_id)) if n})
        label, kind = labels.get(middle, (middle, None))
        out.append(
            PairTie(
                kind="through",
                relation=" / ".join(sorted({leg.relation for leg in both})),
                via_id=middle,
                via_label=label,
                via_type=kind,
                through=through,
                legs=both,
                sources=sorted(documents.values(), key=lambda x: x.name),
                source_count=len({source_key(s) for s in documents.values()}),
            )
        )
    return out
