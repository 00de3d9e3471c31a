"""Resolution inside one document: mentions that name the same thing become
one entity with a canonical label and its aliases.

- gazetteer matches resolve to their entry (Turkey, Türkiye, Turkish);
- an acronym defined in the text resolves to its long form;
- a person named by surname alone ("President Erdogan", "Lee") resolves to
  the one full name in the document that starts or ends with it;
- an event named with and without its year ("2025 Ankara Summit", "Ankara
  Summit") is one event;
- other names resolve on their folded form; when the same name is typed
  differently in different places, the most trusted method's type wins."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import combinations

from graph.extract.dates import event_day
from graph.extract.mentions import Mention
from graph.extract.sentences import Sentence
from graph.model import Entity, Span
from graph.names import match_key
from graph.vocab import EntityType

__all__ = ["resolve", "GENERIC_NAMES"]

T = EntityType

# Names that are only a kind: two documents saying "the memorandum of
# understanding" need not mean the same one, so such entities stay per document.
GENERIC_NAMES = {
    "memorandum of understanding",
    "mou",
    "free trade agreement",
    "agreement",
    "treaty",
    "contract",
    "deal",
    "summit",
    "state visit",
    "visit",
    "conference",
    "project",
    "programme",
    "program",
    "joint venture",
}


def resolve(
    mentions: list[Mention], text: str = "", sentences: list[Sentence] | None = None
) -> tuple[dict[str, Entity], list[Mention], list[str]]:
    """Entities keyed by a document-local key, the mentions kept, and each
    kept mention's key (same order). A lone surname that NER found and no full
    name in the document explains is dropped: it cannot be told apart."""
    people = _people(mentions)
    mentions = [m for m in mentions if not _unexplained_surname(m, people)]
    keys = _same_day_events(mentions, [_key(m, people) for m in mentions], text, sentences or [])
    # The type of a non-gazetteer name is the one its most trusted mention gives.
    votes: dict[str, Counter] = defaultdict(Counter)
    for m, key in zip(mentions, keys, strict=False):
        votes[key][m.type] += m.rank
    entities: dict[str, Entity] = {}
    for m, key in zip(mentions, keys, strict=False):
        kind = votes[key].most_common(1)[0][0]
        entity = entities.get(key)
        if entity is None:
            entity = entities[key] = _new_entity(key, m, kind)
        _absorb(entity, m)
    for entity in entities.values():
        entity.aliases.discard(entity.label)
    _encounter_keys(mentions, keys, entities, text, sentences or [])
    return entities, mentions, keys


def _same_day_events(mentions: list[Mention], keys: list[str], text: str, sentences: list[Sentence]) -> list[str]:
    """Two events a document says happen on the same day ("the State Visit,
    which took place in Ankara on November 24-25", "the Ankara Summit held on
    November 24-25") are one event. The day must follow the event's name
    before any other event is named."""
    first: dict[str, str] = {}
    same: dict[str, str] = {}
    for i, (_m, key) in enumerate(zip(mentions, keys, strict=False)):
        day = _day_after(i, mentions, text, sentences)
        if day is None:
            continue
        target = first.setdefault(day, same.get(key, key))
        if target != key:
            same[key] = target
    return [same.get(k, k) for k in keys]


def _day_after(i: int, mentions: list[Mention], text: str, sentences: list[Sentence]) -> str | None:
    """The day "on <date>" gives after event mention I, before any other event is named."""
    m = mentions[i]
    if m.type is not T.Event or m.nested or not sentences:
        return None
    stop = min(
        [sentences[m.sentence].end, m.end + 100]
        + [n.start for n in mentions[i + 1 :] if n.type is T.Event and n.start >= m.end]
    )
    return event_day(text, m.end, stop)


_ENCOUNTERS = {"visit", "summit", "talks", "meeting"}


def _encounter_keys(
    mentions: list[Mention], keys: list[str], entities: dict[str, Entity], text: str, sentences: list[Sentence]
) -> None:
    """A visit or summit is identified across documents by its day and two
    countries its sentence names: "the Türkiye-South Korea State Visit, which
    took place in Ankara on November 24-25, 2025" in one document and "South
    Korean President Lee's visit to Turkey on 24 November 2025" in another
    are one event. Keys, not names: each document keeps its own words."""
    for i, (m, key) in enumerate(zip(mentions, keys, strict=False)):
        entity = entities[key]
        if entity.type is not T.Event or not _ENCOUNTERS & set(match_key(entity.label).split()):
            continue
        day = _day_after(i, mentions, text, sentences)
        if day is None:
            continue
        countries = sorted(
            {
                entities[k].label
                for n, k in zip(mentions, keys, strict=False)
                if n.sentence == m.sentence and entities[k].type is T.Country
            }
        )
        for a, b in combinations(countries, 2):
            entity.keys.add(match_key(f"encounter {day} {a} {b}"))


def _unexplained_surname(m: Mention, people: dict[str, str]) -> bool:
    return (
        m.type is T.Person
        and m.method.startswith("ner")
        and " " not in m.label.strip()
        and match_key(m.label) not in people
    )


def _key(m: Mention, people: dict[str, str]) -> str:
    if m.alias_of is not None:
        return _key(m.alias_of, people)
    if m.entry is not None:
        return f"gaz:{m.entry.type.value}:{match_key(m.entry.label)}"
    folded = match_key(m.label)
    if m.type is T.Person:
        return "name:" + people.get(folded, folded)
    if m.type is T.Event:
        folded = re.sub(r"^\d{4} ", "", folded)
    return "name:" + folded


def _people(mentions: list[Mention]) -> dict[str, str]:
    """Surname (or family name) -> the full name it stands for, when only one
    full name in the document fits."""
    full = {match_key(m.label) for m in mentions if m.type is T.Person and len(m.label.split()) > 1}
    parts: dict[str, set[str]] = defaultdict(set)
    for name in full:
        words = name.split()
        parts[words[0]].add(name)
        parts[words[-1]].add(name)
    return {part: next(iter(names)) for part, names in parts.items() if len(names) == 1}


def _new_entity(key: str, m: Mention, kind: EntityType) -> Entity:
    entry = m.entry if m.alias_of is None else m.alias_of.entry
    if entry is not None:
        # The gazetteer's aliases come along, so a user finds the entity by any of them.
        return Entity(
            key=key,
            type=entry.type,
            label=entry.label,
            aliases=set(entry.aliases),
            wikidata=entry.wikidata,
            country=entry.country,
            method="gazetteer",
        )
    return Entity(key=key, type=kind, label=_clean(m.label), method=m.method)


def _absorb(entity: Entity, m: Mention) -> None:
    entity.mentions.append(Span.model_construct(start=m.start, end=m.end))
    if m.demonym:
        return
    if m.surface and _clean(m.surface) != _clean(m.label):
        entity.aliases.add(_clean(m.surface))
    surface = _clean(m.label)
    if entity.method != "gazetteer" and _better_label(surface, entity.label, entity.type):
        entity.aliases.add(entity.label)
        entity.label = surface
    else:
        entity.aliases.add(surface)


def _better_label(candidate: str, current: str, kind: EntityType) -> bool:
    """Prefer the fuller form: "2025 Ankara Summit" over "Ankara Summit",
    "Lee Jae Myung" over "Lee"; an acronym never replaces its long form."""
    if candidate.isupper() and not current.isupper():
        return False
    if current.isupper() and not candidate.isupper():
        return True
    return len(candidate.split()) > len(current.split())


def _clean(label: str) -> str:
    label = " ".join(label.split())
    return re.sub(r"^(?:the|The)\s+", "", label)
