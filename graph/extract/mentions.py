"""Finding mentions: the spans of a document that name an entity, each with a
type, the method that found it and a confidence.

Four sources, from most to least trusted: the gazetteer; name phrases whose
own words give their type ("... Nuclear Power Plant", "Ministry of ..."); a
title before a name ("President Erdogan"); statistical NER. Overlaps are
settled in that order, except that a typed phrase may swallow shorter
gazetteer matches inside it ("Türkiye Nuclear Energy Inc." over "Türkiye"),
which are kept as inner mentions."""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field

from graph.extract.gazetteer import Entry, Gazetteer, Match, given_names
from graph.extract.heads import HEAD_WORDS, PRODUCT_HEADS, TITLES, is_model_code, type_by_head
from graph.extract.ner import NerSpan, is_common_noun, is_plural_noun
from graph.extract.sentences import Sentence
from graph.extract.words import FUNCTION_WORDS as STOP_WORDS
from graph.extract.words import LIFE_DAYS, LIFE_MARK, LIFESPAN, MONTHS
from graph.extract.world_places import place_countries
from graph.names import fold
from graph.vocab import EntityType

__all__ = [
    "Mention",
    "Rejection",
    "find_mentions",
    "gazetteer_matches",
    "Casing",
    "document_casing",
    "needs_ner",
    "ner_rejections",
    "rule_candidates",
]


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    type: EntityType
    label: str
    method: str
    confidence: float
    sentence: int
    entry: Entry | None = None
    demonym: bool = False
    inner: list[Mention] = field(default_factory=list)  # names inside this one
    alias_of: Mention | None = None  # the long form an acronym stands for
    nested: bool = False  # named inside another name; tied only to that name
    surface: str | None = None  # the words as written, when the label differs
    bare: str | None = None  # the name without the kind noun after it: "K9" of "K9 howitzer"

    @property
    def rank(self) -> int:
        return _RANK[self.method.split(":")[0]]


# "given": a name that opens with a given name, kept only where the recogniser finds nothing there.
_RANK = {"gazetteer": 4, "pattern": 3, "title": 3, "acronym": 3, "coref": 2, "ner": 1, "given": 0}


def gazetteer_matches(text: str, sentences: list[Sentence], gazetteer: Gazetteer) -> list[list[Match]]:
    """The gazetteer's matches in each sentence (offsets into the sentence)."""
    return [gazetteer.find(text[s.start : s.end]) for s in sentences]


def rule_candidates(text: str, sentences: list[Sentence], gazetteer: Gazetteer) -> list[list[Mention]]:
    """Each sentence's candidate mentions from everything but NER: the
    gazetteer, typed phrases, titles, memoranda, products, lower-case heads,
    agreements signed under their kind."""
    out = []
    for index, (sent, matches) in enumerate(
        zip(sentences, gazetteer_matches(text, sentences, gazetteer), strict=False)
    ):
        chunk = text[sent.start : sent.end]
        gaz = [_from_match(chunk, m, sent, index) for m in matches]
        out.append(
            [
                *gaz,
                *_phrases(chunk, sent, index, gaz),
                *_memoranda(chunk, sent, index),
                *_products(chunk, sent, index, gaz),
                *_lowercase_heads(chunk, sent, index, gaz),
                *_signed_kinds(chunk, sent, index),
                *_nicknamed(chunk, sent, index),
                *_based_places(chunk, sent, index, gazetteer),
            ]
        )
    return out


def needs_ner(text: str, sentence: Sentence, candidates: list[Mention], casing: Casing) -> bool:
    """Whether statistical NER can add anything to this sentence. What NER
    gives ties always starts with a capital letter, and loses to any rule's
    mention it overlaps, so a sentence whose capitalised words all lie in
    such mentions, or are capitalised only by their place, has nothing for it.
    A titled person counts only where the name plainly ends (_plain_end);
    elsewhere NER says where it ends. CASING: the document's, from
    document_casing."""
    chunk = text[sentence.start : sentence.end]
    if _joined_names(text, candidates):
        return True
    candidates = [m for m in candidates if m.rank > 0]  # a guess NER must be asked about
    covered = [(m.start - sentence.start, m.end - sentence.start) for m in candidates if not _ends_by_ner(m)]
    covered += [
        (_title_start(chunk, m.start - sentence.start), m.end - sentence.start)
        for m in candidates
        if _ends_by_ner(m) and _plain_end(text, m, casing.lower)
    ]
    for i, word in enumerate(_WHOLE_WORD.finditer(chunk)):
        if not word.group()[0].isupper() or any(start <= word.start() < end for start, end in covered):
            continue
        if i == 0 and _common_opener(word.group(), chunk[word.end() :], casing):
            continue
        if _DAY_AFTER.match(chunk, word.end()) and word.group().lower() in _MONTH_NAMES:
            continue  # a date ("October 17"), which NER would only call a DATE
        return True
    return False


_AND = re.compile(r"\s+(?:and|&)\s+")
_LEGAL_FORMS = {"co", "inc", "ltd", "corp", "llc", "plc", "holding", "holdings", "group", "a s", "a ş", "ag", "sa"}


def _fields_joined(text: str, left: Mention, right: Mention) -> bool:
    """ "U.S. Securities and Exchange Commission": two rule names that may be
    one, its fields joined by "and". The left one has no remit of its own (a
    body's "of" already decided, see _conjoined_names) nor a legal form that
    closes a firm's name, neither is known to the gazetteer, and the word after
    "and" is a common noun ("Exchange"), not a name ("Darovia")."""
    joiner = _AND.match(text, left.end)
    if not joiner or joiner.end() != right.start or "gazetteer" in (left.method, right.method):
        return False
    words = fold(left.label).split()
    if not words or {"of", "for"} & set(words) or words[-1] in _LEGAL_FORMS or " ".join(words[-2:]) in _LEGAL_FORMS:
        return False
    first = _WHOLE_WORD.match(text, right.start)
    return first is not None and is_common_noun(first.group().lower())


def _joined_names(text: str, candidates: list[Mention]) -> bool:
    """Whether two rule names may be one (_fields_joined): NER, which knows
    many such names, says which."""
    starts = {m.start: m for m in candidates}
    for left in candidates:
        joiner = _AND.match(text, left.end)
        right = starts.get(joiner.end()) if joiner else None
        if right is not None and _fields_joined(text, left, right):
            return True
    return False


def _plain_end(text: str, m: Mention, lowercase: frozenset[str]) -> bool:
    """Whether a titled name ends where the rule ended it, as NER would say:
    at most three words ("Minister Elena Yoon"), none of them ever written in
    lower case, followed by a lower-case word that is not a function word
    ("... said", "...'s visit"). A title-case headline ("President Lee Greets Crowds in
    Ankara") or a name that runs into "and" or "of" still goes to NER."""
    words = m.label.split()
    if not m.method.startswith("title:") or len(words) > 3 or any(w.lower() in lowercase for w in words):
        return False
    after = _NEXT_WORD.match(text, m.end)
    # A possessive ends a name whatever follows it ("Yoon's three-day visit").
    return after is not None and (after.group().startswith(("'", "’")) or after.group(1) not in STOP_WORDS)


def _title_start(chunk: str, start: int) -> int:
    """Where the title before a titled name starts ("Defence Minister Elena
    Yoon"): its words are capitalised but name no one."""
    for word in reversed(list(_WHOLE_WORD.finditer(chunk, 0, start))):
        if chunk[word.end() : start].strip() or fold(word.group()) not in _TITLE_WORDS:
            break
        start = word.start()
    return start


@dataclass(frozen=True, slots=True)
class Casing:
    """How a document writes its words: LOWER, those it writes in lower case
    somewhere; INSIDE, those it capitalises after another word of a
    sentence, where a capital says the word is (part of) a name."""

    lower: frozenset[str]
    inside: frozenset[str]


def document_casing(text: str) -> Casing:
    return Casing(frozenset(_LOWER_WORD.findall(text)), frozenset(_INSIDE_WORD.findall(text)))


def _common_opener(word: str, rest: str, casing: Casing) -> bool:
    """A sentence's first word, capitalised only by its place: a function word
    ("The", "During"), one the document writes in lower case elsewhere
    ("Trade between ..." beside "bilateral trade"), or the plural of a common
    noun before a lower-case word ("Officials said ...", "Exporters in ...")
    that the document never capitalises inside a sentence, as it would a
    surname ("Peters said ..." after "Anna Peters")."""
    low = word.lower()
    if low in STOP_WORDS or low in casing.lower:
        return True
    return bool(_LOWER_NEXT.match(rest)) and word not in casing.inside and is_plural_noun(low)


_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")
_INSIDE_WORD = re.compile(r"(?<=[\w,;)] )[A-Z][\w'’-]*")  # after a word, not after a sentence's end
_LOWER_NEXT = re.compile(r" [a-z]")
_DAY_AFTER = re.compile(r" \d")
_NEXT_WORD = re.compile(r"(?:['’]s?)? ([a-z]+)\b")  # "Yoon said", "Yoon's visit"
_WHOLE_WORD = re.compile(r"(?<![\w'’-])\w+")


def find_mentions(
    text: str,
    sentences: list[Sentence],
    gazetteer: Gazetteer,
    ner: list[NerSpan],
    candidates: list[list[Mention]] | None = None,
    rejected: list[Rejection] | None = None,
) -> list[Mention]:
    """Non-overlapping mentions in text order. CANDIDATES: rule_candidates's,
    when the caller has them already. REJECTED, when given, receives each
    name NER found that is not kept, with the rule that rejected it."""
    person_ends = {s.start: s.end for s in ner if s.label == "PERSON"}
    per_sentence = candidates if candidates is not None else rule_candidates(text, sentences, gazetteer)
    lowercase = document_casing(text).lower
    found = [_agree_with_ner(m, person_ends, text, lowercase) for sentence in per_sentence for m in sentence]
    lost: list[Rejection] = []
    from_ner = _from_ner(text, sentences, ner, lost, lowercase)
    _longest_names(text, from_ner, found)
    found.extend(from_ner)
    for m in found:
        if m.type is EntityType.Person:
            _extend_name(text, m)
    chosen = _settle(found)
    lost.extend(_overlapped(from_ner, chosen))
    _REJECTED.update(r.rule for r in lost)
    if rejected is not None:
        rejected.extend(lost)
    chosen = _acronyms(text, sentences, chosen)
    _other_names(text, sentences, chosen)
    chosen.extend(_named_inside(chosen))
    chosen.extend(_visits(text, chosen))
    chosen.sort(key=lambda m: m.start)
    chosen.extend(_definite_references(text, sentences, chosen))
    chosen.sort(key=lambda m: m.start)
    return chosen


_VISIT = re.compile(
    r"['’]s?\s+((?:(?:\d{4}|state|official|working|first|recent|historic|landmark|[a-z]+-day)\s+){0,2}"
    r"visit)\s+to\s+(?:the\s+)?"
)


_VISIT_KINDS = {"state", "official", "working"}


def _visits(text: str, chosen: list[Mention]) -> list[Mention]:
    """ "Minister Elena Yoon's state visit to Ankara": a named person's visit
    to a named country or place is an event of its own, named by both; the
    mention is the words "state visit", which lie between the two names."""
    visitors = {m.end: m for m in chosen if m.type is EntityType.Person}
    hosts = {m.start: m for m in chosen if m.type in (EntityType.Country, EntityType.Place) and not m.nested}
    out = []
    for v in _VISIT.finditer(text):
        who, where = visitors.get(v.start()), hosts.get(v.end())
        if who is None or where is None or where.sentence != who.sentence:
            continue
        # The label keeps the kind of visit ("state visit"), not its length or year, so other mentions match.
        kind = " ".join(w for w in v.group(1).split() if w in _VISIT_KINDS)
        possessive = text[who.end : v.start(1)].strip()
        label = f"{text[who.start : who.end]}{possessive} {kind + ' ' if kind else ''}visit to {text[where.start : where.end]}"
        out.append(Mention(v.start(1), v.end(1), EntityType.Event, label, "pattern:visit", 0.75, who.sentence))
    return out


def _ends_by_ner(m: Mention) -> bool:
    """A person a rule found (by a title): where the name ends is NER's call. Not a known name, nor one
    whose pattern marks its end (a quoted nickname's surname), which the recogniser reads in pieces."""
    return m.type is EntityType.Person and m.method not in ("gazetteer", "pattern:nickname")


def _agree_with_ner(m: Mention, person_ends: dict[int, int], text: str, lowercase: frozenset[str]) -> Mention:
    """A titled name in a title-case headline runs on ("President Lee Seeks
    Defense"); where NER saw a person starting there, its end is the name's.
    Not where the name plainly ends: there NER only cuts hyphenated given
    names short ("Jae-won" of "Jae-won Mendoza")."""
    if not _ends_by_ner(m) or _plain_end(text, m, lowercase):
        return m
    end = person_ends.get(m.start)
    if end is not None and end < m.end:
        m.end = end
    elif end is None and len(m.label.split()) > 3:
        m.end = m.start + len(" ".join(m.label.split()[:3]))
    m.label = _POSSESSIVE.sub("", text[m.start : m.end])
    m.end = m.start + len(m.label)
    return m


_PRODUCT = re.compile(
    r"(?<![\w-])([A-Z][A-Za-z0-9]*(?:-[A-Z0-9]+)*)\s+("
    + "|".join(sorted((h for h in PRODUCT_HEADS), key=len, reverse=True))
    + r")(?:s|es)?\b"
)
_BARE_CODE = re.compile(r"(?<![\w-])([A-Z]{1,4}-\d{2,4}[A-Z]?)(?![\w-])")


def _products(chunk: str, sent: Sentence, index: int, gaz: list[Mention]) -> list[Mention]:
    """ "K9 howitzer", "BATU engine", "APR-1400 reactor", and bare hyphenated
    model codes ("S-400", "FA-50"): the way weapons, aircraft and reactors are named."""
    out = []
    for m in _PRODUCT.finditer(chunk):
        name = m.group(1)
        if not (is_model_code(name) or (name.isupper() and len(name) >= 3)):
            continue
        start, end = sent.start + m.start(), sent.start + m.start(1) + len(name) + 1 + len(m.group(2))
        if any(g.start <= start and end <= g.end for g in gaz) or any(
            g.start < end and start < g.end and g.type is not EntityType.Product for g in gaz
        ):
            continue
        label = f"{name} {m.group(2)}"
        out.append(Mention(start, end, EntityType.Product, label, "pattern:product", 0.75, index, bare=name))
    for m in _BARE_CODE.finditer(chunk):
        if is_model_code(m.group(1)):
            start, end = sent.start + m.start(1), sent.start + m.end(1)
            if not any(g.start < end and start < g.end for g in gaz):
                out.append(Mention(start, end, EntityType.Product, m.group(1), "pattern:model-code", 0.65, index))
    return out


_NAME_TAIL = re.compile(
    # A hyphenated syllable ("Jae-in"), not an English participle or suffix ("Izmir-based", "US-led").
    r"(?:-(?![a-z]*(?:ed|ing)\b|(?:born|made|run|built|style|era|class|type|wide|like)\b)[a-z]{1,8}\b)?"
    r"(?:\s+(?:el|al|Al|El|bin|ibn|bint|van|von|de|da|di|del|der|den)"
    r"(?:-|\s+)[A-Z][\w'’]+(?:-[A-Za-z]+)?(?:\s+[A-Z][a-z]+(?=\s|[,.;:]|$))?)*"
)


def _extend_name(text: str, m: Mention) -> None:
    """ "Moon Jae-in", "Abdel Fattah el-Sisi", "Mohamed bin Zayed Al Nahyan":
    hyphenated syllables and name particles belong to the name."""
    tail = _NAME_TAIL.match(text, m.end)
    if tail and tail.end() > m.end:
        m.end = tail.end()
        m.label = text[m.start : m.end]


_AGREEMENT_MODIFIERS = (
    "framework|executive|production|licen[cs]ing|licen[cs]e|supply|purchase|export|prime|front|"
    "fuselage|arms|defen[cs]e|trade|loan|credit|cooperation|partnership|development|technology|"
    "transfer|offset"
)
_NAME_WORD = r"(?:[A-Z][\w’'&-]*|[A-Z]{1,4}-?\d+[A-Z]*)"
_AGREEMENT_HEADS = "agreement|contract|deal|treaty|pact|accord"
_PROJECT_HEADS = (
    "pipeline|refinery|railway|power plant|nuclear power plant|dam|port|airport|terminal|corridor|"
    "shipyard|tunnel|bridge|canal"
)
_EVENT_HEADS = "summit|conference|forum|exhibition|talks|war|earthquake|olympics|games|expo"
_AGREEMENT_LC = re.compile(
    rf"(?<![\w-])((?:(?:first|second|third|fourth|initial|final)\s+)?(?:\d{{4}}\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}"
    rf"(?:\s+(?:[a-z]+-[a-z]+|{_AGREEMENT_MODIFIERS})){{0,3}})\s+({_AGREEMENT_HEADS})\b"
)
_PROJECT_LC = re.compile(
    r"(?<![\w-])((?:[A-Z][\w’'&-]*)(?:[\s-]+[A-Z][\w’'&-]*){0,3})\s+((?:gas|oil|natural gas|high-speed|nuclear|"
    rf"power|rail|road|crude|LNG|hydroelectric)\s+)?({_PROJECT_HEADS})\b"
)


_ORDINALS = {"first", "second", "third", "fourth", "fifth", "initial", "final"}
_EVENT_LC = re.compile(
    r"(?<![\w-])((?:\d{4}\s+)?(?:[A-Z][\w’'&-]*)(?:[\s-]+[A-Z][\w’'&-]*){0,3})\s+"
    rf"({_EVENT_HEADS})\b"
)
# Each pattern with a quick test for its head word: most sentences have none,
# and the full pattern tries every capitalised word as a start (four times the time).
_LOWERCASE_HEADS = [
    (re.compile(rf"\b(?:{heads})\b"), pattern, kind)
    for heads, pattern, kind in (
        (_AGREEMENT_HEADS, _AGREEMENT_LC, EntityType.Agreement),
        (_PROJECT_HEADS, _PROJECT_LC, EntityType.Project),
        (_EVENT_HEADS, _EVENT_LC, EntityType.Event),
    )
]


def _lowercase_heads(chunk: str, sent: Sentence, index: int, gaz: list[Mention]) -> list[Mention]:
    """Names whose head is written in lower case: "the K2 framework agreement",
    "the KT-1T contract", "the Iğdır-Nakhchivan gas pipeline", "the Nakhchivan summit"."""
    out = []
    for head, pattern, kind in _LOWERCASE_HEADS:
        if not head.search(chunk):
            continue
        for m in pattern.finditer(chunk):
            start, name_end = m.start(1), m.start(1) + len(m.group(1))
            while True:  # a capitalised sentence opener is not part of the name; an ordinal is
                first = re.match(r"\S+\s+", chunk[start:name_end])
                word = first.group().strip().lower() if first else ""
                if not first or word in _ORDINALS or word not in STOP_WORDS | _MONTH_NAMES:
                    break
                start += first.end()
            name = chunk[start:name_end]
            if not name or (name.split()[0].lower() in STOP_WORDS and name.split()[0].lower() not in _ORDINALS):
                continue
            start, end, name_end = sent.start + start, sent.start + m.end(), sent.start + name_end
            inside = [g for g in gaz if start <= g.start and g.end <= name_end]
            # "Turkish pipeline", "the Korean contract": a nationality is not a name.
            if (
                inside
                and all(g.type is EntityType.Country or g.demonym for g in inside)
                and sum(g.end - g.start for g in inside) >= len(name.replace(" ", "")) - 1
            ):
                continue
            if any(g.start <= start and end <= g.end for g in gaz):
                continue
            label = chunk[start - sent.start : m.end()]
            out.append(
                Mention(start, end, kind, label, f"pattern:lowercase-{kind.value.lower()}", 0.7, index, inner=inside)
            )
    return out


# "signed a technology-transfer and technical-assistance contract": an agreement the text names by what
# it is about, in hyphenated compounds of the words agreements are named with, as the parties sign it.
_KIND_COMPOUND = r"[a-z]+-[a-z]+"
_SIGNED_KIND = re.compile(
    rf"\b(?:signed|concluded|agreed|awarded)\s+(?:a|an)\s+((?:{_KIND_COMPOUND})(?:,?\s+(?:and\s+)?{_KIND_COMPOUND}){{0,3}}"
    rf"\s+(?:{_AGREEMENT_HEADS}))\b"
)
_AGREEMENT_WORDS = re.compile(rf"\b(?:{_AGREEMENT_MODIFIERS})\b")


def _signed_kinds(chunk: str, sent: Sentence, index: int) -> list[Mention]:
    """ "X and Y signed a technology-transfer contract": the agreement they sign, by its kind."""
    out = []
    for m in _SIGNED_KIND.finditer(chunk):
        label = m.group(1)
        if not _AGREEMENT_WORDS.search(label.rsplit(" ", 1)[0]):
            continue  # "a two-year contract", "a long-term deal": how long, not what about
        start = sent.start + m.start(1)
        out.append(Mention(start, start + len(label), EntityType.Agreement, label, "pattern:signed-kind", 0.6, index))
    return out


def _from_match(chunk: str, match: Match, sent: Sentence, index: int) -> Mention:
    surface = chunk[match.start : match.end]
    edition = re.match(r"\s(\d{4})\b", chunk[match.end :])
    if match.entry.type is EntityType.Event and edition:
        # "IDEF 2011": one edition of a recurring event, an event of its own.
        end = match.end + edition.end()
        return Mention(
            sent.start + match.start,
            sent.start + end,
            EntityType.Event,
            chunk[match.start : end],
            "pattern:edition",
            0.8,
            index,
            inner=[],
        )
    return Mention(
        sent.start + match.start,
        sent.start + match.end,
        match.entry.type,
        surface,
        "gazetteer",
        0.95,
        index,
        match.entry,
        match.demonym,
    )


# --- name phrases ----------------------------------------------------------------

_WORD = re.compile(r"[^\s,;:()\[\]{}\"“”!?—|/]+")
_CONNECTORS = {
    "of",
    "for",
    "and",
    "on",
    "de",
    "di",
    "du",
    "la",
    "le",
    "al",
    "el",
    "bin",
    "van",
    "von",
    "der",
    "y",
    "&",
    "the",
}
_KEEP_DOT = {
    "inc.",
    "co.",
    "corp.",
    "ltd.",
    "jr.",
    "sr.",
    "a.ş.",
    "a.s.",
    "u.s.",
    "u.k.",
    "s.a.",
    "n.v.",
    "b.v.",
    "dr.",
    "st.",
}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_INITIAL_DOT = re.compile(r"[A-Z]\.")
_NEXT_CAPITAL = re.compile(r" [A-Z]")


@dataclass(slots=True)
class _Word:
    text: str
    start: int
    end: int

    @property
    def capital(self) -> bool:
        c = self.text[:1]
        return c.isupper() or (c.isdigit() and (bool(re.fullmatch(r"\d{4}", self.text)) or is_model_code(self.text)))


def _words(chunk: str) -> list[_Word]:
    out = []
    for m in _WORD.finditer(chunk):
        word, start = m.group(), m.start()
        # An initial keeps its full stop inside a name ("George W. Bush"), not at a sentence's end.
        initial = _INITIAL_DOT.fullmatch(word) and _NEXT_CAPITAL.match(chunk, m.end())
        if word.lower() not in _KEEP_DOT and not initial:
            word = word.rstrip(".'’")
        stripped = _POSSESSIVE.sub("", word)
        word = stripped or word
        if word:
            out.append(_Word(word, start, start + len(word)))
    return out


def _phrases(chunk: str, sent: Sentence, index: int, gaz: list[Mention]) -> list[Mention]:
    words = _words(chunk)
    out: list[Mention] = []
    for phrase in _runs(chunk, words):
        typed = _type_phrase(chunk, phrase, sent, index, gaz)
        out.extend(typed or _given_named_parts(chunk, phrase, sent, index, gaz))
    return out


def _given_named_parts(chunk: str, run: list[_Word], sent: Sentence, index: int, gaz: list[Mention]) -> list[Mention]:
    """The capitalised stretches of a run ("Tony Day" of "Tony Day of Cape Town") read by _given_named."""
    parts: list[list[_Word]] = [[]]
    for word in run:
        if word.capital:
            parts[-1].append(word)
        elif parts[-1]:
            parts.append([])
    return [m for part in parts if (m := _given_named(chunk, part, sent, index, gaz)) is not None]


def _given_named(chunk: str, run: list[_Word], sent: Sentence, index: int, gaz: list[Mention]) -> Mention | None:
    """ "under Alfred Kast and Adolph Strümpell": two or three capitalised words, the first a given
    name, nothing known inside, are a person's name where the recogniser, reading a name it has not
    seen, finds nothing (the lowest rank: any name it finds there wins, "Christian Democrats")."""
    name = _trim(run)
    if not 2 <= len(name) <= 3 or fold(name[0].text.split("-")[0]) not in given_names():
        return None
    if not all(w.text[:1].isupper() and w.text.replace("-", "").isalpha() for w in name):
        return None
    if any(fold(w.text) in HEAD_WORDS for w in name) or type_by_head(_text(chunk, name)):
        return None
    start, end = sent.start + name[0].start, sent.start + name[-1].end
    if any(g.start < end and start < g.end for g in gaz):
        return None
    return Mention(start, end, EntityType.Person, _text(chunk, name), "given:name", 0.6, index)


def _runs(chunk: str, words: list[_Word]) -> list[list[_Word]]:
    """Maximal runs of capitalised words, joined by spaces or hyphens, with
    lower-case connectors ("of", "and") allowed inside."""
    runs: list[list[_Word]] = []
    current: list[_Word] = []
    for i, word in enumerate(words):
        glued = current and _glued(chunk, current[-1], word)
        if word.capital and (glued or not current):
            current.append(word)
        elif word.capital:
            runs.append(current)
            current = [word]
        elif (
            glued
            and word.text.lower() in _CONNECTORS
            and i + 1 < len(words)
            and words[i + 1].capital
            and _glued(chunk, word, words[i + 1])
            and (word.text.lower() != "the" or current[-1].text.lower() in ("of", "for"))
        ):
            current.append(word)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [_trim(r) for r in runs if _trim(r)]


def _glued(chunk: str, left: _Word, right: _Word) -> bool:
    gap = chunk[left.end : right.start]
    return gap in (" ", "-", "–", "\u00a0") or (gap.isspace() and len(gap) <= 2 and "\n" not in gap)


_MONTH_NAMES = frozenset(MONTHS)


def _trim(run: list[_Word]) -> list[_Word]:
    while run and (
        run[0].text.lower() in STOP_WORDS
        or run[0].text.lower() in _CONNECTORS
        or run[0].text.lower().endswith("ly")
        or run[0].text.lower() in _MONTH_NAMES
        or (run[0].text.isdigit() and len(run) > 1 and run[1].text.lower() in _MONTH_NAMES)
        or (run[0].text.isdigit() and len(run) > 1 and run[1].text.lower() in STOP_WORDS)
    ):
        run = run[1:]
    while run and run[-1].text.lower() in _CONNECTORS:
        run = run[:-1]
    return run


_LONGEST_NAME = 12  # words; a longer run of capitals is a headline or a list, not one name


def _type_phrase(chunk: str, run: list[_Word], sent: Sentence, index: int, gaz: list[Mention]) -> list[Mention]:
    if len(run) > _LONGEST_NAME:
        return []
    person = _titled_person(chunk, run, sent, index, gaz) or _lived_person(chunk, run, sent, index, gaz)
    if person:
        return [person]
    out = []
    for name in _conjoined_names(chunk, run, sent, gaz):
        name = _drop_plural_opener(chunk, _drop_leading_title(name))
        if not name:
            continue
        typed = _remit_head(chunk, name, sent, gaz) or type_by_head(_text(chunk, name))
        if typed is None:
            name = _typed_prefix(chunk, name)
            typed = type_by_head(_text(chunk, name)) if name else None
        if typed is None:
            continue
        kind, rule = typed
        if (
            kind not in (EntityType.Event, EntityType.Agreement, EntityType.Project)
            and len(name) > 2
            and re.fullmatch(r"\d{4}", name[0].text)
        ):
            name = name[1:]  # "the 2009 European Parliament election": a year dates an event, not a body
        label = _text(chunk, name)
        start, end = sent.start + name[0].start, sent.start + name[-1].end
        number = _NUMBERED.match(chunk, name[-1].end) if fold(name[-1].text) in _NUMBERED_HEADS else None
        if number:  # "U.S. Route 20", "Shin Kori Unit 3": the number is part of the name
            label, end = label + number.group(), end + len(number.group())
        if _covered_by_gazetteer(start, end, gaz):
            continue
        if kind is EntityType.Product and not _product_name_ok(name):
            continue
        inner = [g for g in gaz if start <= g.start and g.end <= end]
        if any(g.end == end and g.type is kind for g in inner):
            continue  # "Korean Defense Acquisition Program Administration": the known body, with a modifier
        out.append(Mention(start, end, kind, label, f"pattern:{rule}", 0.8, index, inner=inner))
    return out


def _drop_leading_title(name: list[_Word]) -> list[_Word]:
    """ "Vice Head of the Agency": the title is not part of the body's name."""
    words = [fold(w.text) for w in name]
    for i, w in enumerate(words[:4]):
        if w == "of" and i > 0 and all(x in _TITLE_WORDS for x in words[:i]):
            return name[i + 1 :]
    return name


def _drop_plural_opener(chunk: str, name: list[_Word]) -> list[_Word]:
    """ "Shares of Tarvik Motors rose": a plural noun opening the sentence, and
    its "of", are capitalised by position, not part of the name after them."""
    if (
        len(name) > 2
        and name[1].text == "of"
        and name[0].text.endswith("s")
        and len(name[0].text) > 3
        and not chunk[: name[0].start].strip(" \"'“‘(")
        and type_by_head(name[0].text) is None
    ):
        typed = type_by_head(_text(chunk, name))
        if not (typed and typed[1].startswith("opening")):
            return name[2:]
    return name


_TITLE_WORDS = {w for t in TITLES for w in t.split()} | {"vice", "deputy", "acting", "former", "chief", "executive"}


def _typed_prefix(chunk: str, name: list[_Word]) -> list[_Word]:
    """ "Yalova University Graduate School of International Relations": the
    shortest front part that ends in a head names the body (the rest is a unit of it)."""
    for k in range(2, len(name)):
        prefix = name[:k]
        typed = type_by_head(_text(chunk, prefix))
        if typed and typed[0] in (EntityType.ResearchOrganization, EntityType.GovernmentBody, EntityType.Firm):
            return prefix
    return []


def _split_on_and(run: list[_Word]) -> list[list[_Word]]:
    parts: list[list[_Word]] = [[]]
    for w in run:
        if w.text.lower() == "and":
            parts.append([])
        else:
            parts[-1].append(w)
    return [_trim(p) for p in parts if _trim(p)]


_BODIES = (EntityType.ResearchOrganization, EntityType.GovernmentBody)
_KNOWN_BODIES = (
    EntityType.ResearchOrganization,
    EntityType.GovernmentBody,
    EntityType.Firm,
    EntityType.InternationalOrganization,
)


def _remit_head(chunk: str, name: list[_Word], sent: Sentence, gaz: list[Mention]) -> tuple[EntityType, str] | None:
    """ "Nigerian Institute of International Affairs": the words before the
    first "of" or "for" end in a body's head, and in English that head, not
    the last word, says what the whole is ("... of Management and Public
    Administration" is an institute). Openings ("Ministry of") are
    type_by_head's. A known body opening the name keeps its own name: "Armament
    Agency of Poland" is the Armament Agency, qualified."""
    for k, word in enumerate(name[1:-1], start=1):
        if word.text in ("of", "for"):
            typed = type_by_head(_text(chunk, name[:k]))
            start, end = sent.start + name[0].start, sent.start + name[k - 1].end
            known = any(g.start == start and g.end <= end and g.type in _KNOWN_BODIES for g in gaz)
            if typed and typed[0] in _BODIES and not typed[1].startswith("opening") and not known:
                return typed[0], "remit:" + typed[1].split(":", 1)[1]
            return None
    return None


def _conjoined_names(chunk: str, run: list[_Word], sent: Sentence, gaz: list[Mention]) -> list[list[_Word]]:
    """ "Beta Co. and Gamma Holding" is two names; "Ministry of Trade and
    Industry" and "Korea Institute of Science and Technology" are one: after a
    body's "of" or "for", "and" joins the fields of its remit, unless what
    follows is a name of its own (its own head, or a known firm, body or person)."""
    parts = _split_on_and(run)
    names = parts[:1]
    for part in parts[1:]:
        current = names[-1]
        typed = type_by_head(_text(chunk, current))
        has_remit = _remit_head(chunk, current, sent, gaz) or (typed and typed[1].startswith("opening"))
        if (has_remit and not _own_name(chunk, part, sent, gaz)) or _a_field_of(chunk, current, part, sent, gaz):
            names[-1] = run[run.index(current[0]) : run.index(part[-1]) + 1]
        else:
            names.append(part)
    return names


def _a_field_of(chunk: str, current: list[_Word], part: list[_Word], sent: Sentence, gaz: list[Mention]) -> bool:
    """ "Harbor and Saratoga Railroad", "Fish and Wildlife Service": words
    before "and" with no head of their own, ending in a common noun and not
    known as a name, are one of the fields of the name that follows."""
    if type_by_head(_text(chunk, current)) is not None or type_by_head(_text(chunk, part)) is None:
        return False
    start, end = sent.start + current[0].start, sent.start + current[-1].end
    if any(g.start < end and start < g.end and not g.demonym for g in gaz):
        return False
    return is_common_noun(current[-1].text.lower())


def _own_name(chunk: str, part: list[_Word], sent: Sentence, gaz: list[Mention]) -> bool:
    start, end = sent.start + part[0].start, sent.start + part[-1].end
    known = any(start <= g.start and g.end <= end and g.type not in (EntityType.Country, EntityType.Place) for g in gaz)
    return known or type_by_head(_text(chunk, part)) is not None


def _text(chunk: str, run: list[_Word]) -> str:
    return chunk[run[0].start : run[-1].end]


def _covered_by_gazetteer(start: int, end: int, gaz: list[Mention]) -> bool:
    return any(g.start == start and g.end == end for g in gaz)


def _product_name_ok(name: list[_Word]) -> bool:
    # "Altay tank", "K9 howitzer": a model code or a proper name before the head,
    # but not a demonym or country ("Turkish tank", "Korean engines").
    return len(name) >= 2 and fold(name[-1].text) in {fold(h) for h in PRODUCT_HEADS}


def _titled_person(chunk: str, run: list[_Word], sent: Sentence, index: int, gaz: list[Mention]) -> Mention | None:
    lowered = [fold(w.text) for w in run]
    for i in range(len(run)):
        for width in (2, 1):
            title = " ".join(lowered[i : i + width])
            if len(lowered[i : i + width]) == width and title in TITLES:
                name = run[i + width :]
                name = name[: next((k for k, w in enumerate(name) if w.text.lower() in _CONNECTORS), len(name))]
                if 1 <= len(name) <= 4 and all(
                    (w.text[:1].isupper() and w.text.isalpha() or "-" in w.text or _INITIAL_DOT.fullmatch(w.text))
                    and fold(w.text) not in HEAD_WORDS
                    for w in name
                ):
                    start, end = sent.start + name[0].start, sent.start + name[-1].end
                    overlaps = [g for g in gaz if g.start < end and start < g.end]
                    if not _given_names(overlaps, start, end) or type_by_head(_text(chunk, name)):
                        return None
                    return Mention(
                        start, end, EntityType.Person, _text(chunk, name), "title:" + title, 0.85, index, inner=overlaps
                    )
                return None
    return None


_NAME_WORD = r"[A-Z][\w.'’-]*"
# 'Wilfried "Willi" Schneider', 'Jon "Bowzer" Bauman': a name with a nickname in quotes inside it.
_NICKNAMED = re.compile(
    rf"(?<![\w\"“])((?:{_NAME_WORD}\s+){{1,3}})[\"“]({_NAME_WORD}(?:\s+{_NAME_WORD})?)[\"”]\s+({_NAME_WORD}(?:\s+{_NAME_WORD})?)"
)


def _nicknamed(chunk: str, sent: Sentence, index: int) -> list[Mention]:
    """A person's name with a nickname quoted inside it, where a given name opens the name or the
    nickname, or a birth, death or lifespan in brackets follows: the quotes cut the name in pieces
    the recogniser reads apart, or not at all."""
    out = []
    for m in _NICKNAMED.finditer(chunk):
        first, nick, last = m.group(1).split(), m.group(2), m.group(3)
        if fold(first[0]) in STOP_WORDS or any(fold(w) in HEAD_WORDS for w in [*first, last.split()[-1]]):
            continue
        lived = LIFE_MARK.match(chunk, m.end()) or LIFESPAN.match(chunk, m.end()) or LIFE_DAYS.match(chunk, m.end())
        if not (lived or fold(first[0]) in given_names() or fold(nick.split()[0]) in given_names()):
            continue
        out.append(
            Mention(
                sent.start + m.start(),
                sent.start + m.end(),
                EntityType.Person,
                m.group(0),
                "pattern:nickname",
                0.8,
                index,
            )
        )
    return out


# "a Houston-based energy firm", "Seoul-based Hanwha": a name joined by a hyphen to "based" is a place.
_BASED = re.compile(r"(?<![\w-])((?:[A-Z][\w.'’]*\s+){0,2}[A-Z][\w.'’]*)-(?:based|headquartered)\b")


def _based_places(chunk: str, sent: Sentence, index: int, gazetteer: Gazetteer) -> list[Mention]:
    """The place a body is "X-based" in: the gazetteer's place or country of that name, else a place of
    its own. Word matching reads "Houston-based" as one word, so the name is looked for here."""
    out = []
    for m in _BASED.finditer(chunk):
        words = m.group(1).split()
        while words and fold(words[0]) in STOP_WORDS:
            words = words[1:]
        if not words:
            continue
        name = " ".join(words)
        start = sent.start + m.end(1) - len(name)
        known = [x for x in gazetteer.find(name) if x.start == 0 and x.end == len(name)]
        if known and known[0].entry.type not in (EntityType.Place, EntityType.Country):
            continue
        if known:
            at = start - sent.start
            out.append(_from_match(chunk, dataclasses.replace(known[0], start=at, end=at + len(name)), sent, index))
        else:
            out.append(Mention(start, start + len(name), EntityType.Place, name, "pattern:based", 0.8, index))
    return out


def _lived_person(chunk: str, run: list[_Word], sent: Sentence, index: int, gaz: list[Mention]) -> Mention | None:
    """ "Eskil Marten (born 4 June 1911) is ...": two to four name words with a birth, a death or days
    of both in brackets after them name a person, where the recogniser, reading a name it does not
    know, often sees nothing."""
    name = run[1:] if run and fold(run[0].text) in STOP_WORDS else run
    end = name[-1].end if name else 0
    if not 2 <= len(name) <= 4 or not (LIFE_MARK.match(chunk, end) or LIFE_DAYS.match(chunk, end)):
        return None
    if not all(w.text[:1].isupper() and fold(w.text) not in HEAD_WORDS for w in name):
        return None
    start = sent.start + name[0].start
    if type_by_head(_text(chunk, name)) or _covered_by_gazetteer(start, sent.start + end, gaz):
        return None
    return Mention(start, sent.start + end, EntityType.Person, _text(chunk, name), "pattern:life", 0.8, index)


def _given_names(overlaps: list[Mention], start: int, end: int) -> bool:
    """ "Prime Minister Sofia Santoso": a place the gazetteer knows, opening a
    titled name and followed by more of it, is a given name. Any other known
    name inside the titled one is left to the gazetteer."""
    return all(g.type in (EntityType.Place, EntityType.Country) and g.start == start and g.end < end for g in overlaps)


_MOU = re.compile(r"\b(memorandum of understanding|MoU|MOU)\b", re.I)
_TOPIC = re.compile(
    r"\s(?:on|for|in the field of|in the area of|in the fields of|regarding|concerning)\s+(?:the\s+)?"
    r"([a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)"
)


def _memoranda(chunk: str, sent: Sentence, index: int) -> list[Mention]:
    """A memorandum of understanding is named by its topic when the sentence
    gives one ("... on nuclear cooperation", "... in the field of energy")."""
    out = []
    for m in _MOU.finditer(chunk):
        clause_end = min([chunk.find(c, m.end()) for c in ",;" if chunk.find(c, m.end()) >= 0] + [len(chunk)])
        topic = _TOPIC.search(chunk, m.end(), clause_end)
        words = [w for w in (topic.group(1).split() if topic else []) if w not in STOP_WORDS][:2]
        label = "Memorandum of Understanding" + (" on " + " ".join(words) if words else "")
        end = topic.end() if topic and topic.start() == m.end() and words else m.end()
        out.append(
            Mention(
                sent.start + m.start(),
                sent.start + end,
                EntityType.Agreement,
                label,
                "pattern:memorandum",
                0.75,
                index,
                surface=chunk[m.start() : end],
            )
        )
    return out


# --- statistical NER ------------------------------------------------------------

# Every name the model finds is a candidate of one of these types unless a
# rule below rejects it; each rejection is counted (ner_rejections).
_NER_TYPES = {
    "GPE": EntityType.Place,
    "LOC": EntityType.Place,
    "FAC": EntityType.Place,
    "PERSON": EntityType.Person,
    "EVENT": EntityType.Event,
}
_NER_NAMED = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
_NEAR = 300  # characters either side of a name that count as near it
_FIRM_CONTEXT = re.compile(
    r"\b(compan(?:y|ies)|firms?|makers?|manufacturers?|builders?|contractors?|conglomerates?|"
    r"subsidiar(?:y|ies)|corporations?|shipbuilders?|automakers?|carmakers?|banks?|lenders?|"
    r"operators?|suppliers?|exporters?|investors?|producers?|consortium|joint venture|partners|group)\b"
    r"|\b(?:made|built|supplied|manufactured|produced|operated|developed) by\b",
    re.I,
)
# Lower-case words inside a person's name: "Zack de la Rocha", "Ludwig van Beethoven".
_NAME_PARTICLES = {
    "de", "la", "le", "da", "das", "do", "dos", "di", "du", "del", "della", "van", "von", "der", "den", "ten", "ter",
    "y", "e", "bin", "ibn", "bint", "al", "el", "af", "zu", "of",
}  # fmt: skip
_INITIAL = re.compile(r"[A-Z]\.?")
_PLACE_AFTER = re.compile(r"\s(?:in|at|near)\s(?=[A-Z])")
_COMPOUND = re.compile(r"-[a-z]+\b")
# Heads of names that end in a number: "Route 20", "Unit 3", "Torpedo Squadron 8".
_NUMBERED_HEADS = {
    "route", "highway", "unit", "street", "avenue", "road", "block", "line", "phase", "terminal", "pier", "gate",
    "squadron", "force", "district", "division", "brigade", "regiment", "corps", "fleet", "army", "studio",
}  # fmt: skip
_NUMBERED = re.compile(r"( \d{1,4}[A-Z]?)(?![\w.,]\d)")
_UNIT = re.compile(r"(?:Department|Faculty|School|Division|Unit|Chair) of ")
_AFTER_A_NAME = re.compile(r"[A-Z][\w.)]*, $")
_ROLES = {
    "specialist", "expert", "analyst", "officer", "adviser", "advisor", "consultant", "correspondent", "fellow",
    "researcher", "coordinator", "manager", "spokesperson", "representative",
}  # fmt: skip
_CONCEPT = re.compile(r"\b((?:[a-z][a-z-]+ ){1,5}[a-z][a-z-]+) \(([A-Z]{2,6})\)")


def _concept_acronyms(text: str) -> set[str]:
    """Acronyms the text defines for a common phrase ("foreign direct
    investment (FDI)"): short forms of a concept, not names of a body."""
    out = set()
    for m in _CONCEPT.finditer(text):
        words, short = m.group(1).split(), m.group(2).lower()
        initials = "".join(w[0] for w in words[-len(short) :])
        if initials == short:
            out.add(m.group(2))
    return out


_REGIONAL = re.compile(
    r"(?:(?:North|South|East|West|Central|Southeast|Northeast|Southwest|Northwest|Latin|Sub-Saharan)[- ]?)?"
    r"(?:African|Asian|European|American|Eurasian|Oceanian|Arctic|Antarctic|Caribbean|Mediterranean|Scandinavian|"
    r"Nordic|Baltic|Balkan|Pacific|Atlantic|Middle Eastern|Eastern|Western|Northern|Southern)s?"
)
_FIRST_WORD = re.compile(r"(\w+)\s+(?=\S)")
_NEXT_LOWER = re.compile(r" ([a-z]+)\b")
_PLURAL_OF = re.compile(r"([A-Z][a-z]+s) of (?=[A-Z])")
# A short number closing a name: followed by punctuation or a function word, not by what it counts.
_NUMBER_AFTER = re.compile(r"( \d{1,3})(?=[,.;:)]|$| (?:" + "|".join(sorted(STOP_WORDS)) + r")\b)")
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}


@dataclass(frozen=True, slots=True)
class Rejection:
    """A name NER found that extraction does not keep, and the rule that says why."""

    start: int
    end: int
    ner_label: str
    text: str
    rule: str


# Rejections counted in this process, by rule: what `ties evaluate --verbose` can report.
_REJECTED: Counter[str] = Counter()


def ner_rejections() -> dict[str, int]:
    """How many NER names each rule has rejected in this process so far."""
    return dict(_REJECTED)


def _from_ner(
    text: str, sentences: list[Sentence], spans: list[NerSpan], rejected: list[Rejection], lowercase: frozenset[str]
) -> list[Mention]:
    out = []
    starts = [s.start for s in sentences]
    linked = {i for i, s in enumerate(sentences) if text.find("http", s.start, s.end) >= 0} if spans else set()
    concepts = _concept_acronyms(text) if spans else set()
    for span in spans:
        if span.label not in _NER_NAMED:
            continue  # dates, numbers and amounts are not names
        if text[span.start : span.end] in concepts:
            rejected.append(
                Rejection(
                    span.start, span.end, span.label, text[span.start : span.end], "an acronym of a common phrase"
                )
            )
            continue
        mention, rule = _ner_mention(text, sentences, starts, span, lowercase, linked)
        if mention is not None:
            out.append(mention)
        else:
            rejected.append(Rejection(span.start, span.end, span.label, text[span.start : span.end], rule))
    return out


def _ner_mention(
    text: str,
    sentences: list[Sentence],
    starts: list[int],
    span: NerSpan,
    lowercase: frozenset[str],
    linked: set[int],  # the sentences holding a link
) -> tuple[Mention | None, str]:
    i = bisect.bisect_right(starts, span.start) - 1
    if i < 0 or span.end > sentences[i].end:
        return None, "crosses a sentence end"
    if sentences[i].heading:
        return None, "in a heading"
    if i in linked:
        return None, "in a reference line"  # titles and publishers, where NER guesses badly
    start, end = _strip_article(text, span.start, span.end)
    label = _POSSESSIVE.sub("", text[start:end]).rstrip(",")
    if not _keeps_dot(label):
        label = label.rstrip(".")
    label = re.sub(r"\s+region$", "", label)
    label = _PLACE_AFTER.split(label, maxsplit=1)[0]  # "Holmenkollen in Oslo": two names
    label = label.split("(", 1)[0].rstrip()  # "Military Intelligence (DGMI": the name ends at the bracket
    end = start + len(label)
    if not label or not label[0].isupper():
        return None, "not capitalised"
    opener = _PLURAL_OF.match(label)
    if opener and start == sentences[i].start and is_plural_noun(opener.group(1).lower()):
        label, start = label[opener.end() :], start + opener.end()  # "Volunteers of Greenpeace met ..."
    if label.split()[-1].lower() in _CONNECTORS:
        return None, "cut off after a joining word"  # "the Super Tucano of Embraer of"
    number = _NUMBER_AFTER.match(text, end)
    if not number and fold(label.split()[-1]) in _NUMBERED_HEADS:
        number = _NUMBERED.match(text, end)
    if number and label.split()[-1][:1].isupper():
        label, end = label + number.group(1), number.end(1)  # "Shin Kori Unit 3", "Route 20"
    if " " not in label and label.lower() in lowercase:
        return None, "one word the document also writes in lower case"  # "Media contact:", "the Commission"
    if _COMPOUND.match(text, end) or (" " not in label and _COMPOUND.search(label)):
        return None, "part of a compound adjective"  # "Izmir-based", "US-led"
    if span.label == "ORG" and label.isupper() and _only_a_modifier(text, label):
        return None, "an acronym used only before a noun"  # "LNG importers", "LNG convoy security"
    if _UNIT.match(label) and _AFTER_A_NAME.search(text, max(0, start - 80), start):
        return None, "a unit of the body named before it"  # "Yalova University, Department of History"
    if label.split()[-1].lower() in _ROLES:
        return None, "a role a person holds"  # "an Asia Pacific Specialist"
    opener = _FIRST_WORD.match(label) if start == sentences[i].start else None
    while opener and opener.group(1).lower() in STOP_WORDS:  # "Later Rear Admiral Wilkes" opening a sentence
        start, label = start + opener.end(), label[opener.end() :]
        opener = _FIRST_WORD.match(label)
    ner_label = span.label
    titled = _without_title(label, ner_label)
    if titled is not None:  # "King Prajadhipok", "Rear Admiral Wilkes": the title names no one
        start, label, ner_label = start + len(label) - len(titled), titled, "PERSON"
    # A firm word near the name, in its sentence: reading the whole of a megabyte-long "sentence" for
    # each of its names would take hours.
    near = text[max(sentences[i].start, start - _NEAR) : min(sentences[i].end, end + _NEAR)]
    kind, rule = _ner_type(ner_label, label, near)
    head = _NEXT_LOWER.match(text, end)
    if kind is not None and span.label != "PERSON" and head and head.group(1) in PRODUCT_HEADS:
        kind = EntityType.Product  # "its Krab howitzer", "the Altay tank": the name of a model
    if kind is None:
        return None, rule
    return Mention(start, end, kind, label, f"ner:{span.label}", 0.6, i), ""


# Titles that open a person's name in NER's spans; the strong ones never open an organisation's.
_RULERS = {
    "king", "queen", "emperor", "empress", "pope", "sultan", "tsar", "czar", "maharaja", "shah", "admiral",
    "saint", "sir", "lord", "lady", "prince", "princess", "duke", "duchess", "count", "countess", "baron",
    "bishop", "archbishop", "cardinal", "ensign", "captain", "colonel", "lieutenant", "sergeant", "rear",
}  # fmt: skip
_STRONG = {"king", "queen", "emperor", "empress", "pope", "sultan", "tsar", "admiral", "president", "minister"}


def _without_title(label: str, ner_label: str) -> str | None:
    """The name after the titles opening a NER person ("King Prajadhipok" ->
    "Prajadhipok"), or None when no title opens it. An organisation's name
    loses a title only when a strong one opens a person's name ("Admiral Dufek")."""
    words = label.split()
    k = 0
    while k < len(words) - 1 and fold(words[k]) in _RULERS | _TITLE_WORDS:
        k += 1
    if k == 0 or ner_label not in ("PERSON", "ORG"):
        return None
    rest = words[k:]
    if ner_label == "ORG" and (
        not _STRONG & {fold(w) for w in words[:k]} or not _person_words(rest) or type_by_head(" ".join(rest))
    ):
        return None
    return " ".join(rest) if rest[0][:1].isupper() else None


def _only_a_modifier(text: str, acronym: str) -> bool:
    """Whether every use of ACRONYM in the text stands before a common noun
    and none after "the" ("LNG importers", not "the BBC spoke"): the short
    form of a thing or a trade, not a body's name."""
    uses = list(re.finditer(rf"(\b[Tt]he )?(?<![\w-]){re.escape(acronym)}(?![\w-])( [a-z]+)?", text))
    return bool(uses) and all(not u.group(1) and u.group(2) and is_common_noun(u.group(2).strip()) for u in uses)


def _keeps_dot(label: str) -> bool:
    """ "Paul Desmarais Jr.", "Acme Inc.": a final abbreviation keeps its full stop."""
    last = label.split()[-1].lower() if label.split() else ""
    return last in _KEEP_DOT


def _strip_article(text: str, start: int, end: int) -> tuple[int, int]:
    for article in ("the ", "The "):
        if text.startswith(article, start):
            start += len(article)
    return start, end


_NOT_PLACES = {"west", "east", "north", "south", "western", "eastern", "northern", "southern", "the west", "the east"}


def _ner_type(ner_label: str, name: str, sentence: str) -> tuple[EntityType | None, str]:
    """The ties type of a name NER found, or None and the rule that rejects it."""
    typed = type_by_head(name.rstrip("."))
    if len(name) <= 2:
        return None, "two letters or fewer"
    if name.lower() in _NOT_PLACES:
        return None, "a compass direction"
    if any(is_model_code(w) for w in name.split()) and ner_label != "PERSON":
        if ner_label in ("PRODUCT", "GPE", "ORG", "FAC"):
            return EntityType.Product, ""
        return None, "a model code under a label that is no product"
    if ner_label == "PERSON":
        if typed is not None and not typed[1].startswith("place opening"):
            return typed[0], ""  # "Docklands Drive" is no one's name: its head types it
        return (EntityType.Person, "") if _person_words(name.split()) else (None, "not a person's name")
    if typed is not None:
        return typed[0], ""
    if ner_label in _NER_TYPES:
        return _NER_TYPES[ner_label], ""
    if ner_label == "ORG":
        firm = _FIRM_CONTEXT.search(sentence)
        return (EntityType.Firm if firm else EntityType.Organization), ""
    if ner_label == "PRODUCT":
        return EntityType.Product, ""
    if ner_label == "NORP" and _REGIONAL.fullmatch(name):
        return None, "the adjective of a region, not a group"  # "the Asian side", "West African dances"
    if ner_label == "NORP":
        # A people, faith or party ("Catholic", "Democrats", "Kurdish") that no country's demonym in the
        # gazetteer claims: the community as a group, the nearest of the types.
        return EntityType.Organization, ""
    if ner_label == "LAW":
        return None, "a law without an agreement's head word"
    return None, f"{ner_label} has no ties type"


def _person_words(words: list[str]) -> bool:
    """Capitalised words, initials ("W."), particles inside ("de la") and a
    generational suffix: the shape of a person's name."""
    if not 1 <= len(words) <= 6 or not words[0][:1].isupper():
        return False
    for w in words:
        if w.lower() in _NAME_PARTICLES and w is not words[0] and w is not words[-1]:
            continue
        if not (w[:1].isupper() and re.fullmatch(r"[\w'’.-]+", w)) and not _INITIAL.fullmatch(w):
            return False
    return True


_REFERENCE_HEADS = {
    **dict.fromkeys(("summit", "visit", "conference", "forum", "war", "exhibition", "expo"), EntityType.Event),
    **dict.fromkeys(("agreement", "treaty", "accord", "deal", "memorandum", "contract"), EntityType.Agreement),
    **dict.fromkeys(
        (
            "bridge",
            "tunnel",
            "plant",
            "airport",
            "pipeline",
            "railway",
            "project",
            "programme",
            "program",
            "dam",
            "canal",
        ),
        EntityType.Project,
    ),
    **dict.fromkeys(("tank", "howitzer", "reactor", "fighter", "aircraft", "engine"), EntityType.Product),
    **dict.fromkeys(("commission", "ministry", "agency", "administration"), EntityType.GovernmentBody),
    **dict.fromkeys(("company", "firm", "group", "builder", "manufacturer", "contractor"), EntityType.Firm),
}
# "the bridge", "this visit", "the Korean builder", "the new nuclear plant": up to two modifiers.
_REFERENCE = re.compile(
    r"\b(?:the|this|that|these|those)\s+(?:[A-Za-z][a-z]+(?:-[a-z]+)?\s+){0,2}?(" + "|".join(_REFERENCE_HEADS) + r")\b",
    re.I,
)
_REFERENCE_REACH = 12  # sentences back to look for what "the bridge" means


_PAIR = re.compile(r"\b(?:both|the two)\s+(?:countries|nations|sides|governments|states)\b", re.I)


def _definite_references(text: str, sentences: list[Sentence], chosen: list[Mention]) -> list[Mention]:
    """ "The summit", "this visit", "the bridge": the most recent entity of the
    head's type whose name has that head ("the company": the most recent firm).
    "Both nations", "the two countries": the last two countries named."""
    out = []
    taken = [(m.start, m.end) for m in chosen]
    for index, sent in enumerate(sentences):
        if sent.heading:
            continue
        for ref in _PAIR.finditer(text, sent.start, sent.end):
            for country in _last_two_countries(chosen, ref.start(), index):
                out.append(
                    Mention(
                        ref.start(),
                        ref.end(),
                        EntityType.Country,
                        country.label,
                        "coref",
                        0.6,
                        index,
                        country.entry,
                        alias_of=country,
                    )
                )
        for ref in _REFERENCE.finditer(text, sent.start, sent.end):
            head = ref.group(1).lower()
            start, end = ref.span(1)  # the head noun: a modifier may be a mention of its own ("Korean")
            if any(start < e and s < end for s, e in taken):
                continue
            antecedent = _antecedent(chosen, start, index, head)
            if antecedent is not None:
                out.append(
                    Mention(
                        start,
                        end,
                        antecedent.type,
                        antecedent.label,
                        "coref",
                        0.6,
                        index,
                        antecedent.entry,
                        alias_of=antecedent,
                    )
                )
    return out


def _last_two_countries(chosen: list[Mention], before: int, index: int) -> list[Mention]:
    found: dict[str, Mention] = {}
    for m in reversed(chosen):
        if m.start >= before or m.type is not EntityType.Country or m.entry is None:
            continue
        if index - m.sentence > _REFERENCE_REACH:
            break
        found.setdefault(m.entry.label, m)
        if len(found) == 2:
            return list(found.values())
    return []


def _antecedent(chosen: list[Mention], before: int, index: int, head: str) -> Mention | None:
    kind = _REFERENCE_HEADS[head]
    any_of_type = kind is EntityType.Firm
    for m in reversed(chosen):
        if m.start >= before or m.nested or m.alias_of is not None:
            continue
        if index - m.sentence > _REFERENCE_REACH:
            return None
        if m.type is kind and (any_of_type or head in fold(m.label).split() or head in fold(m.surface or "").split()):
            return m
    return None


_HOSTS = {
    EntityType.Agreement,
    EntityType.Event,
    EntityType.Project,
    EntityType.Firm,
    EntityType.GovernmentBody,
    EntityType.Organization,
}


def _named_inside(chosen: list[Mention]) -> list[Mention]:
    """A country or international body named inside an agreement, event,
    project or organisation name ("Korea-Türkiye Free Trade Agreement") is
    mentioned too; places inside names ("Istanbul University") are not."""
    out = []
    for m in chosen:
        if m.type in _HOSTS:
            for inner in m.inner:
                if inner.type in (EntityType.Country, EntityType.InternationalOrganization):
                    inner.nested = True
                    out.append(inner)
    return out


# --- settling overlaps, acronyms --------------------------------------------------


def _settle(candidates: list[Mention]) -> list[Mention]:
    """Keep the best of overlapping candidates: a typed phrase beats the
    gazetteer matches it contains; otherwise higher rank, then longer span."""

    def strength(m: Mention) -> tuple:
        # A NER name holding rule mentions won over them in _longest_names; a typed phrase beats what it holds.
        swallows = (2 if m.method.startswith("ner") else int(m.rank >= 3)) if m.inner else 0
        return (swallows, m.rank, m.end - m.start, -m.start)

    chosen: list[Mention] = []
    taken = _Spans()
    for m in sorted(candidates, key=strength, reverse=True):
        if taken.overlaps(m.start, m.end):
            continue
        chosen.append(m)
        taken.add(m.start, m.end)
    return chosen


class _Spans:
    """Disjoint spans, sorted, so that whether a new span overlaps one is a search, not a scan (a
    text with 50,000 names would otherwise compare each with all)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        # Of disjoint spans, only the last one starting before END can reach past START.
        i = bisect.bisect_left(self.starts, end)
        return i > 0 and self.ends[i - 1] > start

    def covers(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        return i > 0 and self.ends[i - 1] >= end

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _overlapped(from_ner: list[Mention], chosen: list[Mention]) -> list[Rejection]:
    """NER names that lost to a surer or longer mention and are not that
    mention's own words: the part of the name no kept mention covers is lost."""
    kept = {(m.start, m.end) for m in chosen}
    spans = _Spans()
    for c in sorted(chosen, key=lambda c: c.start):
        spans.add(c.start, c.end)
    out = []
    for m in from_ner:
        if (m.start, m.end) in kept:
            continue
        if not spans.covers(m.start, m.end):
            out.append(Rejection(m.start, m.end, m.method.split(":", 1)[1], m.label, "overlaps a surer name"))
    return out


# A name's own words that do not make it longer than a known name inside it.
_NOT_EXTENDING = STOP_WORDS | {"and", "&"}


def _longest_names(text: str, from_ner: list[Mention], found: list[Mention]) -> None:
    """The longest name wins over a known name inside it: "Gulf of Mexico" is a
    place, not Mexico; "Chad Kroeger" a person, not Chad. A NER name holding
    rule mentions wins when it adds a capitalised word none of them covers, or
    when it joins names the rules split at "and" into one ("U.S. Securities
    and Exchange Commission"). What it holds is kept inside it, as with typed phrases."""
    for n in from_ner:
        inside = [m for m in found if n.start <= m.start and m.end <= n.end and (m.start, m.end) != (n.start, n.end)]
        if n.type is EntityType.Place and _team_of_a_town(n, inside):
            n.type = EntityType.Organization
        if not inside or any(c in text[n.start : n.end] for c in ",;\n"):
            continue
        if any(m.start <= n.start and n.end <= m.end for m in found):
            continue  # a rule found this name, or a longer one, already
        if _adds_a_word(text, n, inside) or _joins_split_names(text, n, inside):
            n.inner = inside
            opener = next((m for m in inside if m.start == n.start and m.type in _KNOWN_BODIES), None)
            if n.type is EntityType.Person and opener is not None:
                n.type = opener.type  # "Samsung Techwin": a known firm's name opens no one's name


# Plurals towns are named with: "Colorado Springs", "Niagara Falls", "Dallas Heights".
_PLACE_PLURALS = set(
    """springs falls heights hills lakes islands isles keys plains woods mountains rapids narrows shores sands
    meadows fields gardens oaks pines flats cliffs rocks forks wells mills bluffs groves parks ridges acres
    estates terraces downs marshes banks harbours harbors crossings junctions points""".split()
)


def _team_of_a_town(n: Mention, inside: list[Mention]) -> bool:
    """ "San Antonio Spurs", "Kansas City Kings": a town's name and one capitalised plural after it, which
    no place is called by ("Colorado Springs" is: springs is a kind of place), name a team or a band
    named after its town, whatever place the recogniser took it for."""
    words = n.label.split()
    last = words[-1] if len(words) > 1 else ""
    if not (last[:1].isupper() and last.endswith("s") and len(last) > 3) or fold(last) in HEAD_WORDS | _PLACE_PLURALS:
        return False
    town = " ".join(words[:-1])
    known = any(
        m.start == n.start and m.label == town and m.type in (EntityType.Place, EntityType.Country) for m in inside
    )
    return known or place_countries(town) is not None


def _adds_a_word(text: str, n: Mention, inside: list[Mention]) -> bool:
    for word in _WHOLE_WORD.finditer(text, n.start, n.end):
        w = word.group()
        if any(m.start <= word.start() < m.end for m in inside) or w.lower() in _NOT_EXTENDING:
            continue
        if w[:1].isupper() and not is_model_code(w):
            return True
    return False


def _joins_split_names(text: str, n: Mention, inside: list[Mention]) -> bool:
    outer = sorted((m for m in inside if not any(o is not m and o.start <= m.start and m.end <= o.end for o in inside)),
                   key=lambda m: m.start)  # fmt: skip
    if len(outer) < 2 or type_by_head(n.label) is None:
        return False
    return all(_fields_joined(text, a, b) for a, b in zip(outer, outer[1:], strict=False))


_DEFINITION = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)")


def _acronyms(text: str, sentences: list[Sentence], chosen: list[Mention]) -> list[Mention]:
    """ "Korea Hydro & Nuclear Power (KHNP)": the bracketed short form names the
    same entity, here and wherever it recurs in the document. CHOSEN with those
    mentions added; NER's reading of the short form as a name of its own goes."""
    defined: dict[str, Mention] = {}
    for m in chosen:
        d = _DEFINITION.match(text, m.end)
        if d and _abbreviates(d.group(1), m.label) and d.group(1) != m.label:
            defined.setdefault(d.group(1), m)
    if not defined:
        return chosen
    chosen = [m for m in chosen if not (m.method.startswith("ner") and m.label in defined)]
    taken = sorted((m.start, m.end) for m in chosen)
    out = []
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(a) for a in sorted(defined, key=len, reverse=True)) + r")(?![\w-])"
    )
    starts = [s.start for s in sentences]
    for occ in pattern.finditer(text):
        start, end = occ.span()
        if any(start < e and s < end for s, e in taken):
            continue
        i = bisect.bisect_right(starts, start) - 1
        if i < 0 or end > sentences[i].end:
            continue
        source = defined[occ.group(1)]
        out.append(Mention(start, end, source.type, occ.group(1), "acronym", 0.85, i, source.entry, alias_of=source))
    return chosen + out


# A gloss between a name and the bracket that gives another name of it: the name in another language or
# script, or a pronunciation the source left empty ("Debub Gondar (Amharic: ...) (or South Gondar)").
_GLOSSES = r"(?:\s*\((?:\s*[A-Z][a-z]+\s*[:;][^()]*|\s*)\))*"
_BRACKET_OPEN = re.compile(_GLOSSES + r"\s*\(\s*(?:(?:now|formerly|previously|also|or|also known as|known as|the)\s+)*")
_BRACKET_CLOSE = re.compile(r"\s*\)")
# "Newell Convers Wyeth (1882-1945), known as N. C. Wyeth", "Mohammed bin Salman, also called MBS":
# one bracket (life dates, a gloss) may stand between the name and the words that give its other name.
# "called" and "nicknamed" only after a comma: "Erdoğan called Lee on Monday" is a telephone call.
_KNOWN_AS = re.compile(
    r"(?:\s*\([^()]{0,120}\))?(?:\s*,?\s+(?:(?:also|better|commonly|popularly|professionally|simply|widely|often)\s+)*"
    r"known\s+(?:(?:professionally|simply|locally|mononymously)\s+)?as"
    r"|\s*,\s*(?:(?:also|commonly|popularly|often|sometimes)\s+)?(?:called|nicknamed))\s+(?:the\s+)?"
)
# "Zevs (born Christophe Aguirre Schwarz on 17 November 1977)", "Trinity Fatu (née McCray; ...)"
_BORN_AS = re.compile(r"\s*\(\s*(?:born|née|nee)\s+")
# "Aspren or Asprenas was ...": two names joined by "or" as a sentence's subject are one thing's two names.
_OR_NAME = re.compile(r"\s+or\s+(?:the\s+)?")
_OR_SUBJECT_END = re.compile(_GLOSSES + r"\s*,?\s+(?:is|was|are|were)\b")
_FAMILIES = [
    {EntityType.Person},
    {EntityType.Country, EntityType.Place},
    {
        EntityType.Firm,
        EntityType.GovernmentBody,
        EntityType.InternationalOrganization,
        EntityType.ResearchOrganization,
        EntityType.Organization,
    },
]


def _other_names(text: str, sentences: list[Sentence], chosen: list[Mention]) -> None:
    """A name the text gives as another name of the one just before it is an alias of that one, here and
    wherever the text repeats it: in brackets ("Kristiania (now Oslo)", "Task Force 104 (TF-104)"), after
    "known as" or "nicknamed", after "born" or "née" in a person's brackets, or joined by "or" in the
    subject that opens a sentence ("Western Ukraine or West Ukraine is ..."). A place after a firm
    ("Hanwha (Korea)") is of another kind and stays apart. The known one, if either is in the gazetteer,
    keeps its identity."""
    starts = {m.start: m for m in chosen if not m.nested}
    for m in chosen:
        if m.nested or m.alias_of is not None:
            continue
        other = _bracketed_name(text, m, starts) or _named_again(text, sentences, m, starts)
        if other is None or other is m or other.alias_of is not None:
            continue
        if m.entry is not None and other.entry is not None:
            continue  # two known names: the gazetteer says whether they are one
        alias, target = (m, other) if m.entry is None and other.entry is not None else (other, m)
        alias.alias_of, alias.type = target, target.type
    _repeated_aliases(chosen)


def _bracketed_name(text: str, m: Mention, starts: dict[int, Mention]) -> Mention | None:
    opening = _BRACKET_OPEN.match(text, m.end)
    other = starts.get(opening.end()) if opening and "(" in opening.group() else None
    if other is None or not _BRACKET_CLOSE.match(text, other.end):
        return None
    if _same_family(m.type, other.type) or (other.label.isupper() and other.entry is None):
        return other
    return None


def _named_again(text: str, sentences: list[Sentence], m: Mention, starts: dict[int, Mention]) -> Mention | None:
    """The name "known as", "born" or "or" gives after M, where the text says it is M's."""
    said = _KNOWN_AS.match(text, m.end)
    other = starts.get(said.end()) if said else None
    if other is not None and (_same_family(m.type, other.type) or _recognised_only(other)):
        return other
    born = _BORN_AS.match(text, m.end) if m.type is EntityType.Person else None
    other = starts.get(born.end()) if born else None
    if other is not None and (other.type is EntityType.Person or _recognised_only(other)):
        return other
    joined = _OR_NAME.match(text, m.end)
    other = starts.get(joined.end()) if joined else None
    if other is None or not _same_family(m.type, other.type) or not _OR_SUBJECT_END.match(text, other.end):
        return None
    opening = text[sentences[m.sentence].start : m.start].strip() if m.sentence < len(sentences) else "-"
    return other if opening in ("", "The", "the") else None


def _recognised_only(m: Mention) -> bool:
    """Typed by the statistical model alone, whose type for an unusual name is a guess."""
    return m.entry is None and m.method.startswith(("ner", "given"))


def _repeated_aliases(chosen: list[Mention]) -> None:
    """An alias the text repeats later is the same thing's name there too."""
    targets: dict[str, Mention] = {}
    for m in chosen:
        if m.alias_of is not None and m.method != "acronym" and m.entry is None:
            targets.setdefault(fold(m.label), m.alias_of)
    if not targets:
        return
    for m in chosen:
        target = targets.get(fold(m.label))
        if target is not None and m.alias_of is None and m.entry is None and not m.nested and not _leads_to(target, m):
            m.alias_of, m.type = target, target.type


def _leads_to(m: Mention, end: Mention) -> bool:
    """Whether END is M or one M is an alias of, through aliases of aliases."""
    step: Mention | None = m
    while step is not None:
        if step is end:
            return True
        step = step.alias_of
    return False


def _same_family(a: EntityType, b: EntityType) -> bool:
    return a is b or any(a in f and b in f for f in _FAMILIES)


def _abbreviates(short: str, long: str) -> bool:
    """Does ``short`` plausibly abbreviate ``long``? Its letters must appear, in
    order, among the long form's letters, the first one starting it."""
    letters = [c.lower() for c in short if c.isalpha()]
    words = fold(long).split()
    # The short form may leave out leading words: "Korea-Türkiye Free Trade Agreement (FTA)".
    first = next((i for i, w in enumerate(words) if letters and w[:1] == letters[0]), None)
    if first is None:
        return False
    flat = "".join(words[first:])
    pos = 0
    for c in letters:
        pos = flat.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True
