"""Interval building blocks against the published primitive cases."""

from __future__ import annotations

import numpy as np
import pytest
from _indicator_helpers import reference_cases
from numpy.testing import assert_allclose
from scipy import stats

from toolkit.indicators.intervals import (
    byar_interval,
    exact_poisson_interval,
    poisson_interval,
    wilson_interval,
    z_value,
)


@pytest.mark.parametrize("case", reference_cases("CI_PRIMITIVE_CASES"))
def test_primitive_cases(case):
    # Source: PHEindicatormethods v2.1.0 / PHStatsMethods v0.1.16 test fixtures
    # (reference/indicator_reference_cases.py, CI_PRIMITIVE_CASES); closed forms to 1e-9.
    x = np.array([case["x"]], dtype=float)
    if case["method"] == "Byars":
        lower, upper = byar_interval(x, case["confidence"])
    else:
        lower, upper = wilson_interval(x, np.array([case["n"]], dtype=float), case["confidence"])
    if case["lower"] is None:
        assert np.isnan(lower[0])
    else:
        assert_allclose(lower[0], case["lower"], rtol=1e-9)
    assert_allclose(upper[0], case["upper"], rtol=1e-9)


def test_z_values():
    assert_allclose(z_value(0.95), 1.959963984540054, rtol=1e-12)
    assert_allclose(z_value(0.998), 3.090232306167813, rtol=1e-12)


def test_exact_poisson_zero_events_is_valid():
    lower, upper = exact_poisson_interval(np.array([0.0]), 0.95)
    assert lower[0] == 0.0
    # upper = chi2_{0.975}(2) / 2 = -ln(0.025)
    assert_allclose(upper[0], -np.log(0.025), rtol=1e-12)


def test_poisson_interval_switches_to_byar_at_ten():
    events = np.array([0.0, 9.0, 10.0, 50.0])
    lower, upper, method = poisson_interval(events, 0.95)
    assert list(method) == ["exact Poisson", "exact Poisson", "Byar", "Byar"]
    exact_lower, exact_upper = exact_poisson_interval(events[:2], 0.95)
    byar_lower, byar_upper = byar_interval(events[2:], 0.95)
    assert_allclose(lower, np.r_[exact_lower, byar_lower])
    assert_allclose(upper, np.r_[exact_upper, byar_upper])
    assert_allclose(
        exact_upper[1], stats.chi2.ppf(0.975, 20) / 2, rtol=1e-12
    )  # 2O + 2 degrees of freedom


def test_wilson_missing_denominator_gives_nan():
    lower, upper = wilson_interval(np.array([1.0, 0.0]), np.array([0.0, 10.0]), 0.95)
    assert np.isnan(lower[0]) and np.isnan(upper[0])
    assert lower[1] == 0.0 and 0 < upper[1] < 1


def test_wilson_edges_are_exact():
    # none and all of n: the limits touch 0 and 1 exactly (no rounding noise outside)
    lower, upper = wilson_interval(np.array([0.0, 65.0]), np.array([65.0, 65.0]), 0.99)
    assert lower[0] == 0.0 and upper[1] == 1.0
    assert 0 < upper[0] < 1 and 0 < lower[1] < 1
