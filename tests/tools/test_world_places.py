"""The list of the world's provinces and towns: written from GeoNames' and countryinfo's records, read by
extraction."""

from __future__ import annotations

import json

from graph.extract.world_places import place_countries
from graph.names import fold
from graph.tools.world_places import main, place_lines

COUNTRIES = {"US": "United States", "GB": "United Kingdom", "RU": "Russia", "CA": "Canada"}


def _city(name: str, code: str, people: int) -> dict:
    return {"name": name, "countrycode": code, "population": people}


def test_a_name_several_countries_share_lists_provinces_first_then_towns_by_population():
    cities = {"1": _city("Carlisle", "US", 19000), "2": _city("Carlisle", "GB", 75000), "3": _city("Ontario", "US", 9)}
    provinces = {"CA": ["Ontario", "Bashkortostan (Ufa)"]}
    assert place_lines(cities, provinces, set(), COUNTRIES) == [
        "bashkortostan\tBashkortostan\tCanada",
        "carlisle\tCarlisle\tUnited Kingdom|United States",
        "ontario\tOntario\tCanada|United States",
    ]


def test_names_the_gazetteer_knows_and_territories_it_does_not_are_handled_apart():
    cities = {"1": _city("Paris", "US", 25000), "2": _city("Hagåtña", "GU", 1000), "3": _city("Ryazan’", "RU", 5)}
    assert place_lines(cities, {}, {fold("Paris")}, COUNTRIES) == ["hagatna\tHagåtña\t", "ryazan\tRyazan\tRussia"]


def test_the_tool_writes_a_file_extraction_can_read(tmp_path):
    source = tmp_path / "cities.json"
    source.write_text('{"1": {"name": "Ödemiş", "countrycode": "TR", "population": 77000}}', encoding="utf-8")
    (tmp_path / "info").mkdir()
    record = {"ISO": {"alpha2": "TR"}, "provinces": ["Lower Varnia"]}
    (tmp_path / "info" / "turkey.json").write_text(json.dumps(record), encoding="utf-8")
    out = tmp_path / "places.txt"
    assert main([str(source), str(tmp_path / "info"), str(out)]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[-2:] == ["lower varnia\tLower Varnia\tTürkiye", "odemis\tÖdemiş\tTürkiye"]


def test_the_shipped_list_knows_towns_and_provinces_the_gazetteer_does_not():
    assert place_countries("Ödemiş") == ("Türkiye",)
    assert "Canada" in (place_countries("Manitoba") or ())
    assert place_countries("Nowhere Atall") is None
