"""Benchmark the cohort cube of overlapping cohorts against the segment cube, from Parquet.

For each population size the demo persons are written to Parquet once (cached under
``/tmp/pophealth_bench/``, rewritten when the demo system's columns change), then each
build runs in a fresh child process, ``--repeats`` times, the builds taking turns so that
load from other jobs falls on all of them alike:

- ``cube``: ``toolkit.segment.build_cube(path)``, today's segment cube (values checked);
- ``cohort_cube``: ``toolkit.segment.build_cohort_cube(path)`` (values checked);
- ``cube_unchecked`` and ``cohort_cube_unchecked``: the same with ``validate=False``.

The child times the build only (not the interpreter start or imports) and reports its own
peak resident set size (``VmHWM``), which includes the imported libraries. Medians are
printed with the ratio of the cohort cube's time to the segment cube's, and the number of
rows of the cohort cube's engine-side aggregate (stage 1; measured separately, untimed).
Targets: the cohort cube within 2x the segment cube's time and under 500 MB, at 1M and 10M.

    .venv/bin/python benchmarks/bench_cohort_cube.py                    # 1M and 10M persons
    .venv/bin/python benchmarks/bench_cohort_cube.py --persons 1000000  # 1M only
    .venv/bin/python benchmarks/bench_cohort_cube.py --builds cube cohort_cube --repeats 5
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cube import peak_rss_mb, summarise_runs  # noqa: E402  (one definition: VmHWM, not ru_maxrss)

CACHE = Path("/tmp/pophealth_bench")
BUILDS = ("cube", "cohort_cube", "cube_unchecked", "cohort_cube_unchecked")
PAIRS = (("cube", "cohort_cube"), ("cube_unchecked", "cohort_cube_unchecked"))


def build(name: str, path: str):
    from toolkit.segment import build_cohort_cube, build_cube

    validate = not name.endswith("_unchecked")
    if name.startswith("cohort_cube"):
        cube = build_cohort_cube(path, validate=validate)
        return len(cube.table)
    return len(build_cube(path, validate=validate))


def child(name: str, path: str) -> None:
    """Run one build once in this (fresh) process and report time and memory."""
    import ibis.backends.duckdb  # noqa: F401  (imports are not part of the time)
    import pandas  # noqa: F401
    import pyarrow.compute  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import toolkit.segment._engine_contract  # noqa: F401  (the readers' contract, pandera)
    import toolkit.segment.cohorts  # noqa: F401
    import toolkit.segment.cube  # noqa: F401

    start = time.perf_counter()
    cells = build(name, path)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "cells": cells}))


def stage_one_rows(path: Path) -> int:
    """Rows of the cohort cube's engine-side aggregate (what NumPy expands), untimed."""
    import ibis

    from toolkit.segment.cohorts import _plan, cohort_expression, load_cohorts
    from toolkit.segment.cube import DUCKDB_CONFIG
    from toolkit.segment.model import load_rules

    con = ibis.duckdb.connect(**DUCKDB_CONFIG)
    try:
        con.raw_sql("SET enable_progress_bar = false")
        table = con.read_parquet(str(path))
        plan, _, _ = _plan(table.columns, load_cohorts(), load_rules("bridges_to_health"))
        expression = cohort_expression(
            table,
            plan.blocks,
            plan.model,
            ethnic=plan.ethnic,
            optional_sums=plan.optional_sums,
            optional_flags=plan.optional_flags,
        )
        return int(con.execute(expression.count()))
    finally:
        con.disconnect()


# --------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------
def ensure_persons(persons: int, seed: int) -> Path:
    """The demo persons in Parquet, written once and rewritten if the columns changed."""
    import pyarrow.parquet as pq

    from toolkit.data import make_demo_system
    from toolkit.data.synth import write_demo_system

    folder = CACHE / f"persons_{persons}_seed{seed}"
    path = folder / "persons.parquet"
    columns = list(make_demo_system(persons=200, seed=seed).persons.columns)
    if path.exists() and pq.read_schema(path).names == columns:
        return path
    print(f"writing {persons:,} demo persons to {folder} (once; reused next time)", flush=True)
    start = time.perf_counter()
    written = write_demo_system(folder, persons=persons, seed=seed, progress=False)
    print(f"  written in {time.perf_counter() - start:.1f} s", flush=True)
    return Path(written["persons"])


def run_child(name: str, path: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", name, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def bench(persons: int, builds: list[str], repeats: int, seed: int) -> dict[str, dict]:
    path = ensure_persons(persons, seed)
    runs: dict[str, list[dict]] = {name: [] for name in builds}
    for _ in range(repeats):  # the builds take turns
        for name in builds:
            runs[name].append(run_child(name, path))
    results = summarise_runs(runs, "cells")
    size = path.stat().st_size / 1e6
    print(f"\n{persons:,} persons ({size:,.0f} MB Parquet), median of {repeats}:")
    print(f"  {'build':<24}{'median s':>10}{'min s':>9}{'peak RSS MB':>13}{'cells':>10}")
    for name, result in results.items():
        print(
            f"  {name:<24}{result['median_s']:>10.3f}{result['min_s']:>9.3f}"
            f"{result['peak_rss_mb']:>13.0f}{result['cells']:>10,}"
        )
    for segment, cohort in PAIRS:
        if segment in results and cohort in results:
            ratio = results[cohort]["median_s"] / results[segment]["median_s"]
            best = results[cohort]["min_s"] / results[segment]["min_s"]
            peak = results[cohort]["peak_rss_mb"]
            print(
                f"  {cohort} / {segment}: {ratio:.2f}x the time (best runs {best:.2f}x; "
                f"target <= 2x); peak RSS {peak:.0f} MB (target < 500 MB)"
            )
    if any(name.startswith("cohort_cube") for name in builds):
        print(f"  cohort cube's engine-side aggregate: {stage_one_rows(path):,} rows")
    return results


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--persons", type=int, nargs="+", help="population sizes (default 1M and 10M)"
    )
    parser.add_argument("--builds", nargs="+", choices=BUILDS, default=list(BUILDS))
    parser.add_argument("--repeats", type=int, default=3, help="runs per build (median reported)")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    sizes = args.persons or [1_000_000, 10_000_000]
    listed = ", ".join(f"{n:,}" for n in sizes)
    print(f"cohort cube benchmark: {listed} persons; builds {', '.join(args.builds)}")
    for persons in sizes:
        bench(persons, args.builds, args.repeats, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
