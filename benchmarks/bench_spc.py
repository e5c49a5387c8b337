"""Benchmark the SPC core (issue 16): XmR charts for 10,000 series of 36 months.

Times :func:`toolkit.monitor.spc.spc` over 10,000 series (say, indicators by place and
cohort) of 36 monthly points, 360,000 points in all: the default call, and one with a
target column and a rebase for every series. Builds the summary too, as a monitoring
report would. Prints the median of several runs against the target (2 seconds on the
2-core machine); no asserts.

Usage: ``python benchmarks/bench_spc.py [--repeats 5]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from toolkit.monitor.spc import SPCWarning, spc

#: Target of each timed call, in seconds.
TARGET_SECONDS = 2.0
SERIES = 10_000
MONTHS = 36


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def monthly_series(series: int = SERIES, months: int = MONTHS, seed: int = 0) -> pd.DataFrame:
    """Noisy monthly values with a level, a drift and a step change, for each series."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(20, 200, series)
    drift = rng.normal(0, 0.5, series)
    step = np.where(rng.random(series) < 0.2, rng.normal(0, 15, series), 0.0)
    t = np.arange(months)
    values = (
        level[:, None]
        + drift[:, None] * t
        + step[:, None] * (t >= 24)
        + rng.normal(0, 5, (series, months))
    )
    return pd.DataFrame(
        {
            "place": np.repeat([f"P{i // 100:03d}" for i in range(series)], months),
            "cohort": np.repeat([f"C{i % 100:02d}" for i in range(series)], months),
            "period": np.tile(pd.date_range("2022-04-01", periods=months, freq="MS"), series),
            "value": values.ravel(),
            "target": np.repeat(level * 1.05, months),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per timing (at least 3)")
    args = parser.parse_args()
    repeats = max(args.repeats, 3)
    data = monthly_series()
    by = ["place", "cohort"]

    def plain() -> object:
        return spc(data, by=by).summary()

    def full() -> object:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SPCWarning)  # segments of 12 points are fine
            result = spc(data, by=by, target="target", rebase=["2024-04-01"], fix_after=12)
        return result.summary()

    plain()  # warm up (imports, first-call caches)
    print(f"spc: {SERIES:,} series x {MONTHS} months = {SERIES * MONTHS:,} points")
    for label, run in [("default options", plain), ("target column, rebase, fix_after", full)]:
        seconds = median_seconds(run, repeats)
        verdict = "meets" if seconds < TARGET_SECONDS else "misses"
        print(
            f"  {label:34s} median {seconds:6.3f} s of {repeats} runs; "
            f"target {TARGET_SECONDS:.1f} s ({verdict})"
        )


if __name__ == "__main__":
    main()
