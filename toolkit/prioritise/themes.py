"""A library of priority themes, shipped as data: one TOML file per theme, every figure sourced.

Boards recognise priorities as themes ("Find and treat high blood pressure", "Prevent falls
and support people living with frailty"), not as cells of a segment-by-activity table. A
theme names the cohort an intervention reaches, the outcomes it acts on (measures of the
cohort cube, :data:`toolkit.data.contract.COHORT_CUBE_MEASURES`), the causes of death it
tackles (for its share of the life-expectancy gap), its Core20PLUS5 area and one or more
interventions, each with a published effect size and the assumptions needed to turn it into
an estimate for one system. The library lives in ``toolkit/prioritise/theme_library/``;
analysts add or edit themes by writing files of the same shape in a folder of their own
(:func:`load_themes`). ``docs/themes.md`` lists every theme and every figure with its
source, and whether the figure was checked against the publication; it is written by
:func:`write_themes_doc`.

The file format
---------------
One file per theme, named after the theme's id (``high_blood_pressure.toml``)::

    id = "high_blood_pressure"                 # must equal the file name, without .toml
    name = "Find and treat high blood pressure"  # board language: no codes, no underscores
    programme = "cardiovascular"               # one of PROGRAMMES
    summary = "One or two plain sentences."
    cohort = "hypertension"                    # an id of segment/models/cohorts.toml
    outcomes = ["emergency_admissions_cardiovascular", "deaths_under_75"]  # first: headline
    fallback_outcome = "emergency_admissions"  # optional: when the data lack an optional one
    causes_of_death = ["circulatory"]          # CAUSES_OF_DEATH the theme tackles (may be [])
    core20plus5 = "adult:hypertension_case_finding"  # optional: one of CORE20PLUS5_AREAS

    [time_to_impact]                           # years until the benefit shows
    years_low = 1
    years_high = 3
    source = "..."
    checked = false

    [expected_prevalence]                      # optional: published estimate, diagnosed or not
    value = 0.30                               # a share of people of these ages
    age_from = 16                              # age_to optional
    source = "..."
    checked = true
    note = "..."                               # optional

    [[interventions]]                          # one or more; the first is the headline
    name = "Treat blood pressure to target"
    acts_on = "emergency_admissions_cardiovascular"  # one of the theme's outcomes
    evidence = "strong"                        # strong | moderate | emerging
    evidence_basis = "meta-analysis of randomised trials"
    nice = "NICE NG136"                        # optional guidance reference
    note = "..."                               # optional

    [interventions.effect]                     # the published effect
    measure = "relative_risk_reduction"
    central = 0.20
    low = 0.17
    high = 0.23
    interval = "95% confidence interval"       # what low and high are
    source = "Ettehad D et al. Lancet 2016;387:957-67 (RR 0.80, 95% CI 0.77 to 0.83)."
    checked = true

    [interventions.share_of_events]            # optional: share of the outcome's events the
    low = 0.5                                  # effect applies to (strokes among all heart
    high = 0.7                                 # and circulatory admissions); 1 if omitted
    source = "Assumption: ..."

    [interventions.reach]                      # share of the cohort the programme reaches
    low = 0.3
    high = 0.5
    source = "Assumption: ..."

    [interventions.uptake]                     # share of those reached who take it up and
    low = 0.5                                  # keep to it
    high = 0.7
    source = "Assumption: ..."

    [interventions.unit_cost]                  # required when acts_on is an activity
    value = 1590
    unit = "per emergency admission"
    price_year = "2016/17"
    source = "NHS Reference Costs 2016/17 ..."
    checked = true

Every figure (``time_to_impact``, ``expected_prevalence``, ``effect``,
``share_of_events``, ``reach``, ``uptake``, ``unit_cost``) is a table with a ``source``
(a publication, or ``"Assumption: ..."`` saying why) and ``checked`` (true only when the
figure was confirmed in the publication or a summary quoting it; false by default) and may
have a ``note``. ``fallback_outcome`` is for describing the theme's burden when the
extract lacks an optional outcome column; an intervention's estimate always uses its own
``acts_on`` outcome and is not applied to the fallback.

The impact estimate
-------------------
Avoidable events a year = events a year in the cohort × share of events × reach × uptake
× relative risk reduction (METHODS.md, "Impact estimates for a theme"). The low end of
the range multiplies every low, the high end every high (:func:`impact_range`); the
central figure uses the midpoints of the assumed ranges and the central effect
(:func:`impact_central`). Cost is avoidable events × the unit cost
(:func:`impact_cost_range`). Every such figure is an estimate and is labelled so.

Loading
-------
:func:`load_themes` reads the built-in library (or an analyst's folder) and checks every
file, raising one :class:`ThemeError` that lists every problem: the file, the field as a
dotted path (``interventions[1].effect.high``; ``interventions[1]`` is the first
``[[interventions]]`` table) and what to do about it.
"""

from __future__ import annotations

import difflib
import functools
import math
import numbers
import re
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from toolkit._params import (
    NON_NEGATIVE,
    POSITIVE,
    InstanceOf,
    Interval,
    SequenceOf,
    StrOptions,
    as_floats,
    check_fields,
    invalid_parameter,
    validate_params,
)
from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    COHORT_CUBE_MEASURES,
    COHORT_CUBE_OPTIONAL_MEASURES,
)
from toolkit.errors import DataContractError

#: The folder of the built-in library of themes.
THEME_LIBRARY: Final[Path] = Path(__file__).resolve().parent / "theme_library"

#: The catalogue of overlapping cohorts whose ids themes may name.
COHORTS_FILE: Final[Path] = (
    Path(__file__).resolve().parents[1] / "segment" / "models" / "cohorts.toml"
)

#: Prefixes of cohort ids made from the data: one per segment, one per ethnic group.
DYNAMIC_COHORT_PREFIXES: Final[tuple[str, ...]] = ("segment_", "ethnic_group_")

#: Programmes a theme belongs to, with their names in board language.
PROGRAMMES: Final[dict[str, str]] = {
    "cardiovascular": "Heart and circulatory disease",
    "respiratory": "Lung health",
    "diabetes": "Diabetes",
    "cancer": "Cancer",
    "frailty_and_falls": "Frailty and falls",
    "dementia": "Dementia",
    "mental_health": "Mental health",
    "learning_disability": "Learning disability",
    "end_of_life": "Care at the end of life",
    "maternity_and_early_years": "Maternity and the early years",
    "children_and_young_people": "Children and young people",
    "smoking": "Smoking",
    "alcohol": "Alcohol",
    "multimorbidity": "Living with several long-term conditions",
}

#: Core20PLUS5 clinical areas (NHS England), stored as ``"adult:<area>"`` or
#: ``"children:<area>"``, with their names.
CORE20PLUS5_AREAS: Final[dict[str, str]] = {
    "adult:maternity": "Maternity",
    "adult:severe_mental_illness": "Severe mental illness",
    "adult:chronic_respiratory_disease": "Chronic respiratory disease",
    "adult:early_cancer_diagnosis": "Early cancer diagnosis",
    "adult:hypertension_case_finding": "Hypertension case-finding",
    "adult:smoking_cessation": "Smoking cessation",
    "children:asthma": "Asthma",
    "children:diabetes": "Diabetes",
    "children:epilepsy": "Epilepsy",
    "children:oral_health": "Oral health",
    "children:mental_health": "Mental health",
}

#: Where the Core20PLUS5 areas are published, and whether each list was checked.
CORE20PLUS5_SOURCES: Final[dict[str, tuple[str, bool]]] = {
    "adult": (
        "NHS England. Core20PLUS5: an approach to reducing healthcare inequalities (adults); "
        "'Evidence for the five clinical priorities': maternity, severe mental illness, "
        "chronic respiratory disease, early cancer diagnosis and hypertension case-finding. "
        "Smoking cessation is listed by NHS England as a cross-cutting theme of the updated "
        "adult approach; that listing was not checked here.",
        True,
    ),
    "children": (
        "NHS England. Core20PLUS5: an approach to reducing health inequalities for children "
        "and young people (infographic): asthma, diabetes, epilepsy, oral health and mental "
        "health.",
        True,
    ),
}

#: Strengths of evidence, and what each means.
EVIDENCE_LEVELS: Final[dict[str, str]] = {
    "strong": "meta-analyses of randomised trials, or large randomised trials",
    "moderate": "a few or small randomised trials, or well-controlled observational studies",
    "emerging": "service evaluations, modelling or studies with mixed results",
}

#: Effect measures a theme may state, and what each means.
EFFECT_MEASURES: Final[dict[str, str]] = {
    "relative_risk_reduction": (
        "the share of the outcome's events prevented among people who receive the "
        "intervention (1 minus the relative risk, rate ratio or hazard ratio)"
    ),
}

#: Outcomes a theme can act on: every measure of the cohort cube except the head count.
OUTCOMES: Final[tuple[str, ...]] = tuple(
    measure for measure in COHORT_CUBE_MEASURES if measure != "persons"
) + tuple(COHORT_CUBE_OPTIONAL_MEASURES)

#: Outcomes counted in activity, whose estimates need a unit cost.
COSTED_OUTCOMES: Final[tuple[str, ...]] = tuple(ACTIVITY_COLUMNS) + tuple(CAUSE_ADMISSION_COLUMNS)

_CAUSE_WORDS: Final[dict[str, str]] = {
    "circulatory": "heart and circulatory disease",
    "cancer": "cancer",
    "respiratory": "lung disease",
    "digestive": "digestive disease (including liver disease)",
    "external": "injuries, poisoning and other external causes",
    "mental_and_behavioural": "mental and behavioural disorders",
    "other": "other causes",
}

_ACTIVITY_WORDS: Final[dict[str, tuple[str, str]]] = {
    "gp_appointments": ("GP appointment", "GP appointments"),
    "ae_attendances": ("A&E attendance", "A&E attendances"),
    "emergency_admissions": ("emergency admission", "emergency admissions"),
    "elective_admissions": ("planned admission", "planned admissions"),
    "outpatient_attendances": ("outpatient appointment", "outpatient appointments"),
    "bed_days": ("day in hospital", "days in hospital"),
}


def _outcome_phrases() -> dict[str, tuple[str, str]]:
    """Singular and plural board-language phrases for every outcome id."""
    phrases: dict[str, tuple[str, str]] = {
        "deaths": ("death", "deaths"),
        "deaths_under_75": ("death under 75", "deaths under 75"),
        **{
            f"deaths_{cause}": (f"death from {words}", f"deaths from {words}")
            for cause, words in _CAUSE_WORDS.items()
        },
        **_ACTIVITY_WORDS,
        **{
            f"persons_with_{column}": (
                f"person with at least one {singular}",
                f"people with at least one {singular}",
            )
            for column, (singular, _) in _ACTIVITY_WORDS.items()
        },
        "cost_gbp": ("cost of care", "cost of care"),
        "emergency_admissions_cardiovascular": (
            "emergency admission for heart and circulatory disease",
            "emergency admissions for heart and circulatory disease",
        ),
        "emergency_admissions_respiratory": (
            "emergency admission for lung disease",
            "emergency admissions for lung disease",
        ),
        "emergency_admissions_falls": (
            "emergency admission after a fall",
            "emergency admissions after a fall",
        ),
        "emergency_admissions_acsc": (
            "emergency admission for a condition usually managed outside hospital",
            "emergency admissions for conditions usually managed outside hospital",
        ),
        "emergency_admissions_alcohol": (
            "emergency admission caused by alcohol",
            "emergency admissions caused by alcohol",
        ),
        "persons_smoker": ("person who smokes", "people who smoke"),
        "persons_bp_controlled": (
            "person whose blood pressure is at target",
            "people whose blood pressure is at target",
        ),
    }
    return {outcome: phrases[outcome] for outcome in OUTCOMES}


#: Board-language names of each outcome id, plural ("emergency admissions after a fall").
OUTCOME_WORDS: Final[dict[str, str]] = {
    outcome: plural for outcome, (_, plural) in _outcome_phrases().items()
}

#: Board-language names of each outcome id, singular ("emergency admission after a fall").
OUTCOME_WORDS_SINGULAR: Final[dict[str, str]] = {
    outcome: singular for outcome, (singular, _) in _outcome_phrases().items()
}


# --------------------------------------------------------------------------------------
# The dataclasses
# --------------------------------------------------------------------------------------
class ThemeError(DataContractError):
    """A theme file breaks the library's format.

    The message names each file, each field (as a dotted path such as
    ``interventions[1].effect.high``) and the problem, in words an analyst can act on.
    ``failures`` holds the same facts as a table (``file``, ``field``, ``problem``).
    """


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _share_problems(low: object, high: object, what: str) -> list[tuple[str, str]]:
    """Problems with a low-high pair of shares, keyed by sub-field."""
    problems = []
    for name, value in (("low", low), ("high", high)):
        if not _is_number(value) or not math.isfinite(value):
            problems.append((name, f"must be a number (a share such as 0.4); got {value!r}"))
        elif not 0 < value <= 1:
            problems.append(
                (
                    name,
                    f"{what} must be a share above 0 and at most 1 (0.4 means 40%); got {value!r}",
                )
            )
    if not problems and low > high:
        problems.append(("low", f"must not exceed high; got low {low!r} and high {high!r}"))
    return problems


def _effect_problems(central: object, low: object, high: object) -> list[tuple[str, str]]:
    problems = []
    for name, value in (("central", central), ("low", low), ("high", high)):
        if not _is_number(value) or not math.isfinite(value):
            problems.append(
                (name, f"must be a number (a relative risk reduction such as 0.2); got {value!r}")
            )
        elif not 0 < value < 1:
            problems.append(
                (
                    name,
                    "must be a relative risk reduction above 0 and below 1 (0.2 means 20% "
                    "fewer events; a relative risk of 0.8 is a reduction of 0.2); "
                    f"got {value!r}",
                )
            )
    if not problems and not low <= central <= high:
        problems.append(
            (
                "central",
                f"low, central and high must be in order (low <= central <= high); got "
                f"{low!r}, {central!r} and {high!r}",
            )
        )
    return problems


def _raise_first(owner: str, problems: list[tuple[str, str]]) -> None:
    if problems:
        text = "; ".join(f"'{name}' {problem}" for name, problem in problems)
        raise ValueError(f"The parameters of {owner} are out of range: {text}.")


@dataclass(frozen=True)
class Share:
    """A share stated as a range, with its source: reach, uptake or share of events.

    Parameters
    ----------
    low, high : float
        The ends of the range, each above 0 and at most 1.
    source : str
        Where the figures come from, or ``"Assumption: ..."`` saying why.
    checked : bool
        Whether the figures were confirmed in the publication (or a summary quoting it).
    note : str
        Anything a reader needs to use the figures well.
    """

    low: float
    high: float
    source: str
    checked: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        _raise_first("Share", _share_problems(self.low, self.high, "the share"))

    @property
    def mid(self) -> float:
        """The midpoint of the range."""
        return (self.low + self.high) / 2


@dataclass(frozen=True)
class Effect:
    """An intervention's published effect on an outcome.

    Parameters
    ----------
    measure : str
        One of :data:`EFFECT_MEASURES` (``"relative_risk_reduction"``).
    central, low, high : float
        The effect and its range, each above 0 and below 1, in order.
    interval : str
        What ``low`` and ``high`` are ("95% confidence interval", "assumed range ...").
    source : str
        The publication, with the figures as published.
    checked : bool
        Whether the figures were confirmed in the publication (or a summary quoting it).
    note : str
        How the figures were derived, and caveats.
    """

    measure: str
    central: float
    low: float
    high: float
    interval: str
    source: str
    checked: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(self, {"measure": [StrOptions(EFFECT_MEASURES)]})
        _raise_first("Effect", _effect_problems(self.central, self.low, self.high))


@dataclass(frozen=True)
class UnitCost:
    """The cost of one event an intervention avoids.

    Parameters
    ----------
    value : float
        Pounds per event, above 0.
    unit : str
        What one event is ("per emergency admission").
    price_year : str
        The financial year of the prices ("2016/17").
    source : str
        The publication (for NHS costs, the National Cost Collection and its year).
    checked : bool
        Whether the figure was confirmed in the publication (or a summary quoting it).
    note : str
        Caveats (prices not uprated, episodes rather than whole stays, ...).
    """

    value: float
    unit: str
    price_year: str
    source: str
    checked: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(self, {"value": [POSITIVE]})


@dataclass(frozen=True)
class TimeToImpact:
    """How many years until a theme's benefit shows, as a range.

    Parameters
    ----------
    years_low, years_high : float
        The range in years, above 0, in order.
    source : str
        Where the range comes from, or ``"Assumption: ..."``.
    checked : bool
        Whether the range was confirmed in the publication.
    note : str
        Caveats.
    """

    years_low: float
    years_high: float
    source: str
    checked: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(self, {"years_low": [POSITIVE], "years_high": [POSITIVE]})
        if self.years_low > self.years_high:
            raise invalid_parameter(
                "years_low",
                type(self).__name__,
                f"at most years_high ({self.years_high!r})",
                self.years_low,
            )


@dataclass(frozen=True)
class ExpectedPrevalence:
    """A published estimate of how common the cohort's condition is, diagnosed or not.

    Parameters
    ----------
    value : float
        The share of people of these ages, above 0 and below 1.
    age_from : int
        The youngest age the estimate covers.
    source : str
        The publication.
    checked : bool
        Whether the figure was confirmed in the publication (or a summary quoting it).
    age_to : int, optional
        The oldest age covered; None for no upper limit.
    note : str
        How to use it (for example, compare with the register to see the diagnosis gap).
    """

    value: float
    age_from: int
    source: str
    checked: bool = False
    age_to: int | None = None
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(self, {"value": [Interval(numbers.Real, 0, 1, closed="neither")]})

    @property
    def ages(self) -> str:
        """The ages covered, in words ("16 and over", "40 to 74")."""
        if self.age_to is None:
            return f"{self.age_from} and over"
        return f"{self.age_from} to {self.age_to}"


@dataclass(frozen=True)
class Intervention:
    """An intervention of a theme, with its effect and the assumptions that scale it.

    Parameters
    ----------
    name : str
        In board language ("Treat blood pressure to target").
    acts_on : str
        The outcome the effect applies to, one of the theme's outcomes.
    effect : Effect
        The published effect.
    evidence : str
        One of :data:`EVIDENCE_LEVELS`: ``"strong"``, ``"moderate"`` or ``"emerging"``.
    evidence_basis : str
        What the evidence is ("meta-analysis of randomised trials").
    reach : Share
        The share of the cohort the programme reaches.
    uptake : Share
        The share of those reached who take it up and keep to it.
    share_of_events : Share, optional
        The share of the outcome's events the effect applies to; all of them if None.
    unit_cost : UnitCost, optional
        The cost of one avoided event; None for outcomes without a cash value (deaths,
        people who smoke).
    nice : str
        The NICE (or other national) guidance, if any.
    note : str
        Anything else a reader needs.
    """

    name: str
    acts_on: str
    effect: Effect
    evidence: str
    evidence_basis: str
    reach: Share
    uptake: Share
    share_of_events: Share | None = None
    unit_cost: UnitCost | None = None
    nice: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        check_fields(
            self,
            {
                "evidence": [StrOptions(EVIDENCE_LEVELS)],
                "acts_on": [
                    StrOptions(OUTCOMES, description="an outcome of the cohort cube (see OUTCOMES)")
                ],
            },
        )

    @property
    def effect_source(self) -> str:
        """The source of the effect size."""
        return self.effect.source

    @property
    def effect_checked(self) -> bool:
        """Whether the effect size was checked against its publication."""
        return self.effect.checked

    @property
    def events_share(self) -> Share:
        """The share of events the effect applies to (all of them when not stated)."""
        if self.share_of_events is None:
            return Share(1.0, 1.0, "The effect applies to all the outcome's events.", True)
        return self.share_of_events


@dataclass(frozen=True)
class Theme:
    """A priority theme: a cohort, the outcomes it acts on and its interventions.

    Parameters
    ----------
    id : str
        Lower case with underscores; equals the file name without ``.toml``.
    name : str
        In board language ("Find and treat high blood pressure").
    programme : str
        One of :data:`PROGRAMMES`.
    summary : str
        One or two plain sentences.
    cohort : str
        The cohort the intervention reaches (an id of the cohorts catalogue).
    outcomes : tuple of str
        Outcomes the theme acts on; the first is the headline.
    causes_of_death : tuple of str
        Causes of death (:data:`toolkit.data.contract.CAUSES_OF_DEATH`) it tackles.
    time_to_impact : TimeToImpact
        Years until the benefit shows.
    interventions : tuple of Intervention
        At least one; the first is the headline.
    fallback_outcome : str, optional
        Shown instead of the headline outcome when the data lack that optional column.
    core20plus5 : str
        One of :data:`CORE20PLUS5_AREAS`, or ``""``.
    expected_prevalence : ExpectedPrevalence, optional
        A published estimate of prevalence, diagnosed or not.
    path : str
        The file the theme was read from (not compared).
    """

    id: str
    name: str
    programme: str
    summary: str
    cohort: str
    outcomes: tuple[str, ...]
    causes_of_death: tuple[str, ...]
    time_to_impact: TimeToImpact
    interventions: tuple[Intervention, ...]
    fallback_outcome: str | None = None
    core20plus5: str = ""
    expected_prevalence: ExpectedPrevalence | None = None
    path: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.outcomes or not self.interventions:
            raise ValueError(
                "The 'outcomes' and 'interventions' parameters of Theme must not be empty. "
                f"Got {len(self.outcomes)} outcomes and {len(self.interventions)} "
                "interventions instead."
            )

    @property
    def headline_outcome(self) -> str:
        """The first outcome: the one the theme is measured by."""
        return self.outcomes[0]

    @property
    def programme_label(self) -> str:
        """The programme in board language."""
        return PROGRAMMES.get(self.programme, self.programme)

    @property
    def core20plus5_label(self) -> str:
        """The Core20PLUS5 area in words ("Hypertension case-finding (adults)"), or ``""``."""
        if not self.core20plus5:
            return ""
        group = "adults" if self.core20plus5.startswith("adult:") else "children and young people"
        return f"{CORE20PLUS5_AREAS[self.core20plus5]} ({group})"


# --------------------------------------------------------------------------------------
# Reading and checking theme files
# --------------------------------------------------------------------------------------
_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
#: Codes that do not belong in a board's name for a theme (I10, NG136, E11.9 ...).
_CODE_PATTERN = re.compile(r"\b[A-Z]{1,4}\d{2,}(\.\d+)?\b")

_SOURCE_HELP = (
    "every figure needs its source: the publication (author, title, journal and year, or "
    "the NICE/NHS England/OHID document), or 'Assumption: ...' saying why"
)

_FIGURE: Final[dict[str, bool]] = {"source": True, "checked": False, "note": False}
_TOP_FIELDS: Final[dict[str, bool]] = {
    "id": True,
    "name": True,
    "programme": True,
    "summary": True,
    "cohort": True,
    "outcomes": True,
    "fallback_outcome": False,
    "causes_of_death": True,
    "core20plus5": False,
    "time_to_impact": True,
    "expected_prevalence": False,
    "interventions": True,
}
_INTERVENTION_FIELDS: Final[dict[str, bool]] = {
    "name": True,
    "acts_on": True,
    "effect": True,
    "evidence": True,
    "evidence_basis": True,
    "reach": True,
    "uptake": True,
    "share_of_events": False,
    "unit_cost": False,
    "nice": False,
    "note": False,
}
_EFFECT_FIELDS: Final[dict[str, bool]] = {
    "measure": True,
    "central": True,
    "low": True,
    "high": True,
    "interval": True,
    **_FIGURE,
}
_SHARE_FIELDS: Final[dict[str, bool]] = {"low": True, "high": True, **_FIGURE}
_UNIT_COST_FIELDS: Final[dict[str, bool]] = {
    "value": True,
    "unit": True,
    "price_year": True,
    **_FIGURE,
}
_TIME_FIELDS: Final[dict[str, bool]] = {"years_low": True, "years_high": True, **_FIGURE}
_PREVALENCE_FIELDS: Final[dict[str, bool]] = {
    "value": True,
    "age_from": True,
    "age_to": False,
    **_FIGURE,
}
_TABLE_WORDS: Final[dict[str, str]] = {
    "": "a theme",
    "intervention": "an intervention ([[interventions]])",
    "effect": "an effect",
    "share": "this figure",
    "unit_cost": "a unit cost",
    "time_to_impact": "time_to_impact",
    "expected_prevalence": "expected_prevalence",
}


@functools.lru_cache(maxsize=4)
def _read_cohorts(path: str) -> tuple[tuple[str, str], ...]:
    with open(path, "rb") as handle:
        document = tomllib.load(handle)
    return tuple(
        (str(entry["id"]), str(entry.get("label", entry["id"])))
        for entry in document.get("cohorts", [])
    )


#: Constraints of the theme functions' options (see :func:`validate_params`).
_KNOWN_COHORTS = [
    InstanceOf((set, frozenset, list, tuple), "a collection (set, list or tuple) of cohort ids"),
    None,
]
_EVENTS_A_YEAR = [NON_NEGATIVE, "array-like"]


@validate_params({"path": ["path", None]})
def known_cohort_ids(path: str | Path | None = None) -> frozenset[str]:
    """Return the ids of the cohorts catalogue that themes may name.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A cohorts file; by default the toolkit's ``segment/models/cohorts.toml``.

    Returns
    -------
    frozenset of str
        The ids. Cohort ids starting with ``segment_`` or ``ethnic_group_`` are made from
        the data and are accepted by the checks without being listed here.
    """
    return frozenset(cohort for cohort, _ in _read_cohorts(str(path or COHORTS_FILE)))


def _cohort_labels() -> dict[str, str]:
    return dict(_read_cohorts(str(COHORTS_FILE)))


def _suggest(word: object, choices: Iterable[str]) -> str:
    """'; did you mean ...?' when a close match exists."""
    if not isinstance(word, str):
        return ""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{found[0]}'?" if found else ""


def _shown(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


class _Checker:
    """Collects every problem with one theme file; builds the theme when there are none."""

    def __init__(self, path: Path, known_cohorts: Collection[str]) -> None:
        self.path = path
        self.known_cohorts = known_cohorts
        self.problems: list[tuple[str, str]] = []

    # ---- small checks ------------------------------------------------------------
    def fail(self, at: str, problem: str) -> None:
        self.problems.append((at or "(file)", problem))

    def table(
        self, value: object, where: str, fields: Mapping[str, bool], kind: str
    ) -> dict[str, Any] | None:
        """Check a table's fields: unknown ones (with a suggestion) and missing ones."""
        if not isinstance(value, dict):
            self.fail(where, f"must be a table of fields; got {_shown(value)}")
            return None
        prefix = f"{where}." if where else ""
        for key in value:
            if key not in fields:
                self.fail(
                    f"{prefix}{key}",
                    f"is not a field of {_TABLE_WORDS[kind]}{_suggest(key, fields)}"
                    + ("" if _suggest(key, fields) else f"; the fields are {sorted(fields)}"),
                )
        for key, required in fields.items():
            if required and key not in value:
                if key == "source":
                    self.fail(f"{prefix}{key}", f"is missing: {_SOURCE_HELP}")
                else:
                    self.fail(f"{prefix}{key}", "is missing (it is required)")
        return value

    def text(self, table: Mapping[str, Any], key: str, where: str, *, required: bool) -> str:
        at = f"{where}.{key}" if where else key
        if key not in table:
            return ""
        value = table[key]
        if not isinstance(value, str):
            self.fail(at, f"must be text in quotes; got {_shown(value)}")
            return ""
        if required and not value.strip():
            help_text = _SOURCE_HELP if key == "source" else "write it in plain words"
            self.fail(at, f"is empty: {help_text}")
        return value.strip()

    def number(self, table: Mapping[str, Any], key: str, where: str) -> float | None:
        if key not in table:
            return None
        value = table[key]
        if not _is_number(value) or not math.isfinite(value):
            self.fail(f"{where}.{key}", f"must be a number; got {_shown(value)}")
            return None
        return float(value)

    def flag(self, table: Mapping[str, Any], key: str, where: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            self.fail(f"{where}.{key}", f"must be true or false (no quotes); got {_shown(value)}")
            return False
        return value

    def choice(
        self, value: str, at: str, choices: Iterable[str], what: str, *, show: bool = True
    ) -> bool:
        options = list(choices)
        if value in options:
            return True
        hint = _suggest(value, options)
        listing = f"; choose one of {options}" if show and not hint else ""
        self.fail(at, f"{value!r} is not {what}{hint}{listing}")
        return False

    # ---- figures -------------------------------------------------------------------
    def figure_basics(self, table: Mapping[str, Any], where: str) -> tuple[str, bool, str]:
        source = self.text(table, "source", where, required=True)
        checked = self.flag(table, "checked", where)
        note = self.text(table, "note", where, required=False)
        return source, checked, note

    def share(self, value: object, where: str, what: str) -> Share | None:
        table = self.table(value, where, _SHARE_FIELDS, "share")
        if table is None:
            return None
        source, checked, note = self.figure_basics(table, where)
        low, high = self.number(table, "low", where), self.number(table, "high", where)
        before = len(self.problems)
        if low is not None and high is not None:
            for key, problem in _share_problems(low, high, what):
                self.fail(f"{where}.{key}", problem)
        if len(self.problems) > before or low is None or high is None or not source:
            return None
        return Share(low, high, source, checked, note)

    def effect(self, value: object, where: str) -> Effect | None:
        table = self.table(value, where, _EFFECT_FIELDS, "effect")
        if table is None:
            return None
        source, checked, note = self.figure_basics(table, where)
        measure = self.text(table, "measure", where, required=True)
        interval = self.text(table, "interval", where, required=True)
        if measure:
            self.choice(measure, f"{where}.measure", EFFECT_MEASURES, "an effect measure")
        numbers = [self.number(table, key, where) for key in ("central", "low", "high")]
        before = len(self.problems)
        if all(n is not None for n in numbers):
            for key, problem in _effect_problems(*numbers):
                self.fail(f"{where}.{key}", problem)
        if len(self.problems) > before or None in numbers or not (source and interval):
            return None
        if measure not in EFFECT_MEASURES:
            return None
        central, low, high = numbers
        return Effect(measure, central, low, high, interval, source, checked, note)

    def unit_cost(self, value: object, where: str) -> UnitCost | None:
        table = self.table(value, where, _UNIT_COST_FIELDS, "unit_cost")
        if table is None:
            return None
        source, checked, note = self.figure_basics(table, where)
        unit = self.text(table, "unit", where, required=True)
        year = self.text(table, "price_year", where, required=True)
        amount = self.number(table, "value", where)
        if amount is not None and amount <= 0:
            self.fail(f"{where}.value", f"must be a number of pounds above 0; got {amount!r}")
            return None
        if amount is None or not (source and unit and year):
            return None
        return UnitCost(amount, unit, year, source, checked, note)

    def time_to_impact(self, value: object) -> TimeToImpact | None:
        where = "time_to_impact"
        table = self.table(value, where, _TIME_FIELDS, "time_to_impact")
        if table is None:
            return None
        source, checked, note = self.figure_basics(table, where)
        low, high = self.number(table, "years_low", where), self.number(table, "years_high", where)
        ok = True
        for key, years in (("years_low", low), ("years_high", high)):
            if years is not None and years <= 0:
                self.fail(f"{where}.{key}", f"must be a number of years above 0; got {years!r}")
                ok = False
        if ok and low is not None and high is not None and low > high:
            self.fail(f"{where}.years_low", f"must not exceed years_high; got {low!r} and {high!r}")
            ok = False
        if not ok or low is None or high is None or not source:
            return None
        return TimeToImpact(low, high, source, checked, note)

    def prevalence(self, value: object) -> ExpectedPrevalence | None:
        where = "expected_prevalence"
        table = self.table(value, where, _PREVALENCE_FIELDS, "expected_prevalence")
        if table is None:
            return None
        source, checked, note = self.figure_basics(table, where)
        share = self.number(table, "value", where)
        ok = True
        if share is not None and not 0 < share < 1:
            self.fail(
                f"{where}.value",
                f"must be a share above 0 and below 1 (0.3 means 30%); got {share!r}",
            )
            ok = False
        ages = {}
        for key in ("age_from", "age_to"):
            if key not in table:
                continue
            age = table[key]
            if not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 120:
                self.fail(f"{where}.{key}", f"must be a whole age from 0 to 120; got {_shown(age)}")
                ok = False
            else:
                ages[key] = age
        if ok and "age_to" in ages and "age_from" in ages and ages["age_to"] < ages["age_from"]:
            self.fail(f"{where}.age_to", "must not be below age_from")
            ok = False
        if not ok or share is None or "age_from" not in ages or not source:
            return None
        return ExpectedPrevalence(
            share, ages["age_from"], source, checked, ages.get("age_to"), note
        )

    # ---- the theme -----------------------------------------------------------------
    def outcome_list(
        self, document: Mapping[str, Any], key: str, choices: Sequence[str], what: str
    ) -> tuple[str, ...]:
        if key not in document:
            return ()
        value = document[key]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(
                key, f'must be a list of names in quotes, such as ["a", "b"]; got {_shown(value)}'
            )
            return ()
        for position, item in enumerate(value, start=1):
            self.choice(item, f"{key}[{position}]", choices, what)
        repeated = sorted({item for item in value if value.count(item) > 1})
        if repeated:
            self.fail(key, f"names {repeated} more than once")
        return tuple(value)

    def intervention(
        self, value: object, position: int, outcomes: tuple[str, ...]
    ) -> Intervention | None:
        where = f"interventions[{position}]"
        before = len(self.problems)
        table = self.table(value, where, _INTERVENTION_FIELDS, "intervention")
        if table is None:
            return None
        name = self.text(table, "name", where, required=True)
        if name:
            self.plain_words(name, f"{where}.name")
        acts_on = self.text(table, "acts_on", where, required=True)
        if acts_on and self.choice(
            acts_on, f"{where}.acts_on", OUTCOMES, "an outcome of the cohort cube", show=False
        ):
            if outcomes and acts_on not in outcomes:
                self.fail(
                    f"{where}.acts_on",
                    f"{acts_on!r} is not one of the theme's outcomes {list(outcomes)}; add it "
                    "to outcomes or correct it",
                )
        evidence = self.text(table, "evidence", where, required=True)
        if evidence:
            self.choice(evidence, f"{where}.evidence", EVIDENCE_LEVELS, "a strength of evidence")
        basis = self.text(table, "evidence_basis", where, required=True)
        nice = self.text(table, "nice", where, required=False)
        note = self.text(table, "note", where, required=False)
        effect = self.effect(table["effect"], f"{where}.effect") if "effect" in table else None
        shares = {
            key: self.share(table[key], f"{where}.{key}", what) if key in table else None
            for key, what in (
                ("reach", "reach"),
                ("uptake", "uptake"),
                ("share_of_events", "the share of events"),
            )
        }
        cost = None
        if "unit_cost" in table:
            cost = self.unit_cost(table["unit_cost"], f"{where}.unit_cost")
        elif acts_on in COSTED_OUTCOMES:
            self.fail(
                f"{where}.unit_cost",
                f"is missing: an estimate of avoided {OUTCOME_WORDS[acts_on]} needs the cost of "
                "one (for NHS activity, the National Cost Collection, with its year)",
            )
        if len(self.problems) > before or effect is None:
            return None
        if shares["reach"] is None or shares["uptake"] is None:
            return None
        return Intervention(
            name=name,
            acts_on=acts_on,
            effect=effect,
            evidence=evidence,
            evidence_basis=basis,
            reach=shares["reach"],
            uptake=shares["uptake"],
            share_of_events=shares["share_of_events"],
            unit_cost=cost,
            nice=nice,
            note=note,
        )

    def plain_words(self, text: str, at: str) -> None:
        code = _CODE_PATTERN.search(text)
        if "_" in text or code:
            found = code.group(0) if code else "_"
            self.fail(
                at,
                f"should be in words a board uses, without underscores or codes (found "
                f"{found!r}); got {text!r}",
            )

    def theme(self, document: dict[str, Any]) -> Theme | None:
        self.table(document, "", _TOP_FIELDS, "")
        theme_id = self.text(document, "id", "", required=True)
        if theme_id and not _ID_PATTERN.match(theme_id):
            self.fail("id", f"must be lower case letters, digits and underscores; got {theme_id!r}")
        elif theme_id and theme_id != self.path.stem:
            self.fail(
                "id",
                f"{theme_id!r} must equal the file name without .toml ({self.path.stem!r}); "
                "rename the file or change the id",
            )
        name = self.text(document, "name", "", required=True)
        if name:
            self.plain_words(name, "name")
        summary = self.text(document, "summary", "", required=True)
        programme = self.text(document, "programme", "", required=True)
        if programme:
            self.choice(programme, "programme", PROGRAMMES, "a programme")
        cohort = self.text(document, "cohort", "", required=True)
        if cohort and not cohort.startswith(DYNAMIC_COHORT_PREFIXES):
            self.choice(
                cohort,
                "cohort",
                sorted(self.known_cohorts),
                "a cohort of segment/models/cohorts.toml (nor a segment_ or ethnic_group_ cohort)",
                show=False,
            )
        outcomes = self.outcome_list(
            document, "outcomes", OUTCOMES, "an outcome of the cohort cube"
        )
        if "outcomes" in document and isinstance(document["outcomes"], list) and not outcomes:
            self.fail("outcomes", "must name at least one outcome")
        causes = self.outcome_list(document, "causes_of_death", CAUSES_OF_DEATH, "a cause of death")
        fallback = self.text(document, "fallback_outcome", "", required=True) or None
        if fallback:
            self.choice(
                fallback,
                "fallback_outcome",
                [m for m in COHORT_CUBE_MEASURES if m != "persons"],
                "an outcome every cohort cube has",
                show=False,
            )
        area = self.text(document, "core20plus5", "", required=False)
        if area:
            self.choice(area, "core20plus5", CORE20PLUS5_AREAS, "a Core20PLUS5 area")
        timing = (
            self.time_to_impact(document["time_to_impact"])
            if "time_to_impact" in document
            else None
        )
        prevalence = None
        if "expected_prevalence" in document:
            prevalence = self.prevalence(document["expected_prevalence"])
        interventions = []
        if "interventions" in document:
            entries = document["interventions"]
            if not isinstance(entries, list) or not entries:
                self.fail(
                    "interventions",
                    "must be one or more [[interventions]] tables; got " + _shown(entries),
                )
            else:
                names = []
                for position, entry in enumerate(entries, start=1):
                    made = self.intervention(entry, position, outcomes)
                    if made is not None:
                        interventions.append(made)
                        names.append(made.name)
                repeated = sorted({n for n in names if names.count(n) > 1})
                if repeated:
                    self.fail("interventions", f"names {repeated} more than once")
        if self.problems or timing is None:
            return None
        return Theme(
            id=theme_id,
            name=name,
            programme=programme,
            summary=summary,
            cohort=cohort,
            outcomes=outcomes,
            causes_of_death=causes,
            time_to_impact=timing,
            interventions=tuple(interventions),
            fallback_outcome=fallback,
            core20plus5=area,
            expected_prevalence=prevalence,
            path=str(self.path),
        )


def _check_file(path: Path, known_cohorts: Collection[str]) -> tuple[Theme | None, list]:
    """Read one theme file; return the theme (or None) and its problems."""
    checker = _Checker(path, known_cohorts)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        checker.fail("(file)", f"is not UTF-8 text ({error.reason}); save it as UTF-8")
        return None, checker.problems
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"\(at line (\d+), column (\d+)\)", message)
        what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        if found:
            where = f"line {found.group(1)}"
            problem = (
                f"is not valid TOML (column {found.group(2)}): {what}. Check the quotes (text goes "
                "in double quotes), "
                "brackets, commas and '=' signs on that line"
            )
        else:
            where = f"line {max(1, len(text.splitlines()))}"
            problem = (
                f"is not valid TOML: {what} at the end of the file. Look for a bracket or "
                "quote opened earlier and never closed"
            )
        checker.fail(where, problem)
        return None, checker.problems
    return checker.theme(document), checker.problems


def _stop(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _error(problems: Sequence[tuple[str, str, str]]) -> ThemeError:
    files = sorted({file for file, _, _ in problems})
    if len(files) == 1:
        head = f"{files[0]}: the theme file needs fixing ({len(problems)} problem"
        head += "s):" if len(problems) != 1 else "):"
        lines = [head] + [f"- {where}: {_stop(problem)}" for _, where, problem in problems]
    else:
        lines = [f"Theme files need fixing ({len(problems)} problems in {len(files)} files):"]
        lines += [f"- {file}: {where}: {_stop(problem)}" for file, where, problem in problems]
    failures = pd.DataFrame(problems, columns=["file", "field", "problem"])
    return ThemeError("\n".join(lines), failures=failures, source=", ".join(files))


def _cohorts(known_cohorts: Collection[str] | None) -> frozenset[str]:
    """Return the cohort ids themes may name: those given, or the catalogue's."""
    if known_cohorts is None:
        return known_cohort_ids()
    return frozenset(str(cohort) for cohort in known_cohorts)


@validate_params({"path": ["path"], "known_cohorts": _KNOWN_COHORTS})
def load_theme(path: str | Path, *, known_cohorts: Collection[str] | None = None) -> Theme:
    """Read and check one theme file.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.toml`` file in the library's format (see the module's documentation).
    known_cohorts : collection of str, optional
        Cohort ids the theme may name; by default those of the toolkit's cohorts
        catalogue (:func:`known_cohort_ids`). ``segment_*`` and ``ethnic_group_*`` ids are
        always accepted.

    Returns
    -------
    Theme
        The theme.

    Raises
    ------
    ThemeError
        Listing every problem in the file: its name, the field (``interventions[1].effect.high``)
        and what is wrong.
    FileNotFoundError
        When there is no such file.
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"load_theme: no such file: {source}")
    theme, problems = _check_file(source, _cohorts(known_cohorts))
    if problems or theme is None:
        raise _error([(str(source), where, problem) for where, problem in problems])
    return theme


@validate_params({"folder": ["path", SequenceOf("path"), None], "known_cohorts": _KNOWN_COHORTS})
def load_themes(
    folder: str | Path | Sequence[str | Path] | None = None,
    *,
    known_cohorts: Collection[str] | None = None,
) -> tuple[Theme, ...]:
    """Read and check every theme of the built-in library or of the analyst's folders.

    Parameters
    ----------
    folder : str, pathlib.Path or sequence of them, optional
        A folder of ``*.toml`` theme files (not its sub-folders), or several folders whose
        themes are combined; by default the built-in library (:data:`THEME_LIBRARY`). To
        extend the library, pass ``[THEME_LIBRARY, "my_themes"]``.
    known_cohorts : collection of str, optional
        Cohort ids themes may name; by default the toolkit's cohorts catalogue.

    Returns
    -------
    tuple of Theme
        Sorted by id.

    Raises
    ------
    ThemeError
        Listing every problem in every file at once (file, field, problem), including an
        id used by more than one file.
    FileNotFoundError
        When a folder does not exist or holds no ``.toml`` files.
    """
    caller = "load_themes"
    if folder is None:
        folders = [THEME_LIBRARY]
    elif isinstance(folder, str | Path):
        folders = [Path(folder)]
    else:
        folders = [Path(item) for item in folder]
    cohorts = _cohorts(known_cohorts)
    files: list[Path] = []
    for place in folders:
        if not place.is_dir():
            raise FileNotFoundError(f"{caller}: no such folder: {place}")
        found = sorted(place.glob("*.toml"))
        if not found:
            raise FileNotFoundError(f"{caller}: {place} holds no theme files (*.toml)")
        files.extend(found)
    problems: list[tuple[str, str, str]] = []
    themes: list[Theme] = []
    first_file: dict[str, Path] = {}
    for path in files:
        theme, found_problems = _check_file(path, cohorts)
        problems.extend((str(path), at, problem) for at, problem in found_problems)
        if theme is None:
            continue
        if theme.id in first_file:
            problems.append(
                (
                    str(path),
                    "id",
                    f"{theme.id!r} is already the id of {first_file[theme.id]}; each theme "
                    "needs its own id (to change a built-in theme, edit a copy in a folder "
                    "of your own and load that folder instead)",
                )
            )
            continue
        first_file[theme.id] = path
        themes.append(theme)
    if problems:
        raise _error(problems)
    return tuple(sorted(themes, key=lambda theme: theme.id))


# --------------------------------------------------------------------------------------
# Impact estimates
# --------------------------------------------------------------------------------------
def _events(events_a_year: float | Sequence[float] | np.ndarray, caller: str) -> np.ndarray:
    """Return the events as an array after checking an array's contents (a number is declared)."""
    events = as_floats(events_a_year, "events_a_year", caller)
    if not np.all(np.isfinite(events)) or np.any(events < 0):
        raise invalid_parameter(
            "events_a_year", caller, "an array of non-negative and finite numbers", events_a_year
        )
    return events


def _shaped(values: np.ndarray, like: np.ndarray) -> float | np.ndarray:
    return float(values) if like.ndim == 0 else values


@validate_params(
    {"events_a_year": _EVENTS_A_YEAR, "intervention": [InstanceOf(Intervention, "an Intervention")]}
)
def impact_range(
    events_a_year: float | Sequence[float] | np.ndarray, intervention: Intervention
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Estimate the events a year an intervention could avoid, as a low-high range.

    Avoidable events = events a year in the cohort × share of events × reach × uptake ×
    relative risk reduction; the low end multiplies every low, the high end every high
    (METHODS.md, "Impact estimates for a theme"). An estimate, never a forecast.

    Parameters
    ----------
    events_a_year : float or array-like of float
        Events a year of the intervention's ``acts_on`` outcome in the cohort (not of a
        fallback outcome), non-negative.
    intervention : Intervention
        The intervention.

    Returns
    -------
    tuple
        ``(low, high)``: floats for a number, arrays of the same shape for an array.

    Examples
    --------
    1,000 admissions a year, all in scope, reach 0.5 to 0.8, uptake 0.5 to 0.7, effect
    0.17 to 0.23: low = 1,000 × 0.5 × 0.5 × 0.17 = 42.5, high = 1,000 × 0.8 × 0.7 × 0.23
    = 128.8.
    """
    caller = "impact_range"
    events = _events(events_a_year, caller)
    chosen = intervention
    share = chosen.events_share
    low = events * share.low * chosen.reach.low * chosen.uptake.low * chosen.effect.low
    high = events * share.high * chosen.reach.high * chosen.uptake.high * chosen.effect.high
    return _shaped(low, events), _shaped(high, events)


@validate_params(
    {"events_a_year": _EVENTS_A_YEAR, "intervention": [InstanceOf(Intervention, "an Intervention")]}
)
def impact_central(
    events_a_year: float | Sequence[float] | np.ndarray, intervention: Intervention
) -> float | np.ndarray:
    """Estimate the events a year an intervention could avoid: a central figure.

    Events a year × the midpoints of the share of events, reach and uptake ranges × the
    central effect. It lies within :func:`impact_range` and is a convenience for ranking,
    not the centre of a probability distribution.

    Parameters
    ----------
    events_a_year : float or array-like of float
        Events a year of the intervention's outcome in the cohort, non-negative.
    intervention : Intervention
        The intervention.

    Returns
    -------
    float or numpy.ndarray
        The central estimate, shaped like ``events_a_year``.
    """
    caller = "impact_central"
    events = _events(events_a_year, caller)
    chosen = intervention
    central = (
        events
        * chosen.events_share.mid
        * chosen.reach.mid
        * chosen.uptake.mid
        * chosen.effect.central
    )
    return _shaped(central, events)


@validate_params(
    {"events_a_year": _EVENTS_A_YEAR, "intervention": [InstanceOf(Intervention, "an Intervention")]}
)
def impact_cost_range(
    events_a_year: float | Sequence[float] | np.ndarray, intervention: Intervention
) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Estimate the cost a year of the events an intervention could avoid, in pounds.

    Parameters
    ----------
    events_a_year : float or array-like of float
        Events a year of the intervention's outcome in the cohort, non-negative.
    intervention : Intervention
        The intervention; it must have a unit cost.

    Returns
    -------
    tuple
        ``(low, high)``: :func:`impact_range` × the unit cost (at its price year).

    Raises
    ------
    ValueError
        When the intervention has no unit cost (its outcome, such as deaths, has no cash
        value in the library).
    """
    chosen = intervention
    if chosen.unit_cost is None:
        raise ValueError(
            f"impact_cost_range: '{chosen.name}' has no unit cost: "
            f"{OUTCOME_WORDS[chosen.acts_on]} have no cash value in the library."
        )
    low, high = impact_range(events_a_year, chosen)
    return low * chosen.unit_cost.value, high * chosen.unit_cost.value


# --------------------------------------------------------------------------------------
# Tables and documentation
# --------------------------------------------------------------------------------------
def _themes(themes: Iterable[Theme] | None) -> tuple[Theme, ...]:
    """Return the themes given (checked by the caller's declaration), or the library's."""
    return load_themes() if themes is None else tuple(themes)


@validate_params({"themes": [SequenceOf(InstanceOf(Theme, "a Theme")), None]})
def themes_frame(themes: Iterable[Theme] | None = None) -> pd.DataFrame:
    """One row per theme and intervention: the library as a table, for notebooks and docs.

    Parameters
    ----------
    themes : iterable of Theme, optional
        By default the built-in library.

    Returns
    -------
    pandas.DataFrame
        Columns ``theme``, ``name``, ``programme``, ``cohort``, ``headline_outcome``,
        ``outcome_words``, ``core20plus5``, ``time_to_impact_low``,
        ``time_to_impact_high``, ``intervention``, ``acts_on``, ``evidence``,
        ``effect_central``, ``effect_low``, ``effect_high``, ``effect_interval``,
        ``effect_source``, ``effect_checked``, ``share_of_events_low``,
        ``share_of_events_high``, ``reach_low``, ``reach_high``, ``uptake_low``,
        ``uptake_high``, ``unit_cost``, ``unit_cost_unit``, ``unit_cost_price_year``
        (missing when the outcome has no cash value) and ``nice``.
    """
    rows = []
    for theme in _themes(themes):
        for intervention in theme.interventions:
            cost = intervention.unit_cost
            share = intervention.events_share
            rows.append(
                {
                    "theme": theme.id,
                    "name": theme.name,
                    "programme": theme.programme,
                    "cohort": theme.cohort,
                    "headline_outcome": theme.headline_outcome,
                    "outcome_words": OUTCOME_WORDS[theme.headline_outcome],
                    "core20plus5": theme.core20plus5,
                    "time_to_impact_low": theme.time_to_impact.years_low,
                    "time_to_impact_high": theme.time_to_impact.years_high,
                    "intervention": intervention.name,
                    "acts_on": intervention.acts_on,
                    "evidence": intervention.evidence,
                    "effect_central": intervention.effect.central,
                    "effect_low": intervention.effect.low,
                    "effect_high": intervention.effect.high,
                    "effect_interval": intervention.effect.interval,
                    "effect_source": intervention.effect.source,
                    "effect_checked": intervention.effect.checked,
                    "share_of_events_low": share.low,
                    "share_of_events_high": share.high,
                    "reach_low": intervention.reach.low,
                    "reach_high": intervention.reach.high,
                    "uptake_low": intervention.uptake.low,
                    "uptake_high": intervention.uptake.high,
                    "unit_cost": cost.value if cost is not None else np.nan,
                    "unit_cost_unit": cost.unit if cost is not None else "",
                    "unit_cost_price_year": cost.price_year if cost is not None else "",
                    "nice": intervention.nice,
                }
            )
    return pd.DataFrame(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _checked(flag: bool) -> str:
    return "yes" if flag else "**no: not checked**"


def _share_text(share: Share) -> str:
    if share.low == share.high:
        return f"{share.low:.0%}"
    return f"{share.low:.0%} to {share.high:.0%}"


def _figure_row(figure: str, value: str, source: str, checked: bool, note: str) -> str:
    detail = source + (f" *Note:* {note}" if note else "")
    return f"| {figure} | {_cell(value)} | {_cell(detail)} | {_checked(checked)} |"


def _format_rows() -> list[tuple[str, str]]:
    """Return the fields of a theme file and what each means, for the documentation page."""
    figure = "`source`, `checked`"
    return [
        ("`id`", "lower case with underscores; equals the file name without `.toml`"),
        ("`name`", "board language, no codes or underscores"),
        ("`programme`", "one of: " + ", ".join(f"`{p}`" for p in PROGRAMMES)),
        ("`summary`", "one or two plain sentences"),
        (
            "`cohort`",
            "an id of `toolkit/segment/models/cohorts.toml` (or `segment_*`, `ethnic_group_*`)",
        ),
        ("`outcomes`", "outcomes of the cohort cube it acts on; the first is the headline"),
        (
            "`fallback_outcome`",
            "optional: shown when the data lack the headline (optional) outcome; estimates "
            "never use it",
        ),
        (
            "`causes_of_death`",
            "causes of death it tackles (for its share of the life-expectancy gap): "
            + ", ".join(f"`{c}`" for c in CAUSES_OF_DEATH),
        ),
        ("`core20plus5`", "optional: " + ", ".join(f"`{a}`" for a in CORE20PLUS5_AREAS)),
        ("`[time_to_impact]`", f"`years_low`, `years_high`, {figure}"),
        (
            "`[expected_prevalence]`",
            f"optional: `value` (a share), `age_from`, `age_to`, {figure}",
        ),
        (
            "`[[interventions]]`",
            "one or more, the first the headline: `name`, `acts_on` (one of the outcomes), "
            "`evidence` (" + " \\| ".join(f"`{e}`" for e in EVIDENCE_LEVELS) + "), "
            "`evidence_basis`, optional `nice`, `note`",
        ),
        (
            "`[interventions.effect]`",
            "`measure` (`relative_risk_reduction`), `central`, `low`, `high` (each above 0 "
            f"and below 1, in order), `interval` (what low and high are), {figure}",
        ),
        (
            "`[interventions.share_of_events]`",
            f"optional: `low`, `high`, {figure}: the share of the outcome's events the effect "
            "applies to (1 when omitted)",
        ),
        (
            "`[interventions.reach]`, `[interventions.uptake]`",
            f"`low`, `high` (shares above 0, at most 1), {figure}",
        ),
        (
            "`[interventions.unit_cost]`",
            f"`value` (pounds), `unit`, `price_year`, {figure}; required for activity "
            "outcomes, absent for deaths and people who smoke",
        ),
    ]


_DOC_INTRO = """\
# The library of priority themes

<!-- Written by toolkit.prioritise.themes.write_themes_doc from the files in
toolkit/prioritise/theme_library/. Do not edit by hand: edit the theme files, then run
write_themes_doc("docs/themes.md") from toolkit.prioritise.themes.
A test fails when this page and the library disagree. -->

Boards recognise priorities as themes ("Find and treat high blood pressure"), not as
cohort-by-activity cells. Each theme is a file in `toolkit/prioritise/theme_library/`:
the cohort an intervention reaches, the outcomes it acts on (measures of the cohort cube),
the causes of death it tackles, its Core20PLUS5 area, and its interventions with a
published effect and the assumptions that scale it to one system. **Every figure names its
source and says whether it was checked against the publication** (or a summary quoting
it); figures marked *no* were not checked and are flagged below in bold. Reach, uptake
and share-of-events figures are mostly planning assumptions: replace them with local ones.

```python
from toolkit.prioritise.themes import THEME_LIBRARY, load_themes, themes_frame, impact_range
themes = load_themes()                       # the built-in library, checked
themes_frame(themes)                         # one row per theme and intervention
load_themes([THEME_LIBRARY, "my_themes"])    # the library plus an analyst's own themes
```

## The estimate

Avoidable events a year = events a year in the cohort × share of events × reach × uptake ×
relative risk reduction. The low end multiplies every low, the high end every high
(`impact_range`); cost = avoidable events × unit cost (`impact_cost_range`). Every such
figure is an **estimate**, not a forecast; the range shows how much it depends on the
assumptions.

## The format of a theme file

{format_table}

Every figure table may also have a `note`. A malformed file raises one `ThemeError`
naming the file, each field as a dotted path (`interventions[1].effect.high`, where
`interventions[1]` is the first `[[interventions]]` table) and what is wrong.

## Core20PLUS5 areas

{core20plus5_sources}
"""


@validate_params({"themes": [SequenceOf(InstanceOf(Theme, "a Theme")), None]})
def themes_markdown(themes: Iterable[Theme] | None = None) -> str:
    """Return the documentation page of the library: every theme and every figure.

    Parameters
    ----------
    themes : iterable of Theme, optional
        By default the built-in library.

    Returns
    -------
    str
        Markdown, as written to ``docs/themes.md`` by :func:`write_themes_doc`.
    """
    chosen = _themes(themes)
    labels = _cohort_labels()
    sources = "\n".join(
        f"- {group}: {text}" + ("" if checked else " **(not checked)**")
        for group, (text, checked) in CORE20PLUS5_SOURCES.items()
    )
    lines = [
        _DOC_INTRO.format(
            format_table="\n".join(
                ["| field | meaning |", "|---|---|"]
                + [f"| {name} | {meaning} |" for name, meaning in _format_rows()]
            ),
            core20plus5_sources=sources,
        ).rstrip(),
        "",
        "## The themes",
        "",
        "| theme | cohort | headline outcome | intervention | effect | evidence | effect checked |",
        "|---|---|---|---|---|---|---|",
    ]
    for theme in chosen:
        first = theme.interventions[0]
        effect = first.effect
        lines.append(
            f"| {_cell(theme.name)} (`{theme.id}`) | "
            f"{_cell(labels.get(theme.cohort, theme.cohort))} | "
            f"{OUTCOME_WORDS[theme.headline_outcome]} | {_cell(first.name)} | "
            f"{effect.central:.2f} ({effect.low:.2f} to {effect.high:.2f}) | {first.evidence} | "
            f"{_checked(effect.checked)} |"
        )
    with_prevalence = [t for t in chosen if t.expected_prevalence is not None]
    without_prevalence = [t for t in chosen if t.expected_prevalence is None]
    lines += [
        "",
        "## Recorded against expected prevalence",
        "",
        "Where a published estimate of how common a condition is exists, each candidate also "
        "shows how many more people may have it than are recorded (expected prevalence x the "
        "population at those ages, minus the cohort at those ages; an estimate).",
        "",
        "- With a published expected prevalence: "
        + "; ".join(
            f"{t.name} ({t.expected_prevalence.value:.1%} of people aged "
            f"{t.expected_prevalence.ages})"
            for t in with_prevalence
        )
        + ".",
        "- With none (the cohort is not a diagnosis with a published prevalence model, or no "
        "estimate was found): " + "; ".join(t.name for t in without_prevalence) + ".",
    ]
    unchecked: list[str] = []
    for theme in chosen:
        lines += [
            "",
            f"### {theme.name}",
            "",
            f"`{theme.id}`: {theme.programme_label}. {theme.summary}",
            "",
            f"- Cohort: {labels.get(theme.cohort, theme.cohort)} (`{theme.cohort}`).",
            "- Outcomes: "
            + "; ".join(f"{OUTCOME_WORDS[o]} (`{o}`)" for o in theme.outcomes)
            + (
                f". When the data lack the first: {OUTCOME_WORDS[theme.fallback_outcome]}"
                f" (`{theme.fallback_outcome}`)."
                if theme.fallback_outcome
                else "."
            ),
            "- Causes of death it tackles: "
            + (", ".join(_CAUSE_WORDS[c] for c in theme.causes_of_death) or "none named")
            + ".",
            f"- Core20PLUS5: {theme.core20plus5_label or 'not one of the areas'}.",
            "",
            "| figure | value | source | checked against the publication |",
            "|---|---|---|---|",
        ]
        timing = theme.time_to_impact
        rows = [
            (
                "time to impact",
                f"{timing.years_low:g} to {timing.years_high:g} years",
                timing,
            )
        ]
        if theme.expected_prevalence is not None:
            prevalence = theme.expected_prevalence
            rows.append(
                (
                    "expected prevalence",
                    f"{prevalence.value:.1%} of people aged {prevalence.ages}",
                    prevalence,
                )
            )
        for position, intervention in enumerate(theme.interventions, start=1):
            label = f"{position}. {intervention.name}"
            effect = intervention.effect
            rows.append(
                (
                    f"{label}: effect on {OUTCOME_WORDS[intervention.acts_on]} "
                    f"({intervention.evidence} evidence: {intervention.evidence_basis})",
                    f"relative risk reduction {effect.central:.2f} ({effect.low:.2f} to "
                    f"{effect.high:.2f}, {effect.interval})",
                    effect,
                )
            )
            if intervention.share_of_events is not None:
                rows.append(
                    (
                        f"{label}: share of events in scope",
                        _share_text(intervention.share_of_events),
                        intervention.share_of_events,
                    )
                )
            rows.append((f"{label}: reach", _share_text(intervention.reach), intervention.reach))
            rows.append((f"{label}: uptake", _share_text(intervention.uptake), intervention.uptake))
            if intervention.unit_cost is not None:
                cost = intervention.unit_cost
                rows.append(
                    (
                        f"{label}: unit cost",
                        f"£{cost.value:,.0f} {cost.unit} ({cost.price_year} prices)",
                        cost,
                    )
                )
            if intervention.nice:
                rows.append((f"{label}: guidance", intervention.nice, None))
        for figure, value, item in rows:
            if item is None:
                lines.append(f"| {_cell(figure)} | {_cell(value)} | (reference) | n/a |")
                continue
            lines.append(_figure_row(figure, value, item.source, item.checked, item.note))
            if not item.checked:
                unchecked.append(f"{theme.name}: {figure}")
    lines += [
        "",
        "## Figures not checked against their publication",
        "",
        f"{len(unchecked)} figures are marked *no* above: most are planning assumptions "
        "(reach, uptake, share of events) that each system should replace with its own.",
        "",
        *[f"- {item}" for item in unchecked],
        "",
    ]
    return "\n".join(lines)


@validate_params({"path": ["path"], "themes": [SequenceOf(InstanceOf(Theme, "a Theme")), None]})
def write_themes_doc(
    path: str | Path = "docs/themes.md", themes: Iterable[Theme] | None = None
) -> Path:
    """Write the library's documentation page (``docs/themes.md``).

    Parameters
    ----------
    path : str or pathlib.Path
        Where to write; the file is replaced.
    themes : iterable of Theme, optional
        By default the built-in library.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    target = Path(path)
    target.write_text(themes_markdown(themes), encoding="utf-8")
    return target
