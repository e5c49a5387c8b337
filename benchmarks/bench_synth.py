"""Benchmark the synthetic demo system: time and peak memory of writing it to disk.

Each run is a fresh child process that imports the toolkit and calls
``write_demo_system`` into a temporary folder; the child reports the time of the call and
its own peak resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``). The baseline,
run the same way, only imports the toolkit's synth module: its peak memory is what the
libraries cost before any person is made. The in-memory ``make_demo_system`` at 1M persons is
run once for comparison with the chunked writer.

    .venv/bin/python benchmarks/bench_synth.py            # 1M (3 runs) and 10M (1 run)
    .venv/bin/python benchmarks/bench_synth.py --quick    # 100k (3 runs) and 1M (1 run)
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, time, tempfile
from pathlib import Path
mode, persons, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
from toolkit.data import synth
result = {"seconds": 0.0, "bytes": 0}
if mode == "write":
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        paths = synth.write_demo_system(folder, persons=persons, seed=seed, progress=False)
        result["seconds"] = time.perf_counter() - start
        result["bytes"] = Path(paths["persons"]).stat().st_size
elif mode == "make":
    start = time.perf_counter()
    system = synth.make_demo_system(persons, seed)
    result["seconds"] = time.perf_counter() - start
    result["bytes"] = int(system.persons.memory_usage(deep=True).sum())
result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def run_child(mode: str, persons: int, seed: int) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(persons), str(seed)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k and 1M persons only")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--repeats", type=int, default=3, help="runs of the smaller size")
    args = parser.parse_args()
    small, large = (100_000, 1_000_000) if args.quick else (1_000_000, 10_000_000)

    baseline = run_child("import", 0, args.seed)
    print(f"baseline (import only): peak RSS {baseline['peak_rss_mb']:.0f} MB")
    print()
    print(
        f"{'persons':>12} {'runs':>4} {'median s':>9} {'persons/s':>11} "
        f"{'s/M vs smallest':>15} {'peak RSS MB':>11} {'RSS vs baseline':>15} {'Parquet MB':>10}"
    )
    rows = []
    for persons, repeats in ((small, args.repeats), (large, 1)):
        runs = [run_child("write", persons, args.seed) for _ in range(repeats)]
        seconds = statistics.median(run["seconds"] for run in runs)
        peak = max(run["peak_rss_mb"] for run in runs)
        rows.append((persons, repeats, seconds, peak, runs[0]["bytes"]))
    per_million_small = rows[0][2] / (rows[0][0] / 1e6)
    for persons, repeats, seconds, peak, size in rows:
        per_million = seconds / (persons / 1e6)
        print(
            f"{persons:>12,} {repeats:>4} {seconds:>9.2f} {persons / seconds:>11,.0f} "
            f"{per_million / per_million_small:>15.2f} {peak:>11.0f} "
            f"{peak / baseline['peak_rss_mb']:>15.2f} {size / 1e6:>10.1f}"
        )

    in_memory = run_child("make", 1_000_000 if not args.quick else 100_000, args.seed)
    label = "1,000,000" if not args.quick else "100,000"
    print()
    ratio = in_memory["peak_rss_mb"] / baseline["peak_rss_mb"]
    print(
        f"make_demo_system({label}) in memory: {in_memory['seconds']:.2f} s, peak RSS "
        f"{in_memory['peak_rss_mb']:.0f} MB ({ratio:.2f}x baseline), "
        f"persons DataFrame {in_memory['bytes'] / 1e6:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
