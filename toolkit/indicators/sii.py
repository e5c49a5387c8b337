"""Slope index of inequality (SII) and relative index of inequality (RII).

The published method (Low & Low 2004, as OHID's ``phe_sii`` and the PHE SII tool):
weighted least squares of the indicator on the relative rank of each deprivation quantile,
with Monte Carlo confidence limits. Our own code, because no library implements it: the
regression is the closed-form weighted fit (two dot products per draw) and the simulation
is vectorised over draws.

Reproduces PHEindicatormethods 2.1.0's ``phe_sii`` test suite (``tests/indicators/
test_phe_sii.py``): transformed limits back-transformed around the fitted midpoint (the
default), the intercept and the reliability statistic as options, and SII from counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Real
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from toolkit._params import (
    CONFIDENCE,
    Interval,
    StrOptions,
    check_columns_exist,
    validate_params,
    warn,
)
from toolkit.indicators import _frames as v
from toolkit.indicators._sii_inputs import (
    check_domain,
    check_options,
    column_standard_errors,
    count_standard_errors,
    refuse_invalid,
    values_from_counts,
)
from toolkit.indicators._simulation import MIN_REPS, REPS, SEEDS, order_statistics, resolve_seed

ValueType = Literal["other", "rate", "proportion"]
Simulation = Literal["coefficients", "quantiles"]
BackTransform = Literal["midpoint", "draws"]
InvalidGroups = Literal["raise", "note"]
IncompleteGroups = Literal["remove", "calculate"]


class SIIWarning(UserWarning):
    """Groups left out of an SII, or an SII over many quantiles (as ``phe_sii`` warns)."""


Link = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]


def _identity(values: np.ndarray) -> np.ndarray:
    return values


#: Scale on which standard errors of each value type are given, and its inverse.
_LINKS: dict[str, Link] = {
    "other": (_identity, _identity),
    "rate": (np.log, np.exp),
    "proportion": (logit, expit),
}

#: Published limits on the number of quantiles.
MIN_QUANTILES = 5
MAX_QUANTILES = 100
#: Above this many quantiles ``phe_sii`` warns that small values can make the SII unstable.
MANY_QUANTILES = 10
#: Simulation runs behind the reliability statistic (the first is the one reported).
RELIABILITY_RUNS = 10
#: Draws held in memory at once by the ``"quantiles"`` simulation (per chunk).
_CHUNK_ELEMENTS = 2_000_000

METHOD_SII = "weighted least squares (Low & Low 2004); Monte Carlo limits"


@validate_params(
    {
        "data": ["data-frame"],
        "value": ["column", None],
        "quantile": ["column"],
        "population": ["column"],
        "by": ["columns", None],
        "lower": ["column", None],
        "upper": ["column", None],
        "se": ["column", None],
        "value_type": [StrOptions(_LINKS)],
        "transform": ["boolean"],
        "multiplier": [
            Interval(Real, None, 0, closed="neither"),
            Interval(Real, 0, None, closed="neither"),
        ],
        "confidence": CONFIDENCE,
        "reps": REPS,
        "seed": SEEDS,
        "limits_confidence": [Interval(Real, 0, 1, closed="neither")],
        "simulation": [StrOptions({"coefficients", "quantiles"})],
        "events": ["column", None],
        "denominator": ["column", None],
        "back_transform": [StrOptions({"midpoint", "draws"})],
        "intercept": ["boolean"],
        "reliability": ["boolean"],
        "invalid_groups": [StrOptions({"raise", "note"})],
        "incomplete_groups": [StrOptions({"remove", "calculate"})],
    },
    renamed={"numerator": "events"},
)
def slope_index_of_inequality(
    data: pd.DataFrame,
    *,
    value: str | None = None,
    quantile: str,
    population: str,
    by: str | Sequence[str] | None = None,
    lower: str | None = None,
    upper: str | None = None,
    se: str | None = None,
    value_type: ValueType = "other",
    transform: bool = False,
    multiplier: float = 1,
    confidence: float | Sequence[float] = 0.95,
    reps: int = 100_000,
    seed: int | None = None,
    limits_confidence: float = 0.95,
    simulation: Simulation = "coefficients",
    events: str | None = None,
    denominator: str | None = None,
    back_transform: BackTransform = "midpoint",
    intercept: bool = False,
    reliability: bool = False,
    invalid_groups: InvalidGroups = "raise",
    incomplete_groups: IncompleteGroups = "remove",
) -> pd.DataFrame:
    """Slope and relative index of inequality across deprivation quantiles.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per quantile within each group.
    value : str, optional
        Column of the indicator value in each quantile (a rate, a proportion between 0
        and 1, life expectancy, ...). Give either this or ``events``.
    quantile : str
        Column of the quantile number: **1 = most deprived**, up to the least deprived.
        Each group needs 5 to 100 distinct quantiles.
    population : str
        Column of each quantile's population (the regression weights).
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    lower, upper : str, optional
        Columns of the value's confidence limits (at ``limits_confidence``), from which
        the standard errors are derived: SE = (g(upper) − g(lower)) / (2 z) on the scale
        g of the value type (natural for ``"other"``, log for ``"rate"``, logit for
        ``"proportion"``). Give either these two or ``se``.
    se : str, optional
        Column of standard errors, on the same scale as above (natural for ``"other"``,
        log scale for ``"rate"``, logit scale for ``"proportion"``). Not with
        ``transform``, which needs the limits (as ``phe_sii``).
    value_type : {"other", "rate", "proportion"}, default "other"
        Kind of indicator. Without ``transform`` the fit is on the natural scale and a
        log- or logit-scale SE is carried to it by the delta method (SE × y for rates,
        SE × y(1 − y) for proportions).
    transform : bool, default False
        Fit on the log (rates) or logit (proportions) scale and back-transform:
        SII = (g⁻¹(a + b) − g⁻¹(a)) × multiplier, RII = g⁻¹(a + b) / g⁻¹(a).
    multiplier : float, default 1
        Scales the SII. A negative multiplier flips the sign of the SII and inverts the
        RII (use it when a lower value is better and you want the gap as a positive
        number).
    confidence : float or sequence of float, default 0.95
        Confidence level(s) of the Monte Carlo limits, e.g. ``(0.95, 0.998)``.
    reps : int, default 100_000
        Monte Carlo repetitions (at least 1,000).
    seed : int, optional
        Seed of the ``numpy.random.Generator``. ``None`` draws a fresh seed from the
        operating system; either way the seed used is recorded in the output.
    limits_confidence : float, default 0.95
        Confidence level of the ``lower`` and ``upper`` columns.
    events : str, optional
        Column of event counts, for an SII from counts instead of ``value`` (value type
        ``"rate"`` or ``"proportion"`` only); called ``numerator`` before this release
        (the old keyword still works, with a ``FutureWarning``). The value is
        ``events / denominator``:
        a proportion between 0 and 1, or a rate per person (use ``multiplier`` to
        express the SII per 1,000 or 100,000; the RII does not depend on it). Without
        ``se``, ``lower`` and ``upper`` the standard errors come from the counts' own
        limits at ``limits_confidence``: Wilson for proportions, exact Poisson below 10
        events and Byar's from 10 for rates (a quantile with no events then has no
        standard error and its group gets a note).
    denominator : str, optional
        Column of the population the counts are of, where it differs from the
        ``population`` that weights the quantiles (the people at risk of an event that
        concerns some of them); defaults to ``population``. Not renamed: ``population`` is
        the weights (see ``docs/glossary.md``).
    back_transform : {"midpoint", "draws"}, default "midpoint"
        How the limits are carried back to the original units when ``transform`` is
        true. ``"midpoint"`` (the default, as PHEindicatormethods' ``phe_sii`` 2.1.0):
        the limits of the simulated slope b* are found on the transformed scale and
        placed around the fitted value m = a + b/2 at the
        population midpoint, SII limit = (g⁻¹(m + b*/2) − g⁻¹(m − b*/2)) × multiplier and
        RII limit = g⁻¹(m + b*/2) / g⁻¹(m − b*/2). ``"draws"`` (the toolkit's method
        before this option existed): each simulated intercept and slope pair is
        back-transformed and the limits are taken from those SIIs and RIIs. It carries
        the uncertainty of the intercept into the SII (a log-scale slope means a
        different absolute gap at a different level), so its SII interval is the more
        complete one; the two differ by up to about 3.5% of the interval's width on
        PHEindicatormethods' test data. Keep it to reproduce results made before; the
        point SII and RII are the same either way.
    intercept : bool, default False
        Also return ``intercept``: the fitted value at the most deprived end (b = 0) in
        the indicator's own units, g⁻¹(a), not scaled by ``multiplier``.
    reliability : bool, default False
        Also return the reliability statistic of the limits (``reliability_stat`` in
        ``phe_sii``): the simulation is run 10 times with fresh draws from the same
        generator (the first run gives the limits reported) and, for each confidence
        level, ``sii_mad_<level>`` and ``rii_mad_<level>`` hold the mean absolute
        difference between the first run's lower and upper limits and those of the 9
        runs after it (the mean of 18 differences). A value of 0.005 means the limits
        move by about 0.005 from one run to the next. Takes 10 times as long.
    invalid_groups : {"raise", "note"}, default "raise"
        What a missing or zero population, a missing value, standard error or limit, or
        (for a proportion from counts) a zero count does. ``"raise"`` (as ``phe_sii``):
        a ``ValueError`` naming the rows. ``"note"`` (a departure, for grouped calls in
        which one bad group should not stop the others, as the rest of the toolkit does):
        that group gets NaN results and a note saying why, and a zero count is a valid
        proportion of 0 unless ``transform`` is true. A :class:`SIIWarning` counts the
        groups so noted.
    incomplete_groups : {"remove", "calculate"}, default "remove"
        What a group lacking some of the quantiles present in the data does.
        ``"remove"`` (as ``phe_sii``): it is not calculated and a :class:`SIIWarning`
        says how many groups were removed; its row is kept, with NaN results and a note
        naming the missing quantiles (``phe_sii`` leaves the row out). The 5 to 100
        quantiles are then counted over the whole data. ``"calculate"`` (a departure):
        each group is fitted on the quantiles it has, if it has 5 to 100 of them; use it
        for places that have no areas in some deciles, and compare such groups on the
        ``quantiles`` column.
    simulation : {"coefficients", "quantiles"}, default "coefficients"
        ``"quantiles"`` draws a value for every quantile from N(y, SE) and refits, as
        the published description reads. ``"coefficients"`` (the default) draws the
        fitted intercept and slope directly from their exact joint normal distribution:
        the weighted fit is a fixed linear map of the drawn values, so the two give the
        same distribution, and this needs 2 random numbers per draw instead of one per
        quantile (several times faster: see ``benchmarks/bench_indicators.py``).

    Returns
    -------
    pandas.DataFrame
        One row per group: the ``by`` columns, ``quantiles``, ``sii``,
        ``sii_lower_<level>``, ``sii_upper_<level>``, ``rii``, ``rii_lower_<level>``,
        ``rii_upper_<level>``, ``intercept`` (if asked for), ``sii_mad_<level>`` and
        ``rii_mad_<level>`` (if ``reliability``), the settings used (``value_type``,
        ``transform``, ``multiplier``, ``confidence``, ``reps``, ``seed``,
        ``simulation``, ``back_transform`` when ``transform`` is true, ``method``) and
        ``note``. No group is dropped: a group that cannot be calculated (see
        ``invalid_groups`` and ``incomplete_groups``) keeps its row, with NaN results
        and a note.

    Warns
    -----
    SIIWarning
        When groups were removed or noted, and when the data have more than 10
        quantiles ("small values can make the SII unstable", as ``phe_sii``).

    Notes
    -----
    Convention (as published by OHID): quantile 1 is the most deprived; each quantile
    sits at the midpoint of its cumulative population share (b, from 0 at the most
    deprived end to 1 at the least deprived end); the value is regressed on b weighted by
    population share; **SII = fitted value at the least deprived end minus the most
    deprived end**, × multiplier; **RII = their ratio** (least / most deprived). So an
    indicator that is higher in less deprived areas (life expectancy) has a positive SII
    and an RII above 1, and one that is higher in more deprived areas (emergency
    admission rates) has a negative SII and an RII below 1.

    The limits are the order statistics at round(reps·(1 − cv)) and round(reps·cv)
    (counting from 1), cv = confidence + (1 − confidence)/2, of the simulated SIIs and
    RIIs (of the simulated slopes, mapped as above, with the ``"midpoint"``
    back-transformation).

    Examples
    --------
    >>> import pandas as pd
    >>> deciles = pd.DataFrame({
    ...     "decile": range(1, 11),
    ...     "persons": [1000] * 10,
    ...     "life_expectancy": [76 + 0.8 * d for d in range(10)],
    ...     "se": [0.5] * 10,
    ... })
    >>> result = slope_index_of_inequality(
    ...     deciles, value="life_expectancy", quantile="decile", population="persons",
    ...     se="se", reps=10_000, seed=1)
    >>> round(float(result["sii"].iloc[0]), 3)
    8.0
    """
    func = "slope_index_of_inequality"
    if (value is None) == (events is None):
        raise ValueError(
            f"{func} takes either 'value' or 'events' (with an optional 'denominator'). "
            f"Got value={value!r}, events={events!r}."
        )
    if value is not None:
        if denominator is not None:
            raise ValueError(
                f"The 'denominator' parameter of {func} goes with 'events', not 'value'. "
                f"Got denominator={denominator!r}."
            )
    check_columns_exist(
        data,
        {
            "value": value,
            "events": events,
            "denominator": denominator,
            "quantile": quantile,
            "population": population,
            "lower": lower,
            "upper": upper,
            "se": se,
        },
        func,
    )
    by_columns = v.by_columns(data, by, func)
    if quantile in by_columns:
        raise ValueError(f"The 'by' parameter of {func} must not include the quantile column.")
    forward, inverse = _LINKS[value_type]
    transform, show_intercept, reliability = bool(transform), bool(intercept), bool(reliability)
    multiplier, limits_confidence = float(multiplier), float(limits_confidence)
    levels = v.confidence_levels(confidence)
    seed = resolve_seed(seed)
    check_options(
        func=func,
        value_type=value_type,
        transform=transform,
        events=events,
        se=se,
        lower=lower,
        upper=upper,
    )
    limit_names = []
    for level in levels:
        label = v.confidence_label(level)
        limit_names += [f"sii_lower_{label}", f"sii_upper_{label}"]
        limit_names += [f"rii_lower_{label}", f"rii_upper_{label}"]
    mad_names = []
    for level in levels:
        label = v.confidence_label(level)
        mad_names += [f"sii_mad_{label}", f"rii_mad_{label}"]
    reserved = ["quantiles", "sii", "rii", *limit_names, "intercept", *mad_names]
    reserved += ["value_type", "transform", "multiplier", "confidence", "reps", "seed"]
    reserved += ["simulation", "back_transform", "method", "note"]
    v.check_no_clash(by_columns, reserved, func)

    populations = v.count_column(data, population, "population", func)
    if value is not None:
        values = v.numeric_column(data, value, "value", func)
        value_name = value
    else:
        values, counts, sizes = values_from_counts(
            data,
            events,
            denominator or population,
            value_type,
            func,
            denominator_param="population" if denominator is None else "denominator",
        )
        value_name = events
    ranks = v.numeric_column(data, quantile, "quantile", func)
    v.refuse_rows(
        np.isnan(ranks),
        f"The 'quantile' column {quantile!r} of {func} is missing in {{rows}}.",
        column=quantile,
    )
    if value is None and se is None and lower is None:
        standard_errors = count_standard_errors(
            counts, sizes, value_type, forward, limits_confidence
        )
    else:
        standard_errors = column_standard_errors(
            data,
            values,
            se=se,
            lower=lower,
            upper=upper,
            value_type=value_type,
            forward=forward,
            limits_confidence=limits_confidence,
            func=func,
        )
    if invalid_groups == "raise":
        refuse_invalid(
            data,
            values=values,
            standard_errors=standard_errors,
            populations=populations,
            names={"value": value_name, "population": population, "se": se},
            limits=(lower, upper) if lower is not None else None,
            zero_counts=(counts if value is None and value_type == "proportion" else None),
            func=func,
        )
    check_domain(data, values, value_name, value_type, transform, func)
    if transform:
        with np.errstate(divide="ignore", invalid="ignore"):
            fitted_values = forward(values)
        back = inverse
    else:
        fitted_values = values
        back = _identity
        if value_type == "rate":
            standard_errors = standard_errors * values
        elif value_type == "proportion":
            standard_errors = standard_errors * values * (1 - values)

    groups = v.group_rows(data, by_columns)
    incomplete = _check_quantiles(data, groups, ranks, quantile, func, incomplete_groups)
    order = np.lexsort((ranks, groups.codes))
    bounds = np.searchsorted(groups.codes[order], np.arange(groups.count + 1))
    rng = np.random.default_rng(seed)
    # The reliability runs draw from a child stream of the same seed, so the limits
    # reported are the same with or without them.
    reliability_rng = (
        np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0]) if reliability else None
    )

    results = []
    for code in range(groups.count):
        rows = order[bounds[code] : bounds[code + 1]]
        if code in incomplete:
            results.append(_not_calculated(levels, incomplete[code]))
            continue
        results.append(
            _sii_group(
                y=fitted_values[rows],
                se=standard_errors[rows],
                pop=populations[rows],
                ranks=ranks[rows],
                inverse=back,
                multiplier=multiplier,
                levels=levels,
                reps=reps,
                rng=rng,
                simulation=simulation,
                midpoint=transform and back_transform == "midpoint",
                reliability_rng=reliability_rng,
            )
        )
    columns: dict[str, Any] = {"quantiles": np.diff(bounds)}
    for name in ("sii", "rii"):
        columns[name] = [r[name] for r in results]
        for level in levels:
            label = v.confidence_label(level)
            columns[f"{name}_lower_{label}"] = [r[f"{name}_limits"][level][0] for r in results]
            columns[f"{name}_upper_{label}"] = [r[f"{name}_limits"][level][1] for r in results]
    if show_intercept:
        columns["intercept"] = [r["intercept"] for r in results]
    if reliability:
        for level in levels:
            label = v.confidence_label(level)
            columns[f"sii_mad_{label}"] = [r["sii_mad"][level] for r in results]
            columns[f"rii_mad_{label}"] = [r["rii_mad"][level] for r in results]
    columns["value_type"] = value_type
    columns["transform"] = transform
    columns["multiplier"] = multiplier
    columns["confidence"] = v.confidence_text(levels)
    columns["reps"] = reps
    columns["seed"] = seed
    columns["simulation"] = simulation
    if transform:
        columns["back_transform"] = back_transform
    columns["method"] = METHOD_SII
    columns["note"] = [r["note"] for r in results]
    _warn_left_out(results, incomplete, func)
    result = pd.DataFrame(columns, index=groups.keys.index)
    floats = ["sii", "rii", *limit_names]
    floats += (["intercept"] if show_intercept else []) + (mad_names if reliability else [])
    for name in floats:
        result[name] = result[name].astype("float64")
    return pd.concat([groups.keys, result], axis=1).reset_index(drop=True)


def _check_quantiles(
    data: pd.DataFrame,
    groups: v.Groups,
    ranks: np.ndarray,
    quantile: str,
    func: str,
    incomplete_groups: str,
) -> dict[int, str]:
    """Check the quantiles; return the groups to leave out (``"remove"``) with their notes.

    With ``"remove"`` the 5 to 100 quantiles are counted over the whole data and a group
    lacking any of them is left out, as ``phe_sii``; with ``"calculate"`` each group
    needs 5 to 100 of its own. More than 10 quantiles in the data give a warning.
    """
    frame = pd.DataFrame({"group": groups.codes, "rank": ranks})
    v.refuse_rows(
        frame.duplicated(keep=False).to_numpy(),
        f"The 'quantile' column {quantile!r} of {func} repeats a quantile within a group "
        f"in {{rows}}. Give one row per quantile per group.",
        column=quantile,
    )
    every = np.unique(ranks)
    if len(every) > MANY_QUANTILES:
        warn(
            f"{func}: small values can make the SII unstable when using a large number of "
            f"quantiles ({len(every)} here; deciles or fewer are usual).",
            SIIWarning,
            stacklevel=3,
        )
    counts = np.bincount(groups.codes, minlength=groups.count)
    if incomplete_groups == "remove":
        if not MIN_QUANTILES <= len(every) <= MAX_QUANTILES:
            raise ValueError(
                f"The 'quantile' column {quantile!r} of {func} must give {MIN_QUANTILES} to "
                f"{MAX_QUANTILES} quantiles; the data have {len(every)} "
                f"({', '.join(f'{r:g}' for r in every[:12])}"
                + (", ...)." if len(every) > 12 else ").")
            )
        left_out = {}
        for code in np.flatnonzero(counts < len(every)):
            have = ranks[groups.codes == code]
            lacking = ", ".join(f"{r:g}" for r in np.setdiff1d(every, have))
            left_out[int(code)] = (
                f"not calculated: no row for quantile(s) {lacking}, which other groups have"
            )
        return left_out
    wrong = np.flatnonzero((counts < MIN_QUANTILES) | (counts > MAX_QUANTILES))
    if len(wrong):
        code = int(wrong[0])
        v.refuse_rows(
            groups.codes == code,
            f"The 'quantile' column {quantile!r} of {func} must give {MIN_QUANTILES} to "
            f"{MAX_QUANTILES} quantiles per group; {v.group_label(groups.keys, code)} has "
            f"{counts[code]} in {{rows}}"
            + (f" ({len(wrong) - 1} more groups too)." if len(wrong) > 1 else "."),
            column=quantile,
            check="quantiles_per_group",
        )
    return {}


def _not_calculated(levels: Sequence[float], note: str) -> dict[str, Any]:
    """Return the result of a group that is not calculated: NaN everywhere and the note."""
    empty = {level: (np.nan, np.nan) for level in levels}
    missing = {level: np.nan for level in levels}
    return {
        "sii": np.nan,
        "rii": np.nan,
        "intercept": np.nan,
        "sii_limits": empty,
        "rii_limits": empty,
        "sii_mad": missing,
        "rii_mad": missing,
        "note": note,
    }


def _not_calculated_frame(
    quantiles: int,
    note: str,
    *,
    levels: Sequence[float],
    value_type: ValueType,
    transform: bool,
    multiplier: float,
    reps: int,
    seed: int,
    simulation: Simulation = "coefficients",
    back_transform: BackTransform = "midpoint",
) -> pd.DataFrame:
    """Return the one row :func:`slope_index_of_inequality` gives a group it cannot calculate.

    For a caller that knows, before asking, that its data cannot give an SII (a profile of a
    population with people in fewer than 5 deciles) and says so rather than stopping: the
    columns are those of an ungrouped call without the intercept or the reliability
    statistic, with NaN results, the settings and ``note``.
    """
    columns: dict[str, Any] = {"quantiles": [int(quantiles)]}
    for name in ("sii", "rii"):
        columns[name] = [np.nan]
        for level in levels:
            label = v.confidence_label(level)
            columns[f"{name}_lower_{label}"] = [np.nan]
            columns[f"{name}_upper_{label}"] = [np.nan]
    columns.update(
        value_type=value_type,
        transform=bool(transform),
        multiplier=float(multiplier),
        confidence=v.confidence_text(levels),
        reps=reps,
        seed=seed,
        simulation=simulation,
    )
    if transform:
        columns["back_transform"] = back_transform
    columns["method"] = METHOD_SII
    columns["note"] = [note]
    return pd.DataFrame(columns)


def _warn_left_out(results: Sequence[dict], incomplete: dict[int, str], func: str) -> None:
    """Warn of the groups removed (incomplete) or noted (invalid data), counting each."""
    noted = sum(1 for i, r in enumerate(results) if r["note"] and i not in incomplete)
    parts = []
    if incomplete:
        parts.append(
            f"{len(incomplete):,} group(s) removed from the calculation because they lack "
            "quantiles other groups have"
        )
    if noted:
        parts.append(f"{noted:,} group(s) not calculated because of missing or invalid data")
    if parts:
        warn(
            f"{func}: " + "; ".join(parts) + ". Their rows are kept, with NaN results and a "
            "note saying why.",
            SIIWarning,
            stacklevel=3,
        )


def _design(pop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights that turn values into the weighted-least-squares intercept and slope.

    With a = population share and b = midpoint of the cumulative share (quantile 1 at the
    start), intercept = d·y and slope = c·y.
    """
    share = pop / pop.sum()
    rank = np.cumsum(share) - share / 2
    centre = share @ rank
    spread = share @ (rank - centre) ** 2
    slope_weights = share * (rank - centre) / spread
    intercept_weights = share - centre * slope_weights
    return intercept_weights, slope_weights


def _order_statistics(draws: np.ndarray, levels: Sequence[float], reps: int) -> dict:
    """Limits at round(reps·(1 − cv)) and round(reps·cv), counting from 1, as floats."""
    return {
        level: (float(low), float(high))
        for level, (low, high) in order_statistics(draws, levels, reps).items()
    }


def _sii_group(
    *,
    y: np.ndarray,
    se: np.ndarray,
    pop: np.ndarray,
    ranks: np.ndarray,
    inverse: Callable[[np.ndarray], np.ndarray],
    multiplier: float,
    levels: Sequence[float],
    reps: int,
    rng: np.random.Generator,
    simulation: str,
    midpoint: bool = False,
    reliability_rng: np.random.Generator | None = None,
) -> dict[str, Any]:
    """SII, RII, intercept and their limits for one group (rows sorted by quantile).

    With ``midpoint`` the simulated intercepts are replaced by the fitted midpoint minus
    half of each simulated slope, so each draw's SII and RII are those of its slope placed
    around the fitted value at b = 1/2. With ``reliability_rng`` the simulation is run
    :data:`RELIABILITY_RUNS` − 1 more times from that generator and the mean absolute
    difference of those runs' limits from the first run's is returned as ``sii_mad`` and
    ``rii_mad``.
    """
    problems = []
    for label, mask in (
        ("missing value", np.isnan(y) | ~np.isfinite(y)),
        ("missing standard error", np.isnan(se)),
        ("missing population", np.isnan(pop)),
        ("zero population", pop == 0),
    ):
        if mask.any():
            shown = ", ".join(f"{r:g}" for r in ranks[mask])
            problems.append(f"{label} in quantile(s) {shown}")
    if problems:
        return _not_calculated(levels, "not calculated: " + "; ".join(problems))

    intercept_weights, slope_weights = _design(pop)
    # Fitted about the first value (the slope weights sum to 0, the intercept's to 1), so
    # equal values give a slope of exactly 0, not rounding noise such as -0.0.
    offset = y - y[0]
    intercept = y[0] + intercept_weights @ offset
    slope = slope_weights @ offset

    def indices(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        top = inverse(a + b)  # fitted value at the least deprived end
        bottom = inverse(a)  # fitted value at the most deprived end
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = top / bottom if multiplier > 0 else bottom / top
        return (top - bottom) * multiplier + 0.0, ratio  # + 0.0: no -0.0 from a negative multiplier

    def simulate(generator: np.random.Generator) -> tuple[dict, dict]:
        intercepts, slopes = _draw_coefficients(
            y, se, intercept_weights, slope_weights, intercept, slope, reps, generator, simulation
        )
        if midpoint:
            intercepts = (intercept + slope / 2) - slopes / 2
        sii_draws, rii_draws = indices(intercepts, slopes)
        return (
            _order_statistics(sii_draws, levels, reps),
            _order_statistics(rii_draws, levels, reps),
        )

    sii, rii = indices(np.asarray(intercept), np.asarray(slope))
    sii_limits, rii_limits = simulate(rng)
    later = []
    if reliability_rng is not None:
        later = [simulate(reliability_rng) for _ in range(RELIABILITY_RUNS - 1)]
    sii_mad = {level: np.nan for level in levels}
    rii_mad = {level: np.nan for level in levels}
    if later:
        for level in levels:
            sii_mad[level] = _mean_absolute_difference(
                sii_limits[level], [run[0][level] for run in later]
            )
            rii_mad[level] = _mean_absolute_difference(
                rii_limits[level], [run[1][level] for run in later]
            )
    return {
        "sii": float(sii),
        "rii": float(rii),
        "intercept": float(inverse(np.asarray(intercept))),
        "sii_limits": sii_limits,
        "rii_limits": rii_limits,
        "sii_mad": sii_mad,
        "rii_mad": rii_mad,
        "note": "",
    }


def _draw_coefficients(
    y: np.ndarray,
    se: np.ndarray,
    intercept_weights: np.ndarray,
    slope_weights: np.ndarray,
    intercept: float,
    slope: float,
    reps: int,
    rng: np.random.Generator,
    simulation: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``reps`` simulated intercepts and slopes."""
    if simulation == "coefficients":
        variance = se**2
        cov_ii = intercept_weights**2 @ variance
        cov_is = (intercept_weights * slope_weights) @ variance
        cov_ss = slope_weights**2 @ variance
        l11 = np.sqrt(cov_ii)
        l21 = cov_is / l11 if l11 > 0 else 0.0
        l22 = np.sqrt(max(cov_ss - l21**2, 0.0))
        normals = rng.standard_normal((2, reps))
        return intercept + l11 * normals[0], slope + l21 * normals[0] + l22 * normals[1]
    weights = np.column_stack([intercept_weights, slope_weights])
    coefficients = np.empty((reps, 2))
    chunk = max(1, _CHUNK_ELEMENTS // len(y))
    for start in range(0, reps, chunk):
        stop = min(start + chunk, reps)
        drawn = y + se * rng.standard_normal((stop - start, len(y)))
        coefficients[start:stop] = drawn @ weights
    return coefficients[:, 0], coefficients[:, 1]


def _mean_absolute_difference(
    first: tuple[float, float], later: Sequence[tuple[float, float]]
) -> float:
    """Mean of |later − first| over both limits of every later run."""
    differences = [abs(run[i] - first[i]) for run in later for i in (0, 1)]
    return float(np.mean(differences))


__all__ = [
    "MIN_REPS",
    "REPS",
    "SEEDS",
    "SIIWarning",
    "resolve_seed",
    "slope_index_of_inequality",
]
