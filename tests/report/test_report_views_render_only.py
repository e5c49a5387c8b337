"""The board report's sections render what the figures computed once; they compute nothing.

Before, page 1's decision box read the decision log again while rendering to find the list
the room was shown, and section 4, with no priority suggested, combined the tables' weights
itself. :func:`toolkit.report.compute_board_figures` now works both out once
(``BoardFigures.shown_instead``, ``BoardFigures.room_weights``) and the sections only show
them. The shortlist's hidden priorities are found by one helper
(:func:`toolkit.report._priorities.priority_hidden`) for page 1's sum and section 4's facts.
"""

from __future__ import annotations

import dataclasses
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from toolkit.report import compute_board_figures, demo_config, read_decision_log
from toolkit.report import sections as report
from toolkit.workshop import SubmissionStore

WORKSHOP = "Spring"
TINY_PERSONS = 300


def _boom(*args, **kwargs):
    raise AssertionError("a section computed while rendering")


def _store(criteria, tmp_path, weights=None):
    """A closed round of three tables' weights."""
    names = [criterion.name for criterion in criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=names, min_interval=0.0)
    store.open_round(WORKSHOP)
    for number, table in enumerate(("Table 1", "Table 2", "Table 3")):
        given = weights[number] if weights is not None else None
        chosen = given or {name: float((i + number) % 4 + 1) for i, name in enumerate(names)}
        store.submit(WORKSHOP, table, "Residents", chosen, ["x"])
    store.close_round(WORKSHOP)
    return store


@pytest.fixture(scope="module")
def shown_another(tmp_path_factory):
    """Figures whose decision log recorded another list than the room's worked out."""
    from toolkit.report.decision_log import room_answer

    tmp_path = tmp_path_factory.mktemp("shown")
    config = demo_config(persons=2_000, shortlist_size=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = compute_board_figures(config)
    priorities = plain.priorities
    store = _store(priorities.criteria, tmp_path)
    first = tmp_path / "first.json"
    first.write_text(store.decision_log_json(WORKSHOP), encoding="utf-8")
    room = room_answer(read_decision_log(first), priorities)
    other = [c for c in priorities.candidates["candidate"] if c not in room.shortlist_ids][:2]
    assert other
    store.record_room_result(
        WORKSHOP, 1, {"shortlist": [{"id": c, "label": c} for c in other], "settings": {}}
    )
    path = tmp_path / "log.json"
    path.write_text(store.decision_log_json(WORKSHOP), encoding="utf-8")
    logged = dataclasses.replace(config, decision_log=str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the list worked out differs: warned, and said
        figures = compute_board_figures(logged)
    labels = dict(
        zip(priorities.candidates["candidate"], priorities.candidates["label"], strict=True)
    )
    return SimpleNamespace(
        figures=figures, config=logged, named="; ".join(labels[c] for c in other)
    )


def test_the_figures_hold_the_list_the_room_was_shown(shown_another):
    assert shown_another.figures.room is not None
    assert shown_another.figures.shown_instead == shown_another.named


def test_page_1_renders_the_list_the_room_was_shown_without_reading_the_log(
    shown_another, monkeypatch
):
    from toolkit.report import _room_record, decision_log

    figures = shown_another.figures
    monkeypatch.setattr(decision_log, "read_decision_log", _boom)
    monkeypatch.setattr(_room_record, "recorded_list_differs", _boom)
    monkeypatch.setattr(_room_record, "shown_instead", _boom)
    box = report.decision_box(
        figures.priorities,
        config=shown_another.config,
        room=figures.room,
        workshop=figures.workshop,
        linked=figures.linked,
        shown_instead=figures.shown_instead,
    )
    words = " ".join(box.text.split())
    sentence = (  # the words page 1 showed before, unchanged
        "Please note: when the workshop ended, the room was shown a different list "
        f"({shown_another.named}); section 4 explains why the two can differ, so check which "
        "list the room agreed before deciding."
    )
    assert sentence in words
    assert "the room was shown a different list" in box.html


def test_page_1_without_the_list_the_room_was_shown_says_what_to_pass(shown_another):
    """A notebook that does not pass it is told so, rather than leaving page 1's warning out.

    Before, page 1 read the decision log itself; then, for a time, it silently said nothing
    of another list when ``shown_instead`` was not passed (section 4 raised).
    """
    figures = shown_another.figures
    with pytest.raises(ValueError, match=r"shown_instead=BoardFigures\.shown_instead"):
        report.decision_box(
            figures.priorities,
            config=shown_another.config,
            room=figures.room,
            linked=figures.linked,
        )
    # Given as None (the room was shown its own list): nothing said of another.
    box = report.decision_box(
        figures.priorities,
        config=shown_another.config,
        room=figures.room,
        linked=figures.linked,
        shown_instead=None,
    )
    assert "shown a different list" not in box.text


def test_page_1_needs_no_list_the_room_was_shown_without_a_decision_log(shown_another):
    figures = shown_another.figures
    plain = dataclasses.replace(shown_another.config, decision_log=None)
    box = report.decision_box(figures.priorities, config=plain, room=figures.room)
    assert "shown a different list" not in box.text
    assert report.decision_box(figures.priorities, config=shown_another.config).text


@pytest.fixture(scope="module")
def weighed_empty(tmp_path_factory):
    """A system too small for any theme, with a workshop's weights."""
    tmp_path = tmp_path_factory.mktemp("empty")
    config = demo_config(persons=TINY_PERSONS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = compute_board_figures(config)
    criteria = plain.priorities.criteria
    assert plain.priorities.is_empty
    names = [criterion.name for criterion in criteria]
    given = [
        {name: float(i + 1) for i, name in enumerate(names)},
        {name: 1.0 for name in names},
        {name: float(i == 0) for i, name in enumerate(names)},  # one criterion alone
    ]
    store = _store(criteria, tmp_path, weights=given)
    path = tmp_path / "log.json"
    path.write_text(store.decision_log_json(WORKSHOP), encoding="utf-8")
    logged = dataclasses.replace(config, decision_log=str(path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figures = compute_board_figures(logged)
    raw = np.array([[row[name] for name in names] for row in given])
    shares = raw / raw.sum(axis=1, keepdims=True)
    average = shares.mean(axis=0) / shares.mean(axis=0).sum()
    return SimpleNamespace(
        figures=figures, config=logged, log=read_decision_log(path), names=names, room=average
    )


def test_the_figures_hold_the_room_s_weights_when_no_priority_was_suggested(weighed_empty):
    weights = weighed_empty.figures.room_weights
    assert weighed_empty.figures.room is None and weighed_empty.figures.shown_instead is None
    assert weights.aggregation == "arithmetic_mean"
    assert list(weights.table_weights.columns) == ["Table 1", "Table 2", "Table 3"]
    assert list(weights.table_weights.index) == weighed_empty.names
    assert np.allclose(
        weights.table_weights["Table 3"], [1.0] + [0.0] * (len(weighed_empty.names) - 1)
    )
    assert np.allclose(weights.room, weighed_empty.room)


def test_section_4_renders_the_room_s_weights_without_combining_them(weighed_empty, monkeypatch):
    from toolkit.prioritise import consensus
    from toolkit.report import _room_record
    from toolkit.report.decision_log import DecisionLog

    figures = weighed_empty.figures
    monkeypatch.setattr(consensus, "aggregate_weights", _boom)
    monkeypatch.setattr(_room_record, "room_weights", _boom)
    monkeypatch.setattr(DecisionLog, "latest", _boom)
    text, weights_table, consensus_table, figure = report.workshop_section(
        weighed_empty.log,
        figures.priorities,
        config=weighed_empty.config,
        room=figures.room,
        room_weights=figures.room_weights,
    )
    assert text.text.split("\n", 1)[-1].strip() == (  # the words shown before, unchanged
        "3 tables at the 'Spring' workshop submitted weights. No priority could be suggested: "
        "no theme had enough people or events in this system to be measured, so the tables' "
        "weights had nothing to rank."
    )
    cells = weights_table.cells
    assert list(cells.columns) == ["Criterion", "Table 1", "Table 2", "Table 3", "Room (average)"]
    expected = [f"{100 * value:.0f}%" for value in weighed_empty.room]
    assert [str(value).replace(" ", "") for value in cells["Room (average)"]] == expected
    assert "nothing to compare" in consensus_table.caption
    room_marker = next(c for c in figure.axes[0].collections if c.get_label() == "room (average)")
    assert np.allclose(room_marker.get_offsets()[:, 0], 100 * weighed_empty.room)


def test_section_4_without_the_room_s_weights_says_what_to_pass(weighed_empty):
    figures = weighed_empty.figures
    with pytest.raises(ValueError, match="room_weights=BoardFigures.room_weights"):
        report.workshop_section(weighed_empty.log, figures.priorities, config=weighed_empty.config)


class _Linked:
    """Linked tables holding some shortlist cells, of which some are suppressed."""

    def __init__(self, cells: dict[str, int], suppressed: set[str]) -> None:
        self.cells = cells
        self._suppressed = suppressed

    def is_suppressed(self, key: str) -> bool:
        return key in self._suppressed


@pytest.mark.parametrize("part", ["persons", "events_a_year", "impact_events_a_year"])
def test_a_priority_is_hidden_when_any_of_its_counts_is_suppressed(part):
    from toolkit.report._priorities import priority_hidden

    keys = {f"shortlist/a/{name}": 50 for name in ("persons", "events_a_year")}
    keys["shortlist/a/impact_events_a_year"] = 20
    linked = _Linked(keys, {f"shortlist/a/{part}"})
    assert priority_hidden(linked, "a")
    assert not priority_hidden(linked, "b")  # no cells of its own: nothing hidden
    assert not priority_hidden(_Linked(keys, set()), "a")
    assert not priority_hidden(None, "a")


def test_page_1_and_section_4_hide_the_same_priorities(evidence):
    """One helper decides for both: the facts and the sum leave out the same priority."""
    from toolkit.report._savings import shortlist_savings

    priorities = evidence.priorities
    costed = priorities.shortlist.loc[
        priorities.shortlist["avoidable_cost_high"].astype("float64") > 0, "candidate"
    ]
    hidden = str(costed.iloc[0])
    linked = _Linked(
        {f"shortlist/{hidden}/impact_events_a_year": 30},
        {f"shortlist/{hidden}/impact_events_a_year"},
    )
    reasons = report.shortlist_reasons(priorities, linked=linked).text
    assert reasons.count("are not shown, to protect confidentiality") == 1
    label = priorities.shortlist.set_index("candidate").loc[hidden, "cohort_label"]
    assert f"{label}: the number of people and events" in reasons
    savings = shortlist_savings(priorities, threshold=10, linked=linked)
    assert "One priority with a cost estimate not shown" in savings
