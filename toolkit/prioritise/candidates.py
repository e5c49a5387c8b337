"""Candidate priorities from the segment cube: one row per cohort and outcome, with criteria.

A candidate is a cohort (a segment of the cube, optionally within one deprivation quintile
or one place) and an outcome (emergency admissions, A&E attendances, bed days, deaths,
cost, ...). Condition groups ("people with COPD") are not candidates here: the cube holds
segments, not conditions.

The statistics come from :mod:`toolkit.indicators` (directly standardised rates with
Dobson limits, the slope and relative index of inequality); this module only arranges the
cube for them and derives the comparable criteria: shares, ratios and excesses that mean
the same for admissions, deaths and pounds, so that candidates about different outcomes
can be scored together.

A candidate whose outcome defines its segment ("emergency admissions among people whose
segment requires an emergency admission", "deaths among people on an end-of-life
register") is true by construction, not a finding: given the segmentation model, such
candidates are left out and listed (:func:`definitional_outcomes`).

This module holds :func:`candidate_priorities`, :func:`cube_criteria` and
:func:`demo_shortlist`; the candidates table (``_candidate_table``), the definitional
outcomes (``_definitional``) and the steps shared with the theme candidates
(``_cube_steps``) live in private modules beside it, and every public name is importable
from here.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from toolkit._params import (
    POSITIVE,
    SEED,
    Interval,
    SequenceOf,
    StrOptions,
    validate_params,
    warn,
)
from toolkit.data.problems import FIRST_DATA_ROW, Problem, raise_problems
from toolkit.data.value_rules import value_problems
from toolkit.defaults import DEFAULT_MODEL, DEMO_SEED, SHORTLIST_SIZE

# Re-exported: the public names this module had before it was split by job (issue 17).
from toolkit.prioritise._candidate_table import (  # noqa: F401
    COST,
    DEFINITIONAL_REASON,
    OUTCOMES,
    RATE_MULTIPLIER,
    assemble_candidates,
    exclude_candidates,
    with_benchmark,
)
from toolkit.prioritise._cube_steps import (  # noqa: F401
    MIN_DECILES,
    check_columns_present,
    inequality_by_decile,
    min_max_criteria,
)
from toolkit.prioritise._definitional import (  # noqa: F401
    DEFINITIONAL_FLAGS,
    MODEL,
    definitional_outcomes,
    resolve_model,
)
from toolkit.prioritise.criteria import CANDIDATE_COLUMN, LABEL_COLUMN, Criterion

if TYPE_CHECKING:  # pragma: no cover
    from toolkit.segment import SegmentationModel

Within = Literal["quintile", "place"]

#: Outcomes used when none are named.
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "emergency_admissions",
    "ae_attendances",
    "bed_days",
    "deaths",
    "cost_gbp",
)

#: Extra key columns for each way of splitting a segment.
WITHIN: dict[str | None, tuple[str, ...]] = {
    None: (),
    "quintile": ("imd_quintile",),
    "place": ("place",),
}


def _indicators():
    """Import the statistics this module relies on (kept in one place)."""
    from toolkit import indicators

    return (
        indicators.directly_standardised_rate,
        indicators.slope_index_of_inequality,
        indicators.excess_events,
        indicators.core20_share,
    )


def _long_table(cube: pd.DataFrame, measures: Sequence[str], cohort: list[str]) -> pd.DataFrame:
    """Sum the cube over sex (and place, unless it is a key) and stack the outcomes."""
    keys = [*cohort, "age_band", "imd_decile"]
    frame = cube[[*dict.fromkeys([*keys, "persons", *measures])]]
    frame = frame.groupby(keys, dropna=False, observed=True, sort=True)[
        ["persons", *measures]
    ].sum()
    frame = frame.reset_index()
    long = frame.melt(
        id_vars=[*keys, "persons"],
        value_vars=list(measures),
        var_name="outcome",
        value_name="events",
    )
    return long


def _check_cube(cube: pd.DataFrame, needed: list[str], caller: str) -> None:
    """Refuse a cube lacking a column or breaking the contract's rules, as the readers word it.

    Every problem is listed in one :class:`DataContractError` with its failures table; rows
    are numbered as a spreadsheet of the cube would show them (the header is row 1).
    """
    label = f"The cube given to {caller}"
    check_columns_present(cube, needed, label=label, builder="toolkit.segment.build_cube")
    # The contract's own rules for the columns used (toolkit.data.value_rules), as the
    # readers and the engines check them; and at least one decile to rank by.
    problems = value_problems(cube, needed, table="cube", first_row=FIRST_DATA_ROW)
    if (
        "imd_decile" in needed
        and pd.to_numeric(cube["imd_decile"], errors="coerce").isin(range(1, 11)).sum() == 0
        and not any(problem.column == "imd_decile" for problem in problems)
    ):
        problems.append(
            Problem(
                column="imd_decile",
                check="has_deciles",
                sentence="column 'imd_decile' holds no decile from 1 (most deprived) to 10.",
            )
        )
    if problems:
        raise_problems(problems, label=label, source=None)


#: Constraints of the options the candidate functions share (see :func:`validate_params`).
_OUTCOMES = [
    SequenceOf(
        StrOptions(OUTCOMES),
        min_length=1,
        distinct=True,
        description="a non-empty sequence of distinct outcomes",
    )
]
_MODEL = MODEL
_YEARS = [POSITIVE]
_MIN_EVENTS = [Interval(Integral, 0, None, closed="left")]


@validate_params(
    {
        "data": ["data-frame"],
        "outcomes": _OUTCOMES,
        "within": [StrOptions({w for w in WITHIN if w}), None],
        "benchmark": ["data-frame", None],
        "years": _YEARS,
        "segment_labels": ["mapping", None],
        "min_events": _MIN_EVENTS,
        "model": _MODEL,
    },
    renamed={"cube": "data"},
)
def candidate_priorities(
    data: pd.DataFrame,
    *,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    within: Within | None = None,
    benchmark: pd.DataFrame | None = None,
    years: float = 1.0,
    segment_labels: Mapping[str, str] | None = None,
    min_events: int = 10,
    model: SegmentationModel | str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Build one row per candidate priority (cohort x outcome) with its criteria.

    Parameters
    ----------
    data : pandas.DataFrame
        The tidy segment cube (:func:`toolkit.segment.build_cube`): dimensions
        ``segment``, ``age_band`` (ESP2013 bands), ``imd_decile`` (1 = most deprived;
        missing where unknown), ``place`` (needed with ``within="place"``), other
        dimensions such as ``sex`` are summed over; measures ``persons``, ``cost_gbp``
        and each outcome.
    outcomes : sequence of str
        Outcomes, from :data:`OUTCOMES`; by default emergency admissions, A&E
        attendances, bed days, deaths and cost.
    within : {None, "quintile", "place"}
        Split each segment further: by deprivation quintile (1 = most deprived fifth,
        deciles 1-2) or by place. None (default) keeps whole segments.
    benchmark : pandas.DataFrame, optional
        Rates to compare with (England's, or a peer system's): columns ``outcome`` and
        ``rate`` (same units as the output's), optionally ``segment``. The output of this
        function on a peer's cube serves. Adds ``benchmark_rate`` and ``benchmark_gap``
        (rate / benchmark - 1). The column was called ``standardised_rate`` before this
        release: a benchmark with the old name is still read, with a ``FutureWarning``.
    years : float
        Years the cube covers; counts are divided by it to give figures a year.
    segment_labels : mapping of str to str, optional
        Readable segment names for the labels (for example
        ``toolkit.segment.load_rules("bridges_to_health").labels``). They override the
        model's labels where both name a segment.
    min_events : int
        Candidates with fewer events than this over the period are not candidates (10
        by default, the rule below which a standardised rate is not published).
    model : SegmentationModel, str or path, optional
        The segmentation model the cube was built with (a
        :class:`toolkit.segment.SegmentationModel`, a built-in model's name such as
        ``"bridges_to_health"``, or a rules file). Its labels name the segments, and a
        candidate whose outcome the segment's rules use is left out as true by
        construction (see :func:`definitional_outcomes`). None (default): no such check,
        as the segments' definitions are unknown.

    Returns
    -------
    pandas.DataFrame
        One row per candidate, with ``candidate`` (id), ``label`` (plain English),
        ``cohort_label`` and ``outcome_label`` (the two halves of the label, for short
        references), ``segment``, ``imd_quintile`` or ``place`` when split, ``outcome`` and:

        - ``persons``: persons in the cohort;
        - ``events_a_year``: the outcome a year (pounds for cost);
        - ``burden_share``: the cohort's share of the system's events of that outcome;
        - ``rate``, ``rate_lower_95``, ``rate_upper_95``: the directly age-standardised
          rate (ESP2013 over the age bands the cohort occupies) per 1,000 people a year,
          or pounds per person a year for cost (no limits); ``rate_unit`` says which
          ("per 1,000 people a year" or "£ per person a year"). The rate was called
          ``standardised_rate`` before this release;
        - ``system_rate`` and ``rate_ratio``: the whole population's rate standardised
          over the same bands, and the cohort's rate as a multiple of it (age for age);
        - ``cost_a_year``, ``cost_per_head``: the cohort's cost of care (all activity);
        - ``sii``, ``rii``: slope and relative index of inequality of the rate across
          IMD deciles within the segment (published sign: negative when the most
          deprived have higher rates); ``relative_gap`` = -sii / the segment's rate;
        - ``excess_events_a_year``, ``excess_share``: events a year above what each
          decile would have at the least deprived decile's age-specific rates
          (:func:`toolkit.indicators.excess_events`; deciles doing better count 0), and
          their share of the events; ``excess_cost_a_year``: the same for the cohort's
          cost;
        - ``core20_share``: share of the events among people in the most deprived fifth;
        - ``benchmark_rate``, ``benchmark_gap`` when a benchmark is given;
        - ``deciles_used`` and ``note``: deciles that entered the inequality measures
          and what was left out.

        Candidates that are true by construction (given ``model``: reason "the segment
        is defined by this outcome") or cannot be assessed (fewer than ``min_events``
        events, or fewer than 5 deciles with a published rate for the SII) are not
        returned; they are listed in ``.attrs["excluded"]`` (``candidate``, ``label``,
        ``events``, ``reason`` and ``detail``, the rule concerned) and a warning says
        how many. ``.attrs["persons_without_decile"]`` counts persons with no IMD
        decile (in no candidate when split by quintile, which warns);
        ``.attrs["segmentation_model"]`` names the model (None without one) and
        ``.attrs["unchecked_segments"]`` lists segments of the cube that the model does
        not assign (not checked for definitional outcomes; this warns).

    Notes
    -----
    Excess events come from :func:`toolkit.indicators.excess_events` (indirect
    standardisation to the least deprived decile's age-specific rates, within each
    segment, or each segment in a place with ``within="place"``); each candidate sums
    the positive excesses of its deciles. Deciles whose standardised rate is not
    published (fewer than 10 events) are left out of the SII and named in ``note``.
    Persons with no IMD decile count in the burden and rates but not in the inequality
    measures. With ``within="quintile"`` the SII, RII and relative gap are the whole
    segment's.
    """
    caller = "candidate_priorities"
    outcomes = tuple(outcomes)
    split = WITHIN[within]
    needed = ["segment", "age_band", "imd_decile", "persons", COST, *outcomes]
    if within == "place":
        needed.append("place")
    _check_cube(data, list(dict.fromkeys(needed)), caller)
    segmentation = resolve_model(model, caller)
    labels = {
        **(dict(segmentation.labels) if segmentation is not None else {}),
        **dict(segment_labels or {}),
    }
    dsr, sii_of, excess_of, core20_of = _indicators()
    measures = list(dict.fromkeys([*outcomes, COST]))
    place_key = ["place"] if within == "place" else []
    long = _long_table(data, measures, ["segment", *place_key])
    long["imd_decile"] = pd.to_numeric(long["imd_decile"], errors="coerce")
    long["imd_quintile"] = np.ceil(long["imd_decile"] / 2)
    cohort = ["segment", *split]
    keys = [*cohort, "outcome"]
    segment_keys = ["segment", *place_key, "outcome"]
    long_all = long
    known = long[long["imd_decile"].notna()].copy()
    known["imd_decile"] = known["imd_decile"].astype("int64")
    if within == "quintile":
        long = known.assign(imd_quintile=known["imd_quintile"].astype("int64"))

    # Rates of each candidate, of its segment (for the relative gap), and by decile.
    rates = dsr(
        long, events="events", population="persons", age_band="age_band", by=keys, multiplier=1
    )
    segment_rates = dsr(
        long,
        events="events",
        population="persons",
        age_band="age_band",
        by=segment_keys,
        multiplier=1,
    )
    decile_rates = dsr(
        known, events="events", population="persons", age_band="age_band",
        by=[*segment_keys, "imd_decile"], multiplier=1,
    )  # fmt: skip

    # The whole population's rate over each candidate's own age bands.
    system = long.groupby(["outcome", "age_band"], observed=True)[["events", "persons"]].sum()
    occupied = long.loc[long["persons"] > 0, [*keys, "age_band"]].drop_duplicates()
    comparator = occupied.join(system, on=["outcome", "age_band"])
    system_rates = dsr(
        comparator,
        events="events",
        population="persons",
        age_band="age_band",
        by=keys,
        multiplier=1,
    )[[*keys, "value"]].rename(columns={"value": "system_rate"})

    inequality = inequality_by_decile(decile_rates, segment_keys, sii_of)
    excess = _excess(known, segment_keys, within, excess_of)
    result = rates.merge(system_rates, on=keys, how="left")
    segment_rate = segment_rates[[*segment_keys, "value"]].rename(columns={"value": "segment_rate"})
    result = result.merge(
        inequality.merge(segment_rate, on=segment_keys), on=segment_keys, how="left"
    )
    result = result.merge(excess, on=keys, how="left")
    totals = long.groupby(keys, observed=True)["events"].sum()
    core20 = core20_of(known, events="events", by=keys)[[*keys, "event_share"]]
    result = result.merge(core20.rename(columns={"event_share": "_core20"}), on=keys, how="left")
    result = result.join(totals.rename("_events"), on=keys)
    system_totals = long.groupby("outcome", observed=True)["events"].sum().rename("_system")
    result = result.join(system_totals, on="outcome")
    cost = result.loc[result["outcome"] == COST, [*cohort, "_events", "_excess"]].rename(
        columns={"_events": "_cost", "_excess": "_excess_cost"}
    )
    result = result.merge(cost, on=cohort, how="left")
    result = result[result["outcome"].isin(outcomes)].reset_index(drop=True)
    table = assemble_candidates(result, cohort, within, years, labels)
    if benchmark is not None:
        table = with_benchmark(table, benchmark, caller)
    unchecked: list[str] = []
    definitions = None
    if segmentation is not None:
        definitions = definitional_outcomes(segmentation, outcomes=outcomes)
        present = pd.unique(data["segment"].dropna().astype(str))
        unchecked = sorted(set(present) - set(segmentation.segments))
        if unchecked:
            warn(
                f"{caller}: the cube has segments {unchecked[:5]} that the segmentation model "
                f"{segmentation.name!r} does not assign, so their candidates were not checked "
                "for outcomes that define them; pass the model the cube was built with "
                "(see .attrs['unchecked_segments']).",
                UserWarning,
                stacklevel=2,
            )
    total = len(table)
    table, excluded = exclude_candidates(table, min_events, definitions)
    by_definition = int((excluded["reason"] == DEFINITIONAL_REASON).sum())
    if by_definition:
        examples = excluded.loc[excluded["reason"] == DEFINITIONAL_REASON, CANDIDATE_COLUMN]
        warn(
            f"{caller}: {by_definition} of {total} candidates are true by construction (the "
            f"segment is defined by the outcome, e.g. {examples.iloc[0]!r}) and were left out; "
            "see .attrs['excluded'].",
            UserWarning,
            stacklevel=2,
        )
    if len(excluded) > by_definition:
        warn(
            f"{caller}: {len(excluded) - by_definition} of {total} candidates could not be "
            "assessed and were left out (too few events, or too few deciles with a published "
            "rate); see .attrs['excluded'] for which and why.",
            UserWarning,
            stacklevel=2,
        )
    unplaced = float(long_all["persons"].where(long_all["imd_decile"].isna(), 0).sum()) / len(
        measures
    )
    if within == "quintile" and unplaced > 0:
        warn(
            f"{caller}: {unplaced:,.0f} persons have no IMD decile, so no quintile: they are in "
            "no candidate of this split (see .attrs['persons_without_decile']).",
            UserWarning,
            stacklevel=2,
        )
    table.attrs = {
        "excluded": excluded,
        "persons_without_decile": unplaced,
        "segmentation_model": None if segmentation is None else segmentation.name,
        "unchecked_segments": unchecked,
    }
    return table


def _excess(known: pd.DataFrame, segment_keys: list[str], within: str | None, excess_of):
    """Excess events per candidate: positive excesses of its deciles, summed."""
    # Every excess is used, as before the reference's small-number check: a segment's
    # candidates have no note of their own to say why an excess would count as 0.
    per_decile = excess_of(known, events="events", by=segment_keys, min_reference_events=0)
    per_decile["_excess"] = per_decile["excess"].clip(lower=0)
    keys = segment_keys
    if within == "quintile":
        per_decile["imd_quintile"] = ((per_decile["imd_decile"] + 1) // 2).astype("int64")
        keys = ["segment", "imd_quintile", "outcome"]
    return per_decile.groupby(keys, observed=True)["_excess"].sum(min_count=1).reset_index()


@validate_params({"candidates": ["data-frame", None]})
def cube_criteria(candidates: pd.DataFrame | None = None) -> list[Criterion]:
    """Return the criteria computed by :func:`candidate_priorities`, declared for scoring.

    Each is a share, ratio or relative gap, so that candidates about different outcomes
    compare fairly; all are "benefit" (more = more of a priority), min-max normalised,
    with default weight 1.

    Parameters
    ----------
    candidates : pandas.DataFrame, optional
        The candidates; ``benchmark_gap`` is included when it has that column.

    Returns
    -------
    list of Criterion
    """
    rows = [
        (
            "burden_share",
            "benefit",
            "The cohort's share of all the system's events of this outcome.",
            "share of the system's burden",
        ),
        (
            "rate_ratio",
            "benefit",
            "Age-standardised rate as a multiple of the whole population's, age for age.",
            "rate compared with the whole population",
        ),
        (
            "cost_per_head",
            "benefit",
            "Cost of the cohort's care per person a year.",
            "cost per head",
        ),
        (
            "excess_share",
            "benefit",
            "Share of events that would not happen if every decile had the least deprived "
            "decile's rate.",
            "excess in more deprived areas",
        ),
        (
            "relative_gap",
            "benefit",
            "Gap in rates from the most to the least deprived end (minus the SII), "
            "relative to the segment's rate.",
            "gap between most and least deprived",
        ),
        (
            "core20_share",
            "benefit",
            "Share of events among people in the most deprived fifth (Core20).",
            "Core20 share",
        ),
    ]
    if candidates is not None and "benchmark_gap" in candidates.columns:
        rows.append(
            (
                "benchmark_gap",
                "benefit",
                "How far the rate is above the benchmark (rate / benchmark - 1).",
                "gap to the benchmark",
            )
        )
    return min_max_criteria(rows)


@validate_params(
    {
        "data": ["data-frame"],
        "size": [Interval(Integral, 1, None, closed="left")],
        "outcomes": _OUTCOMES,
        "draws": [Interval(Integral, 1, None, closed="left")],
        "seed": [SEED],
        "segment_labels": ["mapping", None],
        "analyst_scores": ["data-frame", None],
        "years": _YEARS,
        "model": _MODEL,
        "per_cohort": [Interval(Integral, 1, None, closed="left"), None],
    },
    renamed={"cube": "data"},
)
def demo_shortlist(
    data: pd.DataFrame,
    *,
    size: int = SHORTLIST_SIZE,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    draws: int = 10_000,
    seed: int = DEMO_SEED,
    segment_labels: Mapping[str, str] | None = None,
    analyst_scores: pd.DataFrame | None = None,
    years: float = 1.0,
    model: SegmentationModel | str | os.PathLike[str] | None = DEFAULT_MODEL,
    per_cohort: int | None = 1,
) -> pd.DataFrame:
    """Return the shortlist of a cube at default weights, with reasons and robustness.

    The three or four calls a demo, notebook or report makes, in one: candidates from
    the cube (leaving out those true by construction of their segment), default criteria
    at equal weights (plus the analyst criteria when scores are given), the shortlist of
    distinct cohorts with reasons and related outcomes, and the chance of each being in
    that shortlist under Dirichlet-sampled weights (same rule).

    Parameters
    ----------
    data : pandas.DataFrame
        The segment cube (:func:`toolkit.segment.build_cube`).
    size : int
        Shortlist size (5 by default, at most 7).
    outcomes : sequence of str
        Outcomes, as for :func:`candidate_priorities`.
    draws : int
        Weight draws for the shortlist probabilities.
    seed : int
        Seed of the draws.
    segment_labels : mapping of str to str, optional
        Readable segment names; by default the model's labels.
    analyst_scores : pandas.DataFrame, optional
        The output of :func:`toolkit.prioritise.read_criteria_scores`, joined on
        ``candidate`` and scored with :data:`toolkit.prioritise.ANALYST_CRITERIA`.
    years : float
        Years the cube covers.
    model : SegmentationModel, str, path or None
        The segmentation model the cube was built with: ``"bridges_to_health"`` (the
        demo system's) by default. Candidates whose outcome defines their segment are
        left out (see :func:`candidate_priorities`); None skips that check.
    per_cohort : int or None
        Most shortlisted candidates per cohort: 1 by default, so that the shortlist
        covers distinct cohorts; None for the plain top ``size``.

    Returns
    -------
    pandas.DataFrame
        One row per shortlisted candidate, best first: ``position`` (1 to ``size``, its
        place in the shortlist; called ``rank`` before this release), ``candidate``,
        ``label``, ``score``, ``p_shortlist`` (share of weight draws in which it is in
        the shortlist, under the same per-cohort rule), ``reason``, ``related`` (labels
        of the candidates skipped for its cohort, "; " separated) and ``overall_rank``
        (its rank among all candidates, which the reasons' "2nd overall" refer to; the
        ``rank`` of :func:`shortlist`). ``.attrs`` holds
        ``excluded`` (the candidates left out, with the reason), ``candidates`` (all
        assessed candidates), ``acceptability`` (the :class:`RankAcceptability`),
        ``seed`` and ``per_cohort``.
    """
    from toolkit.prioritise.robustness import acceptability_of_model
    from toolkit.prioritise.scoring import ScoringModel, shortlist
    from toolkit.prioritise.templates import ANALYST_CRITERIA

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        candidates = candidate_priorities(
            data, outcomes=outcomes, segment_labels=segment_labels, years=years, model=model
        )
    excluded = candidates.attrs.get("excluded")
    criteria = cube_criteria(candidates)
    if analyst_scores is not None:
        names = [spec.name for spec in ANALYST_CRITERIA]
        candidates = candidates.merge(
            analyst_scores[["candidate", *names]], on="candidate", how="left", validate="1:1"
        )
        criteria += [spec.criterion for spec in ANALYST_CRITERIA]
    scoring = ScoringModel(candidates, criteria=criteria)
    scored = scoring.to_frame()
    top = shortlist(scored, size=size, per_cohort=per_cohort)
    acceptability = acceptability_of_model(
        scoring, draws=draws, size=size, seed=seed, per_cohort=per_cohort
    )
    chance = dict(zip(acceptability.candidates, acceptability.p_shortlist.tolist(), strict=True))
    columns = ["position", CANDIDATE_COLUMN, LABEL_COLUMN, "score", "p_shortlist", "reason"]
    result = top.assign(
        p_shortlist=top[CANDIDATE_COLUMN].map(chance).astype("float64"),
        overall_rank=top["rank"],
    )[[*columns, "related", "overall_rank"]]
    result.attrs = {
        "excluded": excluded,
        "candidates": candidates,
        "acceptability": acceptability,
        "seed": seed,
        "per_cohort": per_cohort,
    }
    return result
