"""Reading: a file becomes a Document (its text, the metadata it states about itself, and the
masked text extraction reads, with markup and apparatus blanked).

Formats: plain text, Markdown, HTML and saved pages (.mhtml), PDF and Word (.docx); bytes are
decoded here and nowhere else. One module a format (plain, html, pdf, docx), beside decode,
markup, datelines (the document's date), apparatus (bylines, references, captions) and files
(folders, limits, the Document).
May import: graph.errors, graph.model, graph.names, graph.vocab and the parsers (pypdf,
charset-normalizer, trafilatura, python-docx).
"""
