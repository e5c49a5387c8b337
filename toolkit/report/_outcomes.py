"""The board report's sections on outcomes by deprivation and by place.

The job of this module is the report's second section: emergency admissions by IMD decile
(figures, table, the inequality headline and the chart of the rate by decile) and by place
(figures, table and the neighbourhood map). Its functions are importable from
:mod:`toolkit.report.sections`, as the report's notebook calls them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit._words import capitalised
from toolkit.indicators.inequality import RII_NOT_MEANINGFUL
from toolkit.prioritise.theme_measures import format_money
from toolkit.report._section_parts import (
    _chart_rows,
    _join,
    _linked_table,
    _no_people,
    _rows,
    too_few_deciles,
)
from toolkit.report.charts import deprivation_chart
from toolkit.report.config import (
    DEFAULT_ADMISSION_COST_GBP,
    DEFAULT_ADMISSION_COST_SOURCE,
    LOCAL_ADMISSION_COST_SOURCE,
    ReportConfig,
)
from toolkit.report.linked import LinkedTables
from toolkit.report.tables import (
    TOTAL_ROW,
    BoardTable,
    BoardText,
    TableColumn,
    add_total_row,
    format_rate,
    heading,
    sentence,
)
from toolkit.style import PRINT_WIDTH

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from toolkit.indicators import DeprivationProfile

#: Said on the board's page when the SII is missing for a reason other than too few deciles
#: (:func:`~toolkit.report._section_parts.too_few_deciles`): deciles with no admissions, or
#: too few to give a standard error. The profile's own note keeps the analyst's reasons.
NO_SII = (
    "Slope index of inequality: not worked out, as too few deciles have enough emergency "
    "admissions to compare."
)

#: Figures per deprivation decile (:func:`deprivation_figures`).
DEPRIVATION_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("decile_label", "IMD decile"),
    TableColumn("population", "People", "count"),
    TableColumn("events", "Emergency admissions", "count"),
    TableColumn("rate", "Rate per 100,000 (age-standardised)", "rate", depends_on="events"),
    TableColumn("interval", "95% confidence interval", depends_on="events"),
    TableColumn("excess", "Excess admissions", "estimate", depends_on="events"),
    TableColumn("excess_cost", "Cost of excess admissions", "money_estimate", depends_on="events"),
)

#: Figures per place (:func:`place_figures`).
PLACE_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("place", "Place"),
    TableColumn("neighbourhoods", "Neighbourhoods", "rank"),
    TableColumn("persons", "People", "count"),
    TableColumn(
        "core20_population_share",
        "% of people in England's most deprived fifth",
        "share",
        depends_on="persons",
    ),
    TableColumn("events", "Emergency admissions", "count"),
    TableColumn("value", "Rate per 100,000 (age-standardised)", "rate", depends_on="events"),
    TableColumn(
        "ratio",
        "Admissions vs least deprived (100 = same)",
        "rate",
        depends_on="events",
    ),
)


# ---------------------------------------------------------------------------------------------
# Outcomes by deprivation
# ---------------------------------------------------------------------------------------------


def deprivation_figures(profile: DeprivationProfile, *, system_rate: pd.DataFrame) -> pd.DataFrame:
    """Return emergency admissions by IMD decile with a total row, ready for the table.

    Parameters
    ----------
    profile : DeprivationProfile
        From :func:`toolkit.indicators.deprivation_profile` (with a ``unit_cost`` for the
        excess cost).
    system_rate : pandas.DataFrame
        One row from :func:`toolkit.indicators.directly_standardised_rate` on the whole
        cube: the system's rate, shown on the total row.

    Returns
    -------
    pandas.DataFrame
        One row per decile then the total row: ``decile_label``, ``population``,
        ``events``, ``rate`` (the profile's ``value``, under the report table's own name),
        ``lower_95``, ``upper_95``, ``interval`` (text), ``excess`` and ``excess_cost``
        (the total row sums the positive excesses).
    """
    frame = profile.to_frame()
    quantile = profile.quantile
    if "excess_cost" not in frame.columns:
        frame = frame.assign(excess_cost=np.nan)
    table = pd.DataFrame(
        {
            "decile": frame[quantile].astype("int64"),
            "decile_label": frame[quantile].map(
                lambda d: (
                    f"{d:.0f} (most deprived)"
                    if d == 1
                    else (f"{d:.0f} (least deprived)" if d == 10 else f"{d:.0f}")
                )
            ),
            "population": frame["population"].astype("int64"),
            "events": frame["events"].astype("int64"),
            "rate": frame["value"].astype("float64"),
            "lower_95": frame["lower_95"].astype("float64"),
            "upper_95": frame["upper_95"].astype("float64"),
            "excess": frame["excess"].astype("float64"),
            "excess_cost": frame["excess_cost"].astype("float64"),
        }
    )
    total = profile.excess_total.iloc[0]
    table = add_total_row(
        table, columns=["population", "events"], label_column="decile_label", label="All deciles"
    )
    system = system_rate.iloc[0]
    table.loc[TOTAL_ROW, ["rate", "lower_95", "upper_95"]] = [
        float(system["value"]),
        float(system["lower_95"]),
        float(system["upper_95"]),
    ]
    table.loc[TOTAL_ROW, "excess"] = float(total["excess_positive"])
    table.loc[TOTAL_ROW, "excess_cost"] = float(total.get("excess_cost_positive", np.nan))
    return table.assign(
        interval=[
            f"{format_rate(low)} to {format_rate(high)}"
            if np.isfinite(low) and np.isfinite(high)
            else "[x]"
            for low, high in zip(table["lower_95"], table["upper_95"], strict=True)
        ]
    )


def deprivation_table(
    figures: pd.DataFrame,
    *,
    period: str,
    threshold: int,
    linked: LinkedTables | None = None,
    edition: str = "",
) -> BoardTable:
    """Return the table of emergency admissions by deprivation decile.

    Parameters
    ----------
    figures : pandas.DataFrame
        :func:`deprivation_figures`.
    period : str
        The period, for the caption.
    threshold : int
        The disclosure threshold.
    linked : LinkedTables, optional
        The report's linked tables: cells that figures elsewhere would reveal are hidden.
    edition : str
        The Indices of Deprivation edition of the deciles ("2019", "2025"), from the areas
        table (:attr:`toolkit.report.ReportInputs.imd_edition`); empty when the areas do
        not say, and the caption then names no edition rather than guess one.

    Returns
    -------
    BoardTable
        One row per decile and the total row; a note names each of England's 10 deciles
        with no row (:func:`missing_deciles`), as no neighbourhood is in it.
    """
    missing = missing_deciles(figures["decile"])
    return _linked_table(
        figures,
        table="deprivation",
        columns=DEPRIVATION_COLUMNS,
        caption=(
            f"Emergency admissions by deprivation (IMD{f' {edition}' if edition else ''} "
            f"deciles), {period}"
        ),
        threshold=threshold,
        notes=(
            "Excess admissions: admissions above what each decile would have at the least "
            "deprived decile's age-specific rates (negative where a decile does better). The "
            "total counts only the deciles above the reference.",
            *([_missing_note(missing)] if missing else []),
        ),
        linked=linked,
    )


def missing_deciles(deciles: pd.Series | Any) -> tuple[int, ...]:
    """Return England's deciles (1 to 10) that have no row: no neighbourhood is in them.

    Parameters
    ----------
    deciles : pandas.Series or array-like
        The deciles present (a total row's missing value is ignored).

    Returns
    -------
    tuple of int
        The absent deciles, in order; empty when all 10 are present.
    """
    present = {int(d) for d in pd.to_numeric(pd.Series(deciles), errors="coerce").dropna()}
    return tuple(d for d in range(1, 11) if d not in present)


def _listed_deciles(deciles: Sequence[int]) -> str:
    """Name deciles in words: "decile 9", "deciles 1, 2 and 9"."""
    if len(deciles) == 1:
        return f"decile {deciles[0]}"
    return "deciles " + ", ".join(str(d) for d in deciles[:-1]) + f" and {deciles[-1]}"


def _missing_note(missing: Sequence[int]) -> str:
    """Say under the deprivation table which deciles have no row, and why."""
    named = _listed_deciles(missing)
    if len(missing) == 1:
        return f"{named.capitalize()}: no registered person lives in it, so it has no row."
    return f"{named.capitalize()}: no registered person lives in them, so they have no rows."


def admission_cost_source(config: ReportConfig) -> str:
    """Say where the report's cost of an emergency admission comes from, beside the figure.

    The configuration's ``admission_cost_source`` when given; otherwise the national source
    (:data:`~toolkit.report.config.DEFAULT_ADMISSION_COST_SOURCE`) for the default figure,
    and the configuration's own figure
    (:data:`~toolkit.report.config.LOCAL_ADMISSION_COST_SOURCE`) for any other. A cost
    given in a configuration file without a source is the latter even at £1,590
    (:func:`~toolkit.report.config.load_config` says so in ``admission_cost_source``).

    Parameters
    ----------
    config : ReportConfig
        The report's configuration.

    Returns
    -------
    str
        The source, in plain words.
    """
    if config.admission_cost_source is not None:
        return config.admission_cost_source.strip()
    if config.admission_unit_cost == DEFAULT_ADMISSION_COST_GBP:
        return DEFAULT_ADMISSION_COST_SOURCE
    return LOCAL_ADMISSION_COST_SOURCE


def inequality_summary(profile: DeprivationProfile, *, config: ReportConfig) -> BoardText:
    """Return the inequality headline: SII, RII, excess admissions and their cost.

    Parameters
    ----------
    profile : DeprivationProfile
        Emergency admissions by deprivation (with a unit cost for the excess cost).
    config : ReportConfig
        For the period and the unit cost.

    Returns
    -------
    BoardText
        Three short paragraphs, figures rounded as the board reads them.
    """
    sii = profile.sii.iloc[0]
    total = profile.excess_total.iloc[0]
    per = f"{profile.multiplier:,.0f}"
    parts: list[BoardText] = []
    missing = (
        missing_deciles(profile.to_frame()[profile.quantile])
        if hasattr(profile, "to_frame")
        else ()
    )
    if np.isfinite(sii["sii"]):
        present = 10 - len(missing)
        fitted = (
            f" It is fitted on the {present} deciles in which registered people live "
            f"(none in {_listed_deciles(missing)})."
            if missing
            else ""
        )
        parts.append(
            sentence(
                f"Slope index of inequality (SII): {_signed(sii['sii'])} per {per} people a "
                f"year (95% CI {_signed(sii['sii_lower_95'])} to "
                f"{_signed(sii['sii_upper_95'])}). Going from "
                "the most to the least deprived end of the system, the age-standardised rate of "
                f"emergency admissions {'falls' if sii['sii'] < 0 else 'rises'} by about "
                f"{abs(sii['sii']):,.0f} per {per}.{fitted}"
            )
        )
        turned = (
            f" The other way round, the most deprived end's rate is {1 / sii['rii']:.1f} times "
            "the least deprived end's, the figure on page 1."
            if sii["rii"] > 0
            else ""
        )
        parts.append(
            sentence(
                f"Relative index of inequality (RII): {sii['rii']:.2f} (95% CI "
                f"{sii['rii_lower_95']:.2f} to {sii['rii_upper_95']:.2f}): the least deprived "
                f"end's rate is {sii['rii']:.2f} times the most deprived end's.{turned}"
            )
            if np.isfinite(sii["rii"])
            else sentence(capitalised(RII_NOT_MEANINGFUL) + ".")
        )
    elif (why := too_few_deciles(profile)) is not None:
        parts.append(sentence(why))
    else:
        parts.append(sentence(NO_SII))
    excess = float(total["excess_positive"])
    cost = float(total.get("excess_cost_positive", np.nan))
    low, high = (
        float(total.get(f"excess_positive_{end}_95", np.nan)) for end in ("lower", "upper")
    )
    cost_low, cost_high = (
        float(total.get(f"excess_cost_positive_{end}_95", np.nan)) for end in ("lower", "upper")
    )
    limits = (
        f" (95% CI {round(low, -1):,.0f} to {round(high, -1):,.0f})"
        if np.isfinite(low) and np.isfinite(high)
        else ""
    )
    cost_limits = (
        f" (95% CI {format_money(cost_low)} to {format_money(cost_high)})"
        if np.isfinite(cost_low) and np.isfinite(cost_high)
        else ""
    )
    valued = (
        f", costing about {format_money(cost)}{cost_limits} at "
        f"£{config.admission_unit_cost:,.0f} an admission ({admission_cost_source(config)})"
        if np.isfinite(cost)
        else ""
    )
    if np.isfinite(excess):
        parts.append(
            sentence(
                "Excess admissions: if every decile had the age-specific rates of the least "
                f"deprived decile, there would be about {round(excess, -1):,.0f} fewer "
                f"emergency admissions in {config.period}{limits}{valued}."
            )
        )
    else:  # the reference decile had too few admissions to publish (excess_events' note)
        parts.append(
            sentence(
                "Excess admissions: not shown, as the least deprived decile's figures are not "
                "published."
            )
        )
    gap = getattr(profile, "gap", None)
    most = least = -1
    if gap is not None and len(gap):
        row = gap.iloc[0]
        per = f"{profile.multiplier:,.0f}"
        absolute = float(row["absolute_gap"])
        fifths = pd.to_numeric(pd.Series([row["most_deprived"], row["least_deprived"]]))
        if fifths.notna().all():
            most, least = (int(value) for value in fifths)
    if most == least != -1:
        parts.append(
            sentence(
                "Gap: not worked out, because the system's people all live in one of "
                f"England's deprivation fifths ({_england_fifth(most)})."
            )
        )
    elif gap is not None and len(gap) and np.isfinite(float(gap["absolute_gap"].iloc[0])):
        parts.append(
            sentence(
                "Gap: the age-standardised rate of emergency admissions in neighbourhoods in "
                f"{_england_fifth(most)} is {abs(absolute):,.0f} per {per} "
                f"{'higher' if absolute >= 0 else 'lower'} than in {_england_fifth(least)} "
                f"(95% CI {_signed(row['absolute_gap_lower_95'])} to "
                f"{_signed(row['absolute_gap_upper_95'])}), "
                f"{row['relative_gap']:.2f} times as high "
                f"(95% CI {row['relative_gap_lower_95']:.2f} to "
                f"{row['relative_gap_upper_95']:.2f})."
                + (
                    ""
                    if (most, least) == (1, 5)
                    else " These are the most and least deprived of England's fifths in which "
                    "the system has people."
                )
                + (
                    " It differs from the RII's ratio because it compares two fifths of "
                    "neighbourhoods, not the two ends of a line fitted through every decile."
                    if np.isfinite(sii["rii"]) and sii["rii"] > 0
                    else ""
                )
            )
        )
    return heading("Inequality in emergency admissions", level=3) + _join(parts)


def _signed(value: float) -> str:
    """Return a whole number with the true minus sign ("−9,954"), as the tables write it."""
    shown = f"{value:,.0f}"
    return "0" if shown == "-0" else shown.replace("-", "\u2212")


def _england_fifth(quintile: int) -> str:
    """Name one of England's deprivation fifths (quintile 1 = the most deprived)."""
    names = {
        1: "England's most deprived fifth",
        2: "England's second most deprived fifth",
        3: "England's middle fifth by deprivation",
        4: "England's second least deprived fifth",
        5: "England's least deprived fifth",
    }
    return names.get(quintile, f"England's deprivation fifth {quintile}")


def deprivation_chart_figure(
    figures: pd.DataFrame,
    profile: DeprivationProfile,
    *,
    period: str,
    threshold: int,
    linked: LinkedTables | None = None,
) -> Figure:
    """Return the chart of the rate by decile, after suppression, with the SII in its title.

    Parameters
    ----------
    figures : pandas.DataFrame
        :func:`deprivation_figures`.
    profile : DeprivationProfile
        For the SII and RII.
    period : str
        The period, shown in the title.
    threshold : int
        The disclosure threshold.
    linked : LinkedTables, optional
        The report's linked tables: the chart hides what the table hides.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    shown = _chart_rows(
        figures,
        table="deprivation",
        columns=DEPRIVATION_COLUMNS,
        threshold=threshold,
        linked=linked,
    )
    shown = shown.assign(
        decile=profile.to_frame()[profile.quantile].to_numpy(dtype="float64"),
        lower_95=shown["lower_95"].where(shown["rate"].notna()),
        upper_95=shown["upper_95"].where(shown["rate"].notna()),
    )
    sii = profile.sii.iloc[0]
    subtitle = (
        f"SII {_signed(sii['sii'])} per {profile.multiplier:,.0f}; "
        + (
            f"RII {sii['rii']:.2f}"
            if np.isfinite(sii["rii"])
            else "RII not given (the fitted line is at or below 0 at one end)"
        )
        + " (a negative SII means higher rates in more deprived areas)"
        if np.isfinite(sii["sii"])
        else too_few_deciles(profile, short=True)
    )
    return deprivation_chart(
        shown,
        quantile="decile",
        label=profile.label,
        multiplier=profile.multiplier,
        period=period,
        subtitle=subtitle,
    )


# ---------------------------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------------------------


def place_figures(
    indicators: Any,
    *,
    system_rate: pd.DataFrame | None = None,
    linked: LinkedTables | None = None,
    neighbourhoods: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Return the places of :func:`toolkit.places.area_indicators`, with a total row.

    Parameters
    ----------
    indicators : toolkit.places.AreaIndicators
        Emergency admissions by neighbourhood and place.
    system_rate : pandas.DataFrame, optional
        The whole system's age-standardised rate (one row of
        :func:`toolkit.indicators.directly_standardised_rate`), shown on the total row when
        the indicators give no rate of the places together (``all_places``) and every
        person is in a place; otherwise the total row's rate is that of the people it
        counts.
    linked : LinkedTables, optional
        The report's linked tables. When given, the share in the most deprived fifth is
        that of the place's registered people (the table's "People"), counted there, so
        that the share and the people it is a share of are the same people; otherwise it
        is the share of the areas' population.
    neighbourhoods : mapping of str to int, optional
        Each place's neighbourhoods in which anyone is registered, worked out once with
        the report's figures (``BoardFigures.place_neighbourhoods``); counted here with
        :func:`toolkit.report.figures.place_neighbourhoods` when not given.

    Returns
    -------
    pandas.DataFrame
        One row per place with registered people, then the total row: people, admissions
        and neighbourhoods summed (those with registered people, as page 1 counts them; the
        places' neighbourhoods with no one are counted in ``attrs["empty_neighbourhoods"]``,
        which :func:`place_table` says under the table); the share in the most deprived
        fifth; admissions against those expected at the least deprived decile's rates
        recomputed from the sums; the age-standardised rate of the people in the places.
        A place with no registered people is left out, as page 1's counts leave it out
        (:func:`~toolkit.report.sections.people_coverage`); its name is in
        ``attrs["empty_places"]``, which :func:`place_table` says under the table. The
        persons in no place (their LSOA not among the areas, or blank) are in
        ``attrs["persons_left_out"]``, which :func:`place_table` says too.
    """
    places = indicators.to_frame("place")
    empty = pd.to_numeric(places["persons"]).fillna(0).to_numpy() <= 0
    empty_places = tuple(sorted(places.loc[empty, "place"].astype(str).str.strip()))
    places = places.loc[~empty]
    # The neighbourhoods with registered people, as page 1 counts them (people_coverage).
    if neighbourhoods is None:
        from toolkit.report.figures import place_neighbourhoods

        neighbourhoods = place_neighbourhoods(indicators)
    with_people = (
        places["place"].astype(str).str.strip().map(dict(neighbourhoods)).fillna(0).astype("int64")
    )
    empty_areas = int(pd.to_numeric(places["neighbourhoods"]).sum() - with_people.sum())
    places = places.assign(neighbourhoods=with_people.to_numpy())
    columns = [
        "place",
        "neighbourhoods",
        "persons",
        "core20_population_share",
        "events",
        "value",
        "ratio",
    ]
    table = places[columns].astype({"persons": "int64", "events": "int64"})
    totalled = add_total_row(
        table,
        columns=["neighbourhoods", "persons", "events"],
        label_column="place",
        label="All places",
    )
    population = places["population"].to_numpy(dtype="float64")
    share = places["core20_population_share"].to_numpy(dtype="float64")
    if population.sum() > 0:
        totalled.loc[TOTAL_ROW, "core20_population_share"] = float(
            (share * population).sum() / population.sum()
        )
    expected = places["expected"].to_numpy(dtype="float64").sum()
    if expected > 0:
        totalled.loc[TOTAL_ROW, "ratio"] = float(
            100 * places["events"].to_numpy(dtype="float64").sum() / expected
        )
    left_out = float(getattr(indicators, "persons_left_out", 0.0) or 0.0)
    together = getattr(indicators, "all_places", None)
    if together is not None and len(together) == 1:
        # The rate of the people the row counts: the system's only when all are in a place.
        totalled.loc[TOTAL_ROW, "value"] = float(together["value"].iloc[0])
    elif system_rate is not None and len(system_rate) == 1 and not left_out:
        totalled.loc[TOTAL_ROW, "value"] = float(system_rate["value"].iloc[0])
    else:
        totalled.loc[TOTAL_ROW, "value"] = np.nan
    if linked is not None:
        shares = []
        for place in _rows(totalled, "place"):
            core, people = f"places/{place}/core20", f"places/{place}/persons"
            known = core in linked.cells and people in linked.cells and linked.value(people)
            shares.append(linked.value(core) / linked.value(people) if known else np.nan)
        totalled["core20_population_share"] = shares
    totalled.attrs["empty_places"] = empty_places
    totalled.attrs["persons_left_out"] = left_out
    totalled.attrs["empty_neighbourhoods"] = empty_areas
    return totalled


def place_table(
    figures: pd.DataFrame,
    *,
    period: str,
    threshold: int,
    linked: LinkedTables | None = None,
    labels: Mapping[str, str] | None = None,
) -> BoardTable:
    """Return the table of emergency admissions by place.

    Parameters
    ----------
    figures : pandas.DataFrame
        :func:`place_figures`.
    period : str
        The period.
    threshold : int
        The disclosure threshold.
    linked : LinkedTables, optional
        The report's linked tables: cells that figures elsewhere would reveal are hidden,
        and the share in the most deprived fifth where it would reveal a small count.
    labels : mapping of str to str, optional
        Short labels for places (the configuration's ``place_labels``), by their name in
        the areas file; places not named keep their name.

    Returns
    -------
    BoardTable
        One row per place and a total row; places with no registered people
        (``figures.attrs["empty_places"]``) are named in a note, as left out, and the
        people in no place are counted in another (:func:`_unplaced_note`), and the
        neighbourhoods of the places shown that hold no one (not counted in the table's
        "Neighbourhoods", as on page 1) in a third.
    """
    empty = tuple(figures.attrs.get("empty_places") or ())
    unplaced = _unplaced_note(figures, linked=linked, threshold=threshold)
    areas_note = _neighbourhoods_note(int(figures.attrs.get("empty_neighbourhoods") or 0))
    shown = figures
    if labels:
        shown = figures.assign(
            place=[
                labels.get(str(name), name) if label != TOTAL_ROW else name
                for label, name in zip(figures.index, figures["place"], strict=True)
            ]
        )
    return _linked_table(
        figures,
        table="places",
        columns=PLACE_COLUMNS,
        caption=f"Emergency admissions by place, {period}",
        threshold=threshold,
        notes=(
            "Admissions vs least deprived: observed admissions as a percentage of those "
            "expected at the least deprived decile's age-specific rates.",
            *([areas_note] if areas_note else []),
            *([_no_people(empty, labels, table=True)] if empty else []),
            *([unplaced] if unplaced else []),
        ),
        linked=linked,
        shown=shown,
    )


def _neighbourhoods_note(empty: int) -> str:
    """Say under the place table that it counts only neighbourhoods with anyone ("" if all)."""
    if not empty:
        return ""
    return (
        "Neighbourhoods: those in which anyone is registered, as page 1 counts them; "
        f"{empty:,} more {'neighbourhood' if empty == 1 else 'neighbourhoods'} of these "
        f"places {'has' if empty == 1 else 'have'} no one registered."
    )


def _unplaced_note(figures: pd.DataFrame, *, linked: LinkedTables | None, threshold: int) -> str:
    """Say under the place table how many people are in no place, and why ("" when none).

    With the linked tables, the counts are theirs by reason (``join/<reason>/persons``),
    "[c]" where they are suppressed; without, the count of
    ``figures.attrs["persons_left_out"]``, "fewer than" the threshold when small.
    """
    from toolkit.report.linked import JOIN_NO_LSOA, JOIN_NOT_IN_AREAS

    counted: list[tuple[str, str]] = []
    if linked is not None:
        for reason, words in (
            (JOIN_NOT_IN_AREAS, "a neighbourhood missing from the report's list of areas"),
            (JOIN_NO_LSOA, "no neighbourhood recorded"),
        ):
            key = f"join/{reason}/persons"
            value = linked.value(key) if key in linked.cells else 0
            if value:
                shown = "[c]" if linked.is_suppressed(key) else f"{value:,.0f}"
                counted.append((shown, words))
    else:
        left_out = float(figures.attrs.get("persons_left_out") or 0.0)
        if left_out:
            shown = f"fewer than {threshold}" if left_out < threshold else f"{left_out:,.0f}"
            counted.append((shown, "a neighbourhood missing from the list of areas, or none"))
    if not counted:
        return ""
    said = " and ".join(f"{shown} have {words}" for shown, words in counted)
    return (
        f"People in no place: {said}, so no place counts them. The 'All places' row counts "
        "only the people in a place, and its rate is theirs; everyone registered is "
        "counted on page 1."
    )


def neighbourhood_map(
    indicators: Any,
    *,
    period: str,
    attribution: str | None = None,
    place_labels: Mapping[str, str] | None = None,
) -> Figure:
    """Return the map of emergency admission rates by neighbourhood, places outlined.

    Parameters
    ----------
    indicators : toolkit.places.AreaIndicators
        With neighbourhood polygons.
    period : str
        The period.
    attribution : str, optional
        Where the boundaries come from, printed under the map (the ONS and OS wording
        for ONS boundaries: :func:`map_attribution`).
    place_labels : mapping of str to str, optional
        Short labels of places on the map (the configuration's ``place_labels``); places
        not named keep their own names.

    Returns
    -------
    matplotlib.figure.Figure
        The choropleth (quintiles; rates below 10 admissions are not published;
        neighbourhoods with no one registered are a class of their own).
    """
    from toolkit.places import choropleth

    return choropleth(
        indicators.neighbourhoods,
        "value",
        title=f"Emergency admissions per 100,000 people, age-standardised, {period}",
        legend_title="Admissions per 100,000 a year",
        measure="rate",
        places=indicators.places,
        place_labels=dict(place_labels or {}),
        persons="persons",
        caption="Rates with fewer than 10 admissions are not published."
        + (f"\n{attribution}" if attribution else ""),
        # Drawn at the printed column's width (less the saved margins), so that its
        # legend, place names and scale bar print at their set size (8 pt or more).
        figsize=(PRINT_WIDTH - 0.2, 5.2),
    )
