"""Board wording found wrong by walk-throughs: acronyms, counts and their nouns."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest

from toolkit.report import sections as report
from toolkit.workshop import SubmissionStore

ESTIMATE = "Could avoid a year (estimate)"


def test_workshop_weights_table_keeps_the_capitals_of_nhs_and_core20plus5(evidence, tmp_path):
    """The criterion column capitalises the first letter only: "NHS", "Core20PLUS5" kept."""
    from toolkit.report import read_decision_log

    priorities = evidence.priorities
    names = [criterion.name for criterion in priorities.criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=names)
    rng = np.random.default_rng(3)
    first = priorities.candidates["candidate"].iloc[0]
    for table in ("Table 1", "Table 2"):
        weights = {name: float(rng.integers(1, 11)) for name in names}
        store.submit("March", table, "Mixed", weights, [first])
    log = read_decision_log(store.export("March", tmp_path / "log.json"))
    _, weights_table, _, _ = report.workshop_section(log, priorities, config=evidence.config)
    shown = weights_table.cells["Criterion"].tolist()
    phrases = [criterion.phrase for criterion in priorities.criteria]
    assert any("NHS" in phrase for phrase in phrases)
    assert any("Core20PLUS5" in phrase for phrase in phrases)
    for phrase in phrases:
        assert phrase[:1].upper() + phrase[1:] in shown, (phrase, shown)
    text = " ".join(shown)
    assert "Nhs" not in text and "nhs" not in text and "core20plus5" not in text


@pytest.mark.parametrize(
    ("low", "high", "unit", "outcome", "expected"),
    [
        (0.0, 0.0, 100.0, "emergency_admissions", "0 emergency admissions a year (£0)"),
        (
            0.1,
            0.6,
            100.0,
            "emergency_admissions_falls",
            "fewer than one emergency admission after a fall a year (less than £100)",
        ),
        (
            0.4,
            1.2,
            1000.0,
            "emergency_admissions_cardiovascular",
            "up to about 1 emergency admission for heart and circulatory disease a year "
            "(up to about £1.0k)",  # the 1 shown × £1,000
        ),
        (
            1.0,
            1.0,
            math.nan,
            "persons_smoker",
            "about 1 person who smokes a year",
        ),
        (
            2.0,
            2.0,
            math.nan,
            "deaths_cancer",
            "about 2 deaths from cancer a year",
        ),
        (0.2, 0.7, math.nan, "persons_smoker", "fewer than one person who smokes a year"),
        (
            120.0,
            3400.0,
            100.0,
            "emergency_admissions",
            "about 120 to 3,400 emergency admissions a year (£12k to £340k)",
        ),
    ],
)
def test_shortlist_table_estimate_agrees_with_its_count(
    evidence, low, high, unit, outcome, expected
):
    """The noun agrees with the amount: never "1 emergency admissions" or "one people"."""
    from toolkit.prioritise._theme_row import shortlist_estimate
    from toolkit.prioritise.themes import OUTCOME_WORDS

    assert shortlist_estimate(low, high, unit, outcome, dict(OUTCOME_WORDS)) == expected
    # The prioritisation words its shortlist so, and the report's table shows its words.
    priorities = evidence.priorities
    shortlist = priorities.shortlist
    figures = ["avoidable_low", "avoidable_high", "unit_cost", "impact_outcome"]
    worded = [
        shortlist_estimate(*row, dict(OUTCOME_WORDS))
        for row in shortlist[figures].itertuples(index=False)
    ]
    assert shortlist["estimate"].tolist() == worded
    table = report.shortlist_table(priorities, period="2025/26", threshold=10)
    assert table.cells[ESTIMATE].tolist() == worded


def test_shortlist_reasons_never_say_fewer_than_one_fewer(evidence):
    """The reasons word a fall in people who smoke below one without a doubled "fewer"."""
    from toolkit.prioritise._theme_row import ThemePlan, facts
    from toolkit.prioritise.themes import OUTCOME_WORDS, load_themes

    theme = next(theme for theme in load_themes() if theme.id == "smoke_free_pregnancy")
    intervention = theme.interventions[0]
    plan = ThemePlan(theme, theme.outcomes[0], intervention.acts_on, intervention, "")
    text = facts(
        plan,
        cohort_words="Pregnant women",
        persons=55,
        events_a_year=12,
        cost_a_year=77_000,
        ratio=math.nan,
        low=0.2,
        high=0.7,
        unit_cost=math.nan,
        words=dict(OUTCOME_WORDS),
        threshold=10,
    )
    assert "fewer than one fewer" not in text
    assert "could mean less than one fewer person who smokes a year (an estimate)" in text, text


@pytest.mark.parametrize("count", [1, 2])
def test_the_board_asks_agree_with_the_number_of_priorities(evidence, count):
    """One priority is "the priority above" and "this priority", never "the 1 priorities"."""
    shortlist = evidence.priorities.shortlist.iloc[:count].copy()
    priorities = dataclasses.replace(evidence.priorities, shortlist=shortlist)
    asks = report.board_asks(
        priorities, evidence.profile, config=evidence.config, workshop_held=False
    ).text
    box = report.decision_box(priorities, config=evidence.config).text
    if count == 1:
        assert "Agree the priority above as the system's focus" in asks, asks
        assert "asked to agree this priority for" in box and "to follow it in" in box, box
    else:
        assert "Agree the 2 priorities above as the system's focus" in asks, asks
        assert "asked to agree these 2 priorities for" in box and "to follow them in" in box
    assert "1 priorities" not in asks + box


def test_page_one_asks_for_the_workshop_s_list_when_there_is_one(evidence, tmp_path):
    """With a decision log, page 1 asked the board to agree the list at equal weights."""
    from toolkit.report import read_decision_log
    from toolkit.report.decision_log import room_answer

    priorities = evidence.priorities
    names = [criterion.name for criterion in priorities.criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=names)
    # Every table weighs one criterion only: the room's list differs from equal weights.
    heavy = priorities.criteria[-1].name
    for table in ("Table 1", "Table 2"):
        weights = {name: 0.0 for name in names} | {heavy: 10.0}
        store.submit(
            "Spring", table, "Residents", weights, [priorities.shortlist["candidate"].iloc[0]]
        )
    log = read_decision_log(store.export("Spring", tmp_path / "log.json"))
    room = room_answer(log, priorities)
    ranked = list(room.shortlist["label"])
    assert ranked != list(priorities.labels)
    # The room's reasons give margins in points of the 0-100 score, as the report does.
    reasons = " ".join(room.shortlist["reason"].astype(str))
    assert " points" in reasons and not re.search(r"by 0\.\d\d\b", reasons), reasons
    box = report.decision_box(priorities, config=evidence.config, room=room, workshop="Spring")
    assert "as the 'Spring' workshop ranked them (section 4)" in box.text
    listed = [line.split(". ", 1)[1] for line in box.text.splitlines() if line[:1].isdigit()]
    assert listed == ranked
    glance = report.at_a_glance(
        report.segment_figures(evidence.cube, labels=evidence.model.labels),
        neighbourhoods=10,
        places=2,
        profile=evidence.profile,
        priorities=priorities,
        config=evidence.config,
        room=room,
        workshop="Spring",
    ).text
    assert f"Priorities as the 'Spring' workshop ranked them ({len(ranked)}): " in glance


def test_every_board_chart_reaches_the_page_with_alt_text(evidence, capsys):
    """The board report's charts carried nbconvert's "No description has been provided"."""
    from unittest import mock

    from toolkit.report.charts import show_figure

    figure = report.robustness_figure(evidence.priorities, period="2025/26")
    shown = []
    with mock.patch("IPython.display.display", lambda *args, **kw: shown.append(args)):
        show_figure(figure)
    (payload,) = shown[0]
    assert 'alt="' in payload["text/html"] and "2025/26" in payload["text/plain"]
