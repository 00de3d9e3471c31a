"""What every store is: the ``Store`` interface, the results a SELECT leaves behind, the RDF
formats stores read and write, and how a location names a remote store."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import IO, Any

import pyoxigraph as ox

from graph.errors import StoreError
from graph.rdf.terms import Term, to_python
from graph.vocab import DOCUMENT, META_GRAPH

__all__ = [
    "Store",
    "Solutions",
    "RDF_FORMATS",
    "INCOMPLETE_DOCUMENTS",
    "StoreNotice",
    "PartialWriteError",
    "is_remote",
    "redact",
    "media_type",
]

_REMOTE_URL = re.compile(r"(?i)(sparql\+)?https?://")

RDF_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

# Document graphs that no metadata claims: what an ingest stopped between a
# document's graph and its metadata leaves behind (graphs outside ties'
# namespace, such as a server's own, are not ours to judge).
INCOMPLETE_DOCUMENTS = (
    f'SELECT ?g WHERE {{ GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), "{DOCUMENT}")) '
    f"FILTER NOT EXISTS {{ GRAPH <{META_GRAPH}> {{ ?g ties:fileName ?name }} }} }}"
)


# The user-information part of a URL ("user:password@"), wherever a URL appears in a text.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/?#\r\n]*@")


class PartialWriteError(StoreError):
    """A batch failed part way and could not be undone: ``stored`` holds the graph IRIs of
    the documents that were written whole (metadata included) and stay in the store."""

    def __init__(self, message: str, stored: list[str]) -> None:
        super().__init__(message)
        self.stored = stored


class StoreNotice(UserWarning):
    """Something about the store the user should hear of without it being an error (a new store
    made where none was, a remote lock taken over from a writer whose lease ran out). The CLI
    prints each as one line on stderr."""


def redact(text: object) -> str:
    """TEXT with the user name and password of every URL in it replaced by ``***``: what any
    message, repr or log line that may hold a store's URL goes through."""
    return _USERINFO.sub(r"\1***@", str(text))


def media_type(content_type: str | None) -> str:
    """The bare media type of a Content-Type header ("text/turtle; charset=utf-8" -> "text/turtle")."""
    return (content_type or "").split(";")[0].strip().lower()


def is_remote(location: object) -> bool:
    """Does LOCATION name a remote store (a URL, or an endpoint file) rather than a folder?"""
    text = str(location)
    return bool(_REMOTE_URL.match(text)) or text.lower().endswith(".toml")


class Store(ABC):
    """What the library needs from a quad store. The embedded store is one;
    a remote SPARQL 1.1 endpoint (graph.store.remote.RemoteStore) is another."""

    location: str
    writable: bool

    @abstractmethod
    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None):
        """Raw result: QuerySolutions, QueryBoolean or QueryTriples."""

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> list[dict[str, Any]]:
        result = self.query(sparql, bindings)
        names = [v.value for v in result.variables]
        return [{n: to_python(row[n]) for n in names} for row in result]

    @abstractmethod
    def update(self, sparql: str) -> None: ...

    @abstractmethod
    def add_documents(self, batch: list[tuple[str, list[ox.Quad], bool]], bulk: bool = False) -> None:
        """Write documents: (graph IRI, quads, replace?). A document counts
        once its metadata is written, and that comes last. ``bulk``: many
        batches are coming, and the store may write them its fastest way."""

    def compact(self) -> None:
        """Make reading fast again after a bulk load (a no-op where the store sees to it)."""

    def verify(self) -> None:
        """Read the whole store, so that damage shows as a StoreError (a no-op where the store is
        a server, which checks its own storage)."""

    @abstractmethod
    def remove_graph(self, graph_iri: str) -> None: ...

    def drop_incomplete(self) -> list[str]:
        """Remove the graphs an interrupted ingest left without metadata; their IRIs."""
        graphs = [r["g"] for r in self.select(INCOMPLETE_DOCUMENTS)]
        for graph_iri in graphs:
            self.remove_graph(graph_iri)
        return graphs

    @abstractmethod
    def dump(self, out: IO[bytes], fmt: str) -> None: ...

    @abstractmethod
    def quads(self) -> Iterator[ox.Quad]: ...

    def close(self) -> None:
        pass

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Solutions:
    """SELECT results held after the read view closes."""

    def __init__(self, variables: list[ox.Variable], rows: list) -> None:
        self.variables = variables
        self.rows = rows

    def __iter__(self):
        return iter(self.rows)
