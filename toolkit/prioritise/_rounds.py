"""What changed between two rounds of a workshop: :func:`compare_rounds`.

The room's shortlist of each round (priorities that came in, went out or stayed), the
tables whose own list changed, and the agreement before and after, in one
:class:`RoundChange` with a sentence a room can read. :mod:`toolkit.prioritise.consensus`
re-exports the public names.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral

import numpy as np

from toolkit._params import InstanceOf, Interval, SequenceOf, validate_params
from toolkit.prioritise._room import RoomConsensus, and_join


@dataclass(frozen=True)
class RoundChange:
    """What changed in the room's shortlist between two rounds.

    Attributes
    ----------
    came_in : tuple of str
        Candidate ids on the later round's shortlist but not the earlier's (later order).
    went_out : tuple of str
        Candidate ids on the earlier round's shortlist but not the later's (earlier order).
    stayed : tuple of str
        Candidate ids on both (later order).
    tables_changed : tuple of str
        Tables that submitted in both rounds and whose own shortlist holds different
        priorities in the later round (a change of order alone does not count).
    on_every_list_before, on_every_list_after : int
        How many of the room's priorities were on every table's list in each round.
    w_before, w_after : float or None
        The agreement score (Kendall's W) in each round (None with fewer than two tables).
    rounds : tuple of int
        The two rounds' numbers.
    sentence : str
        The change in plain words, for example "Between rounds 1 and 2, Frailty came in
        and Alcohol went out; 4 of 5 priorities are now on every table's list, up from 2."
    """

    came_in: tuple[str, ...]
    went_out: tuple[str, ...]
    stayed: tuple[str, ...]
    tables_changed: tuple[str, ...]
    on_every_list_before: int
    on_every_list_after: int
    w_before: float | None
    w_after: float | None
    rounds: tuple[int, int]
    sentence: str

    def __str__(self) -> str:
        return self.sentence


@validate_params(
    {
        "before": [InstanceOf(RoomConsensus, "a RoomConsensus")],
        "after": [InstanceOf(RoomConsensus, "a RoomConsensus")],
        "rounds": [
            SequenceOf(
                Interval(Integral, None, None, closed="neither"),
                min_length=2,
                max_length=2,
                description="a pair of round numbers",
            ),
            None,
        ],
    }
)
def compare_rounds(
    before: RoomConsensus,
    after: RoomConsensus,
    *,
    rounds: tuple[int, int] | None = None,
) -> RoundChange:
    """Return what changed in the room's shortlist between two rounds, and in agreement.

    Parameters
    ----------
    before, after : RoomConsensus
        The earlier and the later round
        (:func:`~toolkit.prioritise.consensus.room_consensus` of each round's latest
        submissions).
    rounds : tuple of int, optional
        The two rounds' numbers for the sentence; by default their
        :attr:`RoomConsensus.round`, else 1 and 2.

    Returns
    -------
    RoundChange

    Raises
    ------
    TypeError
        When ``before`` or ``after`` is not a RoomConsensus.
    """
    if rounds is None:
        first = before.round if before.round is not None else 1
        second = after.round if after.round is not None else first + 1
        rounds = (first, second)
    rounds = (int(rounds[0]), int(rounds[1]))
    old, new = list(before.shortlist_ids), list(after.shortlist_ids)
    came_in = tuple(c for c in new if c not in old)
    went_out = tuple(c for c in old if c not in new)
    stayed = tuple(c for c in new if c in old)
    changed = []
    for table in after.tables:
        if table not in before.tables:
            continue
        earlier = set(before.table_shortlists.index[before.table_shortlists[table]].astype(str))
        later = set(after.table_shortlists.index[after.table_shortlists[table]].astype(str))
        if earlier != later:
            changed.append(table)
    labels = before._label_of() | after._label_of()
    every_before = len(before.overlap.on_every_list) if before.overlap is not None else 0
    every_after = len(after.overlap.on_every_list) if after.overlap is not None else 0
    w_before = None if before.agreement is None else float(before.agreement.w)
    w_after = None if after.agreement is None else float(after.agreement.w)

    opening = f"Between rounds {rounds[0]} and {rounds[1]}"
    if came_in or went_out:
        moves = []
        if came_in:
            moves.append(f"{and_join([labels[c] for c in came_in])} came in")
        if went_out:
            moves.append(f"{and_join([labels[c] for c in went_out])} went out")
        text = f"{opening}, {' and '.join(moves)}"
    elif old != new:
        text = f"{opening} the room's list kept the same priorities in a new order"
    else:
        text = f"{opening} the room's list stayed the same"
    if every_after > every_before:
        trend = f"up from {every_before}"
    elif every_after < every_before:
        trend = f"down from {every_before}"
    else:
        trend = "as before"
    verb = "is" if every_after == 1 else "are"
    text += f"; {every_after} of {len(new)} priorities {verb} now on every table's list, {trend}."
    if (
        w_before is not None
        and w_after is not None
        and np.isfinite(w_before)
        and np.isfinite(w_after)
    ):
        text += f" The agreement score (Kendall's W) went from {w_before:.2f} to {w_after:.2f}."
    return RoundChange(
        came_in=came_in,
        went_out=went_out,
        stayed=stayed,
        tables_changed=tuple(changed),
        on_every_list_before=every_before,
        on_every_list_after=every_after,
        w_before=w_before,
        w_after=w_after,
        rounds=rounds,
        sentence=text,
    )
