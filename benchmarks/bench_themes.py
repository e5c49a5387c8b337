"""Benchmark the themes: candidates with criteria from the cohort cube, and the prioritisation.

For each population size the demo persons are written to Parquet once (the same cache as
``bench_cohort_cube.py``), the cube of overlapping cohorts is built once (untimed here; its
own benchmark times it), then, in this process, ``--repeats`` times each:

- ``theme_candidates``: every theme of the library measured on the cube (rates, the most vs
  least deprived fifth, excess events, the life-expectancy gap by cause, impact ranges and
  the facts sentences);
- ``prioritise``: scoring, the shortlist with reasons, 10,000 weight draws for robustness and
  the smallest weight change for each priority.

Medians are printed with the target: candidates with criteria under 5 s at 10M persons (the
cube is small whatever the population, so this should hold at any size).

    .venv/bin/python benchmarks/bench_themes.py                    # 1M and 10M persons
    .venv/bin/python benchmarks/bench_themes.py --persons 1000000  # 1M only
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cohort_cube import ensure_persons  # noqa: E402

TARGET_SECONDS = 5.0


def bench(persons: int, repeats: int, seed: int) -> dict[str, float]:
    from toolkit.prioritise import prioritise, theme_candidates
    from toolkit.segment import build_cohort_cube

    path = ensure_persons(persons, seed)
    cube = build_cohort_cube(str(path))
    timings: dict[str, list[float]] = {"theme_candidates": [], "prioritise": []}
    for _ in range(repeats):
        start = time.perf_counter()
        measured = theme_candidates(cube)
        timings["theme_candidates"].append(time.perf_counter() - start)
        start = time.perf_counter()
        prioritise(measured, seed=seed)
        timings["prioritise"].append(time.perf_counter() - start)
    return {
        "cube_rows": float(len(cube.table)),
        "themes": float(len(measured)),
        **{name: statistics.median(values) for name, values in timings.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    print(f"{'persons':>12} {'cube rows':>10} {'themes':>7} {'candidates s':>13} "
          f"{'prioritise s':>13} {'target':>8}")  # fmt: skip
    for persons in args.persons:
        result = bench(persons, args.repeats, args.seed)
        met = "met" if result["theme_candidates"] < TARGET_SECONDS else "MISSED"
        print(
            f"{persons:>12,} {result['cube_rows']:>10,.0f} {result['themes']:>7.0f} "
            f"{result['theme_candidates']:>13.3f} {result['prioritise']:>13.3f} {met:>8}"
        )
    print(f"(medians of {args.repeats} runs; target: candidates under {TARGET_SECONDS:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
