"""Funnel plot control limits and the significance of each unit against them.

Control limits at two and three standard deviations (95% and 99.8%) around the pooled
value, as the PHE funnel plot tool draws them:

- proportions: the observed proportion at which the Wilson score interval would just reach
  the mean, which is p̄ ± z√(p̄(1 − p̄)/n), clipped to [0, 1];
- ratios (observed / expected, e.g. an indirectly standardised ratio), counts (the ratio
  minus one, PHEindicatormethods' ``ratio_type = "count"``) and rates: by default
  (``method="exact_bound"``) the limit at an expected count E is the observed count O that
  sits exactly on the exact one-sided Poisson bound, i.e. the O whose exact upper
  (lower) limit is E, divided by E. This is PHEindicatormethods' and the Fingertips funnel
  plot tool's method: a unit is outside the limits exactly when the exact Poisson test of
  its count against E is significant. ``method="poisson_quantile"`` keeps the toolkit's
  earlier curve, the exact Poisson limits of E itself divided by E; it sits about one
  event higher on both sides (narrower below, wider above), so a count just above the
  lower limit, such as O = 72 against E = 90.53, is flagged low by it but not by the test.

:func:`funnel_points` gives the rate and annual population at which each unit is drawn on a
rate funnel (PHEindicatormethods' ``calculate_funnel_points``).

The columns are named as in the glossary (``docs/glossary.md``): ``events`` and
``population`` (``numerator`` and ``denominator`` before this release, as
PHEindicatormethods names them; the old keywords still work for one release, with a
``FutureWarning``). For ratios and counts the ``population`` is the expected events.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from numbers import Integral
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import special

from toolkit._params import (
    CONFIDENCE,
    NON_NEGATIVE,
    POSITIVE,
    Interval,
    SequenceOf,
    StrOptions,
    check_columns_exist,
    check_new_columns,
    validate_params,
)
from toolkit.indicators import _frames as v
from toolkit.indicators.intervals import exact_poisson_interval, z_value

Statistic = Literal["proportion", "ratio", "count", "rate"]
Method = Literal["exact_bound", "poisson_quantile"]
RateType = Literal["crude", "dsr"]
_RATE_TYPES = [StrOptions({"crude", "dsr"})]
#: Constraints both funnel functions declare (see :func:`validate_params`).
_FUNNEL = {
    "data": ["data-frame"],
    "events": ["column"],
    "population": ["column"],
    "statistic": [StrOptions({"proportion", "ratio", "count", "rate"})],
    "by": ["columns", None],
    "confidence": CONFIDENCE,
    "multiplier": [POSITIVE, None],
    "baseline": [NON_NEGATIVE, None],
    "method": [StrOptions({"exact_bound", "poisson_quantile"})],
    "rate_type": _RATE_TYPES,
}
#: Old keyword names of the funnel functions' columns (PHEindicatormethods') to the new.
_RENAMED = {"numerator": "events", "denominator": "population"}
#: Default multipliers: percentages, plain ratios and counts, rates per 100,000.
_DEFAULT_MULTIPLIERS = {"proportion": 100.0, "ratio": 1.0, "count": 1.0, "rate": 100_000.0}
#: Labels of :func:`assign_funnel_significance`.
SIGNIFICANCE_LABELS = ("below", "within", "above")
#: Fewest events for which a directly standardised rate is given a funnel verdict or point.
DSR_MINIMUM_EVENTS = 10
#: The ``funnel_note`` of a DSR with fewer than :data:`DSR_MINIMUM_EVENTS` events.
NOTE_DSR_FEW_EVENTS = "not applicable: fewer than 10 events for a DSR"
#: Bisection steps for :func:`_exact_bound_counts` (the bracket halves each step).
_BISECTION_STEPS = 200

FunnelConfidence = float | Sequence[float]


def _bisect(
    func: Any, target: float, expected: np.ndarray, high: np.ndarray, increasing: bool
) -> np.ndarray:
    """Solve ``func(a, expected) = target`` for ``a`` in (0, high] by vectorised bisection."""
    low = np.zeros_like(expected)
    for _ in range(_BISECTION_STEPS):
        middle = (low + high) / 2
        with np.errstate(invalid="ignore"):
            above = func(middle, expected) > target
        go_down = above if increasing else ~above
        high = np.where(go_down, middle, high)
        low = np.where(go_down, low, middle)
    return (low + high) / 2


def _exact_bound_counts(expected: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Observed counts that sit exactly on the exact one-sided Poisson bounds of ``expected``.

    The lower count O_L has exact upper limit E: χ²_{1-α/2}(2O_L + 2)/2 = E, that is
    Q(O_L + 1, E) = α/2 with Q the regularised upper incomplete gamma function (clipped
    at 0 where even O = 0 is not significantly low). The upper count O_U has exact lower
    limit E: χ²_{α/2}(2O_U)/2 = E, that is P(O_U, E) = α/2. Both are continuous in E and
    solved for the count by bisection.
    """
    expected = np.asarray(expected, dtype="float64")
    tail = (1 - level) / 2
    finite = np.isfinite(expected) & (expected > 0)
    safe = np.where(finite, expected, 1.0)
    high = safe + 40 * np.sqrt(safe) + 100
    # Q(a, E) rises with a; P(a, E) falls with a.
    lower = _bisect(special.gammaincc, tail, safe, high, increasing=True) - 1
    upper = _bisect(special.gammainc, tail, safe, high, increasing=False)
    lower = np.where(finite, np.maximum(lower, 0.0), np.nan)
    upper = np.where(finite, upper, np.nan)
    return lower, upper


def _limits(
    statistic: str,
    baseline: np.ndarray,
    population: np.ndarray,
    level: float,
    method: str = "exact_bound",
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper control limits (before the multiplier) at each population.

    For ``"count"`` the limits are those of the ratio minus one.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        if statistic == "proportion":
            half = z_value(level) * np.sqrt(baseline * (1 - baseline) / population)
            return np.clip(baseline - half, 0, 1), np.clip(baseline + half, 0, 1)
        expected = baseline * population
        if method == "poisson_quantile":
            lower, upper = exact_poisson_interval(expected, level)
        else:
            lower, upper = _exact_bound_counts(expected, level)
        lower, upper = lower / population, upper / population
        if statistic == "count":
            return lower - 1, upper - 1
        return lower, upper


def _poisson_verdict(
    observed: np.ndarray, expected: np.ndarray, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Whether each observed count is significantly low or high against its expected count.

    The exact one-sided Poisson tests at α/2: low when P(X ≤ O | E) = Q(O + 1, E) < α/2,
    high when O > 0 and P(X ≥ O | E) = P(O, E) < α/2 (continuous in O). A unit is low
    exactly when it lies below the ``"exact_bound"`` lower limit, high when above the upper.
    """
    tail = (1 - level) / 2
    with np.errstate(invalid="ignore"):
        low = special.gammaincc(observed + 1, expected) < tail
        high = (observed > 0) & (
            special.gammainc(np.where(observed > 0, observed, 1), expected) < tail
        )
    return low, high


def _centred(
    data: pd.DataFrame,
    events: str,
    population: str,
    by_columns: list[str],
    func: str,
    *,
    baseline: float | None,
    proportion: bool = False,
    dsr: bool = False,
) -> tuple[v.Groups, np.ndarray, np.ndarray, np.ndarray]:
    """Return the groups, the validated events and populations, and each group's centre.

    The centre is ``baseline`` when given, else the group's pooled value. With
    ``proportion`` events above their population are refused. With ``dsr`` rows with
    fewer than :data:`DSR_MINIMUM_EVENTS` events are left out of the pooled value.
    """
    groups = v.group_rows(data, by_columns)
    counts, sizes = v.events_and_populations(
        data, events=events, population=population, func=func, proportion=proportion
    )
    keep = counts >= DSR_MINIMUM_EVENTS if dsr else np.ones(counts.shape, dtype=bool)
    total = groups.total(np.where(keep, counts, 0.0))
    size = groups.total(np.where(keep, sizes, 0.0))
    pooled = np.where(size > 0, total / np.where(size > 0, size, 1), np.nan)
    centre = np.full(groups.count, baseline) if baseline is not None else pooled
    return groups, counts, sizes, centre


def _check_options(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    by: str | Sequence[str] | None,
    confidence: FunnelConfidence,
    statistic: str,
    multiplier: float | None,
    baseline: float | None,
    rate_type: str,
    func: str,
) -> tuple[list[str], tuple[float, ...], float, float | None, bool]:
    """Check the options both funnel functions share against the data; return them resolved.

    Returns the ``by`` columns, the confidence levels, the multiplier (its default for
    the statistic when ``None``), the baseline (1 for ratios and counts when ``None``)
    and whether the statistic is a directly standardised rate.
    """
    check_columns_exist(data, {"events": events, "population": population}, func)
    by_columns = v.by_columns(data, by, func)
    levels = v.confidence_levels(confidence)
    if multiplier is None:
        multiplier = _DEFAULT_MULTIPLIERS[statistic]
    multiplier = float(multiplier)
    if baseline is not None:
        baseline = float(baseline)
        if statistic == "proportion" and baseline > 1:
            raise ValueError(
                f"The 'baseline' parameter of {func} must be a proportion in [0, 1] (before the "
                f"multiplier) for statistic='proportion'. Got {baseline!r} instead."
            )
    elif statistic in ("ratio", "count"):
        baseline = 1.0
    return by_columns, levels, multiplier, baseline, statistic == "rate" and rate_type == "dsr"


@validate_params(
    {
        **_FUNNEL,
        "at": [
            SequenceOf(
                POSITIVE,
                min_length=1,
                description="a non-empty array-like of positive, finite populations",
            ),
            None,
        ],
        "points": [Interval(Integral, 2, None, closed="left")],
    },
    renamed=_RENAMED,
)
def funnel_limits(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    statistic: Statistic = "proportion",
    by: str | Sequence[str] | None = None,
    confidence: FunnelConfidence = (0.95, 0.998),
    multiplier: float | None = None,
    baseline: float | None = None,
    at: Sequence[float] | np.ndarray | None = None,
    points: int = 100,
    method: Method = "exact_bound",
    rate_type: RateType = "crude",
) -> pd.DataFrame:
    """Funnel plot control limits over a range of populations.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (practice, place, ...); used for the pooled baseline and the
        range of populations.
    events : str
        Column of events (proportions, rates) or observed events (ratios, counts).
        Called ``numerator`` before this release (PHEindicatormethods' name); the old
        keyword still works, with a ``FutureWarning``.
    population : str
        Column of the population: people (proportions, rates) or expected events (ratios,
        counts). Called ``denominator`` before this release (likewise).
    statistic : {"proportion", "ratio", "count", "rate"}, default "proportion"
        Kind of indicator. ``"count"`` is the ratio minus one (observed / expected - 1,
        centred on 0; PHEindicatormethods' ``ratio_type = "count"``).
    by : str or list of str, optional
        Grouping columns; each group gets its own baseline and funnel.
    confidence : float or sequence of float, default (0.95, 0.998)
        Levels of the limits; 0.95 and 0.998 are the 2 and 3 standard deviation limits.
    multiplier : float, optional
        Scale of the output: default 100 for proportions (percentages), 1 for ratios and
        counts, 100,000 for rates.
    baseline : float, optional
        Centre line before the multiplier. Default: pooled Σevents / Σpopulation for
        proportions and rates, 1 for ratios and counts (observed equals expected).
    at : array-like, optional
        Populations at which to give the limits. Default ``points`` values spaced
        evenly on a log scale from 1 to 1.1 × the largest population of the group.
    points : int, default 100
        Number of populations when ``at`` is not given.
    method : {"exact_bound", "poisson_quantile"}, default "exact_bound"
        Limits for ratios, counts and rates. ``"exact_bound"``: at an expected count E the
        limit is the observed count whose exact one-sided Poisson bound is E, over E (as
        PHEindicatormethods and the Fingertips funnel plot tool; a unit is outside exactly
        when the exact Poisson test of its count is significant). ``"poisson_quantile"``:
        the exact Poisson limits of E itself over E, the toolkit's earlier method,
        about one event higher on both sides. Ignored for proportions.
    rate_type : {"crude", "dsr"}, default "crude"
        For rates: with ``"dsr"`` (directly standardised rates, ``events`` the events)
        rows with fewer than 10 events are left out of the pooled baseline.

    Returns
    -------
    pandas.DataFrame
        One row per group and population: the ``by`` columns, ``population`` (called
        ``denominator`` before this release),
        ``baseline``, ``lower_<level>`` and ``upper_<level>`` for each level, and
        ``statistic``. Proportion limits are clipped to [0, multiplier]. For counts the
        baseline is 0 and the limits are (ratio limit - 1) × multiplier.
    """
    func = "funnel_limits"
    by_columns, levels, multiplier, baseline, dsr = _check_options(
        data,
        events=events,
        population=population,
        by=by,
        confidence=confidence,
        statistic=statistic,
        multiplier=multiplier,
        baseline=baseline,
        rate_type=rate_type,
        func=func,
    )
    reserved = ["population", "baseline", *v.limit_columns(levels), "statistic"]
    v.check_no_clash(by_columns, reserved, func)
    if at is not None:
        at = np.asarray(at, dtype="float64").ravel()

    groups, _, sizes, centre = _centred(
        data, events, population, by_columns, func, baseline=baseline, dsr=dsr
    )
    if statistic == "proportion" and np.nanmax(np.append(centre, 0)) > 1:
        raise ValueError(
            f"The 'events' column {events!r} of {func} sums to more than the "
            f"'population' column {population!r}; a proportion cannot exceed 1."
        )
    frames = []
    for code in range(groups.count):
        if at is None:
            largest = sizes[groups.codes == code].max(initial=0.0)
            grid = np.geomspace(1.0, max(largest * 1.1, 2.0), points)
        else:
            grid = at
        centre_line = np.full(grid.shape, centre[code])
        shown = centre_line - 1 if statistic == "count" else centre_line
        columns: dict[str, Any] = {"population": grid, "baseline": shown * multiplier}
        interval = partial(_limits, statistic, centre_line, grid, method=method)
        columns.update(v.scaled_limits(levels, interval, multiplier))
        columns["statistic"] = statistic
        frames.append(v.result_frame(groups.keys, columns, rows=np.full(len(grid), code)))
    return pd.concat(frames, ignore_index=True)


@validate_params(_FUNNEL, renamed=_RENAMED)
def assign_funnel_significance(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    statistic: Statistic = "proportion",
    by: str | Sequence[str] | None = None,
    confidence: FunnelConfidence = (0.95, 0.998),
    multiplier: float | None = None,
    baseline: float | None = None,
    method: Method = "exact_bound",
    rate_type: RateType = "crude",
) -> pd.DataFrame:
    """Say whether each unit lies below, within or above its funnel limits.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit.
    events, population : str
        Columns as in :func:`funnel_limits` (``numerator`` and ``denominator`` before
        this release; the old keywords still work, with a ``FutureWarning``).
    statistic : {"proportion", "ratio", "count", "rate"}, default "proportion"
        Kind of indicator (as in :func:`funnel_limits`).
    by : str or list of str, optional
        Grouping columns; each group has its own baseline.
    confidence : float or sequence of float, default (0.95, 0.998)
        Levels of the limits.
    multiplier : float, optional
        Scale of ``funnel_value`` (defaults as in :func:`funnel_limits`).
    baseline : float, optional
        Centre line before the multiplier (defaults as in :func:`funnel_limits`).
    method : {"exact_bound", "poisson_quantile"}, default "exact_bound"
        Limits for ratios, counts and rates, as in :func:`funnel_limits`: with
        ``"exact_bound"`` a unit is outside exactly when the exact Poisson test of its
        count is significant. Ignored for proportions.
    rate_type : {"crude", "dsr"}, default "crude"
        For rates: with ``"dsr"`` (directly standardised rates, ``events`` the events)
        rows with fewer than 10 events are left out of the pooled baseline and get no
        verdict (missing), with ``funnel_note`` saying the verdict is not applicable.

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``funnel_value`` (events / population × multiplier),
        ``funnel_baseline`` and, for each level, ``funnel_<level>``: ``"below"``,
        ``"within"`` or ``"above"`` (an ordered categorical; missing where the
        population is zero). For DSRs (``rate_type="dsr"``) also ``funnel_note``:
        ``"not applicable: fewer than 10 events for a DSR"`` where a row has fewer than 10
        events, else empty. Existing columns are never overwritten.
    """
    func = "assign_funnel_significance"
    by_columns, levels, multiplier, baseline, dsr = _check_options(
        data,
        events=events,
        population=population,
        by=by,
        confidence=confidence,
        statistic=statistic,
        multiplier=multiplier,
        baseline=baseline,
        rate_type=rate_type,
        func=func,
    )
    labels = [f"funnel_{v.confidence_label(level)}" for level in levels]
    notes = ["funnel_note"] if dsr else []
    check_new_columns(data, ["funnel_value", "funnel_baseline", *labels, *notes], func)

    groups, counts, sizes, centre = _centred(
        data,
        events,
        population,
        by_columns,
        func,
        baseline=baseline,
        proportion=statistic == "proportion",
        dsr=dsr,
    )
    row_centre = centre[groups.codes]
    valid = sizes > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(valid, counts / np.where(valid, sizes, 1), np.nan)
    few = dsr & (counts < DSR_MINIMUM_EVENTS)
    shown_value, shown_centre = value, row_centre
    if statistic == "count":
        shown_value, shown_centre = value - 1, row_centre - 1
    columns: dict[str, Any] = {
        "funnel_value": shown_value * multiplier,
        "funnel_baseline": shown_centre * multiplier,
    }
    categories = pd.CategoricalDtype(list(SIGNIFICANCE_LABELS), ordered=True)
    exact = statistic != "proportion" and method == "exact_bound"
    for level, name in zip(levels, labels, strict=True):
        if exact:
            low, high = _poisson_verdict(counts, row_centre * np.where(valid, sizes, np.nan), level)
        else:
            lower, upper = _limits(
                statistic, row_centre, np.where(valid, sizes, np.nan), level, method=method
            )
            low, high = shown_value < lower, shown_value > upper
        verdict = np.where(low, "below", np.where(high, "above", "within"))
        verdict = np.where(valid & ~np.isnan(value) & ~few, verdict, None)
        columns[name] = pd.Categorical(verdict, dtype=categories)
    if dsr:
        columns["funnel_note"] = np.where(few, NOTE_DSR_FEW_EVENTS, "")
    return data.assign(**columns)


@validate_params(
    {
        "data": ["data-frame"],
        "events": ["column"],
        "value": ["column"],
        "population": ["column", None],
        "rate_type": _RATE_TYPES,
        "years": [POSITIVE],
        "multiplier": [POSITIVE],
    },
    renamed={**_RENAMED, "rate": "value"},
)
def funnel_points(
    data: pd.DataFrame,
    *,
    events: str,
    value: str,
    population: str | None = None,
    rate_type: RateType = "crude",
    years: float = 1.0,
    multiplier: float = 100_000.0,
) -> pd.DataFrame:
    """Where each unit sits on a rate funnel: its rate and annual population.

    The population of a rate funnel is the one that would give the unit's rate from its
    events: events × multiplier / rate / years (for a directly standardised rate, the
    population of an area with the standard age structure). With no events the rate says
    nothing about the population, which then comes from ``population`` divided by
    ``years``. A DSR with fewer than 10 events is not plotted.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit.
    events : str
        Column of events. Called ``numerator`` before this release (PHEindicatormethods'
        name); the old keyword still works, with a ``FutureWarning``.
    value : str
        Column of the rate (crude or directly standardised) per ``multiplier``, as the
        rate functions' ``value``. Called ``rate`` before this release (likewise).
    population : str, optional
        Column of the population (over all ``years``); needed where a row has no events.
        Called ``denominator`` before this release (likewise).
    rate_type : {"crude", "dsr"}, default "crude"
        Kind of rate; with ``"dsr"`` rows with fewer than 10 events get no point.
    years : float, default 1.0
        Number of years the data cover; the funnel's population is per year.
    multiplier : float, default 100000.0
        The rate's multiplier (100,000 for a rate per 100,000).

    Returns
    -------
    pandas.DataFrame
        A copy of ``data`` with ``funnel_rate`` (the rate; missing for a DSR with fewer
        than 10 events), ``funnel_population`` (the annual population; likewise; called
        ``funnel_denominator`` before this release) and ``funnel_note`` (``"not
        applicable: fewer than 10 events for a DSR"`` for those rows, else empty).
        Existing columns are never overwritten.

    Raises
    ------
    ValueError
        If a row has no events and no (positive) ``population``, or a row with events
        has no positive rate.
    """
    func = "funnel_points"
    check_columns_exist(data, {"events": events, "value": value, "population": population}, func)
    years, multiplier = float(years), float(multiplier)
    check_new_columns(data, ["funnel_rate", "funnel_population", "funnel_note"], func)

    counts = v.numeric_column(data, events, "events", func)
    rates = v.numeric_column(data, value, "value", func)
    v.refuse_rows(
        np.isnan(counts) | (counts < 0),
        f"The 'events' column {events!r} of {func} must hold non-negative event "
        f"counts for every row (0 where there are none); see {{rows}}.",
        column=events,
    )
    none = counts == 0
    if population is None:
        sizes = np.full(counts.shape, np.nan)
    else:
        sizes = v.numeric_column(data, population, "population", func)
    v.refuse_rows(
        none & ~(sizes > 0),
        f"Where a row has no events, {func} needs its population from the "
        f"'population' parameter (a positive value); see {{rows}}.",
    )
    v.refuse_rows(
        ~none & ~(rates > 0),
        f"The 'value' column {value!r} of {func} must be a positive rate where there are "
        f"events; see {{rows}}.",
        column=value,
    )
    few = (counts < DSR_MINIMUM_EVENTS) if rate_type == "dsr" else np.zeros(counts.shape, bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = np.where(none, sizes, counts * multiplier / np.where(none, 1.0, rates)) / years
    return data.assign(
        funnel_rate=np.where(few, np.nan, rates),
        funnel_population=np.where(few, np.nan, derived),
        funnel_note=np.where(few, NOTE_DSR_FEW_EVENTS, ""),
    )


__all__ = [
    "DSR_MINIMUM_EVENTS",
    "NOTE_DSR_FEW_EVENTS",
    "SIGNIFICANCE_LABELS",
    "assign_funnel_significance",
    "funnel_limits",
    "funnel_points",
]
