"""Proportions, crude rates, directly standardised rates and indirectly standardised ratios.

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


def _limit_columns(levels: Sequence[float]) -> list[str]:
    names = []
    for level in levels:
        label = v.confidence_label(level)
        names += [f"lower_{label}", f"upper_{label}"]
    return names


def _result_frame(keys: pd.DataFrame, columns: Mapping[str, Any]) -> pd.DataFrame:
    """Join the group keys and the result columns into the output frame."""
    result = pd.DataFrame(dict(columns), index=keys.index)
    return pd.concat([keys, result], axis=1).reset_index(drop=True)


def _counts(
    data: pd.DataFrame,
    *,
    count: str,
    count_param: str,
    population: str,
    population_param: str,
    func: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Return validated count and population arrays; missing counts become 0."""
    counts = v.count_column(data, count, count_param, func)
    populations = v.count_column(data, population, population_param, func)
    v.check_population_for_events(
        counts,
        populations,
        data,
        events_column=count,
        population_column=population,
        population_param=population_param,
        func=func,
    )
    return np.nan_to_num(counts), np.nan_to_num(populations)


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
    v.check_frame(data, func)
    v.check_column(data, numerator, "numerator", func)
    v.check_column(data, denominator, "denominator", func)
    by_columns = v.normalise_by(data, by, func)
    levels = v.parse_confidence(confidence, func)
    multiplier = v.check_real(
        multiplier, "multiplier", func, low=0.0, description="a positive float"
    )
    out_names = ["numerator", "denominator", "value", *_limit_columns(levels)]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)

    counts, populations = _counts(
        data,
        count=numerator,
        count_param="numerator",
        population=denominator,
        population_param="denominator",
        func=func,
    )
    over = counts > populations
    if over.any():
        raise ValueError(
            f"The 'numerator' column {numerator!r} of {func} exceeds the 'denominator' column "
            f"{denominator!r} in {v.rows_text(data.index[over])}."
        )
    groups = v.group_rows(data, by_columns)
    x = np.bincount(groups.codes, weights=counts, minlength=groups.count)
    n = np.bincount(groups.codes, weights=populations, minlength=groups.count)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(n > 0, x / n, np.nan)
    columns: dict[str, Any] = {"numerator": x, "denominator": n, "value": value * multiplier}
    for level in levels:
        lower, upper = wilson_interval(x, n, level)
        label = v.confidence_label(level)
        columns[f"lower_{label}"] = lower * multiplier
        columns[f"upper_{label}"] = upper * multiplier
    columns["confidence"] = v.confidence_text(levels)
    columns["method"] = METHOD_WILSON
    columns["note"] = np.where(n > 0, "", "no denominator")
    return _result_frame(groups.keys, columns)


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
    v.check_frame(data, func)
    v.check_column(data, events, "events", func)
    v.check_column(data, population, "population", func)
    by_columns = v.normalise_by(data, by, func)
    levels = v.parse_confidence(confidence, func)
    multiplier = v.check_real(
        multiplier, "multiplier", func, low=0.0, description="a positive float"
    )
    out_names = ["events", "population", "value", *_limit_columns(levels)]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)

    counts, populations = _counts(
        data,
        count=events,
        count_param="events",
        population=population,
        population_param="population",
        func=func,
    )
    groups = v.group_rows(data, by_columns)
    x = np.bincount(groups.codes, weights=counts, minlength=groups.count)
    n = np.bincount(groups.codes, weights=populations, minlength=groups.count)
    has_population = n > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(has_population, multiplier / n, np.nan)
    columns: dict[str, Any] = {"events": x, "population": n, "value": x * scale}
    method = None
    for level in levels:
        lower, upper, method = poisson_interval(x, level)
        label = v.confidence_label(level)
        columns[f"lower_{label}"] = lower * scale
        columns[f"upper_{label}"] = upper * scale
    columns["confidence"] = v.confidence_text(levels)
    columns["method"] = method
    columns["note"] = np.where(has_population, "", NOTE_NO_POPULATION)
    return _result_frame(groups.keys, columns)


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
    v.check_frame(data, func)
    v.check_column(data, events, "events", func)
    v.check_column(data, population, "population", func)
    v.check_column(data, age_band, "age_band", func)
    by_columns = v.normalise_by(data, by, func)
    levels = v.parse_confidence(confidence, func)
    multiplier = v.check_real(
        multiplier, "multiplier", func, low=0.0, description="a positive float"
    )
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
    out_names = ["events", "population", "value", *_limit_columns(levels), "age_bands"]
    v.check_no_clash(by_columns, [*out_names, "standard", "confidence", "method", "note"], func)

    labels, weights, lookup = resolve_standard(standard_population, func)
    expected = _ESP_TEXT if standard_population is None else f"the standard's bands {list(labels)}"
    counts, populations = _counts(
        data,
        count=events,
        count_param="events",
        population=population,
        population_param="population",
        func=func,
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

    columns: dict[str, Any] = {
        "events": observed,
        "population": n.sum(axis=1),
        "value": np.where(published, dsr * multiplier, np.nan),
    }
    for level in levels:
        lower, upper, _ = poisson_interval(observed, level)
        label = v.confidence_label(level)
        with np.errstate(invalid="ignore"):
            low = (dsr + spread * (lower - observed)) * multiplier
            high = (dsr + spread * (upper - observed)) * multiplier
        columns[f"lower_{label}"] = np.where(published, low, np.nan)
        columns[f"upper_{label}"] = np.where(published, high, np.nan)
    columns["age_bands"] = present.sum(axis=1)
    columns["standard"] = "ESP2013" if standard_population is None else "custom"
    columns["confidence"] = v.confidence_text(levels)
    dobson = "Dobson (Byar)" if independent_events else "Dobson (Byar), non-independent events"
    columns["method"] = dobson
    columns["note"] = np.where(
        ~has_population, NOTE_NO_POPULATION, np.where(published, "", NOTE_NOT_PUBLISHED)
    )
    return _result_frame(groups.keys, columns)


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
    n_freq = len(freq_values)
    sub_cells = cells * n_freq + freq_codes
    sub_population = np.bincount(sub_cells, weights=populations, minlength=size * n_freq)
    has_rows = np.bincount(sub_cells, minlength=size * n_freq) > 0
    table = sub_population.reshape(size, n_freq)
    rows = has_rows.reshape(size, n_freq)
    high = np.where(rows, table, -np.inf).max(axis=1)
    low = np.where(rows, table, np.inf).min(axis=1)
    inconsistent = np.isfinite(high) & ~np.isclose(high, low, rtol=1e-12, atol=0)
    if inconsistent.any():
        bad_rows = np.isin(cells, np.flatnonzero(inconsistent))
        raise ValueError(
            f"The 'population' column of {func} differs between the event frequencies of the "
            f"same group and age band, in {v.rows_text(data.index[bad_rows])}. With "
            "independent_events=False each frequency row repeats the band's population."
        )
    band_population = np.where(np.isfinite(high), high, 0.0)
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
    func = "indirectly_standardised_ratio"
    v.check_frame(data, func)
    v.check_column(data, events, "events", func)
    v.check_column(data, population, "population", func)
    v.check_column(data, age_band, "age_band", func)
    by_columns = v.normalise_by(data, by, func)
    levels = v.parse_confidence(confidence, func)
    reference_value = v.check_real(
        reference_value, "reference_value", func, low=0.0, description="a positive float"
    )
    out_names = ["observed", "expected", "value", *_limit_columns(levels)]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)
    rates = _reference_rates(reference_rates, func)

    counts, populations = _counts(
        data,
        count=events,
        count_param="events",
        population=population,
        population_param="population",
        func=func,
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
    observed = np.bincount(groups.codes, weights=counts, minlength=groups.count)
    expected = np.bincount(
        groups.codes, weights=populations * rate_values[bands], minlength=groups.count
    )
    has_expected = expected > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(has_expected, reference_value / expected, np.nan)
    columns: dict[str, Any] = {
        "observed": observed,
        "expected": expected,
        "value": observed * scale,
    }
    method = None
    for level in levels:
        lower, upper, method = poisson_interval(observed, level)
        label = v.confidence_label(level)
        columns[f"lower_{label}"] = lower * scale
        columns[f"upper_{label}"] = upper * scale
    columns["confidence"] = v.confidence_text(levels)
    columns["method"] = method
    columns["note"] = np.where(has_expected, "", NOTE_NO_EXPECTED)
    return _result_frame(groups.keys, columns)


def _reference_rates(reference_rates: Any, func: str) -> dict[str, float]:
    """Validate reference rates; return normalised label to rate."""
    if isinstance(reference_rates, pd.Series | Mapping):
        items = list(reference_rates.items())
    else:
        raise TypeError(
            f"The 'reference_rates' parameter of {func} must be a mapping or a pandas Series "
            f"of age band to rate per person. Got {type(reference_rates).__name__} instead."
        )
    rates: dict[str, float] = {}
    for label, rate in items:
        try:
            value = float(rate)
        except (TypeError, ValueError):
            raise TypeError(
                f"The 'reference_rates' parameter of {func} must map age bands to numbers. "
                f"Got {rate!r} for {label!r}."
            ) from None
        if not (np.isfinite(value) and value >= 0):
            raise ValueError(
                f"The 'reference_rates' parameter of {func} must hold finite rates of zero or "
                f"more. Got {rate!r} for {label!r}."
            )
        key = normalise_label(label)
        if key in rates:
            raise ValueError(f"The 'reference_rates' parameter of {func} repeats band {label!r}.")
        rates[key] = value
    if not rates:
        raise ValueError(f"The 'reference_rates' parameter of {func} is empty.")
    return rates


__all__ = [
    "DSR_MINIMUM_EVENTS",
    "EXACT_POISSON_BELOW",
    "crude_rate",
    "directly_standardised_rate",
    "indirectly_standardised_ratio",
    "proportion",
]
