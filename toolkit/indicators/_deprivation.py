"""The rows of a cube (segment or cohort) by deprivation, shared by the inequality summaries.

The constraints of the cube's columns and options, and the first step of every
deprivation function: rows without a quantile left out and reported in an
:class:`ExcludedRowsWarning`, deciles made quintiles if asked, and the counts and age
bands of the remaining rows checked in the name of the public caller. Used by
:mod:`toolkit.indicators.inequality`, :mod:`toolkit.indicators._excess` and
:mod:`toolkit.indicators.profile`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from toolkit._params import StrOptions, warn
from toolkit.indicators import _frames as v
from toolkit.indicators._age_bands import band_positions, resolve_standard

#: Output column of the quintile derived from the decile, ceil(decile / 2).
QUINTILE_COLUMN = "imd_quintile"

Reference = Literal["least_deprived", "best_two"]
#: Constraints of the cube's columns and options, shared by the deprivation functions.
CUBE = {
    "data": ["data-frame"],
    "events": ["column"],
    "population": ["column"],
    "quantile": ["column"],
    "by": ["columns", None],
}
STANDARD = {"age_band": ["column"], "standard_population": ["mapping", "series", None]}
#: The ``reference`` option, shared with :func:`toolkit.indicators.deprivation_profile`.
REFERENCES = [StrOptions({"least_deprived", "best_two"})]


class ExcludedRowsWarning(UserWarning):
    """Rows were left out of a summary (e.g. no IMD decile); the message counts them."""


def deprivation_frame(
    cube: pd.DataFrame,
    *,
    func: str,
    quantile: str,
    quintiles: bool,
    by: list[str],
    measures: Mapping[str, str],
    carried: Sequence[str] = (),
    stacklevel: int = 2,
) -> tuple[pd.DataFrame, str, dict[str, float]]:
    """Check the cube, drop (and report) rows without a quantile, add quintiles if asked.

    ``measures`` (parameter name to numeric column) are totalled over the excluded rows
    for the warning; ``carried`` columns are kept as they are. ``stacklevel`` counts from
    the caller, as in :func:`warnings.warn` (2: the caller's caller). Returns the working
    frame, the name of its quantile column and the exclusion counts.
    """
    ranks = v.numeric_column(cube, quantile, "quantile", func)
    missing = np.isnan(ranks)
    excluded = {"rows": int(missing.sum())}
    for param, column in measures.items():
        excluded[param] = float(np.nansum(v.numeric_column(cube, column, param, func)[missing]))
    if missing.any():
        detail = ", ".join(
            f"{excluded[param]:,.0f} in {column!r}" for param, column in measures.items()
        )
        rows = "1 row" if excluded["rows"] == 1 else f"{excluded['rows']:,} rows"
        warn(
            f"{func} left out {rows} with no {quantile!r} ({detail}).",
            ExcludedRowsWarning,
            stacklevel=stacklevel + 1,
        )
    if quintiles:
        v.refuse_rows(
            ~missing & ~(np.isin(ranks, np.arange(1, 11))),
            f"The 'quantile' column {quantile!r} of {func} must hold IMD deciles 1 to 10 "
            f"to make quintiles; it does not in {{rows}}.",
            column=quantile,
        )
    else:
        v.refuse_rows(
            ~missing & ((ranks < 1) | (ranks != np.round(ranks))),
            f"The 'quantile' column {quantile!r} of {func} must hold whole numbers from 1 "
            f"(most deprived); it does not in {{rows}}.",
            column=quantile,
        )
    columns = list(dict.fromkeys([*by, quantile, *measures.values(), *carried]))
    frame = cube.loc[~missing, columns]
    if quintiles:
        quintile = np.ceil(ranks[~missing] / 2).astype("int64")
        frame = frame.assign(**{QUINTILE_COLUMN: quintile})
        return frame, QUINTILE_COLUMN, excluded
    return frame.assign(**{quantile: ranks[~missing].astype("int64")}), quantile, excluded


@dataclass(frozen=True)
class DeprivationRows:
    """The rows of a cube that have a quantile, with their validated counts.

    Attributes
    ----------
    frame : pandas.DataFrame
        The ``by`` columns, the quantile, the measures and the age band of those rows.
    quantile : str
        The quantile column of ``frame`` (``"imd_quintile"`` when quintiles were made).
    excluded : dict of str to float
        Rows left out for want of a quantile, and their total of each measure.
    counts, populations : numpy.ndarray
        Events and population of each row of ``frame`` (missing values as 0).
    bands : numpy.ndarray or None
        Position of each row's age band in the standard; ``None`` without an age band.
    """

    frame: pd.DataFrame
    quantile: str
    excluded: dict[str, float]
    counts: np.ndarray
    populations: np.ndarray
    bands: np.ndarray | None


def deprivation_rows(
    cube: pd.DataFrame,
    *,
    func: str,
    events: str,
    population: str,
    quantile: str,
    quintiles: bool,
    by: list[str],
    cost: str | None = None,
    age_band: str | None = None,
    standard_population: Mapping[str, float] | pd.Series | None = None,
    stacklevel: int = 2,
) -> DeprivationRows:
    """Rows with a quantile (the others reported), their counts and age bands, checked.

    Checks in the name of the public caller ``func``, in this order: the quantile, the
    counts and populations, then the age bands against ``standard_population``.
    ``stacklevel`` counts from the caller, as in :func:`warnings.warn`.
    """
    measures = {"events": events, "population": population}
    if cost is not None:
        measures["cost"] = cost
    frame, quantile_column, excluded = deprivation_frame(
        cube,
        func=func,
        quantile=quantile,
        quintiles=quintiles,
        by=by,
        measures=measures,
        carried=[] if age_band is None else [age_band],
        stacklevel=stacklevel + 1,
    )
    # The frame leaves out rows without a quantile: name the rows as the user's table has them.
    kept = np.flatnonzero(~np.isnan(v.numeric_column(cube, quantile, "quantile", func)))
    counts, populations = v.counts_and_populations(
        frame,
        count=events,
        population=population,
        func=func,
        positions=kept,
    )
    bands = None
    if age_band is not None:
        _, _, lookup = resolve_standard(standard_population, func)
        bands = band_positions(
            frame,
            age_band,
            lookup,
            func=func,
            expected="ESP2013 band labels ('0-4', ..., '90+') or the bands of standard_population",
            rows=kept,
        )
    return DeprivationRows(frame, quantile_column, excluded, counts, populations, bands)
