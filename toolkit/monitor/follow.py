"""Follow the agreed priorities: each priority's series, charted the Making Data Count way.

:func:`follow_priorities` finds each agreed priority's indicator series in a series table
(:func:`toolkit.monitor.read_series`), runs :func:`toolkit.monitor.spc` on them and returns
one frozen :class:`FollowUp`: a row per priority and series with its icons and latest value,
and the points to chart. The quarterly update and notebook 05 render it; they compute
nothing of their own.

Disclosure: a series with any period whose numerator is from 1 to one below the threshold
is not charted (its values are rates of a small count), and its row says so; the update
suggests quarterly figures instead. A series given as values without counts is not charted
either, unless the caller says its values are already published (``published_values``).
Values, limits and icons are shown only for series whose every count is 0 or at least the
threshold.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from toolkit._params import THRESHOLD, InstanceOf, SequenceOf, validate_params
from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.monitor._spc_input import _missing_periods
from toolkit.monitor.series import WHOLE_SYSTEM
from toolkit.monitor.spc import FIX_AFTER, MINIMUM_POINTS, SPCWarning, spc

#: Places that stand for the whole system: blank, or :data:`WHOLE_SYSTEM` (any case).
_WHOLE_SYSTEM_NAMES: Final[frozenset[str]] = frozenset({"", WHOLE_SYSTEM.lower()})

#: Columns of :attr:`FollowUp.places`, in order.
PLACE_COLUMNS: Final[tuple[str, ...]] = (
    "priority", "series", "place", "last_period", "last_value", "variation", "run_start",
    "run_length", "shown", "note",
)  # fmt: skip

#: Columns of :attr:`FollowUp.priorities`, in order.
PRIORITY_COLUMNS: Final[tuple[str, ...]] = (
    "priority",
    "label",
    "series",
    "place",
    "series_label",
    "unit",
    "improvement",
    "ambition",
    "ambition_by",
    "points",
    "frequency",
    "first_period",
    "last_period",
    "last_value",
    "mean",
    "lpl",
    "upl",
    "variation",
    "assurance",
    "run_start",
    "run_length",
    "trajectory_now",
    "shown",
    "note",
)

#: Improvement directions :func:`toolkit.monitor.spc` knows.
_DIRECTIONS: Final[tuple[str, ...]] = ("increase", "decrease", "neutral")


@dataclass(frozen=True)
class FollowUp:
    """The agreed priorities followed over time, from :func:`follow_priorities`.

    Attributes
    ----------
    priorities : pandas.DataFrame
        One row per priority and matching series (:data:`PRIORITY_COLUMNS`): the
        priority's id and label, the series (id, place, label, unit), the improvement
        direction and ambition used, the number of points and the period covered, the
        last value, the latest limits, the variation and assurance icons
        (:meth:`toolkit.monitor.SPCResult.summary`), the current run of special cause,
        ``shown`` (charted) and ``note`` (why not, or what to know). A priority with no
        series has one row with ``shown`` false and a note.
    points : pandas.DataFrame
        The SPC points of the charted series (:meth:`toolkit.monitor.SPCResult.to_frame`)
        with ``priority`` and ``series`` first.
    places : pandas.DataFrame
        When the table has places and the priorities are followed for the whole system:
        the same series in each place (:data:`PLACE_COLUMNS`), each charted with the same
        rules, so a change in one place that the whole system dilutes is still seen.
        ``shown`` is false (and ``note`` says why) for a place with small counts.
    settings : dict
        ``fix_after``, ``rebase``, ``screen_outliers``, ``threshold``, ``place``,
        ``published_values``.
    """

    priorities: pd.DataFrame
    points: pd.DataFrame
    places: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PLACE_COLUMNS))
    settings: dict[str, Any] = field(default_factory=dict)

    def special_cause_places(self, priority: str) -> pd.DataFrame:
        """Return the places where a priority's latest point shows special cause.

        Parameters
        ----------
        priority : str
            The priority's id.

        Returns
        -------
        pandas.DataFrame
            Rows of :attr:`places` for that priority whose ``variation`` is not common
            cause, longest run first.
        """
        rows = self.places[
            (self.places["priority"] == priority)
            & self.places["shown"]
            & self.places["variation"].notna()
            & (self.places["variation"] != "common_cause")
        ]
        return rows.sort_values("run_length", ascending=False).reset_index(drop=True)

    def chart_data(self, priority: str, series: str | None = None) -> tuple[pd.DataFrame, Any]:
        """Return the points and the summary row of one charted series of a priority.

        Parameters
        ----------
        priority : str
            The priority's id.
        series : str, optional
            The series, when the priority has several.

        Returns
        -------
        tuple of (pandas.DataFrame, pandas.Series)
            The points (as :func:`toolkit.monitor.spc_chart` takes them) and the row of
            :attr:`priorities`.
        """
        rows = self.priorities[(self.priorities["priority"] == priority) & self.priorities["shown"]]
        if series is not None:
            rows = rows[rows["series"] == series]
        if rows.empty:
            raise KeyError(f"FollowUp has no charted series for priority {priority!r}.")
        row = rows.iloc[0].copy()
        row["target"] = row["ambition"]  # the ambition is the chart's target
        points = self.points[
            (self.points["priority"] == priority) & (self.points["series"] == row["series"])
        ]
        return points.reset_index(drop=True), row


@validate_params(
    {
        "result": [InstanceOf("toolkit.prioritise.result.Prioritisation", "a Prioritisation")],
        "also": [SequenceOf("str")],
    }
)
def agreed_priorities(result: Any, *, also: Sequence[str] = ()) -> pd.DataFrame:
    """Return the priorities table :func:`follow_priorities` takes, from a prioritisation.

    Parameters
    ----------
    result : toolkit.prioritise.Prioritisation
        The prioritisation whose shortlist the board agreed.
    also : sequence of str
        Further candidates (theme ids) to follow although not shortlisted, such as a
        programme already under way; they are marked ``agreed`` false.

    Returns
    -------
    pandas.DataFrame
        ``priority`` (the theme id), ``label`` (its name in board language), ``outcome``
        (the outcome it was prioritised on, whose series is followed) and ``agreed``, the
        shortlist first, best first.

    Raises
    ------
    ValueError
        A candidate in ``also`` was not measured in the prioritisation.
    """
    columns = {"candidate": "priority", "label": "label", "outcome": "outcome"}
    chosen = result.candidates.set_index("candidate", drop=False)
    shortlisted = result.shortlist["candidate"].astype(str).tolist()
    extra = [item for item in also if item not in shortlisted]
    unknown = [item for item in extra if item not in chosen.index]
    if unknown:
        raise ValueError(
            f"agreed_priorities: {unknown} were not measured in the prioritisation; its "
            f"candidates are {sorted(chosen.index)}."
        )
    table = chosen.loc[shortlisted + extra, list(columns)].rename(columns=columns)
    table["agreed"] = [True] * len(shortlisted) + [False] * len(extra)
    return table.reset_index(drop=True)


def _priority_frame(priorities: Any) -> pd.DataFrame:
    """Return the priorities as a frame: ``priority``, ``label``, ``ambition``, ``improvement``."""
    func = "follow_priorities"
    if isinstance(priorities, pd.DataFrame):
        frame = priorities.copy()
        if "priority" not in frame.columns:
            raise ValueError(
                f"The 'priorities' table of {func} needs a 'priority' column (the theme or "
                f"series id of each agreed priority). Got columns {list(frame.columns)}."
            )
    else:
        frame = pd.DataFrame({"priority": list(priorities)})
    if frame.empty:
        raise ValueError(f"The 'priorities' parameter of {func} names no priority.")
    frame["priority"] = frame["priority"].astype(str).str.strip()
    repeated = frame["priority"][frame["priority"].duplicated()].tolist()
    if repeated:
        raise ValueError(f"The 'priorities' of {func} repeat {sorted(set(repeated))}.")
    for column in ("label", "outcome", "ambition", "ambition_by", "improvement"):
        if column not in frame.columns:
            frame[column] = np.nan
    bad = ~frame["improvement"].isna() & ~frame["improvement"].isin(_DIRECTIONS)
    if bad.any():
        raise ValueError(
            f"The 'improvement' of a priority of {func} must be one of {list(_DIRECTIONS)}. "
            f"Got {frame.loc[bad, 'improvement'].tolist()}."
        )
    frame["ambition"] = pd.to_numeric(frame["ambition"], errors="raise").astype(float)
    given = frame["ambition_by"].notna()
    dates = pd.to_datetime(frame["ambition_by"].where(given), errors="coerce")
    bad = given & dates.isna()
    if bad.any():
        raise ValueError(
            f"The 'ambition_by' of a priority of {func} must be a date or month (\"2027-03\"). "
            f"Got {frame.loc[bad, 'ambition_by'].tolist()}."
        )
    lonely = given & frame["ambition"].isna()
    if lonely.any():
        raise ValueError(
            f"{func}: {frame.loc[lonely, 'priority'].tolist()} have an 'ambition_by' date but "
            "no ambition."
        )
    frame["ambition_by"] = dates
    columns = ["priority", "label", "outcome", "ambition", "ambition_by", "improvement"]
    return frame[columns].reset_index(drop=True)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[column].astype(object).where(frame[column].notna(), "").astype(str).str.strip()


def _first_text(values: pd.Series) -> str:
    present = [v for v in values if isinstance(v, str) and v.strip()]
    return present[0].strip() if present else ""


@validate_params(
    {
        "data": ["data-frame"],
        "priorities": [SequenceOf("str"), "data-frame"],
        "place": ["str", None],
        "threshold": [THRESHOLD],
        "fix_after": FIX_AFTER,
        "rebase": ["no_validation"],
        "screen_outliers": ["boolean"],
        "published_values": ["boolean"],
    },
    renamed={"series": "data"},
)
def follow_priorities(
    data: pd.DataFrame,
    priorities: Sequence[str] | pd.DataFrame,
    *,
    place: str | None = None,
    threshold: int = DISCLOSURE_THRESHOLD,
    fix_after: int | None = None,
    rebase: Sequence | Mapping | None = None,
    screen_outliers: bool = True,
    published_values: bool = False,
) -> FollowUp:
    """Chart each agreed priority's indicator series with the Making Data Count rules.

    Parameters
    ----------
    data : pandas.DataFrame
        An indicator series table as :func:`toolkit.monitor.read_series` or
        :func:`toolkit.monitor.validate_series` returns it (``series``, ``period``,
        ``value``; optional ``place``, ``theme``, ``numerator``, ``improvement``,
        ``target``, ``label``, ``unit``). Never changed.
    priorities : list of str or pandas.DataFrame
        The agreed priorities: theme ids (matching the table's ``theme`` column) or series
        ids (its ``series`` column), best first; or a table with a ``priority`` column and
        optional ``label`` (the priority's name in board language), ``outcome`` (follow
        only the theme's series of this outcome, such as the one it was prioritised on),
        ``ambition`` (the level the board wants, drawn as the target and used for the
        assurance icon), ``ambition_by`` (when: the points then carry a ``trajectory``, a
        straight line from the baseline's mean at the end of the baseline to the ambition
        at that date, and the row ``trajectory_now``, where that line is at the latest
        period) and ``improvement`` (overriding the series').
    place : str, optional
        Follow the series of this place; by default those of the whole system (rows
        whose ``place`` is blank or "Whole system", or every row when the table has no
        ``place``), with each place's series charted too (:attr:`FollowUp.places`).
    threshold : int, default 10
        Disclosure threshold: a series with a numerator from 1 to ``threshold - 1`` in any
        period is not charted.
    fix_after, screen_outliers
        As :func:`toolkit.monitor.spc`.
    rebase : sequence or mapping, optional
        Periods from which limits are recalculated: a list for every series, or a mapping
        from series id to a list (applied to that series in every place).
    published_values : bool, default False
        A series given as values only (no ``numerator``) cannot be checked for small
        counts, so it is not charted unless you say its values are already published or
        disclosure-controlled (``True``), as Fingertips' are.

    Returns
    -------
    FollowUp
        One row per priority and series, and the points to chart.

    Raises
    ------
    TypeError, ValueError
        For priorities or options of the wrong type or value.
    """
    func = "follow_priorities"
    for column in ("series", "period", "value"):
        if column not in data.columns:
            raise ValueError(
                f"The 'series' table of {func} has no {column!r} column; read it with "
                "toolkit.monitor.read_series or validate_series first."
            )
    wanted = _priority_frame(priorities)
    if place is not None and "place" not in data.columns:
        raise ValueError(
            f"The 'series' table of {func} has no 'place' column; got place={place!r}."
        )
    if rebase is not None and isinstance(rebase, Mapping):
        unknown = sorted(set(map(str, rebase)) - set(_text(data, "series")))
        if unknown:
            raise ValueError(
                f"The 'rebase' mapping of {func} names series that are not in the table: "
                f"{unknown}. Its keys are series ids."
            )
    every_place = data.copy()
    places = _text(every_place, "place")
    if "place" not in every_place.columns:
        table = every_place
    elif place is None:
        table = every_place[places.str.lower().isin(_WHOLE_SYSTEM_NAMES)]
    else:
        table = every_place[places == place]
    themes = _text(table, "theme")
    ids = _text(table, "series")
    outcomes = _text(table, "outcome")

    rows: list[dict[str, Any]] = []
    chosen: list[pd.DataFrame] = []
    for item in wanted.itertuples(index=False):
        match = table[(ids == item.priority) | (themes == item.priority)]
        if isinstance(item.outcome, str) and item.outcome:
            match = match[outcomes.loc[match.index] == item.outcome]
        if match.empty:
            anywhere = (_text(data, "series") == item.priority) | (
                _text(data, "theme") == item.priority
            )
            where = f"for {place}" if place else "for the whole system"
            rows.append(
                {
                    "priority": item.priority,
                    "label": item.label if isinstance(item.label, str) else item.priority,
                    "shown": False,
                    "note": (
                        f"its series have no rows {where}"
                        if anywhere.any()
                        else "no indicator series for this priority in the series table"
                    ),
                }
            )
            continue
        if not np.isnan(item.ambition) and match["series"].nunique() > 1:
            raise ValueError(
                f"{func}: priority {item.priority!r} has an ambition but "
                f"{match['series'].nunique()} series ({sorted(match['series'].unique())}); "
                "name the one the ambition is for in an 'outcome' column (the outcomes key "
                "of the update's configuration)."
            )
        if "cohort" in match.columns and match.groupby("series")["cohort"].nunique().max() > 1:
            raise ValueError(
                f"{func}: the series of priority {item.priority!r} are given for several "
                "cohorts; keep the rows of the cohort to follow (a series is one line on a "
                "chart)."
            )
        for series_id, one in match.groupby("series", sort=False):
            label = item.label if isinstance(item.label, str) and item.label else None
            series_label = _first_text(_text(one, "label"))
            direction = item.improvement
            note = ""
            if not isinstance(direction, str):
                given = _first_text(_text(one, "improvement"))
                direction = given if given in _DIRECTIONS else "neutral"
                if given not in _DIRECTIONS:
                    note = (
                        "no direction of improvement given, so changes are shown as neither "
                        "better nor worse"
                    )
            ambition = item.ambition
            if np.isnan(ambition) and "target" in one.columns:
                targets = pd.to_numeric(one["target"], errors="coerce").dropna()
                ambition = float(targets.iloc[0]) if len(targets) else np.nan
            row = {
                "priority": item.priority,
                "label": label or series_label or item.priority,
                "series": series_id,
                "place": _first_text(_text(one, "place")) if place is None else place,
                "series_label": series_label or str(series_id),
                "unit": _first_text(_text(one, "unit")),
                "improvement": direction,
                "ambition": ambition,
                "ambition_by": item.ambition_by,
                "points": len(one),
                "frequency": _first_text(_text(one, "frequency")) or "month",
                "shown": True,
                "note": note,
            }
            counts, uncounted = _counts(one)
            small = (counts > 0) & (counts < threshold)
            if uncounted and not published_values:
                row["shown"] = False
                row["note"] = (
                    "not charted: the series gives values without counts"
                    + (
                        ""
                        if uncounted == len(one)
                        else f" in {uncounted} of its {len(one)} periods (a count left "
                        "blank, as a suppressed small count is)"
                    )
                    + ", so small counts cannot be ruled out (give numerator and denominator, "
                    "or say the values are already published)"
                )
            elif small.any():
                row["shown"] = False
                row["note"] = (
                    f"not charted: {int(small.sum())} of its {len(one)} periods count "
                    f"fewer than {threshold} events; follow it quarterly or for a larger "
                    "area instead"
                )
            rows.append(row)
            if row["shown"]:
                chosen.append(
                    one.assign(
                        priority=item.priority,
                        _direction=direction,
                        _ambition=ambition,
                    )
                )

    result = pd.DataFrame(rows)
    for column in PRIORITY_COLUMNS:
        if column not in result.columns:
            result[column] = np.nan
    result = result[list(PRIORITY_COLUMNS)].copy()
    result["shown"] = result["shown"].astype(bool)
    filled = (
        "first_period", "last_period", "last_value", "mean", "lpl", "upl", "variation",
        "assurance", "run_start", "run_length",
    )  # fmt: skip
    for column in filled:
        result[column] = pd.Series([None] * len(result), index=result.index, dtype=object)
    points = []
    if chosen:
        charted = pd.concat(chosen, ignore_index=True)
        for direction, group in charted.groupby("_direction", sort=False):
            frame = group[["priority", "series", "period", "value", "_ambition"]].rename(
                columns={"_ambition": "_target"}
            )
            group_rebase = rebase
            if isinstance(rebase, Mapping):
                keys = frame[["priority", "series"]].drop_duplicates().itertuples(index=False)
                group_rebase = {
                    (key.priority, key.series): rebase[key.series]
                    for key in keys
                    if key.series in rebase
                } or None
            with warnings.catch_warnings():
                # Short series and gaps are said in the row's note instead (see below).
                warnings.simplefilter("ignore", SPCWarning)
                charts = spc(
                    frame,
                    by=["priority", "series"],
                    improvement=direction,
                    target="_target",
                    fix_after=fix_after,
                    rebase=group_rebase,
                    screen_outliers=screen_outliers,
                )
            charted_points = charts.to_frame()
            charted_points["trajectory"] = _trajectories(charted_points, result)
            points.append(charted_points)
            summary = charts.summary().set_index(["priority", "series"])
            for index in result.index[result["shown"] & (result["improvement"] == direction)]:
                key = (result.at[index, "priority"], result.at[index, "series"])
                if key not in summary.index:
                    continue
                facts = summary.loc[key]
                for column in filled:
                    result.at[index, column] = facts[column]
                own = charted_points[
                    (charted_points["priority"] == key[0]) & (charted_points["series"] == key[1])
                ]
                path = own["trajectory"]
                result.at[index, "trajectory_now"] = float(path.iloc[-1]) if len(path) else np.nan
                segments = own["baseline_segment"]
                since_rebase = int((segments == segments.max()).sum()) if len(own) else 0
                rebased = bool(len(own)) and segments.max() > 1
                if rebased and since_rebase < MINIMUM_POINTS:
                    result.at[index, "note"] = (
                        f"{since_rebase} {'point' if since_rebase == 1 else 'points'} since "
                        "the limits were last recalculated (rebased): they are provisional "
                        f"until there are {MINIMUM_POINTS} or more"
                    )
                elif facts["points"] < MINIMUM_POINTS:
                    result.at[index, "note"] = (
                        f"{int(facts['points'])} points: limits are provisional until there "
                        f"are {MINIMUM_POINTS} or more"
                    )
                elif fix_after is not None and facts["points"] <= fix_after:
                    result.at[index, "note"] = (
                        f"limits from all its {int(facts['points'])} points: the baseline asked "
                        f"for, its first {fix_after}, is as long as the series or longer"
                    )
                result.at[index, "note"] = _with_gaps(result.at[index, "note"], own["period"])
    for column in ("first_period", "last_period", "run_start"):
        result[column] = pd.to_datetime(result[column])
    for column in ("last_value", "mean", "lpl", "upl", "ambition", "trajectory_now"):
        result[column] = pd.to_numeric(result[column]).astype(float)
    result["ambition_by"] = pd.to_datetime(result["ambition_by"])
    result["run_length"] = pd.array(
        [None if v is None or pd.isna(v) else int(v) for v in result["run_length"]],
        dtype="Int64",
    )
    points_frame = (
        pd.concat(points, ignore_index=True)
        if points
        else pd.DataFrame(columns=["priority", "series", "period", "value"])
    )
    places_frame = pd.DataFrame(columns=list(PLACE_COLUMNS))
    if place is None and "place" in every_place.columns:
        places_frame = _by_place(
            every_place[~places.str.lower().isin(_WHOLE_SYSTEM_NAMES)],
            result[result["shown"]],
            published_values=published_values,
            threshold=threshold,
            fix_after=fix_after,
            rebase=rebase,
            screen_outliers=screen_outliers,
        )
    settings = {
        "fix_after": fix_after,
        "rebase": rebase,
        "screen_outliers": screen_outliers,
        "threshold": threshold,
        "place": place,
        "published_values": published_values,
    }
    return FollowUp(priorities=result, points=points_frame, places=places_frame, settings=settings)


def _trajectories(points: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Return the path agreed towards each dated ambition, at each point (NaN elsewhere).

    A straight line from the baseline's mean at the end of the baseline (the last point
    used for the limits of the first segment) to the ambition at its date, and the
    ambition after it. Our own arithmetic: a straight-line trajectory is how NHS plans set
    them; no library draws one.
    """
    path = np.full(len(points), np.nan)
    dated = rows[rows["ambition_by"].notna() & rows["ambition"].notna()]
    for row in dated.itertuples(index=False):
        mine = np.flatnonzero(
            (points["priority"] == row.priority).to_numpy()
            & (points["series"] == row.series).to_numpy()
        )
        if not len(mine):
            continue
        part = points.iloc[mine]
        first = part[part["baseline_segment"] == part["baseline_segment"].iloc[0]]
        used = first[first["in_baseline"].astype(bool)]
        start = pd.Timestamp(used["period"].iloc[-1])
        level = float(used["value"].mean())
        end = pd.Timestamp(row.ambition_by)
        times = pd.to_datetime(part["period"])
        span = (end - start).days
        share = ((times - start).dt.days / span).clip(lower=0, upper=1) if span > 0 else 1.0
        values = level + (float(row.ambition) - level) * share
        path[mine] = np.where(times >= start, values, np.nan)
    return path


def _counts(frame: pd.DataFrame) -> tuple[pd.Series, int]:
    """Return a series' counts (numerators) and how many of its periods have none.

    A period with a value but a blank count (a suppressed small count, or a published
    value) counts as uncounted: small counts cannot be ruled out there.
    """
    if "numerator" not in frame.columns:
        return pd.Series(np.nan, index=frame.index), len(frame)
    counts = pd.to_numeric(frame["numerator"], errors="coerce")
    return counts, int(counts.isna().sum())


def _by_place(
    table: pd.DataFrame,
    followed: pd.DataFrame,
    *,
    published_values: bool,
    threshold: int,
    fix_after: int | None,
    rebase: Sequence | Mapping | None,
    screen_outliers: bool,
) -> pd.DataFrame:
    """Chart each followed series in each place; one row per priority, series and place."""
    rows = []
    for item in followed.itertuples(index=False):
        one = table[table["series"] == item.series]
        for place_name, part in one.groupby("place", sort=True):
            row = {"priority": item.priority, "series": item.series, "place": place_name}
            counts, uncounted = _counts(part)
            if uncounted and not published_values:
                rows.append(row | {"shown": False, "note": "values without counts"})
                continue
            if ((counts > 0) & (counts < threshold)).any():
                rows.append(
                    row | {"shown": False, "note": f"some periods count fewer than {threshold}"}
                )
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SPCWarning)  # gaps are said in the row's note
                charts = spc(
                    part[["period", "value"]],
                    improvement=item.improvement,
                    fix_after=fix_after,
                    rebase=rebase.get(item.series) if isinstance(rebase, Mapping) else rebase,
                    screen_outliers=screen_outliers,
                )
            summary = charts.summary().iloc[0]
            rows.append(
                row
                | {
                    "last_period": summary["last_period"],
                    "last_value": summary["last_value"],
                    "variation": summary["variation"],
                    "run_start": summary["run_start"],
                    "run_length": int(summary["run_length"]),
                    "shown": True,
                    "note": _with_gaps("", charts.to_frame()["period"]),
                }
            )
    frame = pd.DataFrame(rows, columns=list(PLACE_COLUMNS))
    frame["shown"] = frame["shown"].astype(bool)
    frame["run_length"] = pd.array(
        [None if pd.isna(v) else int(v) for v in frame["run_length"]], dtype="Int64"
    )
    return frame


def _with_gaps(note: Any, periods: pd.Series) -> str:
    """Add to a row's note the periods its chart lacks between its first and last, if any.

    ``periods`` are the charted points' periods, in order: a period without a row, or whose
    value was missing, is named ("no value for Jun 2024 and Jul 2024"), for the chart joins
    the points either side of it.
    """
    note = "" if not isinstance(note, str) else note
    gaps = _missing_periods(np.zeros(len(periods), dtype=np.intp), pd.Index(periods)).get(0)
    if not gaps:
        return note
    said = f"no value for {gaps}: the chart joins the points either side"
    return f"{note}; {said}" if note else said


__all__ = [
    "PLACE_COLUMNS",
    "PRIORITY_COLUMNS",
    "FollowUp",
    "agreed_priorities",
    "follow_priorities",
]
