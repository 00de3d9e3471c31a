"""Relations: which entities a sentence ties together, and how.

Every pair of entities named in one sentence is tied, unless a contrast
("While A ..., B ...") separates them. The words between the two names (and,
failing those, the sentence's verb) choose the kind of tie; without a cue the
tie is the generic ``tiedTo``. Names inside names give ties of their own
("Türkiye Nuclear Energy Inc." is based in Türkiye), marked as inferred with
their reason, and so do the gazetteer's home countries."""

from __future__ import annotations

import re
from decimal import Decimal

from graph.extract.mentions import Mention
from graph.extract.sentences import Sentence
from graph.model import Entity, Evidence, Tie
from graph.names import match_key
from graph.vocab import EntityType, Relation

__all__ = ["find_ties"]

T = EntityType
R = Relation

ACTORS = {T.Country, T.Firm, T.GovernmentBody, T.InternationalOrganization, T.ResearchOrganization, T.Person}
THINGS = {T.Project, T.Product, T.Agreement, T.Event}
_ORDER = {
    t: i
    for i, t in enumerate(
        [
            T.Person,
            T.Firm,
            T.GovernmentBody,
            T.ResearchOrganization,
            T.Country,
            T.InternationalOrganization,
            T.Product,
            T.Project,
            T.Agreement,
            T.Event,
            T.Place,
        ]
    )
}

# Cue words, checked in this order; each applies to some (subject, object) types.
_CUES: list[tuple[Relation, re.Pattern, set, set]] = [
    (
        R.partyTo,
        re.compile(
            r"\b(sign(?:ed|s|ing)?|ink(?:ed|s)?|conclud(?:ed|es|e)|part(?:y|ies) to|between|ratif\w+|"
            r"agree[ds]?|negotiat\w+)\b",
            re.I,
        ),
        ACTORS,
        {T.Agreement},
    ),
    (
        R.signedAt,
        re.compile(r"\b(signed|inked|concluded)\b.*\b(at|during|on the sidelines of|on the margins of)\b", re.I),
        {T.Agreement},
        {T.Event, T.Place},
    ),
    (
        R.memberOf,
        re.compile(r"\b(members?|membership|comprising|consisting of|compris(?:es|ed)|join(?:ed|s)?)\b", re.I),
        {T.Country, T.Firm, T.GovernmentBody, T.ResearchOrganization},
        {T.InternationalOrganization},
    ),
    (R.investsIn, re.compile(r"\binvest(?:s|ed|ing|ment|ments)?\b", re.I), ACTORS, THINGS | {T.Place, T.Country}),
    (
        R.finances,
        re.compile(r"\b(financ\w*|fund(?:s|ed|ing)?|loans?|lent|credit)\b", re.I),
        ACTORS,
        {T.Project, T.Product},
    ),
    (R.builds, re.compile(r"\b(buil[dt]s?|building|construct\w*)\b", re.I), ACTORS, {T.Project, T.Product}),
    (
        R.supplies,
        re.compile(r"\b(suppl(?:y|ies|ied|ying)|deliver\w*|export\w*|s(?:ell|old|ells)|provid\w+|offer\w*)\b", re.I),
        ACTORS,
        {T.Product, T.Project, T.GovernmentBody},
    ),
    (R.produces, re.compile(r"\b(produc\w+|manufactur\w+|assembl\w+)\b", re.I), ACTORS, {T.Product, T.Project}),
    (R.develops, re.compile(r"\b(develop\w*|design\w*|co-develop\w*)\b", re.I), ACTORS, {T.Product, T.Project}),
    (
        R.participatesIn,
        re.compile(r"\b(participat\w+|t(?:ake|ook|akes) part|involv\w+|join\w*|attend\w*|contribut\w+)\b", re.I),
        ACTORS,
        {T.Project, T.Event},
    ),
    (R.heldIn, re.compile(r"\b(held|took place|hosted|convened|in|at)\b", re.I), {T.Event}, {T.Place, T.Country}),
]
_CONTRAST = re.compile(r"^\W*(while|whereas|although|though|unlike)\b", re.I)
_HEAD_TITLES = re.compile(
    r"\b(president|prime minister|premier|chancellor|king|queen|emir|crown prince|sultan|leader)\b", re.I
)
_CONFIDENCE = {
    "cue": Decimal("0.8"),
    "cooccurrence": Decimal("0.5"),
    "name": Decimal("0.7"),
    "title": Decimal("0.85"),
    "gazetteer": Decimal("0.6"),
    "adjacent": Decimal("0.4"),
}


def find_ties(
    text: str, sentences: list[Sentence], mentions: list[Mention], keys: list[str], entities: dict[str, Entity]
) -> list[Tie]:
    by_sentence: dict[int, list[tuple[Mention, str]]] = {}
    for m, key in zip(mentions, keys, strict=False):
        by_sentence.setdefault(m.sentence, []).append((m, key))
    ties: dict[tuple, Tie] = {}
    for index, items in sorted(by_sentence.items()):
        sent = sentences[index]
        for tie in _sentence_ties(text, sent, items, entities):
            ties.setdefault((tie.subject, tie.predicate, tie.object, tie.evidence.start), tie)
        previous = by_sentence.get(index - 1)
        if previous and _continues(text, sentences[index - 1], sent):
            for tie in _bridge_ties(text, sentences[index - 1], sent, previous, items, entities):
                ties.setdefault((tie.subject, tie.predicate, tie.object, tie.evidence.start), tie)
    for tie in _gazetteer_ties(text, sentences, mentions, keys, entities):
        ties.setdefault((tie.subject, tie.predicate, tie.object, tie.evidence.start), tie)
    return list(ties.values())


def _evidence(text: str, sent: Sentence, method: str, confidence: Decimal, reason: str | None = None) -> Evidence:
    return Evidence.model_construct(
        sentence=text[sent.start : sent.end],
        start=sent.start,
        end=sent.end,
        method=method,
        confidence=float(confidence),
        inferred=reason is not None,
        reason=reason,
    )


_MOST_PAIRED = 40  # distinct names; a "sentence" naming more is a list or table, not a statement


def _sentence_ties(text: str, sent: Sentence, items: list[tuple[Mention, str]], entities: dict[str, Entity]):
    sentence = text[sent.start : sent.end]
    contrast_cut = _contrast_cut(sentence, sent.start)
    for m, key in items:
        yield from _inner_ties(text, sent, m, key, entities)
    # Each entity is paired once per sentence (by its first mention on each side
    # of a contrast); a "sentence" naming very many is a list, not a statement.
    firsts: dict[tuple[str, bool], Mention] = {}
    for m, key in items:
        firsts.setdefault((key, contrast_cut is not None and m.start >= contrast_cut), m)
    if len({key for key, _ in firsts}) > _MOST_PAIRED:
        return
    pairs = sorted(((m, key) for (key, _), m in firsts.items()), key=lambda item: item[0].start)
    for i, (a, ka) in enumerate(pairs):
        for b, kb in pairs[i + 1 :]:
            if ka == kb or (contrast_cut is not None and (a.start < contrast_cut) != (b.start < contrast_cut)):
                continue
            if a.start < b.end and b.start < a.end or _aside(a, entities[ka]) or _aside(b, entities[kb]):
                continue  # a name inside a name is tied by _inner_ties only
            yield _pair_tie(text, sent, a, ka, b, kb, entities)


_ANAPHOR = re.compile(r"^\W*(this|these|such|those)\b", re.I)


def _continues(text: str, previous: Sentence, sent: Sentence) -> bool:
    """A sentence that opens with "This ..." or "These ..." in the same
    paragraph goes on about what the sentence before it named."""
    return (
        not previous.heading
        and not sent.heading
        and bool(_ANAPHOR.match(text[sent.start : sent.end]))
        and "\n\n" not in text[previous.end : sent.start]
    )


def _bridge_ties(text, previous, sent, before, items, entities):
    """Ties across the two sentences, weaker than in-sentence ones; the
    evidence spans both sentences."""
    span = Sentence(previous.start, sent.end, False)
    for a, ka in before:
        for b, kb in items:
            if ka == kb or a.nested or b.nested:
                continue
            ta, tb = entities[ka].type, entities[kb].type
            subj, obj = (ka, kb) if _ORDER[ta] <= _ORDER[tb] else (kb, ka)
            yield Tie.model_construct(
                subject=subj,
                predicate=R.tiedTo,
                object=obj,
                evidence=_evidence(text, span, "adjacent-sentence", _CONFIDENCE["adjacent"]),
            )


def _aside(m: Mention, entity: Entity) -> bool:
    """An organisation named inside another name ("G20" in "G20 Johannesburg
    Summit") organises that thing, not the rest of the sentence; a country so
    named ("Korea-Türkiye FTA") is a party to what the sentence says."""
    return m.nested and entity.type is not T.Country


def _contrast_cut(sentence: str, offset: int) -> int | None:
    """In "While A ..., B ...", the offset of the comma that ends the contrast."""
    if not _CONTRAST.match(sentence):
        return None
    comma = sentence.find(",")
    return offset + comma if comma > 0 else None


def _pair_tie(text: str, sent: Sentence, a: Mention, ka: str, b: Mention, kb: str, entities: dict[str, Entity]) -> Tie:
    ta, tb = entities[ka].type, entities[kb].type
    between = text[a.end : b.start]
    title = _title_tie(a, ta, b, tb, between)
    if title is not None:
        return Tie.model_construct(
            subject=kb,
            predicate=title,
            object=ka,
            evidence=_evidence(text, sent, "pattern:title", _CONFIDENCE["title"]),
        )
    cued = _cued_relation(ka, ta, kb, tb, between, text[sent.start : sent.end])
    if cued is not None:
        subj, relation, obj = cued
        return Tie.model_construct(
            subject=subj,
            predicate=relation,
            object=obj,
            evidence=_evidence(text, sent, f"cue:{relation.value}", _CONFIDENCE["cue"]),
        )
    subj, obj = (ka, kb) if _ORDER[ta] <= _ORDER[tb] else (kb, ka)
    return Tie.model_construct(
        subject=subj,
        predicate=R.tiedTo,
        object=obj,
        evidence=_evidence(text, sent, "cooccurrence", _CONFIDENCE["cooccurrence"]),
    )


def _cued_relation(ka, ta, kb, tb, between: str, sentence: str) -> tuple[str, Relation, str] | None:
    """The first kind of tie whose cue words stand between the two names (in
    either direction the types allow); None when no cue fits."""
    window = between if len(between) < 160 else ""
    for subj_key, subj_type, obj_key, obj_type in ((ka, ta, kb, tb), (kb, tb, ka, ta)):
        for relation, cue, subjects, objects in _CUES:
            if subj_type in subjects and obj_type in objects and _cued(relation, cue, window, sentence, subj_key == ka):
                return subj_key, relation, obj_key
    return None


_PLACE_INTRO = re.compile(
    r"^[\s,]*(?:(?:which|that)\s+)?(?:(?:was|were|is|will be)\s+)?"
    r"(?:held|took place|takes place|hosted|convened|opened|organi[sz]ed)?\s*(?:in|at)\s+(?:the\s+)?$",
    re.I,
)


def _cued(relation: Relation, cue: re.Pattern, window: str, sentence: str, subject_first: bool) -> bool:
    if relation is R.heldIn:
        # The place must follow the event, introduced by "in" or "at".
        return subject_first and bool(_PLACE_INTRO.match(window))
    if relation is R.partyTo:
        return bool(cue.search(window) or cue.search(sentence))
    return bool(cue.search(window))


def _title_tie(a: Mention, ta: EntityType, b: Mention, tb: EntityType, between: str) -> Relation | None:
    """ "Turkish President Recep Tayyip Erdoğan": a country's demonym, a title,
    then the person: the person leads (or is a national of) the country."""
    if not (a.demonym and ta is T.Country and tb is T.Person and b.method.startswith(("title", "ner"))):
        return None
    if len(between) > 40 or not re.fullmatch(r"[\w\s.-]*", between):
        return None
    return R.leaderOf if _HEAD_TITLES.search(between) else R.nationality


def _inner_ties(text: str, sent: Sentence, m: Mention, key: str, entities: dict[str, Entity]):
    """Names inside a name: "Korea-Türkiye Free Trade Agreement" has both
    countries as parties, "Sinop Nuclear Power Plant" lies in Sinop."""
    outer = entities[key].type
    for inner in m.inner:
        if inner.entry is None:
            continue
        inner_key = f"gaz:{inner.entry.type.value}:" + match_key(inner.entry.label)
        if inner_key not in entities or inner_key == key:
            continue
        relation = _inner_relation(outer, inner.entry.type)
        if relation is None:
            continue
        subj, obj = (inner_key, key) if relation in (R.partyTo, R.participatesIn, R.tiedTo) else (key, inner_key)
        reason = f"{inner.entry.label} is named in {entities[key].label!r}"
        yield Tie.model_construct(
            subject=subj,
            predicate=relation,
            object=obj,
            evidence=_evidence(text, sent, "name", _CONFIDENCE["name"], reason),
        )


def _inner_relation(outer: EntityType, inner: EntityType) -> Relation | None:
    if outer is T.Agreement and inner in ACTORS:
        return R.partyTo
    if outer is T.Event and inner in (T.Country, T.InternationalOrganization):
        return R.participatesIn
    if outer is T.Event and inner is T.Place:
        return R.heldIn
    if outer in (T.Project, T.Place) and inner in (T.Place, T.Country):
        return R.locatedIn
    if outer in (T.Firm, T.GovernmentBody, T.ResearchOrganization) and inner is T.Country:
        return R.basedIn
    if outer in (T.Firm, T.GovernmentBody, T.ResearchOrganization) and inner is T.Place:
        return R.locatedIn
    if outer in (T.Project, T.Product) and inner in (T.Firm, T.InternationalOrganization):
        return R.tiedTo
    return None


def _gazetteer_ties(text, sentences, mentions, keys, entities):
    """A gazetteer entry's home country, stated at the entity's first mention
    when the document names that country too."""
    first: dict[str, Mention] = {}
    for m, key in zip(mentions, keys, strict=False):
        first.setdefault(key, m)
    for key, entity in entities.items():
        if entity.country is None or key not in first:
            continue
        country_key = "gaz:Country:" + match_key(entity.country)
        if country_key not in entities:
            continue
        relation = {
            T.Firm: R.basedIn,
            T.GovernmentBody: R.basedIn,
            T.ResearchOrganization: R.basedIn,
            T.Place: R.locatedIn,
            T.Project: R.locatedIn,
        }.get(entity.type, R.tiedTo)
        sent = sentences[first[key].sentence]
        reason = f"the gazetteer gives {entity.country} as {entity.label}'s country"
        yield Tie.model_construct(
            subject=key,
            predicate=relation,
            object=country_key,
            evidence=_evidence(text, sent, "gazetteer", _CONFIDENCE["gazetteer"], reason),
        )
