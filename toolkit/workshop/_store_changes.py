"""The facilitator's changes: the rounds, the list of tables, each table's own link.

:class:`ChangeSteps` gives :class:`~toolkit.workshop.SubmissionStore` the methods the
facilitator's view calls: the rounds (:meth:`~ChangeSteps.current_round`,
:meth:`~ChangeSteps.open_round`, :meth:`~ChangeSteps.close_round`,
:meth:`~ChangeSteps.submitted_rounds`; the room's result as a round closed:
:meth:`~ChangeSteps.record_room_result`, :meth:`~ChangeSteps.room_result`), the list of
tables (:meth:`~ChangeSteps.set_tables`,
:meth:`~ChangeSteps.add_table`, :meth:`~ChangeSteps.remove_table`,
:meth:`~ChangeSteps.merge_tables`, :meth:`~ChangeSteps.tables`), each table's private link
code (:meth:`~ChangeSteps.table_code`, :meth:`~ChangeSteps.table_for_code`), each
table's column code and letter (:meth:`~ChangeSteps.table_marks`) and the log of
these changes (:meth:`~ChangeSteps.events`). Every change is one write transaction,
logged as an event; nothing is ever deleted from the log. It runs on the store's own
connections (``_with_retry``, ``_write``, ``_fetch_all``, ``_event``) and its ``clock``.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.workshop._store_listing import (
    ACTIVE,
    MERGED,
    REMOVED,
    Listed,
    TableMark,
    listing_rows,
    mark_tables,
    put_table,
    read_listing,
    read_marks,
    submission_count,
    submitted_name,
)
from toolkit.workshop._store_schema import SQL_LISTED, TABLE_CODES, count, round_of, round_row
from toolkit.workshop._store_values import (
    check_round,
    clean_name,
    clean_names,
    natural_key,
    result_of,
    result_words,
    utc,
)

if TYPE_CHECKING:
    import pandas as pd

#: What ``open_round`` and ``close_round`` call, inside their write, to get the room's
#: result of the round they close (None: nothing to record).
ResultOf = Callable[[int], Mapping | None]


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


def _name_and_group(
    connection: sqlite3.Connection, workshop: str, key: str, entry: Listed | None
) -> tuple[str, str]:
    """Return the name and group a table keeps as it leaves the list (removed or merged).

    A table on the list keeps its own; one that only submitted (never listed) is named as it
    last submitted, in the group "Mixed table".
    """
    if entry is not None:
        return entry.name, entry.group
    return submitted_name(connection, workshop, key), "Mixed table"


class ChangeSteps:
    """The facilitator's changes (a part of :class:`~toolkit.workshop.SubmissionStore`)."""

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
        workshop = clean_name(workshop, "workshop", "current_round")
        number, is_open = self._with_retry(
            lambda connection: round_of(connection, workshop),
            doing="read",
            workshop=workshop,
        )
        return RoundState(number, is_open)

    def open_round(self, workshop: str, *, result: ResultOf | None = None) -> int:
        """Open the next round and return its number.

        If the current round is open and nobody has submitted in it yet, it stays the
        round (so the first call opens round 1); otherwise the current round is closed,
        if open, and the next one opens. Logged as events.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        result : callable, optional
            As for :meth:`close_round`: the room's result of the round this closes,
            recorded in the same write. It runs inside the store's write lock, so it must
            be quick and must not write to the store (see :meth:`close_round`'s Notes).

        Returns
        -------
        int
            The open round's number.

        Raises
        ------
        StoreError
            When the store cannot be written.
        """
        workshop = clean_name(workshop, "workshop", "open_round")

        def change(connection: sqlite3.Connection) -> int:
            number, is_open, exists = round_row(connection, workshop)
            used = self._tables_in_round(connection, workshop, number)
            now = utc(self.clock())
            if is_open and not used:
                if not exists:
                    self._open(connection, workshop, number, now)
                return number
            if is_open:
                self._close(connection, workshop, number, exists=exists, used=used)
                self._record_in(connection, workshop, number, result)
            self._open(connection, workshop, number + 1, now)
            return number + 1

        return self._write(change, doing="change", workshop=workshop)

    def close_round(self, workshop: str, *, result: ResultOf | None = None) -> int:
        """Close the current round (tables can no longer submit in it) and return its number.

        Closing a closed round changes nothing. Logged as an event.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        result : callable, optional
            Called with the round's number inside the write that closes it (no table can
            submit meanwhile, so what it reads is the round as closed); what it returns
            (as :meth:`record_room_result` takes, or None for nothing) is recorded in the
            same transaction: the round is never closed without its record. If it
            raises, nothing is changed.

        Returns
        -------
        int
            The closed round's number.

        Raises
        ------
        ValueError
            When ``result`` returns something other than a mapping with a ``shortlist``
            list, or None.
        StoreError
            When the store cannot be written.

        Notes
        -----
        ``result`` runs inside the store's write lock: the transaction that closes the
        round is open while it runs, so every other write to the store (each table's
        submission, every other kernel's change) waits for it, and a wait longer than the
        store's timeout fails as a ``StoreError``. Keep it quick (work out the room's
        result from what it reads, nothing more) and never let it write to the store
        (:meth:`record_room_result`, ``submit`` or any other change): a write from inside
        it waits for the lock its own caller holds, and fails after the store's timeout
        and retries, which leaves the round as it was. It may read the store. The same
        holds for :meth:`open_round`'s ``result``.
        """
        workshop = clean_name(workshop, "workshop", "close_round")

        def change(connection: sqlite3.Connection) -> int:
            number, is_open, exists = round_row(connection, workshop)
            if is_open:
                used = self._tables_in_round(connection, workshop, number)
                self._close(connection, workshop, number, exists=exists, used=used)
                self._record_in(connection, workshop, number, result)
            return number

        return self._write(change, doing="change", workshop=workshop)

    def _record_in(
        self, connection: sqlite3.Connection, workshop: str, number: int, result: ResultOf | None
    ) -> bool:
        """Record the room's result of a round closing in this write (``result``'s answer)."""
        if result is None:
            return False
        document = result(number)
        if document is None:
            return False
        return self._insert_result(connection, workshop, number, document, "close_round")

    def _insert_result(
        self,
        connection: sqlite3.Connection,
        workshop: str,
        number: int,
        result: object,
        caller: str,
    ) -> bool:
        if not isinstance(result, Mapping) or not isinstance(result.get("shortlist"), list):
            raise ValueError(
                f"The 'result' parameter of {caller} must be a mapping with a 'shortlist' "
                f"list. Got {type(result).__name__} instead."
            )
        document = {**dict(result), "round": number}
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
        done = connection.execute(
            "INSERT OR IGNORE INTO room_results (workshop, round, recorded_at, result) "
            "VALUES (?, ?, ?, ?)",
            (workshop, number, utc(self.clock()), text),
        ).rowcount
        if done:
            self._event(connection, workshop, "room_result", result_words(document))
        return bool(done)

    def _open(self, connection: sqlite3.Connection, workshop: str, number: int, now: str) -> None:
        connection.execute(
            "INSERT INTO rounds (workshop, number, open, opened_at) VALUES (?, ?, 1, ?)",
            (workshop, number, now),
        )
        self._event(connection, workshop, "round_opened", f"Round {number} was opened.")

    def _close(
        self, connection: sqlite3.Connection, workshop: str, number: int, *, exists: bool, used: int
    ) -> None:
        now = utc(self.clock())
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
        return count(
            connection,
            "SELECT COUNT(*) FROM current WHERE workshop = ? AND round = ?",
            (workshop, number),
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
        workshop = clean_name(workshop, "workshop", "submitted_rounds")
        rows = self._fetch_all(
            workshop, "SELECT DISTINCT round FROM current WHERE workshop = ? ORDER BY round"
        )
        return [int(row[0]) for row in rows]

    def record_room_result(self, workshop: str, round: int, result: Mapping) -> bool:
        """Record the room's result of a closed round, as the facilitator's screen showed it.

        The first record of a round stands (the result as it stood when the round closed);
        recording again changes nothing. Logged as an event (``room_result``) in words.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        round : int
            The round, which must be closed.
        result : mapping
            What the room decided, as JSON values: ``shortlist`` (a list of ``{"id",
            "label"}`` in order), ``agreement`` (``{"w", ...}`` or None), ``tables``,
            ``room_weights`` and ``settings`` (``aggregation``, ``shortlist_size``...);
            see :meth:`room_result`.

        Returns
        -------
        bool
            True when recorded now; False when the round already had a record.

        Raises
        ------
        ValueError
            When the round is not closed, or ``result`` has no ``shortlist`` list.
        StoreError
            When the store cannot be written.
        """
        caller = "record_room_result"
        workshop = clean_name(workshop, "workshop", caller)
        number = check_round(round, caller)
        if number is None:
            raise ValueError(f"The 'round' parameter of {caller} must be an int >= 1.")
        if not isinstance(result, Mapping) or not isinstance(result.get("shortlist"), list):
            raise ValueError(
                f"The 'result' parameter of {caller} must be a mapping with a 'shortlist' "
                f"list. Got {type(result).__name__} instead."
            )
        json.dumps(result, allow_nan=False)  # refuse what cannot be recorded, before the write

        def change(connection: sqlite3.Connection) -> bool:
            current, is_open = round_of(connection, workshop)
            if number > current or (number == current and is_open):
                raise ValueError(
                    f"{caller}: round {number} is not closed; the room's result is recorded "
                    "when a round closes."
                )
            return self._insert_result(connection, workshop, number, result, caller)

        return self._write(change, doing="change", workshop=workshop)

    def room_result(self, workshop: str, round: int) -> dict | None:
        """Return the room's result recorded when a round closed, or None when none was.

        Parameters
        ----------
        workshop : str
            The workshop's name.
        round : int
            The round.

        Returns
        -------
        dict or None
            As recorded by :meth:`record_room_result`, with ``round`` and ``recorded_at``
            (UTC): ``shortlist`` (``[{"id": ..., "label": ...}, ...]``, the room's list in
            order), ``agreement`` (``{"w", "p_value", "baseline_median",
            "baseline_upper"}``, or None with fewer than two tables), ``on_every_list``,
            ``tables`` (the tables counted), ``headline`` (in words), ``room_weights``
            (``shares``: each criterion's share of the room's weight, criterion name to a
            fraction, as the facilitator's screen showed it; ``tables``: how many tables'
            weights it combines; absent from records made before it was kept) and
            ``settings`` (``method``, ``aggregation``, ``aggregation_label``,
            ``shortlist_size``, ``per_cohort``).
        """
        caller = "room_result"
        workshop = clean_name(workshop, "workshop", caller)
        number = check_round(round, caller)
        if number is None:
            raise ValueError(f"The 'round' parameter of {caller} must be an int >= 1.")
        rows = self._fetch_all(
            workshop,
            "SELECT round, recorded_at, result FROM room_results WHERE workshop = ? AND round = ?",
            (workshop, number),
        )
        return result_of(rows[0]) if rows else None

    def room_results(self, workshop: str) -> list[dict]:
        """Return every recorded room's result (:meth:`room_result`), by round."""
        workshop = clean_name(workshop, "workshop", "room_results")
        rows = self._fetch_all(
            workshop,
            "SELECT round, recorded_at, result FROM room_results WHERE workshop = ? ORDER BY round",
        )
        return [result_of(row) for row in rows]

    def events(self, workshop: str) -> pd.DataFrame:
        """Return the facilitator's changes (rounds, tables), oldest first.

        Parameters
        ----------
        workshop : str
            The workshop's name.

        Returns
        -------
        pandas.DataFrame
            ``at`` (UTC), ``kind`` (``round_opened``, ``round_closed``, ``room_result``,
            ``tables_set``, ``table_added``, ``table_removed``, ``tables_merged``) and
            ``detail`` (in words).
        """
        import pandas as pd

        workshop = clean_name(workshop, "workshop", "events")
        rows = self._event_rows(workshop)
        return pd.DataFrame(
            {
                "at": pd.to_datetime([row[0] for row in rows], utc=True, format="ISO8601"),
                "kind": pd.Series([row[1] for row in rows], dtype="str"),
                "detail": pd.Series([row[2] for row in rows], dtype="str"),
            }
        )

    def _event_rows(self, workshop: str) -> list[tuple]:
        return self._fetch_all(
            workshop, "SELECT at, kind, detail FROM events WHERE workshop = ? ORDER BY event_id"
        )

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
        workshop = clean_name(workshop, "workshop", caller)
        if not isinstance(tables, Mapping) or not tables:
            raise ValueError(
                f"The 'tables' parameter of {caller} must be a non-empty mapping of table "
                f"names to stakeholder groups. Got {tables!r} instead."
            )
        wanted: dict[str, tuple[str, str]] = {}
        for name, group in tables.items():
            cleaned = clean_name(name, "tables", caller)
            if cleaned.casefold() in wanted:
                raise ValueError(
                    f"The 'tables' parameter of {caller} must name each table once (case and "
                    f"spacing ignored). Got {cleaned!r} twice instead."
                )
            wanted[cleaned.casefold()] = (cleaned, clean_name(group, "tables", caller))

        def listed(connection: sqlite3.Connection) -> bool:
            return connection.execute(SQL_LISTED, (workshop,)).fetchone() is not None

        # Every kernel asks on start; a read answers without taking the write lock.
        if not replace and self._with_retry(listed, doing="read", workshop=workshop):
            return False

        def change(connection: sqlite3.Connection) -> bool:
            if not replace and listed(connection):  # another kernel may have just set it
                return False
            listing = read_listing(connection, workshop)
            for key, entry in listing.items():
                if key not in wanted and entry.status == ACTIVE:
                    connection.execute(
                        "UPDATE table_list SET status = ? WHERE workshop = ? AND table_key = ?",
                        (REMOVED, workshop, key),
                    )
            mark_tables(connection, workshop, [name for name, _ in wanted.values()])
            for key, (name, group) in wanted.items():
                put_table(connection, workshop, key, name, group, ACTIVE, None)
            names = ", ".join(
                f"{name} ({group})"
                for name, group in sorted(wanted.values(), key=lambda item: natural_key(item[0]))
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
        workshop, name, group = clean_names("add_table", workshop=workshop, name=name, group=group)
        key = name.casefold()

        def change(connection: sqlite3.Connection) -> None:
            entry = read_listing(connection, workshop).get(key)
            if entry is not None and entry.status == ACTIVE:
                raise ValueError(f"'{entry.name}' is already on the list of tables.")
            put_table(connection, workshop, key, name, group, ACTIVE, None)
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
        workshop, name = clean_names("remove_table", workshop=workshop, name=name)
        key = name.casefold()

        def change(connection: sqlite3.Connection) -> None:
            listing = read_listing(connection, workshop)
            entry = listing.get(key)
            submitted = submission_count(connection, workshop, key)
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
            shown, group = _name_and_group(connection, workshop, key, entry)
            put_table(connection, workshop, key, shown, group, REMOVED, None)
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
        workshop, source, into = clean_names(
            "merge_tables", workshop=workshop, source=source, into=into
        )
        source_key, into_key = source.casefold(), into.casefold()
        if source_key == into_key:
            raise ValueError(f"A table cannot be merged into itself ('{source}').")

        def change(connection: sqlite3.Connection) -> None:
            listing = read_listing(connection, workshop)
            listed = any(entry.status == ACTIVE for entry in listing.values())
            source_entry, into_entry = listing.get(source_key), listing.get(into_key)
            if source_entry is None and not submission_count(connection, workshop, source_key):
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
                listed or not submission_count(connection, workshop, into_key)
            ):
                raise ValueError(f"'{into}' is not on the list of tables; add it first.")
            into_name = into_entry.name if into_entry is not None else into
            shown, group = _name_and_group(connection, workshop, source_key, source_entry)
            put_table(connection, workshop, source_key, shown, group, MERGED, into_key)
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

        workshop = clean_name(workshop, "workshop", "tables")
        listing = self._with_retry(
            lambda connection: read_listing(connection, workshop), doing="read", workshop=workshop
        )
        rows = listing_rows(listing)
        return pd.DataFrame(rows, columns=["table", "group", "status"]).astype("str")

    def table_marks(self, workshop: str) -> dict[str, TableMark]:
        """Return each table's column code and hidden-name letter, given once and kept.

        A table is given them the first time the store sees it (put on the list, or
        submitting): a table named "Table N" is column TN unless another table already
        has that code; any other name takes the number after the largest given (so
        "Pharmacy", added to Tables 1 to 12, is T13). Its letter, for when the
        facilitator hides the names, is drawn at random from those still free (one
        letter while there are 26 tables or fewer). Neither ever changes, so no code or
        letter passes to another table when tables are added, removed or merged.

        Parameters
        ----------
        workshop : str
            The workshop's name.

        Returns
        -------
        dict of str to TableMark
            By table key (the name in lower case), in the order the tables were first
            seen: ``name`` (as first seen), ``code`` ("T7") and ``letter`` ("Q").
        """
        workshop = clean_name(workshop, "workshop", "table_marks")
        return self._with_retry(
            lambda connection: read_marks(connection, workshop), doing="read", workshop=workshop
        )

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
        workshop = clean_name(workshop, "workshop", caller)
        key = clean_name(table, "table", caller).casefold()

        def write(connection: sqlite3.Connection) -> str:
            connection.execute(TABLE_CODES)
            entry = read_listing(connection, workshop).get(key)
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

        return self._write(write, doing="change", workshop=workshop)

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
        workshop = clean_name(workshop, "workshop", "table_for_code")
        if not isinstance(code, str) or not code:
            return None

        def read(connection: sqlite3.Connection) -> str | None:
            connection.execute(TABLE_CODES)
            found = connection.execute(
                "SELECT table_key FROM table_codes WHERE workshop = ? AND code = ?",
                (workshop, code),
            ).fetchone()
            if found is None:
                return None
            entry = read_listing(connection, workshop).get(str(found[0]))
            return entry.name if entry is not None and entry.status == ACTIVE else None

        return self._with_retry(read, doing="read", workshop=workshop)


__all__ = ["ChangeSteps", "ResultOf", "RoundState", "TableMark"]
