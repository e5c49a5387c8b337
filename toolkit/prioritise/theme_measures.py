"""Candidate priorities that a board recognises: themes from the library, measured on the data.

A candidate is a theme of :mod:`toolkit.prioritise.themes` ("Find and treat high blood
pressure") measured on the system's cohort cube of overlapping cohorts
(:func:`toolkit.segment.build_cohort_cube`): its cohort's people, the events a year of the
outcome it acts on, how much higher the rate is in the most deprived fifth, the events in
excess of what the least deprived decile's rates would give, its causes' share of the
life-expectancy gap, the cohort's cost of care, and an estimate of what its intervention
could avoid a year, as a range, with the source of every figure. Candidates are measured
for the whole system, for its most deprived fifth (Core20), or for each place.

Statistics come from :mod:`toolkit.indicators` (directly standardised rates, excess
events, Arriaga's decomposition of the life-expectancy gap); the impact range from
:func:`toolkit.prioritise.themes.impact_range`. This module only arranges the cube for them;
one candidate's figures and sentence, and the formatting of counts and money, live in
``_theme_row`` beside it (importable from here).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Integral
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from toolkit._params import POSITIVE, InstanceOf, Interval, SequenceOf, StrOptions, validate_params
from toolkit._results import TableResult
from toolkit._words import listed
from toolkit.data.column_rules import CUBE_RULES
from toolkit.data.contract import DISCLOSURE_THRESHOLD, PREMATURE_DEATH_AGE, RECORDED_SUFFIX
from toolkit.data.problems import FIRST_DATA_ROW, Problem, raise_problems, row_problem
from toolkit.data.value_rules import value_problems
from toolkit.errors import DataContractError

# Rates of events are per RATE_MULTIPLIER people a year, as the segment candidates' rates.
from toolkit.prioritise._candidate_table import RATE_MULTIPLIER
from toolkit.prioritise._cube_steps import (
    check_columns_present,
    inequality_by_decile,
    min_max_criteria,
)

# Re-exported: the public names this module had before it was split by job (issue 17).
from toolkit.prioritise._theme_row import (  # noqa: F401
    EVIDENCE_SCORES,
    ThemePlan,
    candidate_row,
    estimates_withheld,
    format_count,
    format_estimate,
    format_estimate_range,
    format_money,
    format_money_figures,
    is_one,
    lower_first,
    round_figure,
    shown_money_range,
    theme_plan,
    typical_where_unknown,
)
from toolkit.prioritise._theme_vocabulary import cohort_labels
from toolkit.prioritise.criteria import (
    CANDIDATE_COLUMN,
    LABEL_COLUMN,
    THEME_COHORT_COLUMN,
    Criterion,
)

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.prioritise.themes import Theme

Within = Literal["core20", "place"]

#: Ways of splitting a theme's candidates: the whole system (None), the most deprived fifth
#: of neighbourhoods (IMD deciles 1 and 2), or each place.
WITHIN: tuple[str | None, ...] = (None, "core20", "place")

#: The column that says which theme a candidate is: the shortlist keeps one per theme.
THEME_COLUMN = THEME_COHORT_COLUMN

#: Fewer events than this in a group and its rate is not published (as for a DSR).
MIN_EVENTS_FOR_RATE = 10


@dataclass(frozen=True)
class ThemeCandidates(TableResult):
    """Themes measured on a cohort cube: the candidates and what was left out.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per candidate (see :func:`theme_candidates`).
    excluded : pandas.DataFrame
        Themes that could not be measured: ``theme``, ``label``, ``reason``.
    within : str or None
        How candidates were split: None (whole system), ``"core20"`` or ``"place"``.
    years : float
        Years the cube covers.
    library : tuple of str
        Ids of the themes offered.
    notes : tuple of str
        Plain-English notes on the data (fallback outcomes, missing columns).
    threshold : int
        The disclosure threshold the ``facts`` were worded at: the shortlist's estimates
        are worded at it too (:func:`toolkit.prioritise.prioritise`).
    """

    table: pd.DataFrame
    excluded: pd.DataFrame
    within: str | None
    years: float
    library: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    threshold: int = DISCLOSURE_THRESHOLD

    def _repr_html_(self) -> str:
        shown = self.table[[LABEL_COLUMN, "facts"]].rename(
            columns={LABEL_COLUMN: "Candidate", "facts": "What the data say"}
        )
        extra = (
            f"<p>{len(self.excluded)} theme(s) could not be measured: "
            + "; ".join(
                f"{label} ({reason})"
                for label, reason in zip(
                    self.excluded["label"], self.excluded["reason"], strict=True
                )
            )
            + ".</p>"
            if len(self.excluded)
            else ""
        )
        return shown.to_html(index=False, escape=True) + extra


# --------------------------------------------------------------------------------------
# The candidates
# --------------------------------------------------------------------------------------
def _check_cube(cube: pd.DataFrame, within: str | None) -> None:
    """Refuse a cube that lacks a column every theme needs, or breaks the contract's rules."""
    caller = "theme_candidates"
    needed = ["cohort", "age_band", "imd_decile", "persons", "cost_gbp", "deaths_under_75"]
    if within == "place":
        needed.append("place")
    label = f"The cohort cube given to {caller}"
    check_columns_present(cube, needed, label=label, builder="toolkit.segment.build_cohort_cube")
    # The contract's rules for every column of the cube's own (the readers' and engines').
    known = [column for column in cube.columns if column in CUBE_RULES]
    problems = value_problems(cube, known, table="cube", first_row=FIRST_DATA_ROW)
    problems += _recorded_problems(cube)
    if problems:
        raise_problems(problems, label=label, source=None)


def _recorded_problems(cube: pd.DataFrame) -> list[Problem]:
    """Rows whose ``persons_<flag>_recorded`` is not a count of people within its limits.

    A count of people is given, a whole number and not below 0 (each said as the cube's own
    columns are). The people with a flag recorded (true or false) are at least those with it
    true and at most everyone: a percentage of them is not worked out from a count outside
    those. A row is reported once, for the first of these it fails.
    """
    problems: list[Problem] = []
    for column in cube.columns:
        flag = str(column).removesuffix(RECORDED_SUFFIX)
        if column == flag or flag not in cube.columns:
            continue
        given = cube[column]
        blank = given.isna().to_numpy(dtype=bool)
        recorded = pd.to_numeric(given, errors="coerce").astype("float64").to_numpy()
        with np.errstate(invalid="ignore"):
            not_whole = ~blank & ~(np.isfinite(recorded) & (recorded % 1 == 0))
        negative = ~blank & ~not_whole & (recorded < 0)
        counted = ~(blank | not_whole | negative)
        flagged = pd.to_numeric(cube[flag], errors="coerce").astype("float64").to_numpy()
        persons = pd.to_numeric(cube["persons"], errors="coerce").astype("float64").to_numpy()
        outside = counted & ~((recorded >= flagged) & (recorded <= persons))
        within_phrase = f"is below '{flag}' or above 'persons'"
        for check, phrases, bad, show in (
            ("not_blank", ("is blank", "are blank"), blank, False),
            ("whole_number", ("is not a whole number", "are not whole numbers"), not_whole, True),
            ("greater_than_or_equal_to(0)", ("is below 0", "are below 0"), negative, True),
            (
                "recorded_within",
                (within_phrase, within_phrase.replace("is", "are", 1)),
                outside,
                False,
            ),
        ):
            positions = np.flatnonzero(bad)
            if len(positions):
                shown = given.iloc[positions].tolist() if show else None
                problems.append(
                    row_problem(str(column), check, phrases, positions, shown, FIRST_DATA_ROW)
                )
    return problems


def _catalogue_labels() -> dict[str, str]:
    """Labels of the built-in cohorts catalogue, for a cube given as a bare table."""
    return cohort_labels()


def _unpack(cohort_cube: Any) -> tuple[pd.DataFrame, dict[str, str], pd.DataFrame | None, dict]:
    """Return the cube's table, cohort labels, mortality table and left-out cohorts."""
    if isinstance(cohort_cube, pd.DataFrame):
        return cohort_cube, _catalogue_labels(), None, {}
    table = cohort_cube.table
    cohorts = cohort_cube.cohorts
    labels = dict(zip(cohorts["cohort"].astype(str), cohorts["label"].astype(str), strict=True))
    left = cohort_cube.left_out
    left_out = dict(zip(left["cohort"].astype(str), left["reason"].astype(str), strict=True))
    return table, labels, getattr(cohort_cube, "mortality", None), left_out


def _gap_shares(mortality: pd.DataFrame | None) -> tuple[dict[str, float], float, str]:
    """Each cause's share of the life-expectancy gap at birth, most vs least deprived fifth.

    Returns the shares (empty when they are not to be used in the scores), the gap in
    years, and a note for the board: why the shares are not used (the gap is not positive,
    or its 95% confidence interval includes 0, so no share of it can be told apart from
    chance), or that some shares fall outside 0 to 100% (causes that narrow the gap make
    the others' shares add to more than all of it); empty otherwise.
    """
    if mortality is None or not len(mortality):
        return {}, math.nan, ""
    from toolkit.data.contract import CAUSES_OF_DEATH
    from toolkit.indicators import life_expectancy_gap_by_cause

    causes = [c for c in CAUSES_OF_DEATH if f"deaths_{c}" in mortality.columns]
    if not causes:
        return {}, math.nan, ""
    keys = ["age_band", "imd_decile"]
    known = mortality[mortality["imd_decile"].notna()]
    summed = known.groupby(keys, observed=True)[["persons", *[f"deaths_{c}" for c in causes]]].sum()
    long = summed.reset_index().melt(
        id_vars=[*keys, "persons"],
        value_vars=[f"deaths_{c}" for c in causes],
        var_name="cause",
        value_name="deaths",
    )
    long["cause"] = long["cause"].str.removeprefix("deaths_")
    long["imd_decile"] = long["imd_decile"].astype("int64")
    try:
        gap = life_expectancy_gap_by_cause(
            long, deaths="deaths", population="persons", age_band="age_band", cause="cause"
        )
    except (ValueError, KeyError):
        return {}, math.nan, ""
    value = "contribution" if "contribution" in gap.columns else gap.columns[-1]
    by_cause = gap.groupby("cause", observed=True)[value].sum()
    total = float(by_cause.sum())
    if not math.isfinite(total) or total <= 0:
        return {}, total, ""
    low, high = _gap_limits(long, gap)
    if not (math.isfinite(low) and low > 0):
        why = (
            f"(95% confidence interval {low:.1f} to {high:.1f} years, which includes 0, no gap "
            "at all)"
            if math.isfinite(low) and math.isfinite(high)
            else "(its uncertainty could not be worked out: too few deaths in a fifth)"
        )
        return (
            {},
            total,
            f"The gap in life expectancy at birth between the most and the least deprived "
            f"fifths is {total:.1f} years, but it is too uncertain to split by cause {why}: "
            "the share of the gap counts as 0 for every theme.",
        )
    shares = {str(k): float(v) / total for k, v in by_cause.items()}
    outside = sorted(cause for cause, share in shares.items() if not 0 <= share <= 1)
    note = ""
    if outside:
        note = (
            "Some causes' shares of the gap in life expectancy are below 0 or above 100% "
            f"({listed([c.replace('_', ' ') for c in outside], most=10)}): causes with higher "
            "death rates in the least deprived fifth narrow the gap, so the others add to more "
            "than all of it. The shares are used as they are."
        )
    return shares, total, note


def _gap_limits(long: pd.DataFrame, gap: pd.DataFrame) -> tuple[float, float]:
    """Return the 95% limits of the gap in life expectancy at birth between its two fifths.

    From each fifth's life expectancy and standard error (:func:`life_expectancy`, all
    causes), the two taken as independent: gap ± 1.96 √(se₁² + se₅²). NaN when either
    fifth's life expectancy is not published.
    """
    from toolkit.indicators import life_expectancy
    from toolkit.indicators.life_expectancy import LifeExpectancyWarning

    first = gap.iloc[0]
    most, least = int(first["most_deprived"]), int(first["least_deprived"])
    fifths = long.assign(fifth=np.ceil(long["imd_decile"] / 2).astype("int64"))
    fifths = fifths[fifths["fifth"].isin([most, least])]
    # The population repeats on every cause row: summed once per decile and band.
    people = fifths.drop_duplicates(["age_band", "imd_decile"])
    people = people.groupby(["fifth", "age_band"], observed=True)["persons"].sum()
    deaths = fifths.groupby(["fifth", "age_band"], observed=True)["deaths"].sum()
    table = pd.concat([deaths, people], axis=1).reset_index()
    with warnings.catch_warnings():
        # A fifth that cannot be calculated has NaN limits: the shares are then not used.
        warnings.simplefilter("ignore", LifeExpectancyWarning)
        result = life_expectancy(
            table, deaths="deaths", population="persons", age_band="age_band", by="fifth"
        ).set_index("fifth")
    if not {most, least} <= set(result.index):
        return math.nan, math.nan
    values, errors = result["value"], result["standard_error"]
    centre = float(values[least] - values[most])
    spread = 1.959964 * math.sqrt(float(errors[least]) ** 2 + float(errors[most]) ** 2)
    return centre - spread, centre + spread


def _band_start(band: object) -> float:
    """Return the first age of an ESP2013 band label ("45-49" -> 45, "90+" -> 90)."""
    digits = str(band).split("-")[0].rstrip("+")
    return float(digits) if digits.isdigit() else math.nan


def _band_share(bands: pd.Series, age_from: int, age_to: int | None) -> np.ndarray:
    """Share of each ESP2013 five-year band's people aged ``age_from`` to ``age_to``.

    People are taken as spread evenly over the ages of a band (90+ as 90 to 94), so that an
    estimate for ages 16 and over takes four fifths of the 15-19 band.
    """
    text = bands.astype(str)
    start = pd.to_numeric(text.str.extract(r"^(\d+)")[0], errors="coerce").to_numpy()
    end = start + 5.0
    low = float(age_from)
    high = math.inf if age_to is None else float(age_to) + 1.0
    covered = np.clip(np.minimum(end, high) - np.maximum(start, low), 0.0, 5.0)
    return np.nan_to_num(covered / 5.0)


def _prevalence_gap(
    table: pd.DataFrame, theme: Theme, within: str | None, place: str | None
) -> tuple[float, float]:
    """Return the expected and recorded people with the condition at the published ages."""
    published = theme.expected_prevalence
    if published is None or "everyone" not in set(table["cohort"].astype(str)):
        return math.nan, math.nan

    def people(cohort: str) -> float:
        rows = table[table["cohort"].astype(str) == cohort]
        if within == "core20":
            rows = rows[pd.to_numeric(rows["imd_decile"], errors="coerce") <= 2]
        elif within == "place":
            rows = rows[rows["place"].astype(str) == place]
        share = _band_share(rows["age_band"], published.age_from, published.age_to)
        return float((rows["persons"].to_numpy(dtype="float64") * share).sum())

    return published.value * people("everyone"), people(theme.cohort)


@validate_params(
    {
        "data": [
            "data-frame",
            InstanceOf("toolkit.segment.cohorts.CohortCube", "a CohortCube"),
        ],
        "themes": [SequenceOf(InstanceOf("toolkit.prioritise.themes.Theme", "a Theme")), None],
        "within": [StrOptions({w for w in WITHIN if w}), None],
        "years": [POSITIVE],
        "min_events": [Interval(Integral, 0, None, closed="left")],
        "threshold": [Interval(Integral, 1, None, closed="left")],
    },
    renamed={"cohort_cube": "data", "disclosure_threshold": "threshold"},
)
def theme_candidates(
    data: Any,
    themes: Sequence[Theme] | None = None,
    *,
    within: Within | None = None,
    years: float = 1.0,
    min_events: int = 10,
    threshold: int = 10,
) -> ThemeCandidates:
    """Measure each theme of the library on the system's cohort cube.

    Parameters
    ----------
    data : CohortCube or pandas.DataFrame
        The cube of overlapping cohorts from :func:`toolkit.segment.build_cohort_cube`
        (its cohort labels, left-out cohorts and mortality table are used), or its table.
    themes : sequence of Theme, optional
        The themes to measure; by default the built-in library
        (:func:`toolkit.prioritise.themes.load_themes`).
    within : {None, "core20", "place"}
        None (default) measures each theme for the whole system; ``"core20"`` for the
        people living in the most deprived fifth of neighbourhoods (IMD deciles 1 and 2);
        ``"place"`` for each place.
    years : float
        Years the cube covers; counts are divided by it to give figures a year.
    min_events : int
        A candidate with fewer events of its outcome than this over the period cannot be
        assessed and is left out (listed in ``excluded`` with the reason).
    threshold : int
        Counts below this are written "fewer than N" in the ``facts`` sentence, and an
        estimate taken from such a count is not given there (nor in the shortlist's).

    Returns
    -------
    ThemeCandidates
        ``table`` has one row per candidate: ``candidate`` (id), ``label`` (board
        language), ``theme``, ``theme_name``, ``programme``, ``cohort``,
        ``cohort_label``, ``outcome``, ``outcome_label``, ``place`` (with
        ``within="place"``) and:

        - ``persons``; ``events_a_year`` of the outcome; ``rate``, ``rate_lower_95``,
          ``rate_upper_95``: its age-standardised rate per 1,000 people a year (ESP2013
          over the age bands the cohort occupies; for an outcome that counts people with
          a status, ``persons_<flag>``, the percentage of the cohort with Wilson limits;
          for ``persons_smoker``, of those with a recorded smoking status when the cube
          has ``persons_smoker_recorded``, the ``note`` saying how many have none),
          named as in
          :func:`~toolkit.prioritise.candidate_priorities` (the limits were ``lower_95``,
          ``upper_95`` before this release); ``rate_unit`` says the unit in words;
        - ``deprivation_ratio``: the cohort's age-standardised rate in the most deprived
          fifth divided by the least deprived fifth's (missing when either has fewer than
          10 events, or no one in the system lives in it, which ``facts`` and ``note``
          say; ``deprivation_gap``, the ratio less 1, then counts as the median of the
          candidates' gaps that could be compared); ``excess_events_a_year`` and
          ``excess_share``: events above what every decile would have at the least
          deprived decile's age-specific rates (deciles doing better count 0; when that
          decile has fewer than 10 events the excess is not published:
          ``excess_events_a_year`` is missing, ``excess_share`` counts as the median of
          the candidates' that are published, and ``note`` says why); ``le_gap_share``:
          the share of the gap in life expectancy at birth between the most and least
          deprived fifths that comes from the causes of death the theme acts on (whole
          system; 0 when it names none). When ``rate`` is of those with a recorded status,
          so are these, ``sii`` and ``rii``: each fifth's
          or decile's percentage is of its own people with the status recorded;
        - ``cause_deaths_a_year``, ``premature_deaths_a_year`` (under 75),
          ``cost_a_year``, ``cost_per_head`` of the cohort;
        - ``intervention``, ``intervention_source``, ``evidence``, ``evidence_score``
          (1 emerging, 2 moderate, 3 strong), ``core20plus5`` (1 when the theme is one of
          Core20PLUS5's areas), ``core20plus5_area``, ``time_to_impact_years`` (midpoint);
        - ``avoidable_low``, ``avoidable_high``, ``avoidable_mid`` events a year and
          ``avoidable_cost_low``, ``avoidable_cost_high``, ``avoidable_cost_mid``: the
          impact estimate's range (:func:`toolkit.prioritise.themes.impact_range`), of
          ``impact_outcome`` (the intervention's ``acts_on``), whose events a year are
          ``impact_events_a_year`` (``facts`` gives them when not the headline outcome);
        - ``facts``: the candidate in one plain-English sentence; ``note``.

    Raises
    ------
    TypeError, ValueError
        For options of the wrong type or value.
    DataContractError
        When the cube lacks a column every theme needs.
    """
    from toolkit.indicators import directly_standardised_rate, excess_events
    from toolkit.prioritise import themes as library

    table, cohort_labels, mortality, left_out = _unpack(data)
    _check_cube(table, within)
    themes = tuple(library.load_themes() if themes is None else themes)
    words = dict(library.OUTCOME_WORDS)
    measures = set(table.columns)
    present = set(pd.unique(table["cohort"].astype(str)))
    plans: list[ThemePlan] = []
    excluded: list[dict[str, str]] = []
    notes: list[str] = []
    for theme in themes:
        if theme.cohort not in present:
            why = left_out.get(theme.cohort, "the cube has no such cohort")
            excluded.append(
                {"theme": theme.id, "label": theme.name, "reason": f"its cohort: {why}"}
            )
            continue
        plan = theme_plan(theme, measures, words)
        if isinstance(plan, str):
            excluded.append({"theme": theme.id, "label": theme.name, "reason": plan})
            continue
        plans.append(plan)
        if plan.note:
            notes.append(f"{theme.name}: {plan.note}")
    gap_share, gap, gap_note = _gap_shares(mortality)
    if gap_note:
        notes.append(gap_note)
    elif not gap_share and mortality is None:
        notes.append(
            "No mortality table by life-table age band came with the cube, so the share of the "
            "life-expectancy gap is not measured: it counts as 0 for every theme."
        )
    elif not gap_share:
        notes.append(
            "Life expectancy at birth is not lower in the most deprived fifth than in the least "
            f"deprived fifth in these data (gap {gap:.1f} years), or could not be computed, so "
            "the share of the gap counts as 0 for every theme."
        )

    place_key = ["place"] if within == "place" else []
    keys = [THEME_COLUMN, *place_key]
    frames = []
    for plan in plans:
        rows = table[table["cohort"].astype(str) == plan.theme.cohort]
        causes = [f"deaths_{c}" for c in plan.theme.causes_of_death if f"deaths_{c}" in measures]
        frame = pd.DataFrame(
            {
                THEME_COLUMN: plan.theme.id,
                "age_band": rows["age_band"].to_numpy(),
                "imd_decile": pd.to_numeric(rows["imd_decile"], errors="coerce").to_numpy(),
                "persons": rows["persons"].to_numpy(dtype="float64"),
                # The denominator of a percentage of people with a status (see ThemePlan),
                # and the population of the inequality measures below.
                "recorded": rows[plan.denominator].to_numpy(dtype="float64"),
                "events": rows[plan.outcome].to_numpy(dtype="float64"),
                "impact_events": (
                    rows[plan.impact_outcome].to_numpy(dtype="float64")
                    if plan.estimable
                    else np.full(len(rows), np.nan)
                ),
                "cause_deaths": (
                    rows[causes].to_numpy(dtype="float64").sum(axis=1)
                    if causes
                    else np.zeros(len(rows))
                ),
                "premature_deaths": rows["deaths_under_75"].to_numpy(dtype="float64"),
                "cost": rows["cost_gbp"].to_numpy(dtype="float64"),
            }
        )
        if place_key:
            frame["place"] = rows["place"].astype(str).to_numpy()
        frames.append(frame)
    if not frames:
        raise DataContractError(
            "theme_candidates: no theme could be measured on this cube: "
            + "; ".join(f"{e['label']} ({e['reason']})" for e in excluded)
            + "."
        )
    whole = pd.concat(frames, ignore_index=True)
    whole["quintile"] = np.ceil(whole["imd_decile"] / 2)
    part = whole[whole["quintile"] == 1] if within == "core20" else whole
    if within == "core20" and not (part["persons"] > 0).any():
        # (Otherwise an empty table, with no word of why.)
        raise DataContractError(_no_core20_people(whole))

    sums = part.groupby(keys, observed=True, sort=False)[
        ["persons", "recorded", "events", "impact_events", "cause_deaths", "premature_deaths"]
        + ["cost"]
    ].sum()
    rates = directly_standardised_rate(
        part, events="events", population="persons", age_band="age_band", by=keys,
        multiplier=RATE_MULTIPLIER,
    ).set_index(keys)  # fmt: skip

    # Inequality: the cohort's rate in the most vs least deprived fifth, and events
    # in excess of the least deprived decile's age-specific rates. The population is the
    # plan's denominator ("recorded": everyone, or for a status outcome the people with it
    # recorded), so the ratio, SII/RII and excess are of the same people as the percentage.
    known = whole[whole["imd_decile"].notna()].copy()
    known["imd_decile"] = known["imd_decile"].astype("int64")
    fifths = known[known["quintile"].isin([1, 5])].copy()
    by_fifth = directly_standardised_rate(
        fifths, events="events", population="recorded", age_band="age_band",
        by=[*keys, "quintile"], multiplier=RATE_MULTIPLIER,
    )  # fmt: skip
    by_fifth = by_fifth.pivot_table(
        index=keys, columns="quintile", values=["value", "events"], aggfunc="first"
    )
    ratio = pd.Series(np.nan, index=sums.index, dtype="float64")
    if ("value", 1.0) in by_fifth.columns and ("value", 5.0) in by_fifth.columns:
        reliable = (by_fifth[("events", 1.0)] >= MIN_EVENTS_FOR_RATE) & (
            by_fifth[("events", 5.0)] >= MIN_EVENTS_FOR_RATE
        )
        computed = (by_fifth[("value", 1.0)] / by_fifth[("value", 5.0)]).where(reliable)
        ratio = computed.reindex(sums.index)
    # Slope and relative index of inequality across deciles (published sign: negative when
    # the most deprived have higher rates), from deciles with a published rate; missing
    # when fewer than five deciles have one.
    from toolkit.indicators import slope_index_of_inequality

    decile_rates = directly_standardised_rate(
        known, events="events", population="recorded", age_band="age_band",
        by=[*keys, "imd_decile"], multiplier=RATE_MULTIPLIER,
    )  # fmt: skip
    inequality = inequality_by_decile(decile_rates, keys, slope_index_of_inequality).set_index(keys)
    # Premature deaths: deaths under 75, directly age-standardised over the bands under 75.
    under_75 = part[part["age_band"].map(_band_start) < PREMATURE_DEATH_AGE]
    premature = (
        directly_standardised_rate(
            under_75, events="premature_deaths", population="persons", age_band="age_band",
            by=keys, multiplier=100_000,
        ).set_index(keys)
        if len(under_75)
        else pd.DataFrame(columns=["value", "lower_95", "upper_95", "note"])
    )  # fmt: skip
    per_decile = excess_events(known, events="events", population="recorded", by=keys)
    if within == "core20":
        per_decile = per_decile[per_decile["imd_decile"] <= 2]
    per_decile["excess"] = per_decile["excess"].clip(lower=0)
    # NaN where the least deprived decile has too few events to compare with (not published).
    excess = per_decile.groupby(keys, observed=True)["excess"].sum(min_count=1).reindex(sums.index)

    empty_fifths = _unpopulated_fifths(table, by_place=bool(place_key))
    themes_by_id = {plan.theme.id: plan for plan in plans}
    rows_out = []
    for key, row in sums.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        plan = themes_by_id[key[0]]
        place = key[1] if place_key else None
        rows_out.append(
            candidate_row(
                plan,
                place=place,
                within=within,
                sums=row,
                rate=rates.loc[key if place_key else key[0]],
                ratio=float(ratio.loc[key if place_key else key[0]]),
                inequality=(
                    inequality.loc[key if place_key else key[0]]
                    if (key if place_key else key[0]) in inequality.index
                    else None
                ),
                premature=(
                    premature.loc[key if place_key else key[0]]
                    if (key if place_key else key[0]) in premature.index
                    else None
                ),
                excess=float(excess.loc[key if place_key else key[0]]),
                gap_share=gap_share,
                years=years,
                cohort_label=cohort_labels.get(plan.theme.cohort),
                words=words,
                threshold=threshold,
                prevalence=_prevalence_gap(table, plan.theme, within, place),
                unpopulated=empty_fifths.get(place, frozenset()),
            )
        )
    result = pd.DataFrame(rows_out)
    too_few = result["_events"] < max(min_events, 1)
    for label, theme_id in zip(
        result.loc[too_few, LABEL_COLUMN], result.loc[too_few, THEME_COLUMN], strict=True
    ):
        excluded.append(
            {
                "theme": theme_id,
                "label": label,
                "reason": f"fewer than {max(min_events, 1)} events over the period: too few "
                "to assess",
            }
        )
    result = typical_where_unknown(result.loc[~too_few].drop(columns=["_events"]))
    result = result.sort_values(CANDIDATE_COLUMN, kind="stable").reset_index(drop=True)
    return ThemeCandidates(
        table=result,
        excluded=pd.DataFrame(excluded, columns=["theme", "label", "reason"]),
        within=within,
        years=float(years),
        library=tuple(theme.id for theme in themes),
        notes=tuple(notes),
        threshold=int(threshold),
    )


def _unpopulated_fifths(table: pd.DataFrame, *, by_place: bool) -> dict[str | None, frozenset[int]]:
    """Return England's fifths (1 and 5) in which no one in the system (or a place) lives.

    Counted from the cohort of everyone; without it (a catalogue of one's own may leave it
    out) nothing is said to be empty, since people outside every cohort are not counted.
    Keyed by place with ``by_place``, else by None.
    """
    everyone = table[table["cohort"].astype(str) == "everyone"]
    if everyone.empty:
        return {}
    quintile = np.ceil(pd.to_numeric(everyone["imd_decile"], errors="coerce") / 2)
    lived = (everyone["persons"].to_numpy(dtype="float64") > 0) & quintile.notna().to_numpy()
    places = everyone["place"].astype(str) if by_place else pd.Series(None, index=everyone.index)

    def empty(mask: np.ndarray) -> frozenset[int]:
        present = {int(q) for q in quintile[mask & lived]}
        return frozenset(fifth for fifth in (1, 5) if fifth not in present)

    if not by_place:
        return {None: empty(np.ones(len(everyone), dtype=bool))}
    return {place: empty((places == place).to_numpy()) for place in pd.unique(places)}


def _no_core20_people(whole: pd.DataFrame) -> str:
    """Say that no one is in the most deprived fifth, so nothing is measured within it."""
    people = whole[whole["persons"] > 0]["imd_decile"].dropna()
    deciles = sorted({int(d) for d in people})
    where = (
        f" (the people are in IMD decile{'s' if len(deciles) > 1 else ''} "
        f"{listed(deciles, most=10)} only)"
        if deciles
        else ""
    )
    return (
        "theme_candidates: within='core20' measures each theme among people in England's most "
        "deprived fifth of neighbourhoods (IMD deciles 1 and 2), and no one in these data "
        f"lives there{where}. Measure the themes for the whole system instead (without "
        "'within')."
    )


@validate_params(
    {"candidates": ["data-frame", InstanceOf(ThemeCandidates, "a ThemeCandidates"), None]}
)
def theme_criteria(candidates: pd.DataFrame | ThemeCandidates | None = None) -> list[Criterion]:
    """Return the criteria on which theme candidates are compared, declared for scoring.

    Size of the prize (events and care costs avoidable a year, the midpoints of the
    estimates), inequality (excess events' share, the rate ratio of the most to the least
    deprived fifth, the share of the life-expectancy gap), burden (deaths from the causes
    the theme tackles), strength of evidence, Core20PLUS5 alignment and time to impact
    (a cost: sooner is better). All are min-max normalised with default weight 1.

    Parameters
    ----------
    candidates : pandas.DataFrame or ThemeCandidates, optional
        Not used to choose criteria today; accepted so that the signature matches
        :func:`toolkit.prioritise.cube_criteria`.

    Returns
    -------
    list of Criterion
    """
    del candidates
    return min_max_criteria(
        [
            (
                "avoidable_mid",
                "benefit",
                "Events a year the theme's intervention could avoid (midpoint of the estimate).",
                "harm it could prevent each year",
            ),
            (
                "avoidable_cost_mid",
                "benefit",
                "Care costs a year the intervention could avoid (midpoint of the estimate).",
                "NHS money it could save each year",
            ),
            (
                "deprivation_gap",
                "benefit",
                "How much higher the rate is in the most deprived fifth than in the least "
                "deprived fifth, age for age.",
                "how much worse it is in the poorest areas",
            ),
            (
                "excess_share",
                "benefit",
                "Share of events that would not happen if every area had the least deprived "
                "areas' rates.",
                "extra harm in poorer areas",
            ),
            (
                "le_gap_share",
                "benefit",
                "Share of the gap in life expectancy between the most and least deprived fifths "
                "that comes from the causes of death the theme tackles.",
                "its part in the gap in how long people live",
            ),
            (
                "cause_deaths_a_year",
                "benefit",
                "Deaths a year in the cohort from the causes the theme tackles.",
                "deaths from the illnesses it tackles",
            ),
            (
                "evidence_score",
                "benefit",
                "Strength of the published evidence that the intervention works.",
                "strength of evidence",
            ),
            (
                "core20plus5",
                "benefit",
                "Whether the theme is one of NHS England's Core20PLUS5 areas.",
                "a national NHS priority for fairer health (Core20PLUS5)",
            ),
            (
                "time_to_impact_years",
                "cost",
                "Years before the intervention makes a difference (sooner is better).",
                "how soon it makes a difference",
            ),
        ]
    )
