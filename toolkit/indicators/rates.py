"""Proportions, crude rates, directly standardised rates, indirectly standardised ratios and rates.

Each function takes a tidy DataFrame, sums the counts within each ``by`` group (so a cube
with extra dimensions such as sex or segment is simply aggregated over them) and returns
one row per group with ``value`` and its limits (``lower_95``, ``upper_95`` and so on for
every confidence level asked for). As in the published methods a missing count counts as
0, and a row with neither a count nor a population contributes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from toolkit.indicators import _validation as v
from toolkit.indicators._age_bands import band_positions, normalise_label, resolve_standard
from toolkit.indicators.intervals import (
    EXACT_POISSON_BELOW,
    METHOD_WILSON,
    poisson_interval,
    poisson_method,
    wilson_interval,
)

#: Fewer events than this and a DSR is not published (value and limits are NaN).
DSR_MINIMUM_EVENTS = 10

NOTE_NOT_PUBLISHED = f"not published: fewer than {DSR_MINIMUM_EVENTS} events"
NOTE_NO_POPULATION = "no population"
NOTE_NO_EXPECTED = "no expected events"

_ESP_TEXT = (
    "ESP2013 band labels ('0-4', '5-9', ..., '85-89', '90+'; '0' and '1-4' are summed into "
    "'0-4') or their start ages"
)


def _check_inputs(
    data: Any,
    *,
    func: str,
    columns: Mapping[str, Any],
    by: Any,
    confidence: Any,
) -> tuple[list[str], tuple[float, ...]]:
    """Check the frame, the columns it is given, ``by`` and ``confidence``, in that order."""
    v.check_columns(data, columns, func)
    return v.normalise_by(data, by, func), v.parse_confidence(confidence, func)


def _per(factor: float, denominator: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``factor / denominator`` where the denominator is positive (NaN elsewhere), and where."""
    positive = denominator > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(positive, factor / denominator, np.nan), positive


def _poisson_columns(
    observed: np.ndarray,
    scale: np.ndarray,
    levels: Sequence[float],
    *,
    valid: np.ndarray,
    note: str,
) -> dict[str, Any]:
    """Build ``value`` (observed × scale), its limits, ``confidence``, ``method`` and ``note``.

    The limits are the exact Poisson or Byar limits of the observed count times ``scale``;
    ``note`` goes where the row is not ``valid``.
    """
    columns: dict[str, Any] = {"value": observed * scale}
    columns.update(
        v.scaled_limits(levels, lambda level: poisson_interval(observed, level)[:2], scale)
    )
    columns["confidence"] = v.confidence_text(levels)
    columns["method"] = poisson_method(observed)
    columns["note"] = np.where(valid, "", note)
    return columns


def proportion(
    data: pd.DataFrame,
    *,
    numerator: str,
    denominator: str,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100,
) -> pd.DataFrame:
    """Proportion with Wilson score limits for each group.

    Parameters
    ----------
    data : pandas.DataFrame
        One or more rows per group.
    numerator : str
        Column of people with the attribute (summed within each group).
    denominator : str
        Column of people at risk (summed within each group).
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    confidence : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1), e.g. ``(0.95, 0.998)``.
    multiplier : float, default 100
        Scale of the output: 100 gives a percentage, 1 a proportion.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``numerator``, ``denominator``, ``value``,
        ``lower_<level>`` and ``upper_<level>`` for each level, ``confidence``,
        ``method`` and ``note``.

    Notes
    -----
    The limits are the Wilson score interval without continuity correction, from
    ``statsmodels.stats.proportion.proportion_confint(method="wilson")``, as used by OHID
    (PHEindicatormethods ``phe_proportion``). A missing numerator counts as 0.
    """
    func = "proportion"
    by_columns, levels = _check_inputs(
        data,
        func=func,
        columns={"numerator": numerator, "denominator": denominator},
        by=by,
        confidence=confidence,
    )
    multiplier = v.check_positive(multiplier, "multiplier", func)
    out_names = ["numerator", "denominator", "value", *v.limit_columns(levels)]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)

    counts, populations = v.numerators_and_denominators(
        data, numerator=numerator, denominator=denominator, func=func, proportion=True
    )
    groups = v.group_rows(data, by_columns)
    x, n = groups.total(counts), groups.total(populations)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(n > 0, x / n, np.nan)
    columns: dict[str, Any] = {"numerator": x, "denominator": n, "value": value * multiplier}
    columns.update(v.scaled_limits(levels, lambda level: wilson_interval(x, n, level), multiplier))
    columns["confidence"] = v.confidence_text(levels)
    columns["method"] = METHOD_WILSON
    columns["note"] = np.where(n > 0, "", "no denominator")
    return v.result_frame(groups.keys, columns)


def crude_rate(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
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
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    confidence : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1), e.g. ``(0.95, 0.998)``.
    multiplier : float, default 100_000
        Rate per this many people.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``events``, ``population``, ``value``,
        the limit columns, ``confidence``, ``method`` (``"exact Poisson"`` or
        ``"Byar"``) and ``note``.

    Notes
    -----
    Limits are those of the count divided by the population: exact Poisson limits from
    ``scipy.stats.chi2`` below 10 events, Byar's approximation (our own two lines)
    from 10 up, as OHID's ``phe_rate``. With zero events the limits are
    [0, χ²_{1-α/2}(2)/2 / population].
    """
    func = "crude_rate"
    by_columns, levels = _check_inputs(
        data,
        func=func,
        columns={"events": events, "population": population},
        by=by,
        confidence=confidence,
    )
    multiplier = v.check_positive(multiplier, "multiplier", func)
    out_names = ["events", "population", "value", *v.limit_columns(levels)]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)

    counts, populations = v.counts_and_populations(
        data, count=events, population=population, func=func
    )
    groups = v.group_rows(data, by_columns)
    x, n = groups.total(counts), groups.total(populations)
    scale, has_population = _per(multiplier, n)
    columns = {"events": x, "population": n}
    columns.update(
        _poisson_columns(x, scale, levels, valid=has_population, note=NOTE_NO_POPULATION)
    )
    return v.result_frame(groups.keys, columns)


def directly_standardised_rate(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    age_band: str,
    by: str | Sequence[str] | None = None,
    standard_population: Mapping[str, float] | pd.Series | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    independent_events: bool = True,
    event_frequency: str | None = None,
) -> pd.DataFrame:
    """Directly standardised rate (DSR) with Dobson limits for each group.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy rows with an age band; rows sharing a group and band are summed (so a cohort
        cube is aggregated over its other dimensions).
    events : str
        Column of events.
    population : str
        Column of the population at risk.
    age_band : str
        Column of age-band labels. With the default standard these are the ESP2013
        labels ``"0-4"``, ``"5-9"``, ..., ``"85-89"``, ``"90+"`` (en dashes and spaces
        allowed, or the start age as a number); five-year data with ``"0"`` and ``"1-4"``
        split is accepted and summed into ``"0-4"``.
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    standard_population : mapping or pandas.Series, optional
        Band label to standard population. Default: European Standard Population 2013.
    confidence : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1), e.g. ``(0.95, 0.998)``.
    multiplier : float, default 100_000
        Rate per this many people.
    independent_events : bool, default True
        Set to False when a person can have several events (admissions, say); the data
        must then be broken down by ``event_frequency`` and the variance is adjusted.
    event_frequency : str, optional
        With ``independent_events=False``: column of the number of events per person
        (1, 2, 3, ...). ``events`` holds the events in that row (people with that
        frequency times the frequency) and ``population`` the band's population,
        repeated on each frequency row.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``events``, ``population``, ``value``,
        the limit columns, ``age_bands`` (bands with a population that entered the
        standardisation), ``standard`` (``"ESP2013"`` or ``"custom"``), ``confidence``,
        ``method`` and ``note``. With fewer than 10 events the value and limits are NaN
        and ``note`` says it is not published; the row is kept.

    Notes
    -----
    DSR = Σ(xᵢWᵢ/nᵢ)/ΣW × multiplier; Var = Σ(xᵢWᵢ²/nᵢ²)/(ΣW)²; Dobson limits
    DSR + √(Var/O)(O_lim − O) × multiplier with O_lim the Byar (10 events or more) or
    exact Poisson limit of the total O, as OHID's ``calculate_dsr``. ΣW is over the
    bands present in the group (a band with neither count nor population contributes
    nothing), so a group without some bands is standardised over the bands it has, as
    in ``calculate_dsr``; compare groups on the ``age_bands`` column. For
    non-independent events Var = Σ_f f²·Var_f, with Var_f computed from the people
    with f events. Our own vectorised code: no library implements Dobson's method.
    """
    func = "directly_standardised_rate"
    by_columns, levels = _check_inputs(
        data,
        func=func,
        columns={"events": events, "population": population, "age_band": age_band},
        by=by,
        confidence=confidence,
    )
    multiplier = v.check_positive(multiplier, "multiplier", func)
    independent_events = v.check_bool(independent_events, "independent_events", func)
    if independent_events and event_frequency is not None:
        raise ValueError(
            f"The 'event_frequency' parameter of {func} is only used with "
            "independent_events=False. Got independent_events=True."
        )
    if not independent_events:
        if event_frequency is None:
            raise ValueError(
                f"The 'event_frequency' parameter of {func} must name the column of events "
                "per person when independent_events=False. Got None instead."
            )
        v.check_column(data, event_frequency, "event_frequency", func)
    if age_band in by_columns:
        raise ValueError(f"The 'by' parameter of {func} must not include the age band column.")
    out_names = ["events", "population", "value", *v.limit_columns(levels), "age_bands"]
    v.check_no_clash(by_columns, [*out_names, "standard", "confidence", "method", "note"], func)

    labels, weights, lookup = resolve_standard(standard_population, func)
    expected = _ESP_TEXT if standard_population is None else f"the standard's bands {list(labels)}"
    counts, populations = v.counts_and_populations(
        data, count=events, population=population, func=func
    )
    bands = band_positions(data, age_band, lookup, func=func, expected=expected)
    groups = v.group_rows(data, by_columns)
    n_bands = len(labels)
    cells = groups.codes * n_bands + bands
    size = groups.count * n_bands
    x = np.bincount(cells, weights=counts, minlength=size).reshape(groups.count, n_bands)

    if independent_events:
        n = np.bincount(cells, weights=populations, minlength=size).reshape(groups.count, n_bands)
        weighted_events_for_variance = x
    else:
        n, weighted_events_for_variance = _frequency_breakdown(
            data, counts, populations, cells, size, event_frequency, func
        )
        n = n.reshape(groups.count, n_bands)
        weighted_events_for_variance = weighted_events_for_variance.reshape(groups.count, n_bands)

    present = n > 0
    w = np.where(present, weights, 0.0)
    w_total = w.sum(axis=1)
    safe_n = np.where(present, n, 1.0)
    rate_sum = (x * w / safe_n).sum(axis=1)
    variance_sum = (weighted_events_for_variance * (w / safe_n) ** 2).sum(axis=1)
    observed = x.sum(axis=1)
    has_population = w_total > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        dsr = np.where(has_population, rate_sum / w_total, np.nan)
        variance = np.where(has_population, variance_sum / w_total**2, np.nan)
        spread = np.sqrt(variance / observed)
    published = has_population & (observed >= DSR_MINIMUM_EVENTS)

    def dobson_limits(level: float) -> tuple[np.ndarray, np.ndarray]:
        lower, upper, _ = poisson_interval(observed, level)
        with np.errstate(invalid="ignore"):
            low = (dsr + spread * (lower - observed)) * multiplier
            high = (dsr + spread * (upper - observed)) * multiplier
        return np.where(published, low, np.nan), np.where(published, high, np.nan)

    columns: dict[str, Any] = {
        "events": observed,
        "population": n.sum(axis=1),
        "value": np.where(published, dsr * multiplier, np.nan),
    }
    columns.update(v.scaled_limits(levels, dobson_limits))
    columns["age_bands"] = present.sum(axis=1)
    columns["standard"] = "ESP2013" if standard_population is None else "custom"
    columns["confidence"] = v.confidence_text(levels)
    dobson = "Dobson (Byar)" if independent_events else "Dobson (Byar), non-independent events"
    columns["method"] = dobson
    columns["note"] = np.where(
        ~has_population, NOTE_NO_POPULATION, np.where(published, "", NOTE_NOT_PUBLISHED)
    )
    return v.result_frame(groups.keys, columns)


def _frequency_breakdown(
    data: pd.DataFrame,
    counts: np.ndarray,
    populations: np.ndarray,
    cells: np.ndarray,
    size: int,
    event_frequency: str,
    func: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Band populations and Σ f·x per cell for non-independent events.

    The population is repeated on every frequency row of a band, so it is summed within
    (cell, frequency) and must agree across the frequencies of a cell.
    """
    frequency = v.numeric_column(data, event_frequency, "event_frequency", func)
    bad = ~(np.isfinite(frequency) & (frequency >= 1))
    if bad.any():
        raise ValueError(
            f"The 'event_frequency' column {event_frequency!r} of {func} must be 1 or more "
            f"(events per person); it is not in {v.rows_text(data.index[bad])}."
        )
    freq_codes, freq_values = pd.factorize(frequency, sort=True)
    band_population, _, bad_rows = v.value_repeated_per_cell(
        populations, cells, freq_codes, size, len(freq_values)
    )
    if bad_rows.any():
        raise ValueError(
            f"The 'population' column of {func} differs between the event frequencies of the "
            f"same group and age band, in {v.rows_text(data.index[bad_rows])}. With "
            "independent_events=False each frequency row repeats the band's population."
        )
    # persons with f events = events / f; their variance weight is f² · persons = f · events
    weighted = np.bincount(cells, weights=counts * frequency, minlength=size)
    return band_population, weighted


def indirectly_standardised_ratio(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    age_band: str,
    reference_rates: Mapping[str, float] | pd.Series,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    reference_value: float = 100,
) -> pd.DataFrame:
    """Indirectly standardised ratio (observed / expected) with Poisson limits.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy rows with an age band; rows sharing a group and band are summed.
    events : str
        Column of observed events.
    population : str
        Column of the population at risk.
    age_band : str
        Column of age-band labels, matched (after normalising spaces and dashes) to the
        labels of ``reference_rates``.
    reference_rates : mapping or pandas.Series
        Age band label to the reference rate per person (reference events divided by
        reference population, e.g. England's), for every band in the data.
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    confidence : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1).
    reference_value : float, default 100
        Value of the ratio when observed equals expected (100 for an SMR-style ratio,
        1 for a plain ratio).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``observed``, ``expected``, ``value``,
        the limit columns, ``confidence``, ``method`` and ``note``.

    Notes
    -----
    E = Σ nᵢ·rᵢ; ratio = O/E × reference value; limits are the exact Poisson (fewer than
    10 events) or Byar limits of O divided by E, as OHID's ``calculate_ISRatio``.
    """
    return _indirectly_standardised(
        data,
        func="indirectly_standardised_ratio",
        events=events,
        population=population,
        age_band=age_band,
        reference_rates=reference_rates,
        by=by,
        confidence=confidence,
        factor_param="reference_value",
        factor=reference_value,
    )


def indirectly_standardised_rate(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    age_band: str,
    reference_rates: Mapping[str, float] | pd.Series,
    reference_population: Mapping[str, float] | pd.Series,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Indirectly standardised rate: the ratio O/E times the reference's crude rate.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy rows with an age band; rows sharing a group and band are summed.
    events : str
        Column of observed events.
    population : str
        Column of the population at risk.
    age_band : str
        Column of age-band labels, matched (after normalising spaces and dashes) to the
        labels of ``reference_rates``.
    reference_rates : mapping or pandas.Series
        Age band label to the reference rate per person (reference events divided by
        reference population, e.g. England's), for every band in the data, as for
        :func:`indirectly_standardised_ratio`.
    reference_population : mapping or pandas.Series
        Age band label to the reference population, for the same bands as
        ``reference_rates``. With it the reference's events are ΣX = Σ rᵢ·Nᵢ and its
        crude rate ΣX/ΣN.
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    confidence : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1).
    multiplier : float, default 100_000
        Rate per this many people.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``observed``, ``expected``,
        ``reference_rate`` (the reference's crude rate ΣX/ΣN × multiplier), ``value``,
        the limit columns, ``confidence``, ``method`` and ``note``.

    Notes
    -----
    E = Σ nᵢ·rᵢ; rate = (O/E)·(ΣX/ΣN) × multiplier; limits are the exact Poisson (fewer
    than 10 events) or Byar limits of O divided by E, times the same factor, as OHID's
    ``calculate_ISRate``. So the rate is :func:`indirectly_standardised_ratio` (with
    ``reference_value=1``) times the reference's crude rate. ΣX and ΣN run over every
    band of ``reference_population``. Our own code (group sums and the interval pieces of
    :mod:`toolkit.indicators.intervals`): no library offers indirect standardisation.
    """
    return _indirectly_standardised(
        data,
        func="indirectly_standardised_rate",
        events=events,
        population=population,
        age_band=age_band,
        reference_rates=reference_rates,
        by=by,
        confidence=confidence,
        factor_param="multiplier",
        factor=multiplier,
        rate=True,
        reference_population=reference_population,
    )


def _indirectly_standardised(
    data: Any,
    *,
    func: str,
    events: Any,
    population: Any,
    age_band: Any,
    reference_rates: Any,
    by: Any,
    confidence: Any,
    factor_param: str,
    factor: Any,
    rate: bool = False,
    reference_population: Any = None,
) -> pd.DataFrame:
    """O/E times a factor, with the exact/Byar limits of O over E times the same factor.

    The ratio's factor is its reference value. The rate's (``rate=True``) is the
    reference's crude rate ΣX/ΣN times the multiplier, shown as ``reference_rate``.
    """
    by_columns, levels = _check_inputs(
        data,
        func=func,
        columns={"events": events, "population": population, "age_band": age_band},
        by=by,
        confidence=confidence,
    )
    factor = v.check_positive(factor, factor_param, func)
    reference_column = ["reference_rate"] if rate else []
    out_names = ["observed", "expected", *reference_column, "value", *v.limit_columns(levels)]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)
    rates = _band_values(reference_rates, param="reference_rates", func=func, unit="rates")
    if rate:
        factor *= _reference_crude_rate(rates, reference_population, func)

    counts, populations = v.counts_and_populations(
        data, count=events, population=population, func=func
    )
    lookup = {label: i for i, label in enumerate(rates)}
    bands = band_positions(
        data,
        age_band,
        lookup,
        func=func,
        expected=f"the bands of reference_rates {list(rates)}",
    )
    rate_values = np.fromiter(rates.values(), dtype="float64", count=len(rates))
    groups = v.group_rows(data, by_columns)
    observed = groups.total(counts)
    expected = groups.total(populations * rate_values[bands])
    scale, has_expected = _per(factor, expected)
    columns: dict[str, Any] = {"observed": observed, "expected": expected}
    if rate:
        columns["reference_rate"] = factor
    columns.update(
        _poisson_columns(observed, scale, levels, valid=has_expected, note=NOTE_NO_EXPECTED)
    )
    return v.result_frame(groups.keys, columns)


def _reference_crude_rate(
    rates: Mapping[str, float], reference_population: Any, func: str
) -> float:
    """ΣX/ΣN of the reference: Σ rᵢ·Nᵢ / Σ Nᵢ over the bands of ``reference_rates``."""
    populations = _band_values(
        reference_population, param="reference_population", func=func, unit="populations"
    )
    missing = [label for label in rates if label not in populations]
    extra = [label for label in populations if label not in rates]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"has no population for band(s) {missing} of reference_rates")
        if extra:
            parts.append(f"has band(s) {extra} that reference_rates lacks")
        raise ValueError(
            f"The 'reference_population' parameter of {func} {' and '.join(parts)}. Give a "
            "reference population for exactly the bands of reference_rates."
        )
    total = sum(populations.values())
    if not total > 0:
        raise ValueError(
            f"The 'reference_population' parameter of {func} must have a positive total. "
            f"Got {total!r} instead."
        )
    return sum(rate * populations[label] for label, rate in rates.items()) / total


def _band_values(values: Any, *, param: str, func: str, unit: str) -> dict[str, float]:
    """Validate a mapping of age band to a number of zero or more, such as ``reference_rates``.

    ``unit`` is ``"rates"`` (per person) or ``"populations"``. Returns normalised band label
    to value.
    """
    per = {"rates": "rate per person", "populations": "population"}[unit]
    if isinstance(values, pd.Series | Mapping):
        items = list(values.items())
    else:
        raise TypeError(
            f"The '{param}' parameter of {func} must be a mapping or a pandas Series "
            f"of age band to {per}. Got {type(values).__name__} instead."
        )
    checked: dict[str, float] = {}
    for label, number in items:
        try:
            value = float(number)
        except (TypeError, ValueError):
            raise TypeError(
                f"The '{param}' parameter of {func} must map age bands to numbers. "
                f"Got {number!r} for {label!r}."
            ) from None
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(
                f"The '{param}' parameter of {func} must hold finite {unit} of zero or "
                f"more. Got {number!r} for {label!r}."
            )
        key = normalise_label(label)
        if key in checked:
            raise ValueError(f"The '{param}' parameter of {func} repeats band {label!r}.")
        checked[key] = value
    if not checked:
        raise ValueError(f"The '{param}' parameter of {func} is empty.")
    return checked


__all__ = [
    "DSR_MINIMUM_EVENTS",
    "EXACT_POISSON_BELOW",
    "crude_rate",
    "directly_standardised_rate",
    "indirectly_standardised_rate",
    "indirectly_standardised_ratio",
    "proportion",
]
