"""Proportions, crude rates, DSRs and ISRs against the published reference figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import REFERENCE, SKIP_REASON, esp_frame, esp_weights, reference_cases
from numpy.testing import assert_allclose

from toolkit.data.contract import ESP2013_BANDS
from toolkit.errors import DataContractError
from toolkit.indicators import (
    crude_rate,
    directly_standardised_rate,
    indirectly_standardised_rate,
    indirectly_standardised_ratio,
    proportion,
)

LIMITS = [
    ("lower95", "lower_95"),
    ("upper95", "upper_95"),
    ("lower99_8", "lower_99_8"),
    ("upper99_8", "upper_99_8"),
]


@pytest.mark.skipif(REFERENCE is None, reason=SKIP_REASON)
def test_proportion_cases():
    # Source: PHEindicatormethods testProportions.R fixtures (PROPORTION_CASES); rtol 1e-9.
    cases = pd.DataFrame(REFERENCE.PROPORTION_CASES)
    result = proportion(
        cases, events="x", population="n", by="area", confidence=(0.95, 0.998), multiplier=1
    )
    assert list(result["area"]) == list(cases["area"])
    assert_allclose(result["value"], cases["value"], rtol=1e-9)
    for ours_expected, ours in LIMITS:
        assert_allclose(result[ours], cases[ours_expected], rtol=1e-9)
    assert set(result["method"]) == {"Wilson"}


@pytest.mark.skipif(REFERENCE is None, reason=SKIP_REASON)
def test_crude_rate_cases():
    # Source: PHEindicatormethods testRates.R fixtures (RATE_CASES), per 100,000; rtol 1e-9.
    cases = pd.DataFrame(REFERENCE.RATE_CASES)
    result = crude_rate(cases, events="x", population="n", by="area", confidence=(0.95, 0.998))
    assert_allclose(result["value"], cases["value"], rtol=1e-9)
    for expected, ours in LIMITS:
        assert_allclose(result[ours], cases[expected], rtol=1e-9)
    expected_method = cases["method"].map({"Exact": "exact Poisson", "Byars": "Byar"})
    assert list(result["method"]) == list(expected_method)


@pytest.mark.parametrize("case", reference_cases("DSR_CASES", ids="name"))
def test_dsr_cases(case):
    # Source: PHEindicatormethods testDSRs.R "test full output with 2 CIs" (DSR_CASES).
    frame = pd.DataFrame(
        {"events": case["counts"], "population": case["pops"], "band": ESP2013_BANDS}
    )
    result = directly_standardised_rate(
        frame,
        events="events",
        population="population",
        age_band="band",
        confidence=(0.95, 0.998),
        multiplier=case["multiplier"],
    )
    expected = case["expected"]
    row = result.iloc[0]
    assert row["events"] == expected["total_count"]
    assert row["population"] == expected["total_pop"]
    if expected["value"] is None:
        for column in ["value", "lower_95", "upper_95", "lower_99_8", "upper_99_8"]:
            assert np.isnan(row[column])
        assert "not published" in row["note"]
    else:
        assert_allclose(row["value"], expected["value"], rtol=1e-9)
        for key, ours in LIMITS:
            assert_allclose(row[ours], expected[key], rtol=1e-9)
        assert row["note"] == ""


@pytest.mark.parametrize("case", reference_cases("ISRATIO_CASES", ids="name"))
def test_isratio_cases(case):
    # Source: PHEindicatormethods testISRatios.R "test full output 2 CIs" (ISRATIO_CASES).
    frame = pd.DataFrame(
        {"events": case["counts"], "population": case["pops"], "band": ESP2013_BANDS}
    )
    rates = pd.Series(
        np.asarray(case["ref_counts"], float) / np.asarray(case["ref_pops"], float),
        index=ESP2013_BANDS,
    )
    result = indirectly_standardised_ratio(
        frame,
        events="events",
        population="population",
        age_band="band",
        reference_rates=rates,
        confidence=(0.95, 0.998),
        reference_value=case["refvalue"],
    )
    expected = case["expected"]
    row = result.iloc[0]
    assert row["events"] == expected["observed"]
    assert_allclose(row["expected"], expected["expected"], rtol=1e-9)
    assert_allclose(row["value"], expected["value"], rtol=1e-9)
    for key, ours in LIMITS:
        assert_allclose(row[ours], expected[key], rtol=1e-9)


def _isratio_case_inputs(case):
    frame = pd.DataFrame(
        {"events": case["counts"], "population": case["pops"], "band": ESP2013_BANDS}
    )
    ref_counts = np.asarray(case["ref_counts"], float)
    ref_pops = np.asarray(case["ref_pops"], float)
    rates = pd.Series(ref_counts / ref_pops, index=ESP2013_BANDS)
    populations = dict(zip(ESP2013_BANDS, ref_pops, strict=True))
    return frame, rates, populations, ref_counts.sum() / ref_pops.sum()


@pytest.mark.parametrize("case", reference_cases("ISRATIO_CASES", ids="name"))
def test_israte_is_the_ratio_times_the_reference_crude_rate(case):
    # Source: PHEindicatormethods testISRatios.R "test full output 2 CIs" (ISRATIO_CASES):
    # ISRate = (O/E)·(ΣX/ΣN)·multiplier, limits = limits of O / E times the same factor.
    frame, rates, populations, crude = _isratio_case_inputs(case)
    options = {"events": "events", "population": "population", "age_band": "band"}
    ratio = indirectly_standardised_ratio(
        frame,
        **options,
        reference_rates=rates,
        confidence=(0.95, 0.998),
        reference_value=case["refvalue"],
    ).iloc[0]
    rate = indirectly_standardised_rate(
        frame,
        **options,
        reference_rates=rates,
        reference_population=populations,
        confidence=(0.95, 0.998),
        multiplier=100_000,
    ).iloc[0]
    factor = crude * 100_000
    assert rate["events"] == case["expected"]["observed"]
    assert_allclose(rate["expected"], case["expected"]["expected"], rtol=1e-9)
    assert_allclose(rate["reference_rate"], factor, rtol=1e-9)
    for ours in ["value", "lower_95", "upper_95", "lower_99_8", "upper_99_8"]:
        assert_allclose(rate[ours], ratio[ours] / case["refvalue"] * factor, rtol=1e-9)
    # and against the published ratio figures themselves
    assert_allclose(rate["value"], case["expected"]["value"] * factor, rtol=1e-9)
    for key, ours in LIMITS:
        assert_allclose(rate[ours], case["expected"][key] / case["refvalue"] * factor, rtol=1e-9)
    assert rate["method"] == "Byar" and rate["note"] == ""


def test_israte_by_group_and_multiplier():
    frame = esp_frame(areas=3)
    rng = np.random.default_rng(3)
    rates = pd.Series(rng.uniform(0.001, 0.05, 19), index=ESP2013_BANDS)
    populations = pd.Series(rng.integers(10_000, 90_000, 19).astype(float), index=ESP2013_BANDS)
    crude = (rates * populations).sum() / populations.sum()
    options = {"events": "events", "population": "population", "age_band": "age_band"}
    ratio = indirectly_standardised_ratio(
        frame, **options, reference_rates=rates, by="area", reference_value=1
    )
    rate = indirectly_standardised_rate(
        frame,
        **options,
        reference_rates=rates,
        reference_population=populations,
        by="area",
        multiplier=1_000,
    )
    assert list(rate["area"]) == ["A0", "A1", "A2"]
    assert list(rate.columns) == [
        "area",
        "events",
        "expected",
        "reference_rate",
        "value",
        "lower_95",
        "upper_95",
        "confidence",
        "method",
        "note",
    ]
    assert_allclose(rate["reference_rate"], crude * 1_000, rtol=1e-12)
    for column in ["value", "lower_95", "upper_95"]:
        assert_allclose(rate[column], ratio[column] * crude * 1_000, rtol=1e-12)
    assert_allclose(rate["events"], frame.groupby("area")["events"].sum(), rtol=0)


def test_israte_reference_population_must_match_the_reference_rates():
    frame, rates, populations, _ = _isratio_case_inputs(
        {"counts": [5] * 19, "pops": [100] * 19, "ref_counts": [10] * 19, "ref_pops": [1000] * 19}
    )
    options = {"events": "events", "population": "population", "age_band": "band"}
    short = {band: populations[band] for band in ESP2013_BANDS[:-1]}
    with pytest.raises(ValueError, match=r"'reference_population' .* no population .*'90\+'"):
        indirectly_standardised_rate(
            frame, **options, reference_rates=rates, reference_population=short
        )
    with pytest.raises(ValueError, match=r"has band\(s\) \['95\+'\] that reference_rates"):
        indirectly_standardised_rate(
            frame,
            **options,
            reference_rates=rates,
            reference_population={**populations, "95+": 10.0},
        )
    with pytest.raises(ValueError, match="must have a positive total"):
        indirectly_standardised_rate(
            frame,
            **options,
            reference_rates=rates,
            reference_population=dict.fromkeys(ESP2013_BANDS, 0),
        )
    with pytest.raises(TypeError, match="'reference_population' parameter .* Got None instead"):
        indirectly_standardised_rate(
            frame, **options, reference_rates=rates, reference_population=None
        )
    with pytest.raises(ValueError, match="'multiplier' parameter of indirectly_standardised_rate"):
        indirectly_standardised_rate(
            frame,
            **options,
            reference_rates=rates,
            reference_population=populations,
            multiplier=0,
        )


def _dsr_by_hand(events, population, weights, multiplier=100_000):
    events, population, weights = (np.asarray(a, float) for a in (events, population, weights))
    value = (events * weights / population).sum() / weights.sum()
    variance = (events * (weights / population) ** 2).sum() / weights.sum() ** 2
    return value * multiplier, variance


def test_dsr_matches_formula_per_group():
    frame = esp_frame(areas=3)
    result = directly_standardised_rate(
        frame, events="events", population="population", age_band="age_band", by="area"
    )
    assert list(result["area"]) == ["A0", "A1", "A2"]
    for area, table in frame.groupby("area"):
        value, _ = _dsr_by_hand(table["events"], table["population"], esp_weights())
        assert_allclose(result.loc[result["area"] == area, "value"].iloc[0], value, rtol=1e-12)
    assert (result["age_bands"] == 19).all()
    assert set(result["standard"]) == {"ESP2013"}


def test_dsr_sums_infant_split_and_accepts_label_variants():
    frame = esp_frame(areas=1).reset_index(drop=True)
    first = frame.iloc[0]
    infant = pd.DataFrame(
        {
            "area": ["A0", "A0"],
            "age_band": ["0", "1 – 4"],
            "population": [
                first["population"] // 5,
                first["population"] - first["population"] // 5,
            ],
            "events": [first["events"] // 2, first["events"] - first["events"] // 2],
        }
    )
    split = pd.concat([infant, frame.iloc[1:]], ignore_index=True)
    split["age_band"] = split["age_band"].replace({"90+": "90 +", "45-49": "45–49"})
    combined = directly_standardised_rate(
        frame, events="events", population="population", age_band="age_band"
    )
    separate = directly_standardised_rate(
        split, events="events", population="population", age_band="age_band"
    )
    assert_allclose(separate["value"], combined["value"], rtol=1e-12)
    assert_allclose(separate["upper_95"], combined["upper_95"], rtol=1e-12)
    # start ages as numbers name the same bands
    by_start = frame.assign(age_band=[int(b.split("-")[0].rstrip("+")) for b in frame["age_band"]])
    numeric = directly_standardised_rate(
        by_start, events="events", population="population", age_band="age_band"
    )
    assert_allclose(numeric["value"], combined["value"], rtol=1e-12)


def test_dsr_missing_count_is_zero_and_empty_band_contributes_nothing():
    frame = esp_frame(areas=1)
    with_nan = frame.copy()
    with_nan.loc[with_nan.index[3], "events"] = np.nan
    zeroed = frame.copy()
    zeroed.loc[zeroed.index[3], "events"] = 0
    kwargs = {"events": "events", "population": "population", "age_band": "age_band"}
    assert_allclose(
        directly_standardised_rate(with_nan, **kwargs)["value"],
        directly_standardised_rate(zeroed, **kwargs)["value"],
        rtol=1e-12,
    )
    # a band with neither count nor population drops out of both sums (and of sum W)
    empty = frame.copy()
    empty.loc[empty.index[18], ["events", "population"]] = np.nan
    result = directly_standardised_rate(empty, **kwargs)
    value, _ = _dsr_by_hand(frame["events"][:18], frame["population"][:18], esp_weights()[:18])
    assert_allclose(result["value"].iloc[0], value, rtol=1e-12)
    assert result["age_bands"].iloc[0] == 18


def test_dsr_custom_standard_population():
    frame = esp_frame(areas=1)
    weights = np.arange(1, 20, dtype=float)
    standard = dict(zip(ESP2013_BANDS, weights, strict=True))
    result = directly_standardised_rate(
        frame,
        events="events",
        population="population",
        age_band="age_band",
        standard_population=standard,
        multiplier=1000,
    )
    value, _ = _dsr_by_hand(frame["events"], frame["population"], weights, multiplier=1000)
    assert_allclose(result["value"].iloc[0], value, rtol=1e-12)
    assert result["standard"].iloc[0] == "custom"


def test_dsr_non_independent_events():
    frame = esp_frame(areas=1)
    # every person has exactly one event: the same as independent events
    single = frame.assign(frequency=1)
    kwargs = {"events": "events", "population": "population", "age_band": "age_band"}
    independent = directly_standardised_rate(frame, **kwargs)
    one = directly_standardised_rate(
        single,
        independent_events=False,
        event_frequency="frequency",
        frequency_counts="events",
        **kwargs,
    )
    assert_allclose(one["value"], independent["value"], rtol=1e-12)
    assert_allclose(one["lower_95"], independent["lower_95"], rtol=1e-12)
    # split each band's events into people with 1 and with 3 events (population repeated)
    ones = frame.assign(frequency=1, events=frame["events"] * 0 + 4)
    threes = frame.assign(frequency=3, events=frame["events"] * 0 + 6)  # 2 people x 3 events
    both = pd.concat([ones, threes], ignore_index=True)
    result = directly_standardised_rate(
        both,
        independent_events=False,
        event_frequency="frequency",
        frequency_counts="events",
        **kwargs,
    )
    weights, population = esp_weights(), frame["population"].to_numpy(float)
    events = np.full(19, 10.0)
    value = (events * weights / population).sum() / weights.sum() * 100_000
    # Var = sum_f f^2 * Var_f with Var_f from the people with f events: 4 people x 1, 2 x 3
    variance = ((4 * 1 + 2 * 9) * (weights / population) ** 2).sum() / weights.sum() ** 2
    observed = 190.0
    byar_upper = (observed + 1) * (
        1 - 1 / (9 * (observed + 1)) + 1.959963984540054 / (3 * np.sqrt(observed + 1))
    ) ** 3
    upper = (value / 100_000 + np.sqrt(variance / observed) * (byar_upper - observed)) * 100_000
    assert_allclose(result["value"].iloc[0], value, rtol=1e-12)
    assert_allclose(result["upper_95"].iloc[0], upper, rtol=1e-12)
    assert result["population"].iloc[0] == frame["population"].sum()


def test_dsr_non_independent_population_must_repeat():
    frame = esp_frame(areas=1)
    both = pd.concat(
        [frame.assign(frequency=1), frame.assign(frequency=2, population=frame["population"] + 1)],
        ignore_index=True,
    )
    with pytest.raises(ValueError, match="differs between the event frequencies"):
        directly_standardised_rate(
            both,
            events="events",
            population="population",
            age_band="age_band",
            independent_events=False,
            event_frequency="frequency",
            frequency_counts="events",
        )


def test_dsr_small_numbers_are_noted_not_dropped():
    frame = esp_frame(areas=2)
    frame.loc[frame["area"] == "A1", "events"] = 0
    frame.loc[frame.index[-1], "events"] = 9
    result = directly_standardised_rate(
        frame, events="events", population="population", age_band="age_band", by="area"
    )
    assert len(result) == 2
    small = result[result["area"] == "A1"].iloc[0]
    assert small["events"] == 9 and np.isnan(small["value"])
    assert small["note"] == "not published: fewer than 10 events"


def test_crude_rate_zero_events_is_valid():
    frame = pd.DataFrame({"events": [0], "population": [1000]})
    result = crude_rate(frame, events="events", population="population")
    assert result["value"].iloc[0] == 0
    assert result["lower_95"].iloc[0] == 0
    assert_allclose(result["upper_95"].iloc[0], -np.log(0.025) / 1000 * 100_000, rtol=1e-12)
    assert result["method"].iloc[0] == "exact Poisson"


def test_proportion_numerator_above_denominator_is_refused():
    frame = pd.DataFrame({"x": [5, 12], "n": [10, 10]}, index=[7, 8])
    # The second row is row 3 of a spreadsheet, whatever the index's labels.
    with pytest.raises(DataContractError, match=r"'events' column 'x'.*1 row \(3\)") as error:
        proportion(frame, events="x", population="n")
    assert error.value.failures["check"].tolist() == ["events_within_population"]


def test_isr_needs_a_rate_for_every_band():
    frame = esp_frame(areas=1)
    rates = pd.Series(0.01, index=ESP2013_BANDS[:-1])
    with pytest.raises(ValueError, match="'age_band' column 'age_band'.*'90\\+'"):
        indirectly_standardised_ratio(
            frame,
            events="events",
            population="population",
            age_band="age_band",
            reference_rates=rates,
        )
