"""Candidates true by construction, and a shortlist of distinct cohorts.

A candidate whose outcome defines its segment is left out; the shortlist keeps at most
``per_cohort`` candidates per cohort and lists the rest as related outcomes; and the chance
of being in the shortlist (rank acceptability) and the weight that moves a candidate in or
out follow the same rule.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from toolkit.prioritise import (
    DEFINITIONAL_FLAGS,
    ScoringModel,
    candidate_priorities,
    cube_criteria,
    definitional_outcomes,
    demo_shortlist,
    rank_acceptability,
    score_priorities,
    shortlist,
    weight_to_enter,
)
from toolkit.prioritise.scoring import select_shortlist
from toolkit.segment import load_rules

from .conftest import plain_criteria

DECILES = np.arange(1, 11)
OUTCOMES = ("emergency_admissions", "ae_attendances", "deaths", "cost_gbp")

HAND_RULES = """
[model]
name = "hand"
segments = ["omega", "alpha", "beta"]

[model.labels]
omega = "Dying"
alpha = "Admitted"
beta = "Everyone else"

[[rules]]
name = "dying"
segment = "omega"
when = "end_of_life"

[[rules]]
name = "admitted"
segment = "alpha"
when = "emergency_admissions >= 1 and age >= 18"

[[rules]]
name = "rest"
segment = "beta"
when = "true"
"""


@pytest.fixture
def hand_model(tmp_path):
    path = tmp_path / "hand.toml"
    path.write_text(HAND_RULES, encoding="utf-8")
    return load_rules(path)


def cohort_cube(segments=("omega", "alpha", "beta")) -> pd.DataFrame:
    """Three segments, one age band, ten deciles; every outcome well above 10 a decile.

    Events fall with decile in every segment (more in the more deprived), at a rate
    that differs by segment and outcome.
    """
    rows = []
    for number, segment in enumerate(segments):
        for d in DECILES:
            rows.append(
                {
                    "segment": segment, "age_band": "70-74", "sex": "F", "imd_decile": int(d),
                    "place": "P", "persons": 1000,
                    "emergency_admissions": 300 - 10 * d + 50 * number,
                    "ae_attendances": 500 - 10 * d * (number + 1),
                    "deaths": 40 + 2 * (10 - d) * (3 - number),
                    "cost_gbp": 1000.0 * (3 - number) * (1 + (10 - d) / 20),
                }
            )  # fmt: skip
    return pd.DataFrame(rows)


def _candidates(cube, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = candidate_priorities(cube, outcomes=OUTCOMES, **kwargs)
    return table, [str(w.message) for w in caught]


# --- candidates true by construction ----------------------------------------------------


def test_definitional_outcomes_of_a_hand_model(hand_model):
    table = definitional_outcomes(hand_model)
    found = zip(table["segment"], table["outcome"], table["rule"], table["column"], strict=True)
    assert sorted(found) == [
        ("alpha", "emergency_admissions", "admitted", "emergency_admissions"),
        ("omega", "deaths", "dying", "end_of_life"),
    ]
    # The end-of-life flag means deaths only through the documented mapping.
    assert DEFINITIONAL_FLAGS["end_of_life"] == ("deaths",)
    without_flags = definitional_outcomes(hand_model, flags={})
    assert without_flags["outcome"].tolist() == ["emergency_admissions"]


def test_definitional_outcomes_of_bridges_to_health():
    table = definitional_outcomes("bridges_to_health")
    pairs = set(zip(table["segment"], table["outcome"], strict=True))
    assert pairs == {
        ("end_of_life", "deaths"),
        ("limited_reserve", "emergency_admissions"),
        ("acutely_ill", "emergency_admissions"),
        ("acutely_ill", "ae_attendances"),
    }


def test_candidates_defined_by_their_outcome_are_excluded_and_listed(hand_model):
    cube = cohort_cube()
    before = cube.copy(deep=True)
    table, messages = _candidates(cube, model=hand_model)
    pd.testing.assert_frame_equal(cube, before)
    excluded = table.attrs["excluded"].set_index("candidate")
    assert sorted(excluded.index) == ["alpha/emergency_admissions", "omega/deaths"]
    assert (excluded["reason"] == "the segment is defined by this outcome").all()
    assert excluded.loc["alpha/emergency_admissions", "detail"] == (
        "rule 'admitted': emergency_admissions >= 1 and age >= 18"
    )
    assert excluded.loc["omega/deaths", "detail"] == "rule 'dying': end_of_life"
    assert (
        excluded.loc["omega/deaths", "events"] == before.query("segment == 'omega'")["deaths"].sum()
    )
    # The other outcomes of those segments, and every outcome elsewhere, stay.
    assert len(table) == 3 * len(OUTCOMES) - 2
    assert {"alpha/deaths", "omega/emergency_admissions", "beta/emergency_admissions"} <= set(
        table["candidate"]
    )
    assert any("2 of 12 candidates are true by construction" in m for m in messages)
    # Labels come from the model; the cohort and outcome halves have their own columns.
    row = table.set_index("candidate").loc["omega/ae_attendances"]
    assert row["label"] == "A&E attendances among people in the 'Dying' segment"
    assert (row["cohort_label"], row["outcome_label"]) == ("Dying", "A&E attendances")
    assert table.attrs["segmentation_model"] == "hand"
    assert table.attrs["unchecked_segments"] == []


def test_without_a_model_nothing_is_excluded_by_definition(hand_model):
    table, _ = _candidates(cohort_cube())
    assert len(table) == 12
    assert table.attrs["excluded"].empty
    assert table.attrs["segmentation_model"] is None
    by_name, _ = _candidates(cohort_cube(), model="bridges_to_health")
    assert by_name.attrs["segmentation_model"] == "bridges_to_health"


def test_segments_the_model_does_not_know_are_reported(hand_model):
    cube = cohort_cube(segments=("omega", "alpha", "zeta"))
    table, messages = _candidates(cube, model=hand_model)
    assert table.attrs["unchecked_segments"] == ["zeta"]
    assert any("segments ['zeta'] that the segmentation model 'hand'" in m for m in messages)
    assert "zeta/emergency_admissions" in set(table["candidate"])


def test_split_candidates_are_excluded_by_their_segment(hand_model):
    table, _ = _candidates(cohort_cube(), model=hand_model, within="quintile")
    excluded = table.attrs["excluded"]
    assert sorted(excluded["candidate"]) == sorted(
        [f"alpha/q{q}/emergency_admissions" for q in range(1, 6)]
        + [f"omega/q{q}/deaths" for q in range(1, 6)]
    )
    row = table.set_index("candidate").loc["omega/q1/ae_attendances"]
    assert row["cohort_label"] == "Dying, most deprived fifth"


@pytest.mark.parametrize(
    ("model", "error", "match"),
    [
        (3, TypeError, "'model' parameter of candidate_priorities must be a SegmentationModel"),
        ("nonsense", ValueError, "'model' parameter of candidate_priorities .* Got 'nonsense'"),
    ],
)
def test_bad_models_are_refused(model, error, match):
    with pytest.raises(error, match=match):
        candidate_priorities(cohort_cube(), outcomes=OUTCOMES, model=model)


# --- the shortlist of distinct cohorts --------------------------------------------------


def cohort_table() -> pd.DataFrame:
    """Eight candidates in four segments; one criterion fixes the ranking a1 > a2 > b1 > ..."""
    return pd.DataFrame(
        {
            "candidate": ["a1", "a2", "b1", "a3", "c1", "b2", "d1", "a4"],
            "label": ["A one", "A two", "B one", "A three", "C one", "B two", "D one", "A four"],
            "segment": ["A", "A", "B", "A", "C", "B", "D", "A"],
            "c0": [10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0],
        }
    )


def test_shortlist_keeps_distinct_cohorts_and_lists_related_outcomes():
    scored = score_priorities(cohort_table(), criteria=plain_criteria(1))
    short = shortlist(scored, size=3)  # per_cohort=1 by default
    assert short["candidate"].tolist() == ["a1", "b1", "c1"]
    assert short["rank"].tolist() == [1, 3, 5]  # overall ranks are kept
    assert short["position"].tolist() == [1, 2, 3]
    # Skipped for a full cohort, above the first left out (A four ranks below D one).
    assert short["related"].tolist() == ["A two; A three", "B two", ""]
    # The first left out is the next cohort's best, not a related outcome.
    assert (short["first_left_out"] == "D one").all()
    scores = dict(zip(scored["candidate"], scored["score"], strict=True))
    assert short["margin"].tolist() == pytest.approx(
        [scores[c] - scores["d1"] for c in ("a1", "b1", "c1")]
    )
    assert short["reason"].iloc[0] == (
        "Largest contributions: c0 (100% of score). Related outcomes of this cohort: "
        "A two (2nd overall), A three (4th overall). Ahead of the first candidate left out "
        "('D one') by 0.86 (86% of the score)."
    )
    assert "reason" not in scored.columns


def test_per_cohort_two_and_no_limit():
    scored = score_priorities(cohort_table(), criteria=plain_criteria(1))
    two = shortlist(scored, size=4, per_cohort=2)
    assert two["candidate"].tolist() == ["a1", "a2", "b1", "c1"]
    assert two["related"].tolist() == ["A three", "", "", ""]  # B two is left out next
    assert (two["first_left_out"] == "B two").all()
    plain = shortlist(scored, size=3, per_cohort=None)
    assert plain["candidate"].tolist() == ["a1", "a2", "b1"]
    assert (plain["first_left_out"] == "A three").all()
    assert (plain["related"] == "").all()
    # Fewer cohorts than places: the list is shorter, and said so.
    few = shortlist(scored.query("segment in ['A', 'B']"), size=3)
    assert few["candidate"].tolist() == ["a1", "b1"]
    assert few["related"].tolist() == ["A two; A three; A four", "B two"]
    assert few["reason"].str.endswith("No other cohort was left out.").all()


def test_cohorts_within_segments_and_explicit_cohort_columns():
    table = cohort_table().assign(imd_quintile=[1, 2, 1, 1, 1, 1, 1, 1])
    scored = score_priorities(table, criteria=plain_criteria(1))
    # segment x imd_quintile: a1 (A, q1) and a2 (A, q2) are different cohorts.
    assert shortlist(scored, size=3)["candidate"].tolist() == ["a1", "a2", "b1"]
    by_segment = shortlist(scored, size=3, cohort=["segment"])
    assert by_segment["candidate"].tolist() == ["a1", "b1", "c1"]
    recorded = score_priorities(table, criteria=plain_criteria(1), cohort=["segment"])
    assert shortlist(recorded, size=3)["candidate"].tolist() == ["a1", "b1", "c1"]
    # 'quintile', the column's name before this release, still counts, with a warning
    old = cohort_table().assign(quintile=[1, 2, 1, 1, 1, 1, 1, 1])
    with pytest.warns(FutureWarning, match="'quintile' column is read as 'imd_quintile'"):
        old_scored = score_priorities(old, criteria=plain_criteria(1))
        assert shortlist(old_scored, size=3)["candidate"].tolist() == ["a1", "a2", "b1"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"per_cohort": 0},
            ValueError,
            r"'per_cohort' parameter of shortlist must be an int in the range \[1",
        ),
        ({"per_cohort": 1.5}, TypeError, "'per_cohort' parameter of shortlist must be an int"),
        (
            {"cohort": ["ward"]},
            ValueError,
            "'cohort' parameter of shortlist names the column 'ward'",
        ),
        ({"cohort": "segment"}, TypeError, "'cohort' parameter of shortlist"),
    ],
)
def test_shortlist_refuses_bad_cohort_options(kwargs, error, match):
    scored = score_priorities(cohort_table(), criteria=plain_criteria(1))
    with pytest.raises(error, match=match):
        shortlist(scored, **kwargs)


def test_shortlist_refuses_to_overwrite_related():
    scored = score_priorities(cohort_table().assign(related="x"), criteria=plain_criteria(1))
    with pytest.raises(ValueError, match=r"will not overwrite existing columns \['related'\]"):
        shortlist(scored)


# --- the same rule under many weights ---------------------------------------------------


def random_cohorts(count: int = 14, criteria: int = 3, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(rng.random((count, criteria)), columns=[f"c{j}" for j in range(criteria)])
    table.insert(0, "candidate", [f"k{i:02d}" for i in range(count)])
    table.insert(1, "label", [f"Candidate {i}" for i in range(count)])
    table.insert(2, "segment", [f"s{i % 5}" for i in rng.permutation(count)])
    return table


def test_the_vectorised_rule_matches_a_walk_down_each_ranking():
    rng = np.random.default_rng(4)
    codes = rng.integers(0, 4, size=9)
    order = np.array([rng.permutation(9) for _ in range(300)])  # best first
    ranks = np.argsort(order, axis=1) + 1
    for per_cohort, size in ((1, 3), (2, 3), (1, 9), (3, 5), (None, 4)):
        chosen, eligible = select_shortlist(ranks, codes, size, per_cohort)
        for row in range(len(order)):
            kept: list[int] = []
            taken: dict[int, int] = {}
            for candidate in order[row]:
                cohort = int(codes[candidate])
                room = per_cohort is None or taken.get(cohort, 0) < per_cohort
                assert eligible[row, candidate] == room
                if room:
                    taken[cohort] = taken.get(cohort, 0) + 1
                    if len(kept) < size:
                        kept.append(int(candidate))
            assert sorted(np.flatnonzero(chosen[row]).tolist()) == sorted(kept)


@pytest.mark.parametrize("per_cohort", [1, 2, None])
def test_p_shortlist_counts_the_shortlist_shown_in_each_draw(per_cohort):
    table = random_cohorts(count=10, criteria=3, seed=6)
    criteria = plain_criteria(3)
    result = rank_acceptability(
        table, criteria=criteria, draws=60, size=3, seed=9, spread=0.5, per_cohort=per_cohort
    )
    # The documented sampler, one draw at a time, each ranked and shortlisted by the
    # DataFrame functions.
    rng = np.random.default_rng(9)
    draws = rng.dirichlet(np.full(3, 1 / 3) * (1 / 0.5**2 - 1), size=60)
    counts = dict.fromkeys(table["candidate"], 0)
    for draw in draws:
        scored = score_priorities(table, criteria=criteria, weights=draw)
        for candidate in shortlist(scored, size=3, per_cohort=per_cohort)["candidate"]:
            counts[candidate] += 1
    expected = np.array([counts[c] for c in result.candidates]) / 60
    assert_array_equal(result.p_shortlist, expected)
    assert ((result.p_shortlist > 0) & (result.p_shortlist < 1)).any()  # the weights matter
    assert result.p_shortlist.sum() == pytest.approx(3.0)  # five cohorts: always 3 items
    assert result.per_cohort == per_cohort
    assert result.cohort_columns == ("segment",)


@pytest.mark.parametrize("method", ["weighted_sum", "topsis"])
def test_p_shortlist_is_exactly_the_shortlist_under_a_degenerate_weighting(method):
    table = random_cohorts(count=12, criteria=3, seed=2)
    criteria = plain_criteria(3)
    weights = [0.0, 1.0, 0.0]  # Dirichlet keeps zero weights at zero: every draw is this
    result = rank_acceptability(
        table, criteria=criteria, weights=weights, method=method, draws=400, seed=3
    )
    scored = score_priorities(table, criteria=criteria, weights=weights, method=method)
    shown = set(shortlist(scored)["candidate"])
    assert len(shown) == 5
    # The plain top 5 is not the shortlist here: some cohort has two of them.
    assert set(scored["candidate"].head(5)) != shown
    p = dict(zip(result.candidates, result.p_shortlist.tolist(), strict=True))
    assert {c for c, value in p.items() if value == 1.0} == shown
    assert all(value == 0.0 for c, value in p.items() if c not in shown)


def test_the_scoring_model_shortlists_like_the_dataframe_path():
    table = random_cohorts(count=14, criteria=3, seed=8)
    criteria = plain_criteria(3)
    model = ScoringModel(table, criteria=criteria)
    for weights in ([1, 2, 3], [5, 0, 1], None):
        fast = [model.candidates[i] for i in model.shortlisted(weights, size=4)]
        scored = score_priorities(table, criteria=criteria, weights=weights)
        assert fast == shortlist(scored, size=4)["candidate"].tolist()


def test_weight_to_enter_follows_the_per_cohort_rule():
    table = random_cohorts(count=10, criteria=3, seed=5)
    criteria = plain_criteria(3)
    raw = np.array([1.0, 2.0, 1.5])
    model = ScoringModel(table, criteria=criteria)
    size = 3

    def member(candidate, column, value):
        weights = raw.copy()
        weights[column] = value
        chosen = [model.candidates[i] for i in model.shortlisted(weights, size=size)]
        return candidate in chosen

    checked = 0
    for candidate in model.candidates:
        for column, name in enumerate(model.names):
            change = weight_to_enter(
                table, candidate=candidate, criterion=name, criteria=criteria,
                weights=raw, size=size,
            )  # fmt: skip
            now = member(candidate, column, raw[column])
            assert change.in_shortlist == now
            if change.required_weight is None:
                assert all(member(candidate, column, t) == now for t in np.linspace(0, 60, 301))
                continue
            target = change.required_weight
            step = 1e-6 * max(1.0, target)
            beyond = target + step if target > raw[column] else target - step
            assert member(candidate, column, beyond) != now
            between = np.linspace(raw[column], target, 40)[1:-1]
            between = between[np.abs(between - target) > 2e-6 * max(1.0, target)]
            assert all(member(candidate, column, t) == now for t in between)
            checked += 1
    assert checked > 5


# --- the demo's shortlist ---------------------------------------------------------------


def test_demo_shortlist_leaves_out_definitional_candidates(hand_model):
    result = demo_shortlist(cohort_cube(), outcomes=OUTCOMES, draws=300, seed=2, model=hand_model)
    excluded = result.attrs["excluded"]
    assert set(excluded["candidate"]) == {"alpha/emergency_admissions", "omega/deaths"}
    assert not set(result["candidate"]) & set(excluded["candidate"])
    segments = result["candidate"].str.split("/").str[0]
    assert segments.is_unique and len(result) == 3
    # p_shortlist follows the same one-per-cohort rule: three cohorts, three places.
    acceptability = result.attrs["acceptability"]
    assert acceptability.p_shortlist.sum() == pytest.approx(3.0)
    assert (result["p_shortlist"] == 1.0).all()
    assert result["label"].str.contains("'Dying'|'Admitted'|'Everyone else'").all()


@pytest.mark.slow
def test_demo_system_shortlist_has_distinct_cohorts_and_no_tautologies():
    from toolkit.data import make_demo_system
    from toolkit.segment import build_cube

    system = make_demo_system(persons=30_000, seed=3)
    cube = build_cube(system.persons, model=load_rules("bridges_to_health"))
    result = demo_shortlist(cube, draws=1_000, seed=1)
    segments = result["candidate"].str.split("/").str[0]
    assert len(result) == 5 and segments.is_unique
    tautologies = {
        "end_of_life/deaths",
        "limited_reserve/emergency_admissions",
        "acutely_ill/emergency_admissions",
        "acutely_ill/ae_attendances",
    }
    excluded = result.attrs["excluded"]
    defined = excluded.loc[excluded["reason"] == "the segment is defined by this outcome"]
    assert set(defined["candidate"]) == tautologies
    assert not set(result["candidate"]) & tautologies
    assert result["p_shortlist"].between(0, 1).all()
    assert result.attrs["acceptability"].p_shortlist.sum() == pytest.approx(5.0)
    assert cube_criteria(result.attrs["candidates"])  # the criteria are still declared
