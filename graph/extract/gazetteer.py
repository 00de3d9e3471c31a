"""The gazetteer: known entities, their aliases, types, Wikidata IDs and home
countries, read from tab-separated files a user can extend, and a matcher that
finds them in text.

Two layouts are read (see data/gazetteer/README.md):
``countries.tsv`` (label, iso2, iso3, wikidata, aliases, demonyms, capital) and
every other ``*.tsv`` (label, type, aliases, wikidata, country)."""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import DataFileError
from graph.names import Token, fold, match_key, tokens
from graph.resources import gazetteer_dir
from graph.vocab import EntityType

__all__ = ["gazetteer_key", "given_names", "Entry", "Match", "Gazetteer"]


def gazetteer_key(kind: EntityType, label: str) -> str:
    """The entity key of a gazetteer entry: one entity per known name and type in a document, however
    it is written there."""
    return f"gaz:{kind.value}:{match_key(label)}"


@dataclass
class Entry:
    label: str
    type: EntityType
    aliases: list[str] = field(default_factory=list)
    wikidata: str | None = None
    country: str | None = None
    demonyms: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    start: int  # character offsets into the text
    end: int
    first_token: int  # token indexes, end exclusive
    last_token: int
    demonym: bool  # matched "Turkish", not "Türkiye"


_END = "\0"


class Gazetteer:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self._trie: dict = {}
        self._bilateral: dict[frozenset[str], list[Entry]] | None = None
        for entry in entries:
            for name in [entry.label, *entry.aliases]:
                self._add(name, entry, demonym=False)
                for variant in _and_variants(name):
                    self._add(variant, entry, demonym=False)
            for name in entry.demonyms:
                self._add(name, entry, demonym=True)

    # --- loading -----------------------------------------------------------

    @classmethod
    def load(cls, folders: list[Path]) -> Gazetteer:
        files = [path for folder in folders for path in (sorted(folder.glob("*.tsv")) if folder.is_dir() else [folder])]
        # Building the trie takes a fifth of a second; a process that ingests again (the explorer, a
        # notebook, the tests) reuses it while no file has changed. A gazetteer is never changed after.
        return _built(tuple((path, *_stamp(path)) for path in files))

    def bilateral(self, kind: str, countries: frozenset[str]) -> Entry | None:
        """The one agreement of this kind ("free trade agreement", folded) whose
        name names exactly these countries, if there is one."""
        if self._bilateral is None:
            self._bilateral = {}
            for entry in self.entries:
                if entry.type is EntityType.Agreement:
                    named = frozenset(m.entry.label for m in self.find(entry.label, only={EntityType.Country}))
                    self._bilateral.setdefault(named, []).append(entry)
        found = [e for e in self._bilateral.get(countries, []) if fold(e.label).endswith(kind)]
        return found[0] if len(found) == 1 else None

    # --- matching ----------------------------------------------------------

    def _add(self, name: str, entry: Entry, demonym: bool) -> None:
        toks = tokens(name)
        if not toks:
            return
        node = self._trie
        for tok in toks:
            node = node.setdefault(tok.key, {})
        node.setdefault(_END, []).append((entry, demonym, _case_rule(name)))

    def find(self, text: str, toks: list[Token] | None = None, only: set[EntityType] | None = None) -> list[Match]:
        """Longest, non-overlapping matches, left to right (of ``only`` these types)."""
        toks = toks if toks is not None else tokens(text)
        out: list[Match] = []
        i = 0
        while i < len(toks):
            best = self._longest(text, toks, i, only)
            if best is None:
                i += 1
                continue
            out.append(best)
            i = best.last_token
        return out

    def _longest(self, text: str, toks: list[Token], i: int, only: set[EntityType] | None = None) -> Match | None:
        node = self._trie
        best = None
        j = i
        while j < len(toks) and toks[j].key in node:
            if j > i and not _joinable(text, toks[j - 1].end, toks[j].start):
                break
            node = node[toks[j].key]
            j += 1
            for entry, demonym, rule in node.get(_END, ()):
                if only is not None and entry.type not in only:
                    continue
                surface = text[toks[i].start : toks[j - 1].end]
                if _case_ok(surface, rule) and not _in_compound(text, toks[j - 1].end, entry):
                    best = Match(entry, toks[i].start, toks[j - 1].end, i, j, demonym)
                    break
        return best


def _and_variants(name: str) -> list[str]:
    """ "Aerospace & Defense" is also written "Aerospace and Defense", and the other way round."""
    if " & " in name:
        return [name.replace(" & ", " and ")]
    if " and " in name:
        return [name.replace(" and ", " & ")]
    return []


def _in_compound(text: str, end: int, entry: Entry) -> bool:
    """ "Pacific-focused", "Eurasia-wide": a place inside a compound adjective
    describes something else. Countries and demonyms stay ("US-led" is about the US)."""
    return entry.type is EntityType.Place and text[end : end + 1] in ("-", "‐") and text[end + 1 : end + 2].islower()


def _joinable(text: str, left_end: int, right_start: int) -> bool:
    """Tokens of one name are separated by at most a few spaces or joining
    punctuation, never by a sentence break or a comma."""
    gap = text[left_end:right_start]
    return len(gap) <= 3 and all(c in " -–‐&.'’/\u00a0" for c in gap)


def _case_rule(name: str) -> str:
    letters = [c for c in name if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "exact"  # acronyms: "US" must not match "us"
    return "capital"


def _case_ok(surface: str, rule: str) -> bool:
    if rule == "exact":
        letters = [c for c in surface if c.isalpha()]
        return all(c.isupper() for c in letters)
    return surface[:1].isupper() or surface[:1].isdigit()


# --- files ---------------------------------------------------------------------

_COUNTRY_COLUMNS = ["label", "iso2", "iso3", "wikidata", "aliases", "demonyms", "capital"]
_ENTITY_COLUMNS = ["label", "type", "aliases", "wikidata", "country"]
_DEMONYMS_COLUMN = "demonyms"  # optional sixth column: "European" of Europe, "Welsh" of Wales


def _read_file(path: Path) -> list[Entry]:
    try:
        lines = [
            line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")
        ]
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path}: cannot read the gazetteer file ({exc}); fix or remove it") from exc
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    if header == _COUNTRY_COLUMNS:
        return [e for n, row in enumerate(rows[1:], 2) for e in _country_row(path, n, row)]
    if header in (_ENTITY_COLUMNS, [*_ENTITY_COLUMNS, _DEMONYMS_COLUMN]):
        return [_entity_row(path, n, row, len(header)) for n, row in enumerate(rows[1:], 2)]
    raise DataFileError(
        f"{path}: unknown header {header}; use {_ENTITY_COLUMNS}, optionally with {_DEMONYMS_COLUMN!r} (see data/gazetteer/README.md)"
    )


def _cells(path: Path, n: int, row: list[str], width: int) -> list[str]:
    if len(row) > width or not row[0].strip():
        raise DataFileError(f"{path}, row {n}: expected {width} tab-separated cells with a label; fix the row")
    return [c.strip() for c in row] + [""] * (width - len(row))


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _country_row(path: Path, n: int, row: list[str]) -> list[Entry]:
    label, _iso2, _iso3, wikidata, aliases, demonyms, capital = _cells(path, n, row, len(_COUNTRY_COLUMNS))
    out = [Entry(label, EntityType.Country, _split(aliases), wikidata or None, None, _split(demonyms))]
    if capital:
        out.append(Entry(capital, EntityType.Place, [], None, label))
    return out


def _entity_row(path: Path, n: int, row: list[str], width: int) -> Entry:
    label, kind, aliases, wikidata, country, *demonyms = _cells(path, n, row, width)
    try:
        entity_type = EntityType(kind)
    except ValueError as exc:
        raise DataFileError(
            f"{path}, row {n}: unknown type {kind!r}; use one of {[t.value for t in EntityType]}"
        ) from exc
    return Entry(
        label, entity_type, _split(aliases), wikidata or None, country or None, _split(demonyms[0] if demonyms else "")
    )


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)  # _read_file reports the file that cannot be read
    return (stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _built(files: tuple[tuple[Path, int, int], ...]) -> Gazetteer:
    return Gazetteer([entry for path, *_ in files for entry in _read_file(path)])


@functools.cache
def given_names() -> frozenset[str]:
    """The gazetteer's given names (data/gazetteer/given_names.txt), folded."""
    text = (gazetteer_dir() / "given_names.txt").read_text(encoding="utf-8")
    return frozenset(fold(w) for line in text.splitlines() if not line.startswith("#") for w in line.split())
