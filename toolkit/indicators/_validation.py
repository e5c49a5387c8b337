"""Shared checks, error wording and grouping for the indicator functions.

Every public function in :mod:`toolkit.indicators` validates its options and its data
here, so that errors read the same everywhere: scikit-learn's wording for options
(``TypeError`` for a wrong type, ``ValueError`` for a wrong value) and, for data, the
parameter, the column and the first few rows at fault.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: How many offending row labels an error message lists before summarising the rest.
_ROWS_SHOWN = 5


def rows_text(labels: Sequence[Hashable] | pd.Index) -> str:
    """Describe offending rows for an error message, e.g. ``"2 rows (3, 7)"``.

    Parameters
    ----------
    labels : sequence of hashable
        Index labels of the rows at fault.

    Returns
    -------
    str
        The count and the first few labels.
    """
    labels = list(labels)
    shown = ", ".join(
        repr(label) if isinstance(label, str) else str(label) for label in labels[:_ROWS_SHOWN]
    )
    more = f" and {len(labels) - _ROWS_SHOWN} more" if len(labels) > _ROWS_SHOWN else ""
    noun = "row" if len(labels) == 1 else "rows"
    return f"{len(labels)} {noun} ({shown}{more})"


def check_frame(data: Any, func: str) -> pd.DataFrame:
    """Return ``data`` if it is a DataFrame, else raise ``TypeError``."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"The 'data' parameter of {func} must be a pandas DataFrame. "
            f"Got {type(data).__name__} instead."
        )
    return data


def check_column(data: pd.DataFrame, name: Any, param: str, func: str) -> str:
    """Check that the option ``param`` names a column of ``data``; return the name."""
    if not isinstance(name, str):
        raise TypeError(
            f"The '{param}' parameter of {func} must be a column name (str). Got {name!r} instead."
        )
    if name not in data.columns:
        raise ValueError(
            f"The '{param}' parameter of {func} names the column {name!r}, which is not in "
            f"the data. Columns: {', '.join(map(str, data.columns))}."
        )
    return name


def check_optional_column(data: pd.DataFrame, name: Any, param: str, func: str) -> str | None:
    """Like :func:`check_column` but ``None`` is allowed."""
    if name is None:
        return None
    return check_column(data, name, param, func)


def normalise_by(data: pd.DataFrame, by: Any, func: str) -> list[str]:
    """Return the ``by`` option as a list of existing column names."""
    if by is None:
        return []
    names = [by] if isinstance(by, str) else by
    if not isinstance(names, Sequence) or isinstance(names, bytes):
        raise TypeError(
            f"The 'by' parameter of {func} must be a column name, a list of column names "
            f"or None. Got {by!r} instead."
        )
    names = list(names)
    for name in names:
        check_column(data, name, "by", func)
    if len(set(names)) != len(names):
        raise ValueError(f"The 'by' parameter of {func} repeats a column. Got {by!r} instead.")
    return names


def check_no_clash(names: Sequence[str], reserved: Sequence[str], func: str) -> None:
    """Refuse ``by`` columns whose names the output needs for its own columns."""
    clash = sorted(set(names) & set(reserved))
    if clash:
        raise ValueError(
            f"The 'by' parameter of {func} names column(s) {clash}, which the output uses "
            "for its own results. Rename them first."
        )


def check_new_columns(data: pd.DataFrame, names: Sequence[str], func: str) -> None:
    """Refuse to overwrite existing columns when adding results to a copy of the input."""
    clash = [name for name in names if name in data.columns]
    if clash:
        raise ValueError(
            f"{func} adds the column(s) {clash}, which the data already has. Rename or drop "
            "them first; existing columns are never overwritten."
        )


def check_real(
    value: Any,
    param: str,
    func: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = True,
    high_open: bool = True,
    description: str = "a float",
) -> float:
    """Check a real-valued option against an interval; return it as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"The '{param}' parameter of {func} must be {description}. Got {value!r} instead."
        )
    original, value = value, float(value)
    bad = not math.isfinite(value)
    if low is not None:
        bad = bad or (value <= low if low_open else value < low)
    if high is not None:
        bad = bad or (value >= high if high_open else value > high)
    if bad:
        raise ValueError(
            f"The '{param}' parameter of {func} must be {description}. Got {original!r} instead."
        )
    return value


def check_int(value: Any, param: str, func: str, *, minimum: int, description: str) -> int:
    """Check an integer option with a lower bound; return it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"The '{param}' parameter of {func} must be {description}. Got {value!r} instead."
        )
    if value < minimum:
        raise ValueError(
            f"The '{param}' parameter of {func} must be {description}. Got {value!r} instead."
        )
    return int(value)


def check_bool(value: Any, param: str, func: str) -> bool:
    """Check a boolean option; return it."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"The '{param}' parameter of {func} must be a bool. Got {value!r} instead.")
    return bool(value)


def check_choice(value: Any, param: str, func: str, options: Mapping[str, Any]) -> Any:
    """Look a ``Literal`` option up in its table of named choices."""
    if not isinstance(value, str):
        raise TypeError(
            f"The '{param}' parameter of {func} must be one of {sorted(options)} (str). "
            f"Got {value!r} instead."
        )
    if value not in options:
        raise ValueError(
            f"The '{param}' parameter of {func} must be one of {sorted(options)}. "
            f"Got {value!r} instead."
        )
    return options[value]


def parse_confidence(confidence: Any, func: str) -> tuple[float, ...]:
    """Return the confidence level(s) as a tuple of floats in (0, 1).

    A single float or a sequence of distinct floats (e.g. ``(0.95, 0.998)``) is accepted.
    Percentages such as 95 are refused so that 95 and 0.95 can never be confused.
    """
    description = "a float in (0, 1) or a sequence of such floats, e.g. (0.95, 0.998)"
    if isinstance(confidence, Sequence) and not isinstance(confidence, str):
        if len(confidence) == 0:
            raise ValueError(
                f"The 'confidence' parameter of {func} must be {description}. "
                f"Got {confidence!r} instead."
            )
        levels = tuple(
            check_real(c, "confidence", func, low=0.0, high=1.0, description=description)
            for c in confidence
        )
    else:
        levels = (
            check_real(
                confidence,
                "confidence",
                func,
                low=0.0,
                high=1.0,
                description="a float in (0, 1)",
            ),
        )
    labels = [confidence_label(c) for c in levels]
    if len(set(labels)) != len(labels):
        raise ValueError(
            f"The 'confidence' parameter of {func} repeats a level. Got {confidence!r} instead."
        )
    return levels


def confidence_label(level: float) -> str:
    """Column suffix for a confidence level: 0.95 -> ``"95"``, 0.998 -> ``"99_8"``."""
    percent = round(level * 100, 8)
    return f"{percent:g}".replace(".", "_")


def confidence_text(levels: Sequence[float]) -> str:
    """Human-readable confidence levels for the ``confidence`` output column."""
    return ", ".join(f"{round(level * 100, 8):g}%" for level in levels)


def numeric_column(data: pd.DataFrame, column: str, param: str, func: str) -> np.ndarray:
    """Return a column as float64 (missing values as NaN), refusing non-numeric data."""
    series = data[column]
    if not (pd.api.types.is_numeric_dtype(series) or series.isna().all()):
        raise TypeError(
            f"The '{param}' column {column!r} of {func} must be numeric. "
            f"Got dtype {series.dtype} instead."
        )
    return series.to_numpy(dtype="float64", na_value=np.nan)


def check_not_negative(
    values: np.ndarray, data: pd.DataFrame, column: str, param: str, func: str
) -> None:
    """Refuse negative (or infinite) counts, naming the rows."""
    bad = ~np.isnan(values) & ((values < 0) | ~np.isfinite(values))
    if bad.any():
        raise ValueError(
            f"The '{param}' column {column!r} of {func} has negative or infinite values in "
            f"{rows_text(data.index[bad])}. Counts and populations must be zero or more."
        )


def count_column(data: pd.DataFrame, column: str, param: str, func: str) -> np.ndarray:
    """Return a non-negative count column as float64; missing values stay NaN."""
    values = numeric_column(data, column, param, func)
    check_not_negative(values, data, column, param, func)
    return values


def check_population_for_events(
    events: np.ndarray,
    population: np.ndarray,
    data: pd.DataFrame,
    *,
    events_column: str,
    population_column: str,
    population_param: str,
    func: str,
) -> None:
    """Refuse rows with events but a zero or missing population."""
    bad = (np.nan_to_num(events) > 0) & ~(population > 0)
    if bad.any():
        raise ValueError(
            f"The '{population_param}' column {population_column!r} of {func} is zero or "
            f"missing where {events_column!r} has events, in {rows_text(data.index[bad])}. "
            "Every event needs a population at risk."
        )


@dataclass(frozen=True)
class Groups:
    """Row-to-group codes for the ``by`` columns.

    Attributes
    ----------
    codes : numpy.ndarray
        Group number of each row, ``0 .. count - 1`` in sorted key order.
    keys : pandas.DataFrame
        One row per group holding the ``by`` columns (original dtypes), in code order.
    count : int
        Number of groups.
    """

    codes: np.ndarray
    keys: pd.DataFrame
    count: int


def group_rows(data: pd.DataFrame, by: list[str]) -> Groups:
    """Give each row the number of its ``by`` group (missing keys form groups too)."""
    if not by:
        return Groups(np.zeros(len(data), dtype=np.intp), pd.DataFrame(index=range(1)), 1)
    codes = data.groupby(by, sort=True, dropna=False, observed=True).ngroup().to_numpy()
    codes = codes.astype(np.intp, copy=False)
    _, first = np.unique(codes, return_index=True)
    count = len(first)
    keys = data[by].iloc[first].reset_index(drop=True)
    return Groups(codes, keys, count)


def group_label(keys: pd.DataFrame, code: int) -> str:
    """Describe one group for an error message, e.g. ``"place='North'"``."""
    if keys.shape[1] == 0:
        return "the data"
    row = keys.iloc[code]
    values = {name: row[name].item() if hasattr(row[name], "item") else row[name] for name in keys}
    return ", ".join(f"{name}={value!r}" for name, value in values.items())
