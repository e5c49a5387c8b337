"""Write a report's persons and areas to CSV files, and the configuration that reads them.

Shared by the tests that change a demo system's files before building a report from them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from toolkit.report import ReportConfig


def write_config(
    folder: Path, people: pd.DataFrame, areas: pd.DataFrame, *, seed: int, **options: Any
) -> ReportConfig:
    """Write ``people`` and ``areas`` to ``folder`` and return a configuration reading them.

    ``options`` are further keys of the configuration (``system_places``, say).
    """
    folder.mkdir(parents=True, exist_ok=True)
    people.to_csv(folder / "persons.csv", index=False)
    areas.to_csv(folder / "areas.csv", index=False)
    return ReportConfig(
        system_name="Test system",
        persons=str(folder / "persons.csv"),
        areas=str(folder / "areas.csv"),
        seed=seed,
        shortlist_size=3,
        **options,
    )
