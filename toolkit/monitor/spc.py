"""Statistical process control: XmR charts the NHS England "Making Data Count" way.

One XmR (individuals and moving range) chart per series, vectorised over all series at
once: the mean of the baseline points, process limits at mean ± 2.66 × the mean moving
range, near-limit lines two thirds of the way out (± 1.773 × the mean moving range), and the
four Making Data Count rules, in order of precedence: a point beyond a process limit, a
trend of seven points, two of three points beyond a near-limit line, and a shift of seven
points on one side of the mean. Each point is special cause improvement or concern by the
improvement direction (neutral high or low when there is none), the rest common cause; the
last point gives the variation icon, and where a target sits against the limits gives the
assurance icon.

The figures reproduce the NHS-R community's NHSRplotthedots (its test data and expected
values are ported in ``tests/monitor/test_monitor_spc.py``; none of its code is used).
Where this module departs from it, ``docs/methods.md`` ("Statistical process control")
says where and why.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    Interval,
    StrOptions,
    check_columns_exist,
    validate_params,
    warn,
)
from toolkit.errors import DataContractError
from toolkit.indicators import _frames as v

Improvement = Literal["increase", "decrease", "neutral"]

#: Process limits sit this many mean moving ranges from the mean (3 / d2, d2 = 1.128).
LIMIT_FACTOR = 2.66
#: Near-limit lines sit two thirds of the way out (two sigma), 1.773 mean moving ranges.
NEAR_LIMIT_FACTOR = 2 * LIMIT_FACTOR / 3
#: Screening drops moving ranges at or above this many mean moving ranges (D4 for n = 2).
SCREEN_FACTOR = 3.267
#: Points in a trend (strictly rising or falling) and in a shift (one side of the mean).
TREND_POINTS = 7
SHIFT_POINTS = 7
#: A segment with fewer points than this has trial limits, and a warning says so.
MINIMUM_POINTS = 12
#: Fewest points a fixed baseline may have (``fix_after``), as NHSRplotthedots.
MINIMUM_FIX_AFTER = 12

_IMPROVEMENTS: dict[str, int] = {"increase": 1, "decrease": -1, "neutral": 0}

#: Rule codes, in order of precedence, and their names in the ``rule`` column.
_RULES = np.array([None, "beyond_limit", "trend", "two_of_three", "shift"], dtype=object)

COMMON_CAUSE = "common_cause"
SPECIAL_CAUSE_IMPROVEMENT = "special_cause_improvement"
SPECIAL_CAUSE_CONCERN = "special_cause_concern"
SPECIAL_CAUSE_NEUTRAL_HIGH = "special_cause_neutral_high"
SPECIAL_CAUSE_NEUTRAL_LOW = "special_cause_neutral_low"
#: Point types, indexed by the codes used inside this module.
POINT_TYPES = (
    COMMON_CAUSE,
    SPECIAL_CAUSE_IMPROVEMENT,
    SPECIAL_CAUSE_CONCERN,
    SPECIAL_CAUSE_NEUTRAL_HIGH,
    SPECIAL_CAUSE_NEUTRAL_LOW,
)
_POINT_TYPE_ARRAY = np.array(POINT_TYPES, dtype=object)

#: Output columns after the ``by``, period and value columns, in order.
POINT_COLUMNS = (
    "baseline_segment",
    "in_baseline",
    "mean",
    "lpl",
    "upl",
    "near_lpl",
    "near_upl",
    "target",
    "rule",
    "point_type",
)
#: Columns of :meth:`SPCResult.summary` after the ``by`` columns, in order.
SUMMARY_COLUMNS = (
    "first_period",
    "last_period",
    "points",
    "last_value",
    "mean",
    "lpl",
    "upl",
    "target",
    "improvement",
    "variation",
    "assurance",
    "run_start",
    "run_length",
)

_FUNC = "spc"


class SPCWarning(UserWarning):
    """A series has too few points for settled limits, or rows were left out or had no effect.

    Raised (as a warning) when a series or one of its rebased segments has fewer than 12
    points, whose limits are therefore trial limits that will move as points are added (as
    NHSRplotthedots warns), when rows with a missing value are left out of the charts, and
    when a rebase period starts no new segment in any series.
    """


@dataclass(frozen=True, eq=False)
class SPCResult:
    """XmR charts of one or more series, from :func:`spc`.

    Attributes
    ----------
    improvement : {"increase", "decrease", "neutral"}
        Which direction is better.
    by : tuple of str
        The columns that name a series (empty when the whole frame is one series).
    value, period : str
        The value and period columns, named as in the input (and in :meth:`to_frame`).
    screen_outliers : bool
        Whether moving ranges of 3.267 mean moving ranges or more were screened out.
    fix_after : int or None
        Limits from the first ``fix_after`` points of each segment; ``None`` uses all.
    target : float, str or None
        The target as given: a number, the name of a column, or ``None``.
    rebase : sequence, mapping or None
        The rebase periods as given.
    """

    improvement: Improvement
    by: tuple[str, ...]
    value: str
    period: str
    screen_outliers: bool
    fix_after: int | None
    target: float | str | None
    rebase: Sequence | Mapping | None
    _points: pd.DataFrame = field(repr=False)
    _summary: pd.DataFrame = field(repr=False)

    @property
    def n_series(self) -> int:
        """Number of series charted."""
        return len(self._summary)

    @property
    def n_points(self) -> int:
        """Number of points charted, over all series."""
        return len(self._points)

    def to_frame(self) -> pd.DataFrame:
        """One row per point, in series and period order.

        Returns
        -------
        pandas.DataFrame
            A new frame: the ``by`` columns, the period and value columns (their input
            names), ``baseline_segment`` (1-based segment after rebasing), ``in_baseline``
            (the point was used for the limits), ``mean``, ``lpl``, ``upl``, ``near_lpl``,
            ``near_upl``, ``target`` (NaN when none), ``rule`` (``"beyond_limit"``,
            ``"trend"``, ``"two_of_three"``, ``"shift"`` or None: the rule of highest
            precedence that flags the point) and ``point_type``.
        """
        return self._points.copy()

    def summary(self) -> pd.DataFrame:
        """One row per series: its last point, latest limits and icons.

        Returns
        -------
        pandas.DataFrame
            A new frame: the ``by`` columns, ``first_period``, ``last_period``, ``points``,
            ``last_value``, ``mean``, ``lpl`` and ``upl`` (of the last segment),
            ``target``, ``improvement``, ``variation`` (the last point's icon:
            ``"improvement_high"``, ``"improvement_low"``, ``"concern_high"``,
            ``"concern_low"``, ``"neutral_high"``, ``"neutral_low"`` or
            ``"common_cause"``), ``assurance`` (``"consistently_pass"``,
            ``"consistently_fail"``, ``"inconsistent"`` or None), ``run_start`` and
            ``run_length`` (the run of points of the last point's special-cause type that
            ends at the last point, within the last segment; missing and 0 when the last
            point is common cause).
        """
        return self._summary.copy()

    def __repr__(self) -> str:
        """Short description: how many series and points, and the options."""
        by = f", by={list(self.by)!r}" if self.by else ""
        return (
            f"SPCResult(series={self.n_series}, points={self.n_points}{by}, "
            f"improvement={self.improvement!r}, screen_outliers={self.screen_outliers}, "
            f"fix_after={self.fix_after})"
        )

    def _repr_html_(self) -> str:
        """Show the summary table in a notebook."""
        caption = (
            f"XmR charts of {self.value!r}: {self.n_series} series, {self.n_points} points; "
            f"improvement {self.improvement}"
        )
        table = self._summary.head(20).to_html(index=False, na_rep="")
        more = "" if self.n_series <= 20 else f"<p>… and {self.n_series - 20} more series</p>"
        return f"<p><b>{caption}</b></p>{table}{more}"


#: Constraints of the options :func:`spc` shares with
#: :func:`toolkit.monitor.follow_priorities`.
FIX_AFTER = [Interval(numbers.Integral, MINIMUM_FIX_AFTER, None, closed="left"), None]


@validate_params(
    {
        "data": ["data-frame"],
        "value": ["column"],
        "period": ["column"],
        "by": ["columns", None],
        "improvement": [StrOptions(_IMPROVEMENTS)],
        "target": [Interval(numbers.Real, None, None, closed="neither"), "column", None],
        "fix_after": FIX_AFTER,
        # periods of the same kind as the period column: checked against the data
        "rebase": ["no_validation"],
        "screen_outliers": ["boolean"],
    }
)
def spc(
    data: pd.DataFrame,
    *,
    value: str = "value",
    period: str = "period",
    by: str | Sequence[str] | None = None,
    improvement: Improvement = "increase",
    target: float | str | None = None,
    fix_after: int | None = None,
    rebase: Sequence | Mapping | None = None,
    screen_outliers: bool = True,
) -> SPCResult:
    """XmR charts with the Making Data Count rules, one per series.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per series and period. Never changed.
    value : str, default "value"
        Numeric column charted. Rows with a missing value are left out (with a warning).
    period : str, default "period"
        Column giving each point's time: dates (datetime64), pandas Periods or integers.
        Each series may have each period once.
    by : str or list of str, optional
        Columns naming a series; ``None`` charts the whole frame as one series.
    improvement : {"increase", "decrease", "neutral"}, default "increase"
        Which direction is better; ``"neutral"`` labels special causes high or low.
    target : float or str, optional
        A target for every series, or the name of a column holding each series' target
        (the same on every row of a series; missing for a series without one).
    fix_after : int, optional
        Fix the limits on the first ``fix_after`` points (12 or more) of each segment;
        later points are judged against them. ``None`` uses every point.
    rebase : sequence or mapping, optional
        Periods at which a new segment, with limits of its own, starts: a list applies to
        every series; a mapping from series key (the ``by`` value, or a tuple of them) to
        a list applies to those series only. A segment starts at the first point on or
        after each period. Never automatic.
    screen_outliers : bool, default True
        Drop moving ranges of 3.267 mean moving ranges or more once and recompute the
        mean moving range (``False`` reproduces the Making Data Count Excel tool).

    Returns
    -------
    SPCResult
        Points (:meth:`SPCResult.to_frame`) and one row per series
        (:meth:`SPCResult.summary`).

    Raises
    ------
    TypeError, ValueError
        For an option of the wrong type or value; the message names the option.
    toolkit.errors.DataContractError
        For a series with the same period twice, a missing period, an infinite value or a
        target that changes within a series; the message names the series and periods.

    Warns
    -----
    SPCWarning
        When a series (or a rebased segment) has fewer than 12 points, when rows with a
        missing value are left out, and when a rebase period starts no segment anywhere.

    Notes
    -----
    Within each segment (all points when there is no rebasing): the mean of the baseline
    points (the first ``fix_after``, or all), the moving ranges between consecutive
    baseline points, limits at mean ± 2.66 × mean moving range and near-limit lines at
    mean ± 1.773 × mean moving range; with screening, moving ranges at or above 3.267 ×
    the mean moving range are dropped once (unless the mean moving range is zero) and
    the mean recomputed.

    Rules, in order of precedence, each point labelled by the first that flags it:

    1. ``beyond_limit``: above the upper or below the lower process limit;
    2. ``trend``: seven consecutive points each strictly higher (or lower) than the one
       before; a tie breaks it. A point at the turn of a rising and a falling trend takes
       the direction of the later one;
    3. ``two_of_three``: three consecutive points all on the same side of the mean, two or
       three of them beyond the near-limit line on that side but not beyond the process
       limit; only those points are flagged;
    4. ``shift``: seven consecutive points on the same side of the mean; a point on the
       mean breaks the run.

    As in NHSRplotthedots, every rule looks only within a segment: a trend, shift or
    two-of-three window never spans a rebase. Points after a fixed baseline are judged
    by every rule against the fixed limits.
    """
    func = _FUNC
    check_columns_exist(data, {"value": value, "period": period}, func)
    if value == period:
        raise ValueError(
            f"The 'value' and 'period' parameters of {func} name the same column {value!r}."
        )
    by_columns = v.by_columns(data, by, func)
    for name, param in ((value, "value"), (period, "period")):
        if name in by_columns:
            raise ValueError(
                f"The 'by' parameter of {func} includes the {param} column {name!r}. "
                f"Got {by!r} instead."
            )
    reserved = sorted(set(POINT_COLUMNS) | set(SUMMARY_COLUMNS))
    v.check_no_clash(by_columns, reserved, func)
    for name, param in ((value, "value"), (period, "period")):
        if name in POINT_COLUMNS:
            raise ValueError(
                f"The '{param}' parameter of {func} names the column {name!r}, which the "
                "output uses for its own results. Rename it first."
            )
    direction = _IMPROVEMENTS[improvement]
    screen = bool(screen_outliers)
    if fix_after is not None:
        fix_after = int(fix_after)
    target_column: str | None = None
    target_number = np.nan
    if isinstance(target, str):
        check_columns_exist(data, {"target": target}, func)
        target_column = target
    elif target is not None:
        target_number = float(target)

    values = v.numeric_column(data, value, "value", func)
    periods = data[period]
    _check_period_dtype(periods, period, func)
    infinite = np.isinf(values)
    if infinite.any():
        raise DataContractError(
            f"The 'value' column {value!r} of {func} has infinite values in "
            f"{v.rows_text(data.index[infinite])}. Chart finite values only."
        )
    no_period = periods.isna().to_numpy()
    if no_period.any():
        raise DataContractError(
            f"The 'period' column {period!r} of {func} is missing in "
            f"{v.rows_text(data.index[no_period])}. Every point needs a period."
        )

    groups = v.group_rows(data, by_columns)
    period_codes, period_uniques = pd.factorize(periods, sort=True)
    order = np.lexsort((period_codes, groups.codes))
    codes = groups.codes[order]
    pcodes = period_codes[order].astype(np.int64)
    _check_duplicates(codes, pcodes, period_uniques, groups, period, func)

    targets = _series_targets(data, target_column, target_number, groups, order, codes, func)

    # Rows with a missing value are left out, as if their period had no row.
    missing = np.isnan(values[order])
    if missing.any():
        _warn_missing(codes[missing], groups, value, func)
        keep = ~missing
        order, codes, pcodes = order[keep], codes[keep], pcodes[keep]
        if len(order) == 0:
            raise DataContractError(
                f"The 'value' column {value!r} of {func} is missing on every row: "
                "there is nothing to chart."
            )
    if len(order) == 0:
        raise DataContractError(f"The data given to {func} has no rows: nothing to chart.")

    x = values[order]
    n = len(x)
    series_start = np.r_[True, codes[1:] != codes[:-1]]
    rebase_start = _rebase_starts(
        rebase, codes, pcodes, series_start, period_uniques, periods, groups, by_columns, func
    )
    segment_start = series_start | rebase_start
    segment = np.cumsum(segment_start) - 1  # 0-based segment number over all series
    segment_first = np.flatnonzero(segment_start)
    n_segments = len(segment_first)
    position = np.arange(n) - segment_first[segment]  # 0-based position in the segment
    series_first_segment = segment[np.flatnonzero(series_start)]
    series_of_point = np.cumsum(series_start) - 1  # 0-based, only series with points
    baseline_segment = segment - series_first_segment[series_of_point] + 1

    in_baseline = np.ones(n, dtype=bool) if fix_after is None else position < fix_after
    limits = _limits(x, segment, n_segments, position, in_baseline, screen)
    mean, lpl, upl, near_lpl, near_upl = (column[segment] for column in limits)

    rule, high = _apply_rules(x, mean, lpl, upl, near_lpl, near_upl, segment_start, position)
    point_code = _point_codes(rule, high, direction)

    segment_sizes = np.bincount(segment, minlength=n_segments)
    _warn_short(segment_sizes, segment_first, codes, baseline_segment, groups, func)

    rows = data.iloc[order]
    columns = {
        "baseline_segment": baseline_segment.astype(np.int64),
        "in_baseline": in_baseline,
        "mean": mean,
        "lpl": lpl,
        "upl": upl,
        "near_lpl": near_lpl,
        "near_upl": near_upl,
        "target": targets[codes],
        "rule": pd.Series(_RULES[rule], dtype=object),
        "point_type": pd.Series(_POINT_TYPE_ARRAY[point_code], dtype=object),
    }
    frame = pd.concat(
        [rows[[*by_columns, period, value]].reset_index(drop=True), pd.DataFrame(columns)],
        axis=1,
    )

    summary = _summary(
        frame=frame,
        rows=rows,
        x=x,
        codes=codes,
        series_start=series_start,
        segment=segment,
        segment_start=segment_start,
        limits=limits,
        point_code=point_code,
        targets=targets,
        groups=groups,
        period=period,
        improvement=improvement,
        direction=direction,
    )
    return SPCResult(
        improvement=improvement,
        by=tuple(by_columns),
        value=value,
        period=period,
        screen_outliers=screen,
        fix_after=fix_after,
        target=target,
        rebase=rebase,
        _points=frame,
        _summary=summary,
    )


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
) -> None:
    """Refuse a series with the same period twice, naming the series and periods."""
    same = (codes[1:] == codes[:-1]) & (pcodes[1:] == pcodes[:-1])
    if not same.any():
        return
    where = np.flatnonzero(same) + 1
    pairs = sorted(set(zip(codes[where].tolist(), pcodes[where].tolist(), strict=True)))
    shown = [f"{v.group_label(groups.keys, code)} at {period_uniques[p]}" for code, p in pairs[:5]]
    more = f" and {len(pairs) - 5} more" if len(pairs) > 5 else ""
    raise DataContractError(
        f"The data given to {func} has the same {period!r} more than once in a series: "
        f"{'; '.join(shown)}{more}. Each series needs one row per period; sum or "
        "deduplicate the rows first, or add the column that tells them apart to 'by'."
    )


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
    if np.isinf(target).any():
        raise DataContractError(
            f"The 'target' column {column!r} of {func} has infinite values in "
            f"{v.rows_text(data.index[order[np.isinf(target)]])}."
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
        shown = "; ".join(v.group_label(groups.keys, code) for code in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise DataContractError(
            f"The 'target' column {column!r} of {func} must hold one target per series "
            f"(the same on every row of a series, or missing on all of them). It changes "
            f"within {len(bad)} series: {shown}{more}."
        )
    return np.where(with_target > 0, high, np.nan)


def _warn_missing(codes: np.ndarray, groups: v.Groups, value: str, func: str) -> None:
    """Say how many rows with a missing value were left out, and from which series."""
    series = np.unique(codes)
    shown = "; ".join(v.group_label(groups.keys, code) for code in series[:5])
    more = f" and {len(series) - 5} more" if len(series) > 5 else ""
    noun = "row has" if len(codes) == 1 else "rows have"
    warn(
        f"{func}: {len(codes)} {noun} a missing {value!r}, left out of the charts (as if "
        f"the period had no row), in {len(series)} series: {shown}{more}.",
        SPCWarning,
        stacklevel=3,
    )


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
) -> np.ndarray:
    """Mark the first point of each rebased segment (not the first point of a series)."""
    starts = np.zeros(len(codes), dtype=bool)
    if rebase is None:
        return starts
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
        return starts
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
    if unused:
        warn(
            f"{func}: rebase period(s) {unused[:5]} start no new segment in any series "
            "(each is at or before the series' first period, or after its last).",
            SPCWarning,
            stacklevel=3,
        )
    return starts


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


def _limits(
    x: np.ndarray,
    segment: np.ndarray,
    n_segments: int,
    position: np.ndarray,
    in_baseline: np.ndarray,
    screen: bool,
) -> tuple[np.ndarray, ...]:
    """Mean, limits and near-limit lines of each segment, from its baseline points."""
    weights = in_baseline.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(segment, weights=x * weights, minlength=n_segments) / np.bincount(
            segment, weights=weights, minlength=n_segments
        )
        # Moving ranges between consecutive baseline points of the same segment.
        has_range = (position > 0) & in_baseline
        ranges = np.abs(np.diff(x, prepend=np.nan))
        used = has_range.copy()

        def mean_range(used: np.ndarray) -> np.ndarray:
            total = np.bincount(segment[used], weights=ranges[used], minlength=n_segments)
            return total / np.bincount(segment[used], minlength=n_segments)

        amr = mean_range(used)
        if screen:
            # Dropped once; nothing is dropped from a segment with no variation at all.
            limit = SCREEN_FACTOR * amr[segment]
            used = has_range & ~((ranges >= limit) & (limit > 0))
            screened = mean_range(used)
            # A sparse series (mostly zeros) can have every non-zero range screened out,
            # leaving limits of no width that flag every point: keep such a segment's
            # unscreened mean moving range instead.
            amr = np.where((screened == 0) & (amr > 0), amr, screened)
    return (
        mean,
        mean - LIMIT_FACTOR * amr,
        mean + LIMIT_FACTOR * amr,
        mean - NEAR_LIMIT_FACTOR * amr,
        mean + NEAR_LIMIT_FACTOR * amr,
    )


def _run_lengths(flag: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Length of the run of consecutive True each point belongs to (0 where False).

    A run ends at a False and restarts wherever ``breaks`` is True.
    """
    if len(flag) == 0:
        return np.zeros(0, dtype=np.int64)
    previous = np.r_[False, flag[:-1]]
    begins = flag & (breaks | ~previous)
    run = np.cumsum(begins)
    lengths = np.bincount(run[flag], minlength=run[-1] + 1)
    return np.where(flag, lengths[run], 0)


def _later(flags: np.ndarray, steps: int) -> np.ndarray:
    """Return each point's flag ``steps`` points on (False past the end)."""
    out = np.zeros_like(flags)
    if steps < len(flags):
        out[: len(flags) - steps] = flags[steps:]
    return out


def _apply_rules(
    x: np.ndarray,
    mean: np.ndarray,
    lpl: np.ndarray,
    upl: np.ndarray,
    near_lpl: np.ndarray,
    near_upl: np.ndarray,
    segment_start: np.ndarray,
    position: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Find the rule of highest precedence flagging each point (0 for none) and its side.

    Returns
    -------
    rule : numpy.ndarray
        0 none, 1 beyond a limit, 2 trend, 3 two of three, 4 shift.
    high : numpy.ndarray
        True where the flagging rule points up (above the mean, or a rising trend).
    """
    n = len(x)
    side = np.sign(x - mean)
    above, below = side > 0, side < 0
    beyond_high, beyond_low = x > upl, x < lpl

    # Trend: a run of six rises (or falls) between consecutive points of one segment.
    step = np.sign(np.diff(x, prepend=np.nan))
    step[segment_start] = 0
    rises = _run_lengths(step > 0, segment_start)
    falls = _run_lengths(step < 0, segment_start)
    need = TREND_POINTS - 1
    rise_into, fall_into = rises >= need, falls >= need
    rise_out, fall_out = _later(rise_into, 1), _later(fall_into, 1)
    rising, falling = rise_into | rise_out, fall_into | fall_out
    trend = rising | falling
    # At the turn of two trends the point takes the later one (the trend leaving it).
    trend_high = np.where(rising & falling, rise_out, rising)

    # Two of three: windows of three points of one segment, all on one side of the mean,
    # two or more beyond that side's near-limit line (but within the process limit).
    near_high = (x > near_upl) & ~beyond_high
    near_low = (x < near_lpl) & ~beyond_low
    position_ok = position >= 2

    def two_of_three(near: np.ndarray, same_side: np.ndarray) -> np.ndarray:
        window = np.zeros(n, dtype=bool)  # window of points i - 2, i - 1, i
        if n >= 3:
            count = near[2:].astype(int) + near[1:-1] + near[:-2]
            sides = same_side[2:] & same_side[1:-1] & same_side[:-2]
            window[2:] = position_ok[2:] & sides & (count >= 2)
        in_window = window | _later(window, 1) | _later(window, 2)
        return near & in_window

    two_high = two_of_three(near_high, above)
    two_low = two_of_three(near_low, below)

    shift_high = _run_lengths(above, segment_start) >= SHIFT_POINTS
    shift_low = _run_lengths(below, segment_start) >= SHIFT_POINTS

    beyond = beyond_high | beyond_low
    two = two_high | two_low
    shift = shift_high | shift_low
    rule = np.select([beyond, trend, two, shift], [1, 2, 3, 4], 0)
    high = np.select([beyond, trend, two, shift], [beyond_high, trend_high, two_high, shift_high])
    return rule, high.astype(bool)


def _point_codes(rule: np.ndarray, high: np.ndarray, direction: int) -> np.ndarray:
    """Index into :data:`POINT_TYPES` for each point."""
    special = rule > 0
    if direction == 0:
        return np.where(special, np.where(high, 3, 4), 0)
    better = high if direction > 0 else ~high
    return np.where(special, np.where(better, 1, 2), 0)


def _warn_short(
    segment_sizes: np.ndarray,
    segment_first: np.ndarray,
    codes: np.ndarray,
    baseline_segment: np.ndarray,
    groups: v.Groups,
    func: str,
) -> None:
    """Warn, naming the series, where a segment has fewer than 12 points."""
    short = np.flatnonzero(segment_sizes < MINIMUM_POINTS)
    if len(short) == 0:
        return
    first = segment_first[short]
    described = []
    for point, size in zip(first[:5], segment_sizes[short][:5], strict=True):
        label = v.group_label(groups.keys, int(codes[point]))
        segment = int(baseline_segment[point])
        where = f", segment {segment}" if segment > 1 or _has_rebase(baseline_segment) else ""
        described.append(f"{label}{where}: {size} points")
    more = f" and {len(short) - 5} more" if len(short) > 5 else ""
    noun = "series or segment has" if len(short) == 1 else "series or segments have"
    warn(
        f"{func}: {len(short)} {noun} fewer than {MINIMUM_POINTS} points ("
        f"{'; '.join(described)}{more}). Their limits are trial limits, which will move "
        "with each added point; read their signals with care.",
        SPCWarning,
        stacklevel=3,
    )


def _has_rebase(baseline_segment: np.ndarray) -> bool:
    return bool(len(baseline_segment)) and int(baseline_segment.max()) > 1


_VARIATION = {
    (0, 1): "common_cause",
    (0, -1): "common_cause",
    (0, 0): "common_cause",
    (1, 1): "improvement_high",
    (1, -1): "improvement_low",
    (2, 1): "concern_low",
    (2, -1): "concern_high",
    (3, 0): "neutral_high",
    (4, 0): "neutral_low",
}


def _summary(
    *,
    frame: pd.DataFrame,
    rows: pd.DataFrame,
    x: np.ndarray,
    codes: np.ndarray,
    series_start: np.ndarray,
    segment: np.ndarray,
    segment_start: np.ndarray,
    limits: tuple[np.ndarray, ...],
    point_code: np.ndarray,
    targets: np.ndarray,
    groups: v.Groups,
    period: str,
    improvement: str,
    direction: int,
) -> pd.DataFrame:
    """One row per series: first and last period, latest limits, icons and the last run."""
    first = np.flatnonzero(series_start)
    last = np.r_[first[1:] - 1, len(x) - 1]
    series = codes[first]
    mean, lpl, upl = (column[segment[last]] for column in limits[:3])
    target = targets[series]

    variation_table = np.array(
        [_VARIATION.get((code, direction), "common_cause") for code in range(len(POINT_TYPES))],
        dtype=object,
    )
    variation = variation_table[point_code[last]]

    assurance = _assurance(target, lpl, upl, direction)

    # The run of the last point's special-cause type, within the last segment.
    change = segment_start | np.r_[True, point_code[1:] != point_code[:-1]]
    run_begin = np.flatnonzero(change)[np.cumsum(change) - 1]
    start = run_begin[last]
    special = point_code[last] > 0
    run_length = np.where(special, last - start + 1, 0).astype(np.int64)

    period_values = rows[period].reset_index(drop=True)
    run_start = period_values.iloc[start].reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(run_start.dtype) or isinstance(
        run_start.dtype, pd.PeriodDtype
    ):
        run_start = run_start.where(special)
    else:
        run_start = run_start.astype(object).where(special, None)

    columns: dict[str, Any] = {
        "first_period": period_values.iloc[first].reset_index(drop=True),
        "last_period": period_values.iloc[last].reset_index(drop=True),
        "points": (last - first + 1).astype(np.int64),
        "last_value": x[last],
        "mean": mean,
        "lpl": lpl,
        "upl": upl,
        "target": target,
        "improvement": improvement,
        "variation": variation,
        "assurance": pd.Series(assurance, dtype=object),
        "run_start": run_start,
        "run_length": run_length,
    }
    keys = groups.keys.iloc[series].reset_index(drop=True)
    columns["variation"] = pd.Series(variation, dtype=object)
    columns["improvement"] = pd.Series([improvement] * len(first), dtype=object)
    return pd.concat([keys, pd.DataFrame(columns)], axis=1)


def _assurance(target: np.ndarray, lpl: np.ndarray, upl: np.ndarray, direction: int) -> np.ndarray:
    """Assurance of each series from where its target sits against its latest limits.

    A target beyond the upper limit is consistently failed when higher is better and
    consistently passed when lower is better (the mirror below the lower limit); between
    the limits (or on one) the process passes and fails at random: inconsistent. None
    without a target, without limits or when the direction is neutral.
    """
    target, lpl, upl = (np.asarray(a, dtype=float) for a in (target, lpl, upl))
    known = ~np.isnan(target) & ~np.isnan(lpl) & ~np.isnan(upl) & (direction != 0)
    above, below = target > upl, target < lpl
    passing, failing = (below, above) if direction > 0 else (above, below)
    out = np.where(
        passing, "consistently_pass", np.where(failing, "consistently_fail", "inconsistent")
    ).astype(object)
    out[~known] = None
    return out


__all__ = [
    "COMMON_CAUSE",
    "POINT_TYPES",
    "SPCResult",
    "SPCWarning",
    "SPECIAL_CAUSE_CONCERN",
    "SPECIAL_CAUSE_IMPROVEMENT",
    "SPECIAL_CAUSE_NEUTRAL_HIGH",
    "SPECIAL_CAUSE_NEUTRAL_LOW",
    "spc",
]
