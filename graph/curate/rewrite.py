"""The curated form of one document's graph: its extraction with the analyst's decisions applied,
in the order they were made. Pure: quads in, quads out, no store.

Merges, splits, aliases, renames and retypes move an entity to another IRI (the one ties would
mint for its new type and label) and describe it again; a rejection takes the tie and its evidence
out; a confirmation or a preferred figure is marked on the evidence or figure, with the decision's
IRI. Assertions live in their decision's own graph and change no document."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from graph.curate.records import Action, Decision
from graph.names import match_key
from graph.rdf.quads import entity_iri
from graph.vocab import OWL, RDF, RDFS, SKOS, TIES, TYPE_BY_IRI, EntityType, Relation

__all__ = ["Curation", "CONFIRMED_BY", "PREFERRED_BY"]

_A = ox.NamedNode(RDF + "type")
_LABEL = ox.NamedNode(RDFS + "label")
_ALT = ox.NamedNode(SKOS + "altLabel")
_KEY = ox.NamedNode(TIES + "matchKey")
_SAME = ox.NamedNode(OWL + "sameAs")
_DESCRIBING = {_A, _LABEL, _ALT, _KEY}
_SUBJECT, _PREDICATE, _OBJECT = (ox.NamedNode(RDF + p) for p in ("subject", "predicate", "object"))
_RELATIONS = {ox.NamedNode(r.iri) for r in Relation}
_OBSERVATION = ox.NamedNode(TIES + "Observation")
CONFIRMED_BY = ox.NamedNode(TIES + "confirmedBy")
PREFERRED_BY = ox.NamedNode(TIES + "preferredBy")


def _text(term: object) -> str:
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)


class _Entity:
    def __init__(self) -> None:
        self.type: str | None = None
        self.label: str | None = None
        self.alts: set[str] = set()
        self.keys: set[str] = set()

    def names(self) -> set[str]:
        return ({self.label} if self.label else set()) | self.alts


class Curation:
    """The active decisions, applied to one document graph at a time."""

    def __init__(self, decisions: Iterable[Decision]) -> None:
        self.decisions = [d for d in decisions if d.active and d.action is not Action.assert_]

    def __bool__(self) -> bool:
        return bool(self.decisions)

    def apply(self, graph_iri: str, quads: list[ox.Quad]) -> tuple[list[ox.Quad], list[int]]:
        """The curated quads of the document graph GRAPH_IRI (QUADS: its extraction, that graph's
        quads only) and the numbers of the decisions that changed them."""
        graph = ox.NamedNode(graph_iri)
        hits: list[int] = []
        present, keys = _index(quads)
        for d in self.decisions:
            # Most decisions concern few documents: a look at the document's entities and names
            # spares the rest a pass over their quads.
            if not _may_change(d, graph_iri, present, keys):
                continue
            changed = _STEPS[d.action](d, graph, quads)
            if changed is not None:
                quads = changed
                hits.append(d.number)
                present, keys = _index(quads)
        return quads, hits


def _index(quads: list[ox.Quad]) -> tuple[set[str], set[str]]:
    """The IRIs of what the graph types, and the lookup keys of its names."""
    present = {q.subject.value for q in quads if q.predicate == _A and isinstance(q.subject, ox.NamedNode)}
    return present, {_text(q.object) for q in quads if q.predicate == _KEY}


def _may_change(d: Decision, graph_iri: str, present: set[str], keys: set[str]) -> bool:
    if d.action is Action.prefer:
        return graph_iri == d.fact_document
    if d.action is Action.merge:
        return d.other in present
    if d.action is Action.alias:
        return match_key(d.name or "") in keys
    if d.action in (Action.reject, Action.confirm):
        return d.target in present and d.other in present
    return d.target in present


# --- moving entities ------------------------------------------------------------------------------


def _entities(quads: list[ox.Quad]) -> dict[str, _Entity]:
    found: dict[str, _Entity] = defaultdict(_Entity)
    for q in quads:
        if q.predicate not in _DESCRIBING or not isinstance(q.subject, ox.NamedNode):
            continue
        e = found[q.subject.value]
        value = _text(q.object)
        if q.predicate == _A and value in TYPE_BY_IRI:
            e.type = value
        elif q.predicate == _LABEL:
            e.label = value
        elif q.predicate == _ALT:
            e.alts.add(value)
        elif q.predicate == _KEY:
            e.keys.add(value)
    return {k: e for k, e in found.items() if e.type}


def _move(
    quads: list[ox.Quad], graph: ox.NamedNode, moves: dict[str, str], kind: str, label: str, extra: set[str]
) -> list[ox.Quad]:
    """QUADS with every entity in MOVES at its new IRI (one IRI for all of them), described anew
    as of type KIND with LABEL, the other names it had (and EXTRA) as aliases."""
    (new,) = set(moves.values())
    entities = _entities(quads)
    names = set(extra)
    keys: set[str] = set()
    for old in [*moves, new]:
        if old in entities:
            names |= entities[old].names()
            keys |= entities[old].keys
    moved = {ox.NamedNode(k): ox.NamedNode(v) for k, v in moves.items()}
    target = ox.NamedNode(new)
    out: list[ox.Quad] = []
    for q in quads:
        if q.subject in moved and q.predicate == _SAME and q.subject != target:
            continue  # the Wikidata item is the entity's own, not that of a name it absorbed
        s, o = moved.get(q.subject, q.subject), moved.get(q.object, q.object)  # type: ignore[arg-type]
        if s == target and q.predicate in _DESCRIBING:
            continue
        if q.predicate in _RELATIONS and s == o:
            continue  # two names of one thing: no tie between them
        out.append(q if (s, o) == (q.subject, q.object) else ox.Quad(s, q.predicate, o, q.graph_name))
    out += [
        ox.Quad(target, _A, ox.NamedNode(EntityType(kind).iri), graph),
        ox.Quad(target, _LABEL, ox.Literal(label), graph),
    ]
    out += [ox.Quad(target, _ALT, ox.Literal(n), graph) for n in sorted(names - {label})]
    keys |= {match_key(n) for n in names | {label}}
    out += [ox.Quad(target, _KEY, ox.Literal(k), graph) for k in sorted(keys - {""})]
    return _without_self_evidence(out)


def _without_self_evidence(quads: list[ox.Quad]) -> list[ox.Quad]:
    subject = {q.subject: q.object for q in quads if q.predicate == _SUBJECT}
    same = {ev for q in quads if q.predicate == _OBJECT and subject.get(ev := q.subject) == q.object}
    return [q for q in quads if q.subject not in same] if same else quads


def _merge(d: Decision, graph: ox.NamedNode, quads: list[ox.Quad]) -> list[ox.Quad] | None:
    if d.other is None or d.other not in _entities(quads):
        return None
    return _move(quads, graph, {d.other: d.target}, d.target_type, d.target_label, set())


def _alias(d: Decision, graph: ox.NamedNode, quads: list[ox.Quad]) -> list[ox.Quad] | None:
    """Whatever the document calls by NAME (its label) is the entity: later extractions of the
    name resolve to it, whatever type they guessed."""
    key = match_key(d.name or "")
    named = [i for i, e in _entities(quads).items() if i != d.target and e.label and match_key(e.label) == key]
    if not named:
        return None
    return _move(quads, graph, {i: d.target for i in named}, d.target_type, d.target_label, set())


def _split(d: Decision, graph: ox.NamedNode, quads: list[ox.Quad]) -> list[ox.Quad] | None:
    entity = _entities(quads).get(d.target)
    key = match_key(d.name or "")
    if entity is None or key not in {match_key(n) for n in entity.names()}:
        return None
    apart = entity_iri(EntityType(d.target_type), d.name or "")
    out = _move(quads, graph, {d.target: apart}, d.target_type, d.name or "", set())
    # The name it was split from is no name of the new entity.
    drop = {d.target_label, *(n for n in entity.names() if match_key(n) == match_key(d.target_label))}
    node = ox.NamedNode(apart)
    return [
        q
        for q in out
        if not (
            q.subject == node and q.predicate in (_ALT, _KEY) and _text(q.object) in drop | {match_key(d.target_label)}
        )
    ]


def _rename(d: Decision, graph: ox.NamedNode, quads: list[ox.Quad]) -> list[ox.Quad] | None:
    if d.target not in _entities(quads):
        return None
    new = entity_iri(EntityType(d.target_type), d.name or "")
    return _move(quads, graph, {d.target: new}, d.target_type, d.name or "", {d.target_label})


def _retype(d: Decision, graph: ox.NamedNode, quads: list[ox.Quad]) -> list[ox.Quad] | None:
    if d.target not in _entities(quads) or d.new_type is None:
        return None
    new = entity_iri(EntityType(d.new_type), d.target_label)
    return _move(quads, graph, {d.target: new}, d.new_type, d.target_label, set())


# --- ties and figures -----------------------------------------------------------------------------


def _evidence_of(d: Decision, quads: list[ox.Quad]) -> set:
    """The evidence nodes of the tie D names (subject, relation, object)."""
    relation = Relation(d.relation).iri if d.relation else None
    parts: dict = defaultdict(dict)
    for q in quads:
        if q.predicate in (_SUBJECT, _PREDICATE, _OBJECT):
            parts[q.subject][q.predicate] = _text(q.object)
    wanted = {_SUBJECT: d.target, _PREDICATE: relation, _OBJECT: d.other}
    return {ev for ev, p in parts.items() if p == wanted}


def _reject(d: Decision, graph: ox.NamedNode, quads: list[ox.Quad]) -> list[ox.Quad] | None:
    evidence = _evidence_of(d, quads)
    tie = (
        ox.NamedNode(d.target),
        ox.NamedNode(Relation(d.relation or "tiedTo").iri),
        ox.NamedNode(d.other or d.target),
    )
    kept = [q for q in quads if q.subject not in evidence and (q.subject, q.predicate, q.object) != tie]
    return kept if len(kept) != len(quads) else None


def _confirm(d: Decision, graph: ox.NamedNode, quads: list[ox.Quad]) -> list[ox.Quad] | None:
    evidence = _evidence_of(d, quads)
    if not evidence:
        return None
    mark = ox.NamedNode(d.iri)
    return quads + [ox.Quad(ev, CONFIRMED_BY, mark, graph) for ev in sorted(evidence, key=str)]


_FIGURE = {p: ox.NamedNode(iri) for p, iri in (("measure", TIES + "measure"), ("unit", "https://schema.org/unitText"))}
_VALUE = ox.NamedNode("https://schema.org/value")
_TIME = ox.NamedNode(TIES + "time")


def _prefer(d: Decision, graph: ox.NamedNode, quads: list[ox.Quad]) -> list[ox.Quad] | None:
    if graph.value != d.fact_document:
        return None
    fields: dict = defaultdict(dict)
    observations = {q.subject for q in quads if q.predicate == _A and q.object == _OBSERVATION}
    for q in quads:
        if q.subject in observations:
            fields[q.subject][q.predicate] = q.object
    chosen = [
        node
        for node, f in fields.items()
        if f.get(_FIGURE["measure"], ox.Literal("")).value == d.fact_measure
        and f.get(_FIGURE["unit"], ox.Literal("")).value == (d.fact_unit or "")
        and _value(f.get(_VALUE)) == d.fact_value
        and (f[_TIME].value if _TIME in f else None) == d.fact_time
    ]
    if not chosen:
        return None
    mark = ox.NamedNode(d.iri)
    return quads + [ox.Quad(node, PREFERRED_BY, mark, graph) for node in sorted(chosen, key=str)]


def _value(term: ox.Literal | None) -> float | None:
    try:
        return float(term.value) if term is not None else None
    except ValueError:
        return None


_STEPS = {
    Action.merge: _merge,
    Action.alias: _alias,
    Action.split: _split,
    Action.rename: _rename,
    Action.retype: _retype,
    Action.reject: _reject,
    Action.confirm: _confirm,
    Action.prefer: _prefer,
}
