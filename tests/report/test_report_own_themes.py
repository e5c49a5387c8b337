"""The report's ``themes`` key: the analysts' own theme folders join the built-in library."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.data import make_demo_system
from toolkit.prioritise import THEME_LIBRARY
from toolkit.report import load_config
from toolkit.report.figures import compute_board_figures


def _own_theme(folder: Path) -> None:
    """A copy of a library theme under a new id and name (an analyst's own theme)."""
    folder.mkdir()
    text = (Path(THEME_LIBRARY) / "high_blood_pressure.toml").read_text(encoding="utf-8")
    text = text.replace('id = "high_blood_pressure"', 'id = "our_blood_pressure_drive"', 1)
    text = text.replace(
        'name = "Find and treat high blood pressure"',
        'name = "Our blood pressure drive in pharmacies"',
        1,
    )
    (folder / "our_blood_pressure_drive.toml").write_text(text, encoding="utf-8")


def _config(tmp_path: Path, themes: str) -> Path:
    system = make_demo_system(persons=20_000, seed=3)
    system.persons.to_parquet(tmp_path / "persons.parquet")
    system.areas.to_file(tmp_path / "areas.gpkg")
    path = tmp_path / "report.toml"
    path.write_text(
        'system_name = "Small system"\npersons = "persons.parquet"\nareas = "areas.gpkg"\n'
        f"synthetic_data = true\n{themes}\n",
        encoding="utf-8",
    )
    return path


def test_own_themes_are_measured_beside_the_library(tmp_path: Path):
    _own_theme(tmp_path / "my_themes")
    config = load_config(_config(tmp_path, 'themes = ["my_themes"]'))
    assert config.themes == [str((tmp_path / "my_themes").resolve())]
    priorities = compute_board_figures(config).priorities
    offered = set(priorities.candidates["theme"]) | set(priorities.excluded["theme"])
    assert {"our_blood_pressure_drive", "high_blood_pressure"} <= offered


def test_a_themes_key_that_is_not_a_list_of_folders_is_refused(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match=r"'themes' names .*nowhere.* not a folder"):
        load_config(_config(tmp_path, 'themes = ["nowhere"]'))
    with pytest.raises(TypeError, match="themes"):
        load_config(_config(tmp_path, 'themes = "my_themes"'))
    with pytest.raises(ValueError, match="themes"):
        load_config(_config(tmp_path, "themes = []"))


def test_the_candidates_command_writes_own_themes_into_the_template(tmp_path: Path):
    import subprocess
    import sys

    import pandas as pd

    from toolkit.prioritise import load_themes, prioritise_persons

    _own_theme(tmp_path / "my_themes")
    persons = make_demo_system(persons=20_000, seed=3).persons
    persons.to_parquet(tmp_path / "persons.parquet")
    template = tmp_path / "criteria.csv"
    done = subprocess.run(
        [
            sys.executable, "-m", "toolkit.cli", "candidates", str(tmp_path / "persons.parquet"),
            "--template", str(template), "--themes", str(tmp_path / "my_themes"), "--quiet",
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "themes = " in done.stdout  # the report needs the same folders
    rows = pd.read_csv(template, comment="#")
    assert "our_blood_pressure_drive" in set(rows["candidate"])
    # Filled in, it scores the own theme beside the library's.
    rows["community_voice"], rows["feasibility"] = 2, 4
    rows.to_csv(template, index=False)
    themes = load_themes([THEME_LIBRARY, tmp_path / "my_themes"])
    result = prioritise_persons(persons, themes=themes, analyst_scores=template, draws=200)
    scored = result.candidates.set_index("candidate")
    assert scored.loc["our_blood_pressure_drive", "community_voice"] == 2
    missing = tmp_path / "nowhere"
    refused = subprocess.run(
        [
            sys.executable, "-m", "toolkit.cli", "candidates", str(tmp_path / "persons.parquet"),
            "--template", str(tmp_path / "other.csv"), "--themes", str(missing),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "--themes" in refused.stderr and "Traceback" not in refused.stderr
