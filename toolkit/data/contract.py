"""Shared vocabulary of the data contract: column names, condition flags and age bands.

Every stage of the toolkit reads these names from here rather than spelling them again.
The pandera models that enforce the contract live in :mod:`toolkit.data.schemas`.
"""

from __future__ import annotations

from typing import Final

#: Long-term condition flags recognised in the persons table (boolean columns).
CONDITIONS: Final[tuple[str, ...]] = (
    "hypertension",
    "diabetes",
    "copd",
    "asthma",
    "chd",
    "heart_failure",
    "atrial_fibrillation",
    "stroke_tia",
    "ckd",
    "cancer",
    "dementia",
    "depression",
    "smi",
    "learning_disability",
    "epilepsy",
    "osteoporosis",
    "rheumatoid_arthritis",
    "chronic_liver_disease",
    "parkinsons",
    "multiple_sclerosis",
)

#: Other boolean flags about a person.
PERSON_FLAGS: Final[tuple[str, ...]] = ("end_of_life", "pregnant", "died")

#: Activity counts per person over the period (non-negative integers).
ACTIVITY_COLUMNS: Final[tuple[str, ...]] = (
    "gp_appointments",
    "ae_attendances",
    "emergency_admissions",
    "elective_admissions",
    "outpatient_attendances",
    "bed_days",
)

#: Optional counts of emergency admissions by broad cause (each a subset of
#: ``emergency_admissions``, non-negative integers). Themes that act on a cause use them
#: when the extract has them; definitions follow the published indicators named here:
#: cardiovascular = ICD-10 I00-I99 primary diagnosis; respiratory = J00-J99; falls =
#: emergency admissions for an injury due to a fall (W00-W19, OHID Public Health Outcomes
#: Framework indicator C29, all ages here); acsc = chronic ambulatory care sensitive
#: conditions (NHS Outcomes Framework 2.3.i); alcohol = alcohol-specific conditions (OHID
#: Local Alcohol Profiles for England).
CAUSE_ADMISSION_COLUMNS: Final[tuple[str, ...]] = (
    "emergency_admissions_cardiovascular",
    "emergency_admissions_respiratory",
    "emergency_admissions_falls",
    "emergency_admissions_acsc",
    "emergency_admissions_alcohol",
)

#: Optional yes/no facts recorded in primary care: ``smoker`` (current smoker on the
#: latest record, adults) and ``bp_controlled`` (latest blood pressure within the NICE
#: NG136 target; meaningful for people with hypertension, missing for others).
OPTIONAL_PERSON_FLAGS: Final[tuple[str, ...]] = ("smoker", "bp_controlled")

#: Age below which a death counts as premature (OHID's under-75 mortality indicators).
PREMATURE_DEATH_AGE: Final[int] = 75

#: Required identity and demographic columns of the persons table.
PERSON_REQUIRED: Final[tuple[str, ...]] = ("person_id", "age", "sex")

#: Optional descriptive columns of the persons table.
PERSON_OPTIONAL: Final[tuple[str, ...]] = (
    "lsoa",
    "imd_decile",
    "place",
    "ethnic_group",
    "efi",
    "cause_of_death",
    *CAUSE_ADMISSION_COLUMNS,
    *OPTIONAL_PERSON_FLAGS,
)

#: Causes of death used by the demo system and the life-expectancy gap decomposition
#: (broad groups as in OHID's Segment Tool).
CAUSES_OF_DEATH: Final[tuple[str, ...]] = (
    "circulatory",
    "cancer",
    "respiratory",
    "digestive",
    "external",
    "mental_and_behavioural",
    "other",
)

#: Columns of the areas table (one row per LSOA); ``geometry`` is optional, and so are those
#: not in :data:`AREA_REQUIRED`.
AREA_COLUMNS: Final[tuple[str, ...]] = (
    "lsoa",
    "lsoa_name",
    "imd_score",
    "imd_decile",
    "population",
    "place",
    "imd_rank",
)

#: The areas columns every areas table has. ``imd_score``, ``population`` and ``imd_rank``
#: are optional: File 1 of the indices (rank and decile) is a complete areas table without
#: a score or a population.
AREA_REQUIRED: Final[tuple[str, ...]] = ("lsoa", "lsoa_name", "imd_decile", "place")

#: European Standard Population 2013, 19 five-year bands with 90+ (sums to 100,000).
ESP2013_BANDS: Final[tuple[str, ...]] = (
    "0-4",
    "5-9",
    "10-14",
    "15-19",
    "20-24",
    "25-29",
    "30-34",
    "35-39",
    "40-44",
    "45-49",
    "50-54",
    "55-59",
    "60-64",
    "65-69",
    "70-74",
    "75-79",
    "80-84",
    "85-89",
    "90+",
)
ESP2013_WEIGHTS: Final[tuple[int, ...]] = (
    5000,
    5500,
    5500,
    5500,
    6000,
    6000,
    6500,
    7000,
    7000,
    7000,
    7000,
    6500,
    6000,
    5500,
    5000,
    4000,
    2500,
    1500,
    1000,
)

#: Dimensions and measures of the tidy segment cube (:func:`toolkit.segment.build_cube`).
CUBE_DIMENSIONS: Final[tuple[str, ...]] = ("segment", "age_band", "sex", "imd_decile", "place")
CUBE_MEASURES: Final[tuple[str, ...]] = (
    ("persons", "deaths")
    + ACTIVITY_COLUMNS
    + tuple(f"persons_with_{column}" for column in ACTIVITY_COLUMNS)
    + ("cost_gbp",)
)

#: Default disclosure threshold: counts below this never leave the analyst's session.
DISCLOSURE_THRESHOLD: Final[int] = 10

#: Sex codes in the contract.
SEXES: Final[tuple[str, ...]] = ("F", "M")


def age_band_of(age: int) -> str:
    """Return the ESP2013 band label for a whole age in years.

    Parameters
    ----------
    age : int
        Age in completed years, 0 to 120.

    Returns
    -------
    str
        The band label, for example ``"45-49"`` or ``"90+"``.
    """
    if age < 0:
        raise ValueError(f"age must be non-negative. Got {age} instead.")
    return ESP2013_BANDS[min(int(age) // 5, 18)]


#: Dimensions of the cohort cube of overlapping cohorts (:func:`toolkit.segment.build_cohort_cube`).
COHORT_CUBE_DIMENSIONS: Final[tuple[str, ...]] = (
    "cohort",
    "age_band",
    "sex",
    "imd_decile",
    "place",
)

#: Measures every cohort cube holds: persons, deaths (all ages, under 75, and by broad
#: cause), each activity, persons with at least one of each activity, and cost.
COHORT_CUBE_MEASURES: Final[tuple[str, ...]] = (
    ("persons", "deaths", "deaths_under_75")
    + tuple(f"deaths_{cause}" for cause in CAUSES_OF_DEATH)
    + ACTIVITY_COLUMNS
    + tuple(f"persons_with_{column}" for column in ACTIVITY_COLUMNS)
    + ("cost_gbp",)
)

#: Measures a cohort cube holds when the persons table has the optional column: the sum of
#: each cause-specific admission count, and the persons for whom each optional flag is true
#: (``persons_smoker``, ``persons_bp_controlled``).
COHORT_CUBE_OPTIONAL_MEASURES: Final[tuple[str, ...]] = CAUSE_ADMISSION_COLUMNS + tuple(
    f"persons_{flag}" for flag in OPTIONAL_PERSON_FLAGS
)

#: The end of the name of a cohort cube's count of the persons whose optional flag is
#: recorded, true or false (``persons_smoker_recorded``): the denominator of a share of
#: those with a recorded status.
RECORDED_SUFFIX: Final[str] = "_recorded"
