from __future__ import annotations

import json

import pandas as pd
import pytest

from toolkit.errors import DataContractError
from toolkit.report import read_decision_log
from toolkit.workshop import SubmissionStore

CRITERIA = ["burden_share", "rate_ratio", "core20_share"]


@pytest.fixture
def store(tmp_path) -> SubmissionStore:
    store = SubmissionStore(tmp_path / "submissions.sqlite", criteria=CRITERIA)
    weights = {"burden_share": 5.0, "rate_ratio": 1.0, "core20_share": 4.0}
    store.submit("March", "Table 10", "Residents", weights, ["a", "b"], dots={"a": 2})
    store.submit("March", "Table 2", "Clinicians", weights, ["b"], dots={"b": 1})
    changed = {"burden_share": 0.0, "rate_ratio": 3.0, "core20_share": 1.0}
    store.submit("March", "Table 2", "Clinicians", changed, ["c"], dots={"c": 3})
    return store


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_latest_submission_of_each_table_in_natural_order(store, tmp_path, suffix):
    path = store.export("March", tmp_path / f"log.{suffix}")
    log = read_decision_log(path)
    assert log.workshop == "March"
    assert log.superseded == 1
    assert log.tables["table"].tolist() == ["Table 2", "Table 10"]
    assert log.tables["shortlist"].tolist() == [["c"], ["a", "b"]]
    assert log.weights.loc[0, "rate_ratio"] == 3.0 and log.weights.loc[1, "burden_share"] == 5.0
    latest = log.latest([*CRITERIA, "feasibility"])
    assert list(latest.columns) == [
        "table",
        "role",
        "weight_burden_share",
        "weight_rate_ratio",
        "weight_core20_share",
        "weight_feasibility",
    ]
    assert latest["weight_feasibility"].tolist() == [0.0, 0.0]  # weighed by no table
    votes = log.dot_votes()
    if suffix == "json":  # the JSON log keeps each table's dots by candidate
        assert votes.to_dict("list") == {
            "table": ["Table 2", "Table 10"],
            "candidate": ["c", "a"],
            "dots": [3, 2],
        }
    else:  # the flat CSV keeps only each table's total
        assert votes.empty and list(votes.columns) == ["table", "candidate", "dots"]


def test_csv_with_several_workshops_needs_a_name(store, tmp_path):
    store.submit("May", "Table 1", "Council", dict.fromkeys(CRITERIA, 1.0), ["a"])
    frames = [store.submissions("March"), store.submissions("May")]
    path = tmp_path / "both.csv"
    pd.concat(frames).to_csv(path, index=False)
    with pytest.raises(DataContractError, match="several workshops"):
        read_decision_log(path)
    may = read_decision_log(path, workshop="May")
    assert may.tables["table"].tolist() == ["Table 1"] and may.workshop == "May"
    with pytest.raises(DataContractError, match="no submission of workshop 'June'"):
        read_decision_log(path, workshop="June")


def test_files_that_are_not_decision_logs_are_refused(tmp_path):
    csv = tmp_path / "other.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(DataContractError, match="not a workshop decision log"):
        read_decision_log(csv)
    bad_json = tmp_path / "log.json"
    bad_json.write_text(json.dumps({"submissions": [{"table": "T"}]}), encoding="utf-8")
    with pytest.raises(DataContractError, match="submission 1 lacks"):
        read_decision_log(bad_json)
    with pytest.raises(ValueError, match="must be a .csv or .json file"):
        (tmp_path / "log.txt").write_text("x", encoding="utf-8")
        read_decision_log(tmp_path / "log.txt")
    with pytest.raises(FileNotFoundError):
        read_decision_log(tmp_path / "missing.csv")
