"""The facilitator view: rounds, the room's answer in words, every voice, the log.

:class:`FacilitatorApp` is what the facilitator shows the room: the rounds, the headline
in words (how many priorities are on every table's list), the agreement score beside what
random weights give, the room's list overall and by stakeholder group, what changed
between rounds, every table side by side, the table list, downloads of the decision log
and the store's problems log. Agreement, groups and rounds come from
:mod:`toolkit.prioritise.consensus`; the parts are drawn by ``_room_html``; the list of
tables and the names shown (hidden behind letters on request) are ``_facilitator_tables``'s.
"""

from __future__ import annotations

import threading
from datetime import datetime
from html import escape

import ipywidgets as widgets

from toolkit.prioritise.consensus import (
    AGGREGATION_LABELS,
    AGGREGATIONS,
    Aggregation,
    compare_rounds,
)
from toolkit.prioritise.scoring import DEFAULT_SHORTLIST_CAP
from toolkit.workshop import _html
from toolkit.workshop._facilitator_log import RecordParts
from toolkit.workshop._facilitator_tables import NEW_TABLE_EXAMPLE, TableParts
from toolkit.workshop._room_html import (
    agreement_html,
    change_html,
    disagreements_html,
    dots_html,
    groups_html,
    rankings_html,
    shortlist_html,
    weights_html,
)
from toolkit.workshop._room_rounds import (
    closing_result,
    default_round,
    later_round_words,
    progress_words,
    recorded_note,
    recorded_settings,
    room_for_round,
    round_progress,
    shown_note,
    still_open_words,
)
from toolkit.workshop._view_parts import (
    WIDE,
    WidgetView,
    button,
    check_seconds,
    check_workshop,
    drop_down,
    error_html,
    group_picker,
    plain,
    round_status_html,
    tick_box,
    unworked_result_html,
)
from toolkit.workshop.config import Workshop, mark_kernel_ready
from toolkit.workshop.store import StoreError


class FacilitatorApp(RecordParts, TableParts, WidgetView):
    """The facilitator view: rounds, the room's answer in words, every voice, the log.

    Parameters
    ----------
    workshop : Workshop
        The prepared workshop.
    aggregation : {"arithmetic_mean", "geometric_mean", "median"}
        How the tables' weights combine into the room's at first (a control changes it).
    refresh_seconds : float
        Seconds between automatic refreshes (5 by default).
    auto_refresh : bool
        Start refreshing automatically (False by default; a tick box turns it on).
    baseline_draws : int
        Rooms of random weights simulated for the agreement baseline (200 by default).
    participant_url : str, optional
        The participants' link (served, from ``pophealth workshop``): the table setup then
        lists each table's own link to hand out.

    Attributes
    ----------
    room : RoomConsensus or None
        The room's view of the round shown (None before any table has submitted).
    change : RoundChange or None
        What changed between the last two rounds with submissions (None before a second).
    shown_round : int or None
        The round whose result is shown: the one chosen in :attr:`round_choice`, or by
        default the latest round with submissions, except that while the open round has
        fewer tables' submissions than the last closed round had, that closed round.
        When the round shown is a closed one with a recorded result, the combination and
        list length are set to those it was closed with (the page opens on the settings
        of the last round closed); if the facilitator then changes them, or the tables
        have changed since, :attr:`record_note` says how the screen differs from the
        record.
    open_round_button, close_round_button, refresh_button, auto_refresh, aggregation,
    shortlist_size, projector, hide_names, round_choice
        The controls. With ``hide_names`` ticked no table's real name is sent to the
        screen (attributes included): tables are "Table Q" by the letter the store gave
        them, without their stakeholder group, the "by group" panel shows only groups of
        two tables or more, without their counts
        (:func:`~toolkit.workshop._room_html.groups_html`), and the list of
        tables, its links and the problems log are emptied until it is unticked.
    new_table, new_group, add_table_button, remove_choice, remove_table_button,
    merge_source, merge_into, merge_button
        Setting up the tables (each change goes through the store and is logged).
    round_status, status, record_note, agreement, shortlist, by_group, round_change,
    rankings, disagreements, weights, dot_vote, tables_html, table_message, downloads,
    problems
        The ``HTML`` outputs.
    widget : ipywidgets.VBox
        The whole view.
    """

    def __init__(
        self,
        workshop: Workshop,
        *,
        aggregation: Aggregation = "arithmetic_mean",
        refresh_seconds: float = 5.0,
        auto_refresh: bool = False,
        baseline_draws: int = 200,
        participant_url: str | None = None,
    ) -> None:
        caller = "FacilitatorApp"
        self.participant_url = participant_url or None
        self.workshop = check_workshop(workshop, caller)
        if aggregation not in AGGREGATIONS:
            raise ValueError(
                f"The 'aggregation' parameter of {caller} must be one of {sorted(AGGREGATIONS)}. "
                f"Got {aggregation!r} instead."
            )
        self.refresh_seconds = check_seconds(refresh_seconds, "refresh_seconds", caller, 1.0)
        if isinstance(baseline_draws, bool) or not isinstance(baseline_draws, int):
            raise ValueError(
                f"The 'baseline_draws' parameter of {caller} must be an int >= 0. "
                f"Got {baseline_draws!r} instead."
            )
        self.baseline_draws = baseline_draws
        self.model = workshop.model
        self.room = self.change = None
        self.shown_round: int | None = None
        self._seen: tuple | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._round = None
        self._submitted: list[int] = []
        self._picked: int | None = None  # the round the facilitator chose to show
        self._quiet = False  # set while the view itself changes the round choice
        self._marks: dict = {}  # each table's code and letter, given once by the store
        self._synced: int | None = None  # the closed round whose settings the controls show
        self._live: tuple[str, int] | None = None  # own settings, kept while a record shows
        self._syncing = False  # set while the view sets the controls from a record
        self._still_open_words = ""

        self.round_status = widgets.HTML()
        self.round_status.add_class("pophealth-round-status")
        self.open_round_button = button("Open round 1", "pophealth-open-round", primary=True)
        self.open_round_button.layout = widgets.Layout(width="auto")
        self.open_round_button.on_click(lambda button: self.open_round())
        self.close_round_button = button(
            "Close round 1 and show the room's result", "pophealth-close-round"
        )
        self.close_round_button.layout = widgets.Layout(width="auto")
        self.close_round_button.on_click(lambda button: self.close_round())
        self.round_message = widgets.HTML()

        self.refresh_button = button("Refresh now", "pophealth-refresh")
        self.refresh_button.on_click(lambda button: self.refresh(force=True))
        self.auto_refresh = tick_box(
            f"Refresh every {self.refresh_seconds:g} seconds", "pophealth-auto-refresh"
        )
        self.auto_refresh.observe(self._toggle_auto, names="value")
        self.projector = tick_box("Projector mode (large type)", "pophealth-projector")
        self.projector.observe(self._toggle_projector, names="value")
        self.hide_names = tick_box("Hide table names", "pophealth-hide-names")
        self.hide_names.observe(self._toggle_names, names="value")
        self.aggregation = drop_down(
            "Combine the tables' weights by their",
            "pophealth-aggregation",
            [(AGGREGATION_LABELS[name], name) for name in AGGREGATIONS],
            value=aggregation,
        )
        self.aggregation.observe(self._setting_changed, names="value")
        self.shortlist_size = widgets.IntSlider(
            value=workshop.shortlist_size,
            min=1,
            max=DEFAULT_SHORTLIST_CAP,
            description="Priorities on the room's list",
            continuous_update=False,
            style=WIDE,
            layout=widgets.Layout(width="440px", max_width="100%"),
        )
        self.shortlist_size.add_class("pophealth-shortlist-size")
        self.shortlist_size.observe(self._setting_changed, names="value")
        self.round_choice = drop_down("Show the room's result for", "pophealth-round-choice")
        self.round_choice.observe(self._choose_round, names="value")

        def output(css_class: str | None = None) -> widgets.HTML:
            html = widgets.HTML(layout=widgets.Layout(width="100%"))
            if css_class:
                html.add_class(css_class)
            return html

        self.status = output("pophealth-status")
        self.record_note = output("pophealth-record-note")
        self.agreement = output("pophealth-agreement")
        self.shortlist = output("pophealth-room-shortlist")
        self.by_group = output("pophealth-groups")
        self.round_change = output("pophealth-round-change-widget")
        self.rankings = output("pophealth-side-by-side")
        self.disagreements = output()
        self.weights = output("pophealth-weights")
        self.dot_vote = output()
        self.downloads = output("pophealth-download")
        self.problems = output("pophealth-problems")
        self.exported = output()

        # Table setup.
        self.tables_html = output("pophealth-table-list")
        self.new_table = widgets.Text(
            value="",
            placeholder=NEW_TABLE_EXAMPLE,
            description="New table's name",
            style=WIDE,
            layout=widgets.Layout(width="320px", max_width="100%"),
        )
        self.new_table.add_class("pophealth-new-table")
        self.new_group = group_picker("Group", "260px", "pophealth-new-group", WIDE)
        self.add_table_button = button("Add table", "pophealth-add-table")
        self.add_table_button.on_click(lambda button: self.add_table())
        self.remove_choice = drop_down("Table to remove", "pophealth-remove-choice")
        self.remove_table_button = button("Remove table", "pophealth-remove-table")
        self.remove_table_button.on_click(lambda button: self.remove_table())
        self.merge_source = drop_down("Merge", "pophealth-merge-source")
        self.merge_into = drop_down("into", "pophealth-merge-into")
        self.merge_button = button("Merge tables", "pophealth-merge-tables")
        self.merge_button.on_click(lambda button: self.merge_tables())
        self.table_message = output("pophealth-table-message")

        def row(*children: widgets.Widget) -> widgets.Box:
            return widgets.Box(
                list(children),
                layout=widgets.Layout(
                    flex_flow="row wrap", align_items="center", width="100%", overflow="visible"
                ),
            )

        setup = widgets.VBox(
            [
                self.tables_html,
                row(self.new_table, self.new_group, self.add_table_button),
                row(self.remove_choice, self.remove_table_button),
                row(self.merge_source, self.merge_into, self.merge_button),
                self.table_message,
            ],
            layout=widgets.Layout(width="100%", overflow="visible"),
        )
        setup.add_class("pophealth-table-setup")
        self._setup = setup
        self.names_hidden_note = output("pophealth-names-hidden")

        heading = _html.heading
        sections = [
            widgets.HTML(_html.STYLESHEET + heading(f"{workshop.name}: the room", level=1)),
            row(self.open_round_button, self.close_round_button),
            self.round_status,
            self.round_message,
            row(self.projector, self.hide_names, self.auto_refresh, self.refresh_button),
            row(self.round_choice),
            self.status,
            self.record_note,
            widgets.HTML(heading("Do the tables agree?")),
            self.agreement,
            widgets.HTML(heading("The room's list")),
            row(self.aggregation, self.shortlist_size),
            self.shortlist,
            widgets.HTML(heading("Each group's own list")),
            self.by_group,
            widgets.HTML(heading("What changed between rounds")),
            self.round_change,
            widgets.HTML(heading("Every table's ranking, side by side")),
            self.rankings,
            widgets.HTML(heading("What the tables disagree about")),
            self.disagreements,
            widgets.HTML(heading("How much each table weighted each criterion")),
            self.weights,
        ]
        if workshop.dots:
            sections += [widgets.HTML(heading("Dot vote")), self.dot_vote]
        sections += [
            widgets.HTML(heading("Tables")),
            setup,
            self.names_hidden_note,
            widgets.HTML(heading("For the board report")),
            self.downloads,
            self.exported,
            widgets.HTML(heading("Problems")),
            self.problems,
        ]
        self.widget = widgets.VBox(
            sections,
            layout=widgets.Layout(
                max_width="1300px", width="100%", padding="0 8px", overflow="visible"
            ),
        )
        self.widget.add_class("pophealth-facilitator")
        self.widget.add_class("ph-view")
        self._open_on_last_record()
        self.refresh(force=True)
        if auto_refresh:
            self.auto_refresh.value = True
        mark_kernel_ready()

    def __repr__(self) -> str:
        tables = 0 if self.room is None else len(self.room.tables)
        return f"FacilitatorApp({self.workshop.name!r}: {tables} tables have submitted)"

    def _toggle_projector(self, change) -> None:
        if change["new"]:
            self.widget.add_class("ph-projector")
        else:
            self.widget.remove_class("ph-projector")

    # -- refreshing --------------------------------------------------------------------

    def _toggle_auto(self, change) -> None:
        if change["new"]:
            self._stop.clear()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._poll, name="workshop-refresh", daemon=True
                )
                self._thread.start()
        else:
            self._stop.set()

    def _poll(self) -> None:
        while not self._stop.wait(self.refresh_seconds):
            try:
                self.refresh()
            except Exception as error:  # keep polling; show the problem instead
                self.status.value = _html.message(
                    f"Could not refresh: {escape(plain(error))}", kind="error", error="refresh"
                )

    def refresh(self, *, force: bool = False):
        """Read the store and redraw, if anything changed (or when ``force`` is True).

        Parameters
        ----------
        force : bool
            Redraw even when nothing new has arrived.

        Returns
        -------
        RoomConsensus or None
            The room's view of the round shown, or None while no table has submitted.
        """
        with self._lock:
            workshop = self.workshop
            name = workshop.name
            when = datetime.now().strftime("%H:%M:%S")
            try:
                store = workshop.store
                state = store.current_round(name)
                tables = store.tables(name)
                submitted = sorted(int(r) for r in store.submitted_rounds(name))
                everything = store.submissions(name)
            except StoreError as error:
                self.status.value = _html.message(
                    f"Could not read the workshop's record ({when}): {escape(plain(error))}",
                    kind="error",
                    error="store",
                )
                self._draw_problems()
                return self.room
            self._round, self._submitted = state, submitted
            self._draw_round_controls(state, submitted)
            self._draw_problems()
            seen = (
                state,
                tuple(map(tuple, tables.astype(str).to_numpy().tolist())),
                len(everything),
                int(everything["submission_id"].max()) if len(everything) else 0,
                tuple(submitted),
            )
            if not force and seen == self._seen:
                return self.room
            self._seen = seen
            self._draw_downloads()
            number = int(state.number)
            try:
                self._marks = store.table_marks(name)
                latest = {r: store.latest(name, round=r) for r in {*submitted, number}}
                counts = {r: len(frame) for r, frame in latest.items() if len(frame)}
                counts = {r: counts[r] for r in sorted(counts) if r <= number}
                progress = round_progress(number, tables, latest[number])
                self._draw_tables(tables, progress, is_open=bool(state.open))
                default = default_round(counts, number, bool(state.open))
                current = self._picked if self._picked in counts else default
                self._draw_round_choice(counts, number, bool(state.open), current)
                if current is None:
                    return self._show_nothing(when)
                closed = current < number or not state.open
                record = store.room_result(name, current) if closed else None
                self._apply_record(current, record)
                room = self._consensus(current)
                earlier = [r for r in counts if r < current]
                change = None
                still_open = later_round_words(current, number, bool(state.open), counts, progress)
                if earlier:
                    open_now = current == number and bool(state.open)
                    words, compare = still_open_words(
                        current, earlier[-1], counts, progress if open_now else None
                    )
                    still_open = words or still_open
                    if compare:
                        before = self._consensus(earlier[-1])
                        change = compare_rounds(before, room, rounds=(earlier[-1], current))
            except StoreError as error:
                self.status.value = error_html(error, "store")
                return self.room
            except ValueError as error:
                self.status.value = _html.message(escape(str(error)), kind="error")
                return self.room
            self.room, self.change, self.shown_round = room, change, current
            self._still_open_words = still_open
            names = self._names([*progress.listed, *progress.submitted])
            self.status.value = _html.message(
                f"{progress_words(progress, names, is_open=state.open)} "
                f"Updated at {when}.{shown_note(current, number, default, counts)}"
            )
            note = recorded_note(record, room)
            self.record_note.value = _html.message(escape(note)) if note else ""
            self._draw()
            return room

    def _show_nothing(self, when: str) -> None:
        """Clear the room's result: no table has submitted in any round yet."""
        self.room, self.change, self.shown_round = None, None, None
        self.status.value = _html.message(f"No table has submitted yet (checked at {when}).")
        for html in (
            self.record_note,
            self.agreement,
            self.shortlist,
            self.by_group,
            self.round_change,
            self.rankings,
            self.disagreements,
            self.weights,
            self.dot_vote,
        ):
            html.value = ""
        return None

    def _draw_round_choice(self, counts, number: int, is_open: bool, shown) -> None:
        options = [
            (f"Round {r} (open)" if r == number and is_open else f"Round {r}", r) for r in counts
        ]
        self._quiet = True
        try:
            if [tuple(option) for option in self.round_choice.options] != options:
                self.round_choice.options = options
            self.round_choice.value = shown
        finally:
            self._quiet = False

    def _choose_round(self, change) -> None:
        """Show the round the facilitator chose (and keep it until a round opens or closes)."""
        if self._quiet or change["new"] is None:
            return
        self._picked = int(change["new"])
        self._synced = None if self._synced is None else -1  # a closed round: its settings
        self.refresh(force=True)

    def _setting_changed(self, change) -> None:
        """Redraw with the combination or list length the facilitator chose."""
        if not self._syncing:
            self.refresh(force=True)

    def _set_controls(self, settings: tuple[str, int] | None) -> None:
        """Set the combination and list length (no redraw: the caller draws)."""
        if settings is None:
            return
        self._syncing = True
        try:
            self.aggregation.value = settings[0]
            self.shortlist_size.value = max(1, min(int(settings[1]), self.shortlist_size.max))
        finally:
            self._syncing = False

    def _apply_record(self, shown: int, record) -> None:
        """Show a closed round with the settings it was closed with, once when it is shown.

        So the facilitator can still try other settings on it (the record note then says
        how the screen differs); a round without a record gets the facilitator's own back.
        """
        if record is None:  # a round without a record: the facilitator's own settings
            if self._synced is not None and self._live is not None:
                self._set_controls(self._live)
            self._synced, self._live = None, None
            return
        if shown == self._synced:
            return
        if self._synced is None:  # leaving the facilitator's own settings: keep them
            self._live = (self.aggregation.value, int(self.shortlist_size.value))
        self._synced = shown
        self._set_controls(recorded_settings(record))

    def _open_on_last_record(self) -> None:
        """Open on the settings the last round closed with (after a reload, as before)."""
        try:
            results = self.workshop.store.room_results(self.workshop.name)
        except (StoreError, ValueError):
            return
        if results:
            self._synced = int(results[-1]["round"])
            self._set_controls(recorded_settings(results[-1]))

    def _consensus(self, round_number: int):
        """Return the room's consensus of a round, with the controls' settings."""
        return room_for_round(
            self.workshop,
            round_number,
            aggregation=self.aggregation.value,
            size=int(self.shortlist_size.value),
            baseline_draws=self.baseline_draws,
        )

    # -- rounds and tables -------------------------------------------------------------

    def _draw_round_controls(self, state, submitted: list[int]) -> None:
        number = int(state.number)
        if state.open:
            words = f"<b>Round {number} is open</b>: tables can move their sliders and submit."
            self.close_round_button.description = f"Close round {number} and show the room's result"
            self.close_round_button.disabled = False
            # The store keeps the number when the open round has no submission yet.
            following = number + 1 if number in submitted else number
            self.open_round_button.description = f"Open round {following}"
            self.open_round_button.disabled = False
        else:
            words = (
                f"<b>Round {number} is closed</b>: tables cannot submit. The room's result "
                "is below; open the next round when the room has talked it over."
            )
            if self._recorded(number):
                words += " The room's result as it stood at closing is in the decision log."
            self.close_round_button.description = "Round closed"
            self.close_round_button.disabled = True
            self.open_round_button.description = f"Open round {number + 1}"
            self.open_round_button.disabled = False
        for control in (self.open_round_button, self.close_round_button):
            control.tooltip = control.description
        self.round_status.value = round_status_html(number, state.open, words)

    def _recorded(self, number: int) -> bool:
        try:
            return self.workshop.store.room_result(self.workshop.name, number) is not None
        except (StoreError, ValueError):
            return False

    def open_round(self) -> int | None:
        """Open the next round (what "Open round N" does); returns its number.

        Opening a round closes the open one, if any table submitted in it: it is first
        closed with its result recorded, as by :meth:`close_round`, and only then is the
        next round opened, so that no table's screen sees the next round before the
        record.
        """
        return self._round_action("open_round")

    def close_round(self) -> int | None:
        """Close the current round (what "Close round N" does); returns its number.

        The room's result with the screen's settings (the shortlist, the agreement score
        and the settings) is worked out from the store and recorded in the same write
        that closes the round (``SubmissionStore.room_result``).
        """
        return self._round_action("close_round")

    def _round_action(self, method: str) -> int | None:
        store, name = self.workshop.store, self.workshop.name
        with self._lock:  # the settings read below cannot change meanwhile
            result = closing_result(
                self.workshop,
                aggregation=self.aggregation.value,
                size=int(self.shortlist_size.value),
                baseline_draws=self.baseline_draws,
                settings=self._settings(),
            )
            try:
                before = store.current_round(name)
                if method == "open_round" and before.open:
                    if int(before.number) in store.submitted_rounds(name):
                        store.close_round(name, result=result)  # close and record first
                number = int(getattr(store, method)(name, result=result))
            except (StoreError, ValueError) as error:
                self.round_message.value = error_html(error, "round")
                return None
            except Exception as error:  # noqa: BLE001 - the room's result: said, not hidden
                self.round_message.value = unworked_result_html(error, int(before.number))
                return None
            # The round banner says what happened: no second message.
            self.round_message.value = ""
            self._picked = None  # show the default round again: the one just closed
            self.refresh(force=True)
            return number

    # -- drawing -----------------------------------------------------------------------

    def _redraw(self) -> None:
        # Redraw everything: the status line names the tables still to submit too.
        self.refresh(force=True)

    def _draw(self) -> None:
        room = self.room
        tables = list(room.tables)
        changed = self.change.tables_changed if self.change is not None else ()
        names = self._names([*tables, *changed])
        # A group beside a letter could tell which table it is: no groups when hidden,
        # and no group's own list unless it stands for two tables or more.
        hidden = bool(self.hide_names.value)
        groups = {} if hidden else dict(room.groups)
        self.agreement.value = agreement_html(room)
        self.shortlist.value = shortlist_html(room, self.workshop.shortlist_size)
        self.by_group.value = groups_html(room, hidden=hidden)
        codes = self._codes(tables)
        self.round_change.value = change_html(self.change, names, self._still_open_words)
        self.rankings.value = rankings_html(
            room,
            tables,
            names,
            groups,
            dots=bool(self.workshop.dots),
            codes=codes,
            table_size=self.workshop.shortlist_size,
        )
        self.disagreements.value = disagreements_html(room, len(tables))
        self.weights.value = weights_html(room, tables, names, codes)
        if self.workshop.dots:
            self.dot_vote.value = dots_html(room)


__all__ = ["FacilitatorApp"]
