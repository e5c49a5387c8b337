"""Life expectancy (Chiang II abridged life table) and the Arriaga decomposition of a gap.

Our own code: no Python library implements the abridged Chiang II table with Silcocks'
variance for the open last band as OHID publishes it, or Arriaga's decomposition by age
and cause. Both are vectorised over groups (a groups × 20 bands array).

The 20 bands are ``"0"``, ``"1-4"``, ``"5-9"``, ..., ``"85-89"``, ``"90+"`` (spaces and en
dashes allowed; ``"<1"`` for ``"0"``; or the start ages 0, 1, 5, ..., 90 as numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import Any, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    CONFIDENCE,
    Options,
    SequenceOf,
    StrOptions,
    check_columns_exist,
    validate_params,
    warn,
)
from toolkit.indicators import _frames as v
from toolkit.indicators._age_bands import (
    LIFE_TABLE_BANDS,
    LIFE_TABLE_START_AGES,
    LIFE_TABLE_WIDTHS,
    band_positions,
    life_table_lookup,
)
from toolkit.indicators.intervals import z_value

#: Fraction of the first year lived by infants who die (0.1), else half the band (0.5).
FRACTION_LIVED = np.array([0.1] + [0.5] * 19)
#: Radix of the life table.
RADIX = 100_000.0
#: Not published when the 95% interval is wider than this many years ...
MAX_CI_WIDTH = 20.0
#: ... or the population (all ages under ``suppression="ohid"``, aged x and over under
#: ``suppression="by_age"``) is this or fewer.
MIN_POPULATION = 5_000

METHOD_LE = "Chiang II abridged life table; Silcocks variance for 90+"
_EXPECTED_BANDS = (
    "the 20 life-table bands '0', '1-4', '5-9', ..., '85-89', '90+' (or start ages 0, 1, 5, "
    "..., 90)"
)


def _life_table(deaths: np.ndarray, population: np.ndarray) -> dict[str, np.ndarray]:
    """Chiang II life table for each row of (groups × 20) deaths and populations.

    Returns q, l, L, T, e and the variance of e at every band start. Rows that cannot be
    computed (zero population, no deaths in 90+) come out as NaN; callers note why.
    """
    widths = np.asarray(LIFE_TABLE_WIDTHS)[:-1]
    a = FRACTION_LIVED
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = deaths / population
        q = np.empty_like(rate)
        q[:, :-1] = widths * rate[:, :-1] / (1 + widths * rate[:, :-1] * (1 - a[:-1]))
        q[:, -1] = 1.0
        survivors = np.empty_like(rate)
        survivors[:, 0] = RADIX
        survivors[:, 1:] = RADIX * np.cumprod(1 - q[:, :-1], axis=1)
        dying = survivors * q
        lived = np.empty_like(rate)
        lived[:, :-1] = widths * (survivors[:, 1:] + a[:-1] * dying[:, :-1])
        lived[:, -1] = survivors[:, -1] / rate[:, -1]
        total = np.cumsum(lived[:, ::-1], axis=1)[:, ::-1]
        expectancy = total / survivors
        # Chiang's variance of q and each band's term; Silcocks' term for the open band.
        var_q = np.where(deaths[:, :-1] > 0, q[:, :-1] ** 2 * (1 - q[:, :-1]) / deaths[:, :-1], 0.0)
        term = np.empty_like(rate)
        term[:, :-1] = (
            survivors[:, :-1] ** 2 * ((1 - a[:-1]) * widths + expectancy[:, 1:]) ** 2 * var_q
        )
        term[:, -1] = (
            survivors[:, -1] ** 2 / rate[:, -1] ** 4 * deaths[:, -1] / population[:, -1] ** 2
        )
        variance = np.cumsum(term[:, ::-1], axis=1)[:, ::-1] / survivors**2
    return {"q": q, "l": survivors, "L": lived, "T": total, "e": expectancy, "variance": variance}


def _rates_too_high(deaths: np.ndarray, population: np.ndarray) -> list[str]:
    """Why each group's death rates cannot make a life table ('' when they can).

    q = nM/(1 + nM(1 − a)) reaches 1 when a·n·M ≥ 1: in a 5-year band a rate of 0.4 a
    year or more. The table then has no survivors, or fewer than none, beyond the band;
    the method gives no remedy (see :func:`life_expectancy`), so the group is not
    calculated. Only bands with deaths within a positive population are looked at (the
    others are :func:`_problems`); the open 90+ band has q = 1 by definition.
    """
    widths = np.asarray(LIFE_TABLE_WIDTHS, dtype="float64")[:-1]
    d, p = deaths[:, :-1], population[:, :-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        too_high = (FRACTION_LIVED[:-1] * widths * d / p >= 1) & (p > 0) & (d <= p)
    labels = np.asarray(LIFE_TABLE_BANDS)[:-1]
    return [
        f"the death rate in band(s) {', '.join(labels[row])} is too high for the life table "
        "(at that rate everyone in the band would die before its end)"
        if row.any()
        else ""
        for row in too_high
    ]


class LifeExpectancyWarning(UserWarning):
    """Some groups' life expectancy could not be calculated; their rows are NA with a note."""


def _problems(
    deaths: np.ndarray,
    population: np.ndarray,
    seen: np.ndarray | None = None,
    negative_deaths: np.ndarray | None = None,
) -> list[str]:
    """Why each group's life table cannot be computed ('' when it can).

    ``seen`` marks the bands each group has (all when ``None``); ``negative_deaths`` marks
    the bands with a negative death count on any row (taken from ``deaths`` when ``None``).
    """
    labels = np.asarray(LIFE_TABLE_BANDS)
    if seen is None:
        seen = np.ones(deaths.shape, dtype=bool)
    if negative_deaths is None:
        negative_deaths = deaths < 0
    notes = []
    for d, p, present, negative in zip(deaths, population, seen, negative_deaths, strict=True):
        found = []
        if not present.all():
            found.append("age band(s) missing: " + ", ".join(labels[~present]))
        if (negative & present).any():
            found.append("negative deaths in band(s) " + ", ".join(labels[negative & present]))
        zero = (p <= 0) & present
        if zero.any():
            word = "zero or negative" if (p[zero] < 0).any() else "zero"
            found.append(f"{word} population in band(s) " + ", ".join(labels[zero]))
        over = (d > p) & ~zero & present
        if over.any():
            found.append(
                "deaths exceed population in band(s) "
                + ", ".join(np.asarray(LIFE_TABLE_BANDS)[over])
            )
        if present[-1] and d[-1] == 0:
            found.append("no deaths in the 90+ band")
        notes.append("; ".join(found))
    return notes


def _table_problems(deaths: np.ndarray, population: np.ndarray) -> list[str]:
    """All reasons each group's life table cannot be computed, rates too high included."""
    pairs = zip(_problems(deaths, population), _rates_too_high(deaths, population), strict=True)
    return ["; ".join(text for text in pair if text) for pair in pairs]


def _band_table(
    data: pd.DataFrame,
    *,
    deaths: str,
    population: str,
    age_band: str,
    groups: v.Groups,
    func: str,
    strict: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Deaths, population, bands seen and negative deaths as (groups × 20) arrays.

    With ``strict`` (the old behaviour) negative counts, deaths without population and a
    group lacking a band raise; otherwise they are returned for :func:`_problems` to note.
    Non-numeric or infinite values always raise.
    """
    if strict:
        counts, populations = v.counts_and_populations(
            data, count=deaths, population=population, func=func, count_param="deaths"
        )
    else:
        counts = v.numeric_column(data, deaths, "deaths", func)
        populations = v.numeric_column(data, population, "population", func)
        for values, column, param in (
            (counts, deaths, "deaths"),
            (populations, population, "population"),
        ):
            v.refuse_rows(
                np.isinf(values),
                f"The '{param}' column {column!r} of {func} has infinite values in {{rows}}.",
                column=column,
            )
        v.warn_blank_counts(
            func, [(counts, deaths, "deaths"), (populations, population, "population")]
        )
        counts, populations = np.nan_to_num(counts), np.nan_to_num(populations)
    bands = band_positions(data, age_band, life_table_lookup(), func=func, expected=_EXPECTED_BANDS)
    n_bands = len(LIFE_TABLE_BANDS)
    cells = groups.codes * n_bands + bands
    size = groups.count * n_bands
    shape = (groups.count, n_bands)
    d = np.bincount(cells, weights=counts, minlength=size).reshape(shape)
    p = np.bincount(cells, weights=populations, minlength=size).reshape(shape)
    seen = (np.bincount(cells, minlength=size) > 0).reshape(shape)
    negative = (np.bincount(cells, weights=counts < 0, minlength=size) > 0).reshape(shape)
    incomplete = np.flatnonzero(~seen.all(axis=1))
    if strict and len(incomplete):
        code = int(incomplete[0])
        missing = np.asarray(LIFE_TABLE_BANDS)[~seen[code]]
        raise ValueError(
            f"The 'age_band' column {age_band!r} of {func} must give all 20 life-table bands "
            f"for every group; {v.group_label(groups.keys, code)} lacks "
            f"{', '.join(repr(str(b)) for b in missing)}"
            + (f" ({len(incomplete) - 1} more groups too)." if len(incomplete) > 1 else ".")
        )
    return d, p, seen, negative


_START_AGE = Options(Integral, LIFE_TABLE_START_AGES)


@validate_params(
    {
        "data": ["data-frame"],
        "deaths": ["column"],
        "population": ["column"],
        "age_band": ["column"],
        "by": ["columns", None],
        "confidence": CONFIDENCE,
        "at_age": [
            _START_AGE,
            SequenceOf(_START_AGE, min_length=1, description="a non-empty list of them"),
            None,
        ],
        "suppression": [StrOptions({"ohid", "by_age"})],
        "invalid_groups": [StrOptions({"note", "raise"})],
    }
)
def life_expectancy(
    data: pd.DataFrame,
    *,
    deaths: str,
    population: str,
    age_band: str,
    by: str | Sequence[str] | None = None,
    confidence: float | Sequence[float] = 0.95,
    at_age: int | Sequence[int] | None = 0,
    suppression: Literal["ohid", "by_age"] = "ohid",
    invalid_groups: Literal["note", "raise"] = "note",
) -> pd.DataFrame:
    """Period life expectancy with confidence limits (Chiang II, 20 age bands).

    Parameters
    ----------
    data : pandas.DataFrame
        Deaths and mid-year population by age band; rows sharing a group and band are
        summed. Every group needs all 20 bands ``"0"``, ``"1-4"``, ``"5-9"``, ...,
        ``"85-89"``, ``"90+"``.
    deaths : str
        Column of deaths (a missing count counts as 0).
    population : str
        Column of population (person-years at risk; a missing value counts as 0).
    age_band : str
        Column of life-table band labels (or start ages 0, 1, 5, ..., 90).
    by : str or list of str, optional
        Grouping columns; ``None`` treats the whole frame as one group.
    confidence : float or sequence of float, default 0.95
        Confidence level(s) in (0, 1).
    at_age : int, sequence of int or None, default 0
        Start age(s) of the bands to report life expectancy at (0 = at birth); ``None``
        reports every band.
    suppression : {"ohid", "by_age"}, default "ohid"
        Publication rule. ``"ohid"``, as OHID publishes and PHEindicatormethods'
        ``phe_life_expectancy`` applies it: a group whose total population (all ages) is
        5,000 or fewer is not published at any age, and where a 95% interval is wider than
        20 years the value is blanked but its limits are kept (they show how uncertain
        it is). ``"by_age"``, the toolkit's earlier rule, kept for results that must
        match earlier runs: a start age is not published when the population aged x and
        over is 5,000 or fewer (so life expectancy at older ages is withheld in small
        areas even when the total is large), and a wide interval blanks the limits too.
    invalid_groups : {"note", "raise"}, default "note"
        What a group that cannot be calculated does: one with negative deaths, a zero or
        negative population in a band, deaths above population, a death rate too high for
        the life table (see Notes), no deaths in 90+ or a missing age band. ``"note"``
        (as PHEindicatormethods) gives that group NA values with a note saying why, and
        one :class:`LifeExpectancyWarning` counts such groups, so one bad group never
        stops the others. ``"raise"`` is the toolkit's earlier behaviour: negative
        counts, deaths without population and missing bands raise ``ValueError`` (deaths
        above population, a rate too high and no deaths in 90+ are noted). Non-numeric
        or infinite values and missing columns always raise.

    Returns
    -------
    pandas.DataFrame
        One row per group and age: the ``by`` columns, ``age_band``, ``deaths`` and
        ``population`` (aged x and over), ``value`` (years), ``standard_error``, the
        limit columns, ``confidence``, ``method`` and ``note``.

    Warns
    -----
    LifeExpectancyWarning
        When some groups cannot be calculated (``invalid_groups="note"``).

    Notes
    -----
    aᵢ = 0.1 at age 0, else 0.5; Mᵢ = D/P; qᵢ = nM/(1 + nM(1 − a)) (1 in 90+); l₀ = 100,000;
    Lᵢ = n(lᵢ₊₁ + a·dᵢ), L = l/M in 90+; eₓ = Tₓ/lₓ. Var(eₓ) = Σ_{j≥x} l_j²[(1 − a_j)n_j +
    e_{j+1}]² q_j²(1 − q_j)/D_j / lₓ², with Silcocks' l²·D/(P²M⁴) for 90+. The 20-year
    width is always that of the 95% interval, whatever ``confidence`` asks for.

    A band's q reaches 1 when a·n·M ≥ 1 (in a 5-year band, 0.4 deaths or more per
    person-year): the table would have no survivors, or fewer than none, after it, and
    the variance turns negative. The method gives no remedy (capping q at 1 is not part
    of it), so such a group is not calculated, with a note naming the band.

    The counterpart of ``phe_life_expectancy`` in PHEindicatormethods 2.1.0, whose test
    figures it reproduces. Departures: percentages (95) are refused as confidence levels;
    an ``at_age`` that is not a band start raises rather than returning every age; a
    group missing a band still gives one (NA) row per requested age; groups keep their
    input order rather than the calculated ones coming first.
    """
    func = "life_expectancy"
    check_columns_exist(
        data, {"deaths": deaths, "population": population, "age_band": age_band}, func
    )
    by_columns = v.by_columns(data, by, func)
    if age_band in by_columns:
        raise ValueError(f"The 'by' parameter of {func} must not include the age band column.")
    levels = v.confidence_levels(confidence)
    positions = _at_ages(at_age)
    by_total = suppression == "ohid"
    strict = invalid_groups == "raise"
    limit_names = v.limit_columns(levels)
    reserved = ["age_band", "deaths", "population", "value", "standard_error", *limit_names]
    v.check_no_clash(by_columns, [*reserved, "confidence", "method", "note"], func)

    groups = v.group_rows(data, by_columns, sort=False)  # input order, as documented
    d, p, seen, negative = _band_table(
        data,
        deaths=deaths,
        population=population,
        age_band=age_band,
        groups=groups,
        func=func,
        strict=strict,
    )
    table = _life_table(d, p)
    problems = _problems(d, p, seen, negative)
    too_high = _rates_too_high(d, p)
    with np.errstate(invalid="ignore"):  # NaN or negative only in groups not calculated
        se = np.sqrt(table["variance"])
    deaths_over = np.cumsum(d[:, ::-1], axis=1)[:, ::-1]
    population_over = np.cumsum(p[:, ::-1], axis=1)[:, ::-1]
    width95 = 2 * z_value(0.95) * se

    g_index = np.repeat(np.arange(groups.count), len(positions))
    b_index = np.tile(positions, groups.count)
    notes = []
    not_calculated = {g for g, problem in enumerate(problems) if problem}
    show_value = np.zeros(len(g_index), dtype=bool)
    show_limits = np.zeros(len(g_index), dtype=bool)
    for row, (g, b) in enumerate(zip(g_index, b_index, strict=True)):
        wide = not width95[g, b] <= MAX_CI_WIDTH
        if problems[g]:
            notes.append("not calculated: " + problems[g])
        elif by_total and population_over[g, 0] <= MIN_POPULATION:
            notes.append(
                f"not published: total population (all ages) is {MIN_POPULATION:,} or fewer"
            )
        elif too_high[g]:  # a group too small to publish keeps that note, as in the package
            notes.append("not calculated: " + too_high[g])
            not_calculated.add(g)
        elif by_total and wide:
            notes.append(
                f"value not published: 95% confidence interval wider than {MAX_CI_WIDTH:g} "
                "years (limits shown)"
            )
            show_limits[row] = True
        elif not by_total and population_over[g, b] <= MIN_POPULATION:
            notes.append(
                f"not published: population aged {LIFE_TABLE_START_AGES[b]}+ is "
                f"{MIN_POPULATION:,} or fewer"
            )
        elif wide:
            notes.append(
                f"not published: 95% confidence interval wider than {MAX_CI_WIDTH:g} years"
            )
        else:
            notes.append("")
            show_value[row] = show_limits[row] = True
    estimate = table["e"][g_index, b_index]
    value = np.where(show_value, estimate, np.nan)
    error = np.where(show_limits, se[g_index, b_index], np.nan)
    limit_centre = np.where(show_limits, estimate, np.nan)
    columns: dict[str, Any] = {
        "age_band": np.asarray(LIFE_TABLE_BANDS, dtype=object)[b_index],
        "deaths": deaths_over[g_index, b_index],
        "population": population_over[g_index, b_index],
        "value": value,
        "standard_error": error,
    }
    columns.update(
        v.scaled_limits(
            levels,
            lambda level: (
                limit_centre - z_value(level) * error,
                limit_centre + z_value(level) * error,
            ),
        )
    )
    columns["confidence"] = v.confidence_text(levels)
    columns["method"] = METHOD_LE
    columns["note"] = notes
    failed = len(not_calculated)
    if failed:
        warn(
            f"{func}: {failed} of {groups.count} group(s) could not be calculated (negative "
            "deaths, zero or negative population, deaths above population, a death rate too "
            "high for the life table, no deaths in 90+ or a missing age band); their rows "
            "are NA with a note saying why.",
            LifeExpectancyWarning,
            stacklevel=2,
        )
    return v.result_frame(groups.keys, columns, rows=g_index)


def _at_ages(at_age: int | Sequence[int] | None) -> np.ndarray:
    """Band positions for the ``at_age`` option (checked by its declared constraints)."""
    if at_age is None:
        return np.arange(len(LIFE_TABLE_BANDS))
    ages = [at_age] if isinstance(at_age, Integral) else list(at_age)
    return np.asarray([LIFE_TABLE_START_AGES.index(int(age)) for age in ages])


def _arriaga_by_age(table_1: dict[str, np.ndarray], table_2: dict[str, np.ndarray]) -> np.ndarray:
    """Arriaga's contribution of each age band to e₀(2) − e₀(1), for (groups × 20) tables.

    Direct plus indirect (and interaction) effect, Preston, Heuveline & Guillot (2001)
    box 3.4; the last band has only the direct term. The parts sum to the gap exactly
    (the sum telescopes).
    """
    l1, l2 = table_1["l"], table_2["l"]
    big_l1, big_l2 = table_1["L"], table_2["L"]
    t1, t2 = table_1["T"], table_2["T"]
    radix = l1[:, :1]
    with np.errstate(divide="ignore", invalid="ignore"):
        parts = np.empty_like(l1)
        parts[:, :-1] = (l1[:, :-1] / radix) * (
            big_l2[:, :-1] / l2[:, :-1] - big_l1[:, :-1] / l1[:, :-1]
        )
        parts[:, :-1] += (t2[:, 1:] / radix) * (l1[:, :-1] / l2[:, :-1] - l1[:, 1:] / l2[:, 1:])
        parts[:, -1] = (l1[:, -1] / radix[:, 0]) * (t2[:, -1] / l2[:, -1] - t1[:, -1] / l1[:, -1])
    return parts


@validate_params(
    {
        "data": ["data-frame"],
        "deaths": ["column"],
        "population": ["column"],
        "age_band": ["column"],
        "cause": ["column"],
        "quantile": ["column"],
        "quintiles": ["boolean"],
        "by": ["columns", None],
    }
)
def life_expectancy_gap_by_cause(
    data: pd.DataFrame,
    *,
    deaths: str,
    population: str,
    age_band: str,
    cause: str,
    quantile: str = "imd_decile",
    quintiles: bool = True,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Break the life expectancy gap between the most and least deprived down by cause and age.

    Arriaga's decomposition, as OHID's Segment Tool shows it: how many years of the gap
    in life expectancy at birth come from each age band and cause of death.

    Parameters
    ----------
    data : pandas.DataFrame
        Deaths by deprivation quantile, age band and cause, with each row also carrying
        the population of its quantile and age band (repeated on every cause row of
        that band). Every quantile compared needs all 20 life-table bands.
    deaths : str
        Column of deaths from that cause (a missing count counts as 0).
    population : str
        Column of the population of the quantile and age band.
    age_band : str
        Column of life-table band labels (see :func:`life_expectancy`).
    cause : str
        Column of the cause of death (e.g. the broad groups in
        ``toolkit.data.contract.CAUSES_OF_DEATH``).
    quantile : str, default "imd_decile"
        Column of the deprivation quantile, 1 = most deprived.
    quintiles : bool, default True
        Group IMD deciles into quintiles, ceil(decile / 2), and compare quintile 1 with
        quintile 5. With False the lowest and highest quantiles present are compared.
    by : str or list of str, optional
        Grouping columns (e.g. ``"sex"``).

    Returns
    -------
    pandas.DataFrame
        One row per group, age band and cause: the ``by`` columns, ``age_band``,
        ``cause``, ``contribution`` (years of the gap), ``share_of_gap``, ``gap`` (life
        expectancy of the least minus the most deprived), ``life_expectancy_most_deprived``,
        ``life_expectancy_least_deprived``, ``most_deprived``, ``least_deprived`` and
        ``note``. Within a group the contributions add up to the gap (to rounding
        error). A positive contribution widens the gap.

    Notes
    -----
    With population 1 the most deprived and 2 the least deprived, the age part is
    Δₓ = (lₓ¹/l₀)(Lₓ²/lₓ² − Lₓ¹/lₓ¹) + (T²ₓ₊ₙ/l₀)(lₓ¹/lₓ² − l¹ₓ₊ₙ/l²ₓ₊ₙ) (90+: the first
    term with T for L), and its cause part Δₓ,c = Δₓ(m²ₓ,c − m¹ₓ,c)/(m²ₓ − m¹ₓ). When the
    two death rates in a band are equal (so Δₓ is zero up to rounding) the band's part is
    shared by the causes' share of its deaths. Life tables are Chiang II as in
    :func:`life_expectancy`; the decomposition is of the point estimates (no limits).
    """
    func = "life_expectancy_gap_by_cause"
    check_columns_exist(
        data,
        {
            "deaths": deaths,
            "population": population,
            "age_band": age_band,
            "cause": cause,
            "quantile": quantile,
        },
        func,
    )
    by_columns = v.by_columns(data, by, func)
    overlap = set(by_columns) & {age_band, cause, quantile}
    if overlap:
        raise ValueError(f"The 'by' parameter of {func} must not include {sorted(overlap)}.")
    reserved = [
        "age_band",
        "cause",
        "contribution",
        "share_of_gap",
        "gap",
        "life_expectancy_most_deprived",
        "life_expectancy_least_deprived",
        "most_deprived",
        "least_deprived",
        "note",
    ]
    v.check_no_clash(by_columns, reserved, func)

    ranks = v.numeric_column(data, quantile, "quantile", func)
    v.refuse_rows(
        np.isnan(ranks),
        f"The 'quantile' column {quantile!r} of {func} is missing in {{rows}}.",
        column=quantile,
    )
    if quintiles:
        v.refuse_rows(
            ~np.isin(ranks, np.arange(1, 11)),
            f"The 'quantile' column {quantile!r} of {func} must hold IMD deciles 1 to 10 "
            f"to make quintiles; it does not in {{rows}}.",
            column=quantile,
        )
    v.refuse_rows(
        data[cause].isna().to_numpy(),
        f"The 'cause' column {cause!r} of {func} is missing in "
        f"{{rows}}. Label unknown causes explicitly.",
        column=cause,
    )
    counts, populations = v.counts_and_populations(
        data, count=deaths, population=population, func=func, count_param="deaths"
    )
    bands = band_positions(data, age_band, life_table_lookup(), func=func, expected=_EXPECTED_BANDS)
    groups = v.group_rows(data, by_columns)
    rank_codes, rank_values = pd.factorize(ranks, sort=True)
    cause_codes, cause_values = pd.factorize(data[cause], sort=True)
    n_g, n_r, n_b, n_c = groups.count, len(rank_values), len(LIFE_TABLE_BANDS), len(cause_values)

    # population: repeated on every cause row of a band, so it must agree across causes
    cell = (groups.codes * n_r + rank_codes) * n_b + bands
    band_population, seen, bad_rows = v.value_repeated_per_cell(
        populations, cell, cause_codes, n_g * n_r * n_b, n_c
    )
    v.refuse_rows(
        bad_rows,
        f"The 'population' column {population!r} of {func} differs between the causes of "
        f"the same quantile and age band, in {{rows}}. Each "
        "cause row repeats the population of its quantile and age band.",
        column=population,
    )
    seen = seen.reshape(n_g, n_r, n_b)
    band_population = band_population.reshape(n_g, n_r, n_b)
    cause_deaths = np.bincount(
        cell * n_c + cause_codes, weights=counts, minlength=n_g * n_r * n_b * n_c
    ).reshape(n_g, n_r, n_b, n_c)
    present = seen.any(axis=2)
    if quintiles:
        target = np.ceil(rank_values / 2).astype(int)
        labels = np.arange(1, 6)
        member = target[None, :] == labels[:, None]  # (5, n_r)
        band_population = np.einsum("qr,grb->gqb", member, band_population)
        cause_deaths = np.einsum("qr,grbc->gqbc", member, cause_deaths)
        seen = np.einsum("qr,grb->gqb", member, seen) > 0
        present = np.einsum("qr,gr->gq", member, present) > 0
        rank_values = labels.astype(float)

    rows = []
    for g in range(n_g):
        available = np.flatnonzero(present[g])
        if len(available) < 2:
            raise ValueError(
                f"{func} needs at least two quantiles to compare; "
                f"{v.group_label(groups.keys, g)} has {len(available)}."
            )
        first, last = int(available[0]), int(available[-1])
        for position in (first, last):
            if not seen[g, position].all():
                lacking = np.asarray(LIFE_TABLE_BANDS)[~seen[g, position]]
                raise ValueError(
                    f"The 'age_band' column {age_band!r} of {func} must give all 20 life-table "
                    f"bands; {v.group_label(groups.keys, g)}, quantile "
                    f"{rank_values[position]:g} lacks {', '.join(repr(str(b)) for b in lacking)}."
                )
        rows.append((g, first, last))

    g_idx = np.array([r[0] for r in rows])
    most_idx = np.array([r[1] for r in rows])
    least_idx = np.array([r[2] for r in rows])
    d_most = cause_deaths[g_idx, most_idx]  # (G, 20, C)
    d_least = cause_deaths[g_idx, least_idx]
    p_most = band_population[g_idx, most_idx]
    p_least = band_population[g_idx, least_idx]
    table_most = _life_table(d_most.sum(2), p_most)
    table_least = _life_table(d_least.sum(2), p_least)
    problems_most = _table_problems(d_most.sum(2), p_most)
    problems_least = _table_problems(d_least.sum(2), p_least)
    by_age = _arriaga_by_age(table_most, table_least)
    with np.errstate(divide="ignore", invalid="ignore"):
        m_most = d_most / p_most[:, :, None]
        m_least = d_least / p_least[:, :, None]
        difference = m_least.sum(2) - m_most.sum(2)
        split = (m_least - m_most) / difference[:, :, None]
        all_deaths = d_most + d_least
        fallback = np.where(
            all_deaths.sum(2, keepdims=True) > 0,
            all_deaths / all_deaths.sum(2, keepdims=True),
            1.0 / n_c,
        )
    split = np.where((difference != 0)[:, :, None] & np.isfinite(split), split, fallback)
    parts = by_age[:, :, None] * split  # (G, 20, C)
    e_most = table_most["e"][:, 0]
    e_least = table_least["e"][:, 0]
    gap = e_least - e_most

    frames = []
    for i, (g, first, last) in enumerate(rows):
        problem = "; ".join(
            f"{which} quantile: {text}"
            for which, text in (
                ("most deprived", problems_most[i]),
                ("least deprived", problems_least[i]),
            )
            if text
        )
        ok = not problem
        contribution = parts[i].reshape(-1) if ok else np.full(n_b * n_c, np.nan)
        this_gap = gap[i] if ok else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            share = contribution / this_gap
        columns = {
            "age_band": np.repeat(np.asarray(LIFE_TABLE_BANDS, dtype=object), n_c),
            "cause": np.tile(np.asarray(cause_values, dtype=object), n_b),
            "contribution": contribution,
            "share_of_gap": share,
            "gap": this_gap,
            "life_expectancy_most_deprived": e_most[i] if ok else np.nan,
            "life_expectancy_least_deprived": e_least[i] if ok else np.nan,
            "most_deprived": int(rank_values[first]),
            "least_deprived": int(rank_values[last]),
            "note": "" if ok else "not calculated: " + problem,
        }
        frames.append(v.result_frame(groups.keys, columns, rows=np.full(n_b * n_c, g)))
    return pd.concat(frames, ignore_index=True)


__all__ = [
    "LifeExpectancyWarning",
    "life_expectancy",
    "life_expectancy_gap_by_cause",
]
