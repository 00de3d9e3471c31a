"""The extractor the extraction tests share: the shipped gazetteer, statistical model and parser,
loaded once. A module that needs another (a gazetteer of its own) defines its own fixture."""

from __future__ import annotations

import pytest

from graph.ingest.run import default_extractor


@pytest.fixture(scope="session")
def extractor():
    return default_extractor()
