"""Extraction quality, pinned: the project's own sample documents against the
project's own gold (data/eval), and the shared evaluation corpus when it is
beside the checkout. Floors sit a little under what was measured, so a change
that makes extraction worse fails here."""

from __future__ import annotations

import pytest

import graph
from tests.helpers import ROOT, SAMPLES, SHARED_CORPUS


def test_samples_against_project_gold():
    result = graph.evaluate(ROOT / "data" / "eval", SAMPLES)
    print(result.summary())
    assert result.documents == len(list(SAMPLES.iterdir())) and not result.failed_files
    assert result.entity_f1 >= 0.90
    assert result.question_recall >= 0.90 and result.question_precision >= 0.90


def test_shared_corpus_meets_the_bar():
    gold = SHARED_CORPUS.parent / "eval"
    if not (gold / "entities.jsonl").exists():
        pytest.skip("the shared evaluation corpus (../shared) is not beside this checkout")
    result = graph.evaluate(gold, SHARED_CORPUS)
    print(result.summary())
    assert result.entity_f1 >= 0.95 and not result.duplicates
    assert result.question_recall >= 0.95 and result.question_precision >= 0.95


def test_evaluate_command_prints_the_measures(cli):
    result = cli("evaluate", ROOT / "data" / "eval", "--documents", SAMPLES)
    assert result.exit_code == 0, result.output
    assert "entities: precision" in result.stdout and "questions: recall" in result.stdout


def test_evaluate_verbose_counts_the_names_ner_found_and_a_rule_rejected(cli):
    result = cli("evaluate", ROOT / "data" / "eval", "--documents", SAMPLES, "--verbose")
    assert result.exit_code == 0, result.output
    section = result.stdout.split("## NER names not kept, by rule", 1)[1].split("##", 1)[0]
    counted = [line.split(None, 1) for line in section.strip().splitlines()]
    assert counted and all(n.isdigit() and int(n) > 0 and rule for n, rule in counted)
