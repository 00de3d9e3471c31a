"""The lookups, as SPARQL over the store. Names a user gives are bound as RDF
terms (``substitutions``), never pasted into a query string."""

from __future__ import annotations

import difflib
import multiprocessing
from collections import defaultdict

import pyoxigraph as ox

from ._terms import to_python

from .errors import AmbiguousNameError, QueryError, TiesError, UnknownNameError, UpdateRefusedError
from .model import EntityDetail, EntitySummary, RelationView, Source
from .names import match_key
from .store import OxigraphStore, Store, open_store
from .vocab import META_GRAPH, RELATION_BY_IRI, RELATION_VALUES, TYPE_BY_IRI, EntityType

__all__ = ["find_entity", "entities", "show", "run_sparql", "stats", "documents", "remove_document", "SparqlResult"]



def find_entity(store: Store, name: str) -> str:
    """The IRI of the one entity NAME denotes (label or alias, folded).
    Unknown: UnknownNameError with the closest names; several: AmbiguousNameError."""
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


def _summaries(store: Store, iris: list[str] | None, kind: EntityType | None) -> list[EntitySummary]:
    """Entities (all, or these IRIs; of one type or any) with their aliases,
    Wikidata item and the documents that name them, in three queries. Only
    graphs with metadata count: a document is whole or not there."""
    values = ""
    if iris is not None:
        if not iris:
            return []
        values = "VALUES ?e { " + " ".join(str(ox.NamedNode(i)) for i in iris) + " }"
    # A constant type, or none: oxigraph joins a VALUES list of types slowly.
    pattern = (f"GRAPH ?g {{ ?e a <{kind.iri}> ; rdfs:label ?label }} BIND(<{kind.iri}> AS ?type)" if kind
               else "GRAPH ?g { ?e a ?type ; rdfs:label ?label }")
    rows = [r for r in store.select(f"SELECT ?e ?type ?label ?g WHERE {{ {values} {pattern} }}")
            if r["type"] in TYPE_BY_IRI]
    # Each document's name once, however many of the entities it names; a graph without metadata is
    # not a whole document.
    docs = _document_names(store, {r["g"] for r in rows})
    rows = [r for r in rows if r["g"] in docs]
    extras = store.select(
        f"SELECT DISTINCT ?e ?alias ?wd WHERE {{ {values} "
        "{ GRAPH ?g { ?e skos:altLabel ?alias } } UNION { GRAPH ?g { ?e owl:sameAs ?wd } } }"
    ) if rows else []
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
    out = [EntitySummary(id=e, label=item["label"], type=item["type"],
                         aliases=sorted(aliases[e] - {item["label"]}),
                         sources=sorted(item["sources"].values(), key=lambda s: s.name), wikidata=wikidata.get(e))
           for e, item in info.items()]
    return sorted(out, key=lambda s: (s.type.value, s.label.casefold(), s.id))


def _document_names(store: Store, graphs: set[str]) -> dict[str, Source]:
    if not graphs:
        return {}
    values = " ".join(str(ox.NamedNode(g)) for g in sorted(graphs))
    rows = store.select(
        f"SELECT ?d ?name ?title WHERE {{ VALUES ?d {{ {values} }} "
        f"GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name OPTIONAL {{ ?d dcterms:title ?title }} }} }}"
    )
    return {r["d"]: Source(name=r["name"], id=r["d"], title=r["title"]) for r in rows}


def neighbours(store: Store, entity: str) -> list[str]:
    rows = store.select(
        "SELECT DISTINCT ?n ?x WHERE { GRAPH ?g { { ?x ?p ?n } UNION { ?n ?p ?x } } "
        f"VALUES ?p {{ {RELATION_VALUES} }} }}",
        {"x": ox.NamedNode(entity)},
    )
    return sorted({r["n"] for r in rows} - {entity})


def entities(store: Store, kind: EntityType | None = None, involving: str | None = None) -> list[EntitySummary]:
    """Entities, optionally of one type and tied to the entity NAME denotes."""
    iris = neighbours(store, find_entity(store, involving)) if involving else None
    return _summaries(store, iris, kind)


def show(store: Store, name: str) -> EntityDetail:
    entity = find_entity(store, name)
    summary = _summaries(store, [entity], None)[0]
    evidence = ("ties:sentence ?sentence ; ties:start ?start ; ties:end ?end ; ties:method ?method ; "
                "ties:confidence ?confidence OPTIONAL { ?ev ties:reason ?reason }")
    rows = store.select(
        "SELECT ?x ?dir ?p ?other ?g ?sentence ?start ?end ?method ?confidence ?reason WHERE { "
        f"{{ GRAPH ?g {{ ?ev rdf:subject ?x ; rdf:predicate ?p ; rdf:object ?other ; {evidence} }} BIND(\"out\" AS ?dir) }} "
        f"UNION {{ GRAPH ?g {{ ?ev rdf:object ?x ; rdf:predicate ?p ; rdf:subject ?other ; {evidence} }} BIND(\"in\" AS ?dir) }} }}",
        {"x": ox.NamedNode(entity)},
    )
    docs = {s.id: s for s in summary.sources}
    docs.update(_document_names(store, {r["g"] for r in rows} - set(docs)))
    others = {s.id: s for s in _summaries(store, sorted({r["other"] for r in rows}), None)}
    grouped: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        if r["other"] not in others:
            continue
        source = docs.get(r["g"])
        grouped[(r["p"], r["dir"], r["other"])].append({
            "source": source.name if source else r["g"], "sentence": r["sentence"], "start": r["start"],
            "end": r["end"], "method": r["method"], "confidence": r["confidence"], "reason": r["reason"],
        })
    relations = []
    for (p, direction, other), evidence in grouped.items():
        relation = RELATION_BY_IRI.get(p)
        evidence.sort(key=lambda ev: (ev["source"], ev["start"]))
        relations.append(RelationView(predicate=p, relation=relation.label if relation else p, direction=direction,
                                      other=others[other], evidence=evidence))
    relations.sort(key=lambda r: (r.relation, r.direction, r.other.type.value, r.other.label.casefold()))
    return EntityDetail(**summary.model_dump(), relations=relations)


class SparqlResult:
    """A query's answer: rows for SELECT, a boolean for ASK, triples for
    CONSTRUCT and DESCRIBE."""

    def __init__(self, kind: str, variables: list[str] | None = None, rows: list[dict] | None = None,
                 boolean: bool | None = None, triples: list | None = None) -> None:
        self.kind, self.variables, self.rows, self.boolean, self.triples = kind, variables, rows, boolean, triples


def run_sparql(store: Store, query: str, *, allow_update: bool = False, timeout: float | None = None) -> SparqlResult:
    """Run a query (an update only with ``allow_update``). With ``timeout``, a
    query on the embedded store opened for reading runs in a child process that
    is stopped when time is up: pyoxigraph cannot interrupt a query running in
    this one."""
    if timeout is not None and isinstance(store, OxigraphStore) and not store.writable:
        return _run_with_timeout(store.location, query, timeout)
    try:
        result = store.query(query)
    except QueryError as exc:
        if not _is_update(query):
            raise
        if not allow_update:
            raise UpdateRefusedError("this is a SPARQL update; ties runs updates only with --update") from exc
        store.update(query)
        return SparqlResult("update")
    if isinstance(result, bool):
        return SparqlResult("ask", boolean=result)
    if isinstance(result, list):
        return SparqlResult("graph", triples=result)
    variables = [v.value for v in result.variables]
    rows = [{n: to_python(row[n]) for n in variables} for row in result]
    return SparqlResult("select", variables=variables, rows=rows)


def _run_with_timeout(location: str, query: str, timeout: float) -> SparqlResult:
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child_query, args=(location, query, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise QueryError(f"the query ran over {timeout:g} s and was stopped; narrow it (LIMIT, more specific "
                             "patterns) or raise --timeout")
        outcome = receive.recv()
    finally:
        child.kill()
        child.join()
    if isinstance(outcome, TiesError):
        raise outcome
    return outcome


def _child_query(location: str, query: str, send) -> None:
    try:
        with open_store(location) as store:
            result = run_sparql(store, query)
        if result.triples is not None:
            result.triples = [str(t) for t in result.triples]  # terms do not cross processes; their text does
        send.send(result)
    except TiesError as exc:
        send.send(exc)


def _is_update(query: str) -> bool:
    """Does the text parse as a SPARQL update? (rdflib's parser only parses.)"""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(query)
    except (ParseException, ValueError, TypeError):
        return False
    return True


def stats(store: Store) -> dict:
    by_type = store.select(
        "SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?type } } GROUP BY ?type"
    )
    docs = store.select(f"SELECT (COUNT(?d) AS ?n) WHERE {{ GRAPH <{META_GRAPH}> {{ ?d a ties:Document }} }}")
    ties = store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?p {{ {RELATION_VALUES} }} }} }}"
    )
    evidence = store.select("SELECT (COUNT(?ev) AS ?n) WHERE { GRAPH ?g { ?ev a ties:Evidence } }")
    quads = store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    entity_counts = {TYPE_BY_IRI[r["type"]].value: r["n"] for r in by_type if r["type"] in TYPE_BY_IRI}
    return {
        "documents": docs[0]["n"],
        "entities": sum(entity_counts.values()),
        "entities_by_type": dict(sorted(entity_counts.items())),
        "relations": ties[0]["n"],
        "evidence": evidence[0]["n"],
        "quads": quads[0]["n"],
    }


def documents(store: Store) -> list[dict]:
    rows = store.select(
        f"SELECT ?d ?name ?sha ?title ?date ?at WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name ; "
        "ties:sha256 ?sha ; prov:generatedAtTime ?at OPTIONAL { ?d dcterms:title ?title } "
        "OPTIONAL { ?d dcterms:date ?date } } } ORDER BY ?name"
    )
    return [{"name": r["name"], "id": r["d"], "title": r["title"], "date": r["date"], "sha256": r["sha"],
             "ingested": r["at"]} for r in rows]


def remove_document(store: Store, name: str) -> str:
    """Remove the document ingested from file NAME (or with IRI NAME), with every
    fact only it asserted. Returns its file name."""
    docs = documents(store)
    match = [d for d in docs if name in (d["name"], d["id"])]
    if not match:
        close = difflib.get_close_matches(name, [d["name"] for d in docs], n=5, cutoff=0.5)
        raise UnknownNameError(name, close) if close else TiesError(
            f"no document named {name!r}; list them with `ties documents`")
    store.remove_graph(match[0]["id"])
    return match[0]["name"]
