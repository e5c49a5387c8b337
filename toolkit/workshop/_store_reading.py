"""Reading the store's log: submissions as tables, each table's latest, the decision log.

:class:`ReadingSteps` gives :class:`~toolkit.workshop.SubmissionStore` its reading methods:
:meth:`~ReadingSteps.submissions` (the whole log), :meth:`~ReadingSteps.latest` (what
counts in a round), :meth:`~ReadingSteps.dot_votes`, and the decision log for the board
report and for a spreadsheet (:meth:`~ReadingSteps.decision_log_csv`,
:meth:`~ReadingSteps.decision_log_json`, :meth:`~ReadingSteps.export`), every text cell
made safe from spreadsheet formulas. It runs on the store's own connections (``_read``,
``_fetch_all``) and knows its ``criteria``; numpy and pandas are imported only here, when
the log is read.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from toolkit.workshop._store_listing import (
    Listed,
    TableMark,
    counted,
    hidden_name,
    listing_rows,
    read_listing,
    read_marks,
    status_words,
)
from toolkit.workshop._store_schema import SELECT, SELECT_CURRENT, round_of
from toolkit.workshop._store_values import (
    WEIGHT_PREFIX,
    check_round,
    clean_name,
    natural_key,
    result_summary,
    safe_cell,
    toolkit_version,
    utc,
    whole,
)

if TYPE_CHECKING:
    import pandas as pd

ExportFormat = Literal["csv", "json"]


def superseded_flags(rows: Sequence[tuple]) -> list[bool]:
    """Whether each row of the log is replaced by a later one (same table, same round)."""
    last = {(row[10], row[3]): i for i, row in enumerate(rows)}
    return [last[(row[10], row[3])] != i for i, row in enumerate(rows)]


#: The decision log's columns for the room's result of each row's round (CSV).
ROOM_RESULT_HEADINGS = (
    "Room's list when the round closed",
    "Room's agreement score (Kendall's W)",
    "Room's list: tables' weights combined by",
    "Room's list length",
)


def _result_cells(result: Mapping | None, label: Any) -> list[object]:
    """Return the room's result's cells of a CSV row (empty when none was recorded)."""
    if result is None:
        return [""] * len(ROOM_RESULT_HEADINGS)
    how, score = result_summary(result)
    return [
        "; ".join(label(item) for item in result["shortlist"]),
        score,
        how,
        (result.get("settings") or {}).get("shortlist_size", len(result["shortlist"])),
    ]


#: The facilitator's changes whose words name no table, kept as they are in a decision log
#: with the names hidden; any other change is said without its details.
UNNAMED_EVENTS = frozenset({"round_opened", "round_closed", "room_result"})

#: The words of any other change in a decision log with the names hidden.
HIDDEN_EVENT_WORDS = (
    "A change to the list of tables (its details name tables, so they are left out)."
)


class _Log(NamedTuple):
    """The decision log as read (:meth:`ReadingSteps._log`)."""

    rows: list[tuple]
    replaced: list[bool]
    found: dict[int, str]
    status: dict[str, str]
    listed: dict[str, Listed]
    marks: dict[str, TableMark] | None


class ReadingSteps:
    """The store's reading and export (a part of :class:`~toolkit.workshop.SubmissionStore`)."""

    def _all_rows(self, workshop: str, round: int | None) -> list[tuple]:
        if round is None:
            return self._fetch_all(workshop, f"{SELECT} WHERE workshop = ? ORDER BY submission_id")
        return self._fetch_all(
            workshop,
            f"{SELECT} WHERE workshop = ? AND round = ? ORDER BY submission_id",
            (workshop, round),
        )

    def _latest_rows(self, workshop: str, round: int | None) -> tuple[int, list[tuple], dict]:
        """Return (round, that round's latest row per table, the table list), one snapshot."""

        def read(connection: sqlite3.Connection) -> tuple[int, list[tuple], dict]:
            number = round if round is not None else round_of(connection, workshop)[0]
            rows = connection.execute(
                f"{SELECT_CURRENT} WHERE c.workshop = ? AND c.round = ?", (workshop, number)
            ).fetchall()
            return number, rows, read_listing(connection, workshop)

        return self._read(read, workshop=workshop)

    def _counted_rows(self, workshop: str, round: int | None) -> list[tuple[tuple, str]]:
        """Return (row, table it counts as) for the rows :meth:`latest` counts, by table."""
        _, rows, listed = self._latest_rows(workshop, round)
        found = counted(rows, listed)
        return sorted(
            ((row, found[row[0]]) for row in rows if row[0] in found),
            key=lambda pair: natural_key(pair[1]),
        )

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
        workshop = clean_name(workshop, "workshop", "submissions")
        round = check_round(round, "submissions")
        rows = self._all_rows(workshop, round)
        return self._frame(rows, superseded=superseded_flags(rows))

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
        workshop = clean_name(workshop, "workshop", "latest")
        round = check_round(round, "latest")
        pairs = self._counted_rows(workshop, round)
        return self._frame(
            [row for row, _ in pairs],
            superseded=[False] * len(pairs),
            tables=[table for _, table in pairs],
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

        workshop = clean_name(workshop, "workshop", "dot_votes")
        round = check_round(round, "dot_votes")
        if latest:
            pairs = self._counted_rows(workshop, round)
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

    def _log(self, workshop: str, *, hide_names: bool = False) -> _Log:
        """Every submission, whether superseded, what counts (by round), tables' statuses.

        With ``hide_names``, each table is named by its letter (``hidden_name``) and the
        submissions' groups are left out.
        """

        def read(connection: sqlite3.Connection) -> tuple:
            rows = connection.execute(
                f"{SELECT} WHERE workshop = ? ORDER BY submission_id", (workshop,)
            ).fetchall()
            latest = connection.execute(
                f"{SELECT_CURRENT} WHERE c.workshop = ?", (workshop,)
            ).fetchall()
            marks = read_marks(connection, workshop) if hide_names else None
            return rows, latest, read_listing(connection, workshop), marks

        rows, latest, listed, marks = self._read(read, workshop=workshop)
        found: dict[int, str] = {}
        for number in sorted({row[10] for row in latest}):
            found.update(counted([row for row in latest if row[10] == number], listed))
        if marks is not None:
            rows = [(*row[:2], hidden_name(marks, row[3]), row[3], "", *row[5:]) for row in rows]
            found = {submission: hidden_name(marks, name) for submission, name in found.items()}
        return _Log(rows, superseded_flags(rows), found, status_words(listed, marks), listed, marks)

    def decision_log_csv(
        self,
        workshop: str,
        *,
        labels: Mapping[str, str] | None = None,
        criteria_labels: Mapping[str, str] | None = None,
        shortlist_labels: bool = True,
        hide_names: bool = False,
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
        numbers, then "Submission" (its number) and "Workshop". Once the room's result of
        a round is recorded (:meth:`room_result`, when the facilitator closes a round),
        four more columns give it on each row of that round (empty for a round without
        one): "Room's list when the round closed" (in order, joined by "; ", in labels or
        ids as "Shortlist"), "Room's
        agreement score (Kendall's W)", "Room's list: tables' weights combined by" and
        "Room's list length". Every text cell
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
        hide_names : bool
            Name each table by its letter, as the facilitator's screen does while the
            names are hidden ("Table Q", in "Table", "Counts as table" and "Table
            status"), and leave the groups empty: a group beside a letter could tell which
            table it is (False by default).

        Returns
        -------
        str
            The CSV text (one header line; lines end with CR LF; encode it as UTF-8).
        """
        workshop = clean_name(workshop, "workshop", "decision_log_csv")
        rows, replaced_rows, found, status, _, _ = self._log(workshop, hide_names=hide_names)
        names = self._criteria_names([json.loads(row[5]) for row in rows])
        results = {result["round"]: result for result in self.room_results(workshop)}
        labels = dict(labels or {})
        criteria_labels = dict(criteria_labels or {})

        def label(candidate: str) -> str:
            return labels.get(candidate, candidate) if shortlist_labels else candidate

        def room_label(item: Mapping) -> str:
            # The same rule as "Shortlist": labels when given, ids otherwise.
            return label(str(item.get("id")))

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
            *(ROOM_RESULT_HEADINGS if results else ()),
        ]
        buffer = io.StringIO()
        # Lines end with CR LF (RFC 4180): the csv module then also quotes a cell holding a
        # bare carriage return, which would otherwise split the row in a spreadsheet.
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([safe_cell(cell) for cell in header])
        for row, replaced in zip(rows, replaced_rows, strict=True):
            weights = json.loads(row[5])
            dots = json.loads(row[7])
            when = datetime.fromisoformat(row[8]).astimezone(UTC)
            cells = [
                row[2],
                row[4],
                int(row[10]),
                when.strftime("%Y-%m-%d %H:%M:%S"),
                "Yes" if replaced else "No",
                "Yes" if row[0] in found else "No",
                found.get(row[0], ""),
                status.get(row[3], ""),
                "; ".join(label(candidate) for candidate in json.loads(row[6])),
                "; ".join(f"{label(candidate)}: {count}" for candidate, count in dots.items()),
                *[whole(weights.get(name)) for name in names],
                int(row[0]),
                row[1],
            ]
            if results:
                cells += _result_cells(results.get(int(row[10])), room_label)
            writer.writerow([safe_cell(cell) for cell in cells])
        return buffer.getvalue()

    def decision_log_json(
        self,
        workshop: str,
        *,
        settings: Mapping[str, Any] | None = None,
        hide_names: bool = False,
    ) -> str:
        """Return the workshop's decision log as a JSON document, for the board report.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        settings : mapping, optional
            The settings the room used (``method``, ``shortlist_size``, ``per_cohort``,
            ``aggregation``), recorded so that the board report computes the room's answer
            the way the room saw it.
        hide_names : bool
            Name each table by its letter, as the facilitator's screen does while the
            names are hidden ("Table Q": the submissions' ``table``, ``counted_as`` and
            ``status``, the list of tables and the tables of each room's result); leave
            every group empty (a group beside a letter could tell which table it is) and
            say the changes to the list of tables without their details, which name
            tables (False by default).

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
            ``group``, ``status``), ``events`` (``at``, ``kind``, ``detail``) and
            ``room_results`` (the room's result recorded as each round closed, by round,
            as :meth:`room_result` returns it: the shortlist with ids and labels, the
            agreement and the settings used then).
        """
        workshop = clean_name(workshop, "workshop", "decision_log_json")
        rows, replaced_rows, found, status, listed, marks = self._log(
            workshop, hide_names=hide_names
        )
        events = self._event_rows(workshop)
        results = self.room_results(workshop)
        if marks is not None:
            events = [
                (at, kind, detail if kind in UNNAMED_EVENTS else HIDDEN_EVENT_WORDS)
                for at, kind, detail in events
            ]
            results = [
                {**result, "tables": [hidden_name(marks, t) for t in result.get("tables") or ()]}
                for result in results
            ]
        document = {
            "workshop": workshop,
            "exported_at": utc(self.clock(), "seconds"),
            "toolkit_version": toolkit_version(),
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
                    "counted": row[0] in found,
                    "counted_as": found.get(row[0]),
                    "status": status.get(row[3], ""),
                    "weights": json.loads(row[5]),
                    "shortlist": json.loads(row[6]),
                    "dots": json.loads(row[7]),
                }
                for row, replaced in zip(rows, replaced_rows, strict=True)
            ],
            "tables": [
                {"table": table, "group": group, "status": words}
                for table, group, words in listing_rows(listed, marks)
            ],
            "events": [{"at": at, "kind": kind, "detail": detail} for at, kind, detail in events],
            "room_results": results,
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


__all__ = ["ROOM_RESULT_HEADINGS", "ExportFormat", "ReadingSteps", "superseded_flags"]
