"""Mends from an independent statistician's walk through the indicators.

A least deprived quintile stood in for is noted; a death rate too high for the life table
refuses the group (no q above 1, no negative variance, no RuntimeWarning); life expectancy
keeps the groups' input order; ``method`` names the limits actually used; an SII of equal
values is 0.0, not -0.0.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import LE_DEATHS, LE_POPULATION, LIFE_TABLE_BANDS, make_cube

from toolkit.indicators import (
    crude_rate,
    deprivation_gap,
    directly_standardised_rate,
    life_expectancy,
    life_expectancy_gap_by_cause,
    slope_index_of_inequality,
)
from toolkit.indicators.life_expectancy import LifeExpectancyWarning

TOO_HIGH = "too high for the life table"


# --- deprivation_gap: a missing least deprived quintile is noted -----------------------------
def test_gap_notes_a_missing_quintile_5_as_it_notes_a_missing_quintile_1():
    cube = make_cube(places=1)
    without_5 = deprivation_gap(cube[cube["imd_decile"] <= 8], events="emergency_admissions")
    row = without_5.iloc[0]
    assert row["least_deprived"] == 4
    assert row["note"] == "no quintile 5 (least deprived) in the data; compared quintile 4"
    without_1 = deprivation_gap(cube[cube["imd_decile"] >= 3], events="emergency_admissions")
    assert without_1["note"].iloc[0] == (
        "no quintile 1 (most deprived) in the data; compared quintile 2"
    )
    whole = deprivation_gap(cube, events="emergency_admissions")
    assert whole["note"].iloc[0] == ""


def test_gap_of_deciles_compares_the_highest_present_without_a_note():
    # quintiles=False: the highest quantile present is the least deprived by definition
    cube = make_cube(places=1)
    gap = deprivation_gap(
        cube[cube["imd_decile"] <= 8], events="emergency_admissions", quintiles=False
    )
    assert gap["least_deprived"].iloc[0] == 8 and gap["note"].iloc[0] == ""


# --- life expectancy: a death rate too high for a 5-year band ---------------------------------
def _table(deaths, population, **extra):
    return pd.DataFrame({"band": LIFE_TABLE_BANDS, "D": deaths, "P": population, **extra})


def _quiet_le(data, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = life_expectancy(data, deaths="D", population="P", age_band="band", **options)
    return result, caught


# 85-89: 37 deaths in 60 people, n·M = 3.08 > 2, so q = nM/(1 + nM/2) = 1.21 > 1
HIGH_POPULATION = [300, 1200] + [1500] * 10 + [1200, 1000, 800, 600, 450, 300, 60, 60]
HIGH_DEATHS = [2, 0, 0, 0, 0, 0, 1, 1, 1, 2, 3, 4, 6, 8, 12, 18, 25, 35, 37, 20]


@pytest.mark.parametrize("suppression", ["ohid", "by_age"])
def test_a_rate_too_high_for_the_life_table_refuses_the_group(suppression):
    assert sum(HIGH_POPULATION) > 5_000  # published but for the rate
    result, caught = _quiet_le(
        _table(HIGH_DEATHS, HIGH_POPULATION), at_age=None, suppression=suppression
    )
    for column in ("value", "standard_error", "lower_95", "upper_95"):
        assert result[column].isna().all(), column
    expected = (
        "not calculated: the death rate in band(s) 85-89 is too high for the life table "
        "(at that rate everyone in the band would die before its end)"
    )
    assert (result["note"] == expected).all()
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    counted = [w for w in caught if issubclass(w.category, LifeExpectancyWarning)]
    assert len(counted) == 1 and "1 of 1 group(s)" in str(counted[0].message)


def test_a_rate_just_below_the_limit_is_calculated():
    # 29 deaths in 150 people: a·n·M = 0.97 < 1, q < 1, a valid table
    deaths = HIGH_DEATHS[:18] + [29, 20]
    population = HIGH_POPULATION[:18] + [150, 60]
    result, caught = _quiet_le(_table(deaths, population), at_age=[0, 85])
    assert result["value"].notna().all() and (result["note"] == "").all()
    assert not caught


def test_only_the_bad_group_is_refused_and_notes_about_limits_are_true():
    # the statistician's case: a small district (5,001 people) whose 85-89 rate gives a
    # negative variance; it said "limits shown" beside NaN limits
    good = _table(LE_DEATHS, LE_POPULATION, area="good")
    bad = _table(HIGH_DEATHS, HIGH_POPULATION, area="bad")
    result, caught = _quiet_le(pd.concat([good, bad]), by="area", at_age=None)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    assert result.loc[result["area"] == "good", "value"].notna().all()
    assert result.loc[result["area"] == "bad", "note"].str.contains(TOO_HIGH).all()
    shown = result["note"].str.contains("limits shown")
    assert result.loc[shown, ["lower_95", "upper_95"]].notna().all().all()


def test_a_small_group_keeps_its_population_note():
    # total population 5,000 or fewer: not published for that reason first, as the package
    population = [p // 5 for p in HIGH_POPULATION]  # 4,194 people
    deaths = [-(-d // 5) for d in HIGH_DEATHS]  # 85-89: 8 deaths in 12 people, too high
    result, caught = _quiet_le(_table(deaths, population))
    assert result["note"].iloc[0].startswith("not published: total population")
    assert not [w for w in caught if issubclass(w.category, LifeExpectancyWarning)]


def test_arriaga_does_not_decompose_a_table_with_a_rate_too_high():
    rows = []
    for quintile, deaths in ((1, HIGH_DEATHS), (5, LE_DEATHS)):
        population = HIGH_POPULATION if quintile == 1 else LE_POPULATION
        for band, d, p in zip(LIFE_TABLE_BANDS, deaths, population, strict=True):
            rows.append({"q": quintile, "band": band, "cause": "all", "deaths": d, "population": p})
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        result = life_expectancy_gap_by_cause(
            pd.DataFrame(rows),
            deaths="deaths",
            population="population",
            age_band="band",
            cause="cause",
            quantile="q",
            quintiles=False,
        )
    assert result["gap"].isna().all()
    expected = "most deprived quantile: the death rate in band(s) 85-89"
    assert result["note"].str.contains(expected, regex=False).all()
    assert result["note"].str.contains(TOO_HIGH).all()


# --- life expectancy keeps the groups' input order -------------------------------------------
def test_life_expectancy_groups_keep_their_input_order():
    frames = [_table(LE_DEATHS, LE_POPULATION, g=name) for name in ("z", "a", "m")]
    result, _ = _quiet_le(pd.concat(frames), by="g")
    assert list(result["g"]) == ["z", "a", "m"]
    # with several ages each group's rows stay together, in input order
    result, _ = _quiet_le(pd.concat(frames[::-1]), by="g", at_age=[0, 65])
    assert list(result["g"]) == ["m", "m", "a", "a", "z", "z"]
    assert list(result["age_band"]) == ["0", "65-69"] * 3


# --- method column ----------------------------------------------------------------------------
def test_crude_rate_names_no_method_where_the_events_are_missing():
    data = pd.DataFrame({"g": ["a", "b", "c"], "x": [np.nan, 3, 30], "n": [100, 100, 100]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = crude_rate(data, events="x", population="n", by="g")
    assert pd.isna(result["method"].iloc[0]) and math.isnan(result["value"].iloc[0])
    assert list(result["method"].iloc[1:]) == ["exact Poisson", "Byar"]


@pytest.mark.parametrize(
    ("independent", "suffix"), [(True, ""), (False, ", non-independent events")]
)
def test_dsr_method_names_the_poisson_limits_used(independent, suffix):
    data = pd.DataFrame(
        {
            "g": ["none", "none", "few", "few", "many", "many"],
            "band": ["0-4", "5-9"] * 3,
            "x": [0, 0, 3, 4, 30, 25],
            "n": [1000] * 6,
            "f": [1] * 6,
        }
    )
    options = {} if independent else {"independent_events": False, "event_frequency": "f"}
    result = directly_standardised_rate(
        data, events="x", population="n", age_band="band", by="g", **options
    ).set_index("g")
    assert result.loc["none", "method"] == "Dobson (exact Poisson)" + suffix
    assert result.loc["few", "method"] == "Dobson (exact Poisson)" + suffix
    assert result.loc["many", "method"] == "Dobson (Byar)" + suffix
    assert result.loc[["none", "few"], "value"].isna().all()


# --- SII of equal values ----------------------------------------------------------------------
@pytest.mark.parametrize("multiplier", [1.0, -1.0])
@pytest.mark.parametrize("value", [80.0, 80.1])
def test_sii_of_equal_values_is_zero_not_minus_zero(value, multiplier):
    data = pd.DataFrame(
        {
            "q": np.arange(1, 11),
            "pop": [9_000, 11_000, 10_500, 9_800, 10_200, 12_000, 8_700, 10_000, 9_900, 11_300],
            "v": value,
            "lo": value - 2,
            "hi": value + 2,
        }
    )
    result = slope_index_of_inequality(
        data,
        value="v",
        quantile="q",
        population="pop",
        lower="lo",
        upper="hi",
        multiplier=multiplier,
        seed=1,
        reps=1_000,
    ).iloc[0]
    assert result["sii"] == 0.0 and not np.signbit(result["sii"])
    assert result["rii"] == 1.0
    assert f"{result['sii']:.1f}" == "0.0"
