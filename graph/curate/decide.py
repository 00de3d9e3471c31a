"""The analyst's decisions, as the library makes them: each function checks the decision against
the store (names resolve as in every lookup, a tie to reject must exist, a quote must be in the
document it cites), records it, and curates the documents it concerns. Nothing is changed when a
decision is refused (DecisionError, or the lookup's own error)."""

from __future__ import annotations

import getpass

import pyoxigraph as ox

from graph.curate.apply import (
    curated_by,
    documents_concerning,
    read_decisions,
    recurate,
    refresh_graphs,
    write_decisions,
)
from graph.curate.history import note_orphans, orphaned
from graph.curate.records import Action, Decision, now
from graph.errors import DecisionError, StoreError
from graph.names import match_key
from graph.query.catalogue import find_document
from graph.query.lookups import find_entity
from graph.rdf.quads import entity_iri
from graph.store import Store
from graph.vocab import DOCUMENT, META_GRAPH, RELATION_BY_IRI, TYPE_BY_IRI, EntityType, Relation

__all__ = [
    "merge",
    "split",
    "alias",
    "rename",
    "retype",
    "reject",
    "confirm",
    "assert_tie",
    "prefer",
    "undo",
    "reapply",
    "Outcome",
    "current_user",
]

Outcome = tuple[Decision, int]  # the decision, and how many documents it changed


def current_user() -> str:
    """Who decides when --by is not given: the login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "analyst"


class _Entity:
    def __init__(self, store: Store, name: str) -> None:
        self.iri = find_entity(store, name)
        rows = store.select(
            "SELECT ?t ?l ?e WHERE { GRAPH ?g { ?e a ?t ; rdfs:label ?l } }", {"e": ox.NamedNode(self.iri)}
        )
        typed = sorted((TYPE_BY_IRI[r["t"]].value, r["l"]) for r in rows if r["t"] in TYPE_BY_IRI)
        if not typed:
            raise DecisionError(f"{name!r} has no type in the store; run `ties validate`")
        self.type, self.label = typed[0]


def _record(store: Store, by: str | None, reason: str | None, **fields) -> Outcome:
    if not store.writable:
        raise StoreError(f"the store at {store.location} was opened read-only; open it for writing to decide")
    decisions = read_decisions(store)
    d = Decision(
        number=max((x.number for x in decisions), default=0) + 1,
        by=by or current_user(),
        at=now(),
        reason=reason,
        **fields,
    )
    same = [x for x in decisions if x.active and x.content() == d.content()]
    if same:
        raise DecisionError(f"decision {same[0].number} does this already ({same[0].describe()})")
    changed = _apply(store, decisions, [*decisions, d], d, lambda: write_decisions(store, [d]))
    return d, changed.get(d.number, 0)


def _apply(store: Store, before: list[Decision], after: list[Decision], d: Decision, write) -> dict[int, int]:
    """Write the decision (WRITE), bring the graphs of decisions and documents it concerns up to
    date, and note the decisions it leaves with nothing to apply to."""
    lost = {x.number for x in orphaned(store, before)}
    concerned = documents_concerning(store, d)
    write()
    try:
        refresh_graphs(store, after)
        changed = recurate(store, concerned, after)
    except StoreError as exc:
        raise DecisionError(
            f"decision {d.number} is recorded but not yet applied to every document ({exc}); "
            "run `ties curate reapply` once the store is reachable"
        ) from exc
    note_orphans(store, lost, after)
    return changed


def _about(a: _Entity) -> dict:
    return {"target": a.iri, "target_type": a.type, "target_label": a.label}


def merge(store: Store, a: str, b: str, *, by: str | None = None, reason: str | None = None) -> Outcome:
    """B becomes A: its names are A's aliases, in every document and every later ingest. A merged
    entity's names find the one it became, so merging back (a cycle) meets "one entity already"."""
    first, second = _Entity(store, a), _Entity(store, b)
    if first.iri == second.iri:
        raise DecisionError(f"{a!r} and {b!r} are one entity already ({first.label}); nothing to merge")
    return _record(store, by, reason, action=Action.merge, other=second.iri, **_about(first))


def split(store: Store, a: str, name: str, *, by: str | None = None, reason: str | None = None) -> Outcome:
    """The documents that call A by NAME get an entity of their own, which resolution never joins
    to A again."""
    entity = _Entity(store, a)
    key = match_key(name)
    if not key:
        raise DecisionError("the name is empty; give one of the entity's names")
    if key == match_key(entity.label):
        raise DecisionError(f"{name!r} is {entity.label!r}'s own label; give another of its names, or rename it")
    rows = store.select(
        "SELECT ?g ?e ?key WHERE { GRAPH ?g { ?e ties:matchKey ?key } } LIMIT 1",
        {"e": ox.NamedNode(entity.iri), "key": ox.Literal(key)},
    )
    if not rows:
        raise DecisionError(f"no document calls {entity.label!r} {name!r}; `ties show` lists its aliases")
    return _record(store, by, reason, action=Action.split, name=" ".join(name.split()), **_about(entity))


def alias(store: Store, a: str, name: str, *, by: str | None = None, reason: str | None = None) -> Outcome:
    """NAME is a name of A: lookups find A by it, and an extracted entity of that name is A."""
    entity = _Entity(store, a)
    if not match_key(name):
        raise DecisionError("the alias is empty; give a name")
    known = store.select(
        "SELECT ?e ?key WHERE { GRAPH ?g { ?e ties:matchKey ?key } } LIMIT 1",
        {"e": ox.NamedNode(entity.iri), "key": ox.Literal(match_key(name))},
    )
    if known:
        raise DecisionError(f"{name!r} is a name of {entity.label!r} already")
    return _record(store, by, reason, action=Action.alias, name=" ".join(name.split()), **_about(entity))


def rename(store: Store, a: str, label: str, *, by: str | None = None, reason: str | None = None) -> Outcome:
    """A's label becomes LABEL; the old one stays an alias."""
    entity = _Entity(store, a)
    label = " ".join(label.split())
    if not match_key(label):
        raise DecisionError("the new label is empty; give one")
    new = entity_iri(EntityType(entity.type), label)
    if new == entity.iri:
        raise DecisionError(f"{entity.label!r} has that label already")
    _refuse_existing(store, new, label)
    return _record(store, by, reason, action=Action.rename, name=label, **_about(entity))


def retype(store: Store, a: str, kind: EntityType, *, by: str | None = None, reason: str | None = None) -> Outcome:
    entity = _Entity(store, a)
    if kind.value == entity.type:
        raise DecisionError(f"{entity.label!r} is a {kind.value} already")
    _refuse_existing(store, entity_iri(kind, entity.label), entity.label)
    return _record(store, by, reason, action=Action.retype, new_type=kind.value, **_about(entity))


def _refuse_existing(store: Store, new: str, label: str) -> None:
    if store.select("SELECT ?e ?t WHERE { GRAPH ?g { ?e a ?t } } LIMIT 1", {"e": ox.NamedNode(new)}):
        raise DecisionError(f"an entity {label!r} of that type exists already; merge the two instead")


def _tie(store: Store, a: str, relation: Relation, b: str) -> tuple[_Entity, _Entity]:
    """The tie A RELATION B as stored (either way round), or DecisionError naming the ties there are."""
    first, second = _Entity(store, a), _Entity(store, b)
    documents = f'FILTER(STRSTARTS(STR(?g), "{DOCUMENT}"))'  # an asserted tie is withdrawn by undoing it
    for s, o in ((first, second), (second, first)):
        found = store.select(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {documents} }} LIMIT 1",
            {"s": ox.NamedNode(s.iri), "o": ox.NamedNode(o.iri), "p": ox.NamedNode(relation.iri)},
        )
        if found:
            return s, o
    rows = store.select(
        f"SELECT DISTINCT ?p ?a ?b WHERE {{ GRAPH ?g {{ {{ ?a ?p ?b }} UNION {{ ?b ?p ?a }} }} {documents} }}",
        {"a": ox.NamedNode(first.iri), "b": ox.NamedNode(second.iri)},
    )
    kinds = sorted({RELATION_BY_IRI[r["p"]].value for r in rows if r["p"] in RELATION_BY_IRI})
    there = f"the ties documents state between them: {', '.join(kinds)}" if kinds else "no document ties them"
    raise DecisionError(
        f"no document states {first.label!r} {relation.value} {second.label!r}; {there} "
        "(a tie the analyst asserted is withdrawn with `ties curate undo N`)"
    )


def reject(
    store: Store, a: str, relation: Relation, b: str, *, by: str | None = None, reason: str | None = None
) -> Outcome:
    """The tie leaves every view but --raw."""
    s, o = _tie(store, a, relation, b)
    return _record(store, by, reason, action=Action.reject, relation=relation.value, other=o.iri, **_about(s))


def confirm(
    store: Store, a: str, relation: Relation, b: str, *, by: str | None = None, reason: str | None = None
) -> Outcome:
    s, o = _tie(store, a, relation, b)
    return _record(store, by, reason, action=Action.confirm, relation=relation.value, other=o.iri, **_about(s))


def assert_tie(
    store: Store,
    a: str,
    relation: Relation,
    b: str,
    *,
    source: str,
    quote: str | None = None,
    by: str | None = None,
    reason: str | None = None,
) -> Outcome:
    """A tie the documents do not state, citing SOURCE: a document in the store (then QUOTE, if
    given, must be in its text) or a URL."""
    first, second = _Entity(store, a), _Entity(store, b)
    if first.iri == second.iri:
        raise DecisionError("a tie needs two entities; both names are one")
    cited = _citation(store, source, quote)
    return _record(
        store,
        by,
        reason,
        action=Action.assert_,
        relation=relation.value,
        other=second.iri,
        source=cited,
        quote=" ".join(quote.split()) if quote else None,
        **_about(first),
    )


def _citation(store: Store, source: str, quote: str | None) -> str:
    if source.startswith(("http://", "https://")):
        return source
    doc = find_document(store, source)
    if quote:
        rows = store.select("SELECT ?d ?text WHERE { GRAPH ?d { ?d ties:text ?text } }", {"d": ox.NamedNode(doc.id)})
        text = " ".join(str(rows[0]["text"]).split()).casefold() if rows else ""
        if " ".join(quote.split()).casefold() not in text:
            raise DecisionError(f"the quote is not in {doc.name}; copy it from the document as it is written")
    return doc.id


def prefer(store: Store, fact: str, *, by: str | None = None, reason: str | None = None) -> Outcome:
    """The figure FACT (its id, as `ties facts --format json` gives it, or the end of it) is the
    one to believe where figures conflict; the others stay, with their conflicts."""
    rows = store.select(
        "SELECT ?o ?g ?m ?v ?u ?t WHERE { GRAPH ?g { ?o a ties:Observation ; ties:measure ?m ; schema:value ?v ; "
        "schema:unitText ?u OPTIONAL { ?o ties:time ?t } } }"
    )
    found = [r for r in rows if r["o"] == fact or (len(fact) >= 8 and r["o"].endswith(fact))]
    if len({r["o"] for r in found}) != 1:
        what = "no figure" if not found else "several figures"
        raise DecisionError(f"{what} with the id {fact!r}; `ties facts --format json` gives each figure's id")
    r = found[0]
    subject = store.select("SELECT ?e ?o WHERE { GRAPH ?g { ?o ties:about ?e } } LIMIT 1", {"o": ox.NamedNode(r["o"])})
    if not subject or not r["g"].startswith(DOCUMENT):
        raise DecisionError(f"the figure {fact!r} is about no entity; it cannot be preferred")
    entity = _Entity(store, subject[0]["e"])
    return _record(
        store,
        by,
        reason,
        action=Action.prefer,
        fact_document=r["g"],
        fact_measure=r["m"],
        fact_value=float(r["v"]),
        fact_unit=r["u"],
        fact_time=str(r["t"]) if r["t"] is not None else None,
        **_about(entity),
    )


def undo(store: Store, number: int, *, by: str | None = None) -> Outcome:
    """Decision NUMBER no longer applies; its record stays, marked undone. The number of documents
    it had changed."""
    decisions = read_decisions(store)
    found = [d for d in decisions if d.number == number]
    if not found:
        raise DecisionError(f"no decision {number}; `ties curate list` lists them")
    if not found[0].active:
        raise DecisionError(f"decision {number} was undone already, at {found[0].undone_at}")
    d = found[0].undone(now(), by or current_user())
    had = curated_by(store, d)
    after = [x if x.number != number else d for x in decisions]
    _apply(store, decisions, after, found[0], lambda: write_decisions(store, [d], replace=True))
    return d, had


def reapply(store: Store) -> int:
    """Bring every document graph to its curated form again (after a decision that could not be
    applied whole, a server that went away); the number of documents written."""
    decisions = read_decisions(store)
    refresh_graphs(store, decisions)
    graphs = {r["g"] for r in store.select(f"SELECT ?g WHERE {{ GRAPH <{META_GRAPH}> {{ ?g ties:sha256 ?sha }} }}")}
    recurate(store, graphs, decisions)
    return len(graphs)
