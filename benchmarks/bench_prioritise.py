"""Benchmark: re-scoring after a weight change, and 10,000-draw rank acceptability.

Targets (DESIGN.md): a slider release re-scores and re-ranks 50 candidates x 10 criteria
in well under 1 ms; rank acceptability with 10,000 draws in under 200 ms. Each is compared
with a baseline run in the same process: the DataFrame path (score_priorities) for
re-scoring, and a Python loop over draws for rank acceptability.

Run: .venv/bin/python benchmarks/bench_prioritise.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np
import pandas as pd

from toolkit.prioritise import Criterion, ScoringModel, rank_acceptability, score_priorities
from toolkit.prioritise.robustness import acceptability_of_model

CANDIDATES = 50
CRITERIA = 10


def _table(seed: int = 0) -> tuple[pd.DataFrame, list[Criterion]]:
    rng = np.random.default_rng(seed)
    table = pd.DataFrame(
        rng.gamma(2.0, 1.0, size=(CANDIDATES, CRITERIA)),
        columns=[f"c{j}" for j in range(CRITERIA)],
    )
    table.insert(0, "candidate", [f"cand{i:02d}" for i in range(CANDIDATES)])
    table.insert(1, "label", [f"Candidate {i}" for i in range(CANDIDATES)])
    # Ten cohorts, so that the default one-priority-per-cohort shortlist rule is measured.
    table.insert(2, "segment", [f"seg{i % 10}" for i in range(CANDIDATES)])
    normalisations = ["min_max", "rank", "z"]
    criteria = [
        Criterion(f"c{j}", "cost" if j % 4 == 3 else "benefit", normalisations[j % 3])
        for j in range(CRITERIA)
    ]
    return table, criteria


def _median_per_call(function, arguments, repeats: int) -> float:
    """Median seconds of single calls, each with its own argument."""
    times = []
    for index in range(repeats):
        argument = arguments[index % len(arguments)]
        start = time.perf_counter_ns()
        function(argument)
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1e9


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small, fast run")
    args = parser.parse_args(argv)
    slider_repeats = 500 if args.quick else 5_000
    baseline_repeats = 30 if args.quick else 200
    smaa_repeats = 3 if args.quick else 15
    loop_draws = 200 if args.quick else 1_000

    table, criteria = _table()
    rng = np.random.default_rng(1)
    weight_sets = [rng.uniform(0, 10, CRITERIA) for _ in range(64)]  # slider positions

    print(f"prioritisation benchmark: {CANDIDATES} candidates x {CRITERIA} criteria")
    for method in ("weighted_sum", "topsis"):
        model = ScoringModel(table, criteria=criteria, method=method)
        model.ranks(weight_sets[0])  # warm up
        fast = _median_per_call(model.ranks, weight_sets, slider_repeats)
        slow = _median_per_call(
            lambda w, m=method: score_priorities(table, criteria=criteria, weights=w, method=m),
            weight_sets,
            baseline_repeats,
        )
        print(
            f"  re-score + re-rank after a weight change ({method}): median {fast * 1e6:8.1f} us"
            f"  (target < 1,000 us); DataFrame path {slow * 1e3:6.2f} ms; "
            f"ratio {slow / fast:6.0f}x"
        )

    for method in ("weighted_sum", "topsis"):
        model = ScoringModel(table, criteria=criteria, method=method)
        acceptability_of_model(model, draws=1_000, seed=0)  # warm up
        times = []
        for repeat in range(smaa_repeats):
            start = time.perf_counter()
            acceptability_of_model(model, draws=10_000, seed=repeat)
            times.append(time.perf_counter() - start)
        vectorised = statistics.median(times)
        tracemalloc.start()
        rank_acceptability(table, criteria=criteria, method=method, draws=10_000, seed=0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # Baseline: the same draws ranked one at a time in a Python loop.
        draws = np.random.default_rng(0).dirichlet(np.full(CRITERIA, 2.4), size=loop_draws)
        start = time.perf_counter()
        for draw in draws:
            model.ranks(draw)
        loop = (time.perf_counter() - start) * (10_000 / loop_draws)
        print(
            f"  rank acceptability, 10,000 draws ({method}): median {vectorised * 1e3:7.1f} ms"
            f"  (target < 200 ms); peak memory {peak / 2**20:5.1f} MiB; loop over draws "
            f"{loop * 1e3:7.1f} ms; ratio {loop / vectorised:5.1f}x"
        )


if __name__ == "__main__":
    main()
