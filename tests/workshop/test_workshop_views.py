"""The participant and facilitator views, driven as a test would drive a slider.

Every test works on the real store (a SQLite file in a temporary folder) and the real
prioritisation code: it moves sliders, chooses tables and presses buttons by calling the
widgets' handlers, then checks the HTML the browser would get and what the store holds.
"""

from __future__ import annotations

import base64
import dataclasses
import re
from html import unescape

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest

from toolkit.prioritise import score_priorities
from toolkit.prioritise.consensus import aggregate_weights, compare_rounds, room_consensus
from toolkit.workshop import (
    FacilitatorApp,
    ParticipantApp,
    _html,
    kendalls_w,
    load_workshop,
    prepare_workshop,
)
from toolkit.workshop.store import StoreError, SubmissionStore
from toolkit.workshop.views import CHOOSE_TABLE, slider_settings_in_list

from .conftest import (
    CRITERIA,
    NAMES,
    make_candidates,
    participant,
)


def shown_order(app: ParticipantApp) -> list[str]:
    """Candidate ids in the order the full ranking's HTML lists them."""
    return re.findall(r'<tr data-candidate="([^"]+)"', app.ranking.value)


def top_items(app: ParticipantApp) -> list[tuple[str, str]]:
    """(candidate, move) of each item of "your top N", in order."""
    return re.findall(r'<li data-candidate="([^"]+)" data-move="([a-z]+)"', app.top.value)


def version(html: str) -> int:
    return int(re.search(r'data-version="(\d+)"', html).group(1))


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def expected_order(candidates, weights: dict[str, float]) -> list[str]:
    return score_priorities(candidates, criteria=CRITERIA, weights=weights)["candidate"].tolist()


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


# -- the participant's screen ---------------------------------------------------------------


def test_moving_a_slider_reranks_and_updates_the_top_list(workshop, candidates):
    app = ParticipantApp(workshop)
    app.ranking_toggle.value = True  # the full ranking is drawn while it is shown
    assert shown_order(app) == expected_order(candidates, dict.fromkeys(NAMES, 5.0))
    before = (version(app.top.value), version(app.ranking.value))
    for name, value in [("burden", 10), ("inequality", 0), ("cost", 9), ("feasibility", 1)]:
        app.sliders[name].value = value
        now = (version(app.top.value), version(app.ranking.value))
        assert now[0] > before[0] and now[1] > before[1]
        before = now
        assert app.weights()[name] == value
        order = expected_order(candidates, app.weights())
        assert shown_order(app) == order
        # No cohorts in this table: the top 3 is the first three of the ranking.
        assert [c for c, _ in top_items(app)] == order[:3] == app.shortlist()
    frame = app.ranking_frame()
    scored = score_priorities(candidates, criteria=CRITERIA, weights=app.weights())
    assert frame["candidate"].tolist() == scored["candidate"].tolist()
    np.testing.assert_allclose(frame["score"], scored["score"].round(3))
    assert all(isinstance(value, float) and value.is_integer() for value in app.weights().values())


def test_the_top_list_says_what_moved_up_down_in_and_out(workshop):
    app = ParticipantApp(workshop)
    assert {move for _, move in top_items(app)} == {"same"}  # nothing to compare with yet
    for name, value in [("burden", 10), ("cost", 0), ("inequality", 10), ("feasibility", 0)]:
        earlier = app.shortlist()
        app.sliders[name].value = value
        now = app.shortlist()
        for place, (candidate, move) in enumerate(top_items(app), start=1):
            if candidate not in earlier:
                assert move == "new"
            elif earlier.index(candidate) + 1 > place:
                steps = earlier.index(candidate) + 1 - place
                assert move == "up"
                assert re.search(
                    rf'data-candidate="{candidate}".*?ph-up">.*? up {steps}</span>', app.top.value
                )
            elif earlier.index(candidate) + 1 < place:
                assert move == "down"
            else:
                assert move == "same"
        gone = [candidate for candidate in earlier if candidate not in now]
        left = re.search(r'data-left="([^"]*)"', app.top.value)
        assert (left.group(1).split() if left else []) == gone
    assert app.top.value.count("<li ") == 3
    assert "Your top 3" in app.top.value


def test_facts_come_from_the_candidates_table_when_it_has_them(tmp_path):
    table = make_candidates()
    table["persons"] = np.linspace(1_000, 250_000, len(table))
    table["events_a_year"] = 1_234.0
    table["outcome_label"] = "Emergency admissions after a fall"
    table["cost_a_year"] = 13_700_000.0
    table["deprivation_ratio"] = [2.87] + [np.nan] * (len(table) - 1)
    config = prepare_workshop(table, out_dir=tmp_path / "facts", criteria=CRITERIA)
    app = ParticipantApp(load_workshop(config))
    facts = re.findall(r'<div class="ph-facts">([^<]*)</div>', app.top.value)
    assert len(facts) == 5
    assert all("care costs £13.7m a year" in line for line in facts)
    assert all("1,200 emergency admissions after a fall a year" in line for line in facts)
    first = app.model.candidates.index("c00")
    assert "2.9 times as common in the poorest areas" in _html.facts_line(
        app.model.table.iloc[app.model.order[first]].to_dict()
    )


def test_no_facts_are_shown_without_the_columns(workshop):
    app = ParticipantApp(workshop)
    assert "ph-facts" not in app.top.value


def test_the_full_ranking_is_behind_a_toggle(workshop):
    app = ParticipantApp(workshop)
    assert app.ranking.layout.display == "none"
    assert app.ranking_toggle.description == "Show the full ranking"
    assert "pophealth-full-ranking-toggle" in app.ranking_toggle._dom_classes
    assert shown_order(app) == []  # not drawn (nor sent to the page) while hidden
    app.ranking_toggle.value = True
    assert app.ranking.layout.display == ""
    assert app.ranking_toggle.description == "Hide the full ranking"
    assert shown_order(app) == list(app.order()) and len(shown_order(app)) == 12
    assert app.ranking.value.count('class="ph-in"') == 3
    app.ranking_toggle.value = False
    assert app.ranking.layout.display == "none"
    # Moved while hidden, the ranking shown again is the one for the sliders as they are now.
    shown = version(app.ranking.value)
    app.sliders["burden"].value = 0
    app.sliders["feasibility"].value = 10
    app.ranking_toggle.value = True
    assert shown_order(app) == list(app.order())
    assert version(app.ranking.value) == version(app.top.value) > shown
    assert [c for c, _ in top_items(app)] == shown_order(app)[:3]


def said_settings(words: str) -> set[int]:
    """The slider settings a sentence names: "8 or more", "1 or less, or 6 or more"..."""
    chosen: set[int] = set()
    for part in words.split(", or "):
        if match := re.fullmatch(r"(\d+) or more", part):
            chosen |= set(range(int(match.group(1)), 11))
        elif match := re.fullmatch(r"(\d+) or less", part):
            chosen |= set(range(int(match.group(1)) + 1))
        elif match := re.fullmatch(r"anything from (\d+) to (\d+)", part):
            chosen |= set(range(int(match.group(1)), int(match.group(2)) + 1))
        else:
            chosen.add(int(part))
    return chosen


def test_what_would_move_it_is_in_words_that_hold(workshop):
    app = ParticipantApp(workshop)
    app.sliders["burden"].value = 9
    model = workshop.model
    kinds = set()
    for candidate in app.order():
        app.candidate_picker.value = candidate
        text = unescape(app.explanation.value)
        assert f'data-candidate="{candidate}"' in text
        assert not re.search(r"\d+\.\d", text_of(app.explanation.value))  # no raw decimals
        lines = dict(re.findall(r'<li data-criterion="([^"]+)">(.*?)</li>', text))
        assert sorted(lines) == sorted(NAMES)
        inside = candidate in app.shortlist()
        index = model.candidates.index(candidate)
        for name, line in lines.items():
            member = set()  # the settings of this slider that put the candidate in the list
            for value in range(11):
                weights = {**app.weights(), name: float(value)}
                if sum(weights.values()) > 0:
                    picked = model.shortlisted(weights, size=3, per_cohort=workshop.per_cohort)
                    if index in picked:
                        member.add(value)
            phrase = _html.plain_phrase(name, model.criteria[NAMES.index(name)].phrase)
            if len(member) == 11:
                assert line.endswith("stays in your list whatever this slider says")
                kinds.add("stays")
            elif not member:
                assert line.endswith("no setting of this slider alone brings it in")
                kinds.add("never")
            elif inside:
                words = line.split(f"drops out of your list if you move '{phrase}' to ")[1]
                assert said_settings(words) == set(range(11)) - member, line
                kinds.add("out")
            else:
                words = line.split(f"comes into your list if you move '{phrase}' to ")[1]
                assert said_settings(words) == member, line
                kinds.add("in")
    assert kinds >= {"in", "out"}, kinds


def test_slider_settings_follow_the_scoring_model(workshop):
    app = ParticipantApp(workshop)
    model = workshop.model
    positions = np.array([7.0, 2.0, 5.0, 0.0])
    member = slider_settings_in_list(model, positions, 4, size=3, per_cohort=None)
    for column in range(4):
        for value in range(11):
            weights = positions.copy()
            weights[column] = value
            expected = weights.sum() > 0 and 4 in model.shortlisted(
                weights, size=3, per_cohort=None
            )
            assert member[column, value] == expected
    del app


def test_all_zero_weights_show_a_message_not_a_ranking(quick):
    app = participant(quick, "Table 1")
    app.ranking_toggle.value = True
    for slider in app.sliders.values():
        slider.value = 0
    assert "Give at least one criterion some weight" in app.top.value
    assert 'data-error="no-weight"' in app.top.value
    assert shown_order(app) == [] and "Give at least one criterion" in app.ranking.value
    assert app.submit() is None
    assert 'data-error="no-weight"' in app.confirmation.value
    app.sliders["cost"].value = 3
    assert len(shown_order(app)) == 12
    assert app.submit() is not None


def test_table_picker_lists_the_facilitators_active_tables(quick):
    store, name = quick.store, quick.name
    store.set_tables(
        name, {"Table 1": "Residents", "Table 2": "Clinicians", "Tabel 3": "Mixed table"}
    )
    store.add_table(name, "Table 3", "Voluntary sector")
    store.merge_tables(name, "Tabel 3", "Table 3")
    store.remove_table(name, "Table 2")
    app = ParticipantApp(quick)
    assert app.table_picker.options == (
        (CHOOSE_TABLE, ""),
        ("Table 1", "Table 1"),
        ("Table 3", "Table 3"),
    )
    assert app.table_picker.value == ""
    app.table_picker.value = "Table 3"
    assert app.role.value == "Voluntary sector"  # the table's group, from the store
    app.table_picker.value = "Table 1"
    assert app.role.value == "Residents"


def test_a_tables_own_link_restores_its_sliders_and_no_other_page_can_read_them(quick):
    first = participant(quick, "Table 2", burden=9, cost=1)
    assert quick.store.draft(quick.name, "Table 2") == {
        "burden": 9.0,
        "inequality": 5.0,
        "cost": 1.0,
        "feasibility": 5.0,
    }
    # Another page (the participants' link) choosing Table 2 sees the usual start, not
    # Table 2's sliders: choosing a name does not reveal a table's weights.
    snooper = ParticipantApp(quick)
    snooper.table_picker.value = "Table 2"
    assert snooper.weights() == dict.fromkeys(NAMES, 5.0)
    # A reload from Table 2's own link: a new kernel, and the sliders come back.
    code = quick.store.table_code(quick.name, "Table 2")
    reloaded = ParticipantApp(quick, table_code=code)
    assert reloaded.table_picker.value == "Table 2" and reloaded.table_picker.disabled
    assert reloaded.weights() == first.weights()
    assert reloaded.shortlist() == first.shortlist()
    assert {move for _, move in top_items(reloaded)} == {"same"}
    # An unknown code says so and leaves the page free to choose.
    stranger = ParticipantApp(quick, table_code="not-a-code")
    assert 'data-error="link"' in stranger.notice.value
    assert stranger.table_picker.value == "" and not stranger.table_picker.disabled
    # A table with neither a draft nor a submission keeps the sliders as they are.
    first.table_picker.value = "Table 5"
    assert first.weights()["burden"] == 9.0
    # The draft is not a submission.
    assert quick.store.submissions(quick.name).empty


def test_submit_and_resubmit(quick):
    app = ParticipantApp(quick, submit_pause=0)
    assert app.submit() is None
    assert 'data-error="no-table"' in app.confirmation.value
    assert "choose your table" in app.confirmation.value

    app.table_picker.value = "Table 4"
    app.role.value = "Residents"
    app.sliders["inequality"].value = 10
    app.dot_pickers[0].value = app.order()[0]
    app.dot_pickers[1].value = app.order()[0]
    first = app.submit()
    assert first is not None
    assert f'data-submission="{first}"' in app.confirmation.value
    assert 'data-round="1"' in app.confirmation.value
    assert "replaces" not in app.confirmation.value
    assert app.submit_button.disabled is False  # no pause in this test

    code = quick.store.table_code(quick.name, "Table 4")
    other = ParticipantApp(quick, submit_pause=0, table_code=code)  # the table's own link
    assert other.weights()["inequality"] == 10.0  # restored from the submission
    assert other.role.value == "Residents"  # as the table said, not the list's group
    other.sliders["burden"].value = 0
    second = other.submit()
    confirmed = unescape(other.confirmation.value)  # the table's count, not the store's id
    assert "your table's second submission this round" in confirmed
    assert re.search(r"replaces your table's earlier submission, sent at \d\d:\d\d;", confirmed)
    assert f"(submission {second})" not in confirmed

    log = quick.store.submissions(quick.name)
    assert log["submission_id"].tolist() == [first, second]
    assert log["superseded"].tolist() == [True, False]
    assert log["role"].tolist() == ["Residents", "Residents"]
    assert log["weight_inequality"].tolist() == [10.0, 10.0]
    assert log["weight_burden"].tolist() == [5.0, 0.0]
    assert log["shortlist"].iloc[0] == "; ".join(app.shortlist())
    votes = quick.store.dot_votes(quick.name, latest=False)
    assert votes[["candidate", "dots"]].values.tolist() == [[app.order()[0], 2]]


def test_the_submit_button_pauses_after_a_submission(quick):
    app = ParticipantApp(quick, submit_pause=60)
    app.table_picker.value = "Table 1"
    assert app.submit() is not None
    assert app.submit_button.disabled is True


def test_a_refused_submission_says_why_in_plain_words(workshop):
    # The workshop's own limit: two seconds between a table's submissions.
    app = participant(workshop, "Table 1")
    assert app.submit() is not None
    assert app.submit() is None
    assert 'data-error="refused"' in app.confirmation.value
    assert "data-submission" not in app.confirmation.value
    assert len(workshop.store.submissions(workshop.name)) == 1


def test_a_closed_round_disables_submit_and_is_refused(quick):
    app = participant(quick, "Table 1")
    quick.store.close_round(quick.name)
    app.refresh_round()
    assert re.search(r'data-round="1" data-open="false"', app.round_status.value)
    assert "Round 1 is closed" in app.round_status.value
    assert app.submit_button.disabled is True
    assert app.submit() is None  # the store refuses it too, and the table sees why
    assert 'data-error="refused"' in app.confirmation.value
    assert "closed" in app.confirmation.value
    quick.store.open_round(quick.name)
    app.refresh_round()
    assert re.search(r'data-round="2" data-open="true"', app.round_status.value)
    assert app.submit_button.disabled is False
    assert app.submit() is not None


def test_a_store_failure_reaches_the_table_and_the_problems_log(quick):
    app = participant(quick, "Table 1")
    quick.store_path.write_bytes(b"not a database at all " * 200)
    app.sliders["burden"].value = 8  # the draft cannot be saved: said, not raised
    assert 'data-error="draft"' in app.notice.value
    assert app.submit() is None
    assert 'data-error="store"' in app.confirmation.value
    message = text_of(app.confirmation.value)
    assert "could not be saved" in message and "Traceback" not in message
    assert app.weights()["burden"] == 8.0  # the sliders are unchanged
    assert any("could not be saved" in line for line in quick.store.problems())
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    assert 'data-error="store"' in facilitator.status.value
    assert "could not be saved" in facilitator.problems.value


def test_round_two_shows_the_tables_and_the_rooms_previous_weights(quick):
    app = participant(quick, "Table 1", burden=10, cost=0)
    app.submit()
    participant(quick, "Table 2", inequality=9, feasibility=2).submit()
    assert app.previous_round.value == ""
    quick.store.close_round(quick.name)
    quick.store.open_round(quick.name)
    app.refresh_round()
    panel = app.previous_round.value
    assert 'data-round="1"' in panel and 'data-submitted="true"' in panel
    latest = quick.store.latest(quick.name, round=1)
    room = aggregate_weights(latest, criteria=NAMES)["arithmetic_mean"].tolist()
    rows = re.findall(r"<tr>(.*?)</tr>", panel.split("<tbody>")[1])
    assert len(rows) == len(NAMES)
    mine = latest.iloc[0][[f"weight_{n}" for n in NAMES]].to_numpy(dtype=float)
    for row, own, share in zip(rows, mine, room, strict=True):
        cells = [text_of(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        assert cells[1] == f"{own:.0f}"
        assert cells[2] == f"{own / mine.sum():.0%}"
        assert cells[3] == f"{share:.0%}"
    expected = room_consensus(latest, model=quick.model, size=3, baseline_draws=0)
    assert re.findall(r'<li data-candidate="([^"]+)"', panel) == list(expected.shortlist_ids)
    assert "Round 1: your table put it at 10" in unescape(app._labels[0].value)
    # A table that did not submit in round 1 sees the room's choice only.
    newcomer = participant(quick, "Table 7")
    assert 'data-submitted="false"' in newcomer.previous_round.value
    assert "did not submit in round 1" in unescape(newcomer.previous_round.value)
    # Another page choosing Table 1 sees the room's weights, never Table 1's own.
    snooper = participant(quick, "Table 1")
    assert 'data-submitted="false"' in snooper.previous_round.value
    assert "your table put it at" not in unescape(snooper._labels[0].value)
    # Table 1's own link, after a reload, shows its round-1 weights again.
    linked = ParticipantApp(quick, table_code=quick.store.table_code(quick.name, "Table 1"))
    assert 'data-submitted="true"' in linked.previous_round.value


def test_every_control_is_labelled_and_no_button_has_an_icon(quick):
    participant_view = ParticipantApp(quick)
    facilitator_view = FacilitatorApp(quick, baseline_draws=0)
    for view in (participant_view.widget, facilitator_view.widget):
        for widget in walk(view):
            if isinstance(widget, widgets.Button):
                assert widget.icon == "" and widget.description
                assert widget.button_style == ""  # our own colours, not ipywidgets' blue
                assert {"ph-primary", "ph-secondary"} & set(widget._dom_classes)
            elif isinstance(widget, widgets.ToggleButton):
                assert widget.icon == "" and widget.description
            elif isinstance(widget, widgets.IntSlider) and not widget.description:
                labels = [c for c in widget._dom_classes if c.startswith("pophealth-label-")]
                assert labels, widget._dom_classes
            elif isinstance(
                widget, widgets.Dropdown | widgets.Checkbox | widgets.Text | widgets.IntSlider
            ):
                assert widget.description, widget
    label = next(c for c in participant_view.sliders["cost"]._dom_classes if "label" in c)
    assert label == "pophealth-label-Cost_per_head"


def test_text_colours_reach_four_and_a_half_to_one():
    for foreground, background in _html.TEXT_PAIRS:
        assert _html.contrast_ratio(foreground, background) >= 4.5, (foreground, background)
    assert _html.contrast_ratio("#FFFFFF", "#2196F3") < 4.5  # why we style buttons ourselves
    assert "#2196F3" not in _html.STYLESHEET


def test_the_glossary_explains_the_words_that_stay(tmp_path):
    table = make_candidates()
    table.loc[0, "label"] = "Help people with COPD breathe better"
    config = prepare_workshop(table, out_dir=tmp_path / "words", criteria=CRITERIA)
    app = ParticipantApp(load_workshop(config))
    text = text_of(app.glossary.value)
    assert "COPD" in text and "long-term lung disease" in text
    assert "Weight" in text and "Round" in text
    assert "Kendall" not in text  # not on this page


def test_the_layout_wraps_on_a_narrow_screen(workshop):
    app = ParticipantApp(workshop)
    main = next(w for w in walk(app.widget) if "ph-wrap" in getattr(w, "_dom_classes", ()))
    assert main.layout.flex_flow == "row wrap"
    sliders, side = main.children
    assert "ph-sliders" in sliders._dom_classes and "ph-side" in side._dom_classes
    assert app.top in side.children  # beside the sliders on a wide screen, under on a phone
    assert all(slider.layout.width == "100%" for slider in app.sliders.values())
    assert "min-width:200px" in _html.STYLESHEET  # the slider track on a phone
    assert "max-width" in _html.STYLESHEET


def test_views_reject_a_non_workshop():
    with pytest.raises(TypeError, match="must be a Workshop"):
        ParticipantApp("workshop.toml")
    with pytest.raises(TypeError, match="must be a Workshop"):
        FacilitatorApp(None)


def test_shortlist_takes_one_candidate_per_cohort(cohort_workshop):
    from toolkit.prioritise import shortlist

    table, workshop = cohort_workshop
    assert workshop.per_cohort == 1
    app = ParticipantApp(workshop)
    app.ranking_toggle.value = True
    for weights in ({}, {"burden": 10, "inequality": 0}, {"cost": 0, "feasibility": 10}):
        for name, value in weights.items():
            app.sliders[name].value = value
        expected = shortlist(
            score_priorities(table, criteria=CRITERIA, weights=app.weights()), size=3
        )
        assert app.shortlist() == expected["candidate"].tolist()
        assert [c for c, _ in top_items(app)] == app.shortlist()
        segments = table.set_index("candidate").loc[app.shortlist(), "segment"]
        assert segments.is_unique
    assert "one priority for each group of people" in app.top.value
    skipped = [
        candidate
        for candidate in app.order()[: app.order().index(app.shortlist()[-1])]
        if candidate not in app.shortlist()
    ]
    assert skipped, "the weights above should skip at least one candidate for its cohort"
    assert "same group of people as number" in app.ranking.value
    app.candidate_picker.value = skipped[0]
    assert "already in your list" in app.explanation.value


# -- the facilitator's screen -----------------------------------------------------------------


def submit_tables(workshop, plan: dict[str, tuple[str, dict[str, int]]]) -> None:
    for table, (role, moves) in plan.items():
        app = participant(workshop, table, **moves)
        app.role.value = role
        assert app.submit() is not None, app.confirmation.value


ROUND_ONE = {
    "Table 1": ("Residents", {"burden": 10, "cost": 1}),
    "Table 2": ("Residents", {"inequality": 10, "cost": 0}),
    "Table 3": ("Clinicians", {"feasibility": 10, "burden": 0}),
    "Table 4": ("Local authority", {"cost": 10, "inequality": 1}),
}


def test_facilitator_headline_agreement_and_groups(quick):
    facilitator = FacilitatorApp(quick, baseline_draws=50)
    assert facilitator.room is None
    assert "No table has submitted yet" in facilitator.status.value
    submit_tables(quick, ROUND_ONE)
    room = facilitator.refresh()
    assert room.tables == tuple(ROUND_ONE)
    # Of the 12 tables on the list (walk-through finding 1: the status names who is left).
    assert "<b>4</b> of 12 tables have submitted; waiting for Table 5" in facilitator.status.value
    html = facilitator.agreement.value
    assert f'data-on-every-list="{len(room.overlap.on_every_list)}"' in html
    assert unescape(re.search(r'class="pophealth-headline[^>]*>(.*?)</div>', html).group(1)) == (
        room.overlap.sentence
    )
    assert f'data-w="{room.agreement.w:.6f}"' in html
    assert f'data-baseline-median="{room.baseline.median_w:.6f}"' in html
    assert f'data-baseline-upper="{room.baseline.upper_w:.6f}"' in html
    assert room.baseline.sentence in unescape(html)
    ranks = room.table_ranks.to_numpy().T
    assert np.isclose(room.agreement.w, kendalls_w(ranks).w)
    # By group: the residents' own list, and what each group changed.
    groups = room.by_group()
    rows = re.findall(
        r'<tr data-group="([^"]+)" data-shortlist="([^"]*)">', facilitator.by_group.value
    )
    assert rows == [
        (g, " ".join(s)) for g, s in zip(groups["group"], groups["shortlist"], strict=True)
    ]
    assert [g for g, _ in rows] == ["Residents", "Clinicians", "Local authority"]
    for group in groups["group"]:
        assert room.group_effect(group).sentence in unescape(facilitator.by_group.value)
    assert facilitator.refresh() is room  # nothing new: not redrawn

    facilitator.aggregation.value = "median"
    assert facilitator.room is not room and facilitator.room.aggregation == "median"
    facilitator.shortlist_size.value = 4
    assert len(facilitator.room.shortlist) == 4
    assert facilitator.shortlist.value.count("<tr data-candidate=") == 4
    facilitator.close()


def test_facilitator_runs_two_rounds_and_says_what_changed(quick):
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    # Round 1 is open from the start; opening it again keeps its number.
    assert facilitator.open_round_button.description == "Open round 1"
    assert facilitator.open_round() == 1
    assert facilitator.open_round_button.description == "Open round 1"
    assert facilitator.close_round_button.description == (
        "Close round 1 and show the room's result"
    )
    submit_tables(quick, ROUND_ONE)
    facilitator.refresh()
    assert facilitator.close_round() == 1
    assert re.search(r'data-round="1" data-open="false"', facilitator.round_status.value)
    assert facilitator.open_round_button.description == "Open round 2"
    assert facilitator.close_round_button.disabled
    assert facilitator.open_round() == 2
    assert re.search(r'data-round="2" data-open="true"', facilitator.round_status.value)
    assert facilitator.shown_round == 1  # nobody has submitted in round 2 yet
    assert "so this shows round 1" in facilitator.status.value
    assert "pophealth-round-change" not in facilitator.round_change.value
    submit_tables(
        quick,
        {
            "Table 1": ("Residents", {"burden": 2, "cost": 10}),
            "Table 2": ("Residents", {"inequality": 2, "cost": 10}),
            "Table 3": ("Clinicians", {"feasibility": 3}),
            "Table 4": ("Local authority", {"cost": 10}),
        },
    )
    room = facilitator.refresh()
    assert facilitator.shown_round == 2 and room.round == 2
    before = room_consensus(
        quick.store.latest(quick.name, round=1), model=quick.model, size=3, baseline_draws=0
    )
    expected = compare_rounds(before, room, rounds=(1, 2))
    html = facilitator.round_change.value
    assert f'data-came-in="{" ".join(expected.came_in)}"' in html
    assert f'data-went-out="{" ".join(expected.went_out)}"' in html
    assert expected.sentence in unescape(html)
    assert expected.came_in or expected.went_out or expected.tables_changed
    # The events say what the facilitator did.
    kinds = " ".join(quick.store.events(quick.name)["kind"].astype(str))
    assert "open" in kinds and "close" in kinds


def test_side_by_side_fits_fifteen_tables_with_short_headings_and_hidden_names(quick):
    plan = {
        f"Table {n}": (("Residents", "Clinicians", "Voluntary sector")[n % 3], {"burden": n % 11})
        for n in range(1, 16)
    }
    quick.store.set_tables(quick.name, {name: role for name, (role, _) in plan.items()})
    submit_tables(quick, plan)
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    html = facilitator.rankings.value
    heads = re.findall(r"<th [^>]*>([^<]*)</th>", html.split("pophealth-side-by-side-table")[1])
    assert heads[2:17] == [f"T{n}" for n in range(1, 16)]
    assert max(len(head) for head in heads) <= 8  # short headings: no overflow at 1280 px
    key = text_of(html.split('class="ph-key"')[1].split("</div>")[0])
    assert "T1 : Table 1 (Clinicians)" in key and "T15 : Table 15 (Residents)" in key
    assert "Table 1 (Clinicians)" in text_of(html)
    facilitator.hide_names.value = True
    hidden = facilitator.rankings.value + facilitator.weights.value
    # Each table's letter is the one the store gave it once, at random.
    marks = quick.store.table_marks(quick.name)
    assert f"Table {marks['table 1'].letter}" in text_of(hidden)
    assert f"Table {marks['table 15'].letter}" in text_of(hidden)
    # No group beside a letter: a group could tell which table it is.
    assert not re.search(r"Table [A-Z]+ \(", text_of(hidden))
    assert not re.search(r"Table \d", hidden)  # attributes included
    assert facilitator._setup.layout.display == "none"  # the table list names tables
    assert facilitator.problems.layout.display == "none"
    assert "Table names are hidden" in facilitator.names_hidden_note.value
    facilitator.hide_names.value = False
    assert "Table 1 (Clinicians)" in text_of(facilitator.rankings.value)


def test_projector_mode_sets_large_type(quick):
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    assert "ph-projector" not in facilitator.widget._dom_classes
    facilitator.projector.value = True
    assert "ph-projector" in facilitator.widget._dom_classes
    assert re.search(r"\.ph-projector [^{]*\{font-size:2\dpx !important", _html.STYLESHEET)
    facilitator.projector.value = False
    assert "ph-projector" not in facilitator.widget._dom_classes


def test_downloads_are_the_stores_decision_logs(quick):
    submit_tables(quick, dict(list(ROUND_ONE.items())[:2]))
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    links = dict(
        (kind, (name, href))
        for kind, name, href in re.findall(
            r'data-kind="(csv|json)" download="([^"]+)" href="([^"]+)"', facilitator.downloads.value
        )
    )
    assert sorted(links) == ["csv", "json"]
    name, href = links["csv"]
    assert name.startswith("decision-log-") and name.endswith(".csv")
    assert href.startswith("data:text/csv;charset=utf-8;base64,")
    text = base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
    labels = dict(zip(quick.model.candidates, quick.model.labels, strict=True))
    phrases = {c.name: c.phrase for c in quick.model.criteria}
    assert text == quick.store.decision_log_csv(quick.name, labels=labels, criteria_labels=phrases)
    assert text.splitlines()[0].startswith("Table,Group,Round")
    name, href = links["json"]
    assert name.endswith(".json") and href.startswith("data:application/json;")
    document = base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
    assert '"round": 1' in document
    assert str(quick.store_path.parent) not in facilitator.downloads.value  # no server paths


def test_table_setup_goes_through_the_store(quick):
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    assert 'data-table="Table 12" data-status="active"' in facilitator.tables_html.value
    facilitator.new_table.value = "  Tabel 13 "
    facilitator.new_group.value = "Residents"
    assert facilitator.add_table()
    assert facilitator.new_table.value == ""
    tables = quick.store.tables(quick.name).set_index("table")
    assert tables.loc["Tabel 13", "group"] == "Residents"
    assert "Tabel 13" in facilitator.merge_source.options
    facilitator.merge_source.value = "Tabel 13"
    facilitator.merge_into.value = "Table 12"
    assert facilitator.merge_tables()
    facilitator.remove_choice.value = "Table 11"
    assert facilitator.remove_table()
    status = quick.store.tables(quick.name).set_index("table")["status"]
    assert status["Tabel 13"] == "merged into Table 12"
    assert status["Table 11"] == "removed"
    assert "Table 11" not in facilitator.remove_choice.options
    assert 'data-table="Table 11" data-status="removed"' in facilitator.tables_html.value
    assert len(quick.store.events(quick.name)) >= 3  # each change is in the log
    # A participant's picker follows the list.
    assert [v for _, v in ParticipantApp(quick).table_picker.options if v][-1] == "Table 12"
    facilitator.new_table.value = ""
    assert not facilitator.add_table()
    assert 'data-error="tables"' in facilitator.table_message.value


def test_problems_log_is_shown_newest_first(quick):
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    assert "No problems so far" in facilitator.problems.value
    app = participant(quick, "Table 1")
    quick.store.close_round(quick.name)
    app.submit()  # refused: the round is closed
    facilitator.refresh(force=True)
    lines = re.findall(r"<li>(.*?)</li>", facilitator.problems.value)
    assert lines and unescape(lines[0]) == quick.store.problems(limit=8)[-1]


def test_export_writes_the_logs_without_showing_paths(quick, tmp_path):
    submit_tables(quick, dict(list(ROUND_ONE.items())[:2]))
    facilitator = FacilitatorApp(quick, baseline_draws=0)
    paths = facilitator.export(tmp_path / "export")
    assert sorted(paths) == ["log_csv", "log_json", "room_rankings"]
    assert all(path.is_file() for path in paths.values())
    assert str(tmp_path) not in facilitator.exported.value
    frame = pd.read_csv(paths["log_csv"])
    assert frame["Table"].tolist() == ["Table 1", "Table 2"]


def test_facilitator_counts_per_cohort_shortlists(cohort_workshop):
    from toolkit.prioritise import shortlist

    table, workshop = cohort_workshop
    workshop = dataclasses.replace(workshop, min_interval=0)
    tables = {"Table 1": {"burden": 10}, "Table 2": {"cost": 10, "burden": 0}}
    expected_lists = {}
    for name, moves in tables.items():
        app = participant(workshop, name, **moves)
        app.submit()
        expected_lists[name] = shortlist(
            score_priorities(table, criteria=CRITERIA, weights=app.weights()), size=3
        )["candidate"].tolist()
    room = FacilitatorApp(workshop, baseline_draws=0).refresh()
    for name, expected in expected_lists.items():
        chosen = room.table_shortlists[name]
        assert sorted(chosen.index[chosen]) == sorted(expected)
    counts = room.rankings.set_index("candidate")["shortlisted_by"]
    for candidate, count in counts.items():
        assert count == sum(candidate in chosen for chosen in expected_lists.values())


def test_a_store_that_cannot_be_opened_is_reported_not_raised(tmp_path, candidates):
    config = prepare_workshop(candidates, out_dir=tmp_path / "broken", criteria=CRITERIA)
    workshop = load_workshop(config)
    workshop.store_path.write_bytes(b"garbage " * 500)
    with pytest.raises(StoreError):
        SubmissionStore(workshop.store_path)
    app = ParticipantApp(workshop)
    assert 'data-error="store"' in app.notice.value or 'data-error="store"' in (
        app.round_status.value
    )
    assert app.table_picker.options[0] == (CHOOSE_TABLE, "")
    facilitator = FacilitatorApp(workshop, baseline_draws=0)
    assert 'data-error="store"' in facilitator.status.value


def test_served_facilitator_lists_each_tables_own_link(quick):
    url = "http://127.0.0.1:8866/voila/render/workshop.ipynb?token=abc"
    facilitator = FacilitatorApp(quick, baseline_draws=0, participant_url=url)
    html = unescape(facilitator.tables_html.value)
    links = dict(re.findall(r'<li data-table="([^"]+)"><b>[^<]+</b>: <a href="([^"]+)"', html))
    active = quick.store.tables(quick.name)["table"].tolist()
    assert list(links) == active
    for table, link in links.items():
        code = link.split("&table=")[1]
        assert link.startswith(url) and quick.store.table_for_code(quick.name, code) == table
    # Not served: no links (there is no participants' link to build them from).
    assert "pophealth-table-links" not in FacilitatorApp(quick, baseline_draws=0).tables_html.value


def test_facts_keep_an_acronym_s_capitals_and_hide_small_counts():
    """ "A&E attendances" must stay as written mid-line; no count below the disclosure
    threshold reaches a table's screen (review 7: a theme's 7 admissions a year showed as
    "7"), as the board report says "fewer than 10"."""
    line = _html.facts_line(
        {"persons": 1200.0, "events_a_year": 120.0, "outcome_label": "A&E attendances"}
    )
    assert line.startswith("1,200 people; ")
    assert "120 A&E attendances a year" in line
    assert _html.facts_line({"persons": 10.0}) == "10 people"
    # rounded for the room: said to be, as the board report shows 1,170
    assert _html.facts_line({"persons": 1170.0}) == "about 1,200 people"
    for small in (0.4, 1.0, 2.0, 9.0):
        assert _html.facts_line({"persons": small}) == "fewer than 10 people"
    line = _html.facts_line(
        {"persons": 4_000.0, "events_a_year": 7.0, "outcome_label": "Emergency admissions"}
    )
    assert line == "4,000 people; fewer than 10 emergency admissions a year"
    status = _html.facts_line(
        {"persons": 570.0, "events_a_year": 8.0, "outcome": "persons_smoker",
         "outcome_label": "People who smoke"}
    )  # fmt: skip
    assert status == "570 people, fewer than 10 of whom smoke", status
