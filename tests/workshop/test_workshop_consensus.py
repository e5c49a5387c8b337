"""Kendall's W, the room's weights and the room's consensus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from toolkit.errors import DataContractError
from toolkit.prioritise import score_priorities, shortlist
from toolkit.workshop import aggregate_weights, kendalls_w, room_consensus

from .conftest import CRITERIA, NAMES


def test_kendalls_w_matches_siegels_worked_example():
    # Siegel (1956), Nonparametric Statistics for the Behavioral Sciences, chapter 9,
    # "The Kendall coefficient of concordance W": three executives rank six job applicants.
    # Rank sums 8, 14, 11, 11, 11, 8; s = 25.5; W = 25.5 / (9 * (216 - 6) / 12) = 0.16.
    ranks = np.array(
        [
            [1, 6, 3, 2, 5, 4],
            [1, 5, 6, 4, 2, 3],
            [6, 3, 2, 5, 4, 1],
        ]
    )
    result = kendalls_w(ranks)
    assert_allclose(result.w, 25.5 / 157.5, rtol=1e-12)  # = 17/105 = 0.1619
    assert_allclose(result.chi_square, 3 * 5 * 17 / 105, rtol=1e-12)
    assert result.dof == 5
    assert (result.raters, result.items, result.ties) == (3, 6, 0.0)
    friedman = stats.friedmanchisquare(*ranks.T)
    assert_allclose(result.p_value, friedman.pvalue, rtol=1e-12)
    assert result.strength == "very weak"


def test_kendalls_w_corrects_for_ties_worked_by_hand():
    # Hand-worked with Siegel & Castellan's (1988) tie-corrected formula:
    # R_j = 4, 5.5, 9, 11.5; sum R_j^2 = 259.5; 12 * 259.5 - 3 * 9 * 4 * 25 = 414;
    # two raters each tie two items, T = 2^3 - 2 = 6 each; 9 * 4 * 15 - 3 * 12 = 504;
    # W = 414 / 504 = 23/28 (0.8214, against 414 / 540 = 0.767 without the correction).
    ranks = pd.DataFrame(
        [[1, 2.5, 2.5, 4], [1, 2, 3, 4], [2, 1, 3.5, 3.5]], columns=["a", "b", "c", "d"]
    )
    result = kendalls_w(ranks)
    assert_allclose(result.w, 23 / 28, rtol=1e-12)
    assert result.ties == 12.0
    assert_allclose(result.chi_square, 3 * 3 * 23 / 28, rtol=1e-12)
    # Friedman's tie-corrected statistic is m (n - 1) W.
    friedman = stats.friedmanchisquare(*ranks.to_numpy().T)
    assert_allclose(result.chi_square, friedman.statistic, rtol=1e-12)
    assert_allclose(result.p_value, friedman.pvalue, rtol=1e-12)


def test_kendalls_w_extremes_and_rerankings():
    identical = np.tile(np.arange(1, 8), (4, 1))
    assert_allclose(kendalls_w(identical).w, 1.0)
    reversed_pair = np.array([np.arange(1, 8), np.arange(7, 0, -1)])
    assert_allclose(kendalls_w(reversed_pair).w, 0.0, atol=1e-12)
    # Any ordinal positions do: scores re-ranked per row give the same W.
    positions = np.array([[10, 20, 30, 40], [15, 5, 35, 45], [1, 2, 4, 3]])
    ranks = np.array([[1, 2, 3, 4], [2, 1, 3, 4], [1, 2, 4, 3]])
    assert_allclose(kendalls_w(positions).w, kendalls_w(ranks).w)
    all_tied = np.ones((3, 4))
    assert np.isnan(kendalls_w(all_tied).w)


@pytest.mark.parametrize(
    ("ranks", "error", "words"),
    [
        ([[1, 2], [2, 1]], TypeError, "DataFrame or a numpy array"),
        (np.array([[1, 2, 3]]), ValueError, "at least two raters"),
        (
            np.array([[1, np.nan], [1, 2]]),
            DataContractError,
            r"1 row has a missing rank .*\(row 2\)",
        ),
        (pd.DataFrame({"a": ["x", "y"], "b": [1, 2]}), TypeError, "numbers only"),
    ],
)
def test_kendalls_w_rejects_bad_input(ranks, error, words):
    with pytest.raises(error, match=words):
        kendalls_w(ranks)


def test_aggregate_weights_by_hand():
    latest = pd.DataFrame(
        {
            "table": ["Table 1", "Table 2"],
            "weight_a": [1.0, 0.0],
            "weight_b": [1.0, 3.0],
            "weight_c": [2.0, 1.0],
        }
    )
    before = latest.copy()
    result = aggregate_weights(latest, criteria=["a", "b", "c"])
    pd.testing.assert_frame_equal(latest, before)
    # Shares (.25, .25, .5) and (0, .75, .25).
    assert_allclose(result["arithmetic_mean"], [0.125, 0.5, 0.375])
    geometric = np.array([0.0, np.sqrt(0.25 * 0.75), np.sqrt(0.5 * 0.25)])
    assert_allclose(result["geometric_mean"], geometric / geometric.sum())
    assert_allclose(result["median"], [0.125, 0.5, 0.375])
    assert_allclose(result["lowest"], [0.0, 0.25, 0.25])
    assert_allclose(result["highest"], [0.25, 0.75, 0.5])
    with pytest.raises(ValueError, match="weight_d"):
        aggregate_weights(latest, criteria=["a", "d"])


def _latest(weights: list[list[float]]) -> pd.DataFrame:
    frame = pd.DataFrame(weights, columns=[f"weight_{name}" for name in NAMES])
    frame.insert(0, "table", [f"Table {i + 1}" for i in range(len(weights))])
    return frame


def test_room_consensus_matches_scoring_each_table(workshop, candidates):
    weights = [[10, 0, 2, 5], [3, 8, 8, 1], [5, 5, 0, 9]]
    dots = pd.DataFrame(
        {
            "table": ["Table 1", "Table 1", "Table 3", "Table 9"],
            "candidate": ["c01", "c02", "c01", "c03"],
            "dots": [1, 1, 2, 5],
        }
    )
    room = room_consensus(_latest(weights), model=workshop.model, size=3, dot_votes=dots)
    assert room.tables == ("Table 1", "Table 2", "Table 3")
    mid_ranks = []
    for table, row in zip(room.tables, weights, strict=True):
        scored = score_priorities(
            candidates, criteria=CRITERIA, weights=dict(zip(NAMES, row, strict=True))
        )
        expected = scored.set_index("candidate")["rank"]
        assert room.table_ranks[table].to_dict() == expected.to_dict()
        scores = scored.set_index("candidate")["score"].reindex(candidates["candidate"])
        mid_ranks.append(stats.rankdata(-scores.round(12).to_numpy()))
    assert_allclose(room.agreement.w, kendalls_w(np.array(mid_ranks)).w, rtol=1e-12)

    shares = np.array(weights, dtype=float)
    shares /= shares.sum(axis=1, keepdims=True)
    room_weights = dict(zip(NAMES, shares.mean(axis=0), strict=True))
    expected_room = shortlist(
        score_priorities(candidates, criteria=CRITERIA, weights=room_weights), size=3
    )
    assert room.shortlist["candidate"].tolist() == expected_room["candidate"].tolist()
    assert room.rankings["candidate"].head(3).tolist() == expected_room["candidate"].tolist()

    ranks = room.table_ranks.to_numpy()
    rankings = room.rankings.set_index("candidate")
    assert (rankings["best_rank"].to_numpy() == ranks.min(axis=1)).all()
    assert (rankings["rank_range"].to_numpy() == ranks.max(axis=1) - ranks.min(axis=1)).all()
    assert (rankings["shortlisted_by"].to_numpy() == (ranks <= 3).sum(axis=1)).all()
    # Table 9 has not submitted: its dots do not count.
    assert rankings.loc["c01", "dots"] == 3
    assert rankings.loc["c02", "dots"] == 1
    assert rankings.loc["c03", "dots"] == 0
    assert rankings["dots"].sum() == 4


def test_room_consensus_aggregations_differ_and_geometric_zero(workshop):
    latest = _latest([[10, 0, 0, 0], [0, 10, 0, 0]])
    with pytest.raises(ValueError, match="geometric mean"):
        room_consensus(latest, model=workshop.model, size=3, aggregation="geometric_mean")
    arithmetic = room_consensus(latest, model=workshop.model, size=3)
    assert_allclose(
        arithmetic.weights.set_index("criterion")["arithmetic_mean"].to_numpy(), [0.5, 0.5, 0, 0]
    )


def test_room_consensus_one_table_has_no_agreement(workshop):
    room = room_consensus(_latest([[1, 1, 1, 1]]), model=workshop.model, size=3)
    assert room.agreement is None
    assert len(room.disagreements()) == 3
    assert (room.disagreements()["rank_range"] == 0).all()


@pytest.mark.parametrize(
    ("latest", "options", "words"),
    [
        (pd.DataFrame({"table": []}), {}, "weight_burden"),
        (_latest([[1, 1, 1, 1], [1, 2, 1, 1]]).assign(table="Table 1"), {}, "more than once"),
        (_latest([[1, 1, 1, 1]]), {"aggregation": "mode"}, "aggregation"),
        (_latest([[1, 1, 1, 1]]), {"size": 9}, "size"),
        (_latest([[0, 0, 0, 0]]), {}, "not all zero"),
    ],
)
def test_room_consensus_rejects_bad_input(workshop, latest, options, words):
    with pytest.raises(ValueError, match=words):
        room_consensus(latest, model=workshop.model, **({"size": 3} | options))


def test_consensus_lives_with_the_prioritisation():
    """One implementation: the workshop's names are the prioritisation's."""
    import toolkit.prioritise as prioritise
    import toolkit.workshop as workshop
    from toolkit.prioritise.consensus import WEIGHT_PREFIX
    from toolkit.workshop.store import WEIGHT_PREFIX as STORE_PREFIX

    assert workshop.room_consensus is prioritise.room_consensus
    assert workshop.kendalls_w is prioritise.kendalls_w
    assert WEIGHT_PREFIX == STORE_PREFIX
