"""People with a status are worded as people at the time, not "a year" (issue 11).

An outcome that counts people with a status (``persons_smoker``: pregnant women who
smoke) is not divided by the years the cube covers: its count, and the people whose status
an intervention could change, are people at the time. The words said otherwise: the
sentence read "could mean about 3 to 33 fewer people who smoke a year" and the report's
shortlist table headed the count "Events a year" and the estimate "Could avoid a year" on
every row, the smoking one included. Events keep "a year", word for word.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import pytest

from toolkit.prioritise._theme_row import ThemePlan, facts, shortlist_estimate
from toolkit.prioritise.themes import OUTCOME_WORDS, load_themes
from toolkit.report import find_small_counts
from toolkit.report import sections as report
from toolkit.report._priorities import AVOID_OR_CHANGE_HEADER, EVENTS_OR_PEOPLE_HEADER

WORDS = dict(OUTCOME_WORDS)
THEME = "smoke_free_pregnancy"
EVENTS_HEADER, ESTIMATE_HEADER = "Events a year", "Could avoid a year (estimate)"


def _facts(theme_id: str, *, cohort: str, low: float, high: float, unit_cost: float) -> str:
    theme = next(theme for theme in load_themes() if theme.id == theme_id)
    intervention = theme.interventions[0]
    plan = ThemePlan(theme, theme.outcomes[0], intervention.acts_on, intervention, "")
    return facts(
        plan,
        cohort_words=cohort,
        persons=5_000,
        events_a_year=120,
        cost_a_year=77_000,
        ratio=math.nan,
        low=low,
        high=high,
        unit_cost=unit_cost,
        words=WORDS,
        threshold=10,
    )


def test_the_sentence_says_fewer_people_who_smoke_not_a_year():
    text = _facts(THEME, cohort="Pregnant women", low=3.0, high=33.0, unit_cost=math.nan)
    assert "; 120 people who smoke " in text, text
    assert "could mean about 3 to 33 fewer people who smoke (an estimate)." in text, text
    assert "who smoke a year" not in text
    # Money is still a year: the care of the cohort costs so much a year.
    assert "whose care costs £77k a year" in text


def test_the_sentence_of_events_keeps_a_year():
    text = _facts("falls_and_frailty", cohort="Older people", low=3.0, high=33.0, unit_cost=100.0)
    assert "120 emergency admissions after a fall a year" in text, text
    assert "could avoid about 3 to 33 emergency admissions after a fall a year (£300" in text


@pytest.mark.parametrize(
    ("low", "high", "said"),
    [
        (3.0, 33.0, "about 3 to 33 fewer people who smoke"),
        (0.5, 1.2, "up to about 1 fewer person who smokes"),
        (0.2, 0.7, "less than one fewer person who smokes"),
    ],
)
def test_the_shortlist_estimate_of_people_who_smoke_has_no_year(low, high, said):
    assert shortlist_estimate(low, high, math.nan, "persons_smoker", WORDS) == said
    assert (
        shortlist_estimate(3.0, 33.0, 100.0, "emergency_admissions", WORDS)
        == "about 3 to 33 emergency admissions a year (£300 to £3.3k)"
    )


@pytest.fixture(scope="module")
def priorities():
    """A two-year system's priorities, with the pregnancy theme in the shortlist."""
    from toolkit.data import make_demo_system
    from toolkit.prioritise import prioritise_persons

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        persons = make_demo_system(persons=20_000, seed=11).persons
        result = prioritise_persons(persons, size=5, draws=200, years=2.0)
    assert THEME in result.shortlist["candidate"].tolist()
    return result


def test_the_prioritisation_words_people_who_smoke_without_a_year(priorities):
    shortlist = priorities.shortlist.set_index("candidate")
    smoking = shortlist.loc[THEME]
    assert smoking["outcome"] == smoking["impact_outcome"] == "persons_smoker"
    assert "fewer people who smoke (an estimate)" in smoking["facts"], smoking["facts"]
    assert "a year" not in smoking["estimate"] and "fewer" in smoking["estimate"]
    for text in priorities.candidates["facts"]:
        assert "who smoke a year" not in text and "who smokes a year" not in text, text
    events = shortlist.drop(index=THEME)
    assert len(events) and all(" a year" in estimate for estimate in events["estimate"])


def test_the_table_heads_people_and_events_when_a_row_counts_people(priorities):
    table = report.shortlist_table(priorities, period="2024/25 to 2025/26", threshold=10)
    headers = table.cells.columns.tolist()
    assert EVENTS_OR_PEOPLE_HEADER in headers and AVOID_OR_CHANGE_HEADER in headers
    assert EVENTS_HEADER not in headers and ESTIMATE_HEADER not in headers
    row = priorities.shortlist["candidate"].tolist().index(THEME)
    assert table.cells.loc[row, "Of what"] == "People who smoke"
    estimate = table.cells.loc[row, AVOID_OR_CHANGE_HEADER]
    assert estimate.endswith("fewer people who smoke") and "a year" not in estimate
    note = (
        "People who smoke: counted once each, as people in the cohort at the time, not a "
        "number a year; so is the estimate of how many fewer there could be."
    )
    assert note in table.notes
    # The events rows keep "a year" in their estimate, word for word.
    others = table.cells.drop(index=row)[AVOID_OR_CHANGE_HEADER]
    assert all(" a year" in text for text in others)


def test_the_table_of_events_only_keeps_its_headings(priorities):
    shortlist = priorities.shortlist
    events = shortlist[~shortlist["outcome"].str.startswith("persons_")].reset_index(drop=True)
    only_events = dataclasses.replace(priorities, shortlist=events)
    table = report.shortlist_table(only_events, period="2024/25 to 2025/26", threshold=10)
    headers = table.cells.columns.tolist()
    assert EVENTS_HEADER in headers and ESTIMATE_HEADER in headers
    assert EVENTS_OR_PEOPLE_HEADER not in headers and AVOID_OR_CHANGE_HEADER not in headers
    assert not any("counted once each" in note for note in table.notes)


def test_a_few_people_who_smoke_are_still_suppressed(priorities):
    shortlist = priorities.shortlist.copy()
    row = shortlist["candidate"].tolist().index(THEME)
    shortlist.loc[row, "events_a_year"] = 4.0
    few = dataclasses.replace(priorities, shortlist=shortlist)
    table = report.shortlist_table(few, period="2024/25 to 2025/26", threshold=10)
    assert table.cells.loc[row, EVENTS_OR_PEOPLE_HEADER] == "[c]"
    # The estimate is computed from the count: hidden with it.
    assert table.cells.loc[row, AVOID_OR_CHANGE_HEADER] == "[c]"
    assert find_small_counts(table.to_html()) == []
