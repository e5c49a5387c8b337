"""Directly standardised rates (DSR) with Dobson limits, as OHID's ``calculate_dsr``.

:func:`directly_standardised_rate` sums events and populations by group and age band,
weights each band by its standard population (ESP2013 by default, a mapping, or a column
of the data) and gives Dobson's limits; the private steps read a column standard and the
event-frequency breakdown of non-independent events. Public from
:mod:`toolkit.indicators.rates`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    CONFIDENCE,
    POSITIVE,
    StrOptions,
    check_columns_exist,
    validate_params,
)
from toolkit.indicators import _frames as v
from toolkit.indicators._age_bands import band_positions, resolve_standard
from toolkit.indicators._rate_columns import (
    BAND_VALUES,
    DSR_MINIMUM_EVENTS,
    GROUPS,
    NOTE_NO_POPULATION,
    NOTE_NOT_PUBLISHED,
    check_inputs,
    confidence_text,
    method_column,
    reserve_names,
)
from toolkit.indicators.intervals import poisson_interval, poisson_method

_ESP_TEXT = (
    "ESP2013 band labels ('0-4', '5-9', ..., '85-89', '90+'; '0' and '1-4' are summed into "
    "'0-4') or their start ages"
)


@validate_params(
    {
        **GROUPS,
        "events": ["column"],
        "population": ["column"],
        "age_band": ["column"],
        "standard_population": [*BAND_VALUES, "column", None],
        "confidence": CONFIDENCE,
        "multiplier": [POSITIVE],
        "independent_events": ["boolean"],
        "event_frequency": ["column", None],
        "frequency_counts": [StrOptions({"events", "persons"})],
    }
)
def directly_standardised_rate(
    data: pd.DataFrame,
    *,
    events: str,
    population: str,
    age_band: str,
    by: str | Sequence[str] | None = None,
    standard_population: Mapping[str, float] | pd.Series | str | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    independent_events: bool = True,
    event_frequency: str | None = None,
    frequency_counts: Literal["events", "persons"] = "persons",
) -> pd.DataFrame:
    """Directly standardised rate (DSR) with Dobson limits for each group.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy rows with an age band; rows sharing a group and band are summed (so a cube,
        segment or cohort, is aggregated over its other dimensions).
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
    standard_population : mapping, pandas.Series or str, optional
        Band label to standard population, or the name of a column of ``data`` holding
        each row's standard population (as ``calculate_dsr``'s ``stdpop``; the age bands
        are then the labels of ``age_band`` as given, and a group's rows of one band must
        agree on it). Default: European Standard Population 2013 (as ``phe_dsr``;
        ``calculate_dsr`` has no default).
    confidence : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1), e.g. ``(0.95, 0.998)``.
    multiplier : float, default 100_000
        Rate per this many people.
    independent_events : bool, default True
        Set to False when a person can have several events (admissions, say); the data
        must then be broken down by ``event_frequency`` and the variance is adjusted.
    event_frequency : str, optional
        With ``independent_events=False``: column of the number of events per person
        (1, 2, 3, ...); ``population`` holds the band's population, repeated on each
        frequency row. If it is also a ``by`` column it is dropped from the grouping
        (as ``calculate_dsr``), so the result is still one row per group.
    frequency_counts : {"events", "persons"}, default "persons"
        With ``independent_events=False``, what ``events`` holds on each frequency row:
        ``"persons"`` (the default, as ``calculate_dsr``, whose ``x`` is then "the number
        of unique individuals who experienced each frequency of event") the people with
        that frequency, or ``"events"`` (a departure, for extracts that count events)
        the events of that row, the people with that frequency times the frequency.
        The results are identical once the input follows the option; check which one
        your extract holds, because the other scales the rate.

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``events``, ``population``, ``value``,
        the limit columns, ``age_bands`` (bands with a population that entered the
        standardisation), ``standard`` (``"ESP2013"`` or ``"custom"``), ``confidence``,
        ``method`` and ``note``. With fewer than 10 events the value and limits are NaN
        and ``note`` says it is not published; the row is kept. ``method`` names the
        Poisson limits Dobson's rest on: ``"Dobson (Byar)"`` from 10 events,
        ``"Dobson (exact Poisson)"`` below (so on every unpublished row).

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

    Checked against PHEindicatormethods 2.1.0's own tests of ``calculate_dsr`` and
    ``phe_dsr`` (``tests/indicators/test_phe_dsr.py``). Deliberate differences: the
    confidence is a fraction from 0.9 to below 1 (0.95, not 95); a band with no
    population and no events is skipped rather than refused; limit columns are named
    ``lower_95`` and so on.
    """
    func = "directly_standardised_rate"
    by_columns, levels = check_inputs(
        data,
        func=func,
        columns={"events": events, "population": population, "age_band": age_band},
        by=by,
        confidence=confidence,
    )
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
        check_columns_exist(data, {"event_frequency": event_frequency}, func)
        by_columns = [column for column in by_columns if column != event_frequency]
    if age_band in by_columns:
        raise ValueError(f"The 'by' parameter of {func} must not include the age band column.")
    reserve_names(
        by_columns, ["events", "population"], levels, func, extra=["age_bands", "standard"]
    )

    standard_column = isinstance(standard_population, str)
    if standard_column:
        check_columns_exist(data, {"standard_population": standard_population}, func)
        bands, n_bands = _band_codes(data, age_band, func)
    else:
        labels, weights, lookup = resolve_standard(standard_population, func)
        expected = (
            _ESP_TEXT if standard_population is None else f"the standard's bands {list(labels)}"
        )
        bands = band_positions(data, age_band, lookup, func=func, expected=expected)
        n_bands = len(labels)
    counts, populations = v.counts_and_populations(
        data, count=events, population=population, func=func
    )
    if not independent_events and frequency_counts == "persons":
        counts = counts * v.numeric_column(data, event_frequency, "event_frequency", func)
    groups = v.group_rows(data, by_columns)
    cells = groups.codes * n_bands + bands
    size = groups.count * n_bands
    if standard_column:
        weights = _standard_from_column(data, standard_population, cells, size, func)
        weights = weights.reshape(groups.count, n_bands)
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
    columns["confidence"] = confidence_text(levels)
    # Dobson's limits rest on the Poisson limits of the total: name the ones used.
    count_method = poisson_method(observed)
    dobson = np.array([f"Dobson ({name})" for name in count_method], dtype=object)
    if not independent_events:
        dobson = dobson + ", non-independent events"
    columns["method"] = method_column(levels, dobson)
    columns["note"] = np.where(
        ~has_population, NOTE_NO_POPULATION, np.where(published, "", NOTE_NOT_PUBLISHED)
    )
    return v.result_frame(groups.keys, columns)


def _band_codes(data: pd.DataFrame, age_band: str, func: str) -> tuple[np.ndarray, int]:
    """Return codes for the age bands as given (a column standard has no fixed bands)."""
    v.refuse_rows(
        data[age_band].isna().to_numpy(),
        f"The 'age_band' column {age_band!r} of {func} must not have missing values; "
        f"it does in {{rows}}.",
        column=age_band,
    )
    codes, labels = pd.factorize(data[age_band].astype(str))
    return codes.astype(np.int64), len(labels)


def _standard_from_column(
    data: pd.DataFrame, column: str, cells: np.ndarray, size: int, func: str
) -> np.ndarray:
    """Return the standard population of each (group, band) cell (0 where no row).

    The column must be numeric, complete and zero or more, and agree within a cell.
    """
    standard = v.numeric_column(data, column, "standard_population", func)
    v.refuse_rows(
        np.isnan(standard),
        f"The 'standard_population' column {column!r} of {func} must not have missing "
        f"values; it does in {{rows}}.",
        column=column,
    )
    v.refuse_rows(
        standard < 0,
        f"The 'standard_population' column {column!r} of {func} must be zero or more; "
        f"it is not in {{rows}}.",
        column=column,
    )
    low = np.full(size, np.inf)
    high = np.full(size, -np.inf)
    np.minimum.at(low, cells, standard)
    np.maximum.at(high, cells, standard)
    v.refuse_rows(
        (low != high)[cells],
        f"The 'standard_population' column {column!r} of {func} differs between rows of "
        f"the same group and age band, in {{rows}}.",
        column=column,
    )
    return np.where(np.isfinite(high), high, 0.0)


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
    v.refuse_rows(
        ~(np.isfinite(frequency) & (frequency >= 1)),
        f"The 'event_frequency' column {event_frequency!r} of {func} must be 1 or more "
        f"(events per person); it is not in {{rows}}.",
        column=event_frequency,
    )
    freq_codes, freq_values = pd.factorize(frequency, sort=True)
    band_population, _, bad_rows = v.value_repeated_per_cell(
        populations, cells, freq_codes, size, len(freq_values)
    )
    v.refuse_rows(
        bad_rows,
        f"The 'population' column of {func} differs between the event frequencies of the "
        f"same group and age band, in {{rows}}. With "
        "independent_events=False each frequency row repeats the band's population.",
    )
    # persons with f events = events / f; their variance weight is f² · persons = f · events
    weighted = np.bincount(cells, weights=counts * frequency, minlength=size)
    return band_population, weighted
