"""The excess is not published when the reference decile has too few events."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.indicators import deprivation_profile, excess_events


def _cube(reference_events: int) -> pd.DataFrame:
    rows = []
    for decile in range(1, 11):
        for band in ("40-44", "60-64"):
            events = reference_events // 2 if decile == 10 else 20
            rows.append(
                {"imd_decile": decile, "age_band": band, "persons": 5_000, "deaths": events}
            )
    return pd.DataFrame(rows)


def test_excess_not_published_when_the_reference_has_fewer_than_10_events():
    cube = _cube(2)
    by_decile = excess_events(cube, events="deaths")
    assert by_decile["excess"].isna().all()
    assert by_decile["note"].str.contains("not published").all()
    total = excess_events(cube, events="deaths", level="total")
    assert np.isnan(total["excess_positive"].iloc[0])
    assert "fewer than 10" in total["note"].iloc[0]
    # 0 publishes it, as before.
    kept = excess_events(cube, events="deaths", level="total", min_reference_events=0)
    assert kept["excess_positive"].iloc[0] > 0


def test_excess_published_with_enough_reference_events():
    total = excess_events(_cube(20), events="deaths", level="total")
    assert total["excess_positive"].iloc[0] > 0 and total["note"].iloc[0] == ""


def test_profile_summary_says_the_excess_is_not_published():
    profile = deprivation_profile(_cube(2), events="deaths", seed=1, reps=1_000)
    text = profile.summary()
    assert "not published" in text.split("Excess deaths")[1]
    assert "nan" not in text.lower().replace("n/a", "")
