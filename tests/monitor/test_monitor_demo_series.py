"""Tests of the demo system's monthly indicator series (toolkit.monitor.demo)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from toolkit.monitor.demo import (
    COHORT_PERSONS,
    DEMO_PLACES,
    DEMO_SEED,
    DEMO_SERIES,
    WHOLE_SYSTEM,
    make_demo_series,
)
from toolkit.monitor.series import validate_series

END_OF_LIFE = "end_of_life_care.emergency_admissions"
COPD = "copd_pulmonary_rehabilitation.emergency_admissions_respiratory"
START = pd.Timestamp("2025-04-01")


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return make_demo_series()


def _by_place(table: pd.DataFrame, series: str, column: str = "value") -> pd.DataFrame:
    return table[table["series"] == series].pivot(index="period", columns="place", values=column)


def _after_over_before(table: pd.DataFrame, series: str, start=START) -> pd.Series:
    wide = _by_place(table, series)
    after = wide.index >= start
    return wide[after].mean() / wide[~after].mean()


def _longest_run_below(values: pd.Series, before: np.ndarray) -> int:
    """Longest run of months after the start below the mean of the months before it."""
    below = (values[~before] < values[before].mean()).to_numpy()
    longest = run = 0
    for flag in below:
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest


def test_deterministic_for_a_seed(demo):
    assert_frame_equal(make_demo_series(), demo)
    assert demo.attrs["seed"] == DEMO_SEED == 20261122
    other = make_demo_series(seed=1)
    assert not other["numerator"].equals(demo["numerator"])
    rates = demo["unit"] != "percentage"  # deliveries, the percentage's denominator, are drawn
    assert other.loc[rates, "denominator"].equals(demo.loc[rates, "denominator"])


def test_in_the_series_contract(demo):
    assert_frame_equal(validate_series(demo), demo)
    assert list(demo.columns) == [
        "series",
        "place",
        "cohort",
        "theme",
        "outcome",
        "period",
        "frequency",
        "numerator",
        "denominator",
        "value",
        "per",
        "target",
        "improvement",
        "unit",
        "label",
    ]
    assert demo.attrs["frequency"] == "month"


def test_shape_36_months_of_every_series_and_place(demo):
    places = (WHOLE_SYSTEM, *DEMO_PLACES)
    assert demo.shape == (len(DEMO_SERIES) * len(places) * 36, 15)
    assert demo["series"].nunique() == len(DEMO_SERIES) == 25
    months = pd.date_range("2023-04-01", "2026-03-01", freq="MS")
    for (series, place), part in demo.groupby(["series", "place"], sort=False):
        assert list(part["period"]) == list(months), (series, place)
    assert set(demo["place"]) == set(places)
    first = demo.drop_duplicates("series")
    assert (first["place"] == WHOLE_SYSTEM).all()


def test_counts_are_whole_non_negative_and_the_system_is_the_sum_of_places(demo):
    for name in ("numerator", "denominator"):
        assert (demo[name] >= 0).all()
        assert (demo[name] % 1 == 0).all()
    assert (demo["denominator"] > 0).all()
    places = demo[demo["place"] != WHOLE_SYSTEM]
    summed = places.groupby(["series", "period"])[["numerator", "denominator"]].sum()
    system = demo[demo["place"] == WHOLE_SYSTEM].set_index(["series", "period"])
    assert_frame_equal(summed, system[["numerator", "denominator"]].loc[summed.index])
    percent = demo[demo["unit"] == "percentage"]
    assert len(percent) and (percent["numerator"] <= percent["denominator"]).all()


def test_magnitudes_follow_the_demo_cohort_cube(demo):
    last_year = demo[(demo["period"] >= START) & (demo["place"] == WHOLE_SYSTEM)]
    events = last_year.groupby("series")["numerator"].sum()
    for spec in DEMO_SERIES:
        if spec.events < 500 or spec.theme == "end_of_life_care":
            continue  # small counts are noisy; the intervention lowers end of life admissions
        assert events[spec.series] == pytest.approx(spec.events, rel=0.1), spec.series
    assert sum(COHORT_PERSONS["everyone"]) == 250_000
    people = demo[(demo["period"] == "2026-03-01") & (demo["series"] == END_OF_LIFE)]
    assert people.set_index("place").loc["Kestermoor", "denominator"] == 736


def test_winter_is_higher_for_respiratory_admissions(demo):
    copd = demo[(demo["series"] == COPD) & (demo["place"] == WHOLE_SYSTEM)]
    month = copd["period"].dt.month
    winter = copd.loc[month.isin([12, 1, 2]), "value"].mean()
    summer = copd.loc[month.isin([6, 7, 8]), "value"].mean()
    assert winter > 1.3 * summer
    alcohol = demo[
        (demo["series"] == "alcohol_care_teams.emergency_admissions_alcohol")
        & (demo["place"] == WHOLE_SYSTEM)
    ]
    month = alcohol["period"].dt.month
    ratio = (
        alcohol.loc[month.isin([12, 1, 2]), "value"].mean()
        / alcohol.loc[month.isin([6, 7, 8]), "value"].mean()
    )
    assert 0.9 < ratio < 1.2  # barely seasonal


def test_step_change_in_the_intervention_place_only(demo):
    assert demo.attrs["intervention"] == {
        "place": "Kestermoor",
        "theme": "end_of_life_care",
        "series": [END_OF_LIFE],
        "start": "2025-04",
        "effect": 0.2,
    }
    ratio = _after_over_before(demo, END_OF_LIFE)
    assert ratio["Kestermoor"] < 0.88
    others = ratio.drop(["Kestermoor", WHOLE_SYSTEM])
    assert ratio["Kestermoor"] < others.min() - 0.05
    # The shift an SPC chart looks for: seven or more months in a row below the mean of the
    # months before the intervention, after it starts in Kestermoor and nowhere else.
    wide = _by_place(demo, END_OF_LIFE)
    before = wide.index < START
    runs = {place: _longest_run_below(wide[place], before) for place in DEMO_PLACES}
    assert runs["Kestermoor"] >= 7
    assert all(runs[place] < 7 for place in DEMO_PLACES if place != "Kestermoor"), runs
    # Other series in Kestermoor do not step.
    assert _after_over_before(demo, "heart_failure_rehabilitation.emergency_admissions")[
        "Kestermoor"
    ] == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_step_change_stands_out_of_the_noise_whatever_the_seed(seed):
    # Forty times the persons, so that the noise is small (the ratios' standard deviation is
    # under 0.01): the model, not luck, makes the step. Rates grow 1.5% a year, and the months
    # after the start are 1.5 years later on average than those before it.
    table = make_demo_series(seed=seed, persons=10_000_000)
    ratio = _after_over_before(table, END_OF_LIFE)
    assert ratio["Kestermoor"] == pytest.approx(0.8 * 1.015**1.5, abs=0.04)
    for place in DEMO_PLACES:
        if place != "Kestermoor":
            assert ratio[place] == pytest.approx(1.015**1.5, abs=0.04), place
    assert 0.93 < ratio[WHOLE_SYSTEM] < 0.98  # diluted in the whole system


def test_no_step_and_a_step_elsewhere():
    flat = make_demo_series(intervention_theme=None, persons=10_000_000)
    assert flat.attrs["intervention"] is None
    assert _after_over_before(flat, END_OF_LIFE)["Kestermoor"] == pytest.approx(1.02, abs=0.04)
    falls = "falls_and_frailty.emergency_admissions_falls"
    moved = make_demo_series(
        intervention_theme="falls_and_frailty",
        intervention_place="Ashbrigg",
        intervention_start="Oct 2024",
        intervention_effect=0.5,
        persons=10_000_000,
    )
    ratio = _after_over_before(moved, falls, start=pd.Timestamp("2024-10-01"))
    assert ratio["Ashbrigg"] < 0.6
    assert ratio["Kestermoor"] > 0.9


def test_other_lengths_ends_and_sizes():
    table = make_demo_series(months=12, end="Dec 2024")
    assert table.groupby(["series", "place"]).size().eq(12).all()
    assert table["period"].min() == pd.Timestamp("2024-01-01")
    assert table["period"].max() == pd.Timestamp("2024-12-01")
    assert table.attrs["intervention"]["start"] == "2024-02"
    big = make_demo_series(persons=500_000)
    small = make_demo_series()
    ratio = (
        big.groupby("series")["denominator"].sum() / small.groupby("series")["denominator"].sum()
    )
    assert np.allclose(ratio, 2.0, rtol=0.01)


def test_series_agree_with_the_theme_library():
    from toolkit.prioritise import load_themes
    from toolkit.segment import load_cohorts

    themes = {theme.id: theme for theme in load_themes()}
    cohorts = {cohort.id for cohort in load_cohorts()}
    made = {(spec.theme, spec.outcome) for spec in DEMO_SERIES}
    for theme in themes.values():
        for outcome in theme.outcomes:
            if outcome != "bed_days":
                assert (theme.id, outcome) in made, (theme.id, outcome)
    for spec in DEMO_SERIES:
        assert spec.cohort == themes[spec.theme].cohort, spec.series
        assert spec.outcome in themes[spec.theme].outcomes
        assert spec.cohort in cohorts
        assert spec.cohort in COHORT_PERSONS


def test_option_errors():
    with pytest.raises(TypeError, match="'months' parameter of make_demo_series"):
        make_demo_series(months=36.0)
    with pytest.raises(ValueError, match="'months' parameter of make_demo_series"):
        make_demo_series(months=1)
    with pytest.raises(ValueError, match="'end' parameter of make_demo_series must be a month"):
        make_demo_series(end="2025 Q1")
    with pytest.raises(ValueError, match="'persons' parameter"):
        make_demo_series(persons=100)
    with pytest.raises(ValueError, match="'intervention_place' parameter"):
        make_demo_series(intervention_place="Leeds")
    with pytest.raises(ValueError, match="'intervention_theme' parameter"):
        make_demo_series(intervention_theme="cancer_early_diagnosis")
    with pytest.raises(ValueError, match="'intervention_start' parameter"):
        make_demo_series(intervention_start="2023-04")
    with pytest.raises(ValueError, match="'intervention_effect' parameter"):
        make_demo_series(intervention_effect=1.0)
    with pytest.raises(TypeError, match="'seed' parameter"):
        make_demo_series(seed=True)
