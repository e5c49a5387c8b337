"""Data errors of the room's functions read as every data error of the toolkit.

A :class:`~toolkit.errors.DataContractError` with a ``failures`` table, rows numbered as a
spreadsheet shows them (the header is row 1), whatever the table's index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataContractError
from toolkit.prioritise import aggregate_weights, kendalls_w


def test_a_table_whose_weights_are_negative_or_all_zero_is_named_by_its_row():
    weights = pd.DataFrame(
        {"weight_a": [1.0, 2.0, -1.0, 0.0], "weight_b": [1.0, 1.0, 1.0, 0.0]}, index=[7, 8, 9, 10]
    )
    with pytest.raises(DataContractError, match=r"2 rows do not hold finite, non-negative") as e:
        aggregate_weights(weights, criteria=["a", "b"])
    assert "(rows 4, 5)" in str(e.value)
    assert e.value.failures["example_rows"].tolist() == [[4, 5]]


def test_a_rater_with_a_missing_rank_is_named_by_its_row():
    ranks = pd.DataFrame([[1, 2, 3], [1, 2, 3], [1, np.nan, 3]])
    with pytest.raises(DataContractError, match=r"1 row has a missing rank .*\(row 4\)") as e:
        kendalls_w(ranks)
    assert e.value.failures["failing_rows"].tolist() == [1]
