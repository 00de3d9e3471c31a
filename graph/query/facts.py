"""Figures over the store: what the sources say a measure was, and where they disagree.

``facts(store, about=None, between=None, tolerance=0.1) -> list[Fact]``
    Every observation (see ``graph.extract.figures``), optionally only those
    about the entity ABOUT, or about both entities of BETWEEN = (A, B), each a
    ``graph.model.Fact``: measure, value, unit, time, status, qualifier,
    subjects (labels) and subject_ids (IRIs), source (a ``Source``), sentence,
    start, end, quote, method, confidence, id, and conflicts_with (a
    ``Conflict`` for each disagreeing figure: source name, value, sentence,
    status, id).

    ``sentence``/``start``/``end`` are the sentence and its offsets into the
    document's text (as in ``show``), ``quote`` the figure's words. Two
    observations conflict when they share measure, unit, time and subjects,
    come from different documents, and differ by more than ``tolerance``
    relative to the larger (|a - b| / max(|a|, |b|)); near-duplicate documents (one article as
    PDF and as text) are one source, and never disagree with themselves; reported and approximate
    figures are claims of the same kind, while an estimate conflicts only with
    an estimate and a target only with a target. Figures of the generic
    measures ("amount", "quantity", "percentage") never conflict: nothing says
    they measure the same thing. Sorted by measure, time, subjects, source.
"""

from __future__ import annotations

from collections import defaultdict

from graph.extract.figures import GENERIC_MEASURES
from graph.model import Conflict, Fact
from graph.query.between import side
from graph.query.catalogue import source_key, source_of, sources_by_graph
from graph.query.lookups import find_entity, labels_and_types
from graph.store import Store

__all__ = ["facts", "conflicting"]

_CLAIM = {"reported": "claim", "approximate": "claim", "estimate": "estimate", "target": "target"}


def facts(
    store: Store,
    about: str | None = None,
    between: tuple[str, str] | None = None,
    tolerance: float = 0.1,
    *,
    direct_only: bool = False,
) -> list[Fact]:
    # Each named entity is a side: a country and (unless direct_only) what belongs to it.
    named = ([about] if about else []) + (list(between) if between else [])
    sides = [side(store, find_entity(store, name), direct_only) for name in named]
    rows = store.select(
        "SELECT ?o ?g ?measure ?value ?unit ?time ?status ?qualifier ?sentence ?start ?end ?quote ?method "
        "?confidence ?attribution ?attributedTo ?preferred WHERE { GRAPH ?g { ?o a ties:Observation ; ties:measure ?measure ; schema:value ?value ; "
        "schema:unitText ?unit ; ties:status ?status ; ties:sentence ?sentence ; ties:start ?start ; ties:end ?end "
        "OPTIONAL { ?o ties:time ?time } OPTIONAL { ?o ties:qualifier ?qualifier } OPTIONAL { ?o ties:quote ?quote } "
        "OPTIONAL { ?o ties:method ?method } OPTIONAL { ?o ties:confidence ?confidence } "
        "OPTIONAL { ?o ties:attribution ?attribution } OPTIONAL { ?o ties:attributedTo ?attributedTo } "
        "OPTIONAL { ?o ties:preferredBy ?preferred } } }"
    )
    about_rows = store.select("SELECT ?o ?g ?about WHERE { GRAPH ?g { ?o a ties:Observation ; ties:about ?about } }")
    labels = labels_and_types(
        store,
        "SELECT DISTINCT ?e ?label WHERE { GRAPH ?g { ?o a ties:Observation ; ties:about ?e . ?e rdfs:label ?label } }",
    )
    subjects: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in about_rows:
        subjects[(r["o"], r["g"])].add(r["about"])
    sources = sources_by_graph(store)
    items = []
    for r in rows:
        ids = subjects.get((r["o"], r["g"]), set())
        if not all(ids & s.keys() for s in sides):
            continue
        through = _through(ids, sides)
        items.append(
            Fact(
                measure=r["measure"],
                value=float(r["value"]),
                unit=r["unit"],
                time=r["time"],
                status=r["status"],
                qualifier=r["qualifier"],
                subjects=sorted((labels.get(i, (i, None))[0] for i in ids), key=str.casefold),
                subject_ids=sorted(ids),
                source=source_of(sources, r["g"]),
                sentence=r["sentence"],
                start=r["start"],
                end=r["end"],
                quote=r["quote"],
                method=r["method"],
                confidence=r["confidence"],
                id=r["o"],
                attribution=r["attribution"],
                attributed_to=r["attributedTo"],
                through=through,
                preferred_by=r["preferred"],
            )
        )
    _flag_conflicts(items, tolerance)
    items.sort(
        key=lambda f: (
            f.measure,
            f.time is None,
            f.time or "",
            [s.casefold() for s in f.subjects],
            f.source.name,
            f.start,
            f.id,
        )
    )
    return items


def _through(ids: set[str], sides: list[dict[str, str | None]]) -> list[str]:
    """The members by whom a figure about IDS concerns each side that it does not name itself."""
    found: set[str] = set()
    for members in sides:
        if not any(members.get(i, "") is None for i in ids):  # the side's own entity is not a subject
            found |= {label for i in ids if (label := members.get(i))}
    return sorted(found)


def conflicting(a: Fact, b: Fact, tolerance: float) -> bool:
    """Do two figures disagree? Only figures from two sources can: two documents, or one document
    that credits them to two parties ("according to the ministry ... according to customs")."""
    if not _other_source(a, b) or a.measure in GENERIC_MEASURES:
        return False
    if (a.measure, a.unit, a.time, a.subject_ids) != (b.measure, b.unit, b.time, b.subject_ids):
        return False
    if _CLAIM[a.status] != _CLAIM[b.status]:
        return False
    x, y = a.value, b.value
    scale = max(abs(x), abs(y))
    return scale > 0 and abs(x - y) / scale > tolerance


def _other_source(a: Fact, b: Fact) -> bool:
    if source_key(a.source) != source_key(b.source):  # near-duplicate copies are one source
        return True
    return bool(a.attribution and b.attribution) and _party(a) != _party(b)


def _party(f: Fact) -> str:
    return f.attributed_to or " ".join((f.attribution or "").casefold().split())


def _flag_conflicts(items: list[Fact], tolerance: float) -> None:
    groups: dict[tuple, list[Fact]] = defaultdict(list)
    for f in items:
        groups[(f.measure, f.unit, f.time, tuple(f.subject_ids))].append(f)
    for group in groups.values():
        for a in group:
            for b in group:
                if a is not b and conflicting(a, b, tolerance):
                    a.conflicts_with.append(
                        Conflict(
                            source=b.source.name,
                            value=b.value,
                            sentence=b.sentence,
                            status=b.status,
                            id=b.id,
                            attribution=b.attribution,
                        )
                    )
        for a in group:
            a.conflicts_with.sort(key=lambda c: (c.source, c.value))
