"""What the participant's page says, and how it is laid out.

:class:`ParticipantPage` gives :class:`~toolkit.workshop.ParticipantApp` its words: the
introduction, the layout of its widgets, "your top 5" with what moved, the rule of one
priority per group of people, the previous round beside the sliders and, for a chosen
priority, what would move it in or out of the list, slider by slider
(:func:`slider_settings_in_list` applies the model's own shortlist rule at every setting
of each slider; :func:`what_would_move_it` says the answer in words). Text is set as the
value of ``HTML`` widgets, never printed.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets
import numpy as np

from toolkit._words import capitalised
from toolkit.prioritise.scoring import rank_scores, select_shortlist
from toolkit.workshop import _html
from toolkit.workshop._room_rounds import recorded_shares, unrecorded_result
from toolkit.workshop._table_facts import close_call_words
from toolkit.workshop._view_parts import error_html, rows_of_table, share_bar
from toolkit.workshop.config import SLIDER_MAX
from toolkit.workshop.store import StoreError

#: How the room's weights were combined, in words for a table, said once above the room's
#: shares ("beside them is the room's choice (the average of every table's share)"), by the
#: aggregation's name.
COMBINED_WORDS: dict[str, str] = {
    "arithmetic_mean": "the average of every table's share",
    "geometric_mean": "the geometric mean of every table's share: an average in which a "
    "share any table set low counts for more",
    "median": "the middle value of every table's share",
}

#: The room's share of one criterion in the hint beside its slider, by the aggregation's
#: name: short, as the explanation is given once above (:data:`COMBINED_WORDS`).
SHARE_WORDS: dict[str, str] = {
    "arithmetic_mean": "the room's average gave it {share}",
    "geometric_mean": "the room's combined share was {share}",
    "median": "the room's middle value gave it {share}",
}


def room_list_html(
    recorded: list[dict],
    labels: dict[str, str],
    *,
    before: int,
    own_size: int,
    room_size: int | None,
) -> str:
    """Return the room's list in a round as the table reads it (empty when there is none).

    Parameters
    ----------
    recorded : list of dict
        The list's items (``id`` and ``label``), best first, as the round's result
        records them (or as :func:`~toolkit.workshop._room_rounds.unrecorded_result`
        works them out for a round closed without a record).
    labels : dict of str to str
        The workshop's candidates now, id to label.
    before : int
        The round.
    own_size : int
        The length of the table's own list ("Your top 5").
    room_size : int or None
        The list length the facilitator set for the room, when recorded.

    Returns
    -------
    str
        A recorded priority that is not among the workshop's candidates now is listed in
        its place with its recorded label and said to be so, never dropped; the heading
        says the facilitator's list length when it is not the table's own.
    """
    items = [(str(item.get("id")), str(item.get("label") or "").strip()) for item in recorded]
    if not items:
        return ""
    rows, missing = [], 0
    for candidate, label in items:
        if candidate in labels:
            rows.append(
                f'<li data-candidate="{escape(candidate)}">{escape(labels[candidate])}</li>'
            )
            continue
        missing += 1
        said = (
            f"{label} (not among this workshop's priorities now)"
            if label
            else "A priority that is not among this workshop's priorities now"
        )
        rows.append(
            f'<li data-candidate="{escape(candidate)}" data-missing="true">{escape(said)}</li>'
        )
    count = len(items)
    set_to = (
        f" (the facilitator set the room's list to {room_size})"
        if room_size is not None and room_size != own_size
        else ""
    )
    note = ""
    if missing:
        verb = "is" if missing == 1 else "are"
        note = (
            f'<p class="ph-note" data-missing="{missing}">{missing} of the room\'s {count} '
            f"priorities in round {before} {verb} not among this workshop's priorities now.</p>"
        )
    return (
        f'<p style="{_html.FONT};margin:6px 0 2px 0"><b>The room\'s top {count} in round '
        f'{before}{escape(set_to)}:</b></p><ol style="{_html.FONT};margin:0 0 6px 0">'
        f"{''.join(rows)}</ol>{note}"
    )


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


def settings_words(values: np.ndarray) -> str:
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
            f"{settings_words(np.flatnonzero(~member))}"
        )
    return (
        f"comes into your list if you move '{phrase}' to {settings_words(np.flatnonzero(member))}"
    )


class ParticipantPage:
    """The participant page's words and layout (a part of :class:`ParticipantApp`).

    It reads the app's workshop, model, widgets and slider state (positions, scores,
    ranks, the list) and writes the page's ``HTML`` widgets.
    """

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
        words = [self._intro_text(), *self.model.labels, *self._facts]
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
            self.link_hint,
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
        5: the same as a table, with the room's list in that round. The room's list and
        shares are those recorded as the round closed (the facilitator's screen then); a
        round closed without a record shows them worked out from the tables' latest
        weights, averaged, and says so (drawn again once a record appears:
        :meth:`_previous_round_recorded`); a record made before the room's shares were
        recorded gives its list and says the shares were not recorded.
        """
        state = self._round
        self._previous_drawn = None  # (round, "recorded", "worked-out" or "error")
        if state is None or int(state.number) < 2 or self._table is None:
            self._clear_previous_round()
            return
        before = int(state.number) - 1
        store, name, model = self.workshop.store, self.workshop.name, self.model
        try:
            latest = store.latest(name, round=before)
            recorded = store.room_result(name, before) if not latest.empty else None
            shown = recorded
            if shown is None and not latest.empty:
                shown = unrecorded_result(self.workshop, before, size=self.size)
        except StoreError as error:
            self._clear_previous_round()
            self.previous_round.value = error_html(error, "store")
            self._previous_drawn = (int(state.number), "error")  # try again on the next poll
            return
        if latest.empty:
            self._clear_previous_round()
            return
        self._previous_drawn = (int(state.number), "recorded" if recorded else "worked-out")
        names = list(model.names)
        settings = (shown or {}).get("settings") or {}
        combined = settings.get("aggregation", "arithmetic_mean")
        if combined not in COMBINED_WORDS:
            combined = "arithmetic_mean"
        combined_words, share_words = COMBINED_WORDS[combined], SHARE_WORDS[combined]
        room_shares = recorded_shares(shown, names)
        mine = rows_of_table(latest, self._table)
        elsewhere = bool(len(mine)) and not self._is_own(self._table)
        if elsewhere:
            mine = mine.iloc[0:0]  # another page's table: its weights are not shown here
        own = None
        if len(mine):
            own = mine[[f"weight_{n}" for n in names]].to_numpy(dtype="float64")[-1]
        header, rows = self._previous_rows(before, own, room_shares, share_words)
        labels = dict(zip(model.candidates, model.labels, strict=True))
        room_words = ""
        if shown is not None:
            items = [item for item in shown.get("shortlist") or [] if isinstance(item, dict)]
            size = settings.get("shortlist_size")
            room_size = int(size) if isinstance(size, int | float) else len(items)
            room_words = room_list_html(
                items, labels, before=before, own_size=self.size, room_size=room_size
            )
        choice = ""
        if room_shares is not None:
            choice = f"the room's choice then ({combined_words})"
        elif shown is not None:
            choice = f"the room's list then (from {combined_words})"
        if own is not None:
            beside = ""
            if room_shares is not None:
                beside = f"; beside them is the room's choice ({combined_words})"
            elif shown is not None:
                beside = f"; the room's list came from {combined_words}"
            intro = (
                f"In round {before} your table set the sliders as below{beside}. Your sliders "
                "start where your table left them: move them if the discussion changed your "
                "mind."
            )
        elif elsewhere:  # it did submit: this page may not show its weights, and says so
            intro = (
                f"Your table submitted in round {before}; this page does not show its weights "
                "from then (a page opened from your table's own link shows them)."
                + (f" Here is {choice}." if choice else "")
            )
        else:
            intro = f"Your table did not submit in round {before}." + (
                f" Here is {choice}." if choice else ""
            )
        worked_out = bool((shown or {}).get("worked_out"))
        notes = ""
        if worked_out:
            notes += (
                f'<p class="ph-note" data-worked-out="true">The facilitator closed round '
                f"{before} without recording the room's list, so the room's list and shares "
                "here are worked out from each table's latest weights in that round, "
                "averaged. They may differ from what the facilitator's screen showed.</p>"
            )
        elif shown is not None and room_shares is None:
            notes += (
                f'<p class="ph-note" data-shares="not-recorded">The room\'s share of each '
                f"criterion was not recorded when round {before} closed, so it is not shown "
                "here.</p>"
            )
        table = (
            _html.scrolling(
                _html.simple_table(header, rows, table_class="pophealth-previous-weights"),
                f"Your table and the room in round {before}",
            )
            if len(header) > 1
            else ""
        )
        self.previous_round.value = (
            f'<div class="ph-previous" data-round="{before}" '
            f'data-submitted="{str(own is not None).lower()}" '
            f'data-elsewhere="{str(elsewhere).lower()}" '
            f'data-recorded="{str(recorded is not None).lower()}" '
            f'data-worked-out="{str(worked_out).lower()}">'
            + _html.heading(f"Round {before}: your table and the room", level=3)
            + _html.paragraph(intro)
            + notes
            + room_words
            + table
            + "</div>"
        )

    def _previous_rows(
        self,
        before: int,
        own: np.ndarray | None,
        room: tuple[list[float], int] | None,
        share_words: str,
    ) -> tuple[list[str], list[list[str]]]:
        """Return the previous round's table (header, rows) and set the sliders' hints.

        ``own`` is the table's slider positions then (None: not shown); ``room`` the
        room's shares and how many tables they combine, as recorded (None: not recorded).
        """
        total = float(own.sum()) if own is not None else 0.0
        rows = []
        for i in range(len(self.model.names)):
            cells = [_html.swatch(_html.colour_of(i)) + escape(capitalised(self._phrases[i]))]
            said = []
            if own is not None:
                share = own[i] / total if total > 0 else 0.0
                cells += [f"{own[i]:.0f}", share_bar(share)]
                said.append(f"your table put it at {own[i]:.0f} ({share:.0%} of your weight)")
            if room is not None:
                value = room[0][i]
                cells.append(share_bar(value))
                share = f"{value:.0%}" if own is not None else f"{value:.0%} of its weight"
                said.append(share_words.format(share=share))
            rows.append(cells)
            hint = f"Round {before}: {'; '.join(said)}." if said else ""
            self._labels[i].value = self._label(i, hint)
        header = ["Criterion"]
        if own is not None:
            header += ["Your slider", "Your share"]
        if room is not None:
            header.append(f"Room's share ({room[1]} table{'s' if room[1] != 1 else ''})")
        return header, rows

    def _previous_round_recorded(self) -> bool:
        """Whether the previous round's panel is to be drawn again on this poll.

        It is when the store could not be read as it was drawn, or when it was drawn
        worked out (the round had no record) and the store now has the record: the
        facilitator's page may record it a moment after the store changes round, or the
        record may be made later from Python.
        """
        drawn, state = self._previous_drawn, self._round
        if drawn is None or state is None or drawn[0] != int(state.number):
            return False
        if drawn[1] == "error":
            return True
        if drawn[1] != "worked-out":
            return False
        try:
            return self.workshop.store.room_result(self.workshop.name, drawn[0] - 1) is not None
        except StoreError:
            return False

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
        close = close_call_words(
            labels=model.labels,
            scores=self._scores,
            ranks=self._ranks,
            positions=self._places,
            related_to=self._related,
        )
        if close:
            notes.append(f"Number {len(items)}: {close}")
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
        facts = self._facts[index]  # the top list's rounded facts, not the board's sentence
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
            f"<b>{escape(capitalised(self._phrases[j]))}</b> "
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


__all__ = [
    "COMBINED_WORDS",
    "SHARE_WORDS",
    "ParticipantPage",
    "room_list_html",
    "settings_words",
    "slider_settings_in_list",
    "what_would_move_it",
]
