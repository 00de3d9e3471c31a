"""Extraction rules on project-written sentences, with a small gazetteer made
here so that each test pins a rule rather than the shipped data."""

from __future__ import annotations

import pytest

from graph.extract.gazetteer import Entry, Gazetteer
from graph.extract.pipeline import Extractor
from graph.extract.sentences import split_sentences
from graph.vocab import EntityType, Relation
from tests.helpers import text_document


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    entries = [
        Entry("Türkiye", EntityType.Country, ["Turkey", "Republic of Türkiye"], "Q43", None, ["Turkish"]),
        Entry(
            "South Korea", EntityType.Country, ["Korea", "Republic of Korea"], "Q884", None, ["South Korean", "Korean"]
        ),
        Entry("Poland", EntityType.Country, [], "Q36", None, ["Polish"]),
        Entry("Egypt", EntityType.Country, [], None, None, ["Egyptian"]),
        Entry("Ankara", EntityType.Place, [], None, "Türkiye"),
        Entry("Hyundai Rotem", EntityType.Firm, ["Hyundai Rotem Company"], None, "South Korea"),
        Entry("NATO", EntityType.InternationalOrganization, ["North Atlantic Treaty Organization"]),
    ]
    return Extractor(Gazetteer(entries))


def labels(extraction) -> dict[str, EntityType]:
    return {e.label: e.type for e in extraction.entities.values()}


def ties(extraction) -> set[tuple[str, Relation, str]]:
    name = {k: e.label for k, e in extraction.entities.items()}
    return {(name[t.subject], t.predicate, name[t.object]) for t in extraction.ties}


def test_sentences_keep_abbreviations_and_offsets():
    text = "Hyundai Rotem Co. signed with the U.S. Army. Dr. Kim agreed.\nA heading\nNext line."
    sents = split_sentences(text)
    pieces = [text[s.start : s.end] for s in sents]
    assert pieces == ["Hyundai Rotem Co. signed with the U.S. Army.", "Dr. Kim agreed.", "A heading", "Next line."]
    assert [s.heading for s in sents] == [False, False, True, False]


def test_gazetteer_aliases_and_demonyms_resolve_to_one_country(extractor):
    x = extractor.extract(text_document("Turkey and the Republic of Türkiye are one. Turkish firms agree."))
    countries = [e for e in x.entities.values() if e.type is EntityType.Country]
    assert len(countries) == 1 and countries[0].label == "Türkiye"
    # The demonym the document used is a name to find the country by, never its label.
    assert {"Turkey", "Turkish"} <= countries[0].aliases


def test_names_are_typed_by_their_heads(extractor):
    x = extractor.extract(
        text_document(
            "The Sinop Nuclear Power Plant, the Ministry of National Defense, Otokar Automotive Inc., "
            "Seoul National University and the 2025 Ankara Summit were discussed. The K9 howitzer and the FA-50 fly."
        )
    )
    got = labels(x)
    assert got["Sinop Nuclear Power Plant"] is EntityType.Project
    assert got["Ministry of National Defense"] is EntityType.GovernmentBody
    assert got["Otokar Automotive Inc."] is EntityType.Firm
    assert got["Seoul National University"] is EntityType.ResearchOrganization
    assert got["2025 Ankara Summit"] is EntityType.Event
    assert got["K9 howitzer"] is EntityType.Product and got["FA-50"] is EntityType.Product


def test_acronym_defined_in_text_is_an_alias_of_its_long_form(extractor):
    x = extractor.extract(
        text_document("Korea Hydro & Nuclear Power Corporation (KHNP) will run the plant. Later, KHNP hired engineers.")
    )
    firms = [e for e in x.entities.values() if e.type is EntityType.Firm]
    assert len(firms) == 1
    assert firms[0].label == "Korea Hydro & Nuclear Power Corporation" and "KHNP" in firms[0].aliases


def test_title_before_a_name_gives_a_person_who_leads_the_country(extractor):
    x = extractor.extract(text_document("Turkish President Recep Tayyip Erdoğan met reporters in Ankara."))
    assert labels(x)["Recep Tayyip Erdoğan"] is EntityType.Person
    assert ("Recep Tayyip Erdoğan", Relation.leaderOf, "Türkiye") in ties(x)


def test_surname_after_full_name_is_the_same_person(extractor):
    x = extractor.extract(text_document("President Andrzej Duda visited Seoul. Later, President Duda spoke to NATO."))
    people = [e for e in x.entities.values() if e.type is EntityType.Person]
    assert len(people) == 1 and people[0].label == "Andrzej Duda"


def test_event_with_and_without_its_year_is_one_event(extractor):
    x = extractor.extract(text_document("The 2025 Ankara Summit opened. The Ankara Summit held on May 3 was long."))
    events = [e for e in x.entities.values() if e.type is EntityType.Event]
    assert [e.label for e in events] == ["2025 Ankara Summit"]


def test_coordination_ties_every_pair(extractor):
    x = extractor.extract(
        text_document(
            "Alpha Construction Inc., Beta Engineering Co. and Gamma Holding participated in the Kanal Bridge "
            "and the Delta Tunnel."
        )
    )
    got = ties(x)
    for firm in ("Alpha Construction Inc.", "Beta Engineering Co.", "Gamma Holding"):
        for project in ("Kanal Bridge", "Delta Tunnel"):
            assert (firm, Relation.participatesIn, project) in got


def test_cue_words_choose_the_relation(extractor):
    x = extractor.extract(
        text_document(
            "Hyundai Rotem signed the K2 Framework Agreement with Poland. "
            "The Warsaw Summit was held in Ankara. "
            "Poland is a member of NATO."
        )
    )
    got = ties(x)
    assert ("Hyundai Rotem", Relation.partyTo, "K2 Framework Agreement") in got
    assert ("Warsaw Summit", Relation.heldIn, "Ankara") in got
    assert ("Poland", Relation.memberOf, "NATO") in got


def test_contrast_clause_does_not_tie_its_two_sides(extractor):
    x = extractor.extract(text_document("While Egypt faced drought, Poland bought tanks from South Korea."))
    got = ties(x)
    assert not any("Egypt" in (s, o) for s, _, o in got)
    assert any({s, o} == {"Poland", "South Korea"} for s, _, o in got)


def test_country_named_inside_a_name_is_an_inferred_tie(extractor):
    x = extractor.extract(text_document("The Korea-Türkiye Free Trade Agreement entered into force in 2013."))
    tie = next(t for t in x.ties if t.predicate is Relation.partyTo)
    assert tie.evidence.inferred and "named in" in tie.evidence.reason


def test_evidence_offsets_slice_the_text_exactly(extractor):
    text = "İstanbul hosted talks.\n\nİİİ Hyundai Rotem and the Turkish side signed the Altay Agreement in Ankara."
    x = extractor.extract(text_document(text))
    assert x.ties
    for t in x.ties:
        assert text[t.evidence.start : t.evidence.end] == t.evidence.sentence
    for e in x.entities.values():
        for span in e.mentions:
            assert text[span.start : span.end].strip()


def test_extraction_is_deterministic(extractor):
    text = "Hyundai Rotem and Otokar Automotive Inc. built the Altay tank for Turkey in Ankara."
    first, second = extractor.extract(text_document(text)), extractor.extract(text_document(text))
    assert first.model_dump() == second.model_dump()


def test_gazetteer_and_rules_work_without_statistical_ner():
    g = Gazetteer([Entry("Hyundai Rotem", EntityType.Firm, [], None, None)])
    x = Extractor(g, use_ner=False).extract(text_document("Hyundai Rotem builds the Sinop Nuclear Power Plant."))
    assert labels(x) == {"Hyundai Rotem": EntityType.Firm, "Sinop Nuclear Power Plant": EntityType.Project}


def test_definite_descriptions_refer_back_to_the_entity_they_name(extractor):
    x = extractor.extract(
        text_document(
            "Hyundai Rotem won the tender for the Delta Bridge. The Korean builder said the bridge will open in 2027."
        )
    )
    name = {k: e.label for k, e in x.entities.items()}
    said = [t for t in x.ties if "said the bridge" in t.evidence.sentence]
    assert {(name[t.subject], name[t.object]) for t in said} >= {("Hyundai Rotem", "Delta Bridge")}


@pytest.mark.parametrize(
    "sentence, firm",
    [
        ("Shares of Tarvik Motors rose 5 percent in Seoul trading.", "Tarvik Motors"),
        ("Exports of Doravane Heavy Industries doubled last year.", "Doravane Heavy Industries"),
    ],
)
def test_a_plural_noun_opening_the_sentence_is_not_part_of_the_firm_it_is_about(extractor, sentence, firm):
    found = labels(extractor.extract(text_document(sentence)))
    assert found.get(firm) is EntityType.Firm, found
    assert not any(label.endswith(" of " + firm) for label in found), found


@pytest.mark.parametrize(
    "sentence, body, kind",
    [
        (
            "The Nigerian Institute of International Affairs hosted a panel.",
            "Nigerian Institute of International Affairs",
            EntityType.ResearchOrganization,
        ),
        ("The Polish Ministry of Trade cut tariffs.", "Polish Ministry of Trade", EntityType.GovernmentBody),
        (
            "The Vietnam Academy of Science and Technology met in Ankara.",
            "Vietnam Academy of Science and Technology",
            EntityType.ResearchOrganization,
        ),
        (
            "The Chilean Agency for Research and Development funded the survey.",
            "Chilean Agency for Research and Development",
            EntityType.GovernmentBody,
        ),  # the agency, not its last word
        (
            "The Ministry of Trade and Industry released figures.",
            "Ministry of Trade and Industry",
            EntityType.GovernmentBody,
        ),
    ],
)
def test_a_body_named_with_its_remit_keeps_every_word_of_it(extractor, sentence, body, kind):
    found = labels(extractor.extract(text_document(sentence)))
    assert found.get(body) is kind, found


@pytest.mark.parametrize(
    "sentence, names",
    [
        ("The Ministry of Defence and Hyundai Rotem signed the contract.", {"Ministry of Defence", "Hyundai Rotem"}),
        ("Officials of the University of Ankara and Tarvik Motors met.", {"University of Ankara", "Tarvik Motors"}),
        (
            "The Ministry of Energy and Energy Market Regulatory Authority agreed.",
            {"Ministry of Energy", "Energy Market Regulatory Authority"},
        ),
    ],
)
def test_and_after_a_remit_starts_a_new_name_when_one_follows(extractor, sentence, names):
    found = labels(extractor.extract(text_document(sentence)))
    assert names <= set(found), found


def test_ner_reads_only_sentences_it_can_add_to_and_their_neighbours_together(extractor):
    from graph.extract.mentions import rule_candidates
    from graph.extract.pipeline import ner_ranges

    text = (
        "Poland and Egypt met in Ankara, and Poland and Egypt met again in Ankara after that. "
        "Türkiye and Poland agreed in Ankara, and Egypt and Türkiye agreed in Ankara as well. "
        "Officials from Brenmoor Aerospace attended. So did Kavel Ostrin."
    )
    sentences = split_sentences(text)
    ranges = ner_ranges(text, sentences, rule_candidates(text, sentences, extractor.gazetteer))
    assert len(ranges) == 1, ranges
    start, end = ranges[0]
    assert end == len(text) and sentences[1].start < start <= sentences[2].start  # a few words of lead-in
    assert "Brenmoor" in text[start:end] and "met again" not in text[start:end]


def test_ner_skips_sentences_whose_names_the_rules_have_typed_already(extractor):
    from graph.extract.mentions import rule_candidates
    from graph.extract.pipeline import ner_ranges

    typed = "Brenmoor Aerospace and Darovia Heavy Industries signed the deal in Ankara on a grey and windy morning. "
    titled = "Minister Kavel Ostrin and his deputy welcomed it."  # NER says where a titled name ends
    text = typed + titled
    sentences = split_sentences(text)
    ranges = ner_ranges(text, sentences, rule_candidates(text, sentences, extractor.gazetteer))
    assert [text[start:end].strip()[-len(titled) :] for start, end in ranges] == [titled]
    assert ranges[0][0] > 0  # the typed sentence is read only as the lead-in


@pytest.mark.parametrize(
    "sentence, read",
    [
        ("Defence Minister Kavel Ostrin said the plant would open in Ankara.", False),  # the name plainly ends
        ("Chief Executive Kavel Ostrin told reporters that sales had doubled.", False),
        ("President Kavel Ostrin Greets Crowds warmly.", True),  # a title-case headline runs on
        ("Minister Kavel Ostrin Smiles at the crowd.", True),
        ("Minister Kavel Ostrin and the deputy minister met in Ankara.", True),  # "and" may join a longer name
        ("The plant in Ankara was opened by Minister Kavel Ostrin.", True),  # nothing after the name
    ],
)
def test_ner_skips_a_titled_person_only_where_the_name_plainly_ends(extractor, sentence, read):
    from graph.extract.mentions import rule_candidates
    from graph.extract.pipeline import ner_ranges

    sentences = split_sentences(sentence)
    assert bool(ner_ranges(sentence, sentences, rule_candidates(sentence, sentences, extractor.gazetteer))) is read


@pytest.mark.parametrize(
    "text, person, event, place",
    [
        (
            "South Korean President Lee Jae Myung's visit to Turkey on 24 November 2025 was brief.",
            "Lee Jae Myung",
            "Lee Jae Myung's visit to Turkey",
            "Türkiye",
        ),
        (
            "Defence Minister Jae-won Mendoza said so. Prime Minister Jae-won Mendoza's three-day state visit to "
            "Ankara ended on Friday.",
            "Jae-won Mendoza",
            "Jae-won Mendoza's state visit to Ankara",
            "Ankara",
        ),
        (
            "President Anna Kovacs' official visit to Egypt was the first since 2015.",
            "Anna Kovacs",
            "Anna Kovacs' official visit to Egypt",
            "Egypt",
        ),
    ],
)
def test_a_named_persons_visit_to_a_named_place_is_an_event_tied_to_both(extractor, text, person, event, place):
    x = extractor.extract(text_document(text))
    assert labels(x).get(person) is EntityType.Person and labels(x).get(event) is EntityType.Event, labels(x)
    tied = {frozenset((a, b)) for a, _, b in ties(x)}
    assert {frozenset((person, event)), frozenset((event, place))} <= tied, tied


def test_the_visit_later_in_the_document_is_the_visit_named_before(extractor):
    x = extractor.extract(
        text_document("President Anna Kovacs' visit to Poland began on Monday. The visit ended in Ankara.")
    )
    events = [e for e in x.entities.values() if e.type is EntityType.Event]
    assert [e.label for e in events] == ["Anna Kovacs' visit to Poland"]
    assert any("The visit ended" in t.evidence.sentence for t in x.ties if events[0].key in (t.subject, t.object))


def test_a_known_place_opening_a_titled_name_is_a_given_name():
    places = [
        Entry("Sofia", EntityType.Place, [], None, "Bulgaria"),
        Entry("Ankara", EntityType.Place, [], None, "Türkiye"),
    ]
    x = Extractor(Gazetteer(places)).extract(
        text_document("Prime Minister Sofia Santoso said Ankara would host the talks. Sofia welcomed the news.")
    )
    found = labels(x)
    assert found.get("Sofia Santoso") is EntityType.Person and found.get("Sofia") is EntityType.Place, found


def test_a_titled_name_skipped_by_ner_keeps_every_word(extractor):
    text = "Trade Minister Seo-yeon Kavelor said the plant would open in Ankara."
    people = [e.label for e in extractor.extract(text_document(text)).entities.values() if e.type is EntityType.Person]
    assert people == ["Seo-yeon Kavelor"]


def test_ner_skips_words_capitalised_only_by_their_place_but_reads_a_name_opening_a_sentence(extractor):
    from graph.extract.mentions import rule_candidates
    from graph.extract.pipeline import ner_ranges

    placed = "Trade between Poland and Egypt grew after March 3, 2024, when the two cut tariffs on trade in steel. "
    opening = "Kavelor said it would build a plant in Ankara."  # a name: the document never writes it in lower case
    text = placed + opening
    sentences = split_sentences(text)
    ranges = ner_ranges(text, sentences, rule_candidates(text, sentences, extractor.gazetteer))
    assert [text[start:end].strip()[-len(opening) :] for start, end in ranges] == [opening]
    assert ranges[0][0] > 0  # the first sentence is read only as the lead-in


@pytest.mark.parametrize(
    "text, read",
    [
        ("Officials said Poland and Egypt would meet in Ankara.", False),  # a plural common noun opening
        ("Exporters in Poland welcomed the cut in tariffs.", False),
        ("Anna Peters spoke first. Peters said Poland and Egypt would meet in Ankara.", True),  # a surname
    ],
)
def test_ner_skips_a_plural_common_noun_opening_a_sentence_but_not_a_surname(extractor, text, read):
    from graph.extract.mentions import rule_candidates
    from graph.extract.pipeline import ner_ranges

    sentences = split_sentences(text)
    ranges = ner_ranges(text, sentences, rule_candidates(text, sentences, extractor.gazetteer))
    assert any(end == len(text) for _, end in ranges) is read  # whether the last sentence goes to NER


@pytest.mark.slow  # seconds of one process each; the README's quick run stays under its 4 minutes
def test_ner_on_the_stretches_finds_what_ner_on_the_whole_text_finds(monkeypatch):
    import graph.extract.pipeline
    from graph.ingest.run import default_extractor
    from graph.read.files import find_documents, read_document
    from tests.helpers import SAMPLES

    extractor = default_extractor()
    docs = [read_document(p) for p in find_documents([SAMPLES])[0]]

    def found(extraction):
        return sorted((e.label, e.type.value) for e in extraction.entities.values())

    stretches = [found(x) for x in extractor.extract_many(docs)]
    monkeypatch.setattr(graph.extract.pipeline, "ner_ranges", lambda text, sentences, candidates: [(0, len(text))])
    whole = [found(x) for x in extractor.extract_many(docs)]
    assert stretches == whole


def test_a_gazetteer_file_may_give_a_place_its_demonyms(tmp_path):
    table = tmp_path / "regions.tsv"
    table.write_text(
        "label\ttype\taliases\twikidata\tcountry\tdemonyms\nVarnia\tPlace\t\t\t\tVarnian\n", encoding="utf-8"
    )
    x = Extractor(Gazetteer.load([table]), use_ner=False).extract(text_document("Varnian exporters met in Oslo."))
    assert labels(x).get("Varnia") is EntityType.Place
