"""Proportions, crude rates, directly standardised rates, indirectly standardised ratios and rates.

Each function takes a tidy DataFrame, sums the counts within each ``by`` group (so a cube
with extra dimensions such as sex or segment is simply aggregated over them) and returns
one row per group with ``value`` and its limits (``lower_95``, ``upper_95`` and so on for
every confidence level asked for; none with ``confidence=None``). Missing values follow
PHEindicatormethods: a proportion or crude rate whose group has a missing numerator or
denominator is NaN with a note (``missing="zero"`` counts a missing numerator as 0 instead);
in the standardised statistics a missing count counts as 0, and a row with neither a count
nor a population contributes nothing.
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
    warn,
)
from toolkit.indicators import _frames as v
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
NOTE_MISSING = "missing numerator or denominator"

#: The ``confidence`` column when no limits were asked for (``confidence=None``).
CONFIDENCE_NOT_REQUESTED = "not requested"

#: Constraints shared by the functions of this module (see :func:`validate_params`).
_GROUPS = {"data": ["data-frame"], "by": ["columns", None]}
_MISSING = [StrOptions({"na", "zero"})]
_ZERO_POPULATION = [StrOptions({"count", "raise"})]
_BAND_VALUES = ["mapping", "series"]


class MissingCountWarning(UserWarning):
    """Groups had a missing numerator or denominator and got NaN; the message counts them."""


_ESP_TEXT = (
    "ESP2013 band labels ('0-4', '5-9', ..., '85-89', '90+'; '0' and '1-4' are summed into "
    "'0-4') or their start ages"
)


def _check_inputs(
    data: pd.DataFrame,
    *,
    func: str,
    columns: Mapping[str, str],
    by: str | Sequence[str] | None,
    confidence: float | Sequence[float] | None,
) -> tuple[list[str], tuple[float, ...]]:
    """Check that the columns and ``by`` are in the data; return ``by`` and the levels.

    ``confidence=None`` asks for the value alone: no levels, so no limit columns.
    """
    check_columns_exist(data, columns, func)
    return v.by_columns(data, by, func), v.confidence_levels(confidence)


def _confidence_text(levels: Sequence[float]) -> str:
    """Return the ``confidence`` column: the levels, or "not requested" without any."""
    return v.confidence_text(levels) if levels else CONFIDENCE_NOT_REQUESTED


def _method(levels: Sequence[float], method: Any) -> Any:
    """Return the ``method`` column: the method, or None when no limits were asked for."""
    return method if levels else None


def _counts_keeping_missing(
    data: pd.DataFrame,
    *,
    count: str,
    population: str,
    func: str,
    count_param: str,
    population_param: str,
    proportion: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Return validated count and population columns with missing values left as NaN.

    Negative counts, events over a zero population and (for a proportion) a numerator over
    its denominator raise; a missing value does not (its group becomes NaN).
    """
    counts = v.count_column(data, count, count_param, func)
    populations = v.count_column(data, population, population_param, func)
    v.check_population_for_events(
        counts,
        np.where(np.isnan(populations), 1.0, populations),
        data,
        events_column=count,
        population_column=population,
        population_param=population_param,
        func=func,
    )
    if proportion:
        v.check_numerator_within(counts, populations, data, count, population, func)
    return counts, populations


def _warn_missing(incomplete: np.ndarray, func: str) -> None:
    """Warn, counting them, about groups left NaN by a missing numerator or denominator."""
    count = int(np.count_nonzero(incomplete))
    if count:
        noun = "group has" if count == 1 else "groups have"
        warn(
            f"{func}: {count} {noun} a missing numerator or denominator; value and limits "
            "are NaN (as PHEindicatormethods). Pass missing='zero' to count a missing "
            "numerator as 0.",
            MissingCountWarning,
            stacklevel=3,
        )


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
    columns["confidence"] = _confidence_text(levels)
    columns["method"] = _method(levels, poisson_method(observed))
    columns["note"] = np.where(valid, "", note)
    return columns


@validate_params(
    {
        **_GROUPS,
        "numerator": ["column"],
        "denominator": ["column"],
        "confidence": [*CONFIDENCE, None],
        "multiplier": [POSITIVE],
        "missing": _MISSING,
    }
)
def proportion(
    data: pd.DataFrame,
    *,
    numerator: str,
    denominator: str,
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
    numerator : str
        Column of people with the attribute (summed within each group).
    denominator : str
        Column of people at risk (summed within each group).
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    confidence : float or sequence of float or None, default 0.95
        Confidence level(s) in (0, 1), e.g. ``(0.95, 0.998)``; ``None`` gives the value
        alone (no limit columns, ``confidence`` "not requested").
    multiplier : float, default 100
        Scale of the output: 100 gives a percentage, 1 a proportion.
    missing : {"na", "zero"}, default "na"
        ``"na"`` (PHEindicatormethods): a group with a missing numerator or denominator
        gets NaN value and limits, a note, and a :class:`MissingCountWarning` counts such
        groups. ``"zero"``: a missing numerator counts as 0 and a missing denominator
        where there are events raises.

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
    (PHEindicatormethods ``phe_proportion``). A zero denominator gives NaN and the note
    "no denominator".
    """
    func = "proportion"
    by_columns, levels = _check_inputs(
        data,
        func=func,
        columns={"numerator": numerator, "denominator": denominator},
        by=by,
        confidence=confidence,
    )
    out_names = ["numerator", "denominator", "value", *v.limit_columns(levels)]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)

    if missing == "zero":
        counts, populations = v.numerators_and_denominators(
            data, numerator=numerator, denominator=denominator, func=func, proportion=True
        )
    else:
        counts, populations = _counts_keeping_missing(
            data,
            count=numerator,
            population=denominator,
            func=func,
            count_param="numerator",
            population_param="denominator",
            proportion=True,
        )
    groups = v.group_rows(data, by_columns)
    x, n = groups.total(counts), groups.total(populations)
    incomplete = np.isnan(x) | np.isnan(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(n > 0, x / n, np.nan)
    columns: dict[str, Any] = {"numerator": x, "denominator": n, "value": value * multiplier}
    columns.update(v.scaled_limits(levels, lambda level: wilson_interval(x, n, level), multiplier))
    columns["confidence"] = _confidence_text(levels)
    columns["method"] = _method(levels, METHOD_WILSON)
    columns["note"] = np.where(incomplete, NOTE_MISSING, np.where(n > 0, "", "no denominator"))
    _warn_missing(incomplete, func)
    return v.result_frame(groups.keys, columns)


@validate_params(
    {
        **_GROUPS,
        "events": ["column"],
        "population": ["column"],
        "confidence": [*CONFIDENCE, None],
        "multiplier": [POSITIVE],
        "missing": _MISSING,
    }
)
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
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    confidence : float or sequence of float or None, default 0.95
        Confidence level(s) in (0, 1), e.g. ``(0.95, 0.998)``; ``None`` gives the value
        alone (no limit columns).
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
    out_names = ["events", "population", "value", *v.limit_columns(levels)]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)

    if missing == "zero":
        counts, populations = v.counts_and_populations(
            data, count=events, population=population, func=func
        )
    else:
        counts, populations = _counts_keeping_missing(
            data,
            count=events,
            population=population,
            func=func,
            count_param="events",
            population_param="population",
        )
    groups = v.group_rows(data, by_columns)
    x, n = groups.total(counts), groups.total(populations)
    incomplete = np.isnan(x) | np.isnan(n)
    scale, has_population = _per(multiplier, n)
    columns = {"events": x, "population": n}
    columns.update(
        _poisson_columns(x, scale, levels, valid=has_population, note=NOTE_NO_POPULATION)
    )
    columns["note"] = np.where(incomplete, NOTE_MISSING, columns["note"])
    _warn_missing(incomplete, func)
    return v.result_frame(groups.keys, columns)


@validate_params(
    {
        **_GROUPS,
        "events": ["column"],
        "population": ["column"],
        "age_band": ["column"],
        "standard_population": [*_BAND_VALUES, "column", None],
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

    Checked against PHEindicatormethods 2.1.0's own tests of ``calculate_dsr`` and
    ``phe_dsr`` (``tests/indicators/test_phe_dsr.py``). Deliberate differences: the
    confidence is a fraction from 0.9 to below 1 (0.95, not 95); a band with no
    population and no events is skipped rather than refused; limit columns are named
    ``lower_95`` and so on.
    """
    func = "directly_standardised_rate"
    by_columns, levels = _check_inputs(
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
    out_names = ["events", "population", "value", *v.limit_columns(levels), "age_bands"]
    v.check_no_clash(by_columns, [*out_names, "standard", "confidence", "method", "note"], func)

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
    columns["confidence"] = _confidence_text(levels)
    dobson = "Dobson (Byar)" if independent_events else "Dobson (Byar), non-independent events"
    columns["method"] = _method(levels, dobson)
    columns["note"] = np.where(
        ~has_population, NOTE_NO_POPULATION, np.where(published, "", NOTE_NOT_PUBLISHED)
    )
    return v.result_frame(groups.keys, columns)


def _band_codes(data: pd.DataFrame, age_band: str, func: str) -> tuple[np.ndarray, int]:
    """Return codes for the age bands as given (a column standard has no fixed bands)."""
    missing = data[age_band].isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"The 'age_band' column {age_band!r} of {func} must not have missing values; "
            f"it does in {v.rows_text(data.index[missing])}."
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
    missing = np.isnan(standard)
    if missing.any():
        raise ValueError(
            f"The 'standard_population' column {column!r} of {func} must not have missing "
            f"values; it does in {v.rows_text(data.index[missing])}."
        )
    negative = standard < 0
    if negative.any():
        raise ValueError(
            f"The 'standard_population' column {column!r} of {func} must be zero or more; "
            f"it is not in {v.rows_text(data.index[negative])}."
        )
    low = np.full(size, np.inf)
    high = np.full(size, -np.inf)
    np.minimum.at(low, cells, standard)
    np.maximum.at(high, cells, standard)
    differs = (low != high)[cells]
    if differs.any():
        raise ValueError(
            f"The 'standard_population' column {column!r} of {func} differs between rows of "
            f"the same group and age band, in {v.rows_text(data.index[differs])}."
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


@validate_params(
    {
        **_GROUPS,
        "events": ["column"],
        "population": ["column"],
        "age_band": ["column"],
        "reference_rates": _BAND_VALUES,
        "confidence": [*CONFIDENCE, None],
        "reference_value": [POSITIVE],
        "zero_population": _ZERO_POPULATION,
        "observed_totals": ["data-frame", None],
    }
)
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
        factor=reference_value,
        zero_population=zero_population,
        observed_totals=observed_totals,
    )


@validate_params(
    {
        **_GROUPS,
        "events": ["column"],
        "population": ["column"],
        "age_band": ["column"],
        "reference_rates": _BAND_VALUES,
        "reference_population": _BAND_VALUES,
        "confidence": [*CONFIDENCE, None],
        "multiplier": [POSITIVE],
        "zero_population": _ZERO_POPULATION,
        "observed_totals": ["data-frame", None],
    }
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
    confidence: float | Sequence[float] | None = 0.95,
    multiplier: float = 100_000,
    zero_population: Literal["count", "raise"] = "count",
    observed_totals: pd.DataFrame | None = None,
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
    by_columns, levels = _check_inputs(
        data, func=func, columns=data_columns, by=by, confidence=confidence
    )
    factor = float(factor)
    reference_column = ["reference_rate"] if rate else []
    out_names = ["observed", "expected", *reference_column, "value", *v.limit_columns(levels)]
    v.check_no_clash(by_columns, [*out_names, "confidence", "method", "note"], func)
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
            data,
            events_column=events,
            population_column=population,
            population_param="population",
            func=func,
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
    scale, has_expected = _per(factor, expected)
    columns: dict[str, Any] = {"observed": observed, "expected": expected}
    if rate:
        columns["reference_rate"] = factor
    columns.update(
        _poisson_columns(observed, scale, levels, valid=has_expected, note=NOTE_NO_EXPECTED)
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
    repeated = totals.duplicated(by_columns, keep=False).to_numpy()
    if repeated.any():
        raise ValueError(
            f"The 'observed_totals' parameter of {func} repeats a group in "
            f"{v.rows_text(totals.index[repeated])}. Give one total per group."
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
