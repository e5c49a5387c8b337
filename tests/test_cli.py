"""The ``pophealth`` command line end to end, as a user runs it (subprocesses)."""

from __future__ import annotations

import re
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
    persons_path = str(small_system / "persons.parquet")
    done = _pophealth("candidates", persons_path, "--template", str(template), "--quiet")
    assert done.returncode == 0, done.stderr
    lines = template.read_text(encoding="utf-8-sig").splitlines()
    header = [line for line in lines if not line.startswith("#")][0]
    assert header == "candidate,label,community_voice,feasibility,notes"
    assert "Traceback" not in done.stderr

    again = _pophealth("candidates", persons_path, "--template", str(template), "--quiet")
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr


def _fill(template: Path, community_voice: int, feasibility: int) -> None:
    lines = []
    for line in template.read_text(encoding="utf-8-sig").splitlines():
        if not line.startswith(("#", "candidate,")):
            head, _, _ = line.rpartition(",,,")
            line = f"{head},{community_voice},{feasibility},"
        lines.append(line)
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_filled_candidates_template_builds_a_report(small_system: Path, tmp_path: Path):
    """What `pophealth candidates` writes, filled in, is what the report reads back."""
    template = tmp_path / "criteria.csv"
    persons = small_system / "persons.parquet"
    done = _pophealth("candidates", str(persons), "--template", str(template), "--quiet")
    assert done.returncode == 0, done.stderr
    _fill(template, community_voice=3, feasibility=5)
    config = tmp_path / "report.toml"
    config.write_text(
        "\n".join(
            [
                'system_name = "Small system"',
                f'persons = "{persons}"',
                f'areas = "{small_system / "areas.gpkg"}"',
                'criteria_scores = "criteria.csv"',
                "shortlist_size = 4",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "report"
    done = _pophealth("report", "--config", str(config), "--out", str(out), "--no-pdf", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    html = (out / "board-report.html").read_text(encoding="utf-8")
    # The two analysts' criteria join the nine computed ones, and the file is named.
    assert "weighted sum of 11 criteria" in html
    assert "Analysts&#x27; criteria scores" in html or "Analysts' criteria scores" in html

    # A template for other candidates (a theme the report does not measure) is refused.
    text = template.read_text(encoding="utf-8-sig").replace(
        "high_blood_pressure,", "high_blood_pressure/q1,"
    )
    # And a theme of the analyst's own, whose folder the configuration does not name.
    text += "my_own_theme,My own theme,2,3,\n"
    template.write_text(text, encoding="utf-8")
    failed = _pophealth(
        "report", "--config", str(config), "--out", str(tmp_path / "again"), "--no-pdf", "--quiet"
    )
    assert failed.returncode != 0
    assert "high_blood_pressure/q1" in failed.stderr + failed.stdout
    # The persons data are fine: the heading names the criteria scores file (issue 11).
    headings = [line for line in failed.stderr.splitlines() if "does not meet" in line]
    assert headings == ["pophealth report: the criteria scores file does not meet the contract."]
    assert "unknown candidate id; 1 row" in failed.stderr and "'my_own_theme'" in failed.stderr
    assert "name their folder with the 'themes' key of the configuration" in failed.stderr


def test_candidates_on_a_missing_cube_is_a_plain_error(tmp_path: Path):
    done = _pophealth("candidates", str(tmp_path / "nope.parquet"), "--template", "x.csv")
    assert done.returncode == 2
    assert "nope.parquet" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("template", "extra", "words"),
    [
        ("x.xlsx", [], ["--template x.xlsx", "must end in .csv", ".toml", "ends in '.xlsx'"]),
        ("q", [], ["--template q", "must end in .csv", "has no ending"]),
        ("nodir/x.csv", [], ["--template nodir/x.csv", "the folder nodir does not exist"]),
        ("there.csv", [], ["already exists", "add --overwrite to replace it"]),
        ("x.csv", ["--model", "nosuch"], ["--model nosuch", "bridges_to_health", ".yaml"]),
        ("x.csv", ["--model", "rules.toml"], ["--model rules.toml: no such rules file"]),
    ],
)
def test_candidates_refuses_what_it_cannot_use_in_the_command_line_words(
    tmp_path: Path, template: str, extra: list[str], words: list[str]
):
    """Refused before any work (the persons file is not even read), naming the option."""
    persons = tmp_path / "persons.parquet"
    persons.write_bytes(b"")
    (tmp_path / "there.csv").write_text("scores\n", encoding="utf-8")
    done = _pophealth("candidates", str(persons), "--template", template, *extra, cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr, done.stderr
    for internal in ("overwrite=True", "load_rules", "Errno", "parameter of"):
        assert internal not in done.stderr
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "q").exists()
    assert (tmp_path / "there.csv").read_text(encoding="utf-8") == "scores\n"


def test_candidates_within_says_where_its_template_is_used(small_system: Path, tmp_path: Path):
    """A template by place is for prioritise_persons; the board report takes the other one."""
    template = tmp_path / "by_place.csv"
    persons = str(small_system / "persons.parquet")
    done = _pophealth(
        "candidates", persons, "--template", str(template), "--within", "place", "--quiet"
    )
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert "measured in each place" in first
    assert "prioritise_persons(persons, within='place'" in first
    assert "the board report" in first.lower() and "without --within" in first
    assert "name the file as 'criteria_scores'" not in done.stdout


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
    assert "Suggested priorities" in out
    assert "\n1. " in out and "\n5. " in out
    shortlist = out[out.index("Suggested priorities") :].split("\nBoard report")[0]
    assert "Evidence:" in shortlist and "could avoid" in shortlist and "an estimate" in shortlist
    # Board language: no codes or snake_case names in the labels and facts.
    for line in shortlist.splitlines():
        if line.startswith(("1.", "2.", "3.", "4.", "5.")) or line.startswith("   Adults"):
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", line), line


def test_workshop_checks_its_options_before_saying_it_starts(tmp_path, capsys):
    """It said "Starting the workshop for 41 tables" and then refused in a programmer's terms."""
    from toolkit.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["workshop", "--tables", "41"])
    assert stopped.value.code == 2
    said = capsys.readouterr()
    assert "--tables: must be a whole number from 1 to 40 (got '41')" in said.err
    assert "Starting" not in said.out
    assert main(["workshop", "--config", str(tmp_path / "nowhere.toml")]) == 2
    said = capsys.readouterr()
    assert "nowhere.toml' does not exist" in said.err
    assert "Starting" not in said.out
    assert main(["workshop", "--config", str(tmp_path)]) == 2
    assert "is a folder, not a file: give its workshop.toml" in capsys.readouterr().err


def test_validate_says_an_areas_file_is_one(tmp_path, capsys):
    """`pophealth validate areas.parquet` listed 11 missing persons columns and no way out."""
    from toolkit.cli import main
    from toolkit.data import make_demo_system

    path = tmp_path / "areas.parquet"
    make_demo_system(persons=500, seed=1).areas.drop(columns="geometry").to_parquet(path)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"check it with `pophealth validate --kind areas {path}`" in err
    assert main(["validate", "--kind", "areas", str(path)]) == 0
    # a file that is neither (no LSOA code, no decile) gets no such hint
    series = tmp_path / "series.csv"
    series.write_text("series,period,value\na,2024-01,3\n", encoding="utf-8")
    assert main(["validate", str(series)]) == 2
    assert "--kind areas" not in capsys.readouterr().err
