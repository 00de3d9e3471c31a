"""Queries: the questions a user asks, as SPARQL over a Store: lookups of entities and their ties,
free SPARQL, the catalogue of documents, figures and the timeline.

May import: graph.store, graph.model, graph.names, graph.errors, graph.vocab, graph.rdf.terms.
"""

from graph.query.between import between
from graph.query.catalogue import documents, remove_document, stats
from graph.query.facts import facts
from graph.query.lookups import entities, find_entity, neighbours, show
from graph.query.sparql import SparqlResult, is_update, run_sparql
from graph.query.timeline import timeline

__all__ = [
    "entities",
    "find_entity",
    "neighbours",
    "show",
    "run_sparql",
    "is_update",
    "SparqlResult",
    "stats",
    "documents",
    "remove_document",
    "facts",
    "timeline",
    "between",
]
