"""A decile with rows but no people is one the profile does not have (issue 14).

``deprivation_profile`` counted every decile present in the cube, even one whose rows held
no one: such a decile got a rate row ("n/a", "no population"), an excess of 0, a share of
the SII's 5 deciles, and it made the SII "not calculated" for missing values instead of
saying that too few deciles have people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import make_cube

from toolkit.errors import DataContractError
from toolkit.indicators import deprivation_profile
from toolkit.indicators.profile import empty_deciles_note

#: The deciles of the walk-through's five real LSOAs: the others are kept, with no one.
FEW = [4, 5, 8, 10]
OPTIONS = {"unit_cost": 1500.0, "reps": 1_000, "seed": 3}


def _emptied(cube: pd.DataFrame, deciles) -> pd.DataFrame:
    """The cube with every count of these deciles' rows set to 0 (the rows are kept)."""
    cube = cube.copy()
    empty = cube["imd_decile"].isin(deciles)
    for column in ("persons", "deaths", "emergency_admissions", "cost_gbp"):
        cube.loc[empty, column] = 0
    return cube


def test_empty_deciles_are_left_out_as_absent_ones_are():
    cube = make_cube(places=1)
    empty = [d for d in range(1, 11) if d not in FEW]
    profile = deprivation_profile(_emptied(cube, empty), **OPTIONS)
    absent = deprivation_profile(cube[cube["imd_decile"].isin(FEW)], **OPTIONS)
    assert profile.empty_deciles == tuple(empty)
    assert absent.empty_deciles == ()
    # No decile without people is given a rate, an excess or a place on the SII's slope.
    assert list(profile.rates[profile.quantile]) == FEW
    assert list(profile.excess[profile.quantile]) == FEW
    assert "no population" not in set(profile.rates["note"])
    assert profile.sii["quantiles"].iloc[0] == 4
    assert profile.sii["note"].iloc[0] == (
        "only 4 of the 10 IMD deciles have people, deciles 4, 5, 8 and 10; "
        "the SII and RII need 5 or more"
    )
    # Otherwise the same profile as of a cube without those rows; public columns unchanged.
    pd.testing.assert_frame_equal(profile.to_frame(), absent.to_frame())
    pd.testing.assert_frame_equal(profile.excess_total, absent.excess_total)
    pd.testing.assert_frame_equal(profile.core20, absent.core20)
    assert list(profile.rates.columns) == list(absent.rates.columns)


def test_the_summary_names_the_deciles_left_out():
    profile = deprivation_profile(_emptied(make_cube(places=1), [1, 2]), **OPTIONS)
    summary = profile.summary()
    assert (
        "IMD deciles 1 and 2 have no people (population 0), so they have no rate and are "
        "left out." in summary
    )
    assert "n/a" not in summary and "nan" not in summary.lower()
    assert "IMD deciles 1 and 2 have no people" in profile._repr_html_()
    # With 8 deciles of people the SII is worked out, on those 8.
    assert profile.sii["quantiles"].iloc[0] == 8
    assert np.isfinite(profile.sii["sii"].iloc[0])
    assert empty_deciles_note([7]) == (
        "IMD decile 7 has no people (population 0), so it has no rate and is left out."
    )
    full = deprivation_profile(make_cube(places=1), **OPTIONS)
    assert full.empty_deciles == () and "have no people" not in full.summary()


def test_a_zero_population_decile_with_people_elsewhere_in_its_rows_is_kept():
    # Some rows of a decile with no one (an age band, a sex) do not empty the decile.
    cube = make_cube(places=1)
    rows = cube.index[(cube["imd_decile"] == 3) & (cube["sex"] == "F")]
    cube.loc[rows, ["persons", "emergency_admissions", "deaths", "cost_gbp"]] = 0
    profile = deprivation_profile(cube, **OPTIONS)
    assert profile.empty_deciles == ()
    assert 3 in set(profile.rates[profile.quantile])


def test_a_cube_with_no_people_in_any_decile_is_refused_plainly():
    cube = make_cube(places=1)
    with pytest.raises(DataContractError, match="needs people in at least one decile"):
        deprivation_profile(_emptied(cube, range(1, 11)), **OPTIONS)
