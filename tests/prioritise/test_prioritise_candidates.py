"""Candidates from a hand-made cube whose criteria can be worked out on paper."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from toolkit.data.contract import ACTIVITY_COLUMNS, CUBE_DIMENSIONS
from toolkit.errors import DataContractError
from toolkit.prioritise import (
    candidate_priorities,
    cube_criteria,
    demo_shortlist,
    score_priorities,
)

DECILES = np.arange(1, 11)


def hand_cube() -> pd.DataFrame:
    """Two segments, one age band, ten deciles, each decile split over two places.

    alpha: 1,000 persons a decile; emergency admissions 200 - 10 (d - 1) in decile d;
    20 deaths a decile; cost £1,000 a head. beta: 500 persons a decile, 50 admissions,
    no deaths, £500 a head. Everything is split equally between places P and Q.
    """
    rows = []
    for segment, persons, admissions, deaths, cost in (
        ("alpha", 1000, 200 - 10 * (DECILES - 1), np.full(10, 20), 1000.0),
        ("beta", 500, np.full(10, 50), np.zeros(10, int), 500.0),
    ):
        for place in ("P", "Q"):
            for d in DECILES:
                rows.append(
                    {
                        "segment": segment, "age_band": "40-44", "sex": "F",
                        "imd_decile": int(d), "place": place, "persons": persons // 2,
                        "emergency_admissions": int(admissions[d - 1]) // 2,
                        "deaths": int(deaths[d - 1]) // 2, "cost_gbp": cost * persons / 2,
                    }
                )  # fmt: skip
    cube = pd.DataFrame(rows)
    assert set(CUBE_DIMENSIONS) <= set(cube.columns)
    return cube


OUTCOMES = ("emergency_admissions", "deaths", "cost_gbp")


def _candidates(**kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = candidate_priorities(hand_cube(), outcomes=OUTCOMES, **kwargs)
    return table.set_index("candidate"), caught


def test_criteria_by_hand():
    table, caught = _candidates(years=2.0)
    alpha = table.loc["alpha/emergency_admissions"]
    assert alpha["label"] == "Emergency admissions among people in the 'alpha' segment"
    assert alpha["persons"] == 10_000
    assert alpha["events_a_year"] == 775  # 1,550 over two years
    assert alpha["burden_share"] == pytest.approx(1550 / 2050)
    assert alpha["rate"] == pytest.approx(155 / 2)  # per 1,000 a year
    assert alpha["rate_unit"] == "per 1,000 people a year"
    assert alpha["rate_lower_95"] < alpha["rate"] < alpha["rate_upper_95"]
    assert alpha["system_rate"] == pytest.approx(2050 / 15_000 * 1000 / 2)
    assert alpha["rate_ratio"] == pytest.approx(155 / (2050 / 15))
    # rate = 205 - 100 b per 1,000 (b the population midpoint): SII -100, RII 105/205
    assert alpha["sii"] == pytest.approx(-100 / 2)
    assert alpha["rii"] == pytest.approx(105 / 205)
    assert alpha["relative_gap"] == pytest.approx(100 / 155)
    # excess: sum over deciles 1-9 of (events - 110) = 1,440 - 990 = 450 (over two years)
    assert alpha["excess_events_a_year"] == pytest.approx(450 / 2)
    assert alpha["excess_share"] == pytest.approx(450 / 1550)
    assert alpha["core20_share"] == pytest.approx(390 / 1550)
    assert alpha["cost_per_head"] == pytest.approx(1000 / 2)
    assert alpha["excess_cost_a_year"] == pytest.approx(0.0)
    beta = table.loc["beta/emergency_admissions"]
    assert beta["sii"] == pytest.approx(0.0, abs=1e-9)
    assert beta["excess_share"] == 0.0
    assert beta["core20_share"] == pytest.approx(0.2)
    cost = table.loc["alpha/cost_gbp"]
    assert cost["rate"] == pytest.approx(500.0)  # £ per person a year
    assert cost["rate_unit"] == "£ per person a year"
    assert np.isnan(cost["rate_lower_95"])
    # beta has no deaths: not a candidate, and said so
    assert "beta/deaths" not in table.index
    assert any("1 of 6 candidates could not be assessed" in str(w.message) for w in caught)


def test_excluded_candidates_are_listed_with_the_reason():
    with pytest.warns(UserWarning, match="1 of 6 candidates"):
        table = candidate_priorities(hand_cube(), outcomes=OUTCOMES)
    excluded = table.attrs["excluded"]
    assert excluded["candidate"].tolist() == ["beta/deaths"]
    assert excluded["reason"].tolist() == ["fewer than 10 events"]


def test_quintile_split():
    table, _ = _candidates()
    quintiles, _ = _candidates(within="quintile")
    first = quintiles.loc["alpha/q1/emergency_admissions"]
    assert first["label"].endswith("in the most deprived fifth")
    assert first["events"] == 390
    assert first["excess_events_a_year"] == pytest.approx(170)  # (200 - 110) + (190 - 110)
    assert first["core20_share"] == 1.0
    assert quintiles.loc["alpha/q2/emergency_admissions", "core20_share"] == 0.0
    assert first["sii"] == pytest.approx(table.loc["alpha/emergency_admissions", "sii"])
    total = quintiles.filter(like="alpha/q", axis=0).query("outcome == 'emergency_admissions'")
    assert total["events"].sum() == 1550


def test_place_split_and_benchmark():
    benchmark = pd.DataFrame({"outcome": list(OUTCOMES), "rate": [100.0, 10.0, 800.0]})
    places, _ = _candidates(within="place", benchmark=benchmark)
    row = places.loc["alpha/P/emergency_admissions"]
    assert row["label"].endswith(" in P")
    assert row["events"] == 775
    assert row["benchmark_rate"] == 100.0
    assert row["benchmark_gap"] == pytest.approx(155 / 100 - 1)
    assert "benchmark_gap" in [c.name for c in cube_criteria(places.reset_index())]
    with pytest.raises(DataContractError, match="no positive rate for"):
        candidate_priorities(hand_cube(), outcomes=OUTCOMES, benchmark=benchmark.iloc[:1])


def test_a_benchmark_with_the_old_rate_column_still_works_with_a_warning():
    benchmark = pd.DataFrame({"outcome": list(OUTCOMES), "rate": [100.0, 10.0, 800.0]})
    expected, _ = _candidates(benchmark=benchmark)
    # A benchmark written with the column's old name is read, with a FutureWarning
    # pointing at the caller's line.
    old = benchmark.rename(columns={"rate": "standardised_rate"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.warns(FutureWarning, match="'standardised_rate' is now called 'rate'") as got:
            table = candidate_priorities(hand_cube(), outcomes=OUTCOMES, benchmark=old)
    assert [w.filename for w in got if w.category is FutureWarning] == [__file__]
    pd.testing.assert_frame_equal(table, expected.reset_index())
    assert table["benchmark_gap"].notna().all()
    both = old.assign(rate=old["standardised_rate"])
    with pytest.raises(DataContractError, match="both 'rate' and 'standardised_rate'"):
        candidate_priorities(hand_cube(), outcomes=OUTCOMES, benchmark=both)


def test_candidates_score_and_input_is_unchanged():
    cube = hand_cube()
    before = cube.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        table = candidate_priorities(cube, outcomes=OUTCOMES)
    pd.testing.assert_frame_equal(cube, before)
    scored = score_priorities(table, criteria=cube_criteria(table))
    assert scored["rank"].tolist() == list(range(1, len(table) + 1))
    assert scored["candidate"].iloc[0].startswith("alpha/")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"outcomes": ("smiles",)}, ValueError, "'outcomes' parameter of candidate_priorities"),
        ({"outcomes": "deaths"}, TypeError, "'outcomes' parameter"),
        ({"within": "ward"}, ValueError, "'within' parameter .* Got 'ward'"),
        ({"years": 0}, ValueError, r"'years' parameter .* range \(0, inf\)"),
        ({"min_events": -1}, ValueError, "'min_events'"),
    ],
)
def test_bad_options_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        candidate_priorities(hand_cube(), **kwargs)


def test_bad_cubes_are_refused():
    with pytest.raises(
        DataContractError,
        match=r"column 'persons' is missing; a cube from toolkit\.segment\.build_cube ",
    ):
        candidate_priorities(hand_cube().drop(columns="persons"), outcomes=OUTCOMES)
    negative = hand_cube()
    negative.loc[3, "deaths"] = -1
    with pytest.raises(DataContractError, match=r"column 'deaths': 1 row is below 0 \(row 5: -1\)"):
        candidate_priorities(negative, outcomes=OUTCOMES)


def test_a_cube_is_refused_by_the_contracts_own_rules_in_the_readers_words():
    # The cube's value rules are declared once (toolkit.data.value_rules): the candidates
    # refuse what validate_cube refuses, worded alike, with spreadsheet rows.
    from toolkit.data import validate_cube

    bad = hand_cube()
    bad["deaths"] = bad["deaths"].astype(object)
    bad.loc[1, "deaths"] = "many"
    bad.loc[2, "persons"] = None
    bad["imd_decile"] = bad["imd_decile"].astype("float64")
    bad.loc[3, "imd_decile"] = 2.5
    bad.loc[4, "deaths"] = bad.loc[4, "persons"] + 1
    with pytest.raises(DataContractError) as refused:
        candidate_priorities(bad, outcomes=OUTCOMES)
    failures = refused.value.failures
    found = set(zip(failures["column"], failures["check"], strict=True))
    assert {
        ("deaths", "whole_number"),
        ("persons", "not_blank"),
        ("imd_decile", "whole_number"),
        ("deaths", "deaths_at_most_persons"),
    } <= found
    message = str(refused.value)
    assert "column 'deaths': 1 row is not a whole number (row 3: 'many')." in message
    assert "column 'persons': 1 row is blank (row 4)." in message
    with pytest.raises(DataContractError) as by_the_readers:
        validate_cube(bad)
    readers = by_the_readers.value.failures
    assert ("deaths", "deaths_at_most_persons") in set(
        zip(readers["column"], readers["check"], strict=True)
    )


def test_demo_shortlist_has_reasons_and_probabilities():
    # per_cohort=None: the plain top 3 (the hand cube has only two segments).
    result = demo_shortlist(
        hand_cube(), outcomes=OUTCOMES, size=3, draws=500, seed=1, per_cohort=None
    )
    assert list(result.columns) == [
        "position", "candidate", "label", "score", "p_shortlist", "reason", "related",
        "overall_rank",
    ]  # fmt: skip
    assert len(result) == 3
    assert ((result["p_shortlist"] >= 0) & (result["p_shortlist"] <= 1)).all()
    assert result["reason"].str.startswith("Largest contributions: ").all()
    assert result.attrs["excluded"]["candidate"].tolist() == ["beta/deaths"]
    assert_allclose(result.attrs["acceptability"].probabilities.sum(axis=1), 1.0)
    # The default keeps one candidate per cohort: the two segments, each once.
    distinct = demo_shortlist(hand_cube(), outcomes=OUTCOMES, size=3, draws=500, seed=1)
    assert distinct["candidate"].str.split("/").str[0].tolist() == ["alpha", "beta"]
    assert distinct["position"].tolist() == [1, 2]  # places in the shortlist
    # alpha's three candidates are the plain top 3 (above): two are folded into alpha's item.
    assert result["candidate"].str.startswith("alpha/").all()
    assert distinct["overall_rank"].tolist() == [1, 4]
    assert distinct["related"].iloc[0].count("'alpha' segment") == 2


def test_every_activity_of_the_contract_is_an_outcome():
    from toolkit.prioritise import OUTCOMES as KNOWN

    assert set(ACTIVITY_COLUMNS) | {"deaths", "cost_gbp"} == set(KNOWN)
