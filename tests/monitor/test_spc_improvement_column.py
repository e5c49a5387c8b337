"""spc reads the direction of improvement from the series' own column (walk-through defect).

A series file says which direction is better in its ``improvement`` column, which
``read_series`` keeps; ``spc`` without the argument charted every series as if higher were
better, calling a real fall in admissions a concern.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from toolkit.monitor import SPCWarning, spc


def _falling(direction: object = "decrease") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": range(20),
            "value": [30.0 - 0.8 * i for i in range(20)],
            "improvement": direction,
        }
    )


def test_the_series_own_direction_is_used_when_the_argument_is_not_given():
    result = spc(_falling())
    summary = result.summary().iloc[0]
    assert result.improvement == "decrease"
    assert (summary["improvement"], summary["variation"]) == ("decrease", "improvement_low")


def test_without_the_column_higher_is_better_as_before():
    result = spc(_falling().drop(columns="improvement"))
    assert result.improvement == "increase"
    assert result.summary().iloc[0]["variation"] == "concern_low"


def test_a_blank_column_leaves_the_default():
    assert spc(_falling(None)).improvement == "increase"


def test_an_argument_that_contradicts_the_column_is_used_with_a_warning():
    with pytest.warns(SPCWarning, match=r"improvement='increase' was given, but the data's"):
        result = spc(_falling(), improvement="increase")
    assert result.summary().iloc[0]["variation"] == "concern_low"


def test_an_argument_that_agrees_gives_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error", SPCWarning)
        assert spc(_falling(), improvement="decrease").improvement == "decrease"


def test_several_directions_or_unknown_words_are_refused_naming_the_column():
    mixed = _falling()
    mixed.loc[3, "improvement"] = "increase"
    with pytest.raises(ValueError, match="holds more than one direction .*follow_priorities"):
        spc(mixed)
    with pytest.raises(ValueError, match="holds 'lower', which is not 'increase'"):
        spc(_falling("lower"))
