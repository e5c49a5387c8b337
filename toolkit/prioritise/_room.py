"""The room's view of every table's submission: :class:`RoomConsensus` and its headline words.

:class:`RoomConsensus` (made by :func:`toolkit.prioritise.consensus.room_consensus`) holds
the rankings side by side and re-aggregates the weights of any group of tables
(:meth:`~RoomConsensus.by_group`, :meth:`~RoomConsensus.group_effect`), and says which
groups' lists and effects a screen may show when the tables' names are hidden
(:meth:`~RoomConsensus.shown_groups`); :func:`overlap` says how many of the room's
priorities are on every table's list and which the tables put first
(:class:`ShortlistOverlap`). :mod:`toolkit.prioritise.consensus` re-exports the public
names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.prioritise._aggregation import combined_weights
from toolkit.prioritise._agreement import (
    UNDEFINED_W_SENTENCE,
    AgreementBaseline,
    KendallW,
    w_sentence,
)
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, LABEL_COLUMN
from toolkit.prioritise.scoring import ScoringModel

#: The group of a table whose stakeholder group is not known.
MIXED_GROUP = "Mixed table"

#: With the names hidden, the fewest tables a group (and the room without it) must have
#: for its list or its effect to be shown: one table's list is that table's own column.
FEWEST_HIDDEN = 2


def and_join(items: Sequence[str]) -> str:
    """Join words as a sentence does: "A", "A and B", "A, B and C"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def count_words(number: int, noun: str, plural: str | None = None) -> str:
    """Return "1 table", "2 tables" (or the given plural)."""
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


@dataclass(frozen=True, eq=False)
class ShortlistOverlap:
    """How far the tables' own shortlists hold the room's, in words a room can read.

    Attributes
    ----------
    on_every_list : tuple of str
        Candidate ids of the room's shortlist that every table's shortlist holds, in the
        room's order.
    shortlisted_by : dict of str to int
        For every candidate (in the room's order), how many tables shortlisted it.
    first_choices : pandas.DataFrame
        The candidates some table ranked first: ``candidate``, ``label`` and ``tables``
        (how many tables ranked it first), most first (ties in the room's order).
    sentence : str
        The headline, for example "4 of the 5 priorities are on every table's list; 2
        tables put Frailty first."
    """

    on_every_list: tuple[str, ...]
    shortlisted_by: dict[str, int]
    first_choices: pd.DataFrame
    sentence: str


@dataclass(frozen=True)
class GroupEffect:
    """What one stakeholder group's tables changed in the room's shortlist.

    Attributes
    ----------
    group : str
        The group.
    tables : int
        How many of the tables are in the group.
    came_in : tuple of str
        Candidate ids on the room's shortlist that would not be on it without the group's
        tables (in the room's order): the group's tables brought them in.
    went_out : tuple of str
        Candidate ids that would be on the room's shortlist without the group's tables but
        are not on it (in the order of that shortlist): the group's tables pushed them out.
    every_table : bool
        Whether the group holds every table (then there is no room without it, and
        ``came_in`` and ``went_out`` are empty).
    sentence : str
        The effect in plain words.
    without : tuple of str
        The room's shortlist without the group's tables, in order (empty when the group
        holds every table).
    """

    group: str
    tables: int
    came_in: tuple[str, ...]
    went_out: tuple[str, ...]
    every_table: bool
    sentence: str
    without: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.sentence


@dataclass(frozen=True, eq=False)
class ShownGroups:
    """The stakeholder groups' lists and effects a screen may show.

    Attributes
    ----------
    lists : pandas.DataFrame
        The rows of :meth:`RoomConsensus.by_group` that may be shown, in its order.
    effects : tuple of GroupEffect
        The groups' effects that may be shown, in the order of :meth:`RoomConsensus.by_group`
        (none when one group holds every table: there is no room without it).
    """

    lists: pd.DataFrame
    effects: tuple[GroupEffect, ...]


@dataclass(frozen=True, eq=False)
class RoomConsensus:
    """The room's view of every table's submission.

    Attributes
    ----------
    tables : tuple of str
        The tables, in the order of the columns of ``table_ranks`` and ``table_weights``.
    rankings : pandas.DataFrame
        One row per candidate, in the room's order: ``room_rank``, ``candidate``,
        ``label``, ``room_score``, ``room_position`` (its place in the room's shortlist,
        0 when not in it), ``best_rank``, ``worst_rank``, ``rank_range`` (worst minus
        best: how much the tables disagree about it), ``median_rank``, ``shortlisted_by``
        (tables whose shortlist holds it) and ``dots`` (the dot vote; 0 when none).
    table_ranks : pandas.DataFrame
        Each table's rank of each candidate: index ``candidate`` (room order), one
        column per table.
    table_shortlists : pandas.DataFrame
        Whether each table's shortlist holds each candidate (bool), laid out as
        ``table_ranks``.
    weights : pandas.DataFrame
        :func:`~toolkit.prioritise.consensus.aggregate_weights`, with each criterion's ``label``.
    table_weights : pandas.DataFrame
        Each table's weight shares: index ``criterion``, one column per table.
    shortlist : pandas.DataFrame
        The room's shortlist from the aggregated weights, with reasons
        (:func:`toolkit.prioritise.shortlist`).
    agreement : KendallW or None
        Kendall's W across the tables' rankings (None with fewer than two tables).
    aggregation : str
        The aggregation that gave the room's weights.
    size : int
        The shortlist size.
    per_cohort : int or None
        Most candidates a shortlist takes from one cohort.
    groups : dict of str to str
        Each table's stakeholder group (table -> group), in the order of ``tables``.
    overlap : ShortlistOverlap
        How many of the room's priorities are on every table's list, and which the tables
        put first: the headline in words.
    baseline : AgreementBaseline or None
        The agreement score (Kendall's W) beside the W that random weights give (None with
        fewer than two tables, or when no baseline was simulated).
    round : int or None
        The round the submissions belong to, when ``latest`` says (a ``round`` column with
        one value).
    """

    tables: tuple[str, ...]
    rankings: pd.DataFrame
    table_ranks: pd.DataFrame
    table_shortlists: pd.DataFrame
    weights: pd.DataFrame
    table_weights: pd.DataFrame
    shortlist: pd.DataFrame
    agreement: KendallW | None
    aggregation: str
    size: int
    per_cohort: int | None
    groups: dict[str, str] = field(default_factory=dict)
    overlap: ShortlistOverlap | None = None
    baseline: AgreementBaseline | None = None
    round: int | None = None
    _model: ScoringModel | None = field(default=None, repr=False)
    _shares: np.ndarray | None = field(default=None, repr=False)
    _room_ids: tuple[str, ...] = field(default=(), repr=False)

    @property
    def shortlist_ids(self) -> tuple[str, ...]:
        """The room's shortlist as candidate ids (text), in order."""
        return self._room_ids

    @property
    def summary(self) -> str:
        """The headline in words: the overlap of the tables' lists, then the agreement score.

        The agreement score (Kendall's W) comes second, beside what random weights give.
        """
        parts = [self.overlap.sentence] if self.overlap is not None else []
        if self.baseline is not None:
            parts.append(self.baseline.sentence)
        elif self.agreement is not None:
            if np.isfinite(self.agreement.w):
                parts.append(f"{w_sentence(self.agreement.w)}.")
            else:
                parts.append(UNDEFINED_W_SENTENCE)
        return " ".join(parts)

    def _label_of(self) -> dict[str, str]:
        return dict(
            zip(
                self.rankings[CANDIDATE_COLUMN].astype(str),
                self.rankings[LABEL_COLUMN].astype(str),
                strict=True,
            )
        )

    def _shortlist_of(self, rows: np.ndarray) -> tuple[str, ...]:
        """Return the shortlist the aggregated weights of these tables (row positions) give."""
        if self._model is None or self._shares is None:
            raise RuntimeError(
                "This RoomConsensus was not made by room_consensus; it cannot re-aggregate."
            )
        weights = combined_weights(self._shares[rows], self.aggregation)
        if not np.isfinite(weights).all():
            return ()
        picked = self._model.shortlisted(weights, size=self.size, per_cohort=self.per_cohort)
        return tuple(str(self._model.candidates[i]) for i in picked)

    def _group_rows(self) -> dict[str, np.ndarray]:
        """Row positions of each group's tables, groups in order of their first table."""
        members: dict[str, list[int]] = {}
        for row, table in enumerate(self.tables):
            members.setdefault(self.groups.get(table, MIXED_GROUP), []).append(row)
        return {group: np.array(rows, dtype=np.int64) for group, rows in members.items()}

    def by_group(self) -> pd.DataFrame:
        """Return the shortlist each stakeholder group's own tables give.

        Each group's tables' weight shares are combined as the room's are (the same
        aggregation, shortlist size and per-cohort rule), so a group's list is what the
        room would choose if only that group had taken part.

        Returns
        -------
        pandas.DataFrame
            One row per group, in order of the group's first table: ``group``, ``tables``
            (int), ``shortlist`` (tuple of candidate ids, in order; empty when the
            geometric mean gives the group's tables zero on every criterion) and
            ``labels`` (tuple of their labels).
        """
        labels = self._label_of()
        rows = []
        for group, members in self._group_rows().items():
            ids = self._shortlist_of(members)
            rows.append((group, int(members.size), ids, tuple(labels[i] for i in ids)))
        frame = pd.DataFrame(rows, columns=["group", "tables", "shortlist", "labels"])
        return frame.astype({"group": "object", "tables": "int64"})

    def group_effect(self, group: str, *, count_tables: bool = True) -> GroupEffect:
        """Return what one group's tables changed: the room's list with them and without them.

        Parameters
        ----------
        group : str
            A stakeholder group of :attr:`groups`.
        count_tables : bool
            Whether the sentence says how many tables the group has ("the Residents
            group's 2 tables"; True by default). False words it "the Residents group's
            tables", for a screen that hides which table is which.

        Returns
        -------
        GroupEffect

        Raises
        ------
        ValueError
            When no table is in ``group``.
        """
        members = self._group_rows()
        if group not in members:
            raise ValueError(
                f"The 'group' parameter of group_effect must be one of the room's groups "
                f"{list(members)}. Got {group!r} instead."
            )
        rows = members[group]
        count = int(rows.size)
        if not count_tables:
            who = f"the {group} group's tables"
        else:
            who = f"the {group} group's " + ("table" if count == 1 else f"{count} tables")
        if count == len(self.tables):
            sentence = (
                f"Every table is in the {group} group, so there is no room without "
                f"{'it' if count == 1 and count_tables else 'them'} to compare with."
            )
            return GroupEffect(group, count, (), (), True, sentence)
        others = np.setdiff1d(np.arange(len(self.tables)), rows)
        with_group = self._room_ids
        without = self._shortlist_of(others)
        came_in = tuple(i for i in with_group if i not in without)
        went_out = tuple(i for i in without if i not in with_group)
        labels = self._label_of()
        if not came_in and not went_out:
            if list(without) == list(with_group):
                sentence = (
                    f"Without {who} the room's list would be the same: their weights made "
                    "no difference to it."
                )
            else:
                sentence = (
                    f"Without {who} the room's list would hold the same priorities in "
                    "another order: their weights made no difference to which are on it."
                )
        else:
            instead = and_join([labels[i] for i in went_out]) or "nothing"
            replaced = and_join([labels[i] for i in came_in]) or "nothing"
            sentence = f"Without {who} the room's list would have {instead} instead of {replaced}."
        return GroupEffect(group, count, came_in, went_out, False, sentence, without)

    def shown_groups(self, *, hidden: bool = False) -> ShownGroups:
        """Return the groups' lists and effects a screen may show, names hidden or not.

        With the names shown, every group's list and effect (:meth:`by_group`,
        :meth:`group_effect`) may be shown. With them hidden, each table is shown by a
        letter beside its own list, so nothing may tie a letter to a group: a group's list
        is shown only when at least :data:`FEWEST_HIDDEN` of its tables are in the room
        and its list is no table's own (a one-table group's list is that table's). Its
        effect is shown only beside its list, when the rest of the room has at least
        :data:`FEWEST_HIDDEN` tables too and the room's list without the group is no
        table's own (with two groups it is the other group's list); its sentence gives no
        count of tables.

        Parameters
        ----------
        hidden : bool, default False
            Whether the tables' names are hidden.

        Returns
        -------
        ShownGroups
        """
        every_group = self.by_group()
        lists = every_group
        own: set[frozenset[str]] = set()
        if hidden:
            chosen = self.table_shortlists
            own = {frozenset(chosen.index[chosen[table].to_numpy(bool)]) for table in self.tables}
            apart = np.array([frozenset(ids) not in own for ids in every_group["shortlist"]])
            lists = every_group[(every_group["tables"] >= FEWEST_HIDDEN).to_numpy() & apart]
        listed = set(lists["group"])
        effects = []
        for group, count in zip(every_group["group"], every_group["tables"], strict=True):
            if hidden and (group not in listed or len(self.tables) - count < FEWEST_HIDDEN):
                continue
            effect = self.group_effect(str(group), count_tables=not hidden)
            if not effect.every_table and frozenset(effect.without) not in own:
                effects.append(effect)
        return ShownGroups(lists, tuple(effects))

    def disagreements(self, *, top: int = 5) -> pd.DataFrame:
        """Candidates some table shortlisted, with the widest spread of ranks first.

        Parameters
        ----------
        top : int
            How many to return.

        Returns
        -------
        pandas.DataFrame
            Rows of :attr:`rankings`.
        """
        chosen = self.rankings.loc[self.rankings["shortlisted_by"] > 0]
        return (
            chosen.sort_values(["rank_range", "room_rank"], ascending=[False, True], kind="stable")
            .head(top)
            .reset_index(drop=True)
        )

    def headline(self) -> pd.DataFrame:
        """Return the room's shortlist with each table's rank and the spread, as a compact table."""
        top = self.rankings.loc[self.rankings["room_position"] > 0].sort_values(
            "room_position", kind="stable"
        )
        ranks = self.table_ranks.loc[top[CANDIDATE_COLUMN]].reset_index(drop=True)
        return pd.concat(
            [
                top[["room_position", "room_rank", CANDIDATE_COLUMN]].reset_index(drop=True),
                ranks,
                top[["rank_range", "shortlisted_by", "dots"]].reset_index(drop=True),
            ],
            axis=1,
        )


def overlap(
    room_ids: tuple[str, ...],
    tables: list[str],
    chosen: np.ndarray,
    ranks: np.ndarray,
    *,
    ids: list[str],
    labels: list[str],
    order: np.ndarray,
) -> ShortlistOverlap:
    """How many of the room's priorities every table shortlisted, and the tables' first choices.

    ``chosen`` and ``ranks`` are (tables, candidates) in model order; ``order`` is the
    room's order of the candidates.
    """
    position = {candidate: i for i, candidate in enumerate(ids)}
    counts = chosen.sum(axis=0)
    on_every = tuple(c for c in room_ids if bool(chosen[:, position[c]].all()))
    shortlisted_by = {ids[i]: int(counts[i]) for i in order}
    firsts = np.bincount(np.argmin(ranks, axis=1), minlength=len(ids))
    room_place = np.empty(len(ids), dtype=np.int64)
    room_place[order] = np.arange(len(ids))
    picked = [i for i in np.argsort(room_place, kind="stable") if firsts[i] > 0]
    picked.sort(key=lambda i: -firsts[i])  # stable: ties stay in the room's order
    first_choices = pd.DataFrame(
        {
            CANDIDATE_COLUMN: pd.Series([ids[i] for i in picked], dtype=object),
            LABEL_COLUMN: pd.Series([labels[i] for i in picked], dtype=object),
            "tables": np.array([firsts[i] for i in picked], dtype=np.int64),
        }
    )
    return ShortlistOverlap(
        on_every_list=on_every,
        shortlisted_by=shortlisted_by,
        first_choices=first_choices,
        sentence=_overlap_sentence(len(room_ids), len(on_every), first_choices, len(tables)),
    )


def _overlap_sentence(size: int, on_every: int, first_choices: pd.DataFrame, tables: int) -> str:
    """Return the headline: priorities on every table's list, what the tables put first."""
    top_label = first_choices[LABEL_COLUMN].iloc[0]
    if tables == 1:
        return (
            "Only one table has submitted, so the room's list is its list; it puts "
            f"{top_label} first."
        )
    priorities = count_words(size, "priority", "priorities")
    if on_every == size:
        shared = {
            1: "The room's one priority is on every table's list",
            2: "Both priorities are on every table's list",
        }.get(size, f"All {priorities} are on every table's list")
    elif on_every == 0:
        shared = (
            "Neither priority is on every table's list"
            if size == 2
            else f"None of the {priorities} is on every table's list"
        )
    else:
        verb = "is" if on_every == 1 else "are"
        shared = f"{on_every} of the {priorities} {verb} on every table's list"
    most = int(first_choices["tables"].iloc[0])
    leaders = first_choices.loc[first_choices["tables"] == most, LABEL_COLUMN].tolist()
    if most == tables:
        first = f"every table puts {top_label} first"
    elif most == 1:
        first = "no two tables put the same priority first"
    elif len(leaders) == 1:
        first = f"{most} tables put {top_label} first"
    else:
        first = f"{most} tables put {leaders[0]} first" + "".join(
            f" and {most} put {label} first" for label in leaders[1:3]
        )
        if len(leaders) > 3:
            first += f" (and as many put each of {len(leaders) - 3} others first)"
    return f"{shared}; {first}."
