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
import re
from dataclasses import dataclass, field

from graph.extract.gazetteer import Entry, Gazetteer, Match
from graph.extract.heads import HEAD_WORDS, PRODUCT_HEADS, TITLES, is_model_code, type_by_head
from graph.extract.ner import NerSpan, is_plural_noun
from graph.extract.sentences import Sentence
from graph.extract.words import FUNCTION_WORDS as STOP_WORDS
from graph.names import fold
from graph.vocab import EntityType

__all__ = ["Mention", "find_mentions", "gazetteer_matches", "Casing", "document_casing", "needs_ner", "rule_candidates"]

T = EntityType


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

    @property
    def rank(self) -> int:
        return _RANK[self.method.split(":")[0]]


_RANK = {"gazetteer": 4, "pattern": 3, "title": 3, "acronym": 3, "coref": 2, "ner": 1}


def gazetteer_matches(text: str, sentences: list[Sentence], gazetteer: Gazetteer) -> list[list[Match]]:
    """The gazetteer's matches in each sentence (offsets into the sentence)."""
    return [gazetteer.find(text[s.start : s.end]) for s in sentences]


def rule_candidates(text: str, sentences: list[Sentence], gazetteer: Gazetteer) -> list[list[Mention]]:
    """Each sentence's candidate mentions from everything but NER: the
    gazetteer, typed phrases, titles, memoranda, products, lower-case heads."""
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
) -> list[Mention]:
    """Non-overlapping mentions in text order. CANDIDATES: rule_candidates's,
    when the caller has them already."""
    person_ends = {s.start: s.end for s in ner if s.label == "PERSON"}
    per_sentence = candidates if candidates is not None else rule_candidates(text, sentences, gazetteer)
    lowercase = document_casing(text).lower
    found = [_agree_with_ner(m, person_ends, text, lowercase) for sentence in per_sentence for m in sentence]
    found.extend(_from_ner(text, sentences, ner))
    for m in found:
        if m.type is T.Person:
            _extend_name(text, m)
    chosen = _settle(found)
    chosen.extend(_acronyms(text, sentences, chosen))
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
    visitors = {m.end: m for m in chosen if m.type is T.Person}
    hosts = {m.start: m for m in chosen if m.type in (T.Country, T.Place) and not m.nested}
    out = []
    for v in _VISIT.finditer(text):
        who, where = visitors.get(v.start()), hosts.get(v.end())
        if who is None or where is None or where.sentence != who.sentence:
            continue
        # The label keeps the kind of visit ("state visit"), not its length or year, so other mentions match.
        kind = " ".join(w for w in v.group(1).split() if w in _VISIT_KINDS)
        possessive = text[who.end : v.start(1)].strip()
        label = f"{text[who.start : who.end]}{possessive} {kind + ' ' if kind else ''}visit to {text[where.start : where.end]}"
        out.append(Mention(v.start(1), v.end(1), T.Event, label, "pattern:visit", 0.75, who.sentence))
    return out


def _ends_by_ner(m: Mention) -> bool:
    """A person a rule found (by a title): where the name ends is NER's call."""
    return m.type is T.Person and m.method != "gazetteer"


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
            g.start < end and start < g.end and g.type is not T.Product for g in gaz
        ):
            continue
        out.append(Mention(start, end, T.Product, f"{name} {m.group(2)}", "pattern:product", 0.75, index))
    for m in _BARE_CODE.finditer(chunk):
        if is_model_code(m.group(1)):
            start, end = sent.start + m.start(1), sent.start + m.end(1)
            if not any(g.start < end and start < g.end for g in gaz):
                out.append(Mention(start, end, T.Product, m.group(1), "pattern:model-code", 0.65, index))
    return out


_NAME_TAIL = re.compile(
    r"(?:-[a-z]{1,8}\b)?(?:\s+(?:el|al|Al|El|bin|ibn|bint|van|von|de|da|di|del|der|den)"
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
        (_AGREEMENT_HEADS, _AGREEMENT_LC, T.Agreement),
        (_PROJECT_HEADS, _PROJECT_LC, T.Project),
        (_EVENT_HEADS, _EVENT_LC, T.Event),
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
                and all(g.type is T.Country or g.demonym for g in inside)
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


def _from_match(chunk: str, match: Match, sent: Sentence, index: int) -> Mention:
    surface = chunk[match.start : match.end]
    edition = re.match(r"\s(\d{4})\b", chunk[match.end :])
    if match.entry.type is T.Event and edition:
        # "IDEF 2011": one edition of a recurring event, an event of its own.
        end = match.end + edition.end()
        return Mention(
            sent.start + match.start,
            sent.start + end,
            T.Event,
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
        if word.lower() not in _KEEP_DOT:
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
        out.extend(_type_phrase(chunk, phrase, sent, index, gaz))
    return out


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


_MONTH_NAMES = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
}


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
    person = _titled_person(chunk, run, sent, index, gaz)
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
        label = _text(chunk, name)
        start, end = sent.start + name[0].start, sent.start + name[-1].end
        if _covered_by_gazetteer(start, end, gaz):
            continue
        if kind is T.Product and not _product_name_ok(name):
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
        if typed and typed[0] in (T.ResearchOrganization, T.GovernmentBody, T.Firm):
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


_BODIES = (T.ResearchOrganization, T.GovernmentBody)
_KNOWN_BODIES = (T.ResearchOrganization, T.GovernmentBody, T.Firm, T.InternationalOrganization)


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
        if has_remit and not _own_name(chunk, part, sent, gaz):
            names[-1] = run[run.index(current[0]) : run.index(part[-1]) + 1]
        else:
            names.append(part)
    return names


def _own_name(chunk: str, part: list[_Word], sent: Sentence, gaz: list[Mention]) -> bool:
    start, end = sent.start + part[0].start, sent.start + part[-1].end
    known = any(start <= g.start and g.end <= end and g.type not in (T.Country, T.Place) for g in gaz)
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
                    (w.text[:1].isupper() and w.text.isalpha() or "-" in w.text) and fold(w.text) not in HEAD_WORDS
                    for w in name
                ):
                    start, end = sent.start + name[0].start, sent.start + name[-1].end
                    overlaps = [g for g in gaz if g.start < end and start < g.end]
                    if not _given_names(overlaps, start, end) or type_by_head(_text(chunk, name)):
                        return None
                    return Mention(
                        start, end, T.Person, _text(chunk, name), "title:" + title, 0.85, index, inner=overlaps
                    )
                return None
    return None


def _given_names(overlaps: list[Mention], start: int, end: int) -> bool:
    """ "Prime Minister Sofia Santoso": a place the gazetteer knows, opening a
    titled name and followed by more of it, is a given name. Any other known
    name inside the titled one is left to the gazetteer."""
    return all(g.type in (T.Place, T.Country) and g.start == start and g.end < end for g in overlaps)


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
                T.Agreement,
                label,
                "pattern:memorandum",
                0.75,
                index,
                surface=chunk[m.start() : end],
            )
        )
    return out


# --- statistical NER ------------------------------------------------------------

_NER_TYPES = {"GPE": T.Place, "LOC": T.Place, "FAC": T.Place, "PERSON": T.Person}
_FIRM_CONTEXT = re.compile(
    r"\b(compan(?:y|ies)|firms?|makers?|manufacturers?|builders?|contractors?|conglomerates?|"
    r"subsidiar(?:y|ies)|corporations?|shipbuilders?|automakers?|carmakers?|banks?|lenders?|"
    r"operators?|suppliers?|exporters?|investors?)\b",
    re.I,
)


def _from_ner(text: str, sentences: list[Sentence], spans: list[NerSpan]) -> list[Mention]:
    out = []
    starts = [s.start for s in sentences]
    for span in spans:
        i = bisect.bisect_right(starts, span.start) - 1
        if i < 0 or span.end > sentences[i].end or sentences[i].heading:
            continue
        if "http" in text[sentences[i].start : sentences[i].end]:
            continue  # a reference line: titles and publishers, where NER guesses badly
        start, end = _strip_article(text, span.start, span.end)
        label = _POSSESSIVE.sub("", text[start:end]).rstrip(".,")
        label = re.sub(r"\s+region$", "", label)
        end = start + len(label)
        if not label or not label[0].isupper():
            continue
        kind = _ner_type(span.label, label, text[sentences[i].start : sentences[i].end])
        if kind is not None:
            out.append(Mention(start, end, kind, label, f"ner:{span.label}", 0.6, i))
    return out


def _strip_article(text: str, start: int, end: int) -> tuple[int, int]:
    for article in ("the ", "The "):
        if text.startswith(article, start):
            start += len(article)
    return start, end


_NOT_PLACES = {"west", "east", "north", "south", "western", "eastern", "northern", "southern", "the west", "the east"}


def _ner_type(ner_label: str, name: str, sentence: str) -> EntityType | None:
    typed = type_by_head(name)
    if len(name) <= 2 or name.lower() in _NOT_PLACES:
        return None
    if any(is_model_code(w) for w in name.split()) and ner_label != "PERSON":
        return T.Product if ner_label in ("PRODUCT", "GPE", "ORG", "FAC") else None
    if ner_label == "PERSON":
        words = name.split()
        ok = 1 <= len(words) <= 4 and all(w[:1].isupper() and re.fullmatch(r"[\w'’.-]+", w) for w in words)
        return T.Person if ok and typed is None else None
    if typed is not None:
        return typed[0]
    if ner_label in ("GPE", "LOC", "FAC"):
        return T.Place
    if ner_label == "ORG" and _FIRM_CONTEXT.search(sentence) and not name.isupper():
        return T.Firm
    if ner_label == "PRODUCT" and any(is_model_code(w) for w in name.split()):
        return T.Product
    return None


_REFERENCE_HEADS = {
    **dict.fromkeys(("summit", "visit", "conference", "forum", "war", "exhibition", "expo"), T.Event),
    **dict.fromkeys(("agreement", "treaty", "accord", "deal", "memorandum", "contract"), T.Agreement),
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
        T.Project,
    ),
    **dict.fromkeys(("tank", "howitzer", "reactor", "fighter", "aircraft", "engine"), T.Product),
    **dict.fromkeys(("commission", "ministry", "agency", "administration"), T.GovernmentBody),
    **dict.fromkeys(("company", "firm", "group", "builder", "manufacturer", "contractor"), T.Firm),
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
                        T.Country,
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
        if m.start >= before or m.type is not T.Country or m.entry is None:
            continue
        if index - m.sentence > _REFERENCE_REACH:
            break
        found.setdefault(m.entry.label, m)
        if len(found) == 2:
            return list(found.values())
    return []


def _antecedent(chosen: list[Mention], before: int, index: int, head: str) -> Mention | None:
    kind = _REFERENCE_HEADS[head]
    any_of_type = kind is T.Firm
    for m in reversed(chosen):
        if m.start >= before or m.nested or m.alias_of is not None:
            continue
        if index - m.sentence > _REFERENCE_REACH:
            return None
        if m.type is kind and (any_of_type or head in fold(m.label).split() or head in fold(m.surface or "").split()):
            return m
    return None


_HOSTS = {T.Agreement, T.Event, T.Project, T.Firm, T.GovernmentBody}


def _named_inside(chosen: list[Mention]) -> list[Mention]:
    """A country or international body named inside an agreement, event,
    project or organisation name ("Korea-Türkiye Free Trade Agreement") is
    mentioned too; places inside names ("Istanbul University") are not."""
    out = []
    for m in chosen:
        if m.type in _HOSTS:
            for inner in m.inner:
                if inner.type in (T.Country, T.InternationalOrganization):
                    inner.nested = True
                    out.append(inner)
    return out


# --- settling overlaps, acronyms --------------------------------------------------


def _settle(candidates: list[Mention]) -> list[Mention]:
    """Keep the best of overlapping candidates: a typed phrase beats the
    gazetteer matches it contains; otherwise higher rank, then longer span."""

    def strength(m: Mention) -> tuple:
        swallows = 1 if m.inner and m.rank >= 3 else 0
        return (swallows, m.rank, m.end - m.start, -m.start)

    chosen: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for m in sorted(candidates, key=strength, reverse=True):
        if any(m.start < e and s < m.end for s, e in taken):
            continue
        chosen.append(m)
        taken.append((m.start, m.end))
    return chosen


_DEFINITION = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*\)")


def _acronyms(text: str, sentences: list[Sentence], chosen: list[Mention]) -> list[Mention]:
    """ "Korea Hydro & Nuclear Power (KHNP)": the bracketed short form names the
    same entity, here and wherever it recurs in the document."""
    defined: dict[str, Mention] = {}
    for m in chosen:
        d = _DEFINITION.match(text, m.end)
        if d and _abbreviates(d.group(1), m.label) and d.group(1) != m.label:
            defined.setdefault(d.group(1), m)
    if not defined:
        return []
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
    return out


def _abbreviates(short: str, long: str) -> bool:
    """Does ``short`` plausibly abbreviate ``long``? Its letters must appear, in
    order, among the long form's letters, the first one starting it."""
    letters = [c.lower() for c in short if c.isalpha()]
    words = fold(long).split()
    if not letters or not words or letters[0] != words[0][:1]:
        return False
    flat = "".join(words)
    pos = 0
    for c in letters:
        pos = flat.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True
