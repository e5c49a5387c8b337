"""Synthetic demo system: a fictional integrated care system to learn, teach and test with.

:func:`make_demo_system` builds the persons and areas tables of the *Kestermoor and Wyvendale
Integrated Care System*, an invented system in northern England. Its places, neighbourhoods
and people are fictional; any likeness to a real place name is accidental. The tables follow
the data contract (:mod:`toolkit.data.contract`) and carry the gradients an analyst expects
to find: long-term conditions rising with age and deprivation, multimorbidity arriving 10 to
15 years earlier in the most deprived areas, deaths and hospital use concentrated among the
old, the frail and the deprived. The persons also have the contract's optional columns:
emergency admissions by cause (cardiovascular, respiratory, falls, chronic ambulatory care
sensitive conditions, alcohol-specific), ``smoker`` (adults) and ``bp_controlled`` (people
with hypertension). :func:`write_demo_system` writes the same tables to Parquet and
GeoPackage in chunks, so that ten million persons never need much memory.

Both functions can also place the synthetic persons on a real geography instead
(``areas=``): the caller's own LSOAs, each given persons in proportion to its population and
the epidemiology of its real IMD decile, so that an analyst can rehearse the whole workflow on
their own system before data access arrives. The people are still invented.

Every assumption and its source is listed in ``docs/demo-system.md``.

No library synthesises a health population with these gradients, so the generator is the
toolkit's own: numpy draws every person-level quantity, vectorised over blocks of persons;
shapely builds the geography (Voronoi cells clipped to the system boundary); pyarrow writes
the Parquet file and pyogrio the GeoPackage.
"""

from __future__ import annotations

import heapq
import json
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pyogrio
import shapely
from scipy.special import expit

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSE_ADMISSION_COLUMNS,
    CAUSES_OF_DEATH,
    CONDITIONS,
    OPTIONAL_PERSON_FLAGS,
)
from toolkit.defaults import DEMO_SEED

__all__ = [
    "DEMO_SYSTEM_NAME",
    "PLACE_NAMES",
    "DemoSystem",
    "make_demo_system",
    "system_boundary",
    "write_demo_system",
]

# --------------------------------------------------------------------------------------
# The fictional system
# --------------------------------------------------------------------------------------

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
_BOUNDARY_HARMONICS: Final[tuple[tuple[int, float, float], ...]] = (
    (2, 0.10, 0.5),
    (3, 0.07, 2.0),
    (5, 0.04, 1.1),
)
_BOUNDARY_VERTICES: Final[int] = 240

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
_NON_WHITE_SPLIT: Final[tuple[float, ...]] = (0.158, 0.505, 0.221, 0.116)
#: Log-odds of belonging to a non-White group: intercept, per unit of deprivation (most
#: minus least deprived decile), and by age (under 18, 18 to 64, 65 and over).
_NON_WHITE_LOGIT: Final[tuple[float, float]] = (-1.50, 1.6)
_NON_WHITE_AGE_LOGIT: Final[tuple[float, float, float]] = (0.45, 0.0, -1.0)

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
_OLDEST_BAND_DECLINE: Final[float] = 0.75

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
_FRAILTY_LOG_MEAN: Final[tuple[float, float, float, float]] = (0.75, 0.35, 0.3, 0.2)
_FRAILTY_DISPERSION: Final[float] = 8.0
_FRAILTY_MAX_MEAN: Final[float] = 20.0

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
_DEATH_LATENT_LOADING: Final[float] = 0.35
#: Log hazard ratio of death per frailty deficit not counted among the conditions.
_DEATH_PER_FRAILTY_DEFICIT: Final[float] = 0.06
#: Chance of being on an end-of-life register, per unit of a person's risk of death.
END_OF_LIFE_PER_DEATH_RISK: Final[float] = 1.0
#: Chance of dying within the year for a person on the end-of-life register.
DEATH_RISK_AT_END_OF_LIFE: Final[float] = 0.45
#: Highest annual risk of death any person is given.
_MAX_DEATH_RISK: Final[float] = 0.95

#: Births per woman per year by age band 15-19, ..., 40-44 (ONS, England and Wales 2022).
FERTILITY_BY_AGE_BAND: Final[tuple[float, ...]] = (0.011, 0.047, 0.083, 0.099, 0.058, 0.014)
#: Log ratio of fertility, most against least deprived decile (teenagers, others).
_FERTILITY_DEPRIVATION: Final[tuple[float, float]] = (1.0, 0.2)

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
_EMERGENCY_STAY_DISPERSION: Final[float] = 1.2
_EMERGENCY_STAY_PER_FRAILTY_DEFICIT: Final[float] = 0.03
_EMERGENCY_STAY_END_OF_LIFE: Final[float] = 0.3
#: Mean bed days of an elective admission (three in four are day cases).
ELECTIVE_STAY_DAYS: Final[float] = 0.9
_ELECTIVE_STAY_DISPERSION: Final[float] = 0.4

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
_COST_SHAPE: Final[dict[str, float]] = {
    "ae_attendance": 8.0,
    "outpatient_attendance": 8.0,
    "emergency_spell": 4.0,
    "elective_spell": 4.0,
}

# --------------------------------------------------------------------------------------
# Optional columns: emergency admissions by cause, smoking, blood pressure control
# --------------------------------------------------------------------------------------
# Drawn last, from a child of the block's random stream (see _optional_columns), so that
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
_MAX_SMOKING: Final[float] = 0.8

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
_MAX_ALCOHOL_SHARE: Final[float] = 0.8

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
def _persons_schema() -> pa.Schema:
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


_BAND_STARTS: Final[np.ndarray] = np.arange(0, 95, 5)
_BAND_MIDPOINTS: Final[np.ndarray] = np.append(np.arange(2.0, 90.0, 5.0), 93.0)
#: Spawn keys of the random streams derived from the seed.
_AREAS_STREAM: Final[int] = 0
_PERSONS_STREAM: Final[int] = 1


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class DemoSystem:
    """A synthetic integrated care system: its persons, its areas and its boundary.

    Unpacks as ``persons, areas = make_demo_system(...)``.

    Attributes
    ----------
    persons : pandas.DataFrame
        One row per person, in the persons data contract.
    areas : geopandas.GeoDataFrame or pandas.DataFrame
        One row per LSOA-like neighbourhood, in the areas data contract, with polygons in
        British National Grid (EPSG:27700) that tile the system. For a system synthesised
        on given areas, those areas (a plain DataFrame when they had no geometry).
    boundary : shapely.Geometry or None
        The system boundary, the union of the areas (a Polygon for the fictional system;
        for given areas, the union of their shapes, or None when they have none).
    name : str
        Name of the fictional system, or a description of the given areas.
    seed : int
        Seed the system was generated from.
    """

    persons: pd.DataFrame
    areas: pd.DataFrame
    boundary: shapely.Geometry | None
    name: str
    seed: int

    def __iter__(self) -> Iterator[pd.DataFrame]:
        """Yield the persons and the areas, so that the system unpacks into the two."""
        yield self.persons
        yield self.areas

    def __repr__(self) -> str:
        """Return a one-line summary."""
        return (
            f"DemoSystem(name={self.name!r}, persons={len(self.persons):,}, "
            f"areas={len(self.areas):,}, places={self.areas['place'].nunique()}, "
            f"seed={self.seed})"
        )


def make_demo_system(
    persons: int = 250_000,
    seed: int = DEMO_SEED,
    *,
    areas: pd.DataFrame | None = None,
    progress: bool = False,
) -> DemoSystem:
    """Generate the fictional Kestermoor and Wyvendale integrated care system in memory.

    About one neighbourhood (an LSOA-like area of ~1,500 people) is made per 1,500 persons,
    at least 8, grouped into 4 to 6 places; deprivation is clustered in space and skewed
    towards the most deprived national deciles, like a northern urban system's. Persons are
    assigned to areas in proportion to the area populations; the areas' ``population`` is
    the number of persons generated there. Assumptions and sources: ``docs/demo-system.md``.

    With ``areas``, no geography is invented: the persons are placed in the given LSOAs
    instead, to rehearse the workflow on a real system (see *Synthesising on your own
    geography* in ``docs/demo-system.md``).

    Parameters
    ----------
    persons : int, default 250_000
        Number of persons, from 100 to 99,999,999. The persons table takes about 240 MB
        per million persons, and about twice that at peak while it is built: use
        :func:`write_demo_system` to write large systems to disk in chunks.
    seed : int, default 20261122
        Seed of the random streams (a non-negative integer). The same seed and number of
        persons (and the same ``areas``) always give the same system.
    areas : pandas.DataFrame or geopandas.GeoDataFrame, optional
        Your own areas table, one row per LSOA, as :func:`toolkit.data.read_areas` returns
        it: at least ``lsoa``, ``place`` and ``imd_decile`` (1 to 10, no blanks), and
        ``population`` to share the persons out. Each LSOA gets persons in proportion to
        its ``population`` (largest remainders, so within one person of the exact share);
        without a ``population`` column every LSOA gets an equal share, with a
        ``UserWarning``. Each person's age structure, conditions, deaths, activity and cost
        follow their LSOA's real decile, and their ``lsoa``, ``imd_decile`` and ``place``
        are its own. ``None`` (the default) makes the fictional system.
    progress : bool, default False
        Show a progress bar while persons are generated.

    Returns
    -------
    DemoSystem
        The persons (``pandas.DataFrame``), the areas (``geopandas.GeoDataFrame``), the
        system boundary, its name and the seed. With ``areas``, the areas returned are a
        copy of those given, their real ``population`` kept (it is not replaced by the
        number of persons generated, which may be far smaller); only a table with no
        ``population`` column gains one, the persons generated in each LSOA.

    Raises
    ------
    TypeError
        If ``areas`` is not a DataFrame, or an option has the wrong type.
    ValueError
        If ``areas`` lacks a needed column or has a blank, duplicate or impossible value
        (the message names the column and up to five rows), or an option is out of range.

    Examples
    --------
    >>> from toolkit.data.synth import make_demo_system
    >>> persons, areas = make_demo_system(20_000, seed=1)
    >>> len(persons), areas.crs.to_epsg()
    (20000, 27700)
    """
    function = "make_demo_system"
    _check_integer(persons, "persons", function, MIN_PERSONS, MAX_PERSONS)
    _check_integer(seed, "seed", function, 0, None)
    _check_bool(progress, "progress", function)
    if areas is None:
        table, boundary = _make_areas(int(persons), int(seed))
        layout = _AreaLayout.from_areas(table)
        name = DEMO_SYSTEM_NAME
    else:
        table, counts = _given_areas(areas, int(persons), function)
        layout = _AreaLayout.from_areas(table, population=counts)
        boundary = _given_boundary(table)
        name = _given_areas_name(table)
    tables = list(_iter_person_tables(layout, int(seed), BLOCK_SIZE, progress=progress))
    return DemoSystem(
        persons=pa.concat_tables(tables).to_pandas(),
        areas=table,
        boundary=boundary,
        name=name,
        seed=int(seed),
    )


def write_demo_system(
    out_dir: str | os.PathLike[str],
    *,
    persons: int = 250_000,
    seed: int = DEMO_SEED,
    areas: pd.DataFrame | None = None,
    progress: bool = True,
    chunk_size: int = 1_000_000,
) -> dict[str, Path]:
    """Generate the demo system chunk by chunk and write it to ``out_dir``.

    Writes ``persons.parquet`` (Parquet, zstd, one row group per chunk) and ``areas.gpkg``
    (GeoPackage, layer ``areas``, EPSG:27700). Persons are generated and written one chunk at
    a time, so memory stays well under 1 GB for ten million persons. The persons read back
    equal to ``make_demo_system(persons, seed).persons``: the result does not depend on the
    chunk size. Existing files of the same names are replaced.

    With ``areas`` (your own LSOAs, as in :func:`make_demo_system`), the persons are placed
    in them and the areas are written back as given: to ``areas.gpkg`` when they have
    shapes, otherwise to ``areas.parquet``.

    Parameters
    ----------
    out_dir : str or path-like
        Folder to write to; created if missing.
    persons : int, default 250_000
        Number of persons, from 100 to 99,999,999.
    seed : int, default 20261122
        Seed of the random streams (a non-negative integer).
    areas : pandas.DataFrame or geopandas.GeoDataFrame, optional
        Your own areas table (see :func:`make_demo_system`); ``None`` for the fictional
        system.
    progress : bool, default True
        Show a progress bar (tqdm) while persons are generated.
    chunk_size : int, default 1_000_000
        Persons generated and written at a time; rounded up to a whole number of blocks of
        100,000 persons.

    Returns
    -------
    dict of str to pathlib.Path
        ``{"persons": path of persons.parquet, "areas": path of areas.gpkg}`` (or of
        ``areas.parquet`` for given areas without shapes).
    """
    function = "write_demo_system"
    if not isinstance(out_dir, (str, os.PathLike)):
        raise TypeError(
            f"The 'out_dir' parameter of {function} must be a str or path-like. "
            f"Got {out_dir!r} instead."
        )
    _check_integer(persons, "persons", function, MIN_PERSONS, MAX_PERSONS)
    _check_integer(seed, "seed", function, 0, None)
    _check_bool(progress, "progress", function)
    _check_integer(chunk_size, "chunk_size", function, 1, None)
    if areas is None:
        table, _ = _make_areas(int(persons), int(seed))
        layout = _AreaLayout.from_areas(table)
        provenance: dict[str, Any] = {
            "system": DEMO_SYSTEM_NAME,
            "persons": int(persons),
            "seed": int(seed),
        }
    else:
        table, counts = _given_areas(areas, int(persons), function)
        layout = _AreaLayout.from_areas(table, population=counts)
        provenance = {
            "system": _given_areas_name(table),
            "persons": int(persons),
            "seed": int(seed),
            "areas": len(table),
        }
    has_shapes = _has_shapes(table)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    persons_path = folder / "persons.parquet"
    areas_path = folder / ("areas.gpkg" if has_shapes else "areas.parquet")

    chunk_blocks = -(-int(chunk_size) // BLOCK_SIZE)
    metadata = {b"toolkit.synth": json.dumps(provenance).encode()}
    partial = persons_path.with_name(persons_path.name + ".partial")
    schema = _persons_schema()
    schema = schema.with_metadata({**schema.metadata, **metadata})
    try:
        with pq.ParquetWriter(partial, schema, compression="zstd") as writer:
            pending: list[pa.Table] = []
            for block in _iter_person_tables(layout, int(seed), BLOCK_SIZE, progress=progress):
                pending.append(block)
                if len(pending) == chunk_blocks:
                    chunk = pa.concat_tables(pending)
                    writer.write_table(chunk, row_group_size=chunk.num_rows)
                    pending = []
            if pending:
                chunk = pa.concat_tables(pending)
                writer.write_table(chunk, row_group_size=chunk.num_rows)
        os.replace(partial, persons_path)
    finally:
        partial.unlink(missing_ok=True)

    partial_areas = areas_path.with_name(".partial." + areas_path.name)
    try:
        partial_areas.unlink(missing_ok=True)
        if has_shapes:
            pyogrio.write_dataframe(table, partial_areas, layer="areas", driver="GPKG")
        else:
            pd.DataFrame(table).to_parquet(partial_areas, index=False)
        os.replace(partial_areas, areas_path)
    finally:
        partial_areas.unlink(missing_ok=True)
    return {"persons": persons_path, "areas": areas_path}


# --------------------------------------------------------------------------------------
# Given areas: a real geography to place the persons on
# --------------------------------------------------------------------------------------

#: Columns a given areas table must have; ``population`` is optional (equal shares).
GIVEN_AREA_COLUMNS: Final[tuple[str, ...]] = ("lsoa", "place", "imd_decile")


def _rows(mask: np.ndarray) -> str:
    """Name up to five rows of a table by position (from 0), and how many more there are."""
    rows = np.flatnonzero(mask)
    shown = ", ".join(str(row) for row in rows[:5])
    more = f" and {len(rows) - 5:,} more" if len(rows) > 5 else ""
    plural = "s" if len(rows) > 1 else ""
    return f"the row{plural} at position{plural} {shown}{more}"


def _whole_column(
    areas: pd.DataFrame, column: str, function: str, low: int, high: int | None
) -> np.ndarray:
    """Return a given areas column as int64, or say plainly which rows are not usable."""
    where = f"The 'areas' table given to {function}"
    values = pd.to_numeric(areas[column], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    blank = np.isnan(values)
    if blank.any():
        raise ValueError(f"{where} has a blank or non-numeric {column} in {_rows(blank)}.")
    bad = (values != np.round(values)) | (values < low)
    if high is not None:
        bad |= values > high
    if bad.any():
        bounds = f"{low} to {high}" if high is not None else f"{low} or more"
        raise ValueError(
            f"{where} has a {column} that is not a whole number {bounds} in {_rows(bad)}."
        )
    return values.astype(np.int64)


def _given_areas(areas: Any, persons: int, function: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Check a given areas table and share the persons out between its LSOAs.

    Returns a copy of the table (with ``population``, the persons placed in each LSOA, when
    it had none) and the number of persons to place in each row.
    """
    if not isinstance(areas, pd.DataFrame):
        raise TypeError(
            f"The 'areas' parameter of {function} must be a pandas DataFrame (an areas table, "
            f"as toolkit.data.read_areas returns) or None. Got {type(areas).__name__} instead."
        )
    where = f"The 'areas' table given to {function}"
    missing = [column for column in GIVEN_AREA_COLUMNS if column not in areas.columns]
    if missing:
        raise ValueError(
            f"{where} has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}: "
            f"it needs {', '.join(GIVEN_AREA_COLUMNS)} (and population, to share the persons "
            "out). Read your file with toolkit.data.read_areas."
        )
    if len(areas) == 0:
        raise ValueError(f"{where} has no rows: give at least one LSOA.")
    for column in ("lsoa", "place"):
        text = areas[column].astype("string").str.strip()
        blank = text.isna().to_numpy() | (text == "").fillna(False).to_numpy(bool)
        if blank.any():
            raise ValueError(f"{where} has a blank {column} in {_rows(blank)}.")
    duplicated = areas["lsoa"].astype("string").str.strip().duplicated(keep=False).to_numpy(bool)
    if duplicated.any():
        raise ValueError(
            f"{where} has the same lsoa more than once, in {_rows(duplicated)}: "
            "give one row per LSOA."
        )
    _whole_column(areas, "imd_decile", function, 1, 10)
    table = areas.copy()
    # A population column with no value at all is no population: equal shares, as without.
    if "population" in areas.columns and not areas["population"].isna().all():
        population = _whole_column(areas, "population", function, 0, None)
        if population.sum() == 0:
            raise ValueError(
                f"{where} has a population of 0 in every LSOA: persons cannot be shared "
                "out in proportion to it."
            )
        return table, _apportion(persons, population.astype(np.float64))
    warnings.warn(
        f"{where} has no population, so each of its {len(areas):,} LSOAs gets an "
        "equal share of the persons; its population is set to the persons placed in each.",
        UserWarning,
        stacklevel=3,
    )
    counts = _apportion(persons, np.ones(len(areas)))
    table["population"] = counts
    return table, counts


def _has_shapes(areas: pd.DataFrame) -> bool:
    """Whether an areas table is a GeoDataFrame with at least one shape."""
    if not isinstance(areas, gpd.GeoDataFrame) or areas.active_geometry_name is None:
        return False
    return bool((~areas.geometry.isna() & ~areas.geometry.is_empty).any())


def _given_boundary(areas: pd.DataFrame) -> shapely.Geometry | None:
    """Return the union of the given areas' shapes, or None when they have none."""
    if not _has_shapes(areas):
        return None
    return areas.geometry.union_all()


def _given_areas_name(areas: pd.DataFrame) -> str:
    """Describe a system synthesised on given areas: how many LSOAs and places."""
    places = areas["place"].astype("string").str.strip().nunique()
    return (
        f"Synthetic persons on {len(areas):,} given LSOA{'s' if len(areas) != 1 else ''} "
        f"in {places:,} place{'s' if places != 1 else ''}"
    )


# --------------------------------------------------------------------------------------
# Checking options
# --------------------------------------------------------------------------------------


def _check_integer(value: Any, name: str, function: str, minimum: int, maximum: int | None) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"The '{name}' parameter of {function} must be an int. Got {value!r} instead."
        )
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"in [{minimum:,}, {maximum:,}]" if maximum is not None else f">= {minimum}"
        raise ValueError(
            f"The '{name}' parameter of {function} must be an int {bounds}. Got {value!r} instead."
        )


def _check_bool(value: Any, name: str, function: str) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"The '{name}' parameter of {function} must be a bool. Got {value!r} instead."
        )


# --------------------------------------------------------------------------------------
# Geography
# --------------------------------------------------------------------------------------


def _boundary_radius(theta: np.ndarray) -> np.ndarray:
    wobble = np.ones_like(theta)
    for order, amplitude, phase in _BOUNDARY_HARMONICS:
        wobble = wobble + amplitude * np.cos(order * theta + phase)
    return SYSTEM_RADIUS_M * wobble


def system_boundary() -> shapely.Polygon:
    """Return the boundary of the demo system in British National Grid coordinates.

    The boundary is the same for every seed: an irregular, star-shaped polygon of about
    800 km² centred on easting 400,000, northing 420,000 (the South Pennines would be
    about there; the system itself is fictional).

    Returns
    -------
    shapely.Polygon
        The boundary, coordinates in metres (EPSG:27700).
    """
    theta = np.linspace(0.0, 2.0 * np.pi, _BOUNDARY_VERTICES, endpoint=False)
    radius = _boundary_radius(theta)
    x = SYSTEM_CENTRE[0] + radius * np.cos(theta)
    y = SYSTEM_CENTRE[1] + radius * np.sin(theta)
    return shapely.Polygon(np.column_stack([x, y]).round(1))


def _town_centres(rng: np.random.Generator, n_places: int) -> np.ndarray:
    """Return the centre of the central town and of each other town, shape (n, 2)."""
    core = np.array(SYSTEM_CENTRE) + np.array([-1_500.0, 1_000.0])
    angles = np.linspace(0.0, 2.0 * np.pi, n_places - 1, endpoint=False)
    angles = angles + rng.uniform(0.0, 2.0 * np.pi) + rng.uniform(-0.25, 0.25, n_places - 1)
    reach = rng.uniform(0.5, 0.68, n_places - 1) * _boundary_radius(angles)
    towns = np.array(SYSTEM_CENTRE) + reach[:, None] * np.column_stack(
        [np.cos(angles), np.sin(angles)]
    )
    return np.vstack([core, towns])


def _population_density(xy: np.ndarray, towns: np.ndarray) -> np.ndarray:
    """Relative population density: a dense core, smaller towns, a rural floor."""
    squared = ((xy[:, None, :] - towns[None, :, :]) ** 2).sum(axis=2)
    peaks = np.full(len(towns), 0.8)
    peaks[0] = 1.5
    spread = np.full(len(towns), 2_500.0)
    spread[0] = 4_500.0
    return 0.25 + (peaks * np.exp(-squared / (2.0 * spread**2))).sum(axis=1)


def _sample_seed_points(
    rng: np.random.Generator, n: int, boundary: shapely.Polygon, towns: np.ndarray
) -> np.ndarray:
    """Draw ``n`` points inside the boundary with density proportional to population."""
    shapely.prepare(boundary)
    xmin, ymin, xmax, ymax = boundary.bounds
    ceiling = 0.25 + 1.5 + 0.8 * (len(towns) - 1)
    found: list[np.ndarray] = []
    have = 0
    while have < n:
        m = max(8 * (n - have), 1_000)
        xy = np.column_stack([rng.uniform(xmin, xmax, m), rng.uniform(ymin, ymax, m)])
        keep = shapely.contains_xy(boundary, xy[:, 0], xy[:, 1])
        keep &= rng.uniform(0.0, ceiling, m) < _population_density(xy, towns)
        found.append(xy[keep])
        have += int(keep.sum())
    return np.concatenate(found)[:n]


def _voronoi_cells(points: np.ndarray, boundary: shapely.Polygon) -> np.ndarray:
    """Voronoi cells of the points clipped to the boundary, one Polygon per point.

    Where clipping splits a cell, the pieces away from its seed point join the neighbouring
    cell they share most border with, so that every area is a single polygon (own code: the
    tiling rule is specific to this generator).
    """
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=boundary)
    )
    point_index, cell_index = shapely.STRtree(cells).query(
        shapely.points(points), predicate="within"
    )
    if len(point_index) != len(points) or len(np.unique(point_index)) != len(points):
        raise RuntimeError("Could not match Voronoi cells to their seed points.")
    ordered = np.empty(len(points), dtype=object)
    ordered[point_index] = cells[cell_index]
    clipped = shapely.intersection(ordered.astype(object), boundary)

    geoms = list(clipped)
    orphans: list[shapely.Geometry] = []
    for i in np.flatnonzero(shapely.get_type_id(clipped) != shapely.GeometryType.POLYGON):
        parts = shapely.get_parts(geoms[i])
        parts = parts[shapely.area(parts) > 0.0]
        home = shapely.contains_xy(parts, points[i, 0], points[i, 1])
        if not home.any():
            home = shapely.area(parts) == shapely.area(parts).max()
        geoms[i] = parts[np.flatnonzero(home)[0]]
        orphans.extend(parts[~home])
    for piece in orphans:
        current = np.array(geoms, dtype=object)
        shared = shapely.length(shapely.intersection(shapely.boundary(current), piece.boundary))
        j = int(np.argmax(shared))
        geoms[j] = shapely.union(geoms[j], piece)
    result = np.array(geoms, dtype=object)
    invalid = ~shapely.is_valid(result)
    result[invalid] = shapely.make_valid(result[invalid])
    return result


def _rook_neighbours(cells: np.ndarray) -> list[np.ndarray]:
    """Return, for each cell, the cells that share a border (not just a corner) with it."""
    left, right = shapely.STRtree(cells).query(cells, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(cells[left], cells[right]))
    keep = shared > 1e-3
    left, right = left[keep], right[keep]
    pairs = np.concatenate([np.column_stack([left, right]), np.column_stack([right, left])])
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    splits = np.searchsorted(pairs[:, 0], np.arange(1, len(cells)))
    return np.split(pairs[:, 1], splits)


def _grow_places(
    centroids: np.ndarray, neighbours: list[np.ndarray], towns: np.ndarray
) -> np.ndarray:
    """Assign every cell to a town's place by growing the places across shared borders.

    A multi-source best-first search from each town's nearest cell, ordered by distance to
    the town, so that places are compact and always contiguous (own code: a few lines on the
    adjacency lists; clustering libraries do not guarantee contiguity).
    """
    n = len(centroids)
    owner = np.full(n, -1)
    taken: set[int] = set()
    heap: list[tuple[float, int, int]] = []
    for place, town in enumerate(towns):
        distance = np.hypot(*(centroids - town).T)
        distance[list(taken)] = np.inf
        start = int(np.argmin(distance))
        taken.add(start)
        heap.append((0.0, start, place))
    heapq.heapify(heap)
    while heap:
        _, cell, place = heapq.heappop(heap)
        if owner[cell] >= 0:
            continue
        owner[cell] = place
        for other in neighbours[cell]:
            if owner[other] < 0:
                gap = float(np.hypot(*(centroids[other] - towns[place])))
                heapq.heappush(heap, (gap, int(other), place))
    if (owner < 0).any():
        raise RuntimeError("Some demo areas could not be reached from any town.")
    return owner


def _smooth_noise(rng: np.random.Generator, xy: np.ndarray, wavelength_m: float) -> np.ndarray:
    """Return a smooth random field with unit variance (a sum of random plane waves)."""
    components = 40
    direction = rng.uniform(0.0, 2.0 * np.pi, components)
    frequency = 2.0 * np.pi / (wavelength_m * rng.uniform(0.7, 1.5, components))
    phase = rng.uniform(0.0, 2.0 * np.pi, components)
    waves = np.column_stack([np.cos(direction), np.sin(direction)]) * frequency[:, None]
    return np.sqrt(2.0 / components) * np.cos(xy @ waves.T + phase).sum(axis=1)


def _deprivation_field(rng: np.random.Generator, xy: np.ndarray, towns: np.ndarray) -> np.ndarray:
    """Higher means more deprived: inner core, some mill towns, correlated noise."""
    distance = np.hypot(*(xy[:, None, :] - towns[None, :, :]).transpose(2, 0, 1))
    town_intensity = rng.uniform(-0.2, 1.1, len(towns))
    town_intensity[0] = 1.6
    spread = np.full(len(towns), 3_000.0)
    spread[0] = 5_000.0
    centres = (town_intensity * np.exp(-(distance**2) / (2.0 * spread**2))).sum(axis=1)
    outward = -0.35 * distance[:, 0] / 10_000.0
    return (
        centres
        + outward
        + 0.45 * _smooth_noise(rng, xy, 12_000.0)
        + 0.15 * rng.normal(size=len(xy))
    )


def _imd_from_field(field: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """National IMD deciles (by rank, in IMD_DECILE_SHARES) and scores within their cuts."""
    n = len(field)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-field, kind="stable")] = np.arange(n)
    quantile = (rank + 0.5) / n
    bounds = np.cumsum(IMD_DECILE_SHARES)
    bounds[-1] = 1.0
    decile = np.searchsorted(bounds, quantile) + 1
    cuts = np.asarray(IMD_SCORE_CUTS)
    score = np.empty(n)
    for d in range(1, 11):
        members = np.flatnonzero(decile == d)
        if len(members) == 0:
            continue
        order = members[np.argsort(rank[members])]
        position = (np.arange(len(order)) + 0.5) / len(order)  # 0 = most deprived end
        if d == 1:
            position = 1.0 - (1.0 - position) ** 2  # a long tail of very deprived areas
        score[order] = cuts[d - 1] - position * (cuts[d - 1] - cuts[d])
    return decile, np.round(score, 3)


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` (largest remainders)."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return counts


def _make_areas(persons: int, seed: int) -> tuple[gpd.GeoDataFrame, shapely.Polygon]:
    """Build the areas table and the system boundary for a given size and seed."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(_AREAS_STREAM,)))
    n_areas = max(MIN_AREAS, round(persons / PERSONS_PER_AREA))
    n_places = int(rng.integers(4, 7))
    boundary = system_boundary()
    towns = _town_centres(rng, n_places)
    points = _sample_seed_points(rng, n_areas, boundary, towns)
    cells = _voronoi_cells(points, boundary)
    centroids = shapely.get_coordinates(shapely.point_on_surface(cells))
    place_index = _grow_places(centroids, _rook_neighbours(cells), towns)
    decile, score = _imd_from_field(_deprivation_field(rng, centroids, towns))
    weights = np.clip(rng.lognormal(0.0, 0.15, n_areas), 0.6, 1.6)
    population = _apportion(persons, weights)

    # Code the areas place by place, north to south, as ONS numbers its small areas.
    order = np.lexsort((centroids[:, 0], -centroids[:, 1], place_index))
    place_names = np.array(PLACE_NAMES[:n_places], dtype=object)[place_index[order]]
    within = np.zeros(n_areas, dtype=np.int64)
    sorted_places = place_index[order]
    for place in range(n_places):
        members = sorted_places == place
        within[members] = np.arange(int(members.sum()))
    letters = np.array(list("ABCDE"))[within % 5]
    names = [
        f"{place} {number:03d}{letter}"
        for place, number, letter in zip(place_names, within // 5 + 1, letters, strict=True)
    ]
    codes = [f"{LSOA_CODE_PREFIX}{FIRST_LSOA_NUMBER + i:06d}" for i in range(n_areas)]
    areas = gpd.GeoDataFrame(
        {
            "lsoa": codes,
            "lsoa_name": names,
            "imd_score": score[order].astype(np.float64),
            "imd_decile": decile[order].astype(np.int64),
            "population": population[order].astype(np.int64),
            "place": place_names.tolist(),
        },
        geometry=gpd.GeoSeries(cells[order], crs=DEMO_CRS),
        crs=DEMO_CRS,
    )
    areas.attrs["imd_edition"] = "2019"  # the demo's deciles follow the IoD2019 pattern
    return areas, boundary


# --------------------------------------------------------------------------------------
# The model's fixed tables (computed once per process)
# --------------------------------------------------------------------------------------

_DEPRIVATION_BY_DECILE: Final[np.ndarray] = (10.0 - np.arange(1, 11)) / 9.0  # 1 = most


def _decile_age_sex_shares() -> np.ndarray:
    """Share of each decile's population in each (band, sex) cell: shape (10, 19, 2)."""
    england = np.asarray(ENGLAND_AGE_SHARES) / np.sum(ENGLAND_AGE_SHARES)
    tilt = np.exp(
        -AGE_TILT_PER_DECADE
        * (_DEPRIVATION_BY_DECILE[:, None] - 0.5)
        * (_BAND_MIDPOINTS[None, :] - 40.0)
        / 10.0
    )
    bands = england[None, :] * tilt
    bands /= bands.sum(axis=1, keepdims=True)
    female = np.asarray(FEMALE_SHARES)
    return np.stack([bands * female, bands * (1.0 - female)], axis=2)


def _oldest_band_ages() -> np.ndarray:
    ages = np.arange(90, MAX_AGE + 1)
    weights = _OLDEST_BAND_DECLINE ** (ages - 90)
    return weights / weights.sum()


def _non_white_probability(deprivation: np.ndarray, age: np.ndarray) -> np.ndarray:
    age_term = np.where(
        age < 18,
        _NON_WHITE_AGE_LOGIT[0],
        np.where(age < 65, _NON_WHITE_AGE_LOGIT[1], _NON_WHITE_AGE_LOGIT[2]),
    )
    return expit(_NON_WHITE_LOGIT[0] + _NON_WHITE_LOGIT[1] * (deprivation - 0.5) + age_term)


class _ReferenceGrid(NamedTuple):
    """An England-like population by single year of age, sex and decile, as weights."""

    age: np.ndarray
    male: np.ndarray
    deprivation: np.ndarray
    decile_index: np.ndarray
    weight: np.ndarray


@cache
def _reference_grid() -> _ReferenceGrid:
    """England-like reference population: ONS age-sex structure, equal decile shares."""
    shares = _decile_age_sex_shares()  # (10, 19, 2)
    ages = np.arange(MAX_AGE + 1)
    band = np.minimum(ages // 5, 18)
    within = np.where(ages < 90, 0.2, 0.0)
    within[90:] = _oldest_band_ages()
    per_age = shares[:, band, :] * within[None, :, None]  # (10, ages, 2)
    decile_index, age_index, male = np.meshgrid(np.arange(10), ages, np.arange(2), indexing="ij")
    return _ReferenceGrid(
        age=age_index.ravel().astype(np.float64),
        male=male.ravel().astype(np.float64),
        deprivation=_DEPRIVATION_BY_DECILE[decile_index.ravel()],
        decile_index=decile_index.ravel(),
        weight=(per_age / 10.0).ravel(),
    )


def _condition_linear_predictor(
    spec: ConditionAssumptions,
    age: np.ndarray,
    male: np.ndarray,
    deprivation: np.ndarray,
    asian: np.ndarray,
    black: np.ndarray,
) -> np.ndarray:
    """Log-odds of a condition before its calibrated intercept and the latent term."""
    effective_age = age + (MULTIMORBIDITY_AGE_SHIFT * deprivation if spec.age_shift else 0.0)
    return (
        np.interp(effective_age, CONDITION_AGE_KNOTS, spec.age_logit)
        + spec.male * male
        + spec.deprivation * deprivation
        + spec.asian * asian
        + spec.black * black
    )


@cache
def _condition_intercepts() -> np.ndarray:
    """Return intercepts giving each condition its prevalence in the England-like population.

    Solved by Newton's method, integrating over latent ill-health with Gauss-Hermite
    quadrature and over ethnic group (own code: a one-dimensional root per condition).
    """
    grid = _reference_grid()
    nodes, node_weights = np.polynomial.hermite.hermgauss(20)
    latent = np.sqrt(2.0) * nodes
    node_weights = node_weights / np.sqrt(np.pi)
    non_white = _non_white_probability(grid.deprivation, grid.age)
    split = np.asarray(_NON_WHITE_SPLIT)
    # Ethnic classes that change risk: others, Asian, Black.
    ethnic_weights = np.column_stack(
        [1.0 - non_white * (split[1] + split[2]), non_white * split[1], non_white * split[2]]
    )
    asian = np.array([0.0, 1.0, 0.0])
    black = np.array([0.0, 0.0, 1.0])
    intercepts = np.empty(len(CONDITIONS))
    for k, name in enumerate(CONDITIONS):
        spec = CONDITION_ASSUMPTIONS[name]
        counted = grid.age >= spec.denominator_age
        possible = (grid.age >= spec.onset_age)[counted]
        base = _condition_linear_predictor(
            spec,
            grid.age[counted, None],
            grid.male[counted, None],
            grid.deprivation[counted, None],
            asian[None, :],
            black[None, :],
        )  # (cells, 3)
        weight = (grid.weight[counted, None] * ethnic_weights[counted])[..., None] * node_weights
        weight = weight * possible[:, None, None]
        total = grid.weight[counted].sum()
        eta = base[..., None] + CONDITION_LATENT_LOADING * latent
        alpha = float(np.log(spec.prevalence / (1.0 - spec.prevalence)) - np.median(base))
        for _ in range(60):
            p = expit(alpha + eta)
            gap = (weight * p).sum() / total - spec.prevalence
            slope = (weight * p * (1.0 - p)).sum() / total
            step = float(np.clip(gap / slope, -2.0, 2.0))
            alpha -= step
            if abs(step) < 1e-10:
                break
        intercepts[k] = alpha
    return intercepts


def _activity_rate_shape(
    spec: ActivityAssumptions, age: np.ndarray, male: np.ndarray
) -> np.ndarray:
    """Relative activity rate by age and sex (before deprivation and calibration)."""
    working_age = (age >= 15) & (age < 65)
    sex_term = np.where(working_age, np.where(male > 0, -0.5, 0.5) * spec.female, 0.0)
    return np.interp(age, ACTIVITY_AGE_KNOTS, spec.age_profile) * np.exp(sex_term)


@cache
def _activity_scales() -> np.ndarray:
    """Scale factors that give each activity its rate per person in England."""
    grid = _reference_grid()
    scales = []
    for spec in ACTIVITY_ASSUMPTIONS.values():
        shape = _activity_rate_shape(spec, grid.age, grid.male)
        shape = shape * np.exp(spec.deprivation * grid.deprivation)
        scales.append(spec.per_person / float((grid.weight * shape).sum()))
    return np.asarray(scales)


@cache
def _death_probability_table() -> np.ndarray:
    """Annual probability of death by age, sex (0 = female) and decile: (ages, 2, 10).

    Deprivation ratios are normalised so that each age and sex averages to England's rate.
    """
    grid = _reference_grid()
    ages = np.arange(MAX_AGE + 1)
    table = np.empty((len(ages), 2, 10))
    weight = grid.weight.reshape(10, len(ages), 2)
    for male, (probability, deprivation) in enumerate(
        [
            (DEATH_PROBABILITY_FEMALE, DEATH_DEPRIVATION_FEMALE),
            (DEATH_PROBABILITY_MALE, DEATH_DEPRIVATION_MALE),
        ]
    ):
        england = np.exp(np.interp(ages, DEATH_AGE_KNOTS, np.log(probability)))
        log_ratio = np.interp(ages, DEATH_DEPRIVATION_AGE_KNOTS, deprivation)
        ratio = np.exp(log_ratio[:, None] * (_DEPRIVATION_BY_DECILE[None, :] - 0.5))
        decile_weight = weight[:, :, male].T
        decile_weight = decile_weight / decile_weight.sum(axis=1, keepdims=True)
        ratio /= (ratio * decile_weight).sum(axis=1, keepdims=True)
        table[:, male, :] = np.minimum(england[:, None] * ratio, _MAX_DEATH_RISK)
    return table


def _annual_death_probability(age: np.ndarray, male: np.ndarray, decile: np.ndarray) -> np.ndarray:
    """Annual probability of death by age, sex and IMD decile (before person factors)."""
    table = _death_probability_table()
    return table[np.minimum(age, MAX_AGE), male.astype(np.int64), decile - 1]


def _sex_factor(male: np.ndarray, ratio: float) -> np.ndarray:
    """Multiplier for men and women with the given ratio between them, averaging about 1."""
    return np.where(male > 0, 2.0 * ratio / (1.0 + ratio), 2.0 / (1.0 + ratio))


def _smoking_shape(age: np.ndarray, male: np.ndarray, deprivation: np.ndarray) -> np.ndarray:
    """Relative chance of smoking by age, sex and deprivation (before calibration)."""
    return (
        np.interp(age, SMOKING_AGE_KNOTS, SMOKING_BY_AGE)
        * _sex_factor(male, SMOKING_MALE_RATIO)
        * SMOKING_DEPRIVATION_RATIO ** (deprivation - 0.5)
    )


@cache
def _smoking_scale() -> float:
    """Scale giving adults of the England-like reference population SMOKING_PREVALENCE."""
    grid = _reference_grid()
    adults = grid.age >= SMOKING_MIN_AGE
    shape = _smoking_shape(grid.age[adults], grid.male[adults], grid.deprivation[adults])
    weight = grid.weight[adults]
    return float(SMOKING_PREVALENCE * weight.sum() / (weight * shape).sum())


def _bp_control_linear_predictor(age: np.ndarray, deprivation: np.ndarray) -> np.ndarray:
    """Log-odds of blood pressure control before the calibrated intercept."""
    return (
        np.interp(age, BP_CONTROL_AGE_KNOTS, BP_CONTROL_AGE_LOGIT)
        + BP_CONTROL_DEPRIVATION * deprivation
    )


@cache
def _bp_control_intercept() -> float:
    """Return the intercept giving BP_CONTROLLED_SHARE among people with hypertension.

    The reference population is weighted by each cell's chance of hypertension, from the
    condition's calibrated model integrated over latent ill-health (Gauss-Hermite, as in
    :func:`_condition_intercepts`; ethnicity is left out). Solved by Newton's method.
    """
    grid = _reference_grid()
    spec = CONDITION_ASSUMPTIONS["hypertension"]
    nodes, node_weights = np.polynomial.hermite.hermgauss(20)
    eta = _condition_intercepts()[CONDITIONS.index("hypertension")] + (
        _condition_linear_predictor(spec, grid.age, grid.male, grid.deprivation, 0.0, 0.0)
    )
    latent = CONDITION_LATENT_LOADING * np.sqrt(2.0) * nodes
    hypertension = expit(eta[:, None] + latent[None, :]) @ (node_weights / np.sqrt(np.pi))
    weight = grid.weight * np.where(grid.age >= spec.onset_age, hypertension, 0.0)
    base = _bp_control_linear_predictor(grid.age, grid.deprivation)
    alpha = float(np.log(BP_CONTROLLED_SHARE / (1.0 - BP_CONTROLLED_SHARE)))
    for _ in range(60):
        p = expit(alpha + base)
        gap = (weight * p).sum() / weight.sum() - BP_CONTROLLED_SHARE
        step = float(gap / ((weight * p * (1.0 - p)).sum() / weight.sum()))
        alpha -= step
        if abs(step) < 1e-10:
            break
    return alpha


def _optional_columns(
    rng: np.random.Generator,
    *,
    age: np.ndarray,
    male: np.ndarray,
    deprivation: np.ndarray,
    has_condition: np.ndarray,
    condition_probability: np.ndarray,
    other_deficits: np.ndarray,
    emergency: np.ndarray,
) -> dict[str, pa.Array]:
    """Draw ``smoker``, ``bp_controlled`` and the emergency admissions by cause.

    ``rng`` is a stream of its own, so these draws never shift the other columns'.
    Returns Arrow arrays in the order of CAUSE_ADMISSION_COLUMNS then OPTIONAL_PERSON_FLAGS.
    """
    n = len(age)

    def condition_log(links: dict[str, float], rows: slice | np.ndarray) -> np.ndarray:
        # Sum of log multipliers exp(b * flag), each divided by its expectation given the
        # person's chance of the condition (as in _mean_one_log).
        total = np.zeros(len(age[rows]))
        for name, effect in links.items():
            k = CONDITIONS.index(name)
            total += _mean_one_log(has_condition[rows, k], condition_probability[rows, k], effect)
        return total

    # Smoking: adults only, blank (not recorded) below SMOKING_MIN_AGE.
    adult = age >= SMOKING_MIN_AGE
    smoking = _smoking_scale() * _smoking_shape(age, male, deprivation)
    smoking = np.minimum(
        smoking * np.exp(condition_log(SMOKING_CONDITION_LOG_RATIOS, slice(None))), _MAX_SMOKING
    )
    smoker = (rng.random(n) < smoking) & adult

    # Blood pressure control: people with hypertension only, blank for others.
    hypertensive = has_condition[:, CONDITIONS.index("hypertension")]
    members = np.flatnonzero(hypertensive)
    controlled = np.zeros(n, dtype=bool)
    control = expit(
        _bp_control_intercept() + _bp_control_linear_predictor(age[members], deprivation[members])
    )
    controlled[members] = rng.random(len(members)) < control

    # Emergency admissions by cause, only for those admitted.
    admitted = np.flatnonzero(emergency > 0)
    spells = emergency[admitted]
    base_shares = {
        group: np.interp(age[admitted], ACTIVITY_AGE_KNOTS, shares)
        for group, shares in CAUSE_GROUP_SHARES.items()
    }
    weights: dict[str, np.ndarray] = {}
    for group, base_share in base_shares.items():
        log_weight = np.zeros(len(admitted))
        for name, effect in CAUSE_GROUP_CONDITION_LINKS[group].items():
            log_weight += effect * has_condition[admitted, CONDITIONS.index(name)]
        if group == "respiratory":
            log_weight += CAUSE_GROUP_SMOKER * smoker[admitted]
        if group == "falls":  # other_deficits is 0 below EFI_MIN_AGE
            log_weight += FALLS_PER_FRAILTY_DEFICIT * other_deficits[admitted]
        weights[group] = base_share * np.exp(log_weight)
    total = 1.0 - sum(base_shares.values()) + sum(weights.values())
    # A multinomial split, drawn as a chain of binomials (vectorised over persons).
    by_group: dict[str, np.ndarray] = {}
    remaining = spells.copy()
    left = np.ones(len(admitted))
    for group, weight in weights.items():
        share = weight / total
        chance = np.clip(share / np.maximum(left, 1e-12), 0.0, 1.0)
        by_group[group] = rng.binomial(remaining, chance)
        remaining = remaining - by_group[group]
        left = left - share
    by_group["other"] = remaining

    acsc = np.zeros(len(admitted), dtype=np.int64)
    for group, base in ACSC_BASE.items():
        miss = np.full(len(admitted), 1.0 - base)
        for name, chance in ACSC_CONDITION_LINKS[group].items():
            miss *= np.where(has_condition[admitted, CONDITIONS.index(name)], 1.0 - chance, 1.0)
        acsc += rng.binomial(by_group[group], 1.0 - miss)

    alcohol_share = (
        np.interp(age[admitted], ALCOHOL_AGE_KNOTS, ALCOHOL_SHARE_BY_AGE)
        * _sex_factor(male[admitted], ALCOHOL_MALE_RATIO)
        * ALCOHOL_DEPRIVATION_RATIO ** (deprivation[admitted] - 0.5)
        * np.exp(condition_log(ALCOHOL_CONDITION_LOG_RATIOS, admitted))
    )
    alcohol = rng.binomial(spells, np.minimum(alcohol_share, _MAX_ALCOHOL_SHARE))

    drawn = {
        "emergency_admissions_cardiovascular": by_group["cardiovascular"],
        "emergency_admissions_respiratory": by_group["respiratory"],
        "emergency_admissions_falls": by_group["falls"],
        "emergency_admissions_acsc": acsc,
        "emergency_admissions_alcohol": alcohol,
    }
    arrays: dict[str, pa.Array] = {}
    for name in CAUSE_ADMISSION_COLUMNS:
        values = np.zeros(n, dtype=np.int64)
        values[admitted] = drawn[name]
        arrays[name] = pa.array(values)
    arrays["smoker"] = pa.array(smoker, mask=~adult)
    arrays["bp_controlled"] = pa.array(controlled, mask=~hypertensive)
    return arrays


# --------------------------------------------------------------------------------------
# Persons
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AreaLayout:
    """What the person generator needs to know about the areas."""

    cumulative_population: np.ndarray
    decile: np.ndarray
    lsoa: pa.Array
    place_codes: np.ndarray
    place_names: pa.Array
    persons: int

    @classmethod
    def from_areas(cls, areas: pd.DataFrame, population: np.ndarray | None = None) -> _AreaLayout:
        """Lay out the areas; ``population`` (persons per row) defaults to the column."""
        if population is None:
            population = areas["population"].to_numpy(np.int64)
        place_names, place_codes = np.unique(
            areas["place"].astype(str).str.strip().to_numpy(str), return_inverse=True
        )
        return cls(
            cumulative_population=np.cumsum(population),
            decile=pd.to_numeric(areas["imd_decile"]).to_numpy(np.int64),
            lsoa=pa.array(areas["lsoa"].astype(str).str.strip().tolist(), type=pa.string()),
            place_codes=place_codes.astype(np.int32),
            place_names=pa.array(place_names.tolist(), type=pa.string()),
            persons=int(population.sum()),
        )


def _iter_person_tables(
    layout: _AreaLayout, seed: int, block_size: int, *, progress: bool
) -> Iterator[pa.Table]:
    """Yield the persons as Arrow tables, one per block, each from its own random stream."""
    from tqdm.auto import tqdm

    starts = range(0, layout.persons, block_size)
    with tqdm(
        total=layout.persons,
        disable=not progress,
        unit=" persons",
        unit_scale=True,
        desc="Synthesising persons",
    ) as bar:
        for block, start in enumerate(starts):
            stop = min(start + block_size, layout.persons)
            stream = np.random.SeedSequence(seed, spawn_key=(_PERSONS_STREAM, block))
            yield _person_block(layout, np.random.default_rng(stream), start, stop)
            bar.update(stop - start)


def _mean_one_log(flag: np.ndarray, probability: np.ndarray, log_effect: float) -> np.ndarray:
    """Log of a multiplier exp(effect * flag) scaled to average 1 given the probability.

    A person-level factor then moves activity or risk towards the people who have it
    without changing the average of the group they belong to.
    """
    return log_effect * flag - np.log1p(probability * np.expm1(log_effect))


def _draw_negative_binomial(
    rng: np.random.Generator, mean: np.ndarray, dispersion: float
) -> np.ndarray:
    """Draw counts with the given means from a gamma-Poisson mixture (negative binomial)."""
    return rng.poisson(mean * rng.gamma(dispersion, 1.0 / dispersion, size=len(mean)))


def _draw_from_table(rng: np.random.Generator, table: np.ndarray, row: np.ndarray) -> np.ndarray:
    """One category per person from the row of a small (rows, categories) table they use."""
    cumulative = np.cumsum(table, axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(row))
    drawn = np.empty(len(row), dtype=np.int64)
    for r in range(len(table)):
        members = row == r
        drawn[members] = np.searchsorted(cumulative[r], u[members], side="right")
    return np.minimum(drawn, table.shape[1] - 1)


def _draw_categories(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One category per row of a (rows, categories) probability table."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(len(probabilities)) * cumulative[:, -1]
    return np.minimum((u[:, None] > cumulative).sum(axis=1), probabilities.shape[1] - 1)


def _person_block(layout: _AreaLayout, rng: np.random.Generator, start: int, stop: int) -> pa.Table:
    """Generate persons ``start`` to ``stop - 1`` (vectorised) as an Arrow table."""
    n = stop - start
    index = np.arange(start, stop)
    area = np.searchsorted(layout.cumulative_population, index, side="right")
    decile = layout.decile[area]
    deprivation = _DEPRIVATION_BY_DECILE[decile - 1]

    # Age and sex, from the decile's ONS-like structure.
    shares = _decile_age_sex_shares().reshape(10, -1)
    cell = _draw_from_table(rng, shares, decile - 1)
    band, male = cell // 2, cell % 2
    oldest = 90 + _draw_from_table(rng, _oldest_band_ages()[None, :], np.zeros(n, np.int64))
    age = np.where(band < 18, _BAND_STARTS[band] + rng.integers(0, 5, n), oldest)

    # Ethnic group (five ONS 2021 groups), more often non-White in deprived areas and young.
    non_white = _non_white_probability(deprivation, age)
    ethnic_probabilities = np.column_stack(
        [1.0 - non_white, non_white[:, None] * np.asarray(_NON_WHITE_SPLIT)[None, :]]
    )
    ethnic = _draw_categories(rng, ethnic_probabilities)
    asian = (ethnic == 2).astype(np.float64)
    black = (ethnic == 3).astype(np.float64)

    # Latent ill-health links conditions, frailty, deaths and activity.
    latent = rng.standard_normal(n)

    # Long-term conditions.
    intercepts = _condition_intercepts()
    condition_probability = np.empty((n, len(CONDITIONS)))
    for k, name in enumerate(CONDITIONS):
        spec = CONDITION_ASSUMPTIONS[name]
        eta = intercepts[k] + _condition_linear_predictor(
            spec, age, male, deprivation, asian, black
        )
        p = expit(eta + CONDITION_LATENT_LOADING * latent)
        condition_probability[:, k] = np.where(age >= spec.onset_age, p, 0.0)
    has_condition = rng.random((n, len(CONDITIONS))) < condition_probability
    condition_flags = has_condition.astype(np.float64)

    # Frailty: deficits from conditions plus other deficits, for ages 65 and over.
    deficit_groups = sorted(
        {spec.frailty_deficit for spec in CONDITION_ASSUMPTIONS.values()} - {None}
    )
    condition_deficits = np.zeros(n, dtype=np.int64)
    for group in deficit_groups:
        members = [
            k
            for k, name in enumerate(CONDITIONS)
            if CONDITION_ASSUMPTIONS[name].frailty_deficit == group
        ]
        condition_deficits += has_condition[:, members].any(axis=1)
    older = age >= EFI_MIN_AGE
    intercept, per_decade, by_deprivation, by_latent = _FRAILTY_LOG_MEAN
    frailty_mean = np.minimum(
        np.exp(
            intercept
            + per_decade * (age - EFI_MIN_AGE) / 10.0
            + by_deprivation * deprivation
            + by_latent * latent
        ),
        _FRAILTY_MAX_MEAN,
    )
    frailty_mean = np.where(older, frailty_mean, 0.0)
    other_deficits = _draw_negative_binomial(rng, frailty_mean, _FRAILTY_DISPERSION)
    deficits = np.minimum(condition_deficits + other_deficits, EFI_DEFICITS)
    efi = np.where(older, deficits / EFI_DEFICITS, np.nan)

    def frailty_log(per_deficit: float) -> np.ndarray:
        # exp(b * D) over its negative binomial expectation (moment generating function).
        growth = frailty_mean * np.expm1(per_deficit) / _FRAILTY_DISPERSION
        return per_deficit * other_deficits + _FRAILTY_DISPERSION * np.log1p(-growth)

    def conditions_log(effects: np.ndarray) -> np.ndarray:
        # Sum over conditions of the _mean_one_log terms; one log of a product per person.
        expectation = np.prod(1.0 + condition_probability * np.expm1(effects), axis=1)
        return condition_flags @ effects - np.log(expectation)

    # Deaths and the end-of-life register.
    mortality = np.array([CONDITION_ASSUMPTIONS[name].mortality for name in CONDITIONS])
    death_risk = _annual_death_probability(age, male, decile) * np.exp(
        _DEATH_LATENT_LOADING * latent
        - _DEATH_LATENT_LOADING**2 / 2.0
        + conditions_log(mortality)
        + frailty_log(_DEATH_PER_FRAILTY_DEFICIT)
    )
    death_risk = np.minimum(death_risk, _MAX_DEATH_RISK)
    end_of_life_probability = np.minimum(END_OF_LIFE_PER_DEATH_RISK * death_risk, 0.9)
    end_of_life = rng.random(n) < end_of_life_probability
    otherwise = (death_risk - end_of_life_probability * DEATH_RISK_AT_END_OF_LIFE) / (
        1.0 - end_of_life_probability
    )
    died_probability = np.clip(
        np.where(end_of_life, DEATH_RISK_AT_END_OF_LIFE, otherwise), 0.0, 1.0
    )
    died = rng.random(n) < died_probability

    # Pregnancy, women aged 15 to 44.
    fertile = (male == 0) & (age >= 15) & (age < 45)
    fertility_band = np.clip((age - 15) // 5, 0, 5)
    teen, adult = _FERTILITY_DEPRIVATION
    pregnancy_probability = np.where(
        fertile,
        np.asarray(FERTILITY_BY_AGE_BAND)[fertility_band]
        * np.exp(np.where(fertility_band == 0, teen, adult) * (deprivation - 0.5)),
        0.0,
    )
    pregnant = rng.random(n) < pregnancy_probability

    # Activity counts.
    severity = np.array([CONDITION_ASSUMPTIONS[name].severity for name in CONDITIONS])
    counts: dict[str, np.ndarray] = {}
    for scale, (name, spec) in zip(_activity_scales(), ACTIVITY_ASSUMPTIONS.items(), strict=True):
        log_rate = (
            np.log(scale * _activity_rate_shape(spec, age, male))
            + spec.deprivation * deprivation
            + spec.latent * latent
            - spec.latent**2 / 2.0
            + conditions_log(spec.condition_sensitivity * severity)
            + np.where(older, frailty_log(spec.per_frailty_deficit), 0.0)
            + _mean_one_log(end_of_life, end_of_life_probability, spec.end_of_life)
            + _mean_one_log(died, died_probability, spec.died)
            + _mean_one_log(pregnant, pregnancy_probability, spec.pregnant)
        )
        counts[name] = _draw_negative_binomial(rng, np.exp(log_rate), spec.dispersion)

    # Bed days: emergency stays (longer when old, frail or dying) and elective stays.
    stay = np.interp(age, EMERGENCY_STAY_AGE_KNOTS, EMERGENCY_STAY_DAYS) * np.exp(
        _EMERGENCY_STAY_PER_FRAILTY_DEFICIT * other_deficits
        + _EMERGENCY_STAY_END_OF_LIFE * end_of_life
    )
    emergency_days = _draw_negative_binomial(
        rng, counts["emergency_admissions"] * stay, _EMERGENCY_STAY_DISPERSION
    )
    elective_days = _draw_negative_binomial(
        rng, counts["elective_admissions"] * ELECTIVE_STAY_DAYS, _ELECTIVE_STAY_DISPERSION
    )
    counts["bed_days"] = emergency_days + elective_days

    # Cost: unit costs with gamma variation per event (a sum of n gammas is a gamma).
    def event_costs(events: np.ndarray, unit: str) -> np.ndarray:
        shape = _COST_SHAPE[unit]
        costs = np.zeros(n)
        some = events > 0
        costs[some] = rng.gamma(events[some] * shape, UNIT_COSTS_GBP[unit] / shape)
        return costs

    cost = (
        UNIT_COSTS_GBP["gp_appointment"] * counts["gp_appointments"]
        + event_costs(counts["ae_attendances"], "ae_attendance")
        + event_costs(counts["outpatient_attendances"], "outpatient_attendance")
        + event_costs(counts["emergency_admissions"], "emergency_spell")
        + event_costs(counts["elective_admissions"], "elective_spell")
        + UNIT_COSTS_GBP["bed_day"] * counts["bed_days"]
    )

    # Cause of death for those who died.
    dead = np.flatnonzero(died)
    cause_weights = np.log(
        np.column_stack(
            [
                np.interp(age[dead], CAUSE_AGE_KNOTS, column)
                for column in np.asarray(CAUSE_SHARES_BY_AGE).T
            ]
        )
        + 1e-12
    )
    for condition, (cause_name, log_effect) in CAUSE_CONDITION_LINKS.items():
        cause_weights[:, CAUSES_OF_DEATH.index(cause_name)] += (
            log_effect * has_condition[dead, CONDITIONS.index(condition)]
        )
    for cause_name, log_effect in CAUSE_DEPRIVATION.items():
        cause_weights[:, CAUSES_OF_DEATH.index(cause_name)] += log_effect * deprivation[dead]
    cause = np.zeros(n, dtype=np.int64)
    cause[dead] = _draw_categories(rng, np.exp(cause_weights))

    # The optional columns, from a child stream of their own: every column above is the
    # same as before they were added (a test checks this).
    optional = _optional_columns(
        rng.spawn(1)[0],
        age=age,
        male=male,
        deprivation=deprivation,
        has_condition=has_condition,
        condition_probability=condition_probability,
        other_deficits=other_deficits,
        emergency=counts["emergency_admissions"],
    )

    # Assemble the Arrow table.
    person_number = pa.array(index + 1, type=pa.int64())
    person_id = pc.binary_join_element_wise(
        "P", pc.utf8_lpad(pc.cast(person_number, pa.string()), 8, "0"), ""
    )
    columns: dict[str, pa.Array] = {
        "person_id": person_id,
        "age": pa.array(age.astype(np.int64)),
        "sex": pc.take(pa.array(["F", "M"]), pa.array(male.astype(np.int32))),
        "lsoa": pc.take(layout.lsoa, pa.array(area.astype(np.int32))),
        "imd_decile": pa.array(decile.astype(np.int64)),
        "place": pc.take(layout.place_names, pa.array(layout.place_codes[area])),
        "ethnic_group": pc.take(pa.array(ETHNIC_GROUPS), pa.array(ethnic.astype(np.int32))),
    }
    for k, name in enumerate(CONDITIONS):
        columns[name] = pa.array(has_condition[:, k])
    columns["efi"] = pa.array(efi, from_pandas=True)
    columns["end_of_life"] = pa.array(end_of_life)
    columns["pregnant"] = pa.array(pregnant)
    for name in ACTIVITY_COLUMNS:
        columns[name] = pa.array(counts[name].astype(np.int64))
    columns["cost_gbp"] = pa.array(np.round(cost, 2))
    columns["died"] = pa.array(died)
    columns["cause_of_death"] = pc.take(
        pa.array(CAUSES_OF_DEATH),
        pa.array(cause.astype(np.int32), mask=~died),
    )
    columns.update(optional)
    return pa.table(columns, schema=_persons_schema())
