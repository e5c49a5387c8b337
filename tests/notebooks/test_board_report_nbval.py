"""nbval's check of the committed demo report can fail: one changed input figure fails it.

The committed report is copied, its parameters pointed at the demo system's own data written
to files, with one person's emergency admissions raised by 5, and nbval re-executes it as CI
does. The headline cells that show emergency admissions must then fail, naming the changed
total; the data reproduce the demo otherwise (``make test`` shows the unchanged report passes).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_REPORT = ROOT / "reports" / "demo" / "board-report.ipynb"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
HEADLINE = "nbval-check-output"
EXTRA_ADMISSIONS = 5


def _point_at_files(notebook, persons: Path, areas: Path) -> None:
    cell = next(c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", []))
    source = cell.source.replace('persons = "demo"', f'persons = "{persons}"')
    cell.source = source.replace('areas = "demo"', f'areas = "{areas}"')
    assert str(persons) in cell.source and str(areas) in cell.source


@pytest.mark.slow
def test_changing_one_input_figure_fails_the_headline_checks(tmp_path):
    from toolkit.data.synth import write_demo_system

    notebook = nbformat.read(DEMO_REPORT, as_version=4)
    parameters = notebook.metadata["papermill"]["parameters"]
    assert parameters["persons"] == "demo"
    paths = write_demo_system(
        tmp_path / "data",
        persons=parameters["demo_persons"],
        seed=parameters["seed"],
        progress=False,
    )
    persons = pd.read_parquet(paths["persons"])
    before = int(persons["emergency_admissions"].sum())
    persons.loc[0, "emergency_admissions"] += EXTRA_ADMISSIONS  # the one edited figure
    persons.to_parquet(paths["persons"], index=False)

    _point_at_files(notebook, paths["persons"], paths["areas"])
    edited = tmp_path / "board-report.ipynb"
    nbformat.write(notebook, edited)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    headline_cells = {  # nbval numbers code cells only
        number
        for number, cell in enumerate(code_cells)
        if HEADLINE in cell.metadata.get("tags", [])
    }

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "conftest",  # the root conftest.py: skip the same volatile outputs as `make test`
            "-p",
            "no:cacheprovider",
            "--nbval-lax",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(SANITIZE),
            "-vv",  # full differences, so that the changed figure shows
            "-rf",
            str(edited),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"},
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    failed = {int(number) for number in re.findall(r"FAILED \S*::Cell (\d+)", output)}
    assert failed, output
    assert failed <= headline_cells, (failed, headline_cells)
    assert "Cell outputs differ" in output
    assert "Cell execution caused an exception" not in output
    # The failure names the edited figure: the total of emergency admissions.
    assert f"{before:,} emergency admissions" in output
    assert f"{before + EXTRA_ADMISSIONS:,} emergency admissions" in output
    shutil.rmtree(tmp_path / "data")
