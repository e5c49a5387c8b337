"""mean_with_limits against PHEindicatormethods' testMeans.R (14 expect_equal cases).

Test data: PHEindicatormethods v2.1.0 (GPL-3), tests/testthat/testdata_Mean.xlsx, ported
to tests/indicators/phe/phe_mean.csv and phe_mean_results.csv (see the README there).
The package's ``type=`` only selects columns. Closed forms: 1e-6 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from toolkit.indicators.means import MissingValueWarning, mean_with_limits

PHE = Path(__file__).parent / "phe"
MEAN = pd.read_csv(PHE / "phe_mean.csv")
RESULTS = pd.read_csv(PHE / "phe_mean_results.csv")
RTOL = 1e-6
NAMES = {
    "lower95_0cl": "lower_95",
    "upper95_0cl": "upper_95",
    "lower99_8cl": "lower_99_8",
    "upper99_8cl": "upper_99_8",
}
STANDARD = ["value_sum", "value_count", "stdev", "value", "lower95_0cl", "upper95_0cl"]
FULL = [*STANDARD, "lower99_8cl", "upper99_8cl"]
TWO = (0.95, 0.998)

# (R info, grouped by area?, confidence, R columns compared)
CASES = [
    ("default", False, 0.95, STANDARD),  # phe_mean(test_Mean, values)
    # phe_mean(test_Mean, values, confidence = c(0.95,0.998))
    ("full output 2 CIs", False, TWO, FULL),
    # phe_mean(test_Mean_Grp, values, type="standard")
    ("grouped & standard", True, 0.95, STANDARD),
    ("grouped & standard 2 CIs", True, TWO, FULL),
    ("value", True, 0.95, ["value"]),  # phe_mean(test_Mean_Grp, values, type="value")
    ("value 2 CIs", True, TWO, ["value"]),
    ("lower", True, 0.95, ["lower95_0cl"]),  # type="lower"
    ("lower 2 CIs", True, TWO, ["lower95_0cl", "lower99_8cl"]),
    ("upper", True, 0.95, ["upper95_0cl"]),  # type="upper"
    ("upper 2 CIs", True, TWO, ["upper95_0cl", "upper99_8cl"]),
    # confidence = 99.8
    (
        "confidence",
        True,
        0.998,
        ["value_sum", "value_count", "stdev", "value", "lower99_8cl", "upper99_8cl"],
    ),
    ("two CIs 95%", False, TWO, STANDARD),
    (
        "two CIs 99.8%",
        True,
        TWO,
        ["value_sum", "value_count", "stdev", "value", "lower99_8cl", "upper99_8cl"],
    ),
]


@pytest.mark.parametrize(
    ("info", "grouped", "confidence", "columns"), CASES, ids=[c[0] for c in CASES]
)
def test_means_match_phe_mean(info, grouped, confidence, columns):
    # R: phe_mean(<test_Mean or test_Mean_Grp (grouped by area)>, values, confidence = <level>)
    result = mean_with_limits(
        MEAN, value="values", by="area" if grouped else None, confidence=confidence
    )
    expected = RESULTS.iloc[:2] if grouped else RESULTS.iloc[2:3]
    assert len(result) == len(expected)
    for name in columns:
        assert_allclose(
            result[NAMES.get(name, name)].to_numpy(dtype=float),
            expected[name].to_numpy(dtype=float),
            rtol=RTOL,
            err_msg=name,
        )
    assert (result["method"] == "Student's t").all()


def test_means_two_cis_metadata():
    # R: phe_mean(test_Mean, values, confidence = c(0.95, 0.998))  -> "95%, 99.8%"
    result = mean_with_limits(MEAN, value="values", confidence=TWO)
    assert (result["confidence"] == "95%, 99.8%").all()


def test_mean_without_confidence():
    result = mean_with_limits(MEAN, value="values", by="area", confidence=None)
    assert not [c for c in result if c.startswith(("lower_", "upper_"))]
    assert (result["confidence"] == "not requested").all()
    assert_allclose(result["value"], RESULTS["value"].iloc[:2], rtol=RTOL)


def test_mean_missing_value_and_single_value():
    data = pd.DataFrame({"g": ["a", "a", "b", "c", "c"], "x": [1.0, np.nan, 2.0, 3.0, 5.0]})
    with pytest.warns(MissingValueWarning, match="1 group"):
        result = mean_with_limits(data, value="x", by="g")
    assert np.isnan(result["value"].iloc[0]) and result["note"].iloc[0] == "missing value"
    assert result["value"].iloc[1] == 2.0 and np.isnan(result["lower_95"].iloc[1])
    assert result["value"].iloc[2] == 4.0 and result["note"].iloc[2] == ""


def test_mean_errors():
    # R: phe_mean(test_Mean, values, confidence = 0.2) raises for confidence outside
    # 0.9-1; the toolkit takes any level in (0, 1) and refuses percentages and 0 or 1.
    with pytest.raises(ValueError, match="'confidence' parameter of mean_with_limits"):
        mean_with_limits(MEAN, value="values", confidence=95)
    with pytest.raises(ValueError, match="'value' parameter of mean_with_limits"):
        mean_with_limits(MEAN, value="nope")
