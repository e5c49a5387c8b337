"""Hand-made candidate tables for the prioritisation tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.prioritise import Criterion


def random_candidates(count: int = 12, criteria: int = 4, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(rng.random((count, criteria)), columns=[f"c{j}" for j in range(criteria)])
    table.insert(0, "candidate", [f"k{i:02d}" for i in range(count)])
    table.insert(1, "label", [f"Candidate {i}" for i in range(count)])
    return table


def plain_criteria(criteria: int = 4, normalisation: str = "min_max") -> list[Criterion]:
    return [
        Criterion(f"c{j}", "benefit", normalisation, 1.0, f"criterion {j}") for j in range(criteria)
    ]


@pytest.fixture
def burden_table() -> pd.DataFrame:
    """Six candidates on three criteria, answers worked out by hand below."""
    return pd.DataFrame(
        {
            "candidate": ["a", "b", "c", "d", "e", "f"],
            "label": ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"],
            # burden: min 0, max 100 -> normalised 0, .2, .4, .6, .8, 1
            "burden": [100.0, 80.0, 60.0, 40.0, 20.0, 0.0],
            # excess: normalised 0, .5, 1, .25, .75, 0
            "excess": [0.0, 2.0, 4.0, 1.0, 3.0, 0.0],
            # difficulty (a cost): lower is better; normalised 1 - (x - 1) / 4
            "difficulty": [5.0, 1.0, 3.0, 2.0, 4.0, 1.0],
        }
    )


@pytest.fixture
def burden_criteria() -> list[Criterion]:
    return [
        Criterion("burden", "benefit", "min_max", 2.0, "Events a year.", "events a year"),
        Criterion("excess", "benefit", "min_max", 1.0, "Excess events.", "excess events"),
        Criterion("difficulty", "cost", "min_max", 1.0, "How hard to act.", "ease of acting"),
    ]
