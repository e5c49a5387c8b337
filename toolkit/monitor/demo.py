"""Monthly indicator series for the demo system, to rehearse monitoring the agreed priorities.

:func:`make_demo_series` makes three years of monthly series (by default) for the outcomes
of the priority themes in the toolkit's library, for each place of the fictional *Kestermoor
and Wyvendale Integrated Care System* and for the whole system, in the series contract of
:mod:`toolkit.monitor.series`. The magnitudes are those of the demo system (its cohort
cube at the default seed and size), so that the series agree with the demo's board report;
the month-to-month variation is Poisson noise around an expected count with winter
seasonality and a slow trend, and one planted step change (an intervention in one place)
gives an SPC chart something to find. ``docs/demo-system.md`` ("Monthly indicator series")
describes the model and the source of every figure.

The series are invented, like the system. Never quote them as facts about any population.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Final

import numpy as np
import pandas as pd

from toolkit import defaults
from toolkit._params import (
    SEED,
    Interval,
    StrOptions,
    check_param,
    invalid_parameter,
    validate_params,
)
from toolkit.monitor.series import WHOLE_SYSTEM, _parse_period, validate_series

#: Seed of the demo system (``make_demo_system``, ``pophealth demo`` and the board report).
DEMO_SEED: Final[int] = defaults.DEMO_SEED

#: Persons in the demo system whose cohort cube gave the magnitudes below.
DEMO_PERSONS: Final[int] = defaults.DEMO_PERSONS

#: The demo system's places at its seed (``make_demo_system(250_000, seed=20261122)``).
DEMO_PLACES: Final[tuple[str, ...]] = ("Ashbrigg", "Kestermoor", "Tarnholme", "Wyvendale")

#: The last month of the series by default: March 2026, the end of 2025/26, the year the
#: demo board report covers (``toolkit.report.config``).
DEMO_END: Final[str] = "2026-03"

#: Random stream of the series: ``numpy.random.SeedSequence(seed, spawn_key=(16,))``, apart
#: from the demo system's own streams (areas ``(0,)``, persons ``(1, block)``).
SERIES_STREAM: Final[int] = 16

#: Persons in each cohort, by place (in the order of :data:`DEMO_PLACES`), measured in the
#: demo system's cohort cube (``build_cohort_cube(make_demo_system(250_000).persons)``).
COHORT_PERSONS: Final[dict[str, tuple[int, int, int, int]]] = {
    "everyone": (58_371, 74_563, 61_917, 55_149),
    "children_asthma": (791, 1_286, 892, 784),
    "copd": (1_158, 1_916, 1_265, 1_158),
    "dementia": (484, 734, 461, 413),
    "diabetes": (3_710, 5_476, 3_974, 3_547),
    "end_of_life": (522, 736, 546, 532),
    "older_people": (11_121, 12_097, 11_146, 9_971),
    "heart_failure": (636, 1_002, 650, 570),
    "hypertension": (8_293, 11_370, 8_790, 7_901),
    "learning_disability": (329, 485, 362, 311),
    "smi": (621, 998, 640, 586),
    "pregnant": (604, 821, 653, 587),
    "atrial_fibrillation": (1_256, 1_725, 1_253, 1_183),
    "smokers": (5_737, 10_435, 6_464, 5_683),
}

#: Growth of each cohort a year (the denominators' slow trend); others grow by the default.
COHORT_GROWTH: Final[dict[str, float]] = {"older_people": 0.02}
DEFAULT_COHORT_GROWTH: Final[float] = 0.005

#: Seasonality of each outcome: (amplitude, month of the peak). The expected count is
#: multiplied by 1 + amplitude × cos(2π (month − peak) / 12), which averages 1 over a year.
SEASONALITY: Final[dict[str, tuple[float, int]]] = {
    "emergency_admissions": (0.08, 1),
    "emergency_admissions_respiratory": (0.40, 1),
    "emergency_admissions_cardiovascular": (0.10, 1),
    "emergency_admissions_falls": (0.10, 1),
    "emergency_admissions_acsc": (0.15, 1),
    "emergency_admissions_alcohol": (0.05, 12),
    "ae_attendances": (0.10, 9),
    "deaths": (0.12, 1),
    "deaths_under_75": (0.12, 1),
    "deaths_cancer": (0.03, 1),
    "deaths_circulatory": (0.15, 1),
    "persons_smoker": (0.0, 1),
}

#: Change in each outcome's rate a year (the slow trend), by the kind of outcome.
TREND_PER_YEAR: Final[dict[str, float]] = {
    "emergency_admissions": 0.015,
    "ae_attendances": 0.015,
    "deaths": -0.01,
    "persons_smoker": -0.06,
}

#: Unit of the rate series: the values are computed per 1,000 cohort persons.
RATE_UNIT: Final[str] = "per 1,000 people a month"


@dataclass(frozen=True)
class DemoSeriesSpec:
    """One indicator of the demo series: a theme's outcome in the theme's cohort.

    Parameters
    ----------
    theme : str
        Id of the theme in the library (``toolkit/prioritise/theme_library``).
    outcome : str
        The theme's outcome (a measure of the cohort cube).
    cohort : str
        The theme's cohort (an id of ``toolkit/segment/models/cohorts.toml``).
    events : int
        Events a year in the whole demo system (its cohort cube), at the level of the last
        12 months of the series.
    label : str
        Title of the series for charts.
    proportion : bool
        A share of the cohort's events (smoking at the time of delivery) rather than a rate
        of events per cohort person.
    target : float, optional
        The series' target, in its unit.
    """

    theme: str
    outcome: str
    cohort: str
    events: int
    label: str
    proportion: bool = False
    target: float | None = None

    @property
    def series(self) -> str:
        """The series id: ``theme.outcome``."""
        return f"{self.theme}.{self.outcome}"


#: The demo's indicators: every outcome of every theme in the library that is a count of
#: events (bed days, a sum of lengths of stay, are left out), with the events a year that
#: the demo system's cohort cube gives at 250,000 persons, seed 20261122.
DEMO_SERIES: Final[tuple[DemoSeriesSpec, ...]] = (
    DemoSeriesSpec(
        "alcohol_care_teams",
        "emergency_admissions_alcohol",
        "everyone",
        1_004,
        "Alcohol-specific emergency admissions",
    ),
    DemoSeriesSpec(
        "cancer_early_diagnosis", "deaths_cancer", "everyone", 630, "Deaths from cancer"
    ),
    DemoSeriesSpec("cancer_early_diagnosis", "deaths_under_75", "everyone", 917, "Deaths under 75"),
    DemoSeriesSpec(
        "childrens_asthma",
        "emergency_admissions_respiratory",
        "children_asthma",
        81,
        "Emergency admissions for respiratory disease, children and young people with asthma",
    ),
    DemoSeriesSpec(
        "childrens_asthma",
        "ae_attendances",
        "children_asthma",
        2_089,
        "A&E attendances, children and young people with asthma",
    ),
    DemoSeriesSpec(
        "copd_pulmonary_rehabilitation",
        "emergency_admissions_respiratory",
        "copd",
        929,
        "Emergency admissions for respiratory disease, people with COPD",
    ),
    DemoSeriesSpec(
        "dementia_care",
        "emergency_admissions",
        "dementia",
        1_447,
        "Emergency admissions, people with dementia",
    ),
    DemoSeriesSpec("dementia_care", "deaths", "dementia", 363, "Deaths, people with dementia"),
    DemoSeriesSpec(
        "diabetes_heart_and_stroke_prevention",
        "emergency_admissions_cardiovascular",
        "diabetes",
        702,
        "Emergency admissions for heart and circulatory disease, people with diabetes",
    ),
    DemoSeriesSpec(
        "diabetes_heart_and_stroke_prevention",
        "deaths_under_75",
        "diabetes",
        205,
        "Deaths under 75, people with diabetes",
    ),
    DemoSeriesSpec(
        "end_of_life_care",
        "emergency_admissions",
        "end_of_life",
        2_975,
        "Emergency admissions, people in their last year of life",
    ),
    DemoSeriesSpec(
        "falls_and_frailty",
        "emergency_admissions_falls",
        "older_people",
        958,
        "Emergency admissions after a fall, people aged 65 and over",
    ),
    DemoSeriesSpec(
        "heart_failure_rehabilitation",
        "emergency_admissions",
        "heart_failure",
        1_923,
        "Emergency admissions, people with heart failure",
    ),
    DemoSeriesSpec(
        "high_blood_pressure",
        "emergency_admissions_cardiovascular",
        "hypertension",
        1_425,
        "Emergency admissions for heart and circulatory disease, people with high blood pressure",
    ),
    DemoSeriesSpec(
        "high_blood_pressure",
        "deaths_circulatory",
        "hypertension",
        236,
        "Deaths from heart and circulatory disease, people with high blood pressure",
    ),
    DemoSeriesSpec(
        "high_blood_pressure",
        "deaths_under_75",
        "hypertension",
        307,
        "Deaths under 75, people with high blood pressure",
    ),
    DemoSeriesSpec(
        "learning_disability_health_checks",
        "emergency_admissions_acsc",
        "learning_disability",
        17,
        "Emergency admissions for chronic ambulatory care sensitive conditions, people with "
        "a learning disability",
    ),
    DemoSeriesSpec(
        "learning_disability_health_checks",
        "deaths_under_75",
        "learning_disability",
        11,
        "Deaths under 75, people with a learning disability",
    ),
    DemoSeriesSpec(
        "serious_mental_illness_physical_health",
        "deaths_under_75",
        "smi",
        42,
        "Deaths under 75, people with serious mental illness",
    ),
    DemoSeriesSpec(
        "serious_mental_illness_physical_health",
        "emergency_admissions_cardiovascular",
        "smi",
        70,
        "Emergency admissions for heart and circulatory disease, people with serious mental "
        "illness",
    ),
    DemoSeriesSpec(
        "smoke_free_pregnancy",
        "persons_smoker",
        "pregnant",
        410,
        "Smoking at the time of delivery",
        proportion=True,
        target=6.0,
    ),
    DemoSeriesSpec(
        "stroke_prevention_in_atrial_fibrillation",
        "emergency_admissions_cardiovascular",
        "atrial_fibrillation",
        731,
        "Emergency admissions for heart and circulatory disease, people with atrial fibrillation",
    ),
    DemoSeriesSpec(
        "stroke_prevention_in_atrial_fibrillation",
        "deaths_circulatory",
        "atrial_fibrillation",
        110,
        "Deaths from heart and circulatory disease, people with atrial fibrillation",
    ),
    DemoSeriesSpec(
        "tobacco_dependence_treatment",
        "emergency_admissions",
        "smokers",
        3_231,
        "Emergency admissions, adults who smoke",
    ),
    DemoSeriesSpec(
        "tobacco_dependence_treatment",
        "deaths_under_75",
        "smokers",
        161,
        "Deaths under 75, adults who smoke",
    ),
)

#: Seasonality of series whose cohort changes the pattern of their outcome: children's
#: asthma attacks peak in September, when schools go back.
SEASONALITY_BY_SERIES: Final[dict[str, tuple[float, int]]] = {
    "childrens_asthma.emergency_admissions_respiratory": (0.35, 9),
}

#: Where the planted step change is by default: palliative care at home in one place, so that
#: emergency admissions of people in their last year of life fall there (about 75 a month
#: in Kestermoor, enough for the step to stand out of the noise).
DEMO_INTERVENTION_PLACE: Final[str] = "Kestermoor"
DEMO_INTERVENTION_THEME: Final[str] = "end_of_life_care"
#: The fall in the expected count of the theme's emergency admissions from its start.
DEMO_INTERVENTION_EFFECT: Final[float] = 0.20
#: The intervention starts this many months before the end, by default (April 2025).
DEMO_INTERVENTION_MONTHS_BEFORE_END: Final[int] = 12

#: Fewest persons the series may be scaled to (smaller cohorts would be empty).
MIN_PERSONS: Final[int] = 10_000
#: Fewest and most months a demo may have.
MIN_MONTHS: Final[int] = 2
MAX_MONTHS: Final[int] = 600

_DAYS_IN_AVERAGE_MONTH: Final[float] = 365.25 / 12


def _trend(outcome: str) -> float:
    if outcome.startswith("emergency_admissions"):
        return TREND_PER_YEAR["emergency_admissions"]
    if outcome.startswith("deaths"):
        return TREND_PER_YEAR["deaths"]
    return TREND_PER_YEAR[outcome]


def _season(spec: DemoSeriesSpec) -> tuple[float, int]:
    return SEASONALITY_BY_SERIES.get(spec.series, SEASONALITY[spec.outcome])


def _month(value: str, name: str) -> int:
    """Month index (year × 12 + month − 1) of a month given as text, for a parameter."""
    parsed = _parse_period(value)
    if parsed is None or parsed[2] not in (None, "month"):
        raise invalid_parameter(name, _FUNC, "a month such as '2026-03'", value)
    return parsed[0] * 12 + parsed[1] - 1


#: The public function whose arguments this module checks, for the messages.
_FUNC = "make_demo_series"

#: The themes whose emergency admissions the demo's intervention can lower.
_INTERVENTION_THEMES = sorted(
    {spec.theme for spec in DEMO_SERIES if spec.outcome.startswith("emergency_admissions")}
)


@validate_params(
    {
        "seed": [SEED],
        "months": [Interval(Integral, MIN_MONTHS, MAX_MONTHS, closed="both")],
        "end": ["str"],
        "persons": [Interval(Integral, MIN_PERSONS, None, closed="left")],
        "intervention_place": ["str"],
        "intervention_theme": [
            StrOptions(
                _INTERVENTION_THEMES,
                description="a theme with emergency admissions among the demo series "
                f"({', '.join(_INTERVENTION_THEMES)})",
            ),
            None,
        ],
        "intervention_start": ["str", None],
        "intervention_effect": [Interval(Real, 0, 1, closed="left")],
    }
)
def make_demo_series(
    *,
    seed: int = DEMO_SEED,
    months: int = 36,
    end: str = DEMO_END,
    persons: int = DEMO_PERSONS,
    intervention_place: str = DEMO_INTERVENTION_PLACE,
    intervention_theme: str | None = DEMO_INTERVENTION_THEME,
    intervention_start: str | None = None,
    intervention_effect: float = DEMO_INTERVENTION_EFFECT,
) -> pd.DataFrame:
    """Make monthly indicator series for the demo system's priority themes.

    One series for each outcome of each theme that counts events (:data:`DEMO_SERIES`), for
    each place of the demo system and for the whole system: the numerator is the month's
    events in the theme's cohort, the denominator the cohort's persons, and the value
    events per 1,000 people a month (smoking at the time of delivery: the percentage of
    the month's deliveries). Expected counts follow the demo system's cohort cube, with
    winter seasonality (September for children's asthma), a slow trend and the month's
    length; the counts are Poisson draws around them (binomial for the percentage). From
    ``intervention_start`` the expected emergency admissions of ``intervention_theme`` in
    ``intervention_place`` fall by ``intervention_effect``, a step an SPC chart should
    find. The whole system's counts are the sums of the places', so it shows the step
    diluted. See ``docs/demo-system.md`` for every figure and its source.

    Parameters
    ----------
    seed : int, default 20261122
        Seed of the random draws (the demo system's seed). The same seed always gives the
        same table. The places and magnitudes are those of the demo system at its own
        seed whatever this is: the seed changes only the noise.
    months : int, default 36
        Number of months, ending with ``end`` (2 to 600).
    end : str, default "2026-03"
        The last month (``"2026-03"``, ``"Mar 2026"``).
    persons : int, default 250000
        Size of the system: cohorts are scaled from the demo's 250,000 persons (at least
        10,000).
    intervention_place : str, default "Kestermoor"
        The place where the intervention starts (one of :data:`DEMO_PLACES`).
    intervention_theme : str or None, default "end_of_life_care"
        The theme whose emergency admissions fall; None for no step change.
    intervention_start : str, optional
        The intervention's first month; by default 12 months before the end, so that the
        last 12 months are after it (April 2025 with the defaults), or the second month
        when there are 12 months or fewer. It must be after the first month.
    intervention_effect : float, default 0.2
        The relative fall of the expected count from that month on, in [0, 1).

    Returns
    -------
    pandas.DataFrame
        Series in the contract of :func:`toolkit.monitor.series.validate_series` (as it
        returns them): ``series, place, cohort, theme, outcome, period, frequency,
        numerator, denominator, value, per, target, improvement, unit, label``, one row per
        month of each series, whole system first. ``attrs["intervention"]`` records the
        step (place, theme, series, start, effect) and ``attrs["seed"]`` the seed.

    Raises
    ------
    TypeError
        If an option has the wrong type.
    ValueError
        If an option is out of range, or the intervention does not start inside the
        series.
    """
    seed, months, persons = int(seed), int(months), int(persons)
    last = _month(end, "end")
    first = last - months + 1
    place, theme = intervention_place, intervention_theme
    effect = float(intervention_effect) if theme is not None else 0.0
    if theme is None:
        place = None
    else:  # the place matters only when there is an intervention
        check_param(place, "intervention_place", [StrOptions(DEMO_PLACES)], _FUNC)
    if intervention_start is None:
        start = last - DEMO_INTERVENTION_MONTHS_BEFORE_END + 1
        start = start if start > first else first + 1
    else:
        start = _month(intervention_start, "intervention_start")
        if not first < start <= last:
            raise invalid_parameter(
                "intervention_start",
                _FUNC,
                f"a month after the first ({_label(first)}) and not after the last "
                f"({_label(last)})",
                intervention_start,
            )

    index = np.arange(first, last + 1)
    calendar_month = index % 12 + 1
    years = index // 12
    days = pd.to_datetime(
        pd.DataFrame({"year": years, "month": calendar_month, "day": 1})
    ).dt.days_in_month.to_numpy()
    length = days / _DAYS_IN_AVERAGE_MONTH
    # Years from the middle of the last 12 months, where the rates equal the cube's.
    from_anchor = (index - (last - 5.5)) / 12.0
    from_end = (index - last) / 12.0
    scale = persons / DEMO_PERSONS

    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SERIES_STREAM,)))
    numerators: list[np.ndarray] = []
    denominators: list[np.ndarray] = []
    expected: list[np.ndarray] = []
    for spec in DEMO_SERIES:
        base = np.array(COHORT_PERSONS[spec.cohort], dtype=float)
        growth = COHORT_GROWTH.get(spec.cohort, DEFAULT_COHORT_GROWTH)
        cohort = np.maximum(
            np.rint(base[:, None] * scale * (1.0 + growth) ** from_end[None, :]), 1.0
        )
        rate = spec.events / base.sum() * (1.0 + _trend(spec.outcome)) ** from_anchor
        amplitude, peak = _season(spec)
        season = 1.0 + amplitude * np.cos(2.0 * math.pi * (calendar_month - peak) / 12.0)
        step = np.ones((len(DEMO_PLACES), len(index)))
        if spec.theme == theme and spec.outcome.startswith("emergency_admissions"):
            step[DEMO_PLACES.index(place), index >= start] = 1.0 - effect
        if spec.proportion:
            expected.append(cohort / 12.0 * length)
        else:
            expected.append(cohort * (rate * season * length / 12.0)[None, :] * step)
        denominators.append(cohort)
    # Draw every count at once, in the order of DEMO_SERIES, so that a seed gives one table.
    draws = rng.poisson(np.stack(expected))
    for position, spec in enumerate(DEMO_SERIES):
        if spec.proportion:
            deliveries = np.maximum(draws[position], 1)
            share = np.minimum(spec.events / sum(COHORT_PERSONS[spec.cohort]), 1.0)
            share = share * (1.0 + _trend(spec.outcome)) ** from_anchor
            numerators.append(rng.binomial(deliveries, share[None, :]))
            denominators[position] = deliveries.astype(float)
        else:
            numerators.append(draws[position])

    frames = []
    places = (WHOLE_SYSTEM, *DEMO_PLACES)
    periods = pd.to_datetime(pd.DataFrame({"year": years, "month": calendar_month, "day": 1}))
    for position, spec in enumerate(DEMO_SERIES):
        numerator = np.vstack([numerators[position].sum(axis=0), numerators[position]])
        denominator = np.vstack([denominators[position].sum(axis=0), denominators[position]])
        frames.append(
            pd.DataFrame(
                {
                    "series": spec.series,
                    "place": np.repeat(places, len(index)),
                    "cohort": spec.cohort,
                    "theme": spec.theme,
                    "outcome": spec.outcome,
                    "period": np.tile(periods.to_numpy(), len(places)),
                    "numerator": numerator.ravel().astype(float),
                    "denominator": denominator.ravel(),
                    "target": np.nan if spec.target is None else spec.target,
                    "improvement": "decrease",
                    "unit": "percentage" if spec.proportion else RATE_UNIT,
                    "label": spec.label,
                }
            )
        )
    table = validate_series(
        pd.concat(frames, ignore_index=True), source="the demo series", frequency="month"
    )
    table.attrs["seed"] = seed
    table.attrs["intervention"] = (
        None
        if theme is None
        else {
            "place": place,
            "theme": theme,
            "series": [
                spec.series
                for spec in DEMO_SERIES
                if spec.theme == theme and spec.outcome.startswith("emergency_admissions")
            ],
            "start": _stamp_text(start),
            "effect": effect,
        }
    )
    return table


def _label(index: int) -> str:
    return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1).strftime("%b %Y")


def _stamp_text(index: int) -> str:
    return f"{index // 12}-{index % 12 + 1:02d}"


#: The demo board's ambition for each priority: this much below the level of the series'
#: first year (an invented ambition, to show the assurance icon; not a published target).
DEMO_AMBITION_REDUCTION: Final[float] = 0.10

#: When the demo board wants its ambitions met: March 2027, a year after the series end
#: (invented, like the ambitions).
DEMO_AMBITION_BY: Final[str] = "2027-03"


@validate_params(
    {
        "data": ["data-frame"],
        "outcomes": ["mapping"],
        "reduction": [Interval(Real, 0, 1, closed="left")],
    },
    renamed={"series": "data"},
)
def demo_ambitions(
    data: pd.DataFrame, outcomes: dict[str, str], *, reduction: float = DEMO_AMBITION_REDUCTION
) -> dict[str, float]:
    """Invent the demo board's ambitions: each priority's first-year level, lowered.

    Parameters
    ----------
    data : pandas.DataFrame
        The demo series (:func:`make_demo_series`).
    outcomes : dict of str to str
        Each priority (theme id) and the outcome it is followed on.
    reduction : float, default 0.1
        How far below the first year's mean value (whole system) the ambition is set.

    Returns
    -------
    dict of str to float
        Theme id to ambition, in the series' units (2 significant figures), for the
        priorities with a whole-system series of that outcome and no target of its own.
    """
    whole = data[data["place"] == WHOLE_SYSTEM]
    first_year = whole[whole["period"] < whole["period"].min() + pd.DateOffset(years=1)]
    ambitions = {}
    for theme, outcome in outcomes.items():
        rows = first_year[(first_year["theme"] == theme) & (first_year["outcome"] == outcome)]
        values = rows["value"]
        if "target" in rows.columns and rows["target"].notna().any():
            continue  # the series has a target of its own (a national ambition)
        if len(values):
            level = float(values.mean()) * (1 - reduction)
            ambitions[theme] = float(f"{level:.2g}")
    return ambitions


__all__ = [
    "COHORT_PERSONS",
    "DEMO_AMBITION_BY",
    "DEMO_AMBITION_REDUCTION",
    "DEMO_END",
    "DEMO_PLACES",
    "DEMO_SEED",
    "DEMO_SERIES",
    "WHOLE_SYSTEM",
    "DemoSeriesSpec",
    "demo_ambitions",
    "make_demo_series",
]
