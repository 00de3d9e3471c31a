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
import re
import shutil
import time
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph.errors import QueryError, StoreError, StoreLockedError
from graph.rdf.terms import Term
from graph.store.base import RDF_FORMATS, Solutions, Store, StoreNotice
from graph.store.locks import acquire, open_lock_file
from graph.vocab import META_GRAPH, PREFIXES

__all__ = ["OxigraphStore", "MemoryStore"]


@contextmanager
def _backend(action: str, *, running_sparql: bool = False):
    """Re-raise pyoxigraph's errors as ours, with what to do. What failed decides the class: while
    running the user's SPARQL a ValueError is the query's fault (an undefined prefix, a bad IRI);
    anywhere else it is the store's."""
    try:
        yield
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {_short_syntax_error(str(exc))}; fix the query") from exc
    except (OSError, RuntimeError) as exc:
        raise StoreError(f"could not {action}: {' '.join(str(exc).split())}") from exc
    except ValueError as exc:
        kind = QueryError if running_sparql else StoreError
        raise kind(f"could not {action}: {' '.join(str(exc).split())}") from exc


_PARSER_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
_QUOTED_TOKEN = re.compile(r'"([^"]+)"')


def _short_syntax_error(message: str) -> str:
    """The parser's message cut to what a person acts on: where, and the tokens it expected. The
    parser lists character classes as Unicode ranges (a wall of text for an undeclared prefix);
    those are dropped, and a prefix it could not find is named as such."""
    found = _PARSER_POSITION.search(" ".join(message.split()))
    if found is None:
        return " ".join(message.split())[:300]
    line, column, expected = found.groups()
    where = f"line {line}, column {column}"
    if not expected.startswith("expected one of"):
        return f"{where}: {expected[:200]}"
    if "Prefix not found" in expected:
        return f"{where}: an undeclared prefix; declare it with PREFIX name: <IRI> (predeclared: {', '.join(PREFIXES)})"
    tokens = _QUOTED_TOKEN.findall(expected)
    if not tokens:
        return f"{where}: an unexpected character"
    listed = " ".join(f'"{token}"' for token in tokens[:12])
    return f"{where}: expected one of {listed}" + (" ..." if len(tokens) > 12 else "")


class OxigraphStore(Store):
    """``create``: a writer may make a new store where there is none (said with a StoreNotice at its
    first write, unless not ``announce``: a store of ties' own, in a temporary folder); without it,
    a path with no store is an error, as for a reader."""

    def __init__(
        self, path: Path, writable: bool, wait: float = 0.0, *, create: bool = True, announce: bool = True
    ) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.writable = writable
        self._db_path = self.path / "oxigraph"
        self._writer_fd: int | None = None
        self._reader_fd: int | None = None
        self._store: ox.Store | None = None
        self._view: ox.Store | None = None
        self._wrote = False
        self._new = False  # a writer's store that does not exist yet: made at the first write
        self._announce = announce
        exists = self._exists()
        if not exists and (not writable or not create):
            raise StoreError(f"no store at {self.path} yet; add documents with `ties ingest PATH` first")
        if writable:
            self._open_writer(wait)
        else:
            self._open_reader(max(wait, 60.0))

    def _exists(self) -> bool:
        try:
            return self._db_path.is_dir()
        except OSError as exc:  # a folder this user may not enter
            raise StoreError(f"cannot read the store at {self.path} ({exc.strerror}); check its permissions") from exc

    # --- opening -------------------------------------------------------------

    def _open_writer(self, wait: float) -> None:
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a ties store; choose another --store path")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._writer_fd = os.open(self.path / "writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            what = "write to" if self._db_path.is_dir() else "create"
            raise StoreError(f"cannot {what} the store at {self.path} ({exc.strerror}); check the path") from exc
        if not acquire(self._writer_fd, fcntl.LOCK_EX, wait):
            os.close(self._writer_fd)
            self._writer_fd = None
            raise StoreLockedError(
                f"the store at {self.path} is being written by another ties process; "
                "wait for it to finish (or pass --wait SECONDS) and run this again"
            )
        if not self._db_path.is_dir():
            # Made at the first write, so that a mistyped --store that writes nothing leaves no store behind.
            self._new = True
            return
        self._remove_bulk_files()
        with _backend(f"open the store at {self.path}"):
            self._store = ox.Store(str(self._db_path))

    def _remove_bulk_files(self) -> None:
        """The bulk loader's table files that a failed or killed load left behind. Only a bulk load
        in progress has any, and only the writer loads: holding the writer's lock, every one is stale."""
        for leftover in self._db_path.glob("bulk-*.sst"):
            leftover.unlink(missing_ok=True)

    def _open_reader(self, wait: float) -> None:
        """A read-only view, opened between two commits and held (with a shared
        lock that keeps commits out) until the reader closes. A reader passes
        the gate first, so that a writer waiting at the gate is not starved by
        a stream of readers."""
        with self._gate(wait):
            self._reader_fd = self._lock_file("commit.lock")
            if self._reader_fd is not None and not acquire(self._reader_fd, fcntl.LOCK_SH, wait):
                os.close(self._reader_fd)
                self._reader_fd = None
                raise StoreLockedError(f"the store at {self.path} stayed busy for {wait:.0f} s; try again")
        try:
            self._view = _open_read_only(self._db_path)
        except StoreError:
            self.close()
            raise

    def _lock_file(self, name: str) -> int | None:
        """A lock file to take, opened read-only where this user may not write it (see locks.open_lock_file)."""
        try:
            return open_lock_file(self.path / name)
        except OSError as exc:
            raise StoreError(f"cannot open {self.path / name} ({exc.strerror}); check the store's permissions") from exc

    @contextmanager
    def _reading(self):
        if self._store is None and self._view is None:  # a writer's new store, not made yet: empty
            yield ox.Store()
            return
        yield self._store if self._store is not None else self._view

    @contextmanager
    def _gate(self, wait: float):
        fd = self._lock_file("gate.lock")
        if fd is None:  # a folder this user cannot write to: no writer of this user's to wait for
            yield
            return
        try:
            if not acquire(fd, fcntl.LOCK_EX, wait):
                raise StoreLockedError(f"the store at {self.path} stayed busy for {wait:.0f} s; try again")
            yield
        finally:
            os.close(fd)

    @contextmanager
    def _commit_lock(self, kind: int, wait: float = 60.0):
        """Exclusive: the writer holds the gate while it waits for readers to
        leave, so no new reader slips in ahead of it."""
        with self._gate(wait):
            fd = self._lock_file("commit.lock")
            if fd is None:
                raise StoreError(f"cannot write to the store at {self.path}: its folder is read-only for this user")
            try:
                if not acquire(fd, kind, wait):
                    raise StoreLockedError(f"the store at {self.path} stayed busy for {wait:.0f} s; try again")
                yield
            finally:
                os.close(fd)

    # --- reading -------------------------------------------------------------

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None, *, limit: int | None = None):
        """``limit``: hold at most that many solutions or triples (a server's cap on an answer)."""
        # pyoxigraph substitutes only variables the SELECT projects: callers project them.
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        with self._reading() as store, _backend("run the query", running_sparql=True):
            # The default graph is the union of every document's graph, so plain
            # queries see everything; GRAPH ?g still reaches one document.
            result = store.query(sparql, prefixes=PREFIXES, substitutions=subs or None, use_default_graph_as_union=True)
            if isinstance(result, ox.QuerySolutions):
                return Solutions([v for v in result.variables], list(islice(result, limit)))
            if isinstance(result, ox.QueryTriples):
                return list(islice(result, limit))
            return bool(result)

    def quads(self) -> Iterator[ox.Quad]:
        with self._reading() as store, _backend("read the store"):
            yield from store.quads_for_pattern(None, None, None, None)

    def dump(self, out: IO[bytes], fmt: str) -> None:
        with self._reading() as store, _backend("export the store"):
            store.dump(out, RDF_FORMATS[fmt], from_graph=None if fmt in ("nquads", "trig") else ox.DefaultGraph())

    def verify(self) -> None:
        """Read every table of the database whole (each of Oxigraph's indexes, by one scan or by a
        prefix scan per term), so that damage a plain scan of the quads does not reach (a table of
        another index, where every write then fails) is found. StoreError names the damage."""
        with self._reading() as store, _backend(f"read the store at {self.path} whole (it may be damaged)"):
            for pattern in _every_index(store):
                for _ in store.quads_for_pattern(*pattern):
                    pass
            list(store.named_graphs())

    # --- writing -------------------------------------------------------------

    def _writer(self) -> ox.Store:
        if self._store is None and not self._new:
            raise StoreError("the store was opened read-only; open it for writing")
        if self._store is None:
            with _backend(f"create the store at {self.path}"):
                self._store = ox.Store(str(self._db_path))
        return self._store

    @contextmanager
    def _writing(self, action: str, *, running_sparql: bool = False):
        """The store to write, under the commit lock. A new store's first write makes it; if that
        write fails, the store goes again, and once it lands the user is told where it is."""
        store = self._writer()
        try:
            with self._commit_lock(fcntl.LOCK_EX), _backend(action, running_sparql=running_sparql):
                yield store
        except BaseException:
            if self._new:
                self._discard_new()
            raise
        if self._new:
            self._new = False
            if self._announce:
                warnings.warn(StoreNotice(f"creating a new store at {self.path.resolve()}"), stacklevel=4)

    def _discard_new(self) -> None:
        self._store = None
        self._wrote = False
        gc.collect()  # results may still hold the database; let it close before its folder goes
        shutil.rmtree(self._db_path, ignore_errors=True)

    def update(self, sparql: str) -> None:
        with self._writing("run the update", running_sparql=True) as store:
            store.update(sparql, prefixes=PREFIXES)

    def add_documents(self, batch: list[tuple[str, list[ox.Quad], bool]], bulk: bool = False) -> None:
        """In bulk, the document graphs go in through the bulk loader (a third
        of a transaction's time; it writes table files that ``compact`` merges
        later), then their metadata in one transaction. A crash between the
        two leaves graphs without metadata, which no lookup counts and the
        next ingest removes (``drop_incomplete``)."""
        meta = ox.NamedNode(META_GRAPH)
        with self._writing("write the documents") as store:
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
                try:
                    store.bulk_load(graphs, format=ox.RdfFormat.N_QUADS, lenient=True)
                except BaseException:
                    self._remove_bulk_files()  # a load that fails leaves its table files (a full disk, a size limit)
                    raise
                store.extend(q for _, quads, _ in batch for q in quads if q.graph_name == meta)
            else:
                store.extend(q for _, quads, _ in batch for q in quads)

    def compact(self) -> None:
        if self._new:
            return  # nothing written yet: nothing to compact
        store = self._writer()
        with _backend("compact the store"):
            store.optimize()

    def remove_graph(self, graph_iri: str) -> None:
        with self._writing("remove the document") as store:
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


class MemoryStore(OxigraphStore):
    """Quads held in memory and read like a store on disk, read-only: a view computed from another
    store (the extraction without the analyst's decisions, graph.curate.views)."""

    def __init__(self, location: str, quads: Iterator[ox.Quad]) -> None:  # noqa: D107 - no folder, no locks
        self.path = Path(location)
        self.location = location
        self.writable = False
        self._db_path = self.path
        self._writer_fd = self._reader_fd = None
        self._store = None
        self._new = self._wrote = False
        self._announce = False
        self._view = ox.Store()
        with _backend("hold the view in memory"):
            self._view.extend(quads)


def _every_index(store: ox.Store) -> Iterator[tuple]:
    """Quad patterns whose scans together read every index of the store whole: the full scan
    (graph, subject, predicate, object order), then one prefix scan per subject, per predicate and
    per object (the indexes led by each), and per predicate and per object within each graph."""
    subjects: set = set()
    predicates: set = set()
    objects: set = set()
    graphs: dict = {}
    for q in store.quads_for_pattern(None, None, None, None):
        subjects.add(q.subject)
        predicates.add(q.predicate)
        objects.add(q.object)
        in_graph = graphs.setdefault(q.graph_name, (set(), set()))
        in_graph[0].add(q.predicate)
        in_graph[1].add(q.object)
    yield from ((s, None, None, None) for s in subjects)
    yield from ((None, p, None, None) for p in predicates)
    yield from ((None, None, o, None) for o in objects)
    for g, (in_predicates, in_objects) in graphs.items():
        yield from ((None, p, None, g) for p in in_predicates)
        yield from ((None, None, o, g) for o in in_objects)


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
