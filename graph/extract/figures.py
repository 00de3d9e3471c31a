"""Figures in text: money, counts and percentages, with what they measure,
when, about whom, and how sure the text is (their quads: graph.rdf.observations).

``find_observations(doc, dates, published=None) -> list[Observation]``
    ``doc`` is the document's ``graph.extract.context.DocumentContext``, ``dates``
    what ``graph.extract.dates.find_dates`` returns for the same text. One ``Observation`` per figure:

    - ``value``: the number with its scale applied, a float: "$12.8 billion"
      -> 12800000000.0, "₹1.2 lakh crore" -> 1.2e12, "€450m" -> 450000000.0,
      "21,492 soldiers" -> 21492.0. Scale words: thousand, million (m, mn,
      mln), billion (bn), trillion (tn), lakh, crore, lakh crore.
    - ``unit``: an ISO 4217 code for money ("USD" for "$", "US$", "USD", "US
      dollars", "dollars"; "EUR" "€" "euros"; "TRY" "₺" "TL" "lira"; "KRW" "₩"
      "won"; also GBP, JPY, CNY, INR, AUD, CAD), "percent", or what is counted:
      "soldiers" (soldiers, troops, personnel, peacekeepers), "people"
      (martyrs, casualties, deaths, visitors...), "units" (units, tanks,
      aircraft, howitzers, vehicles, ships, engines...), "jobs".
    - ``measure``: one of ``MEASURES`` (below), from the words next to the
      figure ("a $3 billion contract", "trade reached $9 billion", "the
      dispatch of 21,492 soldiers"); a figure that goes on a clause
      ("stood at $12.8 billion in 2024, exceeded $15 billion in 2025") takes
      the measure of the one before it, and a conversion ("$1.7 billion, or
      roughly 2 trillion won") is the same figure in another unit. Money no
      cue explains is "amount", a percentage "percentage", a count
      "quantity" (``GENERIC_MEASURES``), unless the paragraph's previous
      figure, at most two sentences back and in the same unit, gives the
      measure ("Trade reached $9 billion. Both sides set a target of $20
      billion.").
    - ``time``: ISO year, month or day of the date that goes with the figure:
      the date right after it ("in 2024", "at the end of 2024", "for 2023",
      "by 2030") or else the nearest earlier date of the sentence that no
      other figure took and that is not in a "since/after/when" aside; dates
      inside names ("the 2025 Ankara Summit") do not count. A range gives
      "begin/end" (ISO 8601 interval). None when the sentence gives none.
    - ``subjects``: entity keys the figure is about. Trade, exports, imports
      and trade balance: the two countries of the sentence; one named -> it
      and the document's most-mentioned other country; none -> the document's
      two most-mentioned countries. Other measures: the entities named in
      the figure's own part of its clause (an agreement and its parties for a
      contract value, the investor and the project for an investment...);
      "X won a €450m order from Egypt, and Y a KRW 2.5 trillion deal with
      Poland" splits at ", and". A figure about nothing is dropped.
    - ``status``: "target" (aims to, target of, goal, plans to, pledged,
      "will/could reach", a figure in an "If ..." clause, or a deadline "by
      2030"), "estimate" (estimated, expected, projected, forecast, or a
      figure for a period that is not over at the document's date, see
      ``graph.dates.document_date``; with an inferred document date only for
      the same year), "approximate" (nearly, about, around, some, over, more
      than, exceeded, up to ...), else "reported". ``qualifier`` keeps the
      direction of an approximate figure: "about", "at least", "at most".
    - evidence: ``sentence`` (index), ``start``/``end``/``text`` (the
      figure's words as written, e.g. "$12.8 billion"; text[start:end] ==
      text), ``sentence_text``/``sentence_start``/``sentence_end`` (the
      sentence and its offsets), ``method`` ("pattern:money",
      "pattern:count", "pattern:percent") and ``confidence``.

``MEASURES``: the controlled vocabulary, name -> what it means.

``observation_quads(doc_iri, observations, iri_of) -> list[Quad]``
    In the document's named graph, one node per observation,
    ``<doc_iri>#observation-<hash of doc, measure, offsets>``::

        ?o a ties:Observation, prov:Entity ;
           ties:measure "bilateral trade volume" ;
           schema:value "12800000000.0"^^xsd:decimal ; schema:unitText "USD" ;
           ties:time "2024"^^xsd:gYear ;          # xsd:date / gYearMonth / string for intervals
           ties:about ent:Country/Türkiye , ent:Country/South_Korea ;
           ties:status "reported" ; ties:qualifier "about" ;   # qualifier: approximate and estimated figures
           ties:quote "$12.8 billion" ; ties:quoteStart 1234 ; ties:quoteEnd 1247 ;
           ties:sentence "..." ; ties:start 1200 ; ties:end 1400 ;   # as on ties:Evidence
           ties:method "pattern:money" ; ties:confidence 0.8 ; prov:wasDerivedFrom <doc_iri> .

    ``iri_of`` maps entity keys to IRIs (``{k: c.iri for k, c in canon.items()}``);
    subjects it lacks are left out, and an observation left about nothing is skipped.

``dating_quads(doc_iri, datings, iri_of) -> list[Quad]``
    One node per dating, ``<doc_iri>#dating-<hash>``::

        ?d a ties:Dating, prov:Entity ;
           ties:dates ent:Event/... ; ties:property "date" ;
           ties:begin "2025-11-24"^^xsd:date ; ties:endDate "2025-11-25"^^xsd:date ;  # endDate for ranges
           ties:precision "day" ; ties:dateKind "range" ;  # point | range | since | by
           ties:otherParty ent:Country/... ;      # relationsEstablished only
           ties:quote "November 24-25, 2025" ; ties:quoteStart ... ; evidence as above .

    and the fact itself on the entity, for SPARQL users: "date" and
    "startDate" -> schema:startDate (and schema:endDate for a range),
    "endDate" -> schema:endDate, "signedDate" -> ties:signedDate,
    "inForceDate" -> ties:inForceDate, "completionDate" ->
    ties:completionDate, "targetDate" -> ties:targetDate,
    "relationsEstablished" -> ties:relationsEstablished on both countries.
    Every node IRI is under the document IRI, so removing the document's
    graph removes them.

Use (in extract.py, given ``doc``, ``sentences``, ``mentions``, ``keys``,
``entities``; pass ``doc.text`` so the evidence slices ``ties:text``)::

    dates = find_dates(doc.text, sentences, published=doc.meta.date)
    context = DocumentContext(doc.text, sentences, mentions, keys, entities)
    datings = date_entities(context, dates)
    observations = find_observations(context, dates, published=doc.meta.date)

and in rdf/ingest, given ``canon``::

    iri_of = {k: c.iri for k, c in canon.items()}
    quads += dating_quads(doc_iri, datings, iri_of) + observation_quads(doc_iri, observations, iri_of)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from graph.extract.context import DocumentContext, clause_start
from graph.extract.dates import DateMention, document_date
from graph.extract.sentences import Sentence
from graph.vocab import EntityType

__all__ = [
    "Observation",
    "MEASURES",
    "GENERIC_MEASURES",
    "STATUSES",
    "find_observations",
]


MEASURES = {
    "bilateral trade volume": "the value of goods (and services) traded between two countries in a period",
    "exports": "the value of one country's exports (to the other)",
    "imports": "the value of one country's imports (from the other)",
    "trade balance": "a trade surplus or deficit between two countries",
    "investment": "an investment: its amount, or a stock of foreign direct investment",
    "contract value": "what a contract, deal or agreement is worth",
    "cost": "what a project or product costs, or its budget",
    "financing": "a loan, credit line, grant or other funding",
    "order quantity": "how many items are ordered, bought or delivered under a contract or batch",
    "troops": "soldiers sent, deployed or stationed",
    "casualties": "people killed, lost or wounded",
    "visitors": "tourists and visitors",
    "jobs": "jobs created or employees",
    "share": "a share, stake or proportion, in percent",
    "growth": "a rise or fall, in percent",
    "amount": "a sum of money no cue explains",
    "quantity": "a count of items no cue explains",
    "percentage": "a percentage no cue explains",
}
GENERIC_MEASURES = {"amount", "quantity", "percentage"}
STATUSES = ("reported", "approximate", "estimate", "target")


@dataclass
class Observation:
    measure: str  # a key of MEASURES
    value: float
    unit: str
    time: str | None  # "2024", "2024-06", "2024-06-12" or "2010/2015"
    subjects: list[str]  # entity keys
    status: str  # one of STATUSES
    sentence: int
    start: int  # the figure's words: text[start:end] == text
    end: int
    text: str
    method: str
    confidence: float
    qualifier: str | None = None  # "about" | "at least" | "at most" for approximate figures
    sentence_text: str = ""
    sentence_start: int = 0
    sentence_end: int = 0
    attribution: str | None = None  # who the text says gives the figure, as written ("Chinese customs")
    attributed_to: str | None = None  # that party's entity key, when it is an entity the text names


# --- figures --------------------------------------------------------------------------

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = (
    r"(?P<scale>(?:\s{1,3}|-)?(?:lakh\s+crore|thousand|million|billion|trillion|lakh|crore)\b"
    r"|\s{0,3}(?:bn|mn|mln|tn)\b|(?:m|b|k)\b(?!\.\w))"
)
_PRE = (
    r"(?P<pre>US\s?\$|U\.S\.\s?\$|A\$|AU\$|C\$|CA\$|\\?\$|€|£|¥|₩|₺|₹|(?:USD|EUR|GBP|JPY|KRW|TRY|TL|INR|Rs\.?|CNY|RMB"
    r"|AUD|CAD)\s?)"
)
_POST = (
    r"(?P<post>US\s+dollars?|U\.S\.\s+dollars?|American\s+dollars?|Australian\s+dollars?|Canadian\s+dollars?"
    r"|dollars?|euros?|(?:South\s+)?Korean\s+won|won|(?:Turkish\s+)?liras?|yen|yuan|renminbi|rupees"
    r"|pounds(?:\s+sterling)?|USD|EUR|KRW|TRY|TL|JPY|CNY|INR|GBP|AUD|CAD)\b"
)
_DIGIT = re.compile(r"\d")
_MONEY = [
    re.compile(rf"(?<![\w.,]){_PRE}\s{{0,3}}{_NUM}{_SCALE}?(?:\s+{_POST})?"),
    re.compile(rf"(?<![\w$€£¥₩₺₹.,-]){_NUM}{_SCALE}?\s+{_POST}"),
]
_PERCENT = re.compile(rf"(?<![\w.,-]){_NUM}\s?(?:%|percent\b|per\s+cent\b|pct\b)")
_COUNT_NOUNS = {
    "soldiers": ("soldiers", "troops"),
    "troops": ("soldiers", "troops"),
    "personnel": ("soldiers", "troops"),
    "peacekeepers": ("soldiers", "troops"),
    "servicemen": ("soldiers", "troops"),
    "martyrs": ("people", "casualties"),
    "casualties": ("people", "casualties"),
    "deaths": ("people", "casualties"),
    "fatalities": ("people", "casualties"),
    "dead": ("people", "casualties"),
    "victims": ("people", "casualties"),
    "visitors": ("people", "visitors"),
    "tourists": ("people", "visitors"),
    "jobs": ("jobs", "jobs"),
    "employees": ("people", "jobs"),
    "workers": ("people", "jobs"),
    **{
        n: ("units", "quantity")
        for n in (
            "units",
            "unit",
            "tanks",
            "howitzers",
            "aircraft",
            "jets",
            "fighters",
            "helicopters",
            "vehicles",
            "ships",
            "vessels",
            "frigates",
            "corvettes",
            "submarines",
            "drones",
            "engines",
            "reactors",
            "trainers",
            "guns",
            "launchers",
            "locomotives",
            "trains",
            "cars",
            "buses",
            "satellites",
            "missiles",
            "systems",
            "rifles",
        )
    },
}
_COUNT = re.compile(
    rf"(?<![\w.,$€£¥₩₺₹-]){_NUM}(?!\s?(?:%|percent|per cent))"
    r"(?P<mods>(?:\s+(?!(?:"
    + "|".join(_COUNT_NOUNS)
    + r")\b)[\w-]+){0,3}?)\s+(?P<noun>"
    + "|".join(sorted(_COUNT_NOUNS, key=len, reverse=True))
    + r")\b"
)
_CURRENCY = [
    (re.compile(r"A\$|AU\$|AUD|Australian"), "AUD"),
    (re.compile(r"C\$|CA\$|CAD|Canadian"), "CAD"),
    (re.compile(r"\$|USD|dollar"), "USD"),
    (re.compile(r"€|EUR|euro"), "EUR"),
    (re.compile(r"£|GBP|pound"), "GBP"),
    (re.compile(r"¥|JPY|yen"), "JPY"),
    (re.compile(r"₩|KRW|won"), "KRW"),
    (re.compile(r"₺|TRY|TL|lira"), "TRY"),
    (re.compile(r"₹|INR|Rs|rupee"), "INR"),
    (re.compile(r"CNY|RMB|yuan|renminbi"), "CNY"),
]
_SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "m": 10**6,
    "mn": 10**6,
    "mln": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "trillion": 10**12,
    "tn": 10**12,
    "lakh": 10**5,
    "crore": 10**7,
    "lakh crore": 10**12,
}

_QUALIFIERS = [
    (re.compile(r"\b(?:an?\s+)?estimated\s+$", re.I), "about"),
    (
        re.compile(
            r"\b(?:about|around|approximately|approx\.|roughly|some|circa|c\.|an?\s+estimated)\s+(?:the\s+)?$", re.I
        ),
        "about",
    ),
    (
        re.compile(
            r"\b(?:nearly|almost|close\s+to|just\s+under|under|less\s+than|up\s+to|below|fewer\s+than"
            r"|approaching|nearing)\s+(?:the\s+)?$",
            re.I,
        ),
        "at most",
    ),
    (re.compile(r"\d\s*(?:and|to|-|–)\s*$", re.I), "at most"),  # the top of a range: "between 5 and 7 billion"
    (
        re.compile(
            r"\b(?:over|more\s+than|upwards\s+of|in\s+excess\s+of|at\s+least|exceed(?:ed|ing|s)?|surpass(?:ed|ing|es)?"
            r"|top(?:ped|ping|s)?|above|beyond|just\s+over)\s+(?:the\s+)?$",
            re.I,
        ),
        "at least",
    ),
]

# Cues: the nearest one before the figure in its clause names the measure.
_MONEY_CUES = [
    ("trade balance", re.compile(r"\btrade\s+(?:surplus|deficit|imbalance|balance)\b|\b(?:surplus|deficit)\b", re.I)),
    ("exports", re.compile(r"\bexport(?:s|ed|ing)?\b", re.I)),
    ("imports", re.compile(r"\bimport(?:s|ed|ing)?\b", re.I)),
    ("bilateral trade volume", re.compile(r"\btrad(?:e|ed|ing)\b(?!\s+partners?)|\bturnover\b|\bcommerce\b", re.I)),
    ("investment", re.compile(r"\binvest\w*|\bFDI\b", re.I)),
    (
        "contract value",
        re.compile(
            r"\bcontracts?\b|\bdeals?\b|\border(?:s|ed)?\b"
            r"|\bpurchase\b|\bsale\b|\bagreement\b|\btender\b",
            re.I,
        ),
    ),
    (
        "financing",
        re.compile(
            r"\bloans?\b|\bcredit\b|\bfinanc\w+|\bfund\w*|\bgrants?\b|\blent\b|\bdebt\b"
            r"|\bcontribut\w+",
            re.I,
        ),
    ),
    ("cost", re.compile(r"\bcost(?:s|ing)?\b|\bbudget\w*|\bprice[sd]?\b|\bspend\w*|\bspent\b", re.I)),
]
# "worth" and "valued at" name a contract only when nothing else in the clause says what is worth it.
_WEAK_CUES = [("contract value", re.compile(r"\bworth\b|\bvalued\s+at\b", re.I))]
_AFTER_NOUN = re.compile(
    r"^[\s-]*(?:(?:in|of|worth\s+of)\s+)?(?:new\s+|foreign\s+|direct\s+|bilateral\s+|two-way\s+"
    r"|annual\s+|total\s+)*(?P<noun>contract|deal|order|investments?|loans?|credit|trade|exports"
    r"|imports|project|programme|program|agreement|financing|funding|budget|surplus|deficit|debt)\b",
    re.I,
)
_AFTER_MEASURE = {
    "contract": "contract value",
    "deal": "contract value",
    "order": "contract value",
    "agreement": "contract value",
    "investment": "investment",
    "investments": "investment",
    "loan": "financing",
    "loans": "financing",
    "credit": "financing",
    "financing": "financing",
    "funding": "financing",
    "trade": "bilateral trade volume",
    "exports": "exports",
    "imports": "imports",
    "project": "cost",
    "programme": "cost",
    "program": "cost",
    "budget": "cost",
    "surplus": "trade balance",
    "deficit": "trade balance",
    "debt": "financing",
}
_ORDER_CUE = re.compile(
    r"\b(?:order\w*|purchas\w+|bought|buy\w*|batch\w*|contract\w*|procur\w+|acqui\w+|deliver\w*"
    r"|suppl\w+|sold|sell\w*|export\w*|agreement\w*|framework|cover\w*)\b",
    re.I,
)
_TROOP_CASUALTY = re.compile(r"\b(?:killed|lost|loss|losses|died|dead|martyr\w*|fell|wounded|casualt\w+)\b", re.I)
_PERCENT_CUES = [
    (
        "share",
        re.compile(
            r"\bshare\b|\bstake\b|\bproportion\b|\blocal\w*\b|\bdomestic\b|\bcontent\b|\bown(?:s|ed)?\b"
            r"|\bhold(?:s|ing)?\b|\bheld\b",
            re.I,
        ),
    ),
    (
        "growth",
        re.compile(
            r"\bgr[eo]w\w*|\bgrowth\b|\bincreas\w+|\brose\b|\brise\b|\brising\b|\bjump\w*|\bfell\b"
            r"|\bfall\w*|\bdeclin\w+|\bdrop\w*|\bdecreas\w+|\bup\b|\bdown\b|\bsurg\w+",
            re.I,
        ),
    ),
]

_TARGET = re.compile(
    r"\b(?:aim(?:s|ed|ing)?\s+(?:to|at|for)|target(?:s|ed|ing)?|goal|objective|ambition|seek(?:s|ing)?\s+"
    r"to|sought\s+to|plan(?:s|ned)?\s+to|pledg\w+|vow\w*|commit\w*\s+to|hop(?:e|es|ed|ing)\s+to"
    r"|intend\w*|strive\w*|set\s+to\s+(?:raise|increase|reach|boost|double|lift))\b",
    re.I,
)
_TARGET_AFTER = re.compile(r"^[\s\w-]{0,20}?\b(?:target|goal)\b", re.I)
_ESTIMATE = re.compile(
    r"\b(?:estimat\w+|expect\w*|project(?:ed|ion|ions)|forecast\w*|anticipat\w+|predict\w*"
    r"|likely|est\.)",
    re.I,
)
_FUTURE_REACH = re.compile(
    r"\b(?:will|would|could|should|might|may|shall)\s+(?:\w+\s+){0,2}?(?:reach|hit|top|exceed"
    r"|surpass|double|rise\s+to|grow\s+to|increase\s+to|climb\s+to)\b",
    re.I,
)
_CONDITIONAL = re.compile(r"^\W*(?:if|unless|once|should|provided|assuming|as\s+long\s+as)\b", re.I)
_CONVERSION = re.compile(
    r"[\s,(]*(?:or|i\.e\.|equivalent\s+to|about|roughly|around|approximately|some|nearly|almost"
    r"|\s)*[\s(]*",
    re.I,
)
_TIME_GAP = {
    "in",
    "at",
    "the",
    "end",
    "of",
    "by",
    "as",
    "for",
    "during",
    "year",
    "fiscal",
    "first",
    "second",
    "half",
    "quarter",
    "start",
    "beginning",
    "early",
    "late",
    "mid",
    "calendar",
    "alone",
    "only",
    ",",
    "-",
    "—",
    "–",
}
_TIME_GAP_OBJECT = {
    "x",
    "from",
    "with",
    "to",
    "order",
    "contract",
    "deal",
    "agreement",
    "investment",
    "loan",
    "trade",
    "exports",
    "imports",
    "goods",
    "worth",
    "a",
    "an",
}
_ASIDE = re.compile(r"\b(?:since|after|before|until|when|following|compared\s+(?:to|with)|from)\b", re.I)


def find_observations(
    doc: DocumentContext, dates: list[DateMention], published: str | None = None
) -> list[Observation]:
    """The figures of the text with what they measure (see the module docstring)."""
    text, entities, countries = doc.text, doc.entities, doc.top_countries
    as_of = document_date(text, doc.sentences, dates, published)
    explicit = published is not None and as_of is not None
    dates_in: dict[int, list[DateMention]] = {}
    for d in dates:
        dates_in.setdefault(d.sentence, []).append(d)
    out: list[Observation] = []
    last: Observation | None = None
    for index, sent in enumerate(doc.sentences):
        items = doc.in_sentence(index)
        sent_dates = [
            d for d in dates_in.get(index, []) if not any(m.start <= d.start and d.end <= m.end for m, _ in items)
        ]
        figures = _figures(text, sent, dates_in.get(index, []))
        # "US dollars" names no country: mentions inside sums are not subjects.
        items = [
            (m, k)
            for m, k in items
            if not any(m.start < f[1] and f[0] < m.end and f[4] == "pattern:money" for f in figures)
        ]
        claimed: set[int] = set()
        previous: Observation | None = None
        for i, (start, end, value, unit, method) in enumerate(figures):
            next_start = figures[i + 1][0] if i + 1 < len(figures) else sent.end
            prev_end = figures[i - 1][1] if i else None
            obs = _observation(
                text,
                sent,
                index,
                start,
                end,
                value,
                unit,
                method,
                prev_end,
                next_start,
                items,
                entities,
                sent_dates,
                claimed,
                previous,
                countries,
                as_of,
                explicit,
                _segment(text, sent, figures, i),
            )
            if (
                obs is not None
                and obs.measure in GENERIC_MEASURES
                and last is not None
                and last.unit == unit
                and "\n\n" not in text[last.sentence_end : sent.start]
                and index - last.sentence <= 2
            ):
                # "Both governments have set a target of $20 billion": the paragraph goes on about trade.
                subjects = obs.subjects
                if last.measure in _TRADE:
                    subjects, _ = _subjects(
                        text, sent, sent.start, start, end, last.measure, items, entities, countries
                    )
                obs.measure, obs.subjects, obs.confidence = last.measure, subjects, 0.55
            if obs is not None:
                out.append(obs)
                previous = obs
                last = obs
    return out


_SPLIT = re.compile(r",\s*(?:and|while|whereas|but)\b|;")


def _segment(text: str, sent: Sentence, figures: list[tuple], i: int) -> tuple[int, int]:
    """The stretch of the sentence that is the figure's own: "Siemens won a
    €450m order from Egypt, and Hyundai Rotem a KRW 2.5 trillion deal with
    Poland" splits at ", and"."""
    lo, hi = sent.start, sent.end
    if i > 0:
        cuts = list(_SPLIT.finditer(text, figures[i - 1][1], figures[i][0]))
        if cuts:
            lo = cuts[-1].end()
    if i + 1 < len(figures):
        cuts = list(_SPLIT.finditer(text, figures[i][1], figures[i + 1][0]))
        if cuts:
            hi = cuts[-1].start()
    return lo, hi


def _figures(text: str, sent: Sentence, dates: list[DateMention]) -> list[tuple[int, int, float, str, str]]:
    """(start, end, value, unit, method) of each figure, in order, no overlaps."""
    if not _DIGIT.search(text, sent.start, sent.end):
        return []  # every figure has digits; most sentences have none
    found: list[tuple[int, int, float, str, str]] = []
    taken = [(d.start, d.end) for d in dates]

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    for m in (m for pattern in _MONEY for m in pattern.finditer(text, sent.start, sent.end)):
        start = m.start() + (1 if m.group().startswith("\\") else 0)
        if not free(start, m.end()):
            continue
        groups = m.groupdict()
        unit = _currency((groups.get("pre") or "") + " " + (groups.get("post") or ""))
        if unit is None:
            continue
        found.append((start, m.end(), _value(m.group("num"), m.group("scale")), unit, "pattern:money"))
        taken.append((start, m.end()))
    for m in _PERCENT.finditer(text, sent.start, sent.end):
        if free(m.start(), m.end()):
            found.append((m.start(), m.end(), _value(m.group("num"), None), "percent", "pattern:percent"))
            taken.append(m.span())
    for m in _COUNT.finditer(text, sent.start, sent.end):
        if free(m.start(), m.end()):
            unit, _ = _COUNT_NOUNS[m.group("noun").lower()]
            found.append((m.start(), m.end(), _value(m.group("num"), None), unit, "pattern:count"))
            taken.append(m.span())
    return sorted(found)


def _currency(words: str) -> str | None:
    for pattern, code in _CURRENCY:
        if pattern.search(words):
            return code
    return None


def _value(num: str, scale: str | None) -> float:
    value = Decimal(num.replace(",", ""))
    if scale:
        word = " ".join(scale.strip(" -").lower().split())
        value *= _SCALES[word]
    return float(value)


def _observation(
    text,
    sent,
    index,
    start,
    end,
    value,
    unit,
    method,
    prev_end,
    next_start,
    items,
    entities,
    dates,
    claimed,
    previous,
    countries,
    as_of,
    explicit,
    segment,
) -> Observation | None:
    clause = clause_start(text, sent, start)
    if previous is not None and previous.start >= clause and _CONVERSION.fullmatch(text[previous.end : start]):
        # "$1.7 billion, or roughly 2 trillion won": the same figure in another unit.
        qualifier = _qualifier(text[max(sent.start, start - 30) : start])
        return Observation(
            measure=previous.measure,
            value=value,
            unit=unit,
            time=previous.time,
            subjects=list(previous.subjects),
            status=previous.status if previous.status != "reported" else ("approximate" if qualifier else "reported"),
            sentence=index,
            start=start,
            end=end,
            text=text[start:end],
            method=method,
            confidence=min(previous.confidence, 0.7),
            qualifier=qualifier or previous.qualifier,
            sentence_text=previous.sentence_text,
            sentence_start=sent.start,
            sentence_end=sent.end,
        )
    window_start = max(clause, prev_end if prev_end is not None else clause, start - 160)
    before = text[window_start:start]
    after = text[end : min(next_start, end + 40)]
    measure, confidence = _measure(text, start, end, unit, method, before, after, clause, previous)
    qualifier = _qualifier(text[max(sent.start, start - 30) : start].replace("\\", ""))
    time_date = _time(text, start, end, next_start, dates, claimed, items)
    status = _status(text, sent, clause, start, end, before, after, qualifier, time_date, as_of, explicit)
    subjects, sure = _subjects(text, sent, clause, start, end, measure, items, entities, countries, segment)
    if not subjects:
        return None
    if not sure:
        confidence = min(confidence, 0.6)
    time = None
    if time_date is not None:
        time = time_date.begin if not time_date.end_date else f"{time_date.begin}/{time_date.end_date}"
    elif previous is not None and _SAME_PERIOD.search(text, end, min(next_start, end + 40)):
        time = previous.time  # "... in 2023, and $181.5bn for the same year according to ..."
    attribution, attributed_to = _attribution(text, start, end, segment, items)
    return Observation(
        measure=measure,
        value=value,
        unit=unit,
        time=time,
        subjects=subjects,
        status=status,
        sentence=index,
        start=start,
        end=end,
        text=text[start:end],
        method=method,
        confidence=confidence,
        qualifier=qualifier if status in ("approximate", "estimate") else None,
        sentence_text=text[sent.start : sent.end],
        sentence_start=sent.start,
        sentence_end=sent.end,
        attribution=attribution,
        attributed_to=attributed_to,
    )


# Who gives a figure: "according to X", "data from X", "X said/estimates/reported".
_FROM_DATA = (
    r"(?:(?:the\s+)?(?:data|figures|statistics|numbers|estimates)\s+(?:from|by|of|released\s+by|published\s+by)\s+)"
)
_ACCORDING = re.compile(
    rf"\b(?:according\s+to\s+{_FROM_DATA}?|{_FROM_DATA}|(?:as\s+)?(?:reported|estimated|published|announced)\s+by\s+"
    r"|citing\s+)(?:the\s+)?",
    re.I,
)
_SAYS = re.compile(
    r"\s+(?:data|figures|statistics)?\s*(?:said|says|say|reported|reports|estimated|estimates|estimate|"
    r"announced|announces|put|puts|showed|shows|show|stated|states)\b",
    re.I,
)
_PARTY_END = re.compile(r"[,;.()\[\]]|\s(?:and|but|while|which|who|that|in|for|on|at|as|to)\s|\s\d")
_SAME_PERIOD = re.compile(r"\b(?:for|in|during)\s+(?:the\s+same\s+(?:year|period|month|quarter)|that\s+year)\b", re.I)


def _attribution(text, start, end, segment, items) -> tuple[str | None, str | None]:
    """(the party as written, its entity key or None) that the figure's own stretch of the sentence
    credits with it; the cue nearest the figure wins, so two figures in one sentence keep apart."""
    lo, hi = segment
    found: list[tuple[int, str, str | None]] = []  # (distance from the figure, party, key)
    for cue in _ACCORDING.finditer(text, lo, hi):
        party, key = _party_at(text, cue.end(), hi, items)
        if party:
            found.append((abs(cue.start() - end) if cue.start() >= end else start - cue.end(), party, key))
    for m, key in items:
        if lo <= m.start and m.end <= hi and _SAYS.match(text, m.end, hi):
            found.append((abs(m.start - end) if m.start >= end else start - m.end, text[m.start : m.end], key))
    if not found:
        return None, None
    _, party, key = min(found, key=lambda f: f[0])
    return party, key


def _party_at(text: str, at: int, hi: int, items) -> tuple[str | None, str | None]:
    """The party named at AT: the words up to the next clause boundary (at most six), and the key of
    the entity whose mention is exactly those words ("Brazil's ministry" is not Brazil)."""
    stop = _PARTY_END.search(text, at, hi)
    words = text[at : stop.start() if stop else hi].split()[:6]
    party = " ".join(words)
    for m, key in items:
        if m.start == at and text[m.start : m.end] == party:
            return party, key
    return (party or None), None


def _measure(text, start, end, unit, method, before, after, clause_start, previous) -> tuple[str, float]:
    if method == "pattern:count":
        last_word = re.search(r"(\w+)$", text[start:end])
        noun = last_word.group(1).lower() if last_word else ""
        _, measure = _COUNT_NOUNS[noun]
        if measure == "quantity" and _ORDER_CUE.search(before + " " + after):
            return "order quantity", 0.75
        if measure == "troops" and (
            _TROOP_CASUALTY.search(before[-40:])
            or re.match(r"\s*(?:were|was|had been|have been|are)?\s*(?:killed|wounded|dead|died|lost|missing)\b", after)
        ):
            return "casualties", 0.7
        return measure, 0.75 if measure != "quantity" else 0.5
    same = previous is not None and previous.unit == unit and previous.start >= clause_start
    wide = text[max(clause_start, start - 200) : start]
    if method == "pattern:percent":
        if re.match(r"\s+of\b", after):
            return "share", 0.7
        best = _nearest(before, _PERCENT_CUES)
        if best:
            return best, 0.7
        if same:
            return previous.measure, 0.65
        best = _nearest(wide, _PERCENT_CUES)
        return (best, 0.6) if best else ("percentage", 0.4)
    noun = _AFTER_NOUN.match(after)
    if noun:
        return _AFTER_MEASURE[noun.group("noun").lower()], 0.8
    best = _nearest(before, _MONEY_CUES)
    if best:
        return best, 0.8
    if same:
        return previous.measure, 0.7
    best = _nearest(wide, _MONEY_CUES) or _nearest(before, _WEAK_CUES)
    return (best, 0.65) if best else ("amount", 0.4)


def _nearest(window: str, cues) -> str | None:
    best, where = None, -1
    for measure, pattern in cues:
        for m in pattern.finditer(window):
            if m.end() > where:
                best, where = measure, m.end()
    return best


def _qualifier(before: str) -> str | None:
    for pattern, qualifier in _QUALIFIERS:
        if pattern.search(before):
            return qualifier
    return None


def _time(text, start, end, next_start, dates, claimed, items) -> DateMention | None:
    after = [d for d in dates if end <= d.start < next_start and d.start - end <= 50 and d.kind != "since"]
    for d in sorted(after, key=lambda d: d.start):
        gap = list(text[end : d.start])
        for m, _ in items:  # "a €450m order from Egypt in 2021"
            if m.start >= end and m.end <= d.start:
                gap[m.start - end : m.end - end] = " x" + " " * (m.end - m.start - 2)
        words = re.findall(r"[\w]+|[,–—-]", "".join(gap).lower())
        if len(words) <= 7 and all(w in _TIME_GAP or w in _TIME_GAP_OBJECT for w in words):
            claimed.add(d.start)
            return d
        break
    earlier = [d for d in dates if d.end <= start and d.start not in claimed and d.kind in ("point", "range")]
    for d in sorted(earlier, key=lambda d: -d.start):
        lead = text[max(text.rfind(",", 0, d.start), text.rfind(";", 0, d.start), 0) : d.start]
        if _ASIDE.search(lead):
            continue
        return d
    return None


def _status(text, sent, clause_start, start, end, before, after, qualifier, time_date, as_of, explicit) -> str:
    local = before[-100:]
    if _TARGET.search(local) or _TARGET_AFTER.match(after):
        return "target"
    if _ESTIMATE.search(local[-60:]) or re.search(r"\bestimat\w+|\bexpected\b|\bprojected\b", after[:25]):
        return "estimate"
    if _CONDITIONAL.match(text[clause_start:start]) or _FUTURE_REACH.search(local[-60:]):
        return "target"
    if time_date is not None and time_date.kind == "by":
        return "target"
    if time_date is not None and as_of and _not_over(time_date, as_of, explicit):
        return "estimate"
    if qualifier:
        return "approximate"
    return "reported"


def _not_over(d: DateMention, as_of: str, explicit: bool) -> bool:
    """Is the period the figure is for still running (or to come) on ``as_of``?"""
    last = d.end_date or d.begin
    if len(last) == 10:
        return False  # a day's figure is known that day
    if len(last) == 4:
        if as_of[:4] == last:
            return as_of[5:] not in ("12-31",)
        return explicit and last > as_of[:4]
    if as_of[:7] == last[:7]:
        return True
    return explicit and last > as_of[:7]


_TRADE = {"bilateral trade volume", "exports", "imports", "trade balance"}


def _subjects(
    text, sent, clause_start, start, end, measure, items, entities, countries, segment: tuple[int, int] | None = None
) -> tuple[list[str], bool]:
    """The keys the figure is about, and whether the sentence named them."""
    if measure in _TRADE:
        named: list[str] = []
        for _, k in items:
            if entities[k].type is EntityType.Country and k not in named:
                named.append(k)
        if len(named) >= 2:
            return named[:2], True
        if len(named) == 1:
            other = [c for c in countries if c != named[0]][:1]
            return named + other, False
        return countries[:2], False
    clause_end = text.find(";", start, sent.end)
    clause_end = sent.end if clause_end < 0 else clause_end
    lo, hi = segment or (clause_start, clause_end)
    for low, high in ((max(lo, clause_start), min(hi, clause_end)), (clause_start, clause_end)):
        out: list[str] = []
        for m, k in items:
            if m.start < low or m.start >= high:
                continue
            if m.nested and entities[k].type is not EntityType.Country:
                continue
            if k not in out:
                out.append(k)
        if out:
            return out, True
    return [], True
