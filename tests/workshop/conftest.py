"""A small hand-made workshop for the workshop tests: 12 candidates on 4 criteria."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.prioritise import Criterion
from toolkit.workshop import load_workshop, prepare_workshop

CRITERIA = [
    Criterion("burden", "benefit", "min_max", 1.0, "Events a year in the cohort.", "burden"),
    Criterion("inequality", "benefit", "min_max", 1.0, "Gap between deprived areas.", "gap"),
    Criterion("cost", "benefit", "z", 1.0, "Cost of care per head.", "cost per head"),
    Criterion("feasibility", "benefit", "rank", 1.0, "How easy it is to act.", "ease of acting"),
]
NAMES = [criterion.name for criterion in CRITERIA]


def make_candidates(count: int = 12, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "candidate": [f"c{i:02d}" for i in range(count)],
            "label": [f"Candidate {chr(65 + i)}" for i in range(count)],
            "burden": rng.random(count) * 100,
            "inequality": rng.random(count),
            "cost": rng.random(count) * 1_000,
            "feasibility": rng.integers(1, 6, count).astype(float),
        }
    )


@pytest.fixture
def candidates() -> pd.DataFrame:
    return make_candidates()


@pytest.fixture
def workshop_config(tmp_path: Path, candidates: pd.DataFrame) -> Path:
    return prepare_workshop(
        candidates,
        out_dir=tmp_path / "workshop",
        name="Test workshop",
        criteria=CRITERIA,
        shortlist_size=3,
        dots=2,
    )


@pytest.fixture
def workshop(workshop_config: Path):
    return load_workshop(workshop_config)


@pytest.fixture
def cohort_workshop(tmp_path: Path):
    """Twelve candidates in four segments (cohorts) of three outcomes each."""
    table = make_candidates(seed=5)
    table.insert(2, "segment", [f"s{i % 4}" for i in range(len(table))])
    config = prepare_workshop(
        table, out_dir=tmp_path / "cohorts", criteria=CRITERIA, shortlist_size=3, dots=0
    )
    return table, load_workshop(config)


@pytest.fixture
def quick(workshop):
    """The test workshop with no wait between a table's submissions."""
    return dataclasses.replace(workshop, min_interval=0)


def participant(workshop, table: str | None = None, **moves: int):
    """A table's page with its table chosen and sliders moved (no pause after submitting)."""
    from toolkit.workshop import ParticipantApp

    app = ParticipantApp(workshop, submit_pause=0)
    if table is not None:
        app.table_picker.value = table
    for name, value in moves.items():
        app.sliders[name].value = value
    return app
