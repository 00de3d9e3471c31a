"""Checking the store against the SHACL shapes in ontology.ttl (with pySHACL),
and checking that every evidence span still slices its document's text."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.errors import DataFileError, ValidationRunError
from graph.resources import ontology_path
from graph.store import INCOMPLETE_DOCUMENTS, Store
from graph.vocab import DECISION, TIES

__all__ = ["ValidationReport", "validate"]


@dataclass
class ValidationReport:
    conforms: bool
    text: str
    problems: list[str] = field(default_factory=list)


def validate(store: Store) -> ValidationReport:
    import pyshacl
    import rdflib

    try:
        shapes = rdflib.Graph().parse(ontology_path(), format="turtle")
    except DataFileError:
        raise
    except Exception as exc:  # rdflib raises many parser types; all mean the ontology file is broken
        raise ValidationRunError(f"cannot parse ontology.ttl ({exc.__class__.__name__}: {exc}); fix the file") from exc
    # Every table read whole first: damage the checks below would not reach fails the run here, as a StoreError.
    store.verify()
    data = _union(store)
    try:
        conforms, _, text = pyshacl.validate(
            data, shacl_graph=shapes, ont_graph=shapes, inference="none", advanced=True, allow_warnings=True
        )
    except Exception as exc:  # pySHACL's own failures: report them as "could not run"
        raise ValidationRunError(f"pySHACL could not run ({exc.__class__.__name__}: {exc})") from exc
    problems = _ties_without_evidence(store, shapes) + _span_problems(store) + _orphan_graphs(store)
    report = text if not problems else text + "\nProblems with documents and evidence spans:\n" + "\n".join(problems)
    return ValidationReport(conforms=bool(conforms) and not problems, text=report, problems=problems)


def _union(store: Store):
    """All documents' graphs and the metadata graph, as one rdflib graph
    (pyoxigraph writes the N-Triples, rdflib reads them)."""
    import rdflib

    lines = "\n".join(f"{ox.Triple(q.subject, q.predicate, q.object)} ." for q in store.quads())
    return rdflib.Graph().parse(data=lines, format="nt")


def _ties_without_evidence(store: Store, shapes) -> list[str]:
    """The check of ties:RelationHasEvidenceShape, as two scans of the store compared in memory:
    pySHACL runs its SPARQL once per entity, parsing it each time, and a FILTER NOT EXISTS walks a
    country's thousands of evidence nodes for each of its ties."""
    from rdflib import RDFS, URIRef

    tied = URIRef(TIES + "tiedTo")
    kinds = " ".join(f"<{p}>" for p in shapes.transitive_subjects(RDFS.subPropertyOf, tied))
    stated = {
        (r["s"], r["p"], r["o"])
        for r in store.select(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o } }"
        )
    }
    rows = store.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {kinds} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    return [
        f"{r['s']} {r['p']} {r['o']}: a tie without evidence (no sentence or decision states it)"
        for r in rows
        if (r["s"], r["p"], r["o"]) not in stated
    ]


def _orphan_graphs(store: Store) -> list[str]:
    return [
        f"{r['g']}: a graph of facts with no document (no file name in the metadata graph); an ingest was "
        "interrupted: run `ties ingest` again, which removes it"
        for r in store.select(INCOMPLETE_DOCUMENTS)
    ]


def _span_problems(store: Store) -> list[str]:
    texts = {r["d"]: r["text"] for r in store.select("SELECT ?d ?text WHERE { GRAPH ?d { ?d ties:text ?text } }")}
    # Evidence of ties, and of dates and figures: every node that quotes a sentence.
    rows = store.select(
        "SELECT ?ev ?g ?sentence ?start ?end WHERE { GRAPH ?g { ?ev ties:sentence ?sentence ; "
        "ties:start ?start ; ties:end ?end } }"
    )
    problems = []
    for r in rows:
        if r["g"].startswith(DECISION):
            continue  # an asserted tie quotes its source, checked when the analyst cited it
        text = texts.get(r["g"])
        if text is None:
            problems.append(f"{r['ev']}: its document has no stored text")
        elif text[r["start"] : r["end"]] != r["sentence"]:
            problems.append(
                f"{r['ev']}: offsets {r['start']}..{r['end']} no longer slice its sentence from the stored text"
            )
    return problems
