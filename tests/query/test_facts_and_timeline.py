"""Dates, figures and disagreeing sources: graph.dates (finding dates and
tying them to what they date), graph.extract.figures and graph.rdf.observations (figures and the quads of
both) and graph.query (facts, timeline, times for Gephi), on
project-written text and the two sample documents that disagree."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pyoxigraph as ox
import pytest

from graph.errors import UnknownNameError
from graph.extract.context import DocumentContext
from graph.extract.dates import DateMention, date_entities, document_date, event_day, find_dates, normalise_published
from graph.extract.figures import MEASURES, STATUSES, find_observations
from graph.extract.mentions import find_mentions
from graph.extract.resolve import resolve
from graph.extract.sentences import split_sentences
from graph.ingest.identity import Identities
from graph.ingest.run import default_extractor
from graph.model import Conflict, DocumentInfo, Fact, StoreStats, TimelineEntry
from graph.query.catalogue import documents, stats
from graph.query.facts import facts
from graph.query.timeline import gexf_times, relation_times, timeline
from graph.rdf.observations import dating_quads, observation_quads
from graph.rdf.quads import document_iri, document_quads
from graph.read.files import read_document
from graph.store import open_store
from graph.validate import validate
from graph.vocab import SCHEMA, TIES, XSD
from tests.helpers import Cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data" / "facts"
WIRE = SAMPLES / "facts_vietnam_australia_wire.txt"
ANALYSIS = SAMPLES / "facts_vietnam_australia_analysis.txt"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def extractor():
    return default_extractor(use_ner=False)


def dates_of(text: str, published: str | None = None) -> list[DateMention]:
    found = find_dates(text, split_sentences(text), published)
    for d in found:
        assert text[d.start : d.end] == d.text
    return found


def spans(text: str, published: str | None = None) -> list[tuple]:
    return [(d.text, d.begin, d.end_date, d.precision, d.kind) for d in dates_of(text, published)]


def analyse(extractor, text: str, published: str | None = None) -> SimpleNamespace:
    """The pipeline as extract.py runs it, plus dates, datings and figures."""
    sentences = split_sentences(text)
    mentions = find_mentions(text, sentences, extractor.gazetteer, [])
    entities, mentions, keys = resolve(mentions, text, sentences)
    extractor._specify_generic(entities, mentions, keys)
    dates = find_dates(text, sentences, published)
    out = SimpleNamespace(text=text, sentences=sentences, mentions=mentions, keys=keys, entities=entities, dates=dates)
    context = DocumentContext(text, sentences, mentions, keys, entities)
    out.datings = date_entities(context, dates)
    out.observations = find_observations(context, dates, published)
    out.label = lambda key: entities[key].label
    out.dated = {
        (
            out.label(d.entity_key),
            d.property,
            d.date.begin,
            d.date.end_date,
            out.label(d.other_key) if d.other_key else None,
        )
        for d in out.datings
    }
    out.figures = [
        (o.measure, o.value, o.unit, o.time, sorted(out.label(k) for k in o.subjects), o.status)
        for o in out.observations
    ]
    return out


# --- find_dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The forum opened on 12 May 2023 in Oslo.", [("12 May 2023", "2023-05-12", None, "day", "point")]),
        ("It opened on May 12, 2023.", [("May 12, 2023", "2023-05-12", None, "day", "point")]),
        ("It opened on Sept. 3, 2019.", [("Sept. 3, 2019", "2019-09-03", None, "day", "point")]),
        ("It opened on the 3rd of June 2019.", [("3rd of June 2019", "2019-06-03", None, "day", "point")]),
        ("Filed 2021-07-30 in Lima.", [("2021-07-30", "2021-07-30", None, "day", "point")]),
        ("Accessed 25.11.2025 online.", [("25.11.2025", "2025-11-25", None, "day", "point")]),
        ("Accessed 25/11/2025 online.", [("25/11/2025", "2025-11-25", None, "day", "point")]),
        ("Signed in June 2013 in Seoul.", [("June 2013", "2013-06", None, "month", "point")]),
        ("The deal closed in 2013.", [("2013", "2013", None, "year", "point")]),
        ("Work resumed in mid-2025.", [("2025", "2025", None, "year", "point")]),
        (
            "The summit was held on November 24-25, 2025.",
            [("November 24-25, 2025", "2025-11-24", "2025-11-25", "day", "range")],
        ),
        (
            "The summit was held on 24–25 November 2025.",
            [("24–25 November 2025", "2025-11-24", "2025-11-25", "day", "range")],
        ),
        (
            "The fair ran November 30 – December 2, 2025.",
            [("November 30 – December 2, 2025", "2025-11-30", "2025-12-02", "day", "range")],
        ),
        (
            "The exercise ran from 3 to 5 March 2025.",
            [("from 3 to 5 March 2025", "2025-03-03", "2025-03-05", "day", "range")],
        ),
        ("Talks went on from March to May 2024.", [("from March to May 2024", "2024-03", "2024-05", "month", "range")]),
        ("The 1950-1953 war ended in an armistice.", [("1950-1953", "1950", "1953", "year", "range")]),
        ("It was fought from 1950 to 1953.", [("from 1950 to 1953", "1950", "1953", "year", "range")]),
        ("Output doubled between 2010 and 2015.", [("between 2010 and 2015", "2010", "2015", "year", "range")]),
        ("The plan covers 2010–15.", [("2010–15", "2010", "2015", "year", "range")]),
        ("Relations have grown since 1957.", [("since 1957", "1957", None, "year", "since")]),
        ("The line is to open by 2030.", [("by 2030", "2030", None, "year", "by")]),
        ("The line is to open by the end of 2026.", [("by the end of 2026", "2026", None, "year", "by")]),
    ],
)
def test_find_dates_reads_each_format(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Türkiye sent 21,492 soldiers and 2000 soldiers more.",
        "The budget was $2025 and the APR-1400 reactor arrived.",
        "In the 1950s, and again in the 2030s, things changed.",
        "See https://example.com/news/2025/11/23/story for more.",
        "The K-2025 prototype and Resolution No. 2001 were discussed.",
        "It weighed 1999.5 kilograms.",
    ],
)
def test_find_dates_leaves_numbers_that_are_not_years(text):
    assert spans(text) == []


def test_relative_phrases_need_a_publication_date():
    text = "Trade fell last year, rose this year and will rise next year; in the previous year it was flat."
    assert spans(text) == []
    found = dates_of(text, published="2024-06-01")
    assert [(d.text, d.begin, d.relative) for d in found] == [
        ("last year", "2023", True),
        ("this year", "2024", True),
        ("next year", "2025", True),
        ("the previous year", "2023", True),
    ]
    assert [d.begin for d in dates_of("Sales rose last month.", published="2024-01-15")] == ["2023-12"]
    assert [d.begin for d in dates_of(text, published="12 June 2024")][:1] == ["2023"]


def test_offsets_index_the_text_exactly():
    text = "Başkan İlçe Ümraniye'de, 24 Kasım değil: on 24 November 2025 Türkiye İş Bankası met; since 1957."
    found = dates_of(text)
    assert [d.text for d in found] == ["24 November 2025", "since 1957"]
    assert all(text[d.start : d.end] == d.text for d in found)


def test_normalise_published_and_document_date():
    assert normalise_published("2024-03-09T10:15:00Z") == "2024-03-09"
    assert normalise_published("2024") == "2024"
    assert normalise_published("February 2025") == "2025-02"
    assert normalise_published("not a date") is None
    text = "ANKARA, 12 June 2024 - The talks will resume on 3 March 2026. The war ended in July 1953."
    sentences = split_sentences(text)
    assert document_date(text, sentences, find_dates(text, sentences)) == "2024-06-12"
    assert document_date(text, sentences, find_dates(text, sentences), published="2024-07-01") == "2024-07-01"


def test_event_day_still_reads_the_first_day():
    text = "The Ankara Summit held on November 24-25, 2025 was long."
    assert event_day(text, 0, len(text)) == "2025-11-24"


# --- date_entities ----------------------------------------------------------------------------


def test_an_event_held_on_a_day_and_over_a_range(extractor):
    a = analyse(
        extractor,
        "The Nordic Trade Forum was held on 12 May 2023 in Oslo. "
        "On 3 June 2019, the Baltic Energy Summit opened in Riga. "
        "The Andes Mining Conference, 4-6 March 2025, drew 300 delegates.",
    )
    assert ("Nordic Trade Forum", "date", "2023-05-12", None, None) in a.dated
    assert ("Baltic Energy Summit", "date", "2019-06-03", None, None) in a.dated
    assert ("Andes Mining Conference", "date", "2025-03-04", "2025-03-06", None) in a.dated


def test_agreements_signed_in_force_established(extractor):
    a = analyse(
        extractor,
        "The Chile-Japan Economic Partnership Agreement was signed in March 2007 and entered "
        "into force in September 2007. Mexico and Peru signed the Pacific Fisheries Agreement in "
        "2015. Both sides praised the Andean Free Trade Agreement (AFTA) established in 2011.",
    )
    assert ("Chile-Japan Economic Partnership Agreement", "signedDate", "2007-03", None, None) in a.dated
    assert ("Chile-Japan Economic Partnership Agreement", "inForceDate", "2007-09", None, None) in a.dated
    assert ("Pacific Fisheries Agreement", "signedDate", "2015", None, None) in a.dated
    assert ("Andean Free Trade Agreement", "startDate", "2011", None, None) in a.dated


def test_a_date_the_verb_does_not_reach_dates_nothing(extractor):
    a = analyse(
        extractor,
        "Under the Chile-Japan Economic Partnership Agreement, trade between Chile and Japan "
        "reached $5 billion in 2022, a rise since the agreement was enacted.",
    )
    assert not [d for d in a.datings if d.property in ("inForceDate", "signedDate", "startDate")]


def test_diplomatic_relations_between_two_countries(extractor):
    a = analyse(
        extractor,
        "Brazil established diplomatic relations with Indonesia in 1953. "
        "The diplomatic relations between Chile and Japan, which commenced in 1957, remain close. "
        "Egypt and India have maintained diplomatic ties since 1947. "
        "In 2025, Peru and Mexico will celebrate 60 years of diplomatic relations.",
    )
    assert ("Brazil", "relationsEstablished", "1953", None, "Indonesia") in a.dated
    assert ("Chile", "relationsEstablished", "1957", None, "Japan") in a.dated
    assert ("Egypt", "relationsEstablished", "1947", None, "India") in a.dated
    assert not [d for d in a.datings if d.date.begin == "2025"]


def test_projects_start_completion_and_target(extractor):
    a = analyse(
        extractor,
        "The Padma Bridge opened in June 2022. Construction of the Rooppur Nuclear Power Plant "
        "began in 2017, and the plant is to be completed by 2027.",
    )
    assert a.dated >= {
        ("Padma Bridge", "completionDate", "2022-06", None, None),
        ("Rooppur Nuclear Power Plant", "startDate", "2017", None, None),
        ("Rooppur Nuclear Power Plant", "targetDate", "2027", None, None),
    }
    assert ("Rooppur Nuclear Power Plant", "completionDate", "2017", None, None) not in a.dated
    target = next(d for d in a.datings if d.property == "targetDate")
    assert target.date.kind == "by" and target.sentence_text == a.text[target.sentence_start : target.sentence_end]


# --- find_observations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, value, unit",
    [
        ("India and Japan signed a contract worth ₹1.2 lakh crore for the high-speed line.", 1.2e12, "INR"),
        ("Siemens won a €450m order from Egypt.", 450e6, "EUR"),
        ("Hyundai Rotem won a KRW 2.5 trillion deal with Poland.", 2.5e12, "KRW"),
        ("Poland signed a deal worth 10 billion lira with Türkiye.", 10e9, "TRY"),
        ("Poland signed a $1.5bn deal with South Korea.", 1.5e9, "USD"),
        ("Poland signed a deal worth 12.8 billion US dollars with South Korea.", 12.8e9, "USD"),
        ("Poland signed a deal worth US$ 700 million with South Korea.", 700e6, "USD"),
        ("Poland signed a deal worth 3,250,000 euros with Egypt.", 3.25e6, "EUR"),
    ],
)
def test_scale_words_and_currencies(extractor, sentence, value, unit):
    a = analyse(extractor, sentence)
    assert [(o.value, o.unit, o.measure) for o in a.observations] == [(value, unit, "contract value")]
    o = a.observations[0]
    assert sentence[o.start : o.end] == o.text and o.sentence_text == sentence


def test_counts_and_percentages(extractor):
    a = analyse(
        extractor,
        "Egypt sent 1,200 troops to the mission, and 45 soldiers were killed. Poland ordered "
        "180 K2 tanks from Hyundai Rotem. Hanwha holds 30 percent of the Egyptian venture.",
    )
    assert [(m, v, u) for m, v, u, *_ in a.figures] == [
        ("troops", 1200.0, "soldiers"),
        ("casualties", 45.0, "soldiers"),
        ("order quantity", 180.0, "units"),
        ("share", 30.0, "percent"),
    ]


def test_trade_between_two_countries_with_time_and_status(extractor):
    a = analyse(
        extractor,
        "Bilateral trade between Indonesia and Brazil stood at nearly $9.5 billion in 2023. "
        "Trade between Indonesia and Brazil is expected to top $12bn in 2024, and the two "
        "countries aim to reach $20 billion by 2030. "
        "Brazilian exports to Indonesia were $4.1 billion in 2022.",
        published="2024-06-01",
    )
    assert a.figures == [
        ("bilateral trade volume", 9.5e9, "USD", "2023", ["Brazil", "Indonesia"], "approximate"),
        ("bilateral trade volume", 12e9, "USD", "2024", ["Brazil", "Indonesia"], "estimate"),
        ("bilateral trade volume", 20e9, "USD", "2030", ["Brazil", "Indonesia"], "target"),
        ("exports", 4.1e9, "USD", "2022", ["Brazil", "Indonesia"], "reported"),
    ]
    assert [o.qualifier for o in a.observations][:2] == ["at most", "at least"]


def test_a_figure_for_a_year_not_over_is_an_estimate(extractor):
    text = "Trade between Chile and Japan reached $11 billion in 2024, up from $9 billion in 2023."
    during = analyse(extractor, text, published="2024-09-30")
    after = analyse(extractor, text, published="2025-02-01")
    assert [f[-1] for f in during.figures] == ["estimate", "reported"]
    assert [f[-1] for f in after.figures] == ["reported", "reported"]


def test_a_conditional_or_aimed_figure_is_a_target(extractor):
    a = analyse(
        extractor,
        "Chile and Japan are close partners. If the new port opens on time, and bilateral trade "
        "volume reaches the $30 billion mark, the relationship could change; the two governments "
        "also have a target of $25 billion for exports.",
    )
    assert [(f[1], f[-1]) for f in a.figures] == [(30e9, "target"), (25e9, "target")]


def test_subjects_fall_back_to_the_documents_two_countries(extractor):
    a = analyse(
        extractor,
        "Chile and Japan met again. Japan praised Chile. Bilateral trade reached $5.5 billion "
        "in 2023, according to customs data.",
    )
    assert a.figures == [("bilateral trade volume", 5.5e9, "USD", "2023", ["Chile", "Japan"], "reported")]
    assert a.observations[0].confidence < 0.8


def test_a_contract_value_is_about_the_agreement_and_its_parties(extractor):
    a = analyse(
        extractor,
        "Siemens won a €450m order from Egypt in 2021, and Hyundai Rotem a KRW 2.5 trillion deal with Poland.",
    )
    assert a.figures == [
        ("contract value", 450e6, "EUR", "2021", ["Egypt", "Siemens"], "reported"),
        ("contract value", 2.5e12, "KRW", None, ["Hyundai Rotem", "Poland"], "reported"),
    ]
    b = analyse(extractor, "The Baltic Ferry Contract, signed by Estonia and Finland, was worth $2.1 billion.")
    assert b.figures[0][4] == ["Baltic Ferry Contract", "Estonia", "Finland"]


def test_the_vocabulary_is_closed():
    assert {
        "bilateral trade volume",
        "investment",
        "contract value",
        "order quantity",
        "troops",
        "casualties",
        "share",
    } <= set(MEASURES)
    assert STATUSES == ("reported", "approximate", "estimate", "target")


# --- quads and shapes -----------------------------------------------------------------------------


def build(extractor, store_path: Path, paths: list[Path]) -> dict[str, SimpleNamespace]:
    """Extract each document with the real Extractor, add its datings and
    observations, and write everything as extract/rdf/ingest would."""
    store = open_store(store_path, write=True)
    identities = Identities(store)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    batch, out = [], {}
    for path in paths:
        doc = read_document(path)
        extraction = extractor.extract(doc)
        a = analyse(extractor, doc.masked, doc.meta.date)  # mentions and entities as extract.py finds them
        a.dates = find_dates(doc.text, a.sentences, doc.meta.date)
        context = DocumentContext(doc.text, a.sentences, a.mentions, a.keys, a.entities)
        a.datings = date_entities(context, a.dates)
        a.observations = find_observations(context, a.dates, doc.meta.date)
        assert set(a.keys) <= set(extraction.entities)
        canon = identities.canonical(extraction.entities, doc.meta.file_name)
        iri_of = {k: c.iri for k, c in canon.items()}
        doc_iri = document_iri(doc.meta.file_name)
        quads = document_quads(doc, extraction, canon, now, extractor.version)
        quads += dating_quads(doc_iri, a.datings, iri_of) + observation_quads(doc_iri, a.observations, iri_of)
        batch.append((doc_iri, quads, False))
        a.doc_iri, a.iri_of, a.doc = doc_iri, iri_of, doc
        out[doc.meta.file_name] = a
    store.add_documents(batch)
    store.close()
    return out


@pytest.fixture(scope="module")
def sample_store(extractor, tmp_path_factory):
    path = tmp_path_factory.mktemp("facts") / "store"
    built = build(extractor, path, [WIRE, ANALYSIS])
    return SimpleNamespace(path=path, built=built)


def test_quads_live_in_the_documents_graph_under_its_iri(sample_store):
    a = sample_store.built[WIRE.name]
    quads = observation_quads(a.doc_iri, a.observations, a.iri_of) + dating_quads(a.doc_iri, a.datings, a.iri_of)
    again = observation_quads(a.doc_iri, a.observations, a.iri_of) + dating_quads(a.doc_iri, a.datings, a.iri_of)
    assert quads == again and quads
    assert {q.graph_name.value for q in quads} == {a.doc_iri}
    nodes = {q.subject.value for q in quads if q.predicate.value.startswith(TIES) and "#" in q.subject.value}
    assert nodes and all(
        n.startswith(a.doc_iri + "#observation-") or n.startswith(a.doc_iri + "#dating-") for n in nodes
    )
    values = [q.object for q in quads if q.predicate.value == SCHEMA + "value"]
    assert values and all(v.datatype.value == XSD + "decimal" for v in values)
    times = {q.object.value: q.object.datatype.value for q in quads if q.predicate.value == TIES + "time"}
    assert times["2023"] == XSD + "gYear"
    starts = {
        (q.subject.value.rsplit("/", 1)[-1], q.object.value, q.object.datatype.value)
        for q in quads
        if q.predicate.value == SCHEMA + "startDate"
    }
    assert ("Melbourne_Summit", "2024-03-04", XSD + "date") in starts
    assert any(q.predicate.value == TIES + "relationsEstablished" and q.object.value == "1973" for q in quads)


def test_the_shapes_conform_and_catch_a_broken_observation(sample_store, tmp_path):
    with open_store(sample_store.path) as store:
        report = validate(store)
    assert report.conforms, report.text
    # An observation about nothing, without a value: the shapes say so.
    a = sample_store.built[WIRE.name]
    node = ox.NamedNode(a.doc_iri + "#observation-broken")
    broken = [
        ox.Quad(node, q.predicate, q.object, q.graph_name)
        for q in observation_quads(a.doc_iri, a.observations[:1], a.iri_of)
        if q.predicate.value not in (TIES + "about", SCHEMA + "value")
    ]
    path = tmp_path / "broken"
    built = build(default_extractor(use_ner=False), path, [WIRE])
    store = open_store(path, write=True)
    store.add_documents([(a.doc_iri, broken, False)])
    report = validate(store)
    store.close()
    assert built and not report.conforms
    assert "must be about at least one entity" in report.text and "schema:value" in report.text


# --- facts, timeline, Gephi ---------------------------------------------------------------------------


def test_facts_lists_both_figures_and_flags_the_disagreement(sample_store):
    with open_store(sample_store.path) as store:
        found = facts(store, between=("Australia", "Viet Nam"))
        loose = facts(store, about="vietnam", tolerance=0.2)
    trade_2023 = [f for f in found if f.measure == "bilateral trade volume" and f.time == "2023"]
    assert sorted((f.value, f.status, f.source.name) for f in trade_2023) == [
        (12.9e9, "approximate", ANALYSIS.name),
        (15.2e9, "reported", WIRE.name),
    ]
    for f in trade_2023:
        assert f.subjects == ["Australia", "Vietnam"] and f.unit == "USD"
        other = next(g for g in trade_2023 if g is not f)
        assert f.conflicts_with == [
            Conflict(
                source=other.source.name,
                value=other.value,
                sentence=other.sentence,
                status=other.status,
                id=other.id,
                attribution=other.attribution,
            )
        ]
    assert {f.attribution for f in trade_2023} == {"Australian trade ministry", "Vietnamese customs data"}
    texts = {
        WIRE.name: sample_store.built[WIRE.name].doc.text,
        ANALYSIS.name: sample_store.built[ANALYSIS.name].doc.text,
    }
    assert all(texts[f.source.name][f.start : f.end] == f.sentence for f in found)
    # Targets agree, the estimate stands alone, and a wider tolerance forgives the gap.
    targets = [f for f in found if f.status == "target"]
    assert [(f.value, f.time) for f in targets] == [(20e9, "2030"), (20e9, "2030")]
    assert not any(f.conflicts_with for f in targets)
    assert [(f.value, f.time) for f in found if f.status == "estimate" and f.unit == "USD"] == [(16e9, "2024")]
    assert not any(f.conflicts_with for f in loose)


def test_facts_rejects_an_unknown_name(sample_store):
    with open_store(sample_store.path) as store, pytest.raises(UnknownNameError):
        facts(store, about="Atlantis")


def test_timeline_lists_the_pairs_history_in_order(sample_store):
    with open_store(sample_store.path) as store:
        rows = timeline(store, "Vietnam", "Australia")
        one = timeline(store, "Australia")
    got = [(r.date, r.end_date, r.property, r.label) for r in rows]
    assert got == sorted(got, key=lambda g: (g[0], g[1] or ""))
    assert got == [
        ("1973", None, "relationsEstablished", "Vietnam – Australia"),
        ("2021", None, "startDate", "Long Thanh International Airport"),
        ("2024-03-04", "2024-03-06", "date", "Melbourne Summit"),
        ("2024-03-07", None, "signedDate", "Memorandum of Understanding on critical minerals"),
        ("2026", None, "targetDate", "Long Thanh International Airport"),
    ]
    relations = rows[0]
    assert [s.name for s in relations.sources] == [ANALYSIS.name, WIRE.name]
    assert relations.what == "diplomatic relations established" and relations.type == "DiplomaticRelations"
    summit = rows[2]
    assert summit.type == "Event" and summit.source.name == ANALYSIS.name and summit.sentence
    assert [r.date for r in one][0] == "1973"


def test_queries_return_records_that_the_cli_prints_field_for_field(sample_store):
    with open_store(sample_store.path) as store:
        found = facts(store)
        rows = timeline(store, "Vietnam", "Australia")
        counts = stats(store)
        docs = documents(store)
    assert all(isinstance(f, Fact) for f in found) and all(isinstance(r, TimelineEntry) for r in rows)
    assert any(isinstance(c, Conflict) for f in found for c in f.conflicts_with)
    assert (
        isinstance(counts, StoreStats)
        and counts.documents == 2
        and counts.entities == sum(counts.entities_by_type.values())
    )
    assert [(d.name, type(d)) for d in docs] == [(ANALYSIS.name, DocumentInfo), (WIRE.name, DocumentInfo)]
    cli = Cli(sample_store.path)
    printed = cli.json("facts")
    assert printed == [f.model_dump(mode="json") for f in found] and list(printed[0]) == list(Fact.model_fields)
    assert cli.json("timeline", "Vietnam", "Australia") == [r.model_dump(mode="json") for r in rows]
    assert cli.json("stats") == counts.model_dump(mode="json")
    assert cli.json("documents") == [d.model_dump(mode="json") for d in docs]


def test_gexf_times_play_in_gephi(sample_store, tmp_path):
    with open_store(sample_store.path) as store:
        times = gexf_times(store)
        pairs = relation_times(store)
    by_name = {iri.rsplit("/", 1)[-1]: t for iri, t in times.items()}
    assert by_name["Melbourne_Summit"] == ("2024-03-04", "2024-03-06")
    assert by_name["Long_Thanh_International_Airport"] == ("2021-01-01", None)
    assert next(t for n, t in by_name.items() if n.startswith("Memorandum")) == ("2024-03-07", None)
    assert list(pairs.values()) == [("1973-01-01", None)]
    g = nx.MultiDiGraph(mode="dynamic")
    for node, (start, end) in times.items():
        g.add_node(node, label=node.rsplit("/", 1)[-1], **{k: v for k, v in (("start", start), ("end", end)) if v})
    nx.write_gexf(g, tmp_path / "t.gexf")
    back = nx.read_gexf(tmp_path / "t.gexf")
    assert back.nodes[next(n for n in back if n.endswith("Melbourne_Summit"))]["start"] == "2024-03-04"


def test_removing_a_document_removes_its_figures_and_dates(extractor, tmp_path):
    path = tmp_path / "store"
    built = build(extractor, path, [WIRE, ANALYSIS])
    store = open_store(path, write=True)
    store.remove_graph(built[ANALYSIS.name].doc_iri)
    left = store.select("SELECT ?n WHERE { GRAPH ?g { { ?n a ties:Observation } UNION { ?n a ties:Dating } } }")
    trade = [f for f in facts(store) if f.measure == "bilateral trade volume" and f.time == "2023"]
    store.close()
    assert left and all(r["n"].startswith(built[WIRE.name].doc_iri + "#") for r in left)
    assert [(f.value, f.conflicts_with) for f in trade] == [(15.2e9, [])]


# --- the shared evaluation corpus (read only) --------------------------------------------------------------


@pytest.mark.skipif(not SHARED_CORPUS.is_dir(), reason="the shared evaluation corpus is not beside this checkout")
def test_the_issues_acceptance_checks_on_the_shared_corpus(extractor, tmp_path):
    built = build(extractor, tmp_path / "store", sorted(SHARED_CORPUS.glob("*.txt")))
    assert built
    with open_store(tmp_path / "store") as store:
        trade = [f for f in facts(store, between=("Türkiye", "South Korea")) if f.measure == "bilateral trade volume"]
        rows = timeline(store, "Türkiye", "South Korea")
    got = {(f.value, f.time, f.status) for f in trade}
    assert {
        (12.8e9, "2024", "reported"),
        (9e9, "2024", "approximate"),
        (15e9, "2025", "estimate"),
        (30e9, None, "target"),
    } <= got
    for f in trade:
        assert f.subjects == ["South Korea", "Türkiye"] and f.unit == "USD"
        if f.time == "2024":
            assert len(f.conflicts_with) == 1
    dated = {(r.property, r.date, r.end_date) for r in rows}
    assert ("relationsEstablished", "1957", None) in dated
    assert ("date", "2025-11-24", "2025-11-25") in dated
    fta = [r for r in rows if r.type == "Agreement" and "Free Trade" in r.label]
    assert [r.date for r in fta] == ["2013"]
    assert [r.date for r in rows] == sorted(r.date for r in rows)


def test_a_figure_keeps_who_the_text_says_gives_it(extractor):
    a = analyse(
        extractor,
        "Exports from Chile to Japan reached $9.4 billion in 2023, according to the Central Bank of Chile. "
        "The Japan External Trade Organization said imports from Chile fell to $8.1 billion in 2022.\n",
    )
    by_value = {o.value: o for o in a.observations}
    assert by_value[9.4e9].attribution == "Central Bank of Chile"
    assert by_value[8.1e9].attribution == "Japan External Trade Organization"
    assert a.label(by_value[8.1e9].attributed_to) == "Japan External Trade Organization"


def test_two_parties_in_one_document_are_two_sources_and_may_disagree(cli, tmp_path):
    (tmp_path / "one.txt").write_text(
        "Trade between Chile and Japan reached $12.5 billion in 2023 according to Chile's customs service, "
        "and $15.9 billion for the same year according to Japanese customs.\n"
    )
    assert cli("ingest", tmp_path / "one.txt", "--no-ner").exit_code == 0
    items = cli.json("facts", "--between", "Chile", "Japan")
    by_value = {f["value"]: f for f in items}
    low, high = by_value[12.5e9], by_value[15.9e9]
    assert low["time"] == high["time"] == "2023"  # "the same year" is the year just named
    assert {low["attribution"], high["attribution"]} == {"Chile's customs service", "Japanese customs"}
    assert [c["value"] for c in low["conflicts_with"]] == [15.9e9]
    assert [c["attribution"] for c in low["conflicts_with"]] == ["Japanese customs"]
