"""Review 7, finding 1: the shortlist's estimate is hidden with the count it is taken from.

The estimate of what a theme could avoid is the count its intervention acts on times the
theme's published factors, so it gives that count back. The board report's "Could avoid a
year" column hid it only with the headline events; it now also hides it where the count it
is taken from is below the threshold (the facts say "fewer than 10") or where the report's
linked tables hide that count (``shortlist/<candidate>/impact_events_a_year``), and the
facts that give the count are then not shown either.
"""

from __future__ import annotations

import dataclasses
import warnings

import pandas as pd
import pytest

from toolkit.prioritise import prioritise, theme_candidates
from toolkit.report import sections as report
from toolkit.report.disclosure import SUPPRESSED_SYMBOL
from toolkit.report.linked import JOIN_MATCHED, link_board_report, link_report
from toolkit.segment import assign_segments, build_cohort_cube

THRESHOLD = 10
ESTIMATE = "Could avoid a year (estimate)"
SMI = "serious_mental_illness_physical_health"
CARDIO = "emergency_admissions_cardiovascular"


def _acting_on_another(shortlist: pd.DataFrame, counts: list[float]) -> pd.DataFrame:
    """The shortlist's first rows as themes whose estimate is of another outcome's events."""
    rows = shortlist.iloc[: len(counts)].copy()
    return rows.assign(
        outcome="deaths_under_75",
        impact_outcome=CARDIO,
        events_a_year=[42.0] * len(counts),
        impact_events_a_year=counts,
    )


def test_an_estimate_taken_from_a_count_below_the_threshold_is_hidden(evidence):
    shortlist = _acting_on_another(evidence.priorities.shortlist, [9.0, 70.0, 10.0])
    priorities = dataclasses.replace(evidence.priorities, shortlist=shortlist)
    table = report.shortlist_table(priorities, period="2025/26", threshold=THRESHOLD)
    cells = table.cells[ESTIMATE].tolist()
    assert cells[0] == SUPPRESSED_SYMBOL, cells
    assert SUPPRESSED_SYMBOL not in cells[1:], cells
    assert any(note.startswith(SUPPRESSED_SYMBOL) for note in table.notes), table.notes
    # The headline events (42) are not what hides it: they are shown.
    assert table.cells["Events a year"].tolist() == ["42"] * 3


def _three_cohorts() -> pd.DataFrame:
    """Cohort c is cohorts a and b together: c's count less b's would give a's back."""
    return pd.DataFrame(
        {
            "segment": ["s", "s", "t"],
            "imd_decile": [1, 2, 3],
            "place": ["P", "P", "P"],
            "join": [JOIN_MATCHED] * 3,
            "cohort:a": [True, False, False],
            "cohort:b": [False, True, False],
            "cohort:c": [True, True, False],
            "persons": [40, 300, 2_000],
            "emergency_admissions": [30, 80, 200],
            "deaths": [2, 4, 20],
            CARDIO: [5, 30, 60],
        }
    )


def test_the_linked_tables_hide_the_estimate_with_the_count_it_is_taken_from(evidence):
    linked = link_report(
        _three_cohorts(),
        segments=["s", "t"],
        threshold=THRESHOLD,
        shortlist={"a": None, "b": None, "c": None},
        acted_on={"a": CARDIO, "b": CARDIO, "c": CARDIO},
    )
    keys = [f"shortlist/{name}/impact_events_a_year" for name in "abc"]
    hidden = [linked.is_suppressed(key) for key in keys]
    # a's 5 admissions, and one of b's 30 or c's 35 so that a's cannot be differenced.
    assert hidden[0] and sum(hidden) == 2, hidden
    shortlist = _acting_on_another(evidence.priorities.shortlist, [5.0, 30.0, 35.0]).assign(
        candidate=list("abc"), persons=[40.0, 300.0, 340.0]
    )
    priorities = dataclasses.replace(evidence.priorities, shortlist=shortlist)
    table = report.shortlist_table(priorities, period="2025/26", threshold=THRESHOLD, linked=linked)
    shown = [cell == SUPPRESSED_SYMBOL for cell in table.cells[ESTIMATE]]
    assert shown == hidden, (table.cells[ESTIMATE].tolist(), hidden)
    # The facts give the count: not shown where it is hidden, shown where it is not.
    reasons = report.shortlist_reasons(priorities, linked=linked).text
    for name, facts, is_hidden in zip("abc", shortlist["facts"], hidden, strict=True):
        assert (facts in reasons) is not is_hidden, name


@pytest.fixture(scope="module")
def with_smi(evidence):
    """The report's persons, prioritised among three themes, one acting on another outcome."""
    persons = evidence.inputs.persons
    candidates = theme_candidates(build_cohort_cube(persons, model=None), min_events=1)
    keep = candidates.table["theme"].isin([SMI, "high_blood_pressure", "falls_and_frailty"])
    chosen = dataclasses.replace(candidates, table=candidates.table[keep].reset_index(drop=True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        priorities = prioritise(chosen, size=3, draws=200)
    segmented = assign_segments(persons, model=evidence.model)
    linked = link_board_report(
        segmented,
        evidence.inputs.areas,
        segments=list(evidence.model.labels),
        priorities=priorities,
        threshold=THRESHOLD,
    )
    return priorities, linked


def test_the_count_an_estimate_is_taken_from_is_a_linked_figure(with_smi):
    priorities, linked = with_smi
    row = priorities.shortlist.set_index("theme").loc[SMI]
    key = f"shortlist/{row['candidate']}/impact_events_a_year"
    assert key in linked.cells
    assert linked.value(key) == round(row["impact_events_a_year"])
    # Themes acting on their own headline outcome have no such figure.
    others = priorities.shortlist[priorities.shortlist["theme"] != SMI]["candidate"]
    assert not any(f"shortlist/{c}/impact_events_a_year" in linked.cells for c in others)
    table = report.shortlist_table(priorities, period="2025/26", threshold=THRESHOLD, linked=linked)
    position = priorities.shortlist["theme"].tolist().index(SMI)
    hidden = table.cells[ESTIMATE].iloc[position] == SUPPRESSED_SYMBOL
    assert hidden is linked.is_suppressed(key)
    if row["impact_events_a_year"] < THRESHOLD:
        assert hidden
