"""Ingest: files in, one named graph per document out.

A document whose file name and content are already stored is left alone; a
known file name with new content replaces its graph; every failure is
reported with the file and what to do, and does not stop the other files.
Documents are written in batches, each batch in one transaction, so the store
only ever holds whole documents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from .documents import DEFAULT_MAX_BYTES, find_documents, read_document
from .errors import DocumentError, StoreError
from .extract import Extractor
from .gazetteer import Gazetteer
from .identity import Identities
from .model import Document, Extraction, IngestReport
from .rdf import document_iri, document_quads
from .resources import gazetteer_dir
from .store import Store
from .vocab import META_GRAPH

__all__ = ["ingest", "stored_documents", "default_extractor"]

BATCH = 16


def default_extractor(extra_gazetteers: list[Path] | None = None, use_ner: bool = True) -> Extractor:
    return Extractor(Gazetteer.load([gazetteer_dir(), *(extra_gazetteers or [])]), use_ner=use_ner)


def stored_documents(store: Store) -> dict[str, str]:
    """File name -> sha256 of every document in the store."""
    rows = store.select(f"SELECT ?name ?sha WHERE {{ GRAPH <{META_GRAPH}> {{ ?d ties:fileName ?name ; ties:sha256 ?sha }} }}")
    return {r["name"]: r["sha"] for r in rows}


def ingest(
    store: Store,
    paths: list[Path],
    extractor: Extractor | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_report: Callable[[IngestReport], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> list[IngestReport]:
    extractor = extractor or default_extractor()
    files, walk_errors = find_documents(paths)
    if on_total:
        on_total(len(files))
    reports: list[IngestReport] = []

    def report(r: IngestReport) -> None:
        reports.append(r)
        if on_report:
            on_report(r)

    for err in walk_errors:
        report(IngestReport(path=err.path, status="failed", error=str(err)))
    known = stored_documents(store)
    identities = Identities(store)
    pending: list[Document] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            doc = read_document(path, max_bytes=max_bytes)
        except DocumentError as exc:
            report(IngestReport(path=str(path), status="failed", error=str(exc)))
            continue
        name = doc.meta.file_name
        if name in seen:
            report(IngestReport(path=str(path), status="failed", file_name=name,
                                error=f"{path}: another file named {name!r} ({seen[name]}) is in this run; rename one"))
            continue
        seen[name] = str(path)
        if known.get(name) == doc.meta.sha256:
            report(IngestReport(path=str(path), status="unchanged", file_name=name))
            continue
        pending.append(doc)
        if len(pending) >= BATCH:
            _write(store, extractor, identities, pending, known, report)
            pending = []
    if pending:
        _write(store, extractor, identities, pending, known, report)
    return reports


def _extract(extractor: Extractor, docs: list[Document], report) -> list[tuple[Document, Extraction]]:
    """Extractions for a batch; a document that breaks the extractor is
    reported as failed and the others go on."""
    try:
        return list(zip(docs, extractor.extract_many(docs)))
    except Exception:  # a bug on one document must not lose the batch: retry one by one, reporting each failure
        out = []
        for doc in docs:
            try:
                out.append((doc, extractor.extract(doc)))
            except Exception as exc:  # reported as this file's failure, with the cause
                report(IngestReport(path=doc.meta.path, status="failed", file_name=doc.meta.file_name,
                                    error=f"{doc.meta.path}: extraction failed ({exc.__class__.__name__}: {exc}); "
                                          "this is a bug in ties, please report it with the file"))
        return out


def _write(store, extractor, identities, docs, known, report) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    batch = []
    results = []
    for doc, extraction in _extract(extractor, docs, report):
        doc.meta.ingested_at = now
        doc.meta.extractor_version = extractor.version
        canon = identities.canonical(extraction.entities, doc.meta.file_name)
        quads = document_quads(doc, extraction, canon, now, extractor.version)
        replace = doc.meta.file_name in known
        batch.append((document_iri(doc.meta.file_name), quads, replace))
        results.append(IngestReport(path=doc.meta.path, status="replaced" if replace else "added",
                                    file_name=doc.meta.file_name, entities=len({c.iri for c in canon.values()}),
                                    ties=len(extraction.ties)))
    if not batch:
        return
    try:
        store.add_documents(batch)
    except StoreError as exc:
        for r in results:
            report(IngestReport(path=r.path, status="failed", file_name=r.file_name,
                                error=f"{r.path}: not stored: {exc}"))
        return
    for (_, _, _), r in zip(batch, results):
        known[r.file_name] = _sha(r, docs)
        report(r)


def _sha(r: IngestReport, docs: list[Document]) -> str:
    return next(d.meta.sha256 for d in docs if d.meta.file_name == r.file_name)
