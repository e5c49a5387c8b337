"""A profile of people in fewer than 5 deciles says why it has no SII (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import make_cube

from toolkit.errors import DataContractError
from toolkit.indicators import deprivation_profile, slope_index_of_inequality

EVENTS = "emergency_admissions"
#: The deciles of the walk-through's five real LSOAs.
FEW = [4, 5, 8, 10]


def _few_deciles_cube() -> pd.DataFrame:
    cube = make_cube(places=1)
    return cube[cube["imd_decile"].isin(FEW)]


def test_profile_with_four_deciles_carries_not_calculated_with_the_reason():
    profile = deprivation_profile(_few_deciles_cube(), unit_cost=1500.0, reps=1_000, seed=3)
    row = profile.sii.iloc[0]
    assert np.isnan(row["sii"]) and np.isnan(row["rii"])
    assert row["quantiles"] == 4
    assert row["note"] == (
        "only 4 of the 10 IMD deciles have people, deciles 4, 5, 8 and 10; "
        "the SII and RII need 5 or more"
    )
    # The rest of the profile stands: rates, excess events and Core20 for the deciles it has.
    assert list(profile.rates[profile.quantile]) == FEW
    assert np.isfinite(profile.excess_total["excess_positive"].iloc[0])
    assert profile.core20["population_share"].iloc[0] == 0
    summary = profile.summary()
    assert "Slope index of inequality: not calculated (only 4 of the 10 IMD deciles" in summary
    assert "nan" not in summary.lower()
    html = profile._repr_html_()
    assert "not calculated" in html


def test_not_calculated_sii_has_the_columns_of_a_calculated_one():
    calculated = deprivation_profile(make_cube(places=1), reps=1_000, seed=3).sii
    missing = deprivation_profile(_few_deciles_cube(), reps=1_000, seed=3).sii
    assert list(missing.columns) == list(calculated.columns)
    for column in ("value_type", "transform", "confidence", "reps", "seed", "method"):
        assert missing[column].iloc[0] == calculated[column].iloc[0]


def test_profile_plot_draws_no_fitted_line_without_an_sii():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = deprivation_profile(_few_deciles_cube(), reps=1_000, seed=3).plot()
    try:
        assert ax.get_title() == "Emergency admissions: SII and RII not calculated"
        # no fitted line for an SII that is not there
        assert "fitted line (SII)" not in [line.get_label() for line in ax.get_lines()]
    finally:
        plt.close(ax.figure)


def test_one_decile_is_said_in_the_singular():
    cube = make_cube(places=1)
    profile = deprivation_profile(cube[cube["imd_decile"] == 7], reps=1_000, seed=3)
    note = profile.sii["note"].iloc[0]
    assert note.startswith("only 1 of the 10 IMD deciles has people, decile 7;")


def test_public_sii_still_refuses_four_quantiles():
    profile = deprivation_profile(_few_deciles_cube(), reps=1_000, seed=3)
    with pytest.raises(DataContractError, match="5 to 100 quantiles per group"):
        slope_index_of_inequality(
            profile.rates,
            value="value",
            quantile=profile.quantile,
            population="population",
            lower="lower_95",
            upper="upper_95",
            value_type="rate",
            invalid_groups="note",
            incomplete_groups="calculate",
            reps=1_000,
            seed=3,
        )
