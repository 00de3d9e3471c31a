"""The embedded store: Oxigraph on disk, the default.

A store on disk is a folder: ``oxigraph/`` holds the database, and two lock
files keep processes apart. ``writer.lock`` is held by the one process that
may write (a second writer is told so at once); ``commit.lock`` is held
exclusively only while a batch of documents is being committed, and shared by
each reader while it is open, so a reader sees the store before or after each
batch, never in between.

pyoxigraph's errors are translated to ties' own here, in ``_backend``."""

from __future__ import annotations

import fcntl
import gc
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.errors import QueryError, StoreError, StoreLockedError
from graph.store.base import RDF_FORMATS, Solutions, Store
from graph.store.locks import acquire
from graph.vocab import META_GRAPH, PREFIXES

__all__ = ["OxigraphStore"]


@contextmanager
def _backend(action: str):
    """Re-raise pyoxigraph's errors as ours, with what to do."""
    try:
        yield
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {' '.join(str(exc).split())}; fix the query") from exc
    except (OSError, RuntimeError) as exc:
        raise StoreError(f"could not {action}: {' '.join(str(exc).split())}") from exc
    except ValueError as exc:
        raise QueryError(f"could not {action}: {' '.join(str(exc).split())}") from exc


class OxigraphStore(Store):
    def __init__(self, path: Path, writable: bool, wait: float = 0.0) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.writable = writable
        self._db_path = self.path / "oxigraph"
        self._writer_fd: int | None = None
        self._reader_fd: int | None = None
        self._store: ox.Store | None = None
        self._view: ox.Store | None = None
        self._wrote = False
        if writable:
            self._open_writer(wait)
        elif not self._db_path.is_dir():
            raise StoreError(f"no store at {self.path} yet; add documents with `ties ingest PATH` first")
        else:
            self._open_reader(max(wait, 60.0))

    # --- opening -------------------------------------------------------------

    def _open_writer(self, wait: float) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a ties store; choose another --store path")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._writer_fd = os.open(self.path / "writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create the store at {self.path} ({exc.strerror}); check the path") from exc
        if not acquire(self._writer_fd, fcntl.LOCK_EX, wait):
            os.close(self._writer_fd)
            self._writer_fd = None
            raise StoreLockedError(
                f"the store at {self.path} is being written by another ties process; "
                "wait for it to finish (or pass --wait SECONDS) and run this again"
            )
        with _backend(f"open the store at {self.path}"):
            self._store = ox.Store(str(self._db_path))

    def _open_reader(self, wait: float) -> None:
        """A read-only view, opened between two commits and held (with a shared
        lock that keeps commits out) until the reader closes. A reader passes
        the gate first, so that a writer waiting at the gate is not starved by
        a stream of readers."""
        with self._gate(wait):
            self._reader_fd = os.open(self.path / "commit.lock", os.O_RDWR | os.O_CREAT, 0o644)
            if not acquire(self._reader_fd, fcntl.LOCK_SH, wait):
                os.close(self._reader_fd)
                self._reader_fd = None
                raise StoreLockedError(f"the store at {self.path} stayed busy for {wait:.0f} s; try again")
        try:
            self._view = _open_read_only(self._db_path)
        except StoreError:
            self.close()
            raise

    @contextmanager
    def _reading(self):
        yield self._store if self._store is not None else self._view

    @contextmanager
    def _gate(self, wait: float):
        fd = os.open(self.path / "gate.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if not acquire(fd, fcntl.LOCK_EX, wait):
                raise StoreLockedError(f"the store at {self.path} stayed busy for {wait:.0f} s; try again")
            yield
        finally:
            os.close(fd)

    @contextmanager
    def _commitacquire(self, kind: int, wait: float = 60.0):
        """Exclusive: the writer holds the gate while it waits for readers to
        leave, so no new reader slips in ahead of it."""
        with self._gate(wait):
            fd = os.open(self.path / "commit.lock", os.O_RDWR | os.O_CREAT, 0o644)
            try:
                if not acquire(fd, kind, wait):
                    raise StoreLockedError(f"the store at {self.path} stayed busy for {wait:.0f} s; try again")
                yield
            finally:
                os.close(fd)

    # --- reading -------------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, ox.Term] | None = None):
        # pyoxigraph substitutes only variables the SELECT projects: callers project them.
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        with self._reading() as store, _backend("run the query"):
            # The default graph is the union of every document's graph, so plain
            # queries see everything; GRAPH ?g still reaches one document.
            result = store.query(sparql, prefixes=PREFIXES, substitutions=subs or None, use_default_graph_as_union=True)
            if isinstance(result, ox.QuerySolutions):
                return Solutions([v for v in result.variables], [row for row in result])
            if isinstance(result, ox.QueryTriples):
                return list(result)
            return bool(result)

    def quads(self) -> Iterator[ox.Quad]:
        with self._reading() as store, _backend("read the store"):
            yield from store.quads_for_pattern(None, None, None, None)

    def dump(self, out: IO[bytes], fmt: str) -> None:
        with self._reading() as store, _backend("export the store"):
            store.dump(out, RDF_FORMATS[fmt], from_graph=None if fmt in ("nquads", "trig") else ox.DefaultGraph())

    # --- writing -------------------------------------------------------------

    def _writer(self) -> ox.Store:
        if self._store is None:
            raise StoreError("the store was opened read-only; open it for writing")
        return self._store

    def update(self, sparql: str) -> None:
        store = self._writer()
        with self._commitacquire(fcntl.LOCK_EX), _backend("run the update"):
            store.update(sparql, prefixes=PREFIXES)

    def add_documents(self, batch: list[tuple[str, list[ox.Quad], bool]], bulk: bool = False) -> None:
        """In bulk, the document graphs go in through the bulk loader (a third
        of a transaction's time; it writes table files that ``compact`` merges
        later), then their metadata in one transaction. A crash between the
        two leaves graphs without metadata, which no lookup counts and the
        next ingest removes (``drop_incomplete``)."""
        store = self._writer()
        meta = ox.NamedNode(META_GRAPH)
        with self._commitacquire(fcntl.LOCK_EX), _backend("write the documents"):
            for graph_iri, _, replace in batch:
                if replace:
                    self._drop(store, graph_iri)
            self._wrote = True
            if bulk:
                # As N-Quads text: bulk_extend holds the GIL for the whole load, stalling the threads that
                # take in extraction results; bulk_load lets go of it (lenient: our own serialiser wrote it).
                graphs = ox.serialize(
                    (q for _, quads, _ in batch for q in quads if q.graph_name != meta), format=ox.RdfFormat.N_QUADS
                )
                store.bulk_load(graphs, format=ox.RdfFormat.N_QUADS, lenient=True)
                store.extend(q for _, quads, _ in batch for q in quads if q.graph_name == meta)
            else:
                store.extend(q for _, quads, _ in batch for q in quads)

    def compact(self) -> None:
        store = self._writer()
        with _backend("compact the store"):
            store.optimize()

    def remove_graph(self, graph_iri: str) -> None:
        store = self._writer()
        with self._commitacquire(fcntl.LOCK_EX), _backend("remove the document"):
            self._drop(store, graph_iri)

    @staticmethod
    def _drop(store: ox.Store, graph_iri: str) -> None:
        # Terms are written by pyoxigraph's own serialiser, never pasted from input.
        node, meta = ox.NamedNode(graph_iri), ox.NamedNode(META_GRAPH)
        store.update(f"DROP SILENT GRAPH {node} ; DELETE WHERE {{ GRAPH {meta} {{ {node} ?p ?o }} }}")

    def close(self) -> None:
        self._view = None
        if self._reader_fd is not None:
            os.close(self._reader_fd)
            self._reader_fd = None
        if self._store is not None:
            with _backend("flush the store"):
                self._store.flush()
            self._store = None
            gc.collect()  # results may still hold the database; let it close before the lock goes
            if self._wrote:
                # Reopening folds the write-ahead log into tables: a third of the disk, in a fraction of a second.
                with _backend("compact the store"):
                    ox.Store(str(self._db_path)).flush()
                gc.collect()
        if self._writer_fd is not None:
            os.close(self._writer_fd)
            self._writer_fd = None


def _open_read_only(db_path: Path, attempts: int = 8) -> ox.Store:
    """RocksDB may still be settling its manifest just after a writer closed,
    or creating its column families just after a writer created the store;
    such an open fails and succeeds a moment later. Any other failure, or one
    that lasts, is reported."""
    for attempt in range(attempts - 1):
        try:
            return ox.Store.read_only(str(db_path))
        except (OSError, RuntimeError) as exc:
            if not any(sign in str(exc) for sign in ("Corruption", "No such file", "Column family not found")):
                break
            time.sleep(0.05 * (attempt + 1))
    with _backend(f"open the store at {db_path.parent}"):
        return ox.Store.read_only(str(db_path))
