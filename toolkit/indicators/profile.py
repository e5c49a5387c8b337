"""A deprivation profile of one event: rates by decile, SII and RII, excess events, Core20.

:func:`deprivation_profile` is what ``pophealth demo`` prints for emergency admissions
and what a notebook shows with ``_repr_html_``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit._params import (
    CONFIDENCE,
    NON_NEGATIVE,
    POSITIVE,
    check_columns_exist,
    validate_params,
)
from toolkit._words import capitalised, listed
from toolkit.errors import DataContractError
from toolkit.indicators import _frames as v
from toolkit.indicators.inequality import (
    REFERENCES,
    RII_NOT_MEANINGFUL,
    Reference,
    _deprivation_rows,
    core20_share,
    deprivation_gap,
    excess_events,
    rate_by_deprivation,
    rii_is_meaningful,
)
from toolkit.indicators.sii import (
    MIN_QUANTILES,
    REPS,
    SEEDS,
    _design,
    _not_calculated_frame,
    resolve_seed,
    slope_index_of_inequality,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Plain-language reading of the SII sign, shown wherever an SII is.
SII_CONVENTION = (
    "SII = fitted rate at the least deprived end minus the most deprived end; a negative "
    "SII (RII below 1) means higher rates in more deprived areas."
)


@dataclass(frozen=True)
class DeprivationProfile:
    """How one event varies with deprivation in a population.

    Attributes
    ----------
    events : str
        The events column, e.g. ``"emergency_admissions"``.
    label : str
        Plain-language name of the events, e.g. ``"emergency admissions"``.
    quantile : str
        The decile column of ``rates`` and ``excess``.
    rates : pandas.DataFrame
        Directly standardised rate by decile (:func:`rate_by_deprivation`).
    sii : pandas.DataFrame
        One row from :func:`slope_index_of_inequality` on those rates; with people in
        fewer than 5 deciles, one row of the same columns with NaN results and a note
        saying why (the SII needs 5 or more), the rest of the profile as usual. The line
        is fitted on the rates' own scale: where it is at or below 0 at one end, the RII
        and its limits are NaN and the note says why
        (:data:`~toolkit.indicators.inequality.RII_NOT_MEANINGFUL`).
    excess : pandas.DataFrame
        Excess events by decile (:func:`excess_events`), with simulated limits
        (``excess_lower_95``, ``excess_upper_95``, ...). When the reference decile has
        fewer than 10 events the excess is not published: NaN, with a ``note`` saying why
        (and ``summary()`` says so instead of giving a figure).
    excess_total : pandas.DataFrame
        One row of totals (``excess_net``, ``excess_positive``, ...), each with its
        simulated limits (``excess_positive_lower_95``, ...), and ``note``.
    core20 : pandas.DataFrame
        One row from :func:`core20_share`.
    multiplier : float
        The rates are per this many people.
    excluded_rows : int
        Cube rows left out because they had no decile.
    gap : pandas.DataFrame or None
        One row from :func:`deprivation_gap` (quintile 1 against quintile 5) with the
        limits of the absolute and relative gaps; ``None`` when not computed.
    empty_deciles : tuple of float
        Deciles whose rows hold no people (their population sums to 0), in order: they
        are left out of every table of the profile, as a decile with no rows is, so no
        rate, excess or SII point is given for them; ``summary()`` names them.
    """

    events: str
    label: str
    quantile: str
    rates: pd.DataFrame
    sii: pd.DataFrame
    excess: pd.DataFrame
    excess_total: pd.DataFrame
    core20: pd.DataFrame
    multiplier: float
    excluded_rows: int
    gap: pd.DataFrame | None = None
    empty_deciles: tuple[float, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per decile: events, population, rate, limits, expected and excess events.

        Returns
        -------
        pandas.DataFrame
            A new frame joining ``rates`` and ``excess`` on the decile: the decile,
            ``events``, ``population``, ``value`` (the directly standardised rate per
            ``multiplier``), its limits (``lower_95``, ``upper_95``, ...), ``note``,
            ``expected``, ``excess`` (and ``excess_cost``); the limits of the excess
            (``excess_lower_95``, ...) and of its cost follow, when ``excess`` has them.
        """
        limit_columns = [c for c in self.rates.columns if c.startswith(("lower_", "upper_"))]
        rates = self.rates[[self.quantile, "events", "population", "value", *limit_columns, "note"]]
        keep = [self.quantile, "expected", "excess"]
        if "excess_cost" in self.excess.columns:
            keep.append("excess_cost")
        keep += [c for c in self.excess.columns if c.startswith(("excess_lower_", "excess_upper_"))]
        keep += [
            c
            for c in self.excess.columns
            if c.startswith(("excess_cost_lower_", "excess_cost_upper_"))
        ]
        return rates.merge(self.excess[keep], on=self.quantile, how="left")

    def _numbers(self) -> dict[str, Any]:
        sii = self.sii.iloc[0]
        total = self.excess_total.iloc[0]
        core = self.core20.iloc[0]
        label = v.confidence_label(_first_level(self.sii))
        return {
            "sii": sii["sii"],
            "sii_low": sii[f"sii_lower_{label}"],
            "sii_high": sii[f"sii_upper_{label}"],
            "rii": sii["rii"],
            "rii_low": sii[f"rii_lower_{label}"],
            "rii_high": sii[f"rii_upper_{label}"],
            "level": label.replace("_", "."),
            "sii_note": sii["note"],
            "excess_positive": total["excess_positive"],
            "excess_net": total["excess_net"],
            "cost_positive": total.get("excess_cost_positive", np.nan),
            "cost_net": total.get("excess_cost_net", np.nan),
            "reference": total["reference_quantiles"],
            "event_share": core["event_share"],
            "population_share": core["population_share"],
            "excess_low": total.get(f"excess_positive_lower_{label}", np.nan),
            "excess_high": total.get(f"excess_positive_upper_{label}", np.nan),
            "cost_low": total.get(f"excess_cost_positive_lower_{label}", np.nan),
            "cost_high": total.get(f"excess_cost_positive_upper_{label}", np.nan),
            "excess_note": str(total.get("note", "") or ""),
            "gap": None if self.gap is None else self.gap.iloc[0],
            "label": label,
        }

    def summary(self) -> str:
        """Plain-text summary for a terminal: the rate table, SII, RII, excess and Core20.

        Returns
        -------
        str
            Several lines of text (no trailing newline).
        """
        n = self._numbers()
        per = f"{self.multiplier:,.0f}"
        level = n["level"]
        lines = [
            f"{capitalised(self.label)}: age-standardised rate per {per} "
            "(ESP2013) by IMD decile (1 = most deprived)",
            f"{'decile':>6} {'events':>10} {'people':>11} {'rate':>10} {level + '% CI':>21}",
        ]
        frame = self.to_frame()
        low, high = f"lower_{level.replace('.', '_')}", f"upper_{level.replace('.', '_')}"
        for row in frame.itertuples(index=False):
            record = row._asdict()
            rate = record["value"]
            if np.isnan(rate):
                shown = f"{'n/a':>10} {record['note']:>21}"
            else:
                ci = f"{record[low]:,.1f} to {record[high]:,.1f}"
                shown = f"{rate:>10,.1f} {ci:>21}"
            lines.append(
                f"{record[self.quantile]:>6} {record['events']:>10,.0f} "
                f"{record['population']:>11,.0f} {shown}"
            )
        lines.append(_sii_sentence(n, per, sii="Slope index of inequality:", rii="relative index:"))
        lines.append(SII_CONVENTION)
        gap = _gap_text(n, per)
        if gap:
            lines.append(gap)
        excess = (
            f"Excess {self.label} if every decile had the age-specific rates of decile "
            f"{n['reference']}: {n['excess_positive']:,.0f} ({_interval(n, 'excess', level)}"
            f"sum over deciles above the reference; net {n['excess_net']:,.0f})"
        )
        if not np.isfinite(n["excess_positive"]):
            excess = (
                f"Excess {self.label} against the age-specific rates of decile "
                f"{n['reference']}: not published ({_excess_note(n)})"
            )
        elif not np.isnan(n["cost_positive"]):
            excess += (
                f", costing £{n['cost_positive']:,.0f} ({_interval(n, 'cost', level, '£')}"
                f"net £{n['cost_net']:,.0f})"
            )
        lines.append(excess + ".")
        lines.append(
            f"Core20 (deciles 1-2): {n['event_share']:.1%} of {self.label} and "
            f"{n['population_share']:.1%} of people."
        )
        if self.excluded_rows:
            lines.append(f"{self.excluded_rows:,} cube row(s) had no IMD decile and were left out.")
        if self.empty_deciles:
            lines.append(empty_deciles_note(self.empty_deciles))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        n = self._numbers()
        title = html.escape(f"{capitalised(self.label)} by deprivation")
        table = self.to_frame().to_html(
            index=False, float_format=lambda x: f"{x:,.1f}", na_rep="n/a"
        )
        per = f"{self.multiplier:,.0f}"
        sii = _sii_sentence(n, per, sii="<b>SII</b>", rii="<b>RII</b>", escape=html.escape)
        sii = f"<p>{sii}</p>"
        excess = (
            f"<p><b>Excess</b> {html.escape(self.label)} against decile {n['reference']}: "
            f"{n['excess_positive']:,.0f} ({_interval(n, 'excess', n['level'])}"
            f"net {n['excess_net']:,.0f})"
        )
        if not np.isfinite(n["excess_positive"]):
            excess = (
                f"<p><b>Excess</b> {html.escape(self.label)} against decile {n['reference']}: "
                f"not published ({html.escape(_excess_note(n))})"
            )
        elif not np.isnan(n["cost_positive"]):
            cost_limits = _interval(n, "cost", n["level"], "£").removesuffix("; ")
            excess += f", £{n['cost_positive']:,.0f}" + (f" ({cost_limits})" if cost_limits else "")
        excess += "</p>"
        gap = _gap_text(n, per)
        if gap:
            excess = f"<p>{html.escape(gap)}</p>" + excess
        core = (
            f"<p><b>Core20</b>: {n['event_share']:.1%} of events, "
            f"{n['population_share']:.1%} of people.</p>"
        )
        note = f"<p><small>{html.escape(SII_CONVENTION)}</small></p>"
        if self.empty_deciles:
            note += f"<p><small>{html.escape(empty_deciles_note(self.empty_deciles))}</small></p>"
        return f"<div><h4>{title}</h4>{table}{sii}{note}{excess}{core}</div>"

    def plot(self, ax: Axes | None = None) -> Axes:
        """Bar chart of the rate by decile with its limits and the fitted SII line.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure is made when omitted.

        Returns
        -------
        matplotlib.axes.Axes
            The axes, with the SII convention in the caption.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        frame = self.to_frame()
        level = _first_level(self.sii)
        label = v.confidence_label(level)
        x = frame[self.quantile].to_numpy()
        rate = frame["value"].to_numpy(dtype="float64")
        low = frame[f"lower_{label}"].to_numpy(dtype="float64")
        high = frame[f"upper_{label}"].to_numpy(dtype="float64")
        ax.bar(x, rate, color="#4c72b0", alpha=0.8, label="age-standardised rate")
        ax.errorbar(x, rate, yerr=[rate - low, high - rate], fmt="none", ecolor="black", capsize=3)
        values = frame["value"].to_numpy(dtype="float64")
        n = self._numbers()
        if np.isfinite(values).all() and np.isfinite(n["sii"]):  # (no line for no SII)
            weights = frame["population"].to_numpy(dtype="float64")
            intercept_weights, slope_weights = _design(weights)
            share = weights / weights.sum()
            rank = np.cumsum(share) - share / 2
            fitted = intercept_weights @ values + slope_weights @ values * rank
            ax.plot(x, fitted, color="#dd8452", label="fitted line (SII)")
        ax.set_xlabel("IMD decile (1 = most deprived)")
        ax.set_ylabel(f"rate per {self.multiplier:,.0f}")
        ax.set_xticks(x)
        relative = f"RII {n['rii']:.2f}" if np.isfinite(n["rii"]) else "RII not given"
        ax.set_title(
            f"{capitalised(self.label)}: SII {n['sii']:,.1f}, {relative}"
            if np.isfinite(n["sii"])
            else f"{capitalised(self.label)}: SII and RII not calculated"
        )
        ax.legend(loc="best", fontsize="small")
        ax.annotate(
            SII_CONVENTION,
            xy=(0, -0.22),
            xycoords="axes fraction",
            fontsize="x-small",
            wrap=True,
        )
        return ax


def few_deciles_note(deciles: Sequence[float] | np.ndarray) -> str:
    """Say why there is no SII when people fall in fewer than 5 deciles.

    Parameters
    ----------
    deciles : sequence of float
        The deciles that have people, in order.

    Returns
    -------
    str
        The note of the profile's ``sii`` row, e.g. "only 4 of the 10 IMD deciles have
        people, deciles 4, 5, 8 and 10; the SII and RII need 5 or more".
    """
    need = f"the SII and RII need {MIN_QUANTILES} or more"
    if not len(deciles):
        return f"no IMD decile has people; {need}"
    shown = listed([f"{d:g}" for d in deciles], most=10)
    if len(deciles) == 1:
        return f"only 1 of the 10 IMD deciles has people, decile {shown}; {need}"
    return f"only {len(deciles)} of the 10 IMD deciles have people, deciles {shown}; {need}"


def empty_deciles_note(deciles: Sequence[float]) -> str:
    """Say which deciles have rows but no people, and that the profile leaves them out.

    Parameters
    ----------
    deciles : sequence of float
        The deciles whose population sums to 0, in order.

    Returns
    -------
    str
        For example "IMD deciles 1 and 2 have no people (population 0), so they have no
        rate and are left out."
    """
    shown = listed([f"{d:g}" for d in deciles], most=10)
    if len(deciles) == 1:
        return (
            f"IMD decile {shown} has no people (population 0), so it has no rate and is left out."
        )
    return (
        f"IMD deciles {shown} have no people (population 0), so they have no rate and are left out."
    )


def _without_empty_deciles(
    frame: pd.DataFrame, *, quantile: str, population: str, func: str
) -> tuple[pd.DataFrame, tuple[float, ...]]:
    """Leave out the deciles whose rows hold no people; refuse data with people in none.

    A cube can hold rows for a decile with no one in it (every combination of its
    dimensions, say). Such a decile is one the population does not have: it has no rate,
    no excess and no point on the SII's slope, and it does not count towards the 5 deciles
    the SII needs. Its events are 0 (events without a population are refused before this).
    """
    totals = frame.groupby(quantile, sort=True)[population].sum()
    empty = totals.index[~(totals > 0)]
    if len(empty) == len(totals):
        raise DataContractError(
            f"{func} needs people in at least one decile of {quantile!r}: "
            + (
                f"the {population!r} column sums to 0 in every decile."
                if len(totals)
                else "the data have no rows with a decile."
            )
        )
    kept = frame[~frame[quantile].isin(empty)]
    return kept, tuple(empty.tolist())


def _interval(numbers: dict[str, Any], name: str, level: str, unit: str = "") -> str:
    """Return ``95% CI a to b; `` for ``excess`` or ``cost``, or "" without limits."""
    low, high = numbers[f"{name}_low"], numbers[f"{name}_high"]
    if not (np.isfinite(low) and np.isfinite(high)):
        return ""
    return f"{level}% CI {unit}{low:,.0f} to {unit}{high:,.0f}; "


def _excess_note(numbers: dict[str, Any]) -> str:
    """Return why the excess is not published, without the note's own lead-in."""
    note = numbers["excess_note"].removeprefix("excess not published: ")
    return note or "the reference decile's rates could not be used"


def _sii_sentence(
    numbers: dict[str, Any],
    per: str,
    *,
    sii: str,
    rii: str,
    escape: Callable[[str], str] = str,
) -> str:
    """Return the SII and RII with their limits in one sentence, or why there is no SII.

    ``sii`` and ``rii`` lead the two figures (words in the summary, bold abbreviations in
    the notebook's HTML); ``escape`` makes the notes safe where they are shown (HTML).
    """
    if np.isnan(numbers["sii"]):
        return f"Slope index of inequality: not calculated ({escape(numbers['sii_note'])})."
    relative = (
        f"{rii} {numbers['rii']:.2f} ({numbers['rii_low']:.2f} to {numbers['rii_high']:.2f})"
        if np.isfinite(numbers["rii"])
        else escape(RII_NOT_MEANINGFUL)
    )
    return (
        f"{sii} {numbers['sii']:,.1f} per {per} ({numbers['level']}% CI "
        f"{numbers['sii_low']:,.1f} to {numbers['sii_high']:,.1f}); {relative}."
    )


def _gap_text(numbers: dict[str, Any], per: str) -> str:
    """Return the quintile gap with its limits in one sentence, or "" without a gap."""
    gap, label, level = numbers["gap"], numbers["label"], numbers["level"]
    if gap is None or not np.isfinite(gap["absolute_gap"]):
        return ""
    return (
        f"Gap between quintile {gap['most_deprived']} (most deprived) and quintile "
        f"{gap['least_deprived']}: {gap['absolute_gap']:,.1f} per {per} ({level}% CI "
        f"{gap[f'absolute_gap_lower_{label}']:,.1f} to "
        f"{gap[f'absolute_gap_upper_{label}']:,.1f}); ratio {gap['relative_gap']:.2f} "
        f"({gap[f'relative_gap_lower_{label}']:.2f} to "
        f"{gap[f'relative_gap_upper_{label}']:.2f})."
    )


def _first_level(sii: pd.DataFrame) -> float:
    """Return the first confidence level in an SII frame's ``confidence`` text."""
    first = str(sii["confidence"].iloc[0]).split(",")[0].strip().rstrip("%")
    return float(first) / 100


@validate_params(
    {
        "data": ["data-frame"],
        "events": ["column"],
        "population": ["column"],
        "age_band": ["column"],
        "quantile": ["column"],
        "cost": ["column", None],
        "unit_cost": [NON_NEGATIVE, None],
        "reference": REFERENCES,
        "standard_population": ["mapping", "series", None],
        "confidence": CONFIDENCE,
        "multiplier": [POSITIVE],
        "reps": REPS,
        "seed": SEEDS,
        "label": ["str", None],
    },
    renamed={"cube": "data"},
)
def deprivation_profile(
    data: pd.DataFrame,
    *,
    events: str = "emergency_admissions",
    population: str = "persons",
    age_band: str = "age_band",
    quantile: str = "imd_decile",
    cost: str | None = None,
    unit_cost: float | None = None,
    reference: Reference = "least_deprived",
    standard_population: Mapping[str, float] | pd.Series | None = None,
    confidence: float | Sequence[float] = 0.95,
    multiplier: float = 100_000,
    reps: int = 100_000,
    seed: int | None = None,
    label: str | None = None,
) -> DeprivationProfile:
    """Rates by IMD decile, SII and RII, excess events and Core20 share for one event.

    Parameters
    ----------
    data : pandas.DataFrame
        Tidy cube, already filtered by the caller to the population of interest; all
        other dimensions are summed over.
    events : str, default "emergency_admissions"
        Column of events.
    population, age_band, quantile
        As for :func:`rate_by_deprivation`.
    cost : str, optional
        Column of the cost of these events, for excess cost (see :func:`excess_events`).
    unit_cost : float, optional
        Fixed cost per event, instead of ``cost``.
    reference : {"least_deprived", "best_two"}, default "least_deprived"
        Reference rates for the excess events.
    standard_population : mapping or pandas.Series, optional
        Standard population; default ESP2013.
    confidence : float or sequence of float, default 0.95
        Confidence level(s); the first is shown in the summary, and the rates' limits at
        that level give the SII's standard errors.
    multiplier : float, default 100_000
        Rates per this many people.
    reps : int, default 100_000
        Monte Carlo repetitions for the SII limits and for the limits of the excess.
    seed : int, optional
        Seed for the SII simulation and the excess simulation (recorded in ``sii``,
        ``excess`` and ``excess_total``); ``None`` draws one from the operating system.
    label : str, optional
        Plain-language name of the events; default the column name with spaces.

    Returns
    -------
    DeprivationProfile
        With ``summary()``, ``to_frame()``, ``plot()`` and a notebook display.

    Raises
    ------
    DataContractError
        No decile has people (the population sums to 0 in every decile, or no row has a
        decile).

    Warns
    -----
    ExcludedRowsWarning
        Once, when rows without a decile were left out.

    Notes
    -----
    A decile whose rows hold no people (population 0) is left out, as a decile with no
    rows is: it is given no rate, excess or Core20 row of its own and does not count
    towards the 5 deciles the SII needs (``empty_deciles`` names it, and so does
    ``summary()``).

    The SII is fitted to the directly standardised rates by decile, weighted by
    population, with standard errors from the rates' limits on the log scale
    (``value_type="rate"``). See :func:`slope_index_of_inequality` for the sign
    convention.
    """
    func = "deprivation_profile"
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
    levels = v.confidence_levels(confidence)
    seed = resolve_seed(seed)
    # Rows with no decile are left out here, and said so once, pointing at the user's line:
    # the statistics below see only the rows kept.
    rows = _deprivation_rows(
        data,
        func=func,
        events=events,
        population=population,
        quantile=quantile,
        quintiles=False,
        by=[],
        cost=cost,
        age_band=age_band,
        standard_population=standard_population,
    )
    # The counts as checked: a blank counts as 0, said once (not by every statistic below).
    frame = rows.frame.assign(**{events: rows.counts, population: rows.populations})
    quantile_column, excluded = rows.quantile, rows.excluded
    # A decile with rows but no people is one the population does not have.
    frame, empty_deciles = _without_empty_deciles(
        frame, quantile=quantile_column, population=population, func=func
    )
    rates = rate_by_deprivation(
        frame,
        events=events,
        population=population,
        age_band=age_band,
        quantile=quantile_column,
        standard_population=standard_population,
        confidence=levels,
        multiplier=multiplier,
    )
    first = v.confidence_label(levels[0])
    deciles = np.sort(rates[quantile_column].dropna().unique())
    if len(deciles) < MIN_QUANTILES:
        # A population with people in fewer than 5 deciles (an affluent place, a small
        # system) has no SII: the profile says why, and the rest of it stands.
        sii = _not_calculated_frame(
            len(deciles),
            few_deciles_note(deciles),
            levels=levels,
            value_type="rate",
            transform=False,
            multiplier=1,
            reps=reps,
            seed=seed,
        )
    else:
        sii = slope_index_of_inequality(
            rates,
            value="value",
            quantile=quantile_column,
            population="population",
            lower=f"lower_{first}",
            upper=f"upper_{first}",
            value_type="rate",
            confidence=levels,
            reps=reps,
            seed=seed,
            limits_confidence=levels[0],
            # A decile without events has no limits, and a place may have no areas in some
            # deciles: such a profile says so in its note rather than stopping.
            invalid_groups="note",
            incomplete_groups="calculate",
            intercept=True,
        )
        sii = _without_meaningless_rii(sii)
    excess, excess_total = (
        excess_events(
            frame,
            events=events,
            population=population,
            age_band=age_band,
            quantile=quantile_column,
            cost=cost,
            unit_cost=unit_cost,
            reference=reference,
            level=level,
            standard_population=standard_population,
            confidence=levels,
            reps=reps,
            seed=seed,
        )
        for level in ("quantile", "total")
    )
    gap = deprivation_gap(
        frame,
        events=events,
        population=population,
        age_band=age_band,
        quantile=quantile_column,
        quintiles=True,
        standard_population=standard_population,
        multiplier=multiplier,
        confidence=levels,
    )
    core20 = core20_share(frame, events=events, population=population, quantile=quantile_column)
    return DeprivationProfile(
        events=events,
        label=label if label is not None else events.replace("_", " "),
        quantile=quantile_column,
        rates=rates,
        sii=sii,
        excess=excess,
        excess_total=excess_total,
        core20=core20,
        multiplier=float(multiplier),
        excluded_rows=int(excluded["rows"]),
        gap=gap,
        empty_deciles=empty_deciles,
    )


def _without_meaningless_rii(sii: pd.DataFrame) -> pd.DataFrame:
    """Return the SII row without its ``intercept``, and the RII missing where it means nothing.

    The line is fitted on the rates' own scale, so it can be at or below 0 at one end
    (:func:`~toolkit.indicators.inequality.rii_is_meaningful`): the RII and its limits are
    then NaN, and the note says why, in
    :data:`~toolkit.indicators.inequality.RII_NOT_MEANINGFUL`'s words.
    """
    meaningless = sii["rii"].notna().to_numpy() & ~rii_is_meaningful(sii["intercept"], sii["sii"])
    sii = sii.drop(columns="intercept")
    if not meaningless.any():
        return sii
    relative = [name for name in sii.columns if name == "rii" or name.startswith("rii_")]
    sii.loc[meaningless, relative] = np.nan
    notes = sii.loc[meaningless, "note"].fillna("").astype(str)
    sii.loc[meaningless, "note"] = [
        "; ".join(part for part in (note, RII_NOT_MEANINGFUL) if part) for note in notes
    ]
    return sii


__all__ = ["SII_CONVENTION", "DeprivationProfile", "deprivation_profile"]
