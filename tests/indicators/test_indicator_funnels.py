"""Funnel plot limits and significance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import REFERENCE, SKIP_REASON
from numpy.testing import assert_allclose
from scipy import stats

from toolkit.indicators import assign_funnel_significance, funnel_limits


@pytest.mark.skipif(REFERENCE is None, reason=SKIP_REASON)
def test_funnel_proportion_case():
    # Source: PHEindicatormethods testFunnels.R / testdata_funnel_prop_outputs.csv
    # (FUNNEL_PROPORTION_CASE). The published figures are rounded to 6 decimal places,
    # so agreement is to half a unit in the 6th place (plus float noise).
    case = REFERENCE.FUNNEL_PROPORTION_CASE
    data = pd.DataFrame({"x": [case["sum_numerator"]], "n": [case["sum_denominator"]]})
    rows = pd.DataFrame(case["rows"])
    result = funnel_limits(
        data, events="x", population="n", multiplier=case["multiplier"], at=rows["population"]
    )
    assert_allclose(result["population"], rows["population"])
    for ours, theirs in [
        ("lower_95", "lower_2s"),
        ("upper_95", "upper_2s"),
        ("lower_99_8", "lower_3s"),
        ("upper_99_8", "upper_3s"),
        ("baseline", "baseline"),
    ]:
        assert_allclose(result[ours], rows[theirs], rtol=0, atol=5.1e-7)


def test_ratio_and_rate_limits_are_exact_poisson():
    # Pins the toolkit's earlier method (exact Poisson limits of E), now an option.
    data = pd.DataFrame({"observed": [30.0, 55.0], "expected": [40.0, 45.0]})
    ratio = funnel_limits(data, events="observed", population="expected", statistic="ratio",
                          at=[5.0, 80.0], method="poisson_quantile")  # fmt: skip
    assert_allclose(ratio["baseline"], 1.0)
    expected = np.array([5.0, 80.0])
    assert_allclose(ratio["lower_95"], stats.chi2.ppf(0.025, 2 * expected) / 2 / expected)
    assert_allclose(ratio["upper_99_8"], stats.chi2.ppf(0.999, 2 * expected + 2) / 2 / expected)
    people = pd.DataFrame({"events": [20, 30], "people": [1000, 2000]})
    rate = funnel_limits(people, events="events", population="people", statistic="rate",
                         at=[500.0], method="poisson_quantile")  # fmt: skip
    mean = 50 / 3000
    assert_allclose(rate["baseline"], mean * 100_000)
    assert_allclose(rate["upper_95"], stats.chi2.ppf(0.975, 2 * mean * 500 + 2) / 2 / 500 * 100_000)


def test_default_grid_spans_the_data_by_group():
    data = pd.DataFrame({"period": ["a", "a", "b"], "x": [10, 20, 5], "n": [100, 400, 50]})
    result = funnel_limits(data, events="x", population="n", by="period", points=10)
    assert len(result) == 20
    for period, table in result.groupby("period"):
        largest = data.loc[data["period"] == period, "n"].max()
        assert table["population"].min() == 1.0
        assert_allclose(table["population"].max(), largest * 1.1)
    assert (result["lower_99_8"] <= result["lower_95"]).all()
    assert (result["upper_95"] <= result["upper_99_8"]).all()


def test_assign_significance():
    data = pd.DataFrame(
        {"practice": list("ABCD"), "x": [50, 500, 5, 0], "n": [100, 1000, 100, 0]},
        index=[10, 11, 12, 13],
    )
    result = assign_funnel_significance(data, events="x", population="n", baseline=0.3)
    assert list(result.index) == [10, 11, 12, 13]
    assert list(result["funnel_95"].iloc[:3]) == ["above", "above", "below"]
    assert list(result["funnel_99_8"].iloc[:3]) == ["above", "above", "below"]
    assert result["funnel_95"].isna().iloc[3]  # no denominator: no verdict
    assert_allclose(result["funnel_value"].iloc[:3], [50, 50, 5])
    assert list(result["funnel_95"].cat.categories) == ["below", "within", "above"]
    with pytest.raises(ValueError, match="never overwritten"):
        assign_funnel_significance(result, events="x", population="n")
