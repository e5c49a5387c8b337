"""Twenty processes submitting at once to one store file: nothing lost, nothing corrupted."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3

import pytest

from toolkit.workshop import SubmissionStore

PROCESSES = 20
SUBMISSIONS = 50
CRITERIA = ["burden", "gap", "cost"]


def _writer(path: str, number: int, barrier) -> None:
    store = SubmissionStore(
        path, criteria=CRITERIA, timeout=2.0, retries=50, min_interval=0, max_per_round=None
    )
    barrier.wait()  # all start writing at the same moment
    for i in range(SUBMISSIONS):
        store.submit(
            "Concurrency",
            f"Table {number}",
            "Mixed table",
            {"burden": float(number), "gap": float(i), "cost": 1.0},
            [f"p{number}-{i}", "shared"],
            dots={"shared": 1},
        )


@pytest.mark.slow
def test_twenty_processes_lose_no_submission(tmp_path):
    path = tmp_path / "shared.sqlite"
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    workers = [
        context.Process(target=_writer, args=(str(path), number, barrier))
        for number in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES

    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = connection.execute(
            "SELECT submission_id, table_name, weights, shortlist, dots FROM submissions"
        ).fetchall()
    assert len(rows) == PROCESSES * SUBMISSIONS
    ids = [row[0] for row in rows]
    assert len(set(ids)) == len(ids)
    seen = set()
    for _, table, weights, shortlist, dots in rows:
        parsed = json.loads(weights)
        assert list(parsed) == CRITERIA
        number = int(table.split()[1])
        assert parsed["burden"] == float(number)
        assert json.loads(shortlist)[1] == "shared"
        assert json.loads(dots) == {"shared": 1}
        seen.add((number, int(parsed["gap"])))
    assert seen == {(n, i) for n in range(PROCESSES) for i in range(SUBMISSIONS)}

    store = SubmissionStore(path, criteria=CRITERIA)
    assert len(store.submissions("Concurrency")) == PROCESSES * SUBMISSIONS
    latest = store.latest("Concurrency")
    assert len(latest) == PROCESSES
    assert latest["weight_gap"].tolist() == [float(SUBMISSIONS - 1)] * PROCESSES
