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


def _two_rounds(priorities, tmp_path):
    """Two closed rounds of the same weights, their lists recorded 5 long, then 3 long."""
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
    return read_decision_log(path)


def test_two_rounds_are_compared_as_the_last_round_s_list_was_made(evidence, tmp_path):
    """Same weights in both rounds, lists recorded 5 long then 3 long: no change."""
    words = _text(_two_rounds(evidence.priorities, tmp_path), evidence)
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


def _changed(path, priorities, shown, tmp_path):
    """The log with another list recorded as round 1 closed than the one worked out."""
    document = json.loads(path.read_text(encoding="utf-8"))
    other = [c for c in priorities.candidates["candidate"] if c not in shown][:2]
    document["room_results"][0]["shortlist"] = [{"id": c, "label": c} for c in other]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    return changed, other


def _page_1(path, evidence):
    """Page 1's decision box for a report whose decision log is ``path``."""
    import dataclasses

    from toolkit.report._room_record import shown_instead
    from toolkit.report.sections import decision_box

    log = read_decision_log(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        room = room_answer(log, evidence.priorities)
    config = dataclasses.replace(evidence.config, decision_log=str(path))
    box = decision_box(
        evidence.priorities,
        config=config,
        room=room,
        workshop=log.workshop,
        shown_instead=shown_instead(log, room),  # as compute_board_figures finds it
    )
    return " ".join(box.text.split()), box.html


def test_page_1_says_when_the_room_was_shown_another_list(closed, evidence, tmp_path):
    # Before, only section 4 said so: the board was asked to agree a list on page 1
    # "as the workshop ranked it" with no word that the room had seen another.
    _, path, shown, priorities = closed
    changed, other = _changed(path, priorities, shown, tmp_path)
    labels = dict(
        zip(priorities.candidates["candidate"], priorities.candidates["label"], strict=True)
    )
    words, markup = _page_1(changed, evidence)
    sentence = (
        "Please note: when the workshop ended, the room was shown a different list "
        f"({'; '.join(labels[c] for c in other)}); section 4 explains why the two can differ, "
        "so check which list the room agreed before deciding."
    )
    assert sentence in words
    assert "the room was shown a different list" in markup
    assert not any(word in sentence for word in ("people", "persons", "patients"))


def test_page_1_says_nothing_of_another_list_when_the_room_s_is_the_report_s(closed, evidence):
    _, path, _, _ = closed
    words, _ = _page_1(path, evidence)
    assert "shown a different list" not in words


def test_room_answer_compares_with_the_recorded_list_only_with_its_own_settings(
    evidence, tmp_path, monkeypatch
):
    # Before, the comparison was worked out with another round's settings and then ignored.
    from toolkit.report import decision_log

    log = _two_rounds(evidence.priorities, tmp_path)
    calls = []
    original = decision_log.recorded_list_differs

    def counted(*args, **kwargs):
        calls.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(decision_log, "recorded_list_differs", counted)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning: the lists are not comparable
        first = room_answer(log, evidence.priorities, round=1, settings_of=2)
    assert calls == []
    assert len(first.shortlist_ids) == 3  # made as round 2's list was
    room_answer(log, evidence.priorities, round=2)
    assert calls == [2]


def test_the_workshop_weights_chart_and_table_show_the_median_the_room_used(closed, evidence):
    # Before, the chart drew the tables' average (its legend said "average") and the table
    # headed "Room (average)" though the room's list was made with the median.
    import numpy as np

    from toolkit.report.sections import workshop_section

    _, path, _, priorities = closed
    log = read_decision_log(path)
    room = room_answer(log, priorities)
    _, weights_table, _, figure = workshop_section(
        log, priorities, config=evidence.config, room=room
    )
    median = room.weights.set_index("criterion")["median"]
    mean = room.weights.set_index("criterion")["arithmetic_mean"]
    assert not np.allclose(median.to_numpy(), mean.to_numpy())  # the two tell apart
    ax = figure.axes[0]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["one table", "room (median)"]
    marker = next(c for c in ax.collections if c.get_label() == "room (median)")
    drawn = marker.get_offsets()[:, 0]
    order = list(room.table_weights.index)
    assert np.allclose(drawn, 100 * median.reindex(order).to_numpy())
    title = " ".join(ax.get_title(loc="left").split())
    assert "Line: the room's weight, the median of the tables'" in title
    assert "Room (median)" in weights_table.cells.columns
    assert "Room (average)" not in weights_table.cells.columns
    assert any("median of the tables' shares" in note for note in weights_table.notes)


def test_the_weights_chart_draws_the_room_s_weights_it_is_given():
    import numpy as np
    import pandas as pd

    from toolkit.report.charts import weights_chart

    shares = pd.DataFrame([[0.5, 0.5], [0.9, 0.1], [0.2, 0.8]], index=["T1", "T2", "T3"])
    figure = weights_chart(
        shares, labels=["A", "B"], title="Weights", room=[0.6, 0.4], combined_by="geometric mean"
    )
    ax = figure.axes[0]
    marker = next(c for c in ax.collections if c.get_label() == "room (geometric mean)")
    assert np.allclose(marker.get_offsets()[:, 0], [60.0, 40.0])  # not the average it drew
