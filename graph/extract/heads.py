"""Typing rules: which of the eleven types a name is, from its own words.

A name's head (its last words: "Bridge", "Inc.", "Summit") or its opening
("Ministry of", "University of", "Memorandum of Understanding") says what kind
of thing it is in most English news prose. These rules type names found by
the phrase scanner and by statistical NER alike."""

from __future__ import annotations

import re
from functools import lru_cache

from graph.names import fold
from graph.vocab import EntityType

__all__ = ["type_by_head", "TITLES", "PRODUCT_HEADS", "HEAD_WORDS", "is_model_code"]

T = EntityType

# Heads, longest first within a type; matched on the folded last words.
_HEADS: list[tuple[EntityType, tuple[str, ...]]] = [
    (
        T.Firm,
        (
            "news agency",
            "news service",
            "inc",
            "corp",
            "corporation",
            "co",
            "company",
            "ltd",
            "limited",
            "llc",
            "plc",
            "holding",
            "holdings",
            "group",
            "industries",
            "industry co",
            "e c",
            "c t",
            "bank",
            "a s",
            "a ş",
            "ag",
            "gmbh",
            "sa",
            "s a",
            "spa",
            "s p a",
            "nv",
            "bv",
            "kk",
            "motors",
            "motor",
            "airlines",
            "airways",
            "shipbuilding",
            "heavy industries",
            "aerospace",
            "systems",
            "electronics",
            "energy inc",
            "construction",
            "engineering",
            "technologies",
            "steel",
            "chemicals",
            "petroleum",
            "telecom",
            "enterprises",
            "partners",
            "capital",
            "securities",
            "insurance",
            "otomotiv",
            "sanayi",
        ),
    ),
    (
        T.GovernmentBody,
        (
            "ministry",
            "administration",
            "authority",
            "agency",
            "commission",
            "court",
            "council",
            "directorate",
            "presidency",
            "parliament",
            "assembly",
            "senate",
            "congress",
            "cabinet",
            "armed forces",
            "army",
            "navy",
            "air force",
            "coast guard",
            "police",
            "embassy",
            "consulate",
            "office",
            "department",
            "bureau",
            "secretariat",
            "command",
            "forces",
            "guard",
            "service",
            "regulator",
            "board",
            "central bank",
            "municipality",
            "governorship",
        ),
    ),
    (
        T.Place,
        (
            "exhibition center",
            "exhibition centre",
            "convention center",
            "convention centre",
            "congress center",
            "congress centre",
            "expo center",
            "stadium",
            "arena",
            "palace",
            "square",
            "air base",
            "naval base",
            "airbase",
            "province",
            "district",
            "county",
            "peninsula",
            "strait",
            "island",
            "islands",
            "governorate",
            "oblast",
            "prefecture",
            "industrial zone",
        ),
    ),
    (
        T.ResearchOrganization,
        (
            "university",
            "institute",
            "center",
            "centre",
            "academy",
            "laboratory",
            "laboratories",
            "lab",
            "think tank",
            "foundation",
            "observatory",
            "research",
        ),
    ),
    (
        T.Project,
        (
            "nuclear power plant",
            "power plant",
            "power station",
            "plant",
            "bridge",
            "tunnel",
            "airport",
            "canal",
            "railway",
            "railroad",
            "high speed rail",
            "metro",
            "pipeline",
            "dam",
            "port",
            "harbor",
            "harbour",
            "highway",
            "motorway",
            "expressway",
            "corridor",
            "project",
            "programme",
            "program",
            "initiative",
            "refinery",
            "terminal",
            "complex",
            "shipyard",
            "zone",
        ),
    ),
    (
        T.Agreement,
        (
            "agreement",
            "free trade agreement",
            "treaty",
            "accord",
            "accords",
            "memorandum of understanding",
            "mou",
            "convention",
            "charter",
            "pact",
            "protocol",
            "partnership agreement",
            "declaration",
            "contract",
            "deal",
            "armistice",
            "fta",
            "cepa",
        ),
    ),
    (
        T.Event,
        (
            "summit",
            "visit",
            "state visit",
            "conference",
            "forum",
            "war",
            "olympics",
            "olympic games",
            "world cup",
            "exhibition",
            "expo",
            "fair",
            "games",
            "crisis",
            "earthquake",
            "earthquakes",
            "election",
            "elections",
            "revolution",
            "talks",
            "meeting",
            "annual meeting",
            "dialogue",
            "exercise",
            "exercises",
            "festival",
            "ceremony",
            "congress of",
            "show",
            "airshow",
            "anniversary",
            "invasion",
            "coup",
            "uprising",
        ),
    ),
    (
        T.Product,
        (
            "tank",
            "howitzer",
            "reactor",
            "engine",
            "fighter",
            "jet",
            "aircraft",
            "helicopter",
            "missile",
            "drone",
            "frigate",
            "destroyer",
            "corvette",
            "submarine",
            "trainer",
            "rifle",
            "launcher",
            "rocket",
            "satellite",
            "vehicle",
            "vessel",
            "ship",
            "carrier",
            "system",
            "radar",
            "locomotive",
        ),
    ),
]
# Openings that decide the type whatever the head is.
_OPENINGS: list[tuple[EntityType, tuple[str, ...]]] = [
    (
        T.GovernmentBody,
        (
            "ministry of",
            "ministry for",
            "office of",
            "presidency of",
            "directorate general",
            "general directorate",
            "agency for",
            "bureau of",
            "court of",
            "council of ministers",
            "house of",
        ),
    ),
    (
        T.ResearchOrganization,
        ("university of", "institute of", "institute for", "center for", "centre for", "academy of", "college of"),
    ),
    (
        T.Agreement,
        (
            "memorandum of understanding",
            "treaty of",
            "agreement on",
            "agreement between",
            "convention on",
            "protocol on",
            "accord on",
        ),
    ),
    (T.Event, ("battle of", "siege of", "war of", "summit on", "conference on")),
]

_HEAD_INDEX = sorted(
    ((tuple(fold(h).split()), t) for t, heads in _HEADS for h in heads), key=lambda item: -len(item[0])
)
_OPENING_INDEX = sorted(
    ((tuple(fold(h).split()), t) for t, heads in _OPENINGS for h in heads), key=lambda item: -len(item[0])
)

TITLES = {
    "president",
    "prime minister",
    "minister",
    "foreign minister",
    "defense minister",
    "defence minister",
    "trade minister",
    "energy minister",
    "vice president",
    "deputy prime minister",
    "deputy minister",
    "chancellor",
    "king",
    "queen",
    "crown prince",
    "prince",
    "emir",
    "sheikh",
    "sultan",
    "premier",
    "ambassador",
    "secretary",
    "secretary general",
    "secretary-general",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "chief executive",
    "governor",
    "mayor",
    "general",
    "admiral",
    "senator",
    "speaker",
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "professor",
    "director",
    "commissioner",
    "envoy",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "head",
    "founder",
    "analyst",
    "journalist",
}

PRODUCT_HEADS = {h for t, heads in _HEADS if t is T.Product for h in heads}
# Every word that can head an organisation, place or thing: never part of a person's name.
HEAD_WORDS = {w for _, heads in _HEADS + _OPENINGS for h in heads for w in fold(h).split() if len(w) > 2} - {"group"}
_MODEL_CODE = re.compile(r"^[A-Z]{1,5}-?\d{1,4}[A-Z]{0,2}$|^[A-Z]{1,4}\d{1,4}-[A-Z0-9]+$")
_NOT_PRODUCTS = {
    "covid-19",
    "covid19",
    "g20",
    "g-20",
    "g7",
    "g-7",
    "g8",
    "p5",
    "q1",
    "q2",
    "q3",
    "q4",
    "h1",
    "h2",
    "cop28",
    "cop29",
    "cop27",
    "cop26",
    "sdg",
    "mp3",
    "a4",
}


def is_model_code(word: str) -> bool:
    """ "K9", "FA-50", "APR-1400", "S-400": letters then digits, the way weapons,
    aircraft and reactor models are named."""
    return bool(_MODEL_CODE.match(word)) and word.casefold() not in _NOT_PRODUCTS


_HEADS_BY_LAST: dict[str, list[tuple[tuple[str, ...], EntityType]]] = {}
for _head, _kind in _HEAD_INDEX:
    _HEADS_BY_LAST.setdefault(_head[-1], []).append((_head, _kind))
_OPENINGS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], EntityType]]] = {}
for _opening, _kind in _OPENING_INDEX:
    _OPENINGS_BY_FIRST.setdefault(_opening[0], []).append((_opening, _kind))


@lru_cache(maxsize=65536)
def type_by_head(name: str) -> tuple[EntityType, str] | None:
    """The type a name's own words give it, with the rule that decided."""
    words = tuple(fold(name).split())
    if not words:
        return None
    for opening, kind in _OPENINGS_BY_FIRST.get(words[0], ()):
        if words[: len(opening)] == opening and len(words) > len(opening) - (1 if kind is T.Agreement else 0):
            return kind, "opening:" + " ".join(opening)
    for head, kind in _HEADS_BY_LAST.get(words[-1], ()):
        if len(words) > len(head) and words[-len(head) :] == head:
            return kind, "head:" + " ".join(head)
    return None
