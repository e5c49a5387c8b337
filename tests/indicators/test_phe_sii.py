"""SII and RII against PHEindicatormethods 2.1.0's own tests (``tests/testthat/testSII.R``).

Data: ``phe/testdata_SII.csv``, the package's ``tests/testthat/testdata_SII.xlsx`` (see
``phe/README.md``). Only the data are ported; the toolkit implements the published method.
Each test below is one family of cases in testSII.R, and each case carries its R call.

Tolerances: points (SII, RII, intercept) to 1e-6 relative; Monte Carlo limits within 2% of
the expected interval's width with 100,000 repetitions (the package's own checks use 10,000
repetitions and a looser 5% mean relative difference). R's row ranges (1-based, as in
``SII_test_grouped[1:20, ]``) are ``RecordNo`` ranges here.

The package's behaviour is the default. Where the toolkit offers a departure as an option
(``invalid_groups="note"``, ``incomplete_groups="calculate"``,
``back_transform="draws"``), a test below checks the option too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from toolkit.indicators.sii import SIIWarning, slope_index_of_inequality

DATA = pd.read_csv(Path(__file__).resolve().parent / "phe" / "testdata_SII.csv")
BY = ["Area", "Grouping1", "Grouping2"]
VALUE_TYPES = {0: "other", 1: "rate", 2: "proportion"}
REPS = 100_000
SEED = 2101


def _rows(first: int, last: int) -> pd.DataFrame:
    """R's ``SII_test_grouped[first:last, ]``."""
    return DATA[DATA["RecordNo"].between(first, last)].reset_index(drop=True)


def _expected(records: tuple[int, ...]) -> pd.DataFrame:
    return DATA.set_index("RecordNo").loc[list(records)].reset_index()


def _run(first: int, last: int, *, grouped: bool = True, **options: Any) -> pd.DataFrame:
    kwargs: dict[str, Any] = {"value": "Value"}
    kwargs.update(options)
    if kwargs.get("events") is not None:
        kwargs.pop("value")
    return slope_index_of_inequality(
        _rows(first, last),
        quantile="Quantile",
        population="Population",
        by=BY if grouped else None,
        reps=REPS,
        seed=SEED,
        **kwargs,
    )


def _within(ours: float, low: float, high: float, theirs: float) -> bool:
    return abs(ours - theirs) <= 0.02 * abs(high - low)


def _check(
    result: pd.DataFrame,
    expected: pd.DataFrame,
    levels: tuple[str, ...],
    *,
    rii: bool = True,
    intercept: bool = False,
) -> None:
    """Compare each group's row with the package's figures."""
    assert len(result) == len(expected)
    for (_, ours), (_, theirs) in zip(result.iterrows(), expected.iterrows(), strict=True):
        assert_allclose(ours["sii"], theirs["sii"], rtol=1e-6)
        if rii:
            assert_allclose(ours["rii"], theirs["rii"], rtol=1e-6)
        if intercept:
            assert_allclose(ours["intercept"], theirs["Intercept"], rtol=1e-6)
        for n, label in enumerate(levels, start=1):
            names = [("sii", "sii")] + ([("rii", "rii")] if rii else [])
            for stat, col in names:
                low, high = theirs[f"{col}_lowercl_{n}"], theirs[f"{col}_uppercl_{n}"]
                for side, expected_limit in (("lower", low), ("upper", high)):
                    got = ours[f"{stat}_{side}_{label}"]
                    assert _within(got, low, high, expected_limit), (
                        f"{stat}_{side}_{label}: {got} against {expected_limit} "
                        f"(2% of width {abs(high - low):.6g})"
                    )


# ---------------------------------------------------------------------------------------
# Seed: set.seed(5); test1 <- phe_sii(SII_test_grouped[1:20, 3:13], Quantile, Population,
#   value_type = 0, value = Value, se = StandardError, repetitions = 1000, rii = TRUE,
#   type = "standard"); set.seed(5); test2 <- ... ; expect_equal(test1, test2)
def test_phe_sii_same_seed_same_limits():
    first = slope_index_of_inequality(
        _rows(1, 20),
        value="Value",
        quantile="Quantile",
        population="Population",
        se="StandardError",
        by=BY,
        reps=1000,
        seed=5,
    )
    again = slope_index_of_inequality(
        _rows(1, 20),
        value="Value",
        quantile="Quantile",
        population="Population",
        se="StandardError",
        by=BY,
        reps=1000,
        seed=5,
    )
    pd.testing.assert_frame_equal(first, again)


# ---------------------------------------------------------------------------------------
# Default (normal) value type 0.
NORMAL_CASES = [
    # phe_sii(SII_test_grouped[1:20, 3:13], Quantile, Population, value_type = 0,
    #   value = Value, se = StandardError, repetitions = no_reps, rii = TRUE)
    pytest.param((1, 20), {"se": "StandardError"}, (1, 11), ("95",), {}, id="se"),
    # ... lower_cl = LowerCL, upper_cl = UpperCL (CLs instead of SE)
    pytest.param(
        (1, 20), {"lower": "LowerCL", "upper": "UpperCL"}, (1, 11), ("95",), {}, id="limits"
    ),
    # ... lower_cl = LowerCL, upper_cl = UpperCL, intercept = TRUE -> rows c(246, 256)
    pytest.param(
        (1, 20),
        {"lower": "LowerCL", "upper": "UpperCL", "intercept": True},
        (246, 256),
        ("95",),
        {"intercept": True},
        id="intercept",
    ),
    # phe_sii(SII_test_data[1:10, 3:13], ...) on ungrouped data -> row 1
    pytest.param(
        (1, 10),
        {"lower": "LowerCL", "upper": "UpperCL", "grouped": False},
        (1,),
        ("95",),
        {},
        id="ungrouped",
    ),
    # phe_sii(SII_test_grouped[21:40, 3:13], ..., lower_cl, upper_cl, confidence = 0.99)
    pytest.param(
        (21, 40),
        {"lower": "LowerCL", "upper": "UpperCL", "confidence": 0.99},
        (21, 31),
        ("99",),
        {},
        id="99-decimal",
    ),
    # phe_sii(SII_test_grouped[21:40, 3:13], ..., se = StandardError, confidence = 99)
    # (the toolkit takes levels as fractions only, so 99 is given as 0.99)
    pytest.param(
        (21, 40),
        {"se": "StandardError", "confidence": 0.99},
        (21, 31),
        ("99",),
        {},
        id="99-percent",
    ),
    # phe_sii(SII_test_grouped[226:245, 3:13], ..., se = StandardError,
    #   confidence = c(95, 99))
    pytest.param(
        (226, 245),
        {"se": "StandardError", "confidence": (0.95, 0.99)},
        (226, 236),
        ("95", "99"),
        {},
        id="95-and-99",
    ),
    # phe_sii(SII_test_grouped[41:60, 3:13], ..., se = StandardError, repetitions = 100000)
    pytest.param((41, 60), {"se": "StandardError"}, (41, 51), ("95",), {}, id="100000-reps"),
    # phe_sii(SII_test_grouped[61:70, 3:13], ..., se = StandardError)[, 1:4] (quintiles;
    #   SII only: the Excel tool gave no limits)
    pytest.param((61, 70), {"se": "StandardError"}, (61, 66), (), {"rii": False}, id="quintiles"),
]


@pytest.mark.parametrize(("rows", "options", "records", "levels", "check"), NORMAL_CASES)
def test_phe_sii_default_normal(rows, options, records, levels, check):
    grouped = options.pop("grouped", True)
    result = _run(*rows, grouped=grouped, value_type="other", **options)
    _check(result, _expected(records), levels, **check)


# ---------------------------------------------------------------------------------------
# Rates, value type 1.
LOG = {"lower": "LowerCL", "upper": "UpperCL", "transform": True, "intercept": True}
RATE_CASES = [
    # phe_sii(SII_test_grouped[71:90, 3:13], Quantile, Population, value_type = 1,
    #   value = Value, se = StandardError, repetitions = no_reps, rii = TRUE)
    pytest.param((71, 90), {"se": "StandardError"}, (71, 81), ("95",), {}, id="se"),
    # ... lower_cl = LowerCL, upper_cl = UpperCL
    pytest.param(
        (71, 90), {"lower": "LowerCL", "upper": "UpperCL"}, (71, 81), ("95",), {}, id="limits"
    ),
    # ... lower_cl = LowerCL, upper_cl = UpperCL, intercept = TRUE -> rows c(266, 276)
    pytest.param(
        (71, 90),
        {"lower": "LowerCL", "upper": "UpperCL", "intercept": True},
        (266, 276),
        ("95",),
        {"intercept": True},
        id="intercept",
    ),
    # phe_sii(SII_test_grouped[306:325, 3:13], ..., value_type = 1, lower_cl, upper_cl,
    #   rii = TRUE, intercept = TRUE, transform = TRUE)
    pytest.param((306, 325), dict(LOG), (306, 316), ("95",), {"intercept": True}, id="log"),
    # phe_sii(SII_test_grouped[386:405, 3:13], ..., multiplier = -1, rii = TRUE,
    #   intercept = TRUE, transform = TRUE)
    pytest.param(
        (386, 405),
        {**LOG, "multiplier": -1},
        (386, 396),
        ("95",),
        {"intercept": True},
        id="log-negative-multiplier",
    ),
    # phe_sii(SII_test_grouped[406:425, 3:13], ..., confidence = 98, intercept = TRUE,
    #   transform = TRUE)
    pytest.param(
        (406, 425),
        {**LOG, "confidence": 0.98},
        (406, 416),
        ("98",),
        {"intercept": True},
        id="log-98",
    ),
    # phe_sii(SII_test_grouped[366:385, 3:13], ..., confidence = c(95, 98),
    #   intercept = TRUE, transform = TRUE)
    pytest.param(
        (366, 385),
        {**LOG, "confidence": (0.95, 0.98)},
        (366, 376),
        ("95", "98"),
        {"intercept": True},
        id="log-95-and-98",
    ),
    # phe_sii(SII_test_grouped[426:445, 3:13], ..., rii = FALSE, intercept = FALSE,
    #   transform = TRUE) -> SII and its limits only
    pytest.param(
        (426, 445),
        {**LOG, "intercept": False},
        (426, 436),
        ("95",),
        {"rii": False},
        id="log-without-rii",
    ),
]


@pytest.mark.parametrize(("rows", "options", "records", "levels", "check"), RATE_CASES)
def test_phe_sii_rate(rows, options, records, levels, check):
    result = _run(*rows, value_type="rate", **options)
    _check(result, _expected(records), levels, **check)


# ---------------------------------------------------------------------------------------
# Proportions, value type 2.
LOGIT = {"lower": "LowerCL", "upper": "UpperCL", "transform": True, "intercept": True}
LIMITS = {"lower": "LowerCL", "upper": "UpperCL"}
PROPORTION_CASES = [
    # phe_sii(SII_test_grouped[91:110, 3:13], Quantile, Population, value_type = 2,
    #   value = Value, se = StandardError, repetitions = no_reps, rii = TRUE)
    pytest.param((91, 110), {"se": "StandardError"}, (91, 101), ("95",), {}, id="se"),
    # ... lower_cl = LowerCL, upper_cl = UpperCL
    pytest.param((91, 110), dict(LIMITS), (91, 101), ("95",), {}, id="limits"),
    # ... x = Count, lower_cl = LowerCL, upper_cl = UpperCL (count instead of value)
    pytest.param((91, 110), {**LIMITS, "events": "Count"}, (91, 101), ("95",), {}, id="count"),
    # Toolkit extension (no R call): the counts alone. The package's limits in these rows
    # are Wilson limits of Count / Population, so the standard errors the toolkit derives
    # from the counts are the same and so are the results.
    pytest.param((91, 110), {"events": "Count"}, (91, 101), ("95",), {}, id="count-without-limits"),
    # phe_sii(SII_test_grouped[91:110, 3:13], ..., value_type = 1 (sic), lower_cl,
    #   upper_cl, intercept = TRUE) -> rows c(286, 296), the proportion figures
    pytest.param(
        (91, 110),
        {**LIMITS, "value_type": "rate", "intercept": True},
        (286, 296),
        ("95",),
        {"intercept": True},
        id="intercept",
    ),
    # phe_sii(SII_test_grouped[111:130, 3:13], ..., multiplier = 100, lower_cl, upper_cl,
    #   rii = TRUE)
    pytest.param(
        (111, 130), {**LIMITS, "multiplier": 100}, (111, 121), ("95",), {}, id="multiplier-100"
    ),
    # ... the same with rii = FALSE
    pytest.param(
        (111, 130),
        {**LIMITS, "multiplier": 100},
        (111, 121),
        ("95",),
        {"rii": False},
        id="multiplier-100-without-rii",
    ),
    # phe_sii(SII_test_grouped[131:150, 3:13], ..., multiplier = -100, rii = TRUE)
    pytest.param(
        (131, 150),
        {**LIMITS, "multiplier": -100},
        (131, 141),
        ("95",),
        {},
        id="multiplier-minus-100",
    ),
    # ... the same with rii = FALSE
    pytest.param(
        (131, 150),
        {**LIMITS, "multiplier": -100},
        (131, 141),
        ("95",),
        {"rii": False},
        id="multiplier-minus-100-without-rii",
    ),
    # phe_sii(SII_test_grouped[326:345, 3:13], ..., value_type = 2, lower_cl, upper_cl,
    #   rii = TRUE, intercept = TRUE, transform = TRUE)
    pytest.param((326, 345), dict(LOGIT), (326, 336), ("95",), {"intercept": True}, id="logit"),
    # phe_sii(SII_test_grouped[346:365, 3:13], ..., multiplier = -1, intercept = TRUE,
    #   transform = TRUE)
    pytest.param(
        (346, 365),
        {**LOGIT, "multiplier": -1},
        (346, 356),
        ("95",),
        {"intercept": True},
        id="logit-negative-multiplier",
    ),
    # phe_sii(SII_test_grouped[466:485, 3:13], ..., confidence = 98, intercept = TRUE,
    #   transform = TRUE)
    pytest.param(
        (466, 485),
        {**LOGIT, "confidence": 0.98},
        (466, 476),
        ("98",),
        {"intercept": True},
        id="logit-98",
    ),
    # phe_sii(SII_test_grouped[486:505, 3:13], ..., confidence = c(95, 98),
    #   intercept = TRUE, transform = TRUE)
    pytest.param(
        (486, 505),
        {**LOGIT, "confidence": (0.95, 0.98)},
        (486, 496),
        ("95", "98"),
        {"intercept": True},
        id="logit-95-and-98",
    ),
    # phe_sii(SII_test_grouped[446:465, 3:13], ..., rii = FALSE, transform = TRUE)
    pytest.param(
        (446, 465),
        {**LOGIT, "intercept": False},
        (446, 456),
        ("95",),
        {"rii": False},
        id="logit-without-rii",
    ),
]


@pytest.mark.parametrize(("rows", "options", "records", "levels", "check"), PROPORTION_CASES)
def test_phe_sii_proportion(rows, options, records, levels, check):
    options = {"value_type": "proportion", **options}
    result = _run(*rows, **options)
    _check(result, _expected(records), levels, **check)


# ---------------------------------------------------------------------------------------
# Invalid parameters (testSII.R "errors are generated when invalid parameters are entered").
def _call(first: int, last: int, **options: Any) -> pd.DataFrame:
    kwargs: dict[str, Any] = {"quantile": "Quantile", "population": "Population"}
    kwargs.update({"reps": 1000, "seed": 1, **options})
    return slope_index_of_inequality(_rows(first, last), **kwargs)


PARAMETER_CASES = [
    # phe_sii(SII_test_grouped[1:20, 3:13], Quantile, x = Count, se = StandardError)
    #   "function phe_sii requires the arguments: data, quantile, population"
    pytest.param(
        {"population": None, "events": "Count", "se": "StandardError"},
        TypeError,
        "population",
        id="missing-population",
    ),
    # phe_sii(SII_test_grouped[1:20, 3:13], Population, x = Count, se = StandardError)
    pytest.param(
        {"quantile": None, "events": "Count", "se": "StandardError"},
        TypeError,
        "quantile",
        id="missing-quantile",
    ),
    # phe_sii(..., value_type = 0, se = StandardError) "requires value field, or x field"
    pytest.param(
        {"se": "StandardError"}, ValueError, "either 'value' or 'events'", id="missing-value"
    ),
    # phe_sii(SII_test_grouped[71:90, ], ..., value_type = 1, se = StandardError)
    pytest.param(
        {"se": "StandardError", "value_type": "rate"},
        ValueError,
        "either 'value' or 'events'",
        id="missing-value-rate",
    ),
    # phe_sii(SII_test_grouped[91:110, ], ..., value_type = 2, se = StandardError)
    pytest.param(
        {"se": "StandardError", "value_type": "proportion"},
        ValueError,
        "either 'value' or 'events'",
        id="missing-value-proportion",
    ),
    # phe_sii(SII_test_grouped[1:20, 2:10], ..., value = Value, lower_cl = LowerCI)
    #   "requires either lower_cl and upper_cl fields, or se field"
    pytest.param(
        {"value": "Value", "lower": "LowerCL"},
        ValueError,
        "needs standard errors",
        id="one-limit-only",
    ),
    # phe_sii(..., value_type = "rate", se = StandardError, repetitions = 0)
    #   (the toolkit names value types, so "rate" is valid; repetitions = 0 still fails)
    pytest.param(
        {"value": "Value", "se": "StandardError", "value_type": "rate", "reps": 0},
        ValueError,
        "'reps' parameter",
        id="value-type-string",
    ),
    # phe_sii(..., value_type = 3, se = StandardError) "value_type should be 0, 1 or 2"
    pytest.param(
        {"value": "Value", "se": "StandardError", "value_type": 3},
        (TypeError, ValueError),
        "value_type",
        id="value-type-3",
    ),
    # phe_sii(..., se = StandardError, multiplier = "none")
    pytest.param(
        {"value": "Value", "se": "StandardError", "multiplier": "none"},
        (TypeError, ValueError),
        "multiplier",
        id="multiplier-string",
    ),
    # phe_sii(..., se = StandardError, repetitions = 0)
    pytest.param(
        {"value": "Value", "se": "StandardError", "reps": 0},
        ValueError,
        r"an int in the range \[1000, inf\)",
        id="repetitions-0",
    ),
    # phe_sii(..., se = StandardError, repetitions = "none")
    pytest.param(
        {"value": "Value", "se": "StandardError", "reps": "none"},
        (TypeError, ValueError),
        "reps",
        id="repetitions-string",
    ),
    # phe_sii(..., se = StandardError, confidence = 0.35)
    #   "all confidence levels must be between 90 and 100 or between 0.9 and 1"
    pytest.param(
        {"value": "Value", "se": "StandardError", "confidence": 0.35},
        ValueError,
        "confidence",
        id="confidence-0.35",
    ),
    # phe_sii(..., se = StandardError, confidence = 40)
    pytest.param(
        {"value": "Value", "se": "StandardError", "confidence": 40},
        ValueError,
        "confidence",
        id="confidence-40",
    ),
    # phe_sii(..., se = StandardError, confidence = 135)
    pytest.param(
        {"value": "Value", "se": "StandardError", "confidence": 135},
        ValueError,
        "confidence",
        id="confidence-135",
    ),
    # phe_sii(..., lower_cl, upper_cl, transform = TRUE, value_type = 0)
    pytest.param(
        {"value": "Value", "lower": "LowerCL", "upper": "UpperCL", "transform": True},
        ValueError,
        "'transform' parameter",
        id="transform-other",
    ),
    # phe_sii(..., se = StandardError, transform = TRUE, value_type = 1)
    #   "se to be missing when transform is true"
    pytest.param(
        {"value": "Value", "se": "StandardError", "transform": True, "value_type": "rate"},
        ValueError,
        "se",
        id="transform-with-se",
    ),
]


@pytest.mark.parametrize(("options", "error", "match"), PARAMETER_CASES)
def test_phe_sii_invalid_parameters(options, error, match):
    options = dict(options)
    for required in ("quantile", "population"):
        if required in options and options[required] is None:
            del options[required]
            kwargs = {"quantile": "Quantile", "population": "Population"}
            del kwargs[required]
            with pytest.raises(error, match=match):
                slope_index_of_inequality(_rows(1, 20), **kwargs, **options)
            return
    with pytest.raises(error, match=match):
        _call(1, 20, by=BY, **options)


# ---------------------------------------------------------------------------------------
# Invalid data (testSII.R "errors are generated when input dataframe contains invalid data").
DATA_CASES = [
    # phe_sii(SII_test_grouped[151:160, 3:13], Quantile, Grouping1, value, se)
    #   "some input fields in data.frame are non-numeric"
    pytest.param(
        (151, 160),
        {"population": "Grouping1", "value": "Value", "se": "StandardError"},
        TypeError,
        "numeric",
        id="non-numeric",
    ),
    # phe_sii(SII_test_grouped[151:160, 3:13], ..., value, se) negative population
    pytest.param(
        (151, 160),
        {"value": "Value", "se": "StandardError"},
        ValueError,
        "negative",
        id="negative-population",
    ),
    # phe_sii(SII_test_grouped[161:165, 3:13], ..., value, se) negative standard error
    pytest.param(
        (161, 165),
        {"value": "Value", "se": "StandardError"},
        ValueError,
        "negative",
        id="negative-se",
    ),
    # phe_sii(SII_test_grouped[191:200, 3:13], ..., value, se) missing standard errors
    pytest.param(
        (191, 200),
        {"value": "Value", "se": "StandardError"},
        ValueError,
        "missing",
        id="missing-se",
    ),
    # phe_sii(SII_test_grouped[166:170, 3:13], ..., x = Count, value_type = 2, se)
    #   "some groups have a zero or negative count x"
    pytest.param(
        (166, 170),
        {"events": "Count", "value_type": "proportion", "se": "StandardError"},
        ValueError,
        "count",
        id="zero-count",
    ),
    # phe_sii(SII_test_grouped[1:20, 3:13], ..., value, value_type = 2, se)
    #   "value proportions are not all between 0 and 1"
    pytest.param(
        (1, 20),
        {"value": "Value", "value_type": "proportion", "se": "StandardError", "by": BY},
        ValueError,
        "between 0 and 1",
        id="proportion-outside-0-1",
    ),
    # phe_sii(SII_test_grouped[171:175, 3:13], ..., value_type = 2, lower_cl, upper_cl)
    pytest.param(
        (171, 175),
        {"value": "Value", "value_type": "proportion", "lower": "LowerCL", "upper": "UpperCL"},
        ValueError,
        "between 0 and 1",
        id="upper-limit-outside-0-1",
    ),
    # phe_sii(SII_test_grouped[176:180, 3:13], ..., value_type = 2, lower_cl, upper_cl)
    #   (the lower limit 8 is also above the upper limit, which is reported first)
    pytest.param(
        (176, 180),
        {"value": "Value", "value_type": "proportion", "lower": "LowerCL", "upper": "UpperCL"},
        ValueError,
        "exceeds|between 0 and 1",
        id="lower-limit-outside-0-1",
    ),
    # phe_sii(SII_test_grouped[1:3, 3:13], ..., lower_cl, upper_cl)
    #   "Number of quantiles must be between 5 and 100"
    pytest.param(
        (1, 3),
        {"value": "Value", "lower": "LowerCL", "upper": "UpperCL"},
        ValueError,
        "5 to 100 quantiles",
        id="too-few-quantiles",
    ),
    # phe_sii(SII_test_grouped[191:200, 3:13], ..., lower_cl, upper_cl)
    #   "missing lower or upper confidence limits in input dataset"
    pytest.param(
        (191, 200),
        {"value": "Value", "lower": "LowerCL", "upper": "UpperCL"},
        ValueError,
        "missing",
        id="missing-limits",
    ),
]


@pytest.mark.parametrize(("rows", "options", "error", "match"), DATA_CASES)
def test_phe_sii_invalid_data(rows, options, error, match):
    with pytest.raises(error, match=match):
        _call(*rows, **options)


def test_phe_sii_missing_limits_give_a_note_with_the_note_option():
    # The departure invalid_groups="note": rows 191:200 lack the SE and limits of
    # quantiles 1 to 5, so the group is not calculated, says why, and a warning counts it.
    for options in ({"se": "StandardError"}, {"lower": "LowerCL", "upper": "UpperCL"}):
        with pytest.warns(SIIWarning, match="1 group\\(s\\) not calculated"):
            row = _call(191, 200, value="Value", invalid_groups="note", **options).iloc[0]
        assert np.isnan(row["sii"])
        assert row["note"] == "not calculated: missing standard error in quantile(s) 1, 2, 3, 4, 5"


def test_phe_sii_one_bad_group_does_not_stop_the_others_with_the_note_option():
    # Rows 1:20 (two good groups) with rows 191:200 (missing SEs) in one grouped call.
    frame = pd.concat([_rows(1, 20), _rows(191, 200)], ignore_index=True)
    options = {"value": "Value", "se": "StandardError", "by": BY, "reps": 1000, "seed": 1}
    with pytest.raises(ValueError, match="missing standard error"):
        slope_index_of_inequality(frame, quantile="Quantile", population="Population", **options)
    with pytest.warns(SIIWarning):
        result = slope_index_of_inequality(
            frame, quantile="Quantile", population="Population", invalid_groups="note", **options
        )
    assert result["sii"].notna().sum() == 2
    assert result["note"].str.startswith("not calculated").sum() == 1
    alone = _call(1, 20, **options)
    assert_allclose(result["sii"].dropna().to_numpy(), alone["sii"].to_numpy(), rtol=1e-12)


def test_phe_sii_zero_count_is_a_proportion_of_0_with_the_note_option():
    # Rows 166:170 have a zero count: refused by default (as phe_sii), calculated as a
    # proportion of 0 with invalid_groups="note" (no transform).
    options = {"events": "Count", "value_type": "proportion", "se": "StandardError"}
    result = _call(166, 170, invalid_groups="note", **options)
    assert result["sii"].notna().all()


def test_phe_sii_incomplete_group_is_removed_or_calculated():
    # R: phe_sii(SII_test_grouped[c(1:15, 17:20), 3:13], ...) removes the second group
    # (9 of 10 quantiles) with a warning; the toolkit keeps its row with a note, and
    # incomplete_groups="calculate" fits it on its 9 quantiles.
    frame = DATA[DATA["RecordNo"].isin([*range(1, 16), *range(17, 21)])]
    options = {
        "value": "Value", "quantile": "Quantile", "population": "Population",
        "lower": "LowerCL", "upper": "UpperCL", "by": BY, "reps": 1000, "seed": 1,
    }  # fmt: skip
    with pytest.warns(SIIWarning, match="1 group\\(s\\) removed"):
        removed = slope_index_of_inequality(frame, **options)
    assert removed["sii"].notna().tolist() == [True, False]
    assert "no row for quantile(s) 6" in removed["note"].iloc[1]
    calculated = slope_index_of_inequality(frame, incomplete_groups="calculate", **options)
    assert calculated["sii"].notna().all()
    assert calculated["quantiles"].tolist() == [10, 9]


# ---------------------------------------------------------------------------------------
# Warnings (testSII.R "warnings are generated when data does not pass quality checks").
WARNING_CASES = [
    # phe_sii(SII_test_grouped[c(1:15, 17:20), 3:13], ..., lower_cl, upper_cl)
    #   "WARNING: some records have been removed due to incomplete or invalid data"
    pytest.param(
        [*range(1, 16), *range(17, 21)],
        "removed",
        id="incomplete-group",
    ),
    # phe_sii(SII_test_grouped[211:225, 3:13], ..., lower_cl, upper_cl)
    #   "WARNING: Small values can make SII unstable when using a large number of quantiles"
    pytest.param(
        list(range(211, 226)),
        "unstable",
        id="many-quantiles",
    ),
]


@pytest.mark.parametrize(("records", "match"), WARNING_CASES)
def test_phe_sii_warnings(records, match):
    frame = DATA[DATA["RecordNo"].isin(records)]
    with pytest.warns(UserWarning, match=match):
        slope_index_of_inequality(
            frame,
            value="Value",
            quantile="Quantile",
            population="Population",
            lower="LowerCL",
            upper="UpperCL",
            by=BY,
            reps=1000,
            seed=1,
        )


# ---------------------------------------------------------------------------------------
# Reliability statistic (testSII.R "dimensions are correct when reliability stats
# requested"): phe_sii(SII_test_grouped[1:20, 3:13], Quantile, Population, value = Value,
#   lower_cl = LowerCL, upper_cl = UpperCL, repetitions = 1000, multiplier = 1 or -1,
#   rii = TRUE or FALSE, reliability_stat = TRUE or FALSE, type = "standard" or "full")
# The package adds one MAD column per statistic; the toolkit always gives the RII, so it
# adds sii_mad_<level> and rii_mad_<level> (type = "full" has no counterpart).
@pytest.mark.parametrize("multiplier", [1, -1])
@pytest.mark.parametrize("reliability", [True, False])
def test_phe_sii_reliability_columns(multiplier, reliability):
    options = {"value": "Value", "lower": "LowerCL", "upper": "UpperCL", "by": BY}
    plain = _call(1, 20, multiplier=multiplier, **options)
    result = _call(1, 20, multiplier=multiplier, reliability=reliability, **options)
    assert result.shape == (2, plain.shape[1] + (2 if reliability else 0))
    # the reported limits do not depend on the option
    pd.testing.assert_frame_equal(result[plain.columns], plain)
    if reliability:
        width = (result["sii_upper_95"] - result["sii_lower_95"]).abs()
        assert (result["sii_mad_95"] > 0).all() and (result["sii_mad_95"] < 0.05 * width).all()
        assert (result["rii_mad_95"] > 0).all()


# ---------------------------------------------------------------------------------------
# Toolkit extensions beyond testSII.R: rates from counts, and the definitions of the
# intercept and the reliability statistic.
def test_sii_rate_from_counts_matches_value_with_poisson_limits():
    from toolkit.indicators.intervals import poisson_interval

    frame = pd.DataFrame(
        {
            "decile": range(1, 11),
            "persons": [9000 + 250 * d for d in range(10)],
            "deaths": [8, 30, 27, 25, 22, 20, 18, 15, 12, 9],
        }
    )
    low, high, _ = poisson_interval(frame["deaths"].to_numpy(float), 0.95)
    frame = frame.assign(
        rate=frame["deaths"] / frame["persons"],
        lower=low / frame["persons"],
        upper=high / frame["persons"],
    )
    common = {
        "quantile": "decile",
        "population": "persons",
        "value_type": "rate",
        "transform": True,
        "multiplier": 100_000,
        "reps": 5_000,
        "seed": 4,
    }
    from_counts = slope_index_of_inequality(frame, events="deaths", **common)
    from_values = slope_index_of_inequality(
        frame, value="rate", lower="lower", upper="upper", **common
    )
    pd.testing.assert_frame_equal(from_counts, from_values)


def test_sii_intercept_and_reliability_definitions():
    frame = _rows(306, 315)
    common = {
        "value": "Value",
        "quantile": "Quantile",
        "population": "Population",
        "lower": "LowerCL",
        "upper": "UpperCL",
        "value_type": "rate",
        "transform": True,
        "reps": 2_000,
        "seed": 8,
    }
    row = slope_index_of_inequality(frame, intercept=True, reliability=True, **common).iloc[0]
    # intercept: the fitted value at the most deprived end, in the rate's own units
    assert_allclose(row["intercept"] * row["rii"] - row["intercept"], row["sii"], rtol=1e-12)
    # reliability: mean |limit - first run's limit| over 9 further runs of the same size,
    # drawn from a child stream of the seed
    import toolkit.indicators.sii as sii_module

    child = np.random.default_rng(np.random.SeedSequence(8).spawn(1)[0])
    first = (row["sii_lower_95"], row["sii_upper_95"])
    differences = []
    values = np.log(frame["Value"].to_numpy())
    z = 1.959963984540054
    se = (np.log(frame["UpperCL"]) - np.log(frame["LowerCL"])).to_numpy() / (2 * z)
    a_w, b_w = sii_module._design(frame["Population"].to_numpy(float))
    a, b = a_w @ values, b_w @ values
    for _ in range(sii_module.RELIABILITY_RUNS - 1):
        _, slopes = sii_module._draw_coefficients(
            values, se, a_w, b_w, a, b, 2_000, child, "coefficients"
        )
        mid = a + b / 2
        sii_draws = np.exp(mid + slopes / 2) - np.exp(mid - slopes / 2)
        low, high = sii_module._order_statistics(sii_draws, [0.95], 2_000)[0.95]
        differences += [abs(low - first[0]), abs(high - first[1])]
    assert_allclose(row["sii_mad_95"], np.mean(differences), rtol=1e-12)
