"""What the toolkit's results that hold one main table have in common.

A result such as :class:`toolkit.segment.CohortCube` or
:class:`toolkit.prioritise.ThemeCandidates` keeps its main table as ``table`` beside other
facts; :class:`TableResult` gives it ``to_frame()`` (a copy of that table, so that editing
the copy never changes the result) and ``len()`` (its rows).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["TableResult"]


class TableResult:
    """Mixin for a (frozen dataclass) result whose main table is its ``table`` field."""

    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Return a copy of the result's main table (``table``).

        Returns
        -------
        pandas.DataFrame
            A new frame; changing it leaves the result unchanged.
        """
        return self.table.copy()

    def __len__(self) -> int:
        """Return the number of rows of the main table."""
        return len(self.table)
