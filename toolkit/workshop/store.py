"""The workshop's submission store: an append-only SQLite log shared by every kernel.

Voila starts one kernel per browser tab, so every participant's tab is a separate process
writing to the same file. SQLite in WAL mode lets readers carry on while one writer
commits; each write takes the write lock up front (``BEGIN IMMEDIATE``), waits for it
(``busy_timeout``) and, if the lock is still held, retries with a growing, jittered pause,
so that no submission is lost. Rows of the log are never changed or deleted (triggers
refuse it): resubmitting adds a row that supersedes the table's earlier one in the same
round, and both stay in the log.

Besides the log (``submissions``, the facilitator's ``events`` and ``room_results``, the
room's result recorded as each round closed) the file holds a little
state that is not part of the log and may change: the rounds (open or closed), the
facilitator's list of tables (with each table's stakeholder group, and whether it was
removed or merged into another), each table's slider draft (so that a reload restores the
sliders), each table's column code and hidden-name letter, given once when the table is
first seen (``table_marks``), and ``current``, an index of each table's latest submission
and submission count per round. ``current`` is updated in the same transaction as the
submission it points to, so that submitting and reading the latest submissions cost the
same however many rows the log holds.

Every SQLite or operating-system failure (a damaged file, a full disk, a folder that cannot
be written) is raised as :class:`StoreError`, whose ``message`` a participant can act on;
a submission the rules refuse (a closed round, a table not on the list, too soon after the
last, too many) is raised as :class:`SubmissionRefused`. Both are also written to a plain
text problems log beside the store, which the facilitator's view shows.

numpy and pandas are imported only to read, so that a writer starts quickly.

The store's parts, each in its own module: the file's layout and statements
(``_store_schema``), the values it takes and writes (``_store_values``), the list of
tables as read inside a transaction (``_store_listing``), the facilitator's changes:
rounds, tables and events (``_store_changes``), and reading the log (``_store_reading``).
This module holds the store itself: its connections, retries and plain errors,
submitting and drafts.
"""

from __future__ import annotations

import json
import math
import os
import random
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from toolkit.workshop._store_changes import ChangeSteps, RoundState, TableMark
from toolkit.workshop._store_listing import (
    ACTIVE,
    MERGED,
    REMOVED,
    TableRoundCount,
    mark_tables,
    merged_into_name,
    read_listing,
    round_count,
)
from toolkit.workshop._store_reading import ExportFormat, ReadingSteps
from toolkit.workshop._store_schema import REBUILD_CURRENT as _REBUILD_CURRENT  # noqa: F401
from toolkit.workshop._store_schema import (
    SCHEMA_VERSION,
    SQL_CURRENT,
    SQL_INSERT,
    SQL_LISTED,
    SQL_ROUND,
    SQL_TABLE,
    SQL_UPSERT_CURRENT,
    SUBMIT_STATEMENTS,
    rollback,
    round_of,
    upgrade,
)
from toolkit.workshop._store_values import (
    FORMULA_STARTS,
    MAX_NAME_LENGTH,
    WEIGHT_PREFIX,
    check_dots,
    check_names,
    check_options,
    check_shortlist,
    check_weights,
    clean_names,
    safe_cell,
    toolkit_version,
    utc,
)

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

#: Bytes read from the end of the problems log (its newest lines).
_PROBLEMS_TAIL = 1_000_000

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


class SubmissionStore(ChangeSteps, ReadingSteps):
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
        check_options(timeout, retries, min_interval, max_per_round, clock, caller)
        self.criteria = None if criteria is None else check_names(criteria, "criteria", caller)
        self.candidates = (
            None if candidates is None else check_names(candidates, "candidates", caller)
        )
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
            at = utc(self.clock(), "seconds").replace("T", " ").replace("+00:00", " UTC")
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
                upgrade(connection)
            connection.execute("COMMIT")
        except BaseException:
            rollback(connection)
            raise

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
                rollback(connection)
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
                rollback(connection)

        return self._with_retry(transaction, doing="read", workshop=workshop)

    def _fetch_all(self, workshop: str, query: str, parameters: tuple | None = None) -> list[tuple]:
        """Return every row a query gives (parameters: the workshop by default), with retries."""
        arguments = (workshop,) if parameters is None else parameters
        return self._with_retry(
            lambda connection: connection.execute(query, arguments).fetchall(),
            doing="read",
            workshop=workshop,
        )

    def _event(self, connection: sqlite3.Connection, workshop: str, kind: str, detail: str) -> None:
        connection.execute(
            "INSERT INTO events (workshop, at, kind, detail) VALUES (?, ?, ?, ?)",
            (workshop, utc(self.clock()), kind, detail),
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
        list, the table's entry in ``current`` and in ``table_marks``), adds the
        submission and updates ``current``: its cost does not grow with the rows in the
        log.
        """
        caller = "submit"
        workshop, table, role = clean_names(caller, workshop=workshop, table=table, role=role)
        checked_weights = check_weights(weights, self.criteria, caller)
        checked_shortlist = check_shortlist(shortlist, self.candidates, caller)
        checked_dots = check_dots(dots, self.candidates, caller)
        key = table.casefold()
        payload = (
            role,
            json.dumps(checked_weights),
            json.dumps(checked_shortlist),
            json.dumps(checked_dots),
        )
        version = toolkit_version()

        def insert(connection: sqlite3.Connection) -> int:
            number, is_open = round_of(connection, workshop)
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
                (workshop, name, key, *payload, utc(now), version, number),
            )
            submission = int(cursor.lastrowid)
            connection.execute(SQL_UPSERT_CURRENT, (workshop, number, key, submission, now))
            mark_tables(connection, workshop, [name])  # a table seen for the first time
            return submission

        return self._write(insert, doing="submit", workshop=workshop, table=table)

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
        name, _, status, _ = entry
        if status == REMOVED:
            raise self._refuse(
                f"The facilitator has taken '{name}' off the list of tables. Please ask the "
                "facilitator which table to choose.",
                "removed_table",
                workshop,
                table,
            )
        if status == MERGED:
            into = merged_into_name(key, read_listing(connection, workshop))
            raise self._refuse(
                f"The facilitator has merged '{name}' into '{into}'. Please choose '{into}' "
                "from the list and submit again.",
                "merged_table",
                workshop,
                table,
            )
        return str(name)

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
        workshop, table = clean_names(caller, workshop=workshop, table=table)
        checked = json.dumps(check_weights(weights, self.criteria, caller, allow_zero=True))
        key = table.casefold()

        def upsert(connection: sqlite3.Connection) -> None:
            name = self._listed_name(connection, workshop, table, key)
            connection.execute(
                "INSERT INTO drafts (workshop, table_key, table_name, weights, saved_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (workshop, table_key) DO UPDATE SET "
                "table_name = excluded.table_name, weights = excluded.weights, "
                "saved_at = excluded.saved_at",
                (workshop, key, name, checked, utc(self.clock())),
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
        workshop, table = clean_names("draft", workshop=workshop, table=table)
        key = table.casefold()

        def read(connection: sqlite3.Connection) -> dict[str, float] | None:
            number, _ = round_of(connection, workshop)
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

    def table_round_submissions(
        self, workshop: str, table: str, submission_id: int
    ) -> TableRoundCount | None:
        """Return where one of a table's submissions stands in its round: its place, and more.

        What a table's confirmation says ("your table's second submission this round",
        and when the one it replaces was sent). One row, read by the store's (workshop,
        table) index with a count, so that neither the answer nor the read grows with the
        log.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        table : str
            The table's name (case and spacing ignored).
        submission_id : int
            One of the table's submissions.

        Returns
        -------
        TableRoundCount or None
            ``round``, ``count`` (its place among the table's submissions in the round,
            1 for the first) and ``previous_at`` (when the table's submission before it in
            the round was sent, UTC; None for the first); None when the submission is not
            the table's.
        """
        workshop, table = clean_names("table_round_submissions", workshop=workshop, table=table)
        key = table.casefold()
        return self._read(
            lambda connection: round_count(connection, workshop, key, int(submission_id)),
            workshop=workshop,
        )


__all__ = [
    "ACTIVE",
    "FORMULA_STARTS",
    "MAX_NAME_LENGTH",
    "MERGED",
    "REMOVED",
    "SCHEMA_VERSION",
    "SQL_ROUND",
    "SUBMISSION_COLUMNS",
    "SUBMIT_STATEMENTS",
    "WEIGHT_PREFIX",
    "ExportFormat",
    "RoundState",
    "StoreError",
    "SubmissionRefused",
    "SubmissionStore",
    "TableMark",
    "safe_cell",
]
