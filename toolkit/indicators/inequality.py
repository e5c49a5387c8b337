"""Inequality summaries of a cohort cube across deprivation.

The functions take a tidy cube (any subset the caller has filtered: a segment, a place,
a sex) with an IMD decile column (1 = most deprived), an age band, a population and an
events column, aggregate over the other dimensions and return tidy frames:

- :func:`rate_by_deprivation`: age-standardised rate by decile or quintile;
- :func:`deprivation_gap`: absolute and relative gap between the most and least deprived
  quintiles;
- :func:`excess_events`: events (and pounds) that would not occur if every decile had the
  age-specific rates of the least deprived decile (or of the best two);
- :func:`core20_share`: the share of events in the most deprived 20% (Core20).

Rows whose decile is missing are excluded, and every function says how many rows, events
and people that was in a :class:`ExcludedRowsWarning`; nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    CONFIDENCE,
    NON_NEGATIVE,
    POSITIVE,
    StrOptions,
    check_columns_exist,
    validate_params,
    warn,
)
from toolkit.indicators import _frames as v
from toolkit.indicators._age_bands import band_positions, resolve_standard
from toolkit.indicators.intervals import poisson_interval, z_value
from toolkit.indicators.rates import directly_standardised_rate
from toolkit.indicators.sii import REPS, SEEDS, resolve_seed

#: Output column of the quintile derived from the decile, ceil(decile / 2).
QUINTILE_COLUMN = "imd_quintile"
#: Deciles making up Core20, the most deprived fifth of England.
CORE20_DECILES = (1, 2)

Reference = Literal["least_deprived", "best_two"]
Level = Literal["quantile", "total"]
#: Constraints of the cube's columns and options, shared by this module's functions.
_CUBE = {
    "cube": ["data-frame"],
    "events": ["column"],
    "population": ["column"],
    "quantile": ["column"],
    "by": ["columns", None],
}
_STANDARD = {"age_band": ["column"], "standard_population": ["mapping", "series", None]}
_RATES = {
    **_CUBE,
    **_STANDARD,
    "quintiles": ["boolean"],
    "confidence": CONFIDENCE,
    "multiplier": [POSITIVE],
}
#: The ``reference`` option, shared with :func:`toolkit.indicators.deprivation_profile`.
REFERENCES = [StrOptions({"least_deprived", "best_two"})]


class ExcludedRowsWarning(UserWarning):
    """Rows were left out of a summary (e.g. no IMD decile); the message counts them."""


def _deprivation_frame(
    cube: pd.DataFrame,
    *,
    func: str,
    quantile: str,
    quintiles: bool,
    by: list[str],
    measures: Mapping[str, str],
    carried: Sequence[str] = (),
    stacklevel: int = 2,
) -> tuple[pd.DataFrame, str, dict[str, float]]:
    """Check the cube, drop (and report) rows without a quantile, add quintiles if asked.

    ``measures`` (parameter name to numeric column) are totalled over the excluded rows
    for the warning; ``carried`` columns are kept as they are. ``stacklevel`` counts from
    the caller, as in :func:`warnings.warn` (2: the caller's caller). Returns the working
    frame, the name of its quantile column and the exclusion counts.
    """
    ranks = v.numeric_column(cube, quantile, "quantile", func)
    missing = np.isnan(ranks)
    excluded = {"rows": int(missing.sum())}
    for param, column in measures.items():
        excluded[param] = float(np.nansum(v.numeric_column(cube, column, param, func)[missing]))
    if missing.any():
        detail = ", ".join(
            f"{excluded[param]:,.0f} in {column!r}" for param, column in measures.items()
        )
        rows = "1 row" if excluded["rows"] == 1 else f"{excluded['rows']:,} rows"
        warn(
            f"{func} left out {rows} with no {quantile!r} ({detail}).",
            ExcludedRowsWarning,
            stacklevel=stacklevel + 1,
        )
    present = ranks[~missing]
    if quintiles:
        bad = ~missing & ~(np.isin(ranks, np.arange(1, 11)))
        if bad.any():
            raise ValueError(
                f"The 'quantile' column {quantile!r} of {func} must hold IMD deciles 1 to 10 "
                f"to make quintiles; it does not in {v.rows_text(cube.index[bad])}."
            )
    elif (present < 1).any() or not np.array_equal(present, np.round(present)):
        bad = ~missing & ((ranks < 1) | (ranks != np.round(ranks)))
        raise ValueError(
            f"The 'quantile' column {quantile!r} of {func} must hold whole numbers from 1 "
            f"(most deprived); it does not in {v.rows_text(cube.index[bad])}."
        )
    columns = list(dict.fromkeys([*by, quantile, *measures.values(), *carried]))
    frame = cube.loc[~missing, columns]
    if quintiles:
        quintile = np.ceil(ranks[~missing] / 2).astype("int64")
        frame = frame.assign(**{QUINTILE_COLUMN: quintile})
        return frame, QUINTILE_COLUMN, excluded
    return frame.assign(**{quantile: ranks[~missing].astype("int64")}), quantile, excluded


@dataclass(frozen=True)
class _DeprivationRows:
    """The rows of a cube that have a quantile, with their validated counts.

    Attributes
    ----------
    frame : pandas.DataFrame
        The ``by`` columns, the quantile, the measures and the age band of those rows.
    quantile : str
        The quantile column of ``frame`` (``"imd_quintile"`` when quintiles were made).
    excluded : dict of str to float
        Rows left out for want of a quantile, and their total of each measure.
    counts, populations : numpy.ndarray
        Events and population of each row of ``frame`` (missing values as 0).
    bands : numpy.ndarray or None
        Position of each row's age band in the standard; ``None`` without an age band.
    """

    frame: pd.DataFrame
    quantile: str
    excluded: dict[str, float]
    counts: np.ndarray
    populations: np.ndarray
    bands: np.ndarray | None


def _deprivation_rows(
    cube: pd.DataFrame,
    *,
    func: str,
    events: str,
    population: str,
    quantile: str,
    quintiles: bool,
    by: list[str],
    cost: str | None = None,
    age_band: str | None = None,
    standard_population: Mapping[str, float] | pd.Series | None = None,
    stacklevel: int = 2,
) -> _DeprivationRows:
    """Rows with a quantile (the others reported), their counts and age bands, checked.

    Checks in the name of the public caller ``func``, in this order: the quantile, the
    counts and populations, then the age bands against ``standard_population``.
    ``stacklevel`` counts from the caller, as in :func:`warnings.warn`.
    """
    measures = {"events": events, "population": population}
    if cost is not None:
        measures["cost"] = cost
    frame, quantile_column, excluded = _deprivation_frame(
        cube,
        func=func,
        quantile=quantile,
        quintiles=quintiles,
        by=by,
        measures=measures,
        carried=[] if age_band is None else [age_band],
        stacklevel=stacklevel + 1,
    )
    counts, populations = v.counts_and_populations(
        frame, count=events, population=population, func=func
    )
    bands = None
    if age_band is not None:
        _, _, lookup = resolve_standard(standard_population, func)
        bands = band_positions(
            frame,
            age_band,
            lookup,
            func=func,
            expected="ESP2013 band labels ('0-4', ..., '90+') or the bands of standard_population",
        )
    return _DeprivationRows(frame, quantile_column, excluded, counts, populations, bands)


@validate_params(_RATES)
def rate_by_deprivation(
    cube: pd.DataFrame,
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
    cube : pandas.DataFrame
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
        cube,
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
    return directly_standardised_rate(
        rows.frame,
        events=events,
        population=population,
        age_band=age_band,
        by=[*by_columns, rows.quantile],
        standard_population=standard_population,
        confidence=levels,
        multiplier=multiplier,
    )


@validate_params(_RATES)
def deprivation_gap(
    cube: pd.DataFrame,
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
    cube : pandas.DataFrame
        Tidy cube (see :func:`rate_by_deprivation`).
    events : str
        Column of events.
    population : str, default "persons"
        Column of the population.
    age_band : str, default "age_band"
        Column of ESP2013 age bands.
    quantile : str, default "imd_decile"
        Column of the IMD decile, 1 = most deprived.
    quintiles : bool, default True
        Compare quintile 1 with quintile 5 (True) or decile 1 with the highest decile
        present (False).
    by : str or list of str, optional
        Further grouping columns.
    standard_population : mapping or pandas.Series, optional
        Standard population; default ESP2013.
    multiplier : float, default 100_000
        Rate per this many people.
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
    by_columns = v.by_columns(cube, by, func)
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
        cube,
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
        notes = []
        if most[quantile_column] != 1:
            notes.append(
                f"no quantile 1 (most deprived) in the data; compared {most[quantile_column]}"
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


@validate_params(
    {
        **_CUBE,
        **_STANDARD,
        "cost": ["column", None],
        "unit_cost": [NON_NEGATIVE, None],
        "reference": REFERENCES,
        "level": [StrOptions({"quantile", "total"})],
        "confidence": [*CONFIDENCE, None],
        "reps": REPS,
        "seed": SEEDS,
    }
)
def excess_events(
    cube: pd.DataFrame,
    *,
    events: str,
    population: str = "persons",
    age_band: str = "age_band",
    quantile: str = "imd_decile",
    cost: str | None = None,
    unit_cost: float | None = None,
    reference: Reference = "least_deprived",
    by: str | Sequence[str] | None = None,
    level: Level = "quantile",
    standard_population: Mapping[str, float] | pd.Series | None = None,
    confidence: float | Sequence[float] | None = None,
    reps: int = 100_000,
    seed: int | None = None,
) -> pd.DataFrame:
    """Events (and cost) in excess of what the least deprived decile's rates would give.

    For each decile, expected = Σ over age bands of its population × the reference
    age-specific rate, and excess = observed − expected (indirect standardisation).

    Parameters
    ----------
    cube : pandas.DataFrame
        Tidy cube (see :func:`rate_by_deprivation`).
    events : str
        Column of events.
    population : str, default "persons"
        Column of the population.
    age_band : str, default "age_band"
        Column of ESP2013 age bands (bands are matched across deciles).
    quantile : str, default "imd_decile"
        Column of the deprivation quantile, 1 = most deprived.
    cost : str, optional
        Column of the cost of these events in pounds. Excess cost = excess events × the
        decile's own cost per event (its cost / its events). The cube's ``cost_gbp`` is the
        cost of *all* activity, so pass it only if that is what you mean; otherwise give
        ``unit_cost``.
    unit_cost : float, optional
        A fixed cost per event (e.g. a tariff price); excess cost = excess × unit_cost.
        Give at most one of ``cost`` and ``unit_cost``.
    reference : {"least_deprived", "best_two"}, default "least_deprived"
        Whose age-specific rates every decile is held to: the least deprived quantile
        present (the highest number), or the two quantiles with the lowest directly
        standardised rate, pooled.
    by : str or list of str, optional
        Further grouping columns (e.g. ``"segment"``); each group has its own reference.
    level : {"quantile", "total"}, default "quantile"
        One row per quantile, or one row per ``by`` group with the totals.
    standard_population : mapping or pandas.Series, optional
        Standard used to rank quantiles for ``reference="best_two"``; default ESP2013.
    confidence : float or sequence of float, optional
        Confidence level(s) in (0, 1) of simulated limits on the excess (and its cost).
        ``None`` (the default) gives no limits and runs no simulation.
    reps : int, default 100_000
        Monte Carlo repetitions for the limits (at least 1,000); used with ``confidence``.
    seed : int, optional
        Seed of the ``numpy.random.Generator`` for the limits. ``None`` draws a fresh
        seed from the operating system; either way the seed used is recorded in the
        ``seed`` column. Used with ``confidence``.

    Returns
    -------
    pandas.DataFrame
        With ``level="quantile"``: the ``by`` columns, the quantile, ``observed``,
        ``expected``, ``excess``, ``population``, (``cost_per_event``, ``excess_cost``
        when a cost is given), ``reference``, ``reference_quantiles``,
        ``bands_without_reference`` and ``note``. Negative excess (a decile doing better
        than the reference) is reported as it is, not clipped.

        With ``level="total"``: per ``by`` group ``observed``, ``expected``,
        ``excess_net`` (the sum over quantiles, negatives included), ``excess_positive``
        (the sum of the positive parts: events that would not occur if no quantile did
        worse than the reference), the same two for cost, and the reference columns.

        With ``confidence``, each of ``excess``, ``excess_cost``, ``excess_net``,
        ``excess_positive``, ``excess_cost_net`` and ``excess_cost_positive`` present is
        followed by its limits (``excess_lower_95``, ``excess_upper_95``, one pair per
        level: ``_99_8`` for 0.998, ...), and ``confidence``, ``reps`` and ``seed``
        columns are added before ``note`` (at the end for ``level="total"``).

    Notes
    -----
    An age band in which the reference has no population has no reference rate; the
    band's expected events are set to its observed events (no excess) and counted in
    ``bands_without_reference``. Our own code (simple sums; no library offers it).

    The limits are by Monte Carlo simulation (a parametric bootstrap), not a closed
    form: each repetition draws every age band's events in the reference quantile(s)
    and each other quantile's events, from Poisson distributions with the observed
    counts as means, recomputes the reference rates, the expected events and the
    excess, and the limits are the order statistics at round(reps·(1 − cv)) and
    round(reps·cv), cv = conf + (1 − conf)/2, as for the SII. The reference quantiles
    and the population are held fixed, and so is the cost per event (its own
    uncertainty is not included). For one quantile the simulated variance agrees with
    the delta-method variance O + Σ nᵢ²·Rᵢ/Nᵢ² (R, N the reference's events and
    population), but the positive-part total has no closed form, and it is biased
    upwards when some quantiles are near the reference, so its limits are
    conservative at the low end. Each ``by`` group draws from its own stream of the
    seed.
    """
    func = "excess_events"
    check_columns_exist(
        cube,
        {
            "events": events,
            "population": population,
            "age_band": age_band,
            "quantile": quantile,
            "cost": cost,
        },
        func,
    )
    if unit_cost is not None:
        unit_cost = float(unit_cost)
        if cost is not None:
            raise ValueError(
                f"{func} takes either 'cost' or 'unit_cost', not both. Got cost={cost!r}, "
                f"unit_cost={unit_cost!r}."
            )
    by_columns = v.by_columns(cube, by, func)
    if quantile in by_columns or age_band in by_columns:
        raise ValueError(
            f"The 'by' parameter of {func} must not include {quantile!r} or {age_band!r}."
        )
    reserved = ["observed", "expected", "excess", "population", "cost_per_event", "excess_cost"]
    reserved += ["excess_net", "excess_positive", "excess_cost_net", "excess_cost_positive"]
    reserved += ["reference", "reference_quantiles", "bands_without_reference", "note"]
    levels = None if confidence is None else v.confidence_levels(confidence)
    if levels is not None:
        seed = resolve_seed(seed)
        reserved += ["confidence", "reps", "seed"]
        for name in ["excess", "excess_cost", *reserved[6:10]]:
            reserved += [f"{name}_{column}" for column in v.limit_columns(levels)]
    v.check_no_clash(by_columns, reserved, func)

    rows = _deprivation_rows(
        cube,
        func=func,
        events=events,
        population=population,
        quantile=quantile,
        quintiles=False,
        by=by_columns,
        cost=cost,
        age_band=age_band,
        standard_population=standard_population,
    )
    frame, quantile_column, bands = rows.frame, rows.quantile, rows.bands
    costs = np.nan_to_num(v.numeric_column(frame, cost, "cost", func)) if cost else None
    labels, weights, _ = resolve_standard(standard_population, func)
    groups = v.group_rows(frame, by_columns)
    q_codes, q_values = pd.factorize(frame[quantile_column].to_numpy(), sort=True)
    n_groups, n_q, n_bands = groups.count, len(q_values), len(labels)
    cells = (groups.codes * n_q + q_codes) * n_bands + bands
    size = n_groups * n_q * n_bands
    shape = (n_groups, n_q, n_bands)
    observed = np.bincount(cells, weights=rows.counts, minlength=size).reshape(shape)
    at_risk = np.bincount(cells, weights=rows.populations, minlength=size).reshape(shape)
    present = (np.bincount(groups.codes * n_q + q_codes, minlength=n_groups * n_q) > 0).reshape(
        n_groups, n_q
    )

    # reference quantiles for each group
    chosen = np.zeros((n_groups, n_q), dtype=bool)
    if reference == "least_deprived":
        last = n_q - 1 - np.argmax(present[:, ::-1], axis=1)
        chosen[np.arange(n_groups), last] = True
    else:
        has = at_risk > 0
        w = np.where(has, weights, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            dsr = (np.where(has, observed / np.where(has, at_risk, 1.0), 0.0) * w).sum(2) / w.sum(2)
        dsr = np.where(present & np.isfinite(dsr), dsr, np.inf)
        ranked = np.argsort(dsr, axis=1, kind="stable")[:, :2]
        for g in range(n_groups):
            for q in ranked[g]:
                if np.isfinite(dsr[g, q]):
                    chosen[g, q] = True
    ref_events = (observed * chosen[:, :, None]).sum(1)
    ref_population = (at_risk * chosen[:, :, None]).sum(1)
    has_reference = ref_population > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ref_rate = np.where(
            has_reference, ref_events / np.where(has_reference, ref_population, 1), 0
        )
    expected = np.where(has_reference[:, None, :], at_risk * ref_rate[:, None, :], observed).sum(2)
    used = (at_risk > 0) | (observed > 0)
    without = (used & ~has_reference[:, None, :]).sum(2)
    observed_total = observed.sum(2)
    excess = observed_total - expected
    population_total = at_risk.sum(2)
    with_cost = cost is not None or unit_cost is not None
    if cost is not None:
        cost_total = np.bincount(
            groups.codes * n_q + q_codes, weights=costs, minlength=n_groups * n_q
        ).reshape(n_groups, n_q)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_event = np.where(observed_total > 0, cost_total / observed_total, np.nan)
    elif unit_cost is not None:
        per_event = np.full((n_groups, n_q), unit_cost)
    else:
        per_event = np.full((n_groups, n_q), np.nan)
    excess_cost = excess * per_event
    reference_labels = [", ".join(str(q) for q in q_values[chosen[g]]) for g in range(n_groups)]
    limits: dict[str, np.ndarray] = {}
    failed = np.zeros(n_groups, dtype=bool)
    if levels is not None:
        limits, failed = _simulated_excess_limits(
            observed=observed,
            at_risk=at_risk,
            present=present,
            chosen=chosen,
            has_reference=has_reference,
            per_event=per_event,
            levels=levels,
            reps=reps,
            seed=seed,
        )

    def add_limits(columns: dict[str, Any], name: str, index: Any) -> None:
        if levels is None:
            return
        for level in levels:
            label = v.confidence_label(level)
            for side in ("lower", "upper"):
                columns[f"{name}_{side}_{label}"] = limits[f"{name}_{side}_{label}"][index]

    def add_settings(columns: dict[str, Any]) -> None:
        if levels is not None:
            columns["confidence"] = v.confidence_text(levels)
            columns["reps"] = reps
            columns["seed"] = seed

    if level == "quantile":
        g_index, q_index = np.nonzero(present)
        notes = np.where(
            without[g_index, q_index] > 0,
            "some age bands have no reference rate (expected = observed there)",
            "",
        )
        if cost is not None:
            notes = np.where(
                np.isnan(per_event[g_index, q_index]),
                np.where(notes == "", "no events, so no cost per event", notes),
                notes,
            )
        if failed.any():
            notes = np.where(
                failed[g_index],
                np.where(
                    notes == "",
                    _NOTE_NO_LIMITS,
                    np.char.add(np.asarray(notes, dtype=str), "; " + _NOTE_NO_LIMITS),
                ),
                notes,
            )
        index = (g_index, q_index)
        columns: dict[str, Any] = {
            quantile_column: q_values[q_index],
            "observed": observed_total[g_index, q_index],
            "expected": expected[g_index, q_index],
            "excess": excess[g_index, q_index],
        }
        add_limits(columns, "excess", index)
        columns["population"] = population_total[g_index, q_index]
        if with_cost:
            columns["cost_per_event"] = per_event[g_index, q_index]
            columns["excess_cost"] = excess_cost[g_index, q_index]
            add_limits(columns, "excess_cost", index)
        columns["reference"] = reference
        columns["reference_quantiles"] = [reference_labels[g] for g in g_index]
        columns["bands_without_reference"] = without[g_index, q_index]
        add_settings(columns)
        columns["note"] = notes
        return v.result_frame(groups.keys, columns, rows=g_index)

    masked = np.where(present, excess, 0.0)
    every = slice(None)
    columns = {
        "observed": observed_total.sum(1),
        "expected": np.where(present, expected, 0.0).sum(1),
        "excess_net": masked.sum(1),
    }
    add_limits(columns, "excess_net", every)
    columns["excess_positive"] = np.clip(masked, 0, None).sum(1)
    add_limits(columns, "excess_positive", every)
    if with_cost:
        cost_masked = np.where(present, excess_cost, 0.0)
        columns["excess_cost_net"] = cost_masked.sum(1)
        add_limits(columns, "excess_cost_net", every)
        columns["excess_cost_positive"] = np.where(cost_masked > 0, cost_masked, 0.0).sum(1)
        add_limits(columns, "excess_cost_positive", every)
    columns["reference"] = reference
    columns["reference_quantiles"] = reference_labels
    columns["bands_without_reference"] = without.sum(1)
    add_settings(columns)
    return v.result_frame(groups.keys, columns)


_NOTE_NO_LIMITS = "limits not calculated (the simulation failed for this group)"
#: Entropy mixed into the seed so the excess draws are not the SII's draws.
_EXCESS_STREAM = 0x657863


def _percentile_limits(
    draws: np.ndarray, levels: Sequence[float]
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Order statistics round(reps·(1 − cv)) and round(reps·cv) of each column of draws."""
    reps = draws.shape[0]
    positions = {}
    for level in levels:
        cv = level + (1 - level) / 2
        low = int(np.rint(reps * (1 - cv))) - 1
        high = int(np.rint(reps * cv)) - 1
        positions[level] = (min(max(low, 0), reps - 1), min(max(high, 0), reps - 1))
    kth = sorted({k for pair in positions.values() for k in pair})
    ordered = np.partition(draws, kth, axis=0)
    return {level: (ordered[lo], ordered[hi]) for level, (lo, hi) in positions.items()}


def _simulated_excess_limits(
    *,
    observed: np.ndarray,
    at_risk: np.ndarray,
    present: np.ndarray,
    chosen: np.ndarray,
    has_reference: np.ndarray,
    per_event: np.ndarray,
    levels: Sequence[float],
    reps: int,
    seed: int,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Monte Carlo limits of the excess by group and quantile, and of the group totals.

    Parameters
    ----------
    observed, at_risk : numpy.ndarray
        Events and population, shape (groups, quantiles, bands).
    present, chosen : numpy.ndarray
        Quantiles present in a group, and the reference quantiles, (groups, quantiles).
    has_reference : numpy.ndarray
        Bands with a reference population, (groups, bands).
    per_event : numpy.ndarray
        Cost per event (NaN without a cost), (groups, quantiles).
    levels : sequence of float
        Confidence levels.
    reps : int
        Repetitions.
    seed : int
        Seed; group g draws from child g of ``SeedSequence([seed, _EXCESS_STREAM])``.

    Returns
    -------
    limits : dict of str to numpy.ndarray
        ``excess_lower_95`` etc. of shape (groups, quantiles) for ``excess`` and
        ``excess_cost``, of shape (groups,) for the four totals.
    failed : numpy.ndarray
        Groups whose simulation raised (their limits are NaN).
    """
    n_groups, n_q, _ = observed.shape
    per_quantile = ["excess", "excess_cost"]
    totals = ["excess_net", "excess_positive", "excess_cost_net", "excess_cost_positive"]
    limits: dict[str, np.ndarray] = {}
    for level in levels:
        label = v.confidence_label(level)
        for side in ("lower", "upper"):
            for name in per_quantile:
                limits[f"{name}_{side}_{label}"] = np.full((n_groups, n_q), np.nan)
            for name in totals:
                limits[f"{name}_{side}_{label}"] = np.full(n_groups, np.nan)
    failed = np.zeros(n_groups, dtype=bool)
    streams = np.random.SeedSequence([seed, _EXCESS_STREAM]).spawn(n_groups)
    for g in range(n_groups):
        try:
            draws = _excess_draws(
                observed[g],
                at_risk[g],
                present[g],
                chosen[g],
                has_reference[g],
                reps,
                np.random.default_rng(streams[g]),
            )
        except (ValueError, FloatingPointError):
            failed[g] = True
            continue
        costs = draws * per_event[g]
        columns = {
            "excess": draws,
            "excess_cost": costs,
            "excess_net": draws.sum(1),
            "excess_positive": np.clip(draws, 0, None).sum(1),
            "excess_cost_net": costs.sum(1),
            "excess_cost_positive": np.where(costs > 0, costs, 0.0).sum(1),
        }
        for name, values in columns.items():
            for level, (low, high) in _percentile_limits(values, levels).items():
                label = v.confidence_label(level)
                limits[f"{name}_lower_{label}"][g] = low
                limits[f"{name}_upper_{label}"][g] = high
    return limits, failed


def _excess_draws(
    observed: np.ndarray,
    at_risk: np.ndarray,
    present: np.ndarray,
    chosen: np.ndarray,
    has_reference: np.ndarray,
    reps: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Simulate the excess of each quantile of one group, shape (reps, quantiles).

    Only bands with a reference rate carry excess (elsewhere expected = observed), so
    a non-reference quantile needs one Poisson draw of its events in those bands; the
    reference quantiles are drawn band by band, as their events make the reference rates.
    Quantiles not present are 0.
    """
    reference_population = (at_risk * chosen[:, None]).sum(0)
    safe_population = np.where(has_reference, reference_population, 1.0)
    reference_draws = rng.poisson(
        observed[chosen], size=(reps, int(chosen.sum()), len(safe_population))
    )
    reference_draws = reference_draws.astype("float64")
    reference_rate = np.where(has_reference, reference_draws.sum(1) / safe_population, 0.0)
    exposure = np.where(has_reference, at_risk, 0.0)
    expected = reference_rate @ exposure.T  # (reps, quantiles)
    others = ~chosen & present
    events = np.zeros((reps, len(present)))
    events[:, others] = rng.poisson(
        np.where(has_reference, observed[others], 0.0).sum(1), size=(reps, int(others.sum()))
    )
    events[:, chosen] = np.where(has_reference, reference_draws, 0.0).sum(2)
    return np.where(present, events - expected, 0.0)


@validate_params(_CUBE)
def core20_share(
    cube: pd.DataFrame,
    *,
    events: str,
    population: str = "persons",
    quantile: str = "imd_decile",
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Share of events in Core20, the most deprived 20% (IMD deciles 1 and 2).

    Parameters
    ----------
    cube : pandas.DataFrame
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
        cube, {"events": events, "population": population, "quantile": quantile}, func
    )
    by_columns = v.by_columns(cube, by, func)
    reserved = ["core20_events", "events", "event_share", "core20_population", "population"]
    reserved += ["population_share", "share_ratio"]
    v.check_no_clash(by_columns, reserved, func)
    rows = _deprivation_rows(
        cube,
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


__all__ = [
    "CORE20_DECILES",
    "QUINTILE_COLUMN",
    "ExcludedRowsWarning",
    "core20_share",
    "deprivation_gap",
    "excess_events",
    "rate_by_deprivation",
]
