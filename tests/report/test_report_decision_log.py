from __future__ import annotations

import inspect
import json

import pandas as pd
import pytest

from toolkit.errors import DataContractError
from toolkit.prioritise import Criterion
from toolkit.report import read_decision_log
from toolkit.workshop import SubmissionStore

CRITERIA = ["burden_share", "rate_ratio", "core20_share"]


def quick_store(path, criteria) -> SubmissionStore:
    """A store that lets a table submit twice at once (the room's pause is for people)."""
    options = {}
    if "min_interval" in inspect.signature(SubmissionStore).parameters:
        options["min_interval"] = 0.0
    return SubmissionStore(path, criteria=criteria, **options)


@pytest.fixture
def store(tmp_path) -> SubmissionStore:
    store = quick_store(tmp_path / "submissions.sqlite", CRITERIA)
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


def _record(number, table, role, round, weights, **extra):
    return {
        "submission_id": number,
        "table": table,
        "role": role,
        "round": round,
        "submitted_at": f"2026-03-01T10:{number:02d}:00+00:00",
        "superseded": False,
        "weights": weights,
        "shortlist": ["a"],
        "dots": {},
        **extra,
    }


def test_json_log_with_rounds_removed_and_merged_tables(tmp_path):
    even = dict.fromkeys(CRITERIA, 1.0)
    records = [
        _record(1, "Table 1", "Residents", 1, even, dots={"a": 1}),
        _record(2, "Table 2", "Council", 1, even),
        _record(3, "Tabel 7", "Council", 1, even, status="removed"),
        _record(4, "Table 1", "Residents", 1, {**even, "rate_ratio": 4.0}),
        _record(5, "Table 2", "Council", 2, {**even, "burden_share": 9.0}),
        _record(6, "Table 1", "Residents", 2, {**even, "core20_share": 5.0}, dots={"b": 2}),
        # A second sheet for table 1, merged into it: its later submission counts as table
        # 1's, since table 1 submitted nothing later in round 2.
        _record(
            7,
            "Table 1b",
            "Residents",
            2,
            {**even, "core20_share": 8.0},
            status="merged into Table 1",
        ),
        # A round without "round" would be round 1; this one names round 2 as text.
        _record(8, "Table 3", "Clinicians", "2", even),
    ]
    path = tmp_path / "log.json"
    path.write_text(json.dumps({"workshop": "March", "submissions": records}), encoding="utf-8")
    log = read_decision_log(path)
    assert log.rounds == (1, 2) and log.last_round == 2
    assert log.removed == 1
    assert log.superseded == 2  # table 1's first in round 1; its own in round 2 (merged)
    assert log.tables["table"].tolist() == ["Table 1", "Table 2", "Table 3"]
    last = log.latest(CRITERIA)
    assert last["weight_core20_share"].tolist() == [8.0, 1.0, 1.0]
    assert last["weight_burden_share"].tolist() == [1.0, 9.0, 1.0]
    first = log.latest(CRITERIA, round=1)
    assert first["table"].tolist() == ["Table 1", "Table 2"]  # the removed table left out
    assert first["weight_rate_ratio"].tolist() == [4.0, 1.0]
    assert log.dot_votes(1).empty  # table 1's dots were on its replaced submission
    assert log.dot_votes().to_dict("list") == {"table": [], "candidate": [], "dots": []}
    with pytest.raises(ValueError, match="rounds \\[1, 2\\]"):
        log.latest(round=3)


PLAIN_CSV = (
    "Table,Group,Round,Submitted at (UTC),Replaced by a later submission,Shortlist,Dots,"
    "Weight: Burden share,Weight: Rate ratio,Weight: Core20 share\n"
    "Table 1,Residents,1,2026-03-01 10:00:01,Yes,Frailty; Falls,Frailty: 2,5,1,4\n"
    '"\'=HYPERLINK(""http://x"")",\'@Council,1,2026-03-01 10:00:02,No,Falls,,3,3,3\n'
    "Table 1,Residents,1,2026-03-01 10:05:00,Yes,Falls; Frailty,Frailty: 1; Falls: 1,2,6,2\n"
    "Table 1,Residents,2,2026-03-01 11:00:00,No,Falls,,0,10,0\n"
)


def test_plain_csv_download_with_labels_rounds_and_guarded_cells(tmp_path):
    path = tmp_path / "decision-log-march.csv"
    path.write_text(PLAIN_CSV, encoding="utf-8")
    log = read_decision_log(path)
    assert log.rounds == (1, 2) and log.superseded == 1
    first = log.history.loc[log.history["round"] == 1]
    # The guard against spreadsheet formulas is taken off again.
    assert first["table"].tolist() == ['=HYPERLINK("http://x")', "Table 1"]
    assert first["role"].tolist() == ["@Council", "Residents"]
    assert first["shortlist"].tolist() == [["Falls"], ["Falls", "Frailty"]]
    assert log.dot_votes(1).to_dict("list") == {
        "table": ["Table 1", "Table 1"],
        "candidate": ["Frailty", "Falls"],
        "dots": [1, 1],
    }
    # Weight headings in words match the criteria by name, label or phrase.
    criteria = [
        Criterion("burden_share", label="burden share"),
        Criterion("rate_ratio"),
        Criterion("core20_share", label="Core20 share"),
        Criterion("feasibility"),
    ]
    assert log.match_criteria(criteria) == {
        "burden_share": "Burden share",
        "rate_ratio": "Rate ratio",
        "core20_share": "Core20 share",
        "feasibility": None,
    }
    latest = log.latest(criteria, round=1)
    assert list(latest.columns) == [
        "table",
        "role",
        "weight_burden_share",
        "weight_rate_ratio",
        "weight_core20_share",
        "weight_feasibility",
    ]
    assert latest["weight_rate_ratio"].tolist() == [3.0, 6.0]
    assert latest["weight_feasibility"].tolist() == [0.0, 0.0]
    assert log.latest(["rate_ratio"])["weight_rate_ratio"].tolist() == [10.0]


def test_plain_csv_refuses_what_it_cannot_read(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(PLAIN_CSV.replace(",1,2026-03-01 10:00:02", ",first,2026-03-01 10:00:02"))
    with pytest.raises(DataContractError, match="round must be a whole number"):
        read_decision_log(path)
    path.write_text(PLAIN_CSV.replace(",No,Falls,,", ",Maybe,Falls,,"))
    with pytest.raises(DataContractError, match="Yes or No"):
        read_decision_log(path)


def test_a_room_that_weighed_a_criterion_not_scored_here_is_refused(evidence, tmp_path):
    """Without the criteria template, the room's community_voice weights were dropped."""
    from toolkit.report.decision_log import room_answer

    priorities = evidence.priorities
    names = [criterion.name for criterion in priorities.criteria]
    store = SubmissionStore(tmp_path / "s.sqlite", criteria=[*names, "community_voice"])
    first = priorities.shortlist["candidate"].iloc[0]
    for table in ("Table 1", "Table 2"):
        weights = {name: 1.0 for name in names} | {"community_voice": 10.0}
        store.submit("Spring", table, "Residents", weights, [first])
    log = read_decision_log(store.export("Spring", tmp_path / "log.json"))
    with pytest.raises(ValueError, match="weighs 'community_voice', which the candidates"):
        room_answer(log, priorities)
    # a criterion no table gave weight to is no answer lost
    quiet = SubmissionStore(tmp_path / "q.sqlite", criteria=[*names, "community_voice"])
    for table in ("Table 1", "Table 2"):
        weights = {name: 1.0 for name in names} | {"community_voice": 0.0}
        quiet.submit("Spring", table, "Residents", weights, [first])
    room_answer(read_decision_log(quiet.export("Spring", tmp_path / "q.json")), priorities)
