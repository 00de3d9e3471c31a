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
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

import graph.query as queries
from graph.ingest import run as _ingest
from graph.model import (
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

__all__ = ["DEFAULT_STORE", "TiesGraph", "open_graph", "evaluate"]

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
        return queries.show(self.store, name, co_mentions)

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
        """Remove the document a path, unique file name, hash (or 8+ of its first characters) or IRI names."""
        return queries.remove_document(self.store, name)

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


def evaluate(gold: str | Path, documents: str | Path | None = None, *, use_ner: bool = True):
    """Measure extraction on DOCUMENTS (default: the gold folder itself) against
    the gold files in GOLD; uses a temporary store."""
    from graph.evaluation import evaluate as _evaluate

    gold = Path(gold)
    return _evaluate(gold, Path(documents) if documents else gold, _ingest.default_extractor(use_ner=use_ner))


def open_graph(location: str | Path = DEFAULT_STORE, *, write: bool = False, wait: float = 0.0) -> TiesGraph:
    """Open the store at ``location``: a folder (the embedded store, created when
    writing) or a SPARQL endpoint URL or endpoint file (see graph.store.remote).
    Read-only unless ``write``: a reader never creates a store or takes the writer's lock."""
    return TiesGraph(open_store(location, write=write, wait=wait))
