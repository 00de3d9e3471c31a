"""RDF: records become quads (IRIs, a document's named graph, its metadata, evidence, dates and
figures); ``terms`` converts between Python values and pyoxigraph terms, and raises on what it
does not know.

May import: graph.model, graph.names, graph.vocab, graph.extract's records, pyoxigraph.
"""
