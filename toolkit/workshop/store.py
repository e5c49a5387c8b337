"""The workshop's submission store: an append-only SQLite log shared by every kernel.

Voila starts one kernel per browser tab, so every participant's tab is a separate process
writing to the same file. SQLite in WAL mode lets readers carry on while one writer
commits; each write takes the write lock up front (``BEGIN IMMEDIATE``), waits for it
(``busy_timeout``) and, if the lock is still held, retries with a growing, jittered pause,
so that no submission is lost. Rows of the log are never changed or deleted (triggers
refuse it): resubmitting adds a row that supersedes the table's earlier one in the same
round, and both stay in the log.

Besides the log (``submissions`` and the facilitator's ``events``) the file holds a little
state that is not part of the log and may change: the rounds (open or closed), the
facilitator's list of tables (with each table's stakeholder group, and whether it was
removed or merged into another), each table's slider draft (so that a reload restores the
sliders) and ``current``, an index of each table's latest submission and submission count
per round. ``current`` is updated in the same transaction as the submission it points to,
so that submitting and reading the latest submissions cost the same however many rows the
log holds.

Every SQLite or operating-system failure (a damaged file, a full disk, a folder that cannot
be written) is raised as :class:`StoreError`, whose ``message`` a participant can act on;
a submission the rules refuse (a closed round, a table not on the list, too soon after the
last, too many) is raised as :class:`SubmissionRefused`. Both are also written to a plain
text problems log beside the store, which the facilitator's view shows.

numpy and pandas are imported only to read, so that a writer starts quickly.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import os
import random
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

ExportFormat = Literal["csv", "json"]

#: Prefix of the weight columns in :meth:`SubmissionStore.submissions`.
WEIGHT_PREFIX = "weight_"  # the same as toolkit.prioritise.consensus.WEIGHT_PREFIX (tested)

#: Longest table name or role kept (longer text is refused, not cut).
MAX_NAME_LENGTH = 80

#: Version of the file's layout, kept in SQLite's ``user_version``. 0: the first layout
#: (one round, no table list); 2: rounds, the table list, drafts, events and ``current``.
SCHEMA_VERSION = 2

#: Columns of :meth:`SubmissionStore.submissions` before the weight columns.
SUBMISSION_COLUMNS = (
    "submission_id",
    "workshop",
    "table",
    "round",
    "role",
    "submitted_at",
    "toolkit_version",
    "superseded",
    "shortlist",
    "dots",
)

#: Characters that make a spreadsheet read a cell as a formula (formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Bytes read from the end of the problems log (its newest lines).
_PROBLEMS_TAIL = 1_000_000

#: Table statuses in :meth:`SubmissionStore.tables`.
ACTIVE, REMOVED, MERGED = "active", "removed", "merged"

_TABLES = (
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

_STATE = (
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

#: Each table's private link code (made on first use; not part of the log).
_TABLE_CODES = (
    "CREATE TABLE IF NOT EXISTS table_codes (workshop TEXT NOT NULL, table_key TEXT NOT NULL, "
    "code TEXT NOT NULL UNIQUE, PRIMARY KEY (workshop, table_key)) WITHOUT ROWID"
)

#: Rebuilds ``current`` from the log (once, when an older file is upgraded).
_REBUILD_CURRENT = (
    "INSERT OR REPLACE INTO current (workshop, round, table_key, submission_id, count, "
    "last_at) SELECT workshop, round, table_key, MAX(submission_id), COUNT(*), 0 "
    "FROM submissions GROUP BY workshop, round, table_key"
)

_COLUMNS = (
    "submission_id, workshop, table_name, table_key, role, weights, shortlist, dots, "
    "submitted_at, toolkit_version, round"
)
_SELECT = f"SELECT {_COLUMNS} FROM submissions"
_SELECT_CURRENT = (
    "SELECT "
    + ", ".join(f"s.{name.strip()}" for name in _COLUMNS.split(","))
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
SQL_UPSERT_CURRENT = (
    "INSERT INTO current (workshop, round, table_key, submission_id, count, last_at) "
    "VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (workshop, round, table_key) DO UPDATE SET "
    "submission_id = excluded.submission_id, count = count + 1, last_at = excluded.last_at"
)
SUBMIT_STATEMENTS = (SQL_ROUND, SQL_LISTED, SQL_TABLE, SQL_CURRENT, SQL_INSERT, SQL_UPSERT_CURRENT)

# What went wrong, in words, by what the store was doing (see StoreError).
_DOING = {
    "open": "The workshop could not start: {cause}. Please tell the facilitator.",
    "submit": (
        "Your submission could not be saved: {cause}. Your sliders are unchanged; please "
        "tell the facilitator."
    ),
    "draft": (
        "Your slider positions could not be kept for a reload: {cause}. You can carry on "
        "and submit; please tell the facilitator."
    ),
    "read": (
        "The submissions could not be read: {cause}. Please try again in a moment; if it "
        "happens again, tell the facilitator."
    ),
    "change": (
        "The change could not be saved: {cause}. Nothing was changed; please try again in a moment."
    ),
}


class StoreError(RuntimeError):
    """The store could not be read or written (a damaged file, a full disk, no permission).

    Parameters
    ----------
    message : str
        What happened, in plain words a participant can act on; shown on the screen.
    detail : str
        The technical error, for the facilitator and the problems log.

    Attributes
    ----------
    message, detail : str
        As given.
    """

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class SubmissionRefused(ValueError):
    """A submission the workshop's rules do not accept; nothing was stored.

    Parameters
    ----------
    message : str
        Why, in plain words a participant can act on; shown on the screen.
    reason : str
        Which rule: ``"round_closed"``, ``"unknown_table"``, ``"removed_table"``,
        ``"merged_table"``, ``"too_soon"`` or ``"too_many"``.

    Attributes
    ----------
    message, reason : str
        As given.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class RoundState:
    """A workshop's current round.

    Attributes
    ----------
    number : int
        The round's number, from 1.
    open : bool
        Whether tables may submit in it.
    """

    number: int
    open: bool


def _toolkit_version() -> str:
    from toolkit import __version__

    return __version__


def _is_busy(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _cause(error: BaseException) -> str:
    """Describe a SQLite or operating-system failure in plain words."""
    text = str(error).lower()
    if "full" in text or getattr(error, "errno", None) == 28:
        return "the workshop's record cannot be written because the computer's disk is full"
    if "locked" in text or "busy" in text:
        return "the workshop's record is busy with other tables' submissions"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "the workshop's record is damaged"
    if (
        "readonly" in text
        or "read-only" in text
        or "permission" in text
        or "unable to open" in text
        or isinstance(error, PermissionError)
    ):
        return "the workshop's record cannot be written"
    return "the workshop's record cannot be reached"


def _clean_name(value: object, parameter: str, caller: str) -> str:
    """Return a name with its whitespace collapsed, after checking it is usable text."""
    if not isinstance(value, str):
        raise TypeError(
            f"The '{parameter}' parameter of {caller} must be a str. "
            f"Got {type(value).__name__} instead."
        )
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must not be blank. Got {value!r} instead."
        )
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must be at most {MAX_NAME_LENGTH} "
            f"characters. Got {len(cleaned)} characters instead."
        )
    return cleaned


def _natural_key(text: str) -> tuple:
    """Sort key that puts 'Table 2' before 'Table 10'."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", text)
    )


def _utc(seconds: float, timespec: str = "microseconds") -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec=timespec)


def safe_cell(value: object) -> object:
    """Return a text cell that a spreadsheet will not run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
    with an apostrophe, which spreadsheets show as text (the OWASP advice on CSV
    injection); anything else, and any number, is returned unchanged.

    Parameters
    ----------
    value : object
        A cell.

    Returns
    -------
    object
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class _Listed:
    name: str
    group: str
    status: str
    merged_into: str | None


def _final_key(key: str, listing: Mapping[str, _Listed]) -> str:
    """Follow merges from a table to the table it now counts as."""
    seen = {key}
    while key in listing and listing[key].status == MERGED and listing[key].merged_into:
        key = listing[key].merged_into
        if key in seen:  # pragma: no cover - merge_tables refuses cycles
            break
        seen.add(key)
    return key


def _status_words(listing: Mapping[str, _Listed]) -> dict[str, str]:
    """Return each listed table's status in words: active, removed, merged into Table 3."""
    words = {}
    for key, entry in listing.items():
        if entry.status == MERGED:
            target = listing.get(_final_key(key, listing))
            words[key] = f"merged into {target.name if target is not None else entry.merged_into}"
        else:
            words[key] = entry.status
    return words


def _counted(rows: Sequence[tuple], listing: Mapping[str, _Listed]) -> dict[int, str]:
    """Return {submission id: table it counts as} for one round's latest rows.

    A removed table's submission does not count; a merged table's counts as its target's
    when the target has none later (the later of the two counts).
    """
    best: dict[str, tuple] = {}
    for row in rows:
        target = _final_key(row[3], listing)
        entry = listing.get(target)
        if entry is not None and entry.status == REMOVED:
            continue
        if target not in best or row[0] > best[target][0]:
            best[target] = row
    counted: dict[int, str] = {}
    for target, row in best.items():
        if row[3] == target:
            counted[row[0]] = row[2]
        else:
            entry = listing.get(target)
            counted[row[0]] = entry.name if entry is not None else target
    return counted


class SubmissionStore:
    """Append-only log of each workshop table's weights, shortlist and dot votes, by round.

    One SQLite file in WAL mode, shared safely by many processes (every Voila kernel).
    Every submission is kept with its round, time (UTC) and the toolkit version; a table
    that submits again in a round supersedes its earlier submission, which stays in the
    log. The facilitator opens and closes rounds and keeps the list of tables (each with
    its stakeholder group); both kinds of change are kept in the log as events.

    Parameters
    ----------
    path : str or os.PathLike
        The SQLite file; created (with its tables) if it does not exist, upgraded in place
        if it was written by an earlier version (its submissions become round 1). Its
        folder must exist.
    criteria : sequence of str, optional
        The criteria weights must name. When given, a submission must give a weight for
        every one of them and no other; when None, any criterion names are accepted.
    candidates : sequence of str, optional
        The candidate ids a shortlist or dot vote may name; any when None.
    timeout : float
        Seconds a write waits for another writer's lock before retrying (5 by default).
    retries : int
        How many times a write is retried after the wait runs out (20 by default).
    min_interval : float
        Seconds a table must wait between two submissions (2 by default; 0: no wait).
    max_per_round : int or None
        Most submissions a table may make in one round (30 by default; None: no limit).
    clock : callable, optional
        Returns the time in seconds since the epoch (``time.time`` by default); tests
        pass their own to move time on without waiting.

    Raises
    ------
    StoreError
        When the file cannot be opened, created or upgraded (damaged, no space, no
        permission); the failure is also written to the problems log.
    FileNotFoundError
        When the file's folder does not exist.

    Examples
    --------
    >>> store = SubmissionStore("submissions.sqlite", criteria=["burden", "equity"])
    >>> store.submit("March 2026", "Table 1", "Clinicians", {"burden": 5, "equity": 8},
    ...              ["copd", "frailty"])  # doctest: +SKIP
    1
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        criteria: Sequence[str] | None = None,
        candidates: Sequence[str] | None = None,
        timeout: float = 5.0,
        retries: int = 20,
        min_interval: float = 2.0,
        max_per_round: int | None = 30,
        clock: Callable[[], float] | None = None,
    ) -> None:
        caller = "SubmissionStore"
        if not isinstance(path, str | os.PathLike):
            raise TypeError(
                f"The 'path' parameter of {caller} must be a str or path. "
                f"Got {type(path).__name__} instead."
            )
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise FileNotFoundError(
                f"{caller}: the folder {str(self.path.parent)!r} for the store does not exist."
            )
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
            raise ValueError(
                f"The 'timeout' parameter of {caller} must be a float > 0. Got {timeout!r} instead."
            )
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(
                f"The 'retries' parameter of {caller} must be an int >= 0. Got {retries!r} instead."
            )
        if (
            isinstance(min_interval, bool)
            or not isinstance(min_interval, int | float)
            or not math.isfinite(min_interval)
            or min_interval < 0
        ):
            raise ValueError(
                f"The 'min_interval' parameter of {caller} must be a float >= 0 (seconds). "
                f"Got {min_interval!r} instead."
            )
        if max_per_round is not None and (
            isinstance(max_per_round, bool)
            or not isinstance(max_per_round, int)
            or max_per_round < 1
        ):
            raise ValueError(
                f"The 'max_per_round' parameter of {caller} must be an int >= 1 or None (no "
                f"limit). Got {max_per_round!r} instead."
            )
        if clock is not None and not callable(clock):
            raise TypeError(
                f"The 'clock' parameter of {caller} must be a function returning seconds or "
                f"None. Got {type(clock).__name__} instead."
            )
        self.criteria = None if criteria is None else _names(criteria, "criteria", caller)
        self.candidates = None if candidates is None else _names(candidates, "candidates", caller)
        self.timeout = float(timeout)
        self.retries = int(retries)
        self.min_interval = float(min_interval)
        self.max_per_round = max_per_round
        self.clock: Callable[[], float] = clock if clock is not None else time.time
        self._with_retry(self._create, doing="open")

    def __repr__(self) -> str:
        return f"SubmissionStore({str(self.path)!r})"

    @property
    def problems_path(self) -> Path:
        """The plain-text problems log beside the store (``<store stem>.problems.log``)."""
        return self.path.with_name(f"{self.path.stem}.problems.log")

    # -- connections and faults ----------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        return connection

    def _with_retry(
        self,
        action: Callable[[sqlite3.Connection], Any],
        *,
        doing: str = "read",
        workshop: str | None = None,
        table: str | None = None,
    ) -> Any:
        """Run ``action(connection)`` on a fresh connection, retrying while the file is locked.

        Any other SQLite or operating-system failure, or a lock that outlasts the
        retries, is raised as :class:`StoreError` (and written to the problems log).
        """
        for attempt in range(self.retries + 1):
            try:
                with closing(self._connect()) as connection:
                    return action(connection)
            except sqlite3.Error as error:
                if _is_busy(error) and attempt < self.retries:
                    time.sleep(min(0.05 * 2**attempt, 1.0) * (0.5 + random.random()))
                    continue
                raise self._store_error(error, doing, workshop, table) from error
            except OSError as error:
                raise self._store_error(error, doing, workshop, table) from error
        raise AssertionError("unreachable")  # pragma: no cover

    def _store_error(
        self, error: BaseException, doing: str, workshop: str | None, table: str | None
    ) -> StoreError:
        message = _DOING[doing].format(cause=_cause(error))
        detail = f"{type(error).__name__}: {error} (store {self.path.name})"
        self._note(message, detail=detail, workshop=workshop, table=table)
        return StoreError(message, detail)

    def _refuse(self, message: str, reason: str, workshop: str, table: str) -> SubmissionRefused:
        self._note(f"Refused: {message}", detail=reason, workshop=workshop, table=table)
        return SubmissionRefused(message, reason=reason)

    def _note(
        self,
        message: str,
        *,
        detail: str = "",
        workshop: str | None = None,
        table: str | None = None,
    ) -> None:
        """Append one line to the problems log; never raises (the disk may be the problem)."""
        try:
            at = _utc(self.clock(), "seconds").replace("T", " ").replace("+00:00", " UTC")
        except Exception:  # a broken clock must not hide the problem being noted
            at = "unknown time"
        where = " / ".join(part for part in (workshop, table) if part)
        line = f"{at}  {where + ': ' if where else ''}{message}"
        if detail:
            line += f"  [{detail}]"
        line = " ".join(line.split())  # one line, whatever the error text held
        try:
            with open(self.problems_path, "a", encoding="utf-8") as file:
                file.write(line + "\n")
        except Exception:  # noqa: S110 - nowhere else to report; the error itself is raised
            pass

    def problems(self, limit: int = 20) -> list[str]:
        """Return the newest lines of the problems log, newest last.

        Every :class:`StoreError` and :class:`SubmissionRefused` raised by any kernel is
        written there, with the time (UTC), the workshop and table, and the technical
        detail in brackets.

        Parameters
        ----------
        limit : int
            Most lines returned (20 by default).

        Returns
        -------
        list of str
            Empty when nothing went wrong (or the log cannot be read).
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(
                f"The 'limit' parameter of problems must be an int >= 1. Got {limit!r} instead."
            )
        try:
            with open(self.problems_path, "rb") as file:
                file.seek(0, os.SEEK_END)
                size = file.tell()
                file.seek(max(0, size - _PROBLEMS_TAIL))
                text = file.read().decode("utf-8", errors="replace")
        except OSError:
            return []
        lines = [line for line in text.splitlines() if line.strip()]
        if size > _PROBLEMS_TAIL and lines:
            lines = lines[1:]  # the first may be cut
        return lines[-limit:]

    # -- the file's layout ---------------------------------------------------------------

    def _create(self, connection: sqlite3.Connection) -> None:
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"database is locked (journal mode {mode})")
        if connection.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            if connection.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                self._upgrade(connection)
            connection.execute("COMMIT")
        except BaseException:
            _rollback(connection)
            raise

    @staticmethod
    def _upgrade(connection: sqlite3.Connection) -> None:
        """Create the tables, or bring a file of the first layout up to this one."""
        existed = bool(
            connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'submissions'"
            ).fetchone()
        )
        for statement in _TABLES:
            connection.execute(statement)
        columns = {row[1] for row in connection.execute("PRAGMA table_info(submissions)")}
        if "round" not in columns:
            # Adding a column changes no row, so the append-only triggers allow it.
            connection.execute(
                "ALTER TABLE submissions ADD COLUMN round INTEGER NOT NULL DEFAULT 1"
            )
        for statement in _STATE:
            connection.execute(statement)
        if existed:
            connection.execute(_REBUILD_CURRENT)
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _write(
        self,
        action: Callable[[sqlite3.Connection], Any],
        *,
        doing: str,
        workshop: str | None = None,
        table: str | None = None,
    ) -> Any:
        """Run ``action`` in one write transaction (``BEGIN IMMEDIATE``), with retries."""

        def transaction(connection: sqlite3.Connection) -> Any:
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = action(connection)
                connection.execute("COMMIT")
            except BaseException:
                _rollback(connection)
                raise
            return result

        return self._with_retry(transaction, doing=doing, workshop=workshop, table=table)

    def _read(self, action: Callable[[sqlite3.Connection], Any], *, workshop: str) -> Any:
        """Run ``action`` in one read transaction (a consistent snapshot), with retries."""

        def transaction(connection: sqlite3.Connection) -> Any:
            connection.execute("BEGIN")
            try:
                return action(connection)
            finally:
                _rollback(connection)

        return self._with_retry(transaction, doing="read", workshop=workshop)

    def _event(self, connection: sqlite3.Connection, workshop: str, kind: str, detail: str) -> None:
        connection.execute(
            "INSERT INTO events (workshop, at, kind, detail) VALUES (?, ?, ?, ?)",
            (workshop, _utc(self.clock()), kind, detail),
        )

    # -- submitting ----------------------------------------------------------------------

    def submit(
        self,
        workshop: str,
        table: str,
        role: str,
        weights: Mapping[str, float],
        shortlist: Sequence[str],
        *,
        dots: Mapping[str, int] | None = None,
    ) -> int:
        """Add one table's submission to the current round and return its id.

        Parameters
        ----------
        workshop : str
            The workshop's name (one store can hold several workshops).
        table : str
            The table's name ("Table 3"); whitespace is collapsed and case is ignored when
            deciding which earlier submission this one supersedes. When the facilitator
            has set a list of tables, it must be an active table on it (its name is then
            stored as the list spells it).
        role : str
            The stakeholder group(s) at the table ("Clinicians", "Mixed table").
        weights : mapping of str to float
            Weight per criterion: finite, non-negative and not all zero; every known
            criterion and no other (see ``criteria``).
        shortlist : sequence of str
            The candidate ids the table's weights shortlist, best first; not empty, no
            repeats.
        dots : mapping of str to int, optional
            The table's dot vote: whole, non-negative dots per candidate id.

        Returns
        -------
        int
            The new submission's id (ids increase with time).

        Raises
        ------
        SubmissionRefused
            When the round is closed, the table is not on the list, the table submitted
            less than ``min_interval`` seconds ago, or it has made ``max_per_round``
            submissions this round; nothing is stored and the refusal is logged.
        StoreError
            When the store cannot be written; nothing is stored.
        TypeError, ValueError
            When an argument is of the wrong type or value; nothing is stored.

        Notes
        -----
        One write transaction that looks rows up by key (the round, the table on the
        list, the table's entry in ``current``), adds the submission and updates
        ``current``: its cost does not grow with the rows in the log.
        """
        caller = "submit"
        workshop = _clean_name(workshop, "workshop", caller)
        table = _clean_name(table, "table", caller)
        role = _clean_name(role, "role", caller)
        checked_weights = self._check_weights(weights, caller)
        checked_shortlist = self._check_shortlist(shortlist, caller)
        checked_dots = self._check_dots(dots, caller)
        key = table.casefold()
        payload = (
            role,
            json.dumps(checked_weights),
            json.dumps(checked_shortlist),
            json.dumps(checked_dots),
        )
        version = _toolkit_version()

        def insert(connection: sqlite3.Connection) -> int:
            number, is_open = self._round_of(connection, workshop)
            if not is_open:
                raise self._refuse(
                    f"The facilitator has closed round {number}; your weights were not sent. "
                    "Keep your sliders as they are and submit again when the next round "
                    "opens.",
                    "round_closed",
                    workshop,
                    table,
                )
            name = self._listed_name(connection, workshop, table, key)
            now = float(self.clock())
            previous = connection.execute(SQL_CURRENT, (workshop, number, key)).fetchone()
            if previous is not None:
                _, count, last_at = previous
                waited = now - float(last_at)
                if self.min_interval and 0 <= waited < self.min_interval:
                    wait = max(1, math.ceil(self.min_interval - waited))
                    raise self._refuse(
                        f"Your table submitted a moment ago. Please wait {wait} second"
                        f"{'s' if wait != 1 else ''} and submit again.",
                        "too_soon",
                        workshop,
                        table,
                    )
                if self.max_per_round is not None and count >= self.max_per_round:
                    raise self._refuse(
                        f"Your table has already submitted {count} times in round {number}, "
                        "the most allowed. Your latest submission counts; please tell the "
                        "facilitator if you need to change it.",
                        "too_many",
                        workshop,
                        table,
                    )
            cursor = connection.execute(
                SQL_INSERT,
                (workshop, name, key, *payload, _utc(now), version, number),
            )
            submission = int(cursor.lastrowid)
            connection.execute(SQL_UPSERT_CURRENT, (workshop, number, key, submission, now))
            return submission

        return self._write(insert, doing="submit", workshop=workshop, table=table)

    @staticmethod
    def _round_of(connection: sqlite3.Connection, workshop: str) -> tuple[int, bool]:
        row = connection.execute(SQL_ROUND, (workshop,)).fetchone()
        return (1, True) if row is None else (int(row[0]), bool(row[1]))

    def _listed_name(
        self, connection: sqlite3.Connection, workshop: str, table: str, key: str
    ) -> str:
        """Return the table's name as the list spells it; refuse a table not active on it."""
        if connection.execute(SQL_LISTED, (workshop,)).fetchone() is None:
            return table  # no list: any table may submit
        entry = connection.execute(SQL_TABLE, (workshop, key)).fetchone()
        if entry is None:
            raise self._refuse(
                f"'{table}' is not one of this workshop's tables. Please choose your table "
                "from the list, or ask the facilitator to add it.",
                "unknown_table",
                workshop,
                table,
            )
        name, _, status, merged_into = entry
        if status == REMOVED:
            raise self._refuse(
                f"The facilitator has taken '{name}' off the list of tables. Please ask the "
                "facilitator which table to choose.",
                "removed_table",
                workshop,
                table,
            )
        if status == MERGED:
            listing = _listing(connection, workshop)
            target = listing.get(_final_key(key, listing))
            into = target.name if target is not None else merged_into
            raise self._refuse(
                f"The facilitator has merged '{name}' into '{into}'. Please choose '{into}' "
                "from the list and submit again.",
                "merged_table",
                workshop,
                table,
            )
        return str(name)

    def _check_weights(
        self, weights: object, caller: str, *, allow_zero: bool = False
    ) -> dict[str, float]:
        if not isinstance(weights, Mapping):
            raise TypeError(
                f"The 'weights' parameter of {caller} must be a mapping of criterion names to "
                f"floats. Got {type(weights).__name__} instead."
            )
        names = list(weights)
        if not names:
            raise ValueError(
                f"The 'weights' parameter of {caller} must not be empty. Got {{}} instead."
            )
        if not all(isinstance(name, str) for name in names):
            raise TypeError(
                f"The 'weights' parameter of {caller} must have str keys. Got {names!r} instead."
            )
        if self.criteria is not None:
            unknown = [name for name in names if name not in self.criteria]
            absent = [name for name in self.criteria if name not in weights]
            if unknown or absent:
                raise ValueError(
                    f"The 'weights' parameter of {caller} must give a weight for each of the "
                    f"criteria {list(self.criteria)} and no other. Got unknown {unknown} and "
                    f"missing {absent} instead."
                )
        wrong = [
            name
            for name in names
            if isinstance(weights[name], bool) or not isinstance(weights[name], numbers.Real)
        ]
        if wrong:
            raise TypeError(
                f"The 'weights' parameter of {caller} must map criterion names to floats. "
                f"Got {weights[wrong[0]]!r} for {wrong[0]!r} instead."
            )
        values = {name: float(weights[name]) for name in names}
        bad = [name for name, value in values.items() if not math.isfinite(value) or value < 0]
        if bad or not (allow_zero or any(value > 0 for value in values.values())):
            raise ValueError(
                f"The 'weights' parameter of {caller} must be finite, non-negative"
                f"{'' if allow_zero else ' and not all zero'}. Got {values} instead."
            )
        order = self.criteria if self.criteria is not None else tuple(names)
        return {name: values[name] for name in order}

    def _check_candidates(self, ids: list[str], parameter: str, caller: str) -> None:
        if self.candidates is None:
            return
        unknown = [value for value in ids if value not in self.candidates]
        if unknown:
            raise ValueError(
                f"The '{parameter}' parameter of {caller} must name known candidates. Got "
                f"unknown ids {unknown[:5]} instead."
            )

    def _check_shortlist(self, shortlist: object, caller: str) -> list[str]:
        if isinstance(shortlist, str | bytes) or not isinstance(shortlist, Sequence):
            raise TypeError(
                f"The 'shortlist' parameter of {caller} must be a sequence of candidate ids. "
                f"Got {type(shortlist).__name__} instead."
            )
        ids = list(shortlist)
        if not all(isinstance(value, str) for value in ids):
            raise TypeError(
                f"The 'shortlist' parameter of {caller} must hold str candidate ids. "
                f"Got {ids!r} instead."
            )
        if not ids or len(set(ids)) != len(ids):
            raise ValueError(
                f"The 'shortlist' parameter of {caller} must name at least one candidate and "
                f"none twice. Got {ids!r} instead."
            )
        self._check_candidates(ids, "shortlist", caller)
        return ids

    def _check_dots(self, dots: object, caller: str) -> dict[str, int]:
        if dots is None:
            return {}
        if not isinstance(dots, Mapping):
            raise TypeError(
                f"The 'dots' parameter of {caller} must be a mapping of candidate ids to ints "
                f"or None. Got {type(dots).__name__} instead."
            )
        counts: dict[str, int] = {}
        for key, value in dots.items():
            if not isinstance(key, str):
                raise TypeError(
                    f"The 'dots' parameter of {caller} must have str candidate ids as keys. "
                    f"Got {key!r} instead."
                )
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise TypeError(
                    f"The 'dots' parameter of {caller} must map candidate ids to ints. "
                    f"Got {value!r} for {key!r} instead."
                )
            if value < 0:
                raise ValueError(
                    f"The 'dots' parameter of {caller} must hold whole numbers >= 0. "
                    f"Got {value} for {key!r} instead."
                )
            if value:
                counts[key] = int(value)
        self._check_candidates(list(counts), "dots", caller)
        return counts

    # -- drafts --------------------------------------------------------------------------

    def save_draft(self, workshop: str, table: str, weights: Mapping[str, float]) -> None:
        """Keep a table's slider positions, so that a reload or another tab restores them.

        A draft is not a submission and is not part of the log: each table has one,
        replaced on every call (cheap enough for every slider release).

        Parameters
        ----------
        workshop : str
            The workshop's name.
        table : str
            The table's name (case and spacing ignored).
        weights : mapping of str to float
            The slider positions: finite and non-negative (all zero is allowed).

        Raises
        ------
        SubmissionRefused
            When the facilitator has set a list of tables and this one is not active on it.
        StoreError
            When the store cannot be written.
        """
        caller = "save_draft"
        workshop = _clean_name(workshop, "workshop", caller)
        table = _clean_name(table, "table", caller)
        checked = json.dumps(self._check_weights(weights, caller, allow_zero=True))
        key = table.casefold()

        def upsert(connection: sqlite3.Connection) -> None:
            name = self._listed_name(connection, workshop, table, key)
            connection.execute(
                "INSERT INTO drafts (workshop, table_key, table_name, weights, saved_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (workshop, table_key) DO UPDATE SET "
                "table_name = excluded.table_name, weights = excluded.weights, "
                "saved_at = excluded.saved_at",
                (workshop, key, name, checked, _utc(self.clock())),
            )

        self._write(upsert, doing="draft", workshop=workshop, table=table)

    def draft(self, workshop: str, table: str) -> dict[str, float] | None:
        """Return the slider positions to restore for a table.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        table : str
            The table's name (case and spacing ignored).

        Returns
        -------
        dict of str to float or None
            The newer of the table's draft (:meth:`save_draft`) and its latest submitted
            weights in the current or an earlier round; None when it has neither.
        """
        caller = "draft"
        workshop = _clean_name(workshop, "workshop", caller)
        key = _clean_name(table, "table", caller).casefold()

        def read(connection: sqlite3.Connection) -> dict[str, float] | None:
            number, _ = self._round_of(connection, workshop)
            saved = connection.execute(
                "SELECT weights, saved_at FROM drafts WHERE workshop = ? AND table_key = ?",
                (workshop, key),
            ).fetchone()
            submitted = connection.execute(
                "SELECT s.weights, s.submitted_at FROM current AS c JOIN submissions AS s "
                "ON s.submission_id = c.submission_id WHERE c.workshop = ? AND "
                "c.table_key = ? AND c.round <= ? ORDER BY c.round DESC LIMIT 1",
                (workshop, key, number),
            ).fetchone()
            chosen = [entry for entry in (saved, submitted) if entry is not None]
            if not chosen:
                return None
            weights, _ = max(chosen, key=lambda entry: entry[1])
            return {name: float(value) for name, value in json.loads(weights).items()}

        return self._read(read, workshop=workshop)

    # -- rounds --------------------------------------------------------------------------

    def current_round(self, workshop: str) -> RoundState:
        """Return the workshop's current round and whether it is open.

        Before the facilitator opens a round, it is round 1, open: a workshop that does
        not use rounds works as one round.

        Parameters
        ----------
        workshop : str
            The workshop's name.

        Returns
        -------
        RoundState
        """
        workshop = _clean_name(workshop, "workshop", "current_round")
        number, is_open = self._with_retry(
            lambda connection: self._round_of(connection, workshop),
            doing="read",
            workshop=workshop,
        )
        return RoundState(number, is_open)

    def open_round(self, workshop: str) -> int:
        """Open the next round and return its number.

        If the current round is open and nobody has submitted in it yet, it stays the
        round (so the first call opens round 1); otherwise the current round is closed,
        if open, and the next one opens. Logged as events.

        Parameters
        ----------
        workshop : str
            The workshop's name.

        Returns
        -------
        int
            The open round's number.

        Raises
        ------
        StoreError
            When the store cannot be written.
        """
        workshop = _clean_name(workshop, "workshop", "open_round")

        def change(connection: sqlite3.Connection) -> int:
            row = connection.execute(SQL_ROUND, (workshop,)).fetchone()
            number, is_open = (1, True) if row is None else (int(row[0]), bool(row[1]))
            used = self._tables_in_round(connection, workshop, number)
            now = _utc(self.clock())
            if is_open and not used:
                if row is None:
                    connection.execute(
                        "INSERT INTO rounds (workshop, number, open, opened_at) "
                        "VALUES (?, ?, 1, ?)",
                        (workshop, number, now),
                    )
                    self._event(connection, workshop, "round_opened", f"Round {number} was opened.")
                return number
            if is_open:
                self._close(connection, workshop, number, exists=row is not None, used=used)
            connection.execute(
                "INSERT INTO rounds (workshop, number, open, opened_at) VALUES (?, ?, 1, ?)",
                (workshop, number + 1, now),
            )
            self._event(connection, workshop, "round_opened", f"Round {number + 1} was opened.")
            return number + 1

        return self._write(change, doing="change", workshop=workshop)

    def close_round(self, workshop: str) -> int:
        """Close the current round (tables can no longer submit in it) and return its number.

        Closing a closed round changes nothing. Logged as an event.

        Parameters
        ----------
        workshop : str
            The workshop's name.

        Returns
        -------
        int
            The closed round's number.

        Raises
        ------
        StoreError
            When the store cannot be written.
        """
        workshop = _clean_name(workshop, "workshop", "close_round")

        def change(connection: sqlite3.Connection) -> int:
            row = connection.execute(SQL_ROUND, (workshop,)).fetchone()
            number, is_open = (1, True) if row is None else (int(row[0]), bool(row[1]))
            if is_open:
                used = self._tables_in_round(connection, workshop, number)
                self._close(connection, workshop, number, exists=row is not None, used=used)
            return number

        return self._write(change, doing="change", workshop=workshop)

    def _close(
        self, connection: sqlite3.Connection, workshop: str, number: int, *, exists: bool, used: int
    ) -> None:
        now = _utc(self.clock())
        if exists:
            connection.execute(
                "UPDATE rounds SET open = 0, closed_at = ? WHERE workshop = ? AND number = ?",
                (now, workshop, number),
            )
        else:
            connection.execute(
                "INSERT INTO rounds (workshop, number, open, closed_at) VALUES (?, ?, 0, ?)",
                (workshop, number, now),
            )
        tables = f"{used} table{'s' if used != 1 else ''} had submitted"
        self._event(connection, workshop, "round_closed", f"Round {number} was closed; {tables}.")

    @staticmethod
    def _tables_in_round(connection: sqlite3.Connection, workshop: str, number: int) -> int:
        return int(
            connection.execute(
                "SELECT COUNT(*) FROM current WHERE workshop = ? AND round = ?",
                (workshop, number),
            ).fetchone()[0]
        )

    def submitted_rounds(self, workshop: str) -> list[int]:
        """Return the rounds in which at least one table submitted, in order.

        Parameters
        ----------
        workshop : str
            The workshop's name.

        Returns
        -------
        list of int
        """
        workshop = _clean_name(workshop, "workshop", "submitted_rounds")
        rows = self._with_retry(
            lambda connection: connection.execute(
                "SELECT DISTINCT round FROM current WHERE workshop = ? ORDER BY round",
                (workshop,),
            ).fetchall(),
            doing="read",
            workshop=workshop,
        )
        return [int(row[0]) for row in rows]

    # -- the list of tables --------------------------------------------------------------

    def set_tables(self, workshop: str, tables: Mapping[str, str], *, replace: bool = True) -> bool:
        """Set the list of tables that may submit, each with its stakeholder group.

        Tables on the old list but not on the new one are marked removed (their
        submissions stay in the log but no longer count). Logged as an event.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        tables : mapping of str to str
            Table name to stakeholder group ("Table 1": "Residents"), in any order.
        replace : bool
            Replace a list already set (True, the default); False sets it only when the
            workshop has none yet (a workshop's configured tables, set once).

        Returns
        -------
        bool
            Whether the list was set.

        Raises
        ------
        ValueError
            When a name or group is blank or too long, or two names differ only in case
            or spacing.
        StoreError
            When the store cannot be written.
        """
        caller = "set_tables"
        workshop = _clean_name(workshop, "workshop", caller)
        if not isinstance(tables, Mapping) or not tables:
            raise ValueError(
                f"The 'tables' parameter of {caller} must be a non-empty mapping of table "
                f"names to stakeholder groups. Got {tables!r} instead."
            )
        wanted: dict[str, tuple[str, str]] = {}
        for name, group in tables.items():
            cleaned = _clean_name(name, "tables", caller)
            if cleaned.casefold() in wanted:
                raise ValueError(
                    f"The 'tables' parameter of {caller} must name each table once (case and "
                    f"spacing ignored). Got {cleaned!r} twice instead."
                )
            wanted[cleaned.casefold()] = (cleaned, _clean_name(group, "tables", caller))

        def listed(connection: sqlite3.Connection) -> bool:
            return connection.execute(SQL_LISTED, (workshop,)).fetchone() is not None

        # Every kernel asks on start; a read answers without taking the write lock.
        if not replace and self._with_retry(listed, doing="read", workshop=workshop):
            return False

        def change(connection: sqlite3.Connection) -> bool:
            if not replace and listed(connection):  # another kernel may have just set it
                return False
            listing = _listing(connection, workshop)
            for key, entry in listing.items():
                if key not in wanted and entry.status == ACTIVE:
                    connection.execute(
                        "UPDATE table_list SET status = ? WHERE workshop = ? AND table_key = ?",
                        (REMOVED, workshop, key),
                    )
            for key, (name, group) in wanted.items():
                _put_table(connection, workshop, key, name, group, ACTIVE, None)
            names = ", ".join(
                f"{name} ({group})"
                for name, group in sorted(wanted.values(), key=lambda item: _natural_key(item[0]))
            )
            self._event(
                connection,
                workshop,
                "tables_set",
                f"The list of tables was set to {len(wanted)} table"
                f"{'s' if len(wanted) != 1 else ''}: {names}.",
            )
            return True

        return self._write(change, doing="change", workshop=workshop)

    def add_table(self, workshop: str, name: str, group: str) -> None:
        """Add a table to the list (or bring back a removed or merged one). Logged.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        name : str
            The table's name.
        group : str
            Its stakeholder group ("Residents", "Mixed table").

        Raises
        ------
        ValueError
            When the table is already on the list.
        StoreError
            When the store cannot be written.
        """
        caller = "add_table"
        workshop = _clean_name(workshop, "workshop", caller)
        name = _clean_name(name, "name", caller)
        group = _clean_name(group, "group", caller)
        key = name.casefold()

        def change(connection: sqlite3.Connection) -> None:
            entry = _listing(connection, workshop).get(key)
            if entry is not None and entry.status == ACTIVE:
                raise ValueError(f"'{entry.name}' is already on the list of tables.")
            _put_table(connection, workshop, key, name, group, ACTIVE, None)
            again = " back" if entry is not None else ""
            self._event(connection, workshop, "table_added", f"{name} ({group}) was added{again}.")

        self._write(change, doing="change", workshop=workshop, table=name)

    def remove_table(self, workshop: str, name: str) -> None:
        """Take a table off the list: it can no longer submit and its submissions stop counting.

        Its submissions stay in the log. A table that submitted without being on the list
        (a typo such as "Tabel 7", before the list was set) can be removed too. Logged.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        name : str
            The table's name (case and spacing ignored).

        Raises
        ------
        ValueError
            When the table is neither on the list nor in the log, is already removed, or
            is the last table on the list.
        StoreError
            When the store cannot be written.
        """
        caller = "remove_table"
        workshop = _clean_name(workshop, "workshop", caller)
        name = _clean_name(name, "name", caller)
        key = name.casefold()

        def change(connection: sqlite3.Connection) -> None:
            listing = _listing(connection, workshop)
            entry = listing.get(key)
            submitted = _submission_count(connection, workshop, key)
            if entry is None and not submitted:
                raise ValueError(
                    f"'{name}' is not on the list of tables and has not submitted; there is "
                    "nothing to remove."
                )
            if entry is not None and entry.status == REMOVED:
                raise ValueError(f"'{entry.name}' has already been removed.")
            active = [k for k, e in listing.items() if e.status == ACTIVE]
            if active == [key]:
                raise ValueError(
                    f"'{entry.name}' is the last table on the list; add another table "
                    "before removing it."
                )
            shown = entry.name if entry is not None else _submitted_name(connection, workshop, key)
            group = entry.group if entry is not None else "Mixed table"
            _put_table(connection, workshop, key, shown, group, REMOVED, None)
            if not submitted:
                kept = "it had not submitted"
            elif submitted == 1:
                kept = "its 1 submission stays in the log but no longer counts"
            else:
                kept = f"its {submitted} submissions stay in the log but no longer count"
            self._event(
                connection, workshop, "table_removed", f"{shown} was removed from the list; {kept}."
            )

        self._write(change, doing="change", workshop=workshop, table=name)

    def merge_tables(self, workshop: str, source: str, into: str) -> None:
        """Merge one table into another (a typo, or two tables that joined up). Logged.

        The source table can no longer submit; in each round its latest submission counts
        as the target's when the target has none later. Nothing is deleted.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        source : str
            The table merged away (case and spacing ignored); on the list or in the log.
        into : str
            The table it joins: active on the list (or, with no list set, in the log).

        Raises
        ------
        ValueError
            When a table is unknown, removed or merged, or the two are the same.
        StoreError
            When the store cannot be written.
        """
        caller = "merge_tables"
        workshop = _clean_name(workshop, "workshop", caller)
        source = _clean_name(source, "source", caller)
        into = _clean_name(into, "into", caller)
        source_key, into_key = source.casefold(), into.casefold()
        if source_key == into_key:
            raise ValueError(f"A table cannot be merged into itself ('{source}').")

        def change(connection: sqlite3.Connection) -> None:
            listing = _listing(connection, workshop)
            listed = any(entry.status == ACTIVE for entry in listing.values())
            source_entry, into_entry = listing.get(source_key), listing.get(into_key)
            if source_entry is None and not _submission_count(connection, workshop, source_key):
                raise ValueError(
                    f"'{source}' is not on the list of tables and has not submitted; there "
                    "is nothing to merge."
                )
            if source_entry is not None and source_entry.status == REMOVED:
                raise ValueError(f"'{source_entry.name}' has been removed; add it back first.")
            if into_entry is not None and into_entry.status != ACTIVE:
                raise ValueError(
                    f"'{into_entry.name}' is {into_entry.status}; choose a table on the list."
                )
            if into_entry is None and (
                listed or not _submission_count(connection, workshop, into_key)
            ):
                raise ValueError(f"'{into}' is not on the list of tables; add it first.")
            into_name = into_entry.name if into_entry is not None else into
            shown = (
                source_entry.name
                if source_entry is not None
                else _submitted_name(connection, workshop, source_key)
            )
            group = source_entry.group if source_entry is not None else "Mixed table"
            _put_table(connection, workshop, source_key, shown, group, MERGED, into_key)
            self._event(
                connection,
                workshop,
                "tables_merged",
                f"{shown} was merged into {into_name}; in each round {shown}'s latest "
                f"submission counts for {into_name} unless {into_name} submitted later.",
            )

        self._write(change, doing="change", workshop=workshop, table=source)

    def tables(self, workshop: str) -> pd.DataFrame:
        """Return the list of tables, in natural order ("Table 2" before "Table 10").

        Parameters
        ----------
        workshop : str
            The workshop's name.

        Returns
        -------
        pandas.DataFrame
            ``table``, ``group`` and ``status`` ("active", "removed" or "merged into
            Table 3"); empty when no list has been set.
        """
        import pandas as pd

        workshop = _clean_name(workshop, "workshop", "tables")
        listing = self._with_retry(
            lambda connection: _listing(connection, workshop), doing="read", workshop=workshop
        )
        words = _status_words(listing)
        rows = [(entry.name, entry.group, words[key]) for key, entry in listing.items()]
        rows.sort(key=lambda row: _natural_key(row[0]))
        return pd.DataFrame(rows, columns=["table", "group", "status"]).astype("str")

    # -- each table's own link --------------------------------------------------------

    def table_code(self, workshop: str, table: str) -> str:
        """Return the private code of a table's own link, made once and then kept.

        A participant page opened with ``table=<code>`` in its link is that table's: it
        restores the table's saved sliders and earlier weights. Opened with the
        participants' link alone, a page can choose any table but shows no table's saved
        weights, so no table can read another's.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        table : str
            A table on the list.

        Returns
        -------
        str
            The code (URL-safe, 16 characters).

        Raises
        ------
        ValueError
            When the table is not an active table on the list.
        """
        caller = "table_code"
        workshop = _clean_name(workshop, "workshop", caller)
        key = _clean_name(table, "table", caller).casefold()

        def write(connection: sqlite3.Connection) -> str:
            connection.execute(_TABLE_CODES)
            entry = _listing(connection, workshop).get(key)
            if entry is None or entry.status != ACTIVE:
                raise ValueError(
                    f"The 'table' parameter of {caller} must be an active table on the "
                    f"workshop's list. Got {table!r} instead."
                )
            found = connection.execute(
                "SELECT code FROM table_codes WHERE workshop = ? AND table_key = ?",
                (workshop, key),
            ).fetchone()
            if found is not None:
                return str(found[0])
            code = secrets.token_urlsafe(12)
            connection.execute(
                "INSERT INTO table_codes (workshop, table_key, code) VALUES (?, ?, ?)",
                (workshop, key, code),
            )
            return code

        return self._write(write, doing="save a table's link", workshop=workshop)

    def table_for_code(self, workshop: str, code: str) -> str | None:
        """Return the table whose own link carries ``code``, or None.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        code : str
            The code from a link (:meth:`table_code`).

        Returns
        -------
        str or None
            The table's name on the list; None for an unknown code or a table that has
            been removed or merged into another.
        """
        workshop = _clean_name(workshop, "workshop", "table_for_code")
        if not isinstance(code, str) or not code:
            return None

        def read(connection: sqlite3.Connection) -> str | None:
            connection.execute(_TABLE_CODES)
            found = connection.execute(
                "SELECT table_key FROM table_codes WHERE workshop = ? AND code = ?",
                (workshop, code),
            ).fetchone()
            if found is None:
                return None
            entry = _listing(connection, workshop).get(str(found[0]))
            return entry.name if entry is not None and entry.status == ACTIVE else None

        return self._with_retry(read, doing="read", workshop=workshop)

    def events(self, workshop: str) -> pd.DataFrame:
        """Return the facilitator's changes (rounds, tables), oldest first.

        Parameters
        ----------
        workshop : str
            The workshop's name.

        Returns
        -------
        pandas.DataFrame
            ``at`` (UTC), ``kind`` (``round_opened``, ``round_closed``, ``tables_set``,
            ``table_added``, ``table_removed``, ``tables_merged``) and ``detail`` (in words).
        """
        import pandas as pd

        workshop = _clean_name(workshop, "workshop", "events")
        rows = self._event_rows(workshop)
        return pd.DataFrame(
            {
                "at": pd.to_datetime([row[0] for row in rows], utc=True, format="ISO8601"),
                "kind": pd.Series([row[1] for row in rows], dtype="str"),
                "detail": pd.Series([row[2] for row in rows], dtype="str"),
            }
        )

    def _event_rows(self, workshop: str) -> list[tuple]:
        return self._with_retry(
            lambda connection: connection.execute(
                "SELECT at, kind, detail FROM events WHERE workshop = ? ORDER BY event_id",
                (workshop,),
            ).fetchall(),
            doing="read",
            workshop=workshop,
        )

    # -- reading -------------------------------------------------------------------------

    def _all_rows(self, workshop: str, round: int | None) -> list[tuple]:
        if round is None:
            query, parameters = f"{_SELECT} WHERE workshop = ? ORDER BY submission_id", (workshop,)
        else:
            query = f"{_SELECT} WHERE workshop = ? AND round = ? ORDER BY submission_id"
            parameters = (workshop, round)
        return self._with_retry(
            lambda connection: connection.execute(query, parameters).fetchall(),
            doing="read",
            workshop=workshop,
        )

    def _latest_rows(self, workshop: str, round: int | None) -> tuple[int, list[tuple], dict]:
        """Return (round, that round's latest row per table, the table list), one snapshot."""

        def read(connection: sqlite3.Connection) -> tuple[int, list[tuple], dict]:
            number = round if round is not None else self._round_of(connection, workshop)[0]
            rows = connection.execute(
                f"{_SELECT_CURRENT} WHERE c.workshop = ? AND c.round = ?", (workshop, number)
            ).fetchall()
            return number, rows, _listing(connection, workshop)

        return self._read(read, workshop=workshop)

    def submissions(self, workshop: str, *, round: int | None = None) -> pd.DataFrame:
        """Return every submission of a workshop, oldest first, superseded ones included.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        round : int, optional
            Only this round's submissions; every round's by default.

        Returns
        -------
        pandas.DataFrame
            One row per submission: ``submission_id``, ``workshop``, ``table``, ``round``,
            ``role``, ``submitted_at`` (UTC), ``toolkit_version``, ``superseded`` (a later
            submission from the same table in the same round replaces it), ``shortlist``
            (candidate ids joined by ``"; "``), ``dots`` (total dots the table spent) and
            ``weight_<criterion>`` per criterion.
        """
        workshop = _clean_name(workshop, "workshop", "submissions")
        round = _check_round(round, "submissions")
        rows = self._all_rows(workshop, round)
        last = {(row[10], row[3]): i for i, row in enumerate(rows)}
        superseded = [last[(row[10], row[3])] != i for i, row in enumerate(rows)]
        return self._frame(rows, superseded=superseded)

    def latest(self, workshop: str, *, round: int | None = None) -> pd.DataFrame:
        """Return each table's latest submission in a round, tables in natural order.

        A removed table's submissions do not count; a merged table's latest submission
        counts as its target's (under the target's name) when the target has none later.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        round : int, optional
            The round; the current round by default.

        Returns
        -------
        pandas.DataFrame
            As :meth:`submissions`, one row per table (``superseded`` is all False).

        Notes
        -----
        Read through ``current``, so its cost grows with the tables, not the log.
        """
        workshop = _clean_name(workshop, "workshop", "latest")
        round = _check_round(round, "latest")
        _, rows, listing = self._latest_rows(workshop, round)
        counted = _counted(rows, listing)
        kept = sorted(
            (row for row in rows if row[0] in counted),
            key=lambda row: _natural_key(counted[row[0]]),
        )
        return self._frame(
            kept, superseded=[False] * len(kept), tables=[counted[row[0]] for row in kept]
        )

    def dot_votes(
        self, workshop: str, *, latest: bool = True, round: int | None = None
    ) -> pd.DataFrame:
        """Return the dot votes, one row per table and candidate with at least one dot.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        latest : bool
            Only the submissions :meth:`latest` counts (True, the default), or every
            submission.
        round : int, optional
            The round (with ``latest``: the current round by default; without: every
            round by default).

        Returns
        -------
        pandas.DataFrame
            Columns ``submission_id``, ``table``, ``candidate`` and ``dots``.
        """
        import pandas as pd

        workshop = _clean_name(workshop, "workshop", "dot_votes")
        round = _check_round(round, "dot_votes")
        if latest:
            _, rows, listing = self._latest_rows(workshop, round)
            counted = _counted(rows, listing)
            pairs = sorted(
                ((row, counted[row[0]]) for row in rows if row[0] in counted),
                key=lambda pair: _natural_key(pair[1]),
            )
        else:
            pairs = [(row, row[2]) for row in self._all_rows(workshop, round)]
        records = [
            (row[0], table, candidate, count)
            for row, table in pairs
            for candidate, count in json.loads(row[7]).items()
        ]
        frame = pd.DataFrame(records, columns=["submission_id", "table", "candidate", "dots"])
        return frame.astype({"submission_id": "int64", "dots": "int64"})

    def _frame(
        self, rows: list[tuple], *, superseded: list[bool], tables: list[str] | None = None
    ) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        weights = [json.loads(row[5]) for row in rows]
        names = self._criteria_names(weights)

        def text(values: list[str]) -> pd.Series:
            # The text dtype (str in pandas 3, object before) even when there are no rows.
            return pd.Series(values, dtype="str")

        columns: dict[str, Any] = {
            "submission_id": np.array([row[0] for row in rows], dtype="int64"),
            "workshop": text([row[1] for row in rows]),
            "table": text(tables if tables is not None else [row[2] for row in rows]),
            "round": np.array([row[10] for row in rows], dtype="int64"),
            "role": text([row[4] for row in rows]),
            "submitted_at": pd.to_datetime([row[8] for row in rows], utc=True, format="ISO8601"),
            "toolkit_version": text([row[9] for row in rows]),
            "superseded": np.array(superseded, dtype=bool),
            "shortlist": text(["; ".join(json.loads(row[6])) for row in rows]),
            "dots": np.array([sum(json.loads(row[7]).values()) for row in rows], dtype="int64"),
        }
        for name in names:
            columns[WEIGHT_PREFIX + name] = np.array(
                [entry.get(name, np.nan) for entry in weights], dtype="float64"
            )
        return pd.DataFrame(columns)

    def _criteria_names(self, weights: list[dict]) -> list[str]:
        names = list(self.criteria) if self.criteria is not None else []
        for entry in weights:
            names.extend(name for name in entry if name not in names)
        return names

    # -- export --------------------------------------------------------------------------

    def _log(self, workshop: str) -> tuple[list[tuple], list[bool], dict[int, str], dict]:
        """Every submission, whether superseded, what counts (by round) and the table list."""

        def read(connection: sqlite3.Connection) -> tuple:
            rows = connection.execute(
                f"{_SELECT} WHERE workshop = ? ORDER BY submission_id", (workshop,)
            ).fetchall()
            latest = connection.execute(
                f"{_SELECT_CURRENT} WHERE c.workshop = ?", (workshop,)
            ).fetchall()
            return rows, latest, _listing(connection, workshop)

        rows, latest, listing = self._read(read, workshop=workshop)
        last = {(row[10], row[3]): i for i, row in enumerate(rows)}
        superseded = [last[(row[10], row[3])] != i for i, row in enumerate(rows)]
        counted: dict[int, str] = {}
        for number in sorted({row[10] for row in latest}):
            counted.update(_counted([row for row in latest if row[10] == number], listing))
        return rows, superseded, counted, listing

    def decision_log_csv(
        self,
        workshop: str,
        *,
        labels: Mapping[str, str] | None = None,
        criteria_labels: Mapping[str, str] | None = None,
        shortlist_labels: bool = True,
    ) -> str:
        """Return the workshop's decision log as a CSV text in plain labels, for a spreadsheet.

        One row per submission, oldest first, with plain headings: "Table", "Group" (the
        stakeholder group the table gave), "Round", "Submitted at (UTC)" (to the second),
        "Replaced by a later submission" (by the same table in the same round) and
        "Counts in the room's result" (Yes or No), "Counts as table" (the table it counts
        for: itself, or the table it was merged into; empty when it does not count),
        "Table status" (the table's status on the list now: "active", "removed", "merged
        into Table 3"; empty for a table never on the list), "Shortlist" (labels joined
        by "; "), "Dots" ("Label: 2; ..."), "Weight: <criterion>" per criterion as whole
        numbers, then "Submission" (its number) and "Workshop". Every text cell
        starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
        with an apostrophe, so that a spreadsheet shows it as text and never runs it.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        labels : mapping of str to str, optional
            Candidate id to its label; ids without one are shown as they are.
        criteria_labels : mapping of str to str, optional
            Criterion name to the heading's words (its phrase); names without one are
            shown as they are.
        shortlist_labels : bool
            Show the shortlist and dots in labels (True, the default) or candidate ids.

        Returns
        -------
        str
            The CSV text (one header line; lines end with CR LF; encode it as UTF-8).
        """
        workshop = _clean_name(workshop, "workshop", "decision_log_csv")
        rows, superseded, counted, listing = self._log(workshop)
        status = _status_words(listing)
        names = self._criteria_names([json.loads(row[5]) for row in rows])
        labels = dict(labels or {})
        criteria_labels = dict(criteria_labels or {})

        def label(candidate: str) -> str:
            return labels.get(candidate, candidate) if shortlist_labels else candidate

        header = [
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
            *[f"Weight: {criteria_labels.get(name, name)}" for name in names],
            "Submission",
            "Workshop",
        ]
        buffer = io.StringIO()
        # Lines end with CR LF (RFC 4180): the csv module then also quotes a cell holding a
        # bare carriage return, which would otherwise split the row in a spreadsheet.
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([safe_cell(cell) for cell in header])
        for row, replaced in zip(rows, superseded, strict=True):
            weights = json.loads(row[5])
            dots = json.loads(row[7])
            when = datetime.fromisoformat(row[8]).astimezone(UTC)
            cells = [
                row[2],
                row[4],
                int(row[10]),
                when.strftime("%Y-%m-%d %H:%M:%S"),
                "Yes" if replaced else "No",
                "Yes" if row[0] in counted else "No",
                counted.get(row[0], ""),
                status.get(row[3], ""),
                "; ".join(label(candidate) for candidate in json.loads(row[6])),
                "; ".join(f"{label(candidate)}: {count}" for candidate, count in dots.items()),
                *[_whole(weights.get(name)) for name in names],
                int(row[0]),
                row[1],
            ]
            writer.writerow([safe_cell(cell) for cell in cells])
        return buffer.getvalue()

    def decision_log_json(self, workshop: str, *, settings: Mapping[str, Any] | None = None) -> str:
        """Return the workshop's decision log as a JSON document, for the board report.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        settings : mapping, optional
            The settings the room used (``method``, ``shortlist_size``, ``per_cohort``,
            ``aggregation``), recorded so that the board report computes the room's answer
            the way the room saw it.

        Returns
        -------
        str
            ``workshop``, ``exported_at``, ``toolkit_version``, ``settings``,
            ``submissions`` (each with ``submission_id``, ``table``, ``round``, ``role``,
            ``submitted_at``, ``toolkit_version``, ``superseded`` within its round,
            ``counted`` (whether the room's result counts it), ``counted_as`` (the table
            it counts for, or null), ``status`` (its table's status on the list now, as
            in :meth:`tables`; empty for a table never on it), ``weights``,
            ``shortlist`` and ``dots`` as given), ``tables`` (the list: ``table``,
            ``group``, ``status``) and ``events`` (``at``, ``kind``, ``detail``).
        """
        workshop = _clean_name(workshop, "workshop", "decision_log_json")
        rows, superseded, counted, listing = self._log(workshop)
        status = _status_words(listing)
        tables = self.tables(workshop)
        document = {
            "workshop": workshop,
            "exported_at": _utc(self.clock(), "seconds"),
            "toolkit_version": _toolkit_version(),
            "settings": dict(settings or {}),
            "submissions": [
                {
                    "submission_id": row[0],
                    "table": row[2],
                    "round": row[10],
                    "role": row[4],
                    "submitted_at": row[8],
                    "toolkit_version": row[9],
                    "superseded": replaced,
                    "counted": row[0] in counted,
                    "counted_as": counted.get(row[0]),
                    "status": status.get(row[3], ""),
                    "weights": json.loads(row[5]),
                    "shortlist": json.loads(row[6]),
                    "dots": json.loads(row[7]),
                }
                for row, replaced in zip(rows, superseded, strict=True)
            ],
            "tables": tables.to_dict("records"),
            "events": [
                {"at": at, "kind": kind, "detail": detail}
                for at, kind, detail in self._event_rows(workshop)
            ],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def export(
        self,
        workshop: str,
        path: str | os.PathLike[str],
        *,
        format: ExportFormat | None = None,
        overwrite: bool = False,
        settings: Mapping[str, Any] | None = None,
        labels: Mapping[str, str] | None = None,
        criteria_labels: Mapping[str, str] | None = None,
    ) -> Path:
        """Write the workshop's decision log to a file, for the board report.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        path : str or os.PathLike
            The file to write.
        format : {"csv", "json"}, optional
            ``"csv"``: with ``labels`` or ``criteria_labels``, :meth:`decision_log_csv`
            (plain headings and labels); without, one row per submission as
            :meth:`submissions` (flat, as earlier versions wrote it, with ``round``). Text
            cells that a spreadsheet would run as a formula are prefixed with an
            apostrophe either way. ``"json"``: :meth:`decision_log_json`. By default taken
            from the file's suffix.
        overwrite : bool
            Replace an existing file (False by default: an existing file is an error).
        settings : mapping, optional
            The settings the room used, recorded in the JSON log (see
            :meth:`decision_log_json`).
        labels, criteria_labels : mapping of str to str, optional
            Candidate and criterion labels for the plain CSV (see :meth:`decision_log_csv`).

        Returns
        -------
        pathlib.Path
            The file written.
        """
        caller = "export"
        target = Path(path)
        chosen = format if format is not None else target.suffix.lstrip(".").lower()
        if chosen not in ("csv", "json"):
            raise ValueError(
                f"The 'format' parameter of {caller} must be one of ['csv', 'json'] (or "
                f"given by the file's suffix). Got {chosen!r} instead."
            )
        if target.exists() and not overwrite:
            raise FileExistsError(
                f"{caller}: {str(target)!r} exists; pass overwrite=True to replace it."
            )
        if chosen == "json":
            text = self.decision_log_json(workshop, settings=settings)
        elif labels is not None or criteria_labels is not None:
            text = self.decision_log_csv(workshop, labels=labels, criteria_labels=criteria_labels)
        else:
            text = self._flat_csv(workshop)
        target.write_text(text, encoding="utf-8")
        return target

    def _flat_csv(self, workshop: str) -> str:
        frame = self.submissions(workshop)
        frame = frame.assign(
            submitted_at=frame["submitted_at"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        )
        for column in ("workshop", "table", "role", "shortlist"):
            frame[column] = frame[column].map(safe_cell)
        return frame.to_csv(index=False)


def _rollback(connection: sqlite3.Connection) -> None:
    try:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
    except sqlite3.Error:  # the connection is closed next; SQLite rolls back then
        pass


def _listing(connection: sqlite3.Connection, workshop: str) -> dict[str, _Listed]:
    return {
        key: _Listed(name, group, status, merged_into)
        for key, name, group, status, merged_into in connection.execute(
            "SELECT table_key, name, grp, status, merged_into FROM table_list WHERE workshop = ?",
            (workshop,),
        )
    }


def _put_table(
    connection: sqlite3.Connection,
    workshop: str,
    key: str,
    name: str,
    group: str,
    status: str,
    merged_into: str | None,
) -> None:
    connection.execute(
        "INSERT INTO table_list (workshop, table_key, name, grp, status, merged_into) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workshop, table_key) DO UPDATE SET "
        "name = excluded.name, grp = excluded.grp, status = excluded.status, "
        "merged_into = excluded.merged_into",
        (workshop, key, name, group, status, merged_into),
    )


def _submission_count(connection: sqlite3.Connection, workshop: str, key: str) -> int:
    return int(
        connection.execute(
            "SELECT COALESCE(SUM(count), 0) FROM current WHERE workshop = ? AND table_key = ?",
            (workshop, key),
        ).fetchone()[0]
    )


def _submitted_name(connection: sqlite3.Connection, workshop: str, key: str) -> str:
    row = connection.execute(
        "SELECT s.table_name FROM current AS c JOIN submissions AS s "
        "ON s.submission_id = c.submission_id WHERE c.workshop = ? AND c.table_key = ? "
        "ORDER BY c.round DESC LIMIT 1",
        (workshop, key),
    ).fetchone()
    return str(row[0]) if row else key


def _whole(value: object) -> int | str:
    if value is None or not math.isfinite(float(value)):
        return ""
    return int(round(float(value)))


def _check_round(round: object, caller: str) -> int | None:
    if round is None:
        return None
    if isinstance(round, bool) or not isinstance(round, numbers.Integral) or round < 1:
        raise ValueError(
            f"The 'round' parameter of {caller} must be an int >= 1 or None (the current "
            f"round). Got {round!r} instead."
        )
    return int(round)


def _names(values: object, parameter: str, caller: str) -> tuple[str, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        raise TypeError(
            f"The '{parameter}' parameter of {caller} must be a sequence of str or None. "
            f"Got {type(values).__name__} instead."
        )
    names = tuple(values)
    if not names or not all(isinstance(name, str) and name for name in names):
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must hold non-empty str names. "
            f"Got {list(names)!r} instead."
        )
    if len(set(names)) != len(names):
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must name each once. "
            f"Got {list(names)!r} instead."
        )
    return names
