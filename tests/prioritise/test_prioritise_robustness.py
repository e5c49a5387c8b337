"""Rank acceptability and the weight change that moves a candidate in or out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from toolkit.prioritise import (
    ScoringModel,
    rank_acceptability,
    score_priorities,
    weight_to_enter,
)

from .conftest import plain_criteria, random_candidates


def test_rank_probabilities_sum_to_one_both_ways():
    table = random_candidates(count=9, criteria=4, seed=3)
    result = rank_acceptability(table, criteria=plain_criteria(4), draws=2_000, seed=7)
    assert result.probabilities.shape == (9, 9)
    assert_allclose(result.probabilities.sum(axis=1), 1.0)
    assert_allclose(result.probabilities.sum(axis=0), 1.0)
    assert_allclose(result.p_shortlist, result.probabilities[:, :5].sum(axis=1))
    assert result.p_shortlist.sum() == pytest.approx(5.0)
    tidy = result.to_frame()
    assert list(tidy.columns) == ["candidate", "label", "rank", "probability"]
    assert_allclose(tidy.groupby("candidate")["probability"].sum(), 1.0)
    assert result.matrix().loc[result.candidates[0], 1] == result.probabilities[0, 0]


def test_the_vectorised_draws_match_a_loop_over_draws():
    table = random_candidates(count=7, criteria=3, seed=11)
    criteria = plain_criteria(3)
    weights = np.array([0.5, 0.3, 0.2])
    result = rank_acceptability(
        table, criteria=criteria, weights=weights, draws=300, spread=0.3, size=3, seed=5
    )
    # The documented sampler, one draw at a time: Dirichlet(w * (1 / spread^2 - 1)).
    rng = np.random.default_rng(5)
    draws = rng.dirichlet(weights * (1 / 0.3**2 - 1), size=300)
    counts = pd.DataFrame(0, index=list(result.candidates), columns=range(1, 8))
    for draw in draws:
        scored = score_priorities(table, criteria=criteria, weights=draw)
        for candidate, rank in zip(scored["candidate"], scored["rank"], strict=True):
            counts.loc[candidate, rank] += 1
    assert_allclose(result.probabilities, counts.to_numpy() / 300)


def test_same_seed_same_answer_and_the_seed_is_recorded():
    table = random_candidates(count=10, criteria=4, seed=1)
    first = rank_acceptability(table, criteria=plain_criteria(4), draws=500, seed=42)
    again = rank_acceptability(table, criteria=plain_criteria(4), draws=500, seed=42)
    other = rank_acceptability(table, criteria=plain_criteria(4), draws=500, seed=43)
    assert_array_equal(first.probabilities, again.probabilities)
    assert not np.array_equal(first.probabilities, other.probabilities)
    unseeded = rank_acceptability(table, criteria=plain_criteria(4), draws=500)
    replay = rank_acceptability(table, criteria=plain_criteria(4), draws=500, seed=unseeded.seed)
    assert_array_equal(unseeded.probabilities, replay.probabilities)


@pytest.mark.parametrize("sampling", ["dirichlet", "uniform"])
@pytest.mark.parametrize("method", ["weighted_sum", "topsis"])
def test_a_candidate_best_on_everything_is_always_first(sampling, method):
    table = random_candidates(count=6, criteria=3, seed=2)
    table.loc[len(table)] = ["star", "Star", 2.0, 2.0, 2.0]
    result = rank_acceptability(
        table, criteria=plain_criteria(3), method=method, sampling=sampling, draws=1_000, seed=1
    )
    star = result.candidates.index("star")
    assert result.probabilities[star, 0] == 1.0
    assert result.p_shortlist[star] == 1.0
    assert result.summary()["candidate"].iloc[0] == "star"


def test_a_narrow_spread_keeps_the_chosen_ranking_and_a_wide_one_does_not():
    table = pd.DataFrame(
        {"candidate": list("abcd"), "c0": [4.0, 3.0, 2.0, 0.0], "c1": [0.0, 2.0, 3.0, 4.0]}
    )
    narrow = rank_acceptability(
        table, criteria=plain_criteria(2), weights=[3, 1], draws=2_000, spread=0.01, seed=0, size=1
    )
    # arrays are in tie-break order, so look candidates up by id
    ranks = dict(zip(narrow.candidates, narrow.rank_at_weights.tolist(), strict=True))
    assert ranks == {"a": 1, "b": 2, "c": 3, "d": 4}
    assert_allclose(narrow.probabilities[np.arange(4), narrow.rank_at_weights - 1], 1.0)
    wide = rank_acceptability(
        table, criteria=plain_criteria(2), sampling="uniform", draws=2_000, seed=0, size=1
    )
    assert wide.probabilities[0, 0] < 0.9
    # central weights: a (best on c0) comes first under c0-heavy weights, d under c1-heavy
    assert wide.central_weights[wide.candidates.index("a"), 0] > 0.5
    assert wide.central_weights[wide.candidates.index("d"), 1] > 0.5


def test_a_zero_weight_stays_zero_under_dirichlet_sampling():
    table = pd.DataFrame({"candidate": list("ab"), "c0": [1.0, 0.0], "c1": [0.0, 1.0]})
    result = rank_acceptability(
        table, criteria=plain_criteria(2), weights=[1, 0], draws=500, seed=0
    )
    assert result.probabilities[result.candidates.index("a"), 0] == 1.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"draws": 0},
            ValueError,
            r"'draws' parameter of rank_acceptability must be an int in the range \[1",
        ),
        ({"draws": 10.5}, TypeError, "'draws' parameter .* int .* Got 10.5"),
        ({"spread": 1.5}, ValueError, r"'spread' .* float in the range \(0, 1\). Got 1.5"),
        ({"sampling": "normal"}, ValueError, "'sampling' .* one of"),
        ({"size": 9}, ValueError, r"'size' .* \[1, 7\]"),
        ({"seed": "x"}, TypeError, "'seed' .* int .* or None"),
    ],
)
def test_rank_acceptability_refuses_bad_options(kwargs, error, match):
    table = random_candidates(count=5, criteria=2)
    with pytest.raises(error, match=match):
        rank_acceptability(table, criteria=plain_criteria(2), **kwargs)


# --- weight_to_enter ------------------------------------------------------------------


def _member(model, raw, column, value, candidate, size):
    weights = raw.copy()
    weights[column] = value
    return model.ranks(weights)[model.candidates.index(candidate)] <= size


@pytest.mark.parametrize("method", ["weighted_sum", "topsis"])
@pytest.mark.parametrize("seed", range(4))
def test_weight_to_enter_is_the_nearest_weight_that_moves_the_candidate(method, seed):
    table = random_candidates(count=10, criteria=4, seed=seed)
    criteria = plain_criteria(4)
    raw = np.array([1.0, 2.0, 1.0, 1.5])
    model = ScoringModel(table, criteria=criteria, method=method)
    size = 3
    checked = 0
    for candidate in model.candidates:
        for column, name in enumerate(model.names):
            change = weight_to_enter(
                table, candidate=candidate, criterion=name, criteria=criteria,
                weights=raw, method=method, size=size,
            )  # fmt: skip
            now = _member(model, raw, column, raw[column], candidate, size)
            assert change.in_shortlist == now
            if change.required_weight is None:
                grid = np.linspace(0, 60, 601)
                assert all(_member(model, raw, column, t, candidate, size) == now for t in grid)
                assert change.message.startswith(f"No weight on {name}")
                continue
            target = change.required_weight
            step = 1e-6 * max(1.0, target)
            beyond = target + step if target > raw[column] else target - step
            assert _member(model, raw, column, beyond, candidate, size) != now
            # nothing changes between the current weight and the answer
            between = np.linspace(raw[column], target, 50)[1:-1]
            tol = 2e-6 * max(1.0, target)
            between = between[np.abs(between - target) > tol]
            assert all(_member(model, raw, column, t, candidate, size) == now for t in between)
            assert change.change == pytest.approx(target - raw[column])
            checked += 1
    assert checked > 5


def test_weight_to_enter_by_hand():
    # c0 favours a, c1 favours b; with weights 1:1 both score 0.5 and a wins the tie on id...
    table = pd.DataFrame(
        {"candidate": ["a", "b", "c"], "c0": [1.0, 0.0, 0.0], "c1": [0.0, 1.0, 0.2]}
    )
    change = weight_to_enter(
        table, candidate="b", criterion="c1", criteria=plain_criteria(2), weights=[2, 1], size=1
    )
    # scores: a = 2 / (2 + t), b = t / (2 + t): b overtakes a when t > 2.
    assert not change.in_shortlist
    assert change.required_weight == pytest.approx(2.0)
    assert change.required_share == pytest.approx(0.5)
    assert change.message == (
        "Raising the weight on c1 from 1 to 2 (from 33% to 50% of the total) brings 'b' into "
        "the shortlist of 1."
    )
    never = weight_to_enter(
        table, candidate="c", criterion="c0", criteria=plain_criteria(2), weights=[2, 1], size=1
    )
    assert never.required_weight is None
    assert str(never) == "No weight on c0 brings 'c' into the shortlist of 1."
    assert never.to_frame()["candidate"].tolist() == ["c"]


def test_weight_to_enter_refuses_unknown_names():
    table = random_candidates(count=5, criteria=2)
    with pytest.raises(ValueError, match="'candidate' parameter of weight_to_enter"):
        weight_to_enter(table, candidate="zz", criterion="c0", criteria=plain_criteria(2))
    with pytest.raises(ValueError, match="'criterion' parameter of weight_to_enter"):
        weight_to_enter(table, candidate="k00", criterion="cx", criteria=plain_criteria(2))


def test_share_changes_are_shown_with_enough_decimals_to_differ():
    from toolkit.prioritise.robustness import format_share_change

    assert format_share_change(0.17, 0.57) == ("17%", "57%")
    assert format_share_change(0.1667, 0.1704) == ("16.7%", "17.0%")
    assert format_share_change(0.5, 0.5) == ("50.000%", "50.000%")
