from __future__ import annotations

import pandas as pd
import pytest

from toolkit.data.contract import DISCLOSURE_THRESHOLD
from toolkit.places import suppress_small_counts


def test_counts_below_threshold_are_suppressed_zero_included():
    counts = pd.Series([0, 1, 9, 10, 11, None], index=list("abcdef"), name="events", dtype="Int64")
    shown = suppress_small_counts(counts)
    assert DISCLOSURE_THRESHOLD == 10
    assert shown.isna().tolist() == [True, True, True, False, False, True]
    assert shown.dropna().tolist() == [10, 11]
    assert shown.dtype == "Int64"
    assert list(shown.index) == list("abcdef") and shown.name == "events"
    assert counts.tolist()[:3] == [0, 1, 9]  # input untouched


def test_threshold_is_configurable_and_floats_stay_floats():
    shown = suppress_small_counts(pd.Series([2.5, 5.0, 7.25]), threshold=5)
    assert shown.isna().tolist() == [True, False, False]
    assert shown.dtype == "Float64"


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="column 'n' has 1 negative counts \\(rows 1\\)"):
        suppress_small_counts(pd.Series([3, -1], name="n"))
    with pytest.raises(TypeError, match="'threshold' parameter of suppress_small_counts"):
        suppress_small_counts(pd.Series([3]), threshold=2.5)
    with pytest.raises(ValueError, match="at least 1"):
        suppress_small_counts(pd.Series([3]), threshold=0)
    with pytest.raises(TypeError, match="numeric pandas Series"):
        suppress_small_counts(pd.Series(["a"]))
