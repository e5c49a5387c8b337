"""The workshop's two views, built on ipywidgets and served to the room by Voila.

:class:`ParticipantApp` is what each table sees: a slider per criterion, the ranking
their weights give with a bar of each criterion's contribution, "why is this here?" for a
chosen candidate, a dot vote and a submit button. :class:`FacilitatorApp` is what the
facilitator shows the room: every table's ranking side by side, the room's weights and
shortlist, and how far the tables agree.

The views hold no statistics: scores, ranks and contributions come from the workshop's
:class:`~toolkit.prioritise.ScoringModel` (numpy, microseconds; pandas stays off the
slider path), "what would move it" from :func:`toolkit.prioritise.change_of_model`, and
the room's view from :func:`toolkit.workshop.room_consensus`. Text is set as the value of
``HTML`` widgets (never printed), so the notebooks run headless and under nbval.
"""

from __future__ import annotations

import threading
from datetime import datetime
from html import escape
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pandas as pd

from toolkit.prioritise.consensus import (
    AGGREGATION_LABELS,
    AGGREGATIONS,
    Aggregation,
    room_consensus,
)
from toolkit.prioritise.robustness import change_of_model
from toolkit.prioritise.scoring import DEFAULT_SHORTLIST_CAP, rank_scores
from toolkit.workshop import _html
from toolkit.workshop.config import SLIDER_MAX, STAKEHOLDER_ROLES, Workshop

#: Table names offered in the submit box (any other name may be typed).
TABLE_NAMES = tuple(f"Table {number}" for number in range(1, 13))

_NOT_SPENT = "(dot not spent)"


def _check_workshop(workshop: object, caller: str) -> Workshop:
    if not isinstance(workshop, Workshop):
        raise TypeError(
            f"The 'workshop' parameter of {caller} must be a Workshop (see load_workshop). "
            f"Got {type(workshop).__name__} instead."
        )
    return workshop


class ParticipantApp:
    """The participant view: weight sliders, the ranking they give, and a submit button.

    Parameters
    ----------
    workshop : Workshop
        The prepared workshop (:func:`~toolkit.workshop.load_workshop`).

    Attributes
    ----------
    sliders : dict of str to ipywidgets.IntSlider
        One per criterion, 0 (does not matter) to 10 (matters most), updating the ranking
        when released (``continuous_update=False``).
    shortlist_size : ipywidgets.IntSlider
        How many candidates the table shortlists (1 to 7).
    ranking : ipywidgets.HTML
        The ranked table with each criterion's contribution.
    candidate_picker : ipywidgets.Dropdown
        The candidate to explain.
    explanation : ipywidgets.HTML
        Why the chosen candidate is where it is, and the weight that would move it.
    table_name, role : ipywidgets widgets
        Who is submitting.
    dot_pickers : list of ipywidgets.Dropdown
        One per dot (empty when the workshop has no dot vote).
    submit_button : ipywidgets.Button
    confirmation : ipywidgets.HTML
    widget : ipywidgets.VBox
        The whole view (displaying the app displays it).
    """

    def __init__(self, workshop: Workshop) -> None:
        self.workshop = _check_workshop(workshop, "ParticipantApp")
        self.model = workshop.model
        model = self.model
        self._positions = workshop.start_weights.astype("float64")
        self._index = {candidate: i for i, candidate in enumerate(model.candidates)}
        self._phrases = [criterion.phrase for criterion in model.criteria]
        self._version = 0
        self._scores = np.zeros(len(model))
        self._ranks = np.arange(1, len(model) + 1)
        self._picked = np.arange(0)
        self._places = np.zeros(len(model), dtype=int)
        self._related = np.zeros(len(model), dtype=int)
        self._contributions = np.zeros((len(model), len(model.names)))

        self.sliders: dict[str, widgets.IntSlider] = {}
        rows = []
        for i, criterion in enumerate(model.criteria):
            slider = widgets.IntSlider(
                value=int(self._positions[i]),
                min=0,
                max=SLIDER_MAX,
                step=1,
                continuous_update=False,
                description="",
                readout=True,
                layout=widgets.Layout(width="260px"),
            )
            slider.add_class(f"pophealth-slider-{criterion.name}")
            slider.add_class("pophealth-slider")
            slider.observe(self._slider_handler(i), names="value")
            self.sliders[criterion.name] = slider
            text = widgets.HTML(
                _html.criterion_label(criterion.phrase, criterion.description, _html.colour_of(i)),
                layout=widgets.Layout(width="420px"),
            )
            rows.append(widgets.HBox([text, slider], layout=widgets.Layout(align_items="center")))
        self.shortlist_size = widgets.IntSlider(
            value=workshop.shortlist_size,
            min=1,
            max=DEFAULT_SHORTLIST_CAP,
            step=1,
            continuous_update=False,
            layout=widgets.Layout(width="260px"),
        )
        self.shortlist_size.add_class("pophealth-shortlist-size")
        self.shortlist_size.observe(lambda change: self._render(), names="value")
        rows.append(
            widgets.HBox(
                [
                    widgets.HTML(
                        _html.criterion_label(
                            "shortlist size",
                            "How many priorities your table would pick. Not everything can be "
                            "a priority at once.",
                            None,
                        ),
                        layout=widgets.Layout(width="420px"),
                    ),
                    self.shortlist_size,
                ],
                layout=widgets.Layout(align_items="center"),
            )
        )
        self.ranking = widgets.HTML()
        self.ranking.add_class("pophealth-ranking-widget")

        by_label = sorted(zip(model.labels, model.candidates, strict=True))
        self.candidate_picker = widgets.Dropdown(
            options=[(label, candidate) for label, candidate in by_label],
            value=model.candidates[0],
            description="",
            layout=widgets.Layout(width="95%"),
        )
        self.candidate_picker.add_class("pophealth-candidate-picker")
        self.candidate_picker.observe(lambda change: self._explain(), names="value")
        self.explanation = widgets.HTML()
        self.explanation.add_class("pophealth-explanation")

        self.dot_pickers: list[widgets.Dropdown] = []
        for number in range(workshop.dots):
            picker = widgets.Dropdown(
                options=[(_NOT_SPENT, "")] + [(label, c) for label, c in by_label],
                value="",
                description=f"Dot {number + 1}",
                layout=widgets.Layout(width="95%"),
            )
            picker.add_class("pophealth-dot")
            self.dot_pickers.append(picker)

        self.table_name = widgets.Combobox(
            options=list(TABLE_NAMES),
            placeholder="Your table, e.g. Table 3",
            description="Table",
            ensure_option=False,
            layout=widgets.Layout(width="320px"),
        )
        self.table_name.add_class("pophealth-table-name")
        self.role = widgets.Dropdown(
            options=list(STAKEHOLDER_ROLES),
            value=STAKEHOLDER_ROLES[0],
            description="Who is at it",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="320px"),
        )
        self.role.add_class("pophealth-role")
        self.submit_button = widgets.Button(
            description="Submit our table's weights",
            button_style="primary",
            icon="check",
            layout=widgets.Layout(width="260px", height="40px"),
        )
        self.submit_button.add_class("pophealth-submit")
        self.submit_button.on_click(lambda button: self.submit())
        self.confirmation = widgets.HTML()
        self.confirmation.add_class("pophealth-confirmation")

        self.widget = self._layout(rows)
        self._render()

    # -- layout ------------------------------------------------------------------------

    def _layout(self, slider_rows: list[widgets.Widget]) -> widgets.VBox:
        workshop = self.workshop
        excluded = 0 if workshop.excluded is None else len(workshop.excluded)
        left_out = (
            f" {excluded} more could not be measured on these data (the facilitator's export "
            "says why) and are not in the list."
            if excluded
            else ""
        )
        intro = widgets.HTML(
            _html.STYLESHEET
            + _html.heading(workshop.name, level=1)
            + _html.paragraph(
                f"{len(self.model)} candidate priorities are compared on "
                f"{len(self.model.names)} criteria.{left_out} Move each slider to say how "
                "much that criterion matters to your table (0 = not at all, 10 = matters "
                "most); the ranking below changes when you let go. Weights are relative: "
                "only how they compare with each other counts."
            )
        )
        sections = [
            intro,
            widgets.HTML(_html.heading("1. How much does each criterion matter?")),
            *slider_rows,
            widgets.HTML(_html.heading("2. The ranking your weights give")),
            self.ranking,
            widgets.HTML(_html.heading("3. Why is this candidate here?")),
            self.candidate_picker,
            self.explanation,
        ]
        if self.dot_pickers:
            sections += [
                widgets.HTML(_html.heading("4. Your table's dot vote")),
                widgets.HTML(
                    _html.paragraph(
                        f"Your table has {len(self.dot_pickers)} dots for the candidates it "
                        "feels most strongly about, whatever the scores say. You may put more "
                        "than one dot on a candidate."
                    )
                ),
                *self.dot_pickers,
            ]
        step = "5" if self.dot_pickers else "4"
        sections += [
            widgets.HTML(_html.heading(f"{step}. Submit your table's weights")),
            widgets.HTML(
                _html.paragraph(
                    "Submitting again replaces your table's earlier submission; both are "
                    "kept in the workshop's record."
                )
            ),
            widgets.HBox([self.table_name, self.role]),
            self.submit_button,
            self.confirmation,
        ]
        view = widgets.VBox(sections, layout=widgets.Layout(max_width="1100px", padding="0 12px"))
        view.add_class("pophealth-participant")
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

    # -- the slider path (numpy only) --------------------------------------------------

    def _slider_handler(self, column: int):
        def handle(change) -> None:
            self._positions[column] = float(change["new"])
            self._render()

        return handle

    def _render(self) -> None:
        """Re-score and re-draw the ranking: one matrix-vector product and a string join."""
        self._version += 1
        size = int(self.shortlist_size.value)
        if not (self._positions > 0).any():
            self.ranking.value = _html.message(
                "Give at least one criterion some weight to see a ranking.", kind="error"
            ).replace('role="status"', f'role="status" data-version="{self._version}"')
            self.explanation.value = ""
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
            title=f"Your ranking: the {size} starred priorities are your table's shortlist"
            + self._rule_words(),
        )
        self._explain()

    def _rule_words(self) -> str:
        """Words for the per-cohort rule, when it applies (empty otherwise)."""
        per_cohort = self.workshop.per_cohort
        if per_cohort is None or not self.model.cohort_columns:
            return ""
        return " (one per cohort)" if per_cohort == 1 else f" (at most {per_cohort} per cohort)"

    def _explain(self) -> None:
        """Explain the chosen candidate's place and the smallest weight change that moves it."""
        if not (self._positions > 0).any():
            return
        model = self.model
        candidate = self.candidate_picker.value
        index = self._index[candidate]
        size = int(self.shortlist_size.value)
        rank = int(self._ranks[index])
        score = float(self._scores[index])
        inside = bool(self._places[index])
        parts = self._contributions[index]
        where = (
            f"inside your shortlist of {size}" if inside else f"outside your shortlist of {size}"
        )
        lines = [
            f"<b>{escape(model.labels[index])}</b> is ranked <b>{rank}</b> of {len(model)} "
            f"with a score of {score * 100:.1f}, {where}."
        ]
        if self._related[index]:
            place = int(self._related[index])
            holder = model.labels[int(self._picked[place - 1])]
            lines.append(
                f"Its cohort already has a place in the shortlist (priority {place}: "
                f"{escape(holder)}). The shortlist takes "
                f"{'one candidate' if self.workshop.per_cohort == 1 else 'a few candidates'} "
                "per cohort, so that it covers different groups of people; this one counts "
                "as a related outcome of that priority."
            )
        if score > 0:
            biggest = [j for j in np.argsort(-parts, kind="stable") if parts[j] > 0][:3]
            shares = ", ".join(
                f"{escape(self._phrases[j])} ({parts[j] / score:.0%})" for j in biggest
            )
            lines.append(f"Its score comes mostly from {shares}.")
        else:
            lines.append("It scores nothing on the criteria your table has weighted.")
        changes = [
            change_of_model(
                model,
                self._positions,
                candidate=candidate,
                criterion=name,
                size=size,
                per_cohort=self.workshop.per_cohort,
            )
            for name in model.names
        ]
        movable = [change for change in changes if change.change is not None]
        verb = "out of" if inside else "into"
        if movable:
            best = min(movable, key=lambda change: abs(change.change))
            beyond = (
                f" (beyond the slider's {SLIDER_MAX}: no slider setting of this one alone does it)"
                if best.required_weight > SLIDER_MAX
                else ""
            )
            lines.append(
                f"<b>What would move it {verb} the shortlist?</b> {escape(best.message)}{beyond}"
            )
        else:
            lines.append(f"No change to a single weight moves it {verb} the shortlist.")
        rows = []
        for j, change in enumerate(changes):
            if change.required_weight is None:
                needed = "no weight does"
            elif change.required_weight > SLIDER_MAX:
                needed = f"{change.required_weight:.1f} (beyond the slider)"
            else:
                needed = f"{change.required_weight:.1f}"
            rows.append(
                [
                    _html.swatch(_html.colour_of(j))
                    + escape(_html.sentence_case(self._phrases[j])),
                    f"{self._positions[j]:.0f}",
                    needed,
                ]
            )
        table = _html.simple_table(
            ["Criterion", "Your weight", f"Weight that would move it {verb} the shortlist"],
            rows,
            table_class="pophealth-weight-changes",
        )
        self.explanation.value = (
            f'<div data-candidate="{escape(candidate)}">'
            + "".join(f'<p style="{_html.FONT};margin:4px 0">{line}</p>' for line in lines)
            + table
            + "</div>"
        )

    # -- reading the state -------------------------------------------------------------

    def weights(self) -> dict[str, float]:
        """Return the slider positions as a mapping of criterion name to weight."""
        return dict(zip(self.model.names, self._positions.tolist(), strict=True))

    def order(self) -> tuple[str, ...]:
        """Candidate ids in the order the ranking shows them, best first."""
        return tuple(self.model.candidates[i] for i in np.argsort(self._ranks, kind="stable"))

    def shortlist(self) -> list[str]:
        """Return the candidate ids of the table's current shortlist, best first."""
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

    def submit(self) -> int | None:
        """Submit the table's weights, shortlist and dots; what the submit button does.

        Returns
        -------
        int or None
            The submission id, or None when something stopped it (the confirmation says
            what, in words the table can act on).
        """
        table = " ".join(str(self.table_name.value or "").split())
        if not table:
            self.confirmation.value = _html.message(
                "Please type your table's name (for example <b>Table 3</b>) before submitting.",
                kind="error",
            )
            return None
        if not (self._positions > 0).any():
            self.confirmation.value = _html.message(
                "Please give at least one criterion some weight before submitting.", kind="error"
            )
            return None
        workshop = self.workshop
        store = workshop.store
        self.submit_button.disabled = True
        try:
            earlier = store.latest(workshop.name)
            same = earlier.loc[earlier["table"].str.casefold() == table.casefold()]
            submission = store.submit(
                workshop.name,
                table,
                str(self.role.value),
                self.weights(),
                self.shortlist(),
                dots=self.dots(),
            )
        except (TypeError, ValueError, OSError) as error:
            self.confirmation.value = _html.message(
                f"Your submission was not saved: {escape(str(error))} Please tell the facilitator.",
                kind="error",
            )
            return None
        finally:
            self.submit_button.disabled = False
        when = datetime.now().strftime("%H:%M:%S")
        text = (
            f"<b>Thank you, {escape(table)}.</b> Your weights and shortlist were submitted at "
            f"{when} (submission {submission})."
        )
        if len(same):
            text += (
                f" This replaces {escape(table)}'s earlier submission (number "
                f"{int(same['submission_id'].iloc[-1])}); both are kept in the record."
            )
        self.confirmation.value = (
            f'<div data-submission="{submission}">{_html.message(text, kind="success")}</div>'
        )
        return submission


class FacilitatorApp:
    """The facilitator view: every table's ranking side by side and where they agree.

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

    Attributes
    ----------
    room : RoomConsensus or None
        The last result (None before any table has submitted).
    refresh_button, auto_refresh, aggregation, shortlist_size, export_button
        The controls.
    status, agreement, rankings, weights, shortlist, disagreements, dot_vote, exported
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
    ) -> None:
        caller = "FacilitatorApp"
        self.workshop = _check_workshop(workshop, caller)
        if aggregation not in AGGREGATIONS:
            raise ValueError(
                f"The 'aggregation' parameter of {caller} must be one of {sorted(AGGREGATIONS)}. "
                f"Got {aggregation!r} instead."
            )
        if (
            isinstance(refresh_seconds, bool)
            or not isinstance(refresh_seconds, int | float)
            or not refresh_seconds >= 1
        ):
            raise ValueError(
                f"The 'refresh_seconds' parameter of {caller} must be a float >= 1. "
                f"Got {refresh_seconds!r} instead."
            )
        self.model = workshop.model
        self.refresh_seconds = float(refresh_seconds)
        self.room = None
        self._seen: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

        self.refresh_button = widgets.Button(
            description="Refresh now", icon="refresh", button_style="primary"
        )
        self.refresh_button.add_class("pophealth-refresh")
        self.refresh_button.on_click(lambda button: self.refresh())
        self.auto_refresh = widgets.Checkbox(
            value=False, description=f"Refresh every {self.refresh_seconds:g} seconds", indent=False
        )
        self.auto_refresh.observe(self._toggle_auto, names="value")
        self.aggregation = widgets.Dropdown(
            options=[(AGGREGATION_LABELS[name], name) for name in AGGREGATIONS],
            value=aggregation,
            description="Room's weights",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="360px"),
        )
        self.aggregation.observe(lambda change: self.refresh(force=True), names="value")
        self.shortlist_size = widgets.IntSlider(
            value=workshop.shortlist_size,
            min=1,
            max=DEFAULT_SHORTLIST_CAP,
            description="Shortlist size",
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.shortlist_size.observe(lambda change: self.refresh(force=True), names="value")
        self.export_button = widgets.Button(description="Export the decision log", icon="download")
        self.export_button.on_click(lambda button: self.export())

        self.status = widgets.HTML()
        self.status.add_class("pophealth-status")
        self.agreement = widgets.HTML()
        self.agreement.add_class("pophealth-agreement")
        self.rankings = widgets.HTML()
        self.rankings.add_class("pophealth-side-by-side")
        self.weights = widgets.HTML()
        self.shortlist = widgets.HTML()
        self.shortlist.add_class("pophealth-room-shortlist")
        self.disagreements = widgets.HTML()
        self.dot_vote = widgets.HTML()
        self.exported = widgets.HTML()

        sections = [
            widgets.HTML(
                _html.STYLESHEET + _html.heading(f"{workshop.name}: the room's view", level=1)
            ),
            widgets.HBox([self.refresh_button, self.auto_refresh]),
            self.status,
            widgets.HBox([self.aggregation, self.shortlist_size]),
            widgets.HTML(_html.heading("Do the tables agree?")),
            self.agreement,
            widgets.HTML(_html.heading("The room's shortlist")),
            self.shortlist,
            widgets.HTML(_html.heading("Every table's ranking, side by side")),
            self.rankings,
            widgets.HTML(_html.heading("What the tables disagree about")),
            self.disagreements,
            widgets.HTML(_html.heading("How much each table weighted each criterion")),
            self.weights,
        ]
        if workshop.dots:
            sections += [widgets.HTML(_html.heading("Dot vote")), self.dot_vote]
        sections += [
            widgets.HTML(_html.heading("For the board report")),
            self.export_button,
            self.exported,
        ]
        self.widget = widgets.VBox(
            sections, layout=widgets.Layout(max_width="1300px", padding="0 12px")
        )
        self.widget.add_class("pophealth-facilitator")
        self.refresh(force=True)
        if auto_refresh:
            self.auto_refresh.value = True

    def __repr__(self) -> str:
        tables = 0 if self.room is None else len(self.room.tables)
        return f"FacilitatorApp({self.workshop.name!r}: {tables} tables have submitted)"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict):
            bundle["text/plain"] = repr(self)
        return bundle

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
                    f"Could not refresh: {escape(str(error))}", kind="error"
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
            Redraw even when no new submission has arrived.

        Returns
        -------
        RoomConsensus or None
            The room's view, or None while no table has submitted.
        """
        with self._lock:
            workshop = self.workshop
            store = workshop.store
            everything = store.submissions(workshop.name)
            seen = (
                len(everything),
                int(everything["submission_id"].max()) if len(everything) else 0,
            )
            when = datetime.now().strftime("%H:%M:%S")
            if not force and seen == self._seen:
                return self.room
            self._seen = seen
            latest = store.latest(workshop.name)
            if latest.empty:
                self.room = None
                self.status.value = _html.message(
                    f"No table has submitted yet (checked at {when})."
                )
                for output in (self.agreement, self.rankings, self.weights, self.shortlist):
                    output.value = ""
                self.disagreements.value = ""
                self.dot_vote.value = ""
                return None
            try:
                room = room_consensus(
                    latest,
                    model=self.model,
                    size=int(self.shortlist_size.value),
                    aggregation=self.aggregation.value,
                    per_cohort=workshop.per_cohort,
                    dot_votes=store.dot_votes(workshop.name),
                )
            except ValueError as error:
                self.status.value = _html.message(escape(str(error)), kind="error")
                return self.room
            self.room = room
            tables = len(room.tables)
            self.status.value = _html.message(
                f"<b>{tables}</b> table{'s' if tables != 1 else ''} "
                f"{'have' if tables != 1 else 'has'} submitted "
                f"({len(everything)} submission{'s' if len(everything) != 1 else ''} in the "
                f"record, including replaced ones). Updated at {when}."
            )
            self._draw(room, latest)
            return room

    # -- drawing -----------------------------------------------------------------------

    def _draw(self, room, latest: pd.DataFrame) -> None:
        size = room.size
        tables = list(room.tables)
        roles = dict(zip(latest["table"], latest["role"], strict=True))
        if room.agreement is None:
            self.agreement.value = _html.message(
                "Kendall's W needs at least two tables' submissions."
            )
        else:
            kendall = room.agreement
            self.agreement.value = (
                f'<div class="pophealth-kendall" data-w="{kendall.w:.6f}" '
                f'data-p="{kendall.p_value:.6g}">'
                + _html.message(
                    f'<span style="font-size:22px;font-weight:bold">W = {kendall.w:.2f}</span>'
                    f"<br>{escape(str(kendall))} W runs from 0 "
                    "(the tables' rankings are unrelated) to 1 (every table ranks the "
                    "candidates the same)."
                )
                + "</div>"
            )
        self.shortlist.value = self._shortlist_html(room)
        self.rankings.value = self._rankings_html(room, tables, roles, size)
        self.disagreements.value = self._disagreements_html(room, len(tables))
        self.weights.value = self._weights_html(room, tables)
        if self.workshop.dots:
            self.dot_vote.value = self._dots_html(room)

    def _shortlist_html(self, room) -> str:
        frame = room.shortlist
        places = (
            frame["position"].tolist() if "position" in frame.columns else range(1, len(frame) + 1)
        )
        rows = [
            [
                str(int(place)),
                escape(str(label)),
                str(int(rank)),
                f"{score * 100:.1f}",
                escape(str(reason)),
            ]
            for place, label, rank, score, reason in zip(
                places, frame["label"], frame["rank"], frame["score"], frame["reason"], strict=True
            )
        ]
        words = AGGREGATION_LABELS[room.aggregation]
        return _html.paragraph(
            f"From the {words} of the tables' weights. Each line says why the candidate is there."
        ) + _html.simple_table(
            ["Priority", "Candidate priority", "Overall rank", "Score (0-100)", "Why it is here"],
            rows,
            row_attributes=[f'data-candidate="{escape(str(c))}"' for c in frame["candidate"]],
            table_class="pophealth-room-shortlist-table",
        )

    def _rankings_html(self, room, tables: list[str], roles: dict[str, str], size: int) -> str:
        frame = room.rankings
        ranks = room.table_ranks.to_numpy()
        chosen = room.table_shortlists.to_numpy()
        everyone = len(tables)
        rows, shades, attributes = [], [], []
        for i in range(len(frame)):
            shortlisted_by = int(frame["shortlisted_by"].iloc[i])
            in_room = int(frame["room_position"].iloc[i]) > 0
            agree = " &#10003; all tables" if shortlisted_by == everyone and everyone > 1 else ""
            cells = [
                f"<b>{int(frame['room_rank'].iloc[i])}</b>"
                if in_room
                else str(int(frame["room_rank"].iloc[i])),
                escape(str(frame["label"].iloc[i])),
                *[str(int(value)) for value in ranks[i]],
                f"{int(frame['best_rank'].iloc[i])}-{int(frame['worst_rank'].iloc[i])}",
                f"{shortlisted_by} of {everyone}{agree}",
            ]
            shade: list[str | None] = [None, None]
            shade += [
                f"background:{_html.NHS_DARK_BLUE};color:{_html.NHS_WHITE};font-weight:bold;text-align:center"
                if member
                else "text-align:center"
                for member in chosen[i]
            ]
            shade += [None, None]
            if self.workshop.dots:
                cells.append(str(int(frame["dots"].iloc[i])))
                shade.append("text-align:center")
            if in_room:
                shade[1] = "font-weight:bold;background:#DCEBF7"
            rows.append(cells)
            shades.append(shade)
            attributes.append(
                f'data-candidate="{escape(str(frame["candidate"].iloc[i]))}" '
                f'data-ranks="{" ".join(str(int(v)) for v in ranks[i])}"'
            )
        header = [
            "Room",
            "Candidate priority",
            *[f"{table} ({roles.get(table, '')})" for table in tables],
            "Best-worst rank",
            "In tables' shortlists",
        ]
        if self.workshop.dots:
            header.append("Dots")
        return _html.paragraph(
            f"Dark cells are in that table's shortlist of {size}; bold rows are in the room's. "
            "Rows are in the room's order."
        ) + _html.simple_table(
            header,
            rows,
            shade=shades,
            row_attributes=attributes,
            table_class="pophealth-side-by-side-table",
        )

    def _disagreements_html(self, room, tables: int) -> str:
        if tables < 2:
            return _html.paragraph("With one table there is nothing to disagree about yet.")
        frame = room.disagreements(top=5)
        rows = [
            [
                escape(str(label)),
                f"{int(best)} to {int(worst)}",
                f"{int(by)} of {tables}",
            ]
            for label, best, worst, by in zip(
                frame["label"],
                frame["best_rank"],
                frame["worst_rank"],
                frame["shortlisted_by"],
                strict=True,
            )
        ]
        return _html.paragraph(
            "Candidates at least one table shortlisted, widest spread of ranks first: worth "
            "discussing before the room decides."
        ) + _html.simple_table(["Candidate priority", "Ranked from", "Shortlisted by"], rows)

    def _weights_html(self, room, tables: list[str]) -> str:
        frame = room.weights
        shares = room.table_weights.to_numpy()
        rows, shades = [], []
        for i in range(len(frame)):
            cells = [
                _html.swatch(_html.colour_of(i))
                + escape(_html.sentence_case(str(frame["label"].iloc[i]))),
                *[f"{value:.0%}" for value in shares[i]],
                *[f"{frame[name].iloc[i]:.0%}" for name in AGGREGATIONS],
            ]
            shade = [None] * (1 + len(tables)) + [
                "font-weight:bold;background:#DCEBF7" if name == room.aggregation else None
                for name in AGGREGATIONS
            ]
            rows.append(cells)
            shades.append(shade)
        return _html.paragraph(
            "Each table's weights as shares of its total, and three ways of combining them; "
            "the highlighted one gives the room's shortlist."
        ) + _html.simple_table(
            [
                "Criterion",
                *tables,
                *[_html.sentence_case(AGGREGATION_LABELS[n]) for n in AGGREGATIONS],
            ],
            rows,
            shade=shades,
            table_class="pophealth-weights-table",
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
                f'<span style="display:inline-block;height:14px;width:{dots / most * 200:.0f}px;'
                f'background:{_html.NHS_BLUE};vertical-align:middle"></span> {int(dots)}',
                str(int(rank)),
            ]
            for label, dots, rank in zip(
                frame["label"], frame["dots"], frame["room_rank"], strict=True
            )
        ]
        return _html.paragraph(
            "A second signal: where the tables put their dots, beside the room's rank from "
            "the weights."
        ) + _html.simple_table(["Candidate priority", "Dots", "Room rank"], rows)

    # -- export ------------------------------------------------------------------------

    def export(self, folder: str | Path | None = None) -> dict[str, Path]:
        """Write the decision log (CSV and JSON) and the room's rankings (CSV) for the board.

        Parameters
        ----------
        folder : str or Path, optional
            Where to write; the store's folder by default. File names carry the time, so
            an earlier export is never overwritten.

        Returns
        -------
        dict of str to pathlib.Path
            The files written, by kind.
        """
        workshop = self.workshop
        target = Path(folder) if folder is not None else workshop.store_path.parent
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        paths = {
            "log_csv": target / f"decision-log-{stamp}.csv",
            "log_json": target / f"decision-log-{stamp}.json",
        }
        try:
            target.mkdir(parents=True, exist_ok=True)
            workshop.store.export(workshop.name, paths["log_csv"])
            workshop.store.export(
                workshop.name,
                paths["log_json"],
                settings={
                    "method": workshop.method,
                    "shortlist_size": int(self.shortlist_size.value),
                    "per_cohort": workshop.per_cohort,
                    "aggregation": self.aggregation.value,
                },
            )
            if self.room is not None:
                paths["room_rankings"] = target / f"room-rankings-{stamp}.csv"
                self.room.rankings.join(
                    self.room.table_ranks.add_prefix("rank at "), on="candidate"
                ).to_csv(paths["room_rankings"], index=False)
        except OSError as error:
            self.exported.value = _html.message(
                f"Export failed: {escape(str(error))}", kind="error"
            )
            return {}
        self.exported.value = _html.message(
            "Written: " + ", ".join(f"<code>{escape(str(path))}</code>" for path in paths.values()),
            kind="success",
        )
        return paths
