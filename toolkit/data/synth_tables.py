"""The synthetic demo system's fixed tables, computed once per process.

The age-sex structure of each deprivation decile, the conditions' intercepts, the activity
scales and the probabilities of death, smoking and blood pressure control that
:mod:`toolkit.data.synth_persons` draws the persons from, and :func:`optional_columns`
(the contract's optional columns, drawn from a child of a block's random stream).
"""

from __future__ import annotations

from functools import cache
from typing import Final, NamedTuple

import numpy as np
import pyarrow as pa
from scipy.special import expit

from toolkit.data.contract import (
    CAUSE_ADMISSION_COLUMNS,
    CONDITIONS,
)
from toolkit.data.synth_assumptions import (
    ACSC_BASE,
    ACSC_CONDITION_LINKS,
    ACTIVITY_AGE_KNOTS,
    ACTIVITY_ASSUMPTIONS,
    AGE_TILT_PER_DECADE,
    ALCOHOL_AGE_KNOTS,
    ALCOHOL_CONDITION_LOG_RATIOS,
    ALCOHOL_DEPRIVATION_RATIO,
    ALCOHOL_MALE_RATIO,
    ALCOHOL_SHARE_BY_AGE,
    BAND_MIDPOINTS,
    BP_CONTROL_AGE_KNOTS,
    BP_CONTROL_AGE_LOGIT,
    BP_CONTROL_DEPRIVATION,
    BP_CONTROLLED_SHARE,
    CAUSE_GROUP_CONDITION_LINKS,
    CAUSE_GROUP_SHARES,
    CAUSE_GROUP_SMOKER,
    CONDITION_AGE_KNOTS,
    CONDITION_ASSUMPTIONS,
    CONDITION_LATENT_LOADING,
    DEATH_AGE_KNOTS,
    DEATH_DEPRIVATION_AGE_KNOTS,
    DEATH_DEPRIVATION_FEMALE,
    DEATH_DEPRIVATION_MALE,
    DEATH_PROBABILITY_FEMALE,
    DEATH_PROBABILITY_MALE,
    ENGLAND_AGE_SHARES,
    FALLS_PER_FRAILTY_DEFICIT,
    FEMALE_SHARES,
    MAX_AGE,
    MAX_ALCOHOL_SHARE,
    MAX_DEATH_RISK,
    MAX_SMOKING,
    MULTIMORBIDITY_AGE_SHIFT,
    NON_WHITE_AGE_LOGIT,
    NON_WHITE_LOGIT,
    NON_WHITE_SPLIT,
    OLDEST_BAND_DECLINE,
    SMOKING_AGE_KNOTS,
    SMOKING_BY_AGE,
    SMOKING_CONDITION_LOG_RATIOS,
    SMOKING_DEPRIVATION_RATIO,
    SMOKING_MALE_RATIO,
    SMOKING_MIN_AGE,
    SMOKING_PREVALENCE,
    ActivityAssumptions,
    ConditionAssumptions,
)

DEPRIVATION_BY_DECILE: Final[np.ndarray] = (10.0 - np.arange(1, 11)) / 9.0  # 1 = most


def decile_age_sex_shares() -> np.ndarray:
    """Share of each decile's population in each (band, sex) cell: shape (10, 19, 2)."""
    england = np.asarray(ENGLAND_AGE_SHARES) / np.sum(ENGLAND_AGE_SHARES)
    tilt = np.exp(
        -AGE_TILT_PER_DECADE
        * (DEPRIVATION_BY_DECILE[:, None] - 0.5)
        * (BAND_MIDPOINTS[None, :] - 40.0)
        / 10.0
    )
    bands = england[None, :] * tilt
    bands /= bands.sum(axis=1, keepdims=True)
    female = np.asarray(FEMALE_SHARES)
    return np.stack([bands * female, bands * (1.0 - female)], axis=2)


def oldest_band_ages() -> np.ndarray:
    """Return the share of the 90+ band at each single year of age, 90 to :data:`MAX_AGE`."""
    ages = np.arange(90, MAX_AGE + 1)
    weights = OLDEST_BAND_DECLINE ** (ages - 90)
    return weights / weights.sum()


def non_white_probability(deprivation: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Return the probability of an ethnic group other than White, by deprivation and age."""
    age_term = np.where(
        age < 18,
        NON_WHITE_AGE_LOGIT[0],
        np.where(age < 65, NON_WHITE_AGE_LOGIT[1], NON_WHITE_AGE_LOGIT[2]),
    )
    return expit(NON_WHITE_LOGIT[0] + NON_WHITE_LOGIT[1] * (deprivation - 0.5) + age_term)


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
    shares = decile_age_sex_shares()  # (10, 19, 2)
    ages = np.arange(MAX_AGE + 1)
    band = np.minimum(ages // 5, 18)
    within = np.where(ages < 90, 0.2, 0.0)
    within[90:] = oldest_band_ages()
    per_age = shares[:, band, :] * within[None, :, None]  # (10, ages, 2)
    decile_index, age_index, male = np.meshgrid(np.arange(10), ages, np.arange(2), indexing="ij")
    return _ReferenceGrid(
        age=age_index.ravel().astype(np.float64),
        male=male.ravel().astype(np.float64),
        deprivation=DEPRIVATION_BY_DECILE[decile_index.ravel()],
        decile_index=decile_index.ravel(),
        weight=(per_age / 10.0).ravel(),
    )


def condition_linear_predictor(
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
def condition_intercepts() -> np.ndarray:
    """Return intercepts giving each condition its prevalence in the England-like population.

    Solved by Newton's method, integrating over latent ill-health with Gauss-Hermite
    quadrature and over ethnic group (own code: a one-dimensional root per condition).
    """
    grid = _reference_grid()
    nodes, node_weights = np.polynomial.hermite.hermgauss(20)
    latent = np.sqrt(2.0) * nodes
    node_weights = node_weights / np.sqrt(np.pi)
    non_white = non_white_probability(grid.deprivation, grid.age)
    split = np.asarray(NON_WHITE_SPLIT)
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
        base = condition_linear_predictor(
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


def activity_rate_shape(spec: ActivityAssumptions, age: np.ndarray, male: np.ndarray) -> np.ndarray:
    """Relative activity rate by age and sex (before deprivation and calibration)."""
    working_age = (age >= 15) & (age < 65)
    sex_term = np.where(working_age, np.where(male > 0, -0.5, 0.5) * spec.female, 0.0)
    return np.interp(age, ACTIVITY_AGE_KNOTS, spec.age_profile) * np.exp(sex_term)


@cache
def activity_scales() -> np.ndarray:
    """Scale factors that give each activity its rate per person in England."""
    grid = _reference_grid()
    scales = []
    for spec in ACTIVITY_ASSUMPTIONS.values():
        shape = activity_rate_shape(spec, grid.age, grid.male)
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
        ratio = np.exp(log_ratio[:, None] * (DEPRIVATION_BY_DECILE[None, :] - 0.5))
        decile_weight = weight[:, :, male].T
        decile_weight = decile_weight / decile_weight.sum(axis=1, keepdims=True)
        ratio /= (ratio * decile_weight).sum(axis=1, keepdims=True)
        table[:, male, :] = np.minimum(england[:, None] * ratio, MAX_DEATH_RISK)
    return table


def annual_death_probability(age: np.ndarray, male: np.ndarray, decile: np.ndarray) -> np.ndarray:
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
    :func:`condition_intercepts`; ethnicity is left out). Solved by Newton's method.
    """
    grid = _reference_grid()
    spec = CONDITION_ASSUMPTIONS["hypertension"]
    nodes, node_weights = np.polynomial.hermite.hermgauss(20)
    eta = condition_intercepts()[CONDITIONS.index("hypertension")] + (
        condition_linear_predictor(spec, grid.age, grid.male, grid.deprivation, 0.0, 0.0)
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


def optional_columns(
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
        # person's chance of the condition (as in mean_one_log).
        total = np.zeros(len(age[rows]))
        for name, effect in links.items():
            k = CONDITIONS.index(name)
            total += mean_one_log(has_condition[rows, k], condition_probability[rows, k], effect)
        return total

    # Smoking: adults only, blank (not recorded) below SMOKING_MIN_AGE.
    adult = age >= SMOKING_MIN_AGE
    smoking = _smoking_scale() * _smoking_shape(age, male, deprivation)
    smoking = np.minimum(
        smoking * np.exp(condition_log(SMOKING_CONDITION_LOG_RATIOS, slice(None))), MAX_SMOKING
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
    alcohol = rng.binomial(spells, np.minimum(alcohol_share, MAX_ALCOHOL_SHARE))

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


def mean_one_log(flag: np.ndarray, probability: np.ndarray, log_effect: float) -> np.ndarray:
    """Log of a multiplier exp(effect * flag) scaled to average 1 given the probability.

    A person-level factor then moves activity or risk towards the people who have it
    without changing the average of the group they belong to.
    """
    return log_effect * flag - np.log1p(probability * np.expm1(log_effect))
