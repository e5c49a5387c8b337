"""A small demo system and its evidence, built once for the report tests."""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pytest

from toolkit.report.config import DEFAULT_ADMISSION_COST_GBP

SMALL_PERSONS = 20_000
SEED = 20261122


@pytest.fixture(scope="session")
def evidence():
    from toolkit.indicators import deprivation_profile, directly_standardised_rate
    from toolkit.prioritise import prioritise_persons
    from toolkit.report import demo_config, load_inputs
    from toolkit.segment import build_cube, load_rules

    config = demo_config(persons=SMALL_PERSONS, seed=SEED, shortlist_size=4)
    inputs = load_inputs(config)
    model = load_rules("bridges_to_health")
    cube = build_cube(inputs.persons, model=model)
    profile = deprivation_profile(
        cube,
        events="emergency_admissions",
        unit_cost=DEFAULT_ADMISSION_COST_GBP,
        seed=SEED,
        reps=2_000,
    )
    system_rate = directly_standardised_rate(
        cube, events="emergency_admissions", population="persons", age_band="age_band"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        priorities = prioritise_persons(inputs.persons, model=model, size=4, seed=SEED, draws=2_000)
    return SimpleNamespace(
        config=config,
        inputs=inputs,
        model=model,
        cube=cube,
        profile=profile,
        system_rate=system_rate,
        priorities=priorities,
    )
