"""The synthetic demo system's persons, drawn in blocks of :data:`BLOCK_SIZE`.

:func:`iter_person_tables` yields the persons of :func:`toolkit.data.synth.make_demo_system`
block by block, each from its own random stream, so that a block's persons never depend on
how many blocks come before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.special import expit

from toolkit.data.contract import (
    ACTIVITY_COLUMNS,
    CAUSES_OF_DEATH,
    CONDITIONS,
)
from toolkit.data.synth_assumptions import (
    ACTIVITY_ASSUMPTIONS,
    BAND_STARTS,
    CAUSE_AGE_KNOTS,
    CAUSE_CONDITION_LINKS,
    CAUSE_DEPRIVATION,
    CAUSE_SHARES_BY_AGE,
    CONDITION_ASSUMPTIONS,
    CONDITION_LATENT_LOADING,
    COST_SHAPE,
    DEATH_LATENT_LOADING,
    DEATH_PER_FRAILTY_DEFICIT,
    DEATH_RISK_AT_END_OF_LIFE,
    EFI_DEFICITS,
    EFI_MIN_AGE,
    ELECTIVE_STAY_DAYS,
    ELECTIVE_STAY_DISPERSION,
    EMERGENCY_STAY_AGE_KNOTS,
    EMERGENCY_STAY_DAYS,
    EMERGENCY_STAY_DISPERSION,
    EMERGENCY_STAY_END_OF_LIFE,
    EMERGENCY_STAY_PER_FRAILTY_DEFICIT,
    END_OF_LIFE_PER_DEATH_RISK,
    ETHNIC_GROUPS,
    FERTILITY_BY_AGE_BAND,
    FERTILITY_DEPRIVATION,
    FRAILTY_DISPERSION,
    FRAILTY_LOG_MEAN,
    FRAILTY_MAX_MEAN,
    MAX_DEATH_RISK,
    NON_WHITE_SPLIT,
    PERSONS_STREAM,
    UNIT_COSTS_GBP,
    persons_schema,
)
from toolkit.data.synth_tables import (
    DEPRIVATION_BY_DECILE,
    activity_rate_shape,
    activity_scales,
    annual_death_probability,
    condition_intercepts,
    condition_linear_predictor,
    decile_age_sex_shares,
    mean_one_log,
    non_white_probability,
    oldest_band_ages,
    optional_columns,
)


@dataclass(frozen=True)
class AreaLayout:
    """What the person generator needs to know about the areas."""

    cumulative_population: np.ndarray
    decile: np.ndarray
    lsoa: pa.Array
    place_codes: np.ndarray
    place_names: pa.Array
    persons: int

    @classmethod
    def from_areas(cls, areas: pd.DataFrame, population: np.ndarray | None = None) -> AreaLayout:
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


def iter_person_tables(
    layout: AreaLayout, seed: int, block_size: int, *, progress: bool
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
            stream = np.random.SeedSequence(seed, spawn_key=(PERSONS_STREAM, block))
            yield _person_block(layout, np.random.default_rng(stream), start, stop)
            bar.update(stop - start)


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


def _person_block(layout: AreaLayout, rng: np.random.Generator, start: int, stop: int) -> pa.Table:
    """Generate persons ``start`` to ``stop - 1`` (vectorised) as an Arrow table."""
    n = stop - start
    index = np.arange(start, stop)
    area = np.searchsorted(layout.cumulative_population, index, side="right")
    decile = layout.decile[area]
    deprivation = DEPRIVATION_BY_DECILE[decile - 1]

    # Age and sex, from the decile's ONS-like structure.
    shares = decile_age_sex_shares().reshape(10, -1)
    cell = _draw_from_table(rng, shares, decile - 1)
    band, male = cell // 2, cell % 2
    oldest = 90 + _draw_from_table(rng, oldest_band_ages()[None, :], np.zeros(n, np.int64))
    age = np.where(band < 18, BAND_STARTS[band] + rng.integers(0, 5, n), oldest)

    # Ethnic group (five ONS 2021 groups), more often non-White in deprived areas and young.
    non_white = non_white_probability(deprivation, age)
    ethnic_probabilities = np.column_stack(
        [1.0 - non_white, non_white[:, None] * np.asarray(NON_WHITE_SPLIT)[None, :]]
    )
    ethnic = _draw_categories(rng, ethnic_probabilities)
    asian = (ethnic == 2).astype(np.float64)
    black = (ethnic == 3).astype(np.float64)

    # Latent ill-health links conditions, frailty, deaths and activity.
    latent = rng.standard_normal(n)

    # Long-term conditions.
    intercepts = condition_intercepts()
    condition_probability = np.empty((n, len(CONDITIONS)))
    for k, name in enumerate(CONDITIONS):
        spec = CONDITION_ASSUMPTIONS[name]
        eta = intercepts[k] + condition_linear_predictor(spec, age, male, deprivation, asian, black)
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
    intercept, per_decade, by_deprivation, by_latent = FRAILTY_LOG_MEAN
    frailty_mean = np.minimum(
        np.exp(
            intercept
            + per_decade * (age - EFI_MIN_AGE) / 10.0
            + by_deprivation * deprivation
            + by_latent * latent
        ),
        FRAILTY_MAX_MEAN,
    )
    frailty_mean = np.where(older, frailty_mean, 0.0)
    other_deficits = _draw_negative_binomial(rng, frailty_mean, FRAILTY_DISPERSION)
    deficits = np.minimum(condition_deficits + other_deficits, EFI_DEFICITS)
    efi = np.where(older, deficits / EFI_DEFICITS, np.nan)

    def frailty_log(per_deficit: float) -> np.ndarray:
        # exp(b * D) over its negative binomial expectation (moment generating function).
        growth = frailty_mean * np.expm1(per_deficit) / FRAILTY_DISPERSION
        return per_deficit * other_deficits + FRAILTY_DISPERSION * np.log1p(-growth)

    def conditions_log(effects: np.ndarray) -> np.ndarray:
        # Sum over conditions of the mean_one_log terms; one log of a product per person.
        expectation = np.prod(1.0 + condition_probability * np.expm1(effects), axis=1)
        return condition_flags @ effects - np.log(expectation)

    # Deaths and the end-of-life register.
    mortality = np.array([CONDITION_ASSUMPTIONS[name].mortality for name in CONDITIONS])
    death_risk = annual_death_probability(age, male, decile) * np.exp(
        DEATH_LATENT_LOADING * latent
        - DEATH_LATENT_LOADING**2 / 2.0
        + conditions_log(mortality)
        + frailty_log(DEATH_PER_FRAILTY_DEFICIT)
    )
    death_risk = np.minimum(death_risk, MAX_DEATH_RISK)
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
    teen, adult = FERTILITY_DEPRIVATION
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
    for scale, (name, spec) in zip(activity_scales(), ACTIVITY_ASSUMPTIONS.items(), strict=True):
        log_rate = (
            np.log(scale * activity_rate_shape(spec, age, male))
            + spec.deprivation * deprivation
            + spec.latent * latent
            - spec.latent**2 / 2.0
            + conditions_log(spec.condition_sensitivity * severity)
            + np.where(older, frailty_log(spec.per_frailty_deficit), 0.0)
            + mean_one_log(end_of_life, end_of_life_probability, spec.end_of_life)
            + mean_one_log(died, died_probability, spec.died)
            + mean_one_log(pregnant, pregnancy_probability, spec.pregnant)
        )
        counts[name] = _draw_negative_binomial(rng, np.exp(log_rate), spec.dispersion)

    # Bed days: emergency stays (longer when old, frail or dying) and elective stays.
    stay = np.interp(age, EMERGENCY_STAY_AGE_KNOTS, EMERGENCY_STAY_DAYS) * np.exp(
        EMERGENCY_STAY_PER_FRAILTY_DEFICIT * other_deficits
        + EMERGENCY_STAY_END_OF_LIFE * end_of_life
    )
    emergency_days = _draw_negative_binomial(
        rng, counts["emergency_admissions"] * stay, EMERGENCY_STAY_DISPERSION
    )
    elective_days = _draw_negative_binomial(
        rng, counts["elective_admissions"] * ELECTIVE_STAY_DAYS, ELECTIVE_STAY_DISPERSION
    )
    counts["bed_days"] = emergency_days + elective_days

    # Cost: unit costs with gamma variation per event (a sum of n gammas is a gamma).
    def event_costs(events: np.ndarray, unit: str) -> np.ndarray:
        shape = COST_SHAPE[unit]
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
    optional = optional_columns(
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
    return pa.table(columns, schema=persons_schema())
