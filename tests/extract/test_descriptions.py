"""Names the recogniser mistypes take the type the text gives them: a definition, an apposition,
a role word, the place words around them, or the names listed with them."""

from __future__ import annotations

import pytest

from graph.extract.descriptions import kind_of_noun
from graph.vocab import EntityType
from tests.helpers import text_document


def types(extractor, text: str) -> dict[str, EntityType]:
    return {e.label: e.type for e in extractor.extract(text_document(text)).entities.values()}


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Velkaro is a Finnish furniture manufacturer based in Oulu.", "Velkaro", EntityType.Firm),
        ("Rosvall, a Swedish missile maker, signed the deal.", "Rosvall", EntityType.Firm),
        ("The plant lies north of Ostrava.", "Ostrava", EntityType.Place),
        ("The delegation visited Tarvik, Estonia, and later flew home.", "Tarvik", EntityType.Place),
        ("He also served the councils of Florence, Siena and Forlì.", "Florence", EntityType.Place),
        (
            "The district is bordered on the north by Kessa Tumo, and on the east by Varru Dello.",
            "Varru Dello",
            EntityType.Place,
        ),
        ("The valley lies between two ridges, bounded by Ostra Wold.", "Ostra Wold", EntityType.Place),
        (
            "The party leader is Ingrid Solberg and the deputy leader is Terje Vollan (Centre Party).",
            "Terje Vollan",
            EntityType.Person,
        ),
        ("The county governor was Odd Tore Fygle until 2015.", "Odd Tore Fygle", EntityType.Person),
        (
            "The cast included Lars Mikkelsen, Meche Arroyo, Sofia Helin and Kim Bodnia.",
            "Meche Arroyo",
            EntityType.Person,
        ),
        ("Eskil Marten (4 June 1911 – 19 May 1980) led the union for a decade.", "Eskil Marten", EntityType.Person),
        ("Eskil Marten (born 4 June 1911) led the union for a decade.", "Eskil Marten", EntityType.Person),
        ("In 1912 she married Eskil Marten and moved to the city.", "Eskil Marten", EntityType.Person),
        ("The film was directed by Eskil Marten and shot in Sicily.", "Eskil Marten", EntityType.Person),
        ("He was the younger son of Ruprecht Vahlen and grew up in the city.", "Ruprecht Vahlen", EntityType.Person),
        ("They met on Piazza Castellano before noon.", "Piazza Castellano", EntityType.Place),
        ("The hikers reached Mount Oskarberg in the afternoon.", "Mount Oskarberg", EntityType.Place),
        ("The actress Lake Bell spoke at the festival.", "Lake Bell", EntityType.Person),
        ("In 1990 Velkaro Trading (1901–1950) closed.", "Velkaro Trading", EntityType.Organization),
        ("Orvessa is a town in the Castri region of central Italy.", "Castri", EntityType.Place),
        ("The Hollis river floods every spring.", "Hollis", EntityType.Place),
        ("He worked at the institute of hygiene in Kiel.", "Kiel", EntityType.Place),
        ("He held professorships at the universities of Münster and Munich.", "Münster", EntityType.Place),
        ("The region includes Shizuoka, Aichi, Gifu and Mie prefectures.", "Aichi", EntityType.Place),
        ("It is bordered to the west by the Iringa and Dodoma Regions.", "Iringa", EntityType.Place),
        ("The idea came up in Obama's speech.", "Obama", EntityType.Person),
        ("The cast included Carmen Salinas, Meche Barba and René Muñoz.", "Carmen Salinas", EntityType.Person),
        ("Varnholt Games is a Japanese video game publisher.", "Varnholt Games", EntityType.Firm),
        ("A new plant opened in Schwechat last year.", "Schwechat", EntityType.Place),
        ("The bishop lived in Nicolet for years.", "Nicolet", EntityType.Place),
        ("The firm opened offices in Kocaeli and Gebze.", "Gebze", EntityType.Place),
        ("The treaty bound the Holy Roman Empire to peace.", "Holy Roman Empire", EntityType.Place),
        ("Envoys of the Duchy of Milan crossed the river.", "Duchy of Milan", EntityType.Place),
    ],
)
def test_a_name_takes_the_type_its_sentence_gives_it(extractor, text, name, kind):
    assert types(extractor, text).get(name) is kind


def test_a_place_read_once_as_a_place_stays_a_place_however_often_it_is_read_as_an_organisation(extractor):
    text = (
        "Wayne Gretzky Drive is a road in Edmonton, Alberta. It runs through Edmonton from north to south. "
        "Traffic in Edmonton grew. Edmonton renamed the road in 1999."
    )
    assert types(extractor, text).get("Edmonton") is EntityType.Place


def test_a_town_named_inside_a_club_is_still_the_town(extractor):
    text = "He played for FC U Craiova. He spent his first years at Craiova, where he was born."
    got = types(extractor, text)
    assert got.get("Craiova") is EntityType.Place and "FC U Craiova" in got


def test_the_recognisers_reading_is_kept_where_the_text_says_nothing(extractor):
    got = types(extractor, "Marten Hollis met Ilka Varga in Brno.")
    assert got.get("Marten Hollis") is EntityType.Person and got.get("Brno") is EntityType.Place


@pytest.mark.parametrize(
    ("noun", "kind"),
    [
        ("manufacturer", EntityType.Firm),
        ("provinces", EntityType.Place),
        ("journalist", EntityType.Person),
        ("politician", EntityType.Person),
        ("band", EntityType.Organization),
        ("universities", EntityType.ResearchOrganization),
        ("producer", None),  # of films or of oil: the word alone does not say
        ("Christian", None),
    ],
)
def test_kind_nouns_say_a_type_and_ambiguous_ones_do_not(noun, kind):
    assert kind_of_noun(noun) is kind


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "The Tarvik Tunnel runs between Brenna on the western side of Ostby and Kolvik on the eastern side.",
            ("Brenna", "Ostby", "Kolvik"),
        ),
        ("The Kessel Bridge joins Brenna on the European shore with Kolvik on the Asian shore.", ("Brenna", "Kolvik")),
    ],
)
def test_a_name_on_a_side_or_shore_of_a_place_and_the_place_whose_side_it_is_are_places(extractor, text, names):
    got = types(extractor, text)
    assert all(got.get(name) is EntityType.Place for name in names), got


def test_a_band_listed_among_people_stays_what_it_is(extractor):
    text = "The 2014 tour included Willie Nelson, Band of Horses, Jamey Johnson, and the Tarvik Choir."
    got = types(extractor, text)
    assert got.get("Band of Horses") is not EntityType.Person


def test_a_town_name_outside_a_place_of_its_own_keeps_the_recognisers_reading(extractor):
    assert types(extractor, "Chelsea signed the striker in May.").get("Chelsea") is not EntityType.Place
