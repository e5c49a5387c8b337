"""The room's result a workshop recorded as a round closed, beside the one worked out again.

The workshop records, as each round closes, the list the room was shown and the settings it
was made with (:attr:`toolkit.report.DecisionLog.recorded`). The board report works the
room's list out again from the tables' weights; :func:`room_settings` gives the settings a
round's list was made with, :func:`recorded_list_differs` the recorded list when the one
worked out is not it, and :func:`shown_instead` that list for page 1 (from the report's
configuration and the room's answer, as the notebook passes them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

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


def shown_instead(config: Any, room: Any) -> str | None:
    """Return the list the workshop room was shown as its last round closed, if not ``room``'s.

    Parameters
    ----------
    config : ReportConfig
        The report's configuration: its decision log (``decision_log``, ``workshop``).
    room : RoomConsensus or None
        The room's answer the report shows (``BoardFigures.room``: the log's last round).

    Returns
    -------
    str or None
        The recorded list in words ("A; B; C"); None without a decision log or a room's
        answer, when the workshop recorded no list, or when the two lists agree.
    """
    path = getattr(config, "decision_log", None)
    if room is None or path is None:
        return None
    from toolkit.report.decision_log import read_decision_log

    log = read_decision_log(path, workshop=getattr(config, "workshop", None))
    rankings = room.rankings
    labels = dict(
        zip(rankings["candidate"].astype(str), rankings["label"].astype(str), strict=True)
    )
    return recorded_list_differs(log, log.last_round, room.shortlist_ids, labels)


__all__ = ["recorded_list_differs", "room_settings", "shown_instead"]
