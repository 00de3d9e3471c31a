"""The lookups, as SPARQL over the store. Names a user gives are bound as RDF
terms (``substitutions``), never pasted into a query string."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from graph.errors import AmbiguousNameError, UnknownNameError
from graph.model import EntityDetail, EntitySummary, RelationView, StatedEvidence
from graph.names import match_key
from graph.query.catalogue import sources_by_graph
from graph.store import Store
from graph.vocab import (
    CO_MENTION_VALUES,
    ENTITY,
    META_GRAPH,
    RELATION_BY_IRI,
    RELATION_VALUES,
    TYPE_BY_IRI,
    EntityType,
    Relation,
)

__all__ = ["find_entity", "neighbours", "neighbours_of", "entities", "show", "labels_and_types", "entity_graph_values"]


def find_entity(store: Store, name: str) -> str:
    """The IRI of the one entity NAME denotes (label or alias, folded).
    Unknown: UnknownNameError with the closest names; several: AmbiguousNameError.
    An entity's own IRI names it too, as the explorer's links give it."""
    if name.startswith(ENTITY):
        return _entity_by_iri(store, name)
    key = match_key(name)
    if not key:
        raise UnknownNameError(name, [])
    rows = store.select(
        "SELECT DISTINCT ?e ?label ?type ?key WHERE { GRAPH ?g { ?e ties:matchKey ?key ; rdfs:label ?label ; a ?type } "
        f"GRAPH <{META_GRAPH}> {{ ?g ties:fileName ?name }} }}",
        {"key": ox.Literal(key)},
    )
    found = {r["e"]: (r["label"], TYPE_BY_IRI[r["type"]].value) for r in rows if r["type"] in TYPE_BY_IRI}
    if len(found) == 1:
        return next(iter(found))
    if len(found) > 1:
        exact = [e for e, (label, _) in found.items() if match_key(label) == key]
        if len(exact) == 1:
            return exact[0]
        raise AmbiguousNameError(name, sorted(found.values()))
    raise UnknownNameError(name, _closest(store, key))


def _entity_by_iri(store: Store, iri: str) -> str:
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        raise UnknownNameError(iri, []) from None
    if not store.select("SELECT ?e ?t WHERE { GRAPH ?g { ?e a ?t } } LIMIT 1", {"e": node}):
        raise UnknownNameError(iri, [])
    return iri


def _closest(store: Store, key: str) -> list[str]:
    rows = store.select("SELECT DISTINCT ?k ?label WHERE { GRAPH ?g { ?e ties:matchKey ?k ; rdfs:label ?label } }")
    label_of: dict[str, str] = {}
    for r in rows:
        label_of.setdefault(r["k"], r["label"])
    close = difflib.get_close_matches(key, list(label_of), n=8, cutoff=0.6)
    close += [k for k in label_of if key in k.split() and k not in close]
    out: list[str] = []
    for k in close:
        if label_of[k] not in out:
            out.append(label_of[k])
    return out[:5]


def _summaries(
    store: Store, iris: list[str] | None, kind: EntityType | None, graphs: dict[str, set[str]] | None = None
) -> list[EntitySummary]:
    """Entities (all, or these IRIs; of one type or any) with their aliases,
    Wikidata item and the documents that name them, in three queries. Only
    graphs with metadata count: a document is whole or not there. With GRAPHS
    (IRI -> document graphs), an entity's sources are those graphs only: the
    documents that state its tie to what was asked about, which is also all a
    country named in thousands of documents needs to read here."""
    values = ""
    if iris is not None:
        if not iris:
            return []
        values = "VALUES ?e { " + " ".join(str(ox.NamedNode(i)) for i in iris) + " }"
    if graphs is not None:
        # The pairs alone: beside a VALUES list of the same entities, oxigraph joined the two lists first
        # (a hub's 3,000 neighbours in 20,000 graphs took minutes instead of two seconds).
        values = entity_graph_values((e, g) for e in iris or [] for g in sorted(graphs[e]))
    # A constant type, or none: oxigraph joins a VALUES list of types slowly.
    pattern = (
        f"GRAPH ?g {{ ?e a <{kind.iri}> ; rdfs:label ?label }} BIND(<{kind.iri}> AS ?type)"
        if kind
        else "GRAPH ?g { ?e a ?type ; rdfs:label ?label }"
    )
    rows = [
        r for r in store.select(f"SELECT ?e ?type ?label ?g WHERE {{ {values} {pattern} }}") if r["type"] in TYPE_BY_IRI
    ]
    # Each document's name once, however many of the entities it names; a graph without metadata is
    # not a whole document.
    docs = sources_by_graph(store, {r["g"] for r in rows})
    rows = [r for r in rows if r["g"] in docs]
    extras = (
        store.select(
            f"SELECT DISTINCT ?e ?alias ?wd WHERE {{ {values} "
            "{ GRAPH ?g { ?e skos:altLabel ?alias } } UNION { GRAPH ?g { ?e owl:sameAs ?wd } } }"
        )
        if rows
        else []
    )
    info: dict[str, dict] = {}
    for r in rows:
        item = info.setdefault(r["e"], {"label": r["label"], "type": TYPE_BY_IRI[r["type"]], "sources": {}})
        item["sources"][r["g"]] = docs[r["g"]]
    aliases: dict[str, set[str]] = defaultdict(set)
    wikidata: dict[str, str] = {}
    for r in extras:
        if r["alias"] is not None:
            aliases[r["e"]].add(r["alias"])
        if r["wd"] is not None:
            wikidata[r["e"]] = r["wd"].rsplit("/", 1)[-1]
    out = [
        EntitySummary(
            id=e,
            label=item["label"],
            type=item["type"],
            aliases=sorted(aliases[e] - {item["label"]}),
            sources=sorted(item["sources"].values(), key=lambda s: s.name),
            wikidata=wikidata.get(e),
        )
        for e, item in info.items()
    ]
    return sorted(out, key=lambda s: (s.type.value, s.label.casefold(), s.id))


def _tie_graphs(store: Store, entity: str, co_mentions: bool, kind: EntityType | None) -> dict[str, set[str]]:
    """The entities (of KIND, if given) tied to ENTITY -> the document graphs that state the tie. The
    type is read in those graphs, so that a list of projects never reads a country's every document."""
    values = CO_MENTION_VALUES if co_mentions else RELATION_VALUES
    typed = f"?n a <{kind.iri}> ." if kind else ""
    rows = store.select(
        f"SELECT DISTINCT ?n ?g ?x WHERE {{ GRAPH ?g {{ {{ ?x ?p ?n }} UNION {{ ?n ?p ?x }} {typed} }} "
        f"VALUES ?p {{ {values} }} }}",
        {"x": ox.NamedNode(entity)},
    )
    found: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["n"] != entity:
            found[r["n"]].add(r["g"])
    return found


def neighbours_of(store: Store, entities: set[str], co_mentions: bool = False) -> dict[str, set[str]]:
    """Each of ENTITIES -> the entities tied to it, in one query (a country's hundreds of firms and
    bodies would otherwise cost a query each)."""
    if not entities:
        return {}
    values = CO_MENTION_VALUES if co_mentions else RELATION_VALUES
    xs = " ".join(str(ox.NamedNode(e)) for e in sorted(entities))
    rows = store.select(
        f"SELECT DISTINCT ?x ?n WHERE {{ VALUES ?x {{ {xs} }} GRAPH ?g {{ {{ ?x ?p ?n }} UNION {{ ?n ?p ?x }} }} "
        f"VALUES ?p {{ {values} }} }}"
    )
    found: dict[str, set[str]] = {e: set() for e in entities}
    for r in rows:
        if r["n"] != r["x"]:
            found[r["x"]].add(r["n"])
    return found


def neighbours(store: Store, entity: str, co_mentions: bool = False) -> list[str]:
    """The entities tied to ENTITY; with CO_MENTIONS, also those only named
    beside it in a sentence with no grammatical path between the two."""
    values = CO_MENTION_VALUES if co_mentions else RELATION_VALUES
    rows = store.select(
        "SELECT DISTINCT ?n ?x WHERE { GRAPH ?g { { ?x ?p ?n } UNION { ?n ?p ?x } } "
        f"VALUES ?p {{ {values} }} }}",
        {"x": ox.NamedNode(entity)},
    )
    return sorted({r["n"] for r in rows} - {entity})


def entities(
    store: Store,
    kind: EntityType | None = None,
    involving: str | None = None,
    co_mentions: bool = False,
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[EntitySummary]:
    """Entities, optionally of one type and tied to the entity NAME denotes
    (or, with CO_MENTIONS, also only named beside it): then each one's sources
    are the documents that state its tie to NAME. LIMIT and OFFSET page the
    answer, in its order (type, label)."""
    if not involving:
        return _page(_summaries(store, None, kind), limit, offset)
    graphs = _tie_graphs(store, find_entity(store, involving), co_mentions, kind)
    return _page(_summaries(store, sorted(graphs), kind, graphs), limit, offset)


def _page(items: list[EntitySummary], limit: int | None, offset: int) -> list[EntitySummary]:
    return items[offset : offset + limit if limit is not None else None]


def show(store: Store, name: str, co_mentions: bool = False) -> EntityDetail:
    """The entity NAME denotes, with its ties and their evidence; co-mentions
    only with CO_MENTIONS."""
    entity = find_entity(store, name)
    summary = _summaries(store, [entity], None)[0]
    fields = (
        "ties:sentence ?sentence ; ties:start ?start ; ties:end ?end ; ties:method ?method ; "
        "ties:confidence ?confidence OPTIONAL { ?ev ties:reason ?reason } OPTIONAL { ?ev ties:confirmedBy ?confirmed }"
    )
    rows = store.select(
        "SELECT ?x ?dir ?p ?other ?g ?sentence ?start ?end ?method ?confidence ?reason ?confirmed WHERE { "
        f'{{ GRAPH ?g {{ ?ev rdf:subject ?x ; rdf:predicate ?p ; rdf:object ?other ; {fields} }} BIND("out" AS ?dir) }} '
        f'UNION {{ GRAPH ?g {{ ?ev rdf:object ?x ; rdf:predicate ?p ; rdf:subject ?other ; {fields} }} BIND("in" AS ?dir) }} }}',
        {"x": ox.NamedNode(entity)},
    )
    if not co_mentions:
        rows = [r for r in rows if r["p"] != Relation.coMentioned.iri]
    docs = {s.id: s for s in summary.sources}
    docs.update(sources_by_graph(store, {r["g"] for r in rows} - set(docs)))
    # Each other entity's sources are the documents that state its tie to this one, not all that name it
    # (a country's thousands).
    stating: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        stating[r["other"]].add(r["g"])
    others = {s.id: s for s in _summaries(store, sorted(stating), None, stating)}
    # A tie no document states (an analyst's assertion, in a decision's graph): the entity as it stands.
    others.update((s.id, s) for s in _summaries(store, sorted(set(stating) - set(others)), None))
    grouped: dict[tuple, list[StatedEvidence]] = defaultdict(list)
    for r in rows:
        if r["other"] not in others:
            continue
        source = docs.get(r["g"])
        grouped[(r["p"], r["dir"], r["other"])].append(
            StatedEvidence(
                source=source.name if source else r["g"],
                sentence=r["sentence"],
                start=r["start"],
                end=r["end"],
                method=r["method"],
                confidence=r["confidence"],
                reason=r["reason"],
                confirmed_by=r["confirmed"],
            )
        )
    relations = []
    for (p, direction, other), evidence in grouped.items():
        relation = RELATION_BY_IRI.get(p)
        evidence.sort(key=lambda ev: (ev.source, ev.start))
        relations.append(
            RelationView(
                predicate=p,
                relation=relation.label if relation else p,
                direction=direction,
                other=others[other],
                evidence=evidence,
            )
        )
    relations.sort(key=lambda r: (r.relation, r.direction, r.other.type.value, r.other.label.casefold()))
    return EntityDetail(**summary.model_dump(), relations=relations)


def entity_graph_values(pairs: Iterable[tuple[str, str]]) -> str:
    """A VALUES block binding ?e and ?g to each (entity, graph) pair: reads only the graphs that matter."""
    return "VALUES (?e ?g) { " + " ".join(f"({ox.NamedNode(e)} {ox.NamedNode(g)})" for e, g in pairs) + " }"


def labels_and_types(store: Store, query: str) -> dict[str, tuple[str, str | None]]:
    """IRI -> (label, type) for the entities the query's ?e ranges over."""
    out: dict[str, tuple[str, str | None]] = {}
    for r in store.select(query):
        kind = TYPE_BY_IRI.get(r["type"]) if r.get("type") else None
        label, known = out.get(r["e"], (r["label"], None))
        out[r["e"]] = (label, known or (kind.value if kind else None))
    return out
