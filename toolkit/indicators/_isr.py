"""Indirectly standardised ratios and rates: observed over expected events, as OHID's.

:func:`indirectly_standardised_ratio` (``calculate_ISRatio``) and
:func:`indirectly_standardised_rate` (``calculate_ISRate``) share one calculation: the
expected events from reference age-specific rates, the observed events (from the data or
from separate totals) and the exact Poisson or Byar limits of their ratio. The private
steps check the reference rates and populations and read the observed totals. Public from
:mod:`toolkit.indicators.rates`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit._params import CONFIDENCE, POSITIVE, validate_params
from toolkit.indicators import _frames as v
from toolkit.indicators._age_bands import band_positions, normalise_label
from toolkit.indicators._rate_columns import (
    BAND_VALUES,
    GROUPS,
    NOTE_NO_EXPECTED,
    ZERO_POPULATION,
    check_inputs,
    per,
    poisson_columns,
    reserve_names,
)

#: Constraints of the options the ratio and the rate share.
_INDIRECT = {
    **GROUPS,
    "events": ["column"],
    "population": ["column"],
    "age_band": ["column"],
    "reference_rates": BAND_VALUES,
    "confidence": [*CONFIDENCE, None],
    "zero_population": ZERO_POPULATION,
    "observed_totals": ["data-frame", None],
}


@validate_params({**_INDIRECT, "reference_value": [POSITIVE]})
def indirectly_standardised_ratio(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    age_band: str,
    reference_rates: Mapping[str, float] | pd.Series,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] | None = 0.95,
    reference_value: float = 100,
    zero_population: Literal["count", "raise"] = "count",
    observed_totals: pd.DataFrame | None = None,
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
        reference population, e.g. England's), for every band in the data. A missing
        (NaN) rate is a missing reference count and counts as 0, as in PHEindicatormethods.
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    confidence : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1).
    reference_value : float, default 100
        Value of the ratio when observed equals expected (100 for an SMR-style ratio,
        1 for a plain ratio).
    zero_population : {"count", "raise"}, default "count"
        ``"count"`` (PHEindicatormethods): events in a band whose population is zero count
        in the observed total and add nothing to the expected. ``"raise"``: such rows
        raise, as before. A missing population where there are events always raises.
    observed_totals : pandas.DataFrame, optional
        The observed total of each group, given apart from the age breakdown (the
        ``observed_totals`` input of PHEindicatormethods): one row per group with the
        ``by`` columns and the ``events`` column. ``events`` then names a column of
        ``observed_totals`` and ``data`` need not have it; ``data`` gives the population
        by age band for the expected count.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``events`` (the observed events O),
        ``expected``, ``value``, the limit columns, ``confidence``, ``method`` and
        ``note``.

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
        factor=reference_value,
        zero_population=zero_population,
        observed_totals=observed_totals,
    )


@validate_params({**_INDIRECT, "reference_population": BAND_VALUES, "multiplier": [POSITIVE]})
def indirectly_standardised_rate(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    age_band: str,
    reference_rates: Mapping[str, float] | pd.Series,
    reference_population: Mapping[str, float] | pd.Series,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] | None = 0.95,
    multiplier: float = 100_000,
    zero_population: Literal["count", "raise"] = "count",
    observed_totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Indirectly standardised rate: the ratio O/E times the reference's crude rate.

    Parameters
    ----------
    data, events, population, age_band, reference_rates
        As for :func:`indirectly_standardised_ratio`.
    reference_population : mapping or pandas.Series
        Age band label to the reference population, for the same bands as
        ``reference_rates``. With it the reference's events are ΣX = Σ rᵢ·Nᵢ and its
        crude rate ΣX/ΣN.
    by, confidence
        As for :func:`indirectly_standardised_ratio`.
    multiplier : float, default 100_000
        Rate per this many people.
    zero_population, observed_totals
        As for :func:`indirectly_standardised_ratio`.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``events`` (the observed events O),
        ``expected``, ``reference_rate`` (the reference's crude rate ΣX/ΣN × multiplier), ``value``,
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
        factor=multiplier,
        rate=True,
        reference_population=reference_population,
        zero_population=zero_population,
        observed_totals=observed_totals,
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
    factor: Any,
    rate: bool = False,
    reference_population: Any = None,
    zero_population: Any = "count",
    observed_totals: Any = None,
) -> pd.DataFrame:
    """O/E times a factor, with the exact/Byar limits of O over E times the same factor.

    The ratio's factor is its reference value. The rate's (``rate=True``) is the
    reference's crude rate ΣX/ΣN times the multiplier, shown as ``reference_rate``.
    """
    data_columns = {"population": population, "age_band": age_band}
    if observed_totals is None:
        data_columns = {"events": events, **data_columns}
    by_columns, levels = check_inputs(
        data, func=func, columns=data_columns, by=by, confidence=confidence
    )
    factor = float(factor)
    reference_column = ["reference_rate"] if rate else []
    # The output's ``events`` is O, whatever the input's events column is called; a ``by``
    # column named ``events`` (or any other output name) is refused, as in crude_rate.
    reserve_names(by_columns, ["events", "expected", *reference_column], levels, func)
    rates = _band_values(
        reference_rates, param="reference_rates", func=func, unit="rates", allow_missing=True
    )
    if rate:
        factor *= _reference_crude_rate(rates, reference_population, func)

    if observed_totals is not None:
        populations = np.nan_to_num(v.count_column(data, population, "population", func))
        counts = np.zeros(len(data))
    elif zero_population == "raise":
        counts, populations = v.counts_and_populations(
            data, count=events, population=population, func=func
        )
    else:
        counts = v.count_column(data, events, "events", func)
        populations = v.count_column(data, population, "population", func)
        # a zero population keeps its events (they count in O, add nothing to E)
        v.check_population_for_events(
            counts,
            np.where(populations == 0, 1.0, populations),
            events_column=events,
            population_column=population,
            population_param="population",
            func=func,
        )
        v.warn_blank_counts(
            func, [(counts, events, "events"), (populations, population, "population")]
        )
        counts, populations = np.nan_to_num(counts), np.nan_to_num(populations)
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
    if observed_totals is None:
        observed = groups.total(counts)
    else:
        observed = _observed_from_totals(observed_totals, events, by_columns, groups.keys, func)
    expected = groups.total(populations * rate_values[bands])
    scale, has_expected = per(factor, expected)
    columns: dict[str, Any] = {"events": observed, "expected": expected}
    if rate:
        columns["reference_rate"] = factor
    columns.update(
        poisson_columns(observed, scale, levels, valid=has_expected, note=NOTE_NO_EXPECTED)
    )
    return v.result_frame(groups.keys, columns)


def _observed_from_totals(
    totals: Any, events: Any, by_columns: list[str], keys: pd.DataFrame, func: str
) -> np.ndarray:
    """Observed count of each group (in ``keys`` order) from a frame of totals per group."""
    if events not in totals.columns:
        raise ValueError(
            f"The 'events' parameter of {func} must name a column of observed_totals when "
            f"observed_totals is given. Got {events!r}; columns: "
            f"{', '.join(map(str, totals.columns))}."
        )
    absent = [name for name in by_columns if name not in totals.columns]
    if absent:
        raise ValueError(
            f"The 'observed_totals' parameter of {func} lacks the 'by' column(s) {absent}."
        )
    values = np.nan_to_num(v.count_column(totals, events, "events", func))
    if not by_columns:
        if len(totals) != 1:
            raise ValueError(
                f"The 'observed_totals' parameter of {func} must have one row without 'by'. "
                f"Got {len(totals)} rows."
            )
        return values[:1]
    v.refuse_rows(
        totals.duplicated(by_columns, keep=False).to_numpy(),
        f"The 'observed_totals' parameter of {func} repeats a group in "
        f"{{rows}}. Give one total per group.",
    )
    table = totals[by_columns].assign(_observed=values)
    matched = keys.merge(table, how="left", on=by_columns)["_observed"].to_numpy(dtype=float)
    absent_groups = np.flatnonzero(np.isnan(matched))
    if absent_groups.size:
        labels = "; ".join(v.group_label(keys, int(code)) for code in absent_groups[:5])
        raise ValueError(
            f"The 'observed_totals' parameter of {func} has no total for "
            f"{absent_groups.size} group(s) of the data ({labels})."
        )
    return matched


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


def _band_values(
    values: Any, *, param: str, func: str, unit: str, allow_missing: bool = False
) -> dict[str, float]:
    """Validate a mapping of age band to a number of zero or more, such as ``reference_rates``.

    ``unit`` is ``"rates"`` (per person) or ``"populations"``. With ``allow_missing`` a
    missing value (NaN or None) counts as 0. Returns normalised band label to value.
    """
    items = list(values.items())  # a mapping or a Series, as declared
    checked: dict[str, float] = {}
    for label, number in items:
        if allow_missing and (number is None or number is pd.NA):
            number = np.nan
        try:
            value = float(number)
        except (TypeError, ValueError):
            raise TypeError(
                f"The '{param}' parameter of {func} must map age bands to numbers. "
                f"Got {number!r} for {label!r}."
            ) from None
        if allow_missing and np.isnan(value):
            value = 0.0
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
