"""The facilitator's list of tables, and which submission counts for which table.

Read and written inside the store's transactions: each table on the list has a name, a
stakeholder group and a status (active, removed, or merged into another table). A removed
table's submissions stay in the log but do not count; a merged table's latest submission
in a round counts as its target's when the target has none later.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from toolkit.workshop._store_schema import count

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
    """Add a table to the list, or change its entry."""
    connection.execute(
        "INSERT INTO table_list (workshop, table_key, name, grp, status, merged_into) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workshop, table_key) DO UPDATE SET "
        "name = excluded.name, grp = excluded.grp, status = excluded.status, "
        "merged_into = excluded.merged_into",
        (workshop, key, name, group, status, merged_into),
    )


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


def status_words(listed: Mapping[str, Listed]) -> dict[str, str]:
    """Return each listed table's status in words: active, removed, merged into Table 3."""
    return {
        key: f"merged into {merged_into_name(key, listed)}"
        if entry.status == MERGED
        else entry.status
        for key, entry in listed.items()
    }


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
    "counted",
    "final_key",
    "merged_into_name",
    "put_table",
    "read_listing",
    "status_words",
    "submission_count",
    "submitted_name",
]
