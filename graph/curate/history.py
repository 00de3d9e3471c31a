"""The decisions as a whole: listed with what they still change, the ones orphaned by documents
that went away, those that made an entity what it is, the file that carries them to another store,
and the extraction measured against them."""

from __future__ import annotations

import io
import warnings
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from graph.curate.apply import (
    documents_concerning,
    moved_to,
    read_decisions,
    recurate,
    refresh_graphs,
    resolved,
    write_decisions,
)
from graph.curate.records import Action, Decision, from_json_lines, from_rows, record_quads, to_json
from graph.errors import DecisionError
from graph.model import DecisionScore, DecisionView
from graph.query.catalogue import stats
from graph.rdf.terms import to_python
from graph.store import Store, StoreNotice
from graph.vocab import DECISIONS_GRAPH, DOCUMENT, META_GRAPH

__all__ = [
    "decision_list",
    "orphaned",
    "note_orphans",
    "concerning",
    "export_decisions",
    "import_decisions",
    "score",
    "FORMATS",
]

FORMATS = ("jsonl", "trig")
# Decisions that act on documents, so that curating no document means their subject is gone.
_ON_DOCUMENTS = {Action.merge, Action.split, Action.rename, Action.retype, Action.reject, Action.confirm, Action.prefer}


def _curated_counts(store: Store) -> dict[str, int]:
    rows = store.select(
        f"SELECT ?d (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH <{META_GRAPH}> {{ ?g ties:curatedBy ?d }} }} GROUP BY ?d"
    )
    return {r["d"]: int(r["n"]) for r in rows}


def orphaned(store: Store, decisions: list[Decision] | None = None) -> list[Decision]:
    """Active decisions whose subject is in no document any more: a merge, split, rename, retype,
    rejection, confirmation or preference that changes no document graph; an alias or assertion
    whose entities no document names."""
    decisions = read_decisions(store) if decisions is None else decisions
    counts = _curated_counts(store)
    now = {d.number: resolved(d, decisions) for d in decisions if d.active}
    named = _named_in_documents(store, {e for d in now.values() for e in (d.target, d.other) if e})
    out = []
    for d in decisions:
        if not d.active:
            continue
        if d.action in _ON_DOCUMENTS:
            gone = not counts.get(d.iri)
        else:
            gone = any(e not in named for e in (now[d.number].target, now[d.number].other) if e)
        if gone:
            out.append(d)
    return out


def note_orphans(store: Store, before: set[int], decisions: list[Decision] | None = None) -> None:
    """One line (a StoreNotice) for each decision orphaned since BEFORE (the numbers orphaned then)."""
    for d in orphaned(store, decisions):
        if d.number not in before:
            warnings.warn(
                StoreNotice(
                    f"decision {d.number} ({d.describe()}) no longer applies to any document; it is kept: "
                    "`ties curate list --orphaned` lists it, `ties curate undo` drops it"
                ),
                stacklevel=3,
            )


def _named_in_documents(store: Store, entities: set[str]) -> set[str]:
    if not entities:
        return set()
    values = " ".join(str(ox.NamedNode(e)) for e in sorted(entities))
    rows = store.select(
        f"SELECT DISTINCT ?e WHERE {{ VALUES ?e {{ {values} }} GRAPH ?g {{ ?e a ?t }} "
        f'FILTER(STRSTARTS(STR(?g), "{DOCUMENT}")) }}'
    )
    return {r["e"] for r in rows}


def decision_list(store: Store, *, only_orphaned: bool = False) -> list[DecisionView]:
    decisions = read_decisions(store)
    lost = {d.number for d in orphaned(store, decisions)}
    counts = _curated_counts(store)
    views = [_view(d, lost, counts) for d in decisions]
    return [v for v in views if v.status == "orphaned"] if only_orphaned else views


def _view(d: Decision, lost: set[int], counts: dict[str, int]) -> DecisionView:
    return DecisionView(
        number=d.number,
        id=d.iri,
        action=d.action.value,
        summary=d.describe(),
        by=d.by,
        at=d.at,
        reason=d.reason,
        status="undone" if not d.active else "orphaned" if d.number in lost else "active",
        documents=counts.get(d.iri, 0),
        source=d.source,
        quote=d.quote,
    )


def concerning(store: Store, entity: str) -> list[DecisionView]:
    """The active decisions that made ENTITY what it is (merged into it, renamed, retyped or split
    it off, gave it an alias, judged or added one of its ties)."""
    counts = _curated_counts(store)
    decisions = read_decisions(store)
    found = []
    for d in decisions:
        if not d.active:
            continue
        now = resolved(d, decisions)
        if entity in {d.target, d.other, moved_to(d), now.target, now.other, moved_to(now)}:
            found.append(_view(d, set(), counts))
    return found


# --- the decisions file ---------------------------------------------------------------------------


def export_decisions(store: Store, fmt: str = "jsonl") -> str:
    """Every decision, undone ones too, in the order made: JSON Lines (one decision a line) or
    TriG (the records graph), both in a stable order, to keep in version control."""
    decisions = read_decisions(store)
    if fmt == "jsonl":
        return "".join(to_json(d) + "\n" for d in decisions)
    if fmt == "trig":
        quads = [q for d in decisions for q in record_quads(d)]
        return (
            ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes={"ties": "https://w3id.org/ties/ontology#"}) or b""
        ).decode()
    raise DecisionError(f"no decisions format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _read_file(path: Path) -> list[Decision]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DecisionError(f"cannot read {path} ({exc.strerror}); check the path") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecisionError(f"{path} is not UTF-8 text; give the file `ties curate export` wrote") from exc
    if path.suffix.lower() == ".trig":
        try:
            quads = list(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TRIG))
        except SyntaxError as exc:
            raise DecisionError(f"{path} is not TriG ({' '.join(str(exc).split())[:200]})") from exc
        rows = [
            {"d": q.subject.value, "p": q.predicate.value, "o": to_python(q.object)}
            for q in quads
            if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == DECISIONS_GRAPH
        ]
        found = from_rows(rows)
    else:
        found = from_json_lines(
            [(f"{path}, line {n}", line) for n, line in enumerate(io.StringIO(text), 1) if line.strip()]
        )
    if not found:
        raise DecisionError(f"{path} holds no decisions; export them with `ties curate export FILE`")
    return found


def import_decisions(store: Store, path: Path) -> tuple[int, int]:
    """Add the decisions in PATH (a file `export_decisions` wrote) to STORE and curate its documents
    by them. A decision the store has already is skipped, or undone here if the file says it was
    undone. (imported or undone, skipped). A file that cannot be read whole changes nothing."""
    incoming = _read_file(path)
    decisions = read_decisions(store)
    have = {d.content(): d for d in decisions}
    fresh = [d for d in incoming if d.content() not in have]
    undone = [
        have[d.content()].undone(d.undone_at, d.undone_by or "")
        for d in incoming
        if d.content() in have and not d.active and have[d.content()].active and d.undone_at
    ]
    taken = {d.number for d in decisions}
    if any(d.number in taken for d in fresh):  # renumber after the store's own, in the file's order
        start = max(taken, default=0)
        fresh = [replace(d, number=start + i) for i, d in enumerate(fresh, 1)]
    changes = fresh + undone
    if changes:
        before = {d.number for d in orphaned(store, decisions)}
        concerned = set().union(*(documents_concerning(store, d) for d in changes))
        write_decisions(store, fresh)
        write_decisions(store, undone, replace=True)
        by_number = {d.number: d for d in decisions} | {d.number: d for d in changes}
        every = sorted(by_number.values(), key=lambda d: d.number)
        refresh_graphs(store, every)
        recurate(store, concerned, every)
        note_orphans(store, before)
    return len(changes), len(incoming) - len(changes)


def score(store: Store) -> DecisionScore:
    """The extraction judged by the analyst: precision over the ties confirmed or rejected, and the
    share of extracted entities that a merge showed to be another's."""
    active = [d for d in read_decisions(store) if d.active]
    count = {a: sum(1 for d in active if d.action is a) for a in Action}
    judged = count[Action.confirm] + count[Action.reject]
    entities = stats(store).entities
    merges = count[Action.merge]
    return DecisionScore(
        confirmed=count[Action.confirm],
        rejected=count[Action.reject],
        precision=count[Action.confirm] / judged if judged else None,
        merges=merges,
        entities=entities,
        duplicate_rate=merges / (entities + merges) if entities + merges else None,
        asserted=count[Action.assert_],
    )
