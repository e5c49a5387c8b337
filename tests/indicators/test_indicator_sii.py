"""Slope and relative index of inequality against the published SII reference cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _indicator_helpers import reference_cases
from numpy.testing import assert_allclose

from toolkit.indicators import slope_index_of_inequality
from toolkit.indicators.sii import _order_statistics

VALUE_TYPES = {0: "other", 1: "rate", 2: "proportion"}


def _case_frame(case) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "decile": case["quantile"],
            "population": case["population"],
            "value": case["value"],
            "lower": case["lower_cl"],
            "upper": case["upper_cl"],
            "se": case["se"],
        }
    )


@pytest.mark.parametrize("simulation", ["coefficients", "quantiles"])
@pytest.mark.parametrize("route", ["se", "limits"])
@pytest.mark.parametrize("case", reference_cases("SII_CASES", ids="name"))
def test_sii_reference_cases(case, route, simulation):
    # Source: PHEindicatormethods testSII.R / testdata_SII.xlsx (SII_CASES; the anchors used
    # the PHE Excel tool with 100,000 reps). Points to 1e-6 relative; Monte Carlo limits
    # within 2% of the interval's width.
    options = {"se": "se"} if route == "se" else {"lower": "lower", "upper": "upper"}
    result = slope_index_of_inequality(
        _case_frame(case),
        value="value",
        quantile="decile",
        population="population",
        value_type=VALUE_TYPES[case["value_type"]],
        transform=case["transform"],
        multiplier=case["multiplier"],
        confidence=case["confidence"],
        reps=100_000,
        seed=2024,
        simulation=simulation,
        **options,
    )
    expected = case["expected"]
    row = result.iloc[0]
    assert_allclose(row["sii"], expected["sii"], rtol=1e-6)
    assert_allclose(row["rii"], expected["rii"], rtol=1e-6)
    sii_width = expected["sii_upper"] - expected["sii_lower"]
    rii_width = expected["rii_upper"] - expected["rii_lower"]
    assert abs(row["sii_lower_95"] - expected["sii_lower"]) <= 0.02 * sii_width
    assert abs(row["sii_upper_95"] - expected["sii_upper"]) <= 0.02 * sii_width
    assert abs(row["rii_lower_95"] - expected["rii_lower"]) <= 0.02 * rii_width
    assert abs(row["rii_upper_95"] - expected["rii_upper"]) <= 0.02 * rii_width
    assert row["reps"] == 100_000 and row["seed"] == 2024 and row["simulation"] == simulation


def _deciles(values, se=0.5, population=None):
    return pd.DataFrame(
        {
            "decile": range(1, len(values) + 1),
            "population": population or [1000] * len(values),
            "value": values,
            "se": se,
        }
    )


def test_sign_convention_and_negative_multiplier():
    # higher in less deprived deciles (like life expectancy): positive SII, RII above 1
    rising = _deciles([70 + d for d in range(10)])
    kwargs = {"value": "value", "quantile": "decile", "population": "population", "se": "se"}
    up = slope_index_of_inequality(rising, reps=2_000, seed=1, **kwargs).iloc[0]
    assert_allclose(up["sii"], 10.0, rtol=1e-12)  # equal populations: slope over the full range
    assert up["rii"] > 1
    # a negative multiplier flips the SII and inverts the RII
    down = slope_index_of_inequality(rising, reps=2_000, seed=1, multiplier=-1, **kwargs).iloc[0]
    assert_allclose(down["sii"], -up["sii"], rtol=1e-12)
    assert_allclose(down["rii"], 1 / up["rii"], rtol=1e-12)
    # same draws; the order statistics are one position apart (round(reps * 0.025) counts
    # from the bottom, round(reps * 0.975) from the top), so compare to 1% of the width
    width = up["sii_upper_95"] - up["sii_lower_95"]
    assert abs(down["sii_lower_95"] + up["sii_upper_95"]) < 0.01 * width
    assert abs(down["sii_upper_95"] + up["sii_lower_95"]) < 0.01 * width
    rii_width = 1 / up["rii_lower_95"] - 1 / up["rii_upper_95"]
    assert abs(down["rii_upper_95"] - 1 / up["rii_lower_95"]) < 0.01 * rii_width


def _log_limits(frame: pd.DataFrame) -> pd.DataFrame:
    """95% limits whose log-scale standard error is the frame's ``se`` (transform needs them)."""
    z = 1.959963984540054
    return frame.assign(
        lower=frame["value"] * np.exp(-z * frame["se"]),
        upper=frame["value"] * np.exp(z * frame["se"]),
    )


def test_transformed_rate_back_transforms():
    values = [12.0 * 0.93**d for d in range(10)]
    frame = _log_limits(_deciles(values, se=0.05, population=[900 + 37 * d for d in range(10)]))
    result = slope_index_of_inequality(
        frame,
        value="value",
        quantile="decile",
        population="population",
        lower="lower",
        upper="upper",
        value_type="rate",
        transform=True,
        multiplier=100,
        reps=2_000,
        seed=3,
    ).iloc[0]
    share = np.asarray(frame["population"], float) / frame["population"].sum()
    rank = np.cumsum(share) - share / 2
    slope, intercept = np.polyfit(rank, np.log(values), 1, w=np.sqrt(share))
    assert_allclose(result["sii"], (np.exp(intercept + slope) - np.exp(intercept)) * 100, rtol=1e-9)
    assert_allclose(result["rii"], np.exp(slope), rtol=1e-9)
    assert result["sii_lower_95"] < result["sii"] < result["sii_upper_95"]


def test_seed_reproduces_and_is_recorded():
    frame = _deciles([5.0 - 0.2 * d for d in range(10)])
    kwargs = {"value": "value", "quantile": "decile", "population": "population", "se": "se"}
    first = slope_index_of_inequality(frame, reps=5_000, seed=11, **kwargs)
    again = slope_index_of_inequality(frame, reps=5_000, seed=11, **kwargs)
    pd.testing.assert_frame_equal(first, again)
    drawn = slope_index_of_inequality(frame, reps=5_000, **kwargs)
    assert isinstance(drawn["seed"].iloc[0], int | np.integer)
    replay = slope_index_of_inequality(frame, reps=5_000, seed=int(drawn["seed"].iloc[0]), **kwargs)
    pd.testing.assert_frame_equal(drawn, replay)


def test_simulations_agree_in_distribution():
    frame = _deciles([60 + 1.5 * d + (d % 3) for d in range(10)], se=2.0)
    kwargs = {"value": "value", "quantile": "decile", "population": "population", "se": "se"}
    both = [
        slope_index_of_inequality(frame, reps=100_000, seed=5, simulation=s, **kwargs).iloc[0]
        for s in ("coefficients", "quantiles")
    ]
    width = both[0]["sii_upper_95"] - both[0]["sii_lower_95"]
    assert abs(both[0]["sii_lower_95"] - both[1]["sii_lower_95"]) < 0.02 * width
    assert abs(both[0]["sii_upper_95"] - both[1]["sii_upper_95"]) < 0.02 * width


def test_groups_and_two_confidence_levels():
    frames = []
    for area, step in (("A", 1.0), ("B", -0.5)):
        frames.append(_deciles([50 + step * d for d in range(10)]).assign(area=area))
    frame = pd.concat(frames, ignore_index=True).sample(frac=1, random_state=0)
    result = slope_index_of_inequality(
        frame,
        value="value",
        quantile="decile",
        population="population",
        se="se",
        by="area",
        confidence=(0.95, 0.998),
        reps=10_000,
        seed=7,
    )
    assert list(result["area"]) == ["A", "B"]
    assert_allclose(result["sii"], [10.0, -5.0], rtol=1e-12)
    for _, row in result.iterrows():
        assert row["sii_lower_99_8"] < row["sii_lower_95"] < row["sii"]
        assert row["sii"] < row["sii_upper_95"] < row["sii_upper_99_8"]
    assert result["confidence"].iloc[0] == "95%, 99.8%"


def test_missing_value_raises_or_gives_a_note():
    frame = _deciles([50.0 + d for d in range(10)])
    frame.loc[3, "value"] = np.nan
    options = {"value": "value", "quantile": "decile", "population": "population", "se": "se"}
    with pytest.raises(ValueError, match="missing in 1 row"):
        slope_index_of_inequality(frame, reps=1_000, **options)
    result = slope_index_of_inequality(frame, reps=1_000, invalid_groups="note", **options).iloc[0]
    assert np.isnan(result["sii"]) and np.isnan(result["rii_upper_95"])
    assert result["note"] == "not calculated: missing value in quantile(s) 4"


def test_order_statistics_count_from_one():
    draws = np.arange(1.0, 1001.0)[::-1].copy()
    limits = _order_statistics(draws, [0.95], 1000)
    # round(1000 * 0.025) = 25th and round(1000 * 0.975) = 975th smallest, counting from 1
    assert limits[0.95] == (25.0, 975.0)


def test_either_se_or_limits():
    frame = _deciles([50.0 + d for d in range(10)]).assign(lower=45.0, upper=55.0)
    kwargs = {"value": "value", "quantile": "decile", "population": "population"}
    with pytest.raises(ValueError, match="either 'se' or 'lower' and 'upper'"):
        slope_index_of_inequality(frame, se="se", lower="lower", upper="upper", **kwargs)
    with pytest.raises(ValueError, match="needs standard errors"):
        slope_index_of_inequality(frame, lower="lower", **kwargs)
    with pytest.raises(ValueError, match="'transform' parameter"):
        slope_index_of_inequality(frame, se="se", transform=True, **kwargs)
    with pytest.raises(ValueError, match="'se' parameter .* left out when transform=True"):
        slope_index_of_inequality(frame, se="se", transform=True, value_type="rate", **kwargs)
    with pytest.raises(ValueError, match=r"'reps' parameter .* \[1000, inf\). Got 10 instead"):
        slope_index_of_inequality(frame, se="se", reps=10, **kwargs)


def test_limits_at_another_confidence_level():
    frame = _deciles([60 + 1.2 * d for d in range(10)], se=1.5)
    z = 3.090232306167813  # limits given at 99.8%
    frame = frame.assign(lower=frame["value"] - z * 1.5, upper=frame["value"] + z * 1.5)
    kwargs = {"value": "value", "quantile": "decile", "population": "population", "seed": 9}
    from_se = slope_index_of_inequality(frame, se="se", reps=5_000, **kwargs)
    from_limits = slope_index_of_inequality(
        frame, lower="lower", upper="upper", limits_confidence=0.998, reps=5_000, **kwargs
    )
    assert_allclose(from_limits["sii_lower_95"], from_se["sii_lower_95"], rtol=1e-9)
    assert_allclose(from_limits["rii_upper_95"], from_se["rii_upper_95"], rtol=1e-9)


def test_quantile_draws_in_chunks_give_the_same_stream(monkeypatch):
    import toolkit.indicators.sii as sii_module

    frame = _deciles([40 + 0.7 * d for d in range(10)])
    kwargs = {"value": "value", "quantile": "decile", "population": "population", "se": "se"}
    whole = slope_index_of_inequality(frame, reps=3_000, seed=8, simulation="quantiles", **kwargs)
    monkeypatch.setattr(sii_module, "_CHUNK_ELEMENTS", 1_000)  # 100 draws per chunk
    chunked = slope_index_of_inequality(frame, reps=3_000, seed=8, simulation="quantiles", **kwargs)
    pd.testing.assert_frame_equal(whole, chunked)


def test_draws_back_transform_is_kept_as_an_option():
    # Pins the toolkit's earlier method, now back_transform="draws": every simulated
    # intercept and slope pair is back-transformed, and the limits are taken from those.
    # The default ("midpoint", as phe_sii) maps the simulated slopes around the fitted
    # midpoint; the point SII and RII are the same either way.
    import toolkit.indicators.sii as sii_module

    values = np.array([12.0 * 0.93**d for d in range(10)])
    frame = _deciles(list(values), se=0.05, population=[900 + 37 * d for d in range(10)])
    frame = _log_limits(frame)
    kwargs = {"value": "value", "quantile": "decile", "population": "population"}
    kwargs |= {"lower": "lower", "upper": "upper"}
    kwargs |= {"value_type": "rate", "transform": True, "reps": 4_000, "seed": 12}
    draws = slope_index_of_inequality(frame, back_transform="draws", **kwargs).iloc[0]
    midpoint = slope_index_of_inequality(frame, **kwargs).iloc[0]
    assert midpoint["back_transform"] == "midpoint" and draws["back_transform"] == "draws"
    assert_allclose(draws["sii"], midpoint["sii"], rtol=1e-12)
    assert_allclose(draws["rii"], midpoint["rii"], rtol=1e-12)
    assert draws["sii_lower_95"] != midpoint["sii_lower_95"]
    # replay the draws by hand
    a_w, b_w = sii_module._design(frame["population"].to_numpy(float))
    logs = np.log(values)
    rng = np.random.default_rng(12)
    intercepts, slopes = sii_module._draw_coefficients(
        logs, np.full(10, 0.05), a_w, b_w, a_w @ logs, b_w @ logs, 4_000, rng, "coefficients"
    )
    sii_draws = np.exp(intercepts + slopes) - np.exp(intercepts)
    expected = sii_module._order_statistics(sii_draws, [0.95], 4_000)[0.95]
    assert_allclose([draws["sii_lower_95"], draws["sii_upper_95"]], expected, rtol=1e-12)
    # the RII of a log-scale fit is exp(slope) either way: the same limits
    assert_allclose(draws["rii_lower_95"], midpoint["rii_lower_95"], rtol=1e-12)
