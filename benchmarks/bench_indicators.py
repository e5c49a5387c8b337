"""Benchmark the indicator statistics at the sizes of issues 4 and 15.

- DSR with 95% and 99.8% limits over 10,000 groups x 19 age bands (ESP2013), against a
  per-group ``groupby().apply`` baseline written the obvious way;
- SII with 100,000 Monte Carlo reps over 100 groups of 10 deciles, default simulation
  (draws of the fitted coefficients) against the literal one (a draw for every decile);
- funnel points for 10,000 units (crude rates per 100,000, some with no events), and the
  funnel limits and each unit's significance against them for the same units (issue 15);
- mean with 95% limits for 10,000 groups of 10 values, 100,000 rows (issue 15).

Prints the median of several runs, the ratio to the baseline and the peak memory traced
while one run of each executes. Target: each under 1 second on the 2-core machine; the
issue 15 lines print the target and whether the median meets it.

Usage: ``python benchmarks/bench_indicators.py [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from toolkit.data.contract import ESP2013_BANDS, ESP2013_WEIGHTS
from toolkit.indicators import (
    assign_funnel_significance,
    directly_standardised_rate,
    funnel_limits,
    funnel_points,
    mean_with_limits,
    slope_index_of_inequality,
)

#: Target of each timed statistic, in seconds.
TARGET_SECONDS = 1.0


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_megabytes(run: Callable[[], object]) -> float:
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def dsr_data(groups: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    population = rng.integers(200, 5_000, size=(groups, 19))
    events = rng.poisson(population * np.linspace(0.001, 0.08, 19))
    return pd.DataFrame(
        {
            "area": np.repeat(np.arange(groups), 19),
            "age_band": np.tile(ESP2013_BANDS, groups),
            "events": events.ravel(),
            "population": population.ravel(),
        }
    )


def dsr_baseline(frame: pd.DataFrame) -> pd.DataFrame:
    """The obvious pandas version: a Python function applied to each group."""
    weights = dict(zip(ESP2013_BANDS, ESP2013_WEIGHTS, strict=True))
    z = {0.95: 1.959963984540054, 0.998: 3.090232306167813}

    def one(group: pd.DataFrame) -> pd.Series:
        w = group["age_band"].map(weights).astype(float)
        x = group["events"].astype(float)
        n = group["population"].astype(float)
        dsr = (x * w / n).sum() / w.sum()
        var = (x * (w / n) ** 2).sum() / w.sum() ** 2
        o = x.sum()
        out = {"value": dsr * 100_000}
        for level, zz in z.items():
            low = o * (1 - 1 / (9 * o) - zz / (3 * np.sqrt(o))) ** 3
            high = (o + 1) * (1 - 1 / (9 * (o + 1)) + zz / (3 * np.sqrt(o + 1))) ** 3
            out[f"lower_{level}"] = (dsr + np.sqrt(var / o) * (low - o)) * 100_000
            out[f"upper_{level}"] = (dsr + np.sqrt(var / o) * (high - o)) * 100_000
        return pd.Series(out)

    return frame.groupby("area")[["age_band", "events", "population"]].apply(one)


def sii_data(groups: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    deciles = np.tile(np.arange(1, 11), groups)
    value = 80 - 0.8 * (10 - deciles) + rng.normal(0, 0.5, deciles.size)
    return pd.DataFrame(
        {
            "area": np.repeat(np.arange(groups), 10),
            "decile": deciles,
            "population": rng.integers(5_000, 20_000, deciles.size),
            "value": value,
            "se": rng.uniform(0.3, 1.5, deciles.size),
        }
    )


def funnel_data(units: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # Log-uniform from 100 to 200,000 people, so that some small units have no events.
    population = np.rint(np.exp(rng.uniform(np.log(100), np.log(200_000), units))).astype(int)
    events = rng.poisson(population * rng.uniform(0.002, 0.008, units))
    return pd.DataFrame(
        {
            "unit": np.arange(units),
            "events": events,
            "population": population,
            "rate": events / population * 100_000,
        }
    )


def mean_data(groups: int, per_group: int = 10, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "area": np.repeat(np.arange(groups), per_group),
            "value": rng.normal(75, 5, groups * per_group),
        }
    )


def target_text(seconds: float) -> str:
    met = "met" if seconds < TARGET_SECONDS else "MISSED"
    return f"target {TARGET_SECONDS:g} s: {met}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = parser.parse_args()
    dsr_groups, sii_groups, reps = (1_000, 10, 20_000) if args.quick else (10_000, 100, 100_000)
    funnel_units, mean_groups = (1_000, 1_000) if args.quick else (10_000, 10_000)
    repeats = 3 if args.quick else 5

    frame = dsr_data(dsr_groups)

    def run_dsr() -> pd.DataFrame:
        return directly_standardised_rate(
            frame,
            events="events",
            population="population",
            age_band="age_band",
            by="area",
            confidence=(0.95, 0.998),
        )

    ours = run_dsr()
    theirs = dsr_baseline(frame)
    np.testing.assert_allclose(ours["value"].to_numpy(), theirs["value"].to_numpy(), rtol=1e-9)
    dsr_time = median_seconds(run_dsr, repeats)
    base_time = median_seconds(lambda: dsr_baseline(frame), 1 if not args.quick else repeats)
    print(
        f"DSR, {dsr_groups:,} groups x 19 bands, 95% and 99.8% limits: median "
        f"{dsr_time:.3f} s (peak {peak_megabytes(run_dsr):.0f} MB); groupby-apply baseline "
        f"{base_time:.3f} s; baseline / ours = {base_time / dsr_time:.0f}x"
    )

    deciles = sii_data(sii_groups)

    def run_sii(simulation: str) -> pd.DataFrame:
        return slope_index_of_inequality(
            deciles,
            value="value",
            quantile="decile",
            population="population",
            se="se",
            by="area",
            reps=reps,
            seed=1,
            simulation=simulation,
        )

    sii_time = median_seconds(lambda: run_sii("coefficients"), repeats)
    literal_time = median_seconds(lambda: run_sii("quantiles"), max(1, repeats // 2))
    print(
        f"SII, {sii_groups} groups x 10 deciles, {reps:,} reps: median {sii_time:.3f} s "
        f"(peak {peak_megabytes(lambda: run_sii('coefficients')):.0f} MB); a draw per decile "
        f"(simulation='quantiles') {literal_time:.3f} s (peak "
        f"{peak_megabytes(lambda: run_sii('quantiles')):.0f} MB); quantiles / coefficients = "
        f"{literal_time / sii_time:.1f}x"
    )

    units = funnel_data(funnel_units)

    def run_points() -> pd.DataFrame:
        return funnel_points(units, events="events", value="rate", population="population")

    # A crude rate over one year gives back each unit's population.
    np.testing.assert_allclose(
        run_points()["funnel_population"].to_numpy(), units["population"], rtol=1e-9
    )
    points_time = median_seconds(run_points, repeats)
    print(
        f"Funnel points, {funnel_units:,} units: median {points_time:.3f} s (peak "
        f"{peak_megabytes(run_points):.0f} MB); {target_text(points_time)}"
    )

    def run_limits() -> pd.DataFrame:
        return funnel_limits(units, events="events", population="population", statistic="rate")

    def run_significance() -> pd.DataFrame:
        return assign_funnel_significance(
            units, events="events", population="population", statistic="rate"
        )

    limits_time = median_seconds(run_limits, repeats)
    significance_time = median_seconds(run_significance, repeats)
    both_time = limits_time + significance_time
    print(
        f"Funnel limits (100 populations, 95% and 99.8%) for the same {funnel_units:,} units: "
        f"median {limits_time:.3f} s; significance of each unit: median "
        f"{significance_time:.3f} s (peak {peak_megabytes(run_significance):.0f} MB); "
        f"together {both_time:.3f} s, {target_text(both_time)}"
    )

    values = mean_data(mean_groups)

    def run_mean() -> pd.DataFrame:
        return mean_with_limits(values, value="value", by="area")

    np.testing.assert_allclose(
        run_mean()["value"].to_numpy(),
        values.groupby("area")["value"].mean().to_numpy(),
        rtol=1e-9,
    )
    mean_time = median_seconds(run_mean, repeats)
    print(
        f"Mean with 95% limits, {mean_groups:,} groups x 10 values ({len(values):,} rows): "
        f"median {mean_time:.3f} s (peak {peak_megabytes(run_mean):.0f} MB); "
        f"{target_text(mean_time)}"
    )


if __name__ == "__main__":
    main()
