"""Ties read from sentence structure: spaCy's dependency parse of the clauses
that name two or more entities, and the grammatical paths that join two names.

A path is one of: the subject and an object of one verb (active or passive;
the verb's lemma, with its preposition, chooses the kind), a name and a
modifier of the noun it stands for (a possessive, a preposition, a compound,
a nationality adjective), with the noun it stands for being its apposition or
the complement of "is"/"serves as" (role nouns: "X, chief executive of Y";
"X is a town in Y"), a nominalised verb ("the construction of X by Y"),
"between A and B", and a chain of places ("A, B, C"). Each conjunct of a
coordination fills its conjunction's slot on its own; a modifier stays with
the noun it modifies ("A's X and B's Y"). Two names with none of these paths
between them get no link here."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graph.extract.attributes import FastAttributes, UnreadableRule
from graph.extract.ner import ner_model_name
from graph.vocab import EntityType, Relation

__all__ = [
    "KIND_NOUNS",
    "Anaphor",
    "Link",
    "Name",
    "anaphors",
    "clauses",
    "descriptions",
    "links",
    "parse",
    "parser_available",
    "spatial",
]


_ORG_TYPES = {"Firm", "GovernmentBody", "InternationalOrganization", "ResearchOrganization", "Organization"}
ORGS = {t for t in EntityType if t.value in _ORG_TYPES}
ACTORS = ORGS | {EntityType.Country, EntityType.Person}
PLACES = {EntityType.Place, EntityType.Country}
THINGS = {EntityType.Project, EntityType.Product, EntityType.Agreement, EntityType.Event}


@lru_cache(maxsize=1)
def _parser():
    """The installed model with its parser, tagger and lemmatizer; without its
    recogniser (names come from the mention stage)."""
    name = ner_model_name()
    return None if name is None else importlib.import_module(name).load(exclude=["ner"])


def parser_available() -> bool:
    return _parser() is not None


@lru_cache(maxsize=1)
def _fast_attributes() -> FastAttributes | None:
    """The model's attribute rules applied without spaCy's Matcher (see graph.extract.attributes), or
    None where the model has no such ruler or one with rules that module does not read."""
    nlp = _parser()
    if nlp is None or not {"attribute_ruler", "lemmatizer"} <= set(nlp.pipe_names):
        return None
    if nlp.pipe_names[-2:] != ["attribute_ruler", "lemmatizer"]:
        return None  # the two must come last: they are run after the others, in this order
    try:
        return FastAttributes(nlp.get_pipe("attribute_ruler"), nlp.vocab)
    except UnreadableRule:
        return None


def parse(texts: list[str]) -> list:
    """spaCy Docs for TEXTS, in order (empty when no model is installed).
    Footnote marks ("[3]", "[vii]") are blanked first, keeping every offset:
    the parser reads "reactor[vii]" as one word."""
    nlp = _parser()
    if nlp is None or not texts:
        return []
    blanked = (_FOOTNOTE.sub(lambda m: " " * len(m.group()), t) for t in texts)
    fast = _fast_attributes()
    if fast is None:
        return list(nlp.pipe(blanked, batch_size=64))
    lemmatizer = nlp.get_pipe("lemmatizer")
    with nlp.select_pipes(disable=["attribute_ruler", "lemmatizer"]):
        docs = list(nlp.pipe(blanked, batch_size=64))
    return [lemmatizer(fast(doc)) for doc in docs]


_FOOTNOTE = re.compile(r"\[(?:\d{1,3}|[ivxlc]{1,6}|[a-z])\]")


# A semicolon, or a contrast after a comma, ends a clause: names on its two
# sides are about different things ("A signed X; B signed Y").
_CLAUSE_BREAK = re.compile(r";|,\s+(?:but|whereas|while|although|though|yet|however)\b", re.I)


def clauses(sentence: str, cut: int | None = None) -> list[tuple[int, int]]:
    """The clauses of SENTENCE as (start, end) offsets into it; CUT, when
    given, is one more boundary (the comma after "While A ...")."""
    bounds = sorted(
        {0, len(sentence), *(m.start() for m in _CLAUSE_BREAK.finditer(sentence))} | ({cut} if cut else set())
    )
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if sentence[a:b].strip()]


@dataclass(frozen=True, slots=True)
class Name:
    """A named entity in a clause (offsets into the clause)."""

    start: int
    end: int
    type: EntityType
    demonym: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """A grammatical path from name SUBJECT to name OBJECT (indices into the
    names given); RELATION None when the path names no kind."""

    subject: int
    object: int
    relation: Relation | None
    method: str


@dataclass(frozen=True, slots=True)
class Anaphor:
    """A pronoun or definite description that can stand for an earlier
    entity of one of TYPES (offsets into the clause)."""

    start: int
    end: int
    types: frozenset[EntityType]
    noun: str | None = None  # a described noun: the entity said to be one
    plural: bool = False  # "these efforts": every name of one kind the text has just listed
    pointing: bool = False  # "this visit": a demonstrative, pointing back at what was just told
    binder: int | None = None  # a possessive's clause subject, a name (index into the names): "X sold its stake"


_PRONOUNS = {
    "he": {EntityType.Person},
    "she": {EntityType.Person},
    "his": {EntityType.Person},
    "her": {EntityType.Person},
    "him": {EntityType.Person},
    "it": ACTORS - {EntityType.Person} | THINGS | {EntityType.Place},
    "its": ACTORS - {EntityType.Person} | THINGS | {EntityType.Place},
}
KIND_NOUNS: dict[str, set[EntityType]] = {
    **dict.fromkeys(
        ["company", "firm", "corporation", "manufacturer", "maker", "builder", "carrier"], {EntityType.Firm}
    ),
    **dict.fromkeys(["ministry", "agency", "government", "department", "authority"], {EntityType.GovernmentBody}),
    **dict.fromkeys(
        [
            "organisation",
            "organization",
            "alliance",
            "bloc",
            "club",
            "team",
            "band",
            "newspaper",
            "magazine",
            "school",
            "college",
            "party",
            "label",
            "broadcaster",
            "station",
        ],
        ORGS,
    ),
    **dict.fromkeys(["university", "institute"], {EntityType.ResearchOrganization}),
    **dict.fromkeys(["country", "nation", "republic", "kingdom"], {EntityType.Country}),
    **dict.fromkeys(
        [
            "city",
            "town",
            "village",
            "hamlet",
            "municipality",
            "comune",
            "commune",
            "county",
            "district",
            "region",
            "province",
            "island",
            "river",
            "lake",
            "mountain",
            "suburb",
            "borough",
            "parish",
            "township",
            "capital",
            "settlement",
            "neighbourhood",
            "neighborhood",
            "valley",
            "tributary",
        ],
        {EntityType.Place},
    ),
    **dict.fromkeys(["agreement", "treaty", "deal", "contract", "accord", "memorandum"], {EntityType.Agreement}),
    **dict.fromkeys(
        ["summit", "war", "battle", "tournament", "championship", "election", "festival"], {EntityType.Event}
    ),
    **dict.fromkeys(["project", "plant", "bridge", "programme", "program"], {EntityType.Project}),
    **dict.fromkeys(["film", "album", "song", "novel", "tank", "aircraft", "ship", "vehicle"], {EntityType.Product}),
}


def anaphors(doc, names: list[Name], described: frozenset[str] = frozenset()) -> list[Anaphor]:
    """Pronouns and definite descriptions ("the company", "this agreement",
    or "the monument" after "X is a monument": DESCRIBED holds the nouns the
    document has said a name is) outside every name."""
    taken = {t.i for n in names if (span := doc.char_span(n.start, n.end, alignment_mode="expand")) for t in span}
    out = []
    for tok in doc:
        if tok.i in taken:
            continue
        lower = tok.lower_
        if tok.pos_ == "PRON" and lower in _PRONOUNS and tok.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "pobj"):
            binder = _binder(tok, names) if tok.dep_ == "poss" else None
            kinds = _PRONOUNS[lower]
            if tok.dep_ == "nsubjpass" and tok.head.lemma_.lower() in _TRADED:
                kinds = kinds - PLACES  # "it was sold in X": what is sold or shown is no place
            out.append(Anaphor(tok.idx, tok.idx + len(tok), frozenset(kinds), binder=binder))
        elif _of_a_name(tok, taken):
            continue  # "the town of Kolvik", "the province of Alberta": the noun is the name after it
        elif tok.pos_ == "NOUN" and tok.lemma_.lower() in described and _definite(tok):
            out.append(Anaphor(tok.idx, tok.idx + len(tok), frozenset(EntityType), tok.lemma_.lower()))
        elif tok.pos_ == "NOUN" and lower in KIND_NOUNS and _definite(tok):
            pointing = any(c.dep_ == "det" and c.lower_ in ("this", "that") for c in tok.children)
            out.append(Anaphor(tok.idx, tok.idx + len(tok), frozenset(KIND_NOUNS[lower]), pointing=pointing))
        elif tok.tag_ == "NNS" and _demonstrative(tok) and (kinds := _set_kinds(tok.lemma_.lower())):
            out.append(Anaphor(tok.idx, tok.idx + len(tok), frozenset(kinds), plural=True))
    return out


# Kinds of place whose noun is the name after its "of": "the town of X" is X ("the capital of X" is not).
NAMING_PLACES = {
    "city", "town", "village", "hamlet", "municipality", "comune", "commune", "county", "district", "region",
    "province", "island", "borough", "parish", "township", "state",
}  # fmt: skip


def _the_place_named(noun) -> bool:
    """ "the town (of X)": one kind of place, singular and definite."""
    return (
        noun.tag_ == "NN"
        and noun.lemma_.lower() in NAMING_PLACES
        and any(c.dep_ == "det" and c.lower_ == "the" for c in noun.children)
    )


def _of_a_name(noun, taken: set[int]) -> bool:
    """A kind of place followed by "of" and the name it is ("the town of X"), not a noun pointing back."""
    return (
        noun.pos_ == "NOUN"
        and _the_place_named(noun)
        and any(
            c.dep_ == "prep" and c.lower_ == "of" and any(p.dep_ == "pobj" and p.i in taken for p in c.children)
            for c in noun.children
        )
    )


_BINDING_STEPS = 6  # heads walked up from a possessive to its verb


def _binder(pronoun, names: list[Name]) -> int | None:
    """The name a possessive pronoun's own clause has for subject: "Türkiye builds A, and Poland
    uses B for its C" (its: Poland, not Türkiye). A subject that holds the pronoun binds nothing."""
    tok = pronoun
    for _ in range(_BINDING_STEPS):
        if tok.head is tok:
            return None
        tok = tok.head
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not subjects:
            if tok.dep_ in ("xcomp", "conj", "advcl"):
                continue  # "X agreed to sell its stake": the subject of the verb it hangs on
            return None
        subject = subjects[0]
        if subject.left_edge.i <= pronoun.i <= subject.right_edge.i:
            return None
        for candidate in (subject, *(c for c in subject.children if c.dep_ == "appos")):
            for n, name in enumerate(names):
                if name.start <= candidate.idx < name.end and not name.demonym:
                    return n
        return None
    return None


# Verbs whose passive subject is a thing made to be sold, shown or read, never a place.
_TRADED = {
    "sell",
    "market",
    "release",
    "show",
    "screen",
    "broadcast",
    "air",
    "publish",
    "print",
    "distribute",
    "export",
}

# What "these efforts", "those steps" may gather: the undertakings a text has just listed.
_UNDERTAKINGS = {"effort", "initiative", "undertaking", "venture", "work", "step", "move", "investment", "deal"}


def _set_kinds(lemma: str) -> set[EntityType]:
    if lemma in _UNDERTAKINGS:
        return {EntityType.Project, EntityType.Agreement, EntityType.Event}
    return KIND_NOUNS.get(lemma, set())


def _demonstrative(tok) -> bool:
    """ "These efforts", "those companies": a plural noun pointing back with "these" or "those"."""
    dets = [c for c in tok.children if c.dep_ == "det"]
    named = [c for c in tok.children if c.dep_ in ("compound", "poss", "nmod") and c.pos_ == "PROPN"]
    return bool(dets) and dets[0].lower_ in ("these", "those") and not named


def descriptions(doc, names: list[Name]) -> list[tuple[int, str]]:
    """(name, noun) for each common noun a name is said to be ("X is a
    monument", "X, a dam on ..."): a later "the monument" is X."""
    clause = _Clause(doc, names)
    return [
        (n, doc[i].lemma_.lower())
        for i, ns in clause.stands.items()
        for n in ns
        if i not in clause.owner and doc[i].pos_ == "NOUN"
    ]


def _definite(tok) -> bool:
    dets = [c for c in tok.children if c.dep_ == "det"]
    others = [c for c in tok.children if c.dep_ in ("compound", "amod", "poss", "nmod") and c.pos_ == "PROPN"]
    return bool(dets) and dets[0].lower_ in ("the", "this", "these") and not others and tok.tag_ == "NN"


# --- the kinds ---------------------------------------------------------------------------------------------------

# Verb lemma -> kinds it states, each for some (subject, object) types; the first that fits wins.
_VERBS: dict[str, list[tuple[Relation, set, set]]] = {}


def _verbs(relation: Relation, lemmas: Iterable[str], subjects: set, objects: set) -> None:
    for lemma in lemmas:
        _VERBS.setdefault(lemma, []).append((relation, subjects, objects))


_verbs(
    Relation.partyTo,
    ["sign", "ink", "conclude", "ratify", "negotiate", "accede", "adopt"],
    ACTORS,
    {EntityType.Agreement},
)
_verbs(Relation.memberOf, ["join", "rejoin"], ACTORS, ORGS)
_verbs(
    Relation.participatesIn,
    ["join", "participate", "attend", "compete", "contest", "win", "fight", "enter", "play"],
    ACTORS,
    {EntityType.Event, EntityType.Project},
)
_verbs(Relation.builds, ["build", "construct"], ACTORS, {EntityType.Project, EntityType.Product, EntityType.Place})
_verbs(Relation.supplies, ["supply", "deliver", "export", "sell", "provide"], ACTORS, THINGS | ACTORS)
_verbs(Relation.produces, ["produce", "manufacture", "make", "assemble"], ACTORS, {EntityType.Product})
_verbs(Relation.develops, ["develop", "design", "co-develop"], ACTORS, {EntityType.Product, EntityType.Project})
_verbs(Relation.investsIn, ["invest", "acquire"], ACTORS, ACTORS | THINGS | {EntityType.Place})
_verbs(
    Relation.finances,
    ["finance", "fund", "co-finance"],
    ACTORS,
    {EntityType.Project, EntityType.Product, EntityType.Event},
)
_verbs(
    Relation.leaderOf,
    ["lead", "head", "chair", "govern", "rule", "command", "captain"],
    {EntityType.Person},
    ORGS | PLACES,
)
_verbs(Relation.nationality, ["represent"], {EntityType.Person}, {EntityType.Country})
_verbs(Relation.memberOf, ["represent"], {EntityType.Person}, ORGS)

# Verb and preposition -> kind ("take part in", "play for", "was elected to").
_VERB_PREPS: dict[tuple[str, str], list[tuple[Relation, set, set]]] = {
    **dict.fromkeys(
        [("participate", "in"), ("compete", "in"), ("take", "in"), ("play", "in"), ("fight", "in")],
        [(Relation.participatesIn, ACTORS, {EntityType.Event, EntityType.Project})],
    ),
    **dict.fromkeys(
        [("play", "for"), ("elect", "to"), ("serve", "in"), ("serve", "on"), ("sign", "for"), ("join", "as")],
        [(Relation.memberOf, {EntityType.Person}, ORGS)],
    ),
    ("invest", "in"): [(Relation.investsIn, ACTORS, ACTORS | THINGS | PLACES)],
    ("bear", "in"): [(Relation.nationality, {EntityType.Person}, {EntityType.Country})],  # "born in Norway"
    **dict.fromkeys(
        [("work", "for"), ("work", "at"), ("work", "with")], [(Relation.memberOf, {EntityType.Person}, ORGS)]
    ),
    ("sign", "with"): [(Relation.partyTo, ACTORS, {EntityType.Agreement})],
    **dict.fromkeys(
        [("sign", "in"), ("sign", "at"), ("sign", "during"), ("conclude", "at"), ("conclude", "in")],
        [(Relation.signedAt, {EntityType.Agreement}, PLACES | {EntityType.Event})],
    ),
    ("represent", "at"): [(Relation.participatesIn, ACTORS, {EntityType.Event})],
    ("host", "in"): [(Relation.heldIn, {EntityType.Event}, PLACES)],
}
# Verbs that place their subject (or passive subject) where "in" or "at" says.
_LOCATIVE = {
    "locate",
    "situate",
    "base",
    "headquarter",
    "lie",
    "sit",
    "hold",
    "stage",
    "build",
    "construct",
    "found",
    "establish",
    "form",
    "open",
    "be",
    "take",
    "organise",
    "organize",
    "host",
    "center",
    "centre",
}
_SPATIAL_PREPS = {"in", "at", "within", "inside"}
_RECIPIENT_PREPS = {"for", "to", "with"}
_PART_NOUNS = {"part", "portion", "section", "seat", "centre", "center", "suburb", "quarter"}
# Nouns for a group that speak for the members they name with "of": "a consortium of A, B and C".
# Nouns for a form of a thing that speak for it: "a local version of the tank".
_PARTITIVES = {"version", "variant", "model", "prototype", "copy", "batch", "fleet", "derivative"}
_COLLECTIVES = {"consortium", "group", "coalition", "alliance", "venture", "partnership", "syndicate", "team", "pair"}
_NOT_TAKING_PART = {"bear", "die", "kill", "bury", "destroy", "damage", "close", "cancel"}
# Verbs whose passive says where a thing is ("published in X", "played at Y"), beside the locative ones.
_PLACING = _LOCATIVE | {
    "publish",
    "print",
    "incorporate",
    "register",
    "play",
    "bury",
    "set",
    "house",
    "station",
    "erect",
}

_LEADER_ROLES = {
    "president",
    "premier",
    "chancellor",
    "king",
    "queen",
    "emperor",
    "empress",
    "monarch",
    "sultan",
    "emir",
    "chairman",
    "chairwoman",
    "chairperson",
    "chair",
    "ceo",
    "executive",
    "head",
    "leader",
    "governor",
    "mayor",
    "commander",
    "chief",
    "ruler",
    "dictator",
    "secretary-general",
    "prime minister",
}
_MEMBER_ROLES = {
    "member",
    "player",
    "delegate",
    "representative",
    "senator",
    "deputy",
    "councillor",
    "councilor",
    "partner",
    "footballer",
    "midfielder",
    "defender",
    "forward",
    "striker",
    "goalkeeper",
    "singer",
    "guitarist",
    "drummer",
    "bassist",
    "vocalist",
    "employee",
    "officer",
    "politician",
}
_NATIONAL_ROLES = {"citizen", "national", "native", "resident"}

# Nominalised verbs: the noun's agent (possessive, "by") and object ("of", "in", "to").
_NOMINALS = {
    **dict.fromkeys(["construction", "building"], Relation.builds),
    **dict.fromkeys(["production", "manufacture", "manufacturing"], Relation.produces),
    **dict.fromkeys(["development", "design"], Relation.develops),
    **dict.fromkeys(["supply", "delivery", "sale", "export"], Relation.supplies),
    **dict.fromkeys(["investment", "acquisition"], Relation.investsIn),
    **dict.fromkeys(["financing", "funding"], Relation.finances),
    **dict.fromkeys(["membership", "accession"], Relation.memberOf),
    **dict.fromkeys(["participation", "part"], Relation.participatesIn),
    **dict.fromkeys(["signing", "ratification"], Relation.partyTo),
    # "Lee's visit to Türkiye": who went where; a tie of no narrower kind
    **dict.fromkeys(["visit", "trip", "mission", "tour"], Relation.tiedTo),
}
_AGENT_SLOTS = {"poss", "by", "amod"}
# The object of a nominalised verb: "of", and the verb's own preposition ("investment in", "accession to").
_OBJECT_SLOTS = {
    Relation.investsIn: {"of", "in", "into"},
    Relation.memberOf: {"of", "to"},
    Relation.tiedTo: {"to"},
}

_RANGES: dict[Relation, tuple[set, set]] = {
    Relation.partyTo: (ACTORS, {EntityType.Agreement}),
    Relation.memberOf: (ACTORS, ORGS | {EntityType.Agreement}),
    Relation.participatesIn: (ACTORS, {EntityType.Event, EntityType.Project}),
    Relation.builds: (ACTORS, {EntityType.Project, EntityType.Product, EntityType.Place}),
    Relation.supplies: (ACTORS, THINGS | ACTORS),
    Relation.produces: (ACTORS, {EntityType.Product}),
    Relation.develops: (ACTORS, {EntityType.Product, EntityType.Project}),
    Relation.investsIn: (ACTORS, ACTORS | THINGS | PLACES),
    Relation.finances: (ACTORS, {EntityType.Project, EntityType.Product, EntityType.Event}),
    Relation.leaderOf: ({EntityType.Person}, ORGS | PLACES),
}


def spatial(inner: EntityType, outer: EntityType) -> Relation | None:
    """The kind of "INNER in OUTER" for two named things, when it is one of place."""
    if outer not in PLACES:
        return None
    if inner in (EntityType.Place, EntityType.Project):
        return Relation.locatedIn
    if inner in ORGS:
        return Relation.basedIn if outer is EntityType.Country else Relation.locatedIn
    if inner is EntityType.Event:
        return Relation.heldIn
    return None


def _fits(relation: Relation, subject: EntityType, obj: EntityType) -> bool:
    subjects, objects = _RANGES.get(relation, (set(EntityType), set(EntityType)))
    return subject in subjects and obj in objects


# --- the parse -----------------------------------------------------------------------------------------------------

_WH = {"which", "that", "who", "whom", "whose"}
_SUBJECTS = ("nsubj", "csubj")
_OBJECTS = ("dobj", "dative", "oprd")
_COPULAS = {"be", "become", "remain"}
_AS_VERBS = {"serve", "act", "work", "elect", "appoint", "name"}


class _Clause:
    """A parsed clause and the names in it."""

    def __init__(self, doc, names: list[Name]) -> None:
        self.doc = doc
        self.names = names
        self.owner: dict[int, int] = {}  # token -> the name it is part of
        self.anchor: dict[int, Any] = {}  # name -> its head token
        for n, name in enumerate(names):
            span = doc.char_span(name.start, name.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            for tok in span:
                self.owner.setdefault(tok.i, n)
            self.anchor[n] = span.root
        self.stands: dict[int, set[int]] = {}  # token -> names it stands for (the name's head, its role nouns)
        for n, tok in self.anchor.items():
            for noun in [tok, *self._equals(n, tok)]:
                self.stands.setdefault(noun.i, set()).add(n)
        self.proxies: dict[int, set[int]] = {}  # common noun -> names it speaks for (see _proxies)
        self.weak: set[int] = set()  # nouns speaking for a name only by an adjective ("Korean technology")
        for tok in doc:
            if self.free(tok) and tok.i not in self.stands:
                found = self._proxies(tok)
                if found:
                    self.proxies[tok.i] = found
        self.found: dict[tuple[int, int], Link] = {}

    def who(self, tok) -> set[int]:
        if tok.i in self.stands:
            return self.stands[tok.i]
        if tok.i in self.owner:
            return {self.owner[tok.i]}
        return self.proxies.get(tok.i, set())

    def _proxies(self, noun, depth: int = 0) -> set[int]:
        """The names a common noun that names nothing speaks for: those it
        lists ("projects: the X, the Y", "companies such as A and B"), else
        the one it belongs to ("Hyundai Assan's factory", "the MILGEM
        programme", "Korean technology")."""
        listed = {n for c in noun.children if c.dep_ == "appos" for x in _spread(c) for n in self.named(x)}
        listed |= {
            n
            for c in noun.children
            if c.dep_ == "prep"
            and (c.lower_ in ("including", "like") or (c.lower_ == "as" and (_such(noun) or _such(c))))
            for p in [*_pobjs(c), *(x for cc in c.children if cc.dep_ == "prep" for x in _pobjs(cc))]
            for n in self.named(p)
        }
        listed |= {
            n
            for c in noun.children
            if c.dep_ == "prep" and c.lower_ == "of" and noun.lemma_.lower() in _COLLECTIVES | _PARTITIVES
            for p in _pobjs(c)
            for n in self.named(p)
        }
        # "a group that included A, B and C"
        listed |= {
            n
            for c in noun.children
            if c.dep_ == "relcl" and c.lemma_ in ("include", "comprise")
            for o in c.children
            if o.dep_ == "dobj"
            for x in _spread(o)
            for n in self.named(x)
        }
        if listed:
            return listed
        owners = {n for c in noun.children if c.dep_ in ("poss", "compound", "nmod", "nummod") for n in self.named(c)}
        if not owners and depth < 2:
            owners = {
                n for c in noun.children if c.dep_ == "compound" and self.free(c) for n in self._proxies(c, depth + 1)
            }
        if not owners:
            owners = {n for c in noun.children if c.dep_ == "amod" for n in self.named(c)}
            if owners:
                self.weak.add(noun.i)
        return owners

    def named(self, tok) -> set[int]:
        return {self.owner[tok.i]} if tok.i in self.owner else set()

    def kind(self, n: int, tok) -> EntityType:
        """Name N's type, or the one the common noun TOK standing for it says
        ("X is a lake located in Y": X is a place)."""
        own = self.names[n].type
        if tok.i in self.owner or n not in self.stands.get(tok.i, ()):
            return own
        kinds = KIND_NOUNS.get(_role(tok), set())
        return own if not kinds or own in kinds else sorted(kinds, key=lambda t: t.value)[0]

    def free(self, tok) -> bool:
        """A common noun that names nothing itself."""
        return tok.i not in self.owner and tok.pos_ in ("NOUN", "PROPN", "NUM", "PRON")

    def _equals(self, n: int, tok) -> list:
        """Common nouns that stand for name N: its apposition ("X, a town in
        Y"; "the prime minister of Y, X"), the complement of "X is ..." or
        "X serves as ...". A conjunct takes its first conjunct's place."""
        out = [c for c in tok.children if c.dep_ == "appos" and self.free(c)]
        place = tok
        while place.dep_ == "conj":
            place = place.head
        head = place.head
        if place.dep_ == "appos" and self.free(head):
            out.append(head)
        elif place.dep_ == "appos" and head.dep_ == "pobj" and head.head.dep_ == "prep" and self.free(head.head.head):
            # "the prime minister of Y, X": the parser hangs X on Y, the nearest noun
            other = self.owner.get(head.i)
            if other is not None and (self.names[other].type is EntityType.Person) != (
                self.names[n].type is EntityType.Person
            ):
                out.append(head.head.head)
        if place.dep_ == "pobj" and head.lower_ == "of" and _the_place_named(head.head):
            out.append(head.head)  # "the town of X": the town is X ("a town of X" is in X)
        if place.dep_ in ("attr", "acomp") and head.lemma_ in _COPULAS:
            # "His brother was X"; "The platform is X, a group ..."
            out += [c for c in head.children if c.dep_ == "nsubj" and self.free(c) and c.pos_ == "NOUN"]
            out += [c for c in head.children if c.dep_ == "attr" and c.i != place.i and self.free(c)]
        if place.dep_ in ("nsubj", "nsubjpass") and head.pos_ in ("VERB", "AUX"):
            if head.lemma_ in _COPULAS or head.lemma_ in _AS_VERBS:
                out += [x for c in head.children if c.dep_ in ("attr", "oprd") for x in _spread(c)]
            if head.lemma_ in _AS_VERBS:
                out += [p for c in head.children if c.dep_ == "prep" and c.lower_ == "as" for p in _pobjs(c)]
        # "X is one of Y's regions": X is a region
        out += [
            p
            for t in out
            if t.lemma_ in ("one", "part")
            for c in t.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for p in _pobjs(c)
        ]
        return [t for t in out if self.free(t)]

    def add(self, a: int, b: int, relation: Relation | None, method: str, swap: bool = False) -> None:
        if swap:
            a, b = b, a
        if a == b:
            return
        key = (min(a, b), max(a, b))
        old = self.found.get(key)
        if old is None or (old.relation is None and relation is not None):
            self.found[key] = Link(a, b, relation, method)


def _such(noun) -> bool:
    return any(c.lower_ == "such" for c in noun.children)


def _pobjs(prep) -> list:
    """The objects of a preposition, each conjunct on its own; a common noun
    passes on its own "of" ("in the province of X" is in X)."""
    out = [x for c in prep.children if c.dep_ == "pobj" for x in (c, *c.conjuncts)]
    # "with Hyundai Rotem transferring technology": the subject of the clause after the preposition
    out += [x for c in prep.children if c.dep_ == "pcomp" for s in c.children if s.dep_ == "nsubj" for x in _spread(s)]
    for x in list(out):
        if x.pos_ == "NOUN":
            # "in the Lazio region": in Lazio
            out += [c for c in x.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if x.pos_ == "NOUN" and prep.lower_ != "of":
            # "in the province of X" is in X; "in a factory in X" is in X; "on order in X": a bare
            # singular noun after a preposition names a state ("in service", "on display"), not a thing
            hops = ("of", "in") if prep.lower_ in _SPATIAL_PREPS or _bare_state(x) else ("of",)
            out += [
                y
                for c in x.children
                if c.dep_ == "prep" and c.lower_ in hops
                for p in c.children
                if p.dep_ == "pobj"
                for y in (p, *p.conjuncts)
            ]
    return out


def _bare_state(noun) -> bool:
    """A singular common noun with nothing before it ("service", "order", "display")."""
    return noun.tag_ == "NN" and not any(c.i < noun.i for c in noun.children)


def _spread(tok) -> list:
    return [tok, *tok.conjuncts]


def links(doc, names: list[Name]) -> list[Link]:
    """The grammatical paths between the NAMES of one parsed clause."""
    clause = _Clause(doc, names)
    for tok in doc:
        if tok.pos_ in ("VERB", "AUX"):
            _verb_links(clause, tok)
        if tok.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "ADJ", "X"):
            _noun_links(clause, tok)
    _based_in(clause)
    _place_chain(clause)
    _short_paths(clause)
    return list(clause.found.values())


def _based_in(clause: _Clause) -> None:
    """ "the Ankara-based firm Roketsan", "Tellvane, a Houston-based energy company": the place joined to
    "based" by a hyphen is where the body the adjective qualifies is based."""
    for tok in clause.doc:
        if tok.lemma_.lower() not in ("base", "headquarter") or tok.dep_ not in ("amod", "acl", "compound"):
            continue
        places = {n for c in tok.children if c.dep_ in ("npadvmod", "compound", "nmod") for n in clause.who(c)}
        for place in places:
            for body in clause.who(tok.head) - places:
                relation = spatial(clause.names[body].type, clause.names[place].type)
                if relation is not None:
                    clause.add(body, place, relation, "dependency:based")


# Dependencies that open another clause: a path through one of them joins two statements, not two names.
_CLAUSE_EDGES = {"ccomp", "parataxis", "csubj", "csubjpass"}
_SHORT_PATH = 10  # edges between two names' heads
# What a clause is about, that its other names take part in: a project, an agreement, an event, a
# product, or the international body within which it happens.
_FRAMED = {
    EntityType.Project,
    EntityType.Agreement,
    EntityType.Event,
    EntityType.Product,
    EntityType.InternationalOrganization,
}
# An event that "broke out" or "began" sets the scene for the clause joined to it: "the war broke out,
# and Türkiye sent troops" has Türkiye take part in the war.
_HAPPENING = {"break", "begin", "start", "erupt", "end", "escalate", "occur", "unfold", "continue"}
# A speaker is tied to what they are reported to say something about ("X noted that Y's policy ...").
_SPEECH = {"say", "note", "state", "argue", "stress", "emphasize", "emphasise", "warn", "claim", "add", "tell", "write"}


def _short_paths(clause: _Clause) -> None:
    """Two names the patterns above left apart, joined by a short path of dependencies inside one
    clause, are tied with no kind named ("the Altay, built with Korean engines"). A path through
    a reported or adverbial clause, or from one coordinated verb to the next, joins two statements
    and is no tie: the pair stays a co-mention."""
    anchors = sorted(clause.anchor.items())
    for i, (a, ta) in enumerate(anchors):
        for b, tb in anchors[i + 1 :]:
            if ta.i == tb.i:
                continue  # "these efforts" standing for several names: they are listed, not tied
            if (min(a, b), max(a, b)) in clause.found or clause.names[a].demonym and clause.names[b].demonym:
                continue
            if _speaker_of(ta, tb) or _speaker_of(tb, ta):
                clause.add(a, b, None, "dependency:speaker")
                continue
            if not {clause.names[a].type, clause.names[b].type} & _FRAMED:
                continue  # two actors or places need a pattern above: a long path between them says little
            events = {t for n, t in ((a, ta), (b, tb)) if clause.names[n].type is EntityType.Event}
            others = {t for n, t in anchors if n not in (a, b) and t.i not in (ta.i, tb.i)}
            if _within_clause_path(ta, tb, events, others):
                clause.add(a, b, None, "dependency:path")


def _list_top(tok):
    """The first of the names listed with TOK ("the United States, the United Kingdom, and Canada":
    the parser hangs each on the one before): a list takes one place in its clause."""
    while tok.dep_ == "conj" and tok.head.pos_ in ("NOUN", "PROPN"):
        tok = tok.head
    return tok


def _within_clause_path(a, b, events: set | None = None, others: set | None = None) -> bool:
    a, b = _list_top(a), _list_top(b)
    if a.i == b.i:
        return False  # two names of one list are listed together, not tied
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    common = next((t for t in up_a if t in up_b), None)
    if common is None or common in (others or set()):
        return False  # a path through a third name is that name's to tie ("A's X and B's Y")
    if (a.dep_ == "conj" and a.head is b) or (b.dep_ == "conj" and b.head is a):
        return False  # two names of one list ("the K2 and the K9") are listed together, not tied
    legs = up_a[: up_a.index(common)] + up_b[: up_b.index(common)]
    if len(legs) > _SHORT_PATH:
        return False
    scene = _scene_setting(common, events or set())
    return not any(
        t.dep_ in _CLAUSE_EDGES
        # A name that is itself a conjunct shares its list's place ("Norway and Chile launched X"); a path
        # from a conjunct's modifier into another conjunct crosses two things ("A's X and B's Y").
        or (t.dep_ == "conj" and t.pos_ not in ("VERB", "AUX") and t is not a and t is not b)
        or (t.dep_ in ("conj", "advcl") and _own_subject(t) and not scene)
        # "not to A (but to B)": the text denies what the path would say
        or (t.pos_ == "ADP" and any(c.dep_ == "neg" for c in t.children))
        for t in legs
    )


def _scene_setting(verb, events: set) -> bool:
    """Is VERB an event's happening ("the Korean War broke out"), the scene of the clauses joined to it?"""
    return verb.lemma_ in _HAPPENING and any(c.dep_ == "nsubj" and c in events for c in verb.children)


def _speaker_of(speaker, said) -> bool:
    """Is SPEAKER the subject of a verb of saying whose reported clause holds SAID? The subject may be
    a role noun the name stands beside ("analyst and journalist Klaus Jurgens noted that ...")."""
    while speaker.dep_ in ("conj", "appos", "compound") and speaker.head is not speaker:
        speaker = speaker.head
    verb = speaker.head
    if speaker.dep_ != "nsubj" or verb.lemma_ not in _SPEECH:
        return False
    reported = [c for c in verb.children if c.dep_ == "ccomp"]
    return any(said in r.subtree for r in reported)


def _own_subject(verb) -> bool:
    """A coordinated or adverbial verb with a subject of its own states something else ("..., and
    Türkiye sent troops"); one without shares its head's subject ("..., using Korean engines")."""
    return verb.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children)


# --- verbs -----------------------------------------------------------------------------------------------------------


def _arguments(verb, depth: int = 0) -> tuple[list, list, list[tuple[str, Any]], bool]:
    """(actors, patients, (preposition, object) pairs, passive) of VERB. A verb
    with no subject of its own shares the subject of the verb it is joined to
    ("X signed A and built B"); a relative clause's "which" is its noun."""
    actors, patients, preps = [], [], []
    passive = False
    for c in verb.children:
        d = c.dep_
        if d in _SUBJECTS:
            actors += _spread(c)
        elif d == "nsubjpass":
            patients += _spread(c)
            passive = True
        elif d == "dative" and c.pos_ == "ADP":
            preps += [(pr.lower_, p) for pr in _said_preps(c) for p in _pobjs(pr)]  # "offering X for Y"
        elif d in _OBJECTS or (d == "attr" and verb.lemma_ not in _COPULAS):
            patients += _spread(c)
        elif d == "agent":
            actors += _pobjs(c)
        elif d == "prep":
            for pr in _said_preps(c):
                preps += [(pr.lower_, p) for p in _pobjs(pr)]
                preps += [(pr.lower_, p) for pc in pr.children if pc.dep_ == "prep" for p in _pobjs(pc)]  # "out of"
    own = [c for c in verb.children if c.dep_ in (*_SUBJECTS, "nsubjpass") and c.lower_ not in _WH]
    relative = _relative_noun(verb)
    if relative is not None:
        # "X, which is based in Y"; "X, which A and B are to build": the relative pronoun is the noun
        actors = [x for t in actors for x in (_spread(relative) if t.lower_ in _WH else [t])]
        patients = [x for t in patients for x in (_spread(relative) if t.lower_ in _WH else [t])]
    if verb.dep_ == "relcl":
        pass
    elif verb.dep_ == "acl" and not own:
        # "the declaration signed by A", "a firm building bridges"
        (patients if verb.tag_ == "VBN" else actors).extend(_spread(verb.head))
        passive = passive or verb.tag_ == "VBN"
    elif not actors and not passive and verb.dep_ in ("xcomp", "conj", "advcl") and depth < 3:
        actors, patients, passive = _shared(verb, patients, depth)
    return actors, patients, preps, passive


def _said_preps(prep) -> list:
    """A preposition and those coordinated with it, each on its own ("in service or on order in X"),
    less any the text denies ("not to A but to B": B alone)."""
    coordinated = [prep, *(x for x in prep.conjuncts if x.dep_ == "conj" and x.pos_ == "ADP")]
    return [p for p in coordinated if not any(c.dep_ == "neg" for c in p.children)]


def _relative_noun(verb):
    """The noun a relative clause holding VERB is about, up through the verbs it hangs on."""
    for _ in range(3):
        if verb.dep_ == "relcl":
            return verb.head
        if verb.dep_ not in ("xcomp", "conj") or verb.head.pos_ not in ("VERB", "AUX"):
            return None
        verb = verb.head
    return None


def _shared(verb, patients: list, depth: int) -> tuple[list, list, bool]:
    """The arguments a verb with no subject takes from the verb it hangs on:
    "X agreed to build Y", "X visited A and discussed B", "Born in A, he ..."."""
    head = verb.head
    if head.pos_ not in ("VERB", "AUX"):
        return [], patients, False
    up_actors, up_patients, _, up_passive = _arguments(head, depth + 1)
    if verb.dep_ == "xcomp" or verb.tag_ == "VBG":
        return up_actors, patients, False
    if verb.dep_ == "advcl" and verb.tag_ == "VBN" and not up_passive and not patients:
        return [], up_actors, True
    if verb.dep_ == "conj" and verb.tag_ == "VBN" and up_passive and not patients:
        return [], up_patients, True  # "X was designed by A and built in B"
    if verb.dep_ == "conj" and not up_passive:
        return up_actors, patients or up_patients, False
    return [], patients, False


def _verb_links(clause: _Clause, verb) -> None:
    actors, patients, preps, passive = _arguments(verb)
    lemma = verb.lemma_.lower()
    light = {c.lemma_ for c in verb.children if c.dep_ == "dobj"}
    voice = "nsubjpass" if passive else "nsubj"
    for a in actors:
        for p in patients:
            _pair(clause, a, p, lambda ta, tb: _verb_kind(lemma, None, ta, tb), f"dependency:{voice}-dobj")
            _through(clause, a, p, voice)
        for prep, o in preps:
            _pair(
                clause,
                a,
                o,
                lambda ta, tb, prep=prep: _actor_kind(lemma, prep, ta, tb, light),
                f"dependency:nsubj-{prep}",
            )
    for i, (prep_a, a) in enumerate(preps):
        for prep_b, b in preps[i + 1 :]:
            # an actor and an event both hanging on one verb: "talks on the margins of the summit on the platform"
            _pair(clause, a, b, _event_kind, f"dependency:{prep_a}-{prep_b}", typed_only=True)
            _pair(clause, b, a, _event_kind, f"dependency:{prep_b}-{prep_a}", typed_only=True)
    for p in patients:
        for prep, o in preps:
            if prep != "by":
                # in the active voice only a place the verb puts its object in ("X built Y in Z"),
                # or whom it is for or with ("X offers Y for Z")
                spatial_only = bool(actors) and not passive and prep not in _RECIPIENT_PREPS
                _pair(
                    clause,
                    p,
                    o,
                    lambda ta, tb, prep=prep, judge=(_object_place if spatial_only else _placed_kind): judge(
                        lemma, prep, ta, tb, light
                    ),
                    f"dependency:{voice}-{prep}",
                    typed_only=spatial_only,
                )


def _through(clause: _Clause, actor, noun, voice: str) -> None:
    """An object that names nothing itself passes on what hangs on it: "X
    signed a contract with Y", "X announced the construction of Y"."""
    if not clause.free(noun) or noun.i in clause.stands:
        return
    kind = _NOMINALS.get(noun.lemma_.lower())
    for c in noun.children:
        if c.dep_ != "prep":
            continue
        for o in _pobjs(c):
            if kind is not None and c.lower_ in _OBJECT_SLOTS.get(kind, {"of"}):
                _pair(
                    clause,
                    actor,
                    o,
                    lambda ta, tb, k=kind: k if _fits(k, ta, tb) else None,
                    f"dependency:{voice}-{noun.lemma_}-{c.lower_}",
                )
            else:
                _pair(clause, actor, o, lambda ta, tb: None, f"dependency:{voice}-dobj-{c.lower_}")


def _verb_kind(
    lemma: str, prep: str | None, ta: EntityType, tb: EntityType, light: set | None = None
) -> Relation | str | None:
    if prep is None:
        for relation, subjects, objects in _VERBS.get(lemma, []):
            if ta in subjects and tb in objects:
                return relation
        if lemma == "host" and ta in PLACES and tb is EntityType.Event:
            return _Reverse.heldIn
        if lemma in ("comprise", "include", "incorporate") and ta in ORGS and tb in ACTORS:
            return _Reverse.memberOf  # "a group comprising A, B and C"
        return None
    for relation, subjects, objects in _VERB_PREPS.get((lemma, prep), []):
        if ta in subjects and tb in objects and not (lemma == "take" and "part" not in (light or set())):
            return relation
    if prep in _SPATIAL_PREPS and (lemma in _LOCATIVE or (light and "place" in light)):
        return spatial(ta, tb)
    return None


def _actor_kind(lemma: str, prep: str, ta: EntityType, tb: EntityType, light: set) -> Relation | str | None:
    """What a verb says of its subject and a preposition's object; an actor
    doing something in or at an event takes part in it ("served in the war",
    "competed at the games")."""
    kind = _verb_kind(lemma, prep, ta, tb, light)
    if kind is None and tb is EntityType.Event and ta in ACTORS and prep in ("in", "at", "during"):
        return None if lemma in _NOT_TAKING_PART else Relation.participatesIn
    return kind


def _supplied(ta: EntityType, tb: EntityType) -> Relation | None:
    return Relation.supplies if ta in ORGS and tb in (EntityType.Product, EntityType.Project) else None


def _event_kind(ta: EntityType, tb: EntityType) -> Relation | None:
    return Relation.participatesIn if ta in ACTORS and tb is EntityType.Event else None


def _object_place(lemma: str, prep: str, ta: EntityType, tb: EntityType, light: set) -> Relation | None:
    """Where an active verb puts its object: "X built Y in Z"."""
    return spatial(ta, tb) if prep in _SPATIAL_PREPS and lemma in _LOCATIVE else None


def _placed_kind(lemma: str, prep: str, ta: EntityType, tb: EntityType, light: set) -> Relation | str | None:
    """What a verb says of its passive subject and a preposition: its kind,
    else, for "in"/"at", where the thing is ("published in X", "played at Y")."""
    kind = _verb_kind(lemma, prep, ta, tb, light)
    if kind is None and prep in _SPATIAL_PREPS and ta is not EntityType.Person and lemma in _PLACING:
        return spatial(ta, tb)
    return kind


class _Reverse:
    """A kind read with its two ends the other way round ("A hosted B": B held in A)."""

    heldIn = "reverse:heldIn"
    memberOf = "reverse:memberOf"


def _pair(clause: _Clause, a, b, kind, method: str, typed_only: bool = False) -> None:
    left, right = clause.who(a), clause.who(b)
    for x in left:
        for y in right:
            if x == y or y in left or x in right:
                continue  # "franchises, which include A, B and C": one noun listing both ties neither to the other
            ta, tb = clause.kind(x, a), clause.kind(y, b)
            # an adjective's country says too little for a kind: "Korean technology" is not Korea
            relation = None if a.i in clause.weak or b.i in clause.weak else kind(ta, tb)
            if relation is None and typed_only:
                continue
            if relation == _Reverse.heldIn:
                clause.add(y, x, Relation.heldIn, method)
            elif relation == _Reverse.memberOf:
                clause.add(y, x, Relation.memberOf, method)
            else:
                clause.add(x, y, relation, method)


# --- nouns -----------------------------------------------------------------------------------------------------------


def _modifiers(clause: _Clause, noun) -> list[tuple[str, Any]]:
    """(slot, token) for what hangs on NOUN from outside its own name."""
    own = clause.owner.get(noun.i)
    out = []
    for c in noun.children:
        if own is not None and clause.owner.get(c.i) == own:
            continue
        d = c.dep_
        if d == "poss":
            out += [("poss", x) for x in _spread(c)]
        elif d in ("compound", "amod", "nmod", "npadvmod") and clause.who(c):
            demonym = any(clause.names[n].demonym for n in clause.who(c))
            slot = "amod" if demonym else "compound"
            out.append(("national" if demonym and _led_nearer(clause, noun, c) else slot, c))
        elif d == "prep":
            out += [(c.lower_, p) for p in _pobjs(c)]
        elif d == "appos" and clause.who(c):
            out += [("appos", x) for x in _spread(c)]
    return out


# Words of rank before a role noun: "chief executive", "prime minister", "vice president".
_RANKS = {"chief", "prime", "vice", "deputy", "acting", "interim", "general", "first", "former", "supreme", "top"}


def _led_nearer(clause: _Clause, noun, demonym) -> bool:
    """ "a South Korean Presbyterian leader", "the Turkish opposition leader": a modifier between the
    demonym and the role noun names what is led; the demonym then gives a nationality, not a country
    led ("the South Korean President" leads the country). A word that only speaks for the demonym
    ("a Czech Lutheran leader", the parser hanging "Czech" on "Lutheran") is itself what is led."""
    if demonym.i in clause.proxies:
        return True
    for c in noun.children:
        if not demonym.i < c.i < noun.i or c in demonym.subtree or c.lower_ in _RANKS:
            continue
        named = bool(clause.who(c))
        if named and any(clause.names[n].demonym for n in clause.who(c)):
            continue  # two demonyms: "a Turkish-Korean leader"
        if named or (c.dep_ in ("compound", "nmod") and c.pos_ in ("NOUN", "PROPN")) or c.text[:1].isupper():
            return True
    return False


def _named_part(clause: _Clause, noun, holder: int) -> bool:
    """ "the Wellington suburb of Miramar": a part noun a place's name qualifies, followed by "of" and a
    name, is named by that name and lies in the qualifying place."""
    return (
        noun.lemma_.lower() in _PART_NOUNS
        and noun.i in clause.proxies
        and clause.names[holder].type in PLACES
        and any(c.dep_ in ("compound", "nmod") and holder in clause.named(c) for c in noun.children)
    )


def _noun_links(clause: _Clause, noun) -> None:
    heads = clause.who(noun)
    mods = _modifiers(clause, noun)
    if not mods:
        return
    role = _role(noun) if heads and noun.i not in clause.owner else None
    if heads:
        if noun.i in clause.proxies:
            # a noun speaking for the names it lists ties none of them to another
            listing = {"appos", "as", "including", "like"} | ({"of"} if noun.lemma_.lower() in _COLLECTIVES else set())
            mods = [(slot, tok) for slot, tok in mods if slot not in listing and not clause.who(tok) & heads]
        named_of = {
            x.i
            for c in noun.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for p in c.children
            if p.dep_ == "pobj"
            for x in _spread(p)
        }
        for slot, tok in mods:
            for h in heads:
                for m in clause.who(tok):
                    if h == m:
                        continue
                    if slot == "of" and _named_part(clause, noun, h):
                        # "the Wellington suburb of Miramar": the suburb is Miramar, and it lies in Wellington
                        clause.add(m, h, Relation.locatedIn, f"dependency:of-{role}")
                        continue
                    # a name said to be a town is a place, whatever its name alone suggested
                    direct = slot != "of" or tok.i in named_of
                    _modifier_link(clause, h, m, slot, role, clause.kind(h, noun), direct)
        return
    # A noun that names nothing: what it says about the names that hang on it.
    kind = _NOMINALS.get(noun.lemma_.lower())
    if kind is not None:
        agents = [t for s, t in mods if s in _AGENT_SLOTS]
        objects = [t for s, t in mods if s in _OBJECT_SLOTS.get(kind, {"of"})]
        # "the construction of X by Y": the parser may hang "by Y" on X
        agents += [p for o in objects for c in o.children if c.dep_ == "prep" and c.lower_ == "by" for p in _pobjs(c)]
        for a in agents:
            for o in objects:
                _pair(clause, a, o, lambda ta, tb, k=kind: k if _fits(k, ta, tb) else None, f"dependency:{noun.lemma_}")
        # "the production of X engines for Y": what is made, and what it is for
        for o in objects:
            for b in (t for s, t in mods if s == "for"):
                _pair(clause, o, b, _supplied, f"dependency:{noun.lemma_}-for")
    between = [t for s, t in mods if s in ("between", "among", "amongst")]
    for i, a in enumerate(between):
        for b in between[i + 1 :]:
            _pair(clause, a, b, lambda ta, tb: None, "dependency:between")


def _role(noun) -> str:
    lemma = noun.lemma_.lower()
    if lemma == "minister" and any(c.lower_ == "prime" for c in noun.children):
        return "prime minister"
    if lemma == "officer" and any(c.lower_ in ("executive", "chief") for c in noun.children):
        return "executive"
    return lemma


def _modifier_link(
    clause: _Clause, h: int, m: int, slot: str, role: str | None, kind: EntityType, direct: bool = True
) -> None:
    th, tm = kind, clause.names[m].type
    if slot == "appos" and th == tm:
        return  # "Mexico, Indonesia, Australia": a list, not one thing said of another
    method = f"dependency:{slot}" + (f"-{role}" if role else "")
    relation, head_first = _modifier_kind(th, tm, slot, role, clause.names[m].demonym, direct)
    if relation in _SPATIAL and EntityType.InternationalOrganization in (th, tm) and role not in _SEATS:
        # "the European Parliament election in Sweden", "Japan's support of ASEAN": a body of many
        # nations is placed by a word of place on it ("based in") or its seat, not by a noun it qualifies
        relation = None
    if relation is None and role is None and slot in ("appos", "compound"):
        return  # two names side by side say nothing by grammar alone ("Lakers, Celtics", "Hyundai Rotem Ankara")
    clause.add(h, m, relation, method, swap=not head_first)


_SEATS = {"headquarters", "seat", "secretariat", "office", "offices", "headquarter"}
_SPATIAL = {Relation.locatedIn, Relation.basedIn}


def _modifier_kind(
    th: EntityType, tm: EntityType, slot: str, role: str | None, demonym: bool, direct: bool = True
) -> tuple[Relation | None, bool]:
    """The kind of a name H (or the role noun standing for it) with a modifier
    M of it, and whether H is the subject; DIRECT: M is the object of H's own
    preposition, not a name a common noun passed on ("X of the town of M")."""
    if slot == "national" and not (th is EntityType.Person and role is not None):
        slot = "amod"  # only a person's role noun reads a demonym as a nationality rather than what is led
    owner = slot in ("poss", "compound", "amod", "of", "at", "for", "with", "from")
    if th is EntityType.Person and role is not None:
        if role in _LEADER_ROLES and owner and tm in ORGS | PLACES:
            return Relation.leaderOf, True
        if role in _MEMBER_ROLES and owner and tm in ORGS:
            return Relation.memberOf, True
        if tm is EntityType.Country and (
            slot in ("amod", "national", "poss", "from", "compound") or (slot == "of" and role in _NATIONAL_ROLES)
        ):
            return Relation.nationality, True
    if (
        th is EntityType.Person
        and tm is EntityType.Country
        and (slot in ("amod", "national", "poss") or (demonym and slot == "compound"))
    ):
        return Relation.nationality, True
    if tm is EntityType.Person and th is EntityType.Country and slot == "amod":
        return Relation.nationality, False
    if role == "member" and tm in ORGS and slot in ("of", "poss"):
        return Relation.memberOf, True
    # "of" places only after a noun of place ("a town of Y", "part of Y"), not "north of Y", "a point of Y"
    of_place = (
        slot == "of" and role is not None and (EntityType.Place in KIND_NOUNS.get(role, set()) or role in _PART_NOUNS)
    )
    if slot in _SPATIAL_PREPS | {"poss", "amod"} or of_place or (slot == "from" and th in ORGS):
        # two names in apposition are as often a list as a place and its region: the chain rule reads those
        place = spatial(th, tm)
        if place is not None:
            return place, True
    if slot == "of" and direct and role is None and th in ORGS | {EntityType.Place} and tm in PLACES:
        # a name after a name and "of": "the Samarqand Region of Uzbekistan", "the Audit Office of Norway"
        place = spatial(th, tm)
        if place is not None:
            return place, True
    if of_place and th is EntityType.Country and tm is EntityType.Place:
        return Relation.locatedIn, False  # "the Canadian province of Alberta", "Norway's county of Nordland"
    if (
        slot == "appos"
        and tm is EntityType.Country
        and th in (EntityType.InternationalOrganization, *(t for t in ORGS if t.value == "Organization"))
    ):
        return Relation.memberOf, False  # "MIKTA (Mexico, Indonesia, ...)": the countries it is made of
    if slot == "appos" and tm is EntityType.Country and th is EntityType.Place:
        return Relation.locatedIn, True  # "Bergen, Norway": a country after a place is where it lies
    if th is EntityType.Product and tm in ORGS and slot in ("poss", "compound", "by"):
        return Relation.produces, False
    if th in ORGS and tm in (EntityType.Product, EntityType.Project) and slot == "for":
        return Relation.supplies, True  # "Hyundai Rotem engines for the Altay tank"
    if th is EntityType.Agreement and tm in ACTORS and slot in ("between", "among", "with", "poss", "amod"):
        return Relation.partyTo, False
    if th is EntityType.Event and tm in ACTORS and slot in ("between", "among", "poss", "amod", "compound"):
        return Relation.participatesIn, False
    if tm is EntityType.Event and th in ACTORS and slot in ("at", "in"):
        return Relation.participatesIn, True
    return None, True


# --- place chains ----------------------------------------------------------------------------------------------------

_COMMA = re.compile(r"\s*,\s*")
_LIST_END = re.compile(r"\s*,?\s*(?:and|or|&)\s+(?:the\s+)?$", re.I)
_SERIES_GOES_ON = re.compile(r"\s*,[^,;.()]{1,40},[^;.()]*?\b(?:and|or)\s", re.I)
_SERIES_END = re.compile(r"\s*,\s*(?:and|or|&)\s", re.I)
# "Shizuoka, Aichi, Gifu and Mie prefectures": "and" and a capitalised word the run does not name
_SERIES_CLOSE = re.compile(r"\s+(?:and|or|&)\s+[A-Z]")
_LONGEST_CHAIN = 3  # places: "Keyport, Monmouth County, New Jersey"; a longer run with no country is a list


def _place_chain(clause: _Clause) -> None:
    """ "A, B, C" with A a place: each lies in the next, unless the run ends
    in "and"/"or" (then it is a list), or runs on past three places without
    ending on a country."""
    text = clause.doc.text
    order = sorted(range(len(clause.names)), key=lambda n: clause.names[n].start)
    runs: list[list[int]] = []
    for n in order:
        name = clause.names[n]
        if name.demonym or name.type not in PLACES:
            runs.append([])
            continue
        if runs and runs[-1] and _COMMA.fullmatch(text[clause.names[runs[-1][-1]].end : name.start]):
            runs[-1].append(n)
        else:
            runs.append([n])
    starts = {name.start: name for name in clause.names}
    for run in runs:
        if len(run) < 2 or _listed(text, clause.names[run[-1]].end, starts):
            continue
        if len(run) > _LONGEST_CHAIN and clause.names[run[-1]].type is not EntityType.Country:
            continue  # "Buchach, Chernivtsi, Drohobych, Halych": towns of one level, listed
        if _SERIES_CLOSE.match(text, clause.names[run[-1]].end):
            continue
        if any(_modifies(clause, n) for n in run[1:]):
            continue  # "in Los Angeles, New Jersey native X": the second name modifies a noun
        for a, b in zip(run, run[1:], strict=False):
            if clause.names[a].type is EntityType.Country:
                break  # a country lies in no named place of the chain: a list
            clause.add(a, b, Relation.locatedIn, "dependency:place-chain")


def _modifies(clause: _Clause, n: int) -> bool:
    anchor = clause.anchor.get(n)
    return anchor is not None and anchor.dep_ in ("compound", "amod", "nmod", "poss")


def _listed(text: str, end: int, starts: dict[int, Name]) -> bool:
    """Whether "and"/"or" and another place follow offset END, or ", and"
    anything, or more commas then "and": the run was a list ("A, B, and
    other cities", "A, B, C, some D and E")."""
    if _SERIES_END.match(text, end) or _SERIES_GOES_ON.match(text, end):
        return True
    for start, name in starts.items():
        if start > end and name.type in PLACES and _LIST_END.fullmatch(text[end:start]):
            return True
    return False
