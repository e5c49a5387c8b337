"""Review 8, finding 1: page 1's sum of what the shortlist could avoid gave a hidden count back.

`shortlist_savings` added up every shortlisted priority's money, including one whose
estimate is not shown because the count it is taken from is below the disclosure threshold
("fewer than 10"): on the demo (20,000 persons, seed 11) page 1 said "could avoid about
£69 to £412", and £412 / £1,590 / 0.0288 = 9 admissions exactly. The sum now leaves such a
priority out, says so, and adds up the money as each priority shows it.
"""

from __future__ import annotations

import dataclasses
import re
import warnings

import pytest

from toolkit.prioritise import prioritise, theme_candidates
from toolkit.prioritise._theme_figures import format_money_range
from toolkit.report import demo_config, load_inputs
from toolkit.report._asks import shortlist_savings
from toolkit.segment import build_cohort_cube

SMI = "serious_mental_illness_physical_health"


@pytest.fixture(scope="module")
def candidates():
    config = demo_config(persons=20_000, seed=11, shortlist_size=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cube = build_cohort_cube(load_inputs(config).persons, model=None)
        return theme_candidates(cube, min_events=1)


def _only(candidates, themes):
    table = candidates.table
    kept = table[table["theme"].isin(themes)].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chosen = dataclasses.replace(candidates, table=kept)
        return prioritise(chosen, size=len(themes), draws=50)


def test_a_withheld_estimate_is_left_out_of_page_1_s_sum(candidates):
    row = candidates.table.set_index("theme").loc[SMI]
    assert 0 < row["impact_events_a_year"] < 10  # the review's case: its count is hidden
    text = shortlist_savings(_only(candidates, [SMI]))
    assert "£" not in text, text
    assert "left out of this sum" in text and "confidentiality" in text, text


def test_with_others_the_sum_is_theirs_and_says_one_is_left_out(candidates):
    table = candidates.table
    costed = table[
        (table["avoidable_cost_high"] > 0)
        & (table["impact_events_a_year"] >= 10)
        & (table["theme"] != SMI)
    ]
    other = str(costed["theme"].iloc[0])
    result = _only(candidates, [SMI, other])
    text = shortlist_savings(result)
    assert "One priority with a cost estimate not shown" in text, text
    alone = shortlist_savings(_only(candidates, [other]))
    money = re.findall(r"£[\d.,]+[km]?", text)
    assert money and money == re.findall(r"£[\d.,]+[km]?", alone), (text, alone)


def test_one_priority_s_sum_is_its_own_range_as_shown(candidates):
    table = candidates.table
    costed = table[(table["avoidable_cost_high"] > 0) & (table["impact_events_a_year"] >= 10)]
    for _, row in costed.head(4).iterrows():
        shown = format_money_range(row["avoidable_low"], row["avoidable_high"], row["unit_cost"])
        text = shortlist_savings(_only(candidates, [row["theme"]]))
        assert shown.replace("about ", "") in text.replace("about ", ""), (shown, text)


def test_less_than_one_event_s_cost_is_rounded_up_so_it_stays_true():
    """Review 8, finding 3: "less than £1.5k" for 0.98 events at £1,549 (£1,518) was untrue."""
    assert format_money_range(0.3, 0.98, 1_549.0) == "less than £1.6k"
    assert format_money_range(0.3, 0.98, 1_590.0) == "less than £1.6k"
    assert format_money_range(0.3, 0.98, 1_500.0) == "less than £1.5k"
