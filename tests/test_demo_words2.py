"""`pophealth demo` speaks as the board report does (issues 11 and 17).

Its console summary showed segment ids in snake_case ("stable_chronic"), money to the pound
("costing £1,444,560") and small counts the report suppresses (2 deaths). It now prints the
report's own tables and sentences: names, money rounded, small counts shown as [c].
"""

from __future__ import annotations

import re

import pytest

from toolkit.demo import demo_summary
from toolkit.prioritise._theme_row import format_money
from toolkit.report import demo_config, sections
from toolkit.report.figures import compute_board_figures
from toolkit.report.tables import TOTAL_ROW

#: Pounds written to the pound in the millions: "£1,444,560".
UNROUNDED_MONEY = re.compile(r"£\d{1,3}(?:,\d{3}){2,}")


@pytest.fixture(scope="module")
def board():
    # 20,000 people, seed 11: a segment has 2 deaths, a count the report suppresses.
    return compute_board_figures(demo_config(persons=20_000, seed=11), progress=False)


@pytest.fixture(scope="module")
def summary(board) -> str:
    return demo_summary(board)


def test_segments_are_named_in_board_language_not_by_id(board, summary):
    labels = board.segmentation.labels
    assert any("_" in code for code in labels)  # the ids the summary used to show
    for code, label in labels.items():
        assert not re.search(rf"\b{re.escape(code)}\b", summary) or code == label.lower(), code
        assert label in summary, label
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", summary.split("Suggested priorities")[0])


def test_money_is_rounded_as_the_report_rounds_it(board, summary):
    assert not UNROUNDED_MONEY.search(summary), UNROUNDED_MONEY.findall(summary)
    total = board.segments.loc[TOTAL_ROW]
    assert f"£{total['cost_gbp'] / 1e6:.1f}m" in summary  # "£24.0m", the cost of care
    # The excess cost of admissions: "costing about £1.4m", not "costing £1,444,560".
    cost = float(board.profile.excess_total.iloc[0]["excess_cost_positive"])
    assert cost >= 1e6
    assert f"costing about {format_money(cost)}" in summary


def test_small_counts_are_suppressed_as_the_report_suppresses_them(board, summary):
    threshold = board.config.disclosure_threshold
    segments = board.segments.drop(index=TOTAL_ROW)
    small = segments[(segments["deaths"] > 0) & (segments["deaths"] < threshold)]
    assert len(small), "the fixture should have a segment with few deaths"
    rows = {line.strip().split("  ")[0]: line for line in summary.splitlines()}
    for label, deaths in zip(small["label"], small["deaths"], strict=True):
        line = rows[label]
        assert line.rstrip().endswith("[c]"), line
        assert not re.search(rf"\s{deaths}$", line.rstrip()), line
    assert "[c] not shown to protect confidentiality" in summary


def test_the_tables_are_the_board_reports_own(board, summary):
    config = board.config
    table = sections.segment_table(
        board.segments,
        period=config.period,
        threshold=config.disclosure_threshold,
        model_title=board.segmentation.title,
        linked=board.linked,
    )
    assert str(table) in summary
    assert str(sections.inequality_summary(board.profile, config=config)) in summary
    # What the command line test looks for is still said.
    for words in ("Population segments (Bridges to Health)", "Slope index of inequality",
                  "Excess emergency admissions", "Suggested priorities"):  # fmt: skip
        assert words in summary
