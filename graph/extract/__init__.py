"""Extraction: a Document's text becomes entities, ties, dates and figures (graph.model records).

The way through, one module a stage: sentences -> gazetteer, heads, ner -> mentions -> resolve
-> relations, dates, figures; ``pipeline`` runs them in order.
May import: graph.errors, graph.model, graph.names, graph.vocab, graph.resources, spaCy.
Never the store, the RDF layer or the command line.
"""
