"""The board report's sections on the priorities: the shortlist and the workshop.

The job of this module is to show what :func:`toolkit.prioritise.prioritise` suggested
(the shortlist table, why each priority is on it, the themes left out and how robust the
ranking is) and what a co-production workshop made of it (who took part, the weights each
table gave, the room's shortlist and where the tables agree). Its functions are
importable from :mod:`toolkit.report.sections`, as the report's notebook calls them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from toolkit._words import capitalised
from toolkit.prioritise.theme_measures import MIN_EVENTS_FOR_RATE, estimates_withheld
from toolkit.report._section_parts import _join, _linked
from toolkit.report.charts import rank_acceptability_chart, weights_chart
from toolkit.report.config import ReportConfig
from toolkit.report.decision_log import (
    DecisionLog,
    recorded_list_differs,
    room_answer,
    the_workshop,
)
from toolkit.report.linked import LinkedTables
from toolkit.report.tables import (
    NOT_AVAILABLE,
    BoardTable,
    BoardText,
    TableColumn,
    board_table,
    bullet_list,
    heading,
    sentence,
)
from toolkit.style import PRINT_WIDTH

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from toolkit.prioritise import Prioritisation, RoomConsensus
    from toolkit.report._room_record import RoomWeights

# ---------------------------------------------------------------------------------------------
# Shortlist
# ---------------------------------------------------------------------------------------------

#: Columns of the shortlist table.
SHORTLIST_COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("position", "Priority", "rank"),
    TableColumn("label", "Theme"),
    TableColumn("persons", "People in the cohort", "count"),
    TableColumn("events_a_year", "Events a year", "count"),
    TableColumn("outcome_label", "Of what"),
    TableColumn(
        "deprivation_ratio",
        "Rate, most vs least deprived fifth (age-standardised)",
        "ratio_times",
        depends_on="events_a_year",
    ),
    # Also hidden with the count the estimate is taken from (:func:`_estimate_hidden`).
    TableColumn("estimate", "Could avoid a year (estimate)", depends_on="events_a_year"),
    TableColumn("score", "Score (0 to 100)", "rank"),
    TableColumn("p_shortlist", "In the shortlist under varied weights", "percent"),
)


def shortlist_table(
    priorities: Prioritisation,
    *,
    period: str,
    threshold: int,
    linked: LinkedTables | None = None,
) -> BoardTable:
    """Return the shortlist: each priority, its figures, its estimate and its robustness.

    Parameters
    ----------
    priorities : Prioritisation
        From :func:`toolkit.prioritise.prioritise`.
    period : str
        The period, for the caption.
    threshold : int
        The disclosure threshold: people and events below it are suppressed, and so is the
        estimate of what could be avoided when the count it is taken from (the events of
        the outcome the intervention acts on) is: with the theme's published factors, the
        estimate would give that count back.
    linked : LinkedTables, optional
        The report's linked tables (with the shortlisted cohorts): a cohort's people or
        events that, with figures elsewhere in the report, would reveal a small count are
        suppressed too, with the figures computed from them (the estimate with the count it
        is taken from).

    Returns
    -------
    BoardTable
        One row per priority, best first; when no theme could be measured, one row
        saying that no priority could be suggested, and why.
    """
    if priorities.is_empty:
        from toolkit.prioritise.result import NO_PRIORITY_SENTENCE

        return board_table(
            pd.DataFrame(
                {
                    "message": [
                        f"{NO_PRIORITY_SENTENCE} The themes left out, and why, are listed below."
                    ]
                }
            ),
            columns=(TableColumn("message", "Suggested priorities"),),
            caption=f"Suggested priorities, data for {period}: none",
            threshold=threshold,
            notes=(
                "A theme is measured only when its cohort and its events reach the disclosure "
                f"threshold ({threshold}); below it the figures are too few to compare fairly "
                "and could identify people.",
            ),
        )
    shortlist = priorities.shortlist
    acceptability = priorities.acceptability
    weights = list(priorities.weights.values())
    weights_words = (
        "equal weights"
        if len(set(weights)) == 1
        else "these weights: "
        + ", ".join(
            f"{criterion.phrase} {weight / sum(weights):.0%}"
            for criterion, weight in zip(priorities.criteria, weights, strict=True)
        )
    )
    table = pd.DataFrame(
        {
            "position": shortlist["position"].to_numpy(),
            "label": shortlist["label"].astype("object").to_numpy(),
            "persons": shortlist["persons"].to_numpy(dtype="float64"),
            "events_a_year": shortlist["events_a_year"].round().to_numpy(dtype="float64"),
            "outcome_label": shortlist["outcome_label"].astype("object").to_numpy(),
            "deprivation_ratio": shortlist["deprivation_ratio"].to_numpy(dtype="float64"),
            "estimate": shortlist["estimate"].astype("object").to_numpy(),
            "score": shortlist["score"].to_numpy(dtype="float64"),
            "p_shortlist": shortlist["p_shortlist"].to_numpy(dtype="float64"),
            # Not shown: the count the estimate is taken from, when it is another outcome's.
            "impact_events_a_year": shortlist["impact_events_a_year"]
            .round()
            .to_numpy(dtype="float64"),
        }
    )
    hidden, keys = _linked(
        linked, "shortlist", table, shortlist["candidate"].astype(str).tolist(), _SHORTLIST_KEYS
    )
    hidden = _estimate_hidden(shortlist, table, hidden, threshold=threshold)
    return board_table(
        table,
        columns=SHORTLIST_COLUMNS,
        hidden=hidden,
        figure_keys=keys,
        caption=(
            f"Suggested priorities at {'equal' if len(set(weights)) == 1 else 'the chosen'} "
            f"weights, data for {period}"
        ),
        threshold=threshold,
        notes=(
            f"Score: weighted sum of {len(priorities.criteria)} criteria, each scaled 0 to "
            f"100, at {weights_words}. In the shortlist under varied weights: "
            f"share of {acceptability.draws:,} weightings drawn around those weights (seed "
            f"{acceptability.seed}) that keep the priority in the shortlist. Estimates of "
            "what could be avoided are ranges from the cited evidence and stated assumptions "
            "of reach and uptake (see the themes library). Cohorts overlap, so people are not "
            "added up across rows.",
            *(
                [
                    f"{NOT_AVAILABLE}: rate not compared where the most or the least deprived "
                    f"fifth has fewer than {MIN_EVENTS_FOR_RATE} events."
                ]
                if shortlist["deprivation_ratio"].isna().any()
                else []
            ),
        ),
    )


#: Shortlist table columns -> the last part of their linked keys (the acted-on count is
#: given in the facts, not in the table).
_SHORTLIST_KEYS = {
    "persons": "persons",
    "events_a_year": "events_a_year",
    "impact_events_a_year": "impact_events_a_year",
}


def priority_hidden(linked: LinkedTables | None, candidate: object) -> bool:
    """Return whether the linked tables hide a shortlisted priority's people or events.

    Parameters
    ----------
    linked : LinkedTables or None
        The report's linked tables (with the shortlisted cohorts); None hides nothing.
    candidate : object
        The priority's candidate id.

    Returns
    -------
    bool
        True when they suppress the cohort's people, its events a year or the count its
        estimate is taken from (:data:`_SHORTLIST_KEYS`): its facts and what it could avoid
        are then not shown, nor added into a sum.
    """
    if linked is None:
        return False
    keys = [f"shortlist/{candidate}/{part}" for part in _SHORTLIST_KEYS.values()]
    return any(key in linked.cells and linked.is_suppressed(key) for key in keys)


def _estimate_hidden(
    shortlist: pd.DataFrame,
    table: pd.DataFrame,
    hidden: pd.DataFrame | None,
    *,
    threshold: int,
) -> pd.DataFrame:
    """Return the hidden cells with the estimate hidden where the count it is taken from is.

    That count is hidden when it is below the threshold, as the facts say it ("fewer than
    10"; :func:`toolkit.prioritise.theme_measures.estimates_withheld`), or when the linked
    tables hide it (``hidden`` holds ``impact_events_a_year``).
    """
    result = pd.DataFrame(index=table.index) if hidden is None else hidden.copy()
    withheld = estimates_withheld(shortlist, threshold=threshold)
    for column in ("estimate", "impact_events_a_year"):
        if column in result.columns:
            withheld = withheld | result[column].to_numpy(dtype=bool)
    result["estimate"] = withheld
    return result


def shortlist_reasons(
    priorities: Prioritisation, *, linked: LinkedTables | None = None
) -> BoardText:
    """Return each priority's facts, evidence, why it is on the list and what would change it.

    Parameters
    ----------
    priorities : Prioritisation
        From :func:`toolkit.prioritise.prioritise` (the facts are worded there, with
        counts below the disclosure threshold written "fewer than N").
    linked : LinkedTables, optional
        The report's linked tables: where they hide a priority's people or events, its
        facts (which state both, and what could be avoided) are not shown.

    Returns
    -------
    BoardText
        A numbered list, or a sentence when no priority could be suggested.
    """
    if priorities.is_empty:
        return sentence(
            "No priority could be suggested, so there is no list to explain: the themes left "
            "out, and why, are listed below."
        )
    items = []
    for row in priorities.shortlist.itertuples(index=False):
        robust = f"It stays in the shortlist under {row.p_shortlist:.0%} of varied weightings."
        facts = row.facts
        if priority_hidden(linked, row.candidate):
            facts = (
                f"{row.cohort_label}: the number of people and events, and what could be "
                "avoided, are not shown, to protect confidentiality ([c])."
            )
        plain = (
            f"{row.label}. {facts} Evidence: {row.intervention_source} Why it is on the "
            f"list: {row.reason} {robust} {row.weight_change}"
        )
        markup = (
            f"<li><b>{html.escape(row.label)}</b>. {html.escape(facts)}"
            f"<br><i>Evidence:</i> {html.escape(row.intervention_source)}"
            f"<br><i>Why it is on the list:</i> {html.escape(row.reason)} "
            f"{html.escape(robust)} {html.escape(row.weight_change)}</li>"
        )
        items.append(BoardText(plain.strip(), markup))
    return heading("Why each is on the list", level=3) + bullet_list(items, ordered=True)


def excluded_themes(priorities: Prioritisation) -> BoardText:
    """Return the themes that could not be measured on these data, and why.

    Parameters
    ----------
    priorities : Prioritisation
        From :func:`toolkit.prioritise.prioritise`.

    Returns
    -------
    BoardText
        A sentence and a list, or a sentence saying every theme was measured. When no
        theme could be measured, the sentence says that no priority could be suggested.
    """
    excluded = priorities.excluded
    if priorities.is_empty and not len(excluded):
        return sentence("No priority could be suggested: no theme was given to measure.")
    if not len(excluded):
        return sentence("Every theme in the library was measured on these data.")
    items = [
        sentence(f"{label}: {reason}.", tag="li")
        for label, reason in zip(excluded["label"], excluded["reason"], strict=True)
    ]
    if priorities.is_empty:
        every = "the theme" if len(excluded) == 1 else f"the {len(excluded)} themes"
        return sentence(
            f"No priority could be suggested: none of {every} could be measured on these data. "
            "This system is too small for them: a theme is left out when the people in its "
            "cohort, or the events it acts on, are too few to compare fairly (below the "
            "disclosure threshold) or are not in the data. Each theme and why it was left out:"
        ) + bullet_list(items)
    return sentence(
        f"{len(excluded)} theme{'s' if len(excluded) != 1 else ''} could not be measured on "
        f"these data and {'were' if len(excluded) != 1 else 'was'} left out:"
    ) + bullet_list(items)


def robustness_figure(priorities: Prioritisation, *, period: str, extra: int = 3) -> Figure:
    """Return the rank acceptability heat map of the shortlist and the next few candidates.

    Parameters
    ----------
    priorities : Prioritisation
        From :func:`toolkit.prioritise.prioritise`.
    period : str
        The period, shown in the title.
    extra : int
        Candidates shown beyond the shortlist (the most often shortlisted of the rest).

    Returns
    -------
    matplotlib.figure.Figure
        The heat map; when no priority could be suggested, a small figure that says so
        (there is no ranking to test).
    """
    if priorities.is_empty:
        from matplotlib.figure import Figure

        # A figure with no axes is not drawn in a notebook: the words go on a blank one.
        # At the printed column's width, so that its words print at their set size.
        figure = Figure(figsize=(PRINT_WIDTH - 0.2, 1.2), dpi=100, layout="constrained")
        ax = figure.add_subplot()
        ax.set_axis_off()
        ax.set_title(f"How robust is the ranking? Data for {period}", loc="left", fontsize=12)
        ax.text(
            0.0,
            0.5,
            "No priority could be suggested, so there are no priorities to compare:\n"
            "no theme had enough people or events in this system to be measured.",
            ha="left",
            va="center",
            fontsize=10,
            transform=ax.transAxes,
        )
        return figure
    acceptability = priorities.acceptability
    summary = acceptability.summary()
    chosen = list(priorities.shortlist["candidate"])
    others = (
        summary[~summary["candidate"].isin(chosen)]
        .sort_values("p_shortlist", ascending=False, kind="stable")["candidate"]
        .head(extra)
        .tolist()
    )
    rows = chosen + others
    matrix = acceptability.matrix()
    ranks = min(matrix.shape[1], len(chosen) + 5)
    labels = dict(zip(acceptability.candidates, acceptability.labels, strict=True))
    return rank_acceptability_chart(
        matrix.loc[rows, list(matrix.columns[:ranks])],
        labels=[labels[c] for c in rows],
        period=period,
        draws=acceptability.draws,
        shortlist_size=len(chosen),
    )


# ---------------------------------------------------------------------------------------------
# Workshop
# ---------------------------------------------------------------------------------------------


def workshop_section(
    log: DecisionLog,
    priorities: Prioritisation,
    *,
    config: ReportConfig,
    room: RoomConsensus | None = None,
    room_weights: RoomWeights | None = None,
) -> tuple[BoardText, BoardTable, BoardTable, Figure]:
    """Return the workshop's outcome: who took part, their weights, the room's shortlist.

    The tables' submissions in the log's last round are compared with
    :func:`toolkit.prioritise.room_consensus` on the report's candidates and criteria: the
    room's weights (each table's weight shares combined as the room's list was made: the
    average, the median or the geometric mean, as the workshop recorded), the shortlist
    they give, each candidate's ranks across the tables, how many of the room's priorities
    are on every table's list, and Kendall's W beside the W that random weights give. The text
    also shows the shortlist each stakeholder group's own tables give and what each
    group's tables changed, and, when the workshop had two rounds or more, what changed
    between the first and the last round (:func:`toolkit.prioritise.compare_rounds`).

    Parameters
    ----------
    log : DecisionLog
        The workshop's decision log (:func:`toolkit.report.read_decision_log`).
    priorities : Prioritisation
        The prioritisation (:func:`toolkit.prioritise.prioritise`); its candidates and
        criteria are the ones the tables' weights rank, with its shortlist rule.
    config : ReportConfig
        For the period, shortlist size and disclosure threshold.
    room : RoomConsensus, optional
        The room's answer in the log's last round, as :func:`board_figures` found it
        (``BoardFigures.room``), so that page 1 and this section show one result; found
        here with :func:`toolkit.report.room_answer` when not given.
    room_weights : RoomWeights, optional
        When no priority could be suggested, the tables' weights and the room's, worked out
        once with the report's figures (``BoardFigures.room_weights``): the section shows
        them, with no ranking. Required then.

    Returns
    -------
    text : BoardText
        Who took part, the room's shortlist and how it differs from equal weights, the
        shortlist by stakeholder group, how far the tables agree and, with rounds, what
        changed between them.
    weights_table : BoardTable
        Each criterion's weight at each table (% of the table's total) and the room's,
        its column and note naming how the tables' weights were combined.
    consensus_table : BoardTable
        The room's shortlist and every candidate a table shortlisted: the room's rank, the
        tables that shortlisted it, its best and worst rank across tables, its dot votes.
    figure : matplotlib.figure.Figure
        The weights each table gave, with the room's (its legend and subtitle naming how
        they were combined).

    Raises
    ------
    ValueError
        No priority could be suggested and ``room_weights`` was not given.
    """
    from toolkit.prioritise.consensus import AGGREGATION_LABELS, compare_rounds

    candidates = priorities.candidates
    criteria = priorities.criteria
    plain = {criterion.name: criterion.phrase for criterion in criteria}
    # The first letter only: "NHS money it could save", not "Nhs money it could save".
    phrases = {name: capitalised(phrase) for name, phrase in plain.items()}
    matched = log.match_criteria(list(criteria))
    used = {column for column in matched.values() if column is not None}
    left_out = [str(name) for name in log.weights.columns if name not in used]
    not_weighed = [name for name, column in matched.items() if column is None]
    if priorities.is_empty:
        if room_weights is None:
            raise ValueError(
                "With no priority suggested, workshop_section shows the weights worked out with "
                "the report's figures: pass room_weights=BoardFigures.room_weights."
            )
        return _workshop_without_priorities(log, room_weights, phrases, config=config)
    labels = dict(zip(candidates["candidate"], candidates["label"], strict=True))

    def consensus_of(number: int) -> RoomConsensus:
        return room_answer(log, priorities, round=number)

    consensus = consensus_of(log.last_round) if room is None else room
    tables = len(consensus.tables)
    roles = ", ".join(dict.fromkeys(role for role in log.tables["role"] if role))
    earlier = "earlier submissions were" if log.superseded != 1 else "earlier submission was"
    replaced = (
        f"; {log.superseded} {earlier} replaced by a later one from the same table"
        if log.superseded
        else ""
    )
    rounds = len(log.rounds)
    in_round = f" in round {log.last_round}, the last of {rounds} rounds" if rounds > 1 else ""
    parts = [
        sentence(
            f"{tables} table{'s' if tables != 1 else ''} at {the_workshop(log.workshop)} "
            f"submitted weights{f' ({roles})' if roles else ''}{in_round}. Each table's latest "
            f"submission{' in a round' if rounds > 1 else ''} counts{replaced}."
            + (
                f" {log.removed} submission{'s' if log.removed != 1 else ''} of tables the "
                "facilitator removed (set up by mistake) "
                f"{'were' if log.removed != 1 else 'was'} left out."
                if log.removed
                else ""
            )
        )
    ]
    if left_out or not_weighed:
        parts.append(
            sentence(
                (f"Weights on criteria the report does not score were left out: "
                 f"{', '.join(left_out)}. " if left_out else "")
                + (f"No table weighed {', '.join(plain[n] for n in not_weighed)}: weight 0."
                   if not_weighed else "")
            )
        )  # fmt: skip
    room_list = list(consensus.shortlist_ids)
    before = [str(candidate) for candidate in priorities.shortlist["candidate"]]
    labels = {str(candidate): str(label) for candidate, label in labels.items()}
    # As the room's list was made (its recorded settings, else the log's or the defaults).
    how = AGGREGATION_LABELS.get(consensus.aggregation, consensus.aggregation)
    parts.append(sentence(f"The shortlist at the room's weights (the {how} of the tables'):"))
    parts.append(bullet_list([sentence(labels[c], tag="li") for c in room_list], ordered=True))
    shown = recorded_list_differs(log, log.last_round, room_list, labels)
    if shown is not None:  # worked out again here: the room was shown another list
        parts.append(
            sentence(
                f"When round {log.last_round} closed, the room was shown another list: "
                f"{shown}. The list above is worked out again from the tables' weights; it "
                "differs when the candidates, criteria scores or themes are not the "
                "workshop's, or tables were merged or removed since."
            )
        )
    entered = [labels[c] for c in room_list if c not in before]
    dropped = [labels[c] for c in before if c not in room_list]
    if entered or dropped:
        parts.append(
            sentence(
                "Compared with equal weights, "
                + (f"in: {'; '.join(entered)}" if entered else "nothing came in")
                + (f"; out: {'; '.join(dropped)}." if dropped else "; nothing went out.")
            )
        )
    else:
        parts.append(sentence("The same priorities as at equal weights."))
    parts.extend(_workshop_groups(consensus))
    if consensus.agreement is not None:
        parts.append(sentence(f"How far the tables agree: {consensus.summary}"))
    if rounds > 1:
        # Both rounds as the last round's list was made, as the facilitator's screen
        # compares them: a list made longer or otherwise is not a change of the tables'.
        first = room_answer(log, priorities, round=log.rounds[0], settings_of=log.last_round)
        change = compare_rounds(first, consensus, rounds=(log.rounds[0], log.last_round))
        both = len(set(first.tables) & set(consensus.tables))
        moved = len(change.tables_changed)
        parts.append(heading("What changed between rounds", level=3))
        parts.append(
            sentence(
                f"{change.sentence} {moved} of the {both} table{'s' if both != 1 else ''} "
                f"that took part in both rounds changed the priorities on their own list."
            )
        )
        made = [log.recorded.get(number, {}).get("settings") for number in log.rounds]
        if made[0] and made[-1] and made[0] != made[-1]:
            parts.append(
                sentence(
                    f"The room's list was made otherwise when round {log.rounds[0]} closed "
                    f"({_made_as(made[0])}) than when round {log.last_round} closed "
                    f"({_made_as(made[-1])}): both rounds are compared here as round "
                    f"{log.last_round}'s list was made."
                )
            )

    # The room's weights as its list was made (toolkit.prioritise combined them).
    combined = consensus.weights.set_index("criterion")[consensus.aggregation]
    weights_table, figure = _weights_outputs(
        consensus.table_weights,
        combined.reindex(consensus.table_weights.index).to_numpy(dtype="float64"),
        phrases,
        log=log,
        config=config,
        aggregation=consensus.aggregation,
    )
    rankings = consensus.rankings
    shown = rankings.loc[
        (rankings["room_rank"] <= consensus.size) | (rankings["shortlisted_by"] > 0)
    ]
    consensus_table = board_table(
        shown.assign(
            spread=[
                f"{best:.0f} to {worst:.0f}"
                for best, worst in zip(shown["best_rank"], shown["worst_rank"], strict=True)
            ]
        ),
        columns=[
            TableColumn("room_rank", "Room's rank", "rank"),
            TableColumn("label", "Theme"),
            TableColumn("shortlisted_by", f"Tables that shortlisted it (of {tables})", "rank"),
            TableColumn("spread", "Best to worst rank across tables"),
            TableColumn("dots", "Dot votes", "rank"),
        ],
        caption=f"Where the tables agree, {log.workshop}",
        threshold=config.disclosure_threshold,
        notes=("Counts of workshop tables and dot votes, not of people: not suppressed.",),
    )
    text = heading("What the workshop decided") + _join(parts)
    return text, weights_table, consensus_table, figure


def _made_as(settings: dict) -> str:
    """Say how a room's list was made: "median, 4 priorities"."""
    from toolkit.prioritise.consensus import AGGREGATION_LABELS

    parts = []
    if "aggregation" in settings:
        parts.append(AGGREGATION_LABELS.get(settings["aggregation"], settings["aggregation"]))
    if "shortlist_size" in settings:
        size = int(settings["shortlist_size"])
        parts.append(f"{size} priorit{'y' if size == 1 else 'ies'}")
    return ", ".join(parts) or "other settings"


def _workshop_without_priorities(
    log: DecisionLog,
    weights: RoomWeights,
    phrases: Mapping[str, str],
    *,
    config: ReportConfig,
) -> tuple[BoardText, BoardTable, BoardTable, Figure]:
    """Return the workshop section when no priority could be suggested: weights, no ranking.

    The tables' weights are shown as usual (each as a share of the table's total, and the
    room's, combined as the workshop recorded its list was made, else by the average:
    :func:`toolkit.report._room_record.room_weights`, worked out with the report's
    figures); there is no candidate for them to rank, and the text says so.
    """
    weights_table, figure = _weights_outputs(
        weights.table_weights,
        weights.room,
        phrases,
        log=log,
        config=config,
        aggregation=weights.aggregation,
    )
    nothing = (
        "No priority could be suggested: no theme had enough people or events in this system "
        "to be measured, so the tables' weights had nothing to rank."
    )
    consensus_table = board_table(
        pd.DataFrame({"message": [nothing]}),
        columns=(TableColumn("message", "Where the tables agree"),),
        caption=f"Where the tables agree, {log.workshop}: nothing to compare",
        threshold=config.disclosure_threshold,
    )
    count = len(weights.table_weights.columns)
    text = heading("What the workshop decided") + sentence(
        f"{count} table{'s' if count != 1 else ''} at {the_workshop(log.workshop)} submitted "
        f"weights. {nothing}"
    )
    return text, weights_table, consensus_table, figure


def _weights_outputs(
    table_weights: pd.DataFrame,
    room: np.ndarray,
    phrases: Mapping[str, str],
    *,
    log: DecisionLog,
    config: ReportConfig,
    aggregation: str,
) -> tuple[BoardTable, Figure]:
    """Return the table of the weights each table gave (with the room's) and their chart.

    ``table_weights`` holds each criterion's share of each table's weights (a row per
    criterion, index named ``criterion``; a column per table); ``room`` the room's weight
    of each criterion, in the same order, the tables' shares combined by ``aggregation``
    (a key of :data:`toolkit.prioritise.consensus.AGGREGATION_LABELS`), which the table's
    column and note and the chart's legend name. The workshop section shows both whether
    or not a priority could be suggested.
    """
    from toolkit.prioritise.consensus import AGGREGATION_LABELS

    how = AGGREGATION_LABELS.get(aggregation, str(aggregation))
    short = how.split(" (")[0]  # "average", not "average (arithmetic mean)", in a heading
    weights = table_weights.reset_index()
    weights = weights.assign(criterion_label=weights["criterion"].map(phrases), room=room)
    weights_table = board_table(
        weights,
        columns=[
            TableColumn("criterion_label", "Criterion"),
            *(TableColumn(table, table, "percent") for table in table_weights.columns),
            TableColumn("room", f"Room ({short})", "percent"),
        ],
        caption=f"Weights each table gave the criteria (% of the table's total), {log.workshop}",
        threshold=config.disclosure_threshold,
        notes=(
            f"Room: the {how} of the tables' shares of each criterion, scaled to add up to "
            "100%, as the room's list was made.",
        ),
    )
    figure = weights_chart(
        table_weights.T,
        labels=[phrases[name] for name in table_weights.index],
        title=f"Weights given by each table, {log.workshop} (data for {config.period})",
        room=room,
        combined_by=short,
    )
    return weights_table, figure


def _workshop_groups(consensus: RoomConsensus) -> list[BoardText]:
    """Return the shortlist by stakeholder group and what each group's tables changed."""
    groups = consensus.by_group()
    if len(groups) < 2:
        return []
    items = [
        sentence(
            f"{row.group} ({row.tables} table{'s' if row.tables != 1 else ''}): "
            + ("; ".join(row.labels) if row.labels else "no list (no weight on any criterion)"),
            tag="li",
        )
        for row in groups.itertuples(index=False)
    ]
    effects = [
        sentence(consensus.group_effect(group).sentence, tag="li") for group in groups["group"]
    ]
    return [
        sentence("The shortlist each stakeholder group's own tables would give:"),
        bullet_list(items),
        sentence("What each group's tables changed in the room's shortlist:"),
        bullet_list(effects),
    ]
