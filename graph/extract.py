"""Extraction: a document's text into entities and the ties between them.

text -> sentences -> mentions (gazetteer, typed phrases, titles, NER) ->
entities (resolution inside the document) -> ties with evidence.
Deterministic: the same text and gazetteer give the same extraction."""

from __future__ import annotations

from .gazetteer import Gazetteer
from .mentions import find_mentions
from .model import Document, Extraction
from .nlp import NerSpan, ner_model_name, recognise
from .relations import find_ties
from .resolve import resolve
from .sentences import split_sentences

__all__ = ["EXTRACTOR_VERSION", "Extractor"]

EXTRACTOR_VERSION = "0.1.0"


class Extractor:
    def __init__(self, gazetteer: Gazetteer, use_ner: bool = True) -> None:
        self.gazetteer = gazetteer
        self.use_ner = use_ner

    @property
    def version(self) -> str:
        model = ner_model_name() if self.use_ner else None
        return f"ties-extract {EXTRACTOR_VERSION}" + (f" + {model}" if model else " (gazetteer and rules only)")

    def extract(self, doc: Document) -> Extraction:
        return self.extract_many([doc])[0]

    def extract_many(self, docs: list[Document]) -> list[Extraction]:
        ner = recognise([d.masked for d in docs]) if self.use_ner else [[] for _ in docs]
        return [self._extract(doc, spans) for doc, spans in zip(docs, ner)]

    def _extract(self, doc: Document, ner: list[NerSpan]) -> Extraction:
        sentences = split_sentences(doc.masked)
        mentions = find_mentions(doc.masked, sentences, self.gazetteer, ner)
        entities, mentions, keys = resolve(mentions)
        ties = find_ties(doc.text, sentences, mentions, keys, entities)
        return Extraction(entities=entities, ties=ties)
