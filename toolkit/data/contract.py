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

#: Columns of the areas table (one row per LSOA); ``geometry`` is optional.
AREA_COLUMNS: Final[tuple[str, ...]] = (
    "lsoa",
    "lsoa_name",
    "imd_score",
    "imd_decile",
    "population",
    "place",
)

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

#: Dimensions and measures of the tidy cohort cube.
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
