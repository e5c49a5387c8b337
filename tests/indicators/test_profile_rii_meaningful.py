"""The deprivation profile gives no RII where its fitted line is at or below 0 at one end.

The profile fits the SII on the rates' own scale. When the gap is steep the line falls
below 0 at the least deprived end, and the ratio of its ends (the RII) is negative: it
has no meaning, and the board report printed it. The RII and its limits are now NaN and
the note says why, in the words candidates use.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from toolkit.indicators import deprivation_profile, slope_index_of_inequality
from toolkit.indicators.inequality import RII_NOT_MEANINGFUL

matplotlib.use("Agg")

OPTIONS = {"reps": 1_000, "seed": 1}


def _cube(most_deprived_events: int) -> pd.DataFrame:
    """Deciles 1 and 2 with ``most_deprived_events`` per age band, the others with 10."""
    rows = [
        {
            "imd_decile": decile,
            "age_band": band,
            "persons": 50_000,
            "emergency_admissions": most_deprived_events if decile <= 2 else 10,
        }
        for decile in range(1, 11)
        for band in ("40-44", "60-64")
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def steep():
    return deprivation_profile(_cube(1_500), **OPTIONS)


def test_the_fitted_line_crosses_0_and_the_rii_it_would_give_is_negative(steep):
    fitted = slope_index_of_inequality(
        steep.rates,
        value="value",
        quantile=steep.quantile,
        population="population",
        lower="lower_95",
        upper="upper_95",
        value_type="rate",
        intercept=True,
        **OPTIONS,
    ).iloc[0]
    assert fitted["intercept"] > 0 > fitted["intercept"] + fitted["sii"]
    assert fitted["rii"] < 0


def test_the_profile_gives_the_sii_but_no_rii_and_says_why(steep):
    row = steep.sii.iloc[0]
    assert np.isfinite(row["sii"]) and row["sii"] < 0
    assert np.isnan(row[["rii", "rii_lower_95", "rii_upper_95"]].astype(float)).all()
    assert RII_NOT_MEANINGFUL in row["note"]
    assert "intercept" not in steep.sii.columns


def test_the_summary_html_and_chart_say_the_rii_is_not_given(steep):
    text = steep.summary()
    assert RII_NOT_MEANINGFUL + "." in text
    assert "nan" not in text.lower().replace("n/a", "")
    assert "relative index: -" not in text
    assert RII_NOT_MEANINGFUL in steep._repr_html_()
    assert steep.plot().get_title() == "Emergency admissions: SII -2,889.7, RII not given"


def test_a_line_above_0_at_both_ends_keeps_its_rii():
    gentle = deprivation_profile(_cube(40), **OPTIONS).sii.iloc[0]
    assert 0 < gentle["rii"] < 1
    assert RII_NOT_MEANINGFUL not in gentle["note"]
