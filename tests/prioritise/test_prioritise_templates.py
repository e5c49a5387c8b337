"""The analysts' criteria template: written, filled in, read back and checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from toolkit.errors import DataContractError
from toolkit.prioritise import (
    ANALYST_CRITERIA,
    read_criteria_scores,
    score_priorities,
    write_criteria_template,
)

CANDIDATES = pd.DataFrame(
    {
        "candidate": ["frailty/emergency_admissions", "healthy/ae_attendances", "eol/bed_days"],
        "label": [
            'Emergency admissions, "frail"',
            "A&E use, healthy segment",
            "Bed days at end of life",
        ],
    }
)
FILLED = {
    "evidence": [3, 1, 2],
    "core20plus5": [1, 0, 1],
    "community_voice": [2, 0, 3],
    "feasibility": [4, 5, 1],
}


def _fill_csv(path, values=FILLED, extra_rows=()):
    lines = path.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("candidate,"))
    table = pd.read_csv(path, skiprows=header_at, dtype=str, keep_default_na=False)
    for name, column in values.items():
        table[name] = [str(v) for v in column]
    table = pd.concat([table, pd.DataFrame(list(extra_rows))], ignore_index=True).fillna("")
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\n".join(lines[:header_at]) + "\n")
        table.to_csv(handle, index=False, lineterminator="\n")
    return header_at


def _fill_toml(path, values=FILLED):
    text = path.read_text(encoding="utf-8")
    for row in range(len(CANDIDATES)):
        for name, column in values.items():
            marker = f'{name} = ""'
            position = text.index(marker)
            text = text[:position] + f"{name} = {column[row]}" + text[position + len(marker) :]
    path.write_text(text, encoding="utf-8")


def test_csv_template_states_scales_and_round_trips(tmp_path):
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.csv")
    text = path.read_text(encoding="utf-8")
    assert "# evidence: " in text and "whole number from 0 to 3" in text
    assert "core20plus5: " in text and "Scale: 0 or 1" in text
    assert "whole number from 1 to 5" in text
    _fill_csv(path)
    scores = read_criteria_scores(path, CANDIDATES)
    assert scores["candidate"].tolist() == CANDIDATES["candidate"].tolist()
    assert scores["evidence"].tolist() == [3.0, 1.0, 2.0]
    assert scores["feasibility"].tolist() == [4.0, 5.0, 1.0]
    joined = CANDIDATES.merge(scores, on="candidate")
    scored = score_priorities(joined, criteria=[spec.criterion for spec in ANALYST_CRITERIA])
    # eol: evidence .5, core20 1, voice 1, feasibility 0 -> 2.5/4; frailty: 1, 1, 2/3, 3/4
    assert scored["candidate"].iloc[0] == "frailty/emergency_admissions"
    assert scored["score"].iloc[0] == pytest.approx((1 + 1 + 2 / 3 + 0.75) / 4)


def test_toml_template_round_trips(tmp_path):
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.toml")
    text = path.read_text(encoding="utf-8")
    assert text.count("[[candidate]]") == 3
    assert 'label = "Emergency admissions, \\"frail\\""' in text
    with pytest.raises(DataContractError, match="missing value"):
        read_criteria_scores(path, CANDIDATES)
    _fill_toml(path)
    scores = read_criteria_scores(path, CANDIDATES)
    assert scores["community_voice"].tolist() == [2.0, 0.0, 3.0]


def test_every_problem_is_reported_at_once_with_column_and_rows(tmp_path):
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.csv")
    bad = {
        "evidence": [4, "", 2],  # off the scale; missing
        "core20plus5": [1, 0, 0.5],  # not a whole number
        "community_voice": [2, "lots", 3],  # not a number
        "feasibility": [4, 5, 0],  # off the scale
    }
    header_at = _fill_csv(
        path,
        bad,
        extra_rows=[{"candidate": "nobody/deaths", "evidence": "1", "core20plus5": "0",
                     "community_voice": "1", "feasibility": "3"}],
    )  # fmt: skip
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    first = header_at + 2  # file line of the first candidate row
    assert str(path) in message
    assert (
        f"column 'evidence': off the scale (whole number from 0 to 3); 1 rows (lines {first})"
        in message
    )
    assert f"column 'evidence': missing value; 1 rows (lines {first + 1})" in message
    assert "column 'core20plus5': not a whole number" in message
    assert "column 'community_voice': not a number; 1 rows" in message and "'lots'" in message
    assert "column 'feasibility': off the scale (whole number from 1 to 5)" in message
    assert f"column 'candidate': unknown candidate id; 1 rows (lines {first + 3})" in message
    assert "'nobody/deaths'" in message
    failures = caught.value.failures
    assert set(failures["column"]) == {
        "evidence",
        "core20plus5",
        "community_voice",
        "feasibility",
        "candidate",
    }


def test_missing_candidates_duplicates_and_columns_are_named(tmp_path):
    path = tmp_path / "scores.csv"
    pd.DataFrame(
        {"candidate": ["eol/bed_days", "eol/bed_days"], "evidence": [1, 1], "mood": ["x", "y"]}
    ).to_csv(path, index=False)
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    assert "column 'core20plus5': column is missing" in message
    assert "column 'mood': unexpected column" in message
    path.write_text(
        "candidate,evidence,core20plus5,community_voice,feasibility\n"
        "eol/bed_days,1,1,1,1\neol/bed_days,1,1,1,1\n",
        encoding="utf-8",
    )
    with pytest.raises(DataContractError) as caught:
        read_criteria_scores(path, CANDIDATES)
    message = str(caught.value)
    assert "id given more than once; 2 rows (lines 2, 3)" in message
    assert "candidate has no row" in message and "'frailty/emergency_admissions'" in message


def test_template_is_not_overwritten_and_input_is_unchanged(tmp_path):
    before = CANDIDATES.copy(deep=True)
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.csv")
    with pytest.raises(FileExistsError, match="already exists"):
        write_criteria_template(CANDIDATES, path)
    write_criteria_template(CANDIDATES, path, overwrite=True)
    pd.testing.assert_frame_equal(CANDIDATES, before)
    with pytest.raises(FileNotFoundError):
        read_criteria_scores(tmp_path / "absent.csv", CANDIDATES)


def test_notes_are_kept(tmp_path):
    path = write_criteria_template(CANDIDATES, tmp_path / "scores.csv")
    _fill_csv(path, {**FILLED, "notes": ["residents' panel, May", "", "hospice data"]})
    scores = read_criteria_scores(path, CANDIDATES)
    assert scores["notes"].tolist() == ["residents' panel, May", "", "hospice data"]
    assert np.isfinite(scores[["evidence", "feasibility"]].to_numpy()).all()
