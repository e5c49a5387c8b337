"""The workshop after the last review: the room's weights recorded as a round closes and
shown from the record, a round closed without a record said so, hidden names sent nowhere,
the closing function's lock documented, a table's count read as one row, one shared
``finite_or_none``, wide tables a tab stop only while they scroll, and every part of the
page inside a landmark (the browser side of the last two is in ``test_workshop_browser``).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
from pathlib import Path

import ipywidgets as widgets
import pytest

from toolkit.prioritise import room_consensus
from toolkit.workshop import (
    FacilitatorApp,
    ParticipantApp,
    _html,
    _room_rounds,
    _store_values,
    _table_facts,
)
from toolkit.workshop.store import StoreError, SubmissionStore, TableRoundCount

from .conftest import NAMES
from .test_workshop_room_walk import submit_tables, text_of

WORKSHOP = Path(__file__).parents[2] / "toolkit" / "workshop"
TEMPLATE = WORKSHOP / "voila/voila/templates/pophealth/index.html.j2"

#: Four tables, each weighting one criterion only: the room's average gives each a quarter.
FOUR = {
    "Table 1": ("Clinicians", {"burden": 10, "inequality": 0, "cost": 0, "feasibility": 0}),
    "Table 2": ("Residents", {"burden": 0, "inequality": 0, "cost": 10, "feasibility": 0}),
    "Table 3": ("Voluntary sector", {"burden": 0, "inequality": 10, "cost": 0, "feasibility": 0}),
    "Table 4": ("Local authority", {"burden": 0, "inequality": 0, "cost": 0, "feasibility": 10}),
}


def hints(page: ParticipantApp) -> list[str]:
    return [text_of(label.value) for label in page._labels]


# -- 1. the room's weights: recorded at closing, shown from the record ----------------------


def test_the_record_keeps_the_room_s_weights_as_the_facilitator_s_screen_showed_them(quick):
    mixed = {
        "Table 1": ("Clinicians", {"burden": 10, "inequality": 2, "cost": 1}),
        "Table 2": ("Residents", {"inequality": 9, "cost": 4}),
        "Table 3": ("Voluntary sector", {"burden": 3, "feasibility": 8}),
        "Table 4": ("Local authority", {"cost": 7, "feasibility": 2}),
    }
    submit_tables(quick, mixed)
    facilitator = FacilitatorApp(quick, aggregation="median", baseline_draws=0)
    facilitator.close_round()
    room = facilitator.room
    record = quick.store.room_result(quick.name, 1)
    weights = record["room_weights"]
    assert weights["tables"] == 4 == len(room.tables)
    assert list(weights["shares"]) == NAMES
    shown = dict(zip(room.weights["criterion"], room.weights["median"], strict=True))
    assert weights["shares"] == pytest.approx(shown)
    assert sum(weights["shares"].values()) == pytest.approx(1.0)
    # The facilitator's highlighted column shows the same figures.
    for share in weights["shares"].values():
        assert f"{share:.0%}" in text_of(facilitator.weights.value)
    # What was there before is kept: the record only gained a key.
    assert {"tables", "shortlist", "agreement", "settings", "headline"} <= set(record)


def test_a_table_s_panel_shows_the_recorded_weights_not_those_left_after_a_merge(quick):
    """Before, the panel worked the shares out again: "3 tables" beside the room's list
    recorded with 4, and shares the facilitator's screen never showed."""
    submit_tables(quick, FOUR)
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    facilitator.close_round()
    quick.store.merge_tables(quick.name, "Table 2", "Table 1")
    assert len(quick.store.latest(quick.name, round=1)) == 3  # what a recount would use
    facilitator.open_round()
    page = ParticipantApp(quick, submit_pause=0)
    page.table_picker.value = "Table 3"
    panel = page.previous_round.value
    words = text_of(panel)
    assert "Room's share (4 tables)" in words
    assert "3 tables" not in words
    assert 'data-recorded="true"' in panel and 'data-worked-out="false"' in panel
    # Each criterion a quarter, as recorded: a recount would give burden 0% and cost 33%.
    assert all("the room's average gave it 25% of its weight" in hint for hint in hints(page))
    assert words.count("25%") == len(NAMES)
    # The room's list is the recorded one too.
    ids = [item["id"] for item in quick.store.room_result(quick.name, 1)["shortlist"]]
    assert re.findall(r'<li data-candidate="([^"]+)"', panel) == ids


def test_an_older_record_without_the_room_s_weights_says_they_were_not_recorded(quick):
    submit_tables(quick, FOUR)
    quick.store.close_round(quick.name)
    labels = dict(zip(quick.model.candidates, quick.model.labels, strict=True))
    shown = list(quick.model.candidates)[:3]
    assert quick.store.record_room_result(
        quick.name,
        1,
        {
            "shortlist": [{"id": c, "label": labels[c]} for c in shown],
            "agreement": None,
            "tables": list(FOUR),
            "settings": {"aggregation": "median", "shortlist_size": 3},
        },
    )
    quick.store.open_round(quick.name)
    page = ParticipantApp(quick, submit_pause=0)
    page.table_picker.value = "Table 3"
    panel = page.previous_round.value
    words = text_of(panel)
    assert 'data-shares="not-recorded"' in panel
    assert "The room's share of each criterion was not recorded when round 1 closed" in words
    assert "Room's share" not in words and "%" not in words  # nothing worked out instead
    assert re.findall(r'<li data-candidate="([^"]+)"', panel) == shown
    assert "the middle value of every table's share" in words  # how the list was made
    assert not any("room" in hint for hint in hints(page))


# -- 2. a round closed without a record ------------------------------------------------------


def test_a_round_closed_without_a_record_says_its_list_is_worked_out(quick):
    submit_tables(quick, FOUR)
    quick.store.close_round(quick.name)  # from Python, no result: nothing recorded
    quick.store.open_round(quick.name)
    page = ParticipantApp(quick, submit_pause=0)
    page.table_picker.value = "Table 3"
    panel = page.previous_round.value
    words = text_of(panel)
    assert 'data-recorded="false"' in panel and 'data-worked-out="true"' in panel
    assert (
        "The facilitator closed round 1 without recording the room's list, so the room's "
        "list and shares here are worked out from each table's latest weights in that "
        "round, averaged." in words
    )
    expected = room_consensus(
        quick.store.latest(quick.name, round=1),
        model=quick.model,
        size=quick.shortlist_size,
        per_cohort=quick.per_cohort,
        baseline_draws=0,
    )
    assert re.findall(r'<li data-candidate="([^"]+)"', panel) == list(expected.shortlist_ids)
    assert "Room's share (4 tables)" in words
    # A record made later replaces the worked-out list on the next poll.
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    room = facilitator._consensus(1)
    assert quick.store.record_room_result(
        quick.name, 1, _room_rounds.result_record(room, facilitator._settings())
    )
    page.refresh_round()
    assert 'data-worked-out="false"' in page.previous_round.value
    assert "without recording" not in text_of(page.previous_round.value)


def test_the_worked_out_result_is_made_outside_the_view(quick):
    """Views render results: the participant's page no longer imports the aggregation."""
    source = (WORKSHOP / "_participant_page.py").read_text(encoding="utf-8")
    assert "aggregate_weights" not in source and "room_consensus" not in source
    submit_tables(quick, FOUR)
    worked = _room_rounds.unrecorded_result(quick, 1, size=3)
    assert worked["worked_out"] is True and worked["round"] == 1
    assert worked["room_weights"]["tables"] == 4
    assert _room_rounds.recorded_shares(worked, NAMES) == (pytest.approx([0.25] * 4), 4)
    assert _room_rounds.recorded_shares({"shortlist": []}, NAMES) is None


# -- 3. hidden names -------------------------------------------------------------------------


def screen_text(widget: widgets.Widget) -> list[str]:
    """Every string a widget and its children send to the screen (hidden parts too)."""
    found: list[str] = []
    for name in ("value", "description", "tooltip", "placeholder"):
        value = getattr(widget, name, None)
        if isinstance(value, str):
            found.append(value)
    for option in getattr(widget, "options", ()) or ():
        found.append(str(option[0] if isinstance(option, tuple) else option))
    for child in getattr(widget, "children", ()) or ():
        found.extend(screen_text(child))
    return found


def test_hidden_names_send_no_table_s_name_to_the_screen(quick):
    store, name = quick.store, quick.name
    store.add_table(name, "Pharmacy", "Clinicians")
    plan = {
        **{table: FOUR[table] for table in ("Table 1", "Table 2", "Table 3")},
        "Pharmacy": ("Clinicians", {"burden": 3, "cost": 8}),
    }
    submit_tables(quick, plan)
    facilitator = FacilitatorApp(quick, participant_url="http://room/voila/render/x?token=t")
    facilitator.close_round()
    facilitator.open_round()
    submit_tables(quick, {"Table 1": FOUR["Table 4"], "Pharmacy": FOUR["Table 3"]})
    store.merge_tables(name, "Table 3", "Table 2")  # a table of round 1 only
    store.remove_table(name, "Table 12")  # a line in the table list and the log
    facilitator.refresh(force=True)
    real = list(store.tables(name)["table"])
    assert "Pharmacy" in real and len(real) == 13
    shown = "\n".join(screen_text(facilitator.widget))
    assert "Pharmacy" in shown and 'data-table="Table 1"' in shown  # before hiding
    facilitator.hide_names.value = True
    shown = "\n".join(screen_text(facilitator.widget))
    for table in real:
        assert not re.search(rf"{re.escape(table)}(?!\d)", shown), table
    assert not re.search(r'data-table="(Table \d|Pharmacy)', shown)  # attributes too
    assert not re.search(r"Table \d", facilitator.new_table.placeholder)  # a real name, maybe
    # A group beside a letter could tell which table it is: none is shown.
    marks = store.table_marks(name)
    key = facilitator.rankings.value.split('class="ph-key"')[1].split("</div>")[0]
    for table in ("table 1", "table 2", "pharmacy"):
        assert f"Table {marks[table].letter}" in text_of(key)
    assert not re.search(r"Table [A-Z]+ \(", text_of(facilitator.rankings.value))
    assert not re.search(r'title="Table [A-Z]+ \(', facilitator.rankings.value)
    assert facilitator.tables_html.value == "" and facilitator.problems.value == ""
    # Closing round 2 with names hidden: what changed between the rounds names no table.
    facilitator.close_round()
    assert 'data-rounds="1 2"' in facilitator.round_change.value
    shown = "\n".join(screen_text(facilitator.widget))
    for table in real:
        assert not re.search(rf"{re.escape(table)}(?!\d)", shown), table
    # Shown again, the list of tables, its links and the pickers come back.
    facilitator.hide_names.value = False
    assert 'data-table="Pharmacy"' in facilitator.tables_html.value
    assert "Pharmacy" in facilitator.remove_choice.options
    assert facilitator.new_table.placeholder == "for example Table 13"
    assert re.search(
        r"Table 1 \((Local authority|Clinicians)\)", text_of(facilitator.rankings.value)
    )
    facilitator.close()


# -- 4. the closing function runs inside the write lock --------------------------------------


def test_close_round_says_its_result_runs_inside_the_write_lock(tmp_path):
    doc = inspect.getdoc(SubmissionStore.close_round)
    notes = doc.split("Notes\n-----\n")[1]
    flat = " ".join(notes.split())
    assert "inside the store's write lock" in flat
    assert "Keep it quick" in flat and "never let it write to the store" in flat
    assert "must not write to the store" in " ".join(
        inspect.getdoc(SubmissionStore.open_round).split()
    )
    # What the Notes say: a write from inside it fails, and the round is left as it was.
    store = SubmissionStore(tmp_path / "lock.sqlite", timeout=0.05, retries=0, min_interval=0)
    store.submit("W", "Table 1", "Residents", {"a": 1.0}, ["x"])

    def writes(number: int) -> dict:
        store.record_room_result("W", number, {"shortlist": []})
        return {"shortlist": []}

    with pytest.raises(StoreError):
        store.close_round("W", result=writes)
    assert store.current_round("W").open
    assert store.room_result("W", 1) is None


# -- 6. a table's count in a round: one row --------------------------------------------------


def test_a_table_s_place_in_its_round_is_one_row_however_many_it_sent(quick):
    page = ParticipantApp(quick, submit_pause=0)
    page.table_picker.value = "Table 5"
    sent = []
    for value in range(1, 7):
        page.sliders["burden"].value = value
        sent.append(page.submit())
    found = quick.store.table_round_submissions(quick.name, "Table 5", sent[-1])
    assert isinstance(found, TableRoundCount)
    assert dataclasses.astuple(found)[:2] == (1, 6)
    assert len(dataclasses.fields(found)) == 3  # the same three values for any count
    log = quick.store.submissions(quick.name).set_index("submission_id")
    assert found.previous_at == log.loc[sent[-2], "submitted_at"].to_pydatetime()
    assert "your table's sixth submission this round" in text_of(page.confirmation.value)


# -- 7. one shared finite_or_none -------------------------------------------------------------


def test_finite_or_none_is_one_public_helper_both_modules_import():
    assert _room_rounds.finite_or_none is _store_values.finite_or_none
    assert _table_facts.finite_or_none is _store_values.finite_or_none
    assert _store_values.finite_or_none("2.5") == 2.5
    assert _store_values.finite_or_none(float("nan")) is None
    assert _store_values.finite_or_none("x") is None
    # No module of the workshop imports another's private name.
    private = []
    for path in WORKSHOP.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("toolkit"):
                private += [
                    f"{path.name}: {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                    and not alias.name.startswith("__")
                    and alias.name != "_html"
                ]
    assert private == []


# -- 5 and 8: the page's HTML and template -----------------------------------------------------


def test_a_wide_table_is_no_tab_stop_until_the_browser_finds_it_scrolls():
    block = _html.scrolling("<table></table>", "All the priorities in order")
    assert "tabindex" not in block and "role=" not in block
    assert 'data-label="All the priorities in order"' in block
    template = TEMPLATE.read_text(encoding="utf-8")
    assert "block.scrollWidth > block.clientWidth" in template
    assert "setAttribute('tabindex', '0')" in template and "removeAttribute('tabindex')" in template


def test_the_page_s_content_is_inside_a_main_landmark():
    template = TEMPLATE.read_text(encoding="utf-8")
    header = template.split("{%- block body_header -%}")[1].split("{%- endblock")[0]
    footer = template.split("{%- block body_footer -%}")[1].split("{%- endblock")[0]
    assert "<main" in header and "</main>" in footer
