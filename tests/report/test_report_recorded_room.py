"""The board report reads the room's list the workshop recorded as a round closed.

The decision log's JSON carried the facilitator's settings at download time, so a room
whose list was made with other settings (a shorter list, the median) was recomputed with
the later ones, and the board could read a list the room never saw. The workshop now
records the room's result as each round closes (``room_results`` in the JSON, "Room's
list ..." columns in the facilitator's CSV); the report uses its settings and warns when
the list it works out differs from the recorded one.
"""

from __future__ import annotations

import json
import warnings

import pytest

from toolkit.prioritise.consensus import room_consensus
from toolkit.report import read_decision_log
from toolkit.report.decision_log import recorded_list_differs, room_answer
from toolkit.workshop import SubmissionStore

WORKSHOP = "Spring"


@pytest.fixture
def closed(evidence, tmp_path):
    """A closed round of three tables whose room list was made with the median, 2 long."""
    priorities = evidence.priorities
    names = [criterion.name for criterion in priorities.criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=names, min_interval=0.0)
    store.open_round(WORKSHOP)
    first = priorities.shortlist["candidate"].iloc[0]
    for number, table in enumerate(("Table 1", "Table 2", "Table 3")):
        weights = {name: float((index + number) % 4 + 1) for index, name in enumerate(names)}
        store.submit(WORKSHOP, table, "Residents", weights, [first])
    store.close_round(WORKSHOP)
    room = room_consensus(
        store.latest(WORKSHOP, round=1),
        model=priorities.scoring,
        size=2,
        aggregation="median",
        per_cohort=priorities.settings["per_cohort"],
    )
    shortlist = [
        {"id": str(candidate), "label": str(label)}
        for candidate, label in zip(
            room.shortlist["candidate"], room.shortlist["label"], strict=True
        )
    ]
    settings = {
        "method": priorities.scoring.method,
        "per_cohort": priorities.settings["per_cohort"],
    }
    result = {
        "shortlist": shortlist,
        "agreement": None,
        "tables": ["Table 1", "Table 2", "Table 3"],
        "settings": {**settings, "aggregation": "median", "shortlist_size": 2},
    }
    assert store.record_room_result(WORKSHOP, 1, result)
    # The facilitator later changed the settings, then downloaded the log.
    later = {**settings, "aggregation": "arithmetic_mean", "shortlist_size": 5}
    path = tmp_path / "log.json"
    path.write_text(store.decision_log_json(WORKSHOP, settings=later), encoding="utf-8")
    return store, path, [item["id"] for item in shortlist], priorities


def test_the_json_log_s_recorded_list_and_settings_are_read_and_used(closed):
    _, path, shown, priorities = closed
    log = read_decision_log(path)
    assert log.recorded[1]["shortlist"] == shown
    assert log.recorded[1]["settings"]["aggregation"] == "median"
    assert log.settings["shortlist_size"] == 5  # the download's, which the round did not use
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the list worked out is the one recorded: no warning
        room = room_answer(log, priorities)
    assert list(room.shortlist_ids) == shown  # 2 long, not 5


def test_the_facilitator_s_csv_gives_the_recorded_list_by_label(closed, tmp_path):
    store, _, shown, priorities = closed
    labels = dict(
        zip(priorities.candidates["candidate"], priorities.candidates["label"], strict=True)
    )
    path = tmp_path / "log.csv"
    path.write_text(store.decision_log_csv(WORKSHOP, labels=labels), encoding="utf-8")
    log = read_decision_log(path)
    assert log.recorded[1]["shortlist"] == [labels[candidate] for candidate in shown]
    assert log.recorded[1]["settings"] == {"aggregation": "median", "shortlist_size": 2}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(room_answer(log, priorities).shortlist_ids) == shown


def test_a_list_that_differs_from_the_recorded_one_is_warned_of(closed, evidence, tmp_path):
    _, path, shown, priorities = closed
    document = json.loads(path.read_text(encoding="utf-8"))
    other = [c for c in priorities.candidates["candidate"] if c not in shown][:2]
    document["room_results"][0]["shortlist"] = [{"id": c, "label": c} for c in other]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    with pytest.warns(UserWarning, match="is not the list recorded when round 1 closed"):
        room_answer(read_decision_log(changed), priorities)
    # The board reads it too, not only the analyst's console.
    words = _text(read_decision_log(changed), evidence)
    labels = dict(
        zip(priorities.candidates["candidate"], priorities.candidates["label"], strict=True)
    )
    named = "; ".join(labels[c] for c in other)
    assert f"When round 1 closed, the room was shown another list: {named}." in words


def test_a_log_without_recorded_results_reads_as_before(evidence, tmp_path):
    priorities = evidence.priorities
    names = [criterion.name for criterion in priorities.criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=names)
    first = priorities.shortlist["candidate"].iloc[0]
    store.submit(WORKSHOP, "Table 1", "Residents", dict.fromkeys(names, 1.0), [first])
    log = read_decision_log(store.export(WORKSHOP, tmp_path / "log.json"))
    assert log.recorded == {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        room_answer(log, priorities)


def _text(log, evidence) -> str:
    from toolkit.report.sections import workshop_section

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text, *_ = workshop_section(log, evidence.priorities, config=evidence.config)
    return " ".join(text.text.split())


def test_the_board_names_the_combination_the_room_s_list_was_made_with(closed, evidence):
    # Before, the sentence took the download's "average" over the median's list of 2.
    _, path, shown, _ = closed
    words = _text(read_decision_log(path), evidence)
    assert "The shortlist at the room's weights (the median of the tables'):" in words
    assert "arithmetic mean" not in words


def test_two_rounds_are_compared_as_the_last_round_s_list_was_made(evidence, tmp_path):
    """Same weights in both rounds, lists recorded 5 long then 3 long: no change."""
    priorities = evidence.priorities
    names = [criterion.name for criterion in priorities.criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=names, min_interval=0.0)
    first = priorities.shortlist["candidate"].iloc[0]
    settings = {
        "method": priorities.scoring.method,
        "per_cohort": priorities.settings["per_cohort"],
    }
    for number, size in ((1, 5), (2, 3)):
        store.open_round(WORKSHOP)
        for index, table in enumerate(("Table 1", "Table 2", "Table 3")):
            weights = {name: float((i + index) % 4 + 1) for i, name in enumerate(names)}
            store.submit(WORKSHOP, table, "Residents", weights, [first])
        store.close_round(WORKSHOP)
        room = room_consensus(
            store.latest(WORKSHOP, round=number),
            model=priorities.scoring,
            size=size,
            per_cohort=settings["per_cohort"],
        )
        store.record_room_result(
            WORKSHOP,
            number,
            {
                "shortlist": [{"id": c, "label": c} for c in room.shortlist_ids],
                "settings": {**settings, "aggregation": "arithmetic_mean", "shortlist_size": size},
            },
        )
    path = tmp_path / "log.json"
    path.write_text(store.decision_log_json(WORKSHOP, settings=settings), encoding="utf-8")
    words = _text(read_decision_log(path), evidence)
    words = words[words.index("What changed between rounds") :]
    assert "Between rounds 1 and 2 the room's list stayed the same" in words
    assert "0 of the 3 tables that took part in both rounds changed" in words
    assert (
        "The room's list was made otherwise when round 1 closed (average (arithmetic mean), 5 "
        "priorities) than when round 2 closed (average (arithmetic mean), 3 priorities)"
    ) in words


def test_a_csv_of_several_workshops_gives_the_chosen_workshop_s_record(closed, tmp_path):
    store, _, shown, priorities = closed
    first = priorities.shortlist["candidate"].iloc[0]
    names = [criterion.name for criterion in priorities.criteria]
    store.open_round("Autumn")
    store.submit("Autumn", "Table 1", "Council", dict.fromkeys(names, 1.0), [first])
    store.close_round("Autumn")
    store.record_room_result(
        "Autumn",
        1,
        {"shortlist": [{"id": first, "label": first}], "settings": {"shortlist_size": 4}},
    )
    both = tmp_path / "both.csv"
    spring, autumn = store.decision_log_csv(WORKSHOP), store.decision_log_csv("Autumn")
    both.write_text(spring + autumn.split("\r\n", 1)[1], encoding="utf-8")
    assert read_decision_log(both, workshop="Autumn").recorded[1]["settings"] == {
        "shortlist_size": 4
    }
    assert read_decision_log(both, workshop=WORKSHOP).recorded[1]["settings"]["shortlist_size"] == 2


def test_a_label_holding_the_list_s_separator_is_no_false_alarm(closed, tmp_path):
    store, _, shown, priorities = closed
    labels = dict(
        zip(priorities.candidates["candidate"], priorities.candidates["label"], strict=True)
    )
    labels[shown[0]] = "Treat; then prevent"
    path = tmp_path / "log.csv"
    path.write_text(store.decision_log_csv(WORKSHOP, labels=labels), encoding="utf-8")
    log = read_decision_log(path)
    assert len(log.recorded[1]["shortlist"]) == 3  # split at the label's own "; "
    with warnings.catch_warnings():  # the report's labels are the workshop's: no warning
        warnings.simplefilter("error")
        assert recorded_list_differs(log, 1, shown, labels) is None
