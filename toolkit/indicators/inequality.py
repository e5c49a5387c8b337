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

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit.indicators import _validation as v
from toolkit.indicators._age_bands import band_positions, resolve_standard
from toolkit.indicators.rates import directly_standardised_rate

#: Output column of the quintile derived from the decile, ceil(decile / 2).
QUINTILE_COLUMN = "imd_quintile"
#: Deciles making up Core20, the most deprived fifth of England.
CORE20_DECILES = (1, 2)

Reference = Literal["least_deprived", "best_two"]
Level = Literal["quantile", "total"]
_REFERENCES = {"least_deprived": "least_deprived", "best_two": "best_two"}
_LEVELS = {"quantile": "quantile", "total": "total"}


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
        warnings.warn(
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
    v.check_columns(
        cube,
        {"events": events, "population": population, "age_band": age_band, "quantile": quantile},
        func,
    )
    quintiles = v.check_bool(quintiles, "quintiles", func)
    by_columns = v.normalise_by(cube, by, func)
    levels = v.parse_confidence(confidence, func)
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

    Returns
    -------
    pandas.DataFrame
        One row per ``by`` group: ``most_deprived`` and ``least_deprived`` (the quantiles
        compared), ``most_deprived_rate``, ``least_deprived_rate``, ``absolute_gap``
        (most minus least deprived, per ``multiplier`` people), ``relative_gap`` (most /
        least deprived) and ``note``. A gap involving an unpublished rate (fewer than
        10 events) is NaN with a note. No confidence limits are given for the gaps.
    """
    func = "deprivation_gap"
    v.check_frame(cube, func)
    quintiles = v.check_bool(quintiles, "quintiles", func)
    by_columns = v.normalise_by(cube, by, func)
    reserved = ["most_deprived", "least_deprived", "most_deprived_rate", "least_deprived_rate"]
    reserved += ["absolute_gap", "relative_gap", "note"]
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
        confidence=0.95,
        multiplier=multiplier,
    )
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
        row.update(
            most_deprived=int(most[quantile_column]),
            least_deprived=int(least[quantile_column]),
            most_deprived_rate=float(most["value"]),
            least_deprived_rate=float(least["value"]),
            absolute_gap=float(most["value"] - least["value"]),
            relative_gap=float(most["value"] / least["value"]) if least["value"] else np.nan,
            note="; ".join(notes),
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=[*by_columns, *reserved])


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

    Notes
    -----
    An age band in which the reference has no population has no reference rate; the
    band's expected events are set to its observed events (no excess) and counted in
    ``bands_without_reference``. Our own code (simple sums; no library offers it).
    """
    func = "excess_events"
    v.check_columns(
        cube,
        {"events": events, "population": population, "age_band": age_band, "quantile": quantile},
        func,
    )
    v.check_optional_column(cube, cost, "cost", func)
    if unit_cost is not None:
        unit_cost = v.check_real(
            unit_cost,
            "unit_cost",
            func,
            low=0.0,
            low_open=False,
            description="a non-negative float or None",
        )
        if cost is not None:
            raise ValueError(
                f"{func} takes either 'cost' or 'unit_cost', not both. Got cost={cost!r}, "
                f"unit_cost={unit_cost!r}."
            )
    reference = v.check_choice(reference, "reference", func, _REFERENCES)
    level = v.check_choice(level, "level", func, _LEVELS)
    by_columns = v.normalise_by(cube, by, func)
    if quantile in by_columns or age_band in by_columns:
        raise ValueError(
            f"The 'by' parameter of {func} must not include {quantile!r} or {age_band!r}."
        )
    reserved = ["observed", "expected", "excess", "population", "cost_per_event", "excess_cost"]
    reserved += ["excess_net", "excess_positive", "excess_cost_net", "excess_cost_positive"]
    reserved += ["reference", "reference_quantiles", "bands_without_reference", "note"]
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
        columns: dict[str, Any] = {
            quantile_column: q_values[q_index],
            "observed": observed_total[g_index, q_index],
            "expected": expected[g_index, q_index],
            "excess": excess[g_index, q_index],
            "population": population_total[g_index, q_index],
        }
        if with_cost:
            columns["cost_per_event"] = per_event[g_index, q_index]
            columns["excess_cost"] = excess_cost[g_index, q_index]
        columns["reference"] = reference
        columns["reference_quantiles"] = [reference_labels[g] for g in g_index]
        columns["bands_without_reference"] = without[g_index, q_index]
        columns["note"] = notes
        return v.result_frame(groups.keys, columns, rows=g_index)

    masked = np.where(present, excess, 0.0)
    columns = {
        "observed": observed_total.sum(1),
        "expected": np.where(present, expected, 0.0).sum(1),
        "excess_net": masked.sum(1),
        "excess_positive": np.clip(masked, 0, None).sum(1),
    }
    if with_cost:
        cost_masked = np.where(present, excess_cost, 0.0)
        columns["excess_cost_net"] = cost_masked.sum(1)
        columns["excess_cost_positive"] = np.where(cost_masked > 0, cost_masked, 0.0).sum(1)
    columns["reference"] = reference
    columns["reference_quantiles"] = reference_labels
    columns["bands_without_reference"] = without.sum(1)
    return v.result_frame(groups.keys, columns)


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
    v.check_columns(cube, {"events": events, "population": population, "quantile": quantile}, func)
    by_columns = v.normalise_by(cube, by, func)
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
