"""The records that flow between the stages: a document, what extraction found
in it, and what lookups return."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from graph.vocab import EntityType, Relation

__all__ = [
    "DocumentMeta",
    "Document",
    "Span",
    "Entity",
    "Evidence",
    "Tie",
    "Extraction",
    "Source",
    "EntitySummary",
    "RelationView",
    "EntityDetail",
    "IngestReport",
]


class DocumentMeta(BaseModel):
    file_name: str
    path: str
    sha256: str
    media_type: str
    characters: int
    title: str | None = None
    author: str | None = None
    date: str | None = None
    source_url: str | None = None
    ingested_at: datetime | None = None
    extractor_version: str | None = None


class Document(BaseModel):
    """A file turned into text. ``text`` is what every offset indexes into;
    ``masked`` has the same length with markup blanked out for the extractor."""

    meta: DocumentMeta
    text: str
    masked: str


class Span(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: int
    end: int


class Entity(BaseModel):
    """An entity as one document names it. ``key`` is local to the extraction."""

    key: str
    type: EntityType
    label: str
    aliases: set[str] = Field(default_factory=set)
    wikidata: str | None = None
    country: str | None = None
    method: str = "gazetteer"
    mentions: list[Span] = Field(default_factory=list)
    # For a thing named only by its kind and topic ("MoU on nuclear cooperation"):
    # what identifies it across documents, and the pair of countries it is between.
    identity: str | None = None
    scope: str | None = None
    # More keys that identify it across documents (a visit's day and countries), beside its names.
    keys: set[str] = Field(default_factory=set)


class Evidence(BaseModel):
    sentence: str
    start: int
    end: int
    method: str
    confidence: float
    inferred: bool = False
    reason: str | None = None


class Tie(BaseModel):
    subject: str
    predicate: Relation
    object: str
    evidence: Evidence


class Extraction(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    entities: dict[str, Entity]
    ties: list[Tie]
    datings: list = Field(default_factory=list)  # graph.dates.Dating: what a date dates
    observations: list = Field(default_factory=list)  # graph.observations.Observation: figures


class Source(BaseModel):
    name: str
    id: str
    title: str | None = None


class EntitySummary(BaseModel):
    id: str
    label: str
    type: EntityType
    aliases: list[str]
    sources: list[Source]
    wikidata: str | None = None


class RelationView(BaseModel):
    predicate: str
    relation: str
    direction: str
    other: EntitySummary
    evidence: list[dict]


class EntityDetail(EntitySummary):
    relations: list[RelationView]


class IngestReport(BaseModel):
    path: str
    status: str  # added, replaced, unchanged, failed, incomplete (a partial graph from an interrupted ingest, removed)
    file_name: str | None = None
    entities: int = 0
    ties: int = 0
    error: str | None = None
