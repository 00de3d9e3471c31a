"""Fixtures: a fresh embedded store per test, the samples ingested once per
session, and the CLI called the way a user calls it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, SHARED_CORPUS, Cli


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def cli(store: Path) -> Cli:
    return Cli(store)


def _ingested(tmp_path_factory, name: str, source: Path) -> Path:
    path = tmp_path_factory.mktemp(name) / "store"
    result = Cli(path)("ingest", source)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="session")
def samples_store(tmp_path_factory) -> Path:
    """data/samples ingested once; tests that only read share it."""
    return _ingested(tmp_path_factory, "samples", SAMPLES)


@pytest.fixture
def samples(samples_store: Path) -> Cli:
    return Cli(samples_store)


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory) -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip("the shared evaluation corpus (../shared/corpus) is not beside this checkout")
    return _ingested(tmp_path_factory, "corpus", SHARED_CORPUS)


@pytest.fixture
def corpus(corpus_store: Path) -> Cli:
    return Cli(corpus_store)


@pytest.fixture
def copy_samples(tmp_path: Path):
    def make(*names: str) -> Path:
        folder = tmp_path / "docs"
        folder.mkdir(exist_ok=True)
        for name in names:
            shutil.copy(SAMPLES / name, folder / name)
        return folder

    return make


def pytest_collection_modifyitems(config, items):
    # The few long tests (marked slow) go first, longest-first scheduling: the short ones then fill
    # both cores around them, instead of a long test starting last and running on alone.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
