"""The room's result a workshop recorded as a round closed, beside the one worked out again.

The workshop records, as each round closes, the list the room was shown and the settings it
was made with (:attr:`toolkit.report.DecisionLog.recorded`). The board report works the
room's list out again from the tables' weights; :func:`room_settings` gives the settings a
round's list was made with, :func:`recorded_list_differs` the recorded list when the one
worked out is not it, and :func:`shown_instead` that list for page 1. When no priority could
be suggested there is no list to work out, and :func:`room_weights` gives the tables'
weights and the room's alone. :func:`toolkit.report.compute_board_figures` calls the last two
once, and the report's sections show what they found (``BoardFigures.shown_instead``,
``BoardFigures.room_weights``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.report.decision_log import DecisionLog


def room_settings(log: DecisionLog, number: int) -> dict:
    """Return the settings the room's list of round ``number`` was made with.

    Those recorded as the round closed, over the log's own (the facilitator's at download
    time); keys the log does not know are kept as they are.

    Parameters
    ----------
    log : DecisionLog
        The workshop's decision log.
    number : int
        The round.

    Returns
    -------
    dict
        The settings (aggregation, list length, …) by name.
    """
    chosen = log.recorded.get(number)
    recorded = chosen.get("settings") if isinstance(chosen, Mapping) else None
    return {**log.settings, **(recorded if isinstance(recorded, Mapping) else {})}


def recorded_list_differs(
    log: DecisionLog, number: int, worked_out: Sequence[str], labels: dict
) -> str | None:
    """Return the list recorded as a round closed ("A; B; C") if the one worked out differs.

    Parameters
    ----------
    log : DecisionLog
        The workshop's decision log.
    number : int
        The round.
    worked_out : sequence of str
        The candidate ids of the list worked out again from the tables' weights.
    labels : dict
        Candidate id to its label, to compare with a list recorded in words and to word it.

    Returns
    -------
    str or None
        The recorded list in words; None when nothing was recorded (ids, or labels from a
        CSV) or the two lists agree.
    """
    recorded = log.recorded.get(number)
    if not isinstance(recorded, Mapping):
        return None
    as_ids = [str(candidate) for candidate in worked_out]
    as_labels = [str(labels.get(candidate, candidate)) for candidate in worked_out]
    shown = list(recorded.get("shortlist") or [])
    text = recorded.get("text")  # a CSV's list as written: compared whole, not split
    if shown in (as_ids, as_labels) or text in ("; ".join(as_ids), "; ".join(as_labels)):
        return None
    return text or "; ".join(str(labels.get(item, item)) for item in shown)


def shown_instead(log: DecisionLog, room: Any) -> str | None:
    """Return the list the workshop room was shown as its last round closed, if not ``room``'s.

    Parameters
    ----------
    log : DecisionLog
        The workshop's decision log (the report's configuration's ``decision_log``).
    room : RoomConsensus or None
        The room's answer the report shows (``BoardFigures.room``: the log's last round).

    Returns
    -------
    str or None
        The recorded list in words ("A; B; C"); None without a room's answer, when the
        workshop recorded no list, or when the two lists agree.
    """
    if room is None:
        return None
    rankings = room.rankings
    labels = dict(
        zip(rankings["candidate"].astype(str), rankings["label"].astype(str), strict=True)
    )
    return recorded_list_differs(log, log.last_round, room.shortlist_ids, labels)


@dataclass(frozen=True, eq=False)
class RoomWeights:
    """The weights the workshop's tables gave in the last round, and the room's.

    Attributes
    ----------
    table_weights : pandas.DataFrame
        Each criterion's share of each table's weights: a row per criterion (index named
        ``criterion``), a column per table; a table that weighed nothing has shares of 0.
    room : numpy.ndarray
        The room's weight of each criterion, in the rows' order: the tables' shares
        combined by ``aggregation`` (NaN when no table weighed anything).
    aggregation : str
        How the room combined them (a key of
        :data:`toolkit.prioritise.consensus.AGGREGATION_LABELS`).
    """

    table_weights: pd.DataFrame
    room: np.ndarray
    aggregation: str


def room_weights(log: DecisionLog, criteria: Sequence[Any]) -> RoomWeights:
    """Return the tables' weights in the log's last round and the room's, with no ranking.

    For a report on which no priority could be suggested: there is no candidate for the
    weights to rank, so no room's answer (:func:`toolkit.report.room_answer`), but the
    tables' weights are shown as usual. The room's are combined as the workshop recorded
    its list was made (:func:`room_settings`), else by the average
    (:func:`toolkit.prioritise.aggregate_weights`); a table that weighed nothing is left
    out of them.

    Parameters
    ----------
    log : DecisionLog
        The workshop's decision log.
    criteria : sequence of Criterion or str
        The report's criteria, in order (``Prioritisation.criteria``).

    Returns
    -------
    RoomWeights
        The tables' shares and the room's weights.
    """
    from toolkit.prioritise.consensus import AGGREGATION_LABELS, aggregate_weights
    from toolkit.report.decision_log import WEIGHT_PREFIX

    latest = log.latest(list(criteria))
    names = [getattr(criterion, "name", criterion) for criterion in criteria]
    raw = latest[[WEIGHT_PREFIX + name for name in names]].to_numpy(dtype="float64")
    totals = raw.sum(axis=1, keepdims=True)
    shares = np.divide(raw, totals, out=np.zeros_like(raw), where=totals > 0)
    tables = [str(table) for table in latest["table"]]
    table_weights = pd.DataFrame(shares.T, columns=tables, index=pd.Index(names, name="criterion"))
    aggregation = room_settings(log, log.last_round).get("aggregation", "arithmetic_mean")
    aggregation = aggregation if aggregation in AGGREGATION_LABELS else "arithmetic_mean"
    # A table that weighed nothing has no shares to combine: left out of the room's.
    weighed = latest.loc[totals[:, 0] > 0]
    room = (
        aggregate_weights(weighed, criteria=names)[aggregation].to_numpy(dtype="float64")
        if len(weighed)
        else np.full(len(names), np.nan)
    )
    return RoomWeights(table_weights=table_weights, room=room, aggregation=aggregation)


__all__ = ["RoomWeights", "recorded_list_differs", "room_settings", "room_weights", "shown_instead"]
