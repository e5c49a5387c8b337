"""One theme candidate's row: which columns measure the theme, its figures and its sentence.

:func:`theme_plan` decides which cube columns measure a theme (its headline outcome or the
fallback, and the outcome its intervention acts on); :func:`candidate_row` turns the sums
and rates of one theme (in one place) into the candidate's figures, its impact estimate
and :func:`facts`, the sentence a board member can read aloud, with counts and money
worded by the ``format_*`` functions. Used by
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
from toolkit.prioritise._theme_impact import impact_central, impact_range
from toolkit.prioritise._theme_vocabulary import (
    OUTCOME_WORDS,
    OUTCOME_WORDS_SINGULAR,
    RECORDED_STATUS_FLAGS,
)
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
    "the extra harm in poorer areas counts as 0 in the scores."
)

#: The start of an outcome that counts people with a status (``persons_smoker``), not events.
PERSON_FLAG_PREFIX = "persons_"

#: The unit of a candidate's ``rate`` when its outcome counts people with a status.
PREVALENCE_UNIT = "% of the cohort (people with the status at the time, not a rate a year)"

#: The unit of ``rate`` when the percentage is of the people with the status recorded
#: (:data:`~toolkit.prioritise._theme_vocabulary.RECORDED_STATUS_FLAGS`).
PREVALENCE_RECORDED_UNIT = (
    "% of those in the cohort whose status is recorded (people with the status at the time, "
    "not a rate a year)"
)


# --------------------------------------------------------------------------------------
# Formatting figures for a board
# --------------------------------------------------------------------------------------
def round_figure(value: float) -> float:
    """Round a count to two significant figures (estimates are not precise to the unit)."""
    if not math.isfinite(value) or value == 0:
        return value
    digits = 1 - int(math.floor(math.log10(abs(value))))
    return round(value, digits) if digits > 0 else float(round(value, digits))


def format_count(value: float, *, threshold: int = 0) -> str:
    """Format a count with thousands separators; "fewer than N" below the threshold."""
    if not math.isfinite(value):
        return "not known"
    if threshold and 0 < value < threshold:
        return f"fewer than {threshold}"
    return f"{value:,.0f}"


def format_money(value: float) -> str:
    """Pounds as a board reads them: £13.7m, £420k, £9.5k, £950; "not known" when missing.

    The unit is chosen after rounding, so that a sum never shows as "£1000k" or "£1,000":
    £999,600 is "£1.0m", £999.50 is "£1.0k" and £9,960 is "£10k". Halves round up, as a
    reader rounds them (£9,950 is "£10k", £2.50 is "£3"). A negative sum has a
    minus sign before the pound sign ("−£1.2m"), as in the report's tables; one that rounds
    to nothing is "£0".

    Parameters
    ----------
    value : float
        A sum in pounds.

    Returns
    -------
    str
        The sum rounded for a board.

    Examples
    --------
    >>> format_money(13_712_000), format_money(999_600), format_money(420_400)
    ('£13.7m', '£1.0m', '£420k')
    >>> format_money(9_490), format_money(950), format_money(-1_240_000)
    ('£9.5k', '£950', '−£1.2m')
    """
    if not math.isfinite(value):
        return "not known"
    size = abs(value)

    def half_up(amount: float) -> int:  # halves round up, as a reader rounds (£9,950: £10k)
        return math.floor(amount + 0.5)

    if half_up(size) < 1_000:
        shown = f"£{half_up(size):,}"
    elif half_up(size / 100) < 100:
        shown = f"£{half_up(size / 100) / 10:.1f}k"
    elif half_up(size / 1e3) < 1_000:
        shown = f"£{half_up(size / 1e3)}k"
    elif half_up(size / 1e5) < 10_000:
        shown = f"£{half_up(size / 1e5) / 10:.1f}m"
    else:
        shown = f"£{half_up(size / 1e8) / 10:,.1f}bn"
    return f"\u2212{shown}" if value < 0 and shown.strip("£0.,kmbn") else shown


def format_estimate(value: float) -> str:
    """Format an estimated count at two significant figures, or "under 1"."""
    if not math.isfinite(value):
        return "not known"
    if value < 1:
        return "under 1" if value > 0 else "0"
    return f"{round_figure(value):,.0f}"


def format_estimate_range(low: float, high: float) -> str:
    """Word an estimated range: "about 30 to 50", "up to about 2", "fewer than one", "0"."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "an unknown number of"
    if high <= 0:
        return "0"
    if high < 1:
        return "fewer than one"
    if low < 1:
        return f"up to about {format_estimate(high)}"
    low_text, high_text = format_estimate(low), format_estimate(high)
    if low_text == high_text:
        return f"about {high_text}"
    return f"about {low_text} to {high_text}"


def is_one(amount: str) -> bool:
    """Whether a worded amount takes a singular noun: "1", "about 1", "fewer than one"."""
    return amount.rsplit(" ", 1)[-1] in ("1", "one")


def outcome_words(outcome: str, words: dict[str, str], *, amount: str = "") -> str:
    """Name an outcome in board language, singular after an amount of one.

    Parameters
    ----------
    outcome : str
        The outcome's id (a measure of the cohort cube).
    words : dict of str to str
        The plural names in use (the library's :data:`OUTCOME_WORDS` unless replaced).
    amount : str
        The worded amount before the name ("about 1", "fewer than one", "30 to 50").

    Returns
    -------
    str
        "emergency admission for lung disease" after "up to about 1", "emergency
        admissions for lung disease" otherwise. A name that is not the library's own is
        used as given.
    """
    plural = words.get(outcome, outcome.replace("_", " "))
    if is_one(amount) and plural == OUTCOME_WORDS.get(outcome):
        return OUTCOME_WORDS_SINGULAR[outcome]
    return plural


def estimate_words(
    low: float,
    high: float,
    outcome: str,
    words: dict[str, str],
    *,
    fewer: bool = False,
) -> str:
    """Word what an intervention could change a year, with the noun agreeing with the count.

    Parameters
    ----------
    low, high : float
        The estimated range a year.
    outcome : str
        The outcome's id (the measure the intervention acts on).
    words : dict of str to str
        The plural names in use (the library's :data:`OUTCOME_WORDS` unless replaced).
    fewer : bool
        Say the change as fewer of the outcome ("about 2 fewer people who smoke"), as for a
        count of people with a status; otherwise the amount is what could be avoided.

    Returns
    -------
    str
        "about 30 to 50 emergency admissions", "up to about 1 emergency admission",
        "fewer than one death", "0 deaths"; with ``fewer``, "about 2 to 4 fewer people
        who smoke", "up to about 1 fewer person who smokes" and, below one, "less than one
        fewer person who smokes" (never "fewer than one fewer").
    """
    amount = format_estimate_range(low, high)
    noun = outcome_words(outcome, words, amount=amount)
    if not fewer:
        return f"{amount} {noun}"
    if amount == "fewer than one":
        amount = "less than one"
    return f"{amount} fewer {noun}"


def shortlist_estimate(
    low: float, high: float, unit_cost: float, outcome: str, words: dict[str, str]
) -> str:
    """Word a shortlisted candidate's estimate for a table headed "Could avoid a year".

    Parameters
    ----------
    low, high : float
        The estimated range avoided a year.
    unit_cost : float
        The cost of one event (NaN when the outcome has no cash value).
    outcome : str
        The outcome the intervention acts on.
    words : dict of str to str
        The plural names in use.

    Returns
    -------
    str
        "up to about 1 emergency admission for lung disease a year (£114 to £2.2k)",
        "fewer than one person who smokes a year".
    """
    money = (
        f" ({format_money(low * unit_cost)} to {format_money(high * unit_cost)})"
        if math.isfinite(unit_cost)
        else ""
    )
    return f"{estimate_words(low, high, outcome, words)} a year{money}"


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
            f"The data do not say how many in the cohort have a recorded {status}, so the "
            f"percentage is of everyone in it: anyone with none recorded counts as {absent}."
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
        low = high = central = math.nan
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
        ),
        "note": " ".join(
            part
            for part in (
                plan.note,
                "" if math.isfinite(ratio) else _not_compared_note(unpopulated, who),
                "" if math.isfinite(excess) or events <= 0 else EXCESS_NOT_COMPARED_NOTE,
                NO_CAUSES_NOTE if not theme.causes_of_death else "",
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
        "234 of 11,031 pregnant women (2%) have no recorded smoking status; the percentage
        is of the 10,797 with one."; empty when everyone has one, or the percentage is of
        the whole cohort.

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
    who = lower_first(cohort_words)
    if recorded <= 0:
        return (
            f"None of the {format_count(persons, threshold=threshold)} {who} has a recorded "
            f"{status}, so there is no percentage."
        )
    if persons < threshold:
        return f"Some of the {who} have no recorded {status}; the percentage is of those with one."
    if recorded < threshold:  # neither count exactly: the cohort less one tells the other
        return capitalised(
            f"{format_count(recorded, threshold=threshold)} of the {format_count(persons)} "
            f"{who} have a recorded {status}; the percentage is of those with one."
        )
    if missing < threshold:
        return capitalised(
            f"{format_count(missing, threshold=threshold)} of {format_count(persons)} {who} have "
            f"no recorded {status}; the percentage is of those with one."
        )
    share = missing / persons
    share_text = "under 1%" if share < 0.005 else "over 99%" if share > 0.995 else f"{share:.0%}"
    with_one = f"the {format_count(recorded)} with one"
    verb = "has" if missing == 1 else "have"
    return (
        f"{format_count(missing)} of {format_count(persons)} {who} ({share_text}) {verb} no "
        f"recorded {status}; the percentage is of {with_one}."
    )


def _not_compared_note(unpopulated: frozenset[int], who: str) -> str:
    """Return the note of a candidate whose two fifths were not compared, saying why."""
    if unpopulated:
        return capitalised(f"{no_one_words(unpopulated, who)}: the gap counts as 0 in the scores.")
    return (
        "Too few in the most or the least deprived fifth to compare the two: the gap counts as "
        "0 in the scores."
    )


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
) -> str:
    """Write the candidate as one sentence a board member can read aloud."""
    intervention = plan.intervention
    head_count = format_count(persons, threshold=threshold)
    people = (
        f"{head_count} {'person' if is_one(head_count) else 'people'}, whose care costs "
        f"{format_money(cost_a_year)} a year"
    )
    events = format_count(events_a_year, threshold=threshold)
    events_words = outcome_words(plan.outcome, words, amount=events)
    if plan.outcome == "cost_gbp":
        events_text = f"{format_money(events_a_year)} a year on care"
    elif plan.outcome.startswith(PERSON_FLAG_PREFIX):
        # A count of people with a status (who smoke, say), not events in a year.
        events_text = f"{events} {events_words}"
    else:
        events_text = f"{events} {events_words} a year"
    reach = intervention.reach
    money = (
        f"{format_money(low * unit_cost)} to {format_money(high * unit_cost)}; an estimate"
        if math.isfinite(unit_cost)
        else "an estimate"
    )
    # A count of people with a status (who smoke, say) falls: "could mean 2 fewer people".
    fewer = plan.impact_outcome.startswith(PERSON_FLAG_PREFIX)
    if plan.estimable:
        change = estimate_words(low, high, plan.impact_outcome, words, fewer=fewer)
        estimate = (
            f"{lower_first(intervention.name)}, reaching "
            f"{reach.low:.0%} to {reach.high:.0%} of them, could {'mean' if fewer else 'avoid'} "
            f"{change} a year ({money})"
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
