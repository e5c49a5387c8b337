"""The deprivation profile says each thing once, in the words the other summaries use (issue 17).

The profile's warning about rows with no decile is the one every deprivation summary gives
(it no longer writes its own, "row(s)"), and its summary and notebook display give the SII
and RII from one sentence-maker: the same figures and the same note.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import make_cube

from toolkit.indicators import (
    ExcludedRowsWarning,
    deprivation_profile,
    rate_by_deprivation,
)
from toolkit.indicators.inequality import RII_NOT_MEANINGFUL

OPTIONS = {"reps": 1_000, "seed": 1}
EVENTS = "emergency_admissions"


@pytest.mark.parametrize("missing", [1, 3])
def test_profile_warns_about_rows_without_a_decile_as_rate_by_deprivation_does(missing):
    cube = make_cube(places=1)
    cube.loc[cube.index[:missing], "imd_decile"] = np.nan
    with pytest.warns(ExcludedRowsWarning) as profile_record:
        deprivation_profile(cube, events=EVENTS, **OPTIONS)
    with pytest.warns(ExcludedRowsWarning) as rates_record:
        rate_by_deprivation(cube, events=EVENTS)
    said = str(profile_record[0].message)
    rows = "1 row" if missing == 1 else f"{missing} rows"
    assert said.startswith(f"deprivation_profile left out {rows} with no 'imd_decile' (")
    assert "row(s)" not in said
    # The same sentence as the rates', but for the function's name.
    expected = str(rates_record[0].message).replace("rate_by_deprivation", "deprivation_profile")
    assert said == expected


def test_profile_with_cost_counts_the_cost_left_out():
    cube = make_cube(places=1).assign(cost_gbp=lambda frame: frame[EVENTS] * 1_500.0)
    cube.loc[cube.index[:2], "imd_decile"] = np.nan
    left_out = cube.loc[cube.index[:2], "cost_gbp"].sum()
    with pytest.warns(ExcludedRowsWarning, match=rf"{left_out:,.0f} in 'cost_gbp'\)\.$"):
        deprivation_profile(cube, events=EVENTS, cost="cost_gbp", **OPTIONS)


def _sii_figures(text: str) -> list[str]:
    return re.findall(r"-?[\d,]+\.\d+", text)


def test_summary_and_notebook_give_the_same_sii_sentence():
    profile = deprivation_profile(make_cube(places=1), events=EVENTS, **OPTIONS)
    line = next(part for part in profile.summary().splitlines() if part.startswith("Slope index"))
    shown = profile._repr_html_()
    sii_html = next(part for part in shown.split("<p>") if part.startswith("<b>SII</b>"))
    assert line.startswith("Slope index of inequality: ")
    assert "relative index: " in line
    assert "<b>RII</b> " in sii_html
    assert _sii_figures(line) == _sii_figures(sii_html.removesuffix("</p>"))
    assert len(_sii_figures(line)) == 6  # SII and RII, each with two limits


def test_summary_and_notebook_give_the_same_reason_for_no_rii():
    rows = [
        {
            "imd_decile": decile,
            "age_band": band,
            "persons": 50_000,
            EVENTS: 400 if decile <= 2 else 10,
        }
        for decile in range(1, 11)
        for band in ("40-44", "60-64")
    ]
    profile = deprivation_profile(pd.DataFrame(rows), events=EVENTS, **OPTIONS)
    assert np.isnan(profile.sii["rii"].iloc[0])
    assert f"; {RII_NOT_MEANINGFUL}." in profile.summary()
    assert f"; {html.escape(RII_NOT_MEANINGFUL)}.</p>" in profile._repr_html_()
