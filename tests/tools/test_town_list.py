"""The list of the world's towns: written from GeoNames' records, read by extraction."""

from __future__ import annotations

from graph.extract.towns import town_countries
from graph.names import fold
from graph.tools.town_list import main, town_lines

COUNTRIES = {"US": "United States", "GB": "United Kingdom", "RU": "Russia"}


def _city(name: str, code: str, people: int) -> dict:
    return {"name": name, "countrycode": code, "population": people}


def test_a_name_several_countries_share_lists_them_the_most_populous_first():
    cities = {"1": _city("Carlisle", "US", 19000), "2": _city("Carlisle", "GB", 75000), "3": _city("Ryazan’", "RU", 9)}
    assert town_lines(cities, set(), COUNTRIES) == [
        "carlisle\tCarlisle\tUnited Kingdom|United States",
        "ryazan\tRyazan\tRussia",
    ]


def test_names_the_gazetteer_knows_and_territories_it_does_not_are_handled_apart():
    cities = {"1": _city("Paris", "US", 25000), "2": _city("Hagåtña", "GU", 1000)}
    assert town_lines(cities, {fold("Paris")}, COUNTRIES) == ["hagatna\tHagåtña\t"]


def test_the_tool_writes_a_file_extraction_can_read(tmp_path):
    source = tmp_path / "cities.json"
    source.write_text('{"1": {"name": "Ödemiş", "countrycode": "TR", "population": 77000}}', encoding="utf-8")
    out = tmp_path / "towns.txt"
    assert main([str(source), str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[-1] == "odemis\tÖdemiş\tTürkiye"


def test_the_shipped_list_knows_towns_the_gazetteer_does_not():
    assert town_countries("Ödemiş") == ("Türkiye",)
    assert town_countries("Nowhere Atall") is None
