"""Ties read from sentence structure: one test per grammatical path, through
the real extractor (shipped gazetteer, statistical model and parser), on
sentences written for these tests; and co-mentions, which lookups leave out
unless asked."""

from __future__ import annotations

import pytest

from graph.extract.syntax import parser_available
from graph.query.lookups import entities, show
from graph.store import open_store
from graph.vocab import Relation
from tests.helpers import text_document

pytestmark = pytest.mark.skipif(not parser_available(), reason="no spaCy English model with a parser is installed")


def ties(extractor, text: str) -> set[tuple[str, Relation, str]]:
    x = extractor.extract(text_document(text))
    name = {k: e.label for k, e in x.entities.items()}
    return {(name[t.subject], t.predicate, name[t.object]) for t in x.ties}


def tied(got: set[tuple[str, Relation, str]], a: str, b: str) -> set[Relation]:
    """The kinds of tie between A and B, either way, co-mentions left out."""
    return {p for s, p, o in got if {s, o} == {a, b} and p is not Relation.coMentioned}


@pytest.mark.parametrize(
    "text",
    ["Tarvik Motors builds the Kestrel Bridge.", "The Kestrel Bridge was built by Tarvik Motors."],
)
def test_the_verb_of_a_subject_and_its_object_chooses_the_kind_in_either_voice(extractor, text):
    assert ("Tarvik Motors", Relation.builds, "Kestrel Bridge") in ties(extractor, text)


def test_a_preposition_on_the_verb_places_its_subject(extractor):
    assert ("Tarvik Motors", Relation.basedIn, "Norway") in ties(extractor, "Tarvik Motors is based in Norway.")


def test_a_role_noun_in_apposition_makes_the_person_leader_of_what_it_names(extractor):
    got = ties(extractor, "Maria Lindqvist, chief executive of Nordvolt Energy, opened the plant.")
    assert ("Maria Lindqvist", Relation.leaderOf, "Nordvolt Energy") in got


def test_a_role_noun_before_the_name_in_apposition_counts_as_well(extractor):
    got = ties(extractor, "The prime minister of Norway, Erik Dahl, visited the harbour.")
    assert ("Erik Dahl", Relation.leaderOf, "Norway") in got


def test_a_possessive_places_a_body_in_its_country(extractor):
    got = ties(extractor, "Norway's Ministry of Defence ordered new boats.")
    assert ("Ministry of Defence", Relation.basedIn, "Norway") in got


def test_each_conjunct_fills_the_slot_of_its_coordination_on_its_own(extractor):
    got = ties(extractor, "Tarvik Motors and Nordvolt Energy signed the Fjord Agreement.")
    assert {
        ("Tarvik Motors", Relation.partyTo, "Fjord Agreement"),
        ("Nordvolt Energy", Relation.partyTo, "Fjord Agreement"),
    } <= got
    assert not tied(got, "Tarvik Motors", "Nordvolt Energy")


def test_a_nominalised_verb_ties_its_agent_to_its_object(extractor):
    got = ties(extractor, "The construction of the Kestrel Bridge by Tarvik Motors began in 2019.")
    assert ("Tarvik Motors", Relation.builds, "Kestrel Bridge") in got


def test_between_makes_both_parties_to_the_agreement(extractor):
    got = ties(extractor, "The Fjord Agreement between Norway and Poland was signed in Bergen.")
    assert {("Norway", Relation.partyTo, "Fjord Agreement"), ("Poland", Relation.partyTo, "Fjord Agreement")} <= got
    assert ("Fjord Agreement", Relation.signedAt, "Bergen") in got


def test_a_nationality_adjective_on_the_noun_a_person_is_gives_the_nationality(extractor):
    assert ("Erik Dahl", Relation.nationality, "Norway") in ties(
        extractor, "Erik Dahl is a Norwegian military officer."
    )


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Lena Marsh, the Turkish opposition leader, met reporters in Izmir.", "Türkiye"),
        ("Pavel Drach, a Czech Lutheran leader, preached in Brno.", "Czechia"),
    ],
)
def test_a_demonym_before_what_a_role_noun_leads_gives_a_nationality_not_a_country_led(extractor, text, country):
    got = ties(extractor, text)
    assert tied(got, text.split(",")[0], country) == {Relation.nationality}, got


def test_a_demonym_before_the_kind_noun_of_a_body_places_the_body_in_that_country(extractor):
    got = ties(extractor, "Fyllingen Fotball was a Norwegian association football club.")
    assert ("Fyllingen Fotball", Relation.basedIn, "Norway") in got, got


def test_a_chain_of_places_lies_each_in_the_next(extractor):
    got = ties(extractor, "The plant is in Bergen, Vestland, Norway.")
    assert {("Bergen", Relation.locatedIn, "Vestland"), ("Vestland", Relation.locatedIn, "Norway")} <= got
    assert ("Bergen", Relation.locatedIn, "Norway") in got  # what lies in a place lies in what holds it


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("The firm has offices in Bergen, Trondheim, and Stavanger.", ("Bergen", "Trondheim", "Stavanger")),
        ("The firm has offices in Ankara, Konya, Mersin, Adana and two more towns.", ("Ankara", "Konya", "Mersin")),
        ("The line serves Ankara, Konya, Mersin, Adana.", ("Ankara", "Konya", "Mersin")),
        ("The firm has offices in Ankara, Konya and Plovkarsk.", ("Ankara", "Konya", "Plovkarsk")),
    ],
)
def test_a_list_of_places_is_no_chain(extractor, text, names):
    got = ties(extractor, text)
    first, second, third = names
    assert not tied(got, first, second) and not tied(got, second, third), got


def test_clauses_split_by_a_semicolon_are_kept_apart(extractor):
    got = ties(extractor, "Tarvik Motors signed the Fjord Agreement; Nordvolt Energy signed the Baltic Accord.")
    assert ("Tarvik Motors", Relation.partyTo, "Fjord Agreement") in got
    assert not any({s, o} == {"Tarvik Motors", "Baltic Accord"} for s, _, o in got)


def test_two_names_with_no_grammatical_path_are_only_co_mentioned(extractor):
    got = ties(extractor, "After the talks in Bergen, the board of Tarvik Motors resigned.")
    assert not tied(got, "Tarvik Motors", "Bergen")
    assert any({s, o} == {"Tarvik Motors", "Bergen"} and p is Relation.coMentioned for s, p, o in got)


def test_a_pronoun_subject_ties_the_entity_it_stands_for_with_both_sentences_as_evidence(extractor):
    text = "Tarvik Motors is a Norwegian carmaker. It opened a plant in Bergen."
    x = extractor.extract(text_document(text))
    name = {k: e.label for k, e in x.entities.items()}
    found = [t for t in x.ties if {name[t.subject], name[t.object]} == {"Tarvik Motors", "Bergen"}]
    assert found and found[0].predicate is not Relation.coMentioned
    evidence = found[0].evidence
    assert (evidence.start, evidence.end) == (0, len(text)) and evidence.sentence == text
    assert "anaphor" in evidence.method


def test_a_co_mention_is_left_out_of_lookups_unless_asked(cli, store):
    folder = store.parent / "docs"
    folder.mkdir()
    (folder / "talks.txt").write_text(
        "After the talks in Bergen, the board of Tarvik Motors resigned. Tarvik Motors builds the Kestrel Bridge.\n",
        encoding="utf-8",
    )
    assert cli("ingest", folder).exit_code == 0
    with open_store(store) as s:
        plain = {e.label for e in entities(s, involving="Tarvik Motors")}
        asked = {e.label for e in entities(s, involving="Tarvik Motors", co_mentions=True)}
        detail = {r.other.label for r in show(s, "Tarvik Motors").relations}
        detail_asked = {r.relation for r in show(s, "Tarvik Motors", co_mentions=True).relations}
    assert "Kestrel Bridge" in plain and "Bergen" not in plain
    assert {"Kestrel Bridge", "Bergen"} <= asked
    assert "Bergen" not in detail and "co-mentioned with" in detail_asked


def test_every_name_of_a_list_takes_the_lists_place_in_its_clause(extractor):
    got = ties(
        extractor,
        "In 1950 the Korean War broke out, and Türkiye sent troops to support Korea, "
        "alongside Norway, Denmark, and Canada.",
    )
    assert tied(got, "Korean War", "Norway") and tied(got, "Korean War", "Canada")


def test_these_efforts_stands_for_every_project_the_sentence_before_listed(extractor):
    got = ties(
        extractor,
        "Tarvik Motors built three projects: the Kestrel Bridge, the Nordhavn Tunnel and the Osprey Dam. "
        "These efforts expanded Norway's presence in Chile.",
    )
    for project in ("Kestrel Bridge", "Nordhavn Tunnel", "Osprey Dam"):
        assert tied(got, "Norway", project), project
    assert not tied(got, "Kestrel Bridge", "Nordhavn Tunnel")  # listed together, not tied to each other


def test_this_visit_opening_a_sentence_is_the_event_the_sentence_before_told_of(extractor):
    got = ties(
        extractor,
        "The 2024 Oslo Summit was held in Oslo in May. "
        "President Erik Dahl praised the partnership at a joint press conference. "
        "This summit opened a new chapter for both countries.",
    )
    assert Relation.participatesIn in tied(got, "Erik Dahl", "2024 Oslo Summit")


def test_each_preposition_of_a_coordination_places_the_subject_and_a_bare_state_noun_passes_its_place_on(extractor):
    got = ties(
        extractor, "The Vorlak is now in service or on order in several countries, including Norway and Finland."
    )
    assert tied(got, "Vorlak", "Norway") and tied(got, "Vorlak", "Finland")


def test_a_possessive_stands_for_the_subject_of_its_own_clause_not_the_first_name_of_the_sentence(extractor):
    got = ties(
        extractor, "Vestria builds its own Brakk rifle under licence, and Ostland uses a Vorlak chassis for its Falcon."
    )
    assert tied(got, "Falcon", "Ostland") and not tied(got, "Falcon", "Vestria")


@pytest.mark.parametrize(
    ("text", "inner", "outer"),
    [
        ("Marten Hollis was a politician in the Canadian province of Alberta.", "Alberta", "Canada"),
        ("Ilka Varga was born in the French region of Alsace.", "Alsace", "France"),
        ("Kalvik is a town in the Tarvo Region of Estonia.", "Tarvo Region", "Estonia"),
        ("Brenna is a peak in the Varga Mountains of northern Alaska.", "Varga Mountains", "Alaska"),
    ],
)
def test_a_place_named_after_of_lies_in_the_country_or_place_its_noun_is_given(extractor, text, inner, outer):
    assert (inner, Relation.locatedIn, outer) in ties(extractor, text)


def test_a_denied_preposition_ties_nothing_and_its_but_conjunct_takes_its_place(extractor):
    got = ties(extractor, "The Tarvo Agency awarded the Falcon contract not to Vestra Motors but to Kolby Works.")
    assert tied(got, "Tarvo Agency", "Kolby Works")
    assert not tied(got, "Tarvo Agency", "Vestra Motors") and not tied(got, "Falcon contract", "Vestra Motors")


def test_a_kind_of_place_followed_by_of_and_a_name_is_that_place_not_an_earlier_one(extractor):
    got = ties(extractor, "The Tarva Glacier flows south to join the Brenna Glacier just above the town of Kolvik.")
    assert not tied(got, "Tarva Glacier", "Kolvik")


def test_names_one_noun_lists_are_not_tied_to_each_other_through_it(extractor):
    text = "The Tarvo Agency works with several groups, which include the Vestra Group, the Kolby Group and the Ostvik Group."
    got = ties(extractor, text)
    assert tied(got, "Tarvo Agency", "Kolby Group")
    assert not tied(got, "Vestra Group", "Kolby Group") and not tied(got, "Kolby Group", "Ostvik Group")


def test_what_is_sold_is_no_place_so_it_points_past_the_places_before_it(extractor):
    text = "Brenna is a town in Vestria. The Falcon soap was first made there in 1960. It was also sold in Norway."
    got = ties(extractor, text)
    assert tied(got, "Falcon", "Norway") and not tied(got, "Brenna", "Norway") and not tied(got, "Vestria", "Norway")


def test_the_one_country_a_demonym_places_a_province_in_holds_the_places_that_province_holds(extractor):
    text = (
        "Marten Hollis was a politician in the Canadian province of Alberta. "
        "Born in Brenna, Tarvask, he moved to Alberta in 1930."
    )
    got = ties(extractor, text)
    assert ("Tarvask", Relation.locatedIn, "Canada") in got and ("Brenna", Relation.locatedIn, "Canada") in got


def test_he_goes_on_with_the_person_the_text_keeps_naming_not_one_named_in_passing(extractor):
    text = (
        "Ansel Vorn joined Tarvik Motors in 2001. In 2005, President Erik Dahl sent Ansel Vorn to Bergen. "
        "He later became chief executive of Nordvolt Energy."
    )
    got = ties(extractor, text)
    assert Relation.leaderOf in tied(got, "Ansel Vorn", "Nordvolt Energy")
    assert Relation.leaderOf not in tied(got, "Erik Dahl", "Nordvolt Energy")


@pytest.mark.parametrize(
    ("text", "place", "country"),
    [
        ("Anna Berg is a Mexican painter. She lives in New Mexico.", "New Mexico", "Mexico"),
        ("The border was drawn by the Russian Empire. Russia kept it after 1917.", "Russian Empire", "Russia"),
        ("The Kingdom of Serbia raised a new army. Serbia lost many men.", "Kingdom of Serbia", "Serbia"),
    ],
)
def test_a_place_named_after_a_country_does_not_lie_in_it(extractor, text, place, country):
    got = ties(extractor, text)
    assert Relation.locatedIn not in tied(got, place, country), got


def test_a_place_the_gazetteer_puts_abroad_is_not_put_in_the_one_country_the_text_names(extractor):
    got = ties(extractor, "Greta Lind is a German engineer. She was born in İzmir in 1970.")
    assert Relation.locatedIn not in tied(got, "İzmir", "Germany")


def test_a_place_the_text_names_lies_under_the_names_of_bodies_named_after_it(extractor):
    got = ties(
        extractor,
        "Harald Sten grew up in Velmora. He studied law at the University of Velmora and later sat on the "
        "Velmora City Council. The Latin America Desk of the bank moved to America.",
    )
    assert ("University of Velmora", Relation.locatedIn, "Velmora") in got
    assert ("Velmora City Council", Relation.locatedIn, "Velmora") in got
    assert Relation.locatedIn not in tied(got, "Latin America Desk", "United States"), "a short name inside a longer"


def test_the_one_nationality_of_a_text_places_its_towns_but_not_its_firms_or_continents(extractor):
    got = ties(
        extractor,
        "Ivar Holm was a Norwegian politician. He was born in Kvalvika, a fishing village. "
        "Later he worked for Brannvik Studios and toured Africa.",
    )
    assert Relation.locatedIn in tied(got, "Kvalvika", "Norway"), got
    assert not tied(got, "Brannvik Studios", "Norway") & {Relation.basedIn, Relation.locatedIn}, got
    assert Relation.locatedIn not in tied(got, "Africa", "Norway"), got


def test_a_place_a_body_of_a_nation_lies_in_lies_in_that_nation(extractor):
    got = ties(extractor, "Arvika Motors is a Swedish carmaker based in Tornby.")
    assert ("Tornby", Relation.locatedIn, "Sweden") in got, got
    abroad = ties(extractor, "Arvika Motors is a Swedish carmaker based in Oslo.")
    assert ("Oslo", Relation.locatedIn, "Sweden") not in abroad, "the gazetteer puts Oslo in Norway"


def test_a_town_lies_in_the_country_the_list_of_towns_gives_where_the_text_names_it(extractor):
    got = ties(extractor, "The plant in Ödemiş employs 400 people. Exports from Türkiye grew last year.")
    assert ("Ödemiş", Relation.locatedIn, "Türkiye") in got, got


def test_a_town_two_named_countries_have_is_placed_in_neither(extractor):
    got = ties(
        extractor, "The plant in Carlisle employs 400 people. Both the United States and the United Kingdom buy there."
    )
    assert Relation.locatedIn not in tied(got, "Carlisle", "United States") | tied(got, "Carlisle", "United Kingdom")


def test_a_town_the_world_has_only_abroad_is_not_put_in_the_one_country_the_text_names(extractor):
    got = ties(extractor, "Greta Lind is a German lawyer. She was born in Voorburg and studied law.")
    assert not tied(got, "Voorburg", "Germany"), got


@pytest.mark.parametrize(
    ("text", "body", "place", "kind"),
    [
        ("The Ankara-based firm Roketsan signed a deal.", "Roketsan", "Ankara", Relation.locatedIn),
        ("He joined Tellvane, a private Houston-based energy company.", "Tellvane", "Houston", Relation.locatedIn),
        ("The US-based Torvik Labs hired him.", "Torvik Labs", "United States", Relation.basedIn),
    ],
)
def test_a_place_hyphenated_to_based_is_where_the_body_it_qualifies_is_based(extractor, text, body, place, kind):
    assert (body, kind, place) in ties(extractor, text)


def test_a_part_noun_a_place_qualifies_is_named_by_its_of_and_lies_in_that_place(extractor):
    got = ties(extractor, "The studios lie in the Wellington suburb of Miramar.")
    assert ("Miramar", Relation.locatedIn, "Wellington") in got and (
        "Wellington",
        Relation.locatedIn,
        "Miramar",
    ) not in got


@pytest.mark.parametrize(
    ("text", "body", "place", "placed"),
    [
        ("He ran in the 2019 European Parliament election in Sweden.", "European Parliament", "Sweden", False),
        ("The Polish NATO delegation met in Brussels.", "North Atlantic Treaty Organization", "Poland", False),
        ("The NATO headquarters in Brussels were expanded.", "North Atlantic Treaty Organization", "Brussels", True),
    ],
)
def test_a_body_of_many_nations_is_placed_by_its_seat_not_by_a_noun_it_qualifies(extractor, text, body, place, placed):
    kinds = tied(ties(extractor, text), body, place)
    assert bool(kinds & {Relation.basedIn, Relation.locatedIn}) is placed, kinds


def test_a_body_named_after_a_town_the_world_has_only_abroad_is_not_put_in_the_one_country(extractor):
    got = ties(extractor, "Jan Peeters lives in Ghent, Belgium. He taught at the University of Buckingham.")
    assert not tied(got, "University of Buckingham", "Belgium"), got


def test_a_demonym_three_words_before_a_name_with_no_title_between_gives_no_nationality(extractor):
    got = ties(extractor, "In 2008, the Japanese government honoured Pharr's work.")
    assert Relation.nationality not in tied(got, "Pharr", "Japan"), got
