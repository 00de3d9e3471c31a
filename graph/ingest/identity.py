"""Identity across documents: an entity extracted from a new document becomes
the node the store already has for it, or a new node.

- Gazetteer entries always map to the IRI of their type and label.
- Other names map to an existing entity that shares a match key (a folded
  label or alias) and the type; a name typed only by statistical NER also
  takes an existing entity of another type, since NER's type is the weakest.
- A person named by surname alone maps to the one person in the store whose
  name starts or ends with it.
- Names that are only a kind stay per document (see resolve.GENERIC_NAMES).
Decisions are remembered for the rest of the run, so documents ingested
together resolve the same way as documents ingested one by one."""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox

from graph.extract.resolve import GENERIC_NAMES
from graph.model import Entity
from graph.names import match_key
from graph.rdf.quads import Canonical, entity_iri
from graph.store import Store
from graph.vocab import TYPE_BY_IRI, EntityType

__all__ = ["Identities"]


class Identities:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._by_key: dict[str, list[Canonical]] = defaultdict(list)
        self._by_iri: dict[str, Canonical] = {}
        self._looked_up: set[str] = set()

    def canonical(self, entities: dict[str, Entity], doc_name: str) -> dict[str, Canonical]:
        keys_of = {k: _keys(k, e) for k, e in entities.items()}
        self._load({key for keys in keys_of.values() for key in keys})
        return {local: self._decide(entity, keys_of[local], doc_name) for local, entity in entities.items()}

    def _decide(self, e: Entity, keys: set[str], doc_name: str) -> Canonical:
        if e.method == "gazetteer":
            found = self._remember(Canonical(entity_iri(e.type, e.label), e.type, e.label, wikidata=e.wikidata))
        elif e.identity:
            found = self._existing(e, {e.identity}) or self._remember(
                Canonical(entity_iri(e.type, e.label, scope=e.scope), e.type, e.label), e.identity
            )
        elif match_key(e.label) in GENERIC_NAMES:
            found = self._remember(Canonical(entity_iri(e.type, e.label, scope=doc_name), e.type, e.label))
        else:
            found = self._existing(e, keys) or self._remember(Canonical(entity_iri(e.type, e.label), e.type, e.label))
        # Each document states its own aliases and lookup keys for the shared node.
        stored = keys | {match_key(a) for a in e.aliases} | {match_key(found.label), match_key(e.label)}
        for key in stored - {""}:  # later documents of this run find it by every key, as later runs will
            if found not in self._by_key[key]:
                self._by_key[key].append(found)
        # An entity found in the store comes back without its Wikidata item; the gazetteer still knows it.
        return Canonical(
            found.iri,
            found.type,
            found.label,
            aliases=set(e.aliases) | {e.label},
            keys=stored,
            wikidata=found.wikidata or e.wikidata,
        )

    def _existing(self, e: Entity, keys: set[str]) -> Canonical | None:
        candidates = {
            c.iri: c for key in sorted(keys) for c in self._by_key.get(key, []) if not _other_edition(c.label, e.label)
        }
        same = sorted((c for c in candidates.values() if c.type is e.type), key=lambda c: c.iri)
        if same:
            return same[0]
        if e.method.startswith("ner") and candidates:
            return sorted(candidates.values(), key=lambda c: c.iri)[0]
        if e.type is EntityType.Person and len(e.label.split()) == 1:
            return self._person_by_part(match_key(e.label))
        return None

    def _person_by_part(self, part: str) -> Canonical | None:
        rows = self.store.select(
            "SELECT DISTINCT ?e ?label ?prefix ?suffix WHERE { GRAPH ?g { ?e a ties:Person ; rdfs:label ?label ; ties:matchKey ?k } "
            "FILTER(STRSTARTS(?k, ?prefix) || STRENDS(?k, ?suffix)) }",
            {"prefix": ox.Literal(part + " "), "suffix": ox.Literal(" " + part)},
        )
        people = {r["e"]: r["label"] for r in rows}
        people.update(
            {
                c.iri: c.label
                for cs in self._by_key.values()
                for c in cs
                if c.type is EntityType.Person and _has_part(c.label, part)
            }
        )
        if len(people) == 1:
            ((found_iri, label),) = people.items()
            return self._remember(Canonical(found_iri, EntityType.Person, label))
        return None

    def _remember(self, c: Canonical, identity: str | None = None) -> Canonical:
        known = self._by_iri.get(c.iri)
        if known is not None:
            return known
        self._by_iri[c.iri] = c
        self._by_key[match_key(c.label)].append(c)
        if identity:
            self._by_key[identity].append(c)
        return c

    def _load(self, keys: set[str]) -> None:
        """Fetch from the store the entities that have any of these keys."""
        todo = sorted(k for k in keys - self._looked_up if k)
        self._looked_up |= set(todo)
        for start in range(0, len(todo), 200):
            chunk = todo[start : start + 200]
            values = " ".join(str(ox.Literal(k)) for k in chunk)  # serialised by pyoxigraph, not pasted
            rows = self.store.select(
                f"SELECT DISTINCT ?key ?e ?type ?label WHERE {{ VALUES ?key {{ {values} }} "
                "GRAPH ?g { ?e ties:matchKey ?key ; a ?type ; rdfs:label ?label } }"
            )
            for r in rows:
                kind = TYPE_BY_IRI.get(r["type"])
                if kind is None:
                    continue
                c = self._by_iri.get(r["e"]) or Canonical(r["e"], kind, r["label"])
                self._by_iri.setdefault(c.iri, c)
                if c not in self._by_key[r["key"]]:
                    self._by_key[r["key"]].append(c)


def _keys(local_key: str, e: Entity) -> set[str]:
    if e.identity:
        return {e.identity}
    keys = {match_key(e.label)} | {match_key(a) for a in e.aliases} | e.keys
    if local_key.startswith("name:"):
        keys.add(local_key[len("name:") :])
    return {k for k in keys if k}


def _has_part(label: str, part: str) -> bool:
    words = match_key(label).split()
    return len(words) > 1 and part in (words[0], words[-1])


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


def _other_edition(a: str, b: str) -> bool:
    """ "IDEF 2021" and "IDEF 2023" share the key "idef" but are two editions."""
    years_a, years_b = set(_YEAR.findall(a)), set(_YEAR.findall(b))
    return bool(years_a and years_b and years_a != years_b)
