"""Proportions, crude rates, directly standardised rates, indirectly standardised ratios and rates.

Each function takes a tidy DataFrame, sums the counts within each ``by`` group (so a cube
with extra dimensions such as sex or segment is simply aggregated over them) and returns
one row per group with ``value`` and its limits (``lower_95``, ``upper_95`` and so on for
every confidence level asked for; none with ``confidence=None``). Missing values follow
PHEindicatormethods: a proportion or crude rate whose group has missing events or a missing
population is NaN with a note (``missing="zero"`` counts missing events as 0 instead);
in the standardised statistics a missing count counts as 0, and a row with neither a count
nor a population contributes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit._params import CONFIDENCE, POSITIVE, validate_params, warn
from toolkit.indicators import _frames as v
from toolkit.indicators._dsr import directly_standardised_rate
from toolkit.indicators._frames import MissingCountWarning
from toolkit.indicators._isr import indirectly_standardised_rate, indirectly_standardised_ratio
from toolkit.indicators._rate_columns import (
    CONFIDENCE_NOT_REQUESTED,
    DSR_MINIMUM_EVENTS,
    GROUPS,
    MISSING,
    NOTE_MISSING,
    NOTE_NO_POPULATION,
    check_inputs,
    limit_settings,
    per,
    poisson_columns,
    reserve_names,
)
from toolkit.indicators.intervals import EXACT_POISSON_BELOW, METHOD_WILSON, wilson_interval

#: Constraints of :func:`proportion` and :func:`crude_rate` (see :func:`validate_params`).
_COUNTS = {
    **GROUPS,
    "events": ["column"],
    "population": ["column"],
    "confidence": [*CONFIDENCE, None],
    "multiplier": [POSITIVE],
    "missing": MISSING,
}


def _counts_keeping_missing(
    data: pd.DataFrame,
    *,
    count: str,
    population: str,
    func: str,
    count_param: str,
    population_param: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Return validated count and population columns with missing values left as NaN.

    Negative counts and events over a zero population raise; a missing value does not (its
    group becomes NaN).
    """
    counts = v.count_column(data, count, count_param, func)
    populations = v.count_column(data, population, population_param, func)
    v.check_population_for_events(
        counts,
        np.where(np.isnan(populations), 1.0, populations),
        events_column=count,
        population_column=population,
        population_param=population_param,
        func=func,
    )
    return counts, populations


def _warn_missing(incomplete: np.ndarray, func: str) -> None:
    """Warn, counting them, about groups left NaN by missing events or a missing population."""
    count = int(np.count_nonzero(incomplete))
    if count:
        noun = "group has" if count == 1 else "groups have"
        warn(
            f"{func}: {count} {noun} missing events or a missing population; value and "
            "limits are NaN (as PHEindicatormethods). Pass missing='zero' to count missing "
            "events as 0.",
            MissingCountWarning,
            stacklevel=3,
        )


def _group_totals(
    data: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    func: str,
    by: str | Sequence[str] | None,
    confidence: float | Sequence[float] | None,
    missing: str,
    proportion: bool = False,
) -> tuple[v.Groups, tuple[float, ...], np.ndarray, np.ndarray, np.ndarray]:
    """Check the inputs, then validate the counts and populations and sum them by group.

    ``columns`` maps the parameter names of the count and the population (also the names
    of their output columns) to their columns. With ``missing="zero"`` a missing count is
    0 (and a missing population where there are events raises); otherwise a group with a
    missing value is NaN. Returns the groups, the confidence levels, the summed counts and
    populations, and which groups have a missing one.
    """
    (count_param, count), (population_param, population) = columns.items()
    by_columns, levels = check_inputs(
        data, func=func, columns=columns, by=by, confidence=confidence
    )
    reserve_names(by_columns, list(columns), levels, func)
    # A missing count is 0 with missing="zero"; otherwise missing values stay NaN.
    read = v.counts_and_populations if missing == "zero" else _counts_keeping_missing
    counts, populations = read(
        data,
        count=count,
        population=population,
        func=func,
        count_param=count_param,
        population_param=population_param,
    )
    if proportion:  # events over their population raise, missing values or not
        v.check_events_within(counts, populations, count, population, func)
    groups = v.group_rows(data, by_columns)
    x, n = groups.total(counts), groups.total(populations)
    return groups, levels, x, n, np.isnan(x) | np.isnan(n)


@validate_params(_COUNTS, renamed={"numerator": "events", "denominator": "population"})
def proportion(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] | None = 0.95,
    multiplier: float = 100,
    missing: Literal["na", "zero"] = "na",
) -> pd.DataFrame:
    """Proportion with Wilson score limits for each group.

    Parameters
    ----------
    data : pandas.DataFrame
        One or more rows per group.
    events : str
        Column of people with the attribute (summed within each group). Called
        ``numerator`` before this release; the old keyword still works, with a
        ``FutureWarning``.
    population : str
        Column of people at risk (summed within each group). Called ``denominator``
        before this release (likewise).
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    confidence : float or sequence of float or None, default 0.95
        Confidence level(s) in (0, 1), e.g. ``(0.95, 0.998)``; ``None`` gives the value
        alone (no limit columns, ``confidence`` "not requested").
    multiplier : float, default 100
        Scale of the output: 100 gives a percentage, 1 a proportion.
    missing : {"na", "zero"}, default "na"
        ``"na"`` (PHEindicatormethods): a group with missing events or a missing
        population gets NaN value and limits, a note, and a :class:`MissingCountWarning`
        counts such groups. ``"zero"``: missing events count as 0 and a missing
        population where there are events raises.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``events``, ``population`` (the summed
        counts; ``numerator`` and ``denominator`` before this release), ``value``,
        ``lower_<level>`` and ``upper_<level>`` for each level, ``confidence``,
        ``method`` and ``note``.

    Notes
    -----
    The limits are the Wilson score interval without continuity correction, from
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``, as used by OHID
    (PHEindicatormethods ``phe_proportion``). A zero population gives NaN and the note
    "no population" ("no denominator" before this release).
    """
    func = "proportion"
    groups, levels, x, n, incomplete = _group_totals(
        data,
        {"events": events, "population": population},
        func=func,
        by=by,
        confidence=confidence,
        missing=missing,
        proportion=True,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(n > 0, x / n, np.nan)
    columns: dict[str, Any] = {"events": x, "population": n, "value": value * multiplier}
    columns.update(
        limit_settings(
            levels, lambda level: wilson_interval(x, n, level), METHOD_WILSON, multiplier
        )
    )
    columns["note"] = np.where(incomplete, NOTE_MISSING, np.where(n > 0, "", NOTE_NO_POPULATION))
    _warn_missing(incomplete, func)
    return v.result_frame(groups.keys, columns)


@validate_params(_COUNTS)
def crude_rate(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] | None = 0.95,
    multiplier: float = 100_000,
    missing: Literal["na", "zero"] = "na",
) -> pd.DataFrame:
    """Crude rate with exact Poisson (fewer than 10 events) or Byar limits.

    Parameters
    ----------
    data : pandas.DataFrame
        One or more rows per group.
    events : str
        Column of events (summed within each group). Zero events is valid.
    population : str
        Column of the population at risk (summed within each group).
    by, confidence
        As for :func:`proportion`.
    multiplier : float, default 100_000
        Rate per this many people.
    missing : {"na", "zero"}, default "na"
        ``"na"`` (PHEindicatormethods): a group with missing events or population gets
        NaN value and limits, a note, and a :class:`MissingCountWarning` counts such
        groups. ``"zero"``: missing events count as 0 and a missing population where
        there are events raises.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``events``, ``population``, ``value``,
        the limit columns, ``confidence``, ``method`` (``"exact Poisson"`` or
        ``"Byar"``; None where the events are missing) and ``note``.

    Notes
    -----
    Limits are those of the count divided by the population: exact Poisson limits from
    ``scipy.stats.chi2`` below 10 events, Byar's approximation (our own two lines)
    from 10 up, as OHID's ``phe_rate``. With zero events the limits are
    [0, χ²_{1-α/2}(2)/2 / population].
    """
    func = "crude_rate"
    groups, levels, x, n, incomplete = _group_totals(
        data,
        {"events": events, "population": population},
        func=func,
        by=by,
        confidence=confidence,
        missing=missing,
    )
    scale, has_population = per(multiplier, n)
    columns = {"events": x, "population": n}
    columns.update(poisson_columns(x, scale, levels, valid=has_population, note=NOTE_NO_POPULATION))
    columns["note"] = np.where(incomplete, NOTE_MISSING, columns["note"])
    _warn_missing(incomplete, func)
    return v.result_frame(groups.keys, columns)


__all__ = [
    "CONFIDENCE_NOT_REQUESTED",
    "DSR_MINIMUM_EVENTS",
    "EXACT_POISSON_BELOW",
    "MissingCountWarning",
    "crude_rate",
    "directly_standardised_rate",
    "indirectly_standardised_rate",
    "indirectly_standardised_ratio",
    "proportion",
]
