"""Which counts a board report shows: its linked tables, registered cell by cell.

The job of this module is to build the :class:`~toolkit.report.linked.LinkedTables` of a
board report: who is in each shortlisted theme's cohort (:func:`shortlist_cohorts`) and
which other outcome its estimate is taken from (:func:`shortlist_acted_on`), and
every count the report's sections publish (:func:`link_report`), from the persons
(:func:`link_board_report`). All four are importable from :mod:`toolkit.report.linked`,
whose classes they use (imported when called, as that module imports this one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit.data.contract import DISCLOSURE_THRESHOLD

if TYPE_CHECKING:
    from toolkit.report.linked import LinkedTables

#: Deciles of the most deprived fifth (Core20).
CORE20_DECILES: tuple[int, ...] = (1, 2)

#: Deciles outside the most deprived fifth.
OTHER_DECILES: tuple[int, ...] = tuple(range(3, 11))


def shortlist_cohorts(
    persons: pd.DataFrame, priorities: Any
) -> tuple[dict[str, np.ndarray], dict[str, str | None]]:
    """Return who is in each shortlisted theme's cohort, and the outcome its events count.

    Parameters
    ----------
    persons : pandas.DataFrame
        The persons, with ``segment`` (after :func:`toolkit.segment.assign_segments`).
    priorities : Prioritisation
        The report's prioritisation.

    Returns
    -------
    cohorts : dict of str to numpy.ndarray
        For each shortlisted candidate whose cohort the built-in catalogue, a segment or
        an ethnic group defines: a boolean mask over ``persons`` (within the most deprived
        fifth or the place, when the candidates were measured there).
    outcomes : dict of str to str or None
        The column of ``persons`` whose sum over the cohort is the shortlist's "events a
        year", when the period is one year and the outcome is such a column; None
        otherwise (the figure then has primary suppression only).
    """
    from toolkit.segment.cohorts import load_cohorts
    from toolkit.segment.rules import to_mask

    catalogue = {cohort.id: cohort for cohort in load_cohorts()}
    settings = getattr(priorities, "settings", {}) or {}
    within = settings.get("within")
    one_year = float(settings.get("years", 1.0) or 1.0) == 1.0
    deciles = pd.to_numeric(persons["imd_decile"]).to_numpy(dtype="float64", na_value=np.nan)
    cohorts: dict[str, np.ndarray] = {}
    outcomes: dict[str, str | None] = {}
    for row in priorities.shortlist.itertuples(index=False):
        name = str(row.cohort)
        if name in catalogue:
            mask = to_mask(catalogue[name].condition, persons)
        elif name.startswith("segment_"):
            mask = persons["segment"].astype(str).to_numpy() == name.removeprefix("segment_")
        elif name.startswith("ethnic_group_"):
            slugs = (
                persons["ethnic_group"]
                .astype(str)
                .str.lower()
                .str.replace(r"[^a-z0-9]+", "_", regex=True)
                .str.strip("_")
            )
            mask = slugs.to_numpy() == name.removeprefix("ethnic_group_")
        else:
            continue
        mask = np.asarray(mask, dtype=bool)
        if within == "core20":
            mask &= np.isin(deciles, CORE20_DECILES)
        elif within == "place" and hasattr(row, "place"):
            mask &= persons["place"].astype(str).to_numpy() == str(row.place)
        candidate = str(row.candidate)
        cohorts[candidate] = mask
        outcome = str(row.outcome)
        outcomes[candidate] = (
            outcome
            if one_year and outcome in persons.columns and not outcome.startswith("persons_")
            else None
        )
    return cohorts, outcomes


def shortlist_acted_on(
    persons: pd.DataFrame, priorities: Any, cohorts: Mapping[str, np.ndarray]
) -> dict[str, str]:
    """Return the outcome each shortlisted theme's estimate is taken from, when not its own.

    A theme whose intervention acts on another outcome than its headline one (``acts_on``)
    gives that outcome's count a year in its facts ("of their 120 emergency admissions for
    heart and circulatory disease"), and its estimate is taken from it: the count is
    published, and its suppression must hide the estimate too.

    Parameters
    ----------
    persons : pandas.DataFrame
        The persons.
    priorities : Prioritisation
        The report's prioritisation.
    cohorts : mapping of str to numpy.ndarray
        The shortlisted cohorts (:func:`shortlist_cohorts`): only these can be linked.

    Returns
    -------
    dict of str to str
        Each candidate whose acted-on outcome is another column of ``persons`` (a count of
        events, the period one year), with that column.
    """
    settings = getattr(priorities, "settings", {}) or {}
    if float(settings.get("years", 1.0) or 1.0) != 1.0:
        return {}
    shortlist = priorities.shortlist
    if "impact_outcome" not in shortlist.columns:
        return {}
    acted_on: dict[str, str] = {}
    for candidate, outcome, impact in zip(
        shortlist["candidate"].astype(str),
        shortlist["outcome"].astype(str),
        shortlist["impact_outcome"].astype(str),
        strict=True,
    ):
        if (
            candidate in cohorts
            and impact not in (outcome, "cost_gbp")
            and impact in persons.columns
            and not impact.startswith("persons_")
        ):
            acted_on[candidate] = impact
    return acted_on


def link_board_report(
    persons: pd.DataFrame,
    areas: pd.DataFrame,
    *,
    segments: Sequence[str],
    priorities: Any = None,
    threshold: int = DISCLOSURE_THRESHOLD,
) -> LinkedTables:
    """Return the linked tables of a board report, from its persons, areas and shortlist.

    :func:`report_atoms` (with the shortlisted cohorts and their outcomes) then
    :func:`link_report`: what the report's notebook calls.

    Parameters
    ----------
    persons : pandas.DataFrame
        The report's persons, joined to areas and with ``segment``.
    areas : pandas.DataFrame
        The areas table.
    segments : sequence of str
        The segmentation model's segments, in order.
    priorities : Prioritisation, optional
        The shortlist whose cohorts' people and events the report shows.
    threshold : int
        The disclosure threshold.

    Returns
    -------
    LinkedTables
        Protected on first use.
    """
    from toolkit.report.linked import report_atoms

    cohorts, outcomes = (
        shortlist_cohorts(persons, priorities) if priorities is not None else ({}, {})
    )
    acted_on = shortlist_acted_on(persons, priorities, cohorts) if priorities is not None else {}
    atoms = report_atoms(
        persons,
        areas,
        cohorts=cohorts,
        measures=[
            *(outcome for outcome in outcomes.values() if outcome),
            *acted_on.values(),
        ],
    )
    return link_report(
        atoms, segments=segments, threshold=threshold, shortlist=outcomes, acted_on=acted_on
    )


def link_report(
    atoms: pd.DataFrame,
    *,
    segments: Sequence[str],
    threshold: int = DISCLOSURE_THRESHOLD,
    shortlist: Mapping[str, str | None] | None = None,
    acted_on: Mapping[str, str] | None = None,
) -> LinkedTables:
    """Register every count a board report shows, for disclosure control across the report.

    The figures are those of :mod:`toolkit.report.sections`: the segment table (people,
    emergency admissions and deaths by segment, with their rates and shares), the
    deprivation table (people and admissions by IMD decile), the place table (people and
    admissions by place, and the share of each place's people in the most deprived fifth),
    the headline shares of the most deprived fifth, and how persons matched areas.

    Parameters
    ----------
    atoms : pandas.DataFrame
        :func:`report_atoms` of the report's persons.
    segments : sequence of str
        The segmentation model's segments, in its order.
    threshold : int
        The disclosure threshold.
    shortlist : mapping of str to str or None, optional
        Shortlisted candidates whose cohort is a ``cohort:<candidate>`` dimension of the
        atoms, each with the measure its "events a year" sums (None: people only).
    acted_on : mapping of str to str, optional
        Shortlisted candidates whose estimate is taken from another outcome than their
        events a year, with that outcome's measure (:func:`shortlist_acted_on`): the count
        their facts give, on which their estimate depends.

    Returns
    -------
    LinkedTables
        Keys: ``shortlist/<candidate>/persons``, ``.../events_a_year`` and
        ``.../impact_events_a_year``;
        ``segments/<segment>/<measure>``, ``segments/total/<measure>`` with ratios
        ``segments/<row>/per_1000``, ``.../share_of_population`` and
        ``.../emergency_admissions_share``; ``deprivation/<decile>/<measure>`` and
        ``deprivation/total/<measure>`` (persons and emergency admissions);
        ``places/<place>/<measure>``, ``places/total/<measure>``, the implied
        ``places/<place>/core20`` and ``places/<place>/other`` with ratio
        ``places/<place>/core20_population_share``; ``glance/core20/<measure>`` with ratios
        ``glance/core20/<measure>_share``; ``join/<reason>/persons``.
    """
    from toolkit.report.linked import JOIN_MATCHED, JOIN_REASONS, MEASURES, LinkedTables

    tables = LinkedTables(atoms, threshold=threshold)
    events = "emergency_admissions"
    present = set(atoms["segment"])
    for segment in [s for s in segments if s in present] + ["total"]:
        where = {} if segment == "total" else {"segment": segment}
        for measure in MEASURES:
            tables.add(f"segments/{segment}/{measure}", "segments", measure, **where)
        tables.add_ratio(
            f"segments/{segment}/per_1000",
            f"segments/{segment}/{events}",
            f"segments/{segment}/persons",
            multiplier=1000,
            decimals=1,
        )
    for segment in [s for s in segments if s in present]:
        for measure, name in (("persons", "share_of_population"), (events, f"{events}_share")):
            tables.add_ratio(
                f"segments/{segment}/{name}",
                f"segments/{segment}/{measure}",
                f"segments/total/{measure}",
                multiplier=100,
                decimals=1,
            )
    deciles = sorted(int(d) for d in set(atoms["imd_decile"]) if int(d) > 0)
    for decile in [*deciles, "total"]:
        where = {"imd_decile": deciles if decile == "total" else decile}
        for measure in ("persons", events):
            tables.add(f"deprivation/{decile}/{measure}", "deprivation", measure, **where)
    for measure in ("persons", events):
        tables.add(
            f"glance/core20/{measure}",
            "glance",
            measure,
            implied_by=f"glance/core20/{measure}_share",
            imd_decile=CORE20_DECILES,
        )
        tables.add_ratio(
            f"glance/core20/{measure}_share",
            f"glance/core20/{measure}",
            f"deprivation/total/{measure}",
            multiplier=100,
            decimals=0,
        )
    matched = atoms.loc[atoms["join"] == JOIN_MATCHED]
    places = sorted(set(matched["place"]) - {""})
    for place in [*places, "total"]:
        where = {"join": JOIN_MATCHED, "place": places if place == "total" else place}
        for measure in ("persons", events):
            tables.add(f"places/{place}/{measure}", "places", measure, **where)
        for name, group in (("core20", CORE20_DECILES), ("other", OTHER_DECILES)):
            tables.add(
                f"places/{place}/{name}",
                "places",
                "persons",
                implied_by=f"places/{place}/core20_population_share",
                imd_decile=group,
                **where,
            )
        tables.add_ratio(
            f"places/{place}/core20_population_share",
            f"places/{place}/core20",
            f"places/{place}/persons",
            multiplier=100,
            decimals=1,
        )
    for reason in JOIN_REASONS:
        tables.add(f"join/{reason}/persons", "join", "persons", join=reason)
    for candidate, outcome in (shortlist or {}).items():
        member = {f"cohort:{candidate}": True}
        tables.add(f"shortlist/{candidate}/persons", "shortlist", "persons", **member)
        if outcome:
            tables.add(f"shortlist/{candidate}/events_a_year", "shortlist", outcome, **member)
        if candidate in (acted_on or {}):
            tables.add(
                f"shortlist/{candidate}/impact_events_a_year",
                "shortlist",
                (acted_on or {})[candidate],
                **member,
            )
    return tables
