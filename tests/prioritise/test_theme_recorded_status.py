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
        f"the percentage is of the {recorded} with one."
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
        "The data do not say how many in the cohort have a recorded smoking status, so the "
        "percentage is of everyone in it: anyone with none recorded counts as not smoking."
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
            "234 of 11,031 pregnant women (2%) have no recorded smoking status; the "
            "percentage is of the 10,797 with one.",
        ),
        (
            5_000,
            4_996,
            "Fewer than 10 of 5,000 pregnant women have no recorded smoking status; the "
            "percentage is of those with one.",
        ),
        (
            8,
            6,
            "Some of the pregnant women have no recorded smoking status; the percentage is "
            "of those with one.",
        ),
        (
            40,
            0,
            "None of the 40 pregnant women has a recorded smoking status, so there is no "
            "percentage.",
        ),
        (
            2_000,
            5,
            "1,995 of 2,000 pregnant women (over 99%) have no recorded smoking status; the "
            "percentage is of those with one.",
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
