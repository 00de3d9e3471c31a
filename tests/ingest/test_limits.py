"""Ingest's limits on one document: a document whose extraction runs past its time fails alone,
with one line, and the documents beside it are stored."""

from __future__ import annotations

import threading

import pytest

from graph.ingest.deadline import TimeUp, enforced, time_limit
from tests.helpers import Cli

GOOD = "KEPCO signed a contract with ENEC in Abu Dhabi on 3 March 2024.\n"


def _endless_sentence(words: int) -> str:
    names = ["Kestrel Dynamics", "signed", "with", "Orlan Systems", "and", "Vesna Holdings", "near", "Tallinn"]
    return " ".join(names[i % len(names)] for i in range(words)) + ".\n"


@pytest.mark.slow  # seconds of one process each; the README's quick run stays under its 4 minutes
def test_a_document_past_its_time_fails_alone_and_the_others_are_stored(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "endless.txt").write_text(_endless_sentence(60_000))
    cli = Cli(tmp_path / "store")
    result = cli("ingest", folder, "--no-ner", "--max-seconds", "1")
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    assert len(failed) == 1 and "endless.txt" in failed[0] and "took over 1 s" in failed[0], result.stderr
    assert "--max-seconds" in failed[0]
    assert "KEPCO" in {f["label"] for f in cli.json("firms")}
    assert [d["name"] for d in cli.json("documents")] == ["good.txt"]


def test_the_time_limit_interrupts_work_in_the_main_thread_only():
    assert enforced()
    interrupted = False
    try:
        with time_limit(0.05):
            while True:
                pass
    except TimeUp:
        interrupted = True
    assert interrupted
    seen: list[bool] = []
    worker = threading.Thread(target=lambda: seen.append(enforced()))
    worker.start()
    worker.join()
    assert seen == [False]
