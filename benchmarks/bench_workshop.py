"""Benchmark: the workshop's slider path, the submission store and the facilitator's refresh.

Target (issue 6): a slider release redraws the participant's ranking well inside 150 ms,
end to end in a browser (the browser test prints that median). Here the kernel's share is
measured, in the same process, against two baselines: the DataFrame path
(score_priorities + shortlist + DataFrame.to_html) and re-plotting a matplotlib bar chart
of the contributions, which is what an Output-widget chart would cost on every release.
Also: one submission to the SQLite store, and the facilitator's room_consensus for ten
tables.

Run: .venv/bin/python benchmarks/bench_workshop.py [--quick]
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from toolkit.prioritise import Criterion, score_priorities, shortlist  # noqa: E402
from toolkit.workshop import (  # noqa: E402
    ParticipantApp,
    load_workshop,
    prepare_workshop,
    room_consensus,
)

SEGMENTS = 10
OUTCOMES = 5
CRITERIA = 6
TABLES = 10


def _candidates(seed: int = 0) -> tuple[pd.DataFrame, list[Criterion]]:
    rng = np.random.default_rng(seed)
    count = SEGMENTS * OUTCOMES
    table = pd.DataFrame(
        rng.gamma(2.0, 1.0, size=(count, CRITERIA)), columns=[f"c{j}" for j in range(CRITERIA)]
    )
    table.insert(0, "candidate", [f"s{i // OUTCOMES}/o{i % OUTCOMES}" for i in range(count)])
    table.insert(
        1, "label", [f"Outcome {i % OUTCOMES} in segment {i // OUTCOMES}" for i in range(count)]
    )
    table.insert(2, "segment", [f"s{i // OUTCOMES}" for i in range(count)])
    criteria = [
        Criterion(f"c{j}", "benefit", "min_max", 1.0, f"Criterion {j}.") for j in range(CRITERIA)
    ]
    return table, criteria


def _median_ms(function, repeats: int) -> float:
    times = []
    for index in range(repeats):
        start = time.perf_counter_ns()
        function(index)
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1e6


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small, fast run")
    args = parser.parse_args(argv)
    repeats = 30 if args.quick else 300
    baseline_repeats = 10 if args.quick else 60

    table, criteria = _candidates()
    folder = Path(tempfile.mkdtemp(prefix="bench-workshop-"))
    workshop = load_workshop(
        prepare_workshop(
            table,
            out_dir=folder,
            criteria=criteria,
            name="Bench",
            min_interval=0,
            max_per_round=None,
        )
    )
    app = ParticipantApp(workshop)
    slider = app.sliders["c0"]
    names = [criterion.name for criterion in criteria]
    rng = np.random.default_rng(1)
    weights = [
        dict(zip(names, rng.integers(1, 11, CRITERIA).astype(float).tolist(), strict=True))
        for _ in range(64)
    ]

    def slider_release(index: int) -> None:
        slider.value = (slider.value + 1) % 11 or 1  # what a release does, explanation included

    def dataframe_path(index: int) -> None:
        scored = score_priorities(table, criteria=criteria, weights=weights[index % 64])
        shortlist(scored, size=5)
        scored.to_html()

    def replot(index: int) -> None:
        scored = score_priorities(table, criteria=criteria, weights=weights[index % 64])
        parts = scored[[f"contribution_{name}" for name in names]].to_numpy()
        figure, axes = plt.subplots(figsize=(8, 10))
        left = np.zeros(len(scored))
        for j in range(parts.shape[1]):
            axes.barh(np.arange(len(scored)), parts[:, j], left=left, label=names[j])
            left += parts[:, j]
        axes.set_title("Scores")
        axes.legend()
        figure.savefig(io.BytesIO(), format="png")
        plt.close(figure)

    fast = _median_ms(slider_release, repeats)
    frame = _median_ms(dataframe_path, baseline_repeats)
    plotted = _median_ms(replot, max(5, baseline_repeats // 4))
    print(f"{SEGMENTS * OUTCOMES} candidates x {CRITERIA} criteria, shortlist one per cohort")
    print(f"slider release (numpy + HTML + explanation): {fast:8.3f} ms median")
    print(f"baseline, DataFrame path + to_html:          {frame:8.3f} ms  ({frame / fast:.1f}x)")
    print(
        f"baseline, matplotlib re-plot:                {plotted:8.3f} ms  ({plotted / fast:.1f}x)"
    )

    store = workshop.store

    def submit(index: int) -> None:
        store.submit(workshop.name, f"Table {index % TABLES + 1}", "Mixed table",
                     weights[index % 64], ["s0/o0", "s1/o1"])  # fmt: skip

    submitted = _median_ms(submit, repeats)
    print(f"one submission to the SQLite store (WAL):     {submitted:8.3f} ms median")

    latest = store.latest(workshop.name)

    def refresh(index: int) -> None:
        room_consensus(latest, model=workshop.model, size=5)

    room = _median_ms(refresh, max(5, baseline_repeats // 2))
    print(f"room_consensus, {len(latest)} tables:                  {room:8.3f} ms median")


if __name__ == "__main__":
    main()
