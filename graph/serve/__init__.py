"""Serving: the store as a SPARQL 1.1 Protocol endpoint over HTTP, with a query page (static
files in ``static/``).

May import: graph.store, graph.query, graph.errors, graph.vocab, the standard library's http.server.
"""
