"""One theme candidate's row: which columns measure the theme, its figures and its sentence.

:func:`theme_plan` decides which cube columns measure a theme (its headline outcome or the
fallback, and the outcome its intervention acts on); :func:`candidate_row` turns the sums
and rates of one theme (in one place) into the candidate's figures, its impact estimate
and :func:`facts`, the sentence a board member can read aloud, with counts and money
worded by the ``format_*`` functions of :mod:`toolkit.prioritise._theme_figures`. Used by
:func:`toolkit.prioritise.theme_measures.theme_candidates`, which re-exports the public
names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from toolkit._words import capitalised, lower_first
from toolkit.data.contract import RECORDED_SUFFIX

# Re-exported: the words of figures lived here before they were split off.
from toolkit.prioritise._theme_figures import (  # noqa: F401
    PERSON_FLAG_PREFIX,
    TOO_FEW_TO_ESTIMATE,
    WITHOUT_IDENTIFYING,
    acted_on_words,
    estimate_words,
    estimated_from,
    estimates_withheld,
    format_count,
    format_estimate,
    format_estimate_range,
    format_events,
    format_money,
    format_money_figures,
    format_money_range,
    is_one,
    outcome_words,
    round_figure,
    shortlist_estimate,
    shown_estimate,
    shown_money_range,
    too_few_to_estimate,
)
from toolkit.prioritise._theme_impact import impact_central, impact_range
from toolkit.prioritise._theme_vocabulary import RECORDED_STATUS_FLAGS
from toolkit.prioritise.criteria import (
    CANDIDATE_COLUMN,
    COHORT_LABEL_COLUMN,
    LABEL_COLUMN,
    OUTCOME_LABEL_COLUMN,
    THEME_COHORT_COLUMN,
)

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.prioritise.themes import Theme

#: Score given to each strength of evidence (the library's words), for the criterion.
EVIDENCE_SCORES: dict[str, float] = {"emerging": 1.0, "moderate": 2.0, "strong": 3.0}

#: Core20 in words: England's most deprived fifth of neighbourhoods (IMD deciles 1 and 2
#: nationally), as the board report names it; not the system's own most deprived fifth.
CORE20_WORDS = "England's most deprived fifth of neighbourhoods (Core20)"

#: The note of a theme that names no cause of death (``causes_of_death = []``, which the
#: format allows): the two criteria of deaths count 0 for it, and the board is told why.
NO_CAUSES_NOTE = (
    "The theme names no cause of death that it tackles, so its share of the gap in life "
    "expectancy and its deaths from those causes count as 0 in the scores."
)

#: The note of a candidate whose excess is not published: the least deprived decile has too
#: few events to hold the others to (:func:`toolkit.indicators.excess_events`).
EXCESS_NOT_COMPARED_NOTE = (
    "Too few events in the least deprived tenth of neighbourhoods to compare the others with: "
    "the extra harm in poorer areas counts in the scores as the middle of the other themes', "
    "since it is not known."
)
#: How a gap that could not be compared counts in the scores (:func:`typical_where_unknown`).
GAP_NOT_COMPARED_SCORE = (
    "the gap counts in the scores as the middle of the other themes' gaps, since it is not known"
)
#: The same when no theme's gap could be compared: each then counts 0 alike.
GAP_NONE_COMPARED_SCORE = "the gap counts as 0 in the scores, as no theme could be compared"
#: :data:`EXCESS_NOT_COMPARED_NOTE` when no theme's excess could be compared.
EXCESS_NONE_COMPARED_NOTE = EXCESS_NOT_COMPARED_NOTE.replace(
    "counts in the scores as the middle of the other themes', since it is not known",
    "counts as 0 in the scores, as no theme could be compared",
)

#: The unit of a candidate's ``rate`` when its outcome counts people with a status.
PREVALENCE_UNIT = "% of the cohort (people with the status at the time, not a rate a year)"

#: The unit of ``rate`` when the percentage is of the people with the status recorded
#: (:data:`~toolkit.prioritise._theme_vocabulary.RECORDED_STATUS_FLAGS`).
PREVALENCE_RECORDED_UNIT = (
    "% of those in the cohort whose status is recorded (people with the status at the time, "
    "not a rate a year)"
)


# --------------------------------------------------------------------------------------
# Reading a theme (one place that knows the library's field names)
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThemePlan:
    """The cube columns that measure one theme, and what the candidate's note says."""

    theme: Theme
    outcome: str
    impact_outcome: str
    intervention: Any
    note: str
    estimable: bool = True
    #: The cube column of the percentage's denominator when the outcome counts people with a
    #: status: ``persons``, or the people with the status recorded (``persons_<flag>_recorded``).
    denominator: str = "persons"


def status_flag(outcome: str) -> str | None:
    """Return the flag whose people with a recorded status an outcome's percentage is of.

    Parameters
    ----------
    outcome : str
        A measure of the cohort cube.

    Returns
    -------
    str or None
        ``"smoker"`` for ``persons_smoker`` (see
        :data:`~toolkit.prioritise._theme_vocabulary.RECORDED_STATUS_FLAGS`); None for any
        other outcome, whose percentage or rate is of the whole cohort.
    """
    flag = outcome.removeprefix(PERSON_FLAG_PREFIX)
    return (
        flag if outcome.startswith(PERSON_FLAG_PREFIX) and flag in RECORDED_STATUS_FLAGS else None
    )


def theme_plan(theme: Theme, measures: set[str], words: dict[str, str]) -> ThemePlan | str:
    """Decide which cube columns measure ``theme``; a string says why it cannot be."""
    outcome = theme.outcomes[0]
    notes = []
    if outcome not in measures:
        fallback = getattr(theme, "fallback_outcome", None)
        if fallback and fallback in measures:
            shown = words.get(fallback, fallback)
            notes.append(
                f"The data have no {words.get(outcome, outcome)}, so {shown} are shown instead."
            )
            outcome = fallback
        else:
            return f"the data have no {words.get(outcome, outcome)}"
    denominator = "persons"
    flag = status_flag(outcome)
    if flag is not None and f"{outcome}{RECORDED_SUFFIX}" in measures:
        denominator = f"{outcome}{RECORDED_SUFFIX}"
    elif flag is not None:
        status, absent = RECORDED_STATUS_FLAGS[flag]
        notes.append(
            f"The data do not say how many in the cohort have a recorded {status}, so rates "
            f"of {status_activity(status)} are worked out among everyone in it: anyone with "
            f"none recorded counts as {absent}."
        )
    intervention = theme.interventions[0]
    impact_outcome = intervention.acts_on
    estimable = impact_outcome in measures
    if not estimable:
        notes.append(
            f"The data have no {words.get(impact_outcome, impact_outcome)}, so there is no "
            f"estimate of what '{intervention.name}' could avoid: it counts as 0 in the scores."
        )
    return ThemePlan(
        theme, outcome, impact_outcome, intervention, " ".join(notes), estimable, denominator
    )


def candidate_row(
    plan: ThemePlan,
    *,
    place: str | None,
    within: str | None,
    sums: pd.Series,
    rate: pd.Series,
    ratio: float,
    excess: float,
    gap_share: dict[str, float],
    years: float,
    cohort_label: str | None,
    words: dict[str, str],
    threshold: int,
    prevalence: tuple[float, float] = (math.nan, math.nan),
    inequality: pd.Series | None = None,
    premature: pd.Series | None = None,
    unpopulated: frozenset[int] = frozenset(),
) -> dict[str, Any]:
    """One candidate's figures, estimate and sentence.

    ``unpopulated`` holds England's deprivation fifths (1, the most deprived, and 5) in which
    no one in the system (with ``within="place"``, the place) lives: the rate ratio of the
    two fifths is then missing because there is no one to compare, not because too few
    events were counted, and the sentence and note say so.
    """
    theme = plan.theme
    intervention = plan.intervention
    persons = float(sums["persons"])
    events = float(sums["events"])
    # The percentage of people with a status is of those with it recorded, when the cube
    # counts them (``sums["recorded"]``); the events and the estimate are unchanged.
    of_recorded = plan.denominator != "persons" and "recorded" in sums.index
    recorded = float(sums["recorded"]) if of_recorded else persons
    if plan.estimable:
        impact_events = float(sums["impact_events"]) / years
        low, high = impact_range(impact_events, intervention)
        central = impact_central(impact_events, intervention)
    else:
        low = high = central = impact_events = math.nan
    # Deaths and people who smoke have no cash value: no cost estimate (0 in the scores).
    unit_cost = math.nan if intervention.unit_cost is None else float(intervention.unit_cost.value)
    costed = math.isfinite(unit_cost)
    cohort_words = cohort_label or theme.cohort.replace("_", " ")
    if within == "core20":
        where, where_label = f" in {CORE20_WORDS}", " (England's most deprived fifth)"
        suffix = "/core20"
    elif within == "place":
        where, where_label = f" in {place}", f" ({place})"
        suffix = f"/{place}"
    else:
        where, where_label, suffix = "", "", ""
    evidence = str(intervention.evidence)
    years_low, years_high = theme.time_to_impact.years_low, theme.time_to_impact.years_high
    area = theme.core20plus5 or ""
    outcome_words = words.get(plan.outcome, plan.outcome.replace("_", " "))
    who = f"in {place}" if within == "place" else "in this system"
    return {
        CANDIDATE_COLUMN: theme.id + suffix,
        LABEL_COLUMN: theme.name + where_label,
        THEME_COHORT_COLUMN: theme.id,
        "theme_name": theme.name,
        "programme": theme.programme,
        "cohort": theme.cohort,
        COHORT_LABEL_COLUMN: cohort_words + where,
        "outcome": plan.outcome,
        OUTCOME_LABEL_COLUMN: capitalised(outcome_words),
        **({"place": place} if within == "place" else {}),
        "persons": int(round(persons)),
        "_events": events,
        "events_a_year": events / years,
        **_rate_columns(
            plan.outcome,
            rate,
            persons=recorded,
            events=events,
            years=years,
            recorded=of_recorded,
        ),
        "deprivation_ratio": ratio,
        "deprivation_gap": ratio - 1.0 if math.isfinite(ratio) else 0.0,
        "sii": (
            float(inequality["sii"]) / years
            if inequality is not None and pd.notna(inequality["sii"])
            else math.nan
        ),
        "rii": (
            float(inequality["rii"])
            if inequality is not None and pd.notna(inequality["rii"])
            else math.nan
        ),
        "premature_death_rate": (
            float(premature["value"]) / years if premature is not None else math.nan
        ),
        "premature_death_rate_lower_95": (
            float(premature["lower_95"]) / years if premature is not None else math.nan
        ),
        "premature_death_rate_upper_95": (
            float(premature["upper_95"]) / years if premature is not None else math.nan
        ),
        "excess_events_a_year": excess / years if math.isfinite(excess) else math.nan,
        "excess_share": (excess / events) if events > 0 and math.isfinite(excess) else 0.0,
        "le_gap_share": float(sum(gap_share.get(c, 0.0) for c in theme.causes_of_death)),
        "cause_deaths_a_year": float(sums["cause_deaths"]) / years,
        "premature_deaths_a_year": float(sums["premature_deaths"]) / years,
        "cost_a_year": float(sums["cost"]) / years,
        "cost_per_head": float(sums["cost"]) / persons / years if persons else 0.0,
        "intervention": intervention.name,
        "intervention_source": intervention.effect_source,
        "evidence": evidence,
        "evidence_score": EVIDENCE_SCORES.get(evidence, 0.0),
        "core20plus5": 1.0 if area else 0.0,
        "core20plus5_area": area,
        "time_to_impact_years": (years_low + years_high) / 2,
        "impact_outcome": plan.impact_outcome,
        "impact_events_a_year": impact_events,
        "expected_cases": prevalence[0],
        "recorded_cases": prevalence[1],
        "undiagnosed_estimate": max(prevalence[0] - prevalence[1], 0.0)
        if math.isfinite(prevalence[0])
        else math.nan,
        "prevalence_source": (
            theme.expected_prevalence.source if theme.expected_prevalence is not None else ""
        ),
        "avoidable_low": low,
        "avoidable_high": high,
        "avoidable_mid": central if plan.estimable else 0.0,
        "avoidable_cost_low": low * unit_cost if costed else 0.0,
        "avoidable_cost_high": high * unit_cost if costed else 0.0,
        "avoidable_cost_mid": central * unit_cost if costed and plan.estimable else 0.0,
        "unit_cost": unit_cost,
        "facts": facts(
            plan,
            cohort_words=cohort_words + where,
            persons=persons,
            events_a_year=events / years,
            cost_a_year=float(sums["cost"]) / years,
            ratio=ratio,
            low=low,
            high=high,
            unit_cost=unit_cost,
            words=words,
            threshold=threshold,
            prevalence=prevalence,
            prevalence_ages=(
                theme.expected_prevalence.ages if theme.expected_prevalence is not None else ""
            ),
            unpopulated=unpopulated,
            who=who,
            impact_events_a_year=impact_events,
        ),
        "note": " ".join(
            part
            for part in (
                plan.note,
                "" if math.isfinite(ratio) else _not_compared_note(unpopulated, who),
                "" if math.isfinite(excess) or events <= 0 else EXCESS_NOT_COMPARED_NOTE,
                NO_CAUSES_NOTE if not theme.causes_of_death else "",
                _rii_note(inequality),
                recorded_note(
                    plan,
                    persons=persons,
                    recorded=recorded,
                    cohort_words=cohort_words + where,
                    threshold=threshold,
                ),
            )
            if part
        ),
    }


def _rate_columns(
    outcome: str,
    rate: pd.Series,
    *,
    persons: float,
    events: float,
    years: float,
    recorded: bool = False,
) -> dict[str, Any]:
    """Return ``rate``, its 95% limits and ``rate_unit`` for one candidate.

    Events of an outcome have an age-standardised rate per 1,000 people a year. A count of
    people with a status (``persons_smoker``: women who smoke among pregnant women) is a
    prevalence, not events in a year: it is the percentage of ``persons`` with the status,
    with Wilson limits, and not divided by the years. ``persons`` is the whole cohort, or,
    with ``recorded``, the people in it with the status recorded (missing limits when there
    are none).
    """
    if outcome.startswith(PERSON_FLAG_PREFIX):
        from toolkit.indicators.intervals import wilson_interval

        unit = PREVALENCE_RECORDED_UNIT if recorded else PREVALENCE_UNIT
        if persons <= 0:  # no one with the status recorded: no percentage
            low = high = np.array([math.nan])
        else:
            low, high = wilson_interval(np.array([events]), np.array([persons]), 0.95)
        return {
            "rate": 100 * events / persons if persons > 0 else math.nan,
            "rate_lower_95": 100 * float(low[0]),
            "rate_upper_95": 100 * float(high[0]),
            "rate_unit": unit,
        }
    return {
        "rate": float(rate["value"]) / years,
        "rate_lower_95": float(rate["lower_95"]) / years,
        "rate_upper_95": float(rate["upper_95"]) / years,
        "rate_unit": "per 1,000 people a year",
    }


def recorded_note(
    plan: ThemePlan, *, persons: float, recorded: float, cohort_words: str, threshold: int
) -> str:
    """Say how many of the cohort have no recorded status, when the percentage leaves them out.

    Parameters
    ----------
    plan : ThemePlan
        The theme's plan; its ``denominator`` says whether the percentage is of the people
        with the status recorded.
    persons, recorded : float
        The people in the cohort, and those of them with the status recorded.
    cohort_words : str
        The cohort in words ("Pregnant women", "Pregnant women in North").
    threshold : int
        The disclosure threshold: a count of people with no recorded status below it is
        said as "fewer than N", and then the count with one is not given (it would tell
        the other by difference); a count with one below it is said as "fewer than N", and
        then the count with none is not given either, for the same reason.

    Returns
    -------
    str
        "234 of 11,031 pregnant women (2%) have no recorded smoking status; rates of smoking
        are worked out among the 10,797 with one."; empty when everyone has one, or the
        rates are of the whole cohort. It names the rates, not "the percentage": the
        candidate's sentence gives the count with the status and how its rate compares,
        not the percentage itself.

    Notes
    -----
    Only this note is worded with small counts hidden: the candidate table's own figures
    (``rate``, ``events_a_year`` and the rest) are for the analyst and are not
    disclosure-controlled; the board report applies its own control to what it shows.
    """
    flag = status_flag(plan.outcome)
    missing = persons - recorded
    if plan.denominator == "persons" or flag is None or missing <= 0:
        return ""
    status = RECORDED_STATUS_FLAGS[flag][0]
    rates = f"rates of {status_activity(status)} are worked out among"
    who = lower_first(cohort_words)
    if recorded <= 0:
        return (
            f"None of the {format_count(persons, threshold=threshold)} {who} has a recorded "
            f"{status}, so there is no rate of {status_activity(status)}."
        )
    if persons < threshold:
        return f"Some of the {who} have no recorded {status}; {rates} those with one."
    if recorded < threshold:  # neither count exactly: the cohort less one tells the other
        return capitalised(
            f"{format_count(recorded, threshold=threshold)} of the {format_count(persons)} "
            f"{who} have a recorded {status}; {rates} those with one."
        )
    if missing < threshold:
        return capitalised(
            f"{format_count(missing, threshold=threshold)} of {format_count(persons)} {who} have "
            f"no recorded {status}; {rates} those with one."
        )
    share = missing / persons
    share_text = "under 1%" if share < 0.005 else "over 99%" if share > 0.995 else f"{share:.0%}"
    with_one = f"the {format_count(recorded)} with one"
    verb = "has" if missing == 1 else "have"
    return (
        f"{format_count(missing)} of {format_count(persons)} {who} ({share_text}) {verb} no "
        f"recorded {status}; {rates} {with_one}."
    )


def status_activity(status: str) -> str:
    """Name what a recorded status is about, for "rates of smoking".

    Parameters
    ----------
    status : str
        The recorded status in words, as
        :data:`~toolkit.prioritise._theme_vocabulary.RECORDED_STATUS_FLAGS` names it
        ("smoking status").

    Returns
    -------
    str
        The status without its last word "status" ("smoking"); other words as given.

    Examples
    --------
    >>> status_activity("smoking status")
    'smoking'
    """
    return status.removesuffix(" status")


def _rii_note(inequality: pd.Series | None) -> str:
    """Say why the RII is missing when the line fitted across the deciles makes it meaningless."""
    from toolkit.indicators.inequality import RII_NOT_MEANINGFUL
    from toolkit.prioritise._cube_steps import RII_NOTE_COLUMN

    flagged = False if inequality is None else inequality.get(RII_NOTE_COLUMN, False)
    if pd.isna(flagged) or not bool(flagged):
        return ""
    return capitalised(RII_NOT_MEANINGFUL) + "."


def _not_compared_note(unpopulated: frozenset[int], who: str) -> str:
    """Return the note of a candidate whose two fifths were not compared, saying why."""
    if unpopulated:
        return capitalised(f"{no_one_words(unpopulated, who)}: {GAP_NOT_COMPARED_SCORE}.")
    return (
        "Too few in the most or the least deprived fifth to compare the two: "
        f"{GAP_NOT_COMPARED_SCORE}."
    )


def typical_where_unknown(table: pd.DataFrame) -> pd.DataFrame:
    """Return the candidates with each gap that could not be compared scored as a typical one.

    Where the most and least deprived fifths could not be compared (too few events, or no
    one lives in one of them), ``deprivation_gap`` is the median of the gaps of the
    candidates that could be; likewise ``excess_share`` where the least deprived tenth had
    too few events. Not knowing a gap is then neither taken as no gap (which would put small
    groups, such as people with a learning disability, last on inequality because they are
    few) nor as a large one. With no candidate compared, every such gap counts 0 alike, and
    the candidates' notes say so (:data:`GAP_NONE_COMPARED_SCORE`,
    :data:`EXCESS_NONE_COMPARED_NOTE`) instead of the middle of the other themes' gaps
    (:data:`GAP_NOT_COMPARED_SCORE`, :data:`EXCESS_NOT_COMPARED_NOTE`), which each row's
    note says when written, before the other candidates are known.
    Our own rule (a median imputation, as MCDA guidance suggests for a missing
    performance).

    Parameters
    ----------
    table : pandas.DataFrame
        Theme candidates with ``deprivation_ratio``, ``deprivation_gap``,
        ``excess_events_a_year``, ``excess_share`` and ``events_a_year``; and ``note``,
        when its words are to follow the rule.

    Returns
    -------
    pandas.DataFrame
        A new table, the unknown gaps filled; the ratio and excess stay missing.
    """
    result = table.copy()
    for column, measure, events, (middle, none) in (
        (
            "deprivation_gap",
            "deprivation_ratio",
            None,
            (GAP_NOT_COMPARED_SCORE, GAP_NONE_COMPARED_SCORE),
        ),
        (
            "excess_share",
            "excess_events_a_year",
            "events_a_year",
            (EXCESS_NOT_COMPARED_NOTE, EXCESS_NONE_COMPARED_NOTE),
        ),
    ):
        known = result[measure].notna()
        unknown = ~known if events is None else ~known & (result[events] > 0)
        typical = result.loc[known, column].median() if known.any() else 0.0
        result.loc[unknown, column] = float(typical)
        if not known.any() and "note" in result.columns and unknown.any():
            notes = result.loc[unknown, "note"].astype(str)
            result.loc[unknown, "note"] = notes.str.replace(middle, none, regex=False)
    return result


def no_one_words(unpopulated: frozenset[int], who: str = "in this system") -> str:
    """Say that no one lives in England's most or least deprived fifth, so none is compared.

    Parameters
    ----------
    unpopulated : frozenset of int
        England's fifths (1, the most deprived; 5, the least) in which no one lives.
    who : str
        Where no one lives there: "in this system" or "in" a place.

    Returns
    -------
    str
        "no one in this system lives in England's least deprived fifth of neighbourhoods, so
        the two fifths cannot be compared"; empty when every fifth has people.
    """
    which = " or ".join(name for fifth, name in ((1, "most"), (5, "least")) if fifth in unpopulated)
    if not which:
        return ""
    return (
        f"no one {who} lives in England's {which} deprived fifth of neighbourhoods, so the two "
        "fifths cannot be compared"
    )


def inequality_words(
    ratio: float, *, unpopulated: frozenset[int] = frozenset(), who: str = "in this system"
) -> str:
    """Word the most deprived fifth's rate against the least deprived fifth's.

    Parameters
    ----------
    ratio : float
        The rate ratio, most to least deprived fifth (NaN when not compared).
    unpopulated : frozenset of int
        England's fifths (1 and 5) in which no one lives (see :func:`no_one_words`): said
        instead of "too few" when the ratio is missing.
    who : str
        Where: "in this system" or "in" a place.

    Returns
    -------
    str
        The words to follow the events in the candidate's sentence.
    """
    if not math.isfinite(ratio):
        if unpopulated:
            return f" ({no_one_words(unpopulated, who)})"
        return " (too few in the most or the least deprived fifth to compare the two)"
    if 0.9 <= ratio <= 1.1:
        return ", about the same rate as in the least deprived fifth, age for age"
    return f", {ratio:.1f} times the rate in the least deprived fifth, age for age"


def facts(
    plan: ThemePlan,
    *,
    cohort_words: str,
    persons: float,
    events_a_year: float,
    cost_a_year: float,
    ratio: float,
    low: float,
    high: float,
    unit_cost: float,
    words: dict[str, str],
    threshold: int,
    prevalence: tuple[float, float] = (math.nan, math.nan),
    prevalence_ages: str = "",
    unpopulated: frozenset[int] = frozenset(),
    who: str = "in this system",
    impact_events_a_year: float = math.nan,
) -> str:
    """Write the candidate as one sentence a board member can read aloud.

    When the intervention acts on another outcome than the headline one (``acts_on``), the
    estimate gives that outcome's count a year too (``impact_events_a_year``): "could avoid
    up to about 2 of their 120 emergency admissions for heart and circulatory disease a
    year", so that the events avoided can be set against the events they come from.

    When the count the estimate is taken from (:func:`estimated_from`: that outcome's, else
    the headline events) is below the disclosure threshold, the sentence gives no estimate
    and no money, only that there are too few to estimate: the estimate is that count times
    the theme's published factors, so it would give the hidden count back.
    """
    intervention = plan.intervention
    head_count = format_count(persons, threshold=threshold)
    people = (
        f"{head_count} {'person' if is_one(head_count) else 'people'}, whose care costs "
        f"{format_money(cost_a_year)} a year"
    )
    events_text = format_events(plan.outcome, events_a_year, words, threshold=threshold)
    reach = intervention.reach
    cost = format_money_range(low, high, unit_cost)
    money = f"{cost}; an estimate" if cost else "an estimate"
    # A count of people with a status (who smoke, say) falls: "could mean 2 fewer people".
    fewer = plan.impact_outcome.startswith(PERSON_FLAG_PREFIX)
    other = plan.impact_outcome not in (plan.outcome, "cost_gbp")
    base = estimated_from(plan.outcome, events_a_year, plan.impact_outcome, impact_events_a_year)
    reaching = (
        f"{lower_first(intervention.name)}, reaching {reach.low:.0%} to {reach.high:.0%} of them"
    )
    if plan.estimable and too_few_to_estimate(base, threshold=threshold):
        # No events and no money: with the published factors they give the count back.
        unsaid = f"estimate what it could {'change' if fewer else 'avoid'} {WITHOUT_IDENTIFYING}"
        if other:
            acted_on = format_events(
                plan.impact_outcome, impact_events_a_year, words, threshold=threshold
            )
            estimate = f"{reaching}, acts on their {acted_on}: too few to {unsaid}"
        else:
            estimate = f"{reaching}: too few {outcome_words(plan.outcome, words)} to {unsaid}"
    elif plan.estimable:
        change = estimate_words(low, high, plan.impact_outcome, words, fewer=fewer)
        if other and math.isfinite(impact_events_a_year):
            # The estimate is of another outcome than the headline's: give its count too,
            # so that what could be avoided can be set against it.
            change = f"{acted_on_words(low, high, fewer=fewer)} of their " + format_events(
                plan.impact_outcome, impact_events_a_year, words, threshold=threshold
            )
        estimate = (
            f"{reaching}, could {'mean' if fewer else 'avoid'} "
            f"{change}{'' if change.endswith(' a year') else ' a year'} ({money})"
        )
    else:
        estimate = (
            f"no estimate of what '{intervention.name}' could avoid, because the data have no "
            f"{outcome_words(plan.impact_outcome, words)}"
        )
    expected, recorded = prevalence
    if math.isfinite(expected) and expected > recorded:
        gap = expected - recorded
        unrecorded = "fewer than one" if gap < 1 else f"about {format_estimate(gap)}"
        estimate += (
            f"; published prevalence suggests {unrecorded} more "
            f"{'person' if is_one(unrecorded) else 'people'} aged {prevalence_ages} "
            f"{'has' if is_one(unrecorded) else 'have'} the condition but "
            f"{'is' if is_one(unrecorded) else 'are'} not recorded (an estimate)"
        )
    inequality = inequality_words(ratio, unpopulated=unpopulated, who=who)
    return f"{cohort_words}: {people}; {events_text}{inequality}; {estimate}."
