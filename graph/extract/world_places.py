"""The provinces and towns of the world (data/gazetteer/world_places.txt, from
GeoNames and countryinfo): what a name the recogniser found is, and where it
lies, when the text does not say.

The list is never matched in the text on its own: thousands of towns share a
name with a person, a firm or a club ("Reading", "Mercedes"). It is read for
names already found: one the recogniser could only call an organisation is a
place when the list knows it and the sentence puts it where places go ("in
Ryazan"); a place lies in the country the list gives where the text names that
country and no other country with a place of that name; and a place the list
knows only abroad is not put in the one country a text names."""

from __future__ import annotations

import functools

from graph.model import Entity
from graph.names import fold
from graph.resources import gazetteer_dir
from graph.vocab import EntityType

__all__ = ["place_countries", "place_known_places"]


@functools.cache
def _places() -> dict[str, tuple[str, ...]]:
    places: dict[str, tuple[str, ...]] = {}
    text = (gazetteer_dir() / "world_places.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _name, countries = line.split("\t")
            places[key] = tuple(c for c in countries.split("|") if c)
    return places


def place_countries(label: str) -> tuple[str, ...] | None:
    """The countries with a province or town of this name (possibly none the gazetteer lists), or None:
    the list knows no such place."""
    return _places().get(fold(label))


def place_known_places(entities: dict[str, Entity]) -> None:
    """Give each place the recogniser found, with no country of its own, the country the list of places
    puts it in, where the document names that country and no other one with a place of that name."""
    named = {e.label for e in entities.values() if e.type is EntityType.Country}
    for entity in entities.values():
        if entity.type is not EntityType.Place or entity.country is not None or entity.method == "gazetteer":
            continue
        found = [c for c in place_countries(entity.label) or () if c in named]
        if len(found) == 1:
            entity.country = found[0]
