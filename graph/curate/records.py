"""A decision as a record: what the analyst decided, about what, by whom, when and why; and the
record as quads in the decisions graph, as a JSON object (one line of an export) and back.

Decisions name entities by their stable key: the IRI ties mints from an entity's type and
canonical label (``ent:Firm/Hyundai_Rotem``), with the type and label beside it, so that a
decision still applies after the documents that named the entity are ingested again."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from enum import Enum
from urllib.parse import unquote

import pyoxigraph as ox

from graph.errors import DecisionError
from graph.rdf.terms import iri, literal
from graph.vocab import DCTERMS, DECISION, DECISIONS_GRAPH, PROV, RDF, RDFS, TIES, EntityType, Relation

__all__ = [
    "Action",
    "Decision",
    "FORMAT",
    "now",
    "record_quads",
    "from_rows",
    "to_json",
    "from_json",
    "from_json_lines",
    "decision_iri",
]

FORMAT = 1  # the version of the decision record; a file or store of a newer one is refused


class Action(Enum):
    """What a decision does; the value is its name on the command line."""

    merge = "merge"
    split = "split"
    alias = "alias"
    rename = "rename"
    retype = "retype"
    reject = "reject"
    confirm = "confirm"
    assert_ = "assert"
    prefer = "prefer"


@dataclass(frozen=True)
class Decision:
    """One decision. ``target`` is the entity decided about (A), with the type and label it had
    when the decision was made; ``other`` the second entity (merge: the one that becomes an alias
    of A; reject, confirm, assert: the tie's object). ``name``: split, alias (the name) and rename
    (the new label). ``fact_*``: prefer's figure, by document, measure, value, unit and period."""

    number: int
    action: Action
    target: str
    target_type: str
    target_label: str
    by: str
    at: str  # ISO 8601, UTC
    reason: str | None = None
    other: str | None = None
    relation: str | None = None  # a Relation value
    name: str | None = None
    new_type: str | None = None  # an EntityType value
    source: str | None = None  # assert: a document IRI or a URL
    quote: str | None = None
    fact_document: str | None = None
    fact_measure: str | None = None
    fact_value: float | None = None
    fact_unit: str | None = None
    fact_time: str | None = None
    undone_at: str | None = None
    undone_by: str | None = None

    @property
    def iri(self) -> str:
        return decision_iri(self.number)

    @property
    def active(self) -> bool:
        return self.undone_at is None

    def undone(self, at: str, by: str) -> Decision:
        return replace(self, undone_at=at, undone_by=by)

    def content(self) -> tuple:
        """What the decision decides, whoever decided it, when, why, under which number, and
        whether it was undone since: two decisions of one content do the same."""
        values = asdict(self)
        for name in ("number", "by", "at", "reason", "undone_at", "undone_by"):
            values.pop(name)
        return tuple(sorted((k, str(v)) for k, v in values.items()))

    def describe(self) -> str:
        """One line: what was decided, in the words of the command that decided it."""
        a, b = f'"{self.target_label}"', f'"{_short(self.other or "")}"'
        if self.action is Action.merge:
            return f"merge {a} {b}"
        if self.action in (Action.split, Action.alias, Action.rename):
            return f'{self.action.value} {a} "{self.name}"'
        if self.action is Action.retype:
            return f"retype {a} {self.new_type}"
        if self.action is Action.prefer:
            value = f"{self.fact_value:,.12g}" if self.fact_value is not None else ""
            what = " ".join(f"{self.fact_measure} {value} {self.fact_unit or ''} {self.fact_time or ''}".split())
            return f"prefer {what} in {unquote((self.fact_document or '').rsplit('/', 1)[-1])}"
        return f"{self.action.value} {a} {self.relation} {b}"


def now() -> str:
    """The time of a decision, to the second, in UTC, written as the store gives it back."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decision_iri(number: int) -> str:
    return f"{DECISION}{number}"


def _short(entity_iri: str) -> str:
    """An IRI's last segment as the label it was made from (graph.names.iri_slug, undone)."""
    return unquote(entity_iri.rsplit("/", 1)[-1]).replace("_", " ")


# --- as quads in the decisions graph --------------------------------------------------------------

_P = {
    "number": TIES + "number",
    "action": TIES + "action",
    "target": TIES + "target",
    "target_type": TIES + "targetType",
    "target_label": TIES + "targetLabel",
    "by": PROV + "wasAttributedTo",
    "at": PROV + "generatedAtTime",
    "reason": RDFS + "comment",
    "other": TIES + "other",
    "relation": TIES + "relation",
    "name": TIES + "name",
    "new_type": TIES + "newType",
    "source": DCTERMS + "source",
    "quote": TIES + "citedQuote",
    "fact_document": TIES + "factDocument",
    "fact_measure": TIES + "factMeasure",
    "fact_value": TIES + "factValue",
    "fact_unit": TIES + "factUnit",
    "fact_time": TIES + "factTime",
    "undone_at": TIES + "undoneAt",
    "undone_by": TIES + "undoneBy",
}
_BY_PREDICATE = {p: k for k, p in _P.items()}
_IRIS = {"target", "other", "fact_document"}  # fields that hold IRIs
_TYPED = {"target_type": EntityType, "new_type": EntityType}


def record_quads(d: Decision) -> list[ox.Quad]:
    """The decision's record in the decisions graph."""
    node, graph = iri(d.iri), iri(DECISIONS_GRAPH)
    quads = [
        ox.Quad(node, iri(RDF + "type"), iri(TIES + "Decision"), graph),
        ox.Quad(node, iri(TIES + "recordFormat"), literal(FORMAT), graph),
    ]
    for name, value in asdict(d).items():
        if value is None or name not in _P:
            continue
        quads.append(ox.Quad(node, iri(_P[name]), _term(name, value), graph))
    return quads


def _term(name: str, value: object) -> ox.NamedNode | ox.Literal:
    if name in _IRIS:
        return iri(str(value))
    if name in _TYPED:
        return iri(EntityType(value).iri)
    if name == "relation":
        return iri(Relation(value).iri)
    if name == "action":
        return literal(Action(value).value)
    if name == "source":
        return literal(str(value), uri=True)
    if name in ("at", "undone_at"):
        return ox.Literal(str(value), datatype=iri("http://www.w3.org/2001/XMLSchema#dateTime"))
    return literal(value)


def from_rows(rows: list[dict]) -> list[Decision]:
    """Decisions from (?d ?p ?o) rows of the decisions graph, in their order; a record of a newer
    format, one that is not whole, one with two values of a field, or two records of one number,
    are refused."""
    by_node: dict[str, dict[str, object]] = {}
    for r in rows:
        values = by_node.setdefault(r["d"], {})
        if r["p"] == TIES + "recordFormat" and _newer(r["o"]):
            raise DecisionError(
                f"the decisions were written by a newer ties (record format {r['o']}); upgrade ties to read them"
            )
        name = _BY_PREDICATE.get(r["p"])
        if name is None:
            continue
        if name in values and values[name] != r["o"]:
            raise DecisionError(f"decision {r['d']} has two values of {name}; fix or remove it")
        values[name] = r["o"]
    return _numbered([_decision(v, where=node) for node, v in by_node.items()], "the decisions")


def _newer(version: object) -> bool:
    try:
        return int(str(version)) > FORMAT
    except ValueError as exc:
        raise DecisionError(f"record format {version!r} is not a number; fix or remove that decision") from exc


def _numbered(decisions: list[Decision], where: str) -> list[Decision]:
    numbers = [d.number for d in decisions]
    repeated = sorted({n for n in numbers if numbers.count(n) > 1})
    if repeated:
        raise DecisionError(f"{where} hold two decisions numbered {repeated[0]}; each number must be one decision")
    return sorted(decisions, key=lambda d: d.number)


_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def _decision(values: dict[str, object], where: str) -> Decision:
    known = {f.name for f in fields(Decision)}
    clean: dict[str, object] = {}
    for name, value in values.items():
        if name not in known or value is None:
            continue
        if name in _TYPED or name == "relation":
            value = str(value).rsplit("#", 1)[-1]
        clean[name] = value
    try:
        decision = Decision(**clean)  # type: ignore[arg-type]
        number = decision.number
        if isinstance(number, bool) or not isinstance(number, int) and not str(number).isdigit():
            raise ValueError(f"number {number!r} is not a whole number")
        checked = replace(
            decision,
            number=int(str(number)),
            action=Action(decision.action),
            fact_value=float(decision.fact_value) if decision.fact_value is not None else None,
            at=str(decision.at),
            undone_at=str(decision.undone_at) if decision.undone_at is not None else None,
        )
        _check(checked)
    except (TypeError, ValueError) as exc:
        raise DecisionError(f"decision {where} is not a whole record ({exc}); fix or remove it") from exc
    return checked


def _check(d: Decision) -> None:
    """Raise ValueError on what would be written wrong: a number below 1, a time that is no ISO
    8601 time, an IRI that is none, an unknown type or relation."""
    if d.number < 1:
        raise ValueError(f"number {d.number} is below 1")
    for when in (d.at, d.undone_at):
        if when is not None and not _ISO.fullmatch(when):
            raise ValueError(f"{when!r} is no ISO 8601 time such as 2026-01-31T09:00:00Z")
    for name in _IRIS:
        value = getattr(d, name)
        if value is not None:
            ox.NamedNode(str(value))
    EntityType(d.target_type)
    if d.new_type is not None:
        EntityType(d.new_type)
    if d.relation is not None:
        Relation(d.relation)


# --- as JSON ------------------------------------------------------------------------------------


def to_json(d: Decision) -> str:
    """One line, keys in a fixed order and empty fields left out: a file of these diffs well."""
    values = {k: v for k, v in asdict(d).items() if v is not None}
    values["action"] = d.action.value
    return json.dumps({"format": FORMAT, **values}, ensure_ascii=False, sort_keys=False)


def from_json(line: str, where: str) -> Decision:
    try:
        values = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DecisionError(f"{where} is not JSON ({exc.msg}); export the decisions again") from exc
    if not isinstance(values, dict):
        raise DecisionError(f"{where} is not a decision (a JSON object); export the decisions again")
    version = values.pop("format", None)
    if not isinstance(version, int):
        raise DecisionError(f"{where} has no record format; it was not written by `ties curate export`")
    if version > FORMAT:
        raise DecisionError(f"{where} was written by a newer ties (record format {version}); upgrade ties to import it")
    unknown = set(values) - {f.name for f in fields(Decision)}
    if unknown:
        raise DecisionError(f"{where} has fields ties does not know ({', '.join(sorted(unknown))}); check the file")
    return _decision(values, where)


def from_json_lines(lines: list[tuple[str, str]]) -> list[Decision]:
    """Decisions from (where, line) pairs of a JSON Lines file; two of one number are refused."""
    return _numbered([from_json(line, where) for where, line in lines], "the file")
