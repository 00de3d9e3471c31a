"""Outputs: the store as a NetworkX graph, and the exports (GraphML, GEXF, CSV, RDF formats).

May import: graph.store, graph.query, graph.errors, graph.vocab, networkx.
"""
