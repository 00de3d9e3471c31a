"""The towns of the world (data/gazetteer/world_towns.txt, from GeoNames): what a
name the recogniser found is, and where it lies, when the text does not say.

The list is never matched in the text on its own: thousands of towns share a
name with a person, a firm or a club ("Reading", "Mercedes"). It is read for
names already found: one the recogniser could only call an organisation is a
town when the list knows it ("in Ryazan"), and a town lies in the country the
list gives where the text names that country and no other country with a town
of that name."""

from __future__ import annotations

import functools

from graph.model import Entity
from graph.names import fold
from graph.resources import gazetteer_dir
from graph.vocab import EntityType

__all__ = ["town_countries", "place_towns"]


@functools.cache
def _towns() -> dict[str, tuple[str, ...]]:
    towns: dict[str, tuple[str, ...]] = {}
    text = (gazetteer_dir() / "world_towns.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _name, countries = line.split("\t")
            towns[key] = tuple(c for c in countries.split("|") if c)
    return towns


def town_countries(label: str) -> tuple[str, ...] | None:
    """The countries with a town of this name (possibly none the gazetteer lists), or None: no such town."""
    return _towns().get(fold(label))


def place_towns(entities: dict[str, Entity]) -> None:
    """Give each place the recogniser found, with no country of its own, the country the list of towns
    puts it in, where the document names that country and no other one with a town of that name."""
    named = {e.label for e in entities.values() if e.type is EntityType.Country}
    for entity in entities.values():
        if entity.type is not EntityType.Place or entity.country is not None or entity.method == "gazetteer":
            continue
        found = [c for c in town_countries(entity.label) or () if c in named]
        if len(found) == 1:
            entity.country = found[0]
