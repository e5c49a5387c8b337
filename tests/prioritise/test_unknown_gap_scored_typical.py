"""A gap that could not be compared is scored as a typical one, not as no gap.

Walk-through finding (themes, 2026-12-07): small groups (learning disability, serious mental
illness, children's asthma) whose most and least deprived fifths have too few events were
scored 0 on "how much worse it is in the poorest areas", the lowest a theme can be, so not
knowing the gap put them last on inequality.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.prioritise import theme_candidates
from toolkit.prioritise._theme_row import GAP_NOT_COMPARED_SCORE, typical_where_unknown
from toolkit.segment import build_cohort_cube


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "candidate": ["a", "b", "c", "d"],
            "events_a_year": [100.0, 80.0, 5.0, 0.0],
            "deprivation_ratio": [1.5, 3.0, math.nan, math.nan],
            "deprivation_gap": [0.5, 2.0, 0.0, 0.0],
            "excess_events_a_year": [10.0, 40.0, math.nan, math.nan],
            "excess_share": [0.1, 0.5, 0.0, 0.0],
        }
    )


def test_unknown_gaps_take_the_median_of_the_compared_ones():
    table = _table()
    before = table.copy()
    result = typical_where_unknown(table)
    pd.testing.assert_frame_equal(table, before)  # the input is left as it was
    assert result["deprivation_gap"].tolist() == [0.5, 2.0, 1.25, 1.25]
    # a candidate with no events has no excess to know: it stays 0
    assert result["excess_share"].tolist() == [0.1, 0.5, 0.3, 0.0]
    assert result["deprivation_ratio"].isna().tolist() == [False, False, True, True]
    assert result["excess_events_a_year"].isna().tolist() == [False, False, True, True]


def test_with_no_gap_compared_every_gap_counts_zero_alike():
    table = _table().iloc[2:].reset_index(drop=True)
    result = typical_where_unknown(table)
    assert result["deprivation_gap"].tolist() == [0.0, 0.0]


@pytest.fixture(scope="module")
def candidates() -> pd.DataFrame:
    persons = make_demo_system(persons=40_000, seed=11).persons
    return theme_candidates(build_cohort_cube(persons), min_events=0).table


def test_a_theme_whose_fifths_could_not_be_compared_scores_a_typical_gap(candidates):
    unknown = candidates["deprivation_ratio"].isna()
    assert unknown.any() and (~unknown).sum() >= 2, candidates["deprivation_ratio"]
    median = float(candidates.loc[~unknown, "deprivation_gap"].median())
    assert median > 0
    assert candidates.loc[unknown, "deprivation_gap"].tolist() == pytest.approx(
        [median] * int(unknown.sum())
    )
    for note in candidates.loc[unknown, "note"]:
        assert GAP_NOT_COMPARED_SCORE in note, note
        assert "counts as 0" not in note, note
