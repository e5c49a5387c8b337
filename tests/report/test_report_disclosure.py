from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.report import find_small_counts, suppress_counts


def _hidden(frame: pd.DataFrame, column: str) -> list[bool]:
    return frame[column].isna().tolist()


def test_primary_suppression_hides_one_to_nine_and_shows_zero_by_default():
    table = pd.DataFrame({"people": [0, 1, 9, 10, 250]}, index=list("abcde"))
    shown = suppress_counts(table, count_columns=["people"])
    assert _hidden(shown, "people") == [False, True, True, False, False]
    assert shown["people"].dtype == "Int64"
    assert shown.loc["a", "people"] == 0 and shown.loc["e", "people"] == 250
    assert table["people"].tolist() == [0, 1, 9, 10, 250]  # input unchanged
    record = shown.attrs["suppressed"]
    assert record["row"].tolist() == ["b", "c"]
    assert set(record["reason"]) == {"primary"}
    assert "value" not in record.columns  # the hidden values are not carried along


def test_zero_can_be_suppressed_and_threshold_is_configurable():
    table = pd.DataFrame({"people": [0, 4, 5, 12]})
    shown = suppress_counts(table, count_columns=["people"], threshold=5, zero="suppress")
    assert _hidden(shown, "people") == [True, True, False, False]
    assert shown.attrs["threshold"] == 5


def test_a_single_small_cell_against_a_total_takes_the_next_smallest_with_it():
    table = pd.DataFrame({"people": [4, 120, 300, 0, 424]}, index=["a", "b", "c", "d", "total"])
    shown = suppress_counts(table, count_columns=["people"], total_row="total")
    # 4 is primary; subtracting the shown cells from 424 would reveal it, so the smallest
    # non-zero shown cell (120) goes too; the zero is no cover and stays shown.
    assert _hidden(shown, "people") == [True, True, False, False, False]
    assert shown.attrs["suppressed"]["reason"].tolist() == ["primary", "secondary"]


def test_two_small_cells_adding_up_below_the_threshold_still_need_cover():
    table = pd.DataFrame({"n": [2, 3, 50, 70, 125]}, index=["a", "b", "c", "d", "total"])
    shown = suppress_counts(table, count_columns=["n"], total_row="total")
    # 2 + 3 = 5 < 10: the total would tell a reader that both are small.
    assert _hidden(shown, "n") == [True, True, True, False, False]


def test_without_cover_the_total_is_suppressed():
    table = pd.DataFrame({"n": [3, 0, 3]}, index=["a", "b", "total"])
    shown = suppress_counts(table, count_columns=["n"], total_row="total")
    assert _hidden(shown, "n") == [True, False, True]


def test_secondary_suppression_is_off_when_asked():
    table = pd.DataFrame({"n": [4, 120, 124]}, index=["a", "b", "total"])
    shown = suppress_counts(table, count_columns=["n"], total_row="total", secondary=False)
    assert _hidden(shown, "n") == [True, False, False]


def test_two_way_table_no_row_or_column_reveals_a_cell():
    # Rows are places, columns are two sexes and their total; the last row is the total.
    table = pd.DataFrame(
        {
            "female": [5, 40, 60, 105],
            "male": [30, 45, 70, 145],
            "persons": [35, 85, 130, 250],
        },
        index=["p1", "p2", "p3", "total"],
    )
    shown = suppress_counts(
        table,
        count_columns=["female", "male", "persons"],
        total_row="total",
        total_column="persons",
    )
    hidden = shown[["female", "male", "persons"]].isna().to_numpy()
    values = table[["female", "male", "persons"]].to_numpy()
    assert hidden[0, 0]  # the 5
    _assert_protected(values, hidden, total_row=3, total_column=2, threshold=10)


def _assert_protected(values, hidden, *, total_row, total_column, threshold):
    """Every line with a shown total has 0 or >= 2 hidden cells summing to >= threshold."""
    rows, columns = values.shape
    lines = []
    members = [i for i in range(rows) if i != total_row]
    for j in range(columns):
        lines.append(([(i, j) for i in members], (total_row, j)))
    members = [j for j in range(columns) if j != total_column]
    for i in range(rows):
        lines.append(([(i, j) for j in members], (i, total_column)))
    for cells, total in lines:
        if hidden[total]:
            continue
        hidden_cells = [cell for cell in cells if hidden[cell]]
        if hidden_cells:
            assert len(hidden_cells) >= 2, (cells, hidden)
            assert sum(values[cell] for cell in hidden_cells) >= threshold, (cells, hidden)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=5),
        min_size=2,
        max_size=6,
    ).filter(lambda rows: len({len(row) for row in rows}) == 1)
)
def test_property_no_total_reveals_a_suppressed_count(rows):
    body = np.array(rows, dtype="int64")
    with_totals = np.column_stack([body, body.sum(axis=1)])
    values = np.vstack([with_totals, with_totals.sum(axis=0)])
    names = [f"c{j}" for j in range(body.shape[1])] + ["total"]
    table = pd.DataFrame(values, columns=names, index=[*range(len(rows)), "all"])
    shown = suppress_counts(table, count_columns=names, total_row="all", total_column="total")
    hidden = shown[names].isna().to_numpy()
    small = (values >= 1) & (values < 10)
    assert hidden[small].all()  # every small count is hidden
    _assert_protected(
        values, hidden, total_row=len(rows), total_column=len(names) - 1, threshold=10
    )


def test_dependent_columns_are_hidden_with_their_count():
    table = pd.DataFrame(
        {"people": [3, 500], "share": [0.006, 0.994], "label": ["x", "y"], "rate": [1.5, 2.5]}
    )
    shown = suppress_counts(
        table, count_columns=["people"], dependent_columns={"people": ["share", "label"]}
    )
    assert shown["share"].isna().tolist() == [True, False]
    assert shown["label"].isna().tolist() == [True, False]
    assert shown["rate"].tolist() == [1.5, 2.5]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"count_columns": "people"}, TypeError, "'count_columns' parameter of suppress_counts"),
        ({"count_columns": ["nope"]}, ValueError, "must name columns of the table"),
        ({"count_columns": ["people"], "threshold": 9.5}, TypeError, "'threshold' parameter"),
        ({"count_columns": ["people"], "threshold": 0}, ValueError, "must be an int >= 1"),
        ({"count_columns": ["people"], "zero": "hide"}, ValueError, "'zero' parameter"),
        ({"count_columns": ["people"], "total_row": "all"}, ValueError, "'total_row' parameter"),
        ({"count_columns": ["people"], "total_column": "x"}, ValueError, "'total_column'"),
        ({"count_columns": ["people"], "secondary": "yes"}, TypeError, "'secondary' parameter"),
    ],
)
def test_bad_options_are_refused(kwargs, error, match):
    table = pd.DataFrame({"people": [3, 40]})
    with pytest.raises(error, match=match):
        suppress_counts(table, **kwargs)


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ([3, -1], "is negative in 1 row\\(s\\) \\(rows 1\\)"),
        ([3.5, 4], "is not a whole number in 1 row\\(s\\) \\(rows 0\\)"),
    ],
)
def test_bad_counts_are_refused_naming_column_and_rows(values, problem):
    with pytest.raises(ValueError, match=f"count column 'people' {problem}"):
        suppress_counts(pd.DataFrame({"people": values}), count_columns=["people"])


def test_text_counts_are_refused():
    with pytest.raises(TypeError, match="count column 'people' must be numeric"):
        suppress_counts(pd.DataFrame({"people": ["3"]}), count_columns=["people"])


def test_find_small_counts_reads_marked_cells_only():
    html = (
        "<table><tr><th data-kind='count'>People</th></tr>"
        "<tr><td data-kind='count'>1,234</td><td data-kind='rate'>3.2</td></tr>"
        "<tr><td data-kind='count'>[c]</td><td data-kind='count'>0</td></tr>"
        "<tr><td data-kind='count'><b>7</b></td></tr></table>"
        "<p>We saw <span data-kind='count'>12</span> and 5 other things.</p>"
    )
    assert find_small_counts(html) == ["7"]
    assert find_small_counts(html, threshold=13) == ["7", "12"]
    assert find_small_counts(html.replace("<b>7</b>", "[c]")) == []
