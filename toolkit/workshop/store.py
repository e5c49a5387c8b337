"""The workshop's submission store: an append-only SQLite log shared by every kernel.

Voila starts one kernel per browser tab, so every participant's tab is a separate process
writing to the same file. SQLite in WAL mode lets readers carry on while one writer
commits; each write takes the write lock up front (``BEGIN IMMEDIATE``), waits for it
(``busy_timeout``) and, if the lock is still held, retries with a growing, jittered pause,
so that no submission is lost. Rows are never changed or deleted (triggers refuse it):
resubmitting adds a row that supersedes the table's earlier one, and both stay in the log.
numpy and pandas are imported only to read, so that a writer starts quickly.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import random
import sqlite3
import time
from collections.abc import Mapping, Sequence
from contextlib import closing
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

#: Columns of :meth:`SubmissionStore.submissions` before the weight columns.
SUBMISSION_COLUMNS = (
    "submission_id",
    "workshop",
    "table",
    "role",
    "submitted_at",
    "toolkit_version",
    "superseded",
    "shortlist",
    "dots",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
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
CREATE INDEX IF NOT EXISTS submissions_by_table ON submissions (workshop, table_key);
CREATE TRIGGER IF NOT EXISTS submissions_no_update BEFORE UPDATE ON submissions
BEGIN SELECT RAISE(ABORT, 'the submissions log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS submissions_no_delete BEFORE DELETE ON submissions
BEGIN SELECT RAISE(ABORT, 'the submissions log is append-only'); END;
"""

_SELECT = (
    "SELECT submission_id, workshop, table_name, table_key, role, weights, shortlist, dots, "
    "submitted_at, toolkit_version FROM submissions"
)


def _toolkit_version() -> str:
    from toolkit import __version__

    return __version__


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


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
    import re

    return tuple(
        int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)
    )


class SubmissionStore:
    """Append-only log of each workshop table's weights, shortlist and dot votes.

    One SQLite file in WAL mode, shared safely by many processes (every Voila kernel).
    Every submission is kept with its time (UTC) and the toolkit version; a table that
    submits again supersedes its earlier submission, which stays in the log.

    Parameters
    ----------
    path : str or os.PathLike
        The SQLite file; created (with its tables) if it does not exist. Its folder must
        exist.
    criteria : sequence of str, optional
        The criteria weights must name. When given, a submission must give a weight for
        every one of them and no other; when None, any criterion names are accepted.
    candidates : sequence of str, optional
        The candidate ids a shortlist or dot vote may name; any when None.
    timeout : float
        Seconds a write waits for another writer's lock before retrying (5 by default).
    retries : int
        How many times a write is retried after the wait runs out (20 by default).

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
        self.criteria = None if criteria is None else _names(criteria, "criteria", caller)
        self.candidates = None if candidates is None else _names(candidates, "candidates", caller)
        self.timeout = float(timeout)
        self.retries = int(retries)
        self._with_retry(self._create)

    def __repr__(self) -> str:
        return f"SubmissionStore({str(self.path)!r})"

    # -- connections -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        return connection

    def _with_retry(self, action):
        """Run ``action(connection)`` on a fresh connection, retrying while the file is locked."""
        for attempt in range(self.retries + 1):
            try:
                with closing(self._connect()) as connection:
                    return action(connection)
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or attempt == self.retries:
                    raise
                time.sleep(min(0.05 * 2**attempt, 1.0) * (0.5 + random.random()))
        raise AssertionError("unreachable")  # pragma: no cover

    def _create(self, connection: sqlite3.Connection) -> None:
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"database is locked (journal mode {mode})")
        connection.executescript(_SCHEMA)

    # -- writing -----------------------------------------------------------------------

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
        """Add one table's submission to the log and return its id.

        Parameters
        ----------
        workshop : str
            The workshop's name (one store can hold several workshops).
        table : str
            The table's name ("Table 3"); whitespace is collapsed and case is ignored when
            deciding which earlier submission this one supersedes.
        role : str
            The stakeholder role(s) at the table ("Clinicians", "Mixed").
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
        TypeError, ValueError
            When an argument is of the wrong type or value; nothing is stored.
        """
        caller = "submit"
        workshop = _clean_name(workshop, "workshop", caller)
        table = _clean_name(table, "table", caller)
        role = _clean_name(role, "role", caller)
        checked_weights = self._check_weights(weights, caller)
        checked_shortlist = self._check_shortlist(shortlist, caller)
        checked_dots = self._check_dots(dots, caller)
        row = (
            workshop,
            table,
            table.casefold(),
            role,
            json.dumps(checked_weights),
            json.dumps(checked_shortlist),
            json.dumps(checked_dots),
            datetime.now(UTC).isoformat(timespec="microseconds"),
            _toolkit_version(),
        )

        def insert(connection: sqlite3.Connection) -> int:
            connection.execute("BEGIN IMMEDIATE")
            try:
                cursor = connection.execute(
                    "INSERT INTO submissions (workshop, table_name, table_key, role, weights, "
                    "shortlist, dots, submitted_at, toolkit_version) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            return int(cursor.lastrowid)

        return self._with_retry(insert)

    def _check_weights(self, weights: object, caller: str) -> dict[str, float]:
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
        if bad or not any(value > 0 for value in values.values()):
            raise ValueError(
                f"The 'weights' parameter of {caller} must be finite, non-negative and not all "
                f"zero. Got {values} instead."
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

    # -- reading -----------------------------------------------------------------------

    def _rows(self, workshop: str, *, latest: bool) -> list[tuple]:
        workshop = _clean_name(workshop, "workshop", "submissions")
        if latest:
            query = (
                f"{_SELECT} WHERE submission_id IN (SELECT MAX(submission_id) FROM submissions "
                "WHERE workshop = ? GROUP BY table_key) ORDER BY submission_id"
            )
        else:
            query = f"{_SELECT} WHERE workshop = ? ORDER BY submission_id"
        return self._with_retry(
            lambda connection: connection.execute(query, (workshop,)).fetchall()
        )

    def submissions(self, workshop: str) -> pd.DataFrame:
        """Return every submission of a workshop, oldest first, superseded ones included.

        Parameters
        ----------
        workshop : str
            The workshop's name.

        Returns
        -------
        pandas.DataFrame
            One row per submission: ``submission_id``, ``workshop``, ``table``, ``role``,
            ``submitted_at`` (UTC), ``toolkit_version``, ``superseded`` (a later submission
            from the same table replaces it), ``shortlist`` (candidate ids joined by
            ``"; "``), ``dots`` (total dots the table spent) and ``weight_<criterion>``
            per criterion.
        """
        return self._frame(self._rows(workshop, latest=False))

    def latest(self, workshop: str) -> pd.DataFrame:
        """Return each table's latest submission, tables in natural order ("Table 2" before 10).

        Parameters
        ----------
        workshop : str
            The workshop's name.

        Returns
        -------
        pandas.DataFrame
            As :meth:`submissions`, one row per table (``superseded`` is all False).
        """
        frame = self._frame(self._rows(workshop, latest=True))
        order = sorted(range(len(frame)), key=lambda i: _natural_key(frame["table"].iloc[i]))
        return frame.iloc[order].reset_index(drop=True)

    def dot_votes(self, workshop: str, *, latest: bool = True) -> pd.DataFrame:
        """Return the dot votes, one row per table and candidate with at least one dot.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        latest : bool
            Only each table's latest submission (True, the default), or every submission.

        Returns
        -------
        pandas.DataFrame
            Columns ``submission_id``, ``table``, ``candidate`` and ``dots``.
        """
        rows = self._rows(workshop, latest=latest)
        records = [
            (row[0], row[2], candidate, count)
            for row in rows
            for candidate, count in json.loads(row[7]).items()
        ]
        import pandas as pd

        frame = pd.DataFrame(records, columns=["submission_id", "table", "candidate", "dots"])
        return frame.astype({"submission_id": "int64", "dots": "int64"})

    def _frame(self, rows: list[tuple]) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        weights = [json.loads(row[5]) for row in rows]
        names = list(self.criteria) if self.criteria is not None else []
        for entry in weights:
            names.extend(name for name in entry if name not in names)

        def text(values: list[str]) -> pd.Series:
            # The text dtype (str in pandas 3, object before) even when there are no rows.
            return pd.Series(values, dtype="str")

        keys = [row[3] for row in rows]
        last_of_table = {key: i for i, key in enumerate(keys)}
        columns: dict[str, Any] = {
            "submission_id": np.array([row[0] for row in rows], dtype="int64"),
            "workshop": text([row[1] for row in rows]),
            "table": text([row[2] for row in rows]),
            "role": text([row[4] for row in rows]),
            "submitted_at": pd.to_datetime([row[8] for row in rows], utc=True, format="ISO8601"),
            "toolkit_version": text([row[9] for row in rows]),
            "superseded": np.array(
                [last_of_table[key] != i for i, key in enumerate(keys)], dtype=bool
            ),
            "shortlist": text(["; ".join(json.loads(row[6])) for row in rows]),
            "dots": np.array([sum(json.loads(row[7]).values()) for row in rows], dtype="int64"),
        }
        for name in names:
            columns[WEIGHT_PREFIX + name] = np.array(
                [entry.get(name, np.nan) for entry in weights], dtype="float64"
            )
        return pd.DataFrame(columns)

    # -- export ------------------------------------------------------------------------

    def export(
        self,
        workshop: str,
        path: str | os.PathLike[str],
        *,
        format: ExportFormat | None = None,
        overwrite: bool = False,
        settings: Mapping[str, Any] | None = None,
    ) -> Path:
        """Write the workshop's decision log for the board report.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        path : str or os.PathLike
            The file to write.
        format : {"csv", "json"}, optional
            ``"csv"``: one row per submission as :meth:`submissions` (flat, for a
            spreadsheet). ``"json"``: the workshop, when it was exported and with which
            toolkit version, and every submission with its weights, shortlist and dot
            votes as given. By default taken from the file's suffix.
        overwrite : bool
            Replace an existing file (False by default: an existing file is an error).
        settings : mapping, optional
            The settings the room used (``method``, ``shortlist_size``, ``per_cohort``,
            ``aggregation``), recorded in the JSON log so that the board report computes
            the room's answer the way the room saw it.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        caller = "export"
        target = Path(path)
        chosen = format if format is not None else target.suffix.lstrip(".").lower()
        if chosen not in _EXPORTERS:
            raise ValueError(
                f"The 'format' parameter of {caller} must be one of {sorted(_EXPORTERS)} (or "
                f"given by the file's suffix). Got {chosen!r} instead."
            )
        if target.exists() and not overwrite:
            raise FileExistsError(
                f"{caller}: {str(target)!r} exists; pass overwrite=True to replace it."
            )
        if chosen == "json":
            self._export_json(workshop, target, settings=settings)
        else:
            _EXPORTERS[chosen](self, workshop, target)
        return target

    def _export_csv(self, workshop: str, target: Path) -> None:
        frame = self.submissions(workshop)
        frame.assign(
            submitted_at=frame["submitted_at"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        ).to_csv(target, index=False)

    def _export_json(
        self, workshop: str, target: Path, settings: Mapping[str, Any] | None = None
    ) -> None:
        rows = self._rows(workshop, latest=False)

        def text(values: list[str]) -> pd.Series:
            # The text dtype (str in pandas 3, object before) even when there are no rows.
            return pd.Series(values, dtype="str")

        keys = [row[3] for row in rows]
        last_of_table = {key: i for i, key in enumerate(keys)}
        document = {
            "workshop": _clean_name(workshop, "workshop", "export"),
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "toolkit_version": _toolkit_version(),
            "settings": dict(settings or {}),
            "submissions": [
                {
                    "submission_id": row[0],
                    "table": row[2],
                    "role": row[4],
                    "submitted_at": row[8],
                    "toolkit_version": row[9],
                    "superseded": last_of_table[row[3]] != i,
                    "weights": json.loads(row[5]),
                    "shortlist": json.loads(row[6]),
                    "dots": json.loads(row[7]),
                }
                for i, row in enumerate(rows)
            ],
        }
        target.write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )


#: Decision-log writers by format name.
_EXPORTERS = {
    "csv": SubmissionStore._export_csv,
    "json": SubmissionStore._export_json,
}


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
