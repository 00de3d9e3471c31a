"""Types from what the text says a name is.

The statistical recogniser's label is its weakest evidence: it calls a person
an organisation ("created by Walt Disney") and a region a firm ("the region of
Apulia"). Prose usually says what a thing is, in a few set ways:

- a definition: "Roketsan is a major Turkish weapons manufacturer ...",
  "Eivind Bolle (1923-2012) was a Norwegian politician";
- an apposition: "Aselsan, a defence electronics firm, ...";
- a role word just before the name: "the architect Jacques Blondel",
  "defence firm Aselsan", "singer Tarkan";
- a kind of place followed by "of": "the province of Ankara", "born in Hol";
- a side of a place: "Kolvik on the eastern side", "the western shore of Ostby".

The kind noun of the description ("manufacturer", "politician", "province")
types the name. Only names whose type came from the recogniser are retyped:
the gazetteer and the typing rules read the name itself and know better.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from graph.extract.gazetteer import given_names
from graph.extract.heads import type_by_head
from graph.extract.mentions import Mention
from graph.extract.sentences import Sentence
from graph.extract.syntax import KIND_NOUNS, PLACES
from graph.extract.words import LIFE_DAYS, LIFE_MARK, LIFESPAN
from graph.extract.world_places import place_countries
from graph.model import Entity
from graph.names import fold
from graph.vocab import EntityType

__all__ = ["retype_by_description", "kind_of_noun"]

_P = EntityType.Person
_F = EntityType.Firm
_O = EntityType.Organization
_G = EntityType.GovernmentBody
_R = EntityType.ResearchOrganization
_L = EntityType.Place
_C = EntityType.Country
_E = EntityType.Event
_D = EntityType.Product

# Kind nouns, singular, that anaphora does not read. Ambiguous ones ("producer": of films or of oil;
# "state") are left out.
_KINDS: dict[EntityType, str] = {
    _P: """politician statesman stateswoman singer songwriter actor actress writer author poet novelist
        playwright footballer player architect painter sculptor composer musician businessman businesswoman
        lawyer judge general officer diplomat professor journalist director king queen prince princess
        emperor empress bishop priest cardinal pope monk nun coach manager engineer entrepreneur executive
        founder minister president senator governor mayor soldier commander admiral colonel lieutenant
        sergeant philosopher theologian rapper drummer bassist vocalist guitarist pianist violinist cyclist
        athlete boxer wrestler swimmer skier racer jockey cricketer golfer sprinter runner chairman
        chairwoman chancellor premier ambassador envoy spokesman spokeswoman spokesperson son daughter wife
        husband brother sister father mother man woman boy girl astronaut pilot explorer missionary inventor
        physician surgeon nurse scholar historian economist scientist mathematician physicist chemist
        biologist linguist archaeologist anthropologist sociologist psychologist teacher lecturer
        photographer filmmaker screenwriter comedian presenter model dancer choreographer conductor designer
        banker investor trader merchant farmer activist campaigner lawmaker legislator deputy councillor
        councilor nobleman noblewoman aristocrat count countess duke duchess baron baroness knight lord lady
        sheikh sultan emir shah tsar czar pharaoh saint prophet rabbi imam cleric pastor reverend archbishop
        abbot warlord rebel guerrilla spy agent detective criminal murderer gangster outlaw pirate star
        celebrity leader figure""",
    _F: """carmaker automaker shipbuilder shipyard airline bank lender insurer retailer conglomerate supplier
        contractor subsidiary startup utility brewery distillery winery publisher label studio chain
        operator exporter importer refiner miner multinational enterprise business""",
    _O: """band group duo trio quartet choir orchestra ensemble party club team newspaper magazine tabloid
        broadcaster charity foundation association organisation organization ngo union federation league
        society movement trust alliance coalition fraternity sorority order militia""",
    _G: """army navy police legislature parliament senate court tribunal regiment battalion brigade squadron
        fleet administration cabinet""",
    _R: """college school academy laboratory seminary conservatory""",
    _L: """port zone prefecture governorate oblast canton peninsula bay strait desert forest locality
        metropolis fortress castle palace cathedral church mosque temple monastery stadium arena airport
        harbour harbor tunnel dam reservoir canal street square avenue road highway archipelago plateau
        glacier volcano waterfall creek estuary lagoon coast beach cape headland hill peak""",
    _C: """principality emirate sultanate""",
    _E: """competition conference expedition rebellion revolution uprising siege massacre earthquake hurricane
        ceremony""",
    _D: """single movie book opera musical video game airliner helicopter missile rifle car frigate corvette
        destroyer submarine locomotive drug vaccine software console smartphone satellite rocket sitcom""",
}
# Beside the kind nouns anaphora reads ("the company", "the province"; syntax.KIND_NOUNS), where they
# say one type, but "plant" (a power plant, or a flower) and "department" (a ministry's, or France's).
_KIND_OF: dict[str, EntityType] = {
    **{n: next(iter(kinds)) for n, kinds in KIND_NOUNS.items() if len(kinds) == 1 and n not in ("plant", "department")},
    **{noun: kind for kind, nouns in _KINDS.items() for noun in nouns.split()},
}
# Kinds of place that name the place after "of": "the province of Ankara", "the town of Hol".
_PLACE_OF = {n for n, k in _KIND_OF.items() if k in (_L, _C)} - {"capital", "castle", "palace", "church"}

_STOP = set(
    """who whom whose which that based located founded born known best from in on at of for with by to and
    or but as since until during after before where when while than like under near between whose also
    formerly currently now often mainly originally""".split()
)
_COPULA = re.compile(
    r"^\s*(?:\([^()]{0,160}\)\s*)?,?\s*(?:is|was|are|were|has been|had been|became|remains|remained)\s+"
    r"(?:a|an|the|one of the)\s+(?P<desc>[^.;:()\[\]\"“”]{1,120})"
)
_APPOSITION = re.compile(r"^\s*,\s*(?:a|an|the)\s+(?P<desc>[^.;:,()\[\]\"“”]{1,100})")
_BEFORE = re.compile(r"(?:^|[\s(,])(?P<noun>[a-z][a-z-]+)\s+$")
# "the deputy mayor is Terje Halleland": a kind noun, then "is" or "was", then the name it names.
_NOUN_IS = re.compile(
    r"(?:^|[\s(,])(?:[Tt]he|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er)\s+(?:[a-z-]+\s+)?(?P<noun>[a-z][a-z-]+)\s+(?:is|was)\s+$"
)
_BEFORE_OF = re.compile(r"(?:^|[\s(,])(?P<noun>[a-z]+)\s+of\s+(?:the\s+)?$")
# Words that put a place after them: "born in Hol", "north of Carlisle", "a firm based in Izmir".
_WHERE = re.compile(
    r"\b(?:born\s+(?:in|at)|died\s+(?:in|at)|(?:located|situated|based|headquartered)\s+in|near|outside"
    r"|(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of"
    r"|(?:bordered|bounded)\s+by|on\s+the\s+(?:north|south|east|west)(?:-?(?:east|west))?\s+by)\s+(?:the\s+)?$"
)
# Words only a person's name follows: kin ("the son of Carl Ek"), a spouse ("she married Ole Berg"),
# the maker of a work ("a film directed by Ana Ruiz"; not "produced by", which studios are).
_PERSON_BEFORE = re.compile(
    r"\b(?:(?:son|daughter|wife|husband|widow|widower|father|mother|brother|sister|grandson|granddaughter"
    r"|grandfather|grandmother|nephew|niece|cousin|uncle|aunt|stepson|stepdaughter|stepfather|stepmother)s?\s+of"
    r"|married|(?:co-?)?(?:directed|written|authored|penned|composed|illustrated|painted|sculpted|narrated)\s+by)"
    r"\s+$"
)
# Kinds of land that follow a name in English ("the Lazio region"); not the works people name after
# people ("the Kennedy airport", "the Atatürk dam").
_AREAS = set(
    """region province county district municipality city town village valley river lake island peninsula
    coast bay oblast prefecture governorate canton commune comune borough parish township suburb hamlet
    settlement""".split()
)
# Nouns whose "of" names a place: "the University of Kiel", "the universities of Münster and Munich",
# "the Bishop of Ely", "the mayor of Tarvik" (not "president of", which firms and states have alike).
_OF_A_PLACE = set(
    """university universities diocese dioceses archdiocese bishop bishops archbishop mayor mayors burgomaster
    bishopric""".split()
)
_OF_PLACES = _PLACE_OF | _OF_A_PLACE
_KIND_AFTER = re.compile(r"\s+(?P<noun>[a-z]+)\b(?!-)")
_THE_BEFORE = re.compile(r"(?:^|\s)the\s+$", re.I)
_LEAD = re.compile(r"^\s*(?:(?:the|The)\s+)?$")
# A side of a place, in either order: "Kolvik on the eastern side (of the bay)", "the western shore of Ostby".
_SIDE = (
    r"(?:the|its)\s+(?:(?:north|south|east|west)(?:ern)?|(?:north|south)-?(?:east|west)(?:ern)?|opposite|far"
    r"|[A-Z][a-z]+an)\s+(?:side|shore|bank|coast|end|edge|flank)s?"
)
_ON_SIDE = re.compile(rf"^\s+on\s+{_SIDE}\b")
_SIDE_OF = re.compile(rf"\b{_SIDE}\s+of\s+(?:the\s+)?$")


def kind_of_noun(word: str) -> EntityType | None:
    """The type a kind noun says ("manufacturer" -> Firm, "provinces" -> Place), or None."""
    word = word.lower().rsplit("-", 1)[-1]  # "singer-songwriter": the last part says the kind
    for form in (word, word[:-1] if word.endswith("s") else "", word[:-2] if word.endswith("es") else ""):
        if form in _KIND_OF:
            return _KIND_OF[form]
    if word.endswith("ies") and word[:-3] + "y" in _KIND_OF:
        return _KIND_OF[word[:-3] + "y"]
    if len(word) > 5 and word.endswith(("ist", "ian")) and word not in ("christian", "orthodox"):
        return _P  # journalist, pianist, politician, historian: people by their calling
    return None


def _head_of(desc: str) -> str | None:
    """The kind noun of a description: its last lower-case word before a
    preposition, a relative word or a verb ("major Turkish weapons
    manufacturer based in Ankara" -> "manufacturer")."""
    words = desc.split()
    head = None
    for word in words:
        bare = word.strip(",")
        if bare.lower() in _STOP:
            break
        if bare[:1].islower() and bare.replace("-", "").isalpha():
            head = bare
        if word.endswith(","):
            break
    return head


# Characters read on either side of a name: the few words a description takes. A bounded window keeps
# the work per name constant, however long the "sentence" (a list, a table, a page without full stops).
_BEFORE_WINDOW = 80
_AFTER_WINDOW = 240


def _before(text: str, sentence: Sentence, m: Mention) -> str:
    low = max(sentence.start, m.start - _BEFORE_WINDOW)
    if low > sentence.start:
        low = text.find(" ", low, m.start) + 1 or m.start  # from a word's start, not from inside one
    return text[low : m.start]


def _described(text: str, sentence: Sentence, m: Mention) -> EntityType | None:
    after = text[m.end : min(sentence.end, m.end + _AFTER_WINDOW)]
    opening = m.start - sentence.start <= len(" The ") and _LEAD.match(text[sentence.start : m.start])
    for pattern in (_COPULA, _APPOSITION) if opening else (_APPOSITION,):
        found = pattern.match(after)
        kind = kind_of_noun(_head_of(found.group("desc")) or "") if found else None
        if kind is not None:
            return kind
    before = _before(text, sentence, m)
    if LIFE_MARK.match(after) or _PERSON_BEFORE.search(before):
        return _P
    match = _BEFORE_OF.search(before)
    if (match and match.group("noun") in _OF_PLACES) or _WHERE.search(before) or _SIDE_OF.search(before):
        return _L
    if _ON_SIDE.match(after):
        return _L
    kind_after = _KIND_AFTER.match(after)
    if kind_after and kind_after.group("noun") in _AREAS and _THE_BEFORE.search(before):
        return _L  # "the Lazio region", "the Hordaland county": the kind of place follows its name
    match = _NOUN_IS.search(before) or _BEFORE.search(before)
    return kind_of_noun(match.group("noun")) if match else None


_IN_BEFORE = re.compile(r"(?:^|\s)in\s+$")
_POSSESSIVE_AFTER = re.compile(r"['’]")


def _in_a_place(text: str, sentence: Sentence, m: Mention, entity: Entity) -> EntityType | None:
    """ "the institute of hygiene in Kiel": one word the recogniser called a person, right after
    "in", is a place (a person after "in" is someone's: "in Obama's speech")."""
    if entity.method != "ner:PERSON" or " " in entity.label or _POSSESSIVE_AFTER.match(text, m.end):
        return None
    return _L if _IN_BEFORE.search(_before(text, sentence, m)) else None


def _lived(text: str, m: Mention, entity: Entity) -> EntityType | None:
    """ "Eva Holm (1 May 1901 – 2 June 1980)": days of birth and death after a person-shaped name are
    a life; years alone ("(1901–1980)") only after a given name, as states and firms have them too."""
    if entity.method not in ("ner:ORG", "ner:PERSON") or not _person_shaped(entity.label):
        return None
    if LIFE_DAYS.match(text, m.end, m.end + 60):
        return _P
    if LIFESPAN.match(text, m.end, m.end + 60) and _opens_with_given_name(entity.label):
        return _P
    return None


_LIST_GAP = re.compile(r"^(?:,\s*|,?\s+(?:and|or)\s+)(?:the\s+)?$")
_PLACE_AFTER = re.compile(r"^,\s*$")


def _sure(entity: Entity) -> bool:
    """Typed by the gazetteer or a rule, or read as a place or a person by the recogniser (its
    surest labels; a person only where the name has a person's shape)."""
    if entity.method == "ner:PERSON":
        return entity.type is _P and _person_shaped(entity.label)
    return not entity.method.startswith("ner") or entity.method in ("ner:GPE", "ner:LOC")


def _by_neighbours(text: str, order: list[tuple[Mention, Entity]], i: int) -> EntityType | None:
    """ "Danbury, Connecticut": a name followed by a comma and a surely typed place is a place in it.
    "Florence, Siena and Forlì": a name listed between two surely typed names of one kind is of it."""
    m = order[i][0]
    if i + 1 < len(order):
        nxt, after = order[i + 1]
        if (
            nxt.sentence == m.sentence
            and _PLACE_AFTER.match(text[m.end : nxt.start])
            and _sure(after)
            and after.type in PLACES
            and text[nxt.end : nxt.end + 1] not in ("'", "’")
        ):
            return _L
    mates = []
    for j in (i - 1, i + 1):
        if 0 <= j < len(order) and order[j][0].sentence == m.sentence:
            other = order[j][0]
            gap = text[other.end : m.start] if j < i else text[m.end : other.start]
            if _LIST_GAP.match(gap) and _sure(order[j][1]):
                mates.append(order[j][1])
    kinds = {_L if e.type in PLACES else e.type for e in mates}
    kind = kinds.pop() if len(mates) == 2 and len(kinds) == 1 else None
    if kind is _P and not _person_shaped(order[i][1].label):
        return None  # "Ann Lee, Old Crow Medicine Show and Tom Hart": a band among people is no person
    return kind


# Words that make a name a body's even when it opens with a given name ("Walt Disney Pictures").
_BODY_WORDS = set(
    """group media records pictures studios films productions entertainment capital partners holdings energy
    motors airlines airways bank press publishing sports brothers sons associates systems technologies solutions
    foundation trust fund network networks communications international global ventures consulting services
    team racing club""".split()
)
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÞĀ-Ž][\w'’-]+|[A-Z]\.)$")


def _person_shaped(label: str) -> bool:
    """Two to four capitalised words, none of them a word bodies are named with."""
    words = label.split()
    return (
        2 <= len(words) <= 4
        and all(_NAME_WORD.match(w) for w in words)
        and not any(w.lower() in _BODY_WORDS for w in words)
        and type_by_head(label) is None
    )


def _named_like_a_person(entity: Entity) -> bool:
    """ "Omer Beriziky", "Christina Aguilera": a person-shaped name opening with a given name is a
    person's name the recogniser took for a body's."""
    if entity.method != "ner:ORG" or not _person_shaped(entity.label):
        return False
    return _opens_with_given_name(entity.label)


def _opens_with_given_name(label: str) -> bool:
    return fold(label.split()[0].split("-")[0]) in given_names()


_EXAMPLES = re.compile(
    r"\b(?P<noun>[A-Za-z][a-z-]+)\s*,?\s+(?:such as|like|including|notably|especially)\s+(?:the\s+)?$"
)


def _exemplified(text: str, sentences: list[Sentence], order: list[tuple[Mention, Entity]]) -> dict[int, EntityType]:
    """ "companies such as SK E&C, Daelim and Hyundai E&C", "stars like Celine Dion and Sylvester
    Stallone": every name of the list after "such as" is one of the plural noun before it."""
    out: dict[int, EntityType] = {}
    for i, (m, _) in enumerate(order):
        sentence = sentences[m.sentence]
        found = _EXAMPLES.search(text, max(sentence.start, m.start - _BEFORE_WINDOW), m.start)
        if found is None or found.end() != m.start:
            continue
        noun = found.group("noun").lower()
        kind = kind_of_noun(noun) if noun.endswith("s") else None
        j = i
        while kind is not None and j < len(order):
            out[id(order[j][0])] = kind
            nxt = order[j + 1][0] if j + 1 < len(order) else None
            if nxt is None or nxt.sentence != m.sentence or not _LIST_GAP.match(text[order[j][0].end : nxt.start]):
                break
            j += 1
    return out


_NAME_WORDS = r"[A-ZÀ-ÞĀ-Ž][\w'’-]*(?:\s+[A-ZÀ-ÞĀ-Ž][\w'’-]*){0,2}"
# The rest of a list up to a plural noun after its last name: ", Gifu and Mie prefectures".
_REST_OF_LIST = re.compile(rf"(?:\s*,\s*{_NAME_WORDS})*\s*,?\s+(?:and|or)\s+{_NAME_WORDS}\s+(?P<noun>[a-z]+s)\b")
_AREAS_AFTER = re.compile(r"\s+(?P<noun>[a-z]+s)\b")


def _plural_area(noun: str) -> bool:
    return noun.endswith("s") and (noun[:-1] in _AREAS or (noun.endswith("ies") and noun[:-3] + "y" in _AREAS))


def _listed_areas(text: str, order: list[tuple[Mention, Entity]]) -> dict[int, EntityType]:
    """ "Aichi, Gifu and Mie prefectures", "the Dodoma and Iringa regions": a list closed by a plural
    kind of land is a list of places, every name of it (one name before the plural is no list)."""
    out: dict[int, EntityType] = {}
    for i, (m, _) in enumerate(order):
        rest = _REST_OF_LIST.match(text, m.end, m.end + _AFTER_WINDOW)
        if rest and _plural_area(rest.group("noun")):
            out[id(m)] = _L
        after, entity_after = order[i + 1] if i + 1 < len(order) else (None, None)
        if (
            after is not None
            and entity_after is not None
            and after.sentence == m.sentence
            and _LIST_GAP.match(text[m.end : after.start])
            and _plural_area(after.label.split()[-1].lower())
        ):
            out[id(m)] = _L  # "the Iringa and Dodoma Regions"
        last = _AREAS_AFTER.match(text, m.end)
        before = order[i - 1][0] if i else None
        if (
            last
            and _plural_area(last.group("noun"))
            and before is not None
            and before.sentence == m.sentence
            and _LIST_GAP.match(text[before.end : m.start])
        ):
            out[id(m)] = _L
    return out


def _retypable(entity: Entity) -> bool:
    """Typed by the recogniser, or by a place's opening word alone ("the actress Lake Bell")."""
    return entity.method.startswith("ner") or entity.method.startswith("pattern:place opening")


_WHERE_BEFORE = re.compile(
    r"(?:^|\s)(?:in|at|on|near|outside|around|across|through|throughout|within|into|past|via)\s+(?:the\s+)?$"
)


def _town(text: str, sentences: list[Sentence], order: list[tuple[Mention, Entity]], i: int) -> EntityType | None:
    """ "a unit raised in Ryazan", the name read as an organisation's: a name the list of the world's
    places knows, that the recogniser could not call a person or a place and the text does not
    describe, is the town where a preposition of place stands before it, or before the list it ends
    ("educated at Montreal and Nicolet"), or where a place is listed with it; one word it called a
    person, only where a place is listed with it ("in Kocaeli and Gebze"). Elsewhere such a name
    may be a club or a firm named after its town ("Chelsea signed him")."""
    m, entity = order[i]
    one_word_person = entity.method == "ner:PERSON" and " " not in entity.label  # "in Kocaeli and Gebze"
    if (entity.type in (_P, _L, _C) and not one_word_person) or place_countries(entity.label) is None:
        return None
    first = i
    while first > 0 and order[first - 1][0].sentence == m.sentence:
        before = order[first - 1][0]
        if not _LIST_GAP.match(text[before.end : order[first][0].start]):
            break
        if order[first - 1][1].type in PLACES:
            return _L
        first -= 1
    if one_word_person or _POSSESSIVE_AFTER.match(text, m.end):
        return None  # "in Obama's speech": a person the recogniser saw is a town only among places
    opener = order[first][0]
    return _L if _WHERE_BEFORE.search(_before(text, sentences[opener.sentence], opener)) else None


def _typed_by_head(entity: Entity) -> bool:
    return entity.method.startswith("pattern:head")


def retype_by_description(
    text: str, sentences: list[Sentence], entities: dict[str, Entity], mentions: list[Mention], keys: list[str]
) -> None:
    """Give each name the recogniser typed the type its descriptions agree on (in place)."""
    votes: dict[str, Counter[EntityType]] = defaultdict(Counter)
    order = sorted(
        ((m, entities[k]) for m, k in zip(mentions, keys, strict=False) if k in entities and not m.nested),
        key=lambda pair: pair[0].start,
    )
    position = {id(m): n for n, (m, _) in enumerate(order)}
    exemplified = _exemplified(text, sentences, order) | _listed_areas(text, order)
    for m, key in zip(mentions, keys, strict=False):
        entity = entities.get(key)
        if entity is None or m.nested:
            continue
        if _typed_by_head(entity):
            # "Varnholt Games is a video game developer": what the text says the name is outweighs
            # the kind its last word suggests; nothing weaker than a description does
            kind = _described(text, sentences[m.sentence], m)
            if kind is not None:
                votes[key][kind] += 1
            continue
        if not _retypable(entity):
            continue
        kind = (
            exemplified.get(id(m))
            or _lived(text, m, entity)
            or _in_a_place(text, sentences[m.sentence], m, entity)
            or _described(text, sentences[m.sentence], m)
            or _by_neighbours(text, order, position[id(m)])
            or _town(text, sentences, order, position[id(m)])
        )
        if kind is not None:
            votes[key][kind] += 1
        elif _named_like_a_person(entity):
            votes[key][_P] += 1
    for key, counted in votes.items():
        (kind, n), *rest = counted.most_common()
        if rest and rest[0][1] == n:
            continue  # the text describes it two ways as often: no reading wins
        entities[key].type = kind
        for m, k in zip(mentions, keys, strict=False):
            if k == key:
                m.type = kind
