"""Reading: a file becomes a Document (its text and the metadata it states about itself).

Formats: plain text, Markdown, HTML and PDF; bytes are decoded here and nowhere else.
May import: graph.errors, graph.model, graph.vocab and the parsers (pypdf, charset-normalizer).
"""
