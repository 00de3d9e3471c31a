"""Name normalisation, as properties."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.names import fold, iri_slug, match_key, tokens

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
