"""The facilitator's list of tables, and the tables' names as the room's screen shows them.

:class:`TableParts` gives :class:`~toolkit.workshop.FacilitatorApp` the list of tables with
each table's status in the round and its own link, the controls that add, remove and merge
tables (each a change through the store, logged), and the names shown on the screen: the
real ones, or the letters the store gave the tables once when the facilitator hides the
names. With the names hidden, no table's real name is sent to the screen: the list of
tables, its links and pickers and the problems log are emptied, not just hidden, and a
table's stakeholder group is not shown beside its letter (``rankings_html`` is given no
groups). It runs on the app's ``workshop``, controls, ``HTML`` outputs and ``_marks``.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from toolkit.workshop import _html
from toolkit.workshop._room_html import links_html
from toolkit.workshop._room_rounds import table_codes
from toolkit.workshop._view_parts import error_html
from toolkit.workshop.store import StoreError, SubmissionRefused

#: The example in the new table's name box (none while names are hidden: it names a table).
NEW_TABLE_EXAMPLE = "for example Table 13"


class TableParts:
    """The list of tables and the names shown (a part of ``FacilitatorApp``)."""

    def _draw_tables(self, tables: pd.DataFrame, progress, *, is_open: bool) -> None:
        """Draw the list of tables, their links and the pickers (nothing when names are hidden).

        With the names hidden no table's name is sent to the screen at all (the list, its
        ``data-table`` attributes, the links and the pickers' options are emptied, not just
        hidden); they are drawn again when the names are shown.
        """
        if self.hide_names.value:
            self.tables_html.value = ""
            active: list[str] = []
        elif tables.empty:
            self.tables_html.value = _html.paragraph(
                "No list of tables yet: participants may use any table name. Add tables "
                "below to give them a list to choose from."
            )
            active = []
        else:
            times = {table.casefold(): at for table, at in progress.submitted.items()}

            def in_round(table: str, status: str) -> str:
                if status != "active":
                    return status
                at = times.get(table.casefold())
                return f"submitted at {at}" if at else ("not yet" if is_open else "did not submit")

            rows = [
                [escape(str(table)), escape(str(group)), escape(in_round(str(table), str(status)))]
                for table, group, status in zip(
                    tables["table"], tables["group"], tables["status"], strict=True
                )
            ]
            attributes = [
                f'data-table="{escape(str(table))}" data-status="{escape(str(status))}" '
                f'data-submitted="{str(str(table).casefold() in times).lower()}"'
                for table, status in zip(tables["table"], tables["status"], strict=True)
            ]
            active = [
                str(table)
                for table, status in zip(tables["table"], tables["status"], strict=True)
                if str(status) == "active"
            ]
            self.tables_html.value = _html.simple_table(
                ["Table", "Group", f"In round {progress.round}"],
                rows,
                row_attributes=attributes,
                table_class="pophealth-tables",
            ) + links_html(self.participant_url, self.workshop.store, self.workshop.name, active)
        for picker in (self.remove_choice, self.merge_source, self.merge_into):
            if list(picker.options) != active:
                chosen = picker.value
                picker.options = active
                picker.value = chosen if chosen in active else (active[0] if active else None)
        if len(active) > 1 and self.merge_into.value == self.merge_source.value:
            self.merge_into.value = active[1]

    def _table_action(self, action, done: str) -> bool:
        try:
            action()
        except (SubmissionRefused, StoreError, ValueError, TypeError) as error:
            self.table_message.value = error_html(error, "tables")
            return False
        self.refresh(force=True)
        self.table_message.value = _html.message(escape(done), kind="success")
        return True

    def add_table(self) -> bool:
        """Add the table typed in :attr:`new_table` with the group in :attr:`new_group`.

        Returns
        -------
        bool
            Whether the table was added (:attr:`table_message` says why not).
        """
        name = " ".join(str(self.new_table.value or "").split())
        if not name:
            self.table_message.value = _html.message(
                "Type the new table's name first.", kind="error", error="tables"
            )
            return False
        group = str(self.new_group.value)
        added = self._table_action(
            lambda: self.workshop.store.add_table(self.workshop.name, name, group),
            f"Added {name} ({group}).",
        )
        if added:
            self.new_table.value = ""
        return added

    def remove_table(self) -> bool:
        """Remove the table chosen in :attr:`remove_choice` (its submissions stay in the log).

        Returns
        -------
        bool
            Whether the table was removed (:attr:`table_message` says why not).
        """
        name = self.remove_choice.value
        if not name:
            return False
        return self._table_action(
            lambda: self.workshop.store.remove_table(self.workshop.name, name),
            f"Removed {name}. Its submissions stay in the record but no longer count.",
        )

    def merge_tables(self) -> bool:
        """Merge :attr:`merge_source` into :attr:`merge_into` (a typo, or two tables joining).

        Returns
        -------
        bool
            Whether the tables were merged (:attr:`table_message` says why not).
        """
        source, into = self.merge_source.value, self.merge_into.value
        if not source or not into or source == into:
            self.table_message.value = _html.message(
                "Choose two different tables to merge.", kind="error", error="tables"
            )
            return False
        return self._table_action(
            lambda: self.workshop.store.merge_tables(self.workshop.name, source, into),
            f"Merged {source} into {into}.",
        )

    def _names(self, tables) -> dict[str, str]:
        """Table names as shown: the real ones, or "Table Q", "Table C"... when hidden.

        A hidden table's letter is the one the store gave it once, at random, so that it
        stays the same in every round and gives nothing away.
        """
        if not self.hide_names.value:
            return {table: table for table in tables}
        return {table: f"Table {code}" for table, code in self._codes(tables).items()}

    def _codes(self, tables) -> dict[str, str]:
        """Each table's column code, the same in every round ("T7"; its letter when hidden)."""
        hidden = bool(self.hide_names.value)
        spare = table_codes(tables)  # a table the store has not marked (none, normally)
        codes = {}
        for table in tables:
            mark = self._marks.get(str(table).casefold())
            if mark is None:
                codes[table] = "?" if hidden else spare[table]
            else:
                codes[table] = mark.letter if hidden else mark.code
        return codes

    def _toggle_names(self, change) -> None:
        """Hide or show table names (and the table list and problems log, which name them).

        Hidden, they are emptied as well as hidden (:meth:`_draw_tables`,
        ``_draw_problems``), with the last message about a table; the redraw then sends no
        table's name to the screen (the decision log's downloads name tables by letter).
        """
        hidden = bool(change["new"])
        for part in (self._setup, self.problems):
            part.layout.display = "none" if hidden else ""
        if hidden:  # the downloads too, should the redraw fail to read the store
            self.table_message.value = self.new_table.value = self.downloads.value = ""
        self.new_table.placeholder = "" if hidden else NEW_TABLE_EXAMPLE
        self.names_hidden_note.value = (
            _html.paragraph(
                "Table names are hidden: the list of tables and the problems log are hidden "
                "too. Untick 'Hide table names' to change the tables."
            )
            if hidden
            else ""
        )
        self._redraw()


__all__ = ["NEW_TABLE_EXAMPLE", "TableParts"]
