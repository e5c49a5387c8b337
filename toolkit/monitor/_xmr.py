"""The XmR arithmetic of :func:`toolkit.monitor.spc.spc`: limits, rules, icons.

The job of this module is the vectorised statistics of the charts once the points are in
series and period order: the mean, process limits and near-limit lines of each segment
(with screening of large moving ranges), the four Making Data Count rules and the point
type each rule gives, and the one row per series of :meth:`~toolkit.monitor.spc.SPCResult.summary`
with its variation and assurance icons. The constants that name the rules and point types
are here, and importable from :mod:`toolkit.monitor.spc` as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from toolkit.indicators import _frames as v

#: Process limits sit this many mean moving ranges from the mean (3 / d2, d2 = 1.128).
LIMIT_FACTOR = 2.66
#: Near-limit lines sit two thirds of the way out (two sigma), 1.773 mean moving ranges.
NEAR_LIMIT_FACTOR = 2 * LIMIT_FACTOR / 3
#: Screening drops moving ranges at or above this many mean moving ranges (D4 for n = 2).
SCREEN_FACTOR = 3.267
#: Points in a trend (strictly rising or falling) and in a shift (one side of the mean).
TREND_POINTS = 7
SHIFT_POINTS = 7

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
