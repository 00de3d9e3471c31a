"""The records that flow between the stages: a document, what extraction found
in it, and what the queries return (entities, figures, timelines, the catalogue)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from graph.errors import TiesError
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
    "StatedEvidence",
    "EntityDetail",
    "IngestReport",
    "Conflict",
    "Fact",
    "TimelineEntry",
    "StoreStats",
    "DocumentInfo",
    "TieEvidence",
    "PairLeg",
    "PairTie",
    "Records",
    "to_pandas",
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
    date_origin: str | None = None  # where the date was read: "metadata", "dateline" or "file"
    publisher: str | None = None  # the site or organisation that published it, as the page states
    source_url: str | None = None
    references: list[str] = Field(default_factory=list)  # the URLs its reference list cites
    ingested_at: datetime | None = None
    extractor_version: str | None = None


class Document(BaseModel):
    """A file turned into text. ``text`` is what every offset indexes into;
    ``masked`` has the same length with markup blanked out for the extractor."""

    meta: DocumentMeta
    text: str
    masked: str
    warnings: list[str] = Field(default_factory=list)  # what reading changed or doubts, for the ingest report


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
    rejected: dict[str, int] = Field(default_factory=dict)  # NER's names not kept: rule -> how many


class Source(BaseModel):
    name: str
    id: str
    title: str | None = None
    # The source it counts as: near-duplicates (one article as PDF and as text) share one; see
    # graph.query.catalogue.source_key.
    cluster: str | None = None


class EntitySummary(BaseModel):
    id: str
    label: str
    type: EntityType
    aliases: list[str]
    sources: list[Source]
    wikidata: str | None = None


class StatedEvidence(BaseModel):
    """A sentence that states a tie, as `show` gives it: the document's file name, the sentence, its
    offsets into the document's text, the method that read the tie and how sure it is."""

    source: str
    sentence: str
    start: int
    end: int
    method: str | None = None
    confidence: float | None = None
    reason: str | None = None  # why an inferred tie holds
    confirmed_by: str | None = None  # the analyst's decision that confirmed the tie (graph.curate)


class RelationView(BaseModel):
    predicate: str
    relation: str
    direction: str
    other: EntitySummary
    evidence: list[StatedEvidence]


class DecisionView(BaseModel):
    """A decision as `ties curate list` gives it. ``status``: active, undone, or orphaned (active,
    but what it is about is in no document any more)."""

    number: int
    id: str
    action: str
    summary: str
    by: str
    at: str
    reason: str | None = None
    status: str
    documents: int  # the documents whose graphs it changes
    source: str | None = None
    quote: str | None = None


class EntityDetail(EntitySummary):
    relations: list[RelationView]
    decisions: list[DecisionView] = Field(default_factory=list)  # the analyst's decisions that made it what it is


class DecisionScore(BaseModel):
    """The extraction measured against the analyst's decisions (`ties evaluate --decisions`)."""

    confirmed: int
    rejected: int
    precision: float | None  # confirmed / (confirmed + rejected): of the ties judged, how many were right
    merges: int
    entities: int
    duplicate_rate: float | None  # merges / (entities + merges): of the entities extracted, how many were another's
    asserted: int  # ties the analyst added that extraction missed

    def summary(self) -> str:
        def ratio(x: float | None) -> str:
            return "n/a" if x is None else f"{x:.3f}"

        return (
            f"decisions: precision={ratio(self.precision)} (confirmed {self.confirmed}, rejected {self.rejected}) "
            f"duplicate_rate={ratio(self.duplicate_rate)} ({self.merges} merges, {self.entities} entities) "
            f"asserted={self.asserted}"
        )


class IngestReport(BaseModel):
    path: str
    # added, replaced, unchanged, known (its content is stored from another path, which is added),
    # failed, incomplete (a partial graph from an interrupted ingest, removed)
    status: str
    file_name: str | None = None
    document: str | None = None  # the document's IRI
    same_as: str | None = None  # known: the path or name its content was first stored from
    near: list[str] = Field(default_factory=list)  # the near-duplicates found (their names): one source with them
    entities: int = 0
    ties: int = 0
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)
    rejected: dict[str, int] = Field(default_factory=dict)  # NER's names not kept, by the rule that says why


class Conflict(BaseModel):
    """Another source's figure for the same measure, unit, time and subjects that differs by more
    than the tolerance: another document's, or one the same document credits to another party."""

    source: str  # the other document's file name
    value: float
    sentence: str
    status: str
    id: str
    attribution: str | None = None  # who that document says gives the figure


class Fact(BaseModel):
    """A figure one document gives (see graph.query.facts), with where it says it."""

    measure: str
    value: float
    unit: str
    time: str | None
    status: str  # reported, approximate, estimate or target
    qualifier: str | None
    subjects: list[str]  # the labels of subject_ids' entities, sorted
    subject_ids: list[str]
    source: Source
    sentence: str
    start: int  # the sentence's offsets into the document's text
    end: int
    quote: str | None  # the figure's own words
    method: str | None
    confidence: float | None
    id: str
    attribution: str | None = None  # who the document says gives the figure ("according to X"), as written
    attributed_to: str | None = None  # that party's entity IRI, when it is an entity in the store
    through: list[str] = Field(default_factory=list)  # the members of a named country the figure is about
    conflicts_with: list[Conflict] = Field(default_factory=list)
    preferred_by: str | None = None  # the analyst's decision that prefers this figure over those it conflicts with


class TimelineEntry(BaseModel):
    """One dated thing in a timeline (see graph.query.timeline): the same date of the
    same thing from several documents is one entry."""

    date: str  # ISO 8601, as exact as the sources say: "2024", "2024-03", "2024-03-07"
    end_date: str | None
    precision: str
    what: str  # the property read out: "signed", "took place", ...
    label: str  # "A – B" for diplomatic relations
    type: str | None  # the entity's type, or "DiplomaticRelations"
    property: str
    id: str
    other: str | None  # the second country of diplomatic relations
    source: Source  # the first of sources by name; sentence and quote are its
    sources: list[Source]
    sentence: str
    quote: str | None
    through: list[str] = Field(default_factory=list)  # a country's members that bring the entry in


class StoreStats(BaseModel):
    """How much the store holds."""

    documents: int
    entities: int
    entities_by_type: dict[str, int]
    relations: int  # distinct (subject, relation, object) across documents
    evidence: int
    quads: int


class DocumentInfo(BaseModel):
    """A document in the store, as its metadata describes it."""

    name: str  # the file name it was ingested from
    id: str  # its IRI, also the name of its graph
    title: str | None
    date: str | None
    sha256: str
    ingested: str  # ISO 8601 date and time, as stored
    paths: list[str] = Field(default_factory=list)  # every absolute path or URL its content was ingested from
    date_origin: str | None = None  # where the date came from: metadata, dateline or file
    source_url: str | None = None
    cluster: str | None = None  # the source it counts as (see Source.cluster)


class TieEvidence(BaseModel):
    """A sentence that states a tie: its document's file name and its offsets into the document's text."""

    source: str
    sentence: str
    start: int
    end: int
    method: str | None = None


class PairLeg(BaseModel):
    """One stated tie, subject to object, with every sentence that states it."""

    subject: str
    subject_id: str
    predicate: str
    relation: str
    object: str
    object_id: str
    evidence: list[TieEvidence]
    sources: list[Source]


class PairTie(BaseModel):
    """What ties two entities (see graph.query.between): a direct tie (one leg), or an entity tied
    to both (``via_*``, a leg to each side). ``through`` names the members of a country that the
    tie runs through ("Polish Armament Agency" for Poland)."""

    kind: str  # "direct" or "through"
    relation: str
    via_id: str | None = None
    via_label: str | None = None
    via_type: str | None = None
    through: list[str] = Field(default_factory=list)
    legs: list[PairLeg]
    sources: list[Source]
    source_count: int


def to_pandas(rows: list[dict[str, Any]]) -> Any:
    """ROWS as a pandas DataFrame, one column a field; pandas is an optional extra."""
    try:
        import pandas
    except ImportError as exc:
        raise TiesError("to_pandas() needs pandas; install it with `pip install 'ties[pandas]'`") from exc
    return pandas.DataFrame(rows)


RecordT = TypeVar("RecordT", bound=BaseModel)


class Records(list[RecordT]):
    """What the library's lookups return: a list of records that a notebook turns into a DataFrame
    in one call (nested records, such as sources, stay as dicts in their cells)."""

    def to_pandas(self) -> Any:
        return to_pandas([record.model_dump(mode="json") for record in self])
