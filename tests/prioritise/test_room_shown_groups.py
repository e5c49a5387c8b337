"""Which groups' lists and effects a screen may show, the tables' names hidden or not.

With the names hidden each table is a letter beside its own list: no group's list, count
or effect may tie a letter to a group (:meth:`RoomConsensus.shown_groups`).
"""

from __future__ import annotations

import re

import pytest

from tests.prioritise.test_consensus_room import _latest, _model_xy
from toolkit.prioritise import ScoringModel, room_consensus
from toolkit.prioritise._room import FEWEST_HIDDEN

# At size 2, weights X list (alpha, charlie), weights Y (bravo, charlie); equal weights list
# (alpha, bravo), which no table below gives on its own.
X, Y = [1, 0], [0, 1]


@pytest.fixture
def split_model() -> ScoringModel:
    """Normalised: alpha (1, .6), bravo (.6, 1), charlie (.7, .7), delta (0, 0)."""
    return _model_xy({"alpha": (10, 6), "bravo": (6, 10), "charlie": (7, 7), "delta": (0, 0)})


def own_lists(room) -> set[frozenset[str]]:
    chosen = room.table_shortlists
    return {frozenset(chosen.index[chosen[table]]) for table in room.tables}


def test_names_shown_every_group_and_effect_may_be_shown(split_model):
    room = room_consensus(
        _latest([X, Y, X, X], roles=["Clinicians", "Clinicians", "Residents", "Council"]),
        model=split_model,
        size=2,
        baseline_draws=0,
    )
    shown = room.shown_groups()
    assert shown.lists.equals(room.by_group())
    assert [effect.group for effect in shown.effects] == ["Clinicians", "Residents", "Council"]
    assert shown.effects[0] == room.group_effect("Clinicians")
    assert "Clinicians group's 2 tables" in shown.effects[0].sentence


def test_hidden_an_effect_that_would_single_out_a_table_is_withheld(split_model):
    # The clinicians' list (alpha, bravo) is no table's own, so it is shown; but the room
    # without them is the residents' three alike tables, whose list is each one's own: the
    # clinicians' effect would show a letter's list beside a group, so it is withheld.
    room = room_consensus(
        _latest([X, Y, X, X, X], roles=["Clinicians"] * 2 + ["Residents"] * 3),
        model=split_model,
        size=2,
        baseline_draws=0,
    )
    assert room.group_effect("Clinicians").without == ("alpha", "charlie")
    assert frozenset(room.group_effect("Clinicians").without) in own_lists(room)
    assert len(room.shown_groups().effects) == 2  # names shown: both
    shown = room.shown_groups(hidden=True)
    assert shown.lists["group"].tolist() == ["Clinicians"]  # the residents' list is a table's
    assert shown.effects == ()


def test_hidden_an_effect_that_singles_out_no_table_is_shown_without_a_count(split_model):
    # Each group's two tables pull apart: each group's list, and the room without it, is
    # (alpha, bravo), no table's own.
    room = room_consensus(
        _latest([X, Y, X, Y], roles=["Residents"] * 2 + ["Clinicians"] * 2),
        model=split_model,
        size=2,
        baseline_draws=0,
    )
    shown = room.shown_groups(hidden=True)
    assert shown.lists["group"].tolist() == ["Residents", "Clinicians"]
    assert [effect.group for effect in shown.effects] == ["Residents", "Clinicians"]
    for effect in shown.effects:
        assert frozenset(effect.without) not in own_lists(room)
        assert effect == room.group_effect(effect.group, count_tables=False)
        assert not re.search(r"\d", effect.sentence), effect.sentence


@pytest.mark.parametrize("hidden", [False, True])
def test_one_group_holding_every_table_has_no_effect_to_show(split_model, hidden):
    room = room_consensus(
        _latest([X, Y, X], roles=["Residents"] * 3), model=split_model, size=2, baseline_draws=0
    )
    assert room.shown_groups(hidden=hidden).effects == ()


def test_hidden_a_group_or_the_rest_of_the_room_of_one_table_is_withheld(split_model):
    # The clinicians' two tables pull apart (their list is no table's own) but the room
    # without them is the council's one table: its effect would be that table's list.
    room = room_consensus(
        _latest([X, Y, Y], roles=["Clinicians", "Clinicians", "Council"]),
        model=split_model,
        size=2,
        baseline_draws=0,
    )
    assert FEWEST_HIDDEN == 2
    shown = room.shown_groups(hidden=True)
    assert shown.lists["group"].tolist() == ["Clinicians"]
    assert shown.effects == ()
    assert [e.group for e in room.shown_groups().effects] == ["Clinicians", "Council"]
