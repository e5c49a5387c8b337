"""How ``pophealth`` heads a problem with the analysts' criteria scores file (issue 11).

The persons data can be fine while the criteria scores file needs fixing; the heading
names the file that needs fixing, not "the data".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from toolkit import cli
from toolkit.errors import DataContractError
from toolkit.prioritise import THEME_ANALYST_CRITERIA, read_criteria_scores


def _raising(error: Exception):
    def handler(args) -> int:  # noqa: ANN001 - stands in for a command's handler
        raise error

    return handler


def _criteria_scores_error(tmp_path: Path) -> DataContractError:
    """The error the report meets: the analyst's own themes, measured without their folder."""
    path = tmp_path / "criteria.csv"
    rows = ["high_blood_pressure", "care_home_falls", "copd_flu_vaccination"]
    path.write_text(
        "candidate,label,community_voice,feasibility,notes\n"
        + "".join(f"{candidate},x,2,3,\n" for candidate in rows),
        encoding="utf-8",
    )
    measured = pd.DataFrame(
        {"candidate": ["high_blood_pressure"], "label": ["x"], "theme": ["high_blood_pressure"]}
    )
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, measured, criteria=THEME_ANALYST_CRITERIA)
    return caught.value


def test_a_criteria_scores_problem_is_headed_by_the_file_not_the_data(
    tmp_path, monkeypatch, capsys
):
    error = _criteria_scores_error(tmp_path)
    monkeypatch.setattr(cli, "_cmd_report", _raising(error))
    assert cli.main(["report", "--config", str(tmp_path / "report.toml")]) == cli.EXIT_BAD_INPUT
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "pophealth report: the criteria scores file does not meet the contract."
    assert lines[1].endswith("criteria.csv: the criteria scores need fixing (1 problem):")
    assert lines[2].startswith("- column 'candidate': unknown candidate id; 2 rows (lines 3 and 4)")
    assert "name their folder with the 'themes' key of the configuration" in lines[2]
    assert "the data does not meet the contract" not in "\n".join(lines)


def test_a_data_problem_keeps_its_heading(tmp_path, monkeypatch, capsys):
    error = DataContractError("persons.parquet: column 'age' is missing.")
    monkeypatch.setattr(cli, "_cmd_report", _raising(error))
    assert cli.main(["report", "--config", str(tmp_path / "report.toml")]) == cli.EXIT_BAD_INPUT
    assert capsys.readouterr().err == (
        "pophealth report: the data does not meet the contract.\n"
        "persons.parquet: column 'age' is missing.\n"
    )
