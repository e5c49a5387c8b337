"""The words and ids a theme file may use, and how each outcome is said in board language.

The programmes, Core20PLUS5 areas, strengths of evidence and effect measures a theme may
name; the outcomes it may act on (the measures of the cohort cube) with their names in
board language; and the catalogue of cohorts whose ids themes may name
(:func:`known_cohort_ids`). :mod:`toolkit.prioritise.themes` re-exports every public name.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Final

from toolkit._params import validate_params
from toolkit._toml import read_toml
from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    COHORT_CUBE_MEASURES,
    COHORT_CUBE_OPTIONAL_MEASURES,
)

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

#: Outcomes that carry no unit cost: deaths (every ``deaths*`` outcome) and people who smoke.
#: A theme file may not give a unit cost for an intervention acting on one.
UNCOSTED_OUTCOMES: Final[tuple[str, ...]] = tuple(
    outcome for outcome in OUTCOMES if outcome.startswith("deaths")
) + ("persons_smoker",)

#: Yes/no flags of the persons table (:data:`toolkit.data.contract.OPTIONAL_PERSON_FLAGS`)
#: whose percentage, for an outcome ``persons_<flag>``, is of the people with the flag
#: recorded (the cohort cube's ``persons_<flag>_recorded``), with the status and its absence
#: in words for the candidate's note. ``smoker``: national statistics give smoking as a
#: share of those whose status is known (NHS England's smoking status at time of delivery,
#: SATOD, is of the maternities with a known status), so people with no recorded status are
#: left out rather than counted as not smoking. ``bp_controlled`` is left out on purpose:
#: QOF's blood pressure indicators (HYP008, HYP009) count people on the register with no
#: recent reading as not at target, so its percentage stays of the whole cohort.
RECORDED_STATUS_FLAGS: Final[dict[str, tuple[str, str]]] = {
    "smoker": ("smoking status", "not smoking"),
}

#: Causes of death (:data:`toolkit.data.contract.CAUSES_OF_DEATH`) in board language.
CAUSE_WORDS: Final[dict[str, str]] = {
    "circulatory": "heart and circulatory disease",
    "cancer": "cancer",
    "respiratory": "lung disease",
    "digestive": "digestive disease (including liver disease)",
    "external": "injuries, poisoning and other external causes",
    "mental_and_behavioural": "mental and behavioural disorders",
    "other": "other causes",
}

#: Activity measures in board language, singular and plural.
ACTIVITY_WORDS: Final[dict[str, tuple[str, str]]] = {
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
            for cause, words in CAUSE_WORDS.items()
        },
        **ACTIVITY_WORDS,
        **{
            f"persons_with_{column}": (
                f"person with at least one {singular}",
                f"people with at least one {singular}",
            )
            for column, (singular, _) in ACTIVITY_WORDS.items()
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


@functools.lru_cache(maxsize=4)
def read_cohorts(path: str) -> tuple[tuple[str, str], ...]:
    """Return the (id, label) of every cohort of a cohorts file (read once per path)."""
    document = read_toml(path)  # TomlFileError (a ValueError) names the file and the line
    return tuple(
        (str(entry["id"]), str(entry.get("label", entry["id"])))
        for entry in document.get("cohorts", [])
    )


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
    return frozenset(cohort for cohort, _ in read_cohorts(str(path or COHORTS_FILE)))


def cohort_labels() -> dict[str, str]:
    """Return the label of every cohort of the toolkit's cohorts catalogue, by id."""
    return dict(read_cohorts(str(COHORTS_FILE)))
