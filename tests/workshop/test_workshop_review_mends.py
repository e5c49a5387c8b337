"""The workshop after the last reviews: the room's weights recorded as a round closes and
shown from the record (the statistics never called by the page), a round closed without a
record said so, hidden names sent nowhere (no stakeholder group that could tell a letter's
table), a closing function that writes refused, a table's count read as one row, one
shared ``finite_or_none``, wide tables a tab stop in their HTML (the template takes it
away while they fit) and every part of the page inside a landmark (the browser side of
the last two is in ``test_workshop_browser``).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from html import unescape
from pathlib import Path

import ipywidgets as widgets
import pytest

from toolkit.prioritise import room_consensus
from toolkit.workshop import (
    FacilitatorApp,
    ParticipantApp,
    _html,
    _participant_page,
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


def refuse_statistics(monkeypatch) -> list[str]:
    """Make the room's statistics raise wherever the toolkit holds them (aliases too).

    Returns the names of the modules they were replaced in (each call is refused with an
    ``AssertionError`` naming the function).
    """
    import sys

    from toolkit.prioritise import _aggregation, consensus

    originals = {
        id(function): function
        for function in (
            room_consensus,
            consensus.room_consensus,
            _aggregation.aggregate_weights,
        )
    }

    def refusing(name: str):
        def refused(*args, **kwargs):
            raise AssertionError(f"{name} was called while the page was drawn")

        return refused

    replaced = []
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("toolkit") or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if id(value) in originals and value is originals[id(value)]:
                monkeypatch.setattr(module, attribute, refusing(value.__name__))
                replaced.append(f"{module_name}.{attribute}")
    return replaced


def test_a_recorded_round_is_drawn_from_its_record_without_the_statistics(quick, monkeypatch):
    """Views render results: with a record, the page works nothing of the room's out."""
    submit_tables(quick, FOUR)
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    facilitator.close_round()
    facilitator.open_round()
    replaced = refuse_statistics(monkeypatch)
    assert "toolkit.workshop._room_rounds.room_consensus" in replaced
    page = ParticipantApp(quick, submit_pause=0)
    page.table_picker.value = "Table 3"
    panel = page.previous_round.value
    assert 'data-recorded="true"' in panel and "Room's share (4 tables)" in text_of(panel)
    assert all("the room's average gave it 25% of its weight" in hint for hint in hints(page))
    ids = [item["id"] for item in quick.store.room_result(quick.name, 1)["shortlist"]]
    assert re.findall(r'<li data-candidate="([^"]+)"', panel) == ids


def test_an_unrecorded_round_is_worked_out_outside_the_view(quick, monkeypatch):
    """The page shows what ``unrecorded_result`` hands it and calls no statistic itself."""
    submit_tables(quick, FOUR)
    quick.store.close_round(quick.name)  # no record
    quick.store.open_round(quick.name)
    worked = _room_rounds.unrecorded_result(quick, 1, size=3)
    assert worked["worked_out"] is True and worked["round"] == 1
    assert worked["room_weights"]["tables"] == 4
    assert _room_rounds.recorded_shares(worked, NAMES) == (pytest.approx([0.25] * 4), 4)
    assert _room_rounds.recorded_shares({"shortlist": []}, NAMES) is None
    # A result no statistic would give: the page must show it as it is handed over.
    shares = dict(zip(NAMES, [0.4, 0.3, 0.2, 0.1], strict=True))
    chosen = list(quick.model.candidates)[-2:]
    labels = dict(zip(quick.model.candidates, quick.model.labels, strict=True))
    handed = {
        **worked,
        "shortlist": [{"id": c, "label": labels[c]} for c in chosen],
        "room_weights": {"shares": shares, "tables": 7},
    }
    asked = []

    def unrecorded(workshop, round_number, *, size):
        asked.append((round_number, size))
        return handed

    monkeypatch.setattr(_room_rounds, "unrecorded_result", unrecorded)
    monkeypatch.setattr(_participant_page, "unrecorded_result", unrecorded)
    refuse_statistics(monkeypatch)
    page = ParticipantApp(quick, submit_pause=0)
    page.table_picker.value = "Table 3"
    panel = page.previous_round.value
    assert asked and asked[-1] == (1, quick.shortlist_size)
    assert 'data-worked-out="true"' in panel
    assert "Room's share (7 tables)" in text_of(panel)
    assert re.findall(r'<li data-candidate="([^"]+)"', panel) == chosen
    for hint, share in zip(hints(page), shares.values(), strict=True):
        assert f"the room's average gave it {share:.0%} of its weight" in hint


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


def group_lists(html: str) -> dict[str, tuple[str, ...]]:
    """Each stakeholder group's list as the "by group" panel shows it."""
    rows = re.findall(r'<tr data-group="([^"]+)" data-shortlist="([^"]*)">', html)
    return {unescape(group): tuple(ids.split()) for group, ids in rows}


def letter_lists(room) -> list[tuple[str, ...]]:
    """Each table's own list, in order, as its letter's column shows it."""
    found = []
    for table in room.tables:
        chosen = room.table_shortlists[table]
        ranks = room.table_ranks.loc[chosen[chosen].index, table].sort_values(kind="stable")
        found.append(tuple(str(c) for c in ranks.index))
    return found


def assert_no_group_singles_a_table_out(facilitator) -> None:
    """With names hidden: no group of one table, no count of tables, no letter's list."""
    room, html = facilitator.room, facilitator.by_group.value
    counts = dict(zip(room.by_group()["group"], room.by_group()["tables"], strict=True))
    shown = group_lists(html)
    assert all(counts[group] >= 2 for group in shown), (counts, shown)
    lists = letter_lists(room)
    for group, ids in shown.items():
        assert ids not in lists and all(set(ids) != set(own) for own in lists), group
    assert ">Tables<" not in html
    for group, count in counts.items():
        if count < 2:
            assert group not in text_of(html), group
    # A group's effect only beside its row, with no count, and the room's list without
    # it (review 8, finding 2) no letter's list: with two groups it is the other's list.
    effects = re.findall(
        r'<li data-group="([^"]+)" data-came-in="([^"]*)" data-went-out="([^"]*)">([^<]*)</li>',
        html,
    )
    assert len(effects) == html.count('<li data-group="')
    for item, came_in, went_out, sentence in effects:
        group = unescape(item)
        assert group in shown and len(room.tables) - counts[group] >= 2, group
        without = (set(room.shortlist_ids) - set(came_in.split())) | set(went_out.split())
        assert all(without != set(own) for own in lists), group
        assert not re.search(r"\d", unescape(sentence)), sentence


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
    # Round 1 is shown: the clinicians' two tables, and a group of one table whose own
    # list is that table's (so, shown, it would tell which letter is which table).
    room = facilitator.room
    counts = dict(zip(room.by_group()["group"], room.by_group()["tables"], strict=True))
    assert counts["Clinicians"] == 2 and 1 in counts.values()
    assert set(group_lists(facilitator.by_group.value).values()) & set(letter_lists(room))
    facilitator.hide_names.value = True
    # No group of one table, no count of tables, no group's list that is a letter's.
    assert_no_group_singles_a_table_out(facilitator)
    assert group_lists(facilitator.by_group.value) == {}
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
    # Round 2: two tables, each its own group: no group's list at all.
    assert sorted(facilitator.room.by_group()["tables"]) == [1, 1]
    assert_no_group_singles_a_table_out(facilitator)
    assert group_lists(facilitator.by_group.value) == {}
    assert "a group is shown only if at least two of its tables took part" in text_of(
        facilitator.by_group.value
    )
    assert "pophealth-group-effects" not in facilitator.by_group.value
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


def test_with_names_hidden_a_group_is_shown_only_if_no_table_can_be_read_from_it(quick):
    """Review 7, finding 3: a group of one table gave its table's list, a letter's column."""
    plan = {
        # Two clinicians' tables far apart: their list is neither table's own.
        "Table 1": ("Clinicians", {"burden": 10, "inequality": 0, "cost": 0, "feasibility": 0}),
        "Table 2": ("Clinicians", {"burden": 0, "inequality": 10, "cost": 0, "feasibility": 0}),
        # Two residents' tables alike: their list is Table 3's own.
        "Table 3": ("Residents", {"burden": 0, "inequality": 0, "cost": 10, "feasibility": 0}),
        "Table 4": ("Residents", {"burden": 0, "inequality": 0, "cost": 10, "feasibility": 1}),
        # One table alone in its group.
        "Table 5": (
            "Local authority",
            {"burden": 0, "inequality": 0, "cost": 0, "feasibility": 10},
        ),
    }
    submit_tables(quick, plan)
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    room = facilitator.refresh()
    own = letter_lists(room)
    groups = room.by_group().set_index("group")
    clinicians, residents = (tuple(groups.loc[g, "shortlist"]) for g in ("Clinicians", "Residents"))
    # What the plan is for: the clinicians' list is no table's, the residents' is one's.
    assert all(set(clinicians) != set(one) for one in own) and residents in own
    shown = group_lists(facilitator.by_group.value)
    assert set(shown) == {"Clinicians", "Residents", "Local authority"}
    assert shown["Local authority"] in own and ">Tables<" in facilitator.by_group.value
    facilitator.hide_names.value = True
    html = facilitator.by_group.value
    assert_no_group_singles_a_table_out(facilitator)
    assert group_lists(html) == {"Clinicians": clinicians}
    # What each group's tables changed: only beside a group's row (not the residents',
    # whose list is a letter's), when the rest of the room is two tables or more too.
    effects = re.findall(r'<li data-group="([^"]+)"', html)
    assert effects == ["Clinicians"]
    assert room.group_effect("Clinicians", count_tables=False).sentence in unescape(html)
    # Shown again, every group comes back with its count.
    facilitator.hide_names.value = False
    assert set(group_lists(facilitator.by_group.value)) == set(shown)
    facilitator.close()


def test_with_names_hidden_two_groups_effects_give_no_letter_s_list(quick):
    """Review 8, finding 2: with two groups, the room without one is the other's list."""
    plan = {
        # Two residents' tables alike: their list is Table 1's (and Table 2's) own.
        "Table 1": ("Residents", {"burden": 0, "inequality": 0, "cost": 10, "feasibility": 0}),
        "Table 2": ("Residents", {"burden": 0, "inequality": 0, "cost": 10, "feasibility": 0}),
        # Two clinicians' tables far apart: their list is neither table's own.
        "Table 3": ("Clinicians", {"burden": 10, "inequality": 0, "cost": 0, "feasibility": 0}),
        "Table 4": ("Clinicians", {"burden": 0, "inequality": 10, "cost": 0, "feasibility": 0}),
    }
    submit_tables(quick, plan)
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    room = facilitator.refresh()
    own = letter_lists(room)
    groups = room.by_group().set_index("group")
    residents = tuple(groups.loc["Residents", "shortlist"])
    # What the plan is for: without the clinicians the room's list is a letter's own.
    assert residents in own and room.group_effect("Clinicians").without == residents
    assert "Clinicians group's 2 tables" in unescape(facilitator.by_group.value)  # names shown
    facilitator.hide_names.value = True
    assert_no_group_singles_a_table_out(facilitator)
    assert set(group_lists(facilitator.by_group.value)) == {"Clinicians"}
    assert "pophealth-group-effects" not in facilitator.by_group.value
    # Table 2 moves apart: both groups' lists are shown, so are their effects, uncounted.
    apart = {"burden": 0, "inequality": 0, "cost": 0, "feasibility": 10}
    submit_tables(quick, {"Table 2": ("Residents", apart)})
    facilitator.refresh(force=True)
    html = facilitator.by_group.value
    assert_no_group_singles_a_table_out(facilitator)
    assert re.findall(r'<li data-group="([^"]+)"', html) == ["Residents", "Clinicians"]
    assert "Without the Residents group's tables the room's list" in unescape(html)
    facilitator.close()


# -- 4. the closing function runs inside the write lock --------------------------------------


def test_a_result_that_writes_fails_and_leaves_the_round_as_it_was(tmp_path):
    """The closing function runs inside the store's write lock (``close_round``'s Notes):
    a write from inside it fails, and the round is left as it was; a read works."""
    store = SubmissionStore(tmp_path / "lock.sqlite", timeout=0.05, retries=0, min_interval=0)
    store.submit("W", "Table 1", "Residents", {"a": 1.0}, ["x"])

    def writes(number: int) -> dict:
        store.record_room_result("W", number, {"shortlist": []})
        return {"shortlist": []}

    with pytest.raises(StoreError):
        store.close_round("W", result=writes)
    assert store.current_round("W").open
    assert store.room_result("W", 1) is None
    # Opening the next round closes this one with its result: the same holds.
    with pytest.raises(StoreError):
        store.open_round("W", result=writes)
    assert (store.current_round("W").number, store.current_round("W").open) == (1, True)
    assert store.room_result("W", 1) is None

    def reads(number: int) -> dict:
        tables = sorted(store.latest("W", round=number)["table"])
        return {"shortlist": [], "tables": tables}

    assert store.open_round("W", result=reads) == 2
    assert store.room_result("W", 1)["tables"] == ["Table 1"]


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


def test_a_wide_table_s_html_is_a_tab_stop_wherever_it_is_shown(quick):
    """Review 7, finding 9: outside Voila (JupyterLab, a notebook) no script adds the tab
    stop, so the HTML itself must carry it for the keyboard to scroll a wide table."""
    block = _html.scrolling("<table></table>", "All the priorities in order")
    assert re.match(
        r'<div class="ph-scroll" tabindex="0" role="region" '
        r'aria-label="All the priorities in order: scroll sideways to see all" '
        r'data-label="All the priorities in order"',
        block,
    )
    # The widgets' own HTML: the full ranking and the round-1 table.
    submit_tables(quick, FOUR)
    quick.store.close_round(quick.name)
    quick.store.open_round(quick.name)
    page = ParticipantApp(quick, submit_pause=0)
    page.table_picker.value = "Table 1"
    page.ranking_toggle.value = True
    for html in (page.ranking.value, page.previous_round.value):
        found = re.findall(r'<div class="ph-scroll"([^>]*)>', html)
        assert found and all(
            'tabindex="0"' in attributes and 'role="region"' in attributes for attributes in found
        )
        assert all(re.search(r'aria-label="[^"]+: scroll sideways to see all"', a) for a in found)


def test_the_template_takes_the_tab_stop_away_while_a_table_fits():
    """A documentation check of the template's script; the behaviour (a tab stop only while
    the block scrolls, in Voila) is tested in a real browser by
    ``test_workshop_browser::test_a_wide_table_is_a_tab_stop_only_while_it_scrolls``."""
    template = TEMPLATE.read_text(encoding="utf-8")
    assert "block.scrollWidth > block.clientWidth" in template
    assert "removeAttribute('tabindex')" in template and "setAttribute('tabindex', '0')" in template


def test_the_page_s_content_is_inside_a_main_landmark():
    """A documentation check of the template; the behaviour (axe-core's "region" rule, and
    the views inside ``<main>``) is tested in a real browser by
    ``test_workshop_browser::test_two_rounds_with_four_groups_as_the_facilitator_sees_them``."""
    template = TEMPLATE.read_text(encoding="utf-8")
    header = template.split("{%- block body_header -%}")[1].split("{%- endblock")[0]
    footer = template.split("{%- block body_footer -%}")[1].split("{%- endblock")[0]
    assert "<main" in header and "</main>" in footer
