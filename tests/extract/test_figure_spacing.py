"""A figure reads the same however many spaces a converted file left between its words."""

from __future__ import annotations

import pytest

from graph.ingest.run import default_extractor
from graph.model import Document, DocumentMeta
from graph.read.files import mask_markup


@pytest.fixture(scope="module")
def extractor():
    return default_extractor()


def doc(text: str) -> Document:
    meta = DocumentMeta(file_name="d.txt", path="d.txt", sha256="0", media_type="text/plain", characters=len(text))
    return Document(meta=meta, text=text, masked=mask_markup(text))


@pytest.mark.parametrize("gap", [" ", "  ", "   "])
def test_a_figure_with_runs_of_spaces_keeps_its_scale_and_year(extractor, gap):
    text = f"Trade between Norway and Chile reached{gap}${gap}4.2{gap}billion in 2023, the ministry said."
    found = extractor.extract(doc(text)).observations
    assert [(o.value, o.unit, o.time) for o in found] == [(4_200_000_000, "USD", "2023")]
