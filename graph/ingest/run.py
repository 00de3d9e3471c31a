"""Ingest: files in, one named graph per document out.

A document is its content: a path whose content is stored is left alone, the
same content from another path is recorded as another path of the stored
document, and new content at a known path replaces the document that path held
(see graph.ingest.known). Near-duplicates (graph.ingest.near) are recorded as
one source. Every failure is reported with the file and what to do, and does
not stop the other files.
Documents are written in batches; a document's metadata is written after its
graph, so a lookup only ever counts whole documents, and the graphs an
interrupted ingest left without metadata are removed (and reported) by the
next ingest."""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from graph.curate.apply import curated_document, read_decisions
from graph.curate.history import note_orphans, orphaned
from graph.curate.rewrite import Curation
from graph.errors import DocumentError, StoreError
from graph.extract.gazetteer import Gazetteer
from graph.extract.pipeline import Extractor
from graph.ingest.deadline import TimeUp, time_limit
from graph.ingest.identity import Identities
from graph.ingest.known import KnownDocuments, StoredDocument, path_key, scope_of
from graph.ingest.near import signature
from graph.model import Document, Extraction, IngestReport
from graph.query.catalogue import require_current
from graph.rdf.quads import document_quads, format_quad, identity_quads
from graph.read.files import DEFAULT_MAX_BYTES, find_documents, read_document
from graph.read.web import is_url, read_url
from graph.resources import gazetteer_dir
from graph.store import PartialWriteError, Store
from graph.vocab import META_GRAPH

__all__ = ["ingest", "stored_documents", "default_extractor", "ExtractorConfig", "DEFAULT_MAX_SECONDS"]

BATCH = 16  # documents per commit
# A bulk commit: the loader writes table files that the store merges in the background, and
# that work grows with the number of commits (at 2,000 documents: 16 commits, 30 CPU-s of
# merging; 7 commits, 18; 4 commits, 10), so commits are large: a quad held is ~500 bytes.
_BULK_QUADS = 400_000
BULK_DOCS = 256  # and a commit at least this often, so that progress shows and a crash loses little
_PARALLEL_FROM = 40  # below this many new documents, starting workers costs more than it saves
BULK_FROM = 40  # from this many new documents on, write through the store's bulk loader
DEFAULT_MAX_SECONDS = 120.0  # extraction of one document; news and reports take well under a second


Extracted = tuple[Document, Extraction, str | None]  # a document, what it states, its MinHash signature


@dataclass(frozen=True)
class ExtractorConfig:
    """How to build an extractor, so that worker processes can build their own."""

    gazetteers: tuple[Path, ...] = ()
    use_ner: bool = True

    def build(self) -> Extractor:
        extractor = Extractor(Gazetteer.load([gazetteer_dir(), *self.gazetteers]), use_ner=self.use_ner)
        extractor.config = self
        return extractor


def default_extractor(extra_gazetteers: list[Path] | None = None, use_ner: bool = True) -> Extractor:
    return ExtractorConfig(tuple(extra_gazetteers or ()), use_ner).build()


def stored_documents(store: Store) -> dict[str, str]:
    """File name -> sha256 of every document in the store (of one of them, where names repeat)."""
    rows = store.select(
        f"SELECT ?name ?sha WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name ; ties:sha256 ?sha }} }}"
    )
    return {r["name"]: r["sha"] for r in rows}


def ingest(
    store: Store,
    paths: list[Path | str],
    extractor: Extractor | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    jobs: int | None = None,
    max_seconds: float | None = DEFAULT_MAX_SECONDS,
    on_report: Callable[[IngestReport], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> list[IngestReport]:
    """Ingest files, folders and web pages (URLs, as strings). ``jobs``: extraction processes (None: two
    when there are many new documents, else one). ``max_seconds``: extraction
    time per document before that document fails (None: no limit)."""
    if not store.writable:
        raise StoreError(f"the store at {store.location} was opened read-only; open it for writing to ingest")
    with _few_collections():
        return _ingest(
            store, paths, extractor or default_extractor(), max_bytes, jobs, max_seconds, on_report, on_total
        )


def _ingest(
    store: Store,
    paths: list[Path | str],
    extractor: Extractor,
    max_bytes: int,
    jobs: int | None,
    max_seconds: float | None,
    on_report: Callable[[IngestReport], None] | None,
    on_total: Callable[[int], None] | None,
) -> list[IngestReport]:
    require_current(store)
    urls = [str(p) for p in paths if isinstance(p, str) and is_url(p)]
    files, walk_errors = find_documents([Path(p) for p in paths if not (isinstance(p, str) and is_url(p))])
    if on_total:
        on_total(len(files) + len(urls))
    reports: list[IngestReport] = []

    def report(r: IngestReport) -> None:
        reports.append(r)
        if on_report:
            on_report(r)

    for err in walk_errors:
        report(IngestReport(path=err.path, status="failed", error=str(err)))
    for graph_iri in store.drop_incomplete():
        name = scope_of(graph_iri)
        report(
            IngestReport(
                path=name,
                status="incomplete",
                file_name=name,
                error=f"{name}: an earlier ingest stopped while writing it; its partial graph was removed, "
                "ingest the file again if it is not in this run",
            )
        )
    known = KnownDocuments(store)
    planner = Planner(known, report)
    plans = planner.files(files, max_bytes)
    todo = [Path(p) for p in plans]
    identities = Identities(store)
    decisions = read_decisions(store)
    curation = Curation(decisions)
    lost_before = {d.number for d in orphaned(store, decisions)} if decisions else set()
    before = len(known.by_iri)
    bulk = len(todo) >= BULK_FROM
    write = partial(_write, store, known=known, report=report, bulk=bulk)
    batch = Batch()
    extracted = _extracted(todo, extractor, max_bytes, _jobs(jobs, len(todo), extractor), max_seconds)
    for item in chain(extracted, _pages(urls, planner, extractor, max_bytes, max_seconds, plans)):
        if isinstance(item, IngestReport):
            report(item)
            continue
        # Quads are made as each document arrives, so the writer's work is spread between the commits.
        _prepare(batch, extractor, identities, curation, *item, known, plans[item[0].meta.path])
        if batch.full(bulk):
            write(batch)
            batch = Batch()
    if batch.documents:
        write(batch)
    if bulk and len(known.by_iri) - before >= len(known.by_iri) / 4:
        # Merging the bulk loader's files costs time in proportion to the whole store: worth it after a big load.
        store.compact()
    if decisions:
        note_orphans(store, lost_before, decisions)
    return reports


_THRESHOLDS = (50_000, 20, 100)  # collections: young every 50,000 allocations (default 700)


@contextmanager
def _few_collections() -> Iterator[None]:
    """Collect garbage rarely while ingesting. Ingest makes millions of
    short-lived objects and next to no cycles, and at the default pace the
    collector kept rescanning the long-lived ones (model, gazetteer,
    identities): 4.4 of the writer's 23 CPU-seconds at 800 documents."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


@dataclass
class Plan:
    """What a new content's document will be: the paths it was found at, and the document whose
    only path it takes over (replaced in the same write)."""

    paths: list[str]
    replaces: str | None = None


class Planner:
    """Decides, path by path, what each input is (see graph.ingest.known) and reports what needs
    no extraction; remembers the run's new contents, so that a second path to one is recorded."""

    def __init__(self, known: KnownDocuments, report) -> None:
        self.known = known
        self.report = report
        self.new_content: dict[str, Plan] = {}  # sha256 -> the plan of the first input with it in this run
        self.seen: set[str] = set()

    def files(self, files: list[Path], max_bytes: int) -> dict[str, Plan]:
        """The files whose content is not in the store yet: file -> its plan, in order."""
        todo: dict[str, Plan] = {}
        for path in files:
            plan = self.decide(path_key(path), _sha256(path, max_bytes), str(path), path.name)
            if plan is not None:
                todo[str(path)] = plan
        return todo

    def decide(self, where: str, digest: str | None, shown: str, name: str) -> Plan | None:
        """The plan for new content at WHERE, or None when it is stored (or in this run) already."""
        if where in self.seen:
            return None  # the same file reached twice ("docs/" and "docs/a.txt")
        self.seen.add(where)
        first = self.new_content.get(digest) if digest else None
        stored = self.known.by_sha.get(digest) if digest else None
        if first is not None:
            first.paths.append(where)
            self.report(IngestReport(path=shown, status="known", file_name=name, same_as=first.paths[0]))
            return None
        if stored is not None:
            self.report(_seen_before(self.known, stored, where, shown, name))
            return None
        plan = _new_plan(self.known, where)
        if digest:
            self.new_content[digest] = plan
        return plan


def _pages(
    urls: list[str],
    planner: Planner,
    extractor: Extractor,
    max_bytes: int,
    seconds: float | None,
    plans: dict[str, Plan],
) -> Iterator[Extracted | IngestReport]:
    """Each page fetched, then planned as a file is (its URL is its path) and extracted here:
    pages come one at a time, at the speed of the servers, not of the workers."""
    for url in urls:
        try:
            doc = read_url(url, max_bytes)
        except DocumentError as exc:
            yield IngestReport(path=url, status="failed", error=str(exc))
            continue
        plan = planner.decide(path_key(url), doc.meta.sha256, url, doc.meta.file_name)
        if plan is not None:
            plans[url] = plan
            yield from map(_lean, _extract(extractor, [doc], seconds))


def _seen_before(known: KnownDocuments, doc: StoredDocument, where: str, shown: str, name: str) -> IngestReport:
    """Content the store holds: unchanged if it holds it from this path (or from a store that kept
    no paths, under this name), else known from its other paths, and this path added."""
    unchanged = where in doc.paths or (not doc.paths and doc.name == name)
    same_as = None if unchanged else (sorted(doc.paths)[0] if doc.paths else doc.name)
    if where not in doc.paths:
        known.add_path(doc, where)
    return IngestReport(
        path=shown,
        status="unchanged" if unchanged else "known",
        file_name=name,
        document=doc.iri,
        same_as=same_as,
    )


def _new_plan(known: KnownDocuments, where: str) -> Plan:
    """New content at WHERE: it replaces the document the path held if that had no other path,
    else the path leaves that document."""
    previous = known.by_path.get(where)
    if previous is None:
        return Plan([where])
    if previous.paths == {where}:
        return Plan([where], replaces=previous.iri)
    known.detach(previous, where)
    return Plan([where])


def _sha256(path: Path, max_bytes: int) -> str | None:
    """The file's hash, or None when reading it will fail (reading reports why)."""
    try:
        if not path.is_file() or path.stat().st_size > max_bytes:
            return None
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def _jobs(jobs: int | None, count: int, extractor: Extractor) -> int:
    if getattr(extractor, "config", None) is None:
        return 1  # an extractor built by hand cannot be rebuilt in a worker
    if jobs is None or jobs <= 0:
        return min(2, os.cpu_count() or 1) if count >= _PARALLEL_FROM else 1
    return jobs


def _extracted(
    paths: list[Path], extractor: Extractor, max_bytes: int, jobs: int, seconds: float | None
) -> Iterator[Extracted | IngestReport]:
    """Each file read and extracted, in input order, by ``jobs`` processes."""
    chunks = [[str(p) for p in paths[i : i + 8]] for i in range(0, len(paths), 8)]
    if not chunks:
        return
    if jobs <= 1:
        _worker_init(extractor, max_bytes, seconds)
        results = map(_work, chunks)
        yield from (item for chunk in results for item in chunk)
        return
    ctx = multiprocessing.get_context("spawn")  # the parent holds the store's threads: never fork it
    # Pool.imap hands out every chunk at once and queues results without limit; the window
    # keeps extraction at most a few chunks ahead of the writer, so memory stays bounded.
    window, stop = threading.Semaphore(6 * jobs), threading.Event()  # covers a bulk commit's few seconds

    def fed() -> Iterator[list[str]]:
        for chunk in chunks:
            window.acquire()
            if stop.is_set():
                return
            yield chunk

    with ctx.Pool(jobs, initializer=_worker_start, initargs=(extractor.config, max_bytes, seconds)) as pool:
        try:
            for chunk in pool.imap(_work, fed()):
                window.release()
                yield from chunk
        finally:  # the pool's feeder thread may wait in fed(); free it before the pool is closed
            stop.set()
            window.release()


_worker: dict = {}


def _worker_init(extractor: Extractor | ExtractorConfig, max_bytes: int, seconds: float | None) -> None:
    _worker["extractor"] = extractor.build() if isinstance(extractor, ExtractorConfig) else extractor
    _worker["max_bytes"] = max_bytes
    _worker["seconds"] = seconds
    if seconds:
        _worker["extractor"].warm_up()  # loading the models is not the first document's extraction


def _worker_start(config: ExtractorConfig, max_bytes: int, seconds: float | None) -> None:
    """A worker process: its extractor, then collections as rarely as the writer's."""
    _worker_init(config, max_bytes, seconds)
    gc.freeze()  # the model and gazetteer live as long as the worker
    gc.set_threshold(*_THRESHOLDS)


def _work(paths: list[str]) -> list[Extracted | IngestReport]:
    docs: list[Document] = []
    out: list = []
    for path in paths:
        try:
            docs.append(read_document(Path(path), max_bytes=_worker["max_bytes"]))
            out.append(None)
        except DocumentError as exc:
            out.append(IngestReport(path=path, status="failed", error=str(exc)))
    extracted = iter(_lean(item) for item in _extract(_worker["extractor"], docs, _worker["seconds"]))
    return [item if item is not None else next(extracted) for item in out]


def _lean(item: tuple[Document, Extraction] | IngestReport) -> Extracted | IngestReport:
    """What the writer needs, made cheap to send between processes: no
    masked text, no mention spans, and each sentence one string however many
    ties quote it (pickle writes a shared string once); and the text's
    signature, made here, in the worker, not in the writer."""
    if isinstance(item, IngestReport):
        return item
    doc, extraction = item
    doc.masked = ""
    shared: dict[str, str] = {}
    for entity in extraction.entities.values():
        entity.mentions = []
    for tie in extraction.ties:
        tie.evidence.sentence = shared.setdefault(tie.evidence.sentence, tie.evidence.sentence)
    for fact in (*extraction.datings, *extraction.observations):
        fact.sentence_text = shared.setdefault(fact.sentence_text, fact.sentence_text)
    return doc, extraction, signature(doc.text)


def _extract(
    extractor: Extractor, docs: list[Document], seconds: float | None = None
) -> list[tuple[Document, Extraction] | IngestReport]:
    """Extractions for a batch; a document that breaks the extractor, or takes more than SECONDS,
    is reported as failed and the others go on."""
    try:
        with time_limit(seconds * len(docs) if seconds else None):
            return list(zip(docs, extractor.extract_many(docs), strict=True))
    except (Exception, TimeUp):  # one document must not lose the batch: retry one by one, reporting each failure
        out: list[tuple[Document, Extraction] | IngestReport] = []
        for doc in docs:
            try:
                with time_limit(seconds):
                    out.append((doc, extractor.extract(doc)))
            except TimeUp:
                error = (
                    f"{doc.meta.path}: extraction took over {seconds:g} s and was stopped; split the document, "
                    "or raise --max-seconds"
                )
                out.append(IngestReport(path=doc.meta.path, status="failed", file_name=doc.meta.file_name, error=error))
            except Exception as exc:  # reported as this file's failure, with the cause
                out.append(
                    IngestReport(
                        path=doc.meta.path,
                        status="failed",
                        file_name=doc.meta.file_name,
                        error=f"{doc.meta.path}: extraction failed ({exc.__class__.__name__}: {exc}); "
                        "this is a bug in ties, please report it with the file",
                    )
                )
        return out


@dataclass
class Batch:
    """Documents made into quads as they arrive, written together."""

    documents: list[tuple[str, list, bool]] = field(default_factory=list)  # (graph IRI, quads, replaces one)
    done: list[IngestReport | None] = field(default_factory=list)  # each document's report once written
    quads: int = 0

    def full(self, bulk: bool) -> bool:
        if bulk:
            return self.quads >= _BULK_QUADS or len(self.documents) >= BULK_DOCS
        return len(self.documents) >= BATCH


def _prepare(
    batch: Batch,
    extractor: Extractor,
    identities: Identities,
    curation: Curation,
    doc: Document,
    extraction: Extraction,
    sig: str | None,
    known: KnownDocuments,
    plan: Plan,
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    doc.meta.ingested_at = now
    doc.meta.extractor_version = extractor.version
    graph_iri = known.new_iri(doc.meta.file_name, doc.meta.sha256, plan.replaces)
    canon = identities.canonical(extraction.entities, scope_of(graph_iri))
    if plan.replaces:  # the version this one replaces is no near-duplicate of it
        known.forget(plan.replaces)
    found = known.near.match(sig) if sig else None
    cluster, near = found if found else (graph_iri, None)
    quads = document_quads(doc, extraction, canon, now, extractor.version, graph_iri)
    if curation:  # the analyst's decisions apply to every document as it is written
        node = ox.NamedNode(graph_iri)
        own, rest = [q for q in quads if q.graph_name == node], [q for q in quads if q.graph_name != node]
        curated, record = curated_document(curation, graph_iri, own)
        quads = curated + rest + record
    quads += [*identity_quads(graph_iri, plan.paths, cluster, sig, near), format_quad(graph_iri)]
    if plan.replaces and plan.replaces != graph_iri:
        batch.documents.append((plan.replaces, [], True))  # the replaced document goes in the same write
        batch.done.append(None)
    batch.documents.append((graph_iri, quads, graph_iri == plan.replaces))
    batch.quads += len(quads)
    known.register(
        StoredDocument(graph_iri, doc.meta.file_name, doc.meta.sha256, set(plan.paths), cluster, now.isoformat()), sig
    )
    batch.done.append(
        IngestReport(
            path=doc.meta.path,
            status="replaced" if plan.replaces else "added",
            file_name=doc.meta.file_name,
            document=graph_iri,
            near=[known.by_iri[near].name] if near in known.by_iri else [],
            entities=len({c.iri for c in canon.values()}),
            ties=len(extraction.ties),
            warnings=doc.warnings,
            rejected=extraction.rejected,
        )
    )


def _write(store: Store, batch: Batch, *, known: KnownDocuments, report, bulk: bool) -> None:
    try:
        store.add_documents(batch.documents, bulk=bulk)
    except StoreError as exc:
        # A batch that failed part way and could not be undone (a server that died) kept some documents whole.
        stored = set(exc.stored) if isinstance(exc, PartialWriteError) else set()
        for (graph_iri, _, _), r in zip(batch.documents, batch.done, strict=True):
            if r is None:
                continue
            if graph_iri in stored:
                report(r)
            else:
                known.forget(graph_iri)
                error = f"{r.path}: not stored: {exc}"
                report(IngestReport(path=r.path, status="failed", file_name=r.file_name, error=error))
        return
    for r in batch.done:
        if r is not None:
            report(r)
