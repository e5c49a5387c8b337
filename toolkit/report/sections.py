"""The sections of the board report, in board language: figures in, tables, text and charts out.

Each function takes results of the statistics modules (the segment cube, a
:class:`~toolkit.indicators.DeprivationProfile`, the shortlist of
:func:`toolkit.prioritise.demo_shortlist`, a workshop :class:`DecisionLog`) and returns a
:class:`~toolkit.report.BoardTable`, :class:`~toolkit.report.BoardText` or a figure. None
computes a statistic of its own: they arrange, word, round and suppress. Counts pass
through disclosure control (:func:`toolkit.report.suppress_counts`) before they are shown.

This module holds the report's title, its headline facts and the segment section, and
every section's function is importable from here (the notebook calls them as
``sections.<name>``); the other sections are written in private modules by subject:
:mod:`toolkit.report._outcomes` (deprivation and places), :mod:`toolkit.report._priorities`
(the shortlist and the workshop) and :mod:`toolkit.report._asks` (the asks, the decision
box, the provenance and where the themes came from), with what they share in
:mod:`toolkit.report._section_parts`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit.prioritise.theme_measures import format_money
from toolkit.report._asks import (
    METHODS,
    SYNTHETIC_BANNER,
    board_asks,
    decision_box,
    map_attribution,
    no_workshop_note,
    own_themes,
    priorities_introduction,
    provenance,
)
from toolkit.report._outcomes import (
    DEPRIVATION_COLUMNS,
    PLACE_COLUMNS,
    deprivation_chart_figure,
    deprivation_figures,
    deprivation_table,
    inequality_summary,
    neighbourhood_map,
    place_figures,
    place_table,
)
from toolkit.report._priorities import (
    SHORTLIST_COLUMNS,
    excluded_themes,
    robustness_figure,
    shortlist_reasons,
    shortlist_table,
    workshop_section,
)
from toolkit.report._section_parts import (
    EVENTS,
    RATE_MULTIPLIER,  # noqa: F401  (importable from here as before)
    _chart_rows,
    _labels,
    _linked_table,
    _no_people,
    too_few_deciles,
)
from toolkit.report.charts import segment_chart
from toolkit.report.config import ReportConfig
from toolkit.report.linked import LinkedTables
from toolkit.report.tables import (
    TOTAL_ROW,
    BoardTable,
    BoardText,
    Count,
    Shown,
    TableColumn,
    add_total_row,
    bullet_list,
    heading,
    sentence,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from toolkit.indicators import DeprivationProfile
    from toolkit.prioritise import Prioritisation
    from toolkit.report.inputs import ReportInputs

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
        The segment cube (:func:`toolkit.segment.build_cube`). Not changed.
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
    room: Any = None,
    workshop: str | None = None,
    empty_places: Sequence[str] = (),
) -> BoardText:
    """Return the headline facts: population, cost, activity, inequality and the shortlist.

    Parameters
    ----------
    figures : pandas.DataFrame
        :func:`segment_figures` (its total row is used).
    neighbourhoods, places : int
        Number of neighbourhoods (LSOAs) and places with registered people
        (:func:`people_coverage`).
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
    room, workshop : RoomConsensus and str, optional
        The workshop's answer and name (``BoardFigures.room``): its shortlist is listed,
        as the workshop ranked it, instead of the one at equal weights.
    empty_places : sequence of str
        The system's places with no registered people (:func:`people_coverage`), by their
        name in the areas file: page 1 says so, since for real data it means an extract
        is missing.

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
            f" registered in {neighbourhoods:,} neighbourhoods across {places:,} places.",
            *_unplaced_people(linked, config),
            *([f" {areas_note}"] if areas_note else []),
            threshold=threshold,
            tag="li",
        ),
        *(
            [sentence(_no_people(empty_places, config.place_labels, board=True), tag="li")]
            if empty_places
            else []
        ),
        sentence(
            f"Cost of care in {config.period}: {format_money(total['cost_gbp'])}; ",
            count(EVENTS),
            " emergency admissions and ",
            count("deaths"),
            " deaths.",
            threshold=threshold,
            tag="li",
        ),
        sentence(
            "Neighbourhoods in England's most deprived fifth (Core20) hold ",
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
    elif (why := too_few_deciles(profile)) is not None:
        items.append(sentence(why, tag="li"))
    names = "; ".join(priorities.labels)
    if room is not None and len(room.shortlist) and not priorities.is_empty:
        from toolkit.report.decision_log import the_workshop

        ranked = list(room.shortlist["label"].astype(str))
        where = the_workshop(workshop) if workshop else "the workshop"
        listed = f"Priorities as {where} ranked them ({len(ranked)}): {'; '.join(ranked)}."
    else:
        listed = f"Suggested priorities ({len(priorities.labels)}): {names}."
    items.append(
        sentence(
            "No priority could be suggested: no theme had enough people or events in this "
            "system to be measured (see section 4)."
            if priorities.is_empty
            else listed,
            tag="li",
        )
    )
    return heading("At a glance") + bullet_list(items)


def _unplaced_people(
    linked: LinkedTables | None, config: ReportConfig
) -> list[str | Count | Shown]:
    """Return page 1's words on the registered people in no neighbourhood or place, if any.

    The counts are the linked tables' (``join/<reason>/persons``, as the provenance box
    gives them), suppressed as the tables are, with each one's share of the people.
    """
    from toolkit.report.linked import JOIN_NO_LSOA, JOIN_NOT_IN_AREAS

    if linked is None:
        return []
    total = linked.value("segments/total/persons")
    outside = " or outside the system's places" if config.system_places else ""
    reasons = [
        (JOIN_NOT_IN_AREAS, f"a neighbourhood missing from the report's list of areas{outside}"),
        (JOIN_NO_LSOA, "no neighbourhood recorded"),
    ]
    parts: list[str | Count | Shown] = []
    for reason, words in reasons:
        key = f"join/{reason}/persons"
        value = linked.value(key) if key in linked.cells else 0
        if not value:
            continue
        hidden = linked.is_suppressed(key)
        parts += [" Of them, " if not parts else " and ", Count(value, hidden=hidden, figure=key)]
        if not hidden and total:
            share = value / total
            parts.append(f" ({'less than 1%' if share < 0.005 else f'{share:.0%}'})")
        parts.append(f" {'has' if value == 1 and not hidden else 'have'} {words}")
    if parts:
        parts.append(
            ", so they are in no neighbourhood or place, and the place table leaves them out."
        )
    return parts


@dataclass(frozen=True)
class PeopleCoverage:
    """Where the system's registered people are, for page 1 (:func:`people_coverage`).

    Attributes
    ----------
    neighbourhoods : int
        The system's neighbourhoods (LSOAs) with at least one registered person.
    places : int
        The system's places with at least one registered person.
    empty_places : tuple of str
        The system's places with none (by their name in the areas file), in order: for
        real data, the sign that an extract is missing.
    """

    neighbourhoods: int
    places: int
    empty_places: tuple[str, ...] = ()


def people_coverage(inputs: ReportInputs) -> PeopleCoverage:
    """Count the neighbourhoods and places with registered people, and name those without.

    Parameters
    ----------
    inputs : ReportInputs
        The report's checked persons and areas (the areas are the system's: its places
        named by ``system_places``, or those holding anyone).

    Returns
    -------
    PeopleCoverage
        The counts page 1 gives and the places it says have no one.
    """
    areas = inputs.areas
    codes = areas["lsoa"].astype(str).str.strip()
    registered = set(inputs.persons["lsoa"].dropna().astype(str).str.strip())
    has_people = codes.isin(registered)
    places = areas["place"].astype(str).str.strip()
    peopled = set(places[has_people])
    return PeopleCoverage(
        neighbourhoods=int(has_people.sum()),
        places=len(peopled),
        empty_places=tuple(sorted(set(places) - peopled)),
    )


def no_people_warning(coverage: PeopleCoverage) -> str | None:
    """Return the command line's warning of places without registered people, or ``None``.

    Parameters
    ----------
    coverage : PeopleCoverage
        :func:`people_coverage`.

    Returns
    -------
    str or None
        For example "Eastbrook has no registered people in the data: check the extract
        (its neighbourhoods are in the areas file, but no one is registered in them)."
    """
    places = coverage.empty_places
    if not places:
        return None
    whose = "its" if len(places) == 1 else "their"
    return (
        _no_people(places).removesuffix(".")
        + f" ({whose} neighbourhoods are in the areas file, but no one is registered in them)."
    )


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
    return _linked_table(
        figures,
        table="segments",
        columns=SEGMENT_COLUMNS,
        caption=f"Population segments ({model_title}): people, cost and activity, {period}",
        threshold=threshold,
        notes=(
            "Each person is in exactly one segment, decided by the first rule they meet. "
            "Cost of care covers GP appointments, A&E, outpatients and hospital stays.",
        ),
        linked=linked,
    )


def segment_chart_figure(
    figures: pd.DataFrame, *, period: str, threshold: int, linked: LinkedTables | None = None
) -> Figure:
    """Return the segment chart (shares of people, cost and admissions), after suppression.

    Parameters
    ----------
    figures : pandas.DataFrame
        :func:`segment_figures`.
    period, threshold, linked
        Same as :func:`deprivation_chart_figure`.

    Returns
    -------
    matplotlib.figure.Figure
        The chart.
    """
    shown = _chart_rows(
        figures, table="segments", columns=SEGMENT_COLUMNS, threshold=threshold, linked=linked
    )
    return segment_chart(shown, label="label", period=period)


__all__ = [
    "DEPRIVATION_COLUMNS",
    "METHODS",
    "PLACE_COLUMNS",
    "PeopleCoverage",
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
    "no_people_warning",
    "no_workshop_note",
    "own_themes",
    "people_coverage",
    "place_figures",
    "place_table",
    "priorities_introduction",
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
