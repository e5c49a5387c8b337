"""The facilitator's list of tables, and which submission counts for which table.

Read and written inside the store's transactions: each table on the list has a name, a
stakeholder group and a status (active, removed, or merged into another table). A removed
table's submissions stay in the log but do not count; a merged table's latest submission
in a round counts as its target's when the target has none later.

Each table is also given, once, the first time it is seen (put on the list or submitting),
a column code ("T7") and a letter for when names are hidden ("Q"): :func:`mark_tables`.
They never change, so no code or letter passes to another table.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from toolkit.workshop._store_schema import SQL_MARKED, count
from toolkit.workshop._store_values import natural_key

#: Table statuses in :meth:`SubmissionStore.tables`.
ACTIVE, REMOVED, MERGED = "active", "removed", "merged"


@dataclass(frozen=True)
class Listed:
    """A table on the list: its name, group, status and (when merged) its target's key."""

    name: str
    group: str
    status: str
    merged_into: str | None


def read_listing(connection: sqlite3.Connection, workshop: str) -> dict[str, Listed]:
    """Return the workshop's list of tables, by table key (the name in lower case)."""
    return {
        key: Listed(name, group, status, merged_into)
        for key, name, group, status, merged_into in connection.execute(
            "SELECT table_key, name, grp, status, merged_into FROM table_list WHERE workshop = ?",
            (workshop,),
        )
    }


def put_table(
    connection: sqlite3.Connection,
    workshop: str,
    key: str,
    name: str,
    group: str,
    status: str,
    merged_into: str | None,
) -> None:
    """Add a table to the list, or change its entry (a new table is marked: :func:`mark_tables`)."""
    connection.execute(
        "INSERT INTO table_list (workshop, table_key, name, grp, status, merged_into) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workshop, table_key) DO UPDATE SET "
        "name = excluded.name, grp = excluded.grp, status = excluded.status, "
        "merged_into = excluded.merged_into",
        (workshop, key, name, group, status, merged_into),
    )
    mark_tables(connection, workshop, [name])


#: A table named "Table 7" (any case, any spacing) is column T7.
_NUMBERED = re.compile(r"(?i)^table\s*(\d{1,4})$")


@dataclass(frozen=True)
class TableMark:
    """A table's marks, given once: its column code ("T7") and hidden-name letter ("Q")."""

    name: str
    code: str
    letter: str


@dataclass(frozen=True)
class TableRoundCount:
    """Where one of a table's submissions stands in its round (for its confirmation).

    Attributes
    ----------
    round : int
        The submission's round.
    count : int
        Its place among the table's submissions in that round (1: the first).
    previous_at : datetime.datetime or None
        When (UTC) the table's submission before it in the round was sent; None for the
        first.
    """

    round: int
    count: int
    previous_at: datetime | None


#: One submission's round, its place among the table's submissions in that round and the
#: time of the one before: one row, by the store's (workshop, table) index.
SQL_ROUND_COUNT = (
    "SELECT s.round, (SELECT COUNT(*) FROM submissions WHERE workshop = s.workshop AND "
    "table_key = s.table_key AND round = s.round AND submission_id <= s.submission_id), "
    "(SELECT submitted_at FROM submissions WHERE workshop = s.workshop AND table_key = "
    "s.table_key AND round = s.round AND submission_id < s.submission_id ORDER BY "
    "submission_id DESC LIMIT 1) FROM submissions AS s WHERE s.workshop = ? AND "
    "s.table_key = ? AND s.submission_id = ?"
)


def round_count(
    connection: sqlite3.Connection, workshop: str, key: str, submission_id: int
) -> TableRoundCount | None:
    """Return where a table's submission stands in its round, read as one row.

    Parameters
    ----------
    connection : sqlite3.Connection
        An open connection to the store.
    workshop : str
        The workshop's name.
    key : str
        The table's key in the store (its name, cleaned and in lower case).
    submission_id : int
        The submission.

    Returns
    -------
    TableRoundCount or None
        The submission's round, its place among the table's submissions in that round
        (1 for the first) and when the one before it came (UTC; None for the first); None
        when the submission is not the table's in this workshop.
    """
    row = connection.execute(SQL_ROUND_COUNT, (workshop, key, int(submission_id))).fetchone()
    if row is None:
        return None
    previous = None
    if row[2] is not None:
        previous = datetime.fromisoformat(str(row[2]))
        previous = previous if previous.tzinfo is not None else previous.replace(tzinfo=UTC)
    return TableRoundCount(int(row[0]), int(row[1]), previous)


def letters(number: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": anonymous table names."""
    text = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


def code_number(name: str, taken: Iterable[int]) -> int:
    """Return the number of a new table's code: N for "Table N", unless another table has it.

    Any other name, or a number already given, takes the one after the largest given.
    """
    used = set(taken)
    match = _NUMBERED.match(name.strip())
    if match and int(match.group(1)) > 0 and int(match.group(1)) not in used:
        return int(match.group(1))
    return max(used, default=0) + 1


def code_order(names: Iterable[str]) -> list[str]:
    """Return names in the order a batch is given codes: "Table N" names first, naturally.

    So that, of tables seen together (a list set at once), each "Table N" keeps N; a
    second name with the same N ("Table 02" beside "Table 2") waits with the others.
    """
    first, rest, numbers = [], [], set()
    for name in sorted(dict.fromkeys(names), key=natural_key):
        match = _NUMBERED.match(name.strip())
        if match and int(match.group(1)) not in numbers:
            numbers.add(int(match.group(1)))
            first.append(name)
        else:
            rest.append(name)
    return first + rest


def _random_letter(taken: set[str]) -> str:
    """Return a letter no table has, at random among the shortest ones still free."""
    start, size = 0, 26
    while True:
        free = [letters(i) for i in range(start, start + size) if letters(i) not in taken]
        if free:
            return secrets.choice(free)
        start, size = start + size, size * 26


def read_marks(connection: sqlite3.Connection, workshop: str) -> dict[str, TableMark]:
    """Return every table's marks, by table key, in the order the tables were first seen."""
    return {
        key: TableMark(name, code, letter)
        for key, name, code, letter in connection.execute(
            "SELECT table_key, name, code, letter FROM table_marks WHERE workshop = ? "
            "ORDER BY seen",
            (workshop,),
        )
    }


def mark_tables(connection: sqlite3.Connection, workshop: str, names: Iterable[str]) -> None:
    """Give each table not yet marked its code and letter, for good (see :func:`code_order`)."""
    wanted = {}
    for name in names:
        key = str(name).casefold()
        if key not in wanted and not connection.execute(SQL_MARKED, (workshop, key)).fetchone():
            wanted[key] = str(name)
    if not wanted:
        return
    rows = connection.execute(
        "SELECT code, letter, seen FROM table_marks WHERE workshop = ?", (workshop,)
    ).fetchall()
    numbers = {int(code[1:]) for code, _, _ in rows if code[1:].isdigit()}
    taken = {letter for _, letter, _ in rows}
    seen = max((int(row[2]) for row in rows), default=0)
    for name in code_order(wanted.values()):
        number = code_number(name, numbers)
        letter = _random_letter(taken)
        numbers.add(number)
        taken.add(letter)
        seen += 1
        connection.execute(
            "INSERT INTO table_marks (workshop, table_key, name, code, letter, seen) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (workshop, name.casefold(), name, f"T{number}", letter, seen),
        )


def mark_known_tables(connection: sqlite3.Connection) -> None:
    """Mark every table a file already knows (upgrading it): in natural order, per workshop.

    "Table N" keeps TN; other names follow, in natural order (a screen before the upgrade
    numbered the columns by position, so its codes may differ).
    """
    known: dict[str, dict[str, str]] = {}
    for workshop, key, name in connection.execute(
        "SELECT workshop, table_key, name FROM table_list UNION ALL "
        "SELECT workshop, table_key, MIN(table_name) FROM submissions "
        "GROUP BY workshop, table_key"
    ):
        known.setdefault(workshop, {}).setdefault(key, name)
    for workshop, names in known.items():
        mark_tables(connection, workshop, names.values())


def final_key(key: str, listed: Mapping[str, Listed]) -> str:
    """Follow merges from a table to the table it now counts as."""
    seen = {key}
    while key in listed and listed[key].status == MERGED and listed[key].merged_into:
        key = listed[key].merged_into
        if key in seen:  # pragma: no cover - merge_tables refuses cycles
            break
        seen.add(key)
    return key


def merged_into_name(key: str, listed: Mapping[str, Listed]) -> str | None:
    """Return the name of the table a merged table now counts as (following every merge)."""
    target = listed.get(final_key(key, listed))
    return target.name if target is not None else listed[key].merged_into


def hidden_name(marks: Mapping[str, TableMark], table: str) -> str:
    """Return a table's name as shown while names are hidden: "Table Q", by its letter.

    ``table`` is its name or key (any case); a table not marked is "Table ?".
    """
    mark = marks.get(str(table).casefold())
    return f"Table {mark.letter if mark is not None else '?'}"


def status_words(
    listed: Mapping[str, Listed], marks: Mapping[str, TableMark] | None = None
) -> dict[str, str]:
    """Return each listed table's status in words: active, removed, merged into Table 3.

    With ``marks`` (names hidden), the table a merged table went into is named by its
    letter (:func:`hidden_name`).
    """

    def target(key: str) -> str | None:
        if marks is None:
            return merged_into_name(key, listed)
        return hidden_name(marks, final_key(key, listed))

    return {
        key: f"merged into {target(key)}" if entry.status == MERGED else entry.status
        for key, entry in listed.items()
    }


def listing_rows(
    listed: Mapping[str, Listed], marks: Mapping[str, TableMark] | None = None
) -> list[tuple[str, str, str]]:
    """Return the list of tables as rows of name, group and status, in natural order.

    With ``marks`` (names hidden), each table is named by its letter (:func:`hidden_name`)
    and its group is left out (""): a group beside a letter could tell which table it is.
    """
    words = status_words(listed, marks)
    rows = [
        (entry.name, entry.group, words[key])
        if marks is None
        else (hidden_name(marks, key), "", words[key])
        for key, entry in listed.items()
    ]
    rows.sort(key=lambda row: natural_key(row[0]))
    return rows


def counted(rows: Sequence[tuple], listed: Mapping[str, Listed]) -> dict[int, str]:
    """Return {submission id: table it counts as} for one round's latest rows.

    A removed table's submission does not count; a merged table's counts as its target's
    when the target has none later (the later of the two counts).
    """
    best: dict[str, tuple] = {}
    for row in rows:
        target = final_key(row[3], listed)
        entry = listed.get(target)
        if entry is not None and entry.status == REMOVED:
            continue
        if target not in best or row[0] > best[target][0]:
            best[target] = row
    found: dict[int, str] = {}
    for target, row in best.items():
        if row[3] == target:
            found[row[0]] = row[2]
        else:
            entry = listed.get(target)
            found[row[0]] = entry.name if entry is not None else target
    return found


def submission_count(connection: sqlite3.Connection, workshop: str, key: str) -> int:
    """Return how many submissions a table has made, over every round."""
    return count(
        connection,
        "SELECT COALESCE(SUM(count), 0) FROM current WHERE workshop = ? AND table_key = ?",
        (workshop, key),
    )


def submitted_name(connection: sqlite3.Connection, workshop: str, key: str) -> str:
    """Return a table's name as it last submitted (its key when it never did)."""
    row = connection.execute(
        "SELECT s.table_name FROM current AS c JOIN submissions AS s "
        "ON s.submission_id = c.submission_id WHERE c.workshop = ? AND c.table_key = ? "
        "ORDER BY c.round DESC LIMIT 1",
        (workshop, key),
    ).fetchone()
    return str(row[0]) if row else key


__all__ = [
    "ACTIVE",
    "MERGED",
    "REMOVED",
    "Listed",
    "SQL_ROUND_COUNT",
    "TableMark",
    "TableRoundCount",
    "code_number",
    "code_order",
    "counted",
    "final_key",
    "hidden_name",
    "letters",
    "listing_rows",
    "mark_known_tables",
    "mark_tables",
    "merged_into_name",
    "put_table",
    "read_listing",
    "read_marks",
    "round_count",
    "status_words",
    "submission_count",
    "submitted_name",
]
