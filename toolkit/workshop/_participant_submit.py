"""Submitting a table's weights, and what the table is told about its submissions.

:class:`SubmitPart` is the part of :class:`~toolkit.workshop.ParticipantApp` that sends the
table's weights, top list and dots to the store and says what happened in words a
resident reads: which of the table's submissions in the round this is ("your table's
first submission this round"; "this replaces your table's earlier submission, sent at
18:40"), never the store's own numbering, and, on a page opened or reloaded after the
table has submitted, that it has ("Your table submitted at 18:42 in this round"). Times
are the room's clock, read from the store.
"""

from __future__ import annotations

import threading
from datetime import datetime
from html import escape

from toolkit.workshop import _html
from toolkit.workshop._view_parts import clock, plain, rows_of_table
from toolkit.workshop.store import StoreError, SubmissionRefused, TableRoundCount

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def ordinal_words(number: int) -> str:
    """Return "first", "second", ... for 1 to 8, then "9th", "10th", "11th", "21st"."""
    if 1 <= number <= len(_ORDINALS):
        return _ORDINALS[number - 1]
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


class SubmitPart:
    """Submitting and its confirmation (a part of :class:`ParticipantApp`).

    It reads the app's workshop, table, round, sliders and dots, and writes
    :attr:`confirmation` and the submit button's state.
    """

    def _refuse(self, text: str, error: str) -> None:
        self.confirmation.value = _html.message(text, kind="error", error=error)

    def _table_round_count(self, table: str, submission: int) -> TableRoundCount | None:
        """Return where a submission stands in its round (its place, the one before).

        None when the store cannot be read, or the submission is not the table's (the
        confirmation then says less). One indexed read of the store, one row
        (:meth:`SubmissionStore.table_round_submissions`), however long the log.
        """
        store, name = self.workshop.store, self.workshop.name
        try:
            return store.table_round_submissions(name, table, submission)
        except StoreError:
            return None

    def submit(self) -> int | None:
        """Submit the table's weights, top list and dots; what the submit button does.

        Returns
        -------
        int or None
            The submission id, or None when something stopped it: the confirmation then
            says what, in words the table can act on (``data-error`` says which kind).
        """
        table = self._table
        if not table:
            self._refuse(
                "Please choose your table from the list at the top before submitting.",
                "no-table",
            )
            return None
        if not (self._positions > 0).any():
            self._refuse(
                "Please give at least one criterion some weight before submitting.", "no-weight"
            )
            return None
        workshop = self.workshop
        store = workshop.store
        self.submit_button.disabled = True
        self._cooling = True
        try:
            submission = store.submit(
                workshop.name,
                table,
                str(self.role.value),
                self.weights(),
                self.shortlist(),
                dots=self.dots(),
            )
        except SubmissionRefused as error:
            self._refuse(escape(plain(error)), "refused")
            return None
        except StoreError as error:
            self._refuse(escape(plain(error)), "store")
            return None
        except (TypeError, ValueError, OSError) as error:
            self._refuse(
                f"Your submission was not saved: {escape(str(error))} Your sliders are "
                "unchanged; please tell the facilitator.",
                "invalid",
            )
            return None
        finally:
            self._enable_later()
        own = self._is_own(table)
        self._own_tables.add(table.casefold())  # this page's weights from now on
        when = datetime.now().strftime("%H:%M")
        number = int(self._round.number) if self._round is not None else 1
        found = self._table_round_count(table, submission)
        text = (
            f"<b>Thank you, {escape(table)}.</b> Your table's weights and top {self.size} were "
            f"saved at {when} for round {found.round if found else number}"
        )
        count = 0
        if found is None:
            text += "."
        else:
            number, count = found.round, found.count
            text += f": your table's {ordinal_words(count)} submission this round."
            if count > 1 and found.previous_at is not None:
                sent = clock(found.previous_at)
                where = "" if own else " from another page"
                text += (
                    f" This replaces your table's earlier submission, sent at {sent}{where}; "
                    "both are kept in the record."
                )
        self.confirmation.value = (
            f'<div data-submission="{submission}" data-round="{number}" data-count="{count}">'
            f"{_html.message(text, kind='success')}</div>"
        )
        return submission

    def _show_submitted(self) -> None:
        """Say whether the chosen table has submitted in the current round (from the store).

        What a page opened or reloaded after the table submitted shows in
        :attr:`confirmation`: "Your table submitted at 18:42 in this round; ...". Empty when
        it has not, or no table is chosen; a store that cannot be read says nothing here
        (the notice and the round's status say so).
        """
        table, state = self._table, self._round
        if table is None or state is None:
            self.confirmation.value = ""
            return
        try:
            latest = self.workshop.store.latest(self.workshop.name, round=int(state.number))
        except StoreError:
            self.confirmation.value = ""
            return
        mine = rows_of_table(latest, table)
        if mine.empty:
            self.confirmation.value = ""
            return
        when = clock(mine["submitted_at"].iloc[-1])
        number = int(state.number)
        if state.open:
            text = (
                f"Your table submitted at {when} in this round; you can change the sliders and "
                "submit again to replace it."
            )
            if not self._is_own(table):
                text += (
                    " This page does not show the weights your table sent; a page opened from "
                    "your table's own link shows them."
                )
        else:
            text = f"Your table submitted at {when} in round {number}."
        self.confirmation.value = (
            f'<div data-submitted-at="{escape(when)}" data-round="{number}">'
            f"{_html.message(escape(text), kind='info')}</div>"
        )

    def _enable_later(self) -> None:
        """Enable the submit button again after ``submit_pause`` seconds (if the round is open)."""

        def enable() -> None:
            self._cooling = False
            self.submit_button.disabled = not (self._round is None or self._round.open)

        if self.submit_pause <= 0:
            enable()
            return
        timer = threading.Timer(self.submit_pause, enable)
        timer.daemon = True
        timer.start()


__all__ = ["SubmitPart", "ordinal_words"]
