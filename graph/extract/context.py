"""What the stages after resolution read about one document, built once: its text, sentences,
the mentions kept with one entity key each, the entities by key, and the groupings every stage
needs (mentions by sentence, the document's countries, clause starts).

Dates, figures and ties each take a ``DocumentContext`` rather than the same lists side by side."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from graph.extract.mentions import Mention
from graph.extract.sentences import Sentence
from graph.model import Entity
from graph.vocab import EntityType

__all__ = ["DocumentContext", "clause_start"]


@dataclass
class DocumentContext:
    text: str
    sentences: list[Sentence]
    mentions: list[Mention]
    keys: list[str]  # one entity key per mention, as resolution returns them
    entities: dict[str, Entity]

    @cached_property
    def by_sentence(self) -> dict[int, list[tuple[Mention, str]]]:
        """Sentence index -> its (mention, key) pairs, in text order."""
        grouped: dict[int, list[tuple[Mention, str]]] = {}
        for mention, key in zip(self.mentions, self.keys, strict=True):
            grouped.setdefault(mention.sentence, []).append((mention, key))
        for items in grouped.values():
            items.sort(key=lambda item: item[0].start)
        return grouped

    def in_sentence(self, index: int) -> list[tuple[Mention, str]]:
        return list(self.by_sentence.get(index, []))

    @cached_property
    def named_at(self) -> dict[str, list[int]]:
        """Entity key -> where the text names it (mention starts, in order; names inside names left out)."""
        starts: dict[str, list[int]] = {}
        for mention, key in zip(self.mentions, self.keys, strict=True):
            if not mention.nested:
                starts.setdefault(key, []).append(mention.start)
        for found in starts.values():
            found.sort()
        return starts

    @cached_property
    def top_countries(self) -> list[str]:
        """The document's countries, most named first (a name inside another name not counted)."""
        counts = Counter(
            key
            for mention, key in zip(self.mentions, self.keys, strict=True)
            if self.entities[key].type is EntityType.Country and not mention.nested
        )
        return [key for key, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def clause_start(text: str, sentence: Sentence, position: int) -> int:
    """Where the clause holding POSITION starts: after the last ";" before it in the sentence."""
    cut = text.rfind(";", sentence.start, position)
    return cut + 1 if cut >= 0 else sentence.start
