"""What the walk-throughs found on a table's screen (fourth walk: findings 3, 4, 6, 8-11;
second round: R3, R10, R15, W2-W5 and W11).

Each test drives the participant's page as the walk did (choose a table, move sliders,
submit, reload through the table's own link, a second round) on the real store, and
checks the words a resident at the table reads.
"""

from __future__ import annotations

import dataclasses
import re
from html import unescape
from pathlib import Path

import numpy as np
import pytest

from toolkit.prioritise import score_priorities
from toolkit.prioritise._theme_row import inequality_words
from toolkit.workshop import (
    ParticipantApp,
    _html,
    _table_facts,
    load_workshop,
    prepare_workshop,
)
from toolkit.workshop._view_parts import clock

from .conftest import (
    CRITERIA,
    make_candidates,
    participant,
)

TEMPLATE = (
    Path(__file__).parents[2] / "toolkit/workshop/voila/voila/templates/pophealth/index.html.j2"
)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def linked(workshop, table: str) -> ParticipantApp:
    """The page a table's own link opens (what a reload of that link gives)."""
    code = workshop.store.table_code(workshop.name, table)
    return ParticipantApp(workshop, submit_pause=0, table_code=code)


#: The room's shares a hand-made record keeps (as the facilitator's record does).
ROOM_WEIGHTS = {
    "shares": {"burden": 0.4, "inequality": 0.1, "cost": 0.3, "feasibility": 0.2},
    "tables": 2,
}


# -- finding 4: the confirmation counts the table's own submissions ------------------------


def test_the_confirmation_counts_the_tables_submissions_not_the_stores(quick):
    participant(quick, "Table 1", burden=9).submit()  # another table's submission first
    app = participant(quick, "Table 4", inequality=10)
    first = app.submit()
    assert first == 2  # the store's own number: never shown to the table
    said = text_of(app.confirmation.value)
    assert "your table's first submission this round" in said
    assert "submission 2" not in said and "replaces" not in said
    app.sliders["cost"].value = 0
    second = app.submit()
    said = text_of(app.confirmation.value)
    assert "your table's second submission this round" in said
    sent = clock(quick.store.submissions(quick.name)["submitted_at"].iloc[1])
    assert f"This replaces your table's earlier submission, sent at {sent};" in said
    assert f"(number {first})" not in said and f"submission {second}" not in said
    assert f'data-submission="{second}"' in app.confirmation.value  # for the browser tests
    # A new round starts the count again.
    quick.store.close_round(quick.name)
    quick.store.open_round(quick.name)
    app.refresh_round()
    app.submit()
    said = text_of(app.confirmation.value)
    assert "for round 2: your table's first submission this round." in said


def test_a_submission_after_another_pages_says_it_replaces_one_sent_from_elsewhere(quick):
    participant(quick, "Table 2", burden=8).submit()
    other = participant(quick, "Table 2")  # the participants' link: not this table's page
    other.submit()
    said = text_of(other.confirmation.value)
    assert "your table's second submission this round" in said
    assert "earlier submission, sent at" in said and "from another page" in said


# -- finding 3: never "did not submit" when the table did -------------------------------


def test_a_table_that_submitted_on_another_page_is_not_told_it_did_not(quick):
    participant(quick, "Table 1", burden=10, cost=0).submit()
    quick.store.close_round(quick.name)
    quick.store.open_round(quick.name)
    shared = participant(quick, "Table 1")  # the participants' link, in round 2
    panel = shared.previous_round.value
    words = text_of(panel)
    assert "did not submit" not in words
    assert "Your table submitted in round 1" in words
    assert "your table's own link" in words
    assert 'data-elsewhere="true"' in panel and 'data-submitted="false"' in panel
    assert "your table put it at" not in unescape(shared._labels[0].value)  # still hidden
    # A table that really did not submit is told so.
    newcomer = participant(quick, "Table 7")
    assert "Your table did not submit in round 1" in text_of(newcomer.previous_round.value)
    assert 'data-elsewhere="false"' in newcomer.previous_round.value


# -- finding 8: a reloaded page says the table has submitted ------------------------------


def test_a_reloaded_page_says_the_table_submitted_this_round(quick):
    first = participant(quick, "Table 4", inequality=10)
    first.submit()
    sent = clock(quick.store.submissions(quick.name)["submitted_at"].iloc[-1])
    reloaded = linked(quick, "Table 4")
    said = text_of(reloaded.confirmation.value)
    assert said == (
        f"Your table submitted at {sent} in this round; you can change the sliders and "
        "submit again to replace it."
    )
    assert f'data-submitted-at="{sent}"' in reloaded.confirmation.value
    # The participants' link says so too, and where to see the weights.
    shared = participant(quick, "Table 4")
    said = text_of(shared.confirmation.value)
    assert said.startswith(f"Your table submitted at {sent} in this round")
    # True whether or not the table was ever given its own link (round-2 finding R15).
    assert said.endswith(
        "This page does not show the weights your table sent; a page opened from your "
        "table's own link shows them."
    )
    # A table that has not submitted is told nothing.
    assert participant(quick, "Table 5").confirmation.value == ""
    # The next round: the round-1 submission is not "this round".
    quick.store.close_round(quick.name)
    quick.store.open_round(quick.name)
    reloaded.refresh_round()
    assert reloaded.confirmation.value == ""
    assert linked(quick, "Table 4").confirmation.value == ""


# -- finding 9: one tab stop per slider; the toggle says its state ------------------------


def test_sliders_show_their_number_as_text_not_as_a_second_control(workshop):
    app = participant(workshop, "Table 1")
    assert all(slider.readout is False for slider in app.sliders.values())
    assert len(app._readouts) == len(app.sliders)
    for readout, slider in zip(app._readouts, app.sliders.values(), strict=True):
        assert readout.value == (f'<span class="ph-value" aria-hidden="true">{slider.value}</span>')
    app.sliders["cost"].value = 8
    assert ">8</span>" in app._readouts[list(app.sliders).index("cost")].value
    app.set_weights({"cost": 2.0})  # a restore moves the number too
    assert ">2</span>" in app._readouts[list(app.sliders).index("cost")].value
    # The template follows the handle while it is dragged, and marks the toggle pressed.
    template = TEMPLATE.read_text(encoding="utf-8")
    assert "aria-pressed" in template and ".ph-toggle" in template and ".ph-value" in template
    assert "ph-toggle" in app.ranking_toggle._dom_classes


# -- finding 10: the board's bands, plain facts, and whom a status is of ------------------


@pytest.mark.parametrize("ratio", [0.85, 0.9, 0.97, 1.0, 1.04, 1.1, 1.12, 1.44, 2.87])
def test_the_gap_between_areas_is_banded_as_the_board_report_bands_it(ratio):
    line = _html.facts_line({"deprivation_ratio": ratio})
    same = inequality_words(ratio) == inequality_words(1.0)
    assert (line == "about the same rate in the poorest areas as in the best-off") is same
    if not same:
        assert f"{ratio:.1f} times" in line
    assert "1.0 times" not in line


def test_a_lower_rate_in_the_poorest_areas_is_said_as_less_common():
    line = _html.facts_line({"deprivation_ratio": 0.47})
    assert line == "less common in the poorest areas than in the best-off (0.5 times the rate)"


def test_a_status_is_said_of_the_people_counted_not_as_a_yearly_count():
    row = {
        "persons": 570,
        "cohort_label": "Pregnant women",
        "outcome": "persons_smoker",
        "outcome_label": "People who smoke",
        "events_a_year": 87.0,
        "cost_a_year": 911_000.0,
        "deprivation_ratio": np.nan,
    }
    assert _html.facts_line(row) == "570 pregnant women, 87 of whom smoke; care costs £911k a year"
    # A cohort of everyone is "people"; an event outcome keeps "a year".
    everyone = {**row, "cohort_label": "Everyone"}
    assert _html.facts_line(everyone).startswith("570 people, 87 of whom smoke;")
    events = {**row, "outcome": "emergency_admissions", "outcome_label": "Emergency admissions"}
    assert _html.facts_line(events).startswith("570 people; 87 emergency admissions a year;")


def test_the_what_would_move_it_panel_shows_the_top_lists_plain_facts(tmp_path):
    table = make_candidates()
    table["label"] = [f"Offer palliative care {chr(65 + i)}" for i in range(len(table))]
    table["persons"] = 470.0
    table["events_a_year"] = 560.0
    table["outcome_label"] = "Emergency admissions"
    table["cost_a_year"] = 4_300_000.0
    table["deprivation_ratio"] = 0.97
    table["facts"] = (
        "People in their last year of life: 476 people, whose care costs £4.3m a year; 564 "
        "emergency admissions a year, 0.7 times the rate in the least deprived fifth, age for age."
    )
    config = prepare_workshop(table, out_dir=tmp_path / "facts", criteria=CRITERIA)
    app = ParticipantApp(load_workshop(config))
    panel = text_of(app.explanation.value)
    plain = (
        "470 people; 560 emergency admissions a year; care costs £4.3m a year; about the same "
        "rate in the poorest areas as in the best-off"
    )
    assert plain in panel
    assert "least deprived fifth" not in panel and "0.7 times" not in panel
    assert plain in text_of(app.top.value)
    glossary = text_of(app.glossary.value)
    assert "Palliative care" in glossary and "eases pain" in glossary


# -- finding 11: a place decided by less than a point -------------------------------------


def close_workshop(tmp_path: Path, gap: float, size: int = 3):
    """A workshop whose third and fourth priorities differ by ``gap`` in burden alone."""
    table = make_candidates()
    weights = dict.fromkeys([c.name for c in CRITERIA], 5.0)
    order = score_priorities(table, criteria=CRITERIA, weights=weights)["candidate"].tolist()
    third = table.loc[table["candidate"] == order[2]].iloc[0]
    twin = third.copy()
    twin["candidate"], twin["label"] = "c99", "Candidate Twin"
    twin["burden"] = third["burden"] - gap
    table.loc[len(table)] = twin
    config = prepare_workshop(
        table, out_dir=tmp_path / f"close{gap}", criteria=CRITERIA, shortlist_size=size
    )
    return load_workshop(config), third["label"]


def test_a_cut_decided_by_less_than_a_point_is_said_beside_it(tmp_path):
    workshop, third = close_workshop(tmp_path, 0.01)
    app = ParticipantApp(workshop)
    assert app.shortlist()[-1] != "c99" and "c99" not in app.shortlist()
    app.ranking_toggle.value = True
    frame = app.ranking_frame(decimals=6)
    scores = dict(zip(frame["candidate"], frame["score"], strict=True))
    points = f"{scores['c99'] * 100:.0f}"
    sentence = (
        f"{third} and Candidate Twin score the same, {points}: the order between them is "
        "decided by less than a point."
    )
    cut = re.search(
        r'<tr class="ph-cut" data-close="true"><td colspan="4">([^<]*)</td>', app.ranking.value
    )
    assert cut is not None
    assert unescape(cut.group(1)) == f"Your top 3 ends here. {sentence}"
    assert f"Number 3: {sentence}" in text_of(app.top.value)


def test_a_cut_with_a_clear_gap_says_nothing_more(tmp_path):
    # A list of 2: with 3, the twin moves away but the next priority is 0.85 points from
    # the third, which is decided by less than a point (round-2 finding W11).
    workshop, _ = close_workshop(tmp_path, 60.0, size=2)
    app = ParticipantApp(workshop)
    app.ranking_toggle.value = True
    scores = app.ranking_frame(decimals=6)["score"].to_numpy()
    assert (scores[1] - scores[2]) * 100 > 1  # the cut is clear in the real scores
    assert "decided by less than a point" not in app.ranking.value + app.top.value
    assert re.search(
        r'<tr class="ph-cut" data-close="false"><td colspan="4">Your top 2 ends here<',
        app.ranking.value,
    )


# -- finding 6: a table sees the room's list the facilitator's screen showed ---------------


def test_the_previous_round_shows_the_room_s_list_recorded_at_closing(quick):
    """Before, the table's page worked out the room's list with the average and the
    workshop's size, whatever the facilitator's screen had shown with the median."""
    participant(quick, "Table 1", burden=10, cost=0).submit()
    participant(quick, "Table 2", burden=0, cost=10).submit()
    quick.store.close_round(quick.name)
    labels = dict(zip(quick.model.candidates, quick.model.labels, strict=True))
    shown = list(quick.model.candidates)[-2:][::-1]  # not the list the average gives
    result = {
        "shortlist": [{"id": c, "label": labels[c]} for c in shown],
        "agreement": None,
        "tables": ["Table 1", "Table 2"],
        "room_weights": ROOM_WEIGHTS,
        "settings": {"aggregation": "median", "shortlist_size": 2},
    }
    assert quick.store.record_room_result(quick.name, 1, result)
    quick.store.open_round(quick.name)
    page = participant(quick, "Table 1")
    panel = page.previous_round.value
    assert re.findall(r'<li data-candidate="([^"]+)"', panel) == shown
    words = text_of(panel)
    # The workshop's own list is 3: the heading says why the room's is 2 (round 2, W4).
    assert "The room's top 2 in round 1 (the facilitator set the room's list to 2):" in words
    assert "the middle value of every table's share" in words
    assert "the room's middle value gave it" in unescape(page._labels[0].value)


def test_without_a_recorded_result_the_room_s_list_is_worked_out_as_before(quick):
    participant(quick, "Table 1", burden=10, cost=0).submit()
    quick.store.close_round(quick.name)
    quick.store.open_round(quick.name)
    panel = participant(quick, "Table 1").previous_round.value
    assert f"The room's top {quick.shortlist_size} in round 1:" in text_of(panel)
    assert "the average of every table's share" in text_of(panel)


# -- second round: R3, R10, R15, W3, W4, W5 and W11 ----------------------------------------


def test_a_panel_drawn_before_the_record_is_drawn_again_once_it_appears(quick):
    """R3: the facilitator's page opens round 2 a moment before it records round 1."""
    participant(quick, "Table 1", burden=10, cost=0).submit()
    participant(quick, "Table 2", burden=0, cost=10).submit()
    page = participant(quick, "Table 1")
    quick.store.close_round(quick.name)
    quick.store.open_round(quick.name)
    page.refresh_round()  # a poll in the gap: the list worked out on the page
    assert 'data-recorded="false"' in page.previous_round.value
    shown = list(quick.model.candidates)[-2:][::-1]
    labels = dict(zip(quick.model.candidates, quick.model.labels, strict=True))
    assert quick.store.record_room_result(
        quick.name,
        1,
        {
            "shortlist": [{"id": c, "label": labels[c]} for c in shown],
            "agreement": None,
            "tables": ["Table 1", "Table 2"],
            "room_weights": ROOM_WEIGHTS,
            "settings": {"aggregation": "median", "shortlist_size": 2},
        },
    )
    page.refresh_round()  # the next poll: same round, but now recorded
    panel = page.previous_round.value
    assert 'data-recorded="true"' in panel
    assert re.findall(r'<li data-candidate="([^"]+)"', panel) == shown
    assert "the middle value of every table's share" in text_of(panel)


def recorded_round(quick, shortlist: list[dict], aggregation: str, size: int) -> None:
    participant(quick, "Table 1", burden=10, cost=0).submit()
    participant(quick, "Table 2", burden=0, cost=10).submit()
    quick.store.close_round(quick.name)
    result = {
        "shortlist": shortlist,
        "agreement": None,
        "tables": ["Table 1", "Table 2"],
        "room_weights": ROOM_WEIGHTS,
        "settings": {"aggregation": aggregation, "shortlist_size": size},
    }
    assert quick.store.record_room_result(quick.name, 1, result)
    quick.store.open_round(quick.name)


def test_a_recorded_priority_the_workshop_no_longer_has_is_said_not_dropped(quick):
    """R10: before, it was dropped and the heading said "top 1"."""
    known = quick.model.candidates[0]
    label = dict(zip(quick.model.candidates, quick.model.labels, strict=True))[known]
    shortlist = [
        {"id": known, "label": label},
        {"id": "gone_1", "label": "Offer a service since withdrawn"},
        {"id": "gone_2", "label": "Another withdrawn service"},
    ]
    recorded_round(quick, shortlist, "arithmetic_mean", 3)
    panel = participant(quick, "Table 1").previous_round.value
    words = text_of(panel)
    assert "The room's top 3 in round 1:" in words
    assert re.findall(r'<li data-candidate="([^"]+)"', panel) == [known, "gone_1", "gone_2"]
    assert "Offer a service since withdrawn (not among this workshop's priorities now)" in words
    assert (
        "2 of the room's 3 priorities in round 1 are not among this workshop's priorities now."
        in words
    )


def test_a_room_list_of_another_length_says_the_facilitator_set_it(quick):
    """W4: "The room's top 2" beside "Your top 3" said nothing of why."""
    labels = dict(zip(quick.model.candidates, quick.model.labels, strict=True))
    shortlist = [{"id": c, "label": labels[c]} for c in quick.model.candidates[:2]]
    recorded_round(quick, shortlist, "median", 2)
    words = text_of(participant(quick, "Table 1").previous_round.value)
    assert quick.shortlist_size == 3
    assert "The room's top 2 in round 1 (the facilitator set the room's list to 2):" in words


def test_the_geometric_mean_is_explained_once_not_under_every_slider(quick):
    """R15: its explanation in brackets was repeated beside each of the sliders."""
    labels = dict(zip(quick.model.candidates, quick.model.labels, strict=True))
    shortlist = [{"id": c, "label": labels[c]} for c in quick.model.candidates[:3]]
    recorded_round(quick, shortlist, "geometric_mean", 3)
    page = participant(quick, "Table 1")
    panel = text_of(page.previous_round.value)
    explanation = "an average in which a share any table set low counts for more"
    assert panel.count(explanation) == 1
    hints = [unescape(label.value) for label in page._labels]
    assert all(explanation not in hint for hint in hints)
    assert all("the room's combined share was" in hint for hint in hints)
    shared = participant(quick, "Table 2")  # submitted from another page: weights hidden
    words = text_of(shared.previous_round.value)
    assert "a page opened from your table's own link shows them" in words
    assert "your table's own link does" not in words


def test_a_closed_round_no_longer_invites_the_table_to_submit_again(quick):
    """W3: after closing, "you can ... submit again to replace it" stayed on the page."""
    page = participant(quick, "Table 4", inequality=10)
    page.submit()
    quick.store.close_round(quick.name)
    page.refresh_round()
    said = text_of(page.confirmation.value)
    assert said.startswith("Your table submitted at ") and said.endswith(" in round 1.")
    assert "submit again" not in said
    assert page.submit_button.disabled


def test_a_refusal_stays_when_the_round_closes(quick):
    page = participant(quick, "Table 4", inequality=10)
    page.refresh_round()
    quick.store.close_round(quick.name)
    page.submit()  # refused: the page has not seen the close yet
    assert 'data-error="refused"' in page.confirmation.value
    page.refresh_round()
    assert 'data-error="refused"' in page.confirmation.value


def test_the_shared_link_says_a_tables_own_link_keeps_its_place(quick):
    """W5: a reload of the shared link forgets the table, and the page said nothing."""
    from toolkit.workshop._participant import LINK_HINT

    shared = participant(quick)
    assert "your table's own link (ask the facilitator) keeps your table and sliders" in (
        text_of(shared.link_hint.value)
    )
    assert shared.link_hint in shared.widget.children
    assert text_of(shared.link_hint.value) == LINK_HINT
    assert linked(quick, "Table 1").link_hint.value == ""  # the own link needs no such line


def test_a_cut_half_a_point_apart_is_said_though_the_whole_numbers_differ(tmp_path):
    """W11: 37.73 and 37.23 read "38" and "37", and nothing was said."""
    labels = ["Prevent falls", "Help people in their last year of life", "Other"]
    scores = np.array([0.3773, 0.3723, 0.2])
    ranks = np.array([1, 2, 3])
    words = _table_facts.close_call_words(
        labels=labels,
        scores=scores,
        ranks=ranks,
        positions=np.array([1, 0, 0]),
        related_to=np.zeros(3, dtype=int),
    )
    assert words == (
        "Prevent falls scores 38 and Help people in their last year of life scores 37, but "
        "the scores are rounded: the order between them is decided by less than a point."
    )
    apart = _table_facts.close_call_words(
        labels=labels,
        scores=np.array([0.3849, 0.3723, 0.2]),  # 1.3 points: "38" and "37", not close
        ranks=ranks,
        positions=np.array([1, 0, 0]),
        related_to=np.zeros(3, dtype=int),
    )
    assert apart == ""


def test_wide_tables_scroll_inside_their_block_on_a_phone(quick):
    """W2: the round-1 table and the full ranking ran past a 390 px column and were cut."""
    participant(quick, "Table 1", burden=10, cost=0).submit()
    quick.store.close_round(quick.name)
    quick.store.open_round(quick.name)
    page = participant(quick, "Table 1")
    page.ranking_toggle.value = True
    for html in (page.previous_round.value, page.ranking.value):
        assert re.search(r'<div class="ph-scroll"[^>]*><table', html)
    assert "min-width:0" in _html.STYLESHEET and "@media (max-width:480px)" in _html.STYLESHEET


#: Elements of the participant's view that stick out of their column (the sliders, the side
#: column with "your top 5", or the view), outside a block that scrolls sideways.
CUT_OFF_JS = """() => {
  const out = [];
  for (const e of document.querySelectorAll('.ph-view *')) {
    const r = e.getBoundingClientRect();
    if (!r.width || e.closest('.ph-scroll')) { continue; }
    const column = e.parentElement.closest('.ph-side, .ph-sliders, .ph-view');
    if (column && r.right > column.getBoundingClientRect().right + 1) {
      out.push(e.tagName + '.' + [...e.classList].slice(0, 2).join('.') + ': '
               + (e.innerText || '').slice(0, 40));
    }
  }
  return out.slice(0, 10);
}"""


@pytest.mark.browser
@pytest.mark.slow
def test_nothing_is_cut_off_on_a_phone_in_round_two(tmp_path):
    """W2: at 390 px the round-1 table and the full ranking ran past their column."""
    from .test_workshop_browser import CHROMIUM, CHROMIUM_ARGS, LOAD_MS

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    from toolkit.workshop import start_server

    table = make_candidates(count=16, seed=11)
    table["label"] = [
        f"Treat tobacco dependence in everyone admitted to hospital who smokes ({i})"
        for i in range(len(table))
    ]
    room = {"Table 1": "Clinicians", "Table 2": "Residents"}
    # The walk's phrases: "(Core20PLUS5)" is the widest word of the round-1 table.
    phrases = [
        "harm it could prevent each year",
        "a national NHS priority for fairer health (Core20PLUS5)",
        "deaths from the illnesses it tackles",
        "how much worse it is in the poorest areas",
    ]
    criteria = [dataclasses.replace(c, label=p) for c, p in zip(CRITERIA, phrases, strict=True)]
    config = prepare_workshop(
        table, out_dir=tmp_path / "phone", criteria=criteria, shortlist_size=5, tables=room
    )
    workshop = load_workshop(config)
    for i, name in enumerate(room):
        weights = {c.name: float((i + j) % 10 + 1) for j, c in enumerate(criteria)}
        workshop.store.submit(workshop.name, name, room[name], weights, [table["candidate"][0]])
    workshop.store.close_round(workshop.name)
    workshop.store.open_round(workshop.name)
    code = workshop.store.table_code(workshop.name, "Table 1")
    server = start_server(config, port=0, tables=1, cull_seconds=5, startup_timeout=120)
    try:
        server.wait_until_warm(timeout=240)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 390, "height": 844})
            context.set_default_timeout(LOAD_MS)
            page = context.new_page()
            page.goto(f"{server.participant_url}&table={code}")
            page.wait_for_selector(".ph-previous li")
            page.click(".pophealth-full-ranking-toggle")
            page.wait_for_selector(".pophealth-ranking tr[data-rank]")
            page.wait_for_timeout(500)
            assert page.evaluate(CUT_OFF_JS) == []
            widths = page.eval_on_selector_all(
                ".ph-scroll", "blocks => blocks.map(b => b.getBoundingClientRect().right)"
            )
            assert len(widths) == 2 and max(widths) <= 390, widths
            browser.close()
    finally:
        server.stop()


def test_a_table_s_count_in_a_round_is_one_indexed_read_of_its_own_rows(quick):
    """R11: the confirmation no longer reads the whole log to count a table's submissions."""
    store, name = quick.store, quick.name
    first = participant(quick, "Table 1", burden=10).submit()
    other = participant(quick, "Table 2", cost=10).submit()
    second = participant(quick, "Table 1", burden=3).submit()
    mine = store.table_round_submissions(name, " table 1", second)  # case, spacing ignored
    log = store.submissions(name).set_index("submission_id")
    assert (mine.round, mine.count) == (1, 2)
    assert mine.previous_at == log.loc[first, "submitted_at"].to_pydatetime()
    once = store.table_round_submissions(name, "Table 1", first)
    assert (once.round, once.count, once.previous_at) == (1, 1, None)
    assert store.table_round_submissions(name, "Table 1", other) is None  # not the table's
    statements: list[str] = []
    import sqlite3

    real = sqlite3.connect

    def traced(*args, **kwargs):
        connection = real(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    sqlite3.connect = traced
    try:
        store.table_round_submissions(name, "Table 1", second)
    finally:
        sqlite3.connect = real
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert reads and all("table_key = " in s for s in reads if "FROM submissions" in s)
