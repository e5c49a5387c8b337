"""Hand-made rows of the report's linked tables (segment, decile, place), for the tests."""

from __future__ import annotations

import pandas as pd

#: The columns of the rows :func:`toolkit.report.linked.link_report` links.
ATOM_COLUMNS = [
    "segment",
    "imd_decile",
    "place",
    "join",
    "persons",
    "emergency_admissions",
    "deaths",
]


def atoms(rows: list[tuple]) -> pd.DataFrame:
    """Return ``rows`` (one tuple per segment, decile and place) as the linked tables' input."""
    return pd.DataFrame(rows, columns=ATOM_COLUMNS)
