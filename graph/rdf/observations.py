"""Dates and figures as quads: each ``Observation`` and ``Dating`` becomes a node in its document's
graph with what it is about, its value, and its evidence (sentence, offsets, quote, method)."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pyoxigraph as ox

from graph.extract.dates import Dating
from graph.extract.figures import Observation
from graph.rdf.provenance import provenance_quads
from graph.rdf.terms import Term, iri, literal
from graph.vocab import PROV, RDF, SCHEMA, TIES, XSD

__all__ = ["observation_quads", "dating_quads", "date_literal", "DATE_PREDICATES"]

_A = iri(RDF + "type")
_PROV_ENTITY = iri(PROV + "Entity")
DATE_PREDICATES = {
    "date": SCHEMA + "startDate",
    "startDate": SCHEMA + "startDate",
    "endDate": SCHEMA + "endDate",
    "signedDate": TIES + "signedDate",
    "inForceDate": TIES + "inForceDate",
    "completionDate": TIES + "completionDate",
    "targetDate": TIES + "targetDate",
    "relationsEstablished": TIES + "relationsEstablished",
}


def _t(local: str) -> ox.NamedNode:
    return iri(TIES + local)


def date_literal(value: str) -> ox.Literal:
    """An ISO date, month or year as xsd:date, xsd:gYearMonth or xsd:gYear;
    an interval ("2010/2015") as a plain string."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return ox.Literal(value, datatype=iri(XSD + "date"))
    if re.fullmatch(r"\d{4}-\d\d", value):
        return ox.Literal(value, datatype=iri(XSD + "gYearMonth"))
    if re.fullmatch(r"\d{4}", value):
        return ox.Literal(value, datatype=iri(XSD + "gYear"))
    return ox.Literal(value)


def _evidence(
    node: ox.NamedNode,
    graph: ox.NamedNode,
    sentence_text: str,
    s_start: int,
    s_end: int,
    quote: str,
    q_start: int,
    q_end: int,
    method: str,
    confidence: float,
) -> list[ox.Quad]:
    quoted: list[tuple[ox.NamedNode, Term]] = [
        (_t("quote"), literal(quote)),
        (_t("quoteStart"), literal(q_start)),
        (_t("quoteEnd"), literal(q_end)),
    ]
    sure = literal(Decimal(str(confidence)))
    return [ox.Quad(node, p, o, graph) for p, o in quoted] + provenance_quads(
        node, graph, sentence_text, s_start, s_end, method, sure
    )


def _node(doc_iri: str, kind: str, *parts: object) -> ox.NamedNode:
    digest = hashlib.sha1("|".join([doc_iri, kind, *map(str, parts)]).encode()).hexdigest()[:16]
    return iri(f"{doc_iri}#{kind}-{digest}")


def observation_quads(doc_iri: str, observations: list[Observation], iri_of: dict[str, str]) -> list[ox.Quad]:
    graph = iri(doc_iri)
    quads: list[ox.Quad] = []
    seen: set[str] = set()
    for o in observations:
        about = sorted({iri_of[k] for k in o.subjects if k in iri_of})
        if not about:
            continue
        node = _node(doc_iri, "observation", o.measure, o.start, o.end)
        if node.value in seen:
            continue
        seen.add(node.value)
        facts: list[tuple[ox.NamedNode, Term]] = [
            (_A, _t("Observation")),
            (_A, _PROV_ENTITY),
            (_t("measure"), literal(o.measure)),
            (iri(SCHEMA + "value"), literal(Decimal(repr(float(o.value))))),
            (iri(SCHEMA + "unitText"), literal(o.unit)),
            (_t("status"), literal(o.status)),
        ]
        facts += [(_t("about"), iri(a)) for a in about]
        if o.time:
            facts.append((_t("time"), date_literal(o.time)))
        if o.qualifier:
            facts.append((_t("qualifier"), literal(o.qualifier)))
        if o.attribution:
            facts.append((_t("attribution"), literal(o.attribution)))
            if o.attributed_to in iri_of:
                facts.append((_t("attributedTo"), iri(iri_of[o.attributed_to])))
        quads += [ox.Quad(node, p, v, graph) for p, v in facts]
        quads += _evidence(
            node,
            graph,
            o.sentence_text,
            o.sentence_start,
            o.sentence_end,
            o.text,
            o.start,
            o.end,
            o.method,
            o.confidence,
        )
    return quads


def dating_quads(doc_iri: str, datings: list[Dating], iri_of: dict[str, str]) -> list[ox.Quad]:
    graph = iri(doc_iri)
    quads: list[ox.Quad] = []
    seen: set[str] = set()
    for d in datings:
        entity = iri_of.get(d.entity_key)
        other = iri_of.get(d.other_key) if d.other_key else None
        if entity is None or (d.other_key and (other is None or other == entity)):
            continue
        node = _node(doc_iri, "dating", entity, d.property, d.date.start, d.date.end, other or "")
        if node.value in seen:
            continue
        seen.add(node.value)
        dm = d.date
        facts: list[tuple[ox.NamedNode, Term]] = [
            (_A, _t("Dating")),
            (_A, _PROV_ENTITY),
            (_t("dates"), iri(entity)),
            (_t("property"), literal(d.property)),
            (_t("begin"), date_literal(dm.begin)),
            (_t("precision"), literal(dm.precision)),
            (_t("dateKind"), literal(dm.kind)),
        ]
        if dm.end_date:
            facts.append((_t("endDate"), date_literal(dm.end_date)))
        if other:
            facts.append((_t("otherParty"), iri(other)))
        quads += [ox.Quad(node, p, v, graph) for p, v in facts]
        quads += _evidence(
            node,
            graph,
            d.sentence_text,
            d.sentence_start,
            d.sentence_end,
            dm.text,
            dm.start,
            dm.end,
            d.method,
            d.confidence,
        )
        # The fact itself, on the entity.
        predicate = iri(DATE_PREDICATES[d.property])
        quads.append(ox.Quad(iri(entity), predicate, date_literal(dm.begin), graph))
        if other:
            quads.append(ox.Quad(iri(other), predicate, date_literal(dm.begin), graph))
        if dm.end_date and d.property in ("date", "startDate"):
            quads.append(ox.Quad(iri(entity), iri(SCHEMA + "endDate"), date_literal(dm.end_date), graph))
    return quads
