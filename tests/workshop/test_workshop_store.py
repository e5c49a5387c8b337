"""The submission store: validation, the append-only log, latest per table and export."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pandas as pd
import pytest

from toolkit import __version__
from toolkit.workshop import SubmissionStore

WEIGHTS = {"burden": 5.0, "gap": 2.0}


@pytest.fixture
def store(tmp_path):
    return SubmissionStore(
        tmp_path / "log.sqlite", criteria=["burden", "gap"], candidates=["a", "b", "c", "d"]
    )


def test_submissions_are_kept_and_latest_replaces(store):
    first = store.submit("W", "Table 2", "Clinicians", WEIGHTS, ["a", "b"], dots={"a": 2})
    second = store.submit("W", "Table 10", "Residents", {"burden": 0, "gap": 1}, ["c"])
    third = store.submit("W", " table  2 ", "Mixed table", {"burden": 1, "gap": 1}, ["b", "a"])
    store.submit("Other workshop", "Table 2", "Clinicians", WEIGHTS, ["d"])
    assert first < second < third

    log = store.submissions("W")
    assert log["submission_id"].tolist() == [first, second, third]
    assert log["superseded"].tolist() == [True, False, False]
    assert log["table"].tolist() == ["Table 2", "Table 10", "table 2"]
    assert log["weight_burden"].tolist() == [5.0, 0.0, 1.0]
    assert log["shortlist"].tolist() == ["a; b", "c", "b; a"]
    assert log["dots"].tolist() == [2, 0, 0]
    assert (log["toolkit_version"] == __version__).all()
    assert str(log["submitted_at"].dt.tz) == "UTC"
    assert log["submitted_at"].is_monotonic_increasing

    latest = store.latest("W")
    # Natural order of table names; the re-submission replaced Table 2's earlier one.
    assert latest["submission_id"].tolist() == [third, second]
    assert not latest["superseded"].any()
    votes = store.dot_votes("W", latest=False)
    assert votes[["table", "candidate", "dots"]].values.tolist() == [["Table 2", "a", 2]]
    assert store.dot_votes("W").empty


def test_store_file_is_wal_and_append_only(store):
    store.submit("W", "Table 1", "Clinicians", WEIGHTS, ["a"])
    with sqlite3.connect(store.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("UPDATE submissions SET role = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM submissions")
    assert len(store.submissions("W")) == 1


@pytest.mark.parametrize(
    ("arguments", "error", "words"),
    [
        ({"weights": {"burden": 1.0}}, ValueError, "missing \\['gap'\\]"),
        ({"weights": {"burden": 1.0, "gap": 1.0, "cost": 1.0}}, ValueError, "unknown \\['cost'\\]"),
        ({"weights": {"burden": -1.0, "gap": 1.0}}, ValueError, "non-negative"),
        ({"weights": {"burden": 0.0, "gap": 0}}, ValueError, "not all zero"),
        ({"weights": {"burden": np.nan, "gap": 1.0}}, ValueError, "finite"),
        ({"weights": {"burden": True, "gap": 1.0}}, TypeError, "floats"),
        ({"weights": {"burden": "5", "gap": 1.0}}, TypeError, "floats"),
        ({"weights": [1.0, 2.0]}, TypeError, "mapping"),
        ({"shortlist": []}, ValueError, "at least one"),
        ({"shortlist": ["a", "a"]}, ValueError, "none twice"),
        ({"shortlist": ["z"]}, ValueError, "unknown ids \\['z'\\]"),
        ({"shortlist": "a"}, TypeError, "sequence"),
        ({"dots": {"a": -1}}, ValueError, ">= 0"),
        ({"dots": {"a": 1.5}}, TypeError, "ints"),
        ({"dots": {"z": 1}}, ValueError, "unknown ids"),
        ({"table": "   "}, ValueError, "blank"),
        ({"table": 3}, TypeError, "'table' parameter of submit must be a str"),
        ({"role": "x" * 81}, ValueError, "at most 80"),
    ],
)
def test_submit_validates_before_storing(store, arguments, error, words):
    call = {
        "workshop": "W",
        "table": "Table 1",
        "role": "Clinicians",
        "weights": WEIGHTS,
        "shortlist": ["a"],
    } | arguments
    with pytest.raises(error, match=words):
        store.submit(
            call["workshop"],
            call["table"],
            call["role"],
            call["weights"],
            call["shortlist"],
            dots=call.get("dots"),
        )
    assert store.submissions("W").empty


def test_store_without_known_names_accepts_any(tmp_path):
    store = SubmissionStore(tmp_path / "open.sqlite")
    store.submit("W", "T", "R", {"x": 1, "y": 0}, ["anything"])
    store.submit("W", "T", "R", {"z": 2}, ["else"])
    log = store.submissions("W")
    assert [c for c in log.columns if c.startswith("weight_")] == [
        "weight_x",
        "weight_y",
        "weight_z",
    ]
    assert np.isnan(log["weight_z"].iloc[0])


def test_store_rejects_bad_construction(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        SubmissionStore(tmp_path / "missing" / "log.sqlite")
    with pytest.raises(TypeError, match="'path'"):
        SubmissionStore(3)
    with pytest.raises(ValueError, match="'criteria'"):
        SubmissionStore(tmp_path / "x.sqlite", criteria=["a", "a"])


def test_export_csv_and_json(store, tmp_path):
    store.submit("W", "Table 1", "Clinicians", WEIGHTS, ["a", "b"], dots={"b": 1})
    store.submit("W", "Table 1", "Clinicians", {"burden": 1, "gap": 9}, ["c"])
    csv_path = store.export("W", tmp_path / "log.csv")
    table = pd.read_csv(csv_path)
    assert table["superseded"].tolist() == [True, False]
    assert table["weight_gap"].tolist() == [2.0, 9.0]
    assert table["submitted_at"].str.endswith("Z").all()

    json_path = store.export("W", tmp_path / "log.txt", format="json")
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert document["workshop"] == "W"
    assert document["toolkit_version"] == __version__
    first, second = document["submissions"]
    assert first["weights"] == WEIGHTS and first["dots"] == {"b": 1} and first["superseded"]
    assert second["shortlist"] == ["c"] and not second["superseded"]

    with pytest.raises(FileExistsError, match="overwrite=True"):
        store.export("W", csv_path)
    store.export("W", csv_path, overwrite=True)
    with pytest.raises(ValueError, match="'format'"):
        store.export("W", tmp_path / "log.xlsx")
