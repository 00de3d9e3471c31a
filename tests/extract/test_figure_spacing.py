"""A figure reads the same however many spaces a converted file left between its words."""

from __future__ import annotations

import pytest

from tests.helpers import text_document


@pytest.mark.parametrize("gap", [" ", "  ", "   "])
def test_a_figure_with_runs_of_spaces_keeps_its_scale_and_year(extractor, gap):
    text = f"Trade between Norway and Chile reached{gap}${gap}4.2{gap}billion in 2023, the ministry said."
    found = extractor.extract(text_document(text)).observations
    assert [(o.value, o.unit, o.time) for o in found] == [(4_200_000_000, "USD", "2023")]
