"""Benchmark ``pophealth validate`` on persons Parquet files: time and peak memory.

``pophealth validate`` checks a persons Parquet or CSV file in DuckDB without loading it
(``toolkit.segment.check_persons_file``, issue 14). For each population size the demo
persons are written to Parquet once (cached under ``/tmp/pophealth_bench/`` as
``benchmarks/bench_cohort_cube.py`` caches them; 57 million persons as a folder of six
Parquet parts made from the 10 million file, each with its own ``person_id`` range, written
a row group at a time so that the whole never sits in memory), then each measurement runs
in a fresh child process, ``--repeats`` times, the measurements taking turns so that load
from other jobs falls on all of them alike:

- ``validate``: the command line, ``toolkit.cli.main(["validate", path])`` (the new path);
- ``pandera``: today's pandas path before issue 14, ``toolkit.data.read_persons(path)``
  (pandera on the whole table in memory), at 1M persons only;
- ``cube_checked`` and ``cube_unchecked``: ``build_cube(path)`` and
  ``build_cube(path, validate=False)``, at 10M persons only; the difference of their
  medians is the time of ``build_cube``'s own check, as ``benchmarks/bench_cube.py``
  measures it.

The child times the work only (not the interpreter start or imports, pandera's included)
and reports its own peak resident set size (``VmHWM``, see ``bench_cube.peak_rss_mb``),
which includes the imported libraries. Targets: ``pophealth validate`` under 1 GB peak at
every size, and no slower at 10M persons than ``build_cube``'s own check.

    .venv/bin/python benchmarks/bench_validate.py                      # 1M and 10M persons
    .venv/bin/python benchmarks/bench_validate.py --persons 57000000   # all of England
    .venv/bin/python benchmarks/bench_validate.py --persons 1000000 --repeats 1
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cohort_cube import CACHE, ensure_persons  # noqa: E402  (one cache of persons)
from bench_cube import peak_rss_mb, summarise_runs  # noqa: E402  (one definition: VmHWM, not ru_maxrss)

#: Rows in each Parquet part of a population larger than the 10M file.
PART_ROWS = 10_000_000
#: Peak resident memory ``pophealth validate`` must stay under, at every size.
TARGET_MB = 1_000


def run_validate(path: str) -> int:
    from toolkit.cli import main

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(["validate", path])
    if status != 0:
        raise RuntimeError(f"pophealth validate exited {status}")
    words = printed.getvalue().split(": ", 1)[1].split()
    return int(words[0].replace(",", ""))


def run_pandera(path: str) -> int:
    from toolkit.data.readers import read_persons

    return len(read_persons(path))


def run_cube(path: str, *, validate: bool) -> int:
    from toolkit.segment import build_cube

    return int(build_cube(path, validate=validate)["persons"].sum())


MEASURES = {
    "validate": run_validate,
    "pandera": run_pandera,
    "cube_checked": lambda path: run_cube(path, validate=True),
    "cube_unchecked": lambda path: run_cube(path, validate=False),
}


def child(measure: str, path: str) -> None:
    """Run one measurement once in this (fresh) process and report time and memory."""
    import ibis.backends.duckdb  # noqa: F401  (imports are not part of the time)
    import pandas  # noqa: F401
    import pyarrow.compute  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    import toolkit.cli  # noqa: F401
    import toolkit.data.readers  # noqa: F401  (pandera and the persons contract)
    import toolkit.report.config  # noqa: F401  (the command line's help lists their keys)
    import toolkit.report.update  # noqa: F401
    import toolkit.segment._engine_contract  # noqa: F401
    import toolkit.segment.cube  # noqa: F401
    import toolkit.segment.file_check  # noqa: F401

    start = time.perf_counter()
    persons = MEASURES[measure](path)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "persons": persons}))


# --------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------
def ensure_parts(persons: int, seed: int) -> Path:
    """A folder of Parquet parts holding ``persons`` persons, made from the 10M file.

    Each part repeats the 10M file's rows (the last part the first of them) with its own
    ``person_id`` range (``"P<part>:<id>"``), so the ids are unique across the parts.
    Written one row group at a time: memory stays at a row group's size.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    folder = CACHE / f"persons_{persons}_seed{seed}_parts"
    parts = -(-persons // PART_ROWS)
    names = [folder / f"part_{index:02d}.parquet" for index in range(parts)]
    if all(name.exists() for name in names):
        return folder
    source = pq.ParquetFile(ensure_persons(PART_ROWS, seed))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"writing {persons:,} persons in {parts} Parquet parts to {folder} (once)", flush=True)
    start = time.perf_counter()
    for index, name in enumerate(names):
        wanted = min(PART_ROWS, persons - index * PART_ROWS)
        partial = name.with_suffix(".partial")
        with pq.ParquetWriter(partial, source.schema_arrow) as writer:
            written = 0
            for group in range(source.num_row_groups):
                if written >= wanted:
                    break
                table = source.read_row_group(group).slice(0, wanted - written)
                ids = pc.binary_join_element_wise(
                    pa.scalar(f"P{index}:"), table["person_id"], pa.scalar("")
                )
                table = table.set_column(0, "person_id", ids)
                writer.write_table(table)
                written += table.num_rows
        partial.rename(name)
    print(f"  written in {time.perf_counter() - start:.1f} s", flush=True)
    return folder


def run_child(measure: str, path: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", measure, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measures_at(persons: int) -> list[str]:
    chosen = ["validate"]
    if persons == 1_000_000:
        chosen.append("pandera")
    if persons == 10_000_000:
        chosen += ["cube_checked", "cube_unchecked"]
    return chosen


def bench(persons: int, repeats: int, seed: int) -> dict[str, dict]:
    path = ensure_persons(persons, seed) if persons <= PART_ROWS else ensure_parts(persons, seed)
    measures = measures_at(persons)
    runs: dict[str, list[dict]] = {measure: [] for measure in measures}
    for _ in range(repeats):  # the measurements take turns
        for measure in measures:
            runs[measure].append(run_child(measure, path))
    results = summarise_runs(runs, "persons")
    for measure, result in results.items():
        if result["persons"] != persons:
            raise AssertionError(f"{measure} counted {result['persons']:,} persons")
    size = sum(p.stat().st_size for p in ([path] if path.is_file() else path.glob("*.parquet")))
    print(f"\n{persons:,} persons ({size / 1e6:,.0f} MB Parquet), median of {repeats}:")
    labels = {
        "validate": "pophealth validate",
        "pandera": "pandera (before)",
        "cube_checked": "build_cube",
        "cube_unchecked": "build_cube unchecked",
    }
    print(f"  {'':<22}{'median s':>10}{'min s':>9}{'peak RSS MB':>13}")
    for measure, result in results.items():
        print(
            f"  {labels[measure]:<22}{result['median_s']:>10.3f}{result['min_s']:>9.3f}"
            f"{result['peak_rss_mb']:>13.0f}"
        )
    validate = results["validate"]
    notes = [
        f"peak RSS {validate['peak_rss_mb']:.0f} MB (target < {TARGET_MB:,} MB: "
        f"{'met' if validate['peak_rss_mb'] < TARGET_MB else 'NOT met'})"
    ]
    if "pandera" in results:
        pandera = results["pandera"]
        notes.append(
            f"{pandera['median_s'] / validate['median_s']:.1f}x faster and "
            f"{pandera['peak_rss_mb'] / validate['peak_rss_mb']:.1f}x less memory than pandera"
        )
    if "cube_checked" in results:
        check = results["cube_checked"]["median_s"] - results["cube_unchecked"]["median_s"]
        best = results["cube_checked"]["min_s"] - results["cube_unchecked"]["min_s"]
        notes.append(
            f"build_cube's own check {check:.3f} s (best runs {best:.3f} s); validate "
            f"{validate['median_s'] / check:.2f}x its time (target <= 1x: "
            f"{'met' if validate['median_s'] <= check else 'NOT met'})"
        )
    print("  pophealth validate: " + "; ".join(notes))
    return results


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--persons", type=int, nargs="+", help="population sizes (default 1M and 10M)"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of each (median reported)")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    sizes = args.persons or [1_000_000, 10_000_000]
    print(f"pophealth validate benchmark: {', '.join(f'{n:,}' for n in sizes)} persons")
    for persons in sizes:
        bench(persons, args.repeats, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
