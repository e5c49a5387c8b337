"""The synthetic demo system's assumptions: its geography, people, epidemiology, activity and costs.

Every number :func:`toolkit.data.synth.make_demo_system` draws from is set here, with its
source (see ``docs/demo-system.md``): the fictional system, age and sex, long-term
conditions, frailty, deaths, end of life and pregnancy, activity and unit costs, and the
optional columns. :mod:`toolkit.data.synth` re-exports the public names.
"""

from __future__ import annotations

from functools import cache
from typing import Final, NamedTuple

import numpy as np
import pyarrow as pa

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CONDITIONS,
    OPTIONAL_PERSON_FLAGS,
)

#: Name of the fictional integrated care system.
DEMO_SYSTEM_NAME: Final[str] = "Kestermoor and Wyvendale Integrated Care System"

#: Invented place names; the first is the central town, the system has 4 to 6 of them.
PLACE_NAMES: Final[tuple[str, ...]] = (
    "Kestermoor",
    "Wyvendale",
    "Ashbrigg",
    "Tarnholme",
    "Scarrowby",
    "Corvenby",
)

#: Coordinate reference system of the areas: British National Grid.
DEMO_CRS: Final[str] = "EPSG:27700"

#: LSOA codes are ``E01`` and six digits; real 2011 and 2021 codes stop below E01040000,
#: so the demo system uses the block E01900001 onwards, which no real LSOA has.
LSOA_CODE_PREFIX: Final[str] = "E01"
FIRST_LSOA_NUMBER: Final[int] = 900_001

#: Persons per neighbourhood (LSOA-like area) on average, and the fewest areas in a system.
PERSONS_PER_AREA: Final[int] = 1_500
MIN_AREAS: Final[int] = 8
#: Smallest and largest number of persons a demo system may have.
MIN_PERSONS: Final[int] = 100
MAX_PERSONS: Final[int] = 99_999_999

#: Persons are drawn in blocks of this size, each from its own random stream, so that a
#: given seed gives the same persons whatever the chunk size used to write them.
BLOCK_SIZE: Final[int] = 100_000

#: Centre of the system (easting, northing, metres) and the mean radius of its boundary.
SYSTEM_CENTRE: Final[tuple[float, float]] = (400_000.0, 420_000.0)
SYSTEM_RADIUS_M: Final[float] = 16_000.0
#: Harmonics (order, relative amplitude, phase) that give the boundary its irregular shape.
BOUNDARY_HARMONICS: Final[tuple[tuple[int, float, float], ...]] = (
    (2, 0.10, 0.5),
    (3, 0.07, 2.0),
    (5, 0.04, 1.1),
)
BOUNDARY_VERTICES: Final[int] = 240

#: Share of the system's areas in each national IMD decile (1 = most deprived): a
#: northern urban system, with far more areas in deciles 1 to 3 than in 8 to 10.
IMD_DECILE_SHARES: Final[tuple[float, ...]] = (
    0.28,
    0.14,
    0.11,
    0.09,
    0.08,
    0.07,
    0.07,
    0.06,
    0.05,
    0.05,
)
#: Approximate IoD2019 IMD scores at the national decile boundaries, most deprived first:
#: decile d spans IMD_SCORE_CUTS[d] to IMD_SCORE_CUTS[d - 1]. The first value is the top of
#: the synthetic range (the highest real score is about 92.7, but few areas exceed 75).
IMD_SCORE_CUTS: Final[tuple[float, ...]] = (
    75.0,
    45.0,
    34.2,
    27.7,
    22.3,
    17.8,
    13.9,
    10.8,
    8.1,
    5.5,
    0.5,
)

#: Broad ethnic groups of the 2021 Census (ONS, five categories).
ETHNIC_GROUPS: Final[tuple[str, ...]] = (
    "White",
    "Mixed or Multiple ethnic groups",
    "Asian, Asian British or Asian Welsh",
    "Black, Black British, Black Welsh, Caribbean or African",
    "Other ethnic group",
)
#: How the non-White population of England divides between the other four groups (2021).
NON_WHITE_SPLIT: Final[tuple[float, ...]] = (0.158, 0.505, 0.221, 0.116)
#: Log-odds of belonging to a non-White group: intercept, per unit of deprivation (most
#: minus least deprived decile), and by age (under 18, 18 to 64, 65 and over).
NON_WHITE_LOGIT: Final[tuple[float, float]] = (-1.50, 1.6)
NON_WHITE_AGE_LOGIT: Final[tuple[float, float, float]] = (0.45, 0.0, -1.0)

# --------------------------------------------------------------------------------------
# Age and sex (England, ONS mid-2022 estimates, rounded)
# --------------------------------------------------------------------------------------

#: Share of England's population in each ESP2013 band (0-4, ..., 85-89, 90+), per cent.
ENGLAND_AGE_SHARES: Final[tuple[float, ...]] = (
    5.4,
    5.9,
    6.1,
    5.8,
    6.1,
    6.6,
    6.9,
    6.8,
    6.5,
    6.1,
    6.7,
    6.7,
    6.0,
    5.1,
    4.9,
    4.0,
    2.7,
    1.6,
    0.9,
)
#: Share of each band that is female.
FEMALE_SHARES: Final[tuple[float, ...]] = (
    0.488,
    0.488,
    0.488,
    0.487,
    0.490,
    0.500,
    0.505,
    0.506,
    0.505,
    0.505,
    0.507,
    0.507,
    0.510,
    0.515,
    0.525,
    0.540,
    0.560,
    0.600,
    0.680,
)
#: Log ratio of a band's share in the most against the least deprived decile, per decade
#: of age away from 40: deprived areas are younger.
AGE_TILT_PER_DECADE: Final[float] = 0.12
#: Oldest age generated; the 90+ band declines geometrically by this ratio per year.
MAX_AGE: Final[int] = 110
OLDEST_BAND_DECLINE: Final[float] = 0.75

# --------------------------------------------------------------------------------------
# Long-term conditions
# --------------------------------------------------------------------------------------

#: Ages at which each condition's log-odds profile is given.
CONDITION_AGE_KNOTS: Final[tuple[int, ...]] = (0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 110)
#: Years by which deprivation brings age-related conditions forward in the most deprived
#: decile (Barnett et al. 2012: multimorbidity 10 to 15 years earlier).
MULTIMORBIDITY_AGE_SHIFT: Final[float] = 12.0
#: Loading of every condition on a person's latent ill-health (standard normal), which
#: makes conditions cluster in the same people.
CONDITION_LATENT_LOADING: Final[float] = 0.7


class ConditionAssumptions(NamedTuple):
    """Assumptions behind one long-term condition flag (see ``docs/demo-system.md``)."""

    prevalence: float
    """Prevalence to reproduce in an England-like population (QOF-style register)."""
    denominator_age: int
    """Youngest age counted in the prevalence denominator (as in QOF)."""
    onset_age: int
    """Nobody younger has the condition."""
    age_logit: tuple[float, ...]
    """Log-odds profile at CONDITION_AGE_KNOTS (shape only; the level is calibrated)."""
    male: float
    """Log-odds for men against women."""
    deprivation: float
    """Log-odds, most against least deprived decile, beyond the age shift."""
    age_shift: bool
    """Whether deprivation brings the condition forward by MULTIMORBIDITY_AGE_SHIFT."""
    asian: float
    """Log-odds for the Asian group against others."""
    black: float
    """Log-odds for the Black group against others."""
    severity: float
    """How strongly the condition raises hospital and GP use (log scale, per activity)."""
    mortality: float
    """Log hazard ratio of death with the condition (within age, sex and deprivation)."""
    frailty_deficit: str | None
    """The electronic frailty index deficit the condition counts as, if any."""


#: Assumptions for every condition in :data:`toolkit.data.contract.CONDITIONS`.
CONDITION_ASSUMPTIONS: Final[dict[str, ConditionAssumptions]] = {
    "hypertension": ConditionAssumptions(
        0.140, 0, 16, (-9, -9, -4.6, -3.6, -2.4, -1.4, -0.5, 0.2, 0.6, 0.7, 0.7),
        0.15, 0.15, True, 0.1, 0.35, 0.15, 0.05, "hypertension",
    ),
    "diabetes": ConditionAssumptions(
        0.075, 17, 5, (-6.5, -6.0, -5.2, -4.5, -3.5, -2.6, -1.9, -1.5, -1.4, -1.6, -1.7),
        0.3, 0.35, True, 0.9, 0.5, 0.45, 0.3, "diabetes",
    ),
    "copd": ConditionAssumptions(
        0.019, 0, 35, (-14, -14, -12, -9, -6.5, -4.8, -3.7, -3.0, -2.7, -2.8, -2.9),
        0.1, 0.9, True, -0.5, -0.5, 0.9, 0.8, "respiratory",
    ),
    "asthma": ConditionAssumptions(
        0.065, 6, 2, (-2.5, -2.3, -2.5, -2.6, -2.6, -2.6, -2.5, -2.4, -2.4, -2.6, -2.8),
        -0.15, 0.3, False, 0.0, 0.0, 0.35, 0.1, "respiratory",
    ),
    "chd": ConditionAssumptions(
        0.030, 0, 30, (-14, -14, -12, -9, -6.4, -4.7, -3.5, -2.6, -2.0, -1.8, -1.8),
        0.7, 0.3, True, 0.4, -0.2, 0.6, 0.4, "ischaemic_heart_disease",
    ),
    "heart_failure": ConditionAssumptions(
        0.010, 0, 30, (-16, -15, -13, -11, -9, -7.2, -5.8, -4.4, -3.3, -2.6, -2.4),
        0.4, 0.35, True, 0.1, 0.1, 1.0, 1.0, "heart_failure",
    ),
    "atrial_fibrillation": ConditionAssumptions(
        0.021, 0, 30, (-16, -15, -13, -11, -8.3, -6.4, -4.8, -3.4, -2.4, -2.0, -1.9),
        0.4, 0.0, True, -0.4, -0.4, 0.5, 0.3, "atrial_fibrillation",
    ),
    "stroke_tia": ConditionAssumptions(
        0.018, 0, 18, (-13, -12, -10, -8.3, -6.7, -5.3, -4.2, -3.3, -2.6, -2.3, -2.2),
        0.15, 0.3, True, 0.0, 0.3, 0.6, 0.5, "cerebrovascular_disease",
    ),
    "ckd": ConditionAssumptions(
        0.040, 18, 18, (-15, -14, -12, -9.8, -7.8, -6.0, -4.3, -2.9, -1.8, -1.2, -1.1),
        -0.25, 0.25, True, 0.1, 0.3, 0.5, 0.4, "chronic_kidney_disease",
    ),
    "cancer": ConditionAssumptions(
        0.035, 0, 0, (-8.5, -8, -7.2, -6.2, -5.2, -4.2, -3.3, -2.6, -2.2, -2.1, -2.2),
        -0.05, -0.1, False, -0.5, -0.3, 0.8, 0.9, None,
    ),
    "dementia": ConditionAssumptions(
        0.0072, 0, 40, (-20, -20, -18, -16, -12.5, -9.8, -7.2, -4.9, -3.1, -1.8, -1.4),
        -0.3, 0.3, True, 0.0, 0.0, 0.6, 1.1, "memory_and_cognitive_problems",
    ),
    "depression": ConditionAssumptions(
        0.130, 18, 12, (-9, -5.5, -2.1, -1.7, -1.6, -1.6, -1.8, -2.1, -2.3, -2.4, -2.5),
        -0.6, 0.5, False, -0.4, -0.5, 0.4, 0.2, None,
    ),
    "smi": ConditionAssumptions(
        0.0096, 0, 14, (-12, -9.5, -5.2, -4.4, -4.3, -4.3, -4.4, -4.6, -4.9, -5.1, -5.3),
        0.1, 0.9, False, 0.2, 0.7, 0.6, 0.7, None,
    ),
    "learning_disability": ConditionAssumptions(
        0.0055, 0, 0, (-5.0, -4.9, -4.9, -5.0, -5.2, -5.4, -5.7, -6.1, -6.7, -7.4, -8),
        0.4, 0.4, False, 0.0, 0.0, 0.4, 0.8, None,
    ),
    "epilepsy": ConditionAssumptions(
        0.008, 18, 0, (-5.4, -5.0, -4.8, -4.8, -4.8, -4.8, -4.8, -4.8, -4.9, -5.0, -5.1),
        0.1, 0.45, False, 0.0, 0.0, 0.4, 0.5, None,
    ),
    "osteoporosis": ConditionAssumptions(
        0.030, 50, 40, (-16, -16, -15, -12, -8.5, -6.2, -4.6, -3.4, -2.5, -2.1, -2.0),
        -1.6, 0.1, True, -0.3, -0.6, 0.3, 0.2, "osteoporosis",
    ),
    "rheumatoid_arthritis": ConditionAssumptions(
        0.0077, 16, 16, (-13, -12, -8.2, -6.9, -5.9, -5.2, -4.7, -4.4, -4.3, -4.4, -4.5),
        -0.9, 0.2, False, 0.0, 0.0, 0.5, 0.3, "arthritis",
    ),
    "chronic_liver_disease": ConditionAssumptions(
        0.005, 18, 18, (-13, -12, -8.2, -6.6, -5.7, -5.0, -4.7, -4.7, -4.9, -5.2, -5.5),
        0.4, 0.8, False, 0.0, 0.0, 0.9, 1.2, None,
    ),
    "parkinsons": ConditionAssumptions(
        0.0025, 0, 35, (-20, -20, -18, -15, -11.5, -9.2, -7.1, -5.4, -4.1, -3.6, -3.5),
        0.4, 0.0, False, 0.0, 0.0, 0.6, 0.7, "parkinsonism_and_tremor",
    ),
    "multiple_sclerosis": ConditionAssumptions(
        0.002, 0, 15, (-16, -12.5, -8.2, -6.4, -5.7, -5.4, -5.4, -5.7, -6.3, -7.0, -7.5),
        -1.0, 0.0, False, -0.5, -0.5, 0.7, 0.6, None,
    ),
}  # fmt: skip

# --------------------------------------------------------------------------------------
# Frailty (electronic frailty index, Clegg et al. 2016)
# --------------------------------------------------------------------------------------

#: Number of deficits in the electronic frailty index; eFI = deficits / 36.
EFI_DEFICITS: Final[int] = 36
#: Youngest age with an eFI (NaN below).
EFI_MIN_AGE: Final[int] = 65
#: Other deficits (falls, polypharmacy, sensory and mobility problems, ...) follow a
#: negative binomial with log-mean intercept + per decade over 65 + deprivation + latent.
FRAILTY_LOG_MEAN: Final[tuple[float, float, float, float]] = (0.75, 0.35, 0.3, 0.2)
FRAILTY_DISPERSION: Final[float] = 8.0
FRAILTY_MAX_MEAN: Final[float] = 20.0

# --------------------------------------------------------------------------------------
# Deaths, end of life and pregnancy
# --------------------------------------------------------------------------------------

#: Annual probability of death by age for men and women in England (ONS national life
#: tables 2020 to 2022, rounded; interpolated log-linearly between ages).
DEATH_AGE_KNOTS: Final[tuple[int, ...]] = (
    0, 1, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110,
)  # fmt: skip
DEATH_PROBABILITY_MALE: Final[tuple[float, ...]] = (
    0.0042, 0.00025, 0.0001, 0.0001, 0.0002, 0.0005, 0.0009, 0.0017, 0.0036, 0.0085,
    0.020, 0.055, 0.16, 0.38, 0.6,
)  # fmt: skip
DEATH_PROBABILITY_FEMALE: Final[tuple[float, ...]] = (
    0.0035, 0.0002, 0.00008, 0.00008, 0.00015, 0.00022, 0.0004, 0.0010, 0.0024, 0.0056,
    0.013, 0.038, 0.125, 0.33, 0.55,
)  # fmt: skip
#: Log ratio of the death rate in the most against the least deprived decile, by age.
DEATH_DEPRIVATION_AGE_KNOTS: Final[tuple[int, ...]] = (0, 20, 40, 60, 75, 85, 100)
DEATH_DEPRIVATION_MALE: Final[tuple[float, ...]] = (0.6, 0.9, 1.2, 1.1, 0.8, 0.5, 0.3)
DEATH_DEPRIVATION_FEMALE: Final[tuple[float, ...]] = (0.6, 0.8, 1.0, 0.95, 0.7, 0.45, 0.3)
#: Standard deviation of latent ill-health on the log scale of the death rate.
DEATH_LATENT_LOADING: Final[float] = 0.35
#: Log hazard ratio of death per frailty deficit not counted among the conditions.
DEATH_PER_FRAILTY_DEFICIT: Final[float] = 0.06
#: Chance of being on an end-of-life register, per unit of a person's risk of death.
END_OF_LIFE_PER_DEATH_RISK: Final[float] = 1.0
#: Chance of dying within the year for a person on the end-of-life register.
DEATH_RISK_AT_END_OF_LIFE: Final[float] = 0.45
#: Highest annual risk of death any person is given.
MAX_DEATH_RISK: Final[float] = 0.95

#: Births per woman per year by age band 15-19, ..., 40-44 (ONS, England and Wales 2022).
FERTILITY_BY_AGE_BAND: Final[tuple[float, ...]] = (0.011, 0.047, 0.083, 0.099, 0.058, 0.014)
#: Log ratio of fertility, most against least deprived decile (teenagers, others).
FERTILITY_DEPRIVATION: Final[tuple[float, float]] = (1.0, 0.2)

#: Share of deaths by cause at CAUSE_AGE_KNOTS, before the person's conditions and
#: deprivation tilt them (order of toolkit.data.contract.CAUSES_OF_DEATH).
CAUSE_AGE_KNOTS: Final[tuple[int, ...]] = (0, 15, 45, 65, 85, 100)
CAUSE_SHARES_BY_AGE: Final[tuple[tuple[float, ...], ...]] = (
    (0.03, 0.08, 0.06, 0.02, 0.15, 0.00, 0.66),
    (0.10, 0.15, 0.04, 0.05, 0.40, 0.08, 0.18),
    (0.21, 0.34, 0.07, 0.10, 0.08, 0.03, 0.17),
    (0.25, 0.34, 0.11, 0.06, 0.02, 0.03, 0.19),
    (0.24, 0.16, 0.13, 0.04, 0.015, 0.11, 0.305),
    (0.25, 0.09, 0.14, 0.03, 0.015, 0.15, 0.325),
)
#: Log multipliers of a cause's weight for a person with a condition.
CAUSE_CONDITION_LINKS: Final[dict[str, tuple[str, float]]] = {
    "cancer": ("cancer", 2.0),
    "chd": ("circulatory", 0.6),
    "heart_failure": ("circulatory", 0.6),
    "atrial_fibrillation": ("circulatory", 0.4),
    "stroke_tia": ("circulatory", 0.6),
    "diabetes": ("circulatory", 0.2),
    "copd": ("respiratory", 1.2),
    "asthma": ("respiratory", 0.3),
    "dementia": ("mental_and_behavioural", 1.8),
    "chronic_liver_disease": ("digestive", 1.8),
    "smi": ("external", 0.8),
    "depression": ("external", 0.4),
    "parkinsons": ("other", 0.8),
    "ckd": ("other", 0.3),
}
#: Log multipliers of a cause's weight, most against least deprived decile.
CAUSE_DEPRIVATION: Final[dict[str, float]] = {
    "external": 0.7,
    "respiratory": 0.4,
    "digestive": 0.5,
}

# --------------------------------------------------------------------------------------
# Activity and cost
# --------------------------------------------------------------------------------------

#: Ages at which each activity's rate profile is given.
ACTIVITY_AGE_KNOTS: Final[tuple[int, ...]] = (0, 5, 15, 25, 45, 65, 75, 85, 95)


class ActivityAssumptions(NamedTuple):
    """Assumptions behind one activity count (see ``docs/demo-system.md``)."""

    per_person: float
    """Events per person per year in an England-like population."""
    age_profile: tuple[float, ...]
    """Relative rate at ACTIVITY_AGE_KNOTS (shape only; the level is calibrated)."""
    female: float
    """Log ratio, women against men, at ages 15 to 64."""
    deprivation: float
    """Log ratio, most against least deprived decile."""
    condition_sensitivity: float
    """Multiplies each condition's severity to give its log ratio."""
    latent: float
    """Loading on latent ill-health (log scale)."""
    per_frailty_deficit: float
    """Log ratio per frailty deficit not counted among the conditions (65 and over)."""
    end_of_life: float
    """Log ratio for a person on the end-of-life register."""
    died: float
    """Log ratio for a person who died in the year (the last year of life)."""
    pregnant: float
    """Log ratio for a pregnant woman."""
    dispersion: float
    """Shape of the gamma mixing of the negative binomial (smaller = more overdispersed)."""


#: Assumptions for each count in ACTIVITY_COLUMNS except ``bed_days``, which follows from
#: admissions and length of stay.
ACTIVITY_ASSUMPTIONS: Final[dict[str, ActivityAssumptions]] = {
    "gp_appointments": ActivityAssumptions(
        5.0, (5.5, 2.6, 2.4, 3.6, 4.4, 6.8, 9.0, 11.0, 11.5),
        0.35, 0.15, 0.45, 0.3, 0.04, 0.6, 0.3, 0.3, 2.0,
    ),
    "ae_attendances": ActivityAssumptions(
        0.40, (0.55, 0.30, 0.38, 0.46, 0.34, 0.33, 0.45, 0.70, 0.95),
        0.0, 0.55, 0.5, 0.4, 0.05, 0.8, 0.9, 0.4, 0.9,
    ),
    "emergency_admissions": ActivityAssumptions(
        0.10, (0.14, 0.03, 0.045, 0.055, 0.07, 0.13, 0.22, 0.40, 0.55),
        0.1, 0.55, 0.8, 0.45, 0.07, 1.2, 1.5, 0.5, 0.8,
    ),
    "elective_admissions": ActivityAssumptions(
        0.13, (0.03, 0.025, 0.05, 0.08, 0.16, 0.30, 0.36, 0.30, 0.20),
        0.15, -0.1, 0.6, 0.2, 0.03, 0.3, 0.2, 0.3, 0.6,
    ),
    "outpatient_attendances": ActivityAssumptions(
        1.7, (1.2, 0.75, 0.8, 1.25, 1.9, 2.8, 3.3, 3.2, 2.6),
        0.25, 0.05, 0.6, 0.25, 0.03, 0.5, 0.4, 1.2, 1.0,
    ),
}  # fmt: skip

#: Mean length of stay (days) of an emergency admission by age.
EMERGENCY_STAY_AGE_KNOTS: Final[tuple[int, ...]] = (0, 18, 40, 65, 80, 95)
EMERGENCY_STAY_DAYS: Final[tuple[float, ...]] = (1.2, 1.7, 2.6, 4.5, 6.5, 7.5)
EMERGENCY_STAY_DISPERSION: Final[float] = 1.2
EMERGENCY_STAY_PER_FRAILTY_DEFICIT: Final[float] = 0.03
EMERGENCY_STAY_END_OF_LIFE: Final[float] = 0.3
#: Mean bed days of an elective admission (three in four are day cases).
ELECTIVE_STAY_DAYS: Final[float] = 0.9
ELECTIVE_STAY_DISPERSION: Final[float] = 0.4

#: Unit costs in pounds (NHS National Cost Collection and PSSRU Unit Costs, rounded).
UNIT_COSTS_GBP: Final[dict[str, float]] = {
    "gp_appointment": 42.0,
    "ae_attendance": 225.0,
    "outpatient_attendance": 165.0,
    "emergency_spell": 1_600.0,
    "elective_spell": 1_700.0,
    "bed_day": 350.0,
}
#: Gamma shape of the cost of one event (coefficient of variation = 1/sqrt(shape)).
COST_SHAPE: Final[dict[str, float]] = {
    "ae_attendance": 8.0,
    "outpatient_attendance": 8.0,
    "emergency_spell": 4.0,
    "elective_spell": 4.0,
}

# --------------------------------------------------------------------------------------
# Optional columns: emergency admissions by cause, smoking, blood pressure control
# --------------------------------------------------------------------------------------
# Drawn last, from a child of the block's random stream (see optional_columns), so that
# adding them left every other column of a given seed exactly as it was.

#: Adults' current cigarette smoking: 11.9% of people aged 18 and over in the UK in 2023
#: (ONS, Adult smoking habits in the UK: 2023, Annual Population Survey; checked). The
#: England-like reference population is calibrated to it.
SMOKING_PREVALENCE: Final[float] = 0.119
#: Youngest age with a smoking status (the APS counts adults aged 18 and over); below it
#: ``smoker`` is blank (not recorded).
SMOKING_MIN_AGE: Final[int] = 18
#: Prevalence by age at the middle of the APS bands 18-24, 25-34, 35-44, 45-54, 55-64,
#: 65-74, 75-84 and 90 (shape only; the level is calibrated). ONS 2023: 9.8% at 18-24 and
#: 14.0% at 25-34, the highest band (checked); the older bands are approximate, not
#: checked against the publication.
SMOKING_AGE_KNOTS: Final[tuple[int, ...]] = (21, 30, 40, 50, 60, 70, 80, 90)
SMOKING_BY_AGE: Final[tuple[float, ...]] = (0.098, 0.140, 0.135, 0.125, 0.115, 0.080, 0.050, 0.030)
#: Ratio of men's to women's prevalence (about 1.3 in the APS: approximate, not checked).
SMOKING_MALE_RATIO: Final[float] = 1.3
#: Prevalence in the most against the least deprived IMD decile: 23.8% against 6.8% of
#: adults in England in 2021, a ratio of 3.5 (ONS, Deprivation and the impact on smoking
#: prevalence, England and Wales: 2017 to 2021; checked).
SMOKING_DEPRIVATION_RATIO: Final[float] = 3.5
#: Log ratios of smoking for a person with a condition (each scaled to keep the average of
#: their group): COPD and SMI about 2.2 and 2.5 times (approximate, not checked);
#: depression 1.8 times (OHID smoking profile, March 2024: 25.0% of adults with a
#: long-term mental health condition smoke against 13.6% of all adults, GP Patient Survey
#: 2022-23; checked), chronic liver disease 1.8 times (assumption).
SMOKING_CONDITION_LOG_RATIOS: Final[dict[str, float]] = {
    "copd": float(np.log(2.2)),
    "smi": float(np.log(2.5)),
    "depression": float(np.log(1.8)),
    "chronic_liver_disease": float(np.log(1.8)),
}
#: Highest probability of smoking any person is given.
MAX_SMOKING: Final[float] = 0.8

#: Share of people with hypertension whose latest blood pressure is within the NICE NG136
#: target (CVDPREVENT "treated to target"): 66% to 74% across integrated care boards in
#: March 2024, and about 70% nationally in March 2025, when 30% of people with diagnosed
#: hypertension were not treated to target or had no current reading (CVDPREVENT annual
#: reports via HQIP; checked). The England-like reference population is calibrated to it.
BP_CONTROLLED_SHARE: Final[float] = 0.70
#: Log-odds of control by age (shape only): people aged 18 to 59 are less often treated
#: to target than older people (CVDPREVENT annual report to March 2024; checked), by how
#: much is the generator's assumption.
BP_CONTROL_AGE_KNOTS: Final[tuple[int, ...]] = (18, 40, 60, 80, 110)
BP_CONTROL_AGE_LOGIT: Final[tuple[float, ...]] = (-0.9, -0.6, 0.0, 0.25, 0.25)
#: Log-odds of control, most against least deprived decile (assumption: CVDPREVENT
#: reports lower control in more deprived areas; the size is not checked).
BP_CONTROL_DEPRIVATION: Final[float] = -0.3

#: Each person's emergency admissions are split by primary diagnosis into cardiovascular
#: (ICD-10 I00-I99), respiratory (J00-J99), an injury due to a fall, and other. Share of
#: each group at ACTIVITY_AGE_KNOTS for a person with none of the conditions linked to it
#: (tuned so that the demo system's shares come out near the published ones: HES 2023-24
#: emergency admissions, 10% circulatory and 13% respiratory (Asthma + Lung UK's
#: analysis of NHS England data; checked); falls: OHID Public Health Outcomes Framework
#: C29, 1,933 emergency admissions for falls per 100,000 aged 65 and over in England in
#: 2022-23 (checked, as quoted by Lancashire County Council); under 65 the generator's
#: assumption).
CAUSE_GROUP_SHARES: Final[dict[str, tuple[float, ...]]] = {
    "cardiovascular": (0.005, 0.005, 0.01, 0.02, 0.05, 0.07, 0.07, 0.065, 0.06),
    "respiratory": (0.32, 0.19, 0.08, 0.06, 0.08, 0.10, 0.115, 0.125, 0.135),
    "falls": (0.03, 0.05, 0.04, 0.03, 0.025, 0.03, 0.037, 0.065, 0.09),
}
#: Log multipliers of a group's weight for a person with a condition.
CAUSE_GROUP_CONDITION_LINKS: Final[dict[str, dict[str, float]]] = {
    "cardiovascular": {
        "chd": 1.0,
        "heart_failure": 1.3,
        "atrial_fibrillation": 0.9,
        "stroke_tia": 0.8,
        "hypertension": 0.3,
        "diabetes": 0.2,
        "ckd": 0.2,
    },
    "respiratory": {"copd": 1.6, "asthma": 0.8},
    "falls": {"dementia": 0.7, "parkinsons": 0.7, "osteoporosis": 0.5, "stroke_tia": 0.3},
}
#: Log multiplier of the respiratory weight for a current smoker.
CAUSE_GROUP_SMOKER: Final[float] = 0.3
#: Log multiplier of the falls weight per frailty deficit not counted among the conditions
#: (ages 65 and over).
FALLS_PER_FRAILTY_DEFICIT: Final[float] = 0.08

#: Chance that an admission in each group is for a chronic ambulatory care sensitive
#: condition (NHS Outcomes Framework 2.3.i: angina, asthma, atrial fibrillation, congestive
#: heart failure, COPD, dementia, diabetes, epilepsy, hypertension, iron deficiency
#: anaemia and a few others), as a base chance and, for each linked condition, a further
#: chance that combines as "any of" (1 - product of the misses). Tuned so that chronic
#: ACSCs are about 8% of emergency admissions: 8.1% in 2015-16 (NHS Digital, indicator
#: IAP00068 specification; checked).
ACSC_BASE: Final[dict[str, float]] = {
    "cardiovascular": 0.08,
    "respiratory": 0.02,
    "falls": 0.0,
    "other": 0.004,
}
ACSC_CONDITION_LINKS: Final[dict[str, dict[str, float]]] = {
    "cardiovascular": {
        "heart_failure": 0.50,
        "atrial_fibrillation": 0.40,
        "chd": 0.30,
        "hypertension": 0.05,
    },
    "respiratory": {"copd": 0.60, "asthma": 0.45},
    "falls": {},
    "other": {"diabetes": 0.06, "epilepsy": 0.25, "dementia": 0.05},
}

#: Chance that an emergency admission has an alcohol-specific (wholly attributable)
#: diagnosis, at ALCOHOL_AGE_KNOTS, averaged over men and women, in an area halfway
#: between the most and least deprived, without the linked conditions. OHID's Local
#: Alcohol Profiles count admission episodes with an alcohol-specific primary or secondary
#: diagnosis: about 295,000 in 2012-13, when there were 15.1 million admissions (HSCIC, as
#: reported by the Institute of Alcohol Studies; checked), about 2% of all admissions. That
#: this is roughly 4% of emergency admissions (the level aimed at), and the age profile
#: (highest in middle age), are approximate, not checked against the publication.
ALCOHOL_AGE_KNOTS: Final[tuple[int, ...]] = (0, 12, 18, 30, 45, 60, 75, 90)
ALCOHOL_SHARE_BY_AGE: Final[tuple[float, ...]] = (0.0, 0.0, 0.02, 0.045, 0.065, 0.055, 0.015, 0.005)
#: Ratio for men against women (about two thirds of alcohol-specific admissions are of men:
#: approximate, not checked).
ALCOHOL_MALE_RATIO: Final[float] = 1.8
#: Ratio of the share, most against least deprived decile, on top of deprived areas' higher
#: emergency admission rate (assumption; alcohol-specific admissions are steeply graded by
#: deprivation, by how much is not checked).
ALCOHOL_DEPRIVATION_RATIO: Final[float] = 1.8
#: Log multipliers for a person with a condition (assumptions: alcohol-related liver
#: disease is most chronic liver disease in England; SMI and depression raise harmful
#: drinking).
ALCOHOL_CONDITION_LOG_RATIOS: Final[dict[str, float]] = {
    "chronic_liver_disease": float(np.log(6.0)),
    "smi": float(np.log(2.0)),
    "depression": float(np.log(1.5)),
}
#: Highest chance that any one emergency admission is alcohol-specific.
MAX_ALCOHOL_SHARE: Final[float] = 0.8

#: Column order of the persons table.
PERSON_COLUMNS: Final[tuple[str, ...]] = (
    ("person_id", "age", "sex", "lsoa", "imd_decile", "place", "ethnic_group")
    + CONDITIONS
    + ("efi", "end_of_life", "pregnant")
    + ACTIVITY_COLUMNS
    + ("cost_gbp", "died", "cause_of_death")
    + CAUSE_ADMISSION_COLUMNS
    + OPTIONAL_PERSON_FLAGS
)

_PERSONS_SCHEMA: Final[pa.Schema] = pa.schema(
    [
        ("person_id", pa.string()),
        ("age", pa.int64()),
        ("sex", pa.string()),
        ("lsoa", pa.string()),
        ("imd_decile", pa.int64()),
        ("place", pa.string()),
        ("ethnic_group", pa.string()),
        *[(name, pa.bool_()) for name in CONDITIONS],
        ("efi", pa.float64()),
        ("end_of_life", pa.bool_()),
        ("pregnant", pa.bool_()),
        *[(name, pa.int64()) for name in ACTIVITY_COLUMNS],
        ("cost_gbp", pa.float64()),
        ("died", pa.bool_()),
        ("cause_of_death", pa.string()),
        *[(name, pa.int64()) for name in CAUSE_ADMISSION_COLUMNS],
        *[(name, pa.bool_()) for name in OPTIONAL_PERSON_FLAGS],
    ]
)


@cache
def persons_schema() -> pa.Schema:
    """Return the persons' Arrow schema with pandas metadata for the optional flags.

    ``smoker`` and ``bp_controlled`` are blank where not recorded. The metadata makes them
    the nullable ``boolean`` dtype in pandas, both in :func:`make_demo_system` and when the
    file :func:`write_demo_system` writes is read with ``pandas.read_parquet``; every other
    column converts exactly as it would without it.
    """
    frame = _PERSONS_SCHEMA.empty_table().to_pandas()
    frame = frame.astype(dict.fromkeys(OPTIONAL_PERSON_FLAGS, "boolean"))
    return _PERSONS_SCHEMA.with_metadata(
        pa.Schema.from_pandas(frame, preserve_index=False).metadata
    )


BAND_STARTS: Final[np.ndarray] = np.arange(0, 95, 5)
BAND_MIDPOINTS: Final[np.ndarray] = np.append(np.arange(2.0, 90.0, 5.0), 93.0)
#: Spawn keys of the random streams derived from the seed.
AREAS_STREAM: Final[int] = 0
PERSONS_STREAM: Final[int] = 1
