"""Extraction: a document's text into entities and the ties between them.

text -> sentences -> mentions (gazetteer, typed phrases, titles, NER) ->
entities (resolution inside the document) -> ties with evidence, and the
dates and figures the text gives about them.
Deterministic: the same text and gazetteer give the same extraction."""

from __future__ import annotations

import re
from collections import Counter

from graph.extract.context import DocumentContext
from graph.extract.dates import date_entities, find_dates
from graph.extract.descriptions import retype_by_description
from graph.extract.figures import find_observations
from graph.extract.gazetteer import Gazetteer
from graph.extract.mentions import Mention, Rejection, document_casing, find_mentions, needs_ner, rule_candidates
from graph.extract.ner import NerSpan, load_recogniser, ner_model_name, recognise
from graph.extract.relations import find_ties, parse_plan
from graph.extract.resolve import GENERIC_NAMES, resolve
from graph.extract.sentences import Sentence, split_sentences
from graph.extract.syntax import parse, parser_available
from graph.extract.world_places import place_known_places
from graph.model import Document, Entity, Extraction
from graph.names import match_key
from graph.version import __version__
from graph.vocab import EntityType

__all__ = ["EXTRACTOR_VERSION", "Extractor"]

EXTRACTOR_VERSION = __version__  # stored with every document: which extraction made its graph


_MOU_TOPIC = re.compile(r"Memorandum of Understanding on (\w+)")


class Extractor:
    def __init__(self, gazetteer: Gazetteer, use_ner: bool = True) -> None:
        self.gazetteer = gazetteer
        self.use_ner = use_ner
        self.config: object | None = None  # set by ingest.ExtractorConfig.build, so workers can rebuild it

    @property
    def version(self) -> str:
        model = ner_model_name() if self.use_ner else None
        return f"ties-extract {EXTRACTOR_VERSION}" + (f" + {model}" if model else " (gazetteer and rules only)")

    def warm_up(self) -> None:
        """Load the statistical models now, so that a time limit on extraction counts extraction only."""
        if self.use_ner:
            load_recogniser()
            parser_available()

    def extract(self, doc: Document) -> Extraction:
        return self.extract_many([doc])[0]

    def extract_many(self, docs: list[Document]) -> list[Extraction]:
        sentences = [split_sentences(d.masked) for d in docs]
        candidates = [rule_candidates(d.masked, s, self.gazetteer) for d, s in zip(docs, sentences, strict=False)]
        ner: list[list[NerSpan]] = [[] for _ in docs]
        if self.use_ner:
            # NER, the costliest step, reads only the stretches of sentences it can add to.
            ranges = [ner_ranges(d.masked, s, c) for d, s, c in zip(docs, sentences, candidates, strict=False)]
            ner = recognise([d.masked for d in docs], ranges)
        rejected: list[list[Rejection]] = [[] for _ in docs]
        found = [self._entities(*args) for args in zip(docs, sentences, candidates, ner, rejected, strict=True)]
        # Without the statistical model (--no-ner), ties come from the rules alone, as entities do.
        parses = _parse_sentences(docs, sentences, found) if self.use_ner else [None for _ in docs]
        out = []
        for doc, sents, named, parsed, lost in zip(docs, sentences, found, parses, rejected, strict=True):
            extraction = self._extract(doc, sents, *named, parsed)
            extraction.rejected = dict(Counter(r.rule for r in lost))
            out.append(extraction)
        return out

    def _specify_generic(self, entities: dict[str, Entity], mentions: list[Mention], keys: list[str]) -> None:
        """ "The Free Trade Agreement" in an article about two countries is the
        one free trade agreement the gazetteer knows between those two."""
        counts = Counter(
            k for m, k in zip(mentions, keys, strict=False) if m.type is EntityType.Country and not m.nested
        )
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
        if len(top) < 2:
            return
        pair = frozenset(entities[k].label for k, _ in top)
        for entity in entities.values():
            topic = _MOU_TOPIC.match(entity.label)
            if entity.type is EntityType.Agreement and entity.method != "gazetteer" and topic:
                # Unnamed agreements are told apart by kind, topic and the two countries.
                entity.scope = "–".join(sorted(pair))
                entity.identity = match_key(f"memorandum of understanding {topic.group(1)} {entity.scope}")
            kind = match_key(entity.label)
            if entity.type is EntityType.Agreement and entity.method != "gazetteer" and kind in GENERIC_NAMES:
                entry = self.gazetteer.bilateral(kind, pair)
                if entry is not None:
                    entity.aliases |= set(entry.aliases) | {entity.label}
                    entity.label, entity.wikidata, entity.method = entry.label, entry.wikidata, "gazetteer"

    def _entities(
        self,
        doc: Document,
        sentences: list[Sentence],
        candidates: list[list[Mention]],
        ner: list[NerSpan],
        rejected: list[Rejection],
    ) -> tuple[dict[str, Entity], list[Mention], list[str]]:
        mentions = find_mentions(doc.masked, sentences, self.gazetteer, ner, candidates, rejected)
        entities, mentions, keys = resolve(mentions, doc.masked, sentences)
        retype_by_description(doc.masked, sentences, entities, mentions, keys)
        place_known_places(entities)
        self._specify_generic(entities, mentions, keys)
        return entities, mentions, keys

    def _extract(
        self,
        doc: Document,
        sentences: list[Sentence],
        entities: dict[str, Entity],
        mentions: list[Mention],
        keys: list[str],
        parses: dict[int, list[tuple[int, object]]] | None,
    ) -> Extraction:
        context = DocumentContext(doc.text, sentences, mentions, keys, entities)
        ties = find_ties(context, parses)
        # Dates from the masked text: a reference list's "Access Date: 25.11.2025" dates nothing (same offsets).
        dates = find_dates(doc.masked, sentences, published=doc.meta.date)
        datings = date_entities(context, dates)
        observations = find_observations(context, dates, published=doc.meta.date)
        return Extraction(entities=entities, ties=ties, datings=datings, observations=observations)


MAX_PARSED_CLAUSE = 3000  # characters; the parser needs about 1 GB of memory per 100,000


def _parse_sentences(
    docs: list[Document], sentences: list[list[Sentence]], found: list[tuple[dict, list[Mention], list[str]]]
) -> list[dict[int, list[tuple[int, object]]] | None]:
    """Each document's parsed clauses by sentence index, for the sentences
    that can hold a tie (see parse_plan); all documents' clauses go through
    the parser in one stream. None for every document without a model."""
    if not parser_available():
        return [None for _ in docs]
    plans = [
        parse_plan(d.masked, s, mentions, keys)
        for d, s, (_, mentions, keys) in zip(docs, sentences, found, strict=False)
    ]
    order = [
        (i, index, start, end)
        for i, plan in enumerate(plans)
        for index, cl in plan.items()
        for start, end in cl
        if end - start <= MAX_PARSED_CLAUSE  # a longer "clause" is no prose (a list, a table): its names co-occur
    ]
    parsed = parse([docs[i].masked[start:end] for i, _, start, end in order])
    out: list[dict[int, list[tuple[int, object]]] | None] = [{} for _ in docs]
    for (i, index, start, _), doc in zip(order, parsed, strict=False):
        out[i].setdefault(index, []).append((start, doc))  # type: ignore[union-attr]
    return out


def ner_ranges(text: str, sentences: list[Sentence], candidates: list[list[Mention]]) -> list[tuple[int, int]]:
    """Runs of consecutive sentences that NER can add to, as (start, end):
    neighbours stay together, so each keeps the context it has in the text."""
    ranges: list[tuple[int, int]] = []
    previous = -2
    casing = document_casing(text)
    for index, (sentence, found) in enumerate(zip(sentences, candidates, strict=False)):
        if not needs_ner(text, sentence, found, casing):
            continue
        if index == previous + 1 and ranges:
            ranges[-1] = (ranges[-1][0], sentence.end)
        else:
            ranges.append((_lead_in(text, sentence.start), sentence.end))
        previous = index
    return ranges


_LEAD_IN = 80  # characters


def _lead_in(text: str, start: int) -> int:
    """Where to start reading for a sentence at START: a few words earlier, as
    the recogniser reads a sentence differently at the very start of its input."""
    low = max(0, start - _LEAD_IN)
    if low == 0:
        return 0
    cut = text.find(" ", low, start)
    return cut + 1 if cut >= 0 else start
