"""Excess events: what every deprivation quantile would have if it had the reference's rates.

:func:`excess_events` holds each quantile to the age-specific rates of the least deprived
quantile (or of the best two) by indirect standardisation, costs the excess, and with a
``confidence`` adds Monte Carlo limits, simulated here group by group. Public from
:mod:`toolkit.indicators.inequality`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    CONFIDENCE,
    NON_NEGATIVE,
    Interval,
    StrOptions,
    check_columns_exist,
    validate_params,
)
from toolkit.indicators import _frames as v
from toolkit.indicators._age_bands import resolve_standard
from toolkit.indicators._deprivation import CUBE, REFERENCES, STANDARD, Reference, deprivation_rows
from toolkit.indicators._rate_columns import DSR_MINIMUM_EVENTS
from toolkit.indicators._simulation import REPS, SEEDS, order_statistics, resolve_seed

Level = Literal["quantile", "total"]


@validate_params(
    {
        **CUBE,
        **STANDARD,
        "cost": ["column", None],
        "unit_cost": [NON_NEGATIVE, None],
        "reference": REFERENCES,
        "level": [StrOptions({"quantile", "total"})],
        "confidence": [*CONFIDENCE, None],
        "reps": REPS,
        "seed": SEEDS,
        "min_reference_events": [Interval(Integral, 0, None, closed="left")],
    },
    renamed={"cube": "data"},
)
def excess_events(
    data: pd.DataFrame,
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
    min_reference_events: int = DSR_MINIMUM_EVENTS,
) -> pd.DataFrame:
    """Events (and cost) in excess of what the least deprived decile's rates would give.

    For each decile, expected = Σ over age bands of its population × the reference
    age-specific rate, and excess = observed − expected (indirect standardisation); the
    observed events are the output's ``events``.

    Parameters
    ----------
    data : pandas.DataFrame
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
    min_reference_events : int, default 10
        The excess of a group is not published (``expected``, ``excess``, their costs and
        limits are NaN, and ``note`` says why) when its reference quantile(s) have fewer
        events than this, as a directly standardised rate with fewer than 10 events is
        not: rates resting on so few events are too uncertain to hold every quantile to.
        0 publishes every excess.

    Returns
    -------
    pandas.DataFrame
        With ``level="quantile"``: the ``by`` columns, the quantile, ``events`` (the
        observed events), ``expected``, ``excess``, ``population``, (``cost_per_event``,
        ``excess_cost`` when a cost is given), ``reference``, ``reference_quantiles``,
        ``bands_without_reference`` and ``note``. Negative excess (a decile doing better
        than the reference) is reported as it is, not clipped.

        With ``level="total"``: per ``by`` group ``events``, ``expected``,
        ``excess_net`` (the sum over quantiles, negatives included), ``excess_positive``
        (the sum of the positive parts: events that would not occur if no quantile did
        worse than the reference), the same two for cost, the reference columns and
        ``note`` (empty, or why the excess is not published).

        With ``confidence``, each of ``excess``, ``excess_cost``, ``excess_net``,
        ``excess_positive``, ``excess_cost_net`` and ``excess_cost_positive`` present is
        followed by its limits (``excess_lower_95``, ``excess_upper_95``, one pair per
        level: ``_99_8`` for 0.998, ...), and ``confidence``, ``reps`` and ``seed``
        columns are added before ``note``.

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
        data,
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
    by_columns = v.by_columns(data, by, func)
    if quantile in by_columns or age_band in by_columns:
        raise ValueError(
            f"The 'by' parameter of {func} must not include {quantile!r} or {age_band!r}."
        )
    reserved = ["events", "expected", "excess", "population", "cost_per_event", "excess_cost"]
    reserved += ["excess_net", "excess_positive", "excess_cost_net", "excess_cost_positive"]
    reserved += ["reference", "reference_quantiles", "bands_without_reference", "note"]
    levels = None if confidence is None else v.confidence_levels(confidence)
    if levels is not None:
        seed = resolve_seed(seed)
        reserved += ["confidence", "reps", "seed"]
        for name in ["excess", "excess_cost", *reserved[6:10]]:
            reserved += [f"{name}_{column}" for column in v.limit_columns(levels)]
    v.check_no_clash(by_columns, reserved, func)

    rows = deprivation_rows(
        data,
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

    chosen = _reference_quantiles(observed, at_risk, present, weights, reference)
    ref_events = (observed * chosen[:, :, None]).sum(1)
    ref_population = (at_risk * chosen[:, :, None]).sum(1)
    has_reference = ref_population > 0
    ref_total = ref_events.sum(1)
    # Too few events in the reference to hold every quantile to its rates: not published.
    unpublished = ref_total < min_reference_events
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
    expected = np.where(unpublished[:, None], np.nan, expected)
    excess = np.where(unpublished[:, None], np.nan, excess)
    excess_cost = np.where(unpublished[:, None], np.nan, excess_cost)
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
        for name, values in limits.items():
            limits[name] = np.where(
                unpublished if values.ndim == 1 else unpublished[:, None], np.nan, values
            )
    unpublished_notes = [
        _not_published_note(ref_total[g], min_reference_events) if unpublished[g] else ""
        for g in range(n_groups)
    ]

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
        if unpublished.any():
            reason = np.asarray([unpublished_notes[g] for g in g_index], dtype=object)
            notes = np.where(
                reason == "",
                notes,
                np.where(notes == "", reason, reason + "; " + np.asarray(notes, dtype=object)),
            )
        index = (g_index, q_index)
        columns: dict[str, Any] = {
            quantile_column: q_values[q_index],
            "events": observed_total[g_index, q_index],
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
        "events": observed_total.sum(1),
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
        columns["excess_cost_positive"] = np.where(
            unpublished, np.nan, np.where(cost_masked > 0, cost_masked, 0.0).sum(1)
        )
        add_limits(columns, "excess_cost_positive", every)
    columns["reference"] = reference
    columns["reference_quantiles"] = reference_labels
    columns["bands_without_reference"] = without.sum(1)
    add_settings(columns)
    columns["note"] = unpublished_notes
    return v.result_frame(groups.keys, columns)


_NOTE_NO_LIMITS = "limits not calculated (the simulation failed for this group)"


def _not_published_note(reference_events: float, minimum: int) -> str:
    """Say why a group's excess is not published: its reference has too few events."""
    # The number itself is not given: the reference's count is below the publication
    # minimum, so it is not published here either.
    del reference_events
    return f"excess not published: the reference has fewer than {minimum} events to compare with"


#: Entropy mixed into the seed so the excess draws are not the SII's draws.
_EXCESS_STREAM = 0x657863


def _reference_quantiles(
    observed: np.ndarray,
    at_risk: np.ndarray,
    present: np.ndarray,
    weights: np.ndarray,
    reference: str,
) -> np.ndarray:
    """Return the reference quantiles of each group, shape (groups, quantiles).

    ``"least_deprived"``: the highest quantile present; ``"best_two"``: the two present
    quantiles with the lowest directly standardised rate (standard ``weights`` per band).
    """
    n_groups, n_q, _ = observed.shape
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
    return chosen


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
            for level, (low, high) in order_statistics(values, levels, values.shape[0]).items():
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
