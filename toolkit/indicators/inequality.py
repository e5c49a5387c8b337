"""Inequality summaries of a cube (segment or cohort) across deprivation.

The functions take a tidy cube (any subset the caller has filtered: a segment or cohort,
a place, a sex) with an IMD decile column (1 = most deprived), an age band, a population
and an events column, aggregate over the other dimensions and return tidy frames:

- :func:`rate_by_deprivation`: age-standardised rate by decile or quintile;
- :func:`deprivation_gap`: absolute and relative gap between the most and least deprived
  quintiles;
- :func:`excess_events`: events (and pounds) that would not occur if every decile had the
  age-specific rates of the least deprived decile (or of the best two);
- :func:`core20_share`: the share of events in the most deprived 20% (Core20);
- :func:`rii_is_meaningful`: whether a relative index of inequality fitted on the
  indicator's own scale is a ratio of two positive values, and may be published.

Rows whose decile is missing are excluded, and every function says how many rows, events
and people that was in a :class:`ExcludedRowsWarning`; nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from toolkit._params import CONFIDENCE, POSITIVE, check_columns_exist, validate_params
from toolkit.indicators import _frames as v
from toolkit.indicators._deprivation import (
    CUBE,
    QUINTILE_COLUMN,
    REFERENCES,
    STANDARD,
    ExcludedRowsWarning,
    Reference,
)
from toolkit.indicators._deprivation import deprivation_rows as _deprivation_rows
from toolkit.indicators._excess import excess_events
from toolkit.indicators.intervals import poisson_interval, z_value
from toolkit.indicators.rates import directly_standardised_rate

#: Deciles making up Core20, the most deprived fifth of England.
CORE20_DECILES = (1, 2)

#: Constraints of the rate functions' columns and options.
_RATES = {
    **CUBE,
    **STANDARD,
    "quintiles": ["boolean"],
    "confidence": CONFIDENCE,
    "multiplier": [POSITIVE],
}


@validate_params(_RATES, renamed={"cube": "data"})
def rate_by_deprivation(
    data: pd.DataFrame,
    *,
    events: str,
    population: str = "persons",
    age_band: str = "age_band",
    quantile: str = "imd_decile",
    quintiles: bool = False,
    by: str | Sequence[str] | None = None,
    standard_population: Mapping[str, float] | pd.Series | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
) -> pd.DataFrame:
    """Age-standardised rate of an event by deprivation decile or quintile.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy cube with an age band, a deprivation decile, a population and events.
        Other dimensions (sex, segment, place, ...) are summed over unless in ``by``.
    events : str
        Column of events, e.g. ``"emergency_admissions"``.
    population : str, default "persons"
        Column of the population.
    age_band : str, default "age_band"
        Column of ESP2013 age bands.
    quantile : str, default "imd_decile"
        Column of the IMD decile, 1 = most deprived.
    quintiles : bool, default False
        Group deciles into quintiles, ceil(decile / 2), in a column ``"imd_quintile"``.
    by : str or list of str, optional
        Further grouping columns (e.g. ``"place"``).
    standard_population : mapping or pandas.Series, optional
        Standard population; default ESP2013.
    confidence : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1).
    multiplier : float, default 100_000
        Rate per this many people.

    Returns
    -------
    pandas.DataFrame
        :func:`directly_standardised_rate` output with one row per ``by`` group and
        quantile. Rates with fewer than 10 events are not published (NaN with a note).

    Warns
    -----
    ExcludedRowsWarning
        When rows without a decile were left out (their count, events and people).
    """
    return _rates(
        data,
        func="rate_by_deprivation",
        events=events,
        population=population,
        age_band=age_band,
        quantile=quantile,
        quintiles=quintiles,
        by=by,
        standard_population=standard_population,
        confidence=confidence,
        multiplier=multiplier,
    )


def _rates(
    cube: pd.DataFrame,
    *,
    func: str,
    events: str,
    population: str,
    age_band: str,
    quantile: str,
    quintiles: bool,
    by: str | Sequence[str] | None,
    standard_population: Mapping[str, float] | pd.Series | None,
    confidence: float | Sequence[float],
    multiplier: float,
) -> pd.DataFrame:
    """DSR by quantile, validated and reported in the name of the public caller."""
    check_columns_exist(
        cube,
        {"events": events, "population": population, "age_band": age_band, "quantile": quantile},
        func,
    )
    by_columns = v.by_columns(cube, by, func)
    levels = v.confidence_levels(confidence)
    rows = _deprivation_rows(
        cube,
        func=func,
        events=events,
        population=population,
        quantile=quantile,
        quintiles=quintiles,
        by=by_columns,
        age_band=age_band,
        standard_population=standard_population,
        stacklevel=3,  # the user's call of rate_by_deprivation or deprivation_gap
    )
    # The counts as checked (blanks counted as 0, and said so, once).
    counted = rows.frame.assign(**{events: rows.counts, population: rows.populations})
    return directly_standardised_rate(
        counted,
        events=events,
        population=population,
        age_band=age_band,
        by=[*by_columns, rows.quantile],
        standard_population=standard_population,
        confidence=levels,
        multiplier=multiplier,
    )


@validate_params(_RATES, renamed={"cube": "data"})
def deprivation_gap(
    data: pd.DataFrame,
    *,
    events: str,
    population: str = "persons",
    age_band: str = "age_band",
    quantile: str = "imd_decile",
    quintiles: bool = True,
    by: str | Sequence[str] | None = None,
    standard_population: Mapping[str, float] | pd.Series | None = None,
    multiplier: float = 100_000,
    confidence: float | Sequence[float] = 0.95,
) -> pd.DataFrame:
    """Absolute and relative gap in the age-standardised rate, most vs least deprived.

    Parameters
    ----------
    data, events, population, age_band, quantile
        As for :func:`rate_by_deprivation`.
    quintiles : bool, default True
        Compare quintile 1 with quintile 5 (True) or decile 1 with the highest decile
        present (False). Where quintile 1 (or 5) is not in a group's data, the nearest
        quintile present is compared instead and the ``note`` says so.
    by, standard_population, multiplier
        As for :func:`rate_by_deprivation`.
    confidence : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1) of the limits on the gaps.

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` group: ``most_deprived`` and ``least_deprived`` (the quantiles
        compared), ``most_deprived_rate``, ``least_deprived_rate``, ``absolute_gap``
        (most minus least deprived, per ``multiplier`` people), its limits
        ``absolute_gap_lower_95`` and ``absolute_gap_upper_95`` (one pair per level:
        ``_99_8`` for 0.998, ...), ``relative_gap`` (most / least deprived), its limits
        ``relative_gap_lower_95`` and ``relative_gap_upper_95``, and ``note``. A gap
        involving an unpublished rate (fewer than 10 events) is NaN, limits included,
        with a note; the other groups are unaffected.

    Notes
    -----
    The two rates are independent directly standardised rates, each with Dobson's
    variance Var = Σ(xᵢWᵢ²/nᵢ²)/(ΣW)² (times the multiplier squared). The variance is
    recovered from the rate's own Dobson limit exactly as
    :func:`directly_standardised_rate` computes it, √Var = (UCL − DSR)·√O/(O_U − O),
    with O the events and O_U their Byar (or exact) upper limit. Then, by the normal
    approximation:

    - absolute gap: (DSR₁ − DSR₂) ± z·√(Var₁ + Var₂);
    - relative gap: exp(ln(DSR₁/DSR₂) ± z·√(Var₁/DSR₁² + Var₂/DSR₂²)), symmetric on the
      log scale (delta method).

    This is the approach of APHO Technical Briefing 3, "Commonly used public health
    statistics and their confidence intervals" (2008), carried into OHID's "Technical
    guide: confidence intervals" for comparing two DSRs. The guide's wording and any
    worked figure could not be checked here, so the tests check a hand calculation of
    the formula above instead. Our own code; no library implements it.
    """
    func = "deprivation_gap"
    by_columns = v.by_columns(data, by, func)
    levels = v.confidence_levels(confidence)
    gap_limits = {
        name: [f"{name}_{side}_{v.confidence_label(level)}" for level in levels for side in
               ("lower", "upper")]
        for name in ("absolute_gap", "relative_gap")
    }  # fmt: skip
    reserved = ["most_deprived", "least_deprived", "most_deprived_rate", "least_deprived_rate"]
    reserved += ["absolute_gap", *gap_limits["absolute_gap"]]
    reserved += ["relative_gap", *gap_limits["relative_gap"], "note"]
    v.check_no_clash(by_columns, reserved, func)
    rates = _rates(
        data,
        func=func,
        events=events,
        population=population,
        age_band=age_band,
        quantile=quantile,
        quintiles=quintiles,
        by=by_columns,
        standard_population=standard_population,
        confidence=levels,
        multiplier=multiplier,
    )
    rates = rates.assign(_se=_dsr_standard_error(rates, levels[0]))
    quantile_column = QUINTILE_COLUMN if quintiles else quantile
    rows = []
    group_iter = (
        rates.groupby(by_columns, sort=True, dropna=False, observed=True)
        if by_columns
        else [((), rates)]
    )
    for key, table in group_iter:
        key = key if isinstance(key, tuple) else (key,)
        ordered = table.sort_values(quantile_column)
        most = ordered.iloc[0]
        least = ordered.iloc[-1]
        notes = _substitution_notes(
            int(most[quantile_column]), int(least[quantile_column]), quintiles=quintiles
        )
        if np.isnan(most["value"]) or np.isnan(least["value"]):
            notes.append("a rate is not published (fewer than 10 events)")
        row = dict(zip(by_columns, key, strict=True))
        high, low = float(most["value"]), float(least["value"])
        absolute = high - low
        relative = high / low if low else np.nan
        se_absolute = np.sqrt(most["_se"] ** 2 + least["_se"] ** 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            se_log = np.sqrt((most["_se"] / high) ** 2 + (least["_se"] / low) ** 2)
        row.update(
            most_deprived=int(most[quantile_column]),
            least_deprived=int(least[quantile_column]),
            most_deprived_rate=high,
            least_deprived_rate=low,
            absolute_gap=absolute,
        )
        for level in levels:
            label, z = v.confidence_label(level), z_value(level)
            row[f"absolute_gap_lower_{label}"] = float(absolute - z * se_absolute)
            row[f"absolute_gap_upper_{label}"] = float(absolute + z * se_absolute)
        row["relative_gap"] = relative
        for level in levels:
            label, z = v.confidence_label(level), z_value(level)
            finite = np.isfinite(relative) and relative > 0 and np.isfinite(se_log)
            row[f"relative_gap_lower_{label}"] = (
                float(np.exp(np.log(relative) - z * se_log)) if finite else np.nan
            )
            row[f"relative_gap_upper_{label}"] = (
                float(np.exp(np.log(relative) + z * se_log)) if finite else np.nan
            )
        row["note"] = "; ".join(notes)
        rows.append(row)
    return pd.DataFrame(rows, columns=[*by_columns, *reserved])


def _substitution_notes(most: int, least: int, *, quintiles: bool) -> list[str]:
    """Say which end of the deprivation scale was missing and what stood in for it.

    Quintile 1 and (with ``quintiles``) quintile 5 are the ends compared; without quintiles
    the highest quantile present is the least deprived by definition, so only a missing
    quantile 1 is said.
    """
    word = "quintile" if quintiles else "quantile"
    notes = []
    if most != 1:
        notes.append(f"no {word} 1 (most deprived) in the data; compared {word} {most}")
    if quintiles and least != 5:
        notes.append(f"no {word} 5 (least deprived) in the data; compared {word} {least}")
    return notes


def _dsr_standard_error(rates: pd.DataFrame, level: float) -> np.ndarray:
    """Dobson standard error of each DSR (per multiplier), from its upper limit.

    :func:`directly_standardised_rate` gives UCL = DSR + √(Var/O)·(O_U − O), with O the
    events and O_U their Poisson upper limit at ``level``, so √Var = (UCL − DSR)·√O/(O_U − O).
    NaN where the rate is not published.
    """
    observed = rates["events"].to_numpy(dtype="float64")
    value = rates["value"].to_numpy(dtype="float64")
    upper = rates[f"upper_{v.confidence_label(level)}"].to_numpy(dtype="float64")
    _, upper_events, _ = poisson_interval(observed, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = (upper - value) * np.sqrt(observed) / (upper_events - observed)
    return np.where(np.isfinite(value), se, np.nan)


@validate_params(CUBE, renamed={"cube": "data"})
def core20_share(
    data: pd.DataFrame,
    *,
    events: str,
    population: str = "persons",
    quantile: str = "imd_decile",
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of events in Core20, the most deprived 20% (IMD deciles 1 and 2).

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy cube with national IMD deciles (1 = most deprived).
    events : str
        Column of events.
    population : str, default "persons"
        Column of the population.
    quantile : str, default "imd_decile"
        Column of the national IMD decile.
    by : str or list of str, optional
        Grouping columns.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``core20_events``, ``events``, ``event_share``,
        ``core20_population``, ``population``, ``population_share`` and ``share_ratio``
        (event share / population share; above 1 means events are concentrated in
        Core20). Shares are crude (not age-standardised).
    """
    func = "core20_share"
    check_columns_exist(
        data, {"events": events, "population": population, "quantile": quantile}, func
    )
    by_columns = v.by_columns(data, by, func)
    reserved = ["core20_events", "events", "event_share", "core20_population", "population"]
    reserved += ["population_share", "share_ratio"]
    v.check_no_clash(by_columns, reserved, func)
    rows = _deprivation_rows(
        data,
        func=func,
        events=events,
        population=population,
        quantile=quantile,
        quintiles=True,
        by=by_columns,
    )
    counts, populations = rows.counts, rows.populations
    core = np.isin(rows.frame[quantile].to_numpy(), CORE20_DECILES)
    groups = v.group_rows(rows.frame, by_columns)
    total_events, total_population = groups.total(counts), groups.total(populations)
    core_events, core_population = groups.total(counts * core), groups.total(populations * core)
    with np.errstate(divide="ignore", invalid="ignore"):
        event_share = np.where(total_events > 0, core_events / total_events, np.nan)
        population_share = np.where(
            total_population > 0, core_population / total_population, np.nan
        )
        ratio = event_share / population_share
    columns = {
        "core20_events": core_events,
        "events": total_events,
        "event_share": event_share,
        "core20_population": core_population,
        "population": total_population,
        "population_share": population_share,
        "share_ratio": ratio,
    }
    return v.result_frame(groups.keys, columns)


#: Why a relative index of inequality is not given: a fitted end at or below zero.
RII_NOT_MEANINGFUL = (
    "relative index of inequality not given: the straight line fitted across the deprivation "
    "deciles is at or below 0 at one end, so the ratio of its two ends has no meaning (the "
    "slope index of inequality is still given)"
)


def rii_is_meaningful(
    intercept: np.ndarray | pd.Series | float,
    sii: np.ndarray | pd.Series | float,
    *,
    multiplier: float = 1.0,
) -> np.ndarray:
    """Whether each relative index of inequality is a ratio of two positive fitted values.

    The RII is the fitted value at the least deprived end over the value at the most
    deprived end (:func:`~toolkit.indicators.slope_index_of_inequality`). A line fitted on
    the indicator's own scale (``transform=False``) can fall to 0 or below at one end when
    the gap is steep: a rate of 0 or less there has no meaning, nor has the ratio (it would
    be negative or infinite). A fit on the log or logit scale never does.

    Parameters
    ----------
    intercept : array-like or float
        The fitted value at the most deprived end (``intercept`` of
        :func:`~toolkit.indicators.slope_index_of_inequality`, in the indicator's units).
    sii : array-like or float
        The slope index of inequality, as that function gives it (scaled by
        ``multiplier``).
    multiplier : float, default 1
        The ``multiplier`` the SII was given with.

    Returns
    -------
    numpy.ndarray of bool
        True where both fitted ends are above 0; False where either is not, or either is
        missing. Where False, give the RII as missing with :data:`RII_NOT_MEANINGFUL`.

    Examples
    --------
    >>> rii_is_meaningful([50.0, 50.0], [-30.0, -60.0]).tolist()
    [True, False]
    """
    bottom = np.asarray(intercept, dtype="float64")
    top = bottom + np.asarray(sii, dtype="float64") / multiplier
    with np.errstate(invalid="ignore"):
        return np.asarray((bottom > 0) & (top > 0))


__all__ = [
    "CORE20_DECILES",
    "QUINTILE_COLUMN",
    "REFERENCES",
    "RII_NOT_MEANINGFUL",
    "ExcludedRowsWarning",
    "Reference",
    "core20_share",
    "deprivation_gap",
    "excess_events",
    "rate_by_deprivation",
    "rii_is_meaningful",
]
