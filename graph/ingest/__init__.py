"""Ingest: files in, one named graph per document out. Runs read -> extract -> identity -> rdf ->
store, in worker processes when there are many documents.

May import: every stage below it (read, extract, rdf, store); never query, output or serve.
"""
