"""Life expectancy (Chiang II) and the Arriaga decomposition of the deprivation gap.

There are no published life-expectancy figures in the reference file, and none were found
in the methods' documentation; these tests check the toolkit against the Chiang II formula
(METHODS.md) worked independently here, one band at a time in plain Python.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import (
    LE_DEATHS,
    LE_POPULATION,
    LIFE_TABLE_BANDS,
    deaths_by_cause_frame,
    life_table_frame,
)
from numpy.testing import assert_allclose

from toolkit.indicators import life_expectancy, life_expectancy_gap_by_cause

WIDTHS = [1, 4] + [5] * 17


def chiang_by_hand(deaths, population, z=1.959963984540054):
    """Chiang II life table worked band by band: (e_x, se_x) for every band start."""
    k = len(deaths)
    a = [0.1] + [0.5] * (k - 1)
    m = [d / p for d, p in zip(deaths, population, strict=True)]
    q = [WIDTHS[i] * m[i] / (1 + WIDTHS[i] * m[i] * (1 - a[i])) for i in range(k - 1)] + [1.0]
    lx = [100_000.0]
    for i in range(k - 1):
        lx.append(lx[i] * (1 - q[i]))
    dx = [lx[i] * q[i] for i in range(k)]
    big_l = [WIDTHS[i] * (lx[i + 1] + a[i] * dx[i]) for i in range(k - 1)] + [lx[-1] / m[-1]]
    tx = [sum(big_l[i:]) for i in range(k)]
    ex = [tx[i] / lx[i] for i in range(k)]
    terms = []
    for i in range(k - 1):
        var_q = q[i] ** 2 * (1 - q[i]) / deaths[i] if deaths[i] > 0 else 0.0
        terms.append(lx[i] ** 2 * ((1 - a[i]) * WIDTHS[i] + ex[i + 1]) ** 2 * var_q)
    # Silcocks: the open band's term is l^2 / M^4 * Var(M), Var(M) = D / P^2
    terms.append(lx[-1] ** 2 / m[-1] ** 4 * deaths[-1] / population[-1] ** 2)
    se = [math.sqrt(sum(terms[i:])) / lx[i] for i in range(k)]
    return ex, se, {"l": lx, "L": big_l, "T": tx}


def test_life_expectancy_matches_chiang_worked_by_hand():
    frame = pd.DataFrame(
        {"band": LIFE_TABLE_BANDS, "deaths": LE_DEATHS, "population": LE_POPULATION}
    )
    result = life_expectancy(
        frame, deaths="deaths", population="population", age_band="band", at_age=None
    )
    ex, se, _ = chiang_by_hand(LE_DEATHS, LE_POPULATION)
    assert list(result["age_band"]) == LIFE_TABLE_BANDS
    assert_allclose(result["value"], ex, rtol=1e-4)
    assert_allclose(result["standard_error"], se, rtol=1e-4)
    assert_allclose(result["lower_95"], np.array(ex) - 1.959963984540054 * np.array(se), rtol=1e-4)
    # sanity of the worked table itself: life expectancy at birth about 80 years
    assert 79 < ex[0] < 82
    assert (result["note"] == "").all()


def test_life_expectancy_by_group_and_at_ages():
    frame = life_table_frame(areas=2)
    result = life_expectancy(
        frame,
        deaths="deaths",
        population="population",
        age_band="age_band",
        by="area",
        at_age=[0, 65],
        confidence=(0.95, 0.998),
    )
    assert list(result["area"]) == ["A0", "A0", "A1", "A1"]
    assert list(result["age_band"]) == ["0", "65-69"] * 2
    for area, table in frame.groupby("area"):
        ex, _, _ = chiang_by_hand(list(table["deaths"]), list(table["population"]))
        ours = result[result["area"] == area]["value"].to_numpy()
        assert_allclose(ours, [ex[0], ex[14]], rtol=1e-4)
    assert (result["lower_99_8"] < result["lower_95"]).all()


def test_start_ages_and_shuffled_rows_are_accepted():
    frame = pd.DataFrame(
        {
            "start": [0, 1] + list(range(5, 95, 5)),
            "deaths": LE_DEATHS,
            "population": LE_POPULATION,
        }
    ).sample(frac=1, random_state=3)
    result = life_expectancy(frame, deaths="deaths", population="population", age_band="start")
    assert_allclose(
        result["value"].iloc[0], chiang_by_hand(LE_DEATHS, LE_POPULATION)[0][0], rtol=1e-9
    )


def test_suppression_rules_are_noted():
    small = pd.DataFrame(
        {
            "band": LIFE_TABLE_BANDS,
            "deaths": [max(1, d // 200) for d in LE_DEATHS],
            "population": [p // 200 for p in LE_POPULATION],
        }
    )
    # the toolkit's earlier rule (population aged x and over), pinned since issue 15
    result = life_expectancy(
        small, deaths="deaths", population="population", age_band="band", suppression="by_age"
    )
    assert np.isnan(result["value"].iloc[0])
    assert result["note"].iloc[0] == "not published: population aged 0+ is 5,000 or fewer"
    no_old_deaths = pd.DataFrame(
        {"band": LIFE_TABLE_BANDS, "deaths": LE_DEATHS[:-1] + [0], "population": LE_POPULATION}
    )
    result = life_expectancy(
        no_old_deaths, deaths="deaths", population="population", age_band="band"
    )
    assert np.isnan(result["value"].iloc[0])
    assert "no deaths in the 90+ band" in result["note"].iloc[0]


def test_missing_band_is_refused():
    frame = life_table_frame(areas=1).iloc[:-1]
    with pytest.raises(ValueError, match=r"all 20 life-table bands.*area='A0' lacks '90\+'"):
        # the earlier behaviour, pinned since issue 15 (the default now notes the group)
        life_expectancy(
            frame,
            deaths="deaths",
            population="population",
            age_band="age_band",
            by="area",
            invalid_groups="raise",
        )


def arriaga_by_hand(table_1, table_2):
    l1, l2, big_l1, big_l2, t1, t2 = (
        table_1["l"], table_2["l"], table_1["L"], table_2["L"], table_1["T"], table_2["T"]
    )  # fmt: skip
    k = len(l1)
    parts = []
    for x in range(k - 1):
        direct = l1[x] / l1[0] * (big_l2[x] / l2[x] - big_l1[x] / l1[x])
        indirect = t2[x + 1] / l1[0] * (l1[x] / l2[x] - l1[x + 1] / l2[x + 1])
        parts.append(direct + indirect)
    parts.append(l1[-1] / l1[0] * (t2[-1] / l2[-1] - t1[-1] / l1[-1]))
    return parts


def test_arriaga_parts_add_up_to_the_gap_and_match_by_hand():
    data = deaths_by_cause_frame()
    result = life_expectancy_gap_by_cause(
        data,
        deaths="deaths",
        population="population",
        age_band="age_band",
        cause="cause",
        by="sex",
    )
    assert set(result["sex"]) == {"F", "M"}
    for sex, table in result.groupby("sex"):
        assert_allclose(table["contribution"].sum(), table["gap"].iloc[0], rtol=1e-9)
        assert_allclose(table["share_of_gap"].sum(), 1.0, rtol=1e-9)
        # the two quintiles' own life tables, worked by hand
        subset = data[data["sex"] == sex].assign(quintile=lambda d: (d["imd_decile"] + 1) // 2)
        tables = {}
        for quintile in (1, 5):
            part = subset[subset["quintile"] == quintile]
            deaths = part.groupby("age_band", sort=False)["deaths"].sum()[LIFE_TABLE_BANDS]
            people = (
                part[part["cause"] == "other"].groupby("age_band", sort=False)["population"].sum()
            )[LIFE_TABLE_BANDS]
            tables[quintile] = chiang_by_hand(list(deaths), list(people))
        gap = tables[5][0][0] - tables[1][0][0]
        assert_allclose(table["gap"].iloc[0], gap, rtol=1e-9)
        assert_allclose(table["life_expectancy_most_deprived"].iloc[0], tables[1][0][0], rtol=1e-9)
        by_age = table.groupby("age_band", sort=False)["contribution"].sum()[LIFE_TABLE_BANDS]
        assert_allclose(by_age, arriaga_by_hand(tables[1][2], tables[5][2]), rtol=1e-9, atol=1e-12)
    assert (result["most_deprived"] == 1).all() and (result["least_deprived"] == 5).all()
    # causes with more excess deaths in the most deprived widen the gap most
    totals = result.groupby("cause")["contribution"].sum()
    assert totals["circulatory"] > 0


def test_arriaga_equal_mortality_gives_no_gap():
    data = deaths_by_cause_frame()
    same = data.copy()
    # give every decile the deaths of decile 1
    first = same[same["imd_decile"] == 1].set_index(["sex", "age_band", "cause"])["deaths"]
    same["deaths"] = first.reindex(
        pd.MultiIndex.from_frame(same[["sex", "age_band", "cause"]])
    ).to_numpy()
    result = life_expectancy_gap_by_cause(
        same, deaths="deaths", population="population", age_band="age_band", cause="cause", by="sex"
    )
    assert_allclose(result["gap"], 0.0, atol=1e-9)
    assert_allclose(result["contribution"], 0.0, atol=1e-9)


def test_arriaga_population_must_repeat_across_causes():
    data = deaths_by_cause_frame()
    data.loc[data.index[0], "population"] += 1
    with pytest.raises(ValueError, match="differs between the causes"):
        life_expectancy_gap_by_cause(
            data, deaths="deaths", population="population", age_band="age_band", cause="cause"
        )
