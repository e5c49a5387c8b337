"""Benchmark the segment cube: build_cube on DuckDB against idiomatic pandas and polars lazy.

For each population size the demo persons are written to Parquet once (reused from
``benchmarks/_data/`` when present), then each implementation builds the Bridges to Health
cube from that file in a fresh child process, ``--repeats`` times, the implementations
taking turns so that load from other jobs falls on all of them alike:

(a) ``duckdb``: ``toolkit.segment.build_cube(path, validate=False)``, one Ibis expression
    run by DuckDB scanning the Parquet file, like for like with the peers (which check
    nothing); ``duckdb_validated`` is the default ``build_cube(path)``, which first checks the
    persons' values in one more scan (what ``pophealth cube`` runs);
(b) ``pandas``: ``pd.read_parquet`` of the needed columns, ``np.select`` for the segments,
    ``groupby().agg()``, the idiomatic way;
(c) ``polars``: ``pl.scan_parquet`` with ``pl.when`` chains and ``group_by().agg()``, lazy;
    the fastest peer.

The child times the work only (not the interpreter start or imports: for ``build_cube``
also the persons contract it checks files against, which imports pandera, about 0.45 s
once a process) and reports its own peak resident set size, which includes the imported
libraries. The cubes are checked to agree (counts exactly, cost within 1e-9 relative).
Medians of the runs and the ratios to pandas and polars are printed, with the targets: at
10M persons build_cube at least 3x faster than pandas, no slower than 1.5x polars, under
400 MB; the default, checked build_cube no slower than polars at 1M and 10M (issue 14).

    .venv/bin/python benchmarks/bench_cube.py              # 1M and 10M persons
    .venv/bin/python benchmarks/bench_cube.py --quick      # 1M persons only
    .venv/bin/python benchmarks/bench_cube.py --persons 57000000 --engines duckdb --repeats 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "_data"
ENGINES = ("duckdb", "duckdb_validated", "pandas", "polars")

# --------------------------------------------------------------------------------------
# The peers: Bridges to Health written by hand, as an analyst would, mirroring
# toolkit/segment/models/bridges_to_health.toml (the agreement check guards the mirror).
# --------------------------------------------------------------------------------------
SEGMENTS = (
    "healthy",
    "maternal_and_infant",
    "acutely_ill",
    "stable_chronic",
    "serious_disability",
    "frailty",
    "limited_reserve",
    "end_of_life",
)
ORGAN = ("heart_failure", "copd", "ckd", "chronic_liver_disease")
DISABILITY = ("learning_disability", "multiple_sclerosis", "parkinsons")


def cube_pandas(path: str):
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    from toolkit.data.contract import ACTIVITY_COLUMNS, CONDITIONS, ESP2013_BANDS

    names = pq.read_schema(path).names
    present = [name for name in CONDITIONS if name in names]
    columns = [
        "age", "sex", "imd_decile", "place", "efi", "end_of_life", "pregnant", "died",
        *present, *ACTIVITY_COLUMNS, "cost_gbp",
    ]  # fmt: skip
    df = pd.read_parquet(path, columns=columns)
    n_conditions = df[present].sum(axis=1)
    choices = [
        (df["end_of_life"], "end_of_life"),
        ((df["age"] >= 65) & (df["efi"] > 0.24), "frailty"),
        (df["dementia"], "frailty"),
        (df[list(ORGAN)].any(axis=1) & (df["emergency_admissions"] >= 1), "limited_reserve"),
        (df[list(DISABILITY)].any(axis=1), "serious_disability"),
        (df["pregnant"], "maternal_and_infant"),
        (df["age"] < 1, "maternal_and_infant"),
        (n_conditions >= 1, "stable_chronic"),
        ((df["emergency_admissions"] >= 1) | (df["ae_attendances"] >= 1), "acutely_ill"),
    ]
    df["segment"] = np.select([c for c, _ in choices], [s for _, s in choices], default="healthy")
    df["age_band"] = np.asarray(ESP2013_BANDS, dtype=object)[np.minimum(df["age"] // 5, 18)]
    for activity in ACTIVITY_COLUMNS:
        df[f"persons_with_{activity}"] = df[activity] > 0
    aggregations = {"persons": ("age", "size"), "deaths": ("died", "sum")}
    aggregations.update({a: (a, "sum") for a in ACTIVITY_COLUMNS})
    aggregations.update(
        {f"persons_with_{a}": (f"persons_with_{a}", "sum") for a in ACTIVITY_COLUMNS}
    )
    aggregations["cost_gbp"] = ("cost_gbp", "sum")
    keys = ["segment", "age_band", "sex", "imd_decile", "place"]
    return df.groupby(keys, dropna=False, observed=True).agg(**aggregations).reset_index()


def cube_polars(path: str):
    import polars as pl
    import pyarrow.parquet as pq

    from toolkit.data.contract import ACTIVITY_COLUMNS, CONDITIONS, ESP2013_BANDS

    names = pq.read_schema(path).names
    present = [name for name in CONDITIONS if name in names]
    col = pl.col
    segment = (
        pl.when(col("end_of_life")).then(pl.lit("end_of_life"))
        .when((col("age") >= 65) & (col("efi") > 0.24)).then(pl.lit("frailty"))
        .when(col("dementia")).then(pl.lit("frailty"))
        .when(pl.any_horizontal(list(ORGAN)) & (col("emergency_admissions") >= 1))
        .then(pl.lit("limited_reserve"))
        .when(pl.any_horizontal(list(DISABILITY))).then(pl.lit("serious_disability"))
        .when(col("pregnant") | (col("age") < 1)).then(pl.lit("maternal_and_infant"))
        .when(pl.sum_horizontal([col(c).cast(pl.Int16) for c in present]) >= 1)
        .then(pl.lit("stable_chronic"))
        .when((col("emergency_admissions") >= 1) | (col("ae_attendances") >= 1))
        .then(pl.lit("acutely_ill"))
        .otherwise(pl.lit("healthy"))
    )  # fmt: skip
    band = pl.min_horizontal(col("age") // 5, pl.lit(18)).cast(pl.Int64)
    aggregations = [
        pl.len().cast(pl.Int64).alias("persons"),
        col("died").sum().cast(pl.Int64).alias("deaths"),
    ]
    aggregations += [col(a).sum().alias(a) for a in ACTIVITY_COLUMNS]
    aggregations += [
        (col(a) > 0).sum().cast(pl.Int64).alias(f"persons_with_{a}") for a in ACTIVITY_COLUMNS
    ]
    aggregations.append(col("cost_gbp").sum())
    cube = (
        pl.scan_parquet(path)
        .group_by(segment.alias("segment"), band.alias("band"), "sex", "imd_decile", "place")
        .agg(aggregations)
        .collect()
        .to_pandas()
    )
    cube.insert(1, "age_band", [ESP2013_BANDS[b] for b in cube.pop("band")])
    return cube


def cube_duckdb(path: str):
    from toolkit.segment import build_cube

    return build_cube(path, validate=False)


def cube_duckdb_validated(path: str):
    from toolkit.segment import build_cube

    return build_cube(path)


BUILDERS = {
    "duckdb": cube_duckdb,
    "duckdb_validated": cube_duckdb_validated,
    "pandas": cube_pandas,
    "polars": cube_polars,
}


def peak_rss_mb() -> float:
    """Peak resident set size of this process image, in MB.

    ``VmHWM`` from ``/proc/self/status`` (Linux) rather than ``ru_maxrss``: Linux carries
    ``ru_maxrss`` over from the parent across fork and exec, so a child started by a big
    parent would report the parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(engine: str, path: str, out: str) -> None:
    """Run one implementation once in this (fresh) process and report time and memory."""
    import pandas  # noqa: F401  (imports are not part of the time)
    import pyarrow.parquet  # noqa: F401

    if engine.startswith("duckdb"):
        import ibis.backends.duckdb  # noqa: F401
        import pyarrow.compute  # noqa: F401

        import toolkit.segment._engine_contract  # noqa: F401  (the readers' contract, pandera)
        import toolkit.segment.cube  # noqa: F401
    elif engine == "polars":
        import polars  # noqa: F401
    start = time.perf_counter()
    cube = BUILDERS[engine](path)
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    if out:
        cube.to_parquet(out, index=False)
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "cells": len(cube)}))


# --------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------
def ensure_persons(persons: int, seed: int) -> Path:
    folder = DATA / f"persons_{persons}_seed{seed}"
    path = folder / "persons.parquet"
    if path.exists():
        return path
    from toolkit.data.synth import write_demo_system

    print(f"writing {persons:,} demo persons to {folder} (once; reused next time)", flush=True)
    start = time.perf_counter()
    written = write_demo_system(folder, persons=persons, seed=seed, progress=True)
    print(f"  written in {time.perf_counter() - start:.1f} s", flush=True)
    return Path(written["persons"])


def run_child(engine: str, path: Path, out: Path | None) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", engine, str(path), str(out or "")],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def normalise(cube):
    import pandas as pd

    from toolkit.data.contract import CUBE_DIMENSIONS, CUBE_MEASURES

    cube = cube[[*CUBE_DIMENSIONS, *CUBE_MEASURES]].copy()
    cube["imd_decile"] = cube["imd_decile"].astype("Int64")
    for name in ("segment", "age_band", "sex", "place"):
        cube[name] = cube[name].astype("str")
    for name in CUBE_MEASURES:
        cube[name] = cube[name].astype("float64" if name == "cost_gbp" else "int64")
    keys = list(CUBE_DIMENSIONS)
    return cube.sort_values(keys, na_position="last").reset_index(drop=True).pipe(pd.DataFrame)


def check_agreement(cubes: dict[str, Path]) -> str:
    import numpy as np
    import pandas as pd

    frames = {engine: normalise(pd.read_parquet(path)) for engine, path in cubes.items()}
    (first, reference), *others = frames.items()
    for engine, frame in others:
        pd.testing.assert_frame_equal(
            frame.drop(columns="cost_gbp"),
            reference.drop(columns="cost_gbp"),
            obj=f"{engine} vs {first}",
        )
        np.testing.assert_allclose(frame["cost_gbp"], reference["cost_gbp"], rtol=1e-9, atol=0)
    return f"the {' / '.join(frames)} cubes agree ({len(reference):,} cells)"


def summarise_runs(runs: dict[str, list[dict]], count: str) -> dict[str, dict]:
    """Median and fastest seconds, peak memory and ``count`` (of the first run) per measure."""
    return {
        name: {
            "median_s": statistics.median(r["seconds"] for r in done),
            "min_s": min(r["seconds"] for r in done),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in done),
            count: done[0][count],
        }
        for name, done in runs.items()
    }


def bench(persons: int, engines: list[str], repeats: int, seed: int) -> dict[str, dict]:
    path = ensure_persons(persons, seed)
    cubes: dict[str, Path] = {}
    runs: dict[str, list[dict]] = {engine: [] for engine in engines}
    for run in range(repeats):  # the engines take turns, so load from other jobs falls alike
        for engine in engines:
            out = path.parent / f"cube_{engine}.parquet" if run == 0 else None
            runs[engine].append(run_child(engine, path, out))
            if out is not None:
                cubes[engine] = out
    results = summarise_runs(runs, "cells")
    print(
        f"\n{persons:,} persons ({path.stat().st_size / 1e6:,.0f} MB Parquet), median of {repeats}:"
    )
    header = ("engine", "median s", "min s", "peak RSS MB", "vs pandas", "vs polars")
    widths = (18, 10, 9, 13, 11, 11)
    print(
        "  "
        + header[0].ljust(widths[0])
        + "".join(h.rjust(w) for h, w in zip(header[1:], widths[1:], strict=True))
    )
    for engine, result in results.items():
        ratios = []
        for peer in ("pandas", "polars"):
            ratio = results[peer]["median_s"] / result["median_s"] if peer in results else None
            ratios.append(f"{ratio:>10.2f}x" if ratio else f"{'-':>11}")
        print(
            f"  {engine:<18}{result['median_s']:>10.3f}{result['min_s']:>9.3f}"
            f"{result['peak_rss_mb']:>13.0f}{''.join(ratios)}"
        )
    if len(cubes) > 1:
        print("  " + check_agreement(cubes))
    if "duckdb" in results:
        duck = results["duckdb"]
        notes = [f"peak RSS {duck['peak_rss_mb']:.0f} MB (target < 400 MB)"]
        if "pandas" in results:
            speed_up = results["pandas"]["median_s"] / duck["median_s"]
            notes.append(f"{speed_up:.1f}x faster than pandas (target >= 3x)")
        if "polars" in results:
            slow_down = duck["median_s"] / results["polars"]["median_s"]
            notes.append(f"{slow_down:.2f}x polars' time (target <= 1.5x)")
        print("  build_cube: " + "; ".join(notes))
    if "duckdb_validated" in results and "polars" in results:
        checked = results["duckdb_validated"]
        slow_down = checked["median_s"] / results["polars"]["median_s"]
        best = checked["min_s"] / results["polars"]["min_s"]
        print(
            f"  build_cube, checked: {slow_down:.2f}x polars' time (best runs {best:.2f}x; "
            f"target <= 1x); peak RSS {checked['peak_rss_mb']:.0f} MB"
        )
    return results


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1M persons only")
    parser.add_argument("--persons", type=int, nargs="+", help="population sizes (default 1M 10M)")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--repeats", type=int, default=3, help="runs per engine (median reported)")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    sizes = args.persons or ([1_000_000] if args.quick else [1_000_000, 10_000_000])
    listed = ", ".join(f"{n:,}" for n in sizes)
    print(f"segment cube benchmark: {listed} persons; engines {', '.join(args.engines)}")
    for persons in sizes:
        bench(persons, args.engines, args.repeats, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
