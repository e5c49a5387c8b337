"""The data :func:`toolkit.monitor.spc.spc` is given: its checks and its rebase segments.

The job of this module is everything :func:`~toolkit.monitor.spc.spc` reads from the data
before it computes: the period column's type, a period repeated within a series, each
series' target (one per series), and where each rebase period starts a new segment. The
errors name the series and periods, as the function's documentation says.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit._words import listed
from toolkit.data.problems import FIRST_DATA_ROW
from toolkit.errors import DataContractError
from toolkit.indicators import _frames as v
from toolkit.monitor._periods import _read_periods, period_label


def _first_series(groups: v.Groups, codes: np.ndarray) -> str:
    """Name the first five of some series ("place='North'; place='South' and 3 more")."""
    shown = [v.group_label(groups.keys, code) for code in codes[:5]]
    return listed(shown, total=len(codes), final_and=False, sep="; ", last_sep=" and ")


def _check_period_dtype(periods: pd.Series, name: str, func: str) -> None:
    """Accept dates, pandas Periods or integers: types whose order is their time order."""
    dtype = periods.dtype
    if (
        pd.api.types.is_datetime64_any_dtype(dtype)
        or isinstance(dtype, pd.PeriodDtype)
        or (pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype))
    ):
        return
    raise TypeError(
        f"The 'period' column {name!r} of {func} must hold dates (datetime64), pandas "
        f"Periods or integers, so that points sort in time order. Got dtype {dtype} "
        "instead; convert it first, e.g. with pandas.to_datetime."
    )


def _check_duplicates(
    codes: np.ndarray,
    pcodes: np.ndarray,
    period_uniques: Any,
    groups: v.Groups,
    period: str,
    func: str,
    order: np.ndarray,
) -> None:
    """Refuse a series with the same period twice, naming the series, periods and rows.

    ``codes`` and ``pcodes`` are in the sorted order ``order`` gives (positions of the
    data's rows); the rows are numbered as a spreadsheet shows them.
    """
    same = (codes[1:] == codes[:-1]) & (pcodes[1:] == pcodes[:-1])
    if not same.any():
        return
    where = np.flatnonzero(same) + 1
    pairs = sorted(set(zip(codes[where].tolist(), pcodes[where].tolist(), strict=True)))
    shown = listed(
        (f"{v.group_label(groups.keys, code)} at {period_uniques[p]}" for code, p in pairs[:5]),
        total=len(pairs),
        final_and=False,
        sep="; ",
        last_sep=" and ",
    )
    rows = np.unique(np.concatenate([order[where], order[where - 1]])) + FIRST_DATA_ROW
    sentence = (
        f"The data given to {func} has the same {period!r} more than once in a series: "
        f"{shown} (in {v.rows_text(rows.tolist())}). Each series needs one "
        "row per period; sum or deduplicate the rows first, or add the column that tells "
        "them apart to 'by'."
    )
    v.raise_rows_error(sentence, rows, column=period, check="one_row_per_period")


def _series_targets(
    data: pd.DataFrame,
    column: str | None,
    number: float,
    groups: v.Groups,
    order: np.ndarray,
    codes: np.ndarray,
    func: str,
) -> np.ndarray:
    """Each series' target (NaN for none), refusing a target that changes in a series."""
    if column is None:
        return np.full(groups.count, number)
    target = v.numeric_column(data, column, "target", func)[order]
    v.refuse_rows(
        np.isinf(target),
        f"The 'target' column {column!r} of {func} has infinite values in {{rows}}.",
        column=column,
        check="finite",
        positions=order,
    )
    known = ~np.isnan(target)
    high = np.full(groups.count, -np.inf)
    low = np.full(groups.count, np.inf)
    np.maximum.at(high, codes[known], target[known])
    np.minimum.at(low, codes[known], target[known])
    rows = np.bincount(codes, minlength=groups.count)
    with_target = np.bincount(codes[known], minlength=groups.count)
    changing = (with_target > 0) & ((high != low) | (with_target != rows))
    if changing.any():
        bad = np.flatnonzero(changing)
        raise DataContractError(
            f"The 'target' column {column!r} of {func} must hold one target per series "
            f"(the same on every row of a series, or missing on all of them). It changes "
            f"within {len(bad)} series: {_first_series(groups, bad)}."
        )
    return np.where(with_target > 0, high, np.nan)


def _rebase_periods(values: Any, periods: pd.Series, func: str) -> pd.Index:
    """Rebase periods as an index of the same kind as the period column."""
    if isinstance(values, str | numbers.Number | pd.Timestamp | pd.Period) or not isinstance(
        values, Sequence | np.ndarray | pd.Index | pd.Series
    ):
        values = [values]
    values = list(values)
    dtype = periods.dtype
    try:
        if pd.api.types.is_datetime64_any_dtype(dtype):
            index = pd.DatetimeIndex(pd.to_datetime(values))
            tz = getattr(dtype, "tz", None)
            if tz is not None and index.tz is None:
                index = index.tz_localize(tz)
            return index
        if isinstance(dtype, pd.PeriodDtype):
            return pd.PeriodIndex([pd.Period(item, freq=dtype.freq) for item in values])
        if all(
            isinstance(item, numbers.Integral) and not isinstance(item, bool) for item in values
        ):
            return pd.Index(values, dtype=np.int64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"The 'rebase' parameter of {func} must hold periods of the same kind as the "
            f"'period' column (dtype {dtype}). Got {values!r} instead ({error})."
        ) from None
    raise ValueError(
        f"The 'rebase' parameter of {func} must hold periods of the same kind as the "
        f"'period' column (dtype {dtype}). Got {values!r} instead."
    )


def _rebase_starts(
    rebase: Any,
    codes: np.ndarray,
    pcodes: np.ndarray,
    series_start: np.ndarray,
    period_uniques: Any,
    periods: pd.Series,
    groups: v.Groups,
    by_columns: list[str],
    func: str,
) -> tuple[np.ndarray, list[str]]:
    """Mark the first point of each rebased segment (not the first point of a series).

    Returns the marks and the rebase periods (as words) that start a segment in no series,
    which :func:`~toolkit.monitor.spc.spc` warns of.
    """
    starts = np.zeros(len(codes), dtype=bool)
    if rebase is None:
        return starts, []
    pair_series: list[np.ndarray] = []
    pair_periods: list[pd.Index] = []
    labels: list[str] = []
    present = np.unique(codes)
    if isinstance(rebase, Mapping):
        if not by_columns:
            raise ValueError(
                f"The 'rebase' parameter of {func} can only be a mapping from series to "
                "periods when 'by' names the series; without 'by' give a list of periods."
            )
        lookup = _series_lookup(groups, by_columns)
        unknown = [key for key in rebase if _key(key, by_columns) not in lookup]
        if unknown:
            raise ValueError(
                f"The 'rebase' parameter of {func} names series that are not in the data: "
                f"{unknown[:5]!r}. Keys are values of {by_columns[0]!r}"
                + (" (tuples, one value per 'by' column)." if len(by_columns) > 1 else ".")
            )
        for key, items in rebase.items():
            code = lookup[_key(key, by_columns)]
            index = _rebase_periods(items, periods, func)
            pair_series.append(np.full(len(index), code))
            pair_periods.append(index)
            labels += [f"{key!r}: {item}" for item in index]
    else:
        if not isinstance(rebase, Sequence | np.ndarray | pd.Index | pd.Series) or isinstance(
            rebase, str
        ):
            rebase = [rebase]
        index = _rebase_periods(rebase, periods, func)
        pair_series.append(np.repeat(present, len(index)))
        pair_periods.append(index[np.tile(np.arange(len(index)), len(present))])
        labels += [str(item) for item in index]
    if not pair_series or sum(len(p) for p in pair_periods) == 0:
        return starts, []
    series = np.concatenate(pair_series).astype(np.int64)
    stated = pair_periods[0].append(pair_periods[1:]) if len(pair_periods) > 1 else pair_periods[0]
    try:
        position = np.asarray(pd.Index(period_uniques).searchsorted(stated, side="left"))
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"The 'rebase' parameter of {func} holds periods that cannot be compared with "
            f"the 'period' column: {error}"
        ) from None
    # The first point of the series on or after each stated period.
    width = np.int64(len(period_uniques) + 1)
    keys = codes.astype(np.int64) * width + pcodes
    found = np.searchsorted(keys, series * width + position, side="left")
    inside = found < len(codes)
    found_clipped = np.minimum(found, len(codes) - 1)
    effective = inside & (codes[found_clipped] == series) & ~series_start[found_clipped]
    starts[found_clipped[effective]] = True
    # A stated period that starts a segment in no series is probably a mistake: say so.
    if isinstance(rebase, Mapping):
        unused = [label for label, used in zip(labels, effective, strict=True) if not used]
    else:
        per_period = effective.reshape(len(present), -1).any(axis=0)
        unused = [label for label, used in zip(labels, per_period, strict=True) if not used]
    return starts, unused


def _key(key: Any, by_columns: list[str]) -> Hashable:
    """Return a mapping key as the series are keyed (a tuple when 'by' has several columns)."""
    if len(by_columns) > 1:
        return tuple(key) if isinstance(key, Sequence) and not isinstance(key, str) else key
    return key


def _series_lookup(groups: v.Groups, by_columns: list[str]) -> dict[Hashable, int]:
    """Series key (a value, or a tuple of values) to series code."""
    keys = groups.keys[by_columns]
    if len(by_columns) == 1:
        items = keys[by_columns[0]].tolist()
    else:
        items = list(keys.itertuples(index=False, name=None))
    return {item: code for code, item in enumerate(items)}


#: How many missing periods a message names in each series before "and N more".
_GAPS_NAMED = 6


def _period_name(position: int, unit: str, step: int, freq: Any = None) -> str:
    """Name one missing period as a board reads it ("Jun 2024", "Apr-Jun 2024", "3 Jun 2024")."""
    if unit == "integer":
        return str(position)
    if unit == "period":
        period = pd.Period(ordinal=position, freq=freq)
        code = period.freqstr[:1].upper()
        start = period.start_time
        if code == "M":
            return period_label(start, "month")
        if code == "Q":
            return period_label(start, "quarter")
        if code in ("Y", "A") and start.month in (1, 4):
            return period_label(start, "year" if start.month == 1 else "financial_year")
        if code in ("D", "B", "W"):
            return f"{start.day} {start:%b %Y}"
        return str(period)
    if unit == "day":
        day = pd.Timestamp(np.datetime64(position, "D"))
        return f"{day.day} {day:%b %Y}"
    start = pd.Timestamp(year=position // 12, month=position % 12 + 1, day=1)
    if step == 3:
        return period_label(start, "quarter")
    if step == 12 and start.month in (1, 4):
        return period_label(start, "year" if start.month == 1 else "financial_year")
    return period_label(start, "month")


def _missing_periods(codes: np.ndarray, periods: pd.Index) -> dict[int, str]:
    """Name the periods missing between consecutive points of each series.

    ``codes`` gives each point's series and ``periods`` its period (dates, pandas Periods
    or integers), both in series and period order. A series of Periods steps by its
    frequency; one of dates by months (by days when two of its dates share a month), as
    does one of integers that :func:`~toolkit.monitor.series.validate_series` reads as
    months (202401 for January 2024, so that 202312 to 202401 is no gap); other integers
    (years such as 2024) step by ones. Each steps by the smallest spacing between its
    periods (so that quarterly dates are not missing the months between them). Returns,
    for each series with gaps, the missing periods in words ("Jun 2024 and Jul 2024").
    """
    if len(codes) < 2:
        return {}
    same = codes[1:] == codes[:-1]
    size = int(codes.max()) + 1
    freq = None
    if isinstance(periods, pd.PeriodIndex):
        positions, units, freq = periods.asi8, np.full(size, "period", dtype=object), periods.freq
    elif isinstance(periods, pd.DatetimeIndex):
        naive = periods.tz_localize(None) if periods.tz is not None else periods
        months = (naive.year * 12 + naive.month - 1).to_numpy(np.int64)
        days = naive.to_numpy().astype("datetime64[D]").astype(np.int64)
        by_day = np.zeros(size, dtype=bool)
        by_day[codes[1:][same & (np.diff(months) == 0)]] = True
        positions = np.where(by_day[codes], days, months)
        units = np.where(by_day, "day", "month").astype(object)
    else:
        positions, units = np.asarray(periods, dtype=np.int64), np.full(size, "integer", object)
        # Read as validate_series reads them: a series whose every number is a year and a
        # month (202401) steps by months; years (2024) and other numbers by themselves.
        months, kinds, _, _ = _read_periods(
            pd.Series(positions), pd.Series([None] * len(positions), dtype=object)
        )
        monthly = np.ones(size, dtype=bool)
        np.logical_and.at(monthly, codes, kinds == "month")
        positions = np.where(monthly[codes], months, positions)
        units[monthly] = "month"
    spacing = np.diff(positions)
    step = np.full(size, np.iinfo(np.int64).max, dtype=np.int64)
    if freq is not None:
        step[:] = 1
    else:
        np.minimum.at(step, codes[1:][same], spacing[same])
    found: dict[int, tuple[list[str], int]] = {}
    for jump in np.flatnonzero(same & (spacing > step[codes[1:]])):
        code = int(codes[jump])
        gap = range(
            int(positions[jump]) + int(step[code]), int(positions[jump + 1]), int(step[code])
        )
        names, total = found.get(code, ([], 0))
        room = max(0, _GAPS_NAMED - len(names))
        names += [_period_name(p, units[code], int(step[code]), freq) for p in gap[:room]]
        found[code] = (names, total + len(gap))
    return {
        code: listed(names, most=_GAPS_NAMED, total=total) for code, (names, total) in found.items()
    }
