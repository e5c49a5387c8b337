"""``priorities_frame``: the shortlist for export, under the glossary's names."""

from __future__ import annotations

import numpy as np

from toolkit.data import make_demo_system
from toolkit.prioritise import priorities_frame, prioritise_persons


def test_the_export_uses_the_glossarys_names_and_rounds_the_figures():
    result = prioritise_persons(make_demo_system(persons=30_000, seed=5).persons, draws=300)
    table = priorities_frame(result, decimals=1)
    assert list(table.columns) == [
        "position",
        "label",
        "facts",
        "score",
        "p_shortlist",
        "intervention",
        "intervention_source",
        "estimate",
    ]
    shortlist = result.shortlist
    assert len(table) == len(shortlist) > 0
    assert table["label"].tolist() == shortlist["label"].tolist()
    # The source of the effect size, not the strength of evidence (the glossary's evidence).
    assert table["intervention_source"].tolist() == shortlist["intervention_source"].tolist()
    np.testing.assert_array_equal(table["score"], np.round(shortlist["score"], 1))
    np.testing.assert_array_equal(table["p_shortlist"], np.round(shortlist["p_shortlist"], 2))
