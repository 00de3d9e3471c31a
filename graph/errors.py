"""The exceptions ties raises.

Every error the library raises is a TiesError; the CLI turns each into one line
on stderr with what to do next. Errors from the backends (pyoxigraph, rdflib,
pySHACL, the document parsers) are re-raised as one of these with
``raise ... from exc``, so callers never need to catch a backend's types::

    TiesError
    ├── DocumentError            a file could not become a document
    │   ├── UnsupportedFormatError
    │   ├── EmptyDocumentError
    │   ├── DocumentTooLargeError
    │   └── DocumentDecodeError  bytes that are not text, or a PDF without text
    ├── StoreError               the store could not be opened, read or written
    │   └── StoreLockedError     another ties process holds the store
    ├── QueryError               SPARQL that cannot run
    │   └── UpdateRefusedError   an update without permission to write
    ├── NameLookupError          a NAME the user gave matches no single entity
    │   ├── UnknownNameError     .suggestions: the closest names
    │   └── AmbiguousNameError   .candidates: every entity it could mean
    ├── DocumentNotFoundError    no document in the store has that name, path or hash
    ├── DecisionError            a curation decision that cannot be made, undone or read
    ├── ExportError              an export could not be written
    ├── DataFileError            the gazetteer or ontology shipped with ties is broken
    ├── ValidationRunError       the SHACL check itself could not run
    └── BenchmarkError           the benchmark could not measure (no model, failed documents)

Which class a backend error becomes depends on what failed, not on the
backend's exception type: a query the parser rejects is a QueryError, a store
that cannot be opened, read or written is a StoreError.
"""

from __future__ import annotations

__all__ = [
    "TiesError",
    "DocumentError",
    "UnsupportedFormatError",
    "EmptyDocumentError",
    "DocumentTooLargeError",
    "DocumentDecodeError",
    "StoreError",
    "StoreLockedError",
    "QueryError",
    "UpdateRefusedError",
    "NameLookupError",
    "UnknownNameError",
    "AmbiguousNameError",
    "DocumentNotFoundError",
    "DecisionError",
    "ExportError",
    "DataFileError",
    "ValidationRunError",
    "BenchmarkError",
]


class TiesError(Exception):
    """Base of every error ties raises; ``str()`` is a one-line message with the fix."""


class DocumentError(TiesError):
    """A file could not be read as a document."""

    def __init__(self, path: object, message: str) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {message}")


class UnsupportedFormatError(DocumentError):
    pass


class EmptyDocumentError(DocumentError):
    pass


class DocumentTooLargeError(DocumentError):
    pass


class DocumentDecodeError(DocumentError):
    pass


class StoreError(TiesError):
    pass


class StoreLockedError(StoreError):
    pass


class QueryError(TiesError):
    pass


class UpdateRefusedError(QueryError):
    pass


class NameLookupError(TiesError):
    pass


class UnknownNameError(NameLookupError):
    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else "; list names with `ties entities`"
        super().__init__(f"no entity is named {name!r}{hint}")


class AmbiguousNameError(NameLookupError):
    def __init__(self, name: str, candidates: list[tuple[str, str]]) -> None:
        self.name = name
        self.candidates = candidates
        listed = "; ".join(f"{label} ({kind})" for label, kind in candidates)
        super().__init__(f"{name!r} could mean several entities: {listed}; give the full name")


class DocumentNotFoundError(TiesError):
    """.suggestions: the closest document names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; closest: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(f"no document named {name!r} in the store{hint}; list them with `ties documents`")


class DecisionError(TiesError):
    """A decision refused (a merge of an entity with itself, a quote the cited document does not
    hold, a tie that does not exist), an undo of no such decision, or a decisions file that cannot
    be read; nothing was changed."""


class ExportError(TiesError):
    pass


class DataFileError(TiesError):
    pass


class ValidationRunError(TiesError):
    pass


class BenchmarkError(TiesError):
    pass
