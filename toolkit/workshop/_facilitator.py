"""The facilitator view: rounds, the room's answer in words, every voice, the log.

:class:`FacilitatorApp` is what the facilitator shows the room: the rounds, the headline
in words (how many priorities are on every table's list), the agreement score beside what
random weights give, the room's list overall and by stakeholder group, what changed
between rounds, every table side by side, the table list, downloads of the decision log
and the store's problems log. Agreement, groups and rounds come from
:mod:`toolkit.prioritise.consensus`; the parts are drawn by ``_room_html``.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime
from html import escape
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from toolkit.prioritise.consensus import (
    AGGREGATION_LABELS,
    AGGREGATIONS,
    Aggregation,
    compare_rounds,
    room_consensus,
)
from toolkit.prioritise.scoring import DEFAULT_SHORTLIST_CAP
from toolkit.workshop import _html
from toolkit.workshop._room_html import (
    agreement_html,
    change_html,
    disagreements_html,
    dots_html,
    groups_html,
    letters,
    links_html,
    rankings_html,
    shortlist_html,
    weights_html,
)
from toolkit.workshop._view_parts import (
    WIDE,
    WidgetView,
    button,
    check_seconds,
    check_workshop,
    data_uri,
    error_html,
    group_picker,
    plain,
    round_status_html,
    tick_box,
)
from toolkit.workshop.config import Workshop, mark_kernel_ready
from toolkit.workshop.store import StoreError, SubmissionRefused


class FacilitatorApp(WidgetView):
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
        The round shown: the current round, or the last with submissions while nobody has
        submitted in the current one.
    open_round_button, close_round_button, refresh_button, auto_refresh, aggregation,
    shortlist_size, projector, hide_names
        The controls.
    new_table, new_group, add_table_button, remove_choice, remove_table_button,
    merge_source, merge_into, merge_button
        Setting up the tables (each change goes through the store and is logged).
    round_status, status, agreement, shortlist, by_group, round_change, rankings,
    disagreements, weights, dot_vote, tables_html, table_message, downloads, problems
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
        self.room = None
        self.change = None
        self.shown_round: int | None = None
        self._seen: tuple | None = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._round = None
        self._submitted: list[int] = []

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
        self.aggregation = widgets.Dropdown(
            options=[(AGGREGATION_LABELS[name], name) for name in AGGREGATIONS],
            value=aggregation,
            description="Combine the tables' weights by their",
            style=WIDE,
            layout=widgets.Layout(width="auto"),
        )
        self.aggregation.add_class("pophealth-aggregation")
        self.aggregation.observe(lambda change: self.refresh(force=True), names="value")
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
        self.shortlist_size.observe(lambda change: self.refresh(force=True), names="value")

        def output(css_class: str | None = None) -> widgets.HTML:
            html = widgets.HTML(layout=widgets.Layout(width="100%"))
            if css_class:
                html.add_class(css_class)
            return html

        self.status = output("pophealth-status")
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
            placeholder="for example Table 13",
            description="New table's name",
            style=WIDE,
            layout=widgets.Layout(width="320px", max_width="100%"),
        )
        self.new_table.add_class("pophealth-new-table")
        self.new_group = group_picker("Group", "260px", "pophealth-new-group", WIDE)
        self.add_table_button = button("Add table", "pophealth-add-table")
        self.add_table_button.on_click(lambda button: self.add_table())
        self.remove_choice = widgets.Dropdown(
            options=[],
            description="Table to remove",
            style=WIDE,
            layout=widgets.Layout(width="auto"),
        )
        self.remove_choice.add_class("pophealth-remove-choice")
        self.remove_table_button = button("Remove table", "pophealth-remove-table")
        self.remove_table_button.on_click(lambda button: self.remove_table())
        self.merge_source = widgets.Dropdown(
            options=[], description="Merge", style=WIDE, layout=widgets.Layout(width="auto")
        )
        self.merge_source.add_class("pophealth-merge-source")
        self.merge_into = widgets.Dropdown(
            options=[], description="into", style=WIDE, layout=widgets.Layout(width="auto")
        )
        self.merge_into.add_class("pophealth-merge-into")
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
            self.status,
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
            self._draw_tables(tables)
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
            shown = [r for r in submitted if r <= int(state.number)] or submitted
            if not shown:
                self.room, self.change, self.shown_round = None, None, None
                self.status.value = _html.message(
                    f"No table has submitted yet (checked at {when})."
                )
                for html in (
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
            current = shown[-1]
            try:
                latest = store.latest(name, round=current)
                room = self._consensus(latest, current)
                change = None
                if len(shown) >= 2:
                    before = self._consensus(store.latest(name, round=shown[-2]), shown[-2])
                    change = compare_rounds(before, room, rounds=(shown[-2], current))
            except StoreError as error:
                self.status.value = error_html(error, "store")
                return self.room
            except ValueError as error:
                self.status.value = _html.message(escape(str(error)), kind="error")
                return self.room
            self.room, self.change, self.shown_round = room, change, current
            count = len(room.tables)
            note = (
                f" Nobody has submitted in round {int(state.number)} yet, so this shows round "
                f"{current}."
                if current != int(state.number)
                else ""
            )
            self.status.value = _html.message(
                f"Round {current}: <b>{count}</b> table{'s' if count != 1 else ''} "
                f"{'have' if count != 1 else 'has'} submitted ({len(everything)} "
                f"submission{'s' if len(everything) != 1 else ''} in the record, including "
                f"replaced ones). Updated at {when}.{note}"
            )
            self._draw()
            return room

    def _consensus(self, latest: pd.DataFrame, round_number: int):
        """Return room_consensus of one round's latest submissions.

        Each table's group is the one it submitted with ("Who is at your table", which
        starts at the group the facilitator gave the table).
        """
        return room_consensus(
            latest,
            model=self.model,
            size=int(self.shortlist_size.value),
            aggregation=self.aggregation.value,
            per_cohort=self.workshop.per_cohort,
            dot_votes=self.workshop.store.dot_votes(self.workshop.name, round=round_number),
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
            self.close_round_button.description = f"Round {number} is closed"
            self.close_round_button.disabled = True
            self.open_round_button.description = f"Open round {number + 1}"
            self.open_round_button.disabled = False
        for control in (self.open_round_button, self.close_round_button):
            control.tooltip = control.description
        self.round_status.value = round_status_html(number, state.open, words)

    def open_round(self) -> int | None:
        """Open the next round (what "Open round N" does); returns its number."""
        return self._round_action("open_round", "Round {number} is open.")

    def close_round(self) -> int | None:
        """Close the current round (what "Close round N" does); returns its number."""
        return self._round_action(
            "close_round", "Round {number} is closed: the room's result is below."
        )

    def _round_action(self, method: str, words: str) -> int | None:
        try:
            number = int(getattr(self.workshop.store, method)(self.workshop.name))
        except (StoreError, ValueError) as error:
            self.round_message.value = error_html(error, "round")
            return None
        self.round_message.value = ""
        self.refresh(force=True)
        self.round_message.value = _html.message(escape(words.format(number=number)))
        return number

    def _draw_tables(self, tables: pd.DataFrame) -> None:
        if tables.empty:
            self.tables_html.value = _html.paragraph(
                "No list of tables yet: participants may use any table name. Add tables "
                "below to give them a list to choose from."
            )
            active: list[str] = []
        else:
            rows = [
                [escape(str(table)), escape(str(group)), escape(str(status))]
                for table, group, status in zip(
                    tables["table"], tables["group"], tables["status"], strict=True
                )
            ]
            attributes = [
                f'data-table="{escape(str(table))}" data-status="{escape(str(status))}"'
                for table, status in zip(tables["table"], tables["status"], strict=True)
            ]
            active = [
                str(table)
                for table, status in zip(tables["table"], tables["status"], strict=True)
                if str(status) == "active"
            ]
            self.tables_html.value = _html.simple_table(
                ["Table", "Group", "Status"],
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
        """Add the table typed in :attr:`new_table` with the group in :attr:`new_group`."""
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
        """Remove the table chosen in :attr:`remove_choice` (its submissions stay in the log)."""
        name = self.remove_choice.value
        if not name:
            return False
        return self._table_action(
            lambda: self.workshop.store.remove_table(self.workshop.name, name),
            f"Removed {name}. Its submissions stay in the record but no longer count.",
        )

    def merge_tables(self) -> bool:
        """Merge :attr:`merge_source` into :attr:`merge_into` (a typo, or two tables joining)."""
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

    def _draw_problems(self) -> None:
        try:
            lines = list(self.workshop.store.problems(limit=8))
        except Exception as error:  # the problems log must never stop the view
            lines = [f"The problems log could not be read: {error}"]
        if not lines:
            self.problems.value = _html.paragraph(
                "No problems so far: every submission has been saved."
            )
            return
        items = "".join(f"<li>{escape(line)}</li>" for line in reversed(lines))
        self.problems.value = (
            _html.paragraph("Newest first. Whoever met each of these was shown it in plain words.")
            + f'<ul style="{_html.FONT};font-size:14px">{items}</ul>'
        )

    def _draw_downloads(self) -> None:
        workshop, store = self.workshop, self.workshop.store
        labels, criteria_labels = self._log_labels()
        try:
            table = store.decision_log_csv(
                workshop.name, labels=labels, criteria_labels=criteria_labels
            )
            document = store.decision_log_json(workshop.name, settings=self._settings())
        except StoreError as error:
            self.downloads.value = error_html(error, "store")
            return
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        slug = re.sub(r"[^a-z0-9]+", "-", workshop.name.lower()).strip("-") or "workshop"
        links = (
            f'<a class="pophealth-download" data-kind="csv" '
            f'download="decision-log-{slug}-{stamp}.csv" '
            f'href="{data_uri(table, "text/csv")}">Download the decision log '
            "(spreadsheet, CSV)</a>"
            f'<a class="pophealth-download" data-kind="json" '
            f'download="decision-log-{slug}-{stamp}.json" '
            f'href="{data_uri(document, "application/json")}">Download the log for the '
            "board report (JSON)</a>"
        )
        self.downloads.value = (
            _html.paragraph(
                "Every submission in every round, with plain headings and whole-number "
                "weights; the board report reads either file."
            )
            + f'<div class="ph-download">{links}</div>'
        )

    def _log_labels(self) -> tuple[dict[str, str], dict[str, str]]:
        """Return the decision log's labels: each candidate's, and each criterion's phrase."""
        labels = dict(zip(self.model.candidates, self.model.labels, strict=True))
        criteria_labels = {
            criterion.name: _html.plain_phrase(criterion.name, criterion.phrase)
            for criterion in self.model.criteria
        }
        return labels, criteria_labels

    def _settings(self) -> dict:
        workshop = self.workshop
        return {
            "method": workshop.method,
            "shortlist_size": int(self.shortlist_size.value),
            "per_cohort": workshop.per_cohort,
            "aggregation": self.aggregation.value,
        }

    # -- drawing -----------------------------------------------------------------------

    def _names(self, tables) -> dict[str, str]:
        """Table names as shown: the real ones, or "Table A", "Table B"... when hidden."""
        if not self.hide_names.value:
            return {table: table for table in tables}
        return {table: f"Table {letters(i)}" for i, table in enumerate(tables)}

    def _toggle_names(self, change) -> None:
        """Hide or show table names (and the table list and problems log, which name them)."""
        hidden = bool(change["new"])
        for part in (self._setup, self.problems):
            part.layout.display = "none" if hidden else ""
        self.names_hidden_note.value = (
            _html.paragraph(
                "Table names are hidden: the list of tables and the problems log are hidden "
                "too. Untick 'Hide table names' to change the tables."
            )
            if hidden
            else ""
        )
        self._redraw()

    def _redraw(self) -> None:
        with self._lock:
            if self.room is not None:
                self._draw()

    def _draw(self) -> None:
        room = self.room
        tables = list(room.tables)
        names = self._names(tables)
        groups = dict(room.groups)
        self.agreement.value = agreement_html(room)
        self.shortlist.value = shortlist_html(room)
        self.by_group.value = groups_html(room)
        self.round_change.value = change_html(self.change, names)
        self.rankings.value = rankings_html(
            room, tables, names, groups, dots=bool(self.workshop.dots)
        )
        self.disagreements.value = disagreements_html(room, len(tables))
        self.weights.value = weights_html(room, tables, names)
        if self.workshop.dots:
            self.dot_vote.value = dots_html(room)

    def export(self, folder: str | Path | None = None) -> dict[str, Path]:
        """Write the decision log (CSV and JSON) and the room's rankings (CSV) to a folder.

        For an analyst's notebook; in the room, the download links do the same in the
        facilitator's browser.

        Parameters
        ----------
        folder : str or Path, optional
            Where to write; the store's folder by default. File names carry the time, so
            an earlier export is never overwritten.

        Returns
        -------
        dict of str to pathlib.Path
            The files written, by kind ("log_csv", "log_json", "room_rankings").
        """
        workshop = self.workshop
        target = Path(folder) if folder is not None else workshop.store_path.parent
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        paths = {
            "log_csv": target / f"decision-log-{stamp}.csv",
            "log_json": target / f"decision-log-{stamp}.json",
        }
        labels, criteria_labels = self._log_labels()
        try:
            target.mkdir(parents=True, exist_ok=True)
            paths["log_csv"].write_text(
                workshop.store.decision_log_csv(
                    workshop.name, labels=labels, criteria_labels=criteria_labels
                ),
                encoding="utf-8",
            )
            paths["log_json"].write_text(
                workshop.store.decision_log_json(workshop.name, settings=self._settings()),
                encoding="utf-8",
            )
            if self.room is not None:
                paths["room_rankings"] = target / f"room-rankings-{stamp}.csv"
                self.room.rankings.join(
                    self.room.table_ranks.add_prefix("rank at "), on="candidate"
                ).to_csv(paths["room_rankings"], index=False)
        except (OSError, StoreError) as error:
            self.exported.value = _html.message(
                f"The files could not be written: {escape(plain(error))}", kind="error"
            )
            return {}
        self.exported.value = _html.message(
            f"Saved {len(paths)} files for the board report.", kind="success"
        )
        return paths


__all__ = ["FacilitatorApp"]
