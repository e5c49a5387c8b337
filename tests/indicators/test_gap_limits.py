"""Confidence limits on the deprivation gaps and on excess events (issue 15)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import make_cube
from numpy.testing import assert_allclose
from scipy import stats

from toolkit.indicators import deprivation_gap, deprivation_profile, excess_events

EVENTS = "emergency_admissions"


def _two_quintiles() -> pd.DataFrame:
    # decile 1 (quintile 1) against decile 10 (quintile 5), two ESP2013 bands
    return pd.DataFrame(
        {
            "imd_decile": [1, 1, 10, 10],
            "age_band": ["0-4", "90+", "0-4", "90+"],
            "persons": [1000, 200, 1500, 250],
            EVENTS: [30, 40, 20, 25],
        }
    )


def _dsr_and_variance(x: np.ndarray, n: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """DSR per 100,000 and Dobson's variance (per 100,000 squared), by hand."""
    dsr = (x * w / n).sum() / w.sum() * 1e5
    variance = (x * (w / n) ** 2).sum() / w.sum() ** 2 * 1e10
    return dsr, variance


def test_absolute_gap_limits_match_a_hand_calculation():
    gap = deprivation_gap(_two_quintiles(), events=EVENTS).iloc[0]
    w = np.array([5000.0, 1000.0])  # ESP2013 weights of 0-4 and 90+
    dsr1, var1 = _dsr_and_variance(np.array([30.0, 40.0]), np.array([1000.0, 200.0]), w)
    dsr2, var2 = _dsr_and_variance(np.array([20.0, 25.0]), np.array([1500.0, 250.0]), w)
    z = stats.norm.ppf(0.975)
    half = z * np.sqrt(var1 + var2)
    assert_allclose(gap["absolute_gap"], dsr1 - dsr2, rtol=1e-12)
    assert_allclose(gap["absolute_gap_lower_95"], dsr1 - dsr2 - half, rtol=1e-9)
    assert_allclose(gap["absolute_gap_upper_95"], dsr1 - dsr2 + half, rtol=1e-9)
    log_half = z * np.sqrt(var1 / dsr1**2 + var2 / dsr2**2)
    assert_allclose(gap["relative_gap_lower_95"], dsr1 / dsr2 * np.exp(-log_half), rtol=1e-9)
    assert_allclose(gap["relative_gap_upper_95"], dsr1 / dsr2 * np.exp(log_half), rtol=1e-9)


def test_gap_limits_bracket_the_gap_and_are_log_symmetric():
    gaps = deprivation_gap(make_cube(places=2), events=EVENTS, by="place", confidence=(0.95, 0.998))
    for label in ("95", "99_8"):
        assert (gaps[f"absolute_gap_lower_{label}"] < gaps["absolute_gap"]).all()
        assert (gaps["absolute_gap"] < gaps[f"absolute_gap_upper_{label}"]).all()
        assert (gaps[f"relative_gap_lower_{label}"] < gaps["relative_gap"]).all()
        assert (gaps["relative_gap"] < gaps[f"relative_gap_upper_{label}"]).all()
        log_gap = np.log(gaps["relative_gap"])
        assert_allclose(
            np.log(gaps[f"relative_gap_upper_{label}"]) - log_gap,
            log_gap - np.log(gaps[f"relative_gap_lower_{label}"]),
            rtol=1e-12,
        )
    wider = gaps["absolute_gap_upper_99_8"] - gaps["absolute_gap_lower_99_8"]
    assert (wider > gaps["absolute_gap_upper_95"] - gaps["absolute_gap_lower_95"]).all()


def test_gap_columns_sit_beside_their_gaps():
    gap = deprivation_gap(_two_quintiles(), events=EVENTS)
    assert list(gap.columns) == [
        "most_deprived", "least_deprived", "most_deprived_rate", "least_deprived_rate",
        "absolute_gap", "absolute_gap_lower_95", "absolute_gap_upper_95",
        "relative_gap", "relative_gap_lower_95", "relative_gap_upper_95", "note",
    ]  # fmt: skip


def test_excess_limits_bracket_the_excess_and_are_reproducible():
    cube = make_cube(places=1)
    options = {"events": EVENTS, "unit_cost": 100.0, "confidence": 0.95, "reps": 2_000}
    first = excess_events(cube, seed=7, **options)
    again = excess_events(cube, seed=7, **options)
    other = excess_events(cube, seed=8, **options)
    pd.testing.assert_frame_equal(first, again)
    assert not np.allclose(first["excess_lower_95"].iloc[:9], other["excess_lower_95"].iloc[:9])
    assert (first["seed"] == 7).all() and (first["reps"] == 2_000).all()
    deprived = first.iloc[:9]  # decile 10 is the reference, its excess is 0 exactly
    assert (deprived["excess_lower_95"] < deprived["excess"]).all()
    assert (deprived["excess"] < deprived["excess_upper_95"]).all()
    assert_allclose(first["excess_cost_lower_95"], first["excess_lower_95"] * 100.0)
    assert_allclose(first.iloc[9][["excess_lower_95", "excess_upper_95"]].to_numpy(float), 0.0)
    total = excess_events(cube, seed=7, level="total", **options).iloc[0]
    for name in ("excess_net", "excess_positive", "excess_cost_net", "excess_cost_positive"):
        assert total[f"{name}_lower_95"] < total[name] < total[f"{name}_upper_95"]


def test_excess_limits_agree_with_the_delta_method_for_one_decile():
    cube = make_cube(places=1)
    result = excess_events(cube, events=EVENTS, confidence=0.95, reps=100_000, seed=3)
    cells = cube.groupby(["imd_decile", "age_band"])[[EVENTS, "persons"]].sum()
    most, reference = cells.loc[1], cells.loc[10]
    variance = most[EVENTS].sum() + ((most["persons"] / reference["persons"]) ** 2
                                     * reference[EVENTS]).sum()  # fmt: skip
    half = (result["excess_upper_95"] - result["excess_lower_95"]).iloc[0] / 2
    assert_allclose(half, stats.norm.ppf(0.975) * np.sqrt(variance), rtol=0.03)


def test_no_limits_unless_asked_and_values_unchanged():
    cube = make_cube(places=1)
    plain = excess_events(cube, events=EVENTS, cost="cost_gbp")
    assert not any("_lower_" in c for c in plain.columns) and "seed" not in plain.columns
    limited = excess_events(cube, events=EVENTS, cost="cost_gbp", confidence=0.95, reps=1_000)
    pd.testing.assert_frame_equal(limited[plain.columns], plain)


def _simulated_cubes(replicates: int, seed: int) -> tuple[pd.DataFrame, dict[int, float]]:
    """Replicate cubes drawn from known rates, and the true excess of each decile."""
    rng = np.random.default_rng(seed)
    bands = ["0-4", "40-44", "70-74", "90+"]
    persons = {1: [800, 900, 600, 150], 5: [700, 1000, 700, 200], 10: [900, 1100, 900, 250]}
    base = np.array([0.03, 0.02, 0.08, 0.3])
    rates = {1: base * 1.6, 5: base * 1.25, 10: base}
    truth = {d: float((np.array(persons[d]) * (rates[d] - rates[10])).sum()) for d in persons}
    frames = []
    for decile, people in persons.items():
        means = np.array(people) * rates[decile]
        counts = rng.poisson(means, size=(replicates, len(bands)))
        frames.append(
            pd.DataFrame(
                {
                    "replicate": np.repeat(np.arange(replicates), len(bands)),
                    "imd_decile": decile,
                    "age_band": np.tile(bands, replicates),
                    "persons": np.tile(people, replicates),
                    EVENTS: counts.ravel(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True), truth


def test_simulated_excess_limits_cover_the_true_excess():
    cubes, truth = _simulated_cubes(replicates=200, seed=2026)
    result = excess_events(
        cubes, events=EVENTS, by="replicate", confidence=0.95, reps=1_000, seed=11
    )
    for decile in (1, 5):
        rows = result[result["imd_decile"] == decile]
        covered = (rows["excess_lower_95"] <= truth[decile]) & (
            truth[decile] <= rows["excess_upper_95"]
        )
        assert 0.88 <= covered.mean() <= 0.99, (decile, covered.mean())
    totals = excess_events(
        cubes, events=EVENTS, by="replicate", level="total", confidence=0.95, reps=1_000, seed=11
    )
    net = truth[1] + truth[5]
    covered = (totals["excess_net_lower_95"] <= net) & (net <= totals["excess_net_upper_95"])
    assert 0.88 <= covered.mean() <= 0.99, covered.mean()


def test_one_bad_group_does_not_stop_the_others():
    cube = make_cube(places=2)
    few = cube["place"] == "P1"
    cube.loc[few, EVENTS] = 0  # P1: no events, so no published rates and no gap
    gaps = deprivation_gap(cube, events=EVENTS, by="place").set_index("place")
    alone = deprivation_gap(cube[~few], events=EVENTS).iloc[0]
    assert np.isnan(gaps.loc["P1", ["absolute_gap_lower_95", "relative_gap_upper_95"]]).all()
    assert "not published" in gaps.loc["P1", "note"]
    assert_allclose(
        gaps.loc["P0", ["absolute_gap_lower_95", "relative_gap_upper_95"]].to_numpy(float),
        alone[["absolute_gap_lower_95", "relative_gap_upper_95"]].to_numpy(float),
        rtol=1e-12,
    )

    # a count too large to simulate: that group's limits fail, with a note
    huge = make_cube(places=2).astype({EVENTS: "float64"})
    huge.loc[huge.index[huge["place"] == "P1"][0], EVENTS] = 1e20
    options = {"events": EVENTS, "confidence": 0.95, "reps": 1_000, "seed": 5}
    result = excess_events(huge, by="place", **options)
    good = excess_events(huge[huge["place"] == "P0"], by="place", **options)
    bad = result[result["place"] == "P1"]
    assert bad["excess_lower_95"].isna().all()
    assert bad["note"].str.contains("limits not calculated").all()
    kept = result[result["place"] == "P0"].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, good)


def test_profile_carries_the_limits_without_changing_its_values():
    cube = make_cube(places=1)
    profile = deprivation_profile(cube, unit_cost=1500.0, reps=2_000, seed=4)
    plain = excess_events(cube, events=EVENTS, unit_cost=1500.0, level="total")
    total = profile.excess_total
    pd.testing.assert_frame_equal(total[plain.columns], plain)
    row = total.iloc[0]
    assert (
        row["excess_positive_lower_95"] < row["excess_positive"] < row["excess_positive_upper_95"]
    )
    assert row["seed"] == 4 == profile.sii["seed"].iloc[0]
    frame = profile.to_frame()
    assert {"excess_lower_95", "excess_upper_95", "excess_cost_lower_95"} <= set(frame)
    gap = profile.gap.iloc[0]
    assert gap["absolute_gap_lower_95"] < gap["absolute_gap"] < gap["absolute_gap_upper_95"]
    text = profile.summary()
    assert f"95% CI {row['excess_positive_lower_95']:,.0f} to" in text
    assert f"{gap['absolute_gap_lower_95']:,.1f}" in text


@pytest.mark.parametrize("bad", [0, 999, 1.5])
def test_reps_must_be_a_thousand_or_more(bad):
    with pytest.raises((ValueError, TypeError), match="'reps' parameter of excess_events"):
        excess_events(make_cube(places=1), events=EVENTS, confidence=0.95, reps=bad)
