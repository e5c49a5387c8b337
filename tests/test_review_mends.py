"""Mends from the review of the walk-through fixes (issues 11 and 14)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from toolkit.data import make_demo_system
from toolkit.monitor import what_moved
from toolkit.prioritise import (
    THEME_ANALYST_CRITERIA,
    prioritise,
    read_criteria_scores,
    theme_candidates,
    write_criteria_template,
)
from toolkit.prioritise._reasons import format_margin
from toolkit.report._asks import shortlist_savings
from toolkit.report.tables import format_rate
from toolkit.segment import build_cohort_cube


@pytest.fixture(scope="module")
def measured():
    return theme_candidates(build_cohort_cube(make_demo_system(persons=20_000, seed=5).persons))


def test_a_theme_template_written_and_read_with_the_defaults_round_trips(measured, tmp_path):
    path = write_criteria_template(measured.table, tmp_path / "scores.csv")
    header = next(line for line in path.read_text(encoding="utf-8-sig").splitlines()
                  if not line.startswith("#"))  # fmt: skip
    assert [spec.name for spec in THEME_ANALYST_CRITERIA] == header.split(",")[2:4]
    filled = pd.read_csv(path, comment="#", encoding="utf-8-sig")
    filled["community_voice"], filled["feasibility"] = 2, 3
    filled.to_csv(path, index=False)
    scores = read_criteria_scores(path, measured)
    assert set(scores["community_voice"]) == {2.0} and set(scores["feasibility"]) == {3.0}


def test_a_template_of_other_criteria_is_refused_with_the_argument_to_pass(measured, tmp_path):
    from toolkit.prioritise import ANALYST_CRITERIA
    from toolkit.prioritise.templates import CriteriaScoresError

    path = write_criteria_template(measured.table, tmp_path / "old.csv", criteria=ANALYST_CRITERIA)
    with pytest.raises(CriteriaScoresError, match="pass criteria=ANALYST_CRITERIA"):
        read_criteria_scores(path, measured)


def test_an_agreed_id_the_newer_result_does_not_know_still_leaves(measured):
    agreed = prioritise(measured, draws=200, seed=1)
    gone = str(agreed.shortlist["candidate"].iloc[-1])
    newer = dataclasses.replace(  # the theme vanished without a reason (not in excluded)
        agreed,
        candidates=agreed.candidates[agreed.candidates["candidate"] != gone],
        shortlist=agreed.shortlist[agreed.shortlist["candidate"] != gone],
    )
    moved = what_moved(agreed, newer).set_index("candidate")
    assert moved.at[gone, "change"] == "left"
    assert moved.at[gone, "reason_after"] == ""


def test_signs_read_as_a_board_reads_them():
    assert format_rate(-0.04) == "0.0"
    assert format_rate(-120.4) == "\u2212120"
    assert format_margin(-0.01, scale=100) == "\u22121 point"
    assert format_margin(-0.004, scale=100) == "\u22120.4 points"


def test_one_costed_priority_among_several_is_worded_as_one(measured):
    result = prioritise(measured, draws=200, seed=1)
    costed = result.candidates["avoidable_cost_high"].fillna(0) > 0
    keep = str(result.shortlist["candidate"].iloc[0])
    candidates = result.candidates.copy()
    others = candidates["candidate"] != keep
    candidates.loc[others, ["avoidable_cost_low", "avoidable_cost_high"]] = float("nan")
    assert costed[result.candidates["candidate"] == keep].all()  # the case needs one costed
    text = shortlist_savings(dataclasses.replace(result, candidates=candidates))
    assert text.startswith("One of the priorities above has a cost estimate: it could avoid")
    assert "(its estimated range)" in text
