"""Funnel plot control limits and the significance of each unit against them.

Control limits at two and three standard deviations (95% and 99.8%) around the pooled
value, as the PHE funnel plot tool draws them:

- proportions: the observed proportion at which the Wilson score interval would just reach
  the mean, which is p̄ ± z√(p̄(1 − p̄)/n), clipped to [0, 1];
- ratios (observed / expected, e.g. an indirectly standardised ratio) and rates: the exact
  Poisson limits of the expected count (``scipy.stats.chi2``) divided by it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.indicators import _validation as v
from toolkit.indicators.intervals import exact_poisson_interval, z_value

Statistic = Literal["proportion", "ratio", "rate"]
_STATISTICS = {"proportion": "proportion", "ratio": "ratio", "rate": "rate"}
#: Default multipliers: percentages, plain ratios, rates per 100,000.
_DEFAULT_MULTIPLIERS = {"proportion": 100.0, "ratio": 1.0, "rate": 100_000.0}
#: Labels of :func:`assign_funnel_significance`.
SIGNIFICANCE_LABELS = ("below", "within", "above")

FunnelConfidence = float | Sequence[float]


def _limits(
    statistic: str,
    baseline: np.ndarray,
    denominator: np.ndarray,
    level: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits (unscaled) at each denominator."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if statistic == "proportion":
            half = z_value(level) * np.sqrt(baseline * (1 - baseline) / denominator)
            return np.clip(baseline - half, 0, 1), np.clip(baseline + half, 0, 1)
        expected = baseline * denominator
        lower, upper = exact_poisson_interval(expected, level)
        return lower / denominator, upper / denominator


def _pooled(
    data: pd.DataFrame,
    numerator: str,
    denominator: str,
    groups: v.Groups,
    func: str,
    proportion: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the validated numerators and denominators, and each group's pooled value.

    With ``proportion`` a numerator above its denominator is refused.
    """
    counts, sizes = v.numerators_and_denominators(
        data, numerator=numerator, denominator=denominator, func=func, proportion=proportion
    )
    total, size = groups.total(counts), groups.total(sizes)
    return counts, sizes, np.where(size > 0, total / np.where(size > 0, size, 1), np.nan)


def _check_options(
    data: Any,
    *,
    numerator: Any,
    denominator: Any,
    by: Any,
    confidence: Any,
    statistic: Any,
    multiplier: Any,
    baseline: Any,
    func: str,
) -> tuple[list[str], tuple[float, ...], str, float, float | None]:
    """Check the options both funnel functions share, in order; return them resolved.

    Returns the ``by`` columns, the confidence levels, the statistic, the multiplier
    (its default for the statistic when ``None``) and the baseline (1 for ratios when
    ``None``).
    """
    v.check_columns(data, {"numerator": numerator, "denominator": denominator}, func)
    by_columns = v.normalise_by(data, by, func)
    levels = v.parse_confidence(confidence, func)
    statistic = v.check_choice(statistic, "statistic", func, _STATISTICS)
    if multiplier is None:
        multiplier = _DEFAULT_MULTIPLIERS[statistic]
    multiplier = v.check_positive(multiplier, "multiplier", func)
    if baseline is not None:
        baseline = v.check_real(
            baseline,
            "baseline",
            func,
            low=0.0,
            low_open=False,
            description="a non-negative float or None",
        )
        if statistic == "proportion" and baseline > 1:
            raise ValueError(
                f"The 'baseline' parameter of {func} must be a proportion in [0, 1] (before the "
                f"multiplier) for statistic='proportion'. Got {baseline!r} instead."
            )
    elif statistic == "ratio":
        baseline = 1.0
    return by_columns, levels, statistic, multiplier, baseline


def funnel_limits(
    data: pd.DataFrame,
    *,
    numerator: str,
    denominator: str,
    statistic: Statistic = "proportion",
    by: str | Sequence[str] | None = None,
    confidence: FunnelConfidence = (0.95, 0.998),
    multiplier: float | None = None,
    baseline: float | None = None,
    at: Sequence[float] | np.ndarray | None = None,
    points: int = 100,
) -> pd.DataFrame:
    """Funnel plot control limits over a range of denominators.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (practice, place, ...); used for the pooled baseline and the
        range of denominators.
    numerator : str
        Column of events (proportions, rates) or observed events (ratios).
    denominator : str
        Column of the denominator: people (proportions, rates) or expected events (ratios).
    statistic : {"proportion", "ratio", "rate"}, default "proportion"
        Kind of indicator.
    by : str or list of str, optional
        Grouping columns; each group gets its own baseline and funnel.
    confidence : float or sequence of float, default (0.95, 0.998)
        Levels of the limits; 0.95 and 0.998 are the 2 and 3 standard deviation limits.
    multiplier : float, optional
        Scale of the output: default 100 for proportions (percentages), 1 for ratios,
        100,000 for rates.
    baseline : float, optional
        Centre line before the multiplier. Default: pooled Σnumerator / Σdenominator for
        proportions and rates, 1 for ratios (observed equals expected).
    at : array-like, optional
        Denominators at which to give the limits. Default ``points`` values spaced
        evenly on a log scale from 1 to 1.1 × the largest denominator of the group.
    points : int, default 100
        Number of denominators when ``at`` is not given.

    Returns
    -------
    pandas.DataFrame
        One row per group and denominator: the ``by`` columns, ``denominator``,
        ``baseline``, ``lower_<level>`` and ``upper_<level>`` for each level, and
        ``statistic``. Proportion limits are clipped to [0, multiplier].
    """
    func = "funnel_limits"
    by_columns, levels, statistic, multiplier, baseline = _check_options(
        data,
        numerator=numerator,
        denominator=denominator,
        by=by,
        confidence=confidence,
        statistic=statistic,
        multiplier=multiplier,
        baseline=baseline,
        func=func,
    )
    points = v.check_int(points, "points", func, minimum=2, description="an int of 2 or more")
    reserved = ["denominator", "baseline", *v.limit_columns(levels), "statistic"]
    v.check_no_clash(by_columns, reserved, func)
    if at is not None:
        at = np.asarray(at, dtype="float64").ravel()
        if at.size == 0 or not (np.isfinite(at).all() and (at > 0).all()):
            raise ValueError(
                f"The 'at' parameter of {func} must hold positive, finite denominators. "
                f"Got {at!r} instead."
            )

    groups = v.group_rows(data, by_columns)
    _, sizes, pooled = _pooled(data, numerator, denominator, groups, func)
    centre = np.full(groups.count, baseline) if baseline is not None else pooled
    if statistic == "proportion" and np.nanmax(np.append(centre, 0)) > 1:
        raise ValueError(
            f"The 'numerator' column {numerator!r} of {func} sums to more than the "
            f"'denominator' column {denominator!r}; a proportion cannot exceed 1."
        )
    frames = []
    for code in range(groups.count):
        if at is None:
            largest = sizes[groups.codes == code].max(initial=0.0)
            grid = np.geomspace(1.0, max(largest * 1.1, 2.0), points)
        else:
            grid = at
        centre_line = np.full(grid.shape, centre[code])
        columns: dict[str, Any] = {"denominator": grid, "baseline": centre_line * multiplier}
        interval = partial(_limits, statistic, centre_line, grid)
        columns.update(v.scaled_limits(levels, interval, multiplier))
        columns["statistic"] = statistic
        frames.append(v.result_frame(groups.keys, columns, rows=np.full(len(grid), code)))
    return pd.concat(frames, ignore_index=True)


def assign_funnel_significance(
    data: pd.DataFrame,
    *,
    numerator: str,
    denominator: str,
    statistic: Statistic = "proportion",
    by: str | Sequence[str] | None = None,
    confidence: FunnelConfidence = (0.95, 0.998),
    multiplier: float | None = None,
    baseline: float | None = None,
) -> pd.DataFrame:
    """Say whether each unit lies below, within or above its funnel limits.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit.
    numerator, denominator : str
        Columns as in :func:`funnel_limits`.
    statistic : {"proportion", "ratio", "rate"}, default "proportion"
        Kind of indicator.
    by : str or list of str, optional
        Grouping columns; each group has its own baseline.
    confidence : float or sequence of float, default (0.95, 0.998)
        Levels of the limits.
    multiplier : float, optional
        Scale of ``funnel_value`` (defaults as in :func:`funnel_limits`).
    baseline : float, optional
        Centre line before the multiplier (defaults as in :func:`funnel_limits`).

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``funnel_value`` (numerator / denominator × multiplier),
        ``funnel_baseline`` and, for each level, ``funnel_<level>``: ``"below"``,
        ``"within"`` or ``"above"`` (an ordered categorical; missing where the
        denominator is zero). Existing columns are never overwritten.
    """
    func = "assign_funnel_significance"
    by_columns, levels, statistic, multiplier, baseline = _check_options(
        data,
        numerator=numerator,
        denominator=denominator,
        by=by,
        confidence=confidence,
        statistic=statistic,
        multiplier=multiplier,
        baseline=baseline,
        func=func,
    )
    labels = [f"funnel_{v.confidence_label(level)}" for level in levels]
    v.check_new_columns(data, ["funnel_value", "funnel_baseline", *labels], func)

    groups = v.group_rows(data, by_columns)
    counts, sizes, pooled = _pooled(
        data, numerator, denominator, groups, func, proportion=statistic == "proportion"
    )
    centre = np.full(groups.count, baseline) if baseline is not None else pooled
    row_centre = centre[groups.codes]
    valid = sizes > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(valid, counts / np.where(valid, sizes, 1), np.nan)
    columns: dict[str, Any] = {
        "funnel_value": value * multiplier,
        "funnel_baseline": row_centre * multiplier,
    }
    categories = pd.CategoricalDtype(list(SIGNIFICANCE_LABELS), ordered=True)
    for level, name in zip(levels, labels, strict=True):
        lower, upper = _limits(statistic, row_centre, np.where(valid, sizes, np.nan), level)
        verdict = np.where(value < lower, "below", np.where(value > upper, "above", "within"))
        verdict = np.where(valid & ~np.isnan(value), verdict, None)
        columns[name] = pd.Categorical(verdict, dtype=categories)
    return data.assign(**columns)


__all__ = ["SIGNIFICANCE_LABELS", "assign_funnel_significance", "funnel_limits"]
