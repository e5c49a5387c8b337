"""Page 1 and the tables in board words: money, rates, minus signs, themes measured (fix-report)."""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd

from toolkit.prioritise.theme_measures import (
    format_money,
    format_money_figures,
    shown_money_range,
)
from toolkit.report import sections as report
from toolkit.report.linked import JOIN_MATCHED, feasible_intervals, link_report
from toolkit.report.tables import TableColumn, board_table, format_rate

from ._linked_atoms import atoms

#: "£0.0m", "£0.1m": a sum below a million said in millions.
MILLIONS_OF_NOTHING = re.compile(r"£0\.\dm")


def test_money_in_the_segment_table_is_rounded_for_a_board_not_to_a_tenth_of_a_million():
    column = TableColumn("cost", "Cost of care", "money_millions")
    frame = pd.DataFrame({"cost": [45_210.0, 1_438_512.0, 999_600.0, 0.0]})
    cells = board_table(frame, columns=[column], caption="Costs").cells.iloc[:, 0].tolist()
    assert cells == ["£45k", "£1.4m", "£1.0m", "£0"]


def test_the_excess_cost_is_said_as_the_table_says_it(evidence):
    text = report.inequality_summary(evidence.profile, config=evidence.config).text
    total = evidence.profile.excess_total.iloc[0]
    cost = float(total["excess_cost_positive"])
    low, high = (float(total[f"excess_cost_positive_{end}_95"]) for end in ("lower", "upper"))
    assert (
        f"costing about {format_money(cost)} (95% CI {format_money(low)} to "
        f"{format_money(high)})" in text
    )
    figures = report.deprivation_figures(evidence.profile, system_rate=evidence.system_rate)
    table = report.deprivation_table(figures, period="2025/26", threshold=10)
    assert table.cells["Cost of excess admissions"].iloc[-1] == format_money(cost)


def _small_profile(cost: float) -> SimpleNamespace:
    """A profile whose SII is missing for want of admissions in some deciles."""
    sii = pd.DataFrame(
        {
            "sii": [np.nan],
            "rii": [np.nan],
            "quantiles": [7],
            "note": [
                "not calculated: missing value in quantile(s) 2, 3, 4, 7, 9; missing standard "
                "error in quantile(s) 2, 3"
            ],
        }
    )
    excess = pd.DataFrame(
        {
            "excess_positive": [53.0],
            "excess_positive_lower_95": [8.0],
            "excess_positive_upper_95": [116.0],
            "excess_cost_positive": [cost],
            "excess_cost_positive_lower_95": [cost / 7],
            "excess_cost_positive_upper_95": [cost * 2.2],
        }
    )
    return SimpleNamespace(sii=sii, excess_total=excess, multiplier=100_000, gap=None)


def test_small_sums_in_the_inequality_text_are_not_millions_of_nothing(evidence):
    profile = _small_profile(85_120.0)
    text = report.inequality_summary(profile, config=evidence.config).text
    assert not MILLIONS_OF_NOTHING.search(text), text
    assert "costing about £85k (95% CI £12k to £187k)" in text


def test_a_missing_sii_is_explained_in_plain_words_without_the_analysts_note(evidence):
    text = report.inequality_summary(_small_profile(85_120.0), config=evidence.config).text
    assert "too few deciles have enough emergency admissions to compare" in text
    assert "quantile" not in text and "standard error" not in text
    assert text.count("not calculated") == 0


def test_rates_of_a_hundred_or_more_are_whole_numbers_and_minus_is_the_true_sign(evidence):
    assert [format_rate(v) for v in (14_936.8, 99.96, 45.27, -120.4)] == [
        "14,937",
        "100",
        "45.3",
        "\u2212120",
    ]
    figures = report.deprivation_figures(evidence.profile, system_rate=evidence.system_rate)
    cells = report.deprivation_table(figures, period="2025/26", threshold=10).cells
    shown = cells["Rate per 100,000 (age-standardised)"]
    assert (figures["rate"] >= 100).all()
    assert not shown.str.contains(r"\.").any(), shown.tolist()
    intervals = cells["95% confidence interval"]
    assert intervals.str.fullmatch(r"[\d,]+ to [\d,]+").all(), intervals.tolist()
    assert not cells["Excess admissions"].str.contains("-").any()
    column = TableColumn("excess", "Excess admissions", "estimate")
    frame = pd.DataFrame({"excess": [-4.2, 12.0, -0.3, -1_250.0]})
    shown = board_table(frame, columns=[column], caption="Excess").cells.iloc[:, 0].tolist()
    assert shown == ["\u22124", "12", "0", "\u22121,250"]
    text = report.inequality_summary(evidence.profile, config=evidence.config).text
    assert not re.search(r"(?<![\w])-\d", text), text


def test_a_whole_number_rate_is_read_back_within_its_rounding():
    rows = atoms(
        [
            ("a", 1, "Big", JOIN_MATCHED, 300, 40, 2),
            ("c", 2, "Big", JOIN_MATCHED, 65, 32, 0),
            ("c", 3, "Small", JOIN_MATCHED, 40, 12, 0),
        ]
    )
    tables = link_report(rows, segments=["a", "c"], threshold=10)
    shown = tables.shown()
    rate = shown["segments/c/per_1000"]
    assert rate == 419.0  # 44 / 105 x 1,000 = 419.05, shown whole as the table shows it
    intervals, leaks = feasible_intervals(tables, shown)  # consistent: no error
    assert leaks == []


def _themes(evidence, reasons: dict[str, str]):
    """The evidence's prioritisation with only ``reasons``' themes left out, unmeasured."""
    excluded = pd.DataFrame(
        {"theme": list(reasons), "label": list(reasons), "reason": list(reasons.values())}
    )
    return dataclasses.replace(evidence.priorities, excluded=excluded)


def test_page_one_says_how_many_themes_were_measured(evidence):
    too_few = "fewer than 10 events over the period: too few to assess"
    priorities = _themes(evidence, {"made_up_a": too_few, "made_up_b": too_few})
    measured = priorities.candidates["theme"].nunique()
    assert measured >= 4
    box = report.decision_box(priorities, config=evidence.config).text
    assert (
        f"Of the {measured + 2} themes assessed, {measured} could be measured on these data; "
        "the other 2 could not: too few people or events (section 4 lists them)."
    ) in box, box
    everything = report.decision_box(_themes(evidence, {}), config=evidence.config).text
    assert f"All {measured} themes assessed could be measured on these data." in everything


def test_page_one_says_what_the_shortlist_could_avoid(evidence):
    """The sum is of each priority's money as shown (review 8): events as shown x unit cost."""
    priorities = evidence.priorities
    box = report.decision_box(priorities, config=evidence.config).text
    chosen = priorities.candidates.set_index("candidate").loc[
        priorities.shortlist["candidate"],
        ["avoidable_low", "avoidable_high", "unit_cost", "avoidable_cost_high"],
    ]
    costed = chosen.loc[chosen["avoidable_cost_high"] > 0]
    assert 1 < len(costed) < len(chosen)  # the demo's shortlist: some without a cost
    ends = [shown_money_range(*row) for row in costed.iloc[:, :3].itertuples(index=False)]
    low, high = (sum(end[i] for end in ends) for i in (0, 1))
    assert (
        f"The {len(costed)} priorities above with a cost estimate could avoid about "
        f"{format_money_figures(low)} to {format_money_figures(high)} of care a year (their "
        "ranges added up; cohorts may overlap)."
    ) in box, box
    assert box.index("could avoid") > box.index(f"{len(chosen)}. ")  # after the list
    every = dataclasses.replace(priorities, shortlist=priorities.shortlist.iloc[:1])
    one = report.decision_box(every, config=evidence.config).text
    low, high = shown_money_range(*chosen.iloc[0, :3])
    assert (
        f"The priority above could avoid about {format_money_figures(low)} to "
        f"{format_money_figures(high)} of care a year (its estimated range)."
    ) in one, one


def test_page_one_says_when_themes_were_left_out_for_other_reasons(evidence):
    priorities = _themes(evidence, {"made_up_b": "its cohort is not in the data"})
    box = report.decision_box(priorities, config=evidence.config).text
    wanted = r"the other (?:\d+|one) could not be measured \(section 4 lists them\)"
    assert re.search(wanted, box), box


def test_an_excess_not_published_for_a_small_reference_is_said_not_printed_as_nan(evidence):
    """excess_events leaves the excess blank when the least deprived decile has too few
    events (fewer than 10); the board text says so rather than "about nan fewer"."""
    profile = _small_profile(np.nan)
    profile.excess_total.loc[:, ["excess_positive", "excess_positive_lower_95"]] = np.nan
    profile.excess_total.loc[:, "excess_positive_upper_95"] = np.nan
    text = report.inequality_summary(profile, config=evidence.config).text
    assert (
        "Excess admissions: not shown, as the least deprived decile's figures are not "
        "published." in text
    )
    assert "nan" not in text.lower()
