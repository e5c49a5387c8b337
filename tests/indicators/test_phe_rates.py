"""Proportions, crude rates, Wilson, Byar and ISR/ISRatio against PHEindicatormethods' tests.

Test data: PHEindicatormethods v2.1.0 (GPL-3), github.com/ukhsa-collaboration/
PHEindicatormethods, tests/testthat/*.xlsx, ported to CSV in tests/indicators/phe/ (see
its README). Each R ``expect_equal`` is one case below, its R call in the comment or the
case id; the package's ``type=`` argument only selects columns, so cases differing only
in ``type`` compare the columns that type returns. Closed forms: 1e-6 relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from toolkit.indicators.intervals import byar_interval, wilson_interval
from toolkit.indicators.rates import (
    MissingCountWarning,
    crude_rate,
    indirectly_standardised_rate,
    indirectly_standardised_ratio,
    proportion,
)

PHE = Path(__file__).parent / "phe"
RTOL = 1e-6

#: R column names of the fixtures -> toolkit output columns
COLUMNS = {
    "observed": "events",
    "value": "value",
    "lower95_0cl": "lower_95",
    "upper95_0cl": "upper_95",
    "lower99_8cl": "lower_99_8",
    "upper99_8cl": "upper_99_8",
    "lowercl": "lower_95",
    "uppercl": "upper_95",
}
FULL = ["value", "lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl"]
CI95 = ["value", "lower95_0cl", "upper95_0cl"]
CI998 = ["value", "lower99_8cl", "upper99_8cl"]


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(PHE / name)


def _assert_matches(
    result: pd.DataFrame, expected: pd.DataFrame, key: str, columns, names: dict | None = None
) -> None:
    """Match rows on ``key`` and compare each R column to its toolkit column."""
    names = {**COLUMNS, **(names or {})}
    merged = expected.merge(result, on=key, how="left", suffixes=("_r", ""), validate="1:1")
    assert len(merged) == len(expected)
    for r_name in columns:
        ours = names.get(r_name, r_name)
        theirs = f"{r_name}_r" if r_name == ours else r_name
        assert_allclose(
            merged[ours].to_numpy(dtype=float),
            merged[theirs].to_numpy(dtype=float),
            rtol=RTOL,
            equal_nan=True,
            err_msg=f"{r_name} -> {ours}",
        )


# --------------------------------------------------------------------------------------
# testProportions.R: 18 expect_equal cases
# --------------------------------------------------------------------------------------
PROP = _csv("phe_proportion.csv")
PROP_G = _csv("phe_proportion_grouped.csv")
PROPORTION_CASES = [
    # (id = R info, R rows (1-based slice), toolkit options, R columns compared)
    # phe_proportion(slice(test_Prop,1:8)[1:3], Numerator, Denominator)
    ("default", slice(0, 8), {"multiplier": 1}, CI95),
    ("full output 2 CIs", slice(0, 8), {"multiplier": 1, "confidence": (0.95, 0.998)}, FULL),
    ("full, percentage", slice(8, 16), {"multiplier": 100}, CI95),  # multiplier = 100, type="full"
    ("standard", slice(0, 8), {"multiplier": 1}, CI95),  # type="standard"
    ("standard 2 CIs", slice(0, 8), {"multiplier": 1, "confidence": (0.95, 0.998)}, FULL),
    ("confidence", slice(0, 8), {"multiplier": 1, "confidence": 0.998}, CI998),  # confidence=99.8
    ("value", slice(0, 8), {"multiplier": 1}, ["value"]),  # type="value"
    ("value 2 CIs", slice(0, 8), {"multiplier": 1, "confidence": (0.95, 0.998)}, ["value"]),
    ("lower", slice(0, 8), {"multiplier": 1}, ["lower95_0cl"]),  # type="lower"
    (
        "lower 2 CIs",
        slice(0, 8),
        {"multiplier": 1, "confidence": (0.95, 0.998)},
        ["lower95_0cl", "lower99_8cl"],
    ),
    ("upper", slice(0, 8), {"multiplier": 1}, ["upper95_0cl"]),  # type="upper"
    (
        "upper 2 CIs",
        slice(0, 8),
        {"multiplier": 1, "confidence": (0.95, 0.998)},
        ["upper95_0cl", "upper99_8cl"],
    ),
    ("two CIs 95%", slice(0, 8), {"multiplier": 1, "confidence": (0.95, 0.998)}, CI95),
    ("two CIs 99.8%", slice(8, 16), {"multiplier": 100, "confidence": (0.95, 0.998)}, CI998),
]


@pytest.mark.parametrize(
    ("info", "rows", "options", "columns"), PROPORTION_CASES, ids=[c[0] for c in PROPORTION_CASES]
)
def test_proportions_match_phe_proportion(info, rows, options, columns):
    # R: phe_proportion(slice(test_Prop, <rows>)[1:3], Numerator, Denominator, <options>)
    data = PROP.iloc[rows, :3]
    result = proportion(data, events="Numerator", population="Denominator", by="Area", **options)
    _assert_matches(result, PROP.iloc[rows], "Area", columns)


def test_proportions_two_cis_metadata():
    # R: phe_proportion(slice(test_Prop,9:16)[1:3], Numerator, Denominator,
    #                   confidence = c(0.95, 0.998))  -> confidence "95%, 99.8%"
    result = proportion(
        PROP.iloc[8:16, :3],
        events="Numerator",
        population="Denominator",
        by="Area",
        confidence=(0.95, 0.998),
    )
    assert (result["confidence"] == "95%, 99.8%").all()


def test_proportions_missing_values_are_na():
    # R: phe_proportion(filter(test_Prop, Area %in% c("Area09","Area10","Area11"))[1:3],
    #                   Numerator, Denominator, type="full")  -> value and limits NA
    data = PROP[PROP["Area"].isin(["Area09", "Area10", "Area11"])].iloc[:, :3]
    with pytest.warns(MissingCountWarning, match="3 groups"):
        result = proportion(
            data, events="Numerator", population="Denominator", by="Area", multiplier=1
        )
    _assert_matches(result, PROP.iloc[16:19], "Area", CI95)
    assert (result["note"] == "missing events or population").all()


def test_proportions_grouped():
    # R: phe_proportion(slice(test_Prop_g,1:8)[1:3], Numerator, Denominator, type="standard")
    #    (test_Prop grouped by Area) -> test_Prop_g_results
    with pytest.warns(MissingCountWarning):
        result = proportion(
            PROP.iloc[:, :3],
            events="Numerator",
            population="Denominator",
            by="Area",
            multiplier=1,
        )
    _assert_matches(
        result,
        PROP_G,
        "Area",
        ["Numerator", "Denominator", "value", "lowercl", "uppercl"],
        {"Numerator": "events", "Denominator": "population"},
    )


def test_proportions_without_confidence():
    # R: phe_proportion(slice(test_Prop_g_results,1:8)[1:3], Numerator, Denominator,
    #                   confidence = NA)  -> value, confidence "not requested", no limits
    data = PROP_G.iloc[:8, :3]
    result = proportion(
        data,
        events="Numerator",
        population="Denominator",
        by="Area",
        multiplier=1,
        confidence=None,
    )
    assert not [c for c in result if c.startswith(("lower_", "upper_"))]
    assert (result["confidence"] == "not requested").all()
    assert result["method"].isna().all()
    _assert_matches(result, PROP_G.iloc[:8], "Area", ["value"])


def test_proportion_missing_zero_keeps_old_behaviour():
    data = PROP[PROP["Area"].isin(["Area09", "Area1"])].iloc[:, :3]
    result = proportion(
        data,
        events="Numerator",
        population="Denominator",
        by="Area",
        multiplier=1,
        missing="zero",
    )
    assert result.set_index("Area").loc["Area09", "value"] == 0


@pytest.mark.parametrize(
    ("info", "obs", "pop", "message"),
    [
        ("error num < 0", [65, -80, 30], [100, 100, 100], "zero or more"),
        ("error denom = 0", [65, 80, 30], [100, 0, 100], "zero or missing"),
        ("error denom < 0", [65, 80, 30], [100, 100, -100], "zero or more"),
        ("error num > denom", [101, 80, 30], [100, 100, 100], "exceeds"),
    ],
)
def test_proportion_errors(info, obs, pop, message):
    # R: phe_proportion(data.frame(area=c("Area1","Area2","Area3"), obs=<obs>, pop=<pop>), obs, pop)
    data = pd.DataFrame({"area": ["Area1", "Area2", "Area3"], "obs": obs, "pop": pop})
    with pytest.raises(ValueError, match=message):
        proportion(data, events="obs", population="pop", by="area")


# --------------------------------------------------------------------------------------
# testRates.R: 18 expect_equal cases (one, "two CIs 99.8%", slices rows 25:32 of a
# 20-row table: it compares two empty frames and is not ported)
# --------------------------------------------------------------------------------------
RATE = _csv("phe_rate.csv")
RATE_G = _csv("phe_rate_grouped.csv")
RATE_CASES = [
    # phe_rate(slice(test_Rate,9:16)[1:3],Numerator,Denominator)
    ("default", slice(8, 16), {}, CI95),
    ("full output 2 CIs", slice(8, 16), {"confidence": (0.95, 0.998)}, FULL),
    ("standard", slice(8, 16), {}, CI95),  # type="standard"
    ("standard 2 CIs", slice(8, 16), {"confidence": (0.95, 0.998)}, FULL),
    ("num > denom", slice(19, 20), {}, CI95),  # slice(test_Rate,20), type="standard"
    ("confidence", slice(8, 16), {"confidence": 0.998}, CI998),  # confidence=99.8
    ("multiplier", slice(0, 8), {"multiplier": 100}, CI95),  # slice(test_Rate,1:8), multiplier=100
    ("value", slice(8, 16), {}, ["value"]),
    ("value 2 CIs", slice(8, 16), {"confidence": (0.95, 0.998)}, ["value"]),
    ("lower", slice(8, 16), {}, ["lower95_0cl"]),
    ("lower 2 CIs", slice(8, 16), {"confidence": (0.95, 0.998)}, ["lower95_0cl", "lower99_8cl"]),
    ("upper", slice(8, 16), {}, ["upper95_0cl"]),
    ("upper 2 CIs", slice(8, 16), {"confidence": (0.95, 0.998)}, ["upper95_0cl", "upper99_8cl"]),
    ("two CIs 95%", slice(8, 16), {"confidence": (0.95, 0.998)}, CI95),
]


@pytest.mark.parametrize(
    ("info", "rows", "options", "columns"), RATE_CASES, ids=[c[0] for c in RATE_CASES]
)
def test_rates_match_phe_rate(info, rows, options, columns):
    # R: phe_rate(slice(test_Rate, <rows>)[1:3], Numerator, Denominator, <options>)
    data = RATE.iloc[rows, :3]
    result = crude_rate(data, events="Numerator", population="Denominator", by="Area", **options)
    _assert_matches(result, RATE.iloc[rows], "Area", columns)
    methods = {"exact Poisson": "Exact", "Byar": "Byars"}
    merged = RATE.iloc[rows].merge(result, on="Area")
    assert (merged["method_y"].map(methods) == merged["method_x"]).all()


def test_rates_two_cis_metadata():
    # R: phe_rate(slice(test_Rate,9:16)[1:3],Numerator,Denominator, confidence = c(0.95, 0.998))
    result = crude_rate(
        RATE.iloc[8:16, :3],
        events="Numerator",
        population="Denominator",
        by="Area",
        confidence=(0.95, 0.998),
    )
    assert (result["confidence"] == "95%, 99.8%").all()


def test_rates_missing_values_are_na():
    # R: phe_rate(slice(test_Rate,17:19)[1:3], Numerator, Denominator, type="full")
    with pytest.warns(MissingCountWarning, match="3 groups"):
        result = crude_rate(
            RATE.iloc[16:19, :3], events="Numerator", population="Denominator", by="Area"
        )
    _assert_matches(result, RATE.iloc[16:19], "Area", CI95)


def test_rates_grouped():
    # R: phe_rate(slice(test_Rate_g,1:8)[1:3], Numerator, Denominator)
    #    (test_Rate grouped by Area) -> test_Rate_g_results
    with pytest.warns(MissingCountWarning):
        result = crude_rate(
            RATE.iloc[:, :3], events="Numerator", population="Denominator", by="Area"
        )
    _assert_matches(
        result,
        RATE_G,
        "Area",
        ["Numerator", "Denominator", "value", "lowercl", "uppercl"],
        {"Numerator": "events", "Denominator": "population"},
    )


def test_rates_without_confidence():
    # No R case: the value alone, as confidence = NA gives for phe_proportion.
    result = crude_rate(
        RATE.iloc[8:16, :3],
        events="Numerator",
        population="Denominator",
        by="Area",
        confidence=None,
    )
    assert not [c for c in result if c.startswith(("lower_", "upper_"))]
    _assert_matches(result, RATE.iloc[8:16], "Area", ["value"])


@pytest.mark.parametrize(
    ("info", "obs", "pop", "message"),
    [
        ("error num < 0", [-65, 80, 30], [100, 100, 100], "zero or more"),
        ("error denom = 0", [65, 80, 30], [100, 100, 0], "zero or missing"),
        ("error denom < 0", [65, 80, 30], [100, -100, 100], "zero or more"),
    ],
)
def test_rate_errors(info, obs, pop, message):
    # R: phe_rate(data.frame(area=c("Area1","Area2","Area3"), obs=<obs>, pop=<pop>), obs, pop)
    data = pd.DataFrame({"area": ["Area1", "Area2", "Area3"], "obs": obs, "pop": pop})
    with pytest.raises(ValueError, match=message):
        crude_rate(data, events="obs", population="pop", by="area")


# --------------------------------------------------------------------------------------
# testWilson.R (7 cases) and testByars.R (5 cases)
# --------------------------------------------------------------------------------------
BW = _csv("phe_byars_wilson.csv")
WILSON_X = np.array([65, 1045, 0.445])
WILSON_N = np.array([100, 5000, 1])


@pytest.mark.parametrize(
    ("info", "confidence", "rows", "side"),
    [
        # wilson_lower(c(65,1045,0.445),c(100,5000,1))
        ("wilson_lower default", 0.95, slice(6, 9), 0),
        ("wilson_lower 99.8", 0.998, slice(9, 12), 0),  # ..., confidence=99.8
        # wilson_upper(c(65,1045,0.445),c(100,5000,1))
        ("wilson_upper default", 0.95, slice(6, 9), 1),
        ("wilson_upper 0.998", 0.998, slice(9, 12), 1),  # ..., confidence=0.998
        ("wilson_upper 99.8", 0.998, slice(9, 12), 1),  # ..., confidence=99.8
    ],
)
def test_wilson_matches_phe(info, confidence, rows, side):
    limits = wilson_interval(WILSON_X, WILSON_N, confidence)
    column = ["lowercl", "uppercl"][side]
    assert_allclose(limits[side], BW[column].iloc[rows].to_numpy(), rtol=RTOL)


@pytest.mark.parametrize(("side", "expected"), [(0, 0.0), (1, 1.0)], ids=["lower", "upper"])
def test_wilson_at_confidence_one(side, expected):
    # R: wilson_lower(c(65,1045,0.445),c(100,5000,1),confidence=1) == 0
    # R: wilson_upper(c(65,1045,0.445),c(100,5000,1),confidence=1) == 1
    limits = wilson_interval(WILSON_X, WILSON_N, 1)
    assert (limits[side] == expected).all()


@pytest.mark.parametrize(
    ("info", "x", "confidence", "rows", "side"),
    [
        ("byars_lower default", [65, 1045, 1], 0.95, slice(0, 3), 0),  # byars_lower(c(65,1045,1))
        # byars_lower(c(65,1045,10),confidence=99.8)
        ("byars_lower 99.8", [65, 1045, 10], 0.998, slice(3, 6), 0),
        ("byars_upper default", [65, 1045, 1], 0.95, slice(0, 3), 1),  # byars_upper(c(65,1045,1))
        ("byars_upper 0.998", [65, 1045, 10], 0.998, slice(3, 6), 1),  # ..., confidence=0.998
        ("byars_upper 99.8", [65, 1045, 10], 0.998, slice(3, 6), 1),  # ..., confidence=99.8
    ],
)
def test_byar_matches_phe(info, x, confidence, rows, side):
    limits = byar_interval(np.array(x, dtype=float), confidence)
    column = ["lowercl", "uppercl"][side]
    assert_allclose(limits[side], BW[column].iloc[rows].to_numpy(), rtol=RTOL)


# --------------------------------------------------------------------------------------
# testISRatios.R (20 cases) and testISRates.R (20 cases)
# --------------------------------------------------------------------------------------
ISR_RESULTS = _csv("phe_isr_results.csv")
REF = _csv("phe_isr_reference.csv")
OWNREF = _csv("phe_isr_multiarea_own_reference.csv")
MULTIAREA = _csv("phe_isr_multiarea.csv")
LOOKUP = _csv("phe_isr_multiarea_lookup.csv")
BANDS = REF["Age Band"].tolist()


def _zero_population_data() -> pd.DataFrame:
    # test_err2 has no band column: R matches rows to x_ref/n_ref by position in each area
    data = _csv("phe_isr_zero_population.csv")
    return data.assign(ageband=[BANDS[i] for i in data.groupby("area").cumcount()])


def _reference(refcount, refpop) -> tuple[dict, dict]:
    counts = np.asarray(refcount, dtype=float)
    pops = np.asarray(refpop, dtype=float)
    return dict(zip(BANDS, counts / pops, strict=True)), dict(zip(BANDS, pops, strict=True))


REF_DEFAULT = _reference(REF["refcount"], REF["refpop"])
# the "ref as specified vector" cases: x_ref with NA in the third band
REF_WITH_NA = _reference(
    [
        10303,
        2824,
        np.nan,
        3615,
        3641,
        3490,
        3789,
        3213,
        3031,
        2771,
        3089,
        3490,
        3595,
        4745,
        5514,
        7125,
        5694,
        6210,
        5757,
    ],
    [
        50520,
        57173,
        60213,
        54659,
        44345,
        50128,
        62163,
        67423,
        62899,
        55463,
        60479,
        49974,
        44140,
        40888,
        37239,
        30819,
        18136,
        15325,
        13918,
    ],
)
# refpoptype = "field" / own ref as a vector: the reference columns of the data, first area
REF_OWN = _reference(OWNREF["refcount"].iloc[:19].fillna(0), OWNREF["refpop"].iloc[:19])
OWN_DATA = OWNREF.drop(columns=["refcount", "refpop"])
TWO = {"confidence": (0.95, 0.998)}
ISR_COMMON = ["observed", "expected"]

# (info, data, reference, options, R result rows (0-based slice), R columns)
ISR_CASES = [
    ("default", OWN_DATA, REF_DEFAULT, {}, CI95),
    ("default with observed_totals", "totals", REF_DEFAULT, {}, CI95),
    ("full output with 2 CIs", OWN_DATA, REF_DEFAULT, TWO, FULL),
    ("own ref data by col name", OWN_DATA, REF_OWN, {}, CI95),
    ("own ref data as vector", OWN_DATA, REF_OWN, {}, CI95),
    ("ref as specified vector", OWN_DATA, REF_WITH_NA, {}, CI95),
    ("standard", MULTIAREA, REF_DEFAULT, {}, CI95),
    ("standard 2 CIs", MULTIAREA, REF_DEFAULT, TWO, FULL),
    ("value", MULTIAREA, REF_DEFAULT, {}, ["value"]),
    ("value 2 CIs", MULTIAREA, REF_DEFAULT, TWO, ["value"]),
    ("lower", MULTIAREA, REF_DEFAULT, {}, ["lower95_0cl"]),
    ("lower 2 CIs", MULTIAREA, REF_DEFAULT, TWO, ["lower95_0cl", "lower99_8cl"]),
    ("upper", MULTIAREA, REF_DEFAULT, {}, ["upper95_0cl"]),
    ("upper 2 CIs", MULTIAREA, REF_DEFAULT, TWO, ["upper95_0cl", "upper99_8cl"]),
    ("confidence", MULTIAREA, REF_DEFAULT, {"confidence": 0.998}, CI998),
    ("two CIs 95%", OWN_DATA, REF_DEFAULT, TWO, CI95),
    ("two CIs 99.8", MULTIAREA, REF_DEFAULT, TWO, CI998),
]


def _isr_call(function, data, reference, options):
    rates, populations = reference
    kwargs = {"population": "pop", "age_band": "ageband", "reference_rates": rates, "by": "area"}
    if function is indirectly_standardised_rate:
        kwargs["reference_population"] = populations
    if isinstance(data, str):  # observed totals per area, the age breakdown without counts
        data = OWN_DATA.drop(columns="count")
        kwargs.update(events="total_count", observed_totals=LOOKUP)
    else:
        kwargs["events"] = "count"
    return function(data, **kwargs, **options)


@pytest.mark.parametrize(
    ("info", "data", "reference", "options", "columns"), ISR_CASES, ids=[c[0] for c in ISR_CASES]
)
def test_isratios_match_calculate_isratio(info, data, reference, options, columns):
    # R: calculate_ISRatio(<data>, count, pop, x_ref = test_ISR_refdata$refcount,
    #                      n_ref = test_ISR_refdata$refpop, <options>)  (refvalue = 1)
    # e.g. "default with observed_totals": calculate_ISRatio(select(test_ISR_ownref,-count,
    #      -refcount,-refpop), total_count, pop, x_ref = ..., observed_totals = test_ISR_lookup)
    result = _isr_call(
        indirectly_standardised_ratio, data, reference, {"reference_value": 1, **options}
    )
    _assert_matches(result, ISR_RESULTS.iloc[6:9], "area", [*ISR_COMMON, *columns])


def test_isratio_refvalue():
    # R: calculate_ISRatio(test_multiarea, count, pop, type="standard", x_ref = ..., refvalue=100)
    result = _isr_call(indirectly_standardised_ratio, MULTIAREA, REF_DEFAULT, {})
    _assert_matches(result, ISR_RESULTS.iloc[9:12], "area", [*ISR_COMMON, *CI95])


def test_isratio_zero_population():
    # R: calculate_ISRatio(test_err2, count, pop, type="standard", x_ref = ..., refvalue=100)
    #    events in the band with zero population count in O and add nothing to E
    result = _isr_call(indirectly_standardised_ratio, _zero_population_data(), REF_DEFAULT, {})
    _assert_matches(result, ISR_RESULTS.iloc[14:16], "area", [*ISR_COMMON, *CI95])
    with pytest.raises(ValueError, match="zero or missing"):
        _isr_call(
            indirectly_standardised_ratio,
            _zero_population_data(),
            REF_DEFAULT,
            {"zero_population": "raise"},
        )


def test_isratio_metadata():
    # R: calculate_ISRatio(..., confidence = c(0.95,0.998), ...)  -> "95%, 99.8%"
    result = _isr_call(indirectly_standardised_ratio, OWN_DATA, REF_DEFAULT, TWO)
    assert (result["confidence"] == "95%, 99.8%").all()


@pytest.mark.parametrize(
    ("info", "data", "reference", "options", "columns"), ISR_CASES, ids=[c[0] for c in ISR_CASES]
)
def test_israte_match_calculate_israte(info, data, reference, options, columns):
    # R: calculate_ISRate(<data>, count, pop, x_ref = test_ISR_refdata$refcount,
    #                     n_ref = test_ISR_refdata$refpop, <options>)  (multiplier = 100000)
    result = _isr_call(indirectly_standardised_rate, data, reference, options)
    expected = ISR_RESULTS.iloc[0:3].rename(columns={"ref_rate": "reference_rate"})
    _assert_matches(result, expected, "area", [*ISR_COMMON, "reference_rate", *columns])


def test_israte_multiplier():
    # R: calculate_ISRate(test_multiarea, count, pop, type="standard", x_ref = ..., multiplier=1000)
    result = _isr_call(indirectly_standardised_rate, MULTIAREA, REF_DEFAULT, {"multiplier": 1000})
    expected = ISR_RESULTS.iloc[3:6].rename(columns={"ref_rate": "reference_rate"})
    _assert_matches(result, expected, "area", [*ISR_COMMON, "reference_rate", *CI95])


def test_israte_zero_population():
    # R: calculate_ISRate(test_err2, count, pop, x_ref = ..., n_ref = ..., type="standard")
    result = _isr_call(indirectly_standardised_rate, _zero_population_data(), REF_DEFAULT, {})
    expected = ISR_RESULTS.iloc[12:14].rename(columns={"ref_rate": "reference_rate"})
    _assert_matches(result, expected, "area", [*ISR_COMMON, "reference_rate", *CI95])


def test_israte_metadata():
    # R: calculate_ISRate(..., confidence = c(0.95,0.998), ...)  -> "95%, 99.8%"
    result = _isr_call(indirectly_standardised_rate, OWN_DATA, REF_DEFAULT, TWO)
    assert (result["confidence"] == "95%, 99.8%").all()


def test_isr_without_confidence():
    result = _isr_call(indirectly_standardised_ratio, MULTIAREA, REF_DEFAULT, {"confidence": None})
    assert not [c for c in result if c.startswith(("lower_", "upper_"))]
    _assert_matches(result, ISR_RESULTS.iloc[9:12], "area", [*ISR_COMMON, "value"])


@pytest.mark.parametrize(
    ("info", "column", "row", "bad", "message"),
    [
        # calculate_ISRatio(test_err1, ...)
        ("error numerators < 0", "count", 5, -26, "zero or more"),
        # calculate_ISRatio(test_err3, ...)
        ("error denominator < 0", "pop", 1, -558, "zero or more"),
    ],
)
@pytest.mark.parametrize("function", [indirectly_standardised_ratio, indirectly_standardised_rate])
def test_isr_errors(function, info, column, row, bad, message):
    data = MULTIAREA[MULTIAREA["area"] == "testdata_big"].reset_index(drop=True)
    data.loc[row, column] = bad
    with pytest.raises(ValueError, match=message):
        _isr_call(function, data, REF_DEFAULT, {})
