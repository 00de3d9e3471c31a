"""What the explorer's page asks for, as plain JSON-ready data: the same lookups the CLI makes
(graph.query: find_entity, show, between, timeline, facts, documents), shaped for drawing.

Every function takes an open Store and the values a user gave (names, IRIs, file names); those
are bound as RDF terms or compared in Python, never pasted into query text. Bad values raise the
library's own errors (UnknownNameError, AmbiguousNameError, DocumentNotFoundError), which the
server answers with a 4xx."""

from __future__ import annotations

import re

import pyoxigraph as ox

import graph.query as queries
from graph.errors import DocumentNotFoundError
from graph.model import EntitySummary
from graph.names import fold, match_key
from graph.query.catalogue import source_key
from graph.store import Store
from graph.vocab import DECISIONS_GRAPH, META_GRAPH, RELATION_BY_IRI, TYPE_BY_IRI, EntityType

__all__ = ["suggest", "neighbourhood", "tie", "document", "pair", "entity_node", "MAX_SUGGESTIONS"]

MAX_SUGGESTIONS = 12


def suggest(store: Store, text: str, limit: int = MAX_SUGGESTIONS) -> list[dict]:
    """Entities one of whose names (label or alias, folded as the CLI folds them) holds TEXT: those
    whose name is TEXT first, then those with a name starting with it, then a word of a name, then
    any; shortest name first within each. ``matched`` is the alias that matched, when not the label."""
    key = match_key(text)
    if not key:
        return []
    # Keys alone first (a light query over the whole store), labels and types for the best only.
    keys = store.select("SELECT DISTINCT ?e ?k WHERE { GRAPH ?g { ?e ties:matchKey ?k } }")
    best: dict[str, tuple[tuple, str]] = {}
    for r in keys:
        k = r["k"]
        if key not in k:
            continue
        order = (0 if k == key else 1 if k.startswith(key) else 2 if f" {key}" in f" {k}" else 3, len(k), k)
        if r["e"] not in best or order < best[r["e"]][0]:
            best[r["e"]] = (order, k)
    ranked = sorted(best.items(), key=lambda item: item[1][0])[: limit * 2]
    if not ranked:
        return []
    values = " ".join(str(ox.NamedNode(e)) for e, _ in ranked)
    rows = store.select(
        f"SELECT ?e ?label ?type WHERE {{ VALUES ?e {{ {values} }} GRAPH ?g {{ ?e rdfs:label ?label ; a ?type }} }}"
    )
    described = {r["e"]: (r["label"], TYPE_BY_IRI[r["type"]].value) for r in rows if r["type"] in TYPE_BY_IRI}
    found = [
        {"id": e, "label": described[e][0], "type": described[e][1], "key": k} for e, (_, k) in ranked if e in described
    ]
    return _with_aliases(store, found[:limit])


def _with_aliases(store: Store, found: list[dict]) -> list[dict]:
    """FOUND with, for each entity matched by an alias, that alias as written."""
    by_alias = [f for f in found if match_key(f["label"]) != f["key"]]
    if by_alias:
        values = " ".join(str(ox.NamedNode(f["id"])) for f in by_alias)
        rows = store.select(
            f"SELECT DISTINCT ?e ?alias WHERE {{ VALUES ?e {{ {values} }} GRAPH ?g {{ ?e skos:altLabel ?alias }} }}"
        )
        written = {(r["e"], match_key(r["alias"])): r["alias"] for r in rows}
        for f in by_alias:
            if (f["id"], f["key"]) in written:
                f["matched"] = written[(f["id"], f["key"])]
    for f in found:
        del f["key"]
    return found


def entity_node(summary: EntitySummary, dates: dict[str, str | None]) -> dict:
    return {
        "id": summary.id,
        "label": summary.label,
        "type": summary.type.value,
        "aliases": summary.aliases,
        "wikidata": summary.wikidata,
        "sources": len({source_key(s) for s in summary.sources}),  # near-duplicates count once
        "documents": [s.name for s in summary.sources],
        "dates": sorted({d for s in summary.sources if (d := dates.get(s.name))}),
    }


def neighbourhood(store: Store, name: str) -> dict:
    """The entity NAME denotes (a name, an alias or its IRI) and every entity tied to it, with one
    edge per (subject, relation, object) as `ties show` gives it: its documents, their dates and
    how many sentences state it."""
    detail = queries.show(store, name)
    dates = _document_dates(store)
    nodes = {detail.id: {**entity_node(detail, dates), "centre": True}}
    edges = {}
    for rel in detail.relations:
        nodes.setdefault(rel.other.id, entity_node(rel.other, dates))
        subject, obj = (detail.id, rel.other.id) if rel.direction == "out" else (rel.other.id, detail.id)
        edges[(subject, rel.predicate, obj)] = _edge(subject, rel.predicate, obj, rel.relation, rel.evidence, dates)
    # Best-attested first: a cap on rows cuts the ties fewest documents state.
    ordered = sorted(edges.values(), key=lambda e: (-e["sources"], e["label"], e["id"]))
    return {"entity": nodes[detail.id], "nodes": list(nodes.values()), "edges": ordered}


def _edge(subject: str, predicate: str, obj: str, label: str, evidence: list, dates: dict[str, str | None]) -> dict:
    relation = RELATION_BY_IRI.get(predicate)
    documents = sorted({ev.source for ev in evidence})
    return {
        "id": f"{subject} {predicate} {obj}",
        "source": subject,
        "target": obj,
        "relation": relation.value if relation else predicate,
        "label": label,
        "sources": len(documents),
        "documents": documents,
        "dates": sorted({d for doc in documents if (d := dates.get(doc))}),
        "sentences": len(evidence),  # the sentences themselves come with /api/tie, when the tie is opened
    }


def _sentence(ev, dates: dict[str, str | None]) -> dict:
    return {
        "source": ev.source,
        "date": dates.get(ev.source),
        "sentence": ev.sentence,
        "start": ev.start,
        "end": ev.end,
        "method": ev.method,
        "confidence": getattr(ev, "confidence", None),
    }


def tie(store: Store, a: str, b: str) -> dict:
    """Every sentence that states a direct tie between A and B, either way (`ties between A B
    --direct-only`), each with its document's date and the method that read it."""
    dates = _document_dates(store)
    legs = [
        {
            "subject": leg.subject,
            "subject_id": leg.subject_id,
            "relation": leg.relation,
            "object": leg.object,
            "object_id": leg.object_id,
            "evidence": [_sentence(ev, dates) for ev in leg.evidence],
        }
        for t in queries.between(store, a, b, direct_only=True)
        if t.kind == "direct"
        for leg in t.legs
    ]
    return {"a": queries.find_entity(store, a), "b": queries.find_entity(store, b), "ties": legs}


def document(store: Store, name: str) -> dict:
    """The document ingested from file NAME: its text, metadata and the entities it names, each
    with where its names (label and aliases) occur in the text."""
    info = next((d for d in queries.documents(store) if name in (d.name, d.id)), None)
    if info is None:
        return _decision_source(store, name)
    node = ox.NamedNode(info.id)
    rows = store.select("SELECT ?d ?text WHERE { GRAPH ?d { ?d ties:text ?text } }", {"d": node})
    text = rows[0]["text"] if rows else ""
    named = store.select(
        "SELECT ?d ?e ?type ?label ?alias WHERE { GRAPH ?d { ?e a ?type ; rdfs:label ?label "
        "OPTIONAL { ?e skos:altLabel ?alias } } }",
        {"d": node},
    )
    found: dict[str, dict] = {}
    for r in named:
        if r["type"] not in TYPE_BY_IRI:
            continue
        item = found.setdefault(
            r["e"], {"id": r["e"], "label": r["label"], "type": TYPE_BY_IRI[r["type"]].value, "names": {r["label"]}}
        )
        if r["alias"]:
            item["names"].add(r["alias"])
    marks = _marks(text, found)
    entities = [{k: v for k, v in e.items() if k != "names"} for e in found.values()]
    return {
        "name": info.name,
        "id": info.id,
        "title": info.title,
        "date": info.date,
        "text": text,
        "entities": sorted(entities, key=lambda e: (e["type"], e["label"].casefold())),
        "marks": marks,
    }


def _decision_source(store: Store, name: str) -> dict:
    """An analyst's decision cited as a tie's source ("decision 6"): what it says and quotes, in the
    shape of a document, so that the explorer opens it as it opens a document."""
    rows = store.select(
        f"SELECT ?d ?name ?title ?at ?quote WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name ; dcterms:title ?title }} "
        f"GRAPH <{DECISIONS_GRAPH}> {{ ?d prov:generatedAtTime ?at OPTIONAL {{ ?d ties:citedQuote ?quote }} }} }}",
        {"name": ox.Literal(name)},
    )
    if not rows:
        raise DocumentNotFoundError(name, [])
    r = rows[0]
    text = r["quote"] or ""
    return {
        "name": name,
        "id": r["d"],
        "title": r["title"],
        "date": str(r["at"])[:10],
        "text": text,
        "entities": [],
        "marks": [],
    }


def _marks(text: str, entities: dict[str, dict]) -> list[list]:
    """[start, end, entity IRI] for each place a name of ENTITIES stands in TEXT as whole words,
    case and accents aside; the longest name wins where two overlap. Folding keeps offsets only
    where it keeps lengths, so names are looked for in the text folded character by character."""
    folded = "".join(f if len(f := fold(c)) == 1 else c for c in text)
    names = sorted(
        ((fold(n), e["id"]) for e in entities.values() for n in e["names"] if len(n) > 1 and len(fold(n)) == len(n)),
        key=lambda pair: -len(pair[0]),
    )
    taken = bytearray(len(text))
    marks = []
    for name, iri in names:
        for m in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", folded):
            if not any(taken[m.start() : m.end()]):
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                marks.append([m.start(), m.end(), iri])
    return sorted(marks)


def pair(store: Store, a: str, b: str) -> dict:
    """A pair's story: the dated things involving both (`ties timeline A B`), the figures about
    both with their conflicts (`ties facts --between A B`) and what ties them (`ties between A B`)."""
    first, second = queries.find_entity(store, a), queries.find_entity(store, b)
    summaries = {s.id: s for s in (_summary(store, first), _summary(store, second))}
    timeline = queries.timeline(store, first, second)
    figures = queries.facts(store, between=(first, second))
    ties = queries.between(store, first, second)
    return {
        "a": {"id": first, "label": summaries[first].label, "type": summaries[first].type.value},
        "b": {"id": second, "label": summaries[second].label, "type": summaries[second].type.value},
        "timeline": [t.model_dump(mode="json") for t in timeline],
        "facts": [f.model_dump(mode="json") for f in figures],
        "ties": [t.model_dump(mode="json") for t in ties],
    }


def _summary(store: Store, iri: str) -> EntitySummary:
    rows = store.select(
        "SELECT ?e ?label ?type WHERE { GRAPH ?g { ?e rdfs:label ?label ; a ?type } } LIMIT 20",
        {"e": ox.NamedNode(iri)},
    )
    kind = next((TYPE_BY_IRI[r["type"]] for r in rows if r["type"] in TYPE_BY_IRI), EntityType.Organization)
    return EntitySummary(id=iri, label=rows[0]["label"] if rows else iri, type=kind, aliases=[], sources=[])


def _document_dates(store: Store) -> dict[str, str | None]:
    """Document file name -> its date, as its metadata gives it (the dateline, or the page's own)."""
    rows = store.select(
        f"SELECT ?name ?date WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name OPTIONAL {{ ?d dcterms:date ?date }} }} }}"
    )
    return {r["name"]: r["date"] for r in rows}
