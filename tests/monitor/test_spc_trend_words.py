"""The board's sentence counts a trend by the points that rise or fall in turn, and no more.

A special cause run may begin with points lower (or higher) than expected, flagged as a shift
or beyond a limit, before the points that fall (or rise) month after month; the sentence
says each part as what it is, as an independent statistician's review asked.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from toolkit.monitor import describe_spc, spc

LABEL = "Admissions per 1,000"


def _sentence(values: list[float], **options) -> tuple[pd.DataFrame, str]:
    data = pd.DataFrame(
        {"period": pd.date_range("2023-01-01", periods=len(values), freq="MS"), "value": values}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = spc(data, improvement="decrease", fix_after=24, **options)
    points = result.to_frame()
    return points, describe_spc(points, result.summary().iloc[0], value_label=LABEL)


def _baseline() -> list[float]:
    """The review's 24 baseline months (mean 9.89, lower process limit 7.41)."""
    return list(10 + np.random.default_rng(0).normal(0, 1, 24))


@pytest.mark.parametrize(
    ("tail", "rules", "opening", "absent"),
    [
        pytest.param(
            # Five months low (a shift), then eight each lower than the one before.
            [8.6, 8.9, 8.7, 8.8, 8.5, 8.9, 8.7, 8.6, 8.4, 8.2, 8.0, 7.8, 7.6],
            ["shift"] * 5 + ["trend"] * 8,
            "lower than expected for 5 months, then falling month after month for the last "
            "8 months. ",
            ["for the last 13 months"],
            id="shift-then-trend",
        ),
        pytest.param(
            # Eight months each lower than the one before, from within the expected range.
            [10.6, 10.4, 10.1, 9.9, 9.6, 9.4, 9.1, 8.9],
            ["trend"] * 8,
            "falling month after month for the last 8 months. ",
            ["than expected"],
            id="trend-alone",
        ),
        pytest.param(
            # Eight months below the mean, up and down: a shift, no trend.
            [9.0, 9.3, 8.9, 9.2, 9.0, 9.4, 9.1, 9.3],
            ["shift"] * 8,
            "lower than expected for the last 8 months. ",
            ["falling", "month after month"],
            id="shift-alone",
        ),
    ],
)
def test_a_trend_counts_only_the_months_that_fall_in_turn(tail, rules, opening, absent):
    points, text = _sentence(_baseline() + tail)
    assert points["rule"].iloc[24:].tolist() == rules
    assert points["rule"].iloc[23] is None  # the run starts in January 2025
    assert text.startswith(f"Special cause improvement since January 2025: {opening}")
    assert not [words for words in absent if words in text]


@pytest.mark.parametrize(
    ("tail", "opening"),
    [
        pytest.param(
            # Seven months each lower than the one before, a month level with the last of
            # them, then six more falls: two trends, the tie between them.
            [11.0, 10.8, 10.6, 10.4, 10.2, 10.0, 9.8, 9.8, 9.6, 9.4, 9.2, 9.0, 8.8, 8.6],
            "falling month after month for 7 months, then falling month after month again "
            "for the last 7 months. ",
            id="trend-tie-trend",
        ),
        pytest.param(
            # Eight falls, two months low but up and down (a shift), then eight falls.
            [11.0, 10.8, 10.6, 10.4, 10.2, 10.0, 9.7, 9.5, 9.7, 9.6, 9.7]
            + [9.5, 9.4, 9.2, 9.0, 8.8, 8.6, 8.5],
            "falling month after month for 8 months, lower than expected for 2 months, then "
            "falling month after month for the last 8 months. ",
            id="trend-shift-trend",
        ),
    ],
)
def test_an_earlier_trend_is_said_as_a_trend_not_as_lower_than_expected(tail, opening):
    points, text = _sentence(_baseline() + tail)
    run = points["rule"].iloc[24:]
    assert run.iloc[:7].eq("trend").all()  # the earlier months were flagged as a trend
    assert points["value"].iloc[24] > points["value"].iloc[:24].mean()  # not low at all
    assert text.startswith(f"Special cause improvement since January 2025: {opening}")
    assert "lower than expected for 7 months" not in text
    assert "lower than expected for 8 months" not in text


def test_a_trend_of_eight_months_has_seven_falls():
    # The months are counted as points, as the trend rule counts them (7 points, 6 falls).
    tail = [10.6, 10.4, 10.1, 9.9, 9.6, 9.4, 9.1, 8.9]
    points, text = _sentence(_baseline() + tail)
    assert (np.diff(points["value"].iloc[24:]) < 0).sum() == 7
    assert "for the last 8 months" in text
