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

This module holds :func:`spc`, its result and its warnings; the checks of the data it is
given are in :mod:`toolkit.monitor._spc_input` and the XmR arithmetic (limits, rules, the
summary's icons) in :mod:`toolkit.monitor._xmr`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Literal

import numpy as np
import pandas as pd

from toolkit._params import Interval, StrOptions, check_columns_exist, validate_params, warn
from toolkit._words import capitalised, listed
from toolkit.errors import DataContractError
from toolkit.indicators import _frames as v
from toolkit.monitor._spc_input import (
    _check_duplicates,
    _check_period_dtype,
    _first_series,
    _missing_periods,
    _rebase_starts,
    _series_targets,
)
from toolkit.monitor._xmr import (  # noqa: F401  (the constants importable from here as before)
    _POINT_TYPE_ARRAY,
    _RULES,
    COMMON_CAUSE,
    LIMIT_FACTOR,
    NEAR_LIMIT_FACTOR,
    POINT_TYPES,
    SCREEN_FACTOR,
    SHIFT_POINTS,
    SPECIAL_CAUSE_CONCERN,
    SPECIAL_CAUSE_IMPROVEMENT,
    SPECIAL_CAUSE_NEUTRAL_HIGH,
    SPECIAL_CAUSE_NEUTRAL_LOW,
    TREND_POINTS,
    _apply_rules,
    _assurance,
    _limits,
    _point_codes,
    _summary,
)

Improvement = Literal["increase", "decrease", "neutral"]

#: A segment with fewer points than this has trial limits, and a warning says so.
MINIMUM_POINTS = 12
#: Fewest points a fixed baseline may have (``fix_after``), as NHSRplotthedots.
MINIMUM_FIX_AFTER = 12

_IMPROVEMENTS: dict[str, int] = {"increase": 1, "decrease": -1, "neutral": 0}

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
    NHSRplotthedots warns), when rows with a missing value are left out of the charts, when
    a series lacks periods between its first and last (its chart joins the points either
    side), and when a rebase period starts no new segment in any series.
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
    notes : tuple of str
        What a reader of the charts should know about the points they join, in sentences:
        rows left out for a missing value, and periods missing between a series' first and
        last, named. Each was also warned of (:class:`SPCWarning`). Empty when none.
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
    notes: tuple[str, ...] = ()

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
        notes = "".join(f"<p>{escape(note)}</p>" for note in self.notes)
        return f"<p><b>{caption}</b></p>{table}{more}{notes}"


#: Constraints of the options :func:`spc` shares with
#: :func:`toolkit.monitor.follow_priorities`.
FIX_AFTER = [Interval(numbers.Integral, MINIMUM_FIX_AFTER, None, closed="left"), None]


@validate_params(
    {
        "data": ["data-frame"],
        "value": ["column"],
        "period": ["column"],
        "by": ["columns", None],
        "improvement": [StrOptions(_IMPROVEMENTS), None],
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
    improvement: Improvement | None = None,
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
    improvement : {"increase", "decrease", "neutral"}, optional
        Which direction is better; ``"neutral"`` labels special causes high or low. By
        default the direction the data's own ``improvement`` column gives (as
        :func:`toolkit.monitor.read_series` keeps it), else ``"increase"``. Given, and
        the column says otherwise, the argument is used, with a warning.
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
        For a series with the same period twice, a row without a period, an infinite value
        or a target that changes within a series; the message names the series and periods
        (or rows).

    Warns
    -----
    SPCWarning
        When a series (or a rebased segment) has fewer than 12 points, when rows with a
        missing value are left out, when a series lacks periods between its first and last
        (naming them), and when a rebase period starts no segment anywhere. The missing
        values and periods are said in :attr:`SPCResult.notes` too.

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

    A period missing from a series (no row, or a row with a missing value) is not filled
    in: the chart joins the points either side of it, so its moving range, trends and
    shifts run across the gap as if the two points were consecutive. That is warned of,
    naming the missing periods, rather than refused, as a missing value is; add the
    periods (with a count of 0 where nothing happened) for a true chart. Dates step by
    months (by days when two of a series' dates share a month), as do integers that are
    each a year and a month (202401 for January 2024, as
    :func:`~toolkit.monitor.validate_series` reads them); other integers (years such as
    2024) step by ones. Each steps by the smallest spacing between a series' periods;
    pandas Periods step by their frequency.
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
    improvement = _resolve_improvement(data, improvement, [value, period, *by_columns], func)
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
    v.refuse_rows(
        infinite,
        f"The 'value' column {value!r} of {func} has infinite values in {{rows}}. Chart "
        "finite values only.",
        column=value,
        check="finite",
    )
    v.refuse_rows(
        periods.isna().to_numpy(),
        f"The 'period' column {period!r} of {func} is missing in {{rows}}. Every point "
        "needs a period.",
        column=period,
        check="period_given",
    )

    groups = v.group_rows(data, by_columns)
    period_codes, period_uniques = pd.factorize(periods, sort=True)
    order = np.lexsort((period_codes, groups.codes))
    codes = groups.codes[order]
    pcodes = period_codes[order].astype(np.int64)
    _check_duplicates(codes, pcodes, period_uniques, groups, period, func, order)

    targets = _series_targets(data, target_column, target_number, groups, order, codes, func)

    # Rows with a missing value are left out, as if their period had no row.
    missing = np.isnan(values[order])
    notes: list[str] = []
    if missing.any():
        notes.append(_warn_missing(codes[missing], groups, value, func))
        keep = ~missing
        order, codes, pcodes = order[keep], codes[keep], pcodes[keep]
        if len(order) == 0:
            raise DataContractError(
                f"The 'value' column {value!r} of {func} is missing on every row: "
                "there is nothing to chart."
            )
    if len(order) == 0:
        raise DataContractError(f"The data given to {func} has no rows: nothing to chart.")

    gaps = _missing_periods(codes, pd.Index(period_uniques)[pcodes])
    if gaps:
        notes.append(_warn_gaps(gaps, groups, period, func))

    x = values[order]
    n = len(x)
    series_start = np.r_[True, codes[1:] != codes[:-1]]
    rebase_start, unused = _rebase_starts(
        rebase, codes, pcodes, series_start, period_uniques, periods, groups, by_columns, func
    )
    if unused:
        _warn_unused_rebase(unused, func)
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
        notes=tuple(notes),
    )


def _resolve_improvement(
    data: pd.DataFrame, improvement: Improvement | None, used: list[str], func: str
) -> Improvement:
    """Return the direction of improvement: the argument, else the data's own column.

    A series file says which direction is better in its ``improvement`` column
    (:func:`toolkit.monitor.read_series` keeps it); charting it the other way round
    would call a real improvement a concern, so the column is read when the argument is
    not given, and a disagreeing argument is warned about.
    """
    column = "improvement"
    said: list[str] = []
    if column in data.columns and column not in used:
        said = sorted({str(text).strip().lower() for text in data[column].dropna()} - {""})
    if improvement is not None:
        if said and said != [improvement]:
            warn(
                f"{func}: improvement={improvement!r} was given, but the data's "
                f"'improvement' column says {listed(said, quote=True, last_sep=' or ')}; "
                f"the charts take {improvement!r}.",
                SPCWarning,
                stacklevel=3,
            )
        return improvement
    if not said:
        return "increase"
    unknown = [text for text in said if text not in _IMPROVEMENTS]
    if unknown:
        raise ValueError(
            f"The 'improvement' column of the data given to {func} holds "
            f"{listed(unknown, quote=True)}, which is not 'increase', "
            "'decrease' or 'neutral'. Correct the column, or give the 'improvement' "
            "parameter."
        )
    if len(said) > 1:
        raise ValueError(
            f"The 'improvement' column of the data given to {func} holds more than one "
            f"direction ({listed(said, quote=True)}); {func} charts every series "
            "with one direction. Chart each direction in a call of its own (give "
            "'improvement'), or use toolkit.monitor.follow_priorities, which reads each "
            "series' own."
        )
    return said[0]  # type: ignore[return-value]


def _warn_missing(codes: np.ndarray, groups: v.Groups, value: str, func: str) -> str:
    """Say how many rows with a missing value were left out, and from which series.

    Returns the sentence, for :attr:`SPCResult.notes`.
    """
    series = np.unique(codes)
    noun = "row has" if len(codes) == 1 else "rows have"
    sentence = (
        f"{len(codes)} {noun} a missing {value!r}, left out of the charts (as if "
        f"the period had no row), in {len(series)} series: {_first_series(groups, series)}."
    )
    warn(f"{func}: {sentence}", SPCWarning, stacklevel=3)
    return sentence


def _warn_gaps(gaps: dict[int, str], groups: v.Groups, period: str, func: str) -> str:
    """Say which periods are missing between a series' first and last, naming the series.

    Returns the sentence, for :attr:`SPCResult.notes`.
    """
    codes = sorted(gaps)
    if groups.keys.shape[1] == 0:
        where = f"the series lacks {gaps[codes[0]]}"
    else:
        named = [f"{v.group_label(groups.keys, code)}: {gaps[code]}" for code in codes[:5]]
        shown = listed(named, total=len(codes), final_and=False, sep="; ", last_sep=" and ")
        noun = (
            "series lacks periods between its"
            if len(codes) == 1
            else "series lack periods between their"
        )
        where = f"{len(codes)} {noun} first and last ({shown})"
    sentence = (
        f"{capitalised(where)} in the {period!r} column. The chart joins the points "
        "either side of a missing period, so its moving range, trends and shifts run across "
        "the gap; add the missing periods (with a count of 0 where nothing happened)."
    )
    warn(f"{func}: {sentence}", SPCWarning, stacklevel=3)
    return sentence


def _warn_unused_rebase(unused: list[str], func: str) -> None:
    """Say which rebase periods start a segment in no series (probably a mistake)."""
    warn(
        f"{func}: rebase period(s) {unused[:5]} start no new segment in any series "
        "(each is at or before the series' first period, or after its last).",
        SPCWarning,
        stacklevel=3,
    )


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
    shown = listed(described, total=len(short), final_and=False, sep="; ", last_sep=" and ")
    noun = "series or segment has" if len(short) == 1 else "series or segments have"
    warn(
        f"{func}: {len(short)} {noun} fewer than {MINIMUM_POINTS} points ("
        f"{shown}). Their limits are trial limits, which will move "
        "with each added point; read their signals with care.",
        SPCWarning,
        stacklevel=3,
    )


def _has_rebase(baseline_segment: np.ndarray) -> bool:
    return bool(len(baseline_segment)) and int(baseline_segment.max()) > 1


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
