"""Name normalisation, as properties."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.names import fold, iri_slug, match_key, strip_format, tokens

names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
# Letters, digits, spaces and punctuation: where "case" means what a user means by it.
words = st.text(alphabet=st.characters(categories=("Lu", "Ll", "Nd", "Zs", "Po", "Pd")), max_size=60)


@given(names)
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(words)
def test_match_key_ignores_case_and_accents(text):
    assert match_key(text.upper()) == match_key(text.lower()) == match_key(text)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    assert match_key(stripped) == match_key(text)


@settings(max_examples=200)
@given(names)
def test_token_offsets_slice_the_original_text(text):
    for tok in tokens(text):
        assert fold(text[tok.start : tok.end]) == tok.key


@given(names)
def test_iri_slug_is_deterministic_and_has_no_spaces_or_brackets(text):
    slug = iri_slug(text)
    assert slug == iri_slug(text)
    assert not set(slug) & set(' <>"{}|\\^`')


def test_turkish_dotted_and_dotless_i_fold_alike():
    assert match_key("İstanbul") == match_key("Istanbul") == "istanbul"
    assert match_key("Türkiye") == match_key("TURKIYE") == match_key("turkiye")


def test_punctuation_and_leading_article_do_not_matter():
    assert match_key("the U.S.") == match_key("US") == "us"
    assert match_key("SK E&C") == match_key("SK E & C")
    assert match_key("APR-1400") == match_key("APR1400") == "apr 1400"


def test_iri_slug_keeps_case_so_distinct_names_stay_distinct():
    assert iri_slug("US") != iri_slug("us")
    assert iri_slug("Hyundai Rotem") == "Hyundai_Rotem"


def test_format_characters_are_every_unicode_format_character():
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    every = "".join(c for c in chars if unicodedata.category(c) == "Cf")
    others = "".join(c for c in chars if unicodedata.category(c) != "Cf")
    assert len(every) > 150 and strip_format(every) == ""
    assert strip_format(others) == others


format_chars = st.sampled_from(["\u200d", "\u200c", "\u200b", "\ufeff", "\u200e", "\u202e", "\u00ad", "\u2060"])


@given(words, st.lists(st.tuples(st.integers(min_value=0), format_chars), max_size=4))
def test_invisible_format_characters_do_not_change_a_match_key(text, inserts):
    spiked = text
    for at, char in inserts:
        at %= len(spiked) + 1
        spiked = spiked[:at] + char + spiked[at:]
    assert match_key(spiked) == match_key(text)


def test_a_format_character_inside_a_word_keeps_the_word_whole_with_its_offsets():
    text = "Hanwha Aero\u200bspace and \u200eKestrel\u200d Dynamics"
    assert [t.key for t in tokens(text)] == ["hanwha", "aerospace", "and", "kestrel", "dynamics"]
    aerospace = tokens(text)[1]
    assert text[aerospace.start : aerospace.end] == "Aero\u200bspace"


def test_iri_slug_ignores_format_characters():
    assert iri_slug("Hanwha\u200d Aero\u00adspace") == iri_slug("Hanwha Aerospace") == "Hanwha_Aerospace"
