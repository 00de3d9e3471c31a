"""Curation: the analyst's decisions (merge, split, alias, rename, retype, reject, confirm,
assert, prefer) stored as data, with who made each, when and why, and applied to every document
graph, at every ingest too, so that no re-extraction undoes them.

- ``records``: a decision as a record, as quads and as a line of JSON;
- ``rewrite``: one document graph's curated form (pure);
- ``apply``: decisions in the store, and document graphs brought to their curated form;
- ``decide``: the decisions, checked against the store and recorded;
- ``history``: listing, orphans, the decisions file, and the extraction scored against them;
- ``views``: the raw view (extraction alone).

May import: graph.store, graph.rdf, graph.query, graph.model, graph.names, graph.errors, graph.vocab.
"""

from graph.curate.records import Action, Decision

__all__ = ["Action", "Decision"]
