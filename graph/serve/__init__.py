"""Serving: the store as a SPARQL 1.1 Protocol endpoint over HTTP, the explorer's JSON endpoints
(the CLI's lookups, shaped for drawing: explorer, endpoints) and their pages (static files in
``static/``, Cytoscape.js vendored in ``static/vendor/``).

May import: graph.store, graph.query, graph.model, graph.names, graph.errors, graph.vocab,
graph.output (the type colours), the standard library's http.server.
"""
