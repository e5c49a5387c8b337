"""The percentage of pregnant women who smoke is of those whose smoking status is recorded.

SATOD (smoking status at time of delivery) counts women whose status is known; the cohort
cube's ``persons_smoker_recorded`` gives them. Blank statuses are left out of the
denominator and the candidate's note says how many; without the recorded count the old
percentage stays, and the note says so. ``bp_controlled`` keeps the whole cohort (QOF).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.errors import DataContractError
from toolkit.indicators.intervals import wilson_interval
from toolkit.prioritise import theme_candidates
from toolkit.prioritise._theme_row import (
    PREVALENCE_RECORDED_UNIT,
    PREVALENCE_UNIT,
    recorded_note,
    status_flag,
    theme_plan,
)
from toolkit.prioritise.themes import OUTCOME_WORDS, impact_range, load_themes
from toolkit.segment import build_cohort_cube

THEME = "smoke_free_pregnancy"
UNRECORDED = 15


@pytest.fixture(scope="module")
def persons() -> pd.DataFrame:
    """Demo persons in which 15 pregnant women have no recorded smoking status."""
    frame = make_demo_system(persons=6_000, seed=5).persons.copy()
    frame["smoker"] = pd.array(frame["smoker"], dtype="boolean")
    pregnant = frame.index[frame["pregnant"].astype(bool)]
    frame.loc[pregnant, "smoker"] = False
    frame.loc[pregnant[:UNRECORDED], "smoker"] = pd.NA
    frame.loc[pregnant[UNRECORDED : UNRECORDED + 12], "smoker"] = True
    return frame


@pytest.fixture(scope="module")
def cube(persons):
    return build_cohort_cube(persons, model=None)


def _row(candidates) -> pd.Series:
    table = candidates.table
    return table[table["candidate"] == THEME].iloc[0]


def test_the_percentage_is_of_the_women_with_a_recorded_status(cube, persons):
    pregnant = persons[persons["pregnant"].astype(bool)]
    total, smokers = len(pregnant), 12
    recorded = total - UNRECORDED
    row = _row(theme_candidates(cube, min_events=1))
    assert row["persons"] == total
    assert row["events_a_year"] == smokers
    assert row["rate"] == pytest.approx(100 * smokers / recorded)
    low, high = wilson_interval(np.array([smokers]), np.array([recorded]), 0.95)
    assert row["rate_lower_95"] == pytest.approx(100 * low[0])
    assert row["rate_upper_95"] == pytest.approx(100 * high[0])
    assert row["rate_unit"] == PREVALENCE_RECORDED_UNIT
    share = f"{UNRECORDED / total:.0%}"
    said = (
        f"{UNRECORDED} of {total} pregnant women ({share}) have no recorded smoking status; "
        f"rates of smoking are worked out among the {recorded} with one."
    )
    assert said in row["note"], row["note"]


def test_the_estimate_still_counts_the_women_who_smoke(cube):
    """The avoidable range is of the women who smoke, whatever the denominator."""
    theme = next(theme for theme in load_themes() if theme.id == THEME)
    low, high = impact_range(12.0, theme.interventions[0])
    with_recorded = _row(theme_candidates(cube, min_events=1))
    without = _row(
        theme_candidates(cube.table.drop(columns=["persons_smoker_recorded"]), min_events=1)
    )
    for row in (with_recorded, without):
        assert row["avoidable_low"] == pytest.approx(low)
        assert row["avoidable_high"] == pytest.approx(high)
    assert with_recorded["avoidable_mid"] == without["avoidable_mid"]


def test_without_the_recorded_count_the_whole_cohort_is_kept_and_said(cube, persons):
    total = int(persons["pregnant"].astype(bool).sum())
    candidates = theme_candidates(
        cube.table.drop(columns=["persons_smoker_recorded"]), min_events=1
    )
    row = _row(candidates)
    assert row["rate"] == pytest.approx(100 * 12 / total)
    assert row["rate_unit"] == PREVALENCE_UNIT
    said = (
        "The data do not say how many in the cohort have a recorded smoking status, so rates "
        "of smoking are worked out among everyone in it: anyone with none recorded counts as "
        "not smoking."
    )
    assert row["note"].startswith(said)
    assert f"Help pregnant women to stop smoking: {said}" in candidates.notes
    assert "have no recorded smoking status" not in row["note"]


def test_everyone_recorded_says_nothing_more(persons):
    complete = persons.copy()
    complete.loc[complete["smoker"].isna(), "smoker"] = False
    row = _row(theme_candidates(build_cohort_cube(complete, model=None), min_events=1))
    assert "recorded smoking status" not in row["note"]
    assert row["rate_unit"] == PREVALENCE_RECORDED_UNIT


def test_a_recorded_count_outside_its_limits_is_refused(cube):
    broken = cube.table.copy()
    first = broken.index[broken["persons"] > 0][0]
    broken.loc[first, "persons_smoker_recorded"] = broken.loc[first, "persons"] + 1
    with pytest.raises(DataContractError, match="'persons_smoker_recorded'.*above 'persons'"):
        theme_candidates(broken)


# ---- the note's words, small counts and the flags kept whole ---------------------------
def _plan(outcome: str = "persons_smoker", *, recorded: bool = True):
    theme = next(theme for theme in load_themes() if theme.id == THEME)
    theme = dataclasses.replace(theme, outcomes=(outcome,))
    measures = {"persons", "persons_smoker", outcome}
    if recorded:
        measures.add(f"{outcome}_recorded")
    return theme_plan(theme, measures, dict(OUTCOME_WORDS))


@pytest.mark.parametrize(
    ("persons", "recorded", "said"),
    [
        (
            11_031,
            10_797,
            "234 of 11,031 pregnant women (2%) have no recorded smoking status; rates of "
            "smoking are worked out among the 10,797 with one.",
        ),
        (
            5_000,
            4_996,
            "Fewer than 10 of 5,000 pregnant women have no recorded smoking status; rates "
            "of smoking are worked out among those with one.",
        ),
        (
            8,
            6,
            "Some of the pregnant women have no recorded smoking status; rates of smoking "
            "are worked out among those with one.",
        ),
        (
            40,
            0,
            "None of the 40 pregnant women has a recorded smoking status, so there is no "
            "rate of smoking.",
        ),
        (
            2_000,
            5,
            "Fewer than 10 of the 2,000 pregnant women have a recorded smoking status; "
            "rates of smoking are worked out among those with one.",
        ),
        (
            15,
            5,
            "Fewer than 10 of the 15 pregnant women have a recorded smoking status; rates "
            "of smoking are worked out among those with one.",
        ),
        (20_000, 19_950, "50 of 20,000 pregnant women (under 1%) have no recorded"),
        (500, 500, ""),
    ],
)
def test_the_note_hides_small_counts(persons, recorded, said):
    note = recorded_note(
        _plan(), persons=persons, recorded=recorded, cohort_words="Pregnant women", threshold=10
    )
    assert note.startswith(said) if said else note == ""


@pytest.mark.parametrize("threshold", [5, 10])
@pytest.mark.parametrize("recorded", [1, 4])
def test_a_small_count_with_a_status_is_not_told_by_difference(recorded, threshold):
    """Below the threshold neither count is given: the cohort less one would tell the other."""
    note = recorded_note(
        _plan(), persons=2_000, recorded=recorded, cohort_words="Pregnant women",
        threshold=threshold,
    )  # fmt: skip
    assert note == (
        f"Fewer than {threshold} of the 2,000 pregnant women have a recorded smoking status; "
        "rates of smoking are worked out among those with one."
    )
    missing = 2_000 - recorded
    assert f"{missing:,}" not in note and str(missing) not in note
    assert f" {recorded} " not in note


def test_the_unit_says_whose_status_is_recorded():
    assert PREVALENCE_RECORDED_UNIT == (
        "% of those in the cohort whose status is recorded (people with the status at the "
        "time, not a rate a year)"
    )


def test_blood_pressure_at_target_keeps_the_whole_register():
    """QOF counts people with no recent reading as not at target: no recorded denominator."""
    assert status_flag("persons_smoker") == "smoker"
    assert status_flag("persons_bp_controlled") is None
    assert status_flag("persons_with_gp_appointments") is None
    plan = _plan("persons_bp_controlled")
    assert plan.denominator == "persons" and plan.note == ""
    assert _plan().denominator == "persons_smoker_recorded"
    assert _plan(recorded=False).denominator == "persons"
    note = recorded_note(
        plan, persons=100, recorded=50, cohort_words="People with hypertension", threshold=10
    )
    assert note == ""


# ---- the recorded count's own checks ---------------------------------------------------
def _broken(cube, value) -> tuple[pd.DataFrame, int]:
    """The cube with ``value`` as the recorded count of its third row with people."""
    broken = cube.table.copy()
    broken["persons_smoker_recorded"] = broken["persons_smoker_recorded"].astype("float64")
    position = int(np.flatnonzero(broken["persons"].to_numpy() > 0)[2])
    broken.iloc[position, broken.columns.get_loc("persons_smoker_recorded")] = value
    return broken, position + 2  # as a spreadsheet numbers it: the header is row 1


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (np.nan, "column 'persons_smoker_recorded': 1 row is blank (row {row})."),
        (2.5, "column 'persons_smoker_recorded': 1 row is not a whole number (row {row}: 2.5)."),
        (-1.0, "column 'persons_smoker_recorded': 1 row is below 0 (row {row}: -1)."),
    ],
)
def test_a_recorded_count_that_is_no_count_is_refused_plainly(cube, value, said):
    broken, row = _broken(cube, value)
    with pytest.raises(DataContractError) as raised:
        theme_candidates(broken)
    message = str(raised.value)
    assert said.format(row=row) in message, message
    assert "above 'persons'" not in message
    assert "1 problem found" in message


# ---- every figure of the candidate is of the women with a recorded status --------------
#: Per decile (1 most deprived): pregnant women, those with a recorded status, smokers.
DECILES = {
    1: (1_000, 600, 120),
    2: (1_000, 600, 120),
    **{decile: (1_000, 800, 120) for decile in range(3, 9)},
    9: (1_000, 1_000, 100),
    10: (1_000, 1_000, 100),
}


def _hand_made(columns, *, persons_are_recorded: bool = False) -> pd.DataFrame:
    """Pregnant women in one age band, one place: recording falls with deprivation."""
    rows = []
    for decile, (persons, recorded, smokers) in DECILES.items():
        row = dict.fromkeys(columns, 0)
        row.update(
            cohort="pregnant", age_band="25-29", sex="F", imd_decile=decile, place="North",
            persons=recorded if persons_are_recorded else persons,
            persons_smoker=smokers, persons_smoker_recorded=recorded, cost_gbp=0.0,
        )  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows, columns=list(columns))


def test_the_deprivation_ratio_is_of_the_women_with_a_recorded_status(cube):
    row = _row(theme_candidates(_hand_made(cube.table.columns)))
    # Most deprived fifth: 240 of the 1,200 recorded smoke (20%); least: 200 of 2,000 (10%).
    assert row["rate"] == pytest.approx(100 * 1_160 / 8_000)
    assert row["deprivation_ratio"] == pytest.approx((240 / 1_200) / (200 / 2_000))  # 2.0
    # Of everyone (24% of 2,000 against 10% of 2,000) it would be 1.2.
    assert row["deprivation_ratio"] != pytest.approx(1.2)
    # Excess at the least deprived decile's 10% of those recorded: deciles 1-2 have 60
    # expected of 120, 3-8 have 80 of 120, 9 has 100 of 100.
    assert row["excess_events_a_year"] == pytest.approx(2 * 60 + 6 * 40)


def test_the_inequality_measures_are_those_of_the_recorded_women_alone(cube):
    """The same recorded women and smokers with no one unrecorded: the same figures."""
    with_unrecorded = _row(theme_candidates(_hand_made(cube.table.columns)))
    all_recorded = _row(theme_candidates(_hand_made(cube.table.columns, persons_are_recorded=True)))
    assert "have no recorded smoking status" in with_unrecorded["note"]
    assert "recorded smoking status" not in all_recorded["note"]
    assert with_unrecorded["persons"] == 10_000 and all_recorded["persons"] == 8_000
    for column in ("rate", "deprivation_ratio", "sii", "rii", "excess_events_a_year"):
        assert np.isfinite(with_unrecorded[column]), column
        assert with_unrecorded[column] == pytest.approx(all_recorded[column]), column
