"""The facilitator's screen after the fourth walk-through (findings 1, 2, 5, 7 and 12).

Who has submitted (and who is still to), column codes that stay with their table, the
round whose result is shown, the room's result recorded when a round closes (and in both
decision-log downloads), and no repeated text.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import sqlite3
from contextlib import closing
from html import unescape

import pytest

from toolkit.workshop import FacilitatorApp, ParticipantApp
from toolkit.workshop._room_rounds import default_round, join_names, table_codes
from toolkit.workshop.store import SCHEMA_VERSION, SubmissionStore

# Four tables of twelve, one per group, as in the walk-through.
ROUND_ONE = {
    "Table 1": ("Clinicians", {"burden": 10, "cost": 1}),
    "Table 4": ("Local authority", {"inequality": 10, "cost": 0}),
    "Table 7": ("Voluntary sector", {"feasibility": 10, "burden": 0}),
    "Table 10": ("Residents", {"cost": 10, "inequality": 1}),
}
ROUND_TWO = {
    "Table 1": ("Clinicians", {"burden": 2, "cost": 10}),
    "Table 4": ("Local authority", {"inequality": 2, "cost": 10}),
    "Table 7": ("Voluntary sector", {"feasibility": 3}),
    "Table 10": ("Residents", {"cost": 10}),
}


@pytest.fixture
def quick(workshop):
    """The test workshop (twelve tables on the list) with no wait between submissions."""
    return dataclasses.replace(workshop, min_interval=0)


def submit_tables(workshop, plan) -> None:
    for table, (role, moves) in plan.items():
        app = ParticipantApp(workshop, submit_pause=0)
        app.table_picker.value = table
        for name, value in moves.items():
            app.sliders[name].value = value
        app.role.value = role
        assert app.submit() is not None, app.confirmation.value


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def column_heads(html: str) -> list[str]:
    table = html.split("pophealth-side-by-side-table")[1]
    return re.findall(r"<th [^>]*>([^<]*)</th>", table)


def key_of(html: str) -> str:
    return text_of(html.split('class="ph-key"')[1].split("</div>")[0])


# -- 1. who has submitted ------------------------------------------------------------------


def test_status_says_how_many_of_the_list_have_submitted_and_who_is_left(quick):
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    submit_tables(quick, ROUND_ONE)
    facilitator.refresh()
    status = text_of(facilitator.status.value)
    assert (
        "Round 1: 4 of 12 tables have submitted; waiting for Table 2, Table 3, Table 5, "
        "Table 6, Table 8, Table 9, Table 11 and Table 12." in status
    )
    # The list of tables says each table's status in this round, not just "active".
    tables = facilitator.tables_html.value
    assert "In round 1" in tables
    rows = dict(
        re.findall(r'<tr data-table="([^"]+)"[^>]*>.*?<td[^>]*>.*?</td><td[^>]*>.*?</td>'
                   r"<td[^>]*>(.*?)</td>", tables)
    )  # fmt: skip
    assert re.fullmatch(r"submitted at \d\d:\d\d", rows["Table 1"]), rows
    assert re.fullmatch(r"submitted at \d\d:\d\d", rows["Table 10"]), rows
    assert rows["Table 2"] == "not yet" and rows["Table 12"] == "not yet"
    assert 'data-table="Table 4" data-status="active" data-submitted="true"' in tables
    assert ">active<" not in tables
    # Hidden names: the waiting list names no table, and lists the letters in order.
    facilitator.hide_names.value = True
    assert not re.search(r"Table \d", text_of(facilitator.status.value))
    marks = quick.store.table_marks(quick.name)
    waiting = sorted(
        (f"Table {marks[f'table {n}'].letter}" for n in (2, 3, 5, 6, 8, 9, 11, 12)),
        key=lambda name: (len(name), name),
    )
    assert f"waiting for {', '.join(waiting[:-1])} and {waiting[-1]}." in text_of(
        facilitator.status.value
    )
    facilitator.hide_names.value = False
    # Closed: who did not submit, not who is awaited (the banner says it is closed).
    facilitator.close_round()
    assert "Round 1: 4 of 12 tables submitted; Table 2" in text_of(facilitator.status.value)
    assert "did not submit" in facilitator.tables_html.value
    facilitator.close()


def test_a_long_waiting_list_is_shortened_in_natural_order():
    names = [f"Table {n}" for n in range(2, 13)]
    assert join_names(names) == "Table 2, Table 3, Table 4, Table 5, Table 6, Table 7 and 5 more"
    assert join_names(["Table 2", "Table 10"]) == "Table 2 and Table 10"
    assert join_names(["Table 2"]) == "Table 2"


# -- 2. column codes that stay with their table ------------------------------------------------


def test_column_codes_are_the_tables_own_numbers_in_every_round(quick):
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    submit_tables(quick, ROUND_ONE)
    facilitator.refresh()
    html = facilitator.rankings.value
    assert column_heads(html)[2:6] == ["T1", "T4", "T7", "T10"]
    key = key_of(html)
    assert "T4 : Table 4 (Local authority)" in key and "T10 : Table 10 (Residents)" in key
    weights = facilitator.weights.value
    assert re.findall(r"<th [^>]*>(T\d+)</th>", weights) == ["T1", "T4", "T7", "T10"]
    facilitator.close_round()
    facilitator.open_round()
    submit_tables(quick, {"Table 4": ROUND_TWO["Table 4"]})
    facilitator.refresh()
    facilitator.round_choice.value = 2
    html = facilitator.rankings.value
    assert column_heads(html)[2] == "T4"  # was "T1" before the fix
    assert "T4 : Table 4 (Local authority)" in key_of(html)
    assert "T1" not in column_heads(html)
    facilitator.close()


def test_codes_for_named_tables_never_reuse_a_tables_number():
    codes = table_codes(["Table 2", "Blue", "table 10", "Red", "Table 02"])
    assert codes["Table 2"] == "T2" and codes["table 10"] == "T10"
    # Other names follow the largest number, in natural order; "Table 02" would clash.
    assert codes["Blue"] == "T11" and codes["Red"] == "T12" and codes["Table 02"] == "T13"
    assert len({codes[name] for name in ("Table 2", "Blue", "table 10", "Red", "Table 02")}) == 5
    assert codes["blue"] == "T11"  # a name is the same table in any case


# -- 5. the round shown -----------------------------------------------------------------------


def test_default_round_stays_on_the_closed_round_until_the_open_one_catches_up():
    assert default_round({}, 1, True) is None
    assert default_round({1: 4}, 1, True) == 1
    assert default_round({1: 4}, 2, True) == 1  # nobody in round 2 yet
    assert default_round({1: 4, 2: 1}, 2, True) == 1  # one table has started round 2
    assert default_round({1: 4, 2: 4}, 2, True) == 2  # as many as round 1 had
    assert default_round({1: 4, 2: 1}, 2, False) == 2  # round 2 closed: its result


def test_the_result_shown_does_not_jump_to_a_barely_started_round(quick):
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    submit_tables(quick, ROUND_ONE)
    facilitator.refresh()
    facilitator.close_round()
    round_one = facilitator.room.shortlist_ids
    facilitator.open_round()
    submit_tables(quick, {"Table 4": ROUND_TWO["Table 4"]})
    facilitator.refresh()
    # Still round 1's result (four tables), with round 2's progress in the status.
    assert facilitator.shown_round == 1 and len(facilitator.room.tables) == 4
    assert facilitator.room.shortlist_ids == round_one
    status = text_of(facilitator.status.value)
    assert "Round 2: 1 of 12 tables has submitted; waiting for Table 1, Table 2" in status
    assert "so this shows round 1" in status
    assert facilitator.round_choice.options == (("Round 1", 1), ("Round 2 (open)", 2))
    assert facilitator.round_choice.value == 1
    # The facilitator may look at round 2: it is not compared with round 1 while it has
    # fewer tables, and the screen says so plainly.
    facilitator.round_choice.value = 2
    assert facilitator.shown_round == 2 and facilitator.room.tables == ("Table 4",)
    change = text_of(facilitator.round_change.value)
    assert "pophealth-round-change" not in facilitator.round_change.value
    assert "Round 2 is still open and 1 of 12 tables has submitted (4 did in round 1)" in change
    # The choice holds as more tables submit; once they have, the rounds are compared,
    # still saying that round 2 is open.
    submit_tables(quick, {t: ROUND_TWO[t] for t in ("Table 1", "Table 7", "Table 10")})
    facilitator.refresh()
    assert facilitator.shown_round == 2
    assert 'class="pophealth-round-change"' in facilitator.round_change.value
    assert "Round 2 is still open: 4 of 12 tables have submitted so far." in text_of(
        facilitator.round_change.value
    )
    # Back to round 1, then closing round 2 shows round 2's result, compared, no note.
    facilitator.round_choice.value = 1
    assert facilitator.shown_round == 1
    assert "as chosen under 'Show the room's result for'" in text_of(facilitator.status.value)
    facilitator.close_round()
    assert facilitator.shown_round == 2
    assert "still open" not in facilitator.round_change.value
    assert 'data-rounds="1 2"' in facilitator.round_change.value
    facilitator.close()


# -- 7. the room's result in the record ---------------------------------------------------


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_closing_a_round_records_the_rooms_result_as_shown(quick):
    store, name = quick.store, quick.name
    facilitator = FacilitatorApp(quick, baseline_draws=20)
    submit_tables(quick, ROUND_ONE)
    facilitator.aggregation.value = "median"
    facilitator.shortlist_size.value = 4
    assert store.room_result(name, 1) is None
    facilitator.close_round()
    room = facilitator.room
    result = store.room_result(name, 1)
    assert result is not None and result["round"] == 1
    labels = dict(zip(room.rankings["candidate"], room.rankings["label"], strict=True))
    assert [item["id"] for item in result["shortlist"]] == list(room.shortlist_ids)
    assert [item["label"] for item in result["shortlist"]] == [
        labels[c] for c in room.shortlist_ids
    ]
    assert len(result["shortlist"]) == 4
    assert result["agreement"]["w"] == pytest.approx(room.agreement.w)
    assert result["agreement"]["baseline_median"] == pytest.approx(room.baseline.median_w)
    assert result["settings"]["aggregation"] == "median"
    assert result["settings"]["shortlist_size"] == 4
    assert result["settings"]["method"] == quick.method
    assert result["tables"] == list(ROUND_ONE)
    # What the screen showed then stays recorded when the facilitator changes a setting.
    facilitator.aggregation.value = "arithmetic_mean"
    facilitator.shortlist_size.value = 3
    assert store.room_result(name, 1)["settings"]["aggregation"] == "median"
    assert [i["id"] for i in store.room_result(name, 1)["shortlist"]] == list(room.shortlist_ids)
    # Opening the next round closes round 2 when tables submitted in it: recorded too.
    facilitator.open_round()
    submit_tables(quick, ROUND_TWO)
    assert store.room_result(name, 2) is None  # open: nothing recorded yet
    facilitator.open_round()
    second = store.room_result(name, 2)
    assert second is not None and second["settings"]["aggregation"] == "arithmetic_mean"
    assert len(second["shortlist"]) == 3

    # Both downloads carry it.
    facilitator.refresh(force=True)
    labels_of, criteria_labels = facilitator._log_labels()
    rows = _csv_rows(
        store.decision_log_csv(name, labels=labels_of, criteria_labels=criteria_labels)
    )
    first_round = [row for row in rows if row["Round"] == "1"]
    assert first_round and all(
        row["Room's list when the round closed"] == "; ".join(labels[c] for c in room.shortlist_ids)
        for row in first_round
    )
    assert {row["Room's agreement score (Kendall's W)"] for row in first_round} == {
        f"{room.agreement.w:.2f}"
    }
    assert {row["Room's list: tables' weights combined by"] for row in first_round} == {"median"}
    assert {row["Room's list length"] for row in first_round} == {"4"}
    document = json.loads(store.decision_log_json(name, settings=facilitator._settings()))
    recorded = {entry["round"]: entry for entry in document["room_results"]}
    assert sorted(recorded) == [1, 2]
    assert [item["id"] for item in recorded[1]["shortlist"]] == list(room.shortlist_ids)
    assert recorded[1]["settings"]["aggregation"] == "median"
    kinds = [event["kind"] for event in document["events"]]
    assert kinds.count("room_result") == 2
    words = [e["detail"] for e in document["events"] if e["kind"] == "room_result"][0]
    assert words.startswith("Round 1's result: the room's list of 4 from the median of 4 tables'")
    facilitator.close()


def test_record_room_result_refuses_an_open_round_and_keeps_the_first(tmp_path):
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=["burden", "gap"])
    store.submit("W", "Table 1", "Residents", {"burden": 1, "gap": 2}, ["a"])
    result = {"shortlist": [{"id": "a", "label": "Alpha"}], "tables": ["Table 1"]}
    with pytest.raises(ValueError, match="not closed"):
        store.record_room_result("W", 1, result)
    store.close_round("W")
    assert store.record_room_result("W", 1, result)
    assert not store.record_room_result("W", 1, {"shortlist": []})
    assert store.room_result("W", 1)["shortlist"] == result["shortlist"]
    assert store.room_result("W", 2) is None
    with closing(sqlite3.connect(store.path)) as connection:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM room_results")
    # Without a recorded result the CSV keeps its columns as before.
    other = SubmissionStore(tmp_path / "t.sqlite", criteria=["burden", "gap"])
    other.submit("W", "Table 1", "Residents", {"burden": 1, "gap": 2}, ["a"])
    assert "Room's list" not in other.decision_log_csv("W").splitlines()[0]


def test_a_store_of_the_second_layout_gains_room_results(tmp_path):
    path = tmp_path / "v2.sqlite"
    store = SubmissionStore(path, criteria=["burden", "gap"])
    store.submit("W", "Table 1", "Residents", {"burden": 1, "gap": 2}, ["a"])
    store.close_round("W")
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("DROP TABLE room_results")
        connection.execute("PRAGMA user_version = 2")
        connection.commit()
    again = SubmissionStore(path, criteria=["burden", "gap"])
    assert again.room_result("W", 1) is None
    assert again.record_room_result("W", 1, {"shortlist": [{"id": "a", "label": "A"}]})
    assert again.submissions("W")["submission_id"].tolist() == [1]
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4


# -- 12. no repeated text ---------------------------------------------------------------------


@pytest.mark.parametrize("draws", [0, 20])
def test_one_banner_after_closing_and_w_named_once(quick, draws):
    facilitator = FacilitatorApp(quick, baseline_draws=draws)
    submit_tables(quick, ROUND_ONE)
    facilitator.close_round()
    banners = text_of(facilitator.round_status.value + facilitator.round_message.value)
    assert banners.count("Round 1 is closed") == 1
    assert facilitator.round_message.value == ""
    assert "is in the decision log" in banners
    facilitator.open_round()
    banners = text_of(facilitator.round_status.value + facilitator.round_message.value)
    assert banners.count("Round 2 is open") == 1
    agreement = text_of(facilitator.agreement.value.split("pophealth-kendall")[1])
    assert agreement.count("W") == 1, agreement
    assert "Kendall's W" in agreement and "W =" not in agreement
    facilitator.close()


# -- second round of findings (R3, R6, R7, R9, R13, W1, W4, W7, W12) ----------------------


def test_opening_the_next_round_records_the_closing_round_before_it_opens(quick):
    """R3: a table's screen never sees round 2 open while round 1 has no record."""
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    submit_tables(quick, ROUND_ONE)
    assert facilitator.open_round() == 2
    kinds = quick.store.events(quick.name)["kind"].tolist()
    closed = kinds.index("round_closed")
    assert kinds[closed : closed + 3] == ["round_closed", "room_result", "round_opened"]
    assert quick.store.room_result(quick.name, 1)["tables"] == list(ROUND_ONE)
    facilitator.close()


def test_close_round_records_the_result_in_the_same_write_or_not_at_all(tmp_path):
    """R9: the store closes and records together; a failure changes nothing."""
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=["burden", "gap"])
    store.submit("W", "Table 1", "Residents", {"burden": 1, "gap": 2}, ["a"])

    def broken(number):
        raise RuntimeError("the kernel died")

    with pytest.raises(RuntimeError):
        store.close_round("W", result=broken)
    assert store.current_round("W").open and store.room_result("W", 1) is None
    seen = []

    def result(number):
        # Read inside the closing write: the round is as it closes.
        seen.append(len(store.latest("W", round=number)))
        return {"shortlist": [{"id": "a", "label": "Alpha"}], "tables": ["Table 1"]}

    assert store.close_round("W", result=result) == 1
    assert seen == [1] and not store.current_round("W").open
    assert store.room_result("W", 1)["shortlist"] == [{"id": "a", "label": "Alpha"}]
    # Closing from Python through open_round records too.
    store.open_round("W")
    store.submit("W", "Table 1", "Residents", {"burden": 2, "gap": 2}, ["a"])
    assert store.open_round("W", result=result) == 3
    assert store.room_result("W", 2) is not None
    assert store.close_round("W", result=lambda n: None) == 3  # nobody submitted: no record
    assert store.room_result("W", 3) is None


def test_a_closed_round_shows_the_settings_it_was_closed_with(quick):
    """R6 + W1: changed settings, a reload, a merge: the screen never silently differs."""
    store, name = quick.store, quick.name
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    submit_tables(quick, ROUND_ONE)
    facilitator.aggregation.value = "median"
    facilitator.shortlist_size.value = 4
    facilitator.close_round()
    recorded = [item["id"] for item in store.room_result(name, 1)["shortlist"]]
    assert list(facilitator.room.shortlist_ids) == recorded
    assert facilitator.record_note.value == ""
    # The facilitator tries other settings: the screen says plainly what was recorded.
    facilitator.aggregation.value = "arithmetic_mean"
    facilitator.shortlist_size.value = 5
    note = text_of(facilitator.record_note.value)
    assert note.startswith("At closing, round 1's list was: ")
    assert "(the median of 4 tables' weights, 4 priorities)" in note
    assert "You are now viewing it with the average (arithmetic mean) and 5 priorities." in note
    # A reload opens on the settings round 1 was closed with, showing the recorded list.
    again = FacilitatorApp(quick, baseline_draws=0)
    assert (again.aggregation.value, again.shortlist_size.value) == ("median", 4)
    assert list(again.room.shortlist_ids) == recorded and again.record_note.value == ""
    document = json.loads(store.decision_log_json(name, settings=again._settings()))
    assert document["settings"]["aggregation"] == "median"
    assert document["settings"]["shortlist_size"] == 4
    # A merge after closing changes the tables counted: said, not silently shown.
    store.merge_tables(name, "Table 7", "Table 1")
    again.refresh(force=True)
    assert len(again.room.tables) == 3
    assert "3 tables counting (tables were merged, removed or added since)" in text_of(
        again.record_note.value
    )
    # Round 2 shown with other settings; choosing round 1 again shows its own.
    again.open_round()
    submit_tables(quick, {t: ROUND_TWO[t] for t in ("Table 1", "Table 4", "Table 10")})
    again.refresh()
    assert again.shown_round == 2
    again.aggregation.value = "geometric_mean"
    again.round_choice.value = 1
    assert (again.aggregation.value, again.shortlist_size.value) == ("median", 4)
    # Back to the open round: the facilitator's own settings for it, not round 1's.
    again.round_choice.value = 2
    assert again.aggregation.value == "geometric_mean"
    again.close_round()
    assert store.room_result(name, 2)["settings"]["aggregation"] == "geometric_mean"
    facilitator.close()
    again.close()


def test_a_result_that_cannot_be_worked_out_leaves_the_round_open_and_says_so(quick, monkeypatch):
    """Any error working out the room's result: the round stays as it was, said in words."""
    import toolkit.workshop._room_rounds as rounds

    facilitator = FacilitatorApp(quick, baseline_draws=0)
    submit_tables(quick, ROUND_ONE)

    def broken(*args, **kwargs):
        raise FloatingPointError("overflow in the weights")

    monkeypatch.setattr(rounds, "room_for_round", broken)
    assert facilitator.close_round() is None
    assert quick.store.current_round(quick.name).open
    said = text_of(facilitator.round_message.value)
    assert said.startswith("The room's result could not be worked out (FloatingPointError:")
    assert "nothing was changed: round 1 is as it was" in said
    facilitator.close()


def test_codes_and_hidden_letters_are_given_once_and_never_move(quick):
    """R7: adding tables moves nobody's code or letter; letters are not in table order."""
    store, name = quick.store, quick.name
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    submit_tables(quick, ROUND_ONE)
    facilitator.refresh()
    before = store.table_marks(name)
    letters_now = [before[f"table {n}"].letter for n in range(1, 13)]
    assert len(set(letters_now)) == 12 and all(len(x) == 1 for x in letters_now)
    assert letters_now != [chr(65 + i) for i in range(12)]  # not the tables' own order
    facilitator.hide_names.value = True
    heads = column_heads(facilitator.rankings.value)[2:6]
    assert sorted(heads) == heads  # columns in letter order: their order gives nothing away
    assert set(heads) == {before[t.casefold()].letter for t in ROUND_ONE}
    facilitator.hide_names.value = False
    store.add_table(name, "Pharmacy", "Clinicians")
    assert store.table_marks(name)["pharmacy"].code == "T13"
    store.add_table(name, "Dentists", "Clinicians")
    store.add_table(name, "Table 13", "Residents")
    after = store.table_marks(name)
    assert {key: after[key] for key in before} == before  # nobody moved
    assert after["pharmacy"].code == "T13" and after["dentists"].code == "T14"
    assert after["table 13"].code == "T15"  # T13 was given to Pharmacy: never passed on
    assert len({mark.letter for mark in after.values()}) == len(after)
    # A table that submits without a list is marked when first seen.
    weights = dict.fromkeys(quick.store.criteria, 1)
    store.submit("Other", "Blue", "Residents", weights, [quick.model.candidates[0]])
    assert store.table_marks("Other")["blue"].code == "T1"
    facilitator.close()


def test_a_store_of_the_third_layout_gains_table_marks_as_the_screen_showed(tmp_path):
    path = tmp_path / "v3.sqlite"
    store = SubmissionStore(path, criteria=["burden", "gap"])
    store.submit("W", "Table 10", "Residents", {"burden": 1, "gap": 2}, ["a"])
    store.set_tables("W", {"Table 2": "Residents", "Blue": "Residents"})
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("DROP TABLE table_marks")
        connection.execute("PRAGMA user_version = 3")
        connection.commit()
    marks = SubmissionStore(path, criteria=["burden", "gap"]).table_marks("W")
    codes = table_codes(["Table 2", "Blue", "Table 10"])  # the rule the screen used then
    assert {key: mark.code for key, mark in marks.items()} == {
        key: codes[key] for key in ("table 2", "blue", "table 10")
    }
    assert marks["table 2"].code == "T2" and marks["table 10"].code == "T10"
    assert marks["blue"].code == "T11"


def test_room_list_in_the_csv_follows_the_shortlist_rule(tmp_path):
    """R13: without candidate labels both columns hold ids."""
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=["burden", "gap"])
    store.submit("W", "Table 1", "Residents", {"burden": 1, "gap": 2}, ["a"])
    store.close_round(
        "W", result=lambda n: {"shortlist": [{"id": "a", "label": "Alpha"}], "tables": ["T"]}
    )
    row = _csv_rows(store.decision_log_csv("W", criteria_labels={"burden": "how many"}))[0]
    assert row["Shortlist"] == "a" and row["Room's list when the round closed"] == "a"
    row = _csv_rows(store.decision_log_csv("W", labels={"a": "Alpha"}))[0]
    assert row["Shortlist"] == "Alpha" and row["Room's list when the round closed"] == "Alpha"


def test_round_closed_is_said_once(quick):
    """W12: the button, the banner and the status do not each say the round is closed."""
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    submit_tables(quick, ROUND_ONE)
    facilitator.close_round()
    page = " ".join(
        [
            facilitator.open_round_button.description,
            facilitator.close_round_button.description,
            text_of(facilitator.round_status.value),
            text_of(facilitator.status.value),
        ]
    )
    assert page.count("Round 1 is closed") == 1, page
    assert facilitator.close_round_button.description == "Round closed"
    facilitator.close()


def test_what_changed_says_a_later_round_is_under_way(quick):
    """W7: round 2 under way while round 1 is shown: not "after a second round"."""
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    submit_tables(quick, ROUND_ONE)
    facilitator.open_round()
    change = text_of(facilitator.round_change.value)
    assert change == "Round 2 is under way: no table has submitted yet."
    submit_tables(quick, {"Table 4": ROUND_TWO["Table 4"]})
    facilitator.refresh()
    assert facilitator.shown_round == 1
    change = text_of(facilitator.round_change.value)
    assert "After a second round" not in change
    assert change.startswith("Round 2 is under way: 1 of 12 tables has submitted so far.")
    facilitator.close()


def test_a_room_list_of_another_length_than_the_tables_is_explained(quick):
    """W4: the room's list set to 4 while each table chose 3 on its own screen."""
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    submit_tables(quick, ROUND_ONE)
    facilitator.shortlist_size.value = 4
    words = (
        "The room's list is set to 4; each table chose 3 on its own screen: here each "
        "table's top 4 are compared."
    )
    assert words in text_of(facilitator.rankings.value), text_of(facilitator.rankings.value)[:400]
    assert words in text_of(facilitator.shortlist.value)
    facilitator.shortlist_size.value = 3
    assert "The room's list is set to" not in text_of(facilitator.rankings.value)
    facilitator.close()
