"""Relations: which entities a sentence ties together, and how.

With spaCy's parser installed, a tie needs a grammatical path between the two
names (graph.extract.syntax reads the paths and their kinds); two names in a
sentence with no path are only co-mentioned (``ties:coMentioned``, kept
apart from ties). A pronoun or definite description ("it", "the company",
"the monument" after "X is a monument") stands for the entity it refers back
to, with evidence spanning both sentences. What lies in a place lies in what
holds it (inferred), and in a text that names one country only and places a
place in it, a place or body it does not place otherwise lies in that
country (inferred). Without a parser, every pair in a sentence is tied and
cue words choose the kind. Names inside names give ties of their own
("Türkiye Nuclear Energy Inc." is based in Türkiye), marked as inferred with
their reason, and so do the gazetteer's home countries."""

from __future__ import annotations

import re
from bisect import bisect_left
from decimal import Decimal

from graph.extract import syntax
from graph.extract.context import DocumentContext
from graph.extract.descriptions import kind_of_noun
from graph.extract.gazetteer import gazetteer_key
from graph.extract.mentions import Mention
from graph.extract.sentences import Sentence
from graph.extract.world_places import place_countries
from graph.model import Entity, Evidence, Tie
from graph.vocab import EntityType, Relation

__all__ = ["find_ties", "parse_plan"]


ACTORS = syntax.ACTORS
THINGS = {EntityType.Project, EntityType.Product, EntityType.Agreement, EntityType.Event}
_ORDER = {
    t: i
    for i, t in enumerate(
        [
            EntityType.Person,
            EntityType.Firm,
            EntityType.GovernmentBody,
            EntityType.ResearchOrganization,
            EntityType.Organization,
            EntityType.Country,
            EntityType.InternationalOrganization,
            EntityType.Product,
            EntityType.Project,
            EntityType.Agreement,
            EntityType.Event,
            EntityType.Place,
        ]
    )
}

# Cue words, checked in this order; each applies to some (subject, object) types.
_CUES: list[tuple[Relation, re.Pattern, set, set]] = [
    (
        Relation.partyTo,
        re.compile(
            r"\b(sign(?:ed|s|ing)?|ink(?:ed|s)?|conclud(?:ed|es|e)|part(?:y|ies) to|between|ratif\w+|"
            r"agree[ds]?|negotiat\w+)\b",
            re.I,
        ),
        ACTORS,
        {EntityType.Agreement},
    ),
    (
        Relation.signedAt,
        re.compile(r"\b(signed|inked|concluded)\b.*\b(at|during|on the sidelines of|on the margins of)\b", re.I),
        {EntityType.Agreement},
        {EntityType.Event, EntityType.Place},
    ),
    (
        Relation.memberOf,
        re.compile(r"\b(members?|membership|comprising|consisting of|compris(?:es|ed)|join(?:ed|s)?)\b", re.I),
        {EntityType.Country, EntityType.Firm, EntityType.GovernmentBody, EntityType.ResearchOrganization},
        {EntityType.InternationalOrganization},
    ),
    (
        Relation.investsIn,
        re.compile(r"\binvest(?:s|ed|ing|ment|ments)?\b", re.I),
        ACTORS,
        THINGS | {EntityType.Place, EntityType.Country},
    ),
    (
        Relation.finances,
        re.compile(r"\b(financ\w*|fund(?:s|ed|ing)?|loans?|lent|credit)\b", re.I),
        ACTORS,
        {EntityType.Project, EntityType.Product},
    ),
    (
        Relation.builds,
        re.compile(r"\b(buil[dt]s?|building|construct\w*)\b", re.I),
        ACTORS,
        {EntityType.Project, EntityType.Product},
    ),
    (
        Relation.supplies,
        re.compile(r"\b(suppl(?:y|ies|ied|ying)|deliver\w*|export\w*|s(?:ell|old|ells)|provid\w+|offer\w*)\b", re.I),
        ACTORS,
        {EntityType.Product, EntityType.Project, EntityType.GovernmentBody},
    ),
    (
        Relation.produces,
        re.compile(r"\b(produc\w+|manufactur\w+|assembl\w+)\b", re.I),
        ACTORS,
        {EntityType.Product, EntityType.Project},
    ),
    (
        Relation.develops,
        re.compile(r"\b(develop\w*|design\w*|co-develop\w*)\b", re.I),
        ACTORS,
        {EntityType.Product, EntityType.Project},
    ),
    (
        Relation.participatesIn,
        re.compile(r"\b(participat\w+|t(?:ake|ook|akes) part|involv\w+|join\w*|attend\w*|contribut\w+)\b", re.I),
        ACTORS,
        {EntityType.Project, EntityType.Event},
    ),
    (
        Relation.heldIn,
        re.compile(r"\b(held|took place|hosted|convened|in|at)\b", re.I),
        {EntityType.Event},
        {EntityType.Place, EntityType.Country},
    ),
]
_CONTRAST = re.compile(r"^\W*(while|whereas|although|though|unlike)\b", re.I)
_HEAD_TITLES = re.compile(
    r"\b(president|prime minister|premier|chancellor|king|queen|emir|crown prince|sultan|leader)\b", re.I
)
_CONFIDENCE = {
    "dependency": Decimal("0.8"),
    "path": Decimal("0.6"),
    "contained": Decimal("0.6"),
    "sole-country": Decimal("0.5"),
    "national": Decimal("0.6"),
    "cue": Decimal("0.8"),
    "cooccurrence": Decimal("0.4"),
    "name": Decimal("0.7"),
    "title": Decimal("0.85"),
    "gazetteer": Decimal("0.6"),
}


def find_ties(doc: DocumentContext, parses: dict[int, list[tuple[int, object]]] | None = None) -> list[Tie]:
    """Ties in the document. PARSES holds, for each sentence index the parser read
    (see parse_plan), its clauses as (offset, spaCy Doc); a pair of names in a
    parsed sentence with no grammatical path between them is only co-mentioned.
    Without PARSES (no model installed), cue words choose the kind as before."""
    text, sentences, mentions, keys, entities = doc.text, doc.sentences, doc.mentions, doc.keys, doc.entities
    by_sentence = doc.by_sentence
    ties: dict[tuple, Tie] = {}

    def keep(tie: Tie) -> None:
        old = ties.get((tie.subject, tie.object, tie.evidence.start))
        if old is None or _STRENGTH.get(old.predicate, 2) < _STRENGTH.get(tie.predicate, 2):
            ties[(tie.subject, tie.object, tie.evidence.start)] = tie
        elif tie.predicate not in (old.predicate, Relation.tiedTo, Relation.coMentioned):
            ties[(tie.subject, tie.object, tie.evidence.start, tie.predicate)] = tie

    places = _place_index(entities)
    resolved: dict[int, list[tuple[int, str]]] = {}  # sentence -> (offset, key) of anaphors read there
    described: dict[str, tuple[str, Sentence]] = {}  # noun -> the entity last said to be one, and where
    for index, items in sorted(by_sentence.items()):
        sent = sentences[index]
        for m, key in items:
            for tie in _inner_ties(text, sent, m, key, entities):
                keep(tie)
            for tie in _places_named_in(text, sent, m, key, entities, places):
                keep(tie)
        if parses is not None and index in parses:
            found = _structure_ties(
                text, sentences, index, items, parses[index], entities, by_sentence, resolved, described, doc.named_at
            )
        elif parses is not None:
            found = _co_mentions(text, sent, items, entities)  # a heading or list line: no statement to parse
        else:
            found = _sentence_ties(text, sent, items, entities)
        for tie in found:
            keep(tie)
    for tie in _gazetteer_ties(text, sentences, mentions, keys, entities, list(ties.values())):
        keep(tie)
    for tie in _national_places(text, list(ties.values()), entities):
        keep(tie)
    for tie in _contained_ties(text, list(ties.values()), entities):
        keep(tie)
    sole = list(_sole_country_ties(text, sentences, mentions, keys, list(ties.values()), entities))
    for tie in sole:
        keep(tie)
    if sole:
        # "Born in X, Saskatchewan" in a text whose one country is Canada: X lies in Canada as well
        for tie in _contained_ties(text, list(ties.values()), entities):
            keep(tie)
    return _strongest(list(ties.values()))


def _strongest(ties: list[Tie]) -> list[Tie]:
    """A pair the document ties with a specific kind somewhere needs no
    generic tie (co-mentions stay: each records a sentence naming both)."""
    specific = {frozenset((t.subject, t.object)) for t in ties if t.predicate not in _STRENGTH}
    return [t for t in ties if t.predicate is not Relation.tiedTo or frozenset((t.subject, t.object)) not in specific]


def _abroad(entity: Entity, country: str) -> bool:
    """Whether the list of the world's places has ENTITY (a place), or the place its name is "of" (a
    body: "the University of Buckingham"), only in other countries than COUNTRY."""
    if entity.type is EntityType.Place:
        name = entity.label
    elif " of " in entity.label:
        name = entity.label.rsplit(" of ", 1)[1]
    else:
        return False
    found = place_countries(name)
    return found is not None and bool(found) and country not in found


def _sole_country_ties(text, sentences, mentions, keys, ties, entities):
    """A place (or a body or project) whose country the text does not say lies in the one country
    the text names, when it names one only and places something in it
    ("X is a village in Y, Norway. ... the river Z"): inferred, with the
    sentences of both as evidence."""
    countries = {k for m, k in zip(mentions, keys, strict=False) if entities[k].type is EntityType.Country}
    if len(countries) != 1:
        return
    country = next(iter(countries))
    placed_in = {
        t.subject for t in ties if t.predicate in (Relation.locatedIn, Relation.basedIn) and t.object == country
    }
    named = any(k == country and not m.demonym for m, k in zip(mentions, keys, strict=False))
    # "the Canadian province of Alberta": a demonym that places a place in its country names the country
    stated_place = any(
        t.predicate is Relation.locatedIn
        and t.object == country
        and entities[t.subject].type is EntityType.Place
        and t.evidence.method.startswith("dependency:")
        for t in ties
    )
    # "Eivind Bolle was a Norwegian politician ... born in Hol": the one nationality of a text about a
    # person, where no other country is named, is where the places it names without a country lie.
    national = any(t.predicate is Relation.nationality and t.object == country for t in ties)
    anchored = (named or stated_place) and any(entities[k].type is EntityType.Place for k in placed_in)
    if not (anchored or national):
        return  # the text must name the country and place a place in it, or give it as a nationality
    containers: dict[str, set[str]] = {}
    for t in ties:
        if t.predicate in (Relation.locatedIn, Relation.basedIn, Relation.heldIn):
            containers.setdefault(t.subject, set()).add(t.object)
    first: dict[str, Mention] = {}
    for m, k in zip(mentions, keys, strict=False):
        first.setdefault(k, m)
    stated = sentences[first[country].sentence]
    country_name = re.compile(rf"(?<![\w-]){re.escape(entities[country].label)}(?![\w-])")
    for key, m in first.items():
        relation = syntax.spatial(entities[key].type, EntityType.Country)
        if relation is None or key in placed_in or key in containers:
            continue  # placed somewhere already: what holds that place says its country, if anything
        home = entities[key].country
        if home is not None and home != entities[country].label:
            continue  # "studied in Paris" in a text naming Germany only: Paris lies where the gazetteer puts it
        if _abroad(entities[key], entities[country].label):
            continue  # "born in Voorburg" in a text naming France only: the world's Voorburgs lie elsewhere
        if country_name.search(entities[key].label):
            continue  # "New Mexico", "Mexico City": a name holding the country's is tied by its name, if at all
        if home is None and entities[key].method == "gazetteer":
            continue  # the gazetteer's places without a country span several: Africa, the Pacific Ocean
        if entities[key].type in (EntityType.InternationalOrganization, EntityType.Event):
            continue  # these cross borders: an event is often held abroad
        if not anchored and entities[key].type is not EntityType.Place:
            continue  # a nationality alone places towns, not the clubs, studios and firms a person worked for
        here = sentences[m.sentence]
        span = Sentence(min(here.start, stated.start), max(here.end, stated.end), False)
        reason = f"the text names no country but {entities[country].label}, where it places what it locates"
        yield Tie.model_construct(
            subject=key,
            predicate=relation,
            object=country,
            evidence=_evidence(text, span, "inferred:sole-country", _CONFIDENCE["sole-country"], reason),
        )


# A tie keeps its strongest reading of a pair in one sentence.
_STRENGTH = {Relation.coMentioned: 0, Relation.tiedTo: 1}


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


def _pairable(items: list[tuple[Mention, str]], entities: dict[str, Entity], cut: int | None):
    """Each entity once per side of a contrast (its first mention there),
    without names inside names; None when the sentence names too many to be
    a statement."""
    firsts: dict[tuple[str, bool], Mention] = {}
    for m, key in items:
        firsts.setdefault((key, cut is not None and m.start >= cut), m)
    if len({key for key, _ in firsts}) > _MOST_PAIRED:
        return None
    return sorted(
        ((m, key) for (key, _), m in firsts.items() if not _aside(m, entities[key])), key=lambda item: item[0].start
    )


def _sentence_ties(text: str, sent: Sentence, items: list[tuple[Mention, str]], entities: dict[str, Entity]):
    """Without a parser: every pair in the sentence, the kind from cue words."""
    contrast_cut = _contrast_cut(text[sent.start : sent.end], sent.start)
    pairs = _pairable(items, entities, contrast_cut) or []
    for i, (a, ka) in enumerate(pairs):
        for b, kb in pairs[i + 1 :]:
            if ka == kb or (contrast_cut is not None and (a.start < contrast_cut) != (b.start < contrast_cut)):
                continue
            if a.start < b.end and b.start < a.end:
                continue  # a name inside a name is tied by _inner_ties only
            yield _pair_tie(text, sent, a, ka, b, kb, entities)


def _co_mentions(text: str, sent: Sentence, items: list[tuple[Mention, str]], entities: dict[str, Entity]):
    pairs = _pairable(items, entities, None) or []
    for i, (a, ka) in enumerate(pairs):
        for b, kb in pairs[i + 1 :]:
            if ka == kb or (a.start < b.end and b.start < a.end):
                continue
            subj, obj = (ka, kb) if _ORDER[entities[ka].type] <= _ORDER[entities[kb].type] else (kb, ka)
            yield Tie.model_construct(
                subject=subj,
                predicate=Relation.coMentioned,
                object=obj,
                evidence=_evidence(text, sent, "cooccurrence", _CONFIDENCE["cooccurrence"]),
            )


def parse_plan(
    text: str, sentences: list[Sentence], mentions: list[Mention], keys: list[str]
) -> dict[int, list[tuple[int, int]]]:
    """The sentences worth parsing, each as its clauses (absolute offsets):
    those naming two or more entities, and those naming one beside a pronoun
    or definite description that may stand for an earlier one."""
    named: dict[int, set[str]] = {}
    for m, key in zip(mentions, keys, strict=False):
        if not m.nested:
            named.setdefault(m.sentence, set()).add(key)
    plan: dict[int, list[tuple[int, int]]] = {}
    for index, sent in enumerate(sentences):
        count = len(named.get(index, ()))
        sentence = text[sent.start : sent.end]
        if sent.heading or not (count >= 2 or (count == 1 and index > 0 and _ANAPHOR_WORD.search(sentence))):
            continue
        cut = _contrast_cut(sentence, 0)
        plan[index] = [(sent.start + a, sent.start + b) for a, b in syntax.clauses(sentence, cut)]
    return plan


_ANAPHOR_WORD = re.compile(
    r"\b(?:he|she|his|her|it|its)\b|\b(?:the|this|these)\s+(?:\w+\s+)?(?:"
    + "|".join(syntax.KIND_NOUNS)
    + r")\b|^\W*(?:the|this|these)\s+(?-i:[a-z])",
    re.I,
)


def _structure_ties(text, sentences, index, items, clauses, entities, by_sentence, resolved, described, named_at):
    """Ties along the grammatical paths of one sentence's clauses; pairs in a
    clause with no path are co-mentioned."""
    sent = sentences[index]
    pairs = _pairable(items, entities, None)
    if pairs is None:
        return
    for m, k in items:
        if m.method == "coref" and entities[k].type is EntityType.Event and _POINTING.match(text, sent.start):
            yield from _told_of(text, sentences, index, m.start, k, by_sentence, entities)
        if m.method == "pattern:visit":
            yield from _visited(text, sent, m, items, entities)
    for offset, doc in clauses:
        end = offset + len(doc.text)
        inside = [(m, k) for m, k in pairs if offset <= m.start and m.end <= end]
        parsed = [(m, k) for m, k in items if offset <= m.start and m.end <= end and not m.nested]
        names = [syntax.Name(m.start - offset, m.end - offset, entities[k].type, m.demonym) for m, k in parsed]
        owners: list[tuple[str, Sentence]] = [(k, sent) for _, k in parsed]
        titled: set[frozenset[str]] = set()
        for i, (a, ka) in enumerate(inside):
            for b, kb in inside[i + 1 : i + 2]:
                title = _title_tie(a, entities[ka].type, b, entities[kb].type, text[a.end : b.start])
                if title is not None and ka != kb:
                    titled.add(frozenset((ka, kb)))
                    yield Tie.model_construct(
                        subject=kb,
                        predicate=title,
                        object=ka,
                        evidence=_evidence(text, sent, "pattern:title", _CONFIDENCE["title"]),
                    )
        for anaphor in syntax.anaphors(doc, names, frozenset(described)):
            if anaphor.plural:
                for found in _listed_before(text, anaphor, offset, index, sentences, by_sentence, entities):
                    names.append(syntax.Name(anaphor.start, anaphor.end, entities[found[0]].type))
                    owners.append(found)
                continue
            found = (
                described[anaphor.noun]
                if anaphor.noun is not None
                else _bound(anaphor, owners, entities)
                or _antecedent(text, anaphor, offset, index, sentences, by_sentence, resolved, entities, named_at)
            )
            if found is not None:
                names.append(syntax.Name(anaphor.start, anaphor.end, entities[found[0]].type))
                owners.append(found)
                resolved.setdefault(index, []).append((offset + anaphor.start, found[0]))
                if anaphor.pointing and entities[found[0]].type is EntityType.Event:
                    yield from _told_of(text, sentences, index, offset + anaphor.start, found[0], by_sentence, entities)
        for n, noun in syntax.descriptions(doc, names[: len(parsed)]):
            described[noun] = (owners[n][0], sent)
        linked: set[frozenset[str]] = set()
        for link in syntax.links(doc, names):
            (ka, sa), (kb, sb) = owners[link.subject], owners[link.object]
            if ka == kb or frozenset((ka, kb)) in titled:
                continue
            linked.add(frozenset((ka, kb)))
            span = Sentence(min(sa.start, sb.start, sent.start), sent.end, False)
            relation = link.relation or Relation.tiedTo
            confidence = _CONFIDENCE["dependency" if link.relation else "path"]
            method = link.method + ("+anaphor" if span.start != sent.start else "")
            if span.start != sent.start:
                confidence *= Decimal("0.8")
            yield Tie.model_construct(
                subject=ka, predicate=relation, object=kb, evidence=_evidence(text, span, method, confidence)
            )
            if relation is Relation.leaderOf and entities[kb].type is EntityType.Country:
                reason = f"{entities[ka].label} leads {entities[kb].label}"
                yield Tie.model_construct(
                    subject=ka,
                    predicate=Relation.nationality,
                    object=kb,
                    evidence=_evidence(text, span, method, confidence, reason),
                )
        for i, (a, ka) in enumerate(inside):
            for b, kb in inside[i + 1 :]:
                pair = frozenset((ka, kb))
                if ka == kb or pair in linked or pair in titled or (a.start < b.end and b.start < a.end):
                    continue
                subj, obj = (ka, kb) if _ORDER[entities[ka].type] <= _ORDER[entities[kb].type] else (kb, ka)
                yield Tie.model_construct(
                    subject=subj,
                    predicate=Relation.coMentioned,
                    object=obj,
                    evidence=_evidence(text, sent, "cooccurrence", _CONFIDENCE["cooccurrence"]),
                )


_LOOKBACK = 3  # sentences


def _bound(anaphor, owners: list[tuple[str, Sentence]], entities) -> tuple[str, Sentence] | None:
    """The subject of a possessive's own clause, where it is a name of a type the pronoun can stand for."""
    if anaphor.binder is None or anaphor.binder >= len(owners):
        return None
    found = owners[anaphor.binder]
    return found if entities[found[0]].type in anaphor.types else None


def _antecedent(
    text, anaphor, offset, index, sentences, by_sentence, resolved, entities, named_at
) -> tuple[str, Sentence] | None:
    """The entity a pronoun or definite description stands for: in this
    sentence before it, else in the nearest of the few sentences before, the
    first-named entity of a compatible type there (a sentence's first name
    is most often its subject). "He" or "she" stands for the person the text
    has named most so far among those the few sentences before name."""
    at = offset + anaphor.start
    if anaphor.types == _PERSON:
        return _salient_person(text, at, index, sentences, by_sentence, resolved, entities, named_at)
    for back in range(0, _LOOKBACK + 1):
        s = index - back
        if s < 0:
            break
        named = [
            (m.start, k)
            for m, k in by_sentence.get(s, [])
            if not m.nested and not m.demonym and (back == 0 or _opens(text, sentences[s], m))
        ]
        named += [
            (a, k)
            for a, k in resolved.get(s, [])
            if back == 0 or len(text[sentences[s].start : a].split()) <= _OPENING_WORDS
        ]
        named = sorted(
            (start, k) for start, k in named if (back > 0 or start < at) and entities[k].type in anaphor.types
        )
        if named:
            return named[0][1], sentences[s]
        if back > 0 and sentences[s].heading:
            break
    return None


_PERSON = frozenset({EntityType.Person})
_SALIENT = 2  # times named: a person the text keeps naming


def _salient_person(text, at, index, sentences, by_sentence, resolved, entities, named_at):
    """ "Smith joined X in 2001. In 2005, President Jones named Smith envoy. He served ...": of the
    people the few sentences before name (anywhere in them), the one named most often up to the
    pronoun, the text's main figure; among equals, the first named in the nearest sentence."""
    best: tuple[tuple[int, int, int], str, Sentence] | None = None
    for back in range(0, _LOOKBACK + 1):
        s = index - back
        if s < 0:
            break
        named = [(m.start, k) for m, k in by_sentence.get(s, []) if not m.nested and not m.demonym]
        named += resolved.get(s, [])
        for start, k in named:
            if start >= at or entities[k].type is not EntityType.Person:
                continue
            said = bisect_left(named_at.get(k, []), at) + sum(1 for a, r in resolved.get(s, []) if r == k and a < at)
            if back > 0 and said < _SALIENT and len(text[sentences[s].start : start].split()) > _OPENING_WORDS:
                continue  # named once, inside a sentence before: no subject the pronoun goes on with
            rank = (said, -back, -start)
            if best is None or rank > best[0]:
                best = (rank, k, sentences[s])
        if back > 0 and sentences[s].heading:
            break
    return None if best is None else (best[1], best[2])


_VISITOR_GAP = re.compile(r"\s*['’]s?\s*$")
_HOST_GAP = re.compile(r"\s+to\s+(?:the\s+)?$")


def _visited(text, sent, visit, items, entities):
    """ "Lee Jae-myung's visit to Türkiye": the visitor is tied to where the visit went. The two names
    stand just before and after the visit's words (mentions._visits found them there), so only the
    few characters between are read."""
    visitor = next(
        (k for m, k in items if 0 <= visit.start - m.end <= 4 and _VISITOR_GAP.match(text, m.end, visit.start)), None
    )
    host = next(
        (k for m, k in items if 0 <= m.start - visit.end <= 9 and _HOST_GAP.match(text, visit.end, m.start)), None
    )
    if visitor and host and entities[visitor].type is EntityType.Person and entities[host].type in _VISITED:
        yield Tie.model_construct(
            subject=visitor,
            predicate=Relation.tiedTo,
            object=host,
            evidence=_evidence(text, sent, "pattern:visit", _CONFIDENCE["name"]),
        )


_VISITED = {EntityType.Country, EntityType.Place}
_POINTING = re.compile(r"\s*(?:This|That)\s")
_TELLERS = {EntityType.Person, EntityType.GovernmentBody, EntityType.Country, EntityType.Firm}


def _told_of(text, sentences, index, at, event, by_sentence, entities):
    """ "Erdoğan stressed their brotherhood at a joint press conference. This visit opens ...": a
    sentence opening on "this visit" names the event the sentence before told of, and the one whose
    acts that sentence told (its subject) took part in it."""
    sent = sentences[index]
    if index == 0 or sentences[index - 1].heading or len(text[sent.start : at].split()) > 2:
        return
    before = sentences[index - 1]
    for m, k in by_sentence.get(index - 1, []):
        if entities[k].type in _TELLERS and not m.demonym and not m.nested and _opens(text, before, m):
            span = Sentence(before.start, sent.end, False)
            yield Tie.model_construct(
                subject=k,
                predicate=Relation.participatesIn,
                object=event,
                evidence=_evidence(text, span, "pattern:this-event", _CONFIDENCE["path"]),
            )
            return


def _listed_before(text, anaphor, offset, index, sentences, by_sentence, entities) -> list[tuple[str, Sentence]]:
    """What "these efforts" or "those companies" gathers: the names of one compatible kind listed
    before it in its sentence, else in the sentence before (two at least: one is no set)."""
    at = offset + anaphor.start
    for s in (index, index - 1):
        if s < 0 or (s < index and sentences[s].heading):
            break
        by_kind: dict[EntityType, list[str]] = {}
        for m, k in by_sentence.get(s, []):
            kind = entities[k].type
            if (s < index or m.end <= at) and not m.nested and kind in anaphor.types and k not in by_kind.get(kind, []):
                by_kind.setdefault(kind, []).append(k)
        best = max(by_kind.values(), key=len, default=[])
        if len(best) >= 2:
            return [(k, sentences[s]) for k in best]
    return []


_CONTAINED = "inferred:contained"


_OPENING_WORDS = 3


def _opens(text: str, sent: Sentence, m: Mention) -> bool:
    """Whether M stands in the first few words of its sentence, where a
    subject stands: the entity a later pronoun most often means."""
    return len(text[sent.start : m.start].split()) <= _OPENING_WORDS


def _national_places(text: str, ties: list[Tie], entities: dict[str, Entity]):
    """ "a Norwegian football club from Fyllingsdalen, Bergen": a body a demonym puts in a country, and
    a place the same sentence puts it in, the place lies in that country, unless the text or the
    gazetteer already puts it in one."""
    in_country = {
        t.subject
        for t in ties
        if t.predicate in (Relation.locatedIn, Relation.basedIn) and entities[t.object].type is EntityType.Country
    }
    national = [
        t
        for t in ties
        if t.predicate is Relation.basedIn
        and t.evidence.method.startswith("dependency:amod")
        and entities[t.object].type is EntityType.Country
    ]
    placed: dict[tuple[str, int], list[Tie]] = {}  # by subject and sentence: the work grows with the ties
    for tie in ties:
        if tie.predicate in (Relation.locatedIn, Relation.basedIn):
            placed.setdefault((tie.subject, tie.evidence.start), []).append(tie)
    for nation in national:
        for tie in placed.get((nation.subject, nation.evidence.start), ()):
            place = tie.object
            if (
                entities[place].type is not EntityType.Place
                or place in in_country
                or entities[place].country not in (None, entities[nation.object].label)
            ):
                continue
            in_country.add(place)
            reason = f"{entities[nation.subject].label} is {entities[nation.object].label}'s and lies there"
            yield Tie.model_construct(
                subject=place,
                predicate=Relation.locatedIn,
                object=nation.object,
                evidence=_evidence(
                    text,
                    Sentence(tie.evidence.start, tie.evidence.end, False),
                    "inferred:national",
                    _CONFIDENCE["national"],
                    reason,
                ),
            )


def _contained_ties(text: str, ties: list[Tie], entities: dict[str, Entity]):
    """What lies in a place lies in what holds that place: "X is in Y" and
    "Y is in Z" give X in Z (and so on up a few steps), inferred, with
    evidence spanning the sentences of the chain."""
    placed = [
        t
        for t in ties
        if t.predicate in (Relation.locatedIn, Relation.basedIn, Relation.heldIn) and t.evidence.method != _CONTAINED
    ]
    outward: dict[str, list[Tie]] = {}
    for tie in placed:
        outward.setdefault(tie.subject, []).append(tie)
    for subject, first in outward.items():
        direct = {t.object for t in first}
        paths = [[t] for t in first]
        reached: set[str] = set(direct) | {subject}
        for _ in range(_CHAIN_STEPS):
            longer = []
            for path in paths:
                for outer in outward.get(path[-1].object, []):
                    if outer.predicate is not Relation.locatedIn or outer.object in reached:
                        continue
                    reached.add(outer.object)
                    longer.append([*path, outer])
                    yield _contained(text, subject, [*path, outer], entities)
            paths = longer


_CHAIN_STEPS = 3


def _contained(text: str, subject: str, path: list[Tie], entities: dict[str, Entity]) -> Tie:
    outer = path[-1].object
    relation = syntax.spatial(entities[subject].type, entities[outer].type) or path[0].predicate
    start, end = min(t.evidence.start for t in path), max(t.evidence.end for t in path)
    reason = ", which lies in ".join(entities[t.object].label for t in path)
    return Tie.model_construct(
        subject=subject,
        predicate=relation,
        object=outer,
        evidence=_evidence(text, Sentence(start, end, False), _CONTAINED, _CONFIDENCE["contained"], f"in {reason}"),
    )


def _aside(m: Mention, entity: Entity) -> bool:
    """An organisation named inside another name ("G20" in "G20 Johannesburg
    Summit") organises that thing, not the rest of the sentence; a country so
    named ("Korea-Türkiye FTA") is a party to what the sentence says."""
    return m.nested and entity.type is not EntityType.Country


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
        predicate=Relation.tiedTo,
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
    if relation is Relation.heldIn:
        # The place must follow the event, introduced by "in" or "at".
        return subject_first and bool(_PLACE_INTRO.match(window))
    if relation is Relation.partyTo:
        return bool(cue.search(window) or cue.search(sentence))
    return bool(cue.search(window))


def _title_tie(a: Mention, ta: EntityType, b: Mention, tb: EntityType, between: str) -> Relation | None:
    """ "Turkish President Recep Tayyip Erdoğan": a country's demonym, a title,
    then the person: the person leads (or is a national of) the country."""
    if not (
        a.demonym and ta is EntityType.Country and tb is EntityType.Person and b.method.startswith(("title", "ner"))
    ):
        return None
    words = between.split()
    if len(words) > 3 or not re.fullmatch(r"[\w\s.-]*", between):
        return None
    if words and not words[-1][:1].isupper() and kind_of_noun(words[-1]) is not EntityType.Person:
        return None  # "the Japanese government acknowledged Pharr's work": no title, a statement
    return Relation.leaderOf if _HEAD_TITLES.search(between) else Relation.nationality


def _inner_ties(text: str, sent: Sentence, m: Mention, key: str, entities: dict[str, Entity]):
    """Names inside a name: "Korea-Türkiye Free Trade Agreement" has both
    countries as parties, "Sinop Nuclear Power Plant" lies in Sinop."""
    outer = entities[key].type
    for inner in m.inner:
        if inner.entry is None:
            continue
        inner_key = gazetteer_key(inner.entry.type, inner.entry.label)
        if inner_key not in entities or inner_key == key:
            continue
        relation = _inner_relation(outer, inner.entry.type)
        if relation is None or (relation is Relation.locatedIn and _named_after(text, m, inner.start, inner.end)):
            continue
        subj, obj = (
            (inner_key, key)
            if relation in (Relation.partyTo, Relation.participatesIn, Relation.tiedTo)
            else (key, inner_key)
        )
        reason = f"{inner.entry.label} is named in {entities[key].label!r}"
        yield Tie.model_construct(
            subject=subj,
            predicate=relation,
            object=obj,
            evidence=_evidence(text, sent, "name", _CONFIDENCE["name"], reason),
        )


_PLACE_TYPES = (EntityType.Place, EntityType.Country)
_NAME_WORDS = re.compile(r"[\w'’.-]+")


def _place_index(entities: dict[str, Entity]) -> dict[str, str]:
    """The document's places and countries by their labels. Not by their other names: a short one is
    often part of other places' names ("America" of "Latin America", "Gondar" of "Semien Gondar")."""
    return {
        " ".join(_NAME_WORDS.findall(e.label)): key
        for key, e in entities.items()
        if e.type in _PLACE_TYPES and e.label[:1].isupper()
    }


_LONGEST_NAME = 12  # words of a name read for places inside it


def _places_named_in(text, sent, m, key, entities, places):
    """A place the text names on its own, named again inside a body's, a project's or a place's name:
    "the University of Alberta" lies in Alberta, "Calgary City Council" in Calgary (the gazetteer's
    places inside names are tied by _inner_ties). The name's runs of words are looked up, so the work
    per name is bounded, however many places the text names."""
    outer = entities[key].type
    span = text[m.start : m.end]
    words = _NAME_WORDS.findall(span)[:_LONGEST_NAME]
    known = {gazetteer_key(i.entry.type, i.entry.label) for i in m.inner if i.entry is not None}
    seen: set[str] = set()
    runs = ((i, j) for i in range(len(words)) for j in range(i + 1, len(words) + 1) if (i, j) != (0, len(words)))
    for i, j in runs:
        place = places.get(" ".join(words[i:j]))
        if place is None or place in seen or place in known or place == key:
            continue
        relation = _inner_relation(outer, entities[place].type)
        found = re.search(rf"(?<![\w-]){re.escape(entities[place].label)}(?![\w-])", span)
        if found is None or relation not in (Relation.locatedIn, Relation.basedIn, Relation.heldIn):
            continue
        start, end = m.start + found.start(), m.start + found.end()
        if relation is Relation.locatedIn and _named_after(text, m, start, end):
            continue
        seen.add(place)
        reason = f"{entities[place].label} is named in {entities[key].label!r}"
        yield Tie.model_construct(
            subject=key,
            predicate=relation,
            object=place,
            evidence=_evidence(text, sent, "name", _CONFIDENCE["name"], reason),
        )


# The words that make a place's name from another place's: "New Mexico", "Izmir Province", "Washington State".
_NEW_PLACE = re.compile(r"\W*new\W*", re.I)
_DIVISION_OF = re.compile(
    r"\W*(?:province|state|county|region|district|governorate|oblast|prefecture|department|municipality)\W*", re.I
)


# A state named after a country or people: "the Russian Empire", "the Kingdom of Serbia", "Nazi Germany".
_POLITY_AFTER = re.compile(
    r"\W*(?:empire|kingdom|khanate|caliphate|sultanate|reich|dynasty|confederation|commonwealth|dominion|raj)\W*", re.I
)
_POLITY_OF = re.compile(
    r"\W*(?:the\s+)?(?:kingdom|empire|tsardom|khanate|sultanate|emirate|principality|(?:grand\s+)?duchy)\s+of\s+",
    re.I,
)
_REGIME = re.compile(
    r"\W*(?:Nazi|Imperial|Fascist|Francoist|Vichy|Weimar|Tsarist|Soviet|Communist|Wilhelmine|Nationalist)\s+"
)
# A town named after another that lies beside it, not in it: "Miami Shores", "Palm Beach".
_TOWN_AFTER = re.compile(r"\W*(?:beach|heights|shores|springs|township)\W*", re.I)


def _named_after(text: str, m: Mention, start: int, end: int) -> bool:
    """A place named after another place (named from START to END inside M) is not inside it: "New
    Mexico" is not in Mexico, "Izmir Province" holds the city of Izmir rather than lying in it, the
    Russian Empire and Nazi Germany were states of their own, and Miami Shores is a town of its own."""
    before, after = text[m.start : start], text[end : m.end]
    if not after.strip():
        return any(p.fullmatch(before) for p in (_NEW_PLACE, _POLITY_OF, _REGIME))
    return not before.strip() and any(p.fullmatch(after) for p in (_DIVISION_OF, _POLITY_AFTER, _TOWN_AFTER))


def _inner_relation(outer: EntityType, inner: EntityType) -> Relation | None:
    if outer is EntityType.Agreement and inner in ACTORS:
        return Relation.partyTo
    if outer is EntityType.Event and inner in (EntityType.Country, EntityType.InternationalOrganization):
        return Relation.participatesIn
    if outer is EntityType.Event and inner is EntityType.Place:
        return Relation.heldIn
    if outer in (EntityType.Project, EntityType.Place) and inner in (EntityType.Place, EntityType.Country):
        return Relation.locatedIn
    if (
        outer in (EntityType.Firm, EntityType.GovernmentBody, EntityType.ResearchOrganization)
        and inner is EntityType.Country
    ):
        return Relation.basedIn
    if (
        outer in (EntityType.Firm, EntityType.GovernmentBody, EntityType.ResearchOrganization, EntityType.Organization)
        and inner is EntityType.Place
    ):
        return Relation.locatedIn  # a club, a party's branch, a school named after its town lies there
    if outer in (EntityType.Project, EntityType.Product) and inner in (
        EntityType.Firm,
        EntityType.InternationalOrganization,
    ):
        return Relation.tiedTo
    return None


def _gazetteer_ties(text, sentences, mentions, keys, entities, ties):
    """A gazetteer entry's home country, stated at the entity's first mention
    when the document names that country too; a place's the list of the world's places gives
    (world_places.place_known_places), unless TIES place it in another country."""
    placed: dict[str, set[str]] = {}
    for t in ties:
        if t.predicate in (Relation.locatedIn, Relation.basedIn) and entities[t.object].type is EntityType.Country:
            placed.setdefault(t.subject, set()).add(t.object)
    first: dict[str, Mention] = {}
    for m, key in zip(mentions, keys, strict=False):
        first.setdefault(key, m)
    for key, entity in entities.items():
        if entity.country is None or key not in first:
            continue
        country_key = gazetteer_key(EntityType.Country, entity.country)
        if country_key not in entities:
            continue
        relation = {
            EntityType.Firm: Relation.basedIn,
            EntityType.GovernmentBody: Relation.basedIn,
            EntityType.ResearchOrganization: Relation.basedIn,
            EntityType.Place: Relation.locatedIn,
            EntityType.Project: Relation.locatedIn,
        }.get(entity.type, Relation.tiedTo)
        sent = sentences[first[key].sentence]
        if entity.method == "gazetteer":
            reason, method = f"the gazetteer gives {entity.country} as {entity.label}'s country", "gazetteer"
        elif placed.get(key, set()) - {country_key}:
            continue  # a place the text puts in another country than the one the list of places knows
        else:
            reason = f"the text names {entity.country}, where the list of the world's places has {entity.label}"
            method = "gazetteer:world"
        yield Tie.model_construct(
            subject=key,
            predicate=relation,
            object=country_key,
            evidence=_evidence(text, sent, method, _CONFIDENCE["gazetteer"], reason),
        )
