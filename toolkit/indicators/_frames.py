"""Data checks, confidence levels and grouping shared by the indicator functions.

The arguments of every public function in :mod:`toolkit.indicators` are checked by the
constraints it declares (:func:`toolkit._params.validate_params`); this module holds what
needs the data: the ``by`` columns, numeric and count columns (negative counts, events
without a population, naming the rows), the limit columns of each confidence level and the
rows of each group.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from toolkit._params import check_columns_exist, rows_text, warn
from toolkit.data.problems import (
    FIRST_DATA_ROW,
    MAX_EXAMPLES,
    ROWS_NUMBERED,
    Problem,
    failures_table,
)
from toolkit.errors import DataContractError

__all__ = [
    "Groups",
    "MissingCountWarning",
    "by_columns",
    "check_events_within",
    "check_no_clash",
    "check_not_negative",
    "check_population_for_events",
    "confidence_label",
    "confidence_levels",
    "confidence_text",
    "count_column",
    "counts_and_populations",
    "events_and_populations",
    "group_label",
    "group_rows",
    "limit_columns",
    "numeric_column",
    "raise_rows_error",
    "refuse_rows",
    "result_frame",
    "rows_text",
    "scaled_limits",
    "value_repeated_per_cell",
    "warn_blank_counts",
]


class MissingCountWarning(UserWarning):
    """A count or population was missing; the message counts the rows or groups.

    A group with a missing count gets NaN (crude rates and proportions, as
    PHEindicatormethods), or the missing count counts as 0 (the standardised statistics,
    life tables and deprivation profiles, as PHEindicatormethods' ``phe_dsr``).
    """


def by_columns(data: pd.DataFrame, by: str | Sequence[str] | None, func: str) -> list[str]:
    """Return the ``by`` option as a list of column names, each one of ``data``'s.

    Its type and that its names differ are declared constraints (``"columns"``); this
    checks the names against the data.
    """
    if by is None:
        return []
    names = [by] if isinstance(by, str) else list(by)
    check_columns_exist(data, {"by": names}, func)
    return names


def confidence_levels(confidence: float | Sequence[float] | None) -> tuple[float, ...]:
    """Return the confidence level(s) as a tuple of floats (none for ``None``).

    The levels are checked by the declared constraint :data:`toolkit._params.CONFIDENCE`.
    """
    if confidence is None:
        return ()
    if isinstance(confidence, Sequence | np.ndarray):
        return tuple(float(level) for level in confidence)
    return (float(confidence),)


def check_no_clash(names: Sequence[str], reserved: Sequence[str], func: str) -> None:
    """Refuse ``by`` columns whose names the output needs for its own columns."""
    clash = sorted(set(names) & set(reserved))
    if clash:
        raise ValueError(
            f"The 'by' parameter of {func} names column(s) {clash}, which the output uses "
            "for its own results. Rename them first."
        )


def confidence_label(level: float) -> str:
    """Column suffix for a confidence level: 0.95 -> ``"95"``, 0.998 -> ``"99_8"``."""
    percent = round(level * 100, 8)
    return f"{percent:g}".replace(".", "_")


def limit_columns(levels: Sequence[float]) -> list[str]:
    """Names of the limit columns, ``lower_95``, ``upper_95``, ``lower_99_8``, ... in order."""
    names = []
    for level in levels:
        label = confidence_label(level)
        names += [f"lower_{label}", f"upper_{label}"]
    return names


def scaled_limits(
    levels: Sequence[float],
    interval: Callable[[float], tuple[np.ndarray, np.ndarray]],
    scale: float | np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Limit columns at every confidence level, each times ``scale``.

    Parameters
    ----------
    levels : sequence of float
        Confidence levels, from :func:`parse_confidence`.
    interval : callable
        Takes a level and returns the lower and upper limits (arrays).
    scale : float or numpy.ndarray, optional
        Multiplies both limits (a multiplier, or a multiplier over a denominator);
        ``None`` leaves them as they are.

    Returns
    -------
    dict of str to numpy.ndarray
        ``lower_<level>`` and ``upper_<level>`` for each level, in order.
    """
    columns = {}
    for level in levels:
        lower, upper = interval(level)
        label = confidence_label(level)
        columns[f"lower_{label}"] = lower if scale is None else lower * scale
        columns[f"upper_{label}"] = upper if scale is None else upper * scale
    return columns


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


def refuse_rows(
    bad: np.ndarray,
    message: str,
    *,
    column: str | None = None,
    check: str = "rows",
    positions: np.ndarray | None = None,
) -> None:
    """Refuse the rows at fault with a :class:`~toolkit.errors.DataContractError`.

    The one check behind every "... in 2 rows (6, 9)." refusal of :mod:`toolkit.indicators`:
    nothing happens unless a row is bad. Rows are numbered as a spreadsheet of the table
    shows them, as every data error of the toolkit numbers them (the first row, at position
    0, is row 2: :mod:`toolkit.data.problems`), and the error's ``failures`` table holds
    the same facts for programs.

    Parameters
    ----------
    bad : numpy.ndarray
        One boolean per row of the table given, true where the row is at fault.
    message : str
        The sentence that says what is wrong, with ``{rows}`` where the rows are to be
        named. It is not a format string: only the last ``{rows}`` is replaced, so braces
        in column names (even ``{rows}`` before the placeholder) stay as they are.
    column : str, optional
        The column at fault, for the ``failures`` table (``None`` for a fault of several
        columns or of a parameter).
    check : str, default "rows"
        The check's name in the ``failures`` table.
    positions : numpy.ndarray, optional
        For a table made from the user's by leaving rows out: each row's position in the
        user's table, so that the rows named are the user's. By default the rows'
        own positions.

    Raises
    ------
    toolkit.errors.DataContractError
        Some row is bad (a subclass of ``ValueError``).
    """
    if not bad.any():
        return
    at_fault = np.flatnonzero(bad)
    rows = np.sort(at_fault if positions is None else np.asarray(positions)[at_fault])
    rows = rows + FIRST_DATA_ROW
    head, placeholder, tail = message.rpartition("{rows}")
    sentence = f"{head}{rows_text(rows.tolist())}{tail}" if placeholder else message
    raise_rows_error(sentence, rows, column=column, check=check)


def raise_rows_error(
    sentence: str, rows: np.ndarray, *, column: str | None, check: str
) -> NoReturn:
    """Raise the :class:`~toolkit.errors.DataContractError` of one check failed by some rows.

    The error's message is ``sentence`` followed by how the rows are numbered, and its
    ``failures`` table holds one row for the check: ``column``, ``check``, the number of
    ``rows`` (spreadsheet row numbers, sorted) and the first of them as examples.
    """
    problem = Problem(
        column=column,
        check=check,
        sentence=sentence,
        failing_rows=len(rows),
        example_rows=tuple(int(row) for row in rows[:MAX_EXAMPLES]),
    )
    raise DataContractError(
        f"{sentence} {ROWS_NUMBERED}", failures=failures_table([problem]), source=None
    )


def check_not_negative(
    values: np.ndarray,
    column: str,
    param: str,
    func: str,
    positions: np.ndarray | None = None,
) -> None:
    """Refuse negative (or infinite) counts, naming the rows (see :func:`refuse_rows`)."""
    bad = ~np.isnan(values) & ((values < 0) | ~np.isfinite(values))
    refuse_rows(
        bad,
        f"The '{param}' column {column!r} of {func} has negative or infinite values in "
        f"{{rows}}. Counts and populations must be zero or more.",
        column=column,
        check="not_negative",
        positions=positions,
    )


def count_column(
    data: pd.DataFrame,
    column: str,
    param: str,
    func: str,
    positions: np.ndarray | None = None,
) -> np.ndarray:
    """Return a non-negative count column as float64; missing values stay NaN."""
    values = numeric_column(data, column, param, func)
    check_not_negative(values, column, param, func, positions)
    return values


def check_population_for_events(
    events: np.ndarray,
    population: np.ndarray,
    *,
    events_column: str,
    population_column: str,
    population_param: str,
    func: str,
    positions: np.ndarray | None = None,
) -> None:
    """Refuse rows with events but a zero or missing population (see :func:`refuse_rows`)."""
    bad = (np.nan_to_num(events) > 0) & ~(population > 0)
    refuse_rows(
        bad,
        f"The '{population_param}' column {population_column!r} of {func} is zero or "
        f"missing where {events_column!r} has events, in {{rows}}. "
        "Every event needs a population at risk.",
        column=population_column,
        check="population_for_events",
        positions=positions,
    )


def counts_and_populations(
    data: pd.DataFrame,
    *,
    count: str,
    population: str,
    func: str,
    count_param: str = "events",
    population_param: str = "population",
    positions: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the validated count and population columns as float64, missing values as 0.

    Both must be numeric and zero or more, and every row with events needs a population.
    Missing values count as 0 with a :class:`MissingCountWarning` that counts them
    (pointing at the user's line). ``positions``
    are the rows' positions in the user's table, when ``data`` was made from it by leaving
    rows out (see :func:`refuse_rows`).

    Parameters
    ----------
    data : pandas.DataFrame
        Input rows.
    count, population : str
        The two columns.
    func : str
        Calling function, for error messages.
    count_param, population_param : str, default "events", "population"
        The parameters that named the columns, for error messages.

    Returns
    -------
    counts, populations : numpy.ndarray
        One value per row.
    """
    counts = count_column(data, count, count_param, func, positions)
    populations = count_column(data, population, population_param, func, positions)
    check_population_for_events(
        counts,
        populations,
        events_column=count,
        population_column=population,
        population_param=population_param,
        func=func,
        positions=positions,
    )
    warn_blank_counts(
        func, [(counts, count, count_param), (populations, population, population_param)]
    )
    return np.nan_to_num(counts), np.nan_to_num(populations)


def warn_blank_counts(func: str, columns: Sequence[tuple[np.ndarray, str, str]]) -> None:
    """Say, with a :class:`MissingCountWarning`, how many blank counts will count as 0.

    ``columns`` holds (values, column, parameter) for each count column. The warning points
    at the user's line that called the toolkit, however deep the call. Nothing is said when
    none is blank.
    """
    blanks = []
    for values, column, param in columns:
        blank = int(np.isnan(values).sum())
        if blank:
            rows = "1 row" if blank == 1 else f"{blank:,} rows"
            blanks.append(f"{rows} of the '{param}' column {column!r}")
    if blanks:
        verb = "is" if blanks[0].startswith("1 row") and len(blanks) == 1 else "are"
        warn(
            f"{func}: {' and '.join(blanks)} {verb} blank, counted as 0 (as "
            "PHEindicatormethods counts a missing count in its standardised statistics). "
            "Fill them, or drop the rows, if they are not zero.",
            MissingCountWarning,
            to_user=True,
        )


def events_and_populations(
    data: pd.DataFrame, *, events: str, population: str, func: str, proportion: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Return the validated ``events`` and ``population`` columns, missing values as 0.

    Parameters
    ----------
    data : pandas.DataFrame
        Input rows.
    events, population : str
        The columns the ``events`` and ``population`` options name.
    func : str
        Calling function, for error messages.
    proportion : bool, default False
        Also refuse rows whose events exceed their population.

    Returns
    -------
    events, populations : numpy.ndarray
        One value per row.
    """
    counts, sizes = counts_and_populations(
        data,
        count=events,
        population=population,
        func=func,
        count_param="events",
        population_param="population",
    )
    if proportion:
        check_events_within(counts, sizes, events, population, func)
    return counts, sizes


def check_events_within(
    counts: np.ndarray,
    sizes: np.ndarray,
    events: str,
    population: str,
    func: str,
) -> None:
    """Refuse rows whose events exceed their population (a proportion's), naming them."""
    refuse_rows(
        counts > sizes,
        f"The 'events' column {events!r} of {func} exceeds the 'population' column "
        f"{population!r} in {{rows}}.",
        column=events,
        check="events_within_population",
    )


def value_repeated_per_cell(
    values: np.ndarray, cells: np.ndarray, parts: np.ndarray, n_cells: int, n_parts: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Find the value each cell repeats on the rows of its parts, and where it does not.

    A band's population is repeated on each of its event-frequency (or cause) rows, so it
    is summed within (cell, part) and must agree across the parts of a cell.

    Parameters
    ----------
    values : numpy.ndarray
        The repeated value of each row (a population, say).
    cells : numpy.ndarray
        Cell of each row, ``0 .. n_cells - 1``.
    parts : numpy.ndarray
        Part of each row within its cell, ``0 .. n_parts - 1``.
    n_cells, n_parts : int
        Number of cells and of parts.

    Returns
    -------
    value : numpy.ndarray
        The value of each cell (0 for a cell without rows).
    has_rows : numpy.ndarray
        Whether each cell has any rows.
    disagreeing : numpy.ndarray
        For each row, whether its cell's parts give different values (to 1e-12 relative).
    """
    sub_cells = cells * n_parts + parts
    table = np.bincount(sub_cells, weights=values, minlength=n_cells * n_parts)
    table = table.reshape(n_cells, n_parts)
    rows = (np.bincount(sub_cells, minlength=n_cells * n_parts) > 0).reshape(n_cells, n_parts)
    high = np.where(rows, table, -np.inf).max(axis=1)
    low = np.where(rows, table, np.inf).min(axis=1)
    has_rows = np.isfinite(high)
    inconsistent = has_rows & ~np.isclose(high, low, rtol=1e-12, atol=0)
    disagreeing = np.isin(cells, np.flatnonzero(inconsistent))
    return np.where(has_rows, high, 0.0), has_rows, disagreeing


@dataclass(frozen=True)
class Groups:
    """Row-to-group codes for the ``by`` columns.

    Attributes
    ----------
    codes : numpy.ndarray
        Group number of each row, ``0 .. count - 1`` in sorted key order (in order of
        first appearance when made with ``sort=False``).
    keys : pandas.DataFrame
        One row per group holding the ``by`` columns (original dtypes), in code order.
    count : int
        Number of groups.
    """

    codes: np.ndarray
    keys: pd.DataFrame
    count: int

    def total(self, values: np.ndarray) -> np.ndarray:
        """Sum ``values`` (one per row) within each group, in code order."""
        return np.bincount(self.codes, weights=values, minlength=self.count)


def group_rows(data: pd.DataFrame, by: list[str], *, sort: bool = True) -> Groups:
    """Give each row the number of its ``by`` group (missing keys form groups too).

    Groups are numbered in sorted key order, or with ``sort=False`` in the order they
    first appear in ``data``.
    """
    if not by:
        return Groups(np.zeros(len(data), dtype=np.intp), pd.DataFrame(index=range(1)), 1)
    codes = data.groupby(by, sort=sort, dropna=False, observed=True).ngroup().to_numpy()
    codes = codes.astype(np.intp, copy=False)
    _, first = np.unique(codes, return_index=True)
    count = len(first)
    keys = data[by].iloc[first].reset_index(drop=True)
    return Groups(codes, keys, count)


def result_frame(
    keys: pd.DataFrame, columns: Mapping[str, Any], rows: np.ndarray | None = None
) -> pd.DataFrame:
    """Join group keys and result columns into an output frame with a fresh 0..n-1 index.

    Parameters
    ----------
    keys : pandas.DataFrame
        One row per group holding the ``by`` columns (:attr:`Groups.keys`).
    columns : mapping of str to array-like or scalar
        The result columns, in output order; scalars are repeated on every row.
    rows : numpy.ndarray, optional
        Group code of each output row when a group has several rows (or none);
        ``None`` for one row per group.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns (their dtypes kept) followed by the result columns.
    """
    if rows is not None:
        keys = keys.iloc[rows].reset_index(drop=True)
    result = pd.DataFrame(dict(columns), index=keys.index)
    return pd.concat([keys, result], axis=1).reset_index(drop=True)


def group_label(keys: pd.DataFrame, code: int) -> str:
    """Describe one group for an error message, e.g. ``"place='North'"``."""
    if keys.shape[1] == 0:
        return "the data"
    row = keys.iloc[code]
    values = {name: row[name].item() if hasattr(row[name], "item") else row[name] for name in keys}
    return ", ".join(f"{name}={value!r}" for name, value in values.items())
