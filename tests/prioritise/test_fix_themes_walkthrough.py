"""Theme candidates on a small system: small-number checks, prevalence units, templates."""

from __future__ import annotations

import pytest

from toolkit.data import make_demo_system
from toolkit.prioritise import (
    ANALYST_CRITERIA,
    read_criteria_scores,
    theme_candidates,
    write_criteria_template,
)
from toolkit.prioritise._reasons import format_margin
from toolkit.prioritise.templates import THEME_ANALYST_CRITERIA, CriteriaScoresError
from toolkit.segment import build_cohort_cube


@pytest.fixture(scope="module")
def measured():
    persons = make_demo_system(persons=6_000, seed=5).persons
    return theme_candidates(build_cohort_cube(persons))


def test_excess_with_too_few_in_the_reference_counts_0_with_a_note(measured):
    table = measured.table
    unpublished = table[table["excess_events_a_year"].isna()]
    assert len(unpublished)
    assert (unpublished["excess_share"] == 0).all()
    assert unpublished["note"].str.contains("Too few events in the least deprived tenth").all()


def test_uncertain_life_expectancy_gap_is_not_split(measured):
    assert (measured.table["le_gap_share"] == 0).all()
    assert any("too uncertain to split by cause" in note for note in measured.notes)


def test_people_with_a_status_are_a_percentage(measured):
    table = measured.table.set_index("outcome")
    flags = table[table.index.str.startswith("persons_")]
    for _, row in flags.iterrows():
        assert row["rate_unit"].startswith("% of the cohort")
        assert row["rate"] == pytest.approx(100 * row["events_a_year"] / row["persons"])


def test_theme_criteria_are_the_default_for_theme_candidates(measured, tmp_path):
    path = tmp_path / "scores.csv"
    write_criteria_template(measured.table, path, criteria=THEME_ANALYST_CRITERIA)
    text = path.read_text(encoding="utf-8-sig").splitlines()
    filled = [
        line.replace(",,,", ",1,1,") if not line.startswith(("#", "candidate")) else line
        for line in text
    ]
    path.write_text("\n".join(filled), encoding="utf-8")
    scores = read_criteria_scores(path, measured)
    assert list(scores.columns) == ["candidate", "community_voice", "feasibility", "notes"]
    with pytest.raises(CriteriaScoresError, match="pass criteria=THEME_ANALYST_CRITERIA"):
        read_criteria_scores(path, measured, criteria=ANALYST_CRITERIA)


def test_one_point_is_singular():
    assert format_margin(0.01, 100) == "1 point"
    assert format_margin(0.02, 100) == "2 points"
