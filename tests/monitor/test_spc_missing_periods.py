"""A series with periods missing between its first and last is charted, with a warning.

A missing value is left out of the charts with a warning, as if its period had no row;
a period with no row is treated alike: the chart joins the points either side of it (its
moving range, trends and shifts run across the gap), so ``spc`` names the missing periods
in an :class:`SPCWarning` and in :attr:`SPCResult.notes`, and ``follow_priorities`` in the
row's note, which the quarterly update prints.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit.monitor import SPCWarning, follow_priorities, spc
from toolkit.monitor.demo import make_demo_series

JUNE_JULY = "Jun 2024 and Jul 2024"


def _charted(data: pd.DataFrame, **options):
    """Chart the data; return the result and the warnings' messages."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = spc(data, **options)
    return result, [str(item.message) for item in caught if item.category is SPCWarning]


def test_a_monthly_date_series_missing_june_and_july_names_them():
    periods = pd.date_range("2024-01-01", periods=14, freq="MS").delete([5, 6])
    result, messages = _charted(pd.DataFrame({"period": periods, "value": np.arange(12.0)}))
    assert result.n_points == 12
    gaps = [message for message in messages if JUNE_JULY in message]
    assert len(gaps) == 1 and "joins the points either side" in gaps[0]
    assert len(result.notes) == 1 and JUNE_JULY in result.notes[0]
    assert JUNE_JULY in result._repr_html_()


def test_a_series_of_pandas_periods_is_checked_by_its_frequency():
    months = pd.period_range("2024-01", periods=14, freq="M").delete([5, 6])
    result, _ = _charted(pd.DataFrame({"period": months, "value": np.arange(12.0)}))
    assert JUNE_JULY in result.notes[0]
    quarters = pd.period_range("2024Q1", periods=14, freq="Q").delete([5])
    result, _ = _charted(pd.DataFrame({"period": quarters, "value": np.arange(13.0)}))
    assert "lacks Apr-Jun 2025 " in result.notes[0]


def test_quarterly_dates_and_integer_years_step_by_their_own_spacing():
    quarters = pd.date_range("2020-01-01", periods=14, freq="QS").delete([3])
    result, _ = _charted(pd.DataFrame({"period": quarters, "value": np.arange(13.0)}))
    assert "lacks Oct-Dec 2020 " in result.notes[0]  # not the months between quarters
    complete = pd.date_range("2020-01-01", periods=14, freq="QS")
    result, messages = _charted(pd.DataFrame({"period": complete, "value": np.arange(14.0)}))
    assert result.notes == () and messages == []
    years = np.r_[2001:2010, 2012:2016]
    result, _ = _charted(pd.DataFrame({"period": years, "value": np.arange(13.0)}))
    assert "lacks 2010 and 2011 " in result.notes[0]


def test_each_series_with_a_gap_is_named_and_a_complete_one_is_not():
    weeks = pd.date_range("2024-01-01", periods=14, freq="W-MON")
    data = pd.DataFrame(
        {
            "place": np.repeat(["North", "South", "West"], 14),
            "period": np.tile(weeks, 3),
            "value": np.arange(42.0),
        }
    ).drop(index=[3, 4, 20])
    result, messages = _charted(data, by="place")
    assert len(result.notes) == 1
    note = result.notes[0]
    assert "2 series lack" in note
    assert "place='North': 22 Jan 2024 and 29 Jan 2024" in note
    assert "place='South': 12 Feb 2024" in note
    assert "West" not in note
    assert any(note in message for message in messages)


def test_a_missing_value_is_left_out_and_its_period_named_as_missing():
    periods = pd.date_range("2024-01-01", periods=14, freq="MS")
    values = np.r_[np.arange(5.0), np.nan, np.arange(8.0)]
    result, messages = _charted(pd.DataFrame({"period": periods, "value": values}))
    assert result.n_points == 13
    assert "1 row has a missing 'value'" in result.notes[0]
    assert "lacks Jun 2024 " in result.notes[1]
    assert len(messages) == 2


def test_the_demo_series_have_no_gaps():
    series = make_demo_series()
    result, messages = _charted(series, by=["series", "place"], improvement="decrease")
    assert result.notes == ()
    assert not [message for message in messages if "lack" in message]


def test_follow_priorities_says_the_gap_in_the_row_note():
    series = make_demo_series()
    wanted = pd.DataFrame({"priority": ["end_of_life_care"], "outcome": ["emergency_admissions"]})
    whole = follow_priorities(series, wanted, fix_after=24).priorities.iloc[0]
    assert "no value for" not in whole["note"]
    dropped = series["period"].isin(pd.to_datetime(["2024-06-01", "2024-07-01"]))
    followed = follow_priorities(series[~dropped], wanted, fix_after=24)
    row = followed.priorities.iloc[0]
    assert row["shown"]
    assert row["note"] == (f"no value for {JUNE_JULY}: the chart joins the points either side")
    places = followed.places[followed.places["shown"]]
    assert len(places) and places["note"].str.contains(JUNE_JULY).all()


@pytest.mark.parametrize("drop", [[], [0], [13]])
def test_periods_before_the_first_or_after_the_last_are_not_gaps(drop):
    periods = pd.date_range("2024-01-01", periods=14, freq="MS").delete(drop)
    result, _ = _charted(
        pd.DataFrame({"period": periods, "value": np.arange(len(periods), dtype=float)})
    )
    assert result.notes == ()


def _year_months(*years: int) -> list[int]:
    return [year * 100 + month for year in years for month in range(1, 13)]


def test_whole_numbers_of_a_year_and_a_month_step_by_months_across_a_year_end():
    # 202312 to 202401 is the next month, as validate_series reads 202401 (January 2024).
    periods = _year_months(2023, 2024)
    result, messages = _charted(
        pd.DataFrame({"period": periods, "value": np.random.default_rng(0).normal(10, 1, 24)}),
        improvement="decrease",
    )
    assert result.notes == ()
    assert not [message for message in messages if "lack" in message]


def test_a_missing_month_written_as_a_whole_number_is_named_as_a_month():
    periods = [period for period in _year_months(2023, 2024) if period != 202306]
    result, _ = _charted(pd.DataFrame({"period": periods, "value": np.arange(23.0)}))
    assert len(result.notes) == 1
    assert "The series lacks Jun 2023 in" in result.notes[0]
    quarters = [202301, 202304, 202310, 202401, 202404]
    result, _ = _charted(pd.DataFrame({"period": quarters, "value": np.arange(5.0)}))
    assert "lacks Jul-Sep 2023 in" in result.notes[0]


def test_whole_number_years_with_a_missing_year_step_by_years():
    result, _ = _charted(
        pd.DataFrame({"period": [2019, 2020, 2022, 2023, 2024], "value": np.arange(5.0)})
    )
    assert len(result.notes) == 1 and "lacks 2021 in" in result.notes[0]


def test_a_series_not_all_months_steps_by_its_numbers():
    # 202413 is no month, so the series is read as plain numbers, as validate_series would
    # not read it as months; another series of the same column may still be months.
    data = pd.DataFrame(
        {
            "place": ["North"] * 4 + ["South"] * 4,
            "period": [202411, 202412, 202413, 202415, 202411, 202412, 202502, 202503],
            "value": np.arange(8.0),
        }
    )
    result, _ = _charted(data, by="place")
    note = result.notes[0]
    assert "place='North': 202414" in note
    assert "place='South': Jan 2025" in note
