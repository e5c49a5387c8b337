"""The ``pophealth`` command line end to end, as a user runs it (subprocesses)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest


def _pophealth(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )


@pytest.fixture(scope="module")
def small_system(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("system")
    done = _pophealth("synth", "--persons", "20000", "--seed", "7", "--out", str(folder), "--quiet")
    assert done.returncode == 0, done.stderr
    return folder


def test_synth_cube_and_candidates_template(small_system: Path):
    cube_path = small_system / "cube.parquet"
    done = _pophealth(
        "cube", str(small_system / "persons.parquet"), "--out", str(cube_path), "--quiet"
    )
    assert done.returncode == 0, done.stderr
    cube = pd.read_parquet(cube_path)
    persons = pd.read_parquet(small_system / "persons.parquet", columns=["person_id"])
    assert cube["persons"].sum() == len(persons)

    template = small_system / "criteria.csv"
    done = _pophealth("candidates", str(cube_path), "--template", str(template))
    assert done.returncode == 0, done.stderr
    header = [line for line in template.read_text().splitlines() if not line.startswith("#")][0]
    assert header.startswith("candidate,label,evidence,core20plus5,community_voice,feasibility")
    assert "Traceback" not in done.stderr

    again = _pophealth("candidates", str(cube_path), "--template", str(template))
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr


def test_candidates_on_a_missing_cube_is_a_plain_error(tmp_path: Path):
    done = _pophealth("candidates", str(tmp_path / "nope.parquet"), "--template", "x.csv")
    assert done.returncode == 2
    assert "nope.parquet" in done.stderr
    assert "Traceback" not in done.stderr


def test_demo_runs_the_whole_pipeline_and_prints_its_headlines(tmp_path: Path):
    done = _pophealth(
        "demo", "--persons", "30000", "--seed", "11", "--out", str(tmp_path), "--quiet"
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Demo system: 30,000 persons" in out
    assert "Population segments (Bridges to Health)" in out
    assert "Slope index of inequality" in out
    assert "Excess emergency admissions" in out
    assert "Suggested shortlist" in out
    assert "\n1. " in out and "\n5. " in out
