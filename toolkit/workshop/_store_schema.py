"""The store file's layout: its tables, the statements a submission runs, upgrades.

The SQLite file holds the append-only log (``submissions`` and the facilitator's
``events``, both guarded by triggers that refuse changes) and a little state that may
change: ``current`` (each table's latest submission and submission count per round),
``rounds``, ``table_list``, ``drafts`` and ``table_codes``; each table's column code and
hidden-name letter, given once (``table_marks``); and the room's result as each round
closed (``room_results``, append-only too). :func:`upgrade` creates the tables or
brings a file of an earlier layout up to this one; the ``SQL_*`` statements are
the ones a submission runs, each looking rows up by key (tested with EXPLAIN QUERY PLAN).
"""

from __future__ import annotations

import sqlite3

#: Version of the file's layout, kept in SQLite's ``user_version``. 0: the first layout
#: (one round, no table list); 2: rounds, the table list, drafts, events and ``current``;
#: 3: ``room_results``, the room's result recorded as each round closed; 4: ``table_marks``,
#: each table's column code and letter, given once in the order tables are first seen.
SCHEMA_VERSION = 4

TABLES = (
    """CREATE TABLE IF NOT EXISTS submissions (
    submission_id INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop TEXT NOT NULL,
    table_name TEXT NOT NULL,
    table_key TEXT NOT NULL,
    role TEXT NOT NULL,
    weights TEXT NOT NULL,
    shortlist TEXT NOT NULL,
    dots TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    toolkit_version TEXT NOT NULL,
    round INTEGER NOT NULL DEFAULT 1
)""",
    "CREATE INDEX IF NOT EXISTS submissions_by_table ON submissions (workshop, table_key)",
    "CREATE TRIGGER IF NOT EXISTS submissions_no_update BEFORE UPDATE ON submissions "
    "BEGIN SELECT RAISE(ABORT, 'the submissions log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS submissions_no_delete BEFORE DELETE ON submissions "
    "BEGIN SELECT RAISE(ABORT, 'the submissions log is append-only'); END",
)

STATE = (
    # Each table's latest submission and submission count per round (not part of the log).
    """CREATE TABLE IF NOT EXISTS current (
    workshop TEXT NOT NULL,
    round INTEGER NOT NULL,
    table_key TEXT NOT NULL,
    submission_id INTEGER NOT NULL,
    count INTEGER NOT NULL,
    last_at REAL NOT NULL,
    PRIMARY KEY (workshop, round, table_key)
) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS current_by_table ON current (workshop, table_key, round)",
    """CREATE TABLE IF NOT EXISTS rounds (
    workshop TEXT NOT NULL,
    number INTEGER NOT NULL,
    open INTEGER NOT NULL,
    opened_at TEXT,
    closed_at TEXT,
    PRIMARY KEY (workshop, number)
) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS table_list (
    workshop TEXT NOT NULL,
    table_key TEXT NOT NULL,
    name TEXT NOT NULL,
    grp TEXT NOT NULL,
    status TEXT NOT NULL,
    merged_into TEXT,
    PRIMARY KEY (workshop, table_key)
) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS table_list_by_status ON table_list (workshop, status)",
    """CREATE TABLE IF NOT EXISTS drafts (
    workshop TEXT NOT NULL,
    table_key TEXT NOT NULL,
    table_name TEXT NOT NULL,
    weights TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (workshop, table_key)
) WITHOUT ROWID""",
    # The facilitator's changes (rounds, tables): part of the log, so append-only too.
    """CREATE TABLE IF NOT EXISTS events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    workshop TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
)""",
    "CREATE INDEX IF NOT EXISTS events_by_workshop ON events (workshop, event_id)",
    "CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'the events log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events "
    "BEGIN SELECT RAISE(ABORT, 'the events log is append-only'); END",
)

#: The room's result as each round closed (the shortlist, the agreement, the settings, as
#: JSON): part of the log, so append-only, one row per round.
ROOM_RESULTS = (
    """CREATE TABLE IF NOT EXISTS room_results (
    workshop TEXT NOT NULL,
    round INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (workshop, round)
)""",
    "CREATE TRIGGER IF NOT EXISTS room_results_no_update BEFORE UPDATE ON room_results "
    "BEGIN SELECT RAISE(ABORT, 'the room results log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS room_results_no_delete BEFORE DELETE ON room_results "
    "BEGIN SELECT RAISE(ABORT, 'the room results log is append-only'); END",
)

#: Each table's column code ("T7") and letter for hidden names ("Q"), given once when the
#: table is first seen (on the list or in a submission) and never changed.
TABLE_MARKS = (
    """CREATE TABLE IF NOT EXISTS table_marks (
    workshop TEXT NOT NULL,
    table_key TEXT NOT NULL,
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    letter TEXT NOT NULL,
    seen INTEGER NOT NULL,
    PRIMARY KEY (workshop, table_key)
) WITHOUT ROWID""",
)

#: Each table's private link code (made on first use; not part of the log).
TABLE_CODES = (
    "CREATE TABLE IF NOT EXISTS table_codes (workshop TEXT NOT NULL, table_key TEXT NOT NULL, "
    "code TEXT NOT NULL UNIQUE, PRIMARY KEY (workshop, table_key)) WITHOUT ROWID"
)

#: Rebuilds ``current`` from the log (once, when an older file is upgraded).
REBUILD_CURRENT = (
    "INSERT OR REPLACE INTO current (workshop, round, table_key, submission_id, count, "
    "last_at) SELECT workshop, round, table_key, MAX(submission_id), COUNT(*), 0 "
    "FROM submissions GROUP BY workshop, round, table_key"
)

COLUMNS = (
    "submission_id, workshop, table_name, table_key, role, weights, shortlist, dots, "
    "submitted_at, toolkit_version, round"
)
SELECT = f"SELECT {COLUMNS} FROM submissions"
SELECT_CURRENT = (
    "SELECT "
    + ", ".join(f"s.{name.strip()}" for name in COLUMNS.split(","))
    + " FROM current AS c JOIN submissions AS s ON s.submission_id = c.submission_id"
)

# The statements of a submission: each looks rows up by key, none reads the log
# (tested with EXPLAIN QUERY PLAN), so a submission costs the same however long the log.
SQL_ROUND = "SELECT number, open FROM rounds WHERE workshop = ? ORDER BY number DESC LIMIT 1"
SQL_LISTED = "SELECT 1 FROM table_list WHERE workshop = ? AND status = 'active' LIMIT 1"
SQL_TABLE = (
    "SELECT name, grp, status, merged_into FROM table_list WHERE workshop = ? AND table_key = ?"
)
SQL_CURRENT = (
    "SELECT submission_id, count, last_at FROM current "
    "WHERE workshop = ? AND round = ? AND table_key = ?"
)
SQL_INSERT = (
    "INSERT INTO submissions (workshop, table_name, table_key, role, weights, shortlist, "
    "dots, submitted_at, toolkit_version, round) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
SQL_MARKED = "SELECT 1 FROM table_marks WHERE workshop = ? AND table_key = ?"
SQL_UPSERT_CURRENT = (
    "INSERT INTO current (workshop, round, table_key, submission_id, count, last_at) "
    "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (workshop, round, table_key) DO UPDATE SET "
    "submission_id = excluded.submission_id, count = count + 1, last_at = excluded.last_at"
)
SUBMIT_STATEMENTS = (
    SQL_ROUND,
    SQL_LISTED,
    SQL_TABLE,
    SQL_CURRENT,
    SQL_INSERT,
    SQL_UPSERT_CURRENT,
    SQL_MARKED,
)


def upgrade(connection: sqlite3.Connection) -> None:
    """Create the tables, or bring a file of an earlier layout up to this one.

    Each step only adds (tables, a column), so a file of any earlier layout keeps every
    row; ``current`` is rebuilt from the log only for a file of the first layout, and
    ``table_marks`` is filled, for a file of a layout before the fourth, with every table
    known then, in the natural order of their names.
    """
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    existed = bool(
        connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'submissions'"
        ).fetchone()
    )
    for statement in TABLES:
        connection.execute(statement)
    columns = {row[1] for row in connection.execute("PRAGMA table_info(submissions)")}
    if "round" not in columns:
        # Adding a column changes no row, so the append-only triggers allow it.
        connection.execute("ALTER TABLE submissions ADD COLUMN round INTEGER NOT NULL DEFAULT 1")
    for statement in (*STATE, *ROOM_RESULTS, *TABLE_MARKS):
        connection.execute(statement)
    if existed and version < 2:
        connection.execute(REBUILD_CURRENT)
    if existed and version < 4:
        from toolkit.workshop._store_listing import mark_known_tables

        mark_known_tables(connection)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def rollback(connection: sqlite3.Connection) -> None:
    """Roll back the connection's open transaction, if any; never raises."""
    try:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
    except sqlite3.Error:  # the connection is closed next; SQLite rolls back then
        pass


def round_row(connection: sqlite3.Connection, workshop: str) -> tuple[int, bool, bool]:
    """Return the workshop's current round: (number, open, whether the rounds table has it).

    Before the facilitator opens a round, it is round 1, open, and not yet in the table.
    """
    row = connection.execute(SQL_ROUND, (workshop,)).fetchone()
    return (1, True, False) if row is None else (int(row[0]), bool(row[1]), True)


def round_of(connection: sqlite3.Connection, workshop: str) -> tuple[int, bool]:
    """Return the workshop's current round number and whether it is open."""
    number, is_open, _ = round_row(connection, workshop)
    return number, is_open


def count(connection: sqlite3.Connection, query: str, parameters: tuple) -> int:
    """Return the whole number a one-value query (``COUNT``, ``SUM``) gives."""
    return int(connection.execute(query, parameters).fetchone()[0])


__all__ = [
    "COLUMNS",
    "REBUILD_CURRENT",
    "ROOM_RESULTS",
    "SCHEMA_VERSION",
    "SELECT",
    "SELECT_CURRENT",
    "SQL_CURRENT",
    "SQL_INSERT",
    "SQL_LISTED",
    "SQL_MARKED",
    "SQL_ROUND",
    "SQL_TABLE",
    "SQL_UPSERT_CURRENT",
    "STATE",
    "SUBMIT_STATEMENTS",
    "TABLES",
    "TABLE_CODES",
    "TABLE_MARKS",
    "count",
    "rollback",
    "round_of",
    "round_row",
    "upgrade",
]
