"""The documents the store holds, as ingest needs to know them: by hash, by path, by IRI, and by
MinHash signature for near-duplicates; kept current as a run decides and writes.

A document is its content (sha256). It records every path (or URL) that content was ingested
from. Ingesting a path decides one of:

- unchanged: the path's content is stored and the path recorded;
- known: the content is stored from another path; this path is added to it;
- new content: a new document; if the path held another content before, the path leaves that
  document, and a document left with no path is replaced (its graph goes in the same write)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from graph.ingest.near import NearIndex
from graph.rdf.quads import document_iri
from graph.store import Store
from graph.vocab import DOCUMENT, META_GRAPH, TIES

__all__ = ["StoredDocument", "KnownDocuments", "path_key", "scope_of"]


@dataclass
class StoredDocument:
    iri: str
    name: str
    sha256: str
    paths: set[str] = field(default_factory=set)
    cluster: str = ""
    ingested: str = ""


def path_key(path: Path | str) -> str:
    """Where a document came from, as recorded: a URL as given, a file as its absolute path with
    links resolved (the same file reached two ways is one path)."""
    text = str(path)
    return text if "://" in text else os.path.realpath(text)


def scope_of(doc_iri: str) -> str:
    """What scopes a document's own nodes (names that are only a kind): its IRI's local part."""
    return unquote(doc_iri[len(DOCUMENT) :])


class KnownDocuments:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.by_iri: dict[str, StoredDocument] = {}
        self.by_sha: dict[str, StoredDocument] = {}
        self.by_path: dict[str, StoredDocument] = {}
        self.near = NearIndex()
        self._load()

    def _load(self) -> None:
        rows = self.store.select(
            f"SELECT ?d ?name ?sha ?at ?path ?cluster ?minhash WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name ; "
            "ties:sha256 ?sha ; prov:generatedAtTime ?at OPTIONAL { ?d ties:path ?path } "
            "OPTIONAL { ?d ties:sourceCluster ?cluster } OPTIONAL { ?d ties:minhash ?minhash } } }"
        )
        for r in sorted(rows, key=lambda r: str(r["at"])):  # a path two documents claim is the later one's
            doc = self.by_iri.get(r["d"])
            if doc is None:
                doc = StoredDocument(r["d"], r["name"], r["sha"], cluster=r["cluster"] or r["d"], ingested=str(r["at"]))
                self.by_iri[doc.iri] = doc
                self.by_sha[doc.sha256] = doc
                if r["minhash"]:  # in ingest order: a cluster's first document stands for it
                    self.near.add(doc.cluster, doc.iri, r["minhash"])
            if r["path"]:
                doc.paths.add(r["path"])
                self.by_path[r["path"]] = doc

    def new_iri(self, name: str, sha256: str, replaces: str | None) -> str:
        """The file name's IRI if no other document holds it, else the name with a hash prefix."""
        plain = document_iri(name)
        if plain not in self.by_iri or plain == replaces:
            return plain
        return document_iri(name, sha256)

    def register(self, doc: StoredDocument, signature: str | None) -> None:
        self.by_iri[doc.iri] = doc
        self.by_sha[doc.sha256] = doc
        for path in doc.paths:
            self.by_path[path] = doc
        if signature:
            self.near.add(doc.cluster, doc.iri, signature)

    def forget(self, iri: str) -> None:
        doc = self.by_iri.pop(iri, None)
        if doc is None:
            return
        if self.by_sha.get(doc.sha256) is doc:
            del self.by_sha[doc.sha256]
        for path in doc.paths:
            if self.by_path.get(path) is doc:
                del self.by_path[path]
        self.near.discard(iri)

    def add_path(self, doc: StoredDocument, path: str) -> None:
        """Record PATH on DOC in the store now, taking it from the document that held it before."""
        previous = self.by_path.get(path)
        if previous is not None and previous is not doc:
            self.detach(previous, path)
        doc.paths.add(path)
        self.by_path[path] = doc
        self._update("INSERT DATA", doc.iri, path)

    def detach(self, doc: StoredDocument, path: str) -> None:
        """PATH no longer holds DOC's content; a document left with no path goes."""
        doc.paths.discard(path)
        if self.by_path.get(path) is doc:
            del self.by_path[path]
        if doc.paths:
            self._update("DELETE DATA", doc.iri, path)
        else:
            self.store.remove_graph(doc.iri)
            self.forget(doc.iri)

    def _update(self, verb: str, iri: str, path: str) -> None:
        # Terms written by pyoxigraph's serialiser, never pasted from input.
        quad = f"{ox.NamedNode(iri)} {ox.NamedNode(TIES + 'path')} {ox.Literal(path)}"
        self.store.update(f"{verb} {{ GRAPH {ox.NamedNode(META_GRAPH)} {{ {quad} }} }}")
