"""Property tests (hypothesis): limits bracket values, DSR of a standard-shaped population,
flat gradients, Arriaga parts summing to the gap."""

from __future__ import annotations

import numpy as np
import pandas as pd
from _indicator_helpers import LE_DEATHS, LE_POPULATION, LIFE_TABLE_BANDS
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from toolkit.data.contract import ESP2013_BANDS, ESP2013_WEIGHTS
from toolkit.indicators import (
    crude_rate,
    directly_standardised_rate,
    indirectly_standardised_ratio,
    life_expectancy_gap_by_cause,
    proportion,
    slope_index_of_inequality,
)

# no wall-clock deadline: tests must never depend on the machine's speed
SETTINGS = settings(max_examples=40, deadline=None)
confidence = st.sampled_from([0.9, 0.95, 0.99, 0.998])


@SETTINGS
@given(
    numerator=st.integers(0, 10_000),
    extra=st.integers(0, 10_000),
    level=confidence,
)
def test_proportion_limits_bracket_value(numerator, extra, level):
    frame = pd.DataFrame({"x": [numerator], "n": [numerator + extra + 1]})
    row = proportion(frame, events="x", population="n", confidence=level).iloc[0]
    label = f"{round(level * 100, 8):g}".replace(".", "_")
    assert row[f"lower_{label}"] <= row["value"] <= row[f"upper_{label}"]
    assert 0 <= row[f"lower_{label}"] and row[f"upper_{label}"] <= 100


@SETTINGS
@given(events=st.integers(0, 5_000), population=st.integers(1, 10**7), level=confidence)
def test_rate_limits_bracket_value(events, population, level):
    frame = pd.DataFrame({"e": [events], "p": [population]})
    row = crude_rate(frame, events="e", population="p", confidence=level).iloc[0]
    label = f"{round(level * 100, 8):g}".replace(".", "_")
    assert row[f"lower_{label}"] <= row["value"] <= row[f"upper_{label}"]


band_counts = st.lists(st.integers(0, 400), min_size=19, max_size=19)
band_people = st.lists(st.integers(50, 20_000), min_size=19, max_size=19)


@SETTINGS
@given(events=band_counts, people=band_people)
def test_dsr_and_isr_limits_bracket_value(events, people):
    frame = pd.DataFrame({"e": events, "p": people, "band": ESP2013_BANDS})
    dsr = directly_standardised_rate(
        frame, events="e", population="p", age_band="band", confidence=(0.95, 0.998)
    ).iloc[0]
    if sum(events) >= 10:
        assert dsr["lower_99_8"] <= dsr["lower_95"] <= dsr["value"]
        assert dsr["value"] <= dsr["upper_95"] <= dsr["upper_99_8"]
    else:
        assert np.isnan(dsr["value"])
    rates = dict(zip(ESP2013_BANDS, np.linspace(0.001, 0.2, 19), strict=True))
    isr = indirectly_standardised_ratio(
        frame, events="e", population="p", age_band="band", reference_rates=rates
    ).iloc[0]
    assert isr["lower_95"] <= isr["value"] <= isr["upper_95"]


@SETTINGS
@given(
    scale=st.integers(1, 50),
    rates=st.lists(st.floats(0.0, 0.3), min_size=19, max_size=19),
)
def test_dsr_of_standard_shaped_population_is_its_crude_rate(scale, rates):
    people = np.asarray(ESP2013_WEIGHTS) * scale
    events = np.asarray(rates) * people
    frame = pd.DataFrame({"e": events, "p": people, "band": ESP2013_BANDS})
    dsr = directly_standardised_rate(frame, events="e", population="p", age_band="band")
    crude = crude_rate(frame, events="e", population="p")
    if events.sum() >= 10:
        assert_allclose(dsr["value"], crude["value"], rtol=1e-9)


@SETTINGS
@given(
    level=st.floats(1.0, 1_000.0),
    populations=st.lists(st.integers(100, 100_000), min_size=5, max_size=20),
    seed=st.integers(0, 2**32),
)
def test_sii_of_flat_gradient_is_zero(level, populations, seed):
    k = len(populations)
    frame = pd.DataFrame(
        {"q": range(1, k + 1), "pop": populations, "value": level, "se": level / 20}
    )
    row = slope_index_of_inequality(
        frame, value="value", quantile="q", population="pop", se="se", reps=2_000, seed=seed
    ).iloc[0]
    assert abs(row["sii"]) <= 1e-9 * level
    assert_allclose(row["rii"], 1.0, rtol=1e-9)
    assert row["sii_lower_95"] < 0 < row["sii_upper_95"]


@SETTINGS
@given(
    multipliers=st.lists(st.floats(0.5, 2.0), min_size=20, max_size=20),
    shares=st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3),
)
def test_arriaga_parts_sum_to_the_gap(multipliers, shares):
    rows = []
    shares = np.asarray(shares) / np.sum(shares)
    for quintile, factor in ((1, np.asarray(multipliers)), (5, np.ones(20))):
        for band, deaths, people in zip(LIFE_TABLE_BANDS, LE_DEATHS, LE_POPULATION, strict=True):
            for cause, share in zip(("a", "b", "c"), shares, strict=True):
                position = LIFE_TABLE_BANDS.index(band)
                rows.append(
                    {
                        "quintile": quintile,
                        "band": band,
                        "cause": cause,
                        "population": people,
                        "deaths": deaths * share * factor[position] * (1.5 if cause == "a" else 1),
                    }
                )
    result = life_expectancy_gap_by_cause(
        pd.DataFrame(rows),
        deaths="deaths",
        population="population",
        age_band="band",
        cause="cause",
        quantile="quintile",
        quintiles=False,
    )
    if np.isnan(result["gap"].iloc[0]):
        # A band's death rate too high for the life table (q >= 1): nothing is decomposed,
        # and the note says which band.
        assert result["contribution"].isna().all()
        assert "too high for the life table" in result["note"].iloc[0]
        return
    assert_allclose(result["contribution"].sum(), result["gap"].iloc[0], rtol=1e-9, atol=1e-9)
