"""The sections of the board report, in board language: figures in, tables, text and charts out.

Each function takes results of the statistics modules (the cohort cube, a
:class:`~toolkit.indicators.DeprivationProfile`, the shortlist of
:func:`toolkit.prioritise.demo_shortlist`, a workshop :class:`DecisionLog`) and returns a
:class:`~toolkit.report.BoardTable`, :class:`~toolkit.report.BoardText` or a figure. None
computes a statistic of its own: they arrange, word, round and suppress. Counts pass
through disclosure control (:func:`toolkit.report.suppress_counts`) before they are shown.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit.report.charts import (
    deprivation_chart,
    rank_acceptability_chart,
    segment_chart,
    weights_chart,
)
from toolkit.report.config import ReportConfig
from toolkit.report.decision_log import DecisionLog, room_answer
from toolkit.report.inputs import ReportInputs
from toolkit.report.linked import JOIN_REASONS, LinkedTables, hidden_cells
from toolkit.report.tables import (
    TOTAL_ROW,
    BoardTable,
    BoardText,
    Count,
    Shown,
    TableColumn,
    add_total_row,
    board_table,
    bullet_list,
    disclose,
    heading,
    sentence,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from toolkit.indicators import DeprivationProfile
    from toolkit.prioritise import Prioritisation, RoomConsensus

#: Emergency admissions are the outcome the report follows across deprivation and places.
EVENTS = "emergency_admissions"

#: Rates by deprivation and place are per this many people a year.
RATE_MULTIPLIER = 100_000

#: Figures per segment (:func:`segment_figures`) shown in the segment table.
SEGMENT_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("label", "Segment"),
    TableColumn("persons", "People", "count"),
    TableColumn("share_of_population", "% of people", "share", depends_on="persons"),
    TableColumn("cost_gbp", "Cost of care", "money_millions"),
    TableColumn("cost_per_head", "Cost per head", "money", depends_on="persons"),
    TableColumn("cost_share", "% of cost", "share"),
    TableColumn(EVENTS, "Emergency admissions", "count"),
    TableColumn(
        "emergency_admissions_per_1000",
        "Admissions per 1,000 people",
        "rate",
        depends_on=(EVENTS, "persons"),
    ),
    TableColumn("emergency_admissions_share", "% of admissions", "share", depends_on=EVENTS),
    TableColumn("deaths", "Deaths", "count"),
)

#: Figures per deprivation decile (:func:`deprivation_figures`).
DEPRIVATION_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("decile_label", "IMD decile"),
    TableColumn("population", "People", "count"),
    TableColumn("events", "Emergency admissions", "count"),
    TableColumn("rate", "Rate per 100,000 (age-standardised)", "rate", depends_on="events"),
    TableColumn("interval", "95% confidence interval", depends_on="events"),
    TableColumn("excess", "Excess admissions", "estimate", depends_on="events"),
    TableColumn("excess_cost", "Cost of excess admissions", "money", depends_on="events"),
)

#: Figures per place (:func:`place_figures`).
PLACE_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("place", "Place"),
    TableColumn("neighbourhoods", "Neighbourhoods", "rank"),
    TableColumn("persons", "People", "count"),
    TableColumn(
        "core20_share", "% of people in the most deprived fifth", "share", depends_on="persons"
    ),
    TableColumn("events", "Emergency admissions", "count"),
    TableColumn("dsr", "Rate per 100,000 (age-standardised)", "rate", depends_on="events"),
    TableColumn(
        "standardised_ratio",
        "Admissions vs least deprived (100 = same)",
        "rate",
        depends_on="events",
    ),
)

#: Method statements for the provenance box.
METHODS: tuple[str, ...] = (
    "Data checked against the toolkit's data contract (pandera); no person dropped.",
    "Segments: the {model} model's rules, one segment per person (the first rule met).",
    "Rates: directly age-standardised to the European Standard Population 2013, Dobson 95% "
    "limits (as OHID Fingertips); not published below 10 events.",
    "Inequality: slope and relative index of inequality across IMD deciles (Low and Low "
    "2004), 95% limits by Monte Carlo simulation; excess admissions by indirect "
    "standardisation to the least deprived decile's age-specific rates.",
    "Priorities: themes from the toolkit's themes library (each figure with its source), "
    "measured on cohorts that overlap; weighted sum of min-max normalised criteria, one "
    "priority per theme; robustness from 10,000 weightings drawn around the chosen weights "
    "(Dirichlet). Estimates of avoidable events are ranges: events a year in the cohort x "
    "share reached x share who take it up x the cited relative risk reduction.",
    "Disclosure control: counts from 1 to the threshold less one are suppressed, with the "
    "rates and shares computed from them; the report's tables are treated as one set of linked "
    "tables (segments, deciles, places and the join all add up to the same people), and "
    "further figures are suppressed until no suppressed count can be worked out exactly, or "
    "shown to be small, from any combination of the figures shown (checked by linear "
    "programming).",
)


def _linked(
    linked: LinkedTables | None,
    table: str,
    figures: pd.DataFrame,
    rows: Sequence[object],
    columns: Mapping[str, str],
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Return the cells the linked protection hides and each cell's figure key.

    The counts of ``figures`` must be those the linked tables hold: protection worked out
    on other numbers would protect nothing, so a difference is an error.
    """
    if linked is None:
        return None, None
    keys = pd.DataFrame(
        {
            column: [
                f"{table}/{row}/{part}"
                if f"{table}/{row}/{part}" in linked.cells
                or f"{table}/{row}/{part}" in linked.ratios
                else None
                for row in rows
            ]
            for column, part in columns.items()
        },
        index=figures.index,
        dtype="object",
    )
    for column in columns:
        for label, key in keys[column].items():
            if key in linked.cells and linked.value(key) != int(figures.at[label, column]):
                raise RuntimeError(
                    f"The report's {table} table shows {figures.at[label, column]} for {key}, "
                    f"but its linked tables hold {linked.value(key)}: disclosure control "
                    "across the report was worked out on other figures."
                )
    hidden = hidden_cells(linked, table, rows, columns, figures.index)
    return hidden, keys


def _rows(figures: pd.DataFrame, column: str) -> list[object]:
    """Row names of a table's keys: its ``column`` for each row, "total" for the total row."""
    return [
        "total" if label == TOTAL_ROW else value
        for label, value in zip(figures.index, figures[column], strict=True)
    ]


#: Segment table columns -> the last part of their linked keys.
_SEGMENT_KEYS = {
    "persons": "persons",
    EVENTS: EVENTS,
    "deaths": "deaths",
    "emergency_admissions_per_1000": "per_1000",
    "share_of_population": "share_of_population",
    f"{EVENTS}_share": f"{EVENTS}_share",
}
_DEPRIVATION_KEYS = {"population": "persons", "events": EVENTS}
_PLACE_KEYS = {"persons": "persons", "events": EVENTS, "core20_share": "core20_share"}


def _chart_rows(
    figures: pd.DataFrame,
    *,
    columns: Sequence[TableColumn],
    threshold: int,
    hidden: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the rows a chart of a table may show: suppressed as the table is, no total row."""
    return disclose(
        figures, columns=columns, threshold=threshold, total_row=TOTAL_ROW, hidden=hidden
    ).drop(index=TOTAL_ROW)


def _labels(segments: pd.Series, labels: Mapping[str, str] | None) -> pd.Series:
    mapping = dict(labels or {})
    return segments.astype("object").map(lambda code: mapping.get(code, str(code)))


# ---------------------------------------------------------------------------------------------
# Title and headline
# ---------------------------------------------------------------------------------------------


def report_title(config: ReportConfig) -> BoardText:
    """Return the report's title and subtitle.

    Parameters
    ----------
    config : ReportConfig
        The report's configuration.

    Returns
    -------
    BoardText
        The title (a heading) and a line saying what the report is for.
    """
    title = f"{config.system_name}: population health priorities, {config.period}"
    lead = (
        "Board report. Which groups of people use care and how much, how outcomes differ with "
        "deprivation, and a short list of candidate priorities, each with its reasons and how "
        "robust it is."
    )
    return BoardText(
        f"{title}\n{lead}",
        f'<h1 class="report-title">{html.escape(title)}</h1>'
        f'<p class="lead">{html.escape(lead)}</p>',
    )


def segment_figures(cube: pd.DataFrame, *, labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return people, deaths, cost and emergency admissions by segment, with a total row.

    Parameters
    ----------
    cube : pandas.DataFrame
        The cohort cube (:func:`toolkit.segment.build_cube`). Not changed.
    labels : mapping of str to str, optional
        Plain-English segment names (``load_rules(...).labels``).

    Returns
    -------
    pandas.DataFrame
        One row per segment in the cube's order (the model's), then the row of totals
        (index :data:`~toolkit.report.TOTAL_ROW`): ``segment``, ``label``, ``persons``,
        ``deaths``, ``cost_gbp``, ``emergency_admissions`` and the shares and per-head
        figures of :data:`SEGMENT_COLUMNS`. The shares and per-head figures come from
        :func:`toolkit.segment.segment_summary`.
    """
    from toolkit.segment import segment_summary

    if not isinstance(cube, pd.DataFrame):
        raise TypeError(
            "The 'cube' parameter of segment_figures must be a pandas DataFrame. "
            f"Got {type(cube).__name__} instead."
        )
    summary = segment_summary(cube)
    counts = (
        cube.groupby("segment", sort=False, observed=True)[["persons", "deaths", EVENTS]]
        .sum()
        .reset_index()
    )
    table = summary[
        [
            "segment",
            "share_of_population",
            "cost_gbp",
            "cost_per_head",
            "cost_share",
            f"{EVENTS}_per_head",
            f"{EVENTS}_share",
        ]
    ].merge(counts, on="segment", how="left", validate="1:1")
    table = table.assign(
        label=_labels(table["segment"], labels),
        emergency_admissions_per_1000=1000 * table[f"{EVENTS}_per_head"],
    ).drop(columns=f"{EVENTS}_per_head")
    table = table.astype({"persons": "int64", "deaths": "int64", EVENTS: "int64"})
    return add_total_row(
        table,
        columns=["persons", "deaths", EVENTS, "cost_gbp", "share_of_population", "cost_share"]
        + [f"{EVENTS}_share"],
        label_column="label",
        label="All segments",
        ratios={
            "cost_per_head": ("cost_gbp", "persons", 1.0),
            "emergency_admissions_per_1000": (EVENTS, "persons", 1000.0),
        },
    )


def at_a_glance(
    figures: pd.DataFrame,
    *,
    neighbourhoods: int,
    places: int,
    profile: DeprivationProfile,
    priorities: Prioritisation,
    config: ReportConfig,
    linked: LinkedTables | None = None,
    areas_note: str = "",
) -> BoardText:
    """Return the headline facts: population, cost, activity, inequality and the shortlist.

    Parameters
    ----------
    figures : pandas.DataFrame
        :func:`segment_figures` (its total row is used).
    neighbourhoods, places : int
        Number of neighbourhoods (LSOAs) and places.
    profile : DeprivationProfile
        Emergency admissions by deprivation.
    priorities : Prioritisation
        The prioritisation (:func:`toolkit.prioritise.prioritise`).
    config : ReportConfig
        For the period and the disclosure threshold.
    linked : LinkedTables, optional
        The report's linked tables: a headline figure that, with the tables, would reveal
        a small count is suppressed.
    areas_note : str
        Which areas of the areas file the report leaves out
        (:attr:`toolkit.report.ReportInputs.areas_note`), said after the people.

    Returns
    -------
    BoardText
        A short bulleted list; counts are suppressed below the threshold.
    """
    threshold = config.disclosure_threshold
    total = figures.loc[TOTAL_ROW]
    core = profile.core20.iloc[0]
    sii = profile.sii.iloc[0]

    def count(measure: str) -> Count:
        key = f"segments/total/{measure}"
        if linked is None:
            return Count(total[measure])
        return Count(total[measure], hidden=linked.is_suppressed(key), figure=key)

    def share(measure: str, value: float) -> Shown:
        key = f"glance/core20/{measure}_share"
        if linked is None:
            return Shown(f"{value:.0%}")
        return Shown(f"{value:.0%}", hidden=linked.is_suppressed(key), figure=key)

    items = [
        sentence(
            "People: ",
            count("persons"),
            f" registered in {neighbourhoods:,} neighbourhoods across {places:,} places."
            + (f" {areas_note}" if areas_note else ""),
            threshold=threshold,
            tag="li",
        ),
        sentence(
            f"Cost of care in {config.period}: £{total['cost_gbp'] / 1e6:,.1f}m; ",
            count(EVENTS),
            " emergency admissions and ",
            count("deaths"),
            " deaths.",
            threshold=threshold,
            tag="li",
        ),
        sentence(
            "The most deprived fifth of neighbourhoods hold ",
            share("persons", core["population_share"]),
            " of people and account for ",
            share(EVENTS, core["event_share"]),
            " of emergency admissions.",
            tag="li",
        ),
    ]
    if np.isfinite(sii["rii"]) and sii["rii"] > 0:
        items.append(
            sentence(
                "Age for age, emergency admission rates at the most deprived end are "
                f"{1 / sii['rii']:.1f} times those at the least deprived end.",
                tag="li",
            )
        )
    names = "; ".join(priorities.labels)
    items.append(
        sentence(
            "No priority could be suggested: no theme had enough people or events in this "
            "system to be measured (see section 4)."
            if priorities.is_empty
            else f"Suggested priorities ({len(priorities.labels)}): {names}.",
            tag="li",
        )
    )
    return heading("At a glance") + bullet_list(items)


def segment_table(
    figures: pd.DataFrame,
    *,
    period: str,
    threshold: int,
    model_title: str = "Bridges to Health",
    linked: LinkedTables | None = None,
) -> BoardTable:
    """Return the segment table: people, cost and emergency admissions of each segment.

    Parameters
    ----------
    figures : pandas.DataFrame
        :func:`segment_figures`.
    period : str
        The period, for the caption.
    threshold : int
        The disclosure threshold.
    model_title : str
        The segmentation model's name, for the caption.
    linked : LinkedTables, optional
        The report's linked tables (:func:`toolkit.report.linked.link_report`): cells that
        figures elsewhere in the report would reveal are suppressed too.

    Returns
    -------
    BoardTable
        One row per segment and a total row; small counts suppressed.
    """
    hidden, keys = _linked(linked, "segments", figures, _rows(figures, "segment"), _SEGMENT_KEYS)
    return board_table(
        figures,
        columns=SEGMENT_COLUMNS,
        caption=f"Population segments ({model_title}): people, cost and activity, {period}",
        threshold=threshold,
        total_row=TOTAL_ROW,
        notes=(
            "Each person is in exactly one segment, decided by the first rule they meet. "
            "Cost of care covers GP appointments, A&E, outpatients and hospital stays.",
        ),
        hidden=hidden,
        figure_keys=keys,
    )


def segment_chart_figure(
    figures: pd.DataFrame, *, period: str, threshold: int, linked: LinkedTables | None = None
) -> Figure:
    """Return the segment chart (shares of people, cost and admissions), after suppression.

    Parameters
    ----------
    figures : pandas.DataFrame
        :func:`segment_figures`.
    period : str
        The period.
    threshold : int
        The disclosure threshold.
    linked : LinkedTables, optional
        The report's linked tables: the chart hides what the table hides.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    hidden, _ = _linked(linked, "segments", figures, _rows(figures, "segment"), _SEGMENT_KEYS)
    shown = _chart_rows(figures, columns=SEGMENT_COLUMNS, threshold=threshold, hidden=hidden)
    return segment_chart(shown, label="label", period=period)


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
        ``events``, ``rate``, ``lower_95``, ``upper_95``, ``interval`` (text), ``excess``
        and ``excess_cost`` (the total row sums the positive excesses).
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
            "rate": frame["rate"].astype("float64"),
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
            f"{low:,.1f} to {high:,.1f}" if np.isfinite(low) and np.isfinite(high) else "[x]"
            for low, high in zip(table["lower_95"], table["upper_95"], strict=True)
        ]
    )


def deprivation_table(
    figures: pd.DataFrame,
    *,
    period: str,
    threshold: int,
    linked: LinkedTables | None = None,
    edition: str = "2019",
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
        table (:attr:`toolkit.report.ReportInputs.imd_edition`).

    Returns
    -------
    BoardTable
        One row per decile and the total row.
    """
    hidden, keys = _linked(
        linked, "deprivation", figures, _rows(figures, "decile"), _DEPRIVATION_KEYS
    )
    return board_table(
        figures,
        columns=DEPRIVATION_COLUMNS,
        caption=f"Emergency admissions by deprivation (IMD {edition} deciles), {period}",
        threshold=threshold,
        total_row=TOTAL_ROW,
        notes=(
            "Excess admissions: admissions above what each decile would have at the least "
            "deprived decile's age-specific rates (negative where a decile does better). The "
            "total counts only the deciles above the reference.",
        ),
        hidden=hidden,
        figure_keys=keys,
    )


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
    if np.isfinite(sii["sii"]):
        parts.append(
            sentence(
                f"Slope index of inequality (SII): {sii['sii']:,.0f} per {per} people a year "
                f"(95% CI {sii['sii_lower_95']:,.0f} to {sii['sii_upper_95']:,.0f}). Going from "
                "the most to the least deprived end of the system, the age-standardised rate of "
                f"emergency admissions {'falls' if sii['sii'] < 0 else 'rises'} by about "
                f"{abs(sii['sii']):,.0f} per {per}."
            )
        )
        parts.append(
            sentence(
                f"Relative index of inequality (RII): {sii['rii']:.2f} (95% CI "
                f"{sii['rii_lower_95']:.2f} to {sii['rii_upper_95']:.2f}): the least deprived "
                f"end's rate is {sii['rii']:.2f} times the most deprived end's."
            )
        )
    else:
        parts.append(sentence(f"Slope index of inequality: not calculated ({sii['note']})."))
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
        f" (95% CI £{cost_low / 1e6:,.1f}m to £{cost_high / 1e6:,.1f}m)"
        if np.isfinite(cost_low) and np.isfinite(cost_high)
        else ""
    )
    valued = (
        f", costing about £{cost / 1e6:,.1f}m{cost_limits} at "
        f"£{config.admission_unit_cost:,.0f} an admission"
        if np.isfinite(cost)
        else ""
    )
    parts.append(
        sentence(
            "Excess admissions: if every decile had the age-specific rates of the least deprived "
            f"decile, there would be about {round(excess, -1):,.0f} fewer emergency admissions "
            f"in {config.period}{limits}{valued}."
        )
    )
    gap = getattr(profile, "gap", None)
    if gap is not None and len(gap) and np.isfinite(float(gap["absolute_gap"].iloc[0])):
        row = gap.iloc[0]
        per = f"{profile.multiplier:,.0f}"
        absolute = float(row["absolute_gap"])
        parts.append(
            sentence(
                "Gap: the age-standardised rate of emergency admissions in the most deprived "
                f"fifth is {abs(absolute):,.0f} per {per} "
                f"{'higher' if absolute >= 0 else 'lower'} than in the least deprived fifth "
                f"(95% CI {row['absolute_gap_lower_95']:,.0f} to "
                f"{row['absolute_gap_upper_95']:,.0f}), {row['relative_gap']:.2f} times as high "
                f"(95% CI {row['relative_gap_lower_95']:.2f} to "
                f"{row['relative_gap_upper_95']:.2f})."
            )
        )
    return heading("Inequality in emergency admissions", level=3) + _join(parts)


def _join(parts: Sequence[BoardText]) -> BoardText:
    result = parts[0]
    for part in parts[1:]:
        result = result + part
    return result


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
        The period.
    threshold : int
        The disclosure threshold.
    linked : LinkedTables, optional
        The report's linked tables: the chart hides what the table hides.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    hidden, _ = _linked(linked, "deprivation", figures, _rows(figures, "decile"), _DEPRIVATION_KEYS)
    shown = _chart_rows(figures, columns=DEPRIVATION_COLUMNS, threshold=threshold, hidden=hidden)
    shown = shown.assign(
        decile=profile.to_frame()[profile.quantile].to_numpy(dtype="float64"),
        lower_95=shown["lower_95"].where(shown["rate"].notna()),
        upper_95=shown["upper_95"].where(shown["rate"].notna()),
    )
    sii = profile.sii.iloc[0]
    subtitle = (
        f"SII {sii['sii']:,.0f} per {profile.multiplier:,.0f}; RII {sii['rii']:.2f} "
        "(a negative SII means higher rates in more deprived areas)"
        if np.isfinite(sii["sii"])
        else None
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
) -> pd.DataFrame:
    """Return the places of :func:`toolkit.places.area_indicators`, with a total row.

    Parameters
    ----------
    indicators : toolkit.places.AreaIndicators
        Emergency admissions by neighbourhood and place.
    system_rate : pandas.DataFrame, optional
        The whole system's age-standardised rate (one row of
        :func:`toolkit.indicators.directly_standardised_rate`), shown on the total row.
    linked : LinkedTables, optional
        The report's linked tables. When given, the share in the most deprived fifth is
        that of the place's registered people (the table's "People"), counted there, so
        that the share and the people it is a share of are the same people; otherwise it
        is the share of the areas' population.

    Returns
    -------
    pandas.DataFrame
        One row per place then the total row: people, admissions and neighbourhoods
        summed; the share in the most deprived fifth; admissions
        against those expected at the least deprived decile's rates recomputed from the
        sums; the system's rate when given.
    """
    places = indicators.to_frame("place")
    columns = ["place", "neighbourhoods", "persons", "core20_share", "events", "dsr"]
    table = places[[*columns, "standardised_ratio"]].astype({"persons": "int64", "events": "int64"})
    totalled = add_total_row(
        table,
        columns=["neighbourhoods", "persons", "events"],
        label_column="place",
        label="All places",
    )
    population = places["population"].to_numpy(dtype="float64")
    share = places["core20_share"].to_numpy(dtype="float64")
    if population.sum() > 0:
        totalled.loc[TOTAL_ROW, "core20_share"] = float(
            (share * population).sum() / population.sum()
        )
    expected = places["expected_events"].to_numpy(dtype="float64").sum()
    if expected > 0:
        totalled.loc[TOTAL_ROW, "standardised_ratio"] = float(
            100 * places["events"].to_numpy(dtype="float64").sum() / expected
        )
    if system_rate is not None and len(system_rate) == 1:
        totalled.loc[TOTAL_ROW, "dsr"] = float(system_rate["value"].iloc[0])
    if linked is not None:
        shares = []
        for place in _rows(totalled, "place"):
            core, people = f"places/{place}/core20", f"places/{place}/persons"
            known = core in linked.cells and people in linked.cells and linked.value(people)
            shares.append(linked.value(core) / linked.value(people) if known else np.nan)
        totalled["core20_share"] = shares
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
        One row per place and a total row.
    """
    hidden, keys = _linked(linked, "places", figures, _rows(figures, "place"), _PLACE_KEYS)
    if labels:
        figures = figures.assign(
            place=[
                labels.get(str(name), name) if label != TOTAL_ROW else name
                for label, name in zip(figures.index, figures["place"], strict=True)
            ]
        )
    return board_table(
        figures,
        columns=PLACE_COLUMNS,
        caption=f"Emergency admissions by place, {period}",
        threshold=threshold,
        total_row=TOTAL_ROW,
        notes=(
            "Admissions vs least deprived: observed admissions as a percentage of those "
            "expected at the least deprived decile's age-specific rates.",
        ),
        hidden=hidden,
        figure_keys=keys,
    )


def neighbourhood_map(indicators: Any, *, period: str, attribution: str | None = None) -> Figure:
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

    Returns
    -------
    matplotlib.figure.Figure
        The choropleth (quintiles; rates below 10 admissions are not published).
    """
    from toolkit.places import choropleth

    return choropleth(
        indicators.neighbourhoods,
        "dsr",
        title=f"Emergency admissions per 100,000 people, age-standardised, {period}",
        legend_title="Admissions per 100,000 a year",
        measure="rate",
        places=indicators.places,
        caption="Rates with fewer than 10 admissions are not published."
        + (f"\n{attribution}" if attribution else ""),
        figsize=(9.0, 7.0),
    )


# ---------------------------------------------------------------------------------------------
# Shortlist
# ---------------------------------------------------------------------------------------------

#: Columns of the shortlist table.
SHORTLIST_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("position", "Priority", "rank"),
    TableColumn("label", "Theme"),
    TableColumn("persons", "People in the cohort", "count"),
    TableColumn("events_a_year", "Events a year", "count"),
    TableColumn("outcome_label", "Of what"),
    TableColumn(
        "deprivation_ratio",
        "Rate, most vs least deprived fifth (age-standardised)",
        "ratio_times",
        depends_on="events_a_year",
    ),
    TableColumn("estimate", "Could avoid a year (estimate)", depends_on="events_a_year"),
    TableColumn("score", "Score (0 to 100)", "rank"),
    TableColumn("p_shortlist", "In the shortlist under varied weights", "percent"),
)


def shortlist_table(
    priorities: Prioritisation,
    *,
    period: str,
    threshold: int,
    linked: LinkedTables | None = None,
) -> BoardTable:
    """Return the shortlist: each priority, its figures, its estimate and its robustness.

    Parameters
    ----------
    priorities : Prioritisation
        From :func:`toolkit.prioritise.prioritise`.
    period : str
        The period.
    threshold : int
        The disclosure threshold: people and events below it are suppressed.
    linked : LinkedTables, optional
        The report's linked tables (with the shortlisted cohorts): a cohort's people or
        events that, with figures elsewhere in the report, would reveal a small count are
        suppressed too, with the figures computed from them.

    Returns
    -------
    BoardTable
        One row per priority, best first; when no theme could be measured, one row
        saying that no priority could be suggested, and why.
    """
    if priorities.is_empty:
        from toolkit.prioritise.result import NO_PRIORITY_SENTENCE

        return board_table(
            pd.DataFrame(
                {
                    "message": [
                        f"{NO_PRIORITY_SENTENCE} The themes left out, and why, are listed below."
                    ]
                }
            ),
            columns=(TableColumn("message", "Suggested priorities"),),
            caption=f"Suggested priorities, data for {period}: none",
            threshold=threshold,
            notes=(
                "A theme is measured only when its cohort and its events reach the disclosure "
                f"threshold ({threshold}); below it the figures are too few to compare fairly "
                "and could identify people.",
            ),
        )
    shortlist = priorities.shortlist
    acceptability = priorities.acceptability
    weights = list(priorities.weights.values())
    weights_words = (
        "equal weights"
        if len(set(weights)) == 1
        else "these weights: "
        + ", ".join(
            f"{criterion.phrase} {weight / sum(weights):.0%}"
            for criterion, weight in zip(priorities.criteria, weights, strict=True)
        )
    )
    table = pd.DataFrame(
        {
            "position": shortlist["position"].to_numpy(),
            "label": shortlist["label"].astype("object").to_numpy(),
            "persons": shortlist["persons"].to_numpy(dtype="float64"),
            "events_a_year": shortlist["events_a_year"].round().to_numpy(dtype="float64"),
            "outcome_label": shortlist["outcome_label"].astype("object").to_numpy(),
            "deprivation_ratio": shortlist["deprivation_ratio"].to_numpy(dtype="float64"),
            "estimate": shortlist["estimate"].astype("object").to_numpy(),
            "score": shortlist["score"].to_numpy(dtype="float64"),
            "p_shortlist": shortlist["p_shortlist"].to_numpy(dtype="float64"),
        }
    )
    hidden, keys = _linked(
        linked, "shortlist", table, shortlist["candidate"].astype(str).tolist(), _SHORTLIST_KEYS
    )
    return board_table(
        table,
        columns=SHORTLIST_COLUMNS,
        hidden=hidden,
        figure_keys=keys,
        caption=(
            f"Suggested priorities at {'equal' if len(set(weights)) == 1 else 'the chosen'} "
            f"weights, data for {period}"
        ),
        threshold=threshold,
        notes=(
            f"Score: weighted sum of {len(priorities.criteria)} criteria, each scaled 0 to "
            f"100, at {weights_words}. In the shortlist under varied weights: "
            f"share of {acceptability.draws:,} weightings drawn around those weights (seed "
            f"{acceptability.seed}) that keep the priority in the shortlist. Estimates of "
            "what could be avoided are ranges from the cited evidence and stated assumptions "
            "of reach and uptake (see the themes library). Cohorts overlap, so people are not "
            "added up across rows.",
        ),
    )


#: Shortlist table columns -> the last part of their linked keys.
_SHORTLIST_KEYS = {"persons": "persons", "events_a_year": "events_a_year"}


def shortlist_reasons(
    priorities: Prioritisation, *, linked: LinkedTables | None = None
) -> BoardText:
    """Return each priority's facts, evidence, why it is on the list and what would change it.

    Parameters
    ----------
    priorities : Prioritisation
        From :func:`toolkit.prioritise.prioritise` (the facts are worded there, with
        counts below the disclosure threshold written "fewer than N").
    linked : LinkedTables, optional
        The report's linked tables: where they hide a priority's people or events, its
        facts (which state both, and what could be avoided) are not shown.

    Returns
    -------
    BoardText
        A numbered list, or a sentence when no priority could be suggested.
    """
    if priorities.is_empty:
        return sentence(
            "No priority could be suggested, so there is no list to explain: the themes left "
            "out, and why, are listed below."
        )
    items = []
    for row in priorities.shortlist.itertuples(index=False):
        robust = f"It stays in the shortlist under {row.p_shortlist:.0%} of varied weightings."
        facts = row.facts
        if linked is not None and any(
            f"shortlist/{row.candidate}/{part}" in linked.cells
            and linked.is_suppressed(f"shortlist/{row.candidate}/{part}")
            for part in _SHORTLIST_KEYS.values()
        ):
            facts = (
                f"{row.cohort_label}: the number of people and events, and what could be "
                "avoided, are not shown, to protect confidentiality ([c])."
            )
        plain = (
            f"{row.label}. {facts} Evidence: {row.intervention_source} Why it is on the "
            f"list: {row.reason} {robust} {row.weight_change}"
        )
        markup = (
            f"<li><b>{html.escape(row.label)}</b>. {html.escape(facts)}"
            f"<br><i>Evidence:</i> {html.escape(row.intervention_source)}"
            f"<br><i>Why it is on the list:</i> {html.escape(row.reason)} "
            f"{html.escape(robust)} {html.escape(row.weight_change)}</li>"
        )
        items.append(BoardText(plain.strip(), markup))
    return heading("Why each is on the list", level=3) + bullet_list(items, ordered=True)


def excluded_themes(priorities: Prioritisation) -> BoardText:
    """Return the themes that could not be measured on these data, and why.

    Parameters
    ----------
    priorities : Prioritisation
        From :func:`toolkit.prioritise.prioritise`.

    Returns
    -------
    BoardText
        A sentence and a list, or a sentence saying every theme was measured. When no
        theme could be measured, the sentence says that no priority could be suggested.
    """
    excluded = priorities.excluded
    if priorities.is_empty and not len(excluded):
        return sentence("No priority could be suggested: no theme was given to measure.")
    if not len(excluded):
        return sentence("Every theme in the library was measured on these data.")
    items = [
        sentence(f"{label}: {reason}.", tag="li")
        for label, reason in zip(excluded["label"], excluded["reason"], strict=True)
    ]
    if priorities.is_empty:
        every = "the theme" if len(excluded) == 1 else f"the {len(excluded)} themes"
        return sentence(
            f"No priority could be suggested: none of {every} could be measured on these data. "
            "This system is too small for them: a theme is left out when the people in its "
            "cohort, or the events it acts on, are too few to compare fairly (below the "
            "disclosure threshold) or are not in the data. Each theme and why it was left out:"
        ) + bullet_list(items)
    return sentence(
        f"{len(excluded)} theme{'s' if len(excluded) != 1 else ''} could not be measured on "
        f"these data and {'were' if len(excluded) != 1 else 'was'} left out:"
    ) + bullet_list(items)


def robustness_figure(priorities: Prioritisation, *, period: str, extra: int = 3) -> Figure:
    """Return the rank acceptability heat map of the shortlist and the next few candidates.

    Parameters
    ----------
    priorities : Prioritisation
        From :func:`toolkit.prioritise.prioritise`.
    period : str
        The period.
    extra : int
        Candidates shown beyond the shortlist (the most often shortlisted of the rest).

    Returns
    -------
    matplotlib.figure.Figure
        The heat map; when no priority could be suggested, a small figure that says so
        (there is no ranking to test).
    """
    if priorities.is_empty:
        from matplotlib.figure import Figure

        # A figure with no axes is not drawn in a notebook: the words go on a blank one.
        figure = Figure(figsize=(9.5, 1.4), dpi=100, layout="constrained")
        ax = figure.add_subplot()
        ax.set_axis_off()
        ax.set_title(f"How robust is the ranking? Data for {period}", loc="left", fontsize=12)
        ax.text(
            0.0,
            0.5,
            "No priority could be suggested, so there are no priorities to compare:\n"
            "no theme had enough people or events in this system to be measured.",
            ha="left",
            va="center",
            fontsize=10,
            transform=ax.transAxes,
        )
        return figure
    acceptability = priorities.acceptability
    summary = acceptability.summary()
    chosen = list(priorities.shortlist["candidate"])
    others = (
        summary[~summary["candidate"].isin(chosen)]
        .sort_values("p_shortlist", ascending=False, kind="stable")["candidate"]
        .head(extra)
        .tolist()
    )
    rows = chosen + others
    matrix = acceptability.matrix()
    ranks = min(matrix.shape[1], len(chosen) + 5)
    labels = dict(zip(acceptability.candidates, acceptability.labels, strict=True))
    return rank_acceptability_chart(
        matrix.loc[rows, list(matrix.columns[:ranks])],
        labels=[labels[c] for c in rows],
        period=period,
        draws=acceptability.draws,
        shortlist_size=len(chosen),
    )


# ---------------------------------------------------------------------------------------------
# Workshop
# ---------------------------------------------------------------------------------------------


def workshop_section(
    log: DecisionLog,
    priorities: Prioritisation,
    *,
    config: ReportConfig,
) -> tuple[BoardText, BoardTable, BoardTable, Figure]:
    """Return the workshop's outcome: who took part, their weights, the room's shortlist.

    The tables' submissions in the log's last round are compared with
    :func:`toolkit.prioritise.room_consensus` on the report's candidates and criteria: the
    room's weights (the average of each table's weight shares), the shortlist they give,
    each candidate's ranks across the tables, how many of the room's priorities are on
    every table's list, and Kendall's W beside the W that random weights give. The text
    also shows the shortlist each stakeholder group's own tables give and what each
    group's tables changed, and, when the workshop had two rounds or more, what changed
    between the first and the last round (:func:`toolkit.prioritise.compare_rounds`).

    Parameters
    ----------
    log : DecisionLog
        The workshop's decision log (:func:`toolkit.report.read_decision_log`).
    priorities : Prioritisation
        The prioritisation (:func:`toolkit.prioritise.prioritise`); its candidates and
        criteria are the ones the tables' weights rank, with its shortlist rule.
    config : ReportConfig
        For the period, shortlist size and disclosure threshold.

    Returns
    -------
    text : BoardText
        Who took part, the room's shortlist and how it differs from equal weights, the
        shortlist by stakeholder group, how far the tables agree and, with rounds, what
        changed between them.
    weights_table : BoardTable
        Each criterion's weight at each table (% of the table's total) and the room's.
    consensus_table : BoardTable
        The room's shortlist and every candidate a table shortlisted: the room's rank, the
        tables that shortlisted it, its best and worst rank across tables, its dot votes.
    figure : matplotlib.figure.Figure
        The weights each table gave, with the average.
    """
    from toolkit.prioritise.consensus import AGGREGATION_LABELS, compare_rounds

    candidates = priorities.candidates
    criteria = priorities.criteria
    phrases = {criterion.name: criterion.phrase.capitalize() for criterion in criteria}
    matched = log.match_criteria(list(criteria))
    used = {column for column in matched.values() if column is not None}
    left_out = [str(name) for name in log.weights.columns if name not in used]
    not_weighed = [name for name, column in matched.items() if column is None]
    if priorities.is_empty:
        return _workshop_without_priorities(log, criteria, phrases, config=config)
    # The room's answer as the room saw it: its recorded settings, else the prioritisation's.
    aggregation = log.settings.get("aggregation", "arithmetic_mean")
    labels = dict(zip(candidates["candidate"], candidates["label"], strict=True))

    def consensus_of(number: int) -> RoomConsensus:
        return room_answer(log, priorities, round=number)

    consensus = consensus_of(log.last_round)
    tables = len(consensus.tables)
    roles = ", ".join(dict.fromkeys(role for role in log.tables["role"] if role))
    earlier = "earlier submissions were" if log.superseded != 1 else "earlier submission was"
    rounds = len(log.rounds)
    in_round = f" in round {log.last_round}, the last of {rounds} rounds" if rounds > 1 else ""
    parts = [
        sentence(
            f"{tables} table{'s' if tables != 1 else ''} at the '{log.workshop}' workshop "
            f"submitted weights{f' ({roles})' if roles else ''}{in_round}. Each table's latest "
            f"submission{' in a round' if rounds > 1 else ''} counts; {log.superseded} "
            f"{earlier} replaced by a later one from the same table."
            + (
                f" {log.removed} submission{'s' if log.removed != 1 else ''} of tables the "
                "facilitator removed (set up by mistake) "
                f"{'were' if log.removed != 1 else 'was'} left out."
                if log.removed
                else ""
            )
        )
    ]
    if left_out or not_weighed:
        parts.append(
            sentence(
                (f"Weights on criteria the report does not score were left out: "
                 f"{', '.join(left_out)}. " if left_out else "")
                + (f"No table weighed {', '.join(phrases[n] for n in not_weighed)}: weight 0."
                   if not_weighed else "")
            )
        )  # fmt: skip
    room = list(consensus.shortlist_ids)
    before = [str(candidate) for candidate in priorities.shortlist["candidate"]]
    labels = {str(candidate): str(label) for candidate, label in labels.items()}
    how = AGGREGATION_LABELS.get(aggregation, aggregation)
    parts.append(sentence(f"The shortlist at the room's weights (the {how} of the tables'):"))
    parts.append(bullet_list([sentence(labels[c], tag="li") for c in room], ordered=True))
    entered = [labels[c] for c in room if c not in before]
    dropped = [labels[c] for c in before if c not in room]
    if entered or dropped:
        parts.append(
            sentence(
                "Compared with equal weights, "
                + (f"in: {'; '.join(entered)}" if entered else "nothing came in")
                + (f"; out: {'; '.join(dropped)}." if dropped else "; nothing went out.")
            )
        )
    else:
        parts.append(sentence("The same priorities as at equal weights."))
    parts.extend(_workshop_groups(consensus))
    if consensus.agreement is not None:
        parts.append(sentence(f"How far the tables agree: {consensus.summary}"))
    if rounds > 1:
        first = consensus_of(log.rounds[0])
        change = compare_rounds(first, consensus, rounds=(log.rounds[0], log.last_round))
        both = len(set(first.tables) & set(consensus.tables))
        moved = len(change.tables_changed)
        parts.append(heading("What changed between rounds", level=3))
        parts.append(
            sentence(
                f"{change.sentence} {moved} of the {both} table{'s' if both != 1 else ''} "
                f"that took part in both rounds changed the priorities on their own list."
            )
        )

    weights = consensus.table_weights.reset_index()
    weights = weights.assign(
        criterion_label=weights["criterion"].map(phrases),
        room=consensus.weights["arithmetic_mean"].to_numpy(),
    )
    table_columns = [
        TableColumn(table, table, "percent") for table in consensus.table_weights.columns
    ]
    weights_table = board_table(
        weights,
        columns=[TableColumn("criterion_label", "Criterion"), *table_columns,
                 TableColumn("room", "Room (average)", "percent")],
        caption=f"Weights each table gave the criteria (% of the table's total), {log.workshop}",
        threshold=config.disclosure_threshold,
    )  # fmt: skip
    rankings = consensus.rankings
    shown = rankings.loc[
        (rankings["room_rank"] <= consensus.size) | (rankings["shortlisted_by"] > 0)
    ]
    consensus_table = board_table(
        shown.assign(
            spread=[
                f"{best:.0f} to {worst:.0f}"
                for best, worst in zip(shown["best_rank"], shown["worst_rank"], strict=True)
            ]
        ),
        columns=[
            TableColumn("room_rank", "Room's rank", "rank"),
            TableColumn("label", "Theme"),
            TableColumn("shortlisted_by", f"Tables that shortlisted it (of {tables})", "rank"),
            TableColumn("spread", "Best to worst rank across tables"),
            TableColumn("dots", "Dot votes", "rank"),
        ],
        caption=f"Where the tables agree, {log.workshop}",
        threshold=config.disclosure_threshold,
        notes=("Counts of workshop tables and dot votes, not of people: not suppressed.",),
    )
    figure = weights_chart(
        consensus.table_weights.T,
        labels=[phrases[name] for name in consensus.table_weights.index],
        title=f"Weights given by each table, {log.workshop} (data for {config.period})",
    )
    text = heading("What the workshop decided") + _join(parts)
    return text, weights_table, consensus_table, figure


def _workshop_without_priorities(
    log: DecisionLog,
    criteria: Sequence[Any],
    phrases: Mapping[str, str],
    *,
    config: ReportConfig,
) -> tuple[BoardText, BoardTable, BoardTable, Figure]:
    """Return the workshop section when no priority could be suggested: weights, no ranking.

    The tables' weights are shown as usual (each as a share of the table's total, and the
    room's average); there is no candidate for them to rank, and the text says so.
    """
    from toolkit.report.decision_log import WEIGHT_PREFIX

    latest = log.latest(list(criteria))
    names = [criterion.name for criterion in criteria]
    raw = latest[[WEIGHT_PREFIX + name for name in names]].to_numpy(dtype="float64")
    totals = raw.sum(axis=1, keepdims=True)
    shares = np.divide(raw, totals, out=np.zeros_like(raw), where=totals > 0)
    tables = [str(table) for table in latest["table"]]
    table_weights = pd.DataFrame(shares.T, columns=tables, index=pd.Index(names, name="criterion"))
    weights = table_weights.reset_index()
    weights = weights.assign(
        criterion_label=weights["criterion"].map(phrases), room=shares.mean(axis=0)
    )
    weights_table = board_table(
        weights,
        columns=[
            TableColumn("criterion_label", "Criterion"),
            *(TableColumn(table, table, "percent") for table in tables),
            TableColumn("room", "Room (average)", "percent"),
        ],
        caption=f"Weights each table gave the criteria (% of the table's total), {log.workshop}",
        threshold=config.disclosure_threshold,
    )
    nothing = (
        "No priority could be suggested: no theme had enough people or events in this system "
        "to be measured, so the tables' weights had nothing to rank."
    )
    consensus_table = board_table(
        pd.DataFrame({"message": [nothing]}),
        columns=(TableColumn("message", "Where the tables agree"),),
        caption=f"Where the tables agree, {log.workshop}: nothing to compare",
        threshold=config.disclosure_threshold,
    )
    count = len(tables)
    text = heading("What the workshop decided") + sentence(
        f"{count} table{'s' if count != 1 else ''} at the '{log.workshop}' workshop submitted "
        f"weights. {nothing}"
    )
    figure = weights_chart(
        table_weights.T,
        labels=[phrases[name] for name in names],
        title=f"Weights given by each table, {log.workshop} (data for {config.period})",
    )
    return text, weights_table, consensus_table, figure


def _workshop_groups(consensus: RoomConsensus) -> list[BoardText]:
    """Return the shortlist by stakeholder group and what each group's tables changed."""
    groups = consensus.by_group()
    if len(groups) < 2:
        return []
    items = [
        sentence(
            f"{row.group} ({row.tables} table{'s' if row.tables != 1 else ''}): "
            + ("; ".join(row.labels) if row.labels else "no list (no weight on any criterion)"),
            tag="li",
        )
        for row in groups.itertuples(index=False)
    ]
    effects = [
        sentence(consensus.group_effect(group).sentence, tag="li") for group in groups["group"]
    ]
    return [
        sentence("The shortlist each stakeholder group's own tables would give:"),
        bullet_list(items),
        sentence("What each group's tables changed in the room's shortlist:"),
        bullet_list(effects),
    ]


# ---------------------------------------------------------------------------------------------
# The asks and the provenance
# ---------------------------------------------------------------------------------------------


def board_asks(
    priorities: Prioritisation,
    profile: DeprivationProfile,
    *,
    config: ReportConfig,
    workshop_held: bool,
) -> BoardText:
    """Return what the board is asked to agree.

    Parameters
    ----------
    priorities : Prioritisation
        The prioritisation.
    profile : DeprivationProfile
        Emergency admissions by deprivation (for the Core20 figures).
    config : ReportConfig
        For the period.
    workshop_held : bool
        Whether a workshop decision log was given.

    Returns
    -------
    BoardText
        A numbered list of asks. When no priority could be suggested, the first ask says so
        and asks the board to agree how priorities will be chosen instead.
    """
    if priorities.is_empty:
        items = [
            sentence(
                "No priority could be suggested: no theme had enough people or events in this "
                "system to be measured (see section 4). Agree how priorities will be chosen for "
                f"{config.period} instead, for example by pooling several years of data or by "
                "measuring the themes with neighbouring systems.",
                tag="li",
            ),
            sentence(
                "Agree that any priority chosen reports its effect on people in the most "
                "deprived fifth of neighbourhoods (Core20).",
                tag="li",
            ),
            sentence(
                "Ask for this evidence to be re-run when the data are refreshed; the report "
                "rebuilds from the data, configuration and seed recorded below.",
                tag="li",
            ),
        ]
        return heading("What the board is asked to agree") + bullet_list(items, ordered=True)
    core = profile.core20.iloc[0]
    count = len(priorities.labels)
    items = [
        sentence(
            f"Agree the {count} priorities above"
            + (" as ranked by the workshop" if workshop_held else "")
            + f" as the system's focus for {config.period}, and that not everything can be a "
            "priority at the same time.",
            tag="li",
        ),
        sentence(
            "Agree that each priority reports its effect on people in the most deprived fifth of "
            f"neighbourhoods (Core20), who make up {core['population_share']:.0%} of people and "
            f"{core['event_share']:.0%} of emergency admissions.",
            tag="li",
        ),
    ]
    if not workshop_held:
        items.append(
            sentence(
                "Ask partners (clinicians, councils, the voluntary sector and residents) to weigh "
                "the criteria at a co-production workshop before the list is final.",
                tag="li",
            )
        )
    items.append(
        sentence(
            "Ask for this evidence to be re-run when the data are refreshed, showing what moved; "
            "the report rebuilds from the data, configuration and seed recorded below.",
            tag="li",
        )
    )
    return heading("What the board is asked to agree") + bullet_list(items, ordered=True)


def provenance(
    config: ReportConfig,
    inputs: ReportInputs,
    *,
    when: date | None = None,
    model_title: str = "Bridges to Health",
    methods: Sequence[str] = METHODS,
    linked: LinkedTables | None = None,
) -> BoardText:
    """Return the provenance box: toolkit version, data fingerprints, seed, date, methods.

    Parameters
    ----------
    config : ReportConfig
        The report's configuration.
    inputs : ReportInputs
        The data and their fingerprints.
    when : datetime.date, optional
        Date of the run (today by default).
    model_title : str
        The segmentation model's name, for the methods.
    methods : sequence of str
        Method statements (``{model}`` is replaced by ``model_title``).
    linked : LinkedTables, optional
        The report's linked tables. How persons matched areas is said as counts by
        reason, suppressed as the tables are; never the codes of unmatched areas with
        their counts (a code with 1 beside it points at a person). Without it, the line
        says only that every person was kept.

    Returns
    -------
    BoardText
        A boxed paragraph and list (HTML class ``provenance``).
    """
    from toolkit import versions

    found = versions()
    day = (when or date.today()).isoformat()
    if config.is_demo and when is None:
        # The committed demo report is rebuilt by `make demo`: a date would change it daily.
        day = "not recorded for the demo (so that rebuilding it changes nothing)"
    methods = [method.replace("{model}", model_title) for method in methods]
    facts = [
        (
            "Toolkit",
            f"pophealth-toolkit {found['pophealth-toolkit']} (Python {found['python']}, "
            f"pandas {found['pandas']}, statsmodels {found['statsmodels']})",
        ),
        ("Data", inputs.description),
        *[(f"SHA-256 of {name}", digest) for name, digest in inputs.fingerprints.items()],
        ("Configuration", config.source.rsplit("/", 1)[-1] if config.source else "built in"),
        *(
            [("Analysts' criteria scores", config.criteria_scores.rsplit("/", 1)[-1])]
            if config.criteria_scores
            else []
        ),
        ("Seed", str(config.seed)),
        ("Disclosure threshold", f"counts below {config.disclosure_threshold} suppressed"),
        ("Run on", day),
    ]
    join = _join_sentence(linked, config.disclosure_threshold)
    facts.append(("Joined to areas", join.text))
    text = "\n".join(["Provenance"] + [f"{name}: {value}" for name, value in facts] + list(methods))
    rows = "".join(
        f"<tr><th scope='row' data-kind='text'>{html.escape(name)}</th>"
        f"<td data-kind='text'><code>{html.escape(value)}</code></td></tr>"
        if name.startswith("SHA")
        else f"<tr><th scope='row' data-kind='text'>{html.escape(name)}</th>"
        f"<td data-kind='text'>{join.html if name == 'Joined to areas' else html.escape(value)}"
        "</td></tr>"
        for name, value in facts
    )
    listed = "".join(f"<li>{html.escape(method)}</li>" for method in methods)
    markup = (
        '<aside class="provenance"><h2>Provenance</h2>'
        f'<table class="provenance-table">{rows}</table>'
        f"<h3>Methods</h3><ul>{listed}</ul></aside>"
    )
    return BoardText(text, markup)


def _join_sentence(linked: LinkedTables | None, threshold: int) -> BoardText:
    """Say how persons matched areas: counts by reason, suppressed, no codes."""
    if linked is None:
        return sentence("every person kept (counts by reason are in the analyst's join report).")
    parts: list[str | Count] = []
    total = "segments/total/persons"
    parts += [Count(linked.value(total), hidden=linked.is_suppressed(total), figure=total)]
    parts.append(" persons kept: ")
    for position, reason in enumerate(JOIN_REASONS):
        key = f"join/{reason}/persons"
        if position:
            parts.append(", " if position < len(JOIN_REASONS) - 1 else " and ")
        parts += [Count(linked.value(key), hidden=linked.is_suppressed(key), figure=key)]
        parts.append(f" {reason}")
    parts.append(".")
    text = sentence(*parts, threshold=threshold, tag="span")
    return text


def map_attribution(config: ReportConfig) -> str:
    """Return the attribution printed under the map: the configuration's, or the default.

    The default is the wording ONS asks for with its boundaries (Open Government Licence,
    OS Crown copyright) for an areas file, and "synthetic boundaries" for the demo system.
    """
    from toolkit.report.config import ONS_ATTRIBUTION

    if config.map_attribution:
        return config.map_attribution
    if config.is_demo:
        return "Boundaries: synthetic (the demo system's imaginary places)."
    return ONS_ATTRIBUTION.format(year=date.today().year)


#: Said on every page of a report built from synthetic data.
SYNTHETIC_BANNER = "Synthetic data: made-up people, for rehearsal. Not for decisions."


def decision_box(
    priorities: Prioritisation, *, config: ReportConfig, synthetic: bool | None = None
) -> BoardText:
    """Return the decision the board is asked to take, with the shortlist, for page 1.

    Parameters
    ----------
    priorities : Prioritisation
        The prioritisation.
    config : ReportConfig
        For the period, and whether the data are synthetic.
    synthetic : bool, optional
        The data are synthetic (:attr:`toolkit.report.ReportInputs.synthetic`); by default
        as the configuration says.

    Returns
    -------
    BoardText
        A boxed paragraph and numbered list (HTML class ``decision``).
    """
    if priorities.is_empty:
        ask = (
            "The board is asked to note that no priority could be suggested from these data "
            "(no theme had enough people or events to measure), and to agree how priorities "
            "will be chosen instead (section 4)."
        )
        items: list[str] = []
    else:
        ask = (
            f"The board is asked to agree these {len(priorities.labels)} priorities for "
            f"{config.period} (or to change the list at the workshop), and to follow them "
            "with the measures below:"
        )
        items = list(priorities.labels)
    caution = (
        [f"{SYNTHETIC_BANNER} The figures show how the report works, not a real system."]
        if (config.is_synthetic if synthetic is None else synthetic)
        else []
    )
    text = "\n".join(
        ["Decision for the board", ask, *(f"{n}. {item}" for n, item in enumerate(items, 1))]
        + caution
    )
    listed = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    markup = (
        '<section class="decision"><h2>Decision for the board</h2>'
        f"<p>{html.escape(ask)}</p>"
        + (f"<ol>{listed}</ol>" if listed else "")
        + "".join(f'<p class="synthetic-note">{html.escape(line)}</p>' for line in caution)
        + "</section>"
    )
    return BoardText(text, markup)


def no_workshop_note(priorities: Prioritisation | None = None) -> BoardText:
    """Return the note shown when no workshop decision log was given.

    Parameters
    ----------
    priorities : Prioritisation, optional
        The report's prioritisation: when it suggested no priority, the note says there
        was nothing for a workshop to weigh.

    Returns
    -------
    BoardText
        A heading and a sentence.
    """
    if priorities is not None and priorities.is_empty:
        return heading("What the workshop decided") + sentence(
            "No workshop was held on this report's figures: with no priority suggested, there "
            "was nothing for the tables to weigh. With more people in the data (a longer "
            "period, or a larger area), rebuild the report and hold the workshop on its "
            "shortlist."
        )
    return heading("What the workshop decided") + sentence(
        "No workshop decision log was given: the shortlist above is at equal weights. After "
        "the co-production workshop, rebuild this report with its decision log to show each "
        "table's weights, the agreed shortlist and where the tables agree."
    )


__all__ = [
    "DEPRIVATION_COLUMNS",
    "METHODS",
    "PLACE_COLUMNS",
    "SEGMENT_COLUMNS",
    "SHORTLIST_COLUMNS",
    "SYNTHETIC_BANNER",
    "at_a_glance",
    "board_asks",
    "decision_box",
    "map_attribution",
    "deprivation_chart_figure",
    "deprivation_figures",
    "deprivation_table",
    "inequality_summary",
    "neighbourhood_map",
    "no_workshop_note",
    "place_figures",
    "place_table",
    "provenance",
    "report_title",
    "robustness_figure",
    "segment_chart_figure",
    "segment_figures",
    "segment_table",
    "shortlist_reasons",
    "shortlist_table",
    "excluded_themes",
    "workshop_section",
]
