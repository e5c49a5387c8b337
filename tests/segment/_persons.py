"""Hand-made persons for the segmentation tests (random, varied, meeting the contract)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.data.contract import ACTIVITY_COLUMNS, CAUSES_OF_DEATH, CONDITIONS


def random_persons(n: int, seed: int = 0, *, missing_decile_share: float = 0.05) -> pd.DataFrame:
    """Random persons meeting the data contract (not realistic, just varied)."""
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 106, size=n)
    frame = {
        "person_id": pd.array([f"P{i:08d}" for i in range(n)], dtype="str"),
        "age": age.astype("int64"),
        "sex": pd.array(rng.choice(["F", "M"], size=n), dtype="str"),
        "imd_decile": pd.array(rng.integers(1, 11, size=n), dtype="Int64"),
        "place": pd.array(rng.choice(["North", "South", "East"], size=n), dtype="str"),
    }
    missing = rng.random(n) < missing_decile_share
    frame["imd_decile"][missing] = pd.NA
    risk = age / 105.0
    for condition in CONDITIONS:
        frame[condition] = rng.random(n) < 0.02 + 0.25 * risk
    efi = np.round(rng.beta(2, 8, size=n), 3)
    frame["efi"] = np.where(age >= 65, efi, np.nan)
    frame["end_of_life"] = rng.random(n) < 0.01 + 0.05 * risk**3
    frame["pregnant"] = (
        np.asarray(frame["sex"] == "F") & (age >= 16) & (age <= 45) & (rng.random(n) < 0.06)
    )
    died = rng.random(n) < 0.005 + 0.08 * risk**4
    frame["died"] = died
    frame["cause_of_death"] = pd.array(
        np.where(died, rng.choice(CAUSES_OF_DEATH, size=n), None), dtype="str"
    )
    for activity in ACTIVITY_COLUMNS:
        frame[activity] = rng.poisson(0.3 + 3 * risk**2, size=n).astype("int64")
    # Costs in quarter pounds: exactly representable, so sums are exact in any order.
    frame["cost_gbp"] = np.round(rng.gamma(1.5, 400 * (0.2 + risk), size=n) * 4) / 4
    return pd.DataFrame(frame)
