"""Criteria, scoring and the shortlist, on hand-made candidates whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from pymcdm import methods as mcdm
from pymcdm import normalizations
from scipy.stats import norm

from toolkit.errors import DataContractError
from toolkit.prioritise import Criterion, ScoringModel, score_priorities, shortlist
from toolkit.prioritise.criteria import normalise_matrix

from .conftest import plain_criteria, random_candidates

# --- criteria and normalisations ------------------------------------------------------


def test_min_max_rank_and_z_normalisations_by_hand():
    values = np.array([[1.0], [2.0], [2.0], [5.0]])
    assert_allclose(
        normalise_matrix(values, [Criterion("x", normalisation="min_max")])[:, 0],
        [0, 0.25, 0.25, 1],
    )
    # average ranks 1, 2.5, 2.5, 4 -> (rank - 1) / 3
    assert_allclose(
        normalise_matrix(values, [Criterion("x", normalisation="rank")])[:, 0],
        [0, 0.5, 0.5, 1],
    )
    z = (values[:, 0] - 2.5) / np.std(values[:, 0])
    assert_allclose(
        normalise_matrix(values, [Criterion("x", normalisation="z")])[:, 0], norm.cdf(z)
    )


@pytest.mark.parametrize("normalisation", ["min_max", "rank", "z"])
def test_cost_direction_mirrors_benefit_and_constant_columns_score_zero(normalisation):
    values = np.array([[3.0, 7.0], [1.0, 7.0], [8.0, 7.0], [4.0, 7.0]])
    benefit = normalise_matrix(values, [Criterion("x", "benefit", normalisation)] * 2)
    cost = normalise_matrix(values, [Criterion("x", "cost", normalisation)] * 2)
    assert_allclose(benefit[:, 0] + cost[:, 0], 1.0)
    assert_array_equal(benefit[:, 1], 0.0)
    assert_array_equal(cost[:, 1], 0.0)
    assert ((benefit >= 0) & (benefit <= 1)).all()


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"name": ""}, TypeError, "'name' parameter of Criterion must be a non-empty str"),
        ({"name": "x", "direction": "up"}, ValueError, "'direction' parameter .* Got 'up'"),
        ({"name": "x", "normalisation": "l2"}, ValueError, "'normalisation' .* Got 'l2'"),
        ({"name": "x", "default_weight": "1"}, TypeError, "'default_weight' .* float"),
        (
            {"name": "x", "default_weight": -1.0},
            ValueError,
            r"float in the range \[0, inf\). Got -1.0",
        ),
    ],
)
def test_criterion_rejects_bad_declarations(kwargs, error, match):
    with pytest.raises(error, match=match):
        Criterion(**kwargs)


# --- scoring by hand ------------------------------------------------------------------


def test_weighted_sum_matches_the_hand_worked_answer(burden_table, burden_criteria):
    scored = score_priorities(burden_table, criteria=burden_criteria)
    # Weights 2:1:1 -> 0.5, 0.25, 0.25; worked out in conftest's comments.
    expected = {"b": 0.775, "c": 0.675, "a": 0.5, "d": 0.45, "e": 0.35, "f": 0.25}
    assert scored["candidate"].tolist() == list(expected)
    assert_allclose(scored["score"], list(expected.values()), rtol=1e-12)
    assert scored["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    contributions = scored.filter(like="contribution_").to_numpy()
    assert_allclose(contributions.sum(axis=1), scored["score"], rtol=1e-12)
    b = scored.iloc[0]
    assert_allclose(
        [b["contribution_burden"], b["contribution_excess"], b["contribution_difficulty"]],
        [0.4, 0.125, 0.25],
    )


def test_only_the_ratio_of_weights_matters(burden_table, burden_criteria):
    one = score_priorities(burden_table, criteria=burden_criteria, weights=[2, 1, 1])
    other = score_priorities(burden_table, criteria=burden_criteria, weights=[0.5, 0.25, 0.25])
    assert_allclose(one["score"], other["score"], rtol=1e-12)
    by_name = score_priorities(burden_table, criteria=burden_criteria, weights={"excess": 1.0})
    assert_allclose(by_name["score"], one["score"], rtol=1e-12)  # others keep defaults


def test_weights_change_the_answer(burden_table, burden_criteria):
    scored = score_priorities(
        burden_table, criteria=burden_criteria, weights={"burden": 0, "excess": 1, "difficulty": 0}
    )
    assert scored["candidate"].iloc[0] == "c"  # the largest excess


def test_input_is_left_unchanged_and_columns_are_not_overwritten(burden_table, burden_criteria):
    before = burden_table.copy(deep=True)
    score_priorities(burden_table, criteria=burden_criteria, method="topsis")
    pd.testing.assert_frame_equal(burden_table, before)
    with pytest.raises(ValueError, match=r"will not overwrite existing columns \['score'\]"):
        score_priorities(burden_table.assign(score=1.0), criteria=burden_criteria)


@pytest.mark.parametrize(
    ("weights", "error", "match"),
    [
        ({"nonsense": 1.0}, ValueError, r"names criteria that are not declared: \['nonsense'\]"),
        ({"burden": -1.0}, ValueError, "finite, non-negative and not all zero"),
        ([0, 0, 0], ValueError, "not all zero"),
        ([1, 1], ValueError, r"one weight per criterion \(3\). Got shape \(2,\)"),
        ({"burden": "high"}, TypeError, "must map criterion names to floats. Got 'high'"),
        ("heavy", TypeError, "must be a mapping .* an array-like .* or None"),
    ],
)
def test_bad_weights_are_refused(burden_table, burden_criteria, weights, error, match):
    with pytest.raises(error, match=match):
        score_priorities(burden_table, criteria=burden_criteria, weights=weights)


def test_bad_method_and_bad_data_are_refused(burden_table, burden_criteria):
    with pytest.raises(ValueError, match=r"'method' parameter of score_priorities must be one of"):
        score_priorities(burden_table, criteria=burden_criteria, method="ahp")
    holed = burden_table.assign(excess=[0.0, np.nan, 4.0, 1.0, np.nan, 0.0])
    with pytest.raises(DataContractError, match=r"'excess' has 2 missing .* 'b', 'e'"):
        score_priorities(holed, criteria=burden_criteria)
    with pytest.raises(DataContractError, match=r"no column for the criteria \['excess'\]"):
        score_priorities(burden_table.drop(columns="excess"), criteria=burden_criteria)
    twice = burden_table.assign(candidate=["a", "a", "c", "d", "e", "f"])
    with pytest.raises(DataContractError, match="must be unique"):
        score_priorities(twice, criteria=burden_criteria)
    with pytest.raises(ValueError, match=r"name each criterion once. Got \['burden'\]"):
        score_priorities(burden_table, criteria=[burden_criteria[0], burden_criteria[0]])


# --- known properties -----------------------------------------------------------------


def test_identical_candidates_tie_and_the_tie_goes_to_the_lower_id():
    table = pd.DataFrame(
        {"candidate": ["z", "y", "x"], "c0": [1.0, 1.0, 0.0], "c1": [3.0, 3.0, 1.0]}
    )
    for method in ("weighted_sum", "topsis"):
        scored = score_priorities(table, criteria=plain_criteria(2), method=method)
        assert scored["score"].iloc[0] == scored["score"].iloc[1]
        assert scored["candidate"].tolist() == ["y", "z", "x"]


def test_equal_weights_on_mirrored_criteria_tie():
    table = pd.DataFrame({"candidate": ["p", "q"], "c0": [1.0, 0.0], "c1": [0.0, 1.0]})
    for method in ("weighted_sum", "topsis"):
        scored = score_priorities(table, criteria=plain_criteria(2), method=method)
        assert scored["score"].iloc[0] == pytest.approx(scored["score"].iloc[1], abs=1e-15)
        unequal = score_priorities(table, criteria=plain_criteria(2), weights=[1, 2], method=method)
        assert unequal["candidate"].iloc[0] == "q"


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    method=st.sampled_from(["weighted_sum", "topsis"]),
    normalisation=st.sampled_from(["min_max", "rank", "z"]),
    zero_weight=st.booleans(),
)
def test_a_dominated_candidate_never_ranks_above_its_dominator(
    seed, method, normalisation, zero_weight
):
    rng = np.random.default_rng(seed)
    table = random_candidates(count=8, criteria=4, seed=seed)
    dominator = table.iloc[[int(rng.integers(8))]]
    # the dominated copy is no better anywhere and worse on criterion 0 only
    dominated = dominator.assign(
        candidate="aaa-dominated",  # sorts first by id: only the tie-break rule can save it
        c0=dominator["c0"] - 0.1,
    )
    table = pd.concat([table, dominated], ignore_index=True)
    weights = rng.random(4) + 0.01
    if zero_weight:
        weights[0] = 0.0  # the criterion that separates them carries no weight
    scored = score_priorities(
        table,
        criteria=plain_criteria(4, normalisation),
        weights=weights,
        method=method,
    )
    rank = scored.set_index("candidate")["rank"]
    assert rank["aaa-dominated"] > rank[dominator["candidate"].iloc[0]]


@pytest.mark.parametrize("seed", range(5))
def test_weighted_sum_and_topsis_agree_with_pymcdm(seed):
    table = random_candidates(count=15, criteria=5, seed=seed)
    criteria = [
        Criterion(f"c{j}", "cost" if j in (1, 3) else "benefit", "min_max") for j in range(5)
    ]
    weights = np.random.default_rng(seed + 100).random(5)
    weights /= weights.sum()
    matrix = table[[f"c{j}" for j in range(5)]].to_numpy()
    types = np.array([-1 if c.direction == "cost" else 1 for c in criteria])
    references = {
        "weighted_sum": mcdm.WSM(normalization_function=normalizations.minmax_normalization),
        "topsis": mcdm.TOPSIS(normalization_function=normalizations.minmax_normalization),
    }
    for method, reference in references.items():
        expected = reference(matrix, weights, types)
        scored = score_priorities(table, criteria=criteria, weights=weights, method=method)
        ours = scored.set_index("candidate").loc[table["candidate"], "score"].to_numpy()
        assert_allclose(ours, expected, rtol=1e-10)
        assert_array_equal(np.argsort(-ours, kind="stable"), np.argsort(-expected, kind="stable"))


def test_scoring_model_fast_path_agrees_with_the_frame(burden_table, burden_criteria):
    model = ScoringModel(burden_table, criteria=burden_criteria, method="topsis")
    weights = np.array([1.0, 3.0, 2.0])
    scored = score_priorities(
        burden_table, criteria=burden_criteria, weights=weights, method="topsis"
    )
    by_id = scored.set_index("candidate")
    assert_allclose(model.scores(weights), by_id.loc[list(model.candidates), "score"])
    assert_array_equal(model.ranks(weights), by_id.loc[list(model.candidates), "rank"])
    batch = model.batch_scores(np.array([weights / weights.sum(), [1.0, 0.0, 0.0]]))
    assert_allclose(batch[0], model.scores(weights))
    assert_allclose(batch[1], model.scores([1, 0, 0]))


def test_topsis_contributions_apportion_the_score(burden_table, burden_criteria):
    scored = score_priorities(burden_table, criteria=burden_criteria, method="topsis")
    parts = scored.filter(like="contribution_").to_numpy()
    assert_allclose(parts.sum(axis=1), scored["score"], rtol=1e-12)
    assert (parts >= 0).all()


# --- shortlist ------------------------------------------------------------------------


def test_shortlist_reasons_name_largest_contributions_and_margin(burden_table, burden_criteria):
    scored = score_priorities(burden_table, criteria=burden_criteria)
    short = shortlist(scored, size=3)
    assert short["candidate"].tolist() == ["b", "c", "a"]
    assert_allclose(short["margin"], [0.775 - 0.45, 0.675 - 0.45, 0.05])
    assert (short["first_left_out"] == "Delta").all()
    # b: burden 0.4 of 0.775 = 52%, ease of acting 0.25 of 0.775 = 32%
    # The reason does not repeat the label (it has its own column).
    assert short["reason"].iloc[0] == (
        "Largest contributions: events a year (52% of score), ease of acting (32%). "
        "Ahead of the first candidate left out ('Delta') by 0.33 (42% of the score)."
    )
    assert short["reason"].iloc[2].endswith("('Delta') by 0.05 (10% of the score).")
    assert short["position"].tolist() == [1, 2, 3]
    assert (short["related"] == "").all()  # no cohort columns: every candidate its own
    assert "reason" not in scored.columns  # the input is not changed


def test_shortlist_size_is_capped_and_small_tables_are_said_so(burden_table, burden_criteria):
    scored = score_priorities(burden_table, criteria=burden_criteria)
    assert len(shortlist(scored)) == 5
    with pytest.raises(ValueError, match=r"must be an int in the range \[1, 7\] .* Got 8 instead"):
        shortlist(scored, size=8)
    assert len(shortlist(scored, size=6, cap=10)) == 6
    with pytest.raises(TypeError, match="'size' parameter of shortlist must be an int"):
        shortlist(scored, size=2.5)
    everything = shortlist(scored.head(2), size=5)
    assert len(everything) == 2
    assert everything["reason"].str.endswith("No candidate was left out.").all()


def test_shortlist_says_when_only_the_tie_break_separates():
    table = pd.DataFrame({"candidate": ["m", "n", "o"], "c0": [1.0, 1.0, 0.0]})
    scored = score_priorities(table, criteria=plain_criteria(1))
    short = shortlist(scored, size=1)
    assert short["candidate"].tolist() == ["m"]
    assert "Level with the first candidate left out ('n')" in short["reason"].iloc[0]
