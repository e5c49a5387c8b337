"""Inequality summaries of a cube: rates by decile, gaps, excess events, Core20, profile."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import esp_weights, make_cube
from numpy.testing import assert_allclose

from toolkit.data.contract import ESP2013_BANDS
from toolkit.errors import DataContractError
from toolkit.indicators import (
    DeprivationProfile,
    ExcludedRowsWarning,
    core20_share,
    deprivation_gap,
    deprivation_profile,
    directly_standardised_rate,
    excess_events,
    rate_by_deprivation,
)

matplotlib.use("Agg")


def test_rate_by_deprivation_aggregates_other_dimensions():
    cube = make_cube(places=2)
    result = rate_by_deprivation(cube, events="emergency_admissions")
    assert list(result["imd_decile"]) == list(range(1, 11))
    summed = cube.groupby(["imd_decile", "age_band"], as_index=False)[
        ["emergency_admissions", "persons"]
    ].sum()
    expected = directly_standardised_rate(
        summed,
        events="emergency_admissions",
        population="persons",
        age_band="age_band",
        by="imd_decile",
    )
    assert_allclose(result["value"], expected["value"], rtol=1e-12)
    quintiles = rate_by_deprivation(cube, events="emergency_admissions", quintiles=True, by="place")
    assert list(quintiles.columns[:2]) == ["place", "imd_quintile"]
    assert list(quintiles["imd_quintile"]) == [1, 2, 3, 4, 5] * 2


def test_missing_deciles_are_counted_and_reported():
    cube = make_cube(places=1)
    cube.loc[cube.index[:3], "imd_decile"] = np.nan
    left_out = cube.loc[cube.index[:3], "emergency_admissions"].sum()
    with pytest.warns(ExcludedRowsWarning, match=rf"left out 3 rows .*{left_out:,} in"):
        result = rate_by_deprivation(cube, events="emergency_admissions")
    assert result["events"].sum() == cube["emergency_admissions"].sum() - left_out


@pytest.mark.parametrize(
    "summary",
    [rate_by_deprivation, deprivation_gap, excess_events, core20_share, deprivation_profile],
    ids=lambda f: f.__name__,
)
def test_a_bad_count_after_rows_left_out_is_named_by_the_users_row(summary):
    # Rows without a decile are left out before the counts are checked; the row at fault
    # is still named as it stands in the table given (position 10: row 12 of a spreadsheet).
    cube = make_cube(places=1)
    cube.loc[cube.index[:3], "imd_decile"] = np.nan
    cube.loc[cube.index[10], "emergency_admissions"] = -1
    with warnings.catch_warnings(), pytest.raises(DataContractError) as error:
        warnings.simplefilter("ignore", ExcludedRowsWarning)
        summary(cube, events="emergency_admissions")
    assert "1 row (12)" in str(error.value)
    assert error.value.failures["example_rows"].tolist() == [[12]]


@pytest.mark.parametrize(
    "summary",
    [rate_by_deprivation, deprivation_gap, excess_events, core20_share, deprivation_profile],
    ids=lambda f: f.__name__,
)
def test_excluded_rows_warning_points_at_the_callers_line(summary):
    cube = make_cube(places=1)
    cube.loc[cube.index[:2], "imd_decile"] = np.nan
    options = {"reps": 1_000, "seed": 1} if summary is deprivation_profile else {}
    with pytest.warns(ExcludedRowsWarning) as record:
        summary(cube, events="emergency_admissions", **options)
    assert len(record) == 1
    assert record[0].filename == __file__


def test_deprivation_gap():
    cube = make_cube(places=1)
    gap = deprivation_gap(cube, events="emergency_admissions").iloc[0]
    rates = rate_by_deprivation(cube, events="emergency_admissions", quintiles=True)
    most, least = rates["value"].iloc[0], rates["value"].iloc[-1]
    assert (gap["most_deprived"], gap["least_deprived"]) == (1, 5)
    assert_allclose(gap["absolute_gap"], most - least, rtol=1e-12)
    assert_allclose(gap["relative_gap"], most / least, rtol=1e-12)
    assert gap["absolute_gap"] > 0  # the made-up cube has more admissions in deprived areas


def _tiny_cube():
    # two deciles, two bands; decile 10 is the reference
    return pd.DataFrame(
        {
            "imd_decile": [1, 1, 10, 10, 5, 5],
            "age_band": ["0-4", "90+", "0-4", "90+", "0-4", "90+"],
            "persons": [100, 50, 200, 100, 100, 100],
            "emergency_admissions": [10, 20, 10, 20, 2, 10],
            "cost_gbp": [1000.0, 3000.0, 900.0, 2100.0, 200.0, 1000.0],
        }
    )


def test_excess_events_by_hand():
    cube = _tiny_cube()
    result = excess_events(cube, events="emergency_admissions", cost="cost_gbp")
    assert list(result["imd_decile"]) == [1, 5, 10]
    # reference rates (decile 10): 0-4: 10/200 = 0.05, 90+: 20/100 = 0.2
    expected = np.array([100 * 0.05 + 50 * 0.2, 100 * 0.05 + 100 * 0.2, 30.0])
    assert_allclose(result["expected"], expected)
    assert_allclose(result["excess"], [30 - 15, 12 - 25, 0.0])
    assert_allclose(result["excess_cost"], [15 * 4000 / 30, -13 * 1200 / 12, 0.0])
    assert set(result["reference_quantiles"]) == {"10"}
    total = excess_events(cube, events="emergency_admissions", cost="cost_gbp", level="total")
    row = total.iloc[0]
    assert_allclose(row["excess_net"], 15 - 13)
    assert_allclose(row["excess_positive"], 15)
    assert_allclose(row["excess_cost_positive"], 2000.0)
    assert_allclose(row["excess_cost_net"], 2000.0 - 1300.0)
    unit = excess_events(cube, events="emergency_admissions", unit_cost=100.0, level="total")
    assert_allclose(unit["excess_cost_positive"], 1500.0)


def test_excess_events_best_two_pools_the_lowest_rates():
    cube = _tiny_cube()
    result = excess_events(cube, events="emergency_admissions", reference="best_two")
    # DSRs: decile 5 is lowest, then decile 10; pooled 0-4: 12/300, 90+: 30/200
    assert set(result["reference_quantiles"]) == {"5, 10"}
    rates = {"0-4": 12 / 300, "90+": 30 / 200}
    assert_allclose(result["expected"].iloc[0], 100 * rates["0-4"] + 50 * rates["90+"], rtol=1e-12)
    pooled = result[result["imd_decile"].isin([5, 10])]["excess"].sum()
    assert_allclose(pooled, 0.0, atol=1e-12)


def test_excess_band_without_reference_is_counted():
    cube = _tiny_cube()
    cube = pd.concat(
        [cube, pd.DataFrame({"imd_decile": [1], "age_band": ["45-49"], "persons": [10],
                             "emergency_admissions": [3], "cost_gbp": [0.0]})],
        ignore_index=True,
    )  # fmt: skip
    result = excess_events(cube, events="emergency_admissions")
    first = result.iloc[0]
    assert first["bands_without_reference"] == 1
    assert_allclose(first["expected"], 15 + 3)
    assert "no reference rate" in first["note"]


def test_core20_share():
    cube = make_cube(places=2)
    result = core20_share(cube, events="emergency_admissions", by="place")
    for place, row in result.set_index("place").iterrows():
        part = cube[cube["place"] == place]
        core = part["imd_decile"] <= 2
        assert row["core20_events"] == part.loc[core, "emergency_admissions"].sum()
        assert_allclose(
            row["event_share"],
            part.loc[core, "emergency_admissions"].sum() / part["emergency_admissions"].sum(),
        )
        assert_allclose(row["share_ratio"], row["event_share"] / row["population_share"])
    assert (result["share_ratio"] > 1).all()


def test_profile_summary_and_frames():
    cube = make_cube(places=1)
    profile = deprivation_profile(cube, cost="cost_gbp", reps=20_000, seed=4)
    assert isinstance(profile, DeprivationProfile)
    sii = profile.sii.iloc[0]
    assert sii["sii"] < 0 and sii["rii"] < 1  # admissions higher in deprived areas
    text = profile.summary()
    assert "Emergency admissions: age-standardised rate per 100,000" in text
    assert f"{sii['sii']:,.1f}" in text
    excess = profile.excess_total.iloc[0]["excess_positive"]
    assert f"{excess:,.0f}" in text
    assert "negative SII (RII below 1) means higher rates in more deprived areas" in text
    frame = profile.to_frame()
    assert list(frame["imd_decile"]) == list(range(1, 11))
    assert {"value", "lower_95", "upper_95", "note", "expected", "excess", "excess_cost"} <= set(
        frame
    )
    assert "<table" in profile._repr_html_()
    ax = profile.plot()
    assert "SII" in ax.get_title()
    # the SII input rates are the DSRs shown
    assert_allclose(frame["value"], profile.rates["value"])


def test_dsr_of_rates_uses_esp_weights():
    # one decile, one band: the DSR is the band's crude rate whatever the weight
    cube = pd.DataFrame(
        {"imd_decile": [1], "age_band": [ESP2013_BANDS[4]], "persons": [1000],
         "emergency_admissions": [50]}
    )  # fmt: skip
    result = rate_by_deprivation(cube, events="emergency_admissions")
    assert_allclose(result["value"], 5000.0)
    assert esp_weights().sum() == 100_000
