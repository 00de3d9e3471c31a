"""The library's front door, for notebooks and scripts::

import graph
with graph.open_graph("my-store") as g:
    g.ingest(["articles/"])
    g.entities(type="Project", involving="Hyundai Rotem")
    g.show("KEPCO").relations
    g.sparql("SELECT ?s WHERE { GRAPH ?g { ?s a ties:Firm } }").rows
    g.network()                      # a networkx.MultiDiGraph
    g.export("graphml", "ties.graphml")
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

import graph.query as queries
from graph.ingest import run as _ingest
from graph.model import EntityDetail, EntitySummary, IngestReport
from graph.output import export as _export
from graph.output.network import network
from graph.read.files import DEFAULT_MAX_BYTES
from graph.store import Store, open_store
from graph.validate import ValidationReport, validate
from graph.vocab import EntityType

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
        **callbacks,
    ) -> list[IngestReport]:
        extractor = _ingest.default_extractor(gazetteers, use_ner=use_ner)
        return _ingest.ingest(
            self.store, [Path(p) for p in paths], extractor, max_bytes=max_bytes, jobs=jobs, **callbacks
        )

    def entities(self, type: EntityType | str | None = None, involving: str | None = None) -> list[EntitySummary]:
        kind = EntityType(type) if type else None
        return queries.entities(self.store, kind, involving)

    def show(self, name: str) -> EntityDetail:
        return queries.show(self.store, name)

    def sparql(self, query: str, *, update: bool = False, timeout: float | None = None) -> queries.SparqlResult:
        return queries.run_sparql(self.store, query, allow_update=update, timeout=timeout)

    def facts(self, about: str | None = None, between: tuple[str, str] | None = None) -> list[dict]:
        """Figures (trade volumes, contract values, ...) with their sources; disagreeing ones flagged."""
        return queries.facts(self.store, about=about, between=between)

    def timeline(self, a: str, b: str | None = None) -> list[dict]:
        """The dated events, agreements, projects and relations involving A (and B), in order."""
        return queries.timeline(self.store, a, b)

    def network(self) -> nx.MultiDiGraph:
        return network(self.store)

    def export(self, fmt: str, out: str | Path) -> list[Path]:
        return _export.export(self.store, _export.ExportFormat(fmt), Path(out))

    def validate(self) -> ValidationReport:
        return validate(self.store)

    def stats(self) -> dict:
        return queries.stats(self.store)

    def documents(self) -> list[dict]:
        return queries.documents(self.store)

    def remove(self, name: str) -> str:
        return queries.remove_document(self.store, name)

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


def open_graph(location: str | Path = DEFAULT_STORE, *, write: bool = True, wait: float = 0.0) -> TiesGraph:
    """Open the store at ``location``: a folder (the embedded store, created when
    writing) or a SPARQL endpoint URL or endpoint file (see graph.remote)."""
    return TiesGraph(open_store(location, write=write, wait=wait))
