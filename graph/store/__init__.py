"""Stores: where the quads live. ``embedded`` is Oxigraph on disk (the default, with its locks);
``remote`` is any SPARQL 1.1 server. Both implement the ``Store`` interface.

May import: graph.errors, graph.vocab, graph.rdf.terms, pyoxigraph, httpx.
"""

from __future__ import annotations

from pathlib import Path

from graph.store.base import INCOMPLETE_DOCUMENTS, RDF_FORMATS, Solutions, Store, is_remote
from graph.store.embedded import OxigraphStore

__all__ = ["Store", "OxigraphStore", "Solutions", "open_store", "is_remote", "RDF_FORMATS", "INCOMPLETE_DOCUMENTS"]


def open_store(location: str | Path, *, write: bool = False, wait: float = 0.0) -> Store:
    """Open the store at ``location``: a folder (the embedded store, created when
    writing), or a SPARQL 1.1 endpoint (``http://HOST:PORT`` for an Oxigraph
    server, ``sparql+http://...``, or an endpoint file ``*.toml``; see graph.store.remote).
    Pass URLs as strings: ``Path("http://x")`` loses a slash."""
    text = str(location)
    if is_remote(text):
        from graph.store.remote import open_remote  # only here: an embedded store never loads the HTTP client

        return open_remote(text, write=write)
    return OxigraphStore(Path(location), writable=write, wait=wait)
