"""The submission store: validation, the append-only log, rounds, the table list, drafts,
limits, faults, the upgrade of older files, constant-cost submits and the exports."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import sqlite3

import numpy as np
import pandas as pd
import pytest

from toolkit import __version__
from toolkit.workshop import SubmissionStore
from toolkit.workshop.store import (
    SCHEMA_VERSION,
    SUBMIT_STATEMENTS,
    RoundState,
    StoreError,
    SubmissionRefused,
)

WEIGHTS = {"burden": 5.0, "gap": 2.0}
START = 1_770_000_000.0  # a fixed moment (February 2026), so that times are predictable


class Clock:
    """A clock the test moves on by hand: no sleeping, no timing-sensitive tests."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    """A store without limits on how often a table submits (tested on their own below)."""
    return SubmissionStore(
        tmp_path / "log.sqlite",
        criteria=["burden", "gap"],
        candidates=["a", "b", "c", "d"],
        min_interval=0,
        max_per_round=None,
        clock=clock,
    )


def _submit(store, table, weights=WEIGHTS, shortlist=("a",), workshop="W", **options):
    return store.submit(workshop, table, "Clinicians", weights, list(shortlist), **options)


def test_submissions_are_kept_and_latest_replaces(store, clock):
    first = store.submit("W", "Table 2", "Clinicians", WEIGHTS, ["a", "b"], dots={"a": 2})
    clock.tick(1)
    second = store.submit("W", "Table 10", "Residents", {"burden": 0, "gap": 1}, ["c"])
    clock.tick(1)
    third = store.submit("W", " table  2 ", "Mixed table", {"burden": 1, "gap": 1}, ["b", "a"])
    store.submit("Other workshop", "Table 2", "Clinicians", WEIGHTS, ["d"])
    assert first < second < third

    log = store.submissions("W")
    assert log["submission_id"].tolist() == [first, second, third]
    assert log["superseded"].tolist() == [True, False, False]
    assert log["table"].tolist() == ["Table 2", "Table 10", "table 2"]
    assert log["round"].tolist() == [1, 1, 1]
    assert log["weight_burden"].tolist() == [5.0, 0.0, 1.0]
    assert log["shortlist"].tolist() == ["a; b", "c", "b; a"]
    assert log["dots"].tolist() == [2, 0, 0]
    assert (log["toolkit_version"] == __version__).all()
    assert str(log["submitted_at"].dt.tz) == "UTC"
    assert log["submitted_at"].iloc[0] == pd.Timestamp(START, unit="s", tz="UTC")
    assert log["submitted_at"].is_monotonic_increasing

    latest = store.latest("W")
    # Natural order of table names; the re-submission replaced Table 2's earlier one.
    assert latest["submission_id"].tolist() == [third, second]
    assert latest["round"].tolist() == [1, 1]
    assert not latest["superseded"].any()
    votes = store.dot_votes("W", latest=False)
    assert votes[["table", "candidate", "dots"]].values.tolist() == [["Table 2", "a", 2]]
    assert store.dot_votes("W").empty


def test_store_file_is_wal_and_append_only(store):
    _submit(store, "Table 1")
    store.open_round("W")
    with sqlite3.connect(store.path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        for statement in (
            "UPDATE submissions SET role = 'x'",
            "DELETE FROM submissions",
            "UPDATE events SET detail = 'x'",
            "DELETE FROM events",
        ):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                connection.execute(statement)
    assert len(store.submissions("W")) == 1
    assert len(store.events("W")) == 2  # round 1 closed, round 2 opened


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
    store = SubmissionStore(tmp_path / "open.sqlite", min_interval=0)
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
    with pytest.raises(ValueError, match="'min_interval'"):
        SubmissionStore(tmp_path / "x.sqlite", min_interval=-1)
    with pytest.raises(ValueError, match="'max_per_round'"):
        SubmissionStore(tmp_path / "x.sqlite", max_per_round=0)
    with pytest.raises(TypeError, match="'clock'"):
        SubmissionStore(tmp_path / "x.sqlite", clock=5)


# -- rounds ------------------------------------------------------------------------------


def test_rounds_keep_submissions_apart_and_a_closed_round_refuses(store, clock):
    # No round opened: an implicit, open round 1, so a workshop without rounds works.
    assert store.current_round("W") == RoundState(1, True)
    assert store.open_round("W") == 1  # nothing submitted yet: round 1 stays round 1
    assert store.open_round("W") == 1
    first = _submit(store, "Table 1", {"burden": 9, "gap": 1})
    _submit(store, "Table 2", {"burden": 1, "gap": 9})
    assert store.close_round("W") == 1
    assert store.close_round("W") == 1  # closing a closed round changes nothing
    assert store.current_round("W") == RoundState(1, False)

    with pytest.raises(SubmissionRefused, match="closed round 1") as refused:
        _submit(store, "Table 1")
    assert refused.value.reason == "round_closed"
    assert "facilitator" in refused.value.message
    assert len(store.submissions("W")) == 2  # nothing stored
    assert "closed round 1" in store.problems()[-1]

    assert store.open_round("W") == 2
    assert store.current_round("W") == RoundState(2, True)
    assert store.latest("W").empty  # the new round: nobody has submitted in it
    clock.tick(10)
    second = _submit(store, "Table 1", {"burden": 2, "gap": 2})
    latest = store.latest("W")
    assert latest["submission_id"].tolist() == [second]
    assert latest["round"].tolist() == [2]
    before = store.latest("W", round=1)
    assert before["submission_id"].tolist() == [first, first + 1]
    assert not store.submissions("W")["superseded"].any()  # rounds do not replace each other
    assert store.submissions("W", round=2)["submission_id"].tolist() == [second]
    assert store.submitted_rounds("W") == [1, 2]

    # Opening again while round 2 has submissions closes it and opens round 3.
    assert store.open_round("W") == 3
    events = store.events("W")
    assert events["kind"].tolist() == [
        "round_opened",
        "round_closed",
        "round_opened",
        "round_closed",
        "round_opened",
    ]
    assert events["detail"].iloc[1] == "Round 1 was closed; 2 tables had submitted."
    assert str(events["at"].dt.tz) == "UTC"
    assert store.current_round("Another workshop") == RoundState(1, True)
    with pytest.raises(ValueError, match="'round'"):
        store.latest("W", round=0)


def test_round_one_with_submissions_is_closed_when_round_two_opens(store):
    _submit(store, "Table 1")
    assert store.open_round("W") == 2  # the implicit round 1 had a submission
    assert store.events("W")["kind"].tolist() == ["round_closed", "round_opened"]
    assert store.latest("W").empty
    assert len(store.latest("W", round=1)) == 1


# -- the table list ----------------------------------------------------------------------


def test_a_table_not_on_the_list_is_refused(store):
    store.set_tables("W", {"Table 1": "Residents", "Table 7": "Clinicians"})
    with pytest.raises(SubmissionRefused, match="'Tabel 7' is not one of") as refused:
        _submit(store, "Tabel 7")
    assert refused.value.reason == "unknown_table"
    assert store.submissions("W").empty
    assert "'Tabel 7' is not one of this workshop's tables" in store.problems()[-1]
    # Case and spacing do not matter; the list's spelling is stored.
    _submit(store, "  table 7 ")
    assert store.latest("W")["table"].tolist() == ["Table 7"]
    # Another workshop in the same file has no list: any table may submit there.
    _submit(store, "Tabel 7", workshop="Other")


def test_removing_and_merging_tables_change_latest_and_are_logged(store, clock):
    # Before the list is set, a typo creates a ghost table.
    target = _submit(store, "Table 7", {"burden": 1, "gap": 1})
    clock.tick(5)
    ghost = _submit(store, "Tabel 7", {"burden": 9, "gap": 9})
    table_one = _submit(store, "Table 1")
    assert store.latest("W")["table"].tolist() == ["Tabel 7", "Table 1", "Table 7"]

    store.set_tables("W", {"Table 1": "Residents", "Table 7": "Clinicians", "Table 9": "Council"})
    store.merge_tables("W", "tabel 7", "Table 7")
    latest = store.latest("W")
    # The ghost's submission was later than Table 7's own: it now counts for Table 7.
    assert latest["table"].tolist() == ["Table 1", "Table 7"]
    assert latest["submission_id"].tolist() == [table_one, ghost]
    assert target not in latest["submission_id"].tolist()
    with pytest.raises(SubmissionRefused, match="merged 'Tabel 7' into 'Table 7'") as refused:
        _submit(store, "Tabel 7")
    assert refused.value.reason == "merged_table"
    clock.tick(5)
    again = _submit(store, "Table 7", {"burden": 3, "gap": 3})
    assert store.latest("W")["submission_id"].tolist() == [table_one, again]

    store.remove_table("W", "Table 1")
    assert store.latest("W")["table"].tolist() == ["Table 7"]
    with pytest.raises(SubmissionRefused, match="taken 'Table 1' off the list") as refused:
        _submit(store, "Table 1")
    assert refused.value.reason == "removed_table"
    # Nothing is deleted: every submission is still in the log.
    assert len(store.submissions("W")) == 4

    tables = store.tables("W")
    assert tables.values.tolist() == [
        ["Tabel 7", "Mixed table", "merged into Table 7"],
        ["Table 1", "Residents", "removed"],
        ["Table 7", "Clinicians", "active"],
        ["Table 9", "Council", "active"],
    ]
    events = store.events("W")
    assert events["kind"].tolist() == ["tables_set", "tables_merged", "table_removed"]
    assert "Tabel 7 was merged into Table 7" in events["detail"].iloc[1]
    assert "Table 1 was removed" in events["detail"].iloc[2]
    assert "1 submission stays in the log" in events["detail"].iloc[2]

    # A removed table can come back; it then counts again.
    store.add_table("W", "Table 1", "Residents")
    assert store.latest("W")["table"].tolist() == ["Table 1", "Table 7"]
    assert store.events("W")["detail"].iloc[-1] == "Table 1 (Residents) was added back."


def test_table_list_changes_that_make_no_sense_are_refused(store):
    assert store.tables("W").empty
    assert store.set_tables("W", {"Table 1": "Mixed table", "Table 2": "Residents"})
    assert not store.set_tables("W", {"Table 9": "Mixed table"}, replace=False)
    assert store.tables("W")["table"].tolist() == ["Table 1", "Table 2"]
    with pytest.raises(ValueError, match="already on the list"):
        store.add_table("W", "table 1", "Residents")
    with pytest.raises(ValueError, match="nothing to remove"):
        store.remove_table("W", "Table 5")
    with pytest.raises(ValueError, match="into itself"):
        store.merge_tables("W", "Table 1", " table 1")
    with pytest.raises(ValueError, match="'Table 5' is not on the list"):
        store.merge_tables("W", "Table 1", "Table 5")
    with pytest.raises(ValueError, match="each table once"):
        store.set_tables("W", {"Table 1": "A", "table  1": "B"})
    with pytest.raises(ValueError, match="non-empty mapping"):
        store.set_tables("W", {})
    store.remove_table("W", "Table 2")
    with pytest.raises(ValueError, match="already been removed"):
        store.remove_table("W", "Table 2")
    with pytest.raises(ValueError, match="last table on the list"):
        store.remove_table("W", "Table 1")
    # Replacing the list takes tables that are not on the new one off it.
    store.set_tables("W", {"Table 3": "Council", "Table 2": "Residents"})
    assert store.tables("W").values.tolist() == [
        ["Table 1", "Mixed table", "removed"],
        ["Table 2", "Residents", "active"],
        ["Table 3", "Council", "active"],
    ]


# -- limits ------------------------------------------------------------------------------


def test_a_table_must_wait_between_submissions(tmp_path, clock):
    store = SubmissionStore(tmp_path / "s.sqlite", min_interval=5, max_per_round=None, clock=clock)
    _submit(store, "Table 1")
    clock.tick(2)
    with pytest.raises(SubmissionRefused, match="wait 3 seconds") as refused:
        _submit(store, "Table 1")
    assert refused.value.reason == "too_soon"
    _submit(store, "Table 2")  # another table is not held up
    clock.tick(3.5)
    _submit(store, "Table 1")
    assert store.submissions("W")["table"].tolist() == ["Table 1", "Table 2", "Table 1"]
    assert "submitted a moment ago" in store.problems()[-1]


def test_a_table_may_submit_at_most_max_per_round(tmp_path, clock):
    store = SubmissionStore(tmp_path / "s.sqlite", min_interval=0, max_per_round=3, clock=clock)
    for _ in range(3):
        _submit(store, "Table 1")
    with pytest.raises(SubmissionRefused, match="already submitted 3 times in round 1") as refused:
        _submit(store, "Table 1")
    assert refused.value.reason == "too_many"
    assert len(store.submissions("W")) == 3
    store.open_round("W")
    _submit(store, "Table 1")  # a new round, a new allowance
    assert store.submissions("W")["round"].tolist() == [1, 1, 1, 2]


def test_default_limits_are_two_seconds_and_thirty_a_round(tmp_path):
    store = SubmissionStore(tmp_path / "s.sqlite")
    assert (store.min_interval, store.max_per_round) == (2.0, 30)
    _submit(store, "Table 1")
    with pytest.raises(SubmissionRefused, match="wait 2 seconds"):
        _submit(store, "Table 1")


# -- drafts ------------------------------------------------------------------------------


def test_drafts_round_trip_and_fall_back_to_the_latest_submission(store, clock):
    assert store.draft("W", "Table 1") is None
    store.save_draft("W", "Table 1", {"burden": 0, "gap": 0})  # all zero is a slider state
    assert store.draft("W", " table 1") == {"burden": 0.0, "gap": 0.0}
    clock.tick(1)
    store.save_draft("W", "Table 1", {"burden": 4, "gap": 7})
    assert store.draft("W", "Table 1") == {"burden": 4.0, "gap": 7.0}
    assert store.submissions("W").empty  # a draft is not a submission

    clock.tick(1)
    _submit(store, "Table 1", {"burden": 6, "gap": 1})  # another tab submitted later
    assert store.draft("W", "Table 1") == {"burden": 6.0, "gap": 1.0}
    clock.tick(1)
    store.save_draft("W", "Table 1", {"burden": 8, "gap": 1})
    assert store.draft("W", "Table 1") == {"burden": 8.0, "gap": 1.0}

    # No draft: the table's latest submission, from an earlier round too.
    _submit(store, "Table 2", {"burden": 2, "gap": 3})
    store.open_round("W")
    assert store.draft("W", "Table 2") == {"burden": 2.0, "gap": 3.0}

    with pytest.raises(ValueError, match="non-negative"):
        store.save_draft("W", "Table 1", {"burden": -1, "gap": 0})
    store.set_tables("W", {"Table 1": "Residents", "Table 2": "Council"})
    with pytest.raises(SubmissionRefused, match="'Table 3' is not one of"):
        store.save_draft("W", "Table 3", {"burden": 1, "gap": 1})


# -- faults ------------------------------------------------------------------------------


def test_a_damaged_store_file_gives_a_plain_error_and_a_problem_line(tmp_path):
    path = tmp_path / "submissions.sqlite"
    path.write_bytes(b"this is not a database, it is garbage \x00\xff" * 100)
    with pytest.raises(StoreError) as error:
        SubmissionStore(path)
    assert error.value.message == (
        "The workshop could not start: the workshop's record is damaged. Please tell the "
        "facilitator."
    )
    assert str(error.value) == error.value.message
    assert "not a database" in error.value.detail
    assert not isinstance(error.value, ValueError)
    log = tmp_path / "submissions.problems.log"
    (line,) = log.read_text(encoding="utf-8").splitlines()
    assert "record is damaged" in line and "[DatabaseError: file is not a database" in line


def test_a_store_damaged_while_in_use_refuses_to_save_in_plain_words(store):
    _submit(store, "Table 1")
    for suffix in ("-wal", "-shm"):
        store.path.with_name(store.path.name + suffix).unlink(missing_ok=True)
    store.path.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(StoreError, match="Your submission could not be saved") as error:
        _submit(store, "Table 2")
    assert "record is damaged" in error.value.message
    assert "Your sliders are unchanged" in error.value.message
    with pytest.raises(StoreError, match="could not be read"):
        store.latest("W")
    problems = store.problems()
    assert len(problems) == 2 and "W / Table 2: Your submission could not be saved" in problems[0]


def test_a_full_disk_gives_a_plain_error_and_a_problem_line(store, monkeypatch):
    _submit(store, "Table 1")

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite3, "connect", full)
    with pytest.raises(StoreError) as error:
        _submit(store, "Table 2")
    assert error.value.message == (
        "Your submission could not be saved: the workshop's record cannot be written because "
        "the computer's disk is full. Your sliders are unchanged; please tell the facilitator."
    )
    assert error.value.detail.startswith("OperationalError: database or disk is full")
    with pytest.raises(StoreError, match="slider positions could not be kept"):
        store.save_draft("W", "Table 2", WEIGHTS)
    with pytest.raises(StoreError, match="change could not be saved"):
        store.open_round("W")
    with pytest.raises(StoreError, match="change could not be saved"):  # was a KeyError
        store.table_code("W", "Table 3")
    with pytest.raises(StoreError, match="disk is full"):
        SubmissionStore(store.path)
    assert len(store.problems()) == 5
    assert all("database or disk is full" in line for line in store.problems())
    monkeypatch.undo()
    assert len(store.submissions("W")) == 1  # nothing half-written


def test_a_store_locked_beyond_the_retries_gives_a_plain_error(store, monkeypatch):
    calls = []

    def locked(*args, **kwargs):
        calls.append(1)
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(sqlite3, "connect", locked)
    monkeypatch.setattr("toolkit.workshop.store.time.sleep", lambda seconds: None)
    with pytest.raises(StoreError, match="busy with other tables' submissions"):
        _submit(store, "Table 1")
    assert len(calls) == store.retries + 1  # retried before giving up


def test_problems_keep_the_newest_lines(store, clock):
    store.set_tables("W", {"Table 1": "Mixed table"})
    for number in range(5):
        clock.tick(1)
        with pytest.raises(SubmissionRefused):
            _submit(store, f"Ghost {number}")
    assert store.problems(limit=2)[-1].startswith("2026-02-02 02:40:05 UTC W / Ghost 4: Refused:")
    assert [line.split("'")[1] for line in store.problems(limit=2)] == ["Ghost 3", "Ghost 4"]
    assert len(store.problems()) == 5
    with pytest.raises(ValueError, match="'limit'"):
        store.problems(limit=0)


# -- older files -------------------------------------------------------------------------

OLD_SCHEMA = """
CREATE TABLE submissions (
    submission_id INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop TEXT NOT NULL,
    table_name TEXT NOT NULL,
    table_key TEXT NOT NULL,
    role TEXT NOT NULL,
    weights TEXT NOT NULL,
    shortlist TEXT NOT NULL,
    dots TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    toolkit_version TEXT NOT NULL
);
CREATE INDEX submissions_by_table ON submissions (workshop, table_key);
CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions
BEGIN SELECT RAISE(ABORT, 'the submissions log is append-only'); END;
CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
BEGIN SELECT RAISE(ABORT, 'the submissions log is append-only'); END;
"""


def test_a_store_of_the_first_layout_is_upgraded_and_reads_as_round_one(tmp_path):
    path = tmp_path / "old.sqlite"
    with closing_connection(path) as connection:
        connection.executescript(OLD_SCHEMA)
        connection.execute("PRAGMA journal_mode = WAL")
        rows = [
            ("W", "Table 2", "table 2", "Clinicians", {"burden": 5, "gap": 2}, ["a"]),
            ("W", "Table 10", "table 10", "Residents", {"burden": 1, "gap": 1}, ["b"]),
            ("W", "table 2", "table 2", "Clinicians", {"burden": 0, "gap": 3}, ["c"]),
        ]
        for number, (workshop, name, key, role, weights, shortlist) in enumerate(rows):
            connection.execute(
                "INSERT INTO submissions (workshop, table_name, table_key, role, weights, "
                "shortlist, dots, submitted_at, toolkit_version) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    workshop,
                    name,
                    key,
                    role,
                    json.dumps(weights),
                    json.dumps(shortlist),
                    "{}",
                    f"2026-01-0{number + 1}T10:00:00.000000+00:00",
                    "0.9.0",
                ),
            )
        connection.commit()

    store = SubmissionStore(path, criteria=["burden", "gap"])
    log = store.submissions("W")
    assert log["round"].tolist() == [1, 1, 1]
    assert log["superseded"].tolist() == [True, False, False]
    latest = store.latest("W")
    assert latest["table"].tolist() == ["table 2", "Table 10"]
    assert latest["submission_id"].tolist() == [3, 2]
    assert store.submitted_rounds("W") == [1]
    assert store.draft("W", "Table 2") == {"burden": 0.0, "gap": 3.0}
    # Old rows do not hold a table up: the limits start with the first new submission.
    new = store.submit("W", "Table 2", "Clinicians", {"burden": 1, "gap": 1}, ["d"])
    assert store.latest("W")["submission_id"].tolist() == [new, 2]
    with closing_connection(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute("DELETE FROM submissions")
    # Opening it again changes nothing.
    assert SubmissionStore(path).submissions("W")["submission_id"].tolist() == [1, 2, 3, 4]


def closing_connection(path):
    from contextlib import closing

    return closing(sqlite3.connect(path))


# -- cost of a submission ----------------------------------------------------------------


def _fill(store, table: str, rows: int) -> None:
    """Put ``rows`` earlier submissions of one table in the log, quickly (one transaction)."""
    from toolkit.workshop.store import _REBUILD_CURRENT

    record = ("W", table, table.casefold(), "Clinicians", json.dumps(WEIGHTS), '["a"]', "{}")
    with closing_connection(store.path) as connection:
        connection.executemany(
            "INSERT INTO submissions (workshop, table_name, table_key, role, weights, "
            "shortlist, dots, submitted_at, toolkit_version, round) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, '2026-01-01T10:00:00.000000+00:00', 'x', 1)",
            [record] * rows,
        )
        connection.execute(_REBUILD_CURRENT)
        connection.commit()


def _steps(store, monkeypatch, action) -> int:
    """Count the SQLite virtual-machine steps ``action`` takes (rows read cost steps)."""
    counted = [0]
    connect = store._connect

    def counting():
        connection = connect()

        def step():
            counted[0] += 1
            return 0

        connection.set_progress_handler(step, 1)
        return connection

    monkeypatch.setattr(store, "_connect", counting)
    action()
    monkeypatch.undo()
    return counted[0]


def test_submitting_costs_the_same_however_many_rows_the_store_holds(store, monkeypatch):
    _fill(store, "Table 1", 10)
    few = _steps(store, monkeypatch, lambda: _submit(store, "Table 1"))
    few_latest = _steps(store, monkeypatch, lambda: store.latest("W"))
    _fill(store, "Table 1", 5_000)
    many = _steps(store, monkeypatch, lambda: _submit(store, "Table 1"))
    many_latest = _steps(store, monkeypatch, lambda: store.latest("W"))
    assert len(store.submissions("W")) == 5_012
    # Reading 5,000 rows would take tens of thousands of steps; a submission takes the same
    # few hundred with 10 rows or 5,000, and so does reading each table's latest.
    assert many <= few * 1.05 + 5
    assert many_latest <= few_latest * 1.05 + 5
    assert len(store.latest("W")) == 1
    store_all = _steps(store, monkeypatch, lambda: store.submissions("W"))
    assert store_all > 10 * many  # the counter does see rows being read


def test_no_statement_of_a_submission_scans_a_table(store):
    _fill(store, "Table 1", 100)
    store.set_tables("W", {"Table 1": "Mixed table"})
    with closing_connection(store.path) as connection:
        for statement in SUBMIT_STATEMENTS:
            parameters = [None] * statement.count("?")
            plan = connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            details = [row[-1] for row in plan]
            assert not [d for d in details if d.startswith("SCAN")], (statement, details)
            if statement.startswith("SELECT"):
                assert any(d.startswith("SEARCH") for d in details), (statement, details)


# -- exports -----------------------------------------------------------------------------


def test_export_csv_and_json_as_before_with_rounds(store, tmp_path, clock):
    from toolkit.report import read_decision_log

    store.submit("W", "Table 1", "Clinicians", WEIGHTS, ["a", "b"], dots={"b": 1})
    clock.tick(1)
    store.submit("W", "Table 1", "Clinicians", {"burden": 1, "gap": 9}, ["c"])
    store.submit("W", "Table 2", "Residents", {"burden": 3, "gap": 3}, ["a"])
    csv_path = store.export("W", tmp_path / "log.csv")
    table = pd.read_csv(csv_path)
    assert table["superseded"].tolist() == [True, False, False]
    assert table["weight_gap"].tolist() == [2.0, 9.0, 3.0]
    assert table["round"].tolist() == [1, 1, 1]
    assert table["submitted_at"].str.endswith("Z").all()

    json_path = store.export("W", tmp_path / "log.txt", format="json", settings={"x": 1})
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert document["workshop"] == "W"
    assert document["toolkit_version"] == __version__
    assert document["settings"] == {"x": 1}
    first, second, third = document["submissions"]
    assert first["weights"] == WEIGHTS and first["dots"] == {"b": 1} and first["superseded"]
    assert second["shortlist"] == ["c"] and not second["superseded"]
    assert [entry["round"] for entry in document["submissions"]] == [1, 1, 1]
    assert [entry["counted"] for entry in document["submissions"]] == [False, True, True]

    # The board report still reads both (each table's latest submission).
    for path in (csv_path, tmp_path / "log.json"):
        if path.suffix == ".json":
            path.write_text(json_path.read_text(encoding="utf-8"), encoding="utf-8")
        log = read_decision_log(path)
        assert log.tables["table"].tolist() == ["Table 1", "Table 2"]
        assert log.superseded == 1
        assert log.weights["gap"].tolist() == [9.0, 3.0]

    with pytest.raises(FileExistsError, match="overwrite=True"):
        store.export("W", csv_path)
    store.export("W", csv_path, overwrite=True)
    with pytest.raises(ValueError, match="'format'"):
        store.export("W", tmp_path / "log.xlsx")


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_plain_csv_has_labels_whole_numbers_and_no_formulas(store, clock):
    store.set_tables(
        "W",
        {
            '=HYPERLINK("http://example.com","Click")': "Residents",
            "@SUM(A1:A9)": "+Council",
            "-Table 3": "Clinicians",
            "Table 4": "Clinicians",
        },
    )
    store.submit("W", '=HYPERLINK("http://example.com","Click")', "Residents",
                 {"burden": 7.4, "gap": 2.6}, ["a", "b"], dots={"a": 2, "c": 1})  # fmt: skip
    clock.tick(1.7)
    store.submit("W", "@SUM(A1:A9)", "+Council", {"burden": 1, "gap": 0}, ["c"])
    store.submit("W", "-table 3", "Clinicians", {"burden": 3, "gap": 3}, ["d"])
    store.submit("W", "Table 4", "Clinicians", {"burden": 3, "gap": 3}, ["b"])
    store.open_round("W")
    store.submit("W", "Table 4", "Clinicians", {"burden": 4, "gap": 4}, ["a"])
    store.merge_tables("W", "-Table 3", "Table 4")
    store.remove_table("W", "@SUM(A1:A9)")

    text = store.decision_log_csv(
        "W",
        labels={"a": "Frailty", "b": "=Alcohol", "c": "\rCOPD", "d": "\tDiabetes"},
        criteria_labels={"burden": "How many people it affects", "gap": "-gap between areas"},
    )
    rows = _rows(text)
    assert list(rows[0]) == [
        "Table",
        "Group",
        "Round",
        "Submitted at (UTC)",
        "Replaced by a later submission",
        "Counts in the room's result",
        "Counts as table",
        "Table status",
        "Shortlist",
        "Dots",
        "Weight: How many people it affects",
        "Weight: -gap between areas",
        "Submission",
        "Workshop",
    ]
    first, second, third, fourth, fifth = rows
    assert first["Table"] == '\'=HYPERLINK("http://example.com","Click")'
    assert second["Table"] == "'@SUM(A1:A9)" and second["Group"] == "'+Council"
    assert third["Table"] == "'-Table 3" and third["Group"] == "Clinicians"
    # Names are stored with their spacing collapsed, so a tab or carriage return can start
    # a cell only through a label; it is neutralised there too.
    assert second["Shortlist"] == "'\rCOPD" and third["Shortlist"] == "'\tDiabetes"
    assert first["Shortlist"] == "Frailty; =Alcohol"  # only a cell's start matters
    assert fourth["Shortlist"] == "'=Alcohol"
    assert first["Dots"] == "Frailty: 2; \rCOPD: 1"
    assert first["Weight: How many people it affects"] == "7"
    assert first["Weight: -gap between areas"] == "3"
    assert first["Submitted at (UTC)"] == "2026-02-02 02:40:00"
    assert second["Submitted at (UTC)"] == "2026-02-02 02:40:01"
    assert [row["Round"] for row in rows] == ["1", "1", "1", "1", "2"]
    assert [row["Replaced by a later submission"] for row in rows] == ["No"] * 5
    # Round 1: the removed table does not count, the merged table counts for Table 4 only
    # if Table 4 submitted no later (it did, so Table 4's own counts).
    assert [row["Counts in the room's result"] for row in rows] == ["Yes", "No", "No", "Yes", "Yes"]
    assert [row["Counts as table"] for row in rows][3:] == ["Table 4", "Table 4"]
    assert [row["Table status"] for row in rows] == [
        "active",
        "removed",
        "merged into Table 4",
        "active",
        "active",
    ]
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row

    # Without labels: candidate ids; the flat export neutralises its text cells too.
    ids = _rows(store.decision_log_csv("W", shortlist_labels=False))
    assert ids[0]["Shortlist"] == "a; b" and ids[0]["Weight: burden"] == "7"
    flat = store._flat_csv("W")
    assert "'=HYPERLINK" in flat and "\n=HYPERLINK" not in flat and ",@SUM" not in flat


def test_json_log_has_rounds_tables_and_events(store):
    store.set_tables("W", {"Table 1": "Residents", "Table 2": "Council"})
    _submit(store, "Table 1")
    store.open_round("W")
    _submit(store, "Table 2")
    store.remove_table("W", "Table 1")
    document = json.loads(store.decision_log_json("W", settings={"method": "weighted_sum"}))
    assert [entry["round"] for entry in document["submissions"]] == [1, 2]
    assert [entry["counted_as"] for entry in document["submissions"]] == [None, "Table 2"]
    assert [entry["status"] for entry in document["submissions"]] == ["removed", "active"]
    assert document["tables"] == [
        {"table": "Table 1", "group": "Residents", "status": "removed"},
        {"table": "Table 2", "group": "Council", "status": "active"},
    ]
    assert [event["kind"] for event in document["events"]] == [
        "tables_set",
        "round_closed",
        "round_opened",
        "table_removed",
    ]
    assert document["settings"] == {"method": "weighted_sum"}


# -- many writers ------------------------------------------------------------------------


def _writer(path: str, number: int, barrier) -> None:
    store = SubmissionStore(path, timeout=2.0, retries=50, min_interval=0, max_per_round=None)
    barrier.wait()
    for i in range(25):
        store.submit(
            "W", f"Table {number % 3}", "Mixed", {"x": float(number), "y": float(i) + 1}, ["a"]
        )
        if i == 12 and number == 0:
            store.open_round("W")


@pytest.mark.slow
def test_many_writers_keep_the_latest_index_true(tmp_path):
    """Eight processes on three tables, a round opened half-way: ``current`` matches the log."""
    path = tmp_path / "shared.sqlite"
    SubmissionStore(path)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(8)
    workers = [
        context.Process(target=_writer, args=(str(path), number, barrier)) for number in range(8)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0] * 8
    store = SubmissionStore(path)
    log = store.submissions("W")
    assert len(log) == 8 * 25
    for number in store.submitted_rounds("W"):
        in_round = log[log["round"] == number]
        expected = in_round.groupby("table")["submission_id"].max().sort_index()
        latest = store.latest("W", round=number).set_index("table")["submission_id"].sort_index()
        assert latest.to_dict() == expected.to_dict()
    with closing_connection(path) as connection:
        counts = dict(
            connection.execute(
                "SELECT round || '/' || table_key, count FROM current WHERE workshop = 'W'"
            ).fetchall()
        )
    expected_counts = log.groupby(["round", log["table"].str.casefold()]).size()
    assert counts == {f"{r}/{t}": int(n) for (r, t), n in expected_counts.items()}


def test_each_table_has_its_own_private_link_code(store):
    store.set_tables("W", {"Table 1": "Residents", "Table 2": "Clinicians", "Table 3": "Council"})
    first = store.table_code("W", "Table 1")
    assert store.table_code("W", "table 1") == first  # made once, then kept
    second = store.table_code("W", "Table 2")
    assert len({first, second}) == 2 and len(first) == 16
    assert store.table_for_code("W", first) == "Table 1"
    assert store.table_for_code("W", second) == "Table 2"
    assert store.table_for_code("W", "not-a-code") is None
    assert store.table_for_code("Another workshop", first) is None
    store.remove_table("W", "Table 2")
    assert store.table_for_code("W", second) is None  # a removed table's link stops working
    with pytest.raises(ValueError, match="active table"):
        store.table_code("W", "Table 2")
    with pytest.raises(ValueError, match="active table"):
        store.table_code("W", "Tabel 7")
