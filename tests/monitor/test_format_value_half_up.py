"""Figures shown to a board round halves up, as UK official statistics do.

``format_value`` shows a value of 100 or more as a whole number and a smaller one to three
significant figures; either way a half rounds up (away from zero), never to the even
neighbour as Python's own rounding does (100.5 was "100", 1234.5 "1,234").
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from toolkit._numbers import round_half_up
from toolkit.monitor import describe_spc, format_value


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (100.5, "101"),
        (101.5, "102"),
        (102.5, "103"),
        (1234.5, "1,235"),
        (2500.5, "2,501"),
        (-100.5, "-101"),
    ],
)
def test_whole_numbers_from_100_round_halves_up(value, shown):
    assert format_value(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2.345, "2.35"),
        (12.35, "12.4"),  # stored just below 12.35: rounded as written, not as stored
        (1.005, "1.01"),
        (0.1945, "0.195"),
        (99.95, "100"),  # three significant figures reach 100: shown whole
        (9.995, "10"),
        (7.1, "7.1"),
    ],
)
def test_three_significant_figures_round_halves_up(value, shown):
    assert format_value(value) == shown


def test_very_large_and_very_small_values_are_still_shown():
    assert format_value(1e30) == f"{1e30:,.0f}"
    assert format_value(1e-12) == "0"
    assert format_value(math.nan) == "not available"


def test_fixed_decimals_in_the_boards_sentence_round_halves_up():
    periods = pd.date_range("2025-01-01", periods=3, freq="MS")
    frame = pd.DataFrame(
        {
            "period": periods,
            "value": [10.0, 11.0, 10.25],
            "baseline_segment": 1,
            "mean": 10.4,
            "lpl": 7.0,
            "upl": 13.8,
            "point_type": "common_cause",
        }
    )
    summary = {"variation": "common_cause", "last_period": periods[-1], "last_value": 10.25}
    sentence = describe_spc(frame, summary, value_label="Rate", decimals=1)
    assert sentence.endswith("Rate in March 2025: 10.3.")


def test_round_half_up_rounds_the_decimal_as_written():
    assert (round_half_up(2.5), round_half_up(1.15, 1), round_half_up(125, -1)) == (
        3.0,
        1.2,
        130.0,
    )
    assert round_half_up(-2.5) == -3.0
    assert round_half_up(1e30) == 1e30
    assert round_half_up(123.456, 40) == 123.456
    assert math.isnan(round_half_up(math.nan))
    assert round_half_up(math.inf) == math.inf
