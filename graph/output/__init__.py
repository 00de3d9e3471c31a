"""Outputs: the store as a NetworkX graph, and the exports (GraphML, GEXF, CSV, RDF formats, and
the explorer as one HTML page, made of the files in graph/serve/static).

May import: graph.store, graph.query, graph.errors, graph.vocab, networkx.
"""
