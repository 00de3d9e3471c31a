"""The part of speech, morphology and lemma exceptions the English model's tags imply: its
attribute ruler's rules, applied to the token hashes ``Doc.to_array`` gives instead of through
spaCy's Matcher, which took an eighth of extraction's time on news text.

The rules are the model's own (read from its ``attribute_ruler`` pipe when the parser is loaded);
they are applied in the same order, later rules over earlier ones, with the same conditions
(equality, IN, NOT_IN, REGEX on TAG, LOWER, DEP and IS_SPACE). A rule this module cannot read
raises: the parser then keeps spaCy's own ruler (see ``syntax._fast_attributes``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.parts_of_speech import IDS as POS_IDS

__all__ = ["FastAttributes", "UnreadableRule"]

_READ = {"TAG": TAG, "LOWER": LOWER, "DEP": DEP, "IS_SPACE": IS_SPACE}
_COLUMNS = [TAG, LOWER, DEP, IS_SPACE]  # the order of Doc.to_array's columns below
_WRITTEN = {"POS": POS, "MORPH": MORPH, "LEMMA": LEMMA, "TAG": TAG}  # written as columns; DEP token by token
_COLUMN_OF = {key: n for n, key in enumerate(_WRITTEN)}
_WRITE = (*_WRITTEN, "DEP")


class UnreadableRule(ValueError):
    """An attribute-ruler pattern or attribute this module does not apply."""


@dataclass(frozen=True, slots=True)
class _Test:
    column: int
    op: str  # "==", "in", "not in", "regex"
    value: Any


@dataclass(frozen=True, slots=True)
class _Rule:
    order: int
    tokens: tuple[tuple[_Test, ...], ...]
    index: int
    attrs: dict[str, Any]


class FastAttributes:
    """Applies the rules of a spaCy ``AttributeRuler`` to Docs, in its order."""

    def __init__(self, ruler, vocab) -> None:
        self.vocab = vocab
        self.rules: list[_Rule] = []
        for order, entry in enumerate(ruler.patterns):
            attrs = self._attrs(entry["attrs"])
            for pattern in entry["patterns"]:
                tokens = tuple(tuple(self._test(k, v) for k, v in spec.items()) for spec in pattern)
                self.rules.append(_Rule(order, tokens, int(entry.get("index", 0)), attrs))
        self._regex_cache: dict[tuple[str, int], bool] = {}
        # Each rule filed under what its first token must be (a TAG, else a LOWER), so that a token
        # is tested against the few rules that can start on it.
        self._by_value: dict[tuple[int, int], list[_Rule]] = {}
        self._anywhere: list[_Rule] = []
        # A one-token rule's verdict depends on the token's four values alone: each distinct row is
        # judged once and remembered (a text repeats its words).
        self._verdicts: dict[tuple[int, ...], list[tuple[int, int, dict[str, Any]]]] = {}
        self._single_by_value: dict[tuple[int, int], list[_Rule]] = {}
        self._single_anywhere: list[_Rule] = []
        for rule in self.rules:
            single = len(rule.tokens) == 1
            keys = self._keys(rule.tokens[0])
            if keys is None:
                (self._single_anywhere if single else self._anywhere).append(rule)
            for key in keys or ():
                (self._single_by_value if single else self._by_value).setdefault(key, []).append(rule)

    @staticmethod
    def _keys(tests: tuple[_Test, ...]) -> list[tuple[int, int]] | None:
        for column in (0, 1):  # TAG, then LOWER
            for t in tests:
                if t.column == column and t.op == "==":
                    return [(column, t.value)]
                if t.column == column and t.op == "in":
                    return [(column, v) for v in t.value]
        return None

    def _test(self, key: str, value: Any) -> _Test:
        if key not in _READ:
            raise UnreadableRule(f"pattern key {key}")
        column = _COLUMNS.index(_READ[key])
        if key == "IS_SPACE":
            return _Test(column, "==", int(bool(value)))
        if isinstance(value, str):
            return _Test(column, "==", self.vocab.strings.add(value))
        if isinstance(value, dict) and len(value) == 1:
            ((op, arg),) = value.items()
            if op in ("IN", "NOT_IN"):
                return _Test(column, op.lower().replace("_", " "), frozenset(self.vocab.strings.add(a) for a in arg))
            if op == "REGEX":
                return _Test(column, "regex", re.compile(arg))
        raise UnreadableRule(f"pattern value {value!r}")

    def _attrs(self, attrs: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in attrs.items():
            if key not in _WRITE or not isinstance(value, str):
                raise UnreadableRule(f"attribute {key}={value!r}")
            if key == "POS":
                out[key] = POS_IDS[value]
            elif key == "MORPH":
                out[key] = self.vocab.morphology.add(value)
            else:
                out[key] = self.vocab.strings.add(value)
        return out

    def _holds(self, test: _Test, row) -> bool:
        got = int(row[test.column])
        if test.op == "==":
            return got == test.value
        if test.op == "in":
            return got in test.value
        if test.op == "not in":
            return got not in test.value
        key = (test.value.pattern, got)
        if key not in self._regex_cache:
            self._regex_cache[key] = bool(test.value.search(self.vocab.strings[got]))
        return self._regex_cache[key]

    def __call__(self, doc):
        if not len(doc):
            return doc
        rows = doc.to_array(_COLUMNS).tolist()
        found: list[tuple[int, int, dict[str, Any]]] = []  # (rule order, token, attrs)
        by_value, anywhere, verdicts = self._by_value, self._anywhere, self._verdicts
        for i, row in enumerate(rows):
            key = tuple(row)
            verdict = verdicts.get(key)
            if verdict is None:
                verdict = verdicts[key] = self._judge(row)
            found.extend((order, i + index, attrs) for order, index, attrs in verdict)
            for rule in chain(by_value.get((0, row[0]), ()), by_value.get((1, row[1]), ()), anywhere):
                if i + len(rule.tokens) > len(rows):
                    continue
                if all(self._holds(t, rows[i + k]) for k, tests in enumerate(rule.tokens) for t in tests):
                    found.append((rule.order, i + rule.index, rule.attrs))
        if found:
            self._write(doc, found)
        return doc

    def _judge(self, row) -> list[tuple[int, int, dict[str, Any]]]:
        """The one-token rules that hold for a token of these values, in the rules' order."""
        rules = (
            self._single_by_value.get((0, row[0]), [])
            + self._single_by_value.get((1, row[1]), [])
            + self._single_anywhere
        )
        held = sorted({r.order: r for r in rules if all(self._holds(t, row) for t in r.tokens[0])}.items())
        return [(r.order, r.index, r.attrs) for _, r in held]

    def _write(self, doc, found) -> None:
        found.sort(key=lambda item: item[0])
        values = doc.to_array(list(_WRITTEN.values()))
        deps: dict[int, int] = {}
        for _, i, attrs in found:
            for key, value in attrs.items():
                if key == "DEP":
                    deps[i] = value  # set on the token: a DEP column without HEAD would reset the tree
                else:
                    values[i, _COLUMN_OF[key]] = value
        doc.from_array(list(_WRITTEN.values()), values)
        for i, value in deps.items():
            doc[i].dep = value
