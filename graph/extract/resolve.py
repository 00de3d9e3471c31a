"""Resolution inside one document: mentions that name the same thing become
one entity with a canonical label and its aliases.

- gazetteer matches resolve to their entry (Turkey, Türkiye, Turkish);
- an acronym defined in the text resolves to its long form;
- a person named by surname alone ("President Erdogan", "Lee") resolves to
  the one full name in the document that starts or ends with it, or, where
  several do, to the one named in full most often;
- an event named with and without its year ("2025 Ankara Summit", "Ankara
  Summit") is one event;
- other names resolve on their folded form; when the same name is typed
  differently in different places, the most trusted method's type wins."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import combinations

from graph.extract.dates import event_day
from graph.extract.gazetteer import gazetteer_key
from graph.extract.heads import HEAD_WORDS
from graph.extract.mentions import Mention
from graph.extract.sentences import Sentence
from graph.extract.syntax import PLACES
from graph.model import Entity, Span
from graph.names import match_key, strip_format
from graph.vocab import EntityType

__all__ = ["resolve", "GENERIC_NAMES"]


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
    kept mention's key (same order). A one-word name that NER found is kept:
    a person named once ("before Hitler invaded") is a person."""
    people = _people(mentions)
    editions = _editions(mentions)
    keys = [_key(m, people, editions) for m in mentions]
    _short_forms(mentions, keys)
    keys = _same_day_events(mentions, keys, text, sentences or [])
    # The type of a non-gazetteer name is the one its most trusted mention gives.
    votes: dict[str, dict[EntityType, float]] = defaultdict(lambda: defaultdict(float))
    for m, key in zip(mentions, keys, strict=False):
        # Organization is NER's fallback for an organisation nothing else types: any other reading wins,
        # however often the fallback was given ("Edmonton" read once as a place, three times as an ORG).
        fallback = m.type is EntityType.Organization and m.method.startswith("ner")
        votes[key][m.type] += 0.001 if fallback else 2 * m.rank
    entities: dict[str, Entity] = {}
    for m, key in zip(mentions, keys, strict=False):
        kind = max(votes[key].items(), key=lambda kv: kv[1])[0]
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
    if m.type is not EntityType.Event or m.nested or not sentences:
        return None
    stop = min(
        [sentences[m.sentence].end, m.end + 100]
        + [n.start for n in mentions[i + 1 :] if n.type is EntityType.Event and n.start >= m.end]
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
        if entity.type is not EntityType.Event or not _ENCOUNTERS & set(match_key(entity.label).split()):
            continue
        day = _day_after(i, mentions, text, sentences)
        if day is None:
            continue
        countries = sorted(
            {
                entities[k].label
                for n, k in zip(mentions, keys, strict=False)
                if n.sentence == m.sentence and entities[k].type is EntityType.Country
            }
        )
        for a, b in combinations(countries, 2):
            entity.keys.add(match_key(f"encounter {day} {a} {b}"))


# Words that end a firm's full name and that a short form leaves out: "Atari" for "Atari, Inc.".
_LEGAL_FORMS = {
    "inc",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "plc",
    "ag",
    "sa",
    "gmbh",
    "records",
}


def _short_forms(mentions: list[Mention], keys: list[str]) -> None:
    """A shorter name NER found for something the document names in full
    refers to it: "Kylie Minogue ... Minogue sang", "the Minnesota Vikings ...
    the Vikings", "Atari, Inc. ... Atari", "the Philippine Commission ... the
    Commission". The short form must fit one full name only (see _fits). Full
    names of one person written two ways ("William H. Armstrong") join first."""
    singular = {match_key(m.label): key for m, key in zip(mentions, keys, strict=False) if m.alias_of is None}
    for people_only in (True, False):
        full: dict[str, tuple[Mention, str]] = {}
        for m, key in zip(mentions, keys, strict=False):
            if m.alias_of is None and len(match_key(m.label).split()) > 1 and not m.demonym:
                full[match_key(m.label)] = (m, key)
        index = _FullNames(full)
        # How often each entity is named in full, and its order: counted once a pass, not once a short form.
        named = Counter(k for m, k in zip(mentions, keys, strict=False) if len(m.label.split()) > 1)
        order = {k: n for n, k in reversed(list(enumerate(keys)))}
        for i, m in enumerate(mentions):
            if people_only and (m.type is not EntityType.Person or len(m.label.split()) < 2):
                continue
            found_by_rule = m.type is not EntityType.Person or m.entry is not None
            if (not m.method.startswith("ner") and found_by_rule) or m.alias_of is not None:
                continue
            short = match_key(m.label)
            if " " not in short and short.endswith("s") and singular.get(short[:-1], keys[i]) != keys[i]:
                keys[i] = singular[short[:-1]]  # "the Mamluks" after "a Mamluk": the group named in the plural
                continue
            fits = {
                key: long
                for name, (long, key) in ((n, full[n]) for n in index.candidates(short, m.label))
                if key != keys[i]
                and name != short
                and _fits(short, name, long.type, m.label)
                and not _place_in_a_name(m, long)
            }
            chosen = next(iter(fits)) if len(fits) == 1 else _most_named(fits, named, order)
            if chosen is not None:
                keys[i] = chosen
                m.type = fits[chosen].type
    _general_forms(mentions, keys)


def _most_named(fits: dict[str, Mention], named: Counter[str], order: dict[str, int]) -> str | None:
    """ "Joseph Mousseau was the son of Louis Mousseau ... Mousseau was educated at Montreal": a surname
    several people of the text share is the one NAMED in full most often, the first in ORDER of those
    (the one the text is about names itself first). Not where one of them is a body or a place by a
    rule or the gazetteer (the recogniser's types are not sure enough to rule a person out)."""
    if any(long.type is not EntityType.Person and not long.method.startswith("ner") for long in fits.values()):
        return None
    counts = {k: named[k] for k in fits if named[k]}
    if not counts:
        return None
    most = max(counts.values())
    return min((k for k, n in counts.items() if n == most), key=order.__getitem__)


_JOINERS = {"of", "the", "for", "and", "de", "du", "des", "la", "le", "&"}
_UNSCOPED = (EntityType.Person, EntityType.Country)


def _general_forms(mentions: list[Mention], keys: list[str]) -> None:
    """ "the Supreme Court" in a text that names "the Supreme Court of Pakistan", "the House of
    Commons" after "the House of Commons of Canada", "Carey Business School" after "Johns Hopkins
    Carey Business School": the general form of a name the text gives in full is that one, even
    where the gazetteer knows the general form as another country's (text order does not matter).
    Two words at least, the same type, one full name only; "European Union" is no short form of
    "Council of the European Union" (a joining word stands before it)."""
    longer: dict[tuple[str, EntityType], set[str]] = defaultdict(set)
    for m, key in zip(mentions, keys, strict=False):
        if m.alias_of is not None or m.type in _UNSCOPED:
            continue
        words = match_key(m.label).split()
        for cut in range(1, len(words) - 1):
            if words[cut - 1] not in _JOINERS:
                longer[(" ".join(words[cut:]), m.type)].add(key)
        for at, word in enumerate(words):
            if word == "of" and at >= 2 and at < len(words) - 1:
                longer[(" ".join(words[:at]), m.type)].add(key)
    for i, m in enumerate(mentions):
        if m.alias_of is not None or m.type in _UNSCOPED or m.demonym:
            continue
        short = match_key(m.label)
        found = longer.get((short, m.type), set()) - {keys[i]}
        if " " in short and len(found) == 1:
            keys[i] = next(iter(found))
            m.entry = None  # the gazetteer's reading of the general form is not this text's


def _place_in_a_name(short: Mention, long: Mention) -> bool:
    """ "Craiova" read as a place is the city, not a short form of the club "FC U Craiova" (nor
    "Lakefield" of "Lakefield College School"): names of bodies often carry their town's name. A
    surname the recogniser took for a place ("Parton" after "Dolly Parton") is still the person's."""
    return short.method in ("ner:GPE", "ner:LOC") and long.type not in (*PLACES, EntityType.Person)


class _FullNames:
    """The document's full names indexed by their words and initials: a short form can only fit a
    name it shares a word with, or whose initials it is, so each short form is compared with those
    few rather than with every name (a text of 50,000 names would otherwise take minutes)."""

    def __init__(self, full: dict[str, tuple[Mention, str]]) -> None:
        self.order = {name: n for n, name in enumerate(full)}
        self.by_word: dict[str, set[str]] = defaultdict(set)
        self.by_initials: dict[str, set[str]] = defaultdict(set)
        for name in full:
            words = name.split()
            for word in words:
                self.by_word[word].add(name)
            self.by_initials[_initials(words)].add(name)

    def candidates(self, short: str, written: str) -> list[str]:
        found = set().union(*(self.by_word.get(word, set()) for word in short.split()))
        if written.isupper():
            found |= self.by_initials.get(short.replace(" ", ""), set())
        return sorted(found, key=self.order.__getitem__)  # the order the names came in, as before


def _fits(short: str, name: str, kind: EntityType, written: str = "") -> bool:
    """Whether SHORT (folded; WRITTEN as in the text) can stand for the full
    NAME of type KIND: a person's first name, the front of the name or one of
    its other words; an organisation's or place's last words ("Vikings",
    "Commission"), its name without its head or legal form ("Butler" for
    "Butler University", "Atari" for "Atari Inc"), or its initials ("NFL")."""
    words, part = name.split(), short.split()
    if kind is EntityType.Person and len(part) == len(words):
        return _same_ends(part, words)
    if len(part) >= len(words):
        return False
    if kind is EntityType.Person:
        while len(words) > 1 and words[-1] in _SUFFIXES:
            words = words[:-1]
        one = len(part) == 1 and len(short) > 2 and short in words[1:]
        return words[: len(part)] == part or words[-len(part) :] == part or one or _same_ends(part, words)
    if kind is EntityType.Country:
        return False
    if words[-len(part) :] == part:
        return True
    if written.isupper() and len(written) >= 2:
        return _initials(words) == short.replace(" ", "")
    rest = words[len(part) :]
    return words[: len(part)] == part and len(rest) <= 2 and rest[-1] in _LEGAL_FORMS | HEAD_WORDS


def _same_ends(part: list[str], words: list[str]) -> bool:
    """ "William H. Armstrong", "John Cantwell" for "William Hepburn Armstrong",
    "John Joseph Cantwell": the same first and last names, the middle ones left
    out or given by their initials."""
    if len(part) < 2 or part[0] != words[0] or part[-1] != words[-1]:
        return False
    rest = iter(words[1:-1])
    return all(any(w == p or (len(p) == 1 and w.startswith(p)) for w in rest) for p in part[1:-1])


def _initials(words: list[str]) -> str:
    """ "national football league" -> "nfl"; "the music factory" -> "tmf"."""
    return "".join(w[0] for w in words if w not in ("of", "and", "for", "de", "&"))


def _key(m: Mention, people: dict[str, str], editions: dict[str, set[str]]) -> str:
    if m.alias_of is not None:
        return _key(m.alias_of, people, editions)
    if m.entry is not None:
        return gazetteer_key(m.entry.type, m.entry.label)
    folded = match_key(m.label)
    if m.type is EntityType.Person:
        return "name:" + people.get(folded, folded)
    if m.type is EntityType.Event:
        # "Ankara Summit" is the document's one edition of it, when it names one year only.
        year, base = _edition(folded)
        if year is None and len(editions.get(base, ())) == 1:
            folded = f"{next(iter(editions[base]))} {base}"
    return "name:" + folded


_YEAR = re.compile(r"^(\d{4}) (.+)$|^(.+) (\d{4})$")


def _edition(folded: str) -> tuple[str | None, str]:
    """ "1992 winter olympics" -> ("1992", "winter olympics"); a name with no year -> (None, name)."""
    m = _YEAR.match(folded)
    if m is None:
        return None, folded
    return (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))


def _editions(mentions: list[Mention]) -> dict[str, set[str]]:
    """The years each event is named with in the document: "1992 Winter
    Olympics" and "1994 Winter Olympics" are two editions, two events."""
    out: dict[str, set[str]] = defaultdict(set)
    for m in mentions:
        if m.type is EntityType.Event and m.entry is None and m.alias_of is None:
            year, base = _edition(match_key(m.label))
            if year is not None:
                out[base].add(year)
    return out


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _people(mentions: list[Mention]) -> dict[str, str]:
    """First or last name -> the full name it stands for, when only one
    full name in the document fits. A generational suffix is not a name."""
    full = {match_key(m.label) for m in mentions if m.type is EntityType.Person and len(m.label.split()) > 1}
    parts: dict[str, set[str]] = defaultdict(set)
    for name in full:
        words = name.split()
        while len(words) > 1 and words[-1] in _SUFFIXES:
            words = words[:-1]
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
        # "Turkish firms" names Türkiye by its demonym: kept as a name the document uses for the
        # country (a user may look it up by it, and NER benchmarks count it as the country's
        # mention), never as its label.
        entity.aliases.add(_clean(m.label))
        return
    if m.surface and _clean(m.surface) != _clean(m.label):
        entity.aliases.add(_clean(m.surface))
    if m.bare:
        entity.aliases.add(m.bare)  # "F414 engine" is also "F414"
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
    label = " ".join(strip_format(label).split())
    return re.sub(r"^(?:the|The)\s+", "", label)
