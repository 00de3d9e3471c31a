"""Stores: where the quads live. ``embedded`` is Oxigraph on disk (the default, with its locks);
``remote`` is any SPARQL 1.1 server. Both implement the ``Store`` interface.

May import: graph.errors, graph.vocab, graph.rdf.terms, pyoxigraph, httpx.
"""

from __future__ import annotations

from pathlib import Path

from graph.store.base import (
    INCOMPLETE_DOCUMENTS,
    RDF_FORMATS,
    PartialWriteError,
    Solutions,
    Store,
    StoreNotice,
    is_remote,
    redact,
)
from graph.store.embedded import MemoryStore, OxigraphStore

__all__ = [
    "Store",
    "OxigraphStore",
    "MemoryStore",
    "Solutions",
    "StoreNotice",
    "PartialWriteError",
    "open_store",
    "is_remote",
    "redact",
    "RDF_FORMATS",
    "INCOMPLETE_DOCUMENTS",
]


def open_store(
    location: str | Path, *, write: bool = False, wait: float = 0.0, create: bool = True, announce: bool = True
) -> Store:
    """Open the store at ``location``: a folder (the embedded store, made at the first write
    unless ``create`` is False, and said so with a StoreNotice unless not ``announce``), or a SPARQL 1.1 endpoint (``http://HOST:PORT`` for an Oxigraph
    server, ``sparql+http://...``, or an endpoint file ``*.toml``; see graph.store.remote).
    A writer waits up to ``wait`` seconds for another writer to finish.
    Pass URLs as strings: ``Path("http://x")`` loses a slash."""
    text = str(location)
    if is_remote(text):
        from graph.store.remote import open_remote  # only here: an embedded store never loads the HTTP client

        return open_remote(text, write=write, wait=wait)
    return OxigraphStore(Path(location), writable=write, wait=wait, create=create, announce=announce)
