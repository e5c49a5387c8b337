"""Benchmark: a submission and the room's latest submissions cost the same however long the log.

Issue 12: with 10,000 submissions in the store, each submission read every earlier row and
the store slowed from ~80 to under 1 submission a second. The store now keeps ``current``
(each table's latest submission and count per round), updated in the submission's own
transaction, so a submission and :meth:`SubmissionStore.latest` look rows up by key.

For 1, 1,000 and 10,000 earlier submissions (spread over 15 tables, in round 1) this
prints the median time of one submission (a write transaction in WAL mode, committed to
disk) and of ``latest()`` (15 tables), each with its ratio to the 1-row figure measured in
the same process; and, for contrast, reading the whole log (``submissions()``), which does
grow with the rows. Targets: both ratios near 1 (well under 2) at 10,000 rows.

Run: .venv/bin/python benchmarks/bench_workshop_store.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from bench_workshop import _median_ms  # one timer for the workshop benchmarks

from toolkit.workshop.store import _REBUILD_CURRENT, SubmissionStore

TABLES = 15
CRITERIA = ["burden", "gap", "cost", "feasibility", "equity", "prevention"]
SIZES = (1, 1_000, 10_000)


def _fill(path: Path, rows: int) -> None:
    """Write ``rows`` earlier submissions straight into the log, in one transaction."""
    weights = json.dumps(dict.fromkeys(CRITERIA, 5.0))
    records = [
        (
            "Bench",
            f"Table {i % TABLES + 1}",
            f"table {i % TABLES + 1}",
            "Mixed table",
            weights,
            '["c01", "c02", "c03", "c04", "c05"]',
            '{"c01": 2, "c02": 1}',
            "2026-03-01T10:00:00.000000+00:00",
            "bench",
        )
        for i in range(rows)
    ]
    with closing(sqlite3.connect(path)) as connection:
        connection.executemany(
            "INSERT INTO submissions (workshop, table_name, table_key, role, weights, "
            "shortlist, dots, submitted_at, toolkit_version, round) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            records,
        )
        connection.execute(_REBUILD_CURRENT)  # as the store keeps it
        connection.commit()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small, fast run")
    args = parser.parse_args(argv)
    repeats = 40 if args.quick else 300
    read_repeats = 20 if args.quick else 100

    folder = Path(tempfile.mkdtemp(prefix="bench-workshop-store-"))
    results: dict[int, tuple[float, float, float]] = {}
    for size in SIZES:
        path = folder / f"store-{size}.sqlite"
        store = SubmissionStore(path, criteria=CRITERIA, min_interval=0, max_per_round=None)
        _fill(path, size)
        weights = dict.fromkeys(CRITERIA, 3.0)

        def submit(index: int, store=store, weights=weights) -> None:
            store.submit("Bench", f"Table {index % TABLES + 1}", "Mixed table", weights,
                         ["c01", "c02", "c03"], dots={"c01": 1})  # fmt: skip

        def latest(index: int, store=store) -> None:
            assert len(store.latest("Bench")) == TABLES

        def everything(index: int, store=store) -> None:
            store.submissions("Bench")

        submit(0)  # warm up: imports, the file's pages in the cache
        submit_ms = _median_ms(submit, repeats)  # every table has submitted after this
        latest(0)
        results[size] = (
            submit_ms,
            _median_ms(latest, read_repeats),
            _median_ms(everything, max(3, read_repeats // 10)),
        )

    base_submit, base_latest, base_all = results[SIZES[0]]
    print(f"SubmissionStore, {TABLES} tables, {len(CRITERIA)} criteria, WAL; medians")
    print(f"{'earlier rows':>12}  {'submit ms':>10} {'ratio':>6}  {'latest() ms':>11} {'ratio':>6}"
          f"  {'submissions() ms':>16} {'ratio':>6}")  # fmt: skip
    for size, (submit_ms, latest_ms, all_ms) in results.items():
        print(
            f"{size:>12,}  {submit_ms:>10.3f} {submit_ms / base_submit:>6.2f}  "
            f"{latest_ms:>11.3f} {latest_ms / base_latest:>6.2f}  "
            f"{all_ms:>16.3f} {all_ms / base_all:>6.1f}"
        )


if __name__ == "__main__":
    main()
