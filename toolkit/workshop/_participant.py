"""The participant view: a table's sliders, its top 5 and a submit button.

:class:`ParticipantApp` is what each table sees: it picks its table from the
facilitator's list, moves a slider per criterion and sees "your top 5" change beside the
sliders, the full ranking behind a toggle, what would move a chosen priority in or out,
a dot vote, the round's status and, from round 2, its own and the room's weights in the
previous round. Scores, ranks and shortlists come from the workshop's
:class:`~toolkit.prioritise.ScoringModel` (numpy, microseconds; pandas stays off the
slider path); the page's words and layout are in ``_participant_page``.
"""

from __future__ import annotations

import threading
from html import escape

import ipywidgets as widgets
import numpy as np
import pandas as pd
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_int import SliderStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from toolkit._words import capitalised
from toolkit.prioritise.scoring import rank_scores
from toolkit.workshop import _html
from toolkit.workshop._participant_page import ParticipantPage
from toolkit.workshop._participant_submit import SubmitPart
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
    rows_of_table,
)
from toolkit.workshop.config import (
    SLIDER_MAX,
    STAKEHOLDER_ROLES,
    Workshop,
    mark_kernel_ready,
)
from toolkit.workshop.store import StoreError

#: Table names offered when neither the store nor the configuration lists the tables.
TABLE_NAMES = tuple(f"Table {number}" for number in range(1, 13))

#: The first option of the table picker.
CHOOSE_TABLE = "Choose your table"
#: Times a warm kernel waits for its page's request (see ``ParticipantApp._read_link``).
LINK_ATTEMPTS = 6

#: Seconds the submit button stays disabled after a submission (a double click sends one).
SUBMIT_PAUSE = 3.0

_NOT_SPENT = "(dot not spent)"

#: Under the table picker of the participants' shared link.
LINK_HINT = (
    "If this page is reloaded, choose your table again; your table's own link (ask the "
    "facilitator) keeps your table and sliders after a reload."
)


def _active_tables(workshop: Workshop) -> list[tuple[str, str]]:
    """Return the tables a participant may choose, as (name, group).

    The store's active list, else the configuration's list, else Table 1 to Table 12.
    """
    frame = workshop.store.tables(workshop.name)
    if len(frame):
        active = frame.loc[frame["status"].astype(str) == "active"]
        return list(zip(active["table"].astype(str), active["group"].astype(str), strict=True))
    configured = getattr(workshop, "tables", None) or ()
    if configured:
        return [(str(name), str(group)) for name, group in configured]
    return [(name, STAKEHOLDER_ROLES[0]) for name in TABLE_NAMES]


class ParticipantApp(ParticipantPage, SubmitPart, WidgetView):
    """The participant view: the table's sliders, its top 5 and a submit button.

    Parameters
    ----------
    workshop : Workshop
        The prepared workshop (:func:`~toolkit.workshop.load_workshop`).
    watch_round : bool
        Poll the store every ``round_seconds`` for the round's status and the table list
        (a light background thread; False by default, so tests and nbval run without one).
    round_seconds : float
        Seconds between polls (5 by default, at least 1).
    submit_pause : float
        Seconds the submit button stays disabled after a submission (3 by default; 0 in
        tests).
    table_code : str, optional
        The code of a table's own link (:meth:`SubmissionStore.table_code`): the page is
        that table's (see :meth:`open_table_link`).
    read_link : bool
        Served by Voila: read the page's link (``table=<code>``) once the page is asked
        for, in a background thread, and open that table (False by default).

    Attributes
    ----------
    table_picker : ipywidgets.Dropdown
        The facilitator's active tables, first option "Choose your table". A table's saved
        sliders and earlier weights are shown only to a page that is that table's: opened
        with the table's own link, or one that has itself moved the table's sliders or
        submitted for it. Any other page starts from the usual sliders, so no table can
        read another's weights by choosing its name.
    role : ipywidgets.Dropdown
        Who is at the table; set to the table's group when a table is chosen.
    sliders : dict of str to ipywidgets.IntSlider
        One per criterion, 0 (does not matter) to 10 (matters most), whole numbers,
        re-ranking when released (``continuous_update=False``) and saving a draft.
    top : ipywidgets.HTML
        "Your top 5", with what moved and a line of facts per priority.
    ranking_toggle : ipywidgets.ToggleButton
        Shows or hides :attr:`ranking`, the full ranking.
    candidate_picker, explanation : ipywidgets widgets
        A priority, and what would move it in or out of the list, slider by slider.
    round_status, previous_round, notice : ipywidgets.HTML
        The round's status; from round 2, the table's and the room's weights in the
        previous round; problems saving a draft or reading the store.
    dot_pickers : list of ipywidgets.Dropdown
        One per dot (empty when the workshop has no dot vote).
    submit_button : ipywidgets.Button
    confirmation : ipywidgets.HTML
    widget : ipywidgets.VBox
        The whole view (displaying the app displays it).
    """

    def __init__(
        self,
        workshop: Workshop,
        *,
        watch_round: bool = False,
        round_seconds: float = 5.0,
        submit_pause: float = SUBMIT_PAUSE,
        table_code: str | None = None,
        read_link: bool = False,
    ) -> None:
        caller = "ParticipantApp"
        self.workshop = check_workshop(workshop, caller)
        self.round_seconds = check_seconds(round_seconds, "round_seconds", caller, 1.0)
        self.submit_pause = check_seconds(submit_pause, "submit_pause", caller, 0.0)
        self.model = workshop.model
        model = self.model
        self.size = int(workshop.shortlist_size)
        self._positions = workshop.start_weights.astype("float64")
        self._index = {candidate: i for i, candidate in enumerate(model.candidates)}
        self._phrases = [
            _html.plain_phrase(criterion.name, criterion.phrase) for criterion in model.criteria
        ]
        rows = model.table.iloc[model.order].to_dict("records")
        self._facts = [_html.facts_line(row, threshold=workshop.threshold) for row in rows]
        self._version = 0
        self._scores = np.zeros(len(model))
        self._ranks = np.arange(1, len(model) + 1)
        self._picked = np.arange(0)
        self._places = np.zeros(len(model), dtype=int)
        self._related = np.zeros(len(model), dtype=int)
        self._contributions = np.zeros((len(model), len(model.names)))
        self._previous_top: dict[str, int] | None = None
        self._table: str | None = None
        self._own_tables: set[str] = set()  # tables this page may show saved weights of
        self._linked: str | None = None
        self._groups: dict[str, str] = {}
        self._round = None
        self._previous_drawn: tuple[int, str] | None = None
        self._restoring = False
        self._cooling = False
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

        # Each widget is a model (and a view) the page builds; the HTML widgets, sliders and
        # dropdowns that look alike share one layout and one style model between them.
        self._text_layout = widgets.Layout()
        self._text_style = HTMLStyle()
        self._wide = DescriptionStyle(**WIDE)
        self.round_status = self._text()
        self.round_status.add_class("pophealth-round-status")
        self.notice = self._text()
        self.notice.add_class("pophealth-notice")
        self.table_picker = drop_down(
            "Your table",
            "pophealth-table-picker",
            [(CHOOSE_TABLE, "")],
            style=self._wide,
            width="300px",
            max_width="100%",
        )
        # The participants' shared link forgets the table on a reload; a table's own link
        # does not (a page opened from one hides this line).
        self.link_hint = self._text(_html.note(LINK_HINT))
        self.link_hint.add_class("pophealth-link-hint")
        self.role = group_picker("Who is at your table", "340px", "pophealth-role", self._wide)
        self.previous_round = self._text()
        self.previous_round.add_class("pophealth-previous-round")

        self.sliders: dict[str, widgets.IntSlider] = {}
        self._labels: list[widgets.HTML] = []
        slider_rows: list[widgets.Widget] = []
        # Shared by the sliders, and by the rows that hold them with their readouts.
        slider_layout = widgets.Layout(width="100%", flex="1 1 0%", min_width="0")
        row_layout = widgets.Layout(width="100%")
        line_layout = widgets.Layout(width="100%", align_items="center", overflow="visible")
        readout_layout = widgets.Layout(width="2.5em", flex="0 0 auto")
        self._readouts: list[widgets.HTML] = []
        slider_style = SliderStyle()
        for i, criterion in enumerate(model.criteria):
            phrase = self._phrases[i]
            slider = widgets.IntSlider(
                value=int(self._positions[i]),
                min=0,
                max=SLIDER_MAX,
                step=1,
                continuous_update=False,
                description="",
                readout=False,  # its number box took focus with no name: see readout_html
                layout=slider_layout,
                style=slider_style,
            )
            slider.add_class(f"pophealth-slider-{criterion.name}")
            slider.add_class("pophealth-slider")
            slider.add_class(_html.label_class(capitalised(phrase)))
            slider.observe(self._slider_handler(i), names="value")
            self.sliders[criterion.name] = slider
            text = self._text(
                _html.criterion_label(
                    phrase,
                    _html.plain_description(criterion.name, criterion.description),
                    _html.colour_of(i),
                )
            )
            self._labels.append(text)
            readout = widgets.HTML(
                _html.readout_html(slider.value), layout=readout_layout, style=self._text_style
            )
            readout.add_class("ph-readout")
            self._readouts.append(readout)
            line = widgets.HBox([slider, readout], layout=line_layout)
            line.add_class("ph-slider-line")
            row = widgets.VBox([text, line], layout=row_layout)
            row.add_class("ph-slider-row")
            slider_rows.append(row)

        self.top = self._text()
        self.top.add_class("pophealth-top")
        self.ranking_toggle = widgets.ToggleButton(
            value=False,
            description="Show the full ranking",
            tooltip="Show the full ranking",
            layout=widgets.Layout(width="auto"),
        )
        self.ranking_toggle.add_class("pophealth-full-ranking-toggle")
        self.ranking_toggle.add_class("ph-toggle")
        self.ranking_toggle.observe(self._toggle_ranking, names="value")
        # The full ranking is drawn only while it is shown (see _toggle_ranking): a hidden
        # table of every priority costs each page its parsing and each release its HTML.
        self.ranking = widgets.HTML(
            layout=widgets.Layout(display="none", width="100%"), style=self._text_style
        )
        self.ranking.add_class("pophealth-ranking-widget")

        by_label = sorted(zip(model.labels, model.candidates, strict=True))
        self.candidate_picker = drop_down(
            "Priority",
            "pophealth-candidate-picker",
            [(label, candidate) for label, candidate in by_label],
            style=self._wide,
            width="640px",
            max_width="100%",
            value=model.candidates[0],
        )
        self.candidate_picker.observe(lambda change: self._explain(), names="value")
        self.explanation = self._text()
        self.explanation.add_class("pophealth-explanation")

        self.dot_pickers: list[widgets.Dropdown] = []
        dot_layout = widgets.Layout(width="96%")
        for number in range(workshop.dots):
            picker = widgets.Dropdown(
                options=[(_NOT_SPENT, "")] + [(label, c) for label, c in by_label],
                value="",
                description=f"Dot {number + 1}",
                style=self._wide,
                layout=dot_layout,
            )
            picker.add_class("pophealth-dot")
            self.dot_pickers.append(picker)

        self.submit_button = button("Submit our table's weights", "pophealth-submit", primary=True)
        self.submit_button.layout = widgets.Layout(width="auto", height="44px")
        self.submit_button.on_click(lambda button: self.submit())
        self.confirmation = self._text()
        self.confirmation.add_class("pophealth-confirmation")
        self.glossary = self._text()
        self.glossary.add_class("pophealth-glossary")

        self.widget = self._layout(slider_rows)
        self._render()
        self.candidate_picker.value = self._first_outside()
        self._load_tables()
        self.refresh_round()
        self.table_picker.observe(self._choose_table, names="value")
        self.glossary.value = _html.glossary_html(
            _html.glossary(self._page_words(), always=("weight", "score", "round"))
        )
        if table_code is not None:
            self.open_table_link(table_code)
        if read_link:
            threading.Thread(target=self._read_link, name="workshop-link", daemon=True).start()
        if watch_round:
            self.start_watching()
        mark_kernel_ready()

    def _read_link(self) -> None:
        """Wait for the page's request (Voila's warm kernels run before it) and read its link.

        Voila gives a warm kernel its page's request over a websocket that must open within
        5 seconds, or the request is lost (a warning, no link): on a busy machine a table's
        own link then opened "Choose your table". The request waits in Voila's cache, so the
        wait is tried again, up to :data:`LINK_ATTEMPTS` times.
        """
        import os
        from urllib.parse import parse_qs

        try:
            from voila.utils import ENV_VARIABLE, wait_for_request

            for _ in range(LINK_ATTEMPTS):
                wait_for_request()
                if os.getenv(ENV_VARIABLE.VOILA_PREHEAT, "False") == "False" or (
                    ENV_VARIABLE.QUERY_STRING in os.environ
                ):
                    break
            query = os.getenv(ENV_VARIABLE.QUERY_STRING) or ""
        except Exception:  # not served by Voila, or the request never came: nothing to open
            return
        codes = parse_qs(query).get("table")
        if codes:
            self.open_table_link(codes[0])

    def __repr__(self) -> str:
        return (
            f"ParticipantApp({self.workshop.name!r}: {len(self.model)} candidates, "
            f"{len(self.model.names)} criteria)"
        )

    def _toggle_ranking(self, change) -> None:
        shown = bool(change["new"])
        if shown:
            self._draw_ranking()
        self.ranking.layout.display = "" if shown else "none"
        self.ranking_toggle.description = (
            "Hide the full ranking" if shown else "Show the full ranking"
        )

    # -- tables, rounds and drafts -----------------------------------------------------

    def _load_tables(self) -> None:
        """Fill the table picker from the facilitator's list (keeping the choice)."""
        try:
            tables = _active_tables(self.workshop)
        except StoreError as error:
            self.notice.value = error_html(error, "store")
            return
        groups = dict(tables)
        if groups == self._groups and len(self.table_picker.options) > 1:
            return
        self._groups = groups
        chosen = self.table_picker.value
        options = [(CHOOSE_TABLE, "")] + [(name, name) for name, _ in tables]
        if chosen and chosen not in groups:
            self.notice.value = _html.message(
                f"{escape(chosen)} is no longer on the facilitator's list of tables. Please "
                "choose your table again, or ask the facilitator.",
                kind="error",
                error="table-removed",
            )
            chosen = ""
        self.table_picker.options = options
        self.table_picker.value = chosen
        if not chosen:
            self._table = None

    def _choose_table(self, change) -> None:
        name = change["new"] or None
        self._table = name
        self.confirmation.value = ""
        if name is None:
            self.previous_round.value = ""
            return
        own = self._is_own(name)
        group = (self._last_role(name) if own else None) or self._groups.get(name)
        if group:
            if group not in self.role.options:
                self.role.options = [*self.role.options, group]
            self.role.value = group
        draft = None
        if own:
            try:
                draft = self.workshop.store.draft(self.workshop.name, name)
            except StoreError as error:
                self.notice.value = error_html(error, "store")
            else:
                self.notice.value = ""
        if draft:
            self.set_weights(draft)
        self._show_previous_round()
        self._show_submitted()

    def _is_own(self, table: str) -> bool:
        return table.casefold() in self._own_tables

    def open_table_link(self, code: str) -> bool:
        """Make the page the table whose own link carries ``code``; what a table's link does.

        The table is chosen and fixed, and its saved sliders (from before a reload) and
        earlier rounds' weights are restored. An unknown code, or that of a table since
        removed or merged, is said in words and leaves the page as it was.

        Parameters
        ----------
        code : str
            The code from the link (:meth:`SubmissionStore.table_code`).

        Returns
        -------
        bool
            True when the code named an active table.
        """
        try:
            table = self.workshop.store.table_for_code(self.workshop.name, code)
        except StoreError as error:
            self.notice.value = error_html(error, "store")
            return False
        if table is None:
            self.notice.value = _html.message(
                "This link is not (or no longer) a table's own link. Please choose your "
                "table below, or ask the facilitator for your table's link.",
                kind="error",
                error="link",
            )
            return False
        self._load_tables()
        self._own_tables.add(table.casefold())
        self._linked = table
        if self.table_picker.value == table:
            self._choose_table({"new": table})
        else:
            self.table_picker.value = table
        self.table_picker.disabled = True  # this page is this table's
        self.link_hint.value = ""
        self.notice.value = ""
        return True

    def _last_role(self, table: str) -> str | None:
        """Return who the table said was at it when it last submitted (this round or the last)."""
        store, name = self.workshop.store, self.workshop.name
        number = int(self._round.number) if self._round is not None else 1
        for round_number in (number, number - 1):
            if round_number < 1:
                break
            try:
                latest = store.latest(name, round=round_number)
            except StoreError:
                return None
            mine = rows_of_table(latest, table)
            if len(mine):
                return str(mine["role"].iloc[-1])
        return None

    def set_weights(self, weights: dict[str, float]) -> None:
        """Move the sliders to these weights (whole numbers 0-10) and re-draw once.

        Used to restore a table's draft; criteria not named keep their slider. Nothing is
        saved, and "what moved" starts afresh.
        """
        with self._lock:
            self._restoring = True
            try:
                for name, slider in self.sliders.items():
                    if name in weights:
                        value = float(weights[name])
                        slider.value = int(np.clip(np.rint(value), 0, SLIDER_MAX))
            finally:
                self._restoring = False
            self._positions = np.array(
                [float(slider.value) for slider in self.sliders.values()], dtype="float64"
            )
            self._previous_top = None
            self._render()

    def _save_draft(self) -> None:
        if self._table is None:
            return
        self._own_tables.add(self._table.casefold())  # this page's own sliders from now on
        try:
            self.workshop.store.save_draft(self.workshop.name, self._table, self.weights())
        except (StoreError, ValueError, TypeError) as error:
            self.notice.value = error_html(error, "draft")
        else:
            if "data-error" in self.notice.value:
                self.notice.value = ""

    def refresh_round(self) -> None:
        """Read the round's status from the store and show it (what the poll calls)."""
        try:
            state = self.workshop.store.current_round(self.workshop.name)
        except StoreError as error:
            self.round_status.value = error_html(error, "store")
            return
        changed = state != self._round
        number_changed = self._round is None or state.number != self._round.number
        self._round = state
        if not changed:
            if self._previous_round_recorded():
                self._show_previous_round()  # the room's result as recorded at closing
            return
        number = int(state.number)
        if state.open:
            words = (
                f"<b>Round {number} is open.</b> Move the sliders, talk it over, then submit "
                "your table's weights."
            )
        else:
            words = (
                f"<b>Round {number} is closed.</b> The facilitator is showing the room's "
                "result. Your sliders are kept; you can submit again when the next round opens."
            )
        self.round_status.value = round_status_html(number, state.open, words)
        if not self._cooling:
            self.submit_button.disabled = not state.open
        if number_changed:
            self._show_previous_round()
        if self._table is not None and (
            number_changed or "data-error" not in self.confirmation.value
        ):
            # "saved for round 1" or "you can submit again" no longer says where the table
            # is; a refusal ("the facilitator has closed round 1") stays until a new round
            self._show_submitted()

    def start_watching(self) -> None:
        """Poll the round's status and the table list every ``round_seconds`` (a thread)."""
        self._stop.clear()
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._watch, name="workshop-round", daemon=True)
            self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.round_seconds):
            try:
                self.refresh_round()
                self._load_tables()
            except Exception as error:  # keep polling; say what went wrong
                self.round_status.value = _html.message(
                    f"Could not check the round: {escape(plain(error))}", kind="error"
                )

    # -- the slider path (numpy only) --------------------------------------------------

    def _slider_handler(self, column: int):
        def handle(change) -> None:
            self._positions[column] = float(change["new"])
            self._readouts[column].value = _html.readout_html(change["new"])
            if self._restoring:
                return
            self._render()
            self._save_draft()

        return handle

    def _render(self) -> None:
        """Re-score and re-draw the top list and the ranking (one matrix-vector product)."""
        self._version += 1
        size = self.size
        if not (self._positions > 0).any():
            words = "Give at least one criterion some weight to see your list."
            self.top.value = (
                f'<div class="ph-top" data-version="{self._version}" data-size="{size}">'
                + _html.message(words, kind="error", error="no-weight")
                + "</div>"
            )
            self._draw_ranking()
            self.explanation.value = ""
            self._previous_top = None
            return
        model = self.model
        self._scores = model.scores(self._positions)
        self._contributions = model.contributions(self._positions)
        self._ranks = rank_scores(self._scores)
        self._picked = model.shortlisted(
            self._positions, size=size, per_cohort=self.workshop.per_cohort
        )
        self._places[:] = 0
        self._places[self._picked] = np.arange(1, self._picked.size + 1)
        self._related[:] = 0
        if self._picked.size:
            codes = model.cohort_codes
            lead: dict[int, int] = {}
            for place, code in enumerate(codes[self._picked].tolist(), start=1):
                lead.setdefault(code, place)
            skipped = (self._places == 0) & (self._ranks < self._ranks[self._picked].max())
            for index in np.flatnonzero(skipped):
                self._related[index] = lead.get(int(codes[index]), 0)
        self.top.value = self._top_html()
        self._draw_ranking()
        self._explain()

    def _draw_ranking(self) -> None:
        """Draw the full ranking for the current weights, when it is shown (else nothing)."""
        if not self.ranking_toggle.value:
            return
        if not (self._positions > 0).any():
            self.ranking.value = (
                f'<div class="pophealth-ranking" data-version="{self._version}">'
                + _html.message(
                    "Give at least one criterion some weight to see your list.", kind="error"
                )
                + "</div>"
            )
            return
        model, size = self.model, self.size
        self.ranking.value = _html.ranking_table(
            ids=model.candidates,
            labels=model.labels,
            phrases=self._phrases,
            scores=self._scores,
            contributions=self._contributions,
            ranks=self._ranks,
            positions=self._places,
            related_to=self._related,
            size=size,
            version=self._version,
            title=f"Every priority in order for your weights; your top {size} are starred"
            + self._rule_words(),
        )

    # -- reading the state -------------------------------------------------------------

    def weights(self) -> dict[str, float]:
        """Return the slider positions (whole numbers) as a mapping of criterion to weight."""
        return dict(zip(self.model.names, self._positions.tolist(), strict=True))

    def order(self) -> tuple[str, ...]:
        """Candidate ids in the order the full ranking shows them, best first."""
        return tuple(self.model.candidates[i] for i in np.argsort(self._ranks, kind="stable"))

    def shortlist(self) -> list[str]:
        """Return the candidate ids of the table's top list, best first."""
        return [self.model.candidates[i] for i in self._picked]

    def ranking_frame(self, *, decimals: int = 3) -> pd.DataFrame:
        """Return the ranking shown, as a table: rank, candidate and score (0-1).

        Parameters
        ----------
        decimals : int
            Decimals of the score.

        Returns
        -------
        pandas.DataFrame
        """
        order = np.argsort(self._ranks, kind="stable")
        return pd.DataFrame(
            {
                "rank": self._ranks[order],
                "candidate": np.array(self.model.candidates, dtype=object)[order],
                "score": np.round(self._scores[order], decimals),
            }
        )

    def dots(self) -> dict[str, int]:
        """Return the dot vote chosen, as a mapping of candidate id to dots."""
        counts: dict[str, int] = {}
        for picker in self.dot_pickers:
            if picker.value:
                counts[picker.value] = counts.get(picker.value, 0) + 1
        return counts


__all__ = ["CHOOSE_TABLE", "LINK_HINT", "SUBMIT_PAUSE", "TABLE_NAMES", "ParticipantApp"]
