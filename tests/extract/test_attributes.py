"""The model's attribute rules applied without spaCy's Matcher give what spaCy's own ruler gives."""

from __future__ import annotations

import pytest

from graph.extract.syntax import _fast_attributes, _parser, parse, parser_available

pytestmark = pytest.mark.skipif(not parser_available(), reason="no spaCy English model with a parser is installed")

TEXTS = [
    "Hyundai Rotem, which is based in Changwon, signed a second executive contract with Poland's Armament Agency.",
    "Y'all gonna get it, ain't ya? Let's go, c'mon: there are   spaces and a tab\there.",
    "Something happened because the ministry, whose head resigned, had not met anyone since May.",
    "  ",
]


def _reading(doc) -> list[tuple]:
    return [(t.text, t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_, t.head.i) for t in doc]


def test_the_fast_attribute_rules_read_every_rule_of_the_installed_model():
    assert _fast_attributes() is not None


def test_parsing_with_the_fast_rules_gives_what_spacys_own_pipeline_gives():
    nlp = _parser()
    assert [_reading(d) for d in parse(TEXTS)] == [_reading(d) for d in nlp.pipe(TEXTS)]
