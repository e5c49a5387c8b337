"""What moved: the agreed prioritisation against the evidence rerun on newer data."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.monitor.moved import CHANGES, what_moved
from toolkit.prioritise import prioritise, theme_candidates
from toolkit.segment import build_cohort_cube


@pytest.fixture(scope="module")
def candidates():
    persons = make_demo_system(persons=40_000, seed=5).persons
    return theme_candidates(build_cohort_cube(persons))


@pytest.fixture(scope="module")
def agreed(candidates):
    return prioritise(candidates, draws=500, seed=1)


@pytest.fixture(scope="module")
def rerun(candidates, agreed):
    # Newer evidence stood in for by other weights: only the evidence of what works counts.
    weights = {name: 0.0 for name in agreed.weights}
    weights["evidence_score"] = 1.0
    return prioritise(candidates, weights=weights, draws=500, seed=1)


def test_entered_and_left_are_the_shortlists_set_differences(agreed, rerun):
    moved = what_moved(agreed, rerun)
    before = set(agreed.shortlist["candidate"])
    after = set(rerun.shortlist["candidate"])
    assert before != after  # the case must move something to test anything
    assert set(moved.loc[moved["change"] == "entered", "candidate"]) == after - before
    assert set(moved.loc[moved["change"] == "left", "candidate"]) == before - after
    assert set(moved.loc[moved["change"] == "stayed", "candidate"]) == before & after
    assert set(moved["candidate"]) == set(agreed.candidates["candidate"])
    assert list(dict.fromkeys(moved["change"])) == [c for c in CHANGES if c in set(moved["change"])]


def test_ranks_and_scores_are_the_results_own(agreed, rerun):
    moved = what_moved(agreed, rerun).set_index("candidate")
    ranks = agreed.candidates.set_index("candidate")["rank"]
    assert (moved.loc[ranks.index, "rank_before"].astype(int) == ranks).all()
    new = rerun.candidates.set_index("candidate")
    pd.testing.assert_series_equal(
        moved.loc[new.index, "score_after"], new["score"], check_names=False
    )
    assert (moved["rank_change"] == moved["rank_before"] - moved["rank_after"]).all()


def test_nothing_moves_against_itself(agreed):
    moved = what_moved(agreed, agreed)
    assert set(moved["change"]) == {"stayed", "outside"}
    assert (moved["rank_change"] == 0).all()


def test_different_sizes_and_wrong_types_are_refused(candidates, agreed):
    smaller = prioritise(candidates, size=3, draws=500, seed=1)
    with pytest.raises(ValueError, match="same shortlist size; got 5 before and 3 after"):
        what_moved(agreed, smaller)
    with pytest.raises(TypeError, match="'after' parameter of what_moved"):
        what_moved(agreed, agreed.shortlist)


def test_the_agreed_list_stands_in_for_the_earlier_result(agreed, rerun):
    listed = list(agreed.shortlist["candidate"])
    moved = what_moved(listed, rerun)
    from_result = what_moved(agreed, rerun)
    columns = ["candidate", "change", "rank_after", "shortlisted_before", "shortlisted_after"]
    pd.testing.assert_frame_equal(
        moved[columns].sort_values("candidate").reset_index(drop=True),
        from_result[columns].sort_values("candidate").reset_index(drop=True),
        check_dtype=False,
    )
    assert moved.loc[moved["candidate"] == listed[0], "rank_before"].item() == 1
    assert moved["score_before"].isna().all()
    with pytest.raises(ValueError, match="got 2 before and 5 after"):
        what_moved(listed[:2], rerun)


def test_agreed_priorities_is_the_shortlist_with_its_outcomes(agreed):
    from toolkit.monitor import agreed_priorities

    outside = agreed.candidates.loc[
        ~agreed.candidates["candidate"].isin(agreed.shortlist["candidate"]), "candidate"
    ].iloc[0]
    table = agreed_priorities(agreed, also=[outside])
    assert table["priority"].tolist() == [*agreed.shortlist["candidate"], outside]
    assert table["agreed"].tolist() == [True] * len(agreed.shortlist) + [False]
    outcomes = agreed.candidates.set_index("candidate")["outcome"]
    assert table["outcome"].tolist() == outcomes.loc[table["priority"]].tolist()
    with pytest.raises(ValueError, match="were not measured"):
        agreed_priorities(agreed, also=["no_such_theme"])
