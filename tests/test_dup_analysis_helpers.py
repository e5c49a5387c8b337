"""The shared homes of repeated logic (issue 17): one helper where two modules repeated it.

- :func:`toolkit.indicators._frames.raise_rows_error` raises the error of a check failed by
  some rows, for :func:`~toolkit.indicators._frames.refuse_rows` and for the SPC's check
  of a period given twice in a series;
- :func:`toolkit.data.problems.detail_problem` words a problem whose examples are text, for
  the series checks of :mod:`toolkit.monitor` and the geometry checks of the areas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.data import geometry
from toolkit.data.problems import ROWS_NUMBERED, detail_problem
from toolkit.errors import DataContractError
from toolkit.indicators import _frames
from toolkit.monitor import _series_checks, spc


def test_raise_rows_error_says_the_sentence_and_fills_the_failures_table():
    with pytest.raises(DataContractError) as caught:
        _frames.raise_rows_error(
            "The 'x' column is wrong in rows 3 and 9.",
            np.array([3, 9, 11, 12, 13, 14, 15]),
            column="x",
            check="some_check",
        )
    error = caught.value
    assert str(error) == f"The 'x' column is wrong in rows 3 and 9. {ROWS_NUMBERED}"
    assert error.source is None
    row = error.failures.iloc[0]
    assert len(error.failures) == 1
    assert (row["column"], row["check"], row["failing_rows"]) == ("x", "some_check", 7)
    assert row["example_rows"] == [3, 9, 11, 12, 13]  # the first five
    assert row["message"] == "The 'x' column is wrong in rows 3 and 9."


def test_refuse_rows_and_the_spc_repeated_period_raise_through_the_one_helper(monkeypatch):
    calls = []
    original = _frames.raise_rows_error

    def spy(sentence, rows, *, column, check):
        calls.append((column, check, [int(row) for row in rows]))
        original(sentence, rows, column=column, check=check)

    monkeypatch.setattr(_frames, "raise_rows_error", spy)
    with pytest.raises(DataContractError, match=r"bad in 1 row \(3\)\."):
        _frames.refuse_rows(np.array([False, True]), "bad in {rows}.", column="c", check="k")
    data = pd.DataFrame({"month": [1, 2, 2, 3], "value": [5.0, 6.0, 7.0, 8.0]})
    with pytest.raises(DataContractError, match="has the same 'month' more than once"):
        spc(data, value="value", period="month")
    assert calls == [("c", "k", [3]), ("month", "one_row_per_period", [3, 4])]


def test_detail_problem_is_the_one_wording_of_series_and_geometry_problems():
    assert _series_checks._detail_problem is detail_problem
    problem = geometry._geometry_rows_problem(
        "valid_geometry",
        ("has invalid geometry", "have invalid geometry"),
        [5, 8],
        ["Self-intersection[1 1]", "Ring Self-intersection[2 2]"],
        "Repair them.",
    )
    assert problem == detail_problem(
        "geometry",
        "valid_geometry",
        ("has invalid geometry", "have invalid geometry"),
        [5, 8],
        ["row 5: Self-intersection[1 1]", "row 8: Ring Self-intersection[2 2]"],
        advice="Repair them.",
    )
    assert problem.sentence == (
        "column 'geometry': 2 rows have invalid geometry (row 5: Self-intersection[1 1]; "
        "row 8: Ring Self-intersection[2 2]). Repair them."
    )
    assert (problem.failing_rows, problem.example_rows) == (2, (5, 8))


def test_detail_problem_counts_with_its_noun_and_names_no_column_for_none():
    problem = detail_problem(
        None, "unique_series", ("is repeated", "are repeated"), [4], ["'s1' in row 4"],
        noun=("series", "series"),
    )  # fmt: skip
    assert problem.sentence == "1 series is repeated ('s1' in row 4)."
    assert (problem.column, problem.check, problem.example_rows) == (None, "unique_series", (4,))
