"""Shared test data for the indicator tests: the published reference cases and small frames.

The reference cases live beside the repository in ``../shared/reference`` (in CI too); the
tests that use them are skipped, with the reason, when that folder is absent.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toolkit.data.contract import ESP2013_BANDS, ESP2013_WEIGHTS

REFERENCE_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
REFERENCE_FILE = REFERENCE_DIR / "indicator_reference_cases.py"
SKIP_REASON = f"the shared reference cases are absent ({REFERENCE_FILE.resolve()} not found)"


def _load_reference():
    if not REFERENCE_FILE.exists():
        return None
    spec = importlib.util.spec_from_file_location("indicator_reference_cases", REFERENCE_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = _load_reference()


def reference_cases(name: str, ids: str | None = None) -> list:
    """Parameters for ``pytest.mark.parametrize``: the named cases, or one skipped param."""
    if REFERENCE is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=SKIP_REASON))]
    cases = getattr(REFERENCE, name)
    if not isinstance(cases, list):
        cases = [cases]
    return [
        pytest.param(case, id=str(case.get(ids)) if ids else f"{name}[{i}]")
        for i, case in enumerate(cases)
    ]


LIFE_TABLE_BANDS = ["0", "1-4"] + list(ESP2013_BANDS[1:])
#: Deaths and population of a made-up district, 20 life-table bands (hand-made test data).
LE_DEATHS = [
    17,
    9,
    4,
    8,
    20,
    15,
    24,
    33,
    50,
    71,
    100,
    163,
    263,
    304,
    536,
    872,
    1390,
    1605,
    1936,
    1937,
]
LE_POPULATION = [
    7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601,
    50209, 56416, 46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936,
]  # fmt: skip


def esp_frame(areas: int = 2, seed: int = 0) -> pd.DataFrame:
    """Events and population in the 19 ESP2013 bands for a few areas."""
    rng = np.random.default_rng(seed)
    rows = []
    for area in range(areas):
        for i, band in enumerate(ESP2013_BANDS):
            population = int(rng.integers(300, 900))
            rows.append(
                {
                    "area": f"A{area}",
                    "age_band": band,
                    "population": population,
                    "events": int(rng.poisson(population * 0.004 * (1 + i / 4))),
                }
            )
    frame = pd.DataFrame(rows)
    frame.index = frame.index + 100  # distinctive row labels for error messages
    return frame


def life_table_frame(areas: int = 2, seed: int = 0) -> pd.DataFrame:
    """Deaths and population in the 20 life-table bands for a few areas."""
    rng = np.random.default_rng(seed)
    rows = []
    for area in range(areas):
        scale = 1 + 0.1 * area
        for band, deaths, population in zip(
            LIFE_TABLE_BANDS, LE_DEATHS, LE_POPULATION, strict=True
        ):
            rows.append(
                {
                    "area": f"A{area}",
                    "age_band": band,
                    "population": population,
                    "deaths": int(rng.poisson(deaths * scale)) + 1,
                }
            )
    frame = pd.DataFrame(rows)
    frame.index = frame.index + 100
    return frame


def make_cube(places: int = 2, seed: int = 0, gradient: float = 0.08) -> pd.DataFrame:
    """A small tidy segment cube (one segment, "all"): place × IMD decile × ESP2013 band × sex."""
    rng = np.random.default_rng(seed)
    rows = []
    for place in range(places):
        for decile in range(1, 11):
            for i, band in enumerate(ESP2013_BANDS):
                for sex in ("F", "M"):
                    persons = int(rng.integers(150, 600))
                    rate = 0.01 * (1 + i / 3) * (1 + (10 - decile) * gradient)
                    admissions = int(rng.poisson(persons * rate))
                    rows.append(
                        {
                            "segment": "all",
                            "age_band": band,
                            "sex": sex,
                            "imd_decile": decile,
                            "place": f"P{place}",
                            "persons": persons,
                            "deaths": int(rng.poisson(persons * 0.001 * (1 + i))),
                            "emergency_admissions": admissions,
                            "cost_gbp": float(admissions * 1500 + persons * 50),
                        }
                    )
    frame = pd.DataFrame(rows)
    frame.index = frame.index + 100
    return frame


def deaths_by_cause_frame(seed: int = 0) -> pd.DataFrame:
    """Deaths by IMD decile, life-table band and three causes, population repeated per cause."""
    rng = np.random.default_rng(seed)
    causes = {"circulatory": 0.4, "cancer": 0.35, "other": 0.25}
    rows = []
    for sex in ("F", "M"):
        for decile in range(1, 11):
            excess = 1 + (10 - decile) * 0.06 + (0.1 if sex == "M" else 0)
            for band, deaths, population in zip(
                LIFE_TABLE_BANDS, LE_DEATHS, LE_POPULATION, strict=True
            ):
                pop = population // 5
                for cause, share in causes.items():
                    mean = deaths / 5 * share * excess * (1.3 if cause == "circulatory" else 1)
                    rows.append(
                        {
                            "sex": sex,
                            "imd_decile": decile,
                            "age_band": band,
                            "cause": cause,
                            "population": pop,
                            "deaths": int(rng.poisson(mean)) + (1 if band == "90+" else 0),
                        }
                    )
    frame = pd.DataFrame(rows)
    frame.index = frame.index + 100
    return frame


def esp_weights() -> np.ndarray:
    return np.asarray(ESP2013_WEIGHTS, dtype=float)
