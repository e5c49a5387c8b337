"""The "left out" part of a CodeMatchReport: the true count, and spreadsheet row numbers."""

from __future__ import annotations

import pandas as pd

from toolkit.data.problems import ROWS_NUMBERED
from toolkit.places import CodeMatchReport, area_indicators, match_lsoa_codes

KNOWN = ["E01000001", "E01000002", "E01000003"]


def _areas() -> pd.DataFrame:
    return pd.DataFrame({"lsoa": KNOWN})


def test_more_than_twenty_left_out_are_all_counted():
    # 3 rows matched, then 50 rows with a code not among the areas (positions 3 to 52).
    data = pd.DataFrame({"lsoa": KNOWN + ["E01999999"] * 50})
    report = match_lsoa_codes(data, _areas())
    assert report.unmatched_rows == 50 and report.left_out_rows == 50
    assert len(report.unmatched_row_numbers) == 20  # the first 20 are kept; all are counted
    text = str(report)
    assert "First rows left out: 5, 6, 7, 8, 9 and 45 more." in text
    assert "and 15 more" not in text


def test_rows_are_numbered_as_a_spreadsheet_and_the_attribute_keeps_positions():
    # Positions 0 and 1 have no code, positions 2 to 4 match, 5 to 7 have an unknown code.
    codes = [None, " ", *KNOWN, "E01999998", "E01999999", "e01999999"]
    data = pd.DataFrame({"lsoa": codes})
    report = match_lsoa_codes(data, _areas())
    assert report.missing_code_rows == 2 and report.unmatched_rows == 3
    assert report.unmatched_row_numbers == (0, 1, 5, 6, 7)  # positions, as iloc takes them
    assert report.unmatched_spreadsheet_rows == (2, 3, 7, 8, 9)  # header row 1, first row 2
    left_out = data["lsoa"].iloc[list(report.unmatched_row_numbers)]
    assert left_out.iloc[0] is None or pd.isna(left_out.iloc[0])
    assert left_out.iloc[1:].tolist() == [" ", "E01999998", "E01999999", "e01999999"]
    text = str(report)
    assert "First rows left out: 2, 3, 7, 8, 9." in text
    assert ROWS_NUMBERED in text


def test_no_row_left_out_says_nothing_of_rows():
    report = match_lsoa_codes(pd.DataFrame({"lsoa": KNOWN}), _areas())
    assert report.all_matched and report.left_out_rows == 0
    assert "left out" not in str(report) and ROWS_NUMBERED not in str(report)


def test_a_report_built_by_hand_counts_its_rows_at_least():
    report = CodeMatchReport(
        left="persons",
        right="areas",
        rows=10,
        matched_rows=10,
        missing_code_rows=0,
        unmatched_rows=0,
        unmatched_row_numbers=tuple(range(7)),
    )
    assert "First rows left out: 2, 3, 4, 5, 6 and 2 more." in str(report)


def test_area_indicators_reports_every_person_left_out_in_spreadsheet_rows(demo_system):
    areas, persons = demo_system
    lost = persons.copy()
    lost.loc[lost.index[:4], "lsoa"] = None
    lost.loc[lost.index[100:130], "lsoa"] = "E01999999"
    outcome = area_indicators(lost, areas, segment=None)
    report = outcome.matched
    assert report.left_out_rows == 34 and outcome.persons_left_out == 34
    assert report.unmatched_row_numbers[:5] == (0, 1, 2, 3, 100)
    text = str(outcome)
    assert "First rows left out: 2, 3, 4, 5, 102 and 29 more." in text
    assert ROWS_NUMBERED in text
