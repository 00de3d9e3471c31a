"""The library's front door, for notebooks and scripts::

import graph
with graph.open_graph("my-store", write=True) as g:   # read-only unless asked to write
    g.ingest(["articles/"])
    g.entities(type="Project", involving="Hyundai Rotem")
    g.show("KEPCO").relations
    g.facts(about="Vietnam")[0].conflicts_with   # every query returns records of graph.model
    g.sparql("SELECT ?s WHERE { GRAPH ?g { ?s a ties:Firm } }").rows
    g.network()                      # a networkx.MultiDiGraph
    g.export("graphml", "ties.graphml")

with graph.open_graph("my-store", write=True) as g:   # the analyst's decisions (graph.curate)
    g.curate.merge("Hyundai Rotem", "Hyundai Rotem Company", reason="one firm")
    g.curate.reject("Hanwha", "partyTo", "K9 deal")
graph.open_graph("my-store", raw=True)           # the extraction alone, without decisions
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

import graph.query as queries
from graph.curate import decide as _decide
from graph.curate import history as _history
from graph.curate.records import Decision
from graph.curate.views import raw_view
from graph.errors import StoreError
from graph.ingest import run as _ingest
from graph.model import (
    DecisionScore,
    DecisionView,
    DocumentInfo,
    EntityDetail,
    EntitySummary,
    Fact,
    IngestReport,
    PairTie,
    Records,
    StoreStats,
    TimelineEntry,
)
from graph.output import export as _export
from graph.output.network import network
from graph.read.files import DEFAULT_MAX_BYTES
from graph.read.web import is_url
from graph.store import Store, open_store
from graph.validate import ValidationReport, validate
from graph.vocab import EntityType, Relation

__all__ = ["DEFAULT_STORE", "TiesGraph", "Curator", "open_graph", "evaluate"]

DEFAULT_STORE = Path(".ties")


class TiesGraph:
    def __init__(self, store: Store) -> None:
        self.store = store

    def ingest(
        self,
        paths: list[str | Path],
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        use_ner: bool = True,
        gazetteers: list[Path] | None = None,
        jobs: int | None = None,
        max_seconds: float | None = _ingest.DEFAULT_MAX_SECONDS,
        **callbacks,
    ) -> list[IngestReport]:
        """Files, folders and web pages (URLs as strings); one report each: added, replaced,
        unchanged, known (the content is stored from another path, now recorded) or failed."""
        extractor = _ingest.default_extractor(gazetteers, use_ner=use_ner)
        return _ingest.ingest(
            self.store,
            [p if isinstance(p, str) and is_url(p) else Path(p) for p in paths],
            extractor,
            max_bytes=max_bytes,
            jobs=jobs,
            max_seconds=max_seconds,
            **callbacks,
        )

    def entities(
        self,
        type: EntityType | str | None = None,
        involving: str | None = None,
        *,
        co_mentions: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> Records[EntitySummary]:
        """Entities (of TYPE; tied to INVOLVING, with the documents that state the tie as sources, and
        with CO_MENTIONS also those only named beside it), LIMIT of them from OFFSET."""
        kind = EntityType(type) if type else None
        return Records(queries.entities(self.store, kind, involving, co_mentions, limit=limit, offset=offset))

    def show(self, name: str, *, co_mentions: bool = False) -> EntityDetail:
        """The entity, its ties with their evidence, and the decisions that made it what it is."""
        detail = queries.show(self.store, name, co_mentions)
        detail.decisions = _history.concerning(self.store, detail.id)
        return detail

    @property
    def curate(self) -> Curator:
        return Curator(self.store)

    def sparql(self, query: str, *, update: bool = False, timeout: float | None = None) -> queries.SparqlResult:
        return queries.run_sparql(self.store, query, allow_update=update, timeout=timeout)

    def facts(
        self, about: str | None = None, between: tuple[str, str] | None = None, *, direct_only: bool = False
    ) -> Records[Fact]:
        """Figures (trade volumes, contract values, ...) with their sources; disagreeing ones flagged."""
        return Records(queries.facts(self.store, about=about, between=between, direct_only=direct_only))

    def timeline(self, a: str, b: str | None = None, *, direct_only: bool = False) -> Records[TimelineEntry]:
        """The dated events, agreements, projects and relations involving A (and B), in order; a
        country stands for its bodies, firms and nationals unless ``direct_only``."""
        return Records(queries.timeline(self.store, a, b, direct_only=direct_only))

    def between(
        self,
        a: str,
        b: str,
        *,
        min_sources: int = 1,
        relation: Relation | str | None = None,
        direct_only: bool = False,
    ) -> Records[PairTie]:
        """What ties A and B: direct ties either way and entities tied to both, with their sentences;
        a country stands for its bodies, firms and nationals unless ``direct_only``."""
        kind = Relation(relation) if isinstance(relation, str) else relation
        return Records(
            queries.between(self.store, a, b, min_sources=min_sources, relation=kind, direct_only=direct_only)
        )

    def network(self) -> nx.MultiDiGraph:
        return network(self.store)

    def export(self, fmt: str, out: str | Path) -> list[Path]:
        return _export.export(self.store, _export.ExportFormat(fmt), Path(out))

    def validate(self) -> ValidationReport:
        return validate(self.store)

    def stats(self) -> StoreStats:
        return queries.stats(self.store)

    def documents(self) -> Records[DocumentInfo]:
        return Records(queries.documents(self.store))

    def remove(self, name: str) -> str:
        """Remove the document a path, unique file name, hash (or 8+ of its first characters) or IRI
        names. A decision it leaves with nothing to apply to is kept, and said so (a StoreNotice)."""
        before = {d.number for d in _history.orphaned(self.store)}
        removed = queries.remove_document(self.store, name)
        _history.note_orphans(self.store, before)
        return removed

    def upgrade(self) -> int | None:
        """Bring a store written by an earlier ties to the current format (see graph.ingest.upgrade)."""
        from graph.ingest.upgrade import upgrade

        return upgrade(self.store)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> TiesGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Curator:
    """The analyst's decisions on a store (see graph.curate): each is recorded with who (BY, by
    default the login name), when and why (REASON), applied to every document graph now and at
    every later ingest, and returned with the number of documents it changed."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def merge(self, a: str, b: str, **who) -> tuple[Decision, int]:
        return _decide.merge(self.store, a, b, **who)

    def split(self, a: str, name: str, **who) -> tuple[Decision, int]:
        return _decide.split(self.store, a, name, **who)

    def alias(self, a: str, name: str, **who) -> tuple[Decision, int]:
        return _decide.alias(self.store, a, name, **who)

    def rename(self, a: str, label: str, **who) -> tuple[Decision, int]:
        return _decide.rename(self.store, a, label, **who)

    def retype(self, a: str, kind: EntityType | str, **who) -> tuple[Decision, int]:
        return _decide.retype(self.store, a, EntityType(kind), **who)

    def reject(self, a: str, relation: Relation | str, b: str, **who) -> tuple[Decision, int]:
        return _decide.reject(self.store, a, Relation(relation), b, **who)

    def confirm(self, a: str, relation: Relation | str, b: str, **who) -> tuple[Decision, int]:
        return _decide.confirm(self.store, a, Relation(relation), b, **who)

    def assert_tie(
        self, a: str, relation: Relation | str, b: str, *, source: str, quote: str | None = None, **who
    ) -> tuple[Decision, int]:
        return _decide.assert_tie(self.store, a, Relation(relation), b, source=source, quote=quote, **who)

    def prefer(self, fact: str, **who) -> tuple[Decision, int]:
        return _decide.prefer(self.store, fact, **who)

    def undo(self, number: int, *, by: str | None = None) -> tuple[Decision, int]:
        return _decide.undo(self.store, number, by=by)

    def reapply(self) -> int:
        """Every document curated again (after a decision that could not be applied whole)."""
        return _decide.reapply(self.store)

    def list(self, *, orphaned: bool = False) -> Records[DecisionView]:
        return Records(_history.decision_list(self.store, only_orphaned=orphaned))

    def export(self, fmt: str = "jsonl") -> str:
        return _history.export_decisions(self.store, fmt)

    def import_file(self, path: str | Path) -> tuple[int, int]:
        """(imported, skipped as already in the store)."""
        return _history.import_decisions(self.store, Path(path))

    def score(self) -> DecisionScore:
        return _history.score(self.store)


def evaluate(gold: str | Path, documents: str | Path | None = None, *, use_ner: bool = True):
    """Measure extraction on DOCUMENTS (default: the gold folder itself) against
    the gold files in GOLD; uses a temporary store."""
    from graph.evaluation import evaluate as _evaluate

    gold = Path(gold)
    return _evaluate(gold, Path(documents) if documents else gold, _ingest.default_extractor(use_ner=use_ner))


def open_graph(
    location: str | Path = DEFAULT_STORE, *, write: bool = False, wait: float = 0.0, raw: bool = False
) -> TiesGraph:
    """Open the store at ``location``: a folder (the embedded store, created when
    writing) or a SPARQL endpoint URL or endpoint file (see graph.store.remote).
    Read-only unless ``write``: a reader never creates a store or takes the writer's lock.
    ``raw``: the extraction alone, without the analyst's decisions (read-only, held in memory)."""
    if raw and write:
        raise StoreError("the raw view is read-only: decisions and ingests go to the curated store")
    store = open_store(location, write=write, wait=wait)
    if not raw:
        return TiesGraph(store)
    try:
        view = raw_view(store)
    except BaseException:
        store.close()
        raise
    if view is not store:
        store.close()  # the view holds its own copy
    return TiesGraph(view)
