"""Questions of "when" over the store: the dated history of an entity or a pair,
and the start and end of each entity for Gephi's timeline.

Names a user gives are turned into IRIs by ``graph.query.lookups.find_entity``
(which raises UnknownNameError / AmbiguousNameError) and compared as IRIs;
nothing a user types is pasted into a query.

``timeline(store, a, b=None) -> list[TimelineEntry]``
    The dated events, agreements, projects and diplomatic relations involving
    A: A itself, anything tied to A by a relation in either direction, and
    A's diplomatic relations; with B, only what involves both (and the
    relations between A and B). Each a ``graph.model.TimelineEntry``: date,
    end_date, precision, what, label, type, property, id, other, source (a
    ``Source``), sources, sentence, quote.

    ``what`` reads the property ("took place", "signed", "entered into force",
    "established" for an agreement's start,
    "diplomatic relations established", ...); for relations ``label`` is
    "A – B", ``type`` "DiplomaticRelations" and ``other`` the second country's
    IRI. The same date of the same thing from several documents is one row
    (``source`` the first by name, ``sources`` all); a bare year is left out
    when a document gives the same thing's date more exactly. Sorted by date.

``gexf_times(store) -> dict[str, tuple[str | None, str | None]]``
    Entity IRI -> (start, end), full ISO days for Gephi (a year start is its
    1 January, a year end its 31 December). Events: from their date to their
    end date (the end of their day, month or year when none is given).
    Agreements: from the earliest of signed, in force and start dates, to an
    end date when one is stated. Projects: from their start (else their
    completion). Entities without dates are absent.

``relation_times(store) -> dict[tuple[str, str], tuple[str, None]]``
    (country IRI, country IRI), sorted -> (the day their diplomatic relations
    start, None), for edges between two countries. Another edge can take the
    later of its two ends' starts.
"""

from __future__ import annotations

import calendar
from collections import defaultdict

from graph.model import TimelineEntry
from graph.query.between import side
from graph.query.catalogue import source_of, sources_by_graph
from graph.query.lookups import find_entity, labels_and_types, neighbours, neighbours_of
from graph.store import Store
from graph.vocab import EntityType

__all__ = ["timeline", "gexf_times", "relation_times", "WHAT"]

WHAT = {
    "date": "took place",
    "endDate": "ended",
    "signedDate": "signed",
    "inForceDate": "entered into force",
    "startDate": "started",
    "completionDate": "completed",
    "targetDate": "due for completion",
    "relationsEstablished": "diplomatic relations established",
}


# --- timeline ---------------------------------------------------------------------------

_DATINGS = (
    "SELECT ?d ?g ?e ?property ?begin ?endDate ?precision ?kind ?other ?sentence ?quote WHERE { GRAPH ?g { "
    "?d a ties:Dating ; ties:dates ?e ; ties:property ?property ; ties:begin ?begin ; ties:precision ?precision ; "
    "ties:sentence ?sentence OPTIONAL { ?d ties:endDate ?endDate } OPTIONAL { ?d ties:otherParty ?other } "
    "OPTIONAL { ?d ties:dateKind ?kind } OPTIONAL { ?d ties:quote ?quote } } }"
)
_DATED = (
    "SELECT DISTINCT ?e ?label ?type WHERE { GRAPH ?g { ?d a ties:Dating . { ?d ties:dates ?e } UNION "
    "{ ?d ties:otherParty ?e } ?e rdfs:label ?label OPTIONAL { ?e a ?type } } }"
)


def _reach(store: Store, entity: str, direct_only: bool) -> dict[str, set[str]]:
    """What ENTITY is involved in -> through whom: nobody (its own tie, or a dated thing named beside
    it) or, for a country, the members (bodies, firms, nationals) whose ties bring it in."""
    reach: dict[str, set[str]] = {entity: set()}
    reach.update({n: set() for n in neighbours(store, entity, co_mentions=True)})
    members = {m: label for m, label in side(store, entity, direct_only).items() if label is not None}
    for member, tied in neighbours_of(store, set(members), co_mentions=True).items():
        for n in (member, *tied):
            if n not in reach or reach[n]:
                reach.setdefault(n, set()).add(members[member])
    return reach


def timeline(store: Store, a: str, b: str | None = None, *, direct_only: bool = False) -> list[TimelineEntry]:
    a_iri = find_entity(store, a)
    b_iri = find_entity(store, b) if b else None
    reach = _reach(store, a_iri, direct_only)
    if b_iri:
        other = _reach(store, b_iri, direct_only)
        reach = {e: reach[e] | other[e] for e in reach.keys() & other.keys()}
    involved = set(reach)
    labels = labels_and_types(store, _DATED)
    sources = sources_by_graph(store)
    grouped: dict[tuple, dict] = {}
    for r in store.select(_DATINGS):
        e, other, prop = r["e"], r["other"], r["property"]
        if prop == "relationsEstablished" and other:
            pair = {e, other}
            if a_iri not in pair or (b_iri and b_iri not in pair):
                continue
            who: object = frozenset(pair)
            first, second = (e, other) if e == a_iri or (b_iri and other == b_iri) else (other, e)
            label = f"{labels.get(first, (first,))[0]} – {labels.get(second, (second,))[0]}"
            kind = "DiplomaticRelations"
            e, other = first, second
        else:
            if e not in involved:
                continue
            who = e
            label, kind = labels.get(e, (e, None))
        key = (who, prop, r["begin"], r["endDate"])
        source = source_of(sources, r["g"])
        row = grouped.get(key)
        if row is None:
            row = grouped[key] = {
                "date": r["begin"],
                "end_date": r["endDate"],
                "precision": r["precision"],
                "what": "established" if (kind, prop) == ("Agreement", "startDate") else WHAT.get(prop, prop),
                "label": label,
                "type": kind,
                "property": prop,
                "id": e,
                "other": other if kind == "DiplomaticRelations" else None,
                "source": source,
                "sources": [],
                "sentence": r["sentence"],
                "quote": r["quote"],
                "through": sorted(reach.get(e, set())) if kind != "DiplomaticRelations" else [],
                "_who": who,
            }
        row["sources"].append(source)
        if source.name < row["source"].name:
            row.update(source=source, sentence=r["sentence"], quote=r["quote"])
    rows = list(grouped.values())
    rows = [x for x in rows if not _less_exact(x, rows)]
    for x in rows:
        x.pop("_who")
        x["sources"] = sorted({s.id: s for s in x["sources"]}.values(), key=lambda s: s.name)
    rows.sort(key=lambda x: (x["date"], x["end_date"] or "", x["label"].casefold(), x["property"]))
    return [TimelineEntry(**x) for x in rows]


def _less_exact(x: dict, rows: list[dict]) -> bool:
    return x["end_date"] is None and any(
        o is not x
        and o["_who"] == x["_who"]
        and o["property"] == x["property"]
        and len(o["date"]) > len(x["date"])
        and o["date"].startswith(x["date"])
        for o in rows
    )


# --- times for Gephi ------------------------------------------------------------------------

_STARTS = ("date", "startDate", "signedDate", "inForceDate")


def _first_day(value: str) -> str:
    value = value.split("/")[0]
    if len(value) == 4:
        return value + "-01-01"
    if len(value) == 7:
        return value + "-01"
    return value


def _last_day(value: str) -> str:
    value = value.split("/")[-1]
    if len(value) == 4:
        return value + "-12-31"
    if len(value) == 7:
        y, m = int(value[:4]), int(value[5:7])
        return f"{value}-{calendar.monthrange(y, m)[1]:02d}"
    return value


def _most_exact(values: list[str]) -> list[str]:
    """Leave out a month or year another value falls inside ("2024-03-01"
    from "March 2024" when another source says 7 March 2024)."""
    return [v for v in values if not any(len(o) > len(v) and o.startswith(v) for o in values)]


def gexf_times(store: Store) -> dict[str, tuple[str | None, str | None]]:
    labels = labels_and_types(store, _DATED)
    by_entity: dict[str, list[dict]] = defaultdict(list)
    for r in store.select(_DATINGS):
        if r["property"] != "relationsEstablished":
            by_entity[r["e"]].append(r)
    out: dict[str, tuple[str | None, str | None]] = {}
    for e, rows in by_entity.items():
        kind = labels.get(e, (None, None))[1]
        starts = [r["begin"] for r in rows if r["property"] in _STARTS]
        if not starts and kind == EntityType.Project.value:
            starts = [r["begin"] for r in rows if r["property"] == "completionDate"]
        ends = [r["endDate"] for r in rows if r["endDate"] and r["property"] in ("date", "startDate")]
        ends += [r["begin"] for r in rows if r["property"] == "endDate"]
        if kind == EntityType.Event.value and not ends:
            ends = [r["begin"] for r in rows if r["property"] == "date"]
        starts = [_first_day(v) for v in _most_exact(starts)]
        ends = [_last_day(v) for v in _most_exact(ends)]
        start = min(starts) if starts else None
        end = max(ends) if ends else None
        if start is None and end is None:
            continue
        if start and end and end < start:
            end = None
        out[e] = (start, end)
    return out


def relation_times(store: Store) -> dict[tuple[str, str], tuple[str, None]]:
    out: dict[tuple[str, str], tuple[str, None]] = {}
    for r in store.select(_DATINGS):
        if r["property"] == "relationsEstablished" and r["other"]:
            pair = tuple(sorted((r["e"], r["other"])))
            day = _first_day(r["begin"])
            if pair not in out or day < out[pair][0]:
                out[pair] = (day, None)
    return out
