"""The room's rounds for the facilitator: who has submitted, which round to show, what to record.

Nothing here draws. :class:`~toolkit.workshop.FacilitatorApp` calls these and draws what
they return: :func:`room_for_round` (the room's consensus of one round, the one function
that computes the room's result on the facilitator's screen and in the record),
:func:`result_record` (that result as the store records it when a round closes),
:func:`round_progress` and :func:`progress_words` (how many of the tables on the list have
submitted, and which are still to), :func:`default_round` (the round the room's result
shows unless the facilitator chooses another), :func:`closing_result` (what the store
records inside the write that closes a round), :func:`recorded_settings` and
:func:`recorded_note` (a closed round's record beside the screen's settings),
:func:`recorded_shares` (the room's weights a record keeps), :func:`unrecorded_result`
(a round closed without a record, worked out for the tables' pages, which say so),
:func:`later_round_words` (a later round under way) and :func:`table_codes` (the store's
rule for column codes, for tables it has not marked).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape

import pandas as pd

from toolkit._words import listed as listed_words
from toolkit.prioritise.consensus import AGGREGATION_LABELS, RoomConsensus, room_consensus
from toolkit.workshop._store_listing import code_number, code_order
from toolkit.workshop._store_values import finite_or_none, natural_key
from toolkit.workshop._view_parts import clock
from toolkit.workshop.config import Workshop

#: Waiting lists longer than this are shortened ("... and 5 more").
WAITING_SHOWN = 8


def room_for_round(
    workshop: Workshop,
    round_number: int,
    *,
    aggregation: str,
    size: int,
    baseline_draws: int,
) -> RoomConsensus:
    """Return the room's consensus of one round's latest submissions.

    Each table's group is the one it submitted with ("Who is at your table", which starts
    at the group the facilitator gave the table).

    Parameters
    ----------
    workshop : Workshop
        The prepared workshop (its store, model and limit per cohort).
    round_number : int
        The round.
    aggregation : str
        How the tables' weights combine (as :func:`room_consensus`).
    size : int
        Priorities on the room's list.
    baseline_draws : int
        Rooms of random weights simulated for the agreement baseline.

    Returns
    -------
    RoomConsensus
    """
    store, name = workshop.store, workshop.name
    return room_consensus(
        store.latest(name, round=round_number),
        model=workshop.model,
        size=int(size),
        aggregation=aggregation,
        per_cohort=workshop.per_cohort,
        dot_votes=store.dot_votes(name, round=round_number),
        baseline_draws=baseline_draws,
    )


def result_record(room: RoomConsensus, settings: Mapping[str, object]) -> dict:
    """Return the room's result as the store records it (JSON values only).

    Parameters
    ----------
    room : RoomConsensus
        The room's consensus the facilitator's screen shows (:func:`room_for_round`).
    settings : mapping
        The settings used (``method``, ``per_cohort``...); ``aggregation`` and
        ``shortlist_size`` are taken from ``room``.

    Returns
    -------
    dict
        ``tables``, ``shortlist`` (``{"id", "label"}`` in order), ``agreement`` (``w``,
        ``p_value``, ``baseline_median``, ``baseline_upper``; None with one table),
        ``on_every_list``, ``headline``, ``room_weights`` (``shares``: each criterion's
        share of the room's weight, criterion name to a fraction summing to 1, in the
        model's order, as the facilitator's screen shows it highlighted; ``tables``: how
        many tables' weights they combine) and ``settings`` (with ``aggregation_label``).
    """
    frame = room.shortlist
    agreement = None
    if room.agreement is not None:
        agreement = {
            "w": finite_or_none(room.agreement.w),
            "p_value": finite_or_none(room.agreement.p_value),
        }
        if room.baseline is not None:
            agreement["baseline_median"] = finite_or_none(room.baseline.median_w)
            agreement["baseline_upper"] = finite_or_none(room.baseline.upper_w)
    overlap = room.overlap
    return {
        "tables": [str(table) for table in room.tables],
        "shortlist": [
            {"id": str(candidate), "label": str(label)}
            for candidate, label in zip(frame["candidate"], frame["label"], strict=True)
        ],
        "agreement": agreement,
        "on_every_list": [str(c) for c in overlap.on_every_list] if overlap is not None else [],
        "headline": overlap.sentence if overlap is not None else "",
        "room_weights": {
            "shares": {
                str(criterion): finite_or_none(share)
                for criterion, share in zip(
                    room.weights["criterion"], room.weights[room.aggregation], strict=True
                )
            },
            "tables": len(room.tables),
        },
        "settings": {
            **dict(settings),
            "aggregation": room.aggregation,
            "aggregation_label": AGGREGATION_LABELS.get(room.aggregation, room.aggregation),
            "shortlist_size": int(room.size),
        },
    }


def closing_result(
    workshop: Workshop,
    *,
    aggregation: str,
    size: int,
    baseline_draws: int,
    settings: Mapping[str, object],
) -> Callable[[int], dict | None]:
    """Return what the store calls, inside the write that closes a round, for its result.

    The round's consensus is worked out then from the store (no table can submit
    meanwhile), with these settings, as :func:`result_record`; None when no table
    submitted in the round (nothing to record).

    Parameters
    ----------
    workshop : Workshop
        The prepared workshop.
    aggregation, size, baseline_draws
        As :func:`room_for_round`.
    settings : mapping
        As :func:`result_record`.

    Returns
    -------
    callable
        Round number to the record (``SubmissionStore.close_round``'s ``result``).
    """
    chosen = dict(settings)

    def result(round_number: int) -> dict | None:
        if workshop.store.latest(workshop.name, round=round_number).empty:
            return None
        room = room_for_round(
            workshop,
            round_number,
            aggregation=aggregation,
            size=size,
            baseline_draws=baseline_draws,
        )
        return result_record(room, chosen)

    return result


def unrecorded_result(workshop: Workshop, round_number: int, *, size: int) -> dict | None:
    """Return the room's result of a round closed without a record, worked out now.

    A round closed from Python without a ``result`` has no record of the room's list. Its
    tables' pages then show this instead, and say so: the average (arithmetic mean) of
    each table's latest weights in the round as they stand now (after any merge), the
    table's own list length and no agreement baseline, as :func:`result_record` gives it,
    with ``round`` and ``worked_out`` (True).

    Parameters
    ----------
    workshop : Workshop
        The prepared workshop.
    round_number : int
        The round.
    size : int
        Priorities on the list (the table's own list length).

    Returns
    -------
    dict or None
        None when no table submitted in the round, or no list can be worked out.
    """
    if workshop.store.latest(workshop.name, round=round_number).empty:
        return None
    try:
        room = room_for_round(
            workshop, round_number, aggregation="arithmetic_mean", size=size, baseline_draws=0
        )
    except ValueError:
        return None
    settings = {"method": workshop.method, "per_cohort": workshop.per_cohort}
    return {**result_record(room, settings), "round": int(round_number), "worked_out": True}


def recorded_shares(
    result: Mapping | None, criteria: Iterable[str]
) -> tuple[list[float], int] | None:
    """Return the room's share of each criterion as a round's result records them.

    Parameters
    ----------
    result : mapping or None
        A round's result (``SubmissionStore.room_result``, or :func:`unrecorded_result`).
    criteria : iterable of str
        The workshop's criterion names, in the order wanted.

    Returns
    -------
    tuple of (list of float, int) or None
        The shares in the order of ``criteria`` and how many tables' weights they
        combine; None when the result has none (a record made before the room's weights
        were recorded) or they are not for these criteria.
    """
    weights = (result or {}).get("room_weights")
    if not isinstance(weights, Mapping) or not isinstance(weights.get("shares"), Mapping):
        return None
    shares, tables = weights["shares"], weights.get("tables")
    names = [str(name) for name in criteria]
    if set(shares) != set(names) or isinstance(tables, bool) or not isinstance(tables, int):
        return None
    values = [finite_or_none(shares[name]) for name in names]
    if any(value is None for value in values) or tables < 1:
        return None
    return [float(value) for value in values], int(tables)


def recorded_settings(result: Mapping | None) -> tuple[str, int] | None:
    """Return the combination and list length a round was closed with (None: unknown)."""
    settings = (result or {}).get("settings") or {}
    aggregation, size = settings.get("aggregation"), settings.get("shortlist_size")
    if aggregation not in AGGREGATION_LABELS or isinstance(size, bool):
        return None
    if not isinstance(size, int) or size < 1:
        return None
    return str(aggregation), int(size)


def recorded_note(result: Mapping | None, room: RoomConsensus) -> str:
    """Say plainly how a closed round's record differs from what the screen shows now.

    "" when there is no record, or the screen shows the recorded list from the same
    settings and tables.

    Parameters
    ----------
    result : mapping or None
        The round's recorded result (``SubmissionStore.room_result``).
    room : RoomConsensus
        The room's consensus of that round as the screen shows it now.

    Returns
    -------
    str
        Plain text.
    """
    if not result:
        return ""
    chosen = recorded_settings(result)
    ids = [str(item.get("id")) for item in result.get("shortlist") or ()]
    tables = [str(table) for table in result.get("tables") or ()]
    same_settings = chosen == (room.aggregation, int(room.size))
    same_tables = sorted(t.casefold() for t in tables) == sorted(
        str(t).casefold() for t in room.tables
    )
    if same_settings and same_tables and ids == [str(c) for c in room.shortlist_ids]:
        return ""
    settings = result.get("settings") or {}
    how = settings.get("aggregation_label") or settings.get("aggregation") or "combination"
    labels = "; ".join(str(item.get("label") or item.get("id")) for item in result["shortlist"])
    count = len(tables)
    then = (
        f"At closing, round {result.get('round')}'s list was: {labels} (the {how} of "
        f"{count} table{'s' if count != 1 else ''}' weights, {len(ids)} priorities)."
    )
    now = []
    if not same_settings:
        now.append(
            f"the {AGGREGATION_LABELS.get(room.aggregation, room.aggregation)} and "
            f"{int(room.size)} priorities"
        )
    if not same_tables:
        shown = len(room.tables)
        now.append(
            f"{shown} table{'s' if shown != 1 else ''} counting (tables were merged, removed "
            "or added since)"
        )
    viewing = (
        f" You are now viewing it with {' and '.join(now)}."
        if now
        else " The screen now gives a different list."
    )
    return f"{then}{viewing} The decision log keeps the list at closing."


@dataclass(frozen=True)
class RoundProgress:
    """Who has submitted in a round.

    Attributes
    ----------
    round : int
        The round.
    listed : tuple of str
        The active tables on the facilitator's list, in natural order (empty: no list).
    submitted : dict of str to str
        Each table that has submitted (as it counts), to the local time (HH:MM) of its
        latest submission, in natural order.
    waiting : tuple of str
        The listed tables still to submit, in natural order.
    """

    round: int
    listed: tuple[str, ...]
    submitted: dict[str, str]
    waiting: tuple[str, ...]

    @property
    def done(self) -> int:
        """How many tables have submitted (of those on the list, when there is one)."""
        if not self.listed:
            return len(self.submitted)
        keys = {table.casefold() for table in self.submitted}
        return sum(table.casefold() in keys for table in self.listed)


def round_progress(round_number: int, tables: pd.DataFrame, latest: pd.DataFrame) -> RoundProgress:
    """Return who has submitted in a round, from the list of tables and the round's latest.

    Parameters
    ----------
    round_number : int
        The round.
    tables : pandas.DataFrame
        The list of tables (``SubmissionStore.tables``).
    latest : pandas.DataFrame
        The round's latest submission per table (``SubmissionStore.latest``).

    Returns
    -------
    RoundProgress
    """
    listed = tuple(
        sorted(
            (
                str(table)
                for table, status in zip(tables["table"], tables["status"], strict=True)
                if str(status) == "active"
            ),
            key=natural_key,
        )
    )
    times = {
        str(table): clock(when)
        for table, when in zip(latest["table"], latest["submitted_at"], strict=True)
    }
    submitted = {table: times[table] for table in sorted(times, key=natural_key)}
    keys = {table.casefold() for table in submitted}
    waiting = tuple(table for table in listed if table.casefold() not in keys)
    return RoundProgress(int(round_number), listed, submitted, waiting)


def join_names(names: Iterable[str], shown: int = WAITING_SHOWN) -> str:
    """Return names as "A, B and C"; a long list as "A, B, ... F and 7 more"."""
    names = list(names)
    return listed_words(names, most=shown if len(names) <= shown else shown - 2)


def progress_words(
    progress: RoundProgress, names: Mapping[str, str] | None = None, *, is_open: bool = True
) -> str:
    """Return how many tables have submitted in a round, and which are still to, as HTML.

    "Round 2: 4 of 12 tables have submitted; waiting for Table 2, Table 3 ... and 3 more."
    (the number in bold); for a closed round, which tables did not submit (the round
    banner says it is closed). ``names`` gives the name shown for each table (anonymous
    ones when names are hidden, listed in the order of those names); a table's own name
    by default.
    """
    shown = dict(names or {})
    number, done = progress.round, progress.done
    if not progress.listed:
        verb = "have" if done != 1 else "has"
        return f"Round {number}: <b>{done}</b> table{'s' if done != 1 else ''} {verb} submitted."
    total = len(progress.listed)
    if not progress.waiting:
        return f"Round {number}: all <b>{total}</b> tables have submitted."
    waiting = escape(
        join_names(sorted((shown.get(t, t) for t in progress.waiting), key=natural_key))
    )
    if not is_open:
        return f"Round {number}: <b>{done}</b> of {total} tables submitted; {waiting} did not."
    verb = "have" if done != 1 else "has"
    return (
        f"Round {number}: <b>{done}</b> of {total} table{'s' if total != 1 else ''} {verb} "
        f"submitted; waiting for {waiting}."
    )


def still_open_words(
    shown: int, before: int, counts: Mapping[int, int], progress: RoundProgress | None
) -> tuple[str, bool]:
    """Say whether the round shown is compared with the one before, and if open, how far.

    Parameters
    ----------
    shown, before : int
        The round shown and the last round with submissions before it.
    counts : mapping of int to int
        Tables that have submitted in each round.
    progress : RoundProgress or None
        The round shown's progress while it is open; None when it is closed.

    Returns
    -------
    tuple of (str, bool)
        The words ("" for a closed round) and whether to compare the two rounds: a round
        still open is compared only once as many tables have submitted as in the round
        before.
    """
    if progress is None:
        return "", True
    done = counts.get(shown, 0)
    total = f" of {len(progress.listed)}" if progress.listed else ""
    tables = f"{done}{total} table{'s' if done != 1 or total else ''}"
    verb = "have" if done != 1 else "has"
    if done < counts.get(before, 0):
        return (
            f"Round {shown} is still open and {tables} {verb} submitted ({counts[before]} did "
            f"in round {before}), so it is compared with round {before} once it closes or as "
            "many tables have submitted.",
            False,
        )
    return f"Round {shown} is still open: {tables} {verb} submitted so far.", True


def later_round_words(
    shown: int, current: int, is_open: bool, counts: Mapping[int, int], progress: RoundProgress
) -> str:
    """Say that a round after the one shown is under way ("" when none is).

    Parameters
    ----------
    shown : int
        The round whose result is shown.
    current : int
        The current round.
    is_open : bool
        Whether the current round is open.
    counts : mapping of int to int
        Tables that have submitted in each round.
    progress : RoundProgress
        The current round's progress.

    Returns
    -------
    str
        Plain text.
    """
    if current <= shown:
        return ""
    done = progress.done if progress.listed else counts.get(current, 0)
    total = f" of {len(progress.listed)}" if progress.listed else ""
    tables = f"{done}{total} table{'s' if done != 1 or total else ''}"
    verb = "have" if done != 1 else "has"
    choose = (
        f" Choose round {current} under 'Show the room's result for' to see what changed "
        f"since round {shown}."
    )
    if is_open:
        if not counts.get(current):
            return f"Round {current} is under way: no table has submitted yet."
        return f"Round {current} is under way: {tables} {verb} submitted so far.{choose}"
    if not counts.get(current):
        return f"Round {current} closed with no submission."
    return f"Round {current} has closed: {tables} submitted.{choose}"


def shown_note(shown: int, current: int, default: int | None, counts: Mapping[int, int]) -> str:
    """Say which round the room's result shows, when it is not the current round ("" if it is)."""
    if shown == current:
        return ""
    if shown != default:
        return (
            f" The room's result below is round {shown}'s, as chosen under 'Show the room's "
            "result for'."
        )
    if current not in counts:
        return f" Nobody has submitted in round {current} yet, so this shows round {shown}."
    return (
        f" Round {current} has fewer tables' submissions so far than round {shown} had, so "
        f"this shows round {shown}; choose another round under 'Show the room's result for'."
    )


def default_round(counts: Mapping[int, int], current: int, is_open: bool) -> int | None:
    """Return the round the room's result shows unless the facilitator chooses another.

    The latest round with submissions; but while the current round is open and has fewer
    tables' submissions than the last closed round had, that closed round, so that the
    result under discussion does not jump to a round only a table or two has started.

    Parameters
    ----------
    counts : mapping of int to int
        Tables that have submitted in each round with submissions.
    current : int
        The current round.
    is_open : bool
        Whether the current round is open (the rounds before it are closed).

    Returns
    -------
    int or None
        None when nobody has submitted in any round up to the current one.
    """
    rounds = sorted(r for r, n in counts.items() if n > 0 and r <= current)
    if not rounds:
        return None
    latest = rounds[-1]
    if latest == current and is_open:
        earlier = [r for r in rounds if r < current]
        if earlier and counts[latest] < counts[earlier[-1]]:
            return earlier[-1]
    return latest


def table_codes(names: Iterable[str]) -> dict[str, str]:
    """Return the column codes ("T7") the store would give these tables, seen together.

    The store gives each table its code once (``SubmissionStore.table_marks``); this is
    the same rule (a table named "Table N" is TN, any other name takes the number after
    the largest), for tables it has not marked.

    Parameters
    ----------
    names : iterable of str
        Tables (names differing only in case are one table).

    Returns
    -------
    dict of str to str
        Table name (as given, and in lower case) to code.
    """
    unique: dict[str, str] = {}
    for name in names:
        unique.setdefault(str(name).casefold(), str(name))
    numbers: set[int] = set()
    codes: dict[str, str] = {}
    for name in code_order(unique.values()):
        number = code_number(name, numbers)
        numbers.add(number)
        codes[name] = codes[name.casefold()] = f"T{number}"
    for key, name in unique.items():
        codes.setdefault(key, codes[name])
    return codes


__all__ = [
    "RoundProgress",
    "closing_result",
    "default_round",
    "join_names",
    "later_round_words",
    "progress_words",
    "recorded_note",
    "recorded_settings",
    "recorded_shares",
    "result_record",
    "room_for_round",
    "round_progress",
    "shown_note",
    "still_open_words",
    "table_codes",
    "unrecorded_result",
]
