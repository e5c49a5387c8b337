"""A report configuration whose system places include Eastbrook, where no one is registered.

Shared by the tests of the build's warning and of the place table (issue 14).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.data import make_demo_system
from toolkit.report import ReportConfig

SEED = 20261122


def eastbrook_config(folder: Path) -> tuple[ReportConfig, pd.DataFrame]:
    """Write persons and areas (two Eastbrook areas without people) to ``folder``.

    Returns the configuration and the demo system's own areas (without Eastbrook's).
    """
    system = make_demo_system(persons=2_000, seed=SEED)
    people = system.persons.drop(columns=["imd_decile", "place"], errors="ignore")
    areas = system.areas.drop(columns="geometry", errors="ignore").copy()
    extra = areas.iloc[:2].copy()
    extra["lsoa"] = ["E01099901", "E01099902"]
    extra["place"] = "Eastbrook"
    people.to_csv(folder / "persons.csv", index=False)
    pd.concat([areas, extra], ignore_index=True).to_csv(folder / "areas.csv", index=False)
    config = ReportConfig(
        system_name="Test system",
        persons=str(folder / "persons.csv"),
        areas=str(folder / "areas.csv"),
        seed=SEED,
        shortlist_size=3,
        system_places=[*sorted(areas["place"].unique()), "Eastbrook"],
    )
    return config, areas
