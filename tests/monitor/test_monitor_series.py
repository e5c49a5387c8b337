"""Tests of the indicator series contract, its reader and validator (toolkit.monitor.series)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from toolkit.errors import DataContractError
from toolkit.monitor.series import (
    FREQUENCIES,
    period_label,
    read_series,
    validate_series,
)

DATA = Path(__file__).parent / "data"
GOOD = DATA / "series_good.csv"
BAD_COLUMNS = DATA / "series_bad_columns.csv"
BAD_VALUES = DATA / "series_bad_values.csv"
BAD_GAPS = DATA / "series_bad_gaps.csv"

RATE = "per 1,000 persons a month"


def _error(call, *args, **kwargs) -> DataContractError:
    with pytest.raises(DataContractError) as caught:
        call(*args, **kwargs)
    return caught.value


def _problem(error: DataContractError, column: str, check: str) -> pd.Series:
    """The one row of the failures table for a column and check."""
    rows = error.failures[(error.failures["column"] == column) & (error.failures["check"] == check)]
    assert len(rows) == 1, error.failures[["column", "check"]]
    return rows.iloc[0]


def _monthly(**columns) -> pd.DataFrame:
    """A good monthly series of four months, with columns overridden or added."""
    frame = pd.DataFrame(
        {
            "series": ["falls"] * 4,
            "period": ["2025-01", "2025-02", "2025-03", "2025-04"],
            "numerator": [12, 10, 8, 9],
            "denominator": [1000, 1000, 1010, 1010],
        }
    )
    for name, values in columns.items():
        frame[name] = values
    return frame


# --- good files ----------------------------------------------------------------------------------


def test_good_csv_reads_to_the_expected_frame():
    got = read_series(GOOD)
    months = pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"])
    quarters = pd.to_datetime(["2024-04-01", "2024-07-01", "2024-10-01", "2025-01-01"])
    expected = pd.DataFrame(
        {
            "series": ["falls"] * 6 + ["smoking"] * 4,
            "place": ["Ashbrigg"] * 4 + ["Kestermoor"] * 2 + [np.nan] * 4,
            "period": [*months, *months[:2], *quarters],
            "frequency": ["month"] * 6 + ["quarter"] * 4,
            "numerator": [12.0, 10, 8, 9, 22, 20, 30, 28, 25, 20],
            "denominator": [1000.0, 1000, 1010, 1010, 2000, 2000, 200, 210, 190, 180],
            "value": [
                12.0,
                10.0,
                8 / 1010 * 1000,
                9 / 1010 * 1000,
                11.0,
                10.0,
                15.0,
                28 / 210 * 100,
                25 / 190 * 100,
                20 / 180 * 100,
            ],
            "per": [1000.0] * 6 + [100.0] * 4,
            "target": [np.nan] * 6 + [6.0] * 4,
            "improvement": ["decrease"] * 10,
            "unit": [RATE] * 6 + ["percentage"] * 4,
        }
    )
    expected["period"] = expected["period"].astype("datetime64[ns]")
    for name in ("series", "place", "frequency", "improvement", "unit"):
        expected[name] = expected[name].astype(got[name].dtype)
    assert_frame_equal(got, expected)
    assert got.attrs["frequency"] is None  # one monthly and one quarterly series


def test_good_series_validates_again_unchanged():
    once = read_series(GOOD)
    assert_frame_equal(validate_series(once), once)


def test_validate_series_leaves_its_input_unchanged_and_returns_a_new_frame():
    frame = _monthly(unit=RATE)
    before = frame.copy()
    got = validate_series(frame)
    assert_frame_equal(frame, before)
    assert got is not frame


def test_rows_are_sorted_by_series_then_period_and_other_columns_kept():
    frame = _monthly(note=["a", "b", "c", "d"]).iloc[[2, 0, 3, 1]]
    got = validate_series(frame)
    assert list(got["period"].dt.month) == [1, 2, 3, 4]
    assert list(got["note"]) == ["a", "b", "c", "d"]
    assert list(got.columns)[-1] == "note"
    assert list(got.index) == [0, 1, 2, 3]
    assert got.attrs["frequency"] == "month"


def test_value_given_is_kept_and_counts_only_checked():
    frame = pd.DataFrame(
        {
            "series": ["dsr"] * 3,
            "period": ["2021/22", "2022/23", "2023/24"],
            "value": [512.3, 498.1, 470.0],  # age-standardised: not numerator / denominator
            "numerator": [50, 49, 47],
            "denominator": [10_000, 10_000, 10_000],
        }
    )
    got = validate_series(frame)
    assert list(got["value"]) == [512.3, 498.1, 470.0]
    assert "per" not in got
    assert list(got["frequency"]) == ["financial_year"] * 3
    assert list(got["period"]) == list(pd.to_datetime(["2021-04-01", "2022-04-01", "2023-04-01"]))


@pytest.mark.parametrize(
    ("label", "start", "frequency"),
    [
        ("2024-01", "2024-01-01", "month"),
        ("202401", "2024-01-01", "month"),
        ("Jan 2024", "2024-01-01", "month"),
        ("January 2024", "2024-01-01", "month"),
        ("Jan-24", "2024-01-01", "month"),
        ("SEPT 2024", "2024-09-01", "month"),
        ("2024 JAN", "2024-01-01", "month"),
        ("2024M01", "2024-01-01", "month"),
        ("2024-01-15", "2024-01-01", "month"),
        ("15/01/2024", "2024-01-01", "month"),
        ("2024-01-31 00:00:00", "2024-01-01", "month"),
        ("2011-12", "2011-12-01", "month"),
        ("2024 Q1", "2024-01-01", "quarter"),
        ("2024Q3", "2024-07-01", "quarter"),
        ("Q4 2024", "2024-10-01", "quarter"),
        ("2024/25 Q1", "2024-04-01", "quarter"),
        ("Q4 2024/25", "2025-01-01", "quarter"),
        ("2024", "2024-01-01", "year"),
        ("2024/25", "2024-04-01", "financial_year"),
        ("2024/2025", "2024-04-01", "financial_year"),
        ("2024-25", "2024-04-01", "financial_year"),
        ("FY2024/25", "2024-04-01", "financial_year"),
    ],
)
def test_period_formats(label, start, frequency):
    got = validate_series(pd.DataFrame({"series": ["a"], "period": [label], "value": [1.0]}))
    assert got["period"].iloc[0] == pd.Timestamp(start)
    assert got["frequency"].iloc[0] == frequency


def test_typed_periods_read_from_dates_numbers_and_pandas_periods():
    frames = [
        pd.DataFrame({"period": pd.to_datetime(["2024-01-31", "2024-02-29"])}),
        pd.DataFrame({"period": [dt.date(2024, 1, 1), dt.date(2024, 2, 1)]}),
        pd.DataFrame({"period": pd.period_range("2024-01", periods=2, freq="M")}),
        pd.DataFrame({"period": [202401, 202402]}),
    ]
    for frame in frames:
        got = validate_series(frame.assign(series="a", value=1.0))
        assert list(got["period"]) == list(pd.to_datetime(["2024-01-01", "2024-02-01"]))
        assert list(got["frequency"]) == ["month", "month"]
    years = validate_series(pd.DataFrame({"series": "a", "period": [2023, 2024], "value": 1.0}))
    assert list(years["frequency"]) == ["year", "year"]
    fiscal = validate_series(
        pd.DataFrame(
            {
                "series": "a",
                "value": 1.0,
                "period": pd.period_range("2024Q1", periods=2, freq="Q-MAR"),
            }
        )
    )
    assert list(fiscal["period"]) == list(pd.to_datetime(["2023-04-01", "2023-07-01"]))


def test_dates_read_at_the_frequency_asked_for():
    frame = pd.DataFrame(
        {"series": "a", "value": 1.0, "period": ["2024-01-01", "2024-04-15", "2024-07-01"]}
    )
    got = validate_series(frame, frequency="quarter")
    assert list(got["frequency"]) == ["quarter"] * 3
    assert list(got["period"].dt.month) == [1, 4, 7]
    fiscal = validate_series(
        frame.assign(period=["2023-05-01", "2024-03-31", "2024-04-01"]).iloc[[0, 2]],
        frequency="financial_year",
    )
    assert list(fiscal["period"]) == list(pd.to_datetime(["2023-04-01", "2024-04-01"]))


def test_frequency_column_reads_dates_row_by_row():
    frame = pd.DataFrame(
        {
            "series": ["a", "a", "b", "b"],
            "period": ["2024-01-01", "2024-04-01", "2024-01-01", "2024-02-01"],
            "frequency": ["Quarter", "quarter", "month", "month"],
            "value": 1.0,
        }
    )
    got = validate_series(frame)
    assert list(got["frequency"]) == ["quarter", "quarter", "month", "month"]


def test_per_argument_unit_and_per_column_set_the_multiplier():
    rate = validate_series(_monthly(), multiplier=100_000)
    assert rate["value"].iloc[0] == pytest.approx(12 / 1000 * 100_000)
    assert set(rate["per"]) == {100_000.0}
    percent = validate_series(_monthly(unit="%"), multiplier=100_000)
    assert set(percent["per"]) == {100.0}
    share = validate_series(_monthly(unit="proportion"))
    assert share["value"].iloc[0] == pytest.approx(0.012)
    column = validate_series(_monthly(per=[10, 10, 10, 10]))
    assert column["value"].iloc[0] == pytest.approx(0.12)


def test_same_period_in_different_places_and_cohorts_is_not_repeated():
    frame = pd.concat(
        [
            _monthly(place="Ashbrigg", cohort="copd"),
            _monthly(place="Ashbrigg", cohort="asthma"),
            _monthly(place="Kestermoor", cohort="copd"),
            _monthly(place=np.nan, cohort="copd"),
        ],
        ignore_index=True,
    )
    assert len(validate_series(frame)) == 16


def test_improvement_codings():
    for given, read in (
        ("Higher is better", "increase"),
        ("up", "increase"),
        ("LOWER", "decrease"),
        ("neutral", "neutral"),
    ):
        assert set(validate_series(_monthly(improvement=given))["improvement"]) == {read}


def test_period_label():
    stamp = pd.Timestamp("2024-04-01")
    assert period_label(stamp, "month") == "Apr 2024"
    assert period_label(stamp, "quarter") == "Apr-Jun 2024"
    assert period_label(pd.Timestamp("2024-01-01"), "year") == "2024"
    assert period_label(stamp, "financial_year") == "2024/25"
    with pytest.raises(ValueError, match="'frequency' parameter of period_label"):
        period_label(stamp, "week")
    assert FREQUENCIES == ("month", "quarter", "year", "financial_year")


# --- bad CSV files -------------------------------------------------------------------------------


def test_missing_columns_suggest_near_misses():
    error = _error(read_series, BAD_COLUMNS)
    message = str(error)
    assert message.startswith("series_bad_columns.csv: 3 problems found.")
    assert "column 'period' is missing. The table has 'Periood': did you mean 'period'?" in message
    assert "column 'denominator' is missing" in message
    assert "column 'Improvment' is not in the series contract: did you mean 'improvement'?" in (
        message
    )
    assert error.source == str(BAD_COLUMNS)


def test_neither_value_nor_counts():
    error = _error(validate_series, pd.DataFrame({"series": ["a"], "period": ["2024-01"]}))
    assert "column 'value' is missing, and there are no 'numerator' and 'denominator'" in str(error)


def test_bad_values_are_all_reported_at_once_with_file_column_and_rows():
    error = _error(read_series, BAD_VALUES)
    message = str(error)
    assert message.startswith("series_bad_values.csv: 12 problems found. Row numbers are as a ")
    expected = {
        ("period", "period"): (
            [10],
            "column 'period': 1 row is not a period (a month such as 2024-01",
            "(row 10: 'sometime')",
        ),
        ("period", "one_frequency"): (
            [9],
            "column 'period': 1 row has another frequency than the rest of its series",
            "row 9: '2025 Q3' is a quarter, but series 'falls', place 'Ashbrigg' is in months",
        ),
        ("period", "unique_period"): (
            [7],
            "column 'period': 1 row repeats a period already given for its series",
            "row 7: series 'falls', place 'Ashbrigg', May 2025, as in row 6",
        ),
        ("period", "no_gaps"): (
            [8],
            "column 'period': 1 series has missing periods",
            "series 'falls', place 'Ashbrigg' lacks Jun 2025 and Jul 2025 (between rows 6 and 8)",
        ),
        ("numerator", "number"): ([4], "column 'numerator': 1 row is not a number", "row 4: 'ten'"),
        ("numerator", "non_negative"): ([3], "column 'numerator': 1 row is negative", "row 3: -3"),
        ("numerator", "not_above_denominator"): (
            [11],
            "column 'numerator': 1 row is larger than its denominator, which a percentage",
            "row 11: 230 of 200",
        ),
        ("denominator", "not_zero"): ([5], "column 'denominator': 1 row is 0", "(row 5)"),
        ("target", "constant_in_series"): (
            [6],
            "column 'target': 1 series has more than one value",
            "5 in row 6",
        ),
        ("improvement", "improvement"): (
            [12],
            "column 'improvement': 1 row is not 'increase', 'decrease' or 'neutral'",
            "row 12: 'sideways'",
        ),
        ("improvement", "constant_in_series"): (
            [5],
            "column 'improvement': 1 series has more than one value",
            "'increase' in row 5",
        ),
        ("unit", "constant_in_series"): (
            [13],
            "column 'unit': 1 series has more than one value",
            "series 'smoking', place blank: 'percentage' in rows 11 and 12; "
            "'per 1,000 persons a month' in row 13",
        ),
    }
    assert len(error.failures) == len(expected)
    for (column, check), (rows, start, detail) in expected.items():
        problem = _problem(error, column, check)
        assert problem["example_rows"] == rows, (column, check)
        assert problem["message"].startswith(start), problem["message"]
        assert detail in problem["message"], problem["message"]
        assert problem["message"] in message


def test_numerator_above_denominator_only_for_proportions():
    # Row 13 of the bad file has 2,500 events in 200 persons under a rate unit: not reported.
    error = _error(read_series, BAD_VALUES)
    assert "row 13" not in _problem(error, "numerator", "not_above_denominator")["message"]
    rate = validate_series(_monthly(numerator=[1200, 10, 8, 9], unit=RATE))
    assert rate["value"].iloc[0] == pytest.approx(1200.0)


def test_gaps_name_the_series_and_the_missing_periods():
    error = _error(read_series, BAD_GAPS)
    message = str(error)
    assert message.startswith("series_bad_gaps.csv: 1 problem found.")
    assert (
        "column 'period': 2 series have missing periods (series 'falls', place 'Ashbrigg' lacks "
        "Mar 2024 and Apr 2024 (between rows 3 and 4); series 'deaths', place 'Ashbrigg' lacks "
        "2022/23 (between rows 10 and 11))."
    ) in message
    assert "Kestermoor" not in message
    assert _problem(error, "period", "no_gaps")["example_rows"] == [4, 11]


def test_quarterly_dates_read_as_months_get_a_hint():
    frame = pd.DataFrame(
        {"series": "a", "value": 1.0, "period": ["2024-01-01", "2024-04-01", "2024-07-01"]}
    )
    message = str(_error(validate_series, frame))
    assert "lacks Feb 2024 and Mar 2024 (between rows 2 and 3)" in message
    assert "if the series is quarterly, pass frequency='quarter'" in message


def test_financial_years_written_with_a_hyphen_get_a_hint_not_made_up_months():
    """'2011-12' reads as December 2011: the message said to add 132 months of zeros."""
    years = range(2000, 2012)
    frame = pd.DataFrame(
        {"series": "a", "value": 1.0, "period": [f"{y}-{(y + 1) % 100:02d}" for y in years]}
    )
    message = str(_error(validate_series, frame))
    assert (
        "series 'a' has periods such as '2000-01', which read as months (Jan 2000) with gaps "
        "between them; if they are financial years, write them with a slash: '2000/01'"
    ) in message
    assert "add the missing periods" not in message and "Feb 2000" not in message
    # A longer run: "2013-14" on are financial years, "2010-11" to "2011-12" read as months.
    longer = frame.assign(period=[f"{y}-{(y + 1) % 100:02d}" for y in range(2010, 2022)])
    assert (
        "'2010-11' is a month, but series 'a' is in financial years (if it is the financial "
        "year, write it '2010/11')" in str(_error(validate_series, longer))
    )
    # months with a real gap keep their list and advice
    months = pd.DataFrame({"series": "a", "value": 1.0, "period": ["2024-01", "2024-03"]})
    assert "add the missing periods" in str(_error(validate_series, months))


def test_label_of_another_frequency_than_asked_for():
    frame = pd.DataFrame({"series": "a", "value": 1.0, "period": ["2024-01", "2024 Q2"]})
    error = _error(validate_series, frame, frequency="quarter")
    problem = _problem(error, "period", "frequency")
    assert problem["example_rows"] == [2]
    assert "row 2: '2024-01' is not a quarter" in problem["message"]


def test_blank_values_and_series_are_reported():
    frame = _monthly(numerator=[12, None, 8, 9], series=["falls", "falls", " ", "falls"])
    error = _error(validate_series, frame, source="monthly.csv")
    assert str(error).startswith("monthly.csv: ")
    assert _problem(error, "series", "not_blank")["example_rows"] == [4]
    assert _problem(error, "numerator", "not_blank")["example_rows"] == [3]


def test_unit_that_states_another_multiplier():
    error = _error(validate_series, _monthly(unit="per 100,000 persons"))
    problem = _problem(error, "unit", "unit_matches_per")
    assert (
        "'per 100,000 persons' with values computed per 1,000 in rows 2, 3, 4 and 5"
        in (problem["message"])
    )
    assert "Pass multiplier=" in problem["message"]
    stated = validate_series(_monthly(unit="per 100,000 persons"), multiplier=100_000)
    assert stated["per"].iloc[0] == 100_000


def test_empty_rows_reported_in_a_frame_and_skipped_in_a_file(tmp_path):
    frame = _monthly()
    frame.loc[1] = [None, None, None, None]
    error = _error(validate_series, frame)
    assert "1 row is completely empty (row 3)" in str(error)
    path = tmp_path / "series_blank_lines.csv"
    path.write_text("series,period,value\na,2024-01,1\n,,\na,2024-02,x\n", encoding="utf-8")
    message = str(_error(read_series, path))
    assert "column 'value': 1 row is not a number (row 4: 'x')" in message


def test_header_only_file(tmp_path):
    path = tmp_path / "series_header_only.csv"
    path.write_text("series,period,value\n", encoding="utf-8")
    assert "the table has a header row but no data rows" in str(_error(read_series, path))


def test_file_problems_come_from_the_readers(tmp_path):
    missing = str(_error(read_series, tmp_path / "series_none.csv"))
    assert missing.startswith("series_none.csv: there is no such file")
    wrong = tmp_path / "series.json"
    wrong.write_text("{}", encoding="utf-8")
    assert "the series table must be CSV (.csv), Parquet (.parquet) or Excel (.xlsx)" in str(
        _error(read_series, wrong)
    )
    latin = tmp_path / "series_latin.csv"
    latin.write_bytes("series,period,value\ncaf\xe9,2024-01,1\n".encode("cp1252"))
    assert "line 2 is not UTF-8 text" in str(_error(read_series, latin))
    assert read_series(latin, encoding="cp1252")["series"].iloc[0] == "café"


# --- Parquet and Excel ---------------------------------------------------------------------------


def test_bad_parquet_names_file_column_and_rows(tmp_path):
    path = tmp_path / "series_bad.parquet"
    pd.DataFrame(
        {
            "series": ["a", "a", "a", "a"],
            "period": pd.period_range("2024-01", periods=4, freq="M")
            .delete(2)
            .append(pd.PeriodIndex(["2024-02"], freq="M")),
            "numerator": [5, -1, 3, 2],
            "denominator": [100, 100, 0, 100],
        }
    ).to_parquet(path)
    error = _error(read_series, path)
    message = str(error)
    assert message.startswith("series_bad.parquet: 4 problems found.")
    assert "series 'a' lacks Mar 2024 (between rows 3 and 4)" in message
    assert _problem(error, "numerator", "non_negative")["example_rows"] == [3]
    assert _problem(error, "denominator", "not_zero")["example_rows"] == [4]
    assert "row 5: series 'a', Feb 2024, as in row 3" in message


def test_good_parquet_reads_dates(tmp_path):
    path = tmp_path / "series_good.parquet"
    pd.DataFrame(
        {
            "series": "a",
            "period": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "numerator": [5, 6],
            "denominator": [100, 100],
        }
    ).to_parquet(path)
    got = read_series(path)
    assert list(got["value"]) == [50.0, 60.0]
    assert list(got["frequency"]) == ["month", "month"]


def _workbook(path: Path, rows: list[list], *, titles: int = 0, sheet: str = "Data") -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Read me first"])
    data = book.create_sheet(sheet)
    for _ in range(titles):
        data.append(["Monthly indicators for the board"])
    for row in rows:
        data.append(row)
    book.save(path)
    return path


def test_bad_excel_keeps_the_sheets_row_numbers(tmp_path):
    path = _workbook(
        tmp_path / "series_bad.xlsx",
        [
            ["Series", "Period", "Numerator", "Denominator", "Unit"],
            ["smoking", dt.datetime(2024, 1, 1), 10, 100, "%"],
            ["smoking", dt.datetime(2024, 2, 1), 120, 100, "%"],
            ["smoking", dt.datetime(2024, 4, 1), 10, "n/k", "%"],
        ],
        titles=2,
    )
    error = _error(read_series, path, sheet="Data")
    message = str(error)
    assert message.startswith("series_bad.xlsx: 3 problems found.")
    assert "(the header is row 3)" in message
    assert "row 5: 120 of 100" in _problem(error, "numerator", "not_above_denominator")["message"]
    assert "lacks Mar 2024 (between rows 5 and 6)" in message
    assert "column 'denominator': 1 row is not a number (row 6: 'n/k')" in message


def test_good_excel_reads_the_sheet_asked_for(tmp_path):
    path = _workbook(
        tmp_path / "series_good.xlsx",
        [
            ["series", "period", "value", "improvement"],
            ["a", "2024 Q1", 3.5, "increase"],
            ["a", "2024 Q2", 3.7, "increase"],
        ],
        sheet="Quarterly",
    )
    got = read_series(path, sheet="Quarterly")
    assert list(got["value"]) == [3.5, 3.7]
    assert list(got["frequency"]) == ["quarter", "quarter"]
    assert "no sheet 'Monthly'" in str(_error(read_series, path, sheet="Monthly"))


# --- options -------------------------------------------------------------------------------------


def test_option_errors():
    with pytest.raises(TypeError, match="'data' parameter of validate_series"):
        validate_series([1, 2])
    with pytest.raises(TypeError, match="'multiplier' parameter of validate_series"):
        validate_series(_monthly(), multiplier="1000")
    with pytest.raises(
        ValueError,
        match=r"'multiplier' parameter of validate_series must be a float in the range \(0, inf\)",
    ):
        validate_series(_monthly(), multiplier=0)
    with pytest.raises(ValueError, match="'frequency' parameter of read_series"):
        read_series(GOOD, frequency="weekly")
    with pytest.raises(TypeError, match="'source' parameter of validate_series"):
        validate_series(_monthly(), source=1)


# --- series from yearly snapshots of persons ---------------------------------------------------


@pytest.fixture(scope="module")
def snapshots() -> dict[str, pd.DataFrame]:
    from toolkit.data import make_demo_system

    areas = make_demo_system(3_000, seed=0).areas  # one geography, three years of persons
    return {
        year: make_demo_system(3_000, seed=seed, areas=areas).persons
        for seed, year in enumerate(["2022/23", "2023/24", "2024/25"])
    }


def test_series_from_snapshots_counts_each_cohort_and_place(snapshots):
    from toolkit.monitor.series import WHOLE_SYSTEM, series_from_snapshots

    got = series_from_snapshots(
        snapshots, measures=["emergency_admissions", "deaths"], cohorts=["everyone", "older_people"]
    )
    assert_frame_equal(validate_series(got), got)
    places = snapshots["2022/23"]["place"].unique()
    assert set(got["place"]) == {WHOLE_SYSTEM, *places}
    assert set(got["series"]) == {
        "everyone.emergency_admissions",
        "everyone.deaths",
        "older_people.emergency_admissions",
        "older_people.deaths",
    }
    assert len(got) == 4 * (len(places) + 1) * 3
    assert set(got["frequency"]) == {"financial_year"}
    assert set(got["unit"]) == {"per 1,000 people a year"}
    whole = got[(got["place"] == WHOLE_SYSTEM) & (got["series"] == "everyone.emergency_admissions")]
    expected = [snapshots[year]["emergency_admissions"].sum() for year in snapshots]
    assert list(whole["numerator"]) == expected
    assert list(whole["denominator"]) == [3_000.0] * 3
    assert list(whole["period"]) == list(pd.to_datetime(["2022-04-01", "2023-04-01", "2024-04-01"]))
    older = got[(got["place"] == WHOLE_SYSTEM) & (got["series"] == "older_people.deaths")]
    persons = snapshots["2023/24"]
    aged = persons[persons["age"] >= 65]
    assert older["denominator"].iloc[1] == len(aged)
    assert older["numerator"].iloc[1] == aged["died"].sum()
    assert older["label"].iloc[0] == "Deaths, people aged 65 and over"
    assert got.attrs["left_out"].empty


def test_series_from_snapshots_reports_what_it_leaves_out(snapshots):
    from toolkit.monitor.series import series_from_snapshots

    thinned = dict(snapshots)
    first = thinned["2022/23"]
    place = first["place"].iloc[0]
    thinned["2022/23"] = first[~((first["place"] == place) & (first["age"] >= 65))]
    with pytest.warns(UserWarning, match="2 series left out of series_from_snapshots"):
        got = series_from_snapshots(
            thinned, measures=["emergency_admissions", "deaths"], cohorts=["older_people"]
        )
    left_out = got.attrs["left_out"]
    assert list(left_out["place"]) == [place, place]
    assert set(left_out["series"]) == {"older_people.emergency_admissions", "older_people.deaths"}
    assert place not in set(got["place"])


def test_series_from_snapshots_errors(snapshots):
    from toolkit.monitor.series import series_from_snapshots

    with pytest.raises(ValueError, match="must be periods such as '2024/25'"):
        series_from_snapshots({"2024-03-31": snapshots["2022/23"]})
    with pytest.raises(ValueError, match="names emergency_admissions_flu, not in the cohort cube"):
        series_from_snapshots(
            {"2024/25": snapshots["2024/25"]}, measures=["emergency_admissions_flu"]
        )
    with pytest.raises(ValueError, match="asks for cohorts that the cube of '2024/25' does not"):
        series_from_snapshots({"2024/25": snapshots["2024/25"]}, cohorts=["unicorns"])
    with pytest.raises(TypeError, match="'snapshots' parameter of series_from_snapshots"):
        series_from_snapshots([snapshots["2024/25"]])
    gap = {year: snapshots[year] for year in ("2022/23", "2024/25")}
    message = str(_error(series_from_snapshots, gap, cohorts=["everyone"]))
    assert "lacks 2023/24" in message


def test_excel_error_cells_in_a_series_workbook_are_refused_not_read_as_blank(tmp_path):
    """The series' columns are not the persons contract's: their errors still count."""
    import openpyxl

    path = tmp_path / "series.xlsx"
    frame = pd.DataFrame(
        {"series": "a", "period": [f"2024-{m:02d}" for m in range(1, 13)], "value": 1.0}
    )
    frame.to_excel(path, index=False)
    workbook = openpyxl.load_workbook(path)
    workbook.active.cell(row=8, column=3).value = "#DIV/0!"
    workbook.save(path)
    message = str(_error(read_series, path))
    assert (
        "column 'value': 1 row is an Excel error, from a formula that failed (row 8: '#DIV/0!')"
        in message
    )


def test_a_quarter_across_the_year_end_is_named_without_error():
    from toolkit.monitor import period_label

    assert period_label(pd.Timestamp("2024-11-01"), "quarter") == "Nov 2024-Jan 2025"
    assert period_label(pd.Timestamp("2024-04-01"), "quarter") == "Apr-Jun 2024"
