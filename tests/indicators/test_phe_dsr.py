"""Directly standardised rates against PHEindicatormethods' tests (calculate_dsr, phe_dsr).

Test data: PHEindicatormethods v2.1.0 (GPL-3), github.com/ukhsa-collaboration/
PHEindicatormethods, ``tests/testthat/testdata_DSR_ISR.xlsx``, ported to CSV in
tests/indicators/phe/ (see its README). Each R ``expect_equal``/``expect_error`` of
``testDSRs.R`` and ``testpheDSRs.R`` is one case below with its R call. Mappings: the
package's ``type=`` only selects columns, so cases differing only in ``type`` compare the
columns that type returns; confidence 99.8 is given as 0.998; ``stdpop = esp2013`` (a
column, or ``phe_dsr``'s default vector) is the toolkit's ESP2013 default or
``standard_population="esp2013"``; the workbook's band label ``55-69`` (for 55-59) is
read as ``55-59`` where bands are matched to ESP2013 by label. Closed forms: 1e-6
relative.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from toolkit.indicators.rates import directly_standardised_rate

PHE = Path(__file__).parent / "phe"
RTOL = 1e-6
ESP2013 = [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500]
ESP2013 += [5000, 4000, 2500, 1500, 1000]

#: R column names of testresults_DSR -> toolkit output columns
COLUMNS = {
    "total_count": "events",
    "total_pop": "population",
    "value": "value",
    "lower95_0cl": "lower_95",
    "upper95_0cl": "upper_95",
    "lower99_8cl": "lower_99_8",
    "upper99_8cl": "upper_99_8",
}
STANDARD = ["total_count", "total_pop", "value", "lower95_0cl", "upper95_0cl"]
FULL = [*STANDARD, "lower99_8cl", "upper99_8cl"]
CI998 = ["total_count", "total_pop", "value", "lower99_8cl", "upper99_8cl"]


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(PHE / name)


def _multiarea() -> pd.DataFrame:
    """``test_multiarea_esp``: testdata_multiarea with the esp2013 column added by position."""
    data = _csv("phe_isr_multiarea.csv")
    data["esp2013"] = np.tile(ESP2013, 3)
    data["ageband"] = data["ageband"].replace("55-69", "55-59")
    return data


def _non_independent() -> pd.DataFrame:
    """``test_DSR_nonind``: persons by event frequency (pivoted longer as LoadTestdata.R)."""
    wide = _csv("phe_dsr_non_independent.csv").drop(columns="count")
    data = wide.melt(id_vars=["area", "ageband", "pop"], var_name="freq", value_name="persons")
    data["freq"] = data["freq"].str[1:].astype(int)
    no_f4 = ["testdata_nonind_dummy", "testdata_nonind_small", "testdata_nonind_tiny"]
    data = data[~(data["area"].isin(no_f4) & (data["freq"] == 4))]
    data = data.sort_values(["freq", "ageband"], kind="stable").reset_index(drop=True)
    data["esp2013"] = data["ageband"].map(
        dict(zip(sorted(wide["ageband"].unique()), ESP2013, strict=True))
    )
    return data


MULTI = _multiarea()
NONIND = _non_independent()
RESULTS = _csv("phe_dsr_results.csv")


def _assert_matches(result: pd.DataFrame, expected: pd.DataFrame, columns) -> None:
    """Match rows on ``area`` and compare each R column with its toolkit column."""
    merged = expected.merge(result, on="area", how="left", suffixes=("_r", ""), validate="1:1")
    assert len(merged) == len(expected)
    for r_name in columns:
        ours = COLUMNS[r_name]
        theirs = f"{r_name}_r" if r_name == ours else r_name
        assert_allclose(
            merged[ours].to_numpy(dtype=float),
            merged[theirs].to_numpy(dtype=float),
            rtol=RTOL,
            equal_nan=True,
            err_msg=f"{r_name} -> {ours}",
        )


def _dsr(data: pd.DataFrame = MULTI, **options) -> pd.DataFrame:
    defaults = {"events": "count", "population": "pop", "age_band": "ageband", "by": "area"}
    return directly_standardised_rate(data, **{**defaults, **options})


# --------------------------------------------------------------------------------------
# testDSRs.R, "dsrs and CIs calculate correctly": 20 cases
# --------------------------------------------------------------------------------------
COLUMN_STD = {"standard_population": "esp2013"}
TWO = {"confidence": (0.95, 0.998)}
CALCULATE_DSR_CASES = [
    # (R info, options, testresults_DSR rows (0-based), R columns compared)
    # calculate_dsr(test_multiarea_esp, count, pop, stdpop = esp2013)
    ("test default", COLUMN_STD, slice(4, 7), STANDARD),
    # ..., confidence = c(0.95, 0.998)
    ("test full output with 2 CIs", {**COLUMN_STD, **TWO}, slice(4, 7), FULL),
    ("test standard", COLUMN_STD, slice(4, 7), STANDARD),  # type = "standard"
    ("test standard 2CIs", {**COLUMN_STD, **TWO}, slice(4, 7), FULL),
    ("test value", COLUMN_STD, slice(4, 7), ["value"]),  # type = "value"
    ("test value 2CIs", {**COLUMN_STD, **TWO}, slice(4, 7), ["value"]),
    ("test lower", COLUMN_STD, slice(4, 7), ["lower95_0cl"]),  # type = "lower"
    ("test lower 2 CIs", {**COLUMN_STD, **TWO}, slice(4, 7), ["lower95_0cl", "lower99_8cl"]),
    ("test upper", COLUMN_STD, slice(4, 7), ["upper95_0cl"]),  # type = "upper"
    ("test upper 2 CIs", {**COLUMN_STD, **TWO}, slice(4, 7), ["upper95_0cl", "upper99_8cl"]),
    # ..., confidence = 99.8
    ("test confidence", {**COLUMN_STD, "confidence": 0.998}, slice(4, 7), CI998),
    # ..., multiplier = 10000, type = "standard"
    ("test multiplier", {**COLUMN_STD, "multiplier": 10_000}, slice(0, 3), STANDARD),
]


@pytest.mark.parametrize(
    ("info", "options", "rows", "columns"), CALCULATE_DSR_CASES, ids=lambda c: str(c)
)
def test_dsrs_match_calculate_dsr(info, options, rows, columns):
    _assert_matches(_dsr(**options), RESULTS.iloc[rows], columns)


def test_dsr_user_specified_stdpop():
    # R: calculate_dsr(test_DSR_1976, count, pop, stdpop = esp1976, type = "standard")
    data = _csv("phe_dsr_1976.csv").assign(area="testdata_1976")
    result = _dsr(data, age_band="Age Band", standard_population="esp1976")
    _assert_matches(result, RESULTS.iloc[7:8], STANDARD)


@pytest.mark.parametrize(
    ("info", "confidence", "expected"),
    [
        ("test 2 CIs metadata", (0.95, 0.998), "95%, 99.8%"),  # confidence = c(0.95, 0.998)
        ("test 95% CI metadata", 0.95, "95%"),  # calculate_dsr(..., stdpop = esp2013,)
        ("test 99.8% CI metadata", 0.998, "99.8%"),  # confidence = 0.998
    ],
)
def test_dsr_confidence_metadata(info, confidence, expected):
    result = _dsr(standard_population="esp2013", confidence=confidence)
    assert (result["confidence"] == expected).all()


@pytest.mark.parametrize(
    ("info", "confidence", "expected"),
    [
        # names(calculate_dsr(...))[5:6] == c("lowercl", "uppercl")
        ("test ci column names for single CI", 0.95, ["lower_95", "upper_95"]),
        # ... c("lower95_0cl", "upper95_0cl", "lower99_8cl", "upper99_8cl")
        (
            "test ci column names for two CIs",
            (0.95, 0.998),
            ["lower_95", "upper_95", "lower_99_8", "upper_99_8"],
        ),
    ],
)
def test_dsr_limit_column_names(info, confidence, expected):
    # The toolkit names limits lower_95 etc. whatever the number of levels (a deliberate
    # difference); the test checks they are present and in the package's order.
    columns = list(_dsr(confidence=confidence).columns)
    assert [c for c in columns if c.startswith(("lower_", "upper_"))] == expected


@pytest.mark.parametrize(
    ("info", "options", "columns"),
    [
        # calculate_dsr(test_DSR_nonind, persons, pop, stdpop = esp2013,
        #   confidence = c(0.95, 0.998), independent_events = FALSE, eventfreq = freq,
        #   ageband = ageband)
        ("nonindependent events no frequency grouping and 2 CIs", {"by": "area", **TWO}, FULL),
        # calculate_dsr(group_by(test_DSR_nonind, freq, .add = TRUE), persons, pop,
        #   stdpop = esp2013, independent_events = FALSE, eventfreq = freq, ageband = ageband)
        (
            "nonindependent events with frequency grouping and 1 CI",
            {"by": ["area", "freq"]},
            STANDARD,
        ),
    ],
)
def test_dsr_non_independent_events(info, options, columns):
    result = _dsr(
        NONIND,
        events="persons",
        standard_population="esp2013",
        independent_events=False,
        event_frequency="freq",  # frequency_counts="persons" is the default, as calculate_dsr
        **options,
    )
    assert list(result["area"]) == list(RESULTS["area"].iloc[8:12])
    _assert_matches(result, RESULTS.iloc[8:12], columns)


def test_dsr_non_independent_events_as_events():
    # The same case with events = persons x frequency (the departure frequency_counts="events").
    data = NONIND.assign(events=NONIND["persons"] * NONIND["freq"])
    result = _dsr(
        data,
        events="events",
        standard_population="esp2013",
        independent_events=False,
        event_frequency="freq",
        frequency_counts="events",
        **TWO,
    )
    _assert_matches(result, RESULTS.iloc[8:12], FULL)


# --------------------------------------------------------------------------------------
# testDSRs.R, "dsrs - errors are generated when invalid arguments are used": 35 cases
# --------------------------------------------------------------------------------------
def _with(data: pd.DataFrame, **columns) -> pd.DataFrame:
    return data.assign(**columns)


def _err(name: str) -> pd.DataFrame:
    return _csv(name).assign(area="a")


ERR2 = _csv("phe_isr_zero_population.csv").assign(
    ageband=lambda d: np.tile(MULTI["ageband"][:19], 2)
)
ONE_BAND = {"age_band": "Age Band", "by": None}
NONIND_OPTS = {
    "events": "persons",
    "standard_population": "esp2013",
    "independent_events": False,
    "event_frequency": "freq",
    "frequency_counts": "persons",
}
CALCULATE_DSR_ERRORS = [
    # (R info, data, options, exception, message)
    # calculate_dsr(test_multiarea_esp, count, pop): stdpop is optional here (ESP2013, as
    # phe_dsr), so the missing required arguments are x and n
    ("invalid number of arguments (x)", MULTI, {"events": None}, TypeError, "events"),
    ("invalid number of arguments (n)", MULTI, {"population": None}, TypeError, "population"),
    ("invalid number of arguments (x, n)", MULTI, {"events": 1}, TypeError, "events"),
    ("invalid data", "a", {}, TypeError, "DataFrame"),  # calculate_dsr("a", count, pop, ...)
    ("invalid count field", MULTI, {"events": "countX"}, ValueError, "countX"),
    ("invalid pop field", MULTI, {"population": "popX"}, ValueError, "popX"),
    # calculate_dsr(test_DSR_1976, count, pop, stdpop = esp)
    ("stdpop field doesn't exist", MULTI, {"standard_population": "esp"}, ValueError, "esp"),
    # mutate(count = "CHAR") |> calculate_dsr(count, pop, stdpop = esp2013)
    ("invalid count type", _with(MULTI, count="CHAR"), {}, TypeError, "numeric"),
    ("invalid pop type", _with(MULTI, pop="CHAR"), {}, TypeError, "numeric"),
    ("invalid stdpop type", _with(MULTI, esp2013="CHAR"), COLUMN_STD, TypeError, "numeric"),
    # mutate(pop = NA_real_) / mutate(esp2013 = NA_real_)
    ("pop missing values", _with(MULTI, pop=np.nan), {}, ValueError, "zero or missing"),
    ("stdpop missing", _with(MULTI, esp2013=np.nan), COLUMN_STD, ValueError, "missing"),
    # calculate_dsr(test_err1, count, pop, stdpop = stdpop) and test_err2_esp, test_err3
    (
        "numerators < 0",
        _err("phe_dsr_negative_count.csv"),
        {**ONE_BAND, "standard_population": "stdpop"},
        ValueError,
        "zero or more",
    ),
    ("denominator = 0", ERR2, {}, ValueError, "zero or missing"),
    (
        "denominator < 0",
        _err("phe_dsr_negative_population.csv"),
        {**ONE_BAND, "standard_population": "stdpop"},
        ValueError,
        "zero or more",
    ),
    (
        "stdpop < 0",
        _err("phe_dsr_negative_standard.csv"),
        {**ONE_BAND, "standard_population": "stdpop"},
        ValueError,
        "zero or more",
    ),
    # confidence = "0.95", 0.74, 3, 1000, c(90.95, 0.998, 1.00), c(0.95, 1.00)
    ("confidence not numeric", MULTI, {"confidence": "0.95"}, TypeError, "confidence"),
    ("confidence < 0.9", MULTI, {"confidence": 0.74}, ValueError, r"in the range \[0.9, 1\)"),
    ("confidence between 1 and 90", MULTI, {"confidence": 3}, ValueError, "confidence"),
    ("confidence > 100", MULTI, {"confidence": 1000}, ValueError, "confidence"),
    ("more than 2 CIs", MULTI, {"confidence": (90.95, 0.998, 1.0)}, ValueError, "confidence"),
    ("2 CIs aren't 0.95 and 0.998", MULTI, {"confidence": (0.95, 1.0)}, ValueError, "confidence"),
    # type = "combined": the toolkit has no type (callers select columns)
    ("invalid type", MULTI, {"type": "combined"}, TypeError, "type"),
    # multiplier = "1000", -1
    ("multiplier not numeric", MULTI, {"multiplier": "1000"}, TypeError, "multiplier"),
    ("multiplier less than 0", MULTI, {"multiplier": -1}, ValueError, "multiplier"),
    # calculate_dsr(test_DSR_nonind, persons, pop, stdpop = esp2013, independent_events = "a", ...)
    (
        "independent_events not bool",
        NONIND,
        {**NONIND_OPTS, "independent_events": "a"},
        TypeError,
        "independent_events",
    ),
    (
        "eventfreq not specified",
        NONIND,
        {**NONIND_OPTS, "event_frequency": None},
        ValueError,
        "event_frequency",
    ),
    ("ageband not specified", NONIND, {**NONIND_OPTS, "age_band": None}, TypeError, "age_band"),
    (
        "eventfreq doesn't exist",
        NONIND,
        {**NONIND_OPTS, "event_frequency": "efreq"},
        ValueError,
        "efreq",
    ),
    ("eventfreq wrong type", _with(NONIND, freq="CHAR"), NONIND_OPTS, TypeError, "numeric"),
    ("ageband doesn't exist", NONIND, {**NONIND_OPTS, "age_band": "ab"}, ValueError, "ab"),
    (
        "eventfreq missing values",
        _with(NONIND, freq=np.nan),
        NONIND_OPTS,
        ValueError,
        "event_frequency",
    ),
    ("ageband missing values", _with(NONIND, ageband=np.nan), NONIND_OPTS, ValueError, "missing"),
    # test_DSR_nonind_err1 (pop[1] <- 1), test_DSR_nonind_err2 (esp2013[1] <- 1)
    (
        "non-consistent pop",
        NONIND.assign(pop=[1, *NONIND["pop"][1:]]),
        NONIND_OPTS,
        ValueError,
        "differs",
    ),
    (
        "non-consistent stdpop",
        NONIND.assign(esp2013=[1, *NONIND["esp2013"][1:]]),
        NONIND_OPTS,
        ValueError,
        "differs",
    ),
]


@pytest.mark.parametrize(
    ("info", "data", "options", "error", "message"),
    CALCULATE_DSR_ERRORS,
    ids=[case[0] for case in CALCULATE_DSR_ERRORS],
)
def test_calculate_dsr_errors(info, data, options, error, message):
    options = {
        "events": "count",
        "population": "pop",
        "age_band": "ageband",
        "by": "area",
        **options,
    }
    for name in ("events", "population", "age_band"):
        if options[name] is None:
            del options[name]  # the R call leaves the argument out
    with pytest.raises(error, match=message):
        directly_standardised_rate(data, **options)


# --------------------------------------------------------------------------------------
# testpheDSRs.R, "dsrs and CIs calculate correctly": 18 cases (phe_dsr, deprecated)
# --------------------------------------------------------------------------------------
PHE_DSR_CASES = [
    # phe_dsr(test_multiarea, count, pop): stdpop defaults to esp2013, as the toolkit
    ("test default", {}, slice(4, 7), STANDARD),
    ("test full output with 2 CIs", TWO, slice(4, 7), FULL),
    # stdpop = c(5000, 5500, ..., 1000) (vector by position) -> mapping by band label
    (
        "test stdpop as specified vector",
        {"standard_population": dict(zip(MULTI["ageband"][:19], ESP2013, strict=True))},
        slice(4, 7),
        STANDARD,
    ),
    ("test standard", {}, slice(4, 7), STANDARD),  # stdpop = esp2013, type = "standard"
    ("test standard 2CIs", TWO, slice(4, 7), FULL),
    ("test value", {}, slice(4, 7), ["value"]),
    ("test value 2CIs", TWO, slice(4, 7), ["value"]),
    ("test lower", {}, slice(4, 7), ["lower95_0cl"]),
    ("test lower 2 CIs", TWO, slice(4, 7), ["lower95_0cl", "lower99_8cl"]),
    ("test upper", {}, slice(4, 7), ["upper95_0cl"]),
    ("test upper 2 CIs", TWO, slice(4, 7), ["upper95_0cl", "upper99_8cl"]),
    ("test confidence", {"confidence": 0.998}, slice(4, 7), CI998),  # confidence = 99.8
    ("test multiplier", {"multiplier": 10_000}, slice(0, 3), STANDARD),
]


@pytest.mark.parametrize(
    ("info", "options", "rows", "columns"), PHE_DSR_CASES, ids=lambda c: str(c)
)
def test_dsrs_match_phe_dsr(info, options, rows, columns):
    _assert_matches(_dsr(**options), RESULTS.iloc[rows], columns)


@pytest.mark.parametrize(
    ("info", "standard"),
    [
        # phe_dsr(test_DSR_1976, count, pop, stdpop = test_DSR_1976$esp1976, type="standard")
        ("test with user specified vector", "vector"),
        # phe_dsr(test_DSR_1976, count, pop, stdpop = esp1976, stdpoptype="field", ...)
        ("test with user specified stdpop by col name", "field"),
    ],
)
def test_phe_dsr_user_specified_stdpop(info, standard):
    data = _csv("phe_dsr_1976.csv").assign(area="testdata_1976")
    if standard == "vector":
        standard = dict(zip(data["Age Band"], data["esp1976"], strict=True))
    else:
        standard = "esp1976"
    result = _dsr(data, age_band="Age Band", standard_population=standard)
    _assert_matches(result, RESULTS.iloc[7:8], STANDARD)


@pytest.mark.parametrize(
    ("info", "confidence", "expected"),
    [
        ("test 2 CIs metadata", (0.95, 0.998), "95%, 99.8%"),
        ("test 95% CI metadata", 0.95, "95%"),
        ("test 99.8% CI metadata", 0.998, "99.8%"),
    ],
)
def test_phe_dsr_confidence_metadata(info, confidence, expected):
    # R: phe_dsr(test_multiarea, count, pop, confidence = <confidence>)
    assert (_dsr(confidence=confidence)["confidence"] == expected).all()


# --------------------------------------------------------------------------------------
# testpheDSRs.R, "dsrs - errors are generated when invalid arguments are used": 14 cases
# --------------------------------------------------------------------------------------
STD_1976 = dict(
    zip(_csv("phe_dsr_1976.csv")["Age Band"], _csv("phe_dsr_1976.csv")["esp1976"], strict=True)
)
PHE_DSR_ERRORS = [
    (
        "invalid number of arguments",
        MULTI,
        {"population": None},
        TypeError,
        "population",
    ),  # phe_dsr(test_multiarea, count)
    (
        "numerators < 0",
        _err("phe_dsr_negative_count.csv"),
        {**ONE_BAND, "standard_population": "stdpop"},
        ValueError,
        "zero or more",
    ),
    ("denominator = 0", ERR2, {}, ValueError, "zero or missing"),
    (
        "denominator < 0",
        _err("phe_dsr_negative_population.csv"),
        {**ONE_BAND, "standard_population": "stdpop"},
        ValueError,
        "zero or more",
    ),
    ("confidence between 1 and 90", MULTI, {"confidence": 3}, ValueError, "confidence"),
    ("confidence > 100", MULTI, {"confidence": 1000}, ValueError, "confidence"),
    ("invalid type", MULTI, {"type": "combined"}, TypeError, "type"),
    # phe_dsr(test_multiarea, count, pop, stdpop = test_DSR_1976$esp1976): 18 bands for 19
    ("stdpop length", MULTI, {"standard_population": STD_1976}, ValueError, "does not recognise"),
    # stdpoptype = "column": the toolkit tells a column from a mapping by type
    ("stdpoptype", MULTI, {"stdpoptype": "column"}, TypeError, "stdpoptype"),
    ("stdpop field doesn't exist", MULTI, {"standard_population": "esp"}, ValueError, "esp"),
    ("more than 2 CIs", MULTI, {"confidence": (90.95, 0.998, 1.0)}, ValueError, "confidence"),
    ("2 CIs aren't 0.95 and 0.998", MULTI, {"confidence": (0.95, 1.0)}, ValueError, "confidence"),
]


@pytest.mark.parametrize(
    ("info", "data", "options", "error", "message"),
    PHE_DSR_ERRORS,
    ids=[case[0] for case in PHE_DSR_ERRORS],
)
def test_phe_dsr_errors(info, data, options, error, message):
    test_calculate_dsr_errors(info, data, options, error, message)


def test_phe_dsr_unequal_rows_per_group_are_standardised_over_bands_present():
    # R: phe_dsr(filter(test_multiarea, count < 100), count, pop, stdpop = esp2013)
    #   -> error "data must contain the same number of rows for each group". Deliberate
    # difference (as calculate_dsr, which matches rows by field): each group is
    # standardised over the bands it has; the age_bands column shows how many.
    result = _dsr(MULTI[MULTI["count"] < 100])
    assert list(result["age_bands"]) == [18, 19, 18]
    # confidence = 0.74 (testpheDSRs.R "error confidence < 0.9"): refused, see the
    # calculate_dsr cases above
