"""A count of people with a status is not divided by the years the cube covers (issue 11).

A theme's outcome may count people with a status (``persons_smoker``: pregnant women who
smoke) rather than events. Its ``rate`` is their percentage, not a rate a year, and its
sentence says "96 people who smoke", not "a year". The count, its excess and SII, and the
people whose status the intervention could change used to be divided by ``years`` all
the same, so that a two-year cube halved them: the sentence then gave half the women
who smoke beside a percentage counted from all of them. Events and costs are still
divided.
"""

from __future__ import annotations

import math
import warnings

import pandas as pd
import pytest

from toolkit.prioritise import theme_candidates
from toolkit.prioritise._theme_row import ThemePlan, candidate_row
from toolkit.prioritise.themes import OUTCOME_WORDS, impact_range, load_themes

THEME = "smoke_free_pregnancy"


@pytest.fixture(scope="module")
def cube():
    from toolkit.data import make_demo_system
    from toolkit.segment import build_cohort_cube

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_cohort_cube(make_demo_system(persons=60_000, seed=11).persons)


@pytest.fixture(scope="module")
def one_and_two(cube) -> tuple[pd.Series, pd.Series]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = theme_candidates(cube).table.set_index("theme").loc[THEME]
        two = theme_candidates(cube, years=2.0).table.set_index("theme").loc[THEME]
    return one, two


def test_a_two_year_cube_does_not_halve_people_who_smoke(cube, one_and_two):
    one, two = one_and_two
    table = cube.table
    smokers = float(table.loc[table["cohort"] == "pregnant", "persons_smoker"].sum())
    assert smokers >= 10
    assert two["outcome"] == "persons_smoker"
    # The count of people with the status, as the cube has it, whatever the years.
    assert two["events_a_year"] == pytest.approx(smokers)
    assert two["events_a_year"] == pytest.approx(one["events_a_year"])
    assert two["persons"] == one["persons"]
    assert two["rate"] == pytest.approx(one["rate"])
    # The people whose status the intervention could change: not halved either.
    intervention = next(t for t in load_themes() if t.id == THEME).interventions[0]
    low, high = impact_range(smokers, intervention)
    for column, expected in (("avoidable_low", low), ("avoidable_high", high)):
        assert two[column] == pytest.approx(expected)
        assert two[column] == pytest.approx(one[column])
    assert two["avoidable_mid"] == pytest.approx(one["avoidable_mid"])
    # Costs are money a year: halved over two years.
    assert two["cost_a_year"] == pytest.approx(one["cost_a_year"] / 2)


def test_the_sentence_gives_the_count_its_percentage_is_of(cube, one_and_two):
    _, two = one_and_two
    table = cube.table
    recorded = float(table.loc[table["cohort"] == "pregnant", "persons_smoker_recorded"].sum())
    smokers = f"{two['events_a_year']:,.0f} people who smoke"
    assert f"{two['persons']:,.0f} people, whose care costs" in two["facts"]
    assert f"; {smokers} " in two["facts"], two["facts"]
    # The percentage is of those with a recorded smoking status: the count, not half of it.
    assert 100 * two["events_a_year"] / recorded == pytest.approx(two["rate"])


def _row(outcome: str, impact_outcome: str, years: float) -> dict:
    """One candidate row of the pregnancy theme on made-up sums (excess and SII given)."""
    theme = next(t for t in load_themes() if t.id == THEME)
    intervention = theme.interventions[0]
    plan = ThemePlan(theme, outcome, impact_outcome, intervention, "")
    sums = pd.Series(
        {
            "persons": 1_000.0,
            "events": 150.0,
            "impact_events": 120.0,
            "cause_deaths": 4.0,
            "premature_deaths": 2.0,
            "cost": 2_000_000.0,
        }
    )
    rate = pd.Series({"value": 300.0, "lower_95": 250.0, "upper_95": 350.0})
    return candidate_row(
        plan,
        place=None,
        within=None,
        sums=sums,
        rate=rate,
        ratio=2.0,
        excess=30.0,
        gap_share={},
        years=years,
        cohort_label="Pregnant women",
        words=dict(OUTCOME_WORDS),
        threshold=10,
        inequality=pd.Series({"sii": -60.0, "rii": 0.5}),
    )


def test_status_figures_are_counts_and_event_figures_are_a_year():
    intervention = next(t for t in load_themes() if t.id == THEME).interventions[0]
    status = _row("persons_smoker", "persons_smoker", years=2.0)
    assert status["events_a_year"] == 150.0
    assert status["excess_events_a_year"] == 30.0
    assert status["sii"] == -60.0
    assert status["rate"] == pytest.approx(15.0)
    assert (status["avoidable_low"], status["avoidable_high"]) == pytest.approx(
        impact_range(120.0, intervention)
    )
    assert status["cost_a_year"] == 1_000_000.0
    assert status["premature_deaths_a_year"] == 1.0
    assert "150 people who smoke" in status["facts"]
    # Events are a year: halved over two years (their rate too).
    events = _row("emergency_admissions", "emergency_admissions", years=2.0)
    assert events["events_a_year"] == 75.0
    assert events["excess_events_a_year"] == 15.0
    assert events["sii"] == -30.0
    assert events["rate"] == 150.0
    assert (events["avoidable_low"], events["avoidable_high"]) == pytest.approx(
        impact_range(60.0, intervention)
    )
    # Each figure follows its own outcome: the estimate the intervention's, the count the theme's.
    mixed = _row("emergency_admissions", "persons_smoker", years=2.0)
    assert mixed["events_a_year"] == 75.0
    assert mixed["avoidable_high"] == pytest.approx(impact_range(120.0, intervention)[1])
    mixed = _row("persons_smoker", "emergency_admissions", years=2.0)
    assert mixed["events_a_year"] == 150.0
    assert mixed["avoidable_high"] == pytest.approx(impact_range(60.0, intervention)[1])
    # A one-year cube is unchanged.
    assert _row("persons_smoker", "persons_smoker", years=1.0)["events_a_year"] == 150.0
    assert not math.isnan(status["avoidable_mid"])
