"""The workshop's two views, built on ipywidgets and served to the room by Voila.

:class:`ParticipantApp` is what each table sees: it picks its table from the
facilitator's list, moves a slider per criterion and sees "your top 5" change beside the
sliders (with what moved up or down and a line of facts per priority), the full ranking
behind a toggle, what would move a chosen priority in or out, a dot vote, the round's
status and, from round 2, its own and the room's weights in the previous round.
:class:`FacilitatorApp` is what the facilitator shows the room: the rounds, the headline in
words (how many priorities are on every table's list), the agreement score beside what
random weights give, the room's list overall and by stakeholder group, what changed
between rounds, every table side by side, the table list, downloads of the decision log
and the store's problems log.

The views hold no statistics: scores, ranks and shortlists come from the workshop's
:class:`~toolkit.prioritise.ScoringModel` (numpy, microseconds; pandas stays off the
slider path), agreement, groups and rounds from :mod:`toolkit.prioritise.consensus`, and
everything stored goes through :class:`~toolkit.workshop.SubmissionStore`. Text is set as
the value of ``HTML`` widgets (never printed), so the notebooks run headless and under
nbval. Buttons carry no icons (no Font Awesome: the room may be offline) and are styled
through the toolkit's own classes (contrast at least 4.5:1).
"""

from __future__ import annotations

import base64
import re
import threading
from datetime import datetime
from html import escape
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pandas as pd
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_int import SliderStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from toolkit.prioritise.consensus import (
    AGGREGATION_LABELS,
    AGGREGATIONS,
    Aggregation,
    aggregate_weights,
    compare_rounds,
    room_consensus,
)
from toolkit.prioritise.scoring import DEFAULT_SHORTLIST_CAP, rank_scores, select_shortlist
from toolkit.workshop import _html
from toolkit.workshop.config import (
    SLIDER_MAX,
    STAKEHOLDER_ROLES,
    Workshop,
    mark_kernel_ready,
    table_link,
)
from toolkit.workshop.store import StoreError, SubmissionRefused

#: Table names offered when neither the store nor the configuration lists the tables.
TABLE_NAMES = tuple(f"Table {number}" for number in range(1, 13))

#: The first option of the table picker.
CHOOSE_TABLE = "Choose your table"

#: Seconds the submit button stays disabled after a submission (a double click sends one).
SUBMIT_PAUSE = 3.0

_NOT_SPENT = "(dot not spent)"
_WIDE = {"description_width": "initial"}


def _check_workshop(workshop: object, caller: str) -> Workshop:
    if not isinstance(workshop, Workshop):
        raise TypeError(
            f"The 'workshop' parameter of {caller} must be a Workshop (see load_workshop). "
            f"Got {type(workshop).__name__} instead."
        )
    return workshop


def _check_seconds(value: object, parameter: str, caller: str, low: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= low:
        raise ValueError(
            f"The '{parameter}' parameter of {caller} must be a float >= {low:g}. "
            f"Got {value!r} instead."
        )
    return float(value)


def _plain(error: BaseException) -> str:
    """Return the plain message of a store failure or refusal (``.message``), else its text."""
    return str(getattr(error, "message", "") or error)


def _button(description: str, css_class: str, *, primary: bool = False) -> widgets.Button:
    """Return a button with our own colours and no icon."""
    button = widgets.Button(
        description=description, tooltip=description, layout=widgets.Layout(width="auto")
    )
    button.add_class(css_class)
    button.add_class("ph-primary" if primary else "ph-secondary")
    return button


def _tick_box(description: str, css_class: str) -> widgets.Checkbox:
    """Return an unticked box with its label beside it, found by ``css_class``."""
    box = widgets.Checkbox(
        value=False, description=description, indent=False, layout=widgets.Layout(width="auto")
    )
    box.add_class(css_class)
    return box


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


def slider_settings_in_list(
    model, positions: np.ndarray, index: int, *, size: int, per_cohort: int | None
) -> np.ndarray:
    """Whether a candidate is in the list at each whole-number setting of each slider.

    Each slider is set in turn to 0, 1, ..., :data:`SLIDER_MAX` with the others where they
    are, and the model's own shortlist rule is applied (one batch of scores, the rule of
    :func:`toolkit.prioritise.scoring.select_shortlist`): no statistic of its own.

    Parameters
    ----------
    model : ScoringModel
        The workshop's model.
    positions : numpy.ndarray
        The slider positions, criteria order.
    index : int
        The candidate's position in ``model.candidates``.
    size : int
        The list's size.
    per_cohort : int or None
        The per-cohort rule.

    Returns
    -------
    numpy.ndarray
        Boolean, shape (criteria, SLIDER_MAX + 1).
    """
    count = len(model.names)
    settings = np.arange(SLIDER_MAX + 1, dtype="float64")
    weights = np.broadcast_to(positions, (count, settings.size, count)).copy()
    for column in range(count):
        weights[column, :, column] = settings
    flat = weights.reshape(-1, count)
    totals = flat.sum(axis=1)
    valid = totals > 0
    shares = flat / np.where(valid, totals, 1.0)[:, np.newaxis]
    shares[~valid] = 1.0 / count  # scored but never reported: all-zero sliders give no list
    ranks = rank_scores(model.batch_scores(shares))
    chosen, _ = select_shortlist(ranks, model.cohort_codes, size, per_cohort)
    return (chosen[:, index] & valid).reshape(count, settings.size)


def _settings_words(values: np.ndarray) -> str:
    """Return slider settings in words: "8 or more", "3 or less", "1 or less, or 6 or more"."""
    numbers = [int(v) for v in values]
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = []
    for run in runs:
        if len(run) == 1:
            parts.append(str(run[0]))
        elif run[-1] == SLIDER_MAX:
            parts.append(f"{run[0]} or more")
        elif run[0] == 0:
            parts.append(f"{run[-1]} or less")
        else:
            parts.append(f"anything from {run[0]} to {run[-1]}")
    return ", or ".join(parts)


def what_would_move_it(member: np.ndarray, inside: bool, phrase: str) -> str:
    """Say in words which settings of one slider put a candidate in or out of the list.

    Parameters
    ----------
    member : numpy.ndarray
        Boolean, one per slider setting 0 to :data:`SLIDER_MAX`: in the list at it.
    inside : bool
        Whether the candidate is in the list now.
    phrase : str
        The slider's criterion phrase.

    Returns
    -------
    str
        For example "stays in your list whatever this slider says", "comes into your list
        if you move 'deaths' to 8 or more", "no setting of this slider alone brings it in".
    """
    if member.all():
        return "stays in your list whatever this slider says"
    if not member.any():
        return (
            "no setting of this slider alone brings it in"
            if not inside
            else "no setting of this slider alone keeps it in"
        )
    if inside:
        return (
            f"drops out of your list if you move '{phrase}' to "
            f"{_settings_words(np.flatnonzero(~member))}"
        )
    return (
        f"comes into your list if you move '{phrase}' to {_settings_words(np.flatnonzero(member))}"
    )


class ParticipantApp:
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
        self.workshop = _check_workshop(workshop, caller)
        self.round_seconds = _check_seconds(round_seconds, "round_seconds", caller, 1.0)
        self.submit_pause = _check_seconds(submit_pause, "submit_pause", caller, 0.0)
        self.model = workshop.model
        model = self.model
        self.size = int(workshop.shortlist_size)
        self._positions = workshop.start_weights.astype("float64")
        self._index = {candidate: i for i, candidate in enumerate(model.candidates)}
        self._phrases = [
            _html.plain_phrase(criterion.name, criterion.phrase) for criterion in model.criteria
        ]
        rows = model.table.iloc[model.order].to_dict("records")
        self._facts = [_html.facts_line(row) for row in rows]
        self._long_facts = [
            str(row["facts"]).strip() if isinstance(row.get("facts"), str) else "" for row in rows
        ]
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
        self._restoring = False
        self._cooling = False
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

        # Each widget is a model (and a view) the page builds; the HTML widgets, sliders and
        # dropdowns that look alike share one layout and one style model between them.
        self._text_layout = widgets.Layout()
        self._text_style = HTMLStyle()
        self._wide = DescriptionStyle(**_WIDE)
        self.round_status = self._text()
        self.round_status.add_class("pophealth-round-status")
        self.notice = self._text()
        self.notice.add_class("pophealth-notice")
        self.table_picker = widgets.Dropdown(
            options=[(CHOOSE_TABLE, "")],
            value="",
            description="Your table",
            style=self._wide,
            layout=widgets.Layout(width="300px", max_width="100%"),
        )
        self.table_picker.add_class("pophealth-table-picker")
        self.role = widgets.Dropdown(
            options=list(STAKEHOLDER_ROLES),
            value=STAKEHOLDER_ROLES[0],
            description="Who is at your table",
            style=self._wide,
            layout=widgets.Layout(width="340px", max_width="100%"),
        )
        self.role.add_class("pophealth-role")
        self.previous_round = self._text()
        self.previous_round.add_class("pophealth-previous-round")

        self.sliders: dict[str, widgets.IntSlider] = {}
        self._labels: list[widgets.HTML] = []
        slider_rows: list[widgets.Widget] = []
        slider_layout = widgets.Layout(width="100%")  # shared by the sliders and their rows
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
                readout=True,
                layout=slider_layout,
                style=slider_style,
            )
            slider.add_class(f"pophealth-slider-{criterion.name}")
            slider.add_class("pophealth-slider")
            slider.add_class(_html.label_class(_html.sentence_case(phrase)))
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
            row = widgets.VBox([text, slider], layout=slider_layout)
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
        self.candidate_picker = widgets.Dropdown(
            options=[(label, candidate) for label, candidate in by_label],
            value=model.candidates[0],
            description="Priority",
            style=self._wide,
            layout=widgets.Layout(width="640px", max_width="100%"),
        )
        self.candidate_picker.add_class("pophealth-candidate-picker")
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

        self.submit_button = _button("Submit our table's weights", "pophealth-submit", primary=True)
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
        """Wait for the page's request (Voila's warm kernels run before it) and read its link."""
        try:
            from urllib.parse import parse_qs

            from voila.utils import get_query_string

            query = get_query_string() or ""
        except Exception:  # not served by Voila, or the request never came: nothing to open
            return
        codes = parse_qs(query).get("table")
        if codes:
            self.open_table_link(codes[0])

    # -- layout ------------------------------------------------------------------------

    def _intro_text(self) -> str:
        workshop = self.workshop
        excluded = 0 if workshop.excluded is None else len(workshop.excluded)
        left_out = (
            f" {excluded} more could not be measured with the data we have and are not in the list."
            if excluded
            else ""
        )
        return (
            f"Which {self.size} of these {len(self.model)} pieces of work should come first? "
            f"Choose your table, then move each slider to say how much that matters to your "
            f"table: 0 means it does not matter, 10 means it matters most.{left_out} Your top "
            f"{self.size} changes each time you let go of a slider."
        )

    def _page_words(self) -> list[str]:
        words = [self._intro_text(), *self.model.labels, *self._facts, *self._long_facts]
        for i, criterion in enumerate(self.model.criteria):
            words.append(self._phrases[i])
            words.append(_html.plain_description(criterion.name, criterion.description))
        return words

    def _text(self, value: str = "") -> widgets.HTML:
        """Return an HTML widget sharing the view's one text layout and style."""
        return widgets.HTML(value, layout=self._text_layout, style=self._text_style)

    def _layout(self, slider_rows: list[widgets.Widget]) -> widgets.VBox:
        intro = self._text(
            _html.STYLESHEET
            + _html.heading(self.workshop.name, level=1)
            + _html.paragraph(self._intro_text())
        )
        who = widgets.Box(
            [self.table_picker, self.role],
            layout=widgets.Layout(flex_flow="row wrap", width="100%", overflow="visible"),
        )
        sliders = widgets.VBox(
            [
                self._text(_html.heading("How much does each of these matter to your table?")),
                self.notice,
                *slider_rows,
            ],
            layout=widgets.Layout(flex="1 1 380px", min_width="0", overflow="visible"),
        )
        sliders.add_class("ph-sliders")
        side_parts: list[widgets.Widget] = [self.top, self.previous_round]
        if self.dot_pickers:
            side_parts += [
                self._text(
                    _html.heading("Your table's dots", level=3)
                    + _html.paragraph(
                        f"Your table has {len(self.dot_pickers)} dots to put on the priorities "
                        "it feels most strongly about, whatever the sliders say. You may put "
                        "more than one dot on a priority."
                    )
                ),
                *self.dot_pickers,
            ]
        side_parts += [
            self._text(
                _html.paragraph(
                    "When your table agrees, submit. Submitting again replaces your table's "
                    "earlier weights; both are kept in the workshop's record."
                )
            ),
            self.submit_button,
            self.confirmation,
        ]
        side = widgets.VBox(
            side_parts,
            layout=widgets.Layout(flex="1 1 320px", min_width="0", overflow="visible"),
        )
        side.add_class("ph-side")
        main = widgets.Box(
            [sliders, side],
            layout=widgets.Layout(
                flex_flow="row wrap", align_items="flex-start", width="100%", overflow="visible"
            ),
        )
        main.add_class("ph-wrap")
        sections = [
            intro,
            self.round_status,
            who,
            main,
            self._text(_html.heading("All the priorities in order")),
            self.ranking_toggle,
            self.ranking,
            self._text(_html.heading("What would move a priority in or out of your list?")),
            self.candidate_picker,
            self.explanation,
            self.glossary,
        ]
        view = widgets.VBox(
            sections,
            layout=widgets.Layout(
                max_width="1240px", width="100%", padding="0 8px", overflow="visible"
            ),
        )
        view.add_class("pophealth-participant")
        view.add_class("ph-view")
        return view

    def __repr__(self) -> str:
        return (
            f"ParticipantApp({self.workshop.name!r}: {len(self.model)} candidates, "
            f"{len(self.model.names)} criteria)"
        )

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):
            bundle["text/plain"] = repr(self)
        return bundle

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
            self.notice.value = _html.message(escape(_plain(error)), kind="error", error="store")
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
                self.notice.value = _html.message(
                    escape(_plain(error)), kind="error", error="store"
                )
            else:
                self.notice.value = ""
        if draft:
            self.set_weights(draft)
        self._show_previous_round()

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
            self.notice.value = _html.message(escape(_plain(error)), kind="error", error="store")
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
            mine = latest.loc[latest["table"].astype(str).str.casefold() == table.casefold()]
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
            self.notice.value = _html.message(escape(_plain(error)), kind="error", error="draft")
        else:
            if "data-error" in self.notice.value:
                self.notice.value = ""

    def refresh_round(self) -> None:
        """Read the round's status from the store and show it (what the poll calls)."""
        try:
            state = self.workshop.store.current_round(self.workshop.name)
        except StoreError as error:
            self.round_status.value = _html.message(
                escape(_plain(error)), kind="error", error="store"
            )
            return
        changed = state != self._round
        number_changed = self._round is None or state.number != self._round.number
        self._round = state
        if not changed:
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
        self.round_status.value = (
            f'<div data-round="{number}" data-open="{"true" if state.open else "false"}">'
            + _html.message(words, kind="info" if state.open else "success")
            + "</div>"
        )
        if not self._cooling:
            self.submit_button.disabled = not state.open
        if number_changed:
            self._show_previous_round()

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
                    f"Could not check the round: {escape(_plain(error))}", kind="error"
                )

    def close(self) -> None:
        """Stop polling and close the widgets."""
        self._stop.set()
        self.widget.close()

    def _label(self, column: int, before: str = "") -> str:
        criterion = self.model.criteria[column]
        return _html.criterion_label(
            self._phrases[column],
            _html.plain_description(criterion.name, criterion.description),
            _html.colour_of(column),
            before=before,
        )

    def _clear_previous_round(self) -> None:
        self.previous_round.value = ""
        for column, label in enumerate(self._labels):
            label.value = self._label(column)

    def _show_previous_round(self) -> None:
        """From round 2, show the table's and the room's weights in the previous round.

        Beside each slider: where the table left it and the room's share; beside the top
        5: the same as a table, with the room's list in that round.
        """
        state = self._round
        if state is None or int(state.number) < 2 or self._table is None:
            self._clear_previous_round()
            return
        before = int(state.number) - 1
        store, name, model = self.workshop.store, self.workshop.name, self.model
        try:
            latest = store.latest(name, round=before)
        except StoreError as error:
            self._clear_previous_round()
            self.previous_round.value = _html.message(
                escape(_plain(error)), kind="error", error="store"
            )
            return
        if latest.empty:
            self._clear_previous_round()
            return
        names = list(model.names)
        room = aggregate_weights(latest, criteria=names)["arithmetic_mean"].to_numpy()
        room = np.where(np.isfinite(room), room, 0.0)
        mine = latest.loc[latest["table"].astype(str).str.casefold() == self._table.casefold()]
        if not self._is_own(self._table):
            mine = mine.iloc[0:0]  # another page's table: its weights are not shown here
        own = None
        if len(mine):
            own = mine[[f"weight_{n}" for n in names]].to_numpy(dtype="float64")[-1]
        own_shares = own / own.sum() if own is not None and own.sum() > 0 else None
        tables = len(latest)
        rows = []
        for i in range(len(names)):
            cells = [
                _html.swatch(_html.colour_of(i)) + escape(_html.sentence_case(self._phrases[i]))
            ]
            if own is not None:
                cells += [
                    f"{own[i]:.0f}",
                    _share_bar(own_shares[i] if own_shares is not None else 0),
                ]
                hint = (
                    f"Round {before}: your table put it at {own[i]:.0f} "
                    f"({(own_shares[i] if own_shares is not None else 0):.0%} of your weight); "
                    f"the room's average gave it {room[i]:.0%}."
                )
            else:
                hint = f"Round {before}: the room's average gave it {room[i]:.0%} of its weight."
            cells.append(_share_bar(float(room[i])))
            rows.append(cells)
            self._labels[i].value = self._label(i, hint)
        header = ["Criterion"]
        if own is not None:
            header += ["Your slider", "Your share"]
        header.append(f"Room's share ({tables} tables)")
        try:
            previous = room_consensus(
                latest,
                model=model,
                size=self.size,
                per_cohort=self.workshop.per_cohort,
                baseline_draws=0,
            )
            labels = dict(zip(model.candidates, model.labels, strict=True))
            room_list = "".join(
                f'<li data-candidate="{escape(c)}">{escape(labels[c])}</li>'
                for c in previous.shortlist_ids
            )
            room_words = (
                f'<p style="{_html.FONT};margin:6px 0 2px 0"><b>The room\'s top {self.size} in '
                f'round {before}:</b></p><ol style="{_html.FONT};margin:0 0 6px 0">'
                f"{room_list}</ol>"
            )
        except ValueError:
            room_words = ""
        intro = (
            f"In round {before} your table set the sliders as below; beside them is the "
            "room's choice (the average of every table's share). Your sliders start where "
            "your table left them: move them if the discussion changed your mind."
            if own is not None
            else f"Your table did not submit in round {before}. Here is the room's choice "
            "then (the average of every table's share)."
        )
        self.previous_round.value = (
            f'<div class="ph-previous" data-round="{before}" '
            f'data-submitted="{str(own is not None).lower()}">'
            + _html.heading(f"Round {before}: your table and the room", level=3)
            + _html.paragraph(intro)
            + room_words
            + _html.simple_table(header, rows, table_class="pophealth-previous-weights")
            + "</div>"
        )

    # -- the slider path (numpy only) --------------------------------------------------

    def _slider_handler(self, column: int):
        def handle(change) -> None:
            self._positions[column] = float(change["new"])
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

    def _top_html(self) -> str:
        model = self.model
        previous = self._previous_top
        items = []
        now: dict[str, int] = {}
        for place, index in enumerate(self._picked.tolist(), start=1):
            candidate = model.candidates[index]
            now[candidate] = place
            if previous is None:
                move, steps = "same", 0
            elif candidate not in previous:
                move, steps = "new", 0
            elif previous[candidate] > place:
                move, steps = "up", previous[candidate] - place
            elif previous[candidate] < place:
                move, steps = "down", place - previous[candidate]
            else:
                move, steps = "same", 0
            items.append((candidate, model.labels[index], self._facts[index], move, steps))
        left = []
        if previous is not None:
            for candidate in previous:
                if candidate not in now:
                    index = self._index[candidate]
                    left.append((candidate, model.labels[index], int(self._ranks[index])))
        notes = []
        if previous is not None and previous == now:
            notes.append(f"Your last change did not change your top {self.size}.")
        rule = self._rule_note()
        if rule:
            notes.append(rule)
        self._previous_top = now
        return _html.top_list(
            items=items, size=self.size, version=self._version, left=left, note=" ".join(notes)
        )

    def _rule_note(self) -> str:
        per_cohort = self.workshop.per_cohort
        if per_cohort is None or not self.model.cohort_columns:
            return ""
        most = "one priority" if per_cohort == 1 else f"{per_cohort} priorities"
        return (
            f"The list takes at most {most} for each group of people, so that it covers "
            "different people."
        )

    def _rule_words(self) -> str:
        """Words for the per-cohort rule, when it applies (empty otherwise)."""
        per_cohort = self.workshop.per_cohort
        if per_cohort is None or not self.model.cohort_columns:
            return ""
        return (
            " (one per group of people)"
            if per_cohort == 1
            else f" (at most {per_cohort} per group of people)"
        )

    def _first_outside(self) -> str:
        """Return the best-ranked candidate outside the list (the one most worth asking about)."""
        order = np.argsort(self._ranks, kind="stable")
        for index in order:
            if not self._places[index]:
                return self.model.candidates[int(index)]
        return self.model.candidates[int(order[0])]

    def _explain(self) -> None:
        """Explain the chosen priority's place and, slider by slider, what would move it."""
        if not (self._positions > 0).any():
            return
        model = self.model
        candidate = self.candidate_picker.value
        index = self._index[candidate]
        size = self.size
        rank = int(self._ranks[index])
        inside = bool(self._places[index])
        where = f"in your top {size}" if inside else f"not in your top {size}"
        lines = [
            f"<b>{escape(model.labels[index])}</b> is number <b>{rank}</b> of {len(model)} "
            f"for your table's weights: {where}."
        ]
        facts = self._long_facts[index] or self._facts[index]
        if facts:
            lines.append(escape(facts))
        if self._related[index]:
            place = int(self._related[index])
            holder = model.labels[int(self._picked[place - 1])]
            lines.append(
                f"It is for the same group of people as number {place}, {escape(holder)}, "
                "which is already in your list. The list takes "
                f"{'one priority' if self.workshop.per_cohort == 1 else 'a few priorities'} "
                "for each group of people, so that it covers different people."
            )
        parts = self._contributions[index]
        score = float(self._scores[index])
        if score > 0:
            biggest = [j for j in np.argsort(-parts, kind="stable") if parts[j] > 0][:3]
            shares = ", ".join(
                f"{escape(self._phrases[j])} ({parts[j] / score:.0%})" for j in biggest
            )
            lines.append(f"Its place comes mostly from {shares}.")
        else:
            lines.append("It scores nothing on the criteria your table has weighted.")
        member = slider_settings_in_list(
            model, self._positions, index, size=size, per_cohort=self.workshop.per_cohort
        )
        items = "".join(
            f'<li data-criterion="{escape(name)}">'
            f"<b>{escape(_html.sentence_case(self._phrases[j]))}</b> "
            f"(now {self._positions[j]:.0f}): "
            f"{escape(what_would_move_it(member[j], inside, self._phrases[j]))}</li>"
            for j, name in enumerate(model.names)
        )
        verb = "out of" if inside else "into"
        self.explanation.value = (
            f'<div data-candidate="{escape(candidate)}" data-inside="{str(inside).lower()}">'
            + "".join(f'<p style="{_html.FONT};margin:4px 0">{line}</p>' for line in lines)
            + f'<p style="{_html.FONT};margin:8px 0 2px 0"><b>What would move it {verb} your '
            f"list?</b> Each line moves one slider and leaves the others where they are.</p>"
            + f'<ul class="pophealth-what-moves" style="{_html.FONT};margin:0">{items}</ul>'
            + "</div>"
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

    # -- submitting --------------------------------------------------------------------

    def _refuse(self, text: str, error: str) -> None:
        self.confirmation.value = _html.message(text, kind="error", error=error)

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
            earlier = store.latest(workshop.name)
            same = earlier.loc[earlier["table"].astype(str).str.casefold() == table.casefold()]
        except StoreError:  # only for the "replaces" note; the submission says what failed
            same = pd.DataFrame()
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
            self._refuse(escape(_plain(error)), "refused")
            return None
        except StoreError as error:
            self._refuse(escape(_plain(error)), "store")
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
        if not self._is_own(table):
            same = same.iloc[0:0]  # another page's submissions are not this page's to mention
        self._own_tables.add(table.casefold())  # this page's weights from now on
        when = datetime.now().strftime("%H:%M")
        number = int(self._round.number) if self._round is not None else 1
        text = (
            f"<b>Thank you, {escape(table)}.</b> Your table's weights and top {self.size} were "
            f"saved at {when} for round {number} (submission {submission})."
        )
        if len(same):
            text += (
                f" This replaces your table's earlier submission (number "
                f"{int(same['submission_id'].iloc[-1])}); both are kept in the record."
            )
        self.confirmation.value = (
            f'<div data-submission="{submission}" data-round="{number}">'
            f"{_html.message(text, kind='success')}</div>"
        )
        return submission

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


def _share_bar(share: float) -> str:
    """Return a share of the total weight as a small bar and a percentage."""
    width = max(0.0, min(1.0, share)) * 100
    return (
        f'<span aria-hidden="true" style="display:inline-block;width:80px;height:10px;'
        f'background:{_html.NHS_PALE_GREY};vertical-align:middle;margin-right:6px">'
        f'<span style="display:block;height:10px;width:{width:.0f}%;'
        f'background:{_html.NHS_BLUE}"></span></span>{share:.0%}'
    )


def _letters(number: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": anonymous table names."""
    text = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        text = chr(65 + rest) + text
    return text


def _data_uri(text: str, media_type: str) -> str:
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"data:{media_type};charset=utf-8;base64,{encoded}"


class FacilitatorApp:
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
        self.workshop = _check_workshop(workshop, caller)
        if aggregation not in AGGREGATIONS:
            raise ValueError(
                f"The 'aggregation' parameter of {caller} must be one of {sorted(AGGREGATIONS)}. "
                f"Got {aggregation!r} instead."
            )
        self.refresh_seconds = _check_seconds(refresh_seconds, "refresh_seconds", caller, 1.0)
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
        self.open_round_button = _button("Open round 1", "pophealth-open-round", primary=True)
        self.open_round_button.layout = widgets.Layout(width="auto")
        self.open_round_button.on_click(lambda button: self.open_round())
        self.close_round_button = _button(
            "Close round 1 and show the room's result", "pophealth-close-round"
        )
        self.close_round_button.layout = widgets.Layout(width="auto")
        self.close_round_button.on_click(lambda button: self.close_round())
        self.round_message = widgets.HTML()

        self.refresh_button = _button("Refresh now", "pophealth-refresh")
        self.refresh_button.on_click(lambda button: self.refresh(force=True))
        self.auto_refresh = _tick_box(
            f"Refresh every {self.refresh_seconds:g} seconds", "pophealth-auto-refresh"
        )
        self.auto_refresh.observe(self._toggle_auto, names="value")
        self.projector = _tick_box("Projector mode (large type)", "pophealth-projector")
        self.projector.observe(self._toggle_projector, names="value")
        self.hide_names = _tick_box("Hide table names", "pophealth-hide-names")
        self.hide_names.observe(self._toggle_names, names="value")
        self.aggregation = widgets.Dropdown(
            options=[(AGGREGATION_LABELS[name], name) for name in AGGREGATIONS],
            value=aggregation,
            description="Combine the tables' weights by their",
            style=_WIDE,
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
            style=_WIDE,
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
            style=_WIDE,
            layout=widgets.Layout(width="320px", max_width="100%"),
        )
        self.new_table.add_class("pophealth-new-table")
        self.new_group = widgets.Dropdown(
            options=list(STAKEHOLDER_ROLES),
            value=STAKEHOLDER_ROLES[0],
            description="Group",
            style=_WIDE,
            layout=widgets.Layout(width="260px", max_width="100%"),
        )
        self.new_group.add_class("pophealth-new-group")
        self.add_table_button = _button("Add table", "pophealth-add-table")
        self.add_table_button.on_click(lambda button: self.add_table())
        self.remove_choice = widgets.Dropdown(
            options=[],
            description="Table to remove",
            style=_WIDE,
            layout=widgets.Layout(width="auto"),
        )
        self.remove_choice.add_class("pophealth-remove-choice")
        self.remove_table_button = _button("Remove table", "pophealth-remove-table")
        self.remove_table_button.on_click(lambda button: self.remove_table())
        self.merge_source = widgets.Dropdown(
            options=[], description="Merge", style=_WIDE, layout=widgets.Layout(width="auto")
        )
        self.merge_source.add_class("pophealth-merge-source")
        self.merge_into = widgets.Dropdown(
            options=[], description="into", style=_WIDE, layout=widgets.Layout(width="auto")
        )
        self.merge_into.add_class("pophealth-merge-into")
        self.merge_button = _button("Merge tables", "pophealth-merge-tables")
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

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):
            bundle["text/plain"] = repr(self)
        return bundle

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
                    f"Could not refresh: {escape(_plain(error))}", kind="error", error="refresh"
                )

    def close(self) -> None:
        """Stop refreshing automatically and close the widgets."""
        self._stop.set()
        self.widget.close()

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
                    f"Could not read the workshop's record ({when}): {escape(_plain(error))}",
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
                self.status.value = _html.message(
                    escape(_plain(error)), kind="error", error="store"
                )
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
        for button in (self.open_round_button, self.close_round_button):
            button.tooltip = button.description
        self.round_status.value = (
            f'<div data-round="{number}" data-open="{"true" if state.open else "false"}">'
            + _html.message(words, kind="info" if state.open else "success")
            + "</div>"
        )

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
            self.round_message.value = _html.message(
                escape(_plain(error)), kind="error", error="round"
            )
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
            ) + self._links_html(active)
        for picker in (self.remove_choice, self.merge_source, self.merge_into):
            if list(picker.options) != active:
                chosen = picker.value
                picker.options = active
                picker.value = chosen if chosen in active else (active[0] if active else None)
        if len(active) > 1 and self.merge_into.value == self.merge_source.value:
            self.merge_into.value = active[1]

    def _links_html(self, active: list[str]) -> str:
        """Each active table's own link, to hand out (empty when not served)."""
        if self.participant_url is None or not active:
            return ""
        store, name = self.workshop.store, self.workshop.name
        items = []
        for table in active:
            try:
                link = table_link(self.participant_url, store.table_code(name, table))
            except (StoreError, ValueError):
                continue
            items.append(
                f'<li data-table="{escape(table)}"><b>{escape(table)}</b>: '
                f'<a href="{escape(link)}" target="_blank" rel="noopener">{escape(link)}</a></li>'
            )
        return (
            '<div class="pophealth-table-links">'
            + _html.heading("Each table's own link", level=3)
            + _html.paragraph(
                "Give each table its own link (on a card, or as a QR code). It brings the "
                "table's sliders back after a reload and shows its earlier rounds. The "
                "participants' link alone lets a table choose its name, but shows no table's "
                "saved weights."
            )
            + f'<ul style="{_html.FONT};font-size:13px;word-break:break-all">'
            + "".join(items)
            + "</ul></div>"
        )

    def _table_action(self, action, done: str) -> bool:
        try:
            action()
        except (SubmissionRefused, StoreError, ValueError, TypeError) as error:
            self.table_message.value = _html.message(
                escape(_plain(error)), kind="error", error="tables"
            )
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
        labels = dict(zip(self.model.candidates, self.model.labels, strict=True))
        criteria_labels = {
            criterion.name: _html.plain_phrase(criterion.name, criterion.phrase)
            for criterion in self.model.criteria
        }
        try:
            table = store.decision_log_csv(
                workshop.name, labels=labels, criteria_labels=criteria_labels
            )
            document = store.decision_log_json(workshop.name, settings=self._settings())
        except StoreError as error:
            self.downloads.value = _html.message(escape(_plain(error)), kind="error", error="store")
            return
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        slug = re.sub(r"[^a-z0-9]+", "-", workshop.name.lower()).strip("-") or "workshop"
        links = (
            f'<a class="pophealth-download" data-kind="csv" '
            f'download="decision-log-{slug}-{stamp}.csv" '
            f'href="{_data_uri(table, "text/csv")}">Download the decision log '
            "(spreadsheet, CSV)</a>"
            f'<a class="pophealth-download" data-kind="json" '
            f'download="decision-log-{slug}-{stamp}.json" '
            f'href="{_data_uri(document, "application/json")}">Download the log for the '
            "board report (JSON)</a>"
        )
        self.downloads.value = (
            _html.paragraph(
                "Every submission in every round, with plain headings and whole-number "
                "weights; the board report reads either file."
            )
            + f'<div class="ph-download">{links}</div>'
        )

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
        return {table: f"Table {_letters(i)}" for i, table in enumerate(tables)}

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
        self.agreement.value = self._agreement_html(room)
        self.shortlist.value = self._shortlist_html(room)
        self.by_group.value = self._groups_html(room)
        self.round_change.value = self._change_html(self.change, names)
        self.rankings.value = self._rankings_html(room, tables, names, groups)
        self.disagreements.value = self._disagreements_html(room, len(tables))
        self.weights.value = self._weights_html(room, tables, names)
        if self.workshop.dots:
            self.dot_vote.value = self._dots_html(room)

    def _agreement_html(self, room) -> str:
        overlap = room.overlap
        on_every = len(overlap.on_every_list) if overlap is not None else 0
        sentence = overlap.sentence if overlap is not None else ""
        headline = (
            f'<div class="pophealth-headline ph-headline" data-on-every-list="{on_every}" '
            f'data-tables="{len(room.tables)}">{escape(sentence)}</div>'
        )
        kendall = room.agreement
        if kendall is None:
            secondary = (
                '<div class="pophealth-kendall ph-secondary" data-w="">The agreement score '
                "needs at least two tables.</div>"
            )
            return headline + secondary
        baseline = room.baseline
        attributes = f'data-w="{kendall.w:.6f}" data-p="{kendall.p_value:.6g}"'
        figure = (
            f"<b>Agreement score W = {kendall.w:.2f}</b>."
            if np.isfinite(kendall.w)
            else "<b>The agreement score (Kendall's W) cannot be worked out.</b>"
        )
        if baseline is not None:
            attributes += (
                f' data-baseline-median="{baseline.median_w:.6f}" '
                f'data-baseline-upper="{baseline.upper_w:.6f}" '
                f'data-beyond="{str(bool(baseline.beyond)).lower()}"'
            )
            figure += f" {escape(baseline.sentence)}"
        return (
            headline
            + f'<div class="pophealth-kendall ph-secondary" {attributes}>{figure} W runs from '
            "0 (the tables' rankings are unrelated) to 1 (every table ranks the priorities the "
            "same); criteria that go together make even random weights agree, hence the "
            "comparison.</div>"
        )

    def _shortlist_html(self, room) -> str:
        frame = room.shortlist
        places = (
            frame["position"].tolist() if "position" in frame.columns else range(1, len(frame) + 1)
        )
        rows = [
            [str(int(place)), escape(str(label)), escape(str(reason))]
            for place, label, reason in zip(places, frame["label"], frame["reason"], strict=True)
        ]
        words = AGGREGATION_LABELS[room.aggregation]
        return _html.paragraph(
            f"From the {words} of the tables' weights. Each line says why the priority is there."
        ) + _html.simple_table(
            ["Place", "Priority", "Why it is here"],
            rows,
            row_attributes=[f'data-candidate="{escape(str(c))}"' for c in frame["candidate"]],
            table_class="pophealth-room-shortlist-table",
        )

    def _groups_html(self, room) -> str:
        frame = room.by_group()
        rows, attributes = [], []
        for group, count, ids, labels in zip(
            frame["group"], frame["tables"], frame["shortlist"], frame["labels"], strict=True
        ):
            listed = "; ".join(
                f"{place}. {escape(str(label))}" for place, label in enumerate(labels, start=1)
            )
            rows.append([escape(str(group)), str(int(count)), listed or "(no list)"])
            attributes.append(
                f'data-group="{escape(str(group))}" data-shortlist="{escape(" ".join(ids))}"'
            )
        table = _html.simple_table(
            ["Group", "Tables", "The list its own tables' weights give"],
            rows,
            row_attributes=attributes,
            table_class="pophealth-by-group",
        )
        effects = ""
        if len(frame) > 1:
            items = []
            for group in frame["group"]:
                effect = room.group_effect(str(group))
                items.append(
                    f'<li data-group="{escape(str(group))}" '
                    f'data-came-in="{escape(" ".join(effect.came_in))}" '
                    f'data-went-out="{escape(" ".join(effect.went_out))}">'
                    f"{escape(effect.sentence)}</li>"
                )
            effects = (
                _html.paragraph("What each group's tables changed in the room's list:")
                + f'<ul class="pophealth-group-effects" style="{_html.FONT};font-size:15px">'
                + "".join(items)
                + "</ul>"
            )
        return (
            _html.paragraph(
                "The list each stakeholder group would have chosen on its own (its tables' "
                "weights combined as the room's are)."
            )
            + table
            + effects
        )

    def _change_html(self, change, names: dict[str, str]) -> str:
        if change is None:
            return _html.paragraph(
                "After a second round this says which priorities came in or went out, and "
                "whether the tables came closer."
            )
        changed = [names.get(table, table) for table in change.tables_changed]
        tables = (
            f" Tables whose own list changed: {escape(', '.join(changed))}."
            if changed
            else " No table's own list changed."
        )
        return (
            '<div class="pophealth-round-change" '
            f'data-came-in="{escape(" ".join(change.came_in))}" '
            f'data-went-out="{escape(" ".join(change.went_out))}" '
            f'data-rounds="{change.rounds[0]} {change.rounds[1]}" '
            f'data-on-every-list-before="{change.on_every_list_before}" '
            f'data-on-every-list-after="{change.on_every_list_after}">'
            + f'<p style="{_html.FONT};font-size:17px;margin:4px 0">{escape(change.sentence)}'
            + f"{tables}</p></div>"
        )

    def _rankings_html(
        self, room, tables: list[str], names: dict[str, str], groups: dict[str, str]
    ) -> str:
        frame = room.rankings
        ranks = room.table_ranks.to_numpy()
        chosen = room.table_shortlists.to_numpy()
        everyone = len(tables)
        short = [f"T{i}" for i in range(1, everyone + 1)]
        full = [f"{names[table]} ({groups.get(table, '')})" for table in tables]
        rows, shades, attributes = [], [], []
        for i in range(len(frame)):
            shortlisted_by = int(frame["shortlisted_by"].iloc[i])
            in_room = int(frame["room_position"].iloc[i]) > 0
            every = " (all)" if shortlisted_by == everyone and everyone > 1 else ""
            cells = [
                f"<b>{int(frame['room_rank'].iloc[i])}</b>"
                if in_room
                else str(int(frame["room_rank"].iloc[i])),
                escape(str(frame["label"].iloc[i])),
                *[str(int(value)) for value in ranks[i]],
                f"{int(frame['best_rank'].iloc[i])}-{int(frame['worst_rank'].iloc[i])}",
                f"{shortlisted_by}{every}",
            ]
            shade: list[str | None] = [None, "min-width:180px"]
            shade += [
                f"background:{_html.NHS_DARK_BLUE};color:{_html.NHS_WHITE};font-weight:bold;"
                "text-align:center"
                if member
                else "text-align:center"
                for member in chosen[i]
            ]
            shade += ["white-space:nowrap", "white-space:nowrap"]
            if self.workshop.dots:
                cells.append(str(int(frame["dots"].iloc[i])))
                shade.append("text-align:center")
            if in_room:
                shade[1] = f"min-width:180px;font-weight:bold;background:{_html.SHORTLIST_FILL}"
            rows.append(cells)
            shades.append(shade)
            attributes.append(
                f'data-candidate="{escape(str(frame["candidate"].iloc[i]))}" '
                f'data-ranks="{" ".join(str(int(v)) for v in ranks[i])}"'
            )
        header = ["Room", "Priority", *short, "Ranks", "On lists"]
        titles: list[str | None] = [
            "The room's rank",
            None,
            *full,
            "Best to worst rank any table gave",
            "How many tables' lists hold it",
        ]
        if self.workshop.dots:
            header.append("Dots")
            titles.append("Dots the tables put on it")
        key = "".join(
            f'<span data-table="{escape(table)}"><b>{code}</b>: {escape(text)}</span>'
            for code, table, text in zip(short, tables, full, strict=True)
        )
        return (
            _html.paragraph(
                f"Each column is a table's ranking. Dark cells are on that table's list of "
                f"{room.size}; bold rows are on the room's. Rows are in the room's order."
            )
            + f'<div class="ph-key" style="{_html.FONT}">{key}</div>'
            + _html.simple_table(
                header,
                rows,
                shade=shades,
                row_attributes=attributes,
                table_class="pophealth-side-by-side-table",
                header_titles=titles,
            )
        )

    def _disagreements_html(self, room, tables: int) -> str:
        if tables < 2:
            return _html.paragraph("With one table there is nothing to disagree about yet.")
        frame = room.disagreements(top=5)
        rows = [
            [escape(str(label)), f"{int(best)} to {int(worst)}", f"{int(by)} of {tables}"]
            for label, best, worst, by in zip(
                frame["label"],
                frame["best_rank"],
                frame["worst_rank"],
                frame["shortlisted_by"],
                strict=True,
            )
        ]
        return _html.paragraph(
            "Priorities at least one table put on its list, widest spread of ranks first: "
            "worth talking about before the room decides."
        ) + _html.simple_table(["Priority", "Ranked from", "On tables' lists"], rows)

    def _weights_html(self, room, tables: list[str], names: dict[str, str]) -> str:
        frame = room.weights
        shares = room.table_weights.to_numpy()
        rows, shades = [], []
        for i in range(len(frame)):
            name = str(frame["criterion"].iloc[i])
            phrase = _html.plain_phrase(name, str(frame["label"].iloc[i]))
            cells = [
                _html.swatch(_html.colour_of(i)) + escape(_html.sentence_case(phrase)),
                *[f"{value:.0%}" for value in shares[i]],
                *[f"{frame[agg].iloc[i]:.0%}" for agg in AGGREGATIONS],
            ]
            shade = [None] * (1 + len(tables)) + [
                f"font-weight:bold;background:{_html.SHORTLIST_FILL}"
                if agg == room.aggregation
                else None
                for agg in AGGREGATIONS
            ]
            rows.append(cells)
            shades.append(shade)
        short = [f"T{i}" for i in range(1, len(tables) + 1)]
        return _html.paragraph(
            "Each table's weights as shares of its total (columns as in the key above), and "
            "three ways of combining them; the highlighted one gives the room's list."
        ) + _html.simple_table(
            ["Criterion", *short, "Average", "Geometric mean", "Median"],
            rows,
            shade=shades,
            table_class="pophealth-weights-table",
            header_titles=[None, *[names[t] for t in tables], None, None, None],
        )

    def _dots_html(self, room) -> str:
        frame = room.rankings.loc[room.rankings["dots"] > 0].sort_values(
            ["dots", "room_rank"], ascending=[False, True], kind="stable"
        )
        if frame.empty:
            return _html.paragraph("No dots spent yet.")
        most = int(frame["dots"].max())
        rows = [
            [
                escape(str(label)),
                f'<span aria-hidden="true" style="display:inline-block;height:14px;'
                f"width:{dots / most * 200:.0f}px;background:{_html.NHS_BLUE};"
                f'vertical-align:middle"></span> {int(dots)}',
                str(int(rank)),
            ]
            for label, dots, rank in zip(
                frame["label"], frame["dots"], frame["room_rank"], strict=True
            )
        ]
        return _html.paragraph(
            "A second signal: where the tables put their dots, beside the room's rank from "
            "the weights."
        ) + _html.simple_table(["Priority", "Dots", "Room's rank"], rows)

    # -- export ------------------------------------------------------------------------

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
        labels = dict(zip(self.model.candidates, self.model.labels, strict=True))
        criteria_labels = {
            criterion.name: _html.plain_phrase(criterion.name, criterion.phrase)
            for criterion in self.model.criteria
        }
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
                f"The files could not be written: {escape(_plain(error))}", kind="error"
            )
            return {}
        self.exported.value = _html.message(
            f"Saved {len(paths)} files for the board report.", kind="success"
        )
        return paths
