"""Sentence splitting around full stops that close numbers, initials,
suffixes and acronyms, and in time linear in the text."""

from __future__ import annotations

import time

import pytest

from graph.extract.sentences import split_sentences


def pieces(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The relay team finished 8. After that the coach resigned.",
            ["The relay team finished 8.", "After that the coach resigned."],
        ),
        (
            "The new chair is Anton Varga Jr. It is his first term in the post.",
            ["The new chair is Anton Varga Jr.", "It is his first term in the post."],
        ),
        (
            "The stake went to Norvik Holdings Inc. The deal closed in May.",
            ["The stake went to Norvik Holdings Inc.", "The deal closed in May."],
        ),
        ("He moved to the U.S. In 2001 he came back.", ["He moved to the U.S.", "In 2001 he came back."]),
    ],
)
def test_a_full_stop_after_a_number_suffix_or_acronym_ends_a_sentence_before_an_opener(text, expected):
    assert pieces(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "President George W. Bush met the governors.",
        "General Lucius D. Clay and Dr. Imre Sasvari arrived.",
        "The U.S. Navy and Varga Jr. Holdings agreed.",
    ],
)
def test_initials_titles_and_names_after_a_suffix_stay_in_one_sentence(text):
    assert pieces(text) == [text]


def test_splitting_a_long_run_of_full_stops_takes_linear_time():
    started = time.perf_counter()
    for text in ("." * 200_000, ". " * 100_000 + "End.", "a. " * 60_000 + "B"):
        split_sentences(text)
    assert time.perf_counter() - started < 2.0
